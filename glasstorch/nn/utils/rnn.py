"""``torch.nn.utils.rnn``: padding, and ``PackedSequence`` for batches of sequences of different lengths.

A packed batch stores its sequences time step by time step, longest first: ``data`` holds, for
t = 0, 1, ..., the t-th element of every sequence still running at t, and ``batch_sizes[t]`` says
how many there are.  The recurrent layers take it and skip the padding.
"""
import collections

import numpy as np

from ...autograd.graph import Node
from ...ops._common import GRAD, _wrap, record1

__all__ = ["PackedSequence", "pack_padded_sequence", "pad_packed_sequence", "pad_sequence", "pack_sequence",
           "unpad_sequence", "unpack_sequence", "invert_permutation"]


class PackedSequence(collections.namedtuple("PackedSequence_",
                                            ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])):
    """(data, batch_sizes, sorted_indices, unsorted_indices); the indices are None when the batch
    came sorted by length, else the permutation to sorted order and its inverse."""

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        if batch_sizes is not None:
            if batch_sizes.device.type != "cpu":    # as torch: a list of sizes fails here (AttributeError)
                raise ValueError("batch_sizes should always be on CPU. Instances of PackedSequence should never be "
                                 "created manually. They should be instantiated by functions like pack_sequence and "
                                 "pack_padded_sequences in nn.utils.rnn. "
                                 "https://pytorch.org/docs/stable/nn.html#torch.nn.utils.rnn.pack_sequence")
        else:                                   # PackedSequence((data, batch_sizes)) form
            if not (isinstance(data, (list, tuple)) and len(data) == 2):
                raise AssertionError("Expected data to be a list or tuple of length 2")
            data, batch_sizes = data[0], data[1]
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args, **kwargs):
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        return type(self)(data, self.batch_sizes, self.sorted_indices, self.unsorted_indices)

    def cpu(self, *args, **kwargs):
        return self

    def cuda(self, *args, **kwargs):
        return self.to("cuda")

    def double(self):
        return self.to(dtype=_dtype("float64"))

    def float(self):
        return self.to(dtype=_dtype("float32"))

    def half(self):
        return self.to(dtype=_dtype("float16"))

    def long(self):
        return self.to(dtype=_dtype("int64"))

    def int(self):
        return self.to(dtype=_dtype("int32"))

    def short(self):
        return self.to(dtype=_dtype("int16"))

    def char(self):
        return self.to(dtype=_dtype("int8"))

    def byte(self):
        return self.to(dtype=_dtype("uint8"))

    @property
    def is_cuda(self):
        return False

    def is_pinned(self):
        return False


def _dtype(name):
    from ... import _dtype as dt
    return getattr(dt, name)


def invert_permutation(permutation):
    if permutation is None:
        return None
    import glasstorch
    out = glasstorch.empty_like(permutation)
    out._data[permutation._data] = np.arange(permutation.numel())
    return out


# ---- packing ---------------------------------------------------------------------------------------
class PackPaddedSequenceBackward0(Node):
    """data = the running rows of each time step of input   ->   dinput = g scattered back, 0 on padding"""
    __slots__ = ("shape", "batch_sizes", "batch_first")

    def backward(self, g):
        tm_shape = (self.shape[1], self.shape[0]) + tuple(self.shape[2:]) if self.batch_first else self.shape
        if len(self.batch_sizes) > tm_shape[0]:      # packed with a length beyond the padded one
            raise IndexError(f"select(): index {tm_shape[0]} out of range for tensor of size "
                             f"[{', '.join(map(str, tm_shape))}] at dimension 0")
        if not isinstance(g, (np.ndarray, np.generic)):
            import glasstorch
            z = glasstorch.zeros(self.shape if not self.batch_first else (self.shape[1], self.shape[0]) +
                                 tuple(self.shape[2:]), dtype=g.dtype)
            off = 0
            for t, bs in enumerate(self.batch_sizes):
                z[t, :bs] = g[off:off + bs]
                off += bs
            return (z.transpose(0, 1) if self.batch_first else z,)
        tm = np.zeros((self.shape[1], self.shape[0]) + tuple(self.shape[2:]) if self.batch_first else self.shape,
                      g.dtype)
        off = 0
        for t, bs in enumerate(self.batch_sizes):
            tm[t, :bs] = g[off:off + bs]
            off += bs
        return (np.swapaxes(tm, 0, 1) if self.batch_first else tm,)


def _pack(input, lengths, batch_first):
    """The ``data`` and ``batch_sizes`` of a batch sorted by decreasing length."""
    x = input._data
    tm = np.swapaxes(x, 0, 1) if batch_first else x
    sizes = [int((lengths > t).sum()) for t in range(int(lengths[0]))]
    # lengths beyond the padded length are not checked: as torch's slices, the steps past it add no rows
    data = np.concatenate([tm[t, :bs] for t, bs in enumerate(sizes[:tm.shape[0]])], 0) if sizes else tm[:0, 0]
    r = _wrap(np.ascontiguousarray(data))
    if GRAD.enabled and input._rg:
        node = PackPaddedSequenceBackward0()
        node.shape, node.batch_sizes, node.batch_first = x.shape, sizes, batch_first
        record1(node, r, input)
    return r, _wrap(np.asarray(sizes, np.int64))


def _check_pack_args(input, lengths):
    """torch's kernel checks, in its order: ``input`` is time-major here, ``lengths`` int64 and sorted
    when it came with enforce_sorted=False (only the last length is checked to be positive)."""
    batch = input.size(1)
    if lengths.dim() != 1:
        raise RuntimeError(f"'lengths' argument should be a 1D CPU int64 tensor, but got {lengths.dim()}D cpu Long "
                           "tensor")
    if input.numel() == 0:
        raise RuntimeError("Cannot pack empty tensors.")
    lens = lengths._data
    if lens.size != batch:
        raise RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got {lens.size} (batch_size="
                           f"{batch})")
    if lens[-1] <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an element in 'lengths' "
                           "that is <= 0")
    if np.any(np.diff(lens) > 0):          # only reachable with enforce_sorted=True
        raise RuntimeError("`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You "
                           "can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to "
                           "sidestep this requirement if you do not need ONNX exportability.")


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    """Pack a padded batch (T, B, *) ((B, T, *) with batch_first) whose b-th sequence is lengths[b] long."""
    import glasstorch
    if not isinstance(lengths, glasstorch.Tensor):
        lengths = glasstorch.as_tensor(lengths, dtype=glasstorch.int64)
    else:
        lengths = lengths.to(glasstorch.int64)
    if enforce_sorted:
        sorted_indices = None
    else:
        lengths, sorted_indices = glasstorch.sort(lengths, descending=True)
        input = input.index_select(0 if batch_first else 1, sorted_indices)
    _check_pack_args(input.transpose(0, 1) if batch_first else input, lengths)
    data, batch_sizes = _pack(input, lengths._data, batch_first)
    return PackedSequence(data, batch_sizes, sorted_indices, None)


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """Undo ``pack_padded_sequence``: returns (padded batch, lengths), in the batch's original order."""
    import glasstorch
    batch_sizes, data = sequence.batch_sizes._data, sequence.data      # (torch reads batch_sizes first)
    max_len = len(batch_sizes)
    if total_length is not None:
        if total_length < max_len:
            raise ValueError("Expected total_length to be at least the length of the longest sequence in input, "
                             f"but got total_length={total_length} and max sequence length being {max_len}")
        max_len = total_length
    batch = int(batch_sizes[0])
    out = glasstorch.full((max_len, batch) + tuple(data.shape[1:]), padding_value, dtype=data.dtype)
    off = 0
    for t, bs in enumerate(batch_sizes.tolist()):
        out[t, :bs] = data[off:off + bs]      # in-place writes: the graph runs through CopySlices, as torch's
        off += bs
    lengths = np.array([(batch_sizes > b).sum() for b in range(batch)], np.int64)
    if batch_first:
        out = out.transpose(0, 1)
    lengths = _wrap(lengths)
    if sequence.unsorted_indices is not None:
        out = out.index_select(0 if batch_first else 1, sequence.unsorted_indices)
        lengths = lengths[sequence.unsorted_indices]
    return out, lengths


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """Stack variable-length sequences (L_i, *) into (L_max, B, *) or (B, L_max, *)."""
    import glasstorch
    if not isinstance(sequences, collections.abc.Iterable):
        raise RuntimeError(f"pad_sequence: Expected iterable for input sequences, but got arg of type: "
                           f"{type(sequences)}")
    sequences = tuple(sequences)
    # torch's argument parser: a list of tensors and a float (a Python number or a 0-dim tensor)
    from ..._arg_parser import tp_name
    for i, s in enumerate(sequences):
        if not isinstance(s, glasstorch.Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {tp_name(s)}")
    if not isinstance(padding_value, (int, float, np.number, glasstorch.Tensor)):
        raise TypeError(f"pad_sequence(): argument 'padding_value' (position 3) must be float, not "
                        f"{tp_name(padding_value)}")
    padding_value = float(padding_value)            # (a double: converted to the dtype with torch's checks)
    if not sequences:
        raise RuntimeError("received an empty list of sequences")
    if padding_side not in ("left", "right"):
        raise RuntimeError(f"Expected padding_side to be one of left or right, but got {padding_side}.")
    # as torch: a tensor of the first sequence's dtype and trailing dims, filled with the padding value,
    # into which each sequence is copied (broadcasting, and recorded as CopySlices)
    first = sequences[0]
    if first.dim() == 0:
        raise RuntimeError("ArrayRef: invalid slice, N = 1; size = 0")
    if any(s.dim() == 0 for s in sequences):
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    max_len = max(s.shape[0] for s in sequences)
    lead = (len(sequences), max_len) if batch_first else (max_len, len(sequences))
    out = glasstorch.full(lead + tuple(first.shape[1:]), padding_value, dtype=first.dtype)
    for i, s in enumerate(sequences):
        n = s.shape[0]
        rows = slice(0, n) if padding_side == "right" else slice(max_len - n, max_len)
        out[(i, rows) if batch_first else (rows, i)].copy_(s)
    return out


def pack_sequence(sequences, enforce_sorted=True):
    """Pack a list of sequences (L_i, *) directly."""
    lengths = [v.size(0) for v in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    """The list of sequences, each cut to its length, of a padded batch."""
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    _ = lengths.device          # as torch, which builds its mask on lengths' device: a list fails here
    return [seq[:int(n)] for seq, n in zip(padded_sequences, lengths)]


def unpack_sequence(packed_sequences):
    """The list of sequences in a ``PackedSequence``."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
