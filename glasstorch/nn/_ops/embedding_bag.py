"""``F.embedding_bag`` (``EmbeddingBagBackward0``): sums, means or maxima of bags of embedding rows.

A bag is a run of indices: ``input[offsets[b]:offsets[b + 1]]`` for 1-D input, one row for 2-D
input.  Indices equal to ``padding_idx`` are left out (and not counted by the mean).  Sums run in
index order, as torch's kernel does, with per-sample weights applied by fused multiply-adds; the
mean divides the sum by the bag's size."""
import numpy as np

from ..._rng_fma import fma64
from ...autograd.graph import Node
from ...ops._common import GRAD, Tensor, _wrap, fma32, record
from ...ops._norm_order import norm2_lastdim
from ...ops.shape import is_array

_MODES = {"sum": 0, "mean": 1, "max": 2}


def _bag_double_node():
    """torch records EmbeddingBagBackwardBackward0, whose backward raises (no derivative is defined)."""
    from ...autograd._double_guard import NotImplemented
    cls = _BAG_DOUBLE.get("cls")
    if cls is None:
        cls = _BAG_DOUBLE["cls"] = type("EmbeddingBagBackwardBackward0", (NotImplemented,), {
            "__slots__": (), "name": lambda self: "EmbeddingBagBackwardBackward0"})
    return cls


_BAG_DOUBLE = {}


class EmbeddingBagBackward0(Node):
    """y_b = reduce_{j in bag b} w_j W[idx_j]   ->   dW[idx_j] += g_b * w_j (sum), g_b * w_j / |b| (mean),
    g_b at the argmax (max);  dw_j = <g_b, W[idx_j]>"""
    __slots__ = ("idx", "bag", "size", "mode", "num", "psw", "argmax", "keep", "weight", "sparse", "freq")

    def backward(self, g):
        self.saved()            # (torch saves the indices: freed after a backward, version-checked)
        if g.shape[0] == 0:          # no bags (include_last_offset with a single offset): nothing flows back
            z = g.new_zeros if not is_array(g) else (lambda s: np.zeros(s, g.dtype))
            return (z((self.num, g.shape[1])) if self.needs_input_grad(0) else None,
                    z(self.idx.shape) if self.psw is not None and self.needs_input_grad(1) else None)
        gw = self._weight_grad(g) if self.needs_input_grad(0) else None
        if gw is not None and not is_array(g):
            # torch's _embedding_bag_backward has no derivative: differentiating the weight's gradient raises
            from ...autograd._double_guard import refused
            gw = refused(gw._data, "the derivative for '_embedding_bag_backward' is not implemented.", g,
                         exc=NotImplementedError, node_cls=_bag_double_node())
        gp = None
        if self.psw is not None and self.needs_input_grad(1):
            w = self.weight._data
            gnp = g if is_array(g) else g._data
            gp = np.einsum("ij,ij->i", gnp[self.bag], w[self.idx]).astype(gnp.dtype)
            gp[~self.keep] = 0
            if not is_array(g):      # torch has no derivative of this gradient: differentiating it raises
                from ...autograd._double_guard import refused
                gp = refused(gp, "derivative for aten::_embedding_bag_per_sample_weights_backward is not "
                             "implemented", g, self.weight)
        return gw, gp

    def needs_input_grad(self, i):
        return i < len(self.next_functions) and self.next_functions[i][0] is not None

    def _weight_grad(self, g):
        if not is_array(g):          # a graph of the backward is being recorded: use differentiable ops
            m = self.m
            if self.mode == 2:
                return _max_grad_tensor(m, g, self.argmax, self.num)
            scale = m.tensor(self._scales(g.dtype.np if hasattr(g.dtype, "np") else np.float32))
            rows = g[m.tensor(self.bag[self.keep])] * scale[m.tensor(np.nonzero(self.keep)[0])].unsqueeze(1)
            return m.zeros(self.num, g.shape[1], dtype=g.dtype).index_add(0, m.tensor(self.idx[self.keep]), rows)
        if self.sparse:         # (max mode refuses sparse=True in the forward)
            from ...sparse._embedding import FREQ, sparse_bag_grad
            if self.freq:
                raise RuntimeError(FREQ)
            return sparse_bag_grad(g, self.idx, self.bag, self.size, self.mode == 1, self.psw, self.keep, self.num)
        d = g.shape[1]
        gw = np.zeros((self.num, d), g.dtype)
        if self.mode == 2:
            cols = np.broadcast_to(np.arange(d), self.argmax.shape)
            ok = self.argmax >= 0
            np.add.at(gw, (self.argmax[ok], cols[ok]), g[ok])
            return gw
        # torch visits each distinct index (ascending) and adds scale * g_bag for each occurrence,
        # as a multiply-add; occurrences of one index come in the order of its indices.sort() (unstable)
        from ...ops.sorting import _order
        scales = self._scales(g.dtype)
        order = _order(self.idx, 0, False, False)
        order = order[self.keep[order]]
        if not order.size:
            return gw
        rows, src, sc = self.idx[order], self.bag[order], scales[order]
        # the k-th occurrence of each index, for all indices at once
        first = np.r_[True, rows[1:] != rows[:-1]]
        start = np.maximum.accumulate(np.where(first, np.arange(rows.size), 0))
        rank = np.arange(rows.size) - start
        for k in range(int(rank.max()) + 1):
            sel = rank == k
            r = rows[sel]
            if g.dtype == np.float32:
                gw[r] = fma32(sc[sel][:, None], g[src[sel]], gw[r])
            elif g.dtype == np.float64:          # (torch's double axpy contracts to FMA as well)
                gw[r] = fma64(sc[sel][:, None], g[src[sel]], gw[r])
            else:
                gw[r] = sc[sel][:, None] * g[src[sel]] + gw[r]
        return gw

    def _scales(self, dt):
        """Per position: the sample weight (or 1), divided (in double) by the bag size for the mean."""
        s = np.ones(self.idx.shape, np.float64) if self.psw is None else self.psw.astype(np.float64)
        if self.freq:
            # torch divides by counts[sorted_indices[u]], u the rank of the position's index among the
            # distinct indices (its loop counter), not by the index's own count (EmbeddingBag.cpp)
            idx = self.idx.ravel()
            rank = np.unique(idx, return_inverse=True)[1].reshape(self.idx.shape)
            s = s / np.bincount(idx, minlength=self.num)[np.sort(idx)[rank]]
        if self.mode == 1:
            n = self.size[self.bag]
            s = np.where(n != 0, s / np.where(n != 0, n, 1), s)
        return s.astype(dt)


def _max_grad_tensor(m, g, argmax, num):
    out = m.zeros(num, g.shape[1], dtype=g.dtype)
    ok = argmax >= 0
    flat_idx = argmax[ok] * g.shape[1] + np.broadcast_to(np.arange(g.shape[1]), argmax.shape)[ok]
    return out.reshape(-1).index_add(0, m.tensor(flat_idx), g[m.tensor(ok)]).reshape(num, g.shape[1])


def _bags(idx, offsets, include_last_offset, n_idx):
    """The bag of each index position and the number of bags (torch's offset2bag)."""
    offs = offsets[:-1] if include_last_offset else offsets
    n_bags = offs.size
    bag = np.searchsorted(offs, np.arange(n_idx), side="right") - 1
    return bag.astype(np.int64), n_bags


def renorm_rows(weight, idx, max_norm, norm_type):
    """torch's embedding_renorm_: rows used by ``idx`` whose norm exceeds max_norm are scaled in place."""
    w = weight._data
    rows = np.unique(idx)
    # torch reads each row's norm back as a double and works out the scale in double
    norms = (norm2_lastdim(w[rows]) if norm_type == 2 and w.dtype.kind == "f" else
             np.linalg.norm(w[rows], ord=norm_type, axis=1)).astype(np.float64)
    scale = np.where(norms > max_norm, max_norm / (norms + 1e-7), 1.0).astype(w.dtype)
    w[rows] *= scale[:, None]
    weight._vc[0] += 1


def _check_index_types(idx, offs):
    """torch promotes indices and offsets to one type (``result_type``), then asks for Long or Int: int16
    indices pass with int64 offsets, not with int16 ones."""
    from ... import _dtype as dt
    from .embedding_checks import check_index_dtype
    common = idx.dtype if offs is None else dt._promote_pair(dt.FROM_NP[idx.dtype], dt.FROM_NP[offs.dtype]).np
    check_index_dtype(np.dtype(common), 1, "embedding_bag")


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False, mode="mean",
                  sparse=False, per_sample_weights=None, include_last_offset=False, padding_idx=None):
    if weight.dtype.name == "int64" and input.is_floating_point():
        import warnings      # the old argument order, which torch still accepts with a warning
        warnings.warn("Argument order of nn.functional.embedding_bag was changed. Usage `embedding_bag(weight, input, "
                      "...)` is deprecated, and should now be `embedding_bag(input, weight, ...)`.", stacklevel=2)
        input, weight = weight, input
    if per_sample_weights is not None and tuple(input.shape) != tuple(per_sample_weights.shape):
        raise ValueError(f"embedding_bag: If per_sample_weights ({per_sample_weights.shape}) is not None, then it "
                         f"must have the same shape as the input ({input.shape})")
    if weight.dim() != 2:
        raise ValueError(f"weight has to be a 2D Tensor, but got Tensor of dimension {weight.dim()}")
    from ...autograd._no_forward_ad import refuse_forward_ad      # no forward formula in torch's derivatives.yaml
    # torch runs _embedding_bag_forward_only when the weight has neither a gradient nor a tangent
    refuse_forward_ad("_embedding_bag" if weight.requires_grad else "_embedding_bag_forward_only", weight,
                      per_sample_weights)
    idx = input._data
    psw = None if per_sample_weights is None else per_sample_weights._data
    if idx.ndim == 2:
        if offsets is not None:
            kind = "<class 'torch.Tensor'>" if isinstance(offsets, Tensor) else str(type(offsets))
            raise ValueError("if input is 2D, then offsets has to be None, as input is treated is a mini-batch of "
                             f"fixed length sequences. However, found offsets of type {kind}")
        if idx.dtype.kind == "b":       # torch makes the offsets with arange in the input's dtype
            raise NotImplementedError("\"arange_cpu\" not implemented for 'Bool'")
        offs_dtype = idx.dtype
        if not idx.shape[1]:            # torch.arange(0, input.numel(), input.size(1)) with a zero step
            raise RuntimeError("step must be nonzero")
        offs = np.arange(0, idx.size, idx.shape[1], dtype=np.int64)
        include_last_offset = False
        idx = idx.reshape(-1)
        psw = None if psw is None else psw.reshape(-1)
    elif idx.ndim == 1:
        if offsets is None:
            raise ValueError("offsets has to be a 1D Tensor but got None")
        if offsets.dim() != 1:
            raise ValueError("offsets has to be a 1D Tensor")
        offs = offsets._data.astype(np.int64)
        offs_dtype = offsets._data.dtype
    else:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension {idx.ndim}")
    if mode not in _MODES:
        raise ValueError("mode has to be one of sum, mean or max")
    if mode == "max" and scale_grad_by_freq:
        raise ValueError("max mode does not support scaling the gradient by the frequency")
    if mode == "max" and sparse:
        raise ValueError("max mode does not support sparse weights")
    if max_norm is not None:            # F.embedding_bag renorms before the kernel checks its index types
        from .embedding_checks import check_renorm
        check_renorm(idx, weight._data)
    if max_norm is not None:
        renorm_rows(weight, idx, max_norm, norm_type)
    if psw is not None and mode != "sum":
        raise NotImplementedError("embedding_bag: per_sample_weights was not None. per_sample_weights is only "
                                  f"supported for mode='sum' (got mode='{mode}'). Please open a feature request on "
                                  "GitHub.")
    num = weight._data.shape[0]
    if padding_idx is not None:         # torch.embedding_bag's own check, before _embedding_bag's argument checks
        if not -num <= padding_idx < num:
            raise RuntimeError(f"padding_idx must be within the number of embeddings, -{num} through {num - 1}, "
                               f"but got {padding_idx}")
        padding_idx = padding_idx % num
    _check_index_types(input._data, offsets._data if offsets is not None else np.zeros(0, offs_dtype))
    from .embedding_bag_index import check_weight_dtype
    check_weight_dtype(weight._data.dtype)
    if offs.size and offs[0] != 0:
        # torch prints the element as a C++ tensor: the value, then its type in brackets
        kind = "Long" if offsets is None or offsets._data.dtype == np.int64 else "Int"
        raise RuntimeError(f"offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from "
                           f"position 0. However, got {int(offs[0])}\n[ torch.{kind}Tensor{{}} ]")
    if offs.size and offs[-1] > idx.size:
        raise RuntimeError(f"offsets[-1] can not be greater than input's length {idx.size} but got offsets[-1] of "
                           f"{int(offs[-1])}")
    if psw is not None and psw.dtype != weight._data.dtype:
        from ...ops.inplace import type_name
        raise RuntimeError("Expected tensor for argument #1 'weight' to have the same type as tensor for argument #1 "
                           f"'per_sample_weights'; but type torch.{type_name(weight._data.dtype)}Tensor does not "
                           f"equal torch.{type_name(psw.dtype)}Tensor (while checking arguments for embedding_bag)")
    if idx.ndim == 1 and mode != "max" and offs.size > 1 and (offs[1:] < offs[:-1]).any():
        # decreasing offsets make a bag of negative size: torch's sum/mean kernel stops at its index check
        raise RuntimeError("Expected i < index_size to be true, but got false.  (Could this error message be "
                           "improved?  If so, please report an enhancement request to PyTorch.)")
    w = weight._data
    if idx.size and (idx.min() < 0 or idx.max() >= num):
        from .embedding_bag_index import check_bag_indices, fast_path
        check_bag_indices(idx, offs, include_last_offset, num,
                          fast_path(weight, per_sample_weights, padding_idx, mode))
    idx = idx.astype(np.int64)
    bag, n_bags = _bags(idx, offs, include_last_offset, idx.size)
    keep = np.ones(idx.shape, bool) if padding_idx is None else idx != padding_idx
    keep &= bag >= 0            # include_last_offset with a single offset: no bags, nothing is read
    size = np.bincount(bag[keep], minlength=n_bags).astype(np.int64)
    d = w.shape[1]
    out = np.zeros((n_bags, d), w.dtype)
    argmax = None
    # position k of every bag at once, in order: each bag's sum runs in index order
    pos = np.arange(idx.size) - offs[bag] if n_bags else np.zeros(0, np.int64)
    if mode == "max":
        argmax = np.full((n_bags, d), -1, np.int64)
        for k in range(int(pos.max()) + 1 if pos.size else 0):
            sel = (pos == k) & keep
            b, rows = bag[sel], w[idx[sel]]
            first = argmax[b] < 0
            better = first | (rows > out[b])
            out[b] = np.where(better, rows, out[b])
            argmax[b] = np.where(better, idx[sel][:, None], argmax[b])
    else:
        # torch's fast float/half kernel (no padding_idx) ends a bag at the next offset: with include_last_offset,
        # indices past the last offset are summed into no bag (yet the mean's divisor counts them); its
        # other kernels put them in the last bag
        from .embedding_bag_index import fast_path      # (strided rows or sample weights take the plain loop)
        fast = fast_path(weight, per_sample_weights, padding_idx, mode)
        if fast and include_last_offset and offs.size:
            keep = keep & (np.arange(idx.size) < offs[-1])      # (and so they get no gradient)
        # every half kernel (FBGEMM's and the padding_idx loop) sums in a float32 buffer and rounds once
        # at the end; a half product is exact in float32, so fused or not makes no difference there
        half = w.dtype == np.float16
        acc = out.astype(np.float32) if half else out
        src = w.astype(np.float32) if half else w
        for k in range(int(pos.max()) + 1 if pos.size else 0):
            sel = (pos == k) & keep
            b = bag[sel]
            if psw is None:
                acc[b] = acc[b] + src[idx[sel]]
            elif w.dtype == np.float32 and fast:        # torch's FBGEMM (FMA) path; a padding_idx
                acc[b] = fma32(psw[sel][:, None].astype(np.float32), src[idx[sel]], acc[b])   # takes the plain loop
            else:
                acc[b] = psw[sel][:, None].astype(src.dtype) * src[idx[sel]] + acc[b]
        out = acc.astype(w.dtype) if half else acc
        if mode == "mean":
            out = out / np.maximum(size, 1).astype(w.dtype)[:, None]
    r = _wrap(out.astype(w.dtype, copy=False))
    want_psw = per_sample_weights is not None and per_sample_weights.requires_grad
    if GRAD.enabled and (weight.requires_grad or want_psw):
        node = EmbeddingBagBackward0()
        node.idx, node.bag, node.size, node.mode, node.num = idx, bag, size, _MODES[mode], num
        node.psw, node.argmax, node.keep, node.weight = psw, argmax, keep, weight
        node.sparse, node.freq = sparse, scale_grad_by_freq
        node.save(input)
        # torch's node has a per_sample_weights edge even without them: (None, 0)
        record(node, r, weight, per_sample_weights)
    return r


__all__ = ["embedding_bag", "renorm_rows"]
