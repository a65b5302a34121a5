"""Parity pins for ry (reinforcement learning programs: cleanrl's DQN, PPO, C51, SAC, DDPG, TD3, PQN, RPO
single-file scripts and stable-baselines3's PPO, A2C, DQN, SAC, TD3 and its own tests).

Fixed in glasstorch:
- a NumPy array (or NumPy scalar) of uint16, uint32 or uint64 given to ``torch.tensor``,
  ``torch.as_tensor`` or ``torch.asarray`` *with* a glasstorch dtype is converted into that dtype,
  as torch casts it (C casts: uint64 2**64-1 -> int64 -1, -> uint8 255, -> float16 inf), instead of
  "glasstorch does not support dtype torch.uint16 yet" (uint16/32/64 are still no glasstorch dtypes,
  so without a dtype the error stays); ``asarray(..., copy=False)`` raises torch's
  "can't alias tensor with dtype 'UInt16' into dtype 'Float'."; such an array inside a list gives
  torch's "Creating a tensor from a list of numpy.ndarrays is extremely slow" warning
  (stable-baselines3's tests/test_buffers.py::test_buffer_dtypes, observation spaces of uint16/32/64,
  showed the gap; _numpy_check.py, _creation.py, _creation_asarray.py).
- a NumPy scalar given to ``torch.tensor``/``as_tensor``/``Tensor.new_tensor`` with an integral or bool
  dtype is stored as torch stores one inside a list: as a number, range-checked
  (``tensor(np.int64(300), dtype=int8)`` is "value cannot be converted to type int8 without overflow",
  ``np.uint64(2**63)`` "Overflow when unpacking long long", ``np.float32(1.5)`` and ``np.bool_`` "object
  cannot be interpreted as an integer"), where glasstorch wrapped it as a C cast; ``torch.asarray`` of
  a NumPy scalar keeps taking it the NumPy way (wrapping), and with ``copy=False`` raises torch's
  "can't alias NumPy scalars. ..." (it returned a tensor); found probing variants of the fix above
  (_creation.py, _creation_asarray.py).
"""
import subprocess
import sys

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import glasstorch
from tests.parity._helpers import same_error, same_outcome

WIDE = [np.uint16, np.uint32, np.uint64]
TARGETS = ["float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool",
           "complex64", "complex128"]
MAKERS = {
    "tensor": lambda m, a, dt: m.tensor(a, dtype=dt),
    "as_tensor": lambda m, a, dt: m.as_tensor(a, dtype=dt),
    "asarray": lambda m, a, dt: m.asarray(a, dtype=dt),
    "asarray_copy": lambda m, a, dt: m.asarray(a, dtype=dt, copy=True),
}


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(WIDE).flatmap(lambda t: hnp.arrays(t, hnp.array_shapes(max_dims=3, max_side=4))),
       st.sampled_from(TARGETS), st.sampled_from(sorted(MAKERS)))
def test_wide_unsigned_array_with_dtype(a, target, maker):
    same_outcome(lambda m: MAKERS[maker](m, a.copy(), getattr(m, target)))


@pytest.mark.parametrize("maker", sorted(MAKERS))
@pytest.mark.parametrize("np_type", WIDE)
def test_wide_unsigned_extremes(np_type, maker):
    top = np.iinfo(np_type).max
    a = np.array([0, 1, top // 2, top // 2 + 1, top - 1, top], np_type)
    for target in TARGETS:
        same_outcome(lambda m: MAKERS[maker](m, a.copy(), getattr(m, target)))


def test_wide_unsigned_transposed_keeps_layout():
    a = np.arange(6, dtype=np.uint32).reshape(2, 3).T
    same_outcome(lambda m: m.tensor(a, dtype=m.float32))
    assert glasstorch.tensor(a, dtype=glasstorch.float32).stride() == torch.tensor(a, dtype=torch.float32).stride()


@pytest.mark.parametrize("np_type", WIDE)
def test_wide_unsigned_scalar_and_list_with_dtype(np_type):
    s = np_type(7)
    same_outcome(lambda m: m.tensor(s, dtype=m.float32))
    same_outcome(lambda m: m.as_tensor(s, dtype=m.int64))
    same_outcome(lambda m: m.tensor([s, s], dtype=m.float32))
    same_outcome(lambda m: m.tensor([s, 1.5], dtype=m.float64))
    same_outcome(lambda m: m.tensor([np.array([s, s])], dtype=m.float64))
    same_outcome(lambda m: m.Tensor(np.array([s, s])))


def test_wide_unsigned_with_dtype_is_a_copy():
    """Converting can't share memory: a later write to the array doesn't show in the tensor."""
    def run(m):
        a = np.array([1, 2, 3], np.uint16)
        ts = [m.tensor(a, dtype=m.int32), m.as_tensor(a, dtype=m.int32), m.asarray(a, dtype=m.float32)]
        a[0] = 99
        return m.stack([t.to(m.float64) for t in ts])
    same_outcome(run)


def test_wide_unsigned_requires_grad():
    a = np.array([[1, 2], [3, 4]], np.uint16)
    for m in (torch, glasstorch):
        t = m.tensor(a, dtype=m.float32, requires_grad=True)
        (t * t).sum().backward()
        assert t.grad.tolist() == [[2.0, 4.0], [6.0, 8.0]]
    same_outcome(lambda m: m.asarray(a, dtype=m.float64, requires_grad=True) * 2)


@pytest.mark.parametrize("np_type", WIDE)
@pytest.mark.parametrize("target", ["float32", "int16", "int64"])
def test_wide_unsigned_asarray_no_copy_refused(np_type, target):
    a = np.array([1, 2], np_type)
    same_error(lambda m: m.asarray(a, dtype=getattr(m, target), copy=False))


_WARN_SCRIPT = """
import sys, warnings
import numpy as np
mod = __import__(sys.argv[1])
with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter("always")
    t = mod.tensor([np.array([1, 2], np.uint16), np.array([3, 4], np.uint16)], dtype=mod.float32)
print(t.tolist(), [(x.category.__name__, str(x.message)) for x in w])
"""


def test_wide_unsigned_arrays_in_list_warn():
    """torch's once-per-process warning, so each library runs in a fresh process."""
    out = [subprocess.run([sys.executable, "-c", _WARN_SCRIPT, name], capture_output=True, text=True, check=True).stdout
           for name in ("torch", "glasstorch")]
    assert "extremely slow" in out[0]
    assert out[1] == out[0]


SCALARS = [np.uint16(65535), np.uint32(2**32 - 1), np.uint64(2**63), np.uint64(2**64 - 1), np.uint64(5),
           np.int64(300), np.int64(-2**63), np.int32(-1), np.int16(-300), np.int8(-3), np.uint8(200),
           np.float64(300.7), np.float64(-0.5), np.float32(-1.5), np.float64(1e20), np.float64(float("nan")),
           np.float16(2.5), np.bool_(True), np.bool_(False), np.complex128(1 + 2j)]
SCALAR_MAKERS = {
    "tensor": lambda m, s, dt: m.tensor(s, dtype=dt),
    "as_tensor": lambda m, s, dt: m.as_tensor(s, dtype=dt),
    "list": lambda m, s, dt: m.tensor([s, s], dtype=dt),
    "asarray": lambda m, s, dt: m.asarray(s, dtype=dt),
    "new_tensor": lambda m, s, dt: m.zeros(1, dtype=dt).new_tensor(s),
    "new_tensor_dtype": lambda m, s, dt: m.zeros(1).new_tensor(s, dtype=dt),
}


@pytest.mark.parametrize("maker", sorted(SCALAR_MAKERS))
@pytest.mark.parametrize("target", ["int8", "uint8", "int16", "int32", "int64", "bool", "float16", "float32",
                                    "float64"])
def test_numpy_scalar_with_dtype(maker, target):
    for s in SCALARS:
        if s.dtype.kind == "c" and target.startswith("float"):
            continue        # (NumPy's ComplexWarning: glasstorch warns it from another line)
        same_outcome(lambda m: SCALAR_MAKERS[maker](m, s, getattr(m, target)))


@settings(max_examples=80, deadline=None)
@given(st.sampled_from([np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64]),
       st.integers(-2**64, 2**64), st.sampled_from(["int8", "uint8", "int32", "int64", "bool"]),
       st.sampled_from(sorted(SCALAR_MAKERS)))
def test_numpy_integer_scalar_ranges(np_type, value, target, maker):
    info = np.iinfo(np_type)
    s = np_type(min(max(value, info.min), info.max))
    same_outcome(lambda m: SCALAR_MAKERS[maker](m, s, getattr(m, target)))


@pytest.mark.parametrize("kw", [dict(copy=False), dict(copy=False, dtype="float64"), dict(copy=True),
                                dict(requires_grad=True), dict(dtype="int16"), {}])
def test_asarray_numpy_scalar(kw):
    for s in [np.float64(1.5), np.float32(2.5), np.int8(3), np.bool_(True), np.complex64(1j)]:
        def run(m):
            k = {n: getattr(m, v) if n == "dtype" else v for n, v in kw.items()}
            return m.asarray(s, **k)
        same_outcome(run)
    same_error(lambda m: m.asarray(np.uint16(4), copy=False))
