"""The old and the odd corners of torch's top level that older tutorials still call.

* Removed in 1.9 (``torch.solve``, ``lstsq``, ``eig``, ``symeig``): torch keeps the names so that old
  code gets a RuntimeError saying what replaces them; so does glasstorch, with torch's text.
* Deprecated but working: ``triangular_solve`` (warns once per process), ``set_default_tensor_type``.
* Small helpers: ``nonzero_static``, ``empty_permuted``, the ``sym_*`` functions (on plain Python
  numbers, which is all glasstorch has: no symbolic shapes), ``set_anomaly_enabled``, ``addmv_``,
  ``is_distributed``, ``to_dlpack``, ``OutOfMemoryError``.
"""
import builtins
import math

import numpy as np

__all__ = ["solve", "lstsq", "eig", "symeig", "triangular_solve", "set_default_tensor_type", "nonzero_static",
           "empty_permuted", "sym_int", "sym_float", "sym_max", "sym_min", "sym_not", "sym_sqrt", "sym_ite",
           "sym_sum", "set_anomaly_enabled", "addmv_", "is_distributed", "to_dlpack", "OutOfMemoryError"]

_REMOVED = "This function was deprecated since version 1.9 and is now removed. "
_SOLVE = (_REMOVED + "`torch.solve` is deprecated in favor of `torch.linalg.solve`. `torch.linalg.solve` has its "
          "arguments reversed and does not return the LU factorization.\n\nTo get the LU factorization see "
          "`torch.lu`, which can be used with `torch.lu_solve` or `torch.lu_unpack`.\nX = torch.solve(B, A).solution "
          "should be replaced with:\nX = torch.linalg.solve(A, B)")
_LSTSQ = (_REMOVED + "`torch.lstsq` is deprecated in favor of `torch.linalg.lstsq`.\n`torch.linalg.lstsq` has "
          "reversed arguments and does not return the QR decomposition in the returned tuple (although it returns "
          "other information about the problem).\n\nTo get the QR decomposition consider using `torch.linalg.qr`."
          "\n\nThe returned solution in `torch.lstsq` stored the residuals of the solution in the last m - n columns "
          "of the returned value whenever m > n. In torch.linalg.lstsq, the residuals are in the field 'residuals' "
          "of the returned named tuple.\n\nThe unpacking of the solution, as in\nX, _ = torch.lstsq(B, A).solution"
          "[:A.size(1)]\nshould be replaced with:\nX = torch.linalg.lstsq(A, B).solution")
_EIG = (_REMOVED + "`torch.linalg.eig` returns complex tensors of dtype `cfloat` or `cdouble` rather than real "
        "tensors mimicking complex tensors.\n\nL, _ = torch.eig(A) should be replaced with:\nL_complex = "
        "torch.linalg.eigvals(A)\n\nand\n\nL, V = torch.eig(A, eigenvectors=True) should be replaced with:\n"
        "L_complex, V_complex = torch.linalg.eig(A)")
_SYMEIG = (_REMOVED + "The default behavior has changed from using the upper triangular portion of the matrix by "
           "default to using the lower triangular portion.\n\nL, _ = torch.symeig(A, upper=upper) should be "
           "replaced with:\nL = torch.linalg.eigvalsh(A, UPLO='U' if upper else 'L')\n\nand\n\nL, V = "
           "torch.symeig(A, eigenvectors=True) should be replaced with:\nL, V = torch.linalg.eigh(A, UPLO='U' if "
           "upper else 'L')")
_TRIANGULAR = (
    "torch.triangular_solve is deprecated in favor of torch.linalg.solve_triangularand will be removed in a future "
    "PyTorch release.\ntorch.linalg.solve_triangular has its arguments reversed and does not return a copy of one "
    "of the inputs.\nX = torch.triangular_solve(B, A).solution\nshould be replaced with\nX = "
    "torch.linalg.solve_triangular(A, B). (Triggered internally at "
    "/__w/pytorch/pytorch/aten/src/ATen/native/BatchLinearAlgebra.cpp:2273.)")
_DEFAULT_TYPE = ("torch.set_default_tensor_type() is deprecated as of PyTorch 2.1, please use "
                 "torch.set_default_dtype() and torch.set_default_device() as alternatives. (Triggered internally "
                 "at /__w/pytorch/pytorch/torch/csrc/tensor/python_tensor.cpp:434.)")


def solve(input, A, *, out=None):
    raise RuntimeError(_SOLVE)


def lstsq(input, A, *, out=None):
    raise RuntimeError(_LSTSQ)


def eig(self, eigenvectors=False, *, e=None, v=None):
    raise RuntimeError(_EIG)


def symeig(input, eigenvectors=False, upper=True, *, out=None):
    raise RuntimeError(_SYMEIG)


def triangular_solve(input, A, upper=True, transpose=False, unitriangular=False):
    """(X, A.clone()) with op(A) X = input, op(A) = A or A^T, A triangular (deprecated)."""
    from ._user_warning import warn_once
    from ._linalg_more import solve_triangular
    from ._return_types import return_type
    warn_once("triangular_solve", _TRIANGULAR)
    if A.dim() >= 2 and A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"A must be batches of square matrices, but they are {A.shape[-2]} by {A.shape[-1]} "
                           f"matrices")
    coefficient = A.mT if transpose else A
    x = solve_triangular(coefficient, input, upper=upper != bool(transpose), unitriangular=unitriangular)
    if x.grad_fn is not None:
        x.grad_fn.__class__ = _triangular_node()      # torch's old entry point names its node apart
    import glasstorch
    # torch's clone is LAPACK's column-major copy: each matrix's transpose, copied row-major, transposed back
    cloned = A.mT.clone(memory_format=glasstorch.contiguous_format).mT if A.dim() >= 2 else A.clone()
    return return_type("triangular_solve", ["solution", "cloned_coefficient"])(x, cloned)


def _triangular_node():
    from ._linalg_more import LinalgSolveTriangularBackward0
    cls = _NODES.get("tri")
    if cls is None:
        cls = _NODES["tri"] = type("TriangularSolveBackward0", (LinalgSolveTriangularBackward0,),
                                   {"__slots__": (), "__doc__": LinalgSolveTriangularBackward0.__doc__,
                                    "backward": _triangular_backward})
    return cls


def _triangular_backward(self, g):
    """torch's triangular_solve_backward computes dB with triangular_solve itself: under create_graph
    dB hangs from a TriangularSolveBackward0 (the same solve as linalg's, named apart)."""
    from ._linalg_more import LinalgSolveTriangularBackward0
    ga, gb = LinalgSolveTriangularBackward0.backward(self, g)
    if type(getattr(gb, "grad_fn", None)) is LinalgSolveTriangularBackward0:
        gb.grad_fn.__class__ = _triangular_node()
    return ga, gb


_NODES = {}


def set_default_tensor_type(t):
    """Deprecated: sets the default float dtype from a legacy tensor type (``torch.DoubleTensor`` or its name)."""
    from . import _C
    if isinstance(t, str):                      # resolved before the C++ call, so a bad name does not warn
        t = _import_dotted_name(t)
    _C._set_default_tensor_type(t)


def _import_dotted_name(name):
    """torch._utils._import_dotted_name: import the first component, then getattr along the rest."""
    import importlib
    import sys
    import types
    head, *rest = name.split(".")
    obj = sys.modules["glasstorch"] if head == "torch" else importlib.import_module(head)
    path = head
    for comp in rest:
        if isinstance(obj, types.ModuleType) and not hasattr(obj, comp):      # named as torch's modules are
            raise AttributeError(f"module '{path}' has no attribute '{comp}'")
        obj, path = getattr(obj, comp), f"{path}.{comp}"
    return obj


def _set_default_tensor_type(t):
    """torch._C._set_default_tensor_type: warns once per process (TORCH_WARN_ONCE, before any check), at the
    Python line that called it, as a C++ warning is; in torch that line is ``_C._set_default_tensor_type(t)``."""
    import warnings
    from ._user_warning import WARNED
    from ._dtype import set_default_dtype
    from . import _creation
    if "set_default_tensor_type" not in WARNED:
        WARNED.add("set_default_tensor_type")
        warnings.warn(_DEFAULT_TYPE, UserWarning, stacklevel=3)     # past torch._C's wrapper to its caller
    if getattr(t, "__module__", "") == "torch.cuda" and isinstance(t, type):     # torch.cuda.FloatTensor
        raise TypeError(f"type torch.cuda.{t.__name__} not available. Torch not compiled with CUDA enabled.")
    if not isinstance(t, _creation._LegacyMeta):
        raise TypeError("invalid type object: only floating-point types are supported as the default type")
    if not t._legacy_dtype.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    set_default_dtype(t._legacy_dtype)


_NONZERO_STATIC = ("nonzero_static(Tensor input, *, SymInt size, int64_t fill_value=-1, Tensor out=None)",)
_NONZERO_STATIC_METHOD = ("nonzero_static(*, SymInt size, int64_t fill_value=-1)",)


def nonzero_static(*args, **kwargs):
    """The first ``size`` rows of ``nonzero(input)``, padded with ``fill_value`` rows to exactly ``size``."""
    return _nonzero_static(_NONZERO_STATIC, args, kwargs)


def nonzero_static_method(self, *args, **kwargs):
    return _nonzero_static(_NONZERO_STATIC_METHOD, args, kwargs, self)


def _nonzero_static(signatures, args, kwargs, self=None):
    from ._arg_parser import is_long, parser_error
    from ._tensor import Tensor, _wrap
    size, fill_value, out = kwargs.get("size"), kwargs.get("fill_value", -1), kwargs.get("out")
    input = self if self is not None else (args[0] if args else kwargs.get("input"))
    known = {"size", "fill_value"} | ({"input", "out"} if self is None else set())
    if (args[self is None:] or not isinstance(input, Tensor) or not is_long(size) or not is_long(fill_value)
            or set(kwargs) - known or not (out is None or isinstance(out, Tensor))):
        # torch's parser message for whatever this call got wrong (positional size, a float, no tensor ...)
        err = parser_error(signatures, args, kwargs)
        if err is not None:
            raise err
    size, fill_value = int(size), int(fill_value)
    if size < 0:
        raise RuntimeError("nonzero_static: 'size' must be an non-negative integer")
    idx = np.argwhere(input._data)[:size]
    rows = np.full((size, input._data.ndim), fill_value, dtype=np.int64)
    rows[:len(idx)] = idx
    if out is None:
        return _wrap(rows)
    from .ops._out import write_out
    return write_out("nonzero_static", _wrap(rows), out)


def empty_permuted(size, physical_layout, *, dtype=None, layout=None, device=None, requires_grad=False,
                   pin_memory=False):
    """An empty tensor of ``size`` whose memory holds its dims in the order ``physical_layout``."""
    from ._creation import empty
    size, order = tuple(size), tuple(physical_layout)
    if len(order) != len(size):
        raise RuntimeError(f"Number of dimensions in size does not match the length of the physical_layout; "
                           f"i.e. len(size) = {len(size)} is not equal to len(physical_layout) = {len(order)}")
    if len(set(order)) != len(order):
        raise RuntimeError("Duplicate dim not allowed")
    stored = empty(*[size[d] for d in order], dtype=dtype, device=device)
    r = stored.permute(*np.argsort(order).tolist())
    return r.requires_grad_(requires_grad) if requires_grad else r


def sym_int(a):
    return math.trunc(a) if isinstance(a, float) else builtins.int(a)


def sym_float(a):
    return builtins.float(a)


def sym_max(a, b):
    r = builtins.max(a, b)
    return builtins.float(r) if isinstance(a, float) or isinstance(b, float) else r


def sym_min(a, b):
    r = builtins.min(a, b)
    return builtins.float(r) if isinstance(a, float) or isinstance(b, float) else r


def sym_not(a):
    return not a


def sym_sqrt(a):
    return math.sqrt(a)


def sym_ite(b, t, f):
    return t if b else f


def sym_sum(args):
    return builtins.sum(args)


def set_anomaly_enabled(enabled, check_nan=True):
    from .autograd.anomaly_mode import set_detect_anomaly
    set_detect_anomaly(enabled, check_nan)


def addmv_(input, mat, vec, *, beta=1, alpha=1):
    return input.addmv_(mat, vec, beta=beta, alpha=alpha)


def is_distributed(input):
    return False


def to_dlpack(tensor):
    from .utils.dlpack import to_dlpack as _to
    return _to(tensor)


class OutOfMemoryError(RuntimeError):
    """torch.OutOfMemoryError (torch.cuda.OutOfMemoryError): what a failed device allocation raises."""
