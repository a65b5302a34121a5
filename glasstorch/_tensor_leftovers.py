"""Tensor methods of the remaining ops: the ``*_scatter`` ops, ``unsafe_split`` / ``unsafe_chunk``,
``resize_``, ``set_``, ``mvlgamma`` and the old ``lu`` / ``lu_solve`` (each a one-line call); and
``grad_dtype``."""


class TensorLeftovers:
    __slots__ = ()

    def module_load(self, other, assign=False):
        """What ``load_state_dict`` swaps in for ``self`` under torch.__future__'s swap switch: ``other``
        itself (detached) with ``assign=True``, else ``self`` with ``other`` copied in; subclasses override it."""
        if assign:
            return other.detach()
        return self.copy_(other).detach()

    @property
    def grad_dtype(self):
        """The dtype a leaf's ``.grad`` is kept in (torch 2.13): its own dtype unless set; None: any."""
        if self.grad_fn is not None:
            raise RuntimeError("grad_dtype can only be accessed on leaf tensors.")
        return self.__dict__.get("_grad_dtype", self.dtype)

    @grad_dtype.setter
    def grad_dtype(self, dtype):
        from ._dtype import dtype as _dtype_cls
        if self.grad_fn is not None:
            import warnings
            from ._tensor import NONLEAF_GRAD_WARNING
            if not self.retains_grad:      # torch reads .grad first, with its warning
                warnings.warn(NONLEAF_GRAD_WARNING, UserWarning, stacklevel=2)
            raise RuntimeError("grad_dtype can only be set on leaf tensors.")
        if dtype is not None and not isinstance(dtype, _dtype_cls):
            raise RuntimeError(f"grad_dtype must be a torch.dtype or None, but got {type(dtype).__name__}")
        grad = self._grad
        if dtype is not None and grad is not None and grad._data.dtype != dtype.np:
            from ._dtype import _CPP, _SCALAR_TYPES
            raise RuntimeError(f"Cannot set grad_dtype to '{_SCALAR_TYPES[dtype.np.name]}' because there is already a "
                               f"gradient with dtype '{_CPP[grad._data.dtype.name]}'. Please clear the gradient (.grad "
                               "= None) before changing grad_dtype, or ensure the new grad_dtype matches the existing "
                               "gradient's dtype.")
        self.__dict__["_grad_dtype"] = dtype
        if self._accum is not None:
            # the engine casts arriving gradients to this (None: to the tensor's dtype, as every backward
            # hands a leaf its own dtype; only an assigned .grad may then differ)
            self._accum._dtype = self._data.dtype if dtype is None else dtype.np

    def select_scatter(self, src, dim, index):
        from .ops.view_scatter import select_scatter
        return select_scatter(self, src, dim, index)

    def slice_scatter(self, src, dim=0, start=None, end=None, step=1):
        from .ops.view_scatter import slice_scatter
        return slice_scatter(self, src, dim, start, end, step)

    def as_strided_scatter(self, src, size, stride, storage_offset=None):
        from .ops.view_scatter import as_strided_scatter
        return as_strided_scatter(self, src, size, stride, storage_offset)

    def unsafe_split(self, split_size, dim=0):
        from .ops.view_scatter import unsafe_split
        return unsafe_split(self, split_size, dim)

    def unsafe_split_with_sizes(self, split_sizes, dim=0):
        from .ops.view_scatter import unsafe_split_with_sizes
        return unsafe_split_with_sizes(self, split_sizes, dim)

    def unsafe_chunk(self, chunks, dim=0):
        from .ops.view_scatter import unsafe_chunk
        return unsafe_chunk(self, chunks, dim)

    def resize_(self, *sizes, memory_format=None):
        from .ops.resize import resize_
        return resize_(self, *sizes, memory_format=memory_format)

    def set_(self, *args, **kwargs):
        from .ops.resize import set_
        return set_(self, *args, **kwargs)

    def resize_as_(self, the_template, memory_format=None):
        from .ops.resize import resize_as_
        return resize_as_(self, the_template, memory_format)

    def mvlgamma(self, p):
        from ._api_leftovers import mvlgamma
        return mvlgamma(self, p)

    def mvlgamma_(self, p):
        from ._api_leftovers import mvlgamma
        from .ops.inplace import commit
        from .ops.inplace_more import original
        return commit(self, lambda: mvlgamma(original(self), p), "mvlgamma")

    def lu(self, pivot=True, get_infos=False):
        from ._linalg_lu import torch_lu
        return torch_lu(self, pivot, get_infos)

    def lu_solve(self, LU_data, LU_pivots):
        from ._linalg_lu_solve import torch_lu_solve
        return torch_lu_solve(self, LU_data, LU_pivots)
