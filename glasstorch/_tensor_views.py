"""Tensor methods that change shape or layout: view, reshape, transpose, expand, split, flip, tril ...

Each method is a one-line call of an op in ``glasstorch/ops/``; ``Tensor`` inherits them through
``TensorSurface``.  ``O`` (glasstorch/_ops_index.py) loads each op module on first use.
"""
from . import _ops_index as O
from .ops._no_dim import NO_DIM


def _missing(fn, arg):
    """torch's parser error for a method called without its one required argument."""
    return f'{fn}() missing 1 required positional arguments: "{arg}"'


_NO_DIM = object()       # squeeze() without a dim (an explicit None is torch's TypeError)


class TensorViews:
    __slots__ = ()

    # ---- views and shapes --------------------------------------------------------------------
    def view(self, *shape, size=None, dtype=None):
        if dtype is not None:       # view(dtype=torch.int16), as safetensors calls it
            from ._dtype import dtype as _dtype
            if shape or size is not None or type(dtype) is not _dtype:
                from ._arg_refuse import refuse
                refuse()
            return O.shape.view(self, dtype)
        if not shape and size is None:
            raise TypeError("view() received an invalid combination of arguments - got (), but expected one of:\n"
                            " * (torch.dtype dtype)\n * (tuple of ints size)\n")
        return O.shape.view(self, *shape, size=size)

    def view_as(self, other):
        return O.shape.view_as(self, other)

    def reshape(self, *args, shape=None):
        if not args and shape is None:
            raise TypeError(_missing("reshape", "shape"))
        return O.shape.reshape(self, *args, shape=shape)

    def reshape_as(self, other):
        return O.shape.reshape_as(self, other)

    def flatten(self, start_dim=0, end_dim=-1):
        return O.shape.flatten(self, start_dim, end_dim)

    def unflatten(self, dim, sizes):
        return O.shape.unflatten(self, dim, sizes)

    def squeeze(self, dim=_NO_DIM):
        if dim is None:                 # torch's parser takes no dim, or an int or dims; None is refused
            from ._arg_refuse import refuse
            refuse()
        return O.shape.squeeze(self, None if dim is _NO_DIM else dim)

    def unsqueeze(self, dim):
        return O.shape.unsqueeze(self, dim)

    def squeeze_(self, dim=None):
        return O.inplace_more.squeeze_(self, dim)

    def unsqueeze_(self, dim):
        return O.inplace_more.unsqueeze_(self, dim)

    def expand(self, *sizes, size=None):
        if not sizes and size is None:
            raise TypeError(_missing("expand", "size"))
        return O.shape.expand(self, *sizes, size=size)

    def expand_as(self, other):
        return O.shape.expand_as(self, other)

    def broadcast_to(self, size):
        return O.shape.broadcast_to(self, size)

    def contiguous(self, memory_format=None):
        return O.shape.contiguous(self, memory_format)

    def is_contiguous(self, memory_format=None):
        if memory_format is None:
            return self._data.flags.c_contiguous
        return O.conversion.is_contiguous_as(self._data, memory_format.name)

    def sum_to_size(self, *size):
        return O.shape.sum_to_size(self, *size)

    def transpose(self, dim0=NO_DIM, dim1=NO_DIM):     # (a dim not given: torch's "missing ... arguments")
        return O.views.transpose(self, dim0, dim1)

    def swapaxes(self, axis0, axis1):       # its own frame: torch's parser errors name swapaxes(axis0, axis1)
        return O.views.swapaxes(self, axis0, axis1)

    def swapdims(self, dim0, dim1):
        return O.views.swapdims(self, dim0, dim1)

    def t(self):
        return O.views.t(self)

    @property
    def T(self):
        return O.views.T(self)

    @property
    def mT(self):
        return O.views.mT(self)

    @property
    def H(self):
        n = self._data.ndim
        if n not in (0, 2):
            raise RuntimeError(f"tensor.H is only supported on matrices (2-D tensors). Got {n}-D tensor."
                               + (" For batches of matrices, consider using tensor.mH" if n > 2 else ""))
        return _conj(O.views.T(self))

    @property
    def mH(self):
        return _conj(O.views.mT(self))

    def adjoint(self):
        return _conj(O.views.mT(self))

    def permute(self, *args, dims=None):
        if not args and dims is None:
            raise TypeError(_missing("permute", "dims"))
        return O.views.permute(self, *args, dims=dims)

    def movedim(self, source, destination):
        return O.views.movedim(self, source, destination)

    def moveaxis(self, source, destination):
        return O.views.moveaxis(self, source, destination)

    def narrow(self, dim, start, length):
        return O.views.narrow(self, dim, start, length)

    def select(self, dim, index):
        return O.views.select(self, dim, index)

    def diagonal(self, offset=0, dim1=0, dim2=1):
        return O.views.diagonal(self, offset, dim1, dim2)

    def diagonal_scatter(self, src, offset=0, dim1=0, dim2=1):
        return O.views.diagonal_scatter(self, src, offset, dim1, dim2)

    def unbind(self, dim=0):
        return O.views.unbind(self, dim)

    def split(self, split_size, dim=0):
        return O.views.split(self, split_size, dim)

    def chunk(self, chunks, dim=0):
        return O.views.chunk(self, chunks, dim)

    def tensor_split(self, indices_or_sections=None, dim=0, **named):
        return O.views.tensor_split(self, indices_or_sections, dim, **named)

    def stride(self, dim=None):
        return O.storage.stride(self, dim)

    def storage_offset(self):
        return O.storage.storage_offset(self)

    def data_ptr(self):
        return O.storage.data_ptr(self)

    def untyped_storage(self):
        return O.storage.untyped_storage(self)

    def storage(self):
        from .storage import TypedStorage, _warn_typed_storage_removal
        _warn_typed_storage_removal()
        # the wrapper is allocated before the untyped storage so that, as in torch, a storage
        # freed at once and asked for again reuses its memory: ``id(x.storage()) == id(x.t().storage())``
        typed = TypedStorage.__new__(TypedStorage)
        typed.__init__(wrap_storage=O.storage.untyped_storage(self), dtype=self.dtype, _internal=True)
        return typed

    def repeat(self, *sizes, repeats=None):
        if not sizes and repeats is None:
            raise TypeError(_missing("repeat", "repeats"))
        return O.join.repeat(self, *sizes, repeats=repeats)

    def tile(self, *dims, **kwargs):
        # the method takes the counts as separate ints too (x.tile(2, 1)), as torch's does
        # (``dims`` itself is left as called: an argument error replays the call from it)
        counts = dims
        if "dims" in kwargs:
            counts = kwargs.pop("dims")
        elif len(dims) == 1 and not isinstance(dims[0], int):
            counts = dims[0]
        return O.join.tile(self, counts, **kwargs)

    def repeat_interleave(self, repeats=None, dim=None, *, output_size=None):
        return O.join.repeat_interleave(self, repeats, dim, output_size=output_size)

    def flip(self, *args, dims=None):
        if args[:1] and args[0].__class__ is int:      # x.flip(0, 1): the method takes dims as varargs
            args = (args,)
        return O.join.flip(self, *args, dims=dims)

    def fliplr(self):
        return O.join.fliplr(self)

    def flipud(self):
        return O.join.flipud(self)

    def roll(self, shifts, dims=None):
        return O.join.roll(self, shifts, dims)

    def tril(self, diagonal=0):
        return O.join.tril(self, diagonal)

    def triu(self, diagonal=0):
        return O.join.triu(self, diagonal)

    def tril_(self, diagonal=0):
        return O.inplace_more.tril_(self, diagonal)

    def triu_(self, diagonal=0):
        return O.inplace_more.triu_(self, diagonal)

    def diag(self, diagonal=0):
        return O.join.diag(self, diagonal)

    def diag_embed(self, offset=0, dim1=-2, dim2=-1):
        return O.join.diag_embed(self, offset, dim1, dim2)

    def trace(self):
        return O.join.trace(self)

    def t_(self):
        return O.inplace_more.t_(self)

    def transpose_(self, dim0, dim1):
        return O.inplace_more.transpose_(self, dim0, dim1)


def _conj(t):
    """The conjugate transposes: conj after the transpose (a no-op for real tensors, as torch)."""
    return t.conj() if t.is_complex() else t
