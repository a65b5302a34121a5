"""``torch.testing._internal.common_utils``: ``TestCase`` with torch's ``assertEqual`` and ``run_tests``.

``assertEqual(x, y)`` follows torch's pair rules: None with None; a bool against a bool, number or
single-element tensor (RelaxedBooleanPair); a number against a number or single-element tensor, types
not checked, float compared as float32 (RelaxedNumberPair); tensors and NumPy arrays as
``torch.testing.assert_close`` with ``equal_nan=True`` (TensorOrArrayPair); a tensor against a list
converted to the tensor's dtype first; strings, sets, types and other objects by unittest's
``assertEqual``, its message after "String / Set / Type / Object comparison failed: " (the unittest
pairs); sequences and mappings item by item.  ``precision`` / ``rel_tol`` raise the default tolerances
as torch's ``@precisionOverride`` does."""
import collections.abc
import enum
import sys
import unittest

import numpy as np

import glasstorch as torch
from glasstorch import testing as _t

IS_WINDOWS = sys.platform == "win32"
IS_MACOS = sys.platform == "darwin"
IS_LINUX = sys.platform.startswith("linux")
TEST_WITH_ROCM = TEST_WITH_ASAN = TEST_WITH_TSAN = TEST_WITH_UBSAN = TEST_WITH_TORCHDYNAMO = False
TEST_CUDA = TEST_MPS = TEST_XPU = False
TEST_NUMPY = True

_NUMBER = (int, float, complex)
_UNITTEST = unittest.TestCase()
_UNITTEST_PAIRS = (((str, bytes), "String"), (set, "Set"), (type, "Type"), (object, "Object"))


def _single(x, kind):
    n = x.numel() if isinstance(x, torch.Tensor) else x.size
    if n > 1:
        raise ValueError(f"Only single element tensor-likes can be compared against a {kind}. Got {n} elements "
                         f"instead.")
    return x.item()


def _is_tensorlike(x):
    return isinstance(x, (torch.Tensor, np.ndarray))


def _equal(x, y, rtol, atol, equal_nan, exact_dtype, msg):
    if x is None or y is None:
        if x is not y:
            raise _t._fail(msg, f"None mismatch: {x} is not {y}")
        return
    if isinstance(x, (bool, np.bool_)) or isinstance(y, (bool, np.bool_)):
        other = (bool, np.bool_, *_NUMBER, np.number, torch.Tensor, np.ndarray)
        if isinstance(x, other) and isinstance(y, other):
            a, b = (bool(_single(v, "boolean")) if _is_tensorlike(v) else bool(v) for v in (x, y))
            if a is not b:
                raise _t._fail(msg, f"Booleans mismatch: {a} is not {b}")
            return
    if isinstance(x, (*_NUMBER, np.number, enum.Enum)) or isinstance(y, (*_NUMBER, np.number, enum.Enum)):
        num = (*_NUMBER, np.number, enum.Enum, torch.Tensor, np.ndarray)
        if isinstance(x, num) and isinstance(y, num) and not (_is_tensorlike(x) and _is_tensorlike(y)):
            a, b = ((_single(v, "number") if _is_tensorlike(v) else int(v) if isinstance(v, enum.Enum)
                     else v.item() if isinstance(v, np.number) else v) for v in (x, y))
            a, b = (int(v) if isinstance(v, bool) else v for v in (a, b))
            kind = "complex64" if isinstance(b, complex) or isinstance(a, complex) else \
                "float32" if isinstance(b, float) or isinstance(a, float) else "int64"
            rt, at = _t._tolerances((kind,), None, None) if rtol is None else (rtol, atol)
            if a == b or abs(a - b) <= at + rt * abs(b) or (equal_nan and a != a and b != b):
                return
            raise _t._fail(msg, _t._scalar_msg(a, b, rt, at))
    if _is_tensorlike(x) and _is_tensorlike(y):
        a, b = (torch.as_tensor(v) if isinstance(v, np.ndarray) else v for v in (x, y))
        _t._close_tensors(a, b, rtol, atol, equal_nan, exact_dtype, msg)
        return
    if isinstance(x, (str, bytes, set, type)) or isinstance(y, (str, bytes, set, type)) or not (
            isinstance(x, (collections.abc.Sequence, collections.abc.Mapping)) and
            isinstance(y, (collections.abc.Sequence, collections.abc.Mapping))):
        try:
            _UNITTEST.assertEqual(x, y)         # torch's UnittestPair: unittest's comparison and message
        except AssertionError as err:
            kind = next(name for cls, name in _UNITTEST_PAIRS if isinstance(x, cls) and isinstance(y, cls))
            raise _t._fail(msg, f"{kind} comparison failed: {err}") from None
        return
    if isinstance(x, collections.abc.Sequence) and isinstance(y, collections.abc.Sequence):
        if len(x) != len(y):
            raise AssertionError(f"The length of the sequences mismatch: {len(x)} != {len(y)}")
        for i, (a, b) in enumerate(zip(x, y)):
            _item(a, b, rtol, atol, equal_nan, exact_dtype, msg, i)
        return
    if isinstance(x, collections.abc.Mapping) and isinstance(y, collections.abc.Mapping):
        if set(x) != set(y):
            raise _t._keys_mismatch(x, y)
        for k in y:
            _item(x[k], y[k], rtol, atol, equal_nan, exact_dtype, msg, repr(k))
        return
    raise TypeError(f"No comparison pair was able to handle inputs of type {_t._type_name(x)} and "
                    f"{_t._type_name(y)}.")


def _item(a, b, rtol, atol, equal_nan, exact_dtype, msg, key):
    try:
        _equal(a, b, rtol, atol, equal_nan, exact_dtype, msg)
    except AssertionError as err:
        if msg is not None:
            raise
        raise AssertionError(_t._at(err, key)) from None


class TestCase(unittest.TestCase):
    """torch's test base class: ``assertEqual`` / ``assertNotEqual`` compare tensors, numbers and containers
    of them with torch's tolerances."""

    precision = 0.0
    rel_tol = 0.0

    def __init__(self, method_name="runTest", methodName="runTest"):
        # ``TestCase()`` (no test method) is valid in unittest: an instance for its assertions alone
        super().__init__(method_name if method_name != "runTest" else methodName)

    def assertEqual(self, x, y, msg=None, *, atol=None, rtol=None, equal_nan=True, exact_dtype=True,
                    exact_device=False, exact_layout=False, exact_stride=False, exact_is_coalesced=False):
        __tracebackhide__ = True
        # a str is a Sequence here too, as in torch (its conversion then raises torch's TypeError)
        if isinstance(x, torch.Tensor) and isinstance(y, collections.abc.Sequence):
            y = torch.as_tensor(y, dtype=x.dtype, device=x.device)
        elif isinstance(x, collections.abc.Sequence) and isinstance(y, torch.Tensor):
            x = torch.as_tensor(x, dtype=y.dtype, device=y.device)
        if (rtol is None) != (atol is None):
            _t._tolerances((), rtol, atol)
        if rtol is None and (self.precision or self.rel_tol):
            dts = [v.dtype for v in (x, y) if isinstance(v, torch.Tensor)] or ["float32"]
            rtol, atol = _t._tolerances(dts, None, None)
            rtol, atol = max(rtol, self.rel_tol), max(atol, self.precision)
        _equal(x, y, rtol, atol, equal_nan, exact_dtype, msg)

    def assertNotEqual(self, x, y, msg=None, *, atol=None, rtol=None, **kwargs):
        try:
            self.assertEqual(x, y, msg, atol=atol, rtol=rtol, **kwargs)
        except (AssertionError, ValueError, TypeError):
            return
        raise AssertionError("Tensors failed to compare as unequal!" if msg is None else msg)

    def assertEqualIgnoreType(self, *args, **kwargs):
        return self.assertEqual(*args, exact_dtype=False, **kwargs)


def run_tests(argv=None):
    """Runs the calling module's tests with unittest."""
    unittest.main(argv=argv or sys.argv)
