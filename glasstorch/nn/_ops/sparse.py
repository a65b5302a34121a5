"""``F.embedding`` (``EmbeddingBackward0``), ``F.one_hot`` and dropout masks."""
import numpy as np

from ...autograd.graph import Node
from ..._generator import np_generator
from ...ops._common import GRAD, _wrap, record1
from ...ops._norm_order import norm2_lastdim
from ..._arg_refuse import not_a_tensor


class EmbeddingBackward0(Node):
    """y = W[idx]   ->   dW[i] = sum of g over the positions where idx == i (0 for padding_idx)"""
    __slots__ = ("idx", "num", "padding_idx", "sparse", "freq")

    def backward(self, g):
        self.saved()            # (torch saves the indices: freed after a backward, version-checked)
        d = g.shape[-1]
        if self.sparse and self.m is np:          # (a graph of the backward gets the dense formula)
            from ...sparse._embedding import FREQ, sparse_embedding_grad
            if self.freq:
                raise RuntimeError(FREQ)
            return (sparse_embedding_grad(g, self.idx, self.num, self.padding_idx),)
        if self.m is not np:        # create_graph: the same sums, behind torch's one node
            r = _wrap(self.dense(g._data, d))
            if GRAD.enabled and g._rg:
                node = EmbeddingDenseBackwardBackward0()
                node.idx, node.padding_idx = self.idx, self.padding_idx
                record1(node, r, g)
            return (r,)
        return (self.dense(g, d),)

    def dense(self, g, d):
        """dW on arrays."""
        if self.freq:
            gw = _freq_scaled_sum(g.reshape(-1, d), self.idx.ravel(), self.num)
        else:
            gw = np.zeros((self.num, d), g.dtype)
            np.add.at(gw, self.idx.ravel(), g.reshape(-1, d))
        if self.padding_idx is not None:
            gw[self.padding_idx] = 0
        return gw


class EmbeddingDenseBackwardBackward0(Node):
    """dW = embedding_dense_backward(g, idx)   ->   dg = gg[idx], 0 where idx == padding_idx
    (torch's double backward leaves out scale_grad_by_freq's 1 / count)"""
    __slots__ = ("idx", "padding_idx")

    def backward(self, gg):
        idx = self.idx
        if isinstance(gg, np.ndarray):
            dg = gg[idx]
            if self.padding_idx is not None:
                dg[idx == self.padding_idx] = 0
            return (dg,)
        m = self.m
        dg = gg.index_select(0, m.from_numpy(idx.ravel())).reshape(idx.shape + (gg.shape[1],))
        if self.padding_idx is not None:
            dg = dg.masked_fill(m.from_numpy(idx == self.padding_idx).unsqueeze(-1), 0)
        return (dg,)


def _freq_scale(idx, num, dtype):
    """scale_grad_by_freq: each position's 1 / (how often its index occurs), in the weight's dtype."""
    counts = np.bincount(idx, minlength=num).astype(dtype)
    return dtype.type(1) / counts[idx]


def _mul_add(a, b, c):
    return a * b + c


def _freq_scaled_sum(g, idx, num):
    """dW[i] = sum of g[p] / count(i) over the positions p with idx[p] == i, as torch's CPU loop adds
    them: one position after another, each a multiply-add rounded once (FMA)."""
    from ...ops._fma32 import fma32
    from ..._rng_fma import fma64
    scale = _freq_scale(idx, num, g.dtype)
    gw = np.zeros((num, g.shape[1]), g.dtype)
    order = np.argsort(idx, kind="stable")
    first = np.searchsorted(idx[order], idx[order], side="left")
    rank = np.empty_like(idx)
    rank[order] = np.arange(idx.size) - first          # the k-th occurrence of its index
    for k in range(int(rank.max()) + 1 if idx.size else 0):
        at = rank == k
        rows, gk, sk = idx[at], g[at], scale[at][:, None]
        fma = fma32 if g.dtype == np.float32 else fma64 if g.dtype == np.float64 else _mul_add
        gw[rows] = fma(gk, sk, gw[rows])
    return gw


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
              sparse=False):
    try:
        idx, w = input._data, weight._data
    except AttributeError:      # torch's F.embedding calls torch.embedding(weight, input, ...): its parser error
        from ..._arg_parser import parser_error
        from ..._arg_refuse import FUNCTIONS
        err = parser_error(FUNCTIONS["embedding"], (weight, input))
        if err is not None:
            raise err from None
        raise
    if padding_idx is not None and padding_idx != 0:
        if w.ndim == 0:             # F.embedding reads weight.size(0)
            raise IndexError("Dimension specified as 0 but tensor has no dimensions")
        if padding_idx > 0 and padding_idx >= w.shape[0]:
            raise AssertionError("Padding_idx must be within num_embeddings")
        if padding_idx < 0:
            if padding_idx < -w.shape[0]:
                raise AssertionError("Padding_idx must be within num_embeddings")
            padding_idx = w.shape[0] + padding_idx
    from .embedding_checks import check_index_dtype, check_lookup, check_renorm
    if max_norm is not None:
        if w.ndim != 2:             # embedding_renorm_'s checkDim, before its index check
            raise RuntimeError(f"Expected 2-dimensional tensor, but got {w.ndim}-dimensional tensor for argument #1 "
                               "'self' (while checking arguments for embedding_renorm_)")
        check_renorm(idx, w)
    if w.ndim != 2:                 # at::embedding checks the weight before the indices
        raise RuntimeError("'weight' must be 2-D")
    check_index_dtype(idx.dtype, 1, "embedding")
    check_lookup(idx, w)
    if max_norm is not None and w.shape[1] == 0:
        pass                    # nothing to scale
    elif max_norm is not None:
        rows = np.unique(idx)
        # torch reads each row's norm back as a double and works out the scale in double
        if w.dtype.kind == "c":         # each row's row.norm(p): the complex norm kernel's |z| and order
            from ...ops.norms import vector_norm
            norms = vector_norm(_wrap(w[rows]), norm_type, 1)._data.astype(np.float64)
        else:
            norms = (norm2_lastdim(w[rows]) if norm_type == 2 and w.dtype.kind == "f" else
                     np.linalg.norm(w[rows], ord=norm_type, axis=1)).astype(np.float64)
        scale = np.where(norms > max_norm, max_norm / (norms + 1e-7), 1.0).astype(w.dtype)
        w[rows] *= scale[:, None]
        weight._vc[0] += 1
    r = _wrap(w[idx])
    if GRAD.enabled and weight._rg:
        if w.dtype.kind == "c":     # (embedding is not in autograd's list of complex-differentiable ops)
            raise RuntimeError("embedding does not support automatic differentiation for outputs with complex dtype.")
        node = EmbeddingBackward0()
        node.idx, node.num, node.padding_idx, node.sparse = idx, w.shape[0], padding_idx, sparse
        node.freq = scale_grad_by_freq
        node.save(input)
        record1(node, r, weight)
    return r


def one_hot(tensor, num_classes=-1):
    try:
        x = tensor._data
    except AttributeError:      # a non-tensor: torch's parser error
        not_a_tensor()
    if num_classes.__class__ is not int:    # torch's parser: an int64_t (4.0 is refused)
        from ..._arg_refuse import int_arg
        num_classes = int_arg(num_classes, "num_classes")
    if x.dtype != np.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if num_classes == -1:
        from ..._vmap_dynamic import note
        note("one_hot", tensor)         # (the class count would follow the batch entry's values)
        if not x.size:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(x.max()) + 1
    if x.size and (x.min() < 0):
        raise RuntimeError("Class values must be non-negative.")
    if x.size and x.max() >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    return _wrap((x[..., None] == np.arange(num_classes)).astype(np.int64))


def dropout_mask(shape, p, dtype, generator=None):
    """torch's ``noise = empty(shape).bernoulli_(1 - p); noise.div_(1 - p)``."""
    if dtype.kind == "c":
        from ...ops._complex_refuse import not_implemented
        raise not_implemented("bernoulli_scalar_cpu_", dtype)
    gen = np_generator(generator)
    noise = gen.bernoulli_scalar(shape, 1 - p, dtype)
    if dtype.kind in "biu":         # div_ of an integer / bool tensor by a float: after the draws, as in torch
        from ...ops.inplace import type_name
        raise RuntimeError(f"result type Float can't be cast to the desired output type {type_name(dtype)}")
    if dtype == np.float16:         # torch divides half in float (its opmath) and rounds once
        return (noise.astype(np.float32) / np.float32(1 - p)).astype(np.float16)
    return noise / dtype.type(1 - p)
