"""Tensor methods of the remaining ops: the ``*_scatter`` ops, ``unsafe_split`` / ``unsafe_chunk``,
``resize_``, ``mvlgamma`` and the old ``lu`` / ``lu_solve`` (each a one-line call)."""


class TensorLeftovers:
    __slots__ = ()

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
