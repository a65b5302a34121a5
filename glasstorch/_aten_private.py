"""``torch.ops.aten`` operators that have no public ``torch.<name>`` twin.

Libraries name them when they register handlers for tensor subclasses (PyTorch Geometric's
``Index``/``EdgeIndex`` take ``aten._to_copy.default``, ``aten.slice.Tensor``, ``aten.index.Tensor``,
``aten.alias.default`` ... at import), and may call them directly; each does what torch's kernel does.
"""
__all__ = ["ATEN"]


def alias(self):
    """``aten::alias(Tensor(a) self) -> Tensor(a)``: a new tensor viewing all of ``self``
    (``AliasBackward0``, as ``x[...]``)."""
    from .ops.index import _alias
    return _alias(self)


def index(self, indices):
    """``aten::index.Tensor(Tensor self, Tensor?[] indices)``: advanced indexing, a ``None`` entry
    standing for the whole dimension (``:``), not for a new one as in ``x[None]``."""
    if not indices:
        raise IndexError("at least one index must be provided")
    from .ops.index_aten import has_zero_d_int, index_tensor
    if has_zero_d_int(indices):
        return index_tensor(self, indices)
    return self[tuple(slice(None) if i is None else i for i in indices)]


def slice_(self, dim=0, start=None, end=None, step=1):
    """``aten::slice.Tensor(Tensor(a) self, int dim=0, SymInt? start=None, SymInt? end=None, SymInt
    step=1) -> Tensor(a)``: ``self[..., start:end:step]`` along ``dim`` (bounds clamped, a view)."""
    from ._tensor import _wrap_dim
    from .ops.views import SliceBackward0, _record_index
    from .ops.shape import as_view
    if step <= 0:
        raise RuntimeError("slice step must be positive")
    d = _wrap_dim(dim, self.dim())
    # always SliceBackward0, even for the whole dimension (where x[:, :] gives AliasBackward0)
    index = (slice(None),) * d + (slice(start, end, step),)
    return _record_index(SliceBackward0, self, as_view(self, self._data[index]), index)


def _to_copy(self, *, dtype=None, layout=None, device=None, pin_memory=None, non_blocking=False,
             memory_format=None):
    """``aten::_to_copy``: what ``Tensor.to(..., copy=True)`` runs, always a new tensor."""
    from . import preserve_format
    return self.to(device=device, dtype=dtype, non_blocking=non_blocking, copy=True,
                   memory_format=preserve_format if memory_format is None else memory_format)


def _pin_memory(self, device=None):
    """Pinning needs an accelerator; a CPU-only build has none (torch's words)."""
    raise RuntimeError("Cannot access accelerator device when none is available.")


def _sparse_addmm(self, mat1, mat2, *, beta=1, alpha=1):
    """``beta * self + alpha * (mat1 @ mat2)`` with ``mat1`` sparse, as ``torch.sparse.addmm``."""
    from . import sparse
    return sparse.addmm(self, mat1, mat2, beta=beta, alpha=alpha)


ATEN = {"alias": alias, "index": index, "slice": slice_, "_to_copy": _to_copy, "_pin_memory": _pin_memory,
        "_sparse_addmm": _sparse_addmm}
