"""``torch.types``: the type aliases torch's signatures and user code annotate with.

Only names: nothing here runs.  In eager mode torch's symbolic numbers (``SymInt``, ``SymFloat``,
``SymBool``) never appear (shapes are plain ints), so glasstorch's are bare classes that nothing is
an instance of, and ``isinstance(n, torch.SymInt)`` is False as on torch.
"""
import os
from collections.abc import Sequence
from typing import IO, TYPE_CHECKING, Any, TypeAlias, Union  # noqa: F401  (torch.types re-exports them)
try:
    from typing import Self  # noqa: F401  (Python 3.11+)
except ImportError:
    pass

from ._device import Size, device as _device
from ._dtype import dtype as _dtype
from ._quant_dtype import qscheme as _qscheme
from ._runtime import layout as _layout
from ._tensor import Tensor


class SymInt:
    """A symbolic int (only under tracing compilers, which glasstorch does not have)."""


class SymFloat:
    """A symbolic float (only under tracing compilers)."""


class SymBool:
    """A symbolic bool (only under tracing compilers)."""


class Storage:
    """The protocol torch's storages follow (an annotation only)."""



_bool = bool
_bytes = bytes
_complex = complex
_float = float
_int = int
_str = str
_Number = (int, float, bool)
Number: TypeAlias = int | float | bool
Device: TypeAlias = _device | str | int | None
IntLikeType: TypeAlias = int | SymInt
FloatLikeType: TypeAlias = float | SymFloat
BoolLikeType: TypeAlias = bool | SymBool
PySymType: TypeAlias = SymInt | SymFloat | SymBool
py_sym_types = (SymInt, SymFloat, SymBool)
_size: TypeAlias = Size | list[int] | tuple[int, ...]
_symsize: TypeAlias = Size | Sequence[int | SymInt]
_TensorOrTensors: TypeAlias = Tensor | Sequence[Tensor]
_TensorOrOptionalTensors: TypeAlias = Tensor | Sequence[Tensor | None]
_TensorOrTensorsOrGradEdge: TypeAlias = Union[Tensor, Sequence[Tensor], "GradientEdge", Sequence["GradientEdge"]]
_dispatchkey: TypeAlias = str
FileLike: TypeAlias = Union[str, os.PathLike[str], IO[bytes]]
