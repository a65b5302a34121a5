"""``arange`` against torch: the values torch's CPU kernel writes (float dtypes: parallel chunks, two
SIMD vectors at a time from a rounded base, fused multiply-adds), the integer dtypes' truncation of
float arguments (int64 counts from the truncated numbers, the narrower types from the doubles), and
the checks torch makes, in its order (bounds, then conversions, then the length, then the storage)."""
import math

import numpy as np
import pytest
import torch
from hypothesis import assume, given, settings, strategies as st

import glasstorch

from ._helpers import same_outcome

FLOATS = ["float16", "float32", "float64"]
INTS = ["int64", "int32", "int16", "int8", "uint8"]


def _same_bits(fn):
    """fn(m) on both libraries: the same exception, or the same values bit for bit."""
    out = []
    for m in (torch, glasstorch):
        try:
            r = fn(m)
            out.append((str(r.dtype), tuple(r.shape), r.numpy().tobytes()))
        except Exception as e:        # noqa: BLE001 - compared below
            out.append((type(e).__name__, str(e)))
    assert out[0] == out[1], f"torch {out[0][:2]} vs glasstorch {out[1][:2]}"


number = st.one_of(st.integers(-40, 40), st.floats(-40, 40, allow_nan=False).map(lambda v: round(v, 3)))


@settings(max_examples=300, deadline=None)
@given(start=number, length=st.integers(0, 90), step=st.one_of(
    st.floats(0.001, 7).map(lambda v: round(v, 4)), st.floats(-7, -0.001).map(lambda v: round(v, 4)),
    st.integers(-5, 5)), dtype=st.sampled_from(FLOATS + INTS + [None]))
def test_values_bit_for_bit(start, length, step, dtype):
    end = start + length * step * 0.37 if step else start + 1
    _same_bits(lambda m: m.arange(start, end, step, dtype=None if dtype is None else getattr(m, dtype)))


@pytest.mark.parametrize("threads", [1, 2, 3, 5])
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("args", [(-3.0, 1e5, 0.7), (0.1, 33000 * 0.13, 0.13), (1.5, -2e5, -1.3),
                                  (0.3, 65600 * 0.01, 0.01), (0, 70000.5, 1.0)])
def test_long_ranges_split_over_threads(args, dtype, threads):
    """Past 32768 elements torch splits the range over its threads; each piece has its own vector
    blocks and tail, so the values depend on the thread count."""
    if dtype == "float16" and max(abs(a) for a in args[:2]) > 60000:
        args = (args[0] / 10, args[1] / 10, args[2] / 10)
    before = torch.get_num_threads(), glasstorch.get_num_threads()
    try:
        torch.set_num_threads(threads)
        glasstorch.set_num_threads(threads)
        _same_bits(lambda m: m.arange(*args, dtype=getattr(m, dtype)))
    finally:
        torch.set_num_threads(before[0])
        glasstorch.set_num_threads(before[1])


def test_known_values():
    """Checked on torch 2.13 (AVX2): the fourth value is -3 + 2.7 + 2.7 + 2.7 as the kernel's fused
    multiply-adds give it, not round(-3 + 3 * 2.7)."""
    assert torch.arange(-3.0, 5.5, 2.7, dtype=torch.float64).tolist()[3] == 5.1000000000000005
    assert glasstorch.arange(-3.0, 5.5, 2.7, dtype=glasstorch.float64).tolist()[3] == 5.1000000000000005


INF, NAN = math.inf, math.nan
EDGES = [-3, -2.5, -0.5, 0, 0.5, 2.9, 1e19, -1e19, 2 ** 63, -2 ** 63, 2 ** 62, 1e30, INF, -INF, NAN]
STEPS = [-2, -0.7, 0.3, 1, 2.7, 0, INF, NAN, 2 ** 62, -1e-300, 1e-300]


@settings(max_examples=400, deadline=None)
@given(start=st.sampled_from(EDGES), end=st.sampled_from(EDGES), step=st.sampled_from(STEPS),
       dtype=st.sampled_from(FLOATS + INTS + [None]))
def test_edges_and_errors(start, end, step, dtype):
    """Infinite and nan bounds, zero steps, float arguments past int64, lengths past int64 and past
    the storage's byte count: torch's exception and message, in torch's order."""
    def fn(m):
        r = m.arange(start, end, step, dtype=None if dtype is None else getattr(m, dtype))
        return r[:5]
    # (not a length that would have to be allocated: whether that fails depends on the machine)
    assume(_fits_memory(start, end, step, dtype))
    same_outcome(fn)


def _fits_memory(start, end, step, dtype):
    """False where both libraries would try to allocate more than a few GB (torch's allocator then
    fails or not, by the machine's memory)."""
    try:
        n = (float(end) - float(start)) / float(step)
    except (ZeroDivisionError, OverflowError):
        return True
    if not math.isfinite(n) or n < 0:
        return True
    size = 8 if dtype is None else np.dtype(dtype).itemsize
    return n * size < 2 ** 31 or n * 4 > 2 ** 63


@pytest.mark.parametrize("args,dtype", [
    ((0.5, 4, 2), "int64"), ((0.5, 4.5, 2.5), "int64"),         # int64: the length from the truncated numbers
    ((0.5, 3.7, 1), "int32"), ((0.5, 3.7, 1), "int64"),          # int32: the length from the doubles
    ((-3, -2.5, 0.3), "int64"),                                  # a step that truncates to 0: ValueError
    ((-3, -2.5, 0.3), "int32"),
    ((0, 5, INF), "int32"), ((0, 5, NAN), "float32"), ((0, INF), "float32"), ((NAN, 1), "int64"),
    ((0, 1e19, 1e18), "int64"), ((0.0, 1e19, 1e18), "int32"),   # end past int64: refused for int64 only
    ((1, 2 ** 62, 1), "int64"),                                  # 2**62 - 1 elements, counted through a double
    ((-2.5, 2 ** 63, 1), "float32"),                             # a length of 2**63 wraps to a negative size
    ((0, 1e30, 1), "float32"), ((0, 1e30, 1), "int32"),
])
def test_fixed_cases(args, dtype):
    same_outcome(lambda m: m.arange(*args, dtype=getattr(m, dtype))[:5])


@pytest.mark.parametrize("fn", [
    lambda m: m.empty(2 ** 62, 2),
    lambda m: m.zeros(2 ** 61, 4, dtype=m.int8),
    lambda m: m.ones(2 ** 40, 2 ** 30),
])
def test_storage_size_overflow(fn):
    same_outcome(fn)
