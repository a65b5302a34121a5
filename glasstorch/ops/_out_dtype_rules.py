"""out= dtype rules of ops whose result dtype is fixed, checked before they compute, with torch's messages:
``float_power`` (double, or complex double), ``complex`` / ``polar`` (the complex type of their float
inputs) and ``nonzero`` (int64 indices)."""
import numpy as np



def _name(npdt):
    from ._out import _NAMES
    return _NAMES[np.dtype(npdt).name]


def check_float_power(operands, out):
    """torch computes float_power in double (complex double when an operand is complex) and wants out so."""
    cplx = any((getattr(a, "_data", None) is not None and a._data.dtype.kind == "c") or isinstance(a, complex)
               for a in operands[:2])
    want = np.dtype(np.complex128 if cplx else np.float64)
    got = out._data.dtype
    if got != want:
        raise RuntimeError(f"the output given to float_power has dtype {_name(got)} but the operation's result "
                           f"requires dtype {_name(want)}")


def check_exact(name, input, out):
    got, x = out._data.dtype, input._data.dtype
    if name == "nonzero":
        if got != np.int64:     # (torch's message has no space before the dtype)
            raise RuntimeError(f"nonzero: Expected out tensor to have scalar type Long but got scalar type{_name(got)}")
        return
    if x.kind != "f" or x == np.float16:       # the op's own input checks speak first
        return
    want = np.result_type(x, np.complex64)
    if got != want:
        raise RuntimeError(f"Expected object of scalar type {_name(want)} but got scalar type {_name(got)} for "
                           "argument 'out'")
