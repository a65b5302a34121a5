"""Parity pins for sweep rk (course code written from scratch: fastai course-v3 part 2's exp/nb_*.py
notebooks, CS224n 2019 a3/a4/a5, CS231n 2022 assignment 2/3 notebooks), run unchanged on both libraries.

Fixed in glasstorch:
- ``Tensor.__array__`` has torch's signature ``(dtype=None)``, no ``copy`` keyword.  NumPy 2 then makes
  the copies itself (with its DeprecationWarning, as under torch): ``np.array(t)`` is a copy of the
  tensor's memory -- glasstorch's ignored ``copy=True`` used to hand out a view, so writing into the
  array changed the tensor -- and ``np.array(t, copy=False)`` raises NumPy's "Unable to avoid copy"
  ValueError.  Shown by CS231n's ``rel_error`` helpers and fastai's notebook cells, which mix NumPy
  calls and tensors (a probe of the NumPy calls those programs make);
- ``Tensor.__array_wrap__`` has torch's signature ``(array)``: a NumPy ufunc on a tensor
  (``np.abs(t)``, ``np.maximum(1e-8, t)`` in ``rel_error``) gives NumPy's DeprecationWarning as torch's does;
- a tensor operator with a NumPy array (``t - np.ones(2)``) is declined as torch's are, and NumPy's
  reflected operator computes it: NumPy's dtypes (an int tensor / an int array is float64, bool + bool
  is a uint8 tensor), NumPy's x // 0 == 0 for integers (glasstorch raised ZeroDivisionError), NumPy's
  errors (a bitwise op on floats: "ufunc 'bitwise_and' not supported for the input types", not torch's
  "bitwise_and_cpu"; bool - array no longer torch's bool-subtraction error) and NumPy's
  __array_wrap__ DeprecationWarning at the user's line.  ``t == array`` stays torch's own comparison (no
  warning; a tensor that requires grad is compared), and ``t != array`` is Python's ``is not``
  (torch's ``__ne__`` and NumPy's both decline): the bool True (ops/_ndarray_operand.py, _tensor_math.py).
  Seen in CS231n / fastai cells that mix arrays and tensors.
"""
import re
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from tests.parity._helpers import eval_outcome

MODS = (torch, glasstorch)


def _both(expr, **extra):
    """eval_outcome of ``expr`` with ``t`` bound to each library (plus ``extra`` built per library)."""
    out = []
    for m in MODS:
        env = {"t": m, "np": np}
        env.update({k: v(m) for k, v in extra.items()})
        text, warns = eval_outcome(expr, env)
        out.append((text.replace("glasstorch", "torch"), warns))
    return out


NUMPY_ON_TENSORS = [
    "np.array(x)",
    "np.array(x, dtype=np.float64)",
    "np.array(x, copy=False)",
    "np.array(x, dtype=np.float64, copy=False)",
    "np.asarray(x)",
    "np.asarray(x, copy=True)",
    "np.asarray(x, dtype=np.float64)",
    "np.shares_memory(np.array(x), x.numpy())",
    "np.shares_memory(np.asarray(x), x.numpy())",
    "np.shares_memory(np.asarray(x, copy=True), x.numpy())",
    "np.array(t.tensor(3))",
    "np.array(t.tensor([True, False]))",
    "np.array(t.ones(2, requires_grad=True))",
    "np.asarray(t.ones(2, requires_grad=True))",
    "np.array([x, x])",
    "np.stack([x, x])",
    "np.sin(x)",
    "np.sin(t.tensor(2.))",
    "np.add(x, 1)",
    "np.abs(x)",
    "np.maximum(1e-8, np.abs(x) + np.abs(x))",
    "np.max(np.abs(x - x * 1.01) / np.maximum(1e-8, np.abs(x) + np.abs(x * 1.01)))",
    "np.isnan(x)",
    "np.where(x > 0, x, 0)",
    "np.clip(x, 0, 1)",
    "np.ones(3) - x",
    "np.ones(3, np.float32) * x",
    "np.allclose(x, x)",
    "np.linalg.norm(x)",
    "np.float32(t.tensor(2.5))",
    "np.array_equal(x, x)",
]


@pytest.mark.parametrize("expr", NUMPY_ON_TENSORS)
def test_numpy_functions_on_tensors(expr):
    got_t, got_g = _both(expr, x=lambda m: m.tensor([1.5, -2.0, 3.0]))
    assert got_g == got_t


def test_np_array_of_a_tensor_is_a_copy():
    """rel_error-style code: np.array(t) then writing the array must leave the tensor alone."""
    out = []
    for m in MODS:
        x = m.arange(6.).view(2, 3)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            a = np.array(x)
        a[0, 0] = 100.
        out.append((x.tolist(), a.tolist()))
    assert out[0] == out[1]
    assert out[1][0][0][0] == 0.


def test_np_asarray_of_a_tensor_shares_memory():
    out = []
    for m in MODS:
        x = m.arange(4.)
        a = np.asarray(x)
        a[1] = -5.
        out.append(x.tolist())
    assert out[0] == out[1] == [0., -5., 2., 3.]


_DTYPES = ["float32", "float64", "int64", "int32", "uint8", "bool", "float16", "int16"]


@settings(max_examples=40, deadline=None)
@given(shape=st.lists(st.integers(0, 4), min_size=0, max_size=3), dtype=st.sampled_from(_DTYPES),
       copy=st.sampled_from([None, True, False]), to=st.sampled_from([None, "float64", "int64"]),
       fn=st.sampled_from(["array", "asarray"]))
def test_array_protocol_copy_semantics(shape, dtype, copy, to, fn):
    """np.array / np.asarray of a tensor, every copy= and dtype=: same values, dtype, memory sharing,
    error and warnings as torch."""
    base = np.asarray(np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape) % 3).astype(dtype)
    out = []
    for m in MODS:
        x = m.from_numpy(base.copy())
        kw = {"copy": copy}
        if to is not None:
            kw["dtype"] = np.dtype(to)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            try:
                a = getattr(np, fn)(x, **kw)
                res = (a.dtype.str, a.shape, a.tolist(), bool(a.size) and np.shares_memory(a, x.numpy()))
            except Exception as e:      # noqa: BLE001 - torch's error is the expectation
                res = (type(e).__name__, re.sub(r"\s+", " ", str(e)))
        out.append((res, sorted({(c.category.__name__, str(c.message)) for c in w})))
    assert out[1] == out[0]


@settings(max_examples=25, deadline=None)
@given(vals=st.lists(st.floats(-5, 5, width=32), min_size=1, max_size=6),
       uf=st.sampled_from(["sin", "exp", "abs", "negative", "sqrt", "isfinite", "floor", "sign"]))
def test_ufunc_on_tensor_gives_tensor_and_warns_as_torch(vals, uf):
    out = []
    for m in MODS:
        x = m.tensor(vals)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            r = getattr(np, uf)(x)
        assert type(r).__name__ in ("Tensor", "ndarray")
        a = np.asarray(r.numpy() if hasattr(r, "numpy") else r)
        out.append((type(r).__name__, str(a.dtype), np.nan_to_num(a, nan=7.0).tolist(),
                    sorted({(c.category.__name__, str(c.message)[:60]) for c in w if c.category is DeprecationWarning})))
    assert out[1] == out[0]


_OPS = ["+", "-", "*", "/", "**", "//", "%", "&", "|", "^", "==", "!=", "<", ">="]
_ARRS = {"f64": np.array([1.0, 0.0]), "f32": np.array([1.0, 2.0], np.float32), "i64": np.array([0, 2]),
         "0d": np.array(1.5), "bool": np.array([True, False]), "i8": np.array([3, -1], np.int8)}
_TENS = {"f32": lambda m: m.tensor([2., 3.]), "i64": lambda m: m.tensor([2, -3]),
         "grad": lambda m: m.tensor([2., 3.], requires_grad=True), "bool": lambda m: m.tensor([True, False]),
         "u8": lambda m: m.tensor([200, 7], dtype=m.uint8), "0d": lambda m: m.tensor(2.5)}
_CASES = [(t, a, o) for t in sorted(_TENS) for a in sorted(_ARRS) for o in _OPS]


@pytest.mark.parametrize("ten,arr,op", _CASES)
def test_tensor_operator_with_ndarray(ten, arr, op):
    """``tensor <op> ndarray``: torch's result or error, and its warnings (NumPy's __array_wrap__ one)."""
    got = []
    for m in MODS:
        x, a = _TENS[ten](m), _ARRS[arr].copy()
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            try:
                r = eval(f"x {op} a")
                res = (type(r).__name__, repr(r).replace("glasstorch", "torch"))
            except Exception as e:      # noqa: BLE001 - torch's error is the expectation
                res = (type(e).__name__, str(e))
        got.append((res, sorted({(c.category.__name__, str(c.message)) for c in w
                                 if c.category is not RuntimeWarning})))
    assert got[1] == got[0]


def test_ndarray_operator_warning_points_at_the_callers_line():
    import inspect
    out = []
    for m in MODS:
        x = m.ones(2)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            line = inspect.currentframe().f_lineno + 1
            x * np.ones(2)
        out.append([(c.category.__name__, c.filename, c.lineno - line) for c in w])
    assert out[1] == out[0] and out[0] and out[0][0][1] == __file__
