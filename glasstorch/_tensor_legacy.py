"""Tensor methods that old tutorials call: the removed ``solve`` / ``lstsq`` / ``eig`` / ``symeig``
(torch's RuntimeError naming what replaces them), the deprecated ``triangular_solve`` and
non-inplace ``resize`` / ``resize_as``, and ``narrow_copy``, ``output_nr``, ``name``, ``is_set_to``."""
import functools
import operator
import warnings


class TensorLegacy:
    __slots__ = ()

    def solve(self, A):
        from ._api_legacy import solve
        return solve(self, A)

    def lstsq(self, A):
        from ._api_legacy import lstsq
        return lstsq(self, A)

    def eig(self, eigenvectors=False):
        from ._api_legacy import eig
        return eig(self, eigenvectors)

    def symeig(self, eigenvectors=False, upper=True):
        from ._api_legacy import symeig
        return symeig(self, eigenvectors, upper)

    def triangular_solve(self, A, upper=True, transpose=False, unitriangular=False):
        from ._api_legacy import triangular_solve
        return triangular_solve(self, A, upper, transpose, unitriangular)

    def narrow_copy(self, dim, start, length):
        from ._api_copies import narrow_copy
        return narrow_copy(self, dim, start, length)

    def resize(self, *sizes):
        warnings.warn("non-inplace resize is deprecated", stacklevel=2)
        return _Resize.apply(self, sizes)

    def resize_as(self, tensor):
        warnings.warn("non-inplace resize_as is deprecated", stacklevel=2)
        return _Resize.apply(self, tensor.size())

    @property
    def output_nr(self):
        return self._out_nr if self.grad_fn is not None else 0

    @property
    def volatile(self):
        """Gone with the pre-0.4 Variable: always False, with torch's warning."""
        warnings.warn("volatile was removed (Variable.volatile is always False)", UserWarning, stacklevel=2)
        return False

    @volatile.setter
    def volatile(self, value):
        warnings.warn("volatile was removed and now has no effect. Use `with torch.no_grad():` instead.",
                      UserWarning, stacklevel=2)

    @property
    def name(self):
        """Only the legacy ``Variable(x, name=...)`` constructor sets one (read-only otherwise)."""
        return self.__dict__.get("_legacy_name") if self.__dict__ else None

    def is_set_to(self, tensor):
        """Same storage, offset, sizes and strides."""
        a, b = self._data, tensor._data
        return (a.__array_interface__["data"][0] == b.__array_interface__["data"][0] and a.shape == b.shape
                and a.strides == b.strides and a.dtype == b.dtype)


def _resize_function():
    from .autograd import Function

    class Resize(Function):
        """The old autograd resize: a reshape that must keep the number of elements."""

        @staticmethod
        def forward(ctx, tensor, sizes):
            ctx.sizes = sizes
            ctx.numel = functools.reduce(operator.mul, sizes, 1)
            if tensor.numel() != ctx.numel:
                raise RuntimeError(
                    "requested resize to {} ({} elements in total), but the given tensor has a size of {} ({} "
                    "elements). autograd's resize can only change the shape of a given tensor, while preserving "
                    "the number of elements. ".format("x".join(map(str, sizes)), ctx.numel,
                                                       "x".join(map(str, tensor.size())), tensor.numel()))
            ctx.input_sizes = tensor.size()
            return tensor.contiguous().view(*sizes)

        @staticmethod
        def backward(ctx, grad_output):
            return grad_output.contiguous().view(ctx.input_sizes), None
    return Resize


class _LazyResize:
    """``Resize`` made on first use (autograd imports Tensor, so it cannot be made at import)."""
    cls = None

    @classmethod
    def apply(cls, tensor, sizes):
        if cls.cls is None:
            cls.cls = _resize_function()
        return cls.cls.apply(tensor, sizes)


_Resize = _LazyResize
