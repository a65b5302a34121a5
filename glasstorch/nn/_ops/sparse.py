"""``F.embedding`` (``EmbeddingBackward0``), ``F.one_hot`` and dropout masks."""
import numpy as np

from ...autograd.graph import Node
from ..._generator import np_generator
from ...ops._common import GRAD, _wrap, record1
from ...ops._norm_order import norm2_lastdim


class EmbeddingBackward0(Node):
    """y = W[idx]   ->   dW[i] = sum of g over the positions where idx == i (0 for padding_idx)"""
    __slots__ = ("idx", "num", "padding_idx", "sparse", "freq")

    def backward(self, g):
        d = g.shape[-1]
        if self.sparse and self.m is np:          # (a graph of the backward gets the dense formula)
            from ...sparse._embedding import FREQ, sparse_embedding_grad
            if self.freq:
                raise RuntimeError(FREQ)
            return (sparse_embedding_grad(g, self.idx, self.num, self.padding_idx),)
        if self.m is not np:        # create_graph: the same sums in Tensor ops, recorded
            m = self.m
            gw = m.zeros(self.num, d, dtype=g.dtype).index_add(0, m.tensor(self.idx.ravel()), g.reshape(-1, d))
            return (gw if self.padding_idx is None else gw.index_fill(0, m.tensor([self.padding_idx]), 0),)
        gw = np.zeros((self.num, d), g.dtype)
        np.add.at(gw, self.idx.ravel(), g.reshape(-1, d))
        if self.padding_idx is not None:
            gw[self.padding_idx] = 0
        return (gw,)


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
    if padding_idx is not None:
        if padding_idx > 0 and padding_idx >= w.shape[0]:
            raise AssertionError("Padding_idx must be within num_embeddings")
        if padding_idx < 0:
            if padding_idx < -w.shape[0]:
                raise AssertionError("Padding_idx must be within num_embeddings")
            padding_idx = w.shape[0] + padding_idx
    from .embedding_checks import check_lookup, check_renorm
    if max_norm is not None:
        check_renorm(idx, w)
    if idx.dtype.kind not in "iu":
        from ...ops.inplace import type_name
        raise RuntimeError("Expected tensor for argument #1 'indices' to have one of the following scalar types: "
                           f"Long, Int; but got torch.{type_name(idx.dtype)}Tensor instead (while checking "
                           "arguments for embedding)")
    check_lookup(idx, w)
    if max_norm is not None and w.shape[1] == 0:
        pass                    # nothing to scale
    elif max_norm is not None:
        rows = np.unique(idx)
        # torch reads each row's norm back as a double and works out the scale in double
        norms = (norm2_lastdim(w[rows]) if norm_type == 2 and w.dtype.kind == "f" else
                 np.linalg.norm(w[rows], ord=norm_type, axis=1)).astype(np.float64)
        scale = np.where(norms > max_norm, max_norm / (norms + 1e-7), 1.0).astype(w.dtype)
        w[rows] *= scale[:, None]
        weight._vc[0] += 1
    r = _wrap(w[idx])
    if GRAD.enabled and weight._rg:
        node = EmbeddingBackward0()
        node.idx, node.num, node.padding_idx, node.sparse = idx, w.shape[0], padding_idx, sparse
        node.freq = scale_grad_by_freq
        record1(node, r, weight)
    return r


def one_hot(tensor, num_classes=-1):
    try:
        x = tensor._data
    except AttributeError:      # a non-tensor: torch's parser error
        from ..._arg_refuse import not_tensor
        not_tensor()
        raise
    if x.dtype != np.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if num_classes == -1:
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
    gen = np_generator(generator)
    noise = gen.bernoulli_scalar(shape, 1 - p, dtype)
    return noise / dtype.type(1 - p)
