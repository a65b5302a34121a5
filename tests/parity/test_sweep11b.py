"""Parity for what the sweep11b programs (tests/programs/sweep11b_*.py) exposed: torch.tensor's range
checks of Python numbers, finfo(bfloat16), assert_close's msg / check_stride handling, isclose's
tolerance checks, x.view(dtype) across element sizes, and the empty-list errors of cat / stack."""
import numpy as np
import pytest
import torch

import glasstorch

from ._helpers import MODS, assert_same_array, same_error, same_on_both

INT_DTYPES = ["int8", "uint8", "int16", "int32", "int64"]
VALUES = [300, -1, -255, -256, 2 ** 40, 2 ** 63, -2 ** 63 - 1, 1e300, 70000.0, float("inf"), float("nan"),
          -129.5, 127.9, -0.5, 3.99]


def _tensor_or_error(m, data, dtype):
    try:
        return ("ok", m.tensor(data, dtype=getattr(m, dtype)).tolist())
    except Exception as e:            # noqa: BLE001 - compared with torch's
        return (type(e).__name__, str(e))


@pytest.mark.parametrize("dtype", INT_DTYPES + ["bool", "float16", "float32"])
@pytest.mark.parametrize("v", VALUES)
def test_tensor_from_list_range_checks(dtype, v):
    for data in ([1, v], v, [[v]]):
        want = _tensor_or_error(torch, data, dtype)
        got = _tensor_or_error(glasstorch, data, dtype)
        assert str(want) == str(got), f"{data!r}: torch {want} vs glasstorch {got}"


@pytest.mark.parametrize("v", [2 ** 63, -2 ** 63 - 1])
def test_tensor_int_beyond_long(v):
    same_error(lambda m: m.tensor([v]))
    same_error(lambda m: m.tensor(v))


def test_finfo_bfloat16():
    f_t, f_g = torch.finfo(torch.bfloat16), glasstorch.finfo(glasstorch.bfloat16)
    assert repr(f_t) == repr(f_g)
    for k in ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype"):
        assert getattr(f_t, k) == getattr(f_g, k), k


def _close_report(m, build, **kw):
    x, y = build(m)
    try:
        m.testing.assert_close(x, y, **kw)
        return "ok"
    except AssertionError as e:
        return str(e)


CASES = {
    "list": lambda m: ([m.ones(2)], [m.ones(2) + 1]),
    "dtype": lambda m: (m.ones(2), m.ones(2).double()),
    "shape": lambda m: (m.ones(2), m.ones(1)),
    "stride": lambda m: (m.ones(2, 3).t(), m.ones(3, 2)),
    "dict": lambda m: ({"k": m.ones(2)}, {"k": m.ones(2) + 1}),
    "scalars": lambda m: (1.0, 2.0),
    "types": lambda m: (1, 1.0),
    "0-dim": lambda m: (m.tensor(1.0), m.tensor(2.0)),
    "values": lambda m: (m.tensor([[1.0, 2.0], [3.0, 4.0]]), m.tensor([[1.1, 2.0], [3.0, 4.4]])),
    "length": lambda m: ([m.ones(2)], [m.ones(2), m.ones(2)]),
}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("msg", [None, "M", lambda s: "C:" + s[:25]])
@pytest.mark.parametrize("check_stride", [False, True])
def test_assert_close_msg_and_stride(case, msg, check_stride):
    want = _close_report(torch, CASES[case], msg=msg, check_stride=check_stride)
    got = _close_report(glasstorch, CASES[case], msg=msg, check_stride=check_stride)
    assert want == got


@pytest.mark.parametrize("rtol,atol", [(-1.0, 0.0), (0.0, -0.5), (-1.0, -1.0), (-2.5, 1e-8)])
def test_isclose_negative_tolerance(rtol, atol):
    same_error(lambda m: m.isclose(m.ones(2), m.ones(2), rtol=rtol, atol=atol))
    same_error(lambda m: m.allclose(m.ones(2), m.ones(2), rtol=rtol, atol=atol))


@pytest.mark.parametrize("src,dst,shape", [
    ("int32", "int16", (4,)), ("int32", "int8", (2, 2)), ("int32", "int64", (2, 4)), ("int32", "float16", (2,)),
    ("int32", "uint8", (2, 3)), ("float64", "float32", (3, 2)), ("float32", "float64", (2, 2)),
    ("complex64", "float32", (3,)), ("float32", "complex64", (4,)), ("int16", "int64", (8,)),
])
def test_view_dtype_other_size(src, dst, shape):
    arr = np.arange(int(np.prod(shape)), dtype=src).reshape(shape)
    outs = same_on_both(lambda m, x: x.view(getattr(m, dst)), [arr], grad=False)
    assert outs is not None
    for m in MODS:
        y = m.from_numpy(arr.copy()).view(getattr(m, dst))
        assert tuple(y.stride()) == tuple(torch.from_numpy(arr.copy()).view(getattr(torch, dst)).stride())


@pytest.mark.parametrize("fn", [
    lambda m: m.tensor(5, dtype=m.int32).view(m.int16),
    lambda m: m.arange(8, dtype=m.int32).reshape(2, 4)[:, ::2].view(m.int16),
    lambda m: m.arange(8, dtype=m.int32).reshape(2, 4).t().view(m.int16),
    lambda m: m.arange(6, dtype=m.int32).reshape(2, 3).view(m.int64),
    lambda m: m.arange(8, dtype=m.int32)[1:5].view(m.int64),
    lambda m: m.arange(12, dtype=m.int32).reshape(4, 3)[:, :2].view(m.int64),
])
def test_view_dtype_errors(fn):
    same_error(fn)


def test_view_dtype_offset_and_strides():
    for m in MODS:
        r = m.arange(8, dtype=m.int32).reshape(2, 4)[:, 1:3].view(m.int16)
        assert (tuple(r.shape), r.stride(), r.storage_offset()) == ((2, 4), (8, 1), 2)
    same_on_both(lambda m, x: x[:, 2:].view(m.int64), [np.arange(16, dtype=np.int32).reshape(2, 8)], grad=False)


@pytest.mark.parametrize("name", ["cat", "concat", "concatenate", "stack", "hstack", "vstack", "dstack",
                                  "column_stack", "row_stack"])
def test_join_empty_list_errors(name):
    same_error(lambda m: getattr(m, name)([]))


def test_tensor_uint8_negative_wraps():
    assert_same_array(torch.tensor([-1, 3, -255], dtype=torch.uint8),
                      glasstorch.tensor([-1, 3, -255], dtype=glasstorch.uint8))


@pytest.mark.parametrize("dtype", [None, "float32", "bool", "int64", "complex64"])
@pytest.mark.parametrize("data", [[2 ** 63, 1.5], [2 ** 63], [-2 ** 63 - 1, True], [[1, 2 ** 64]], [2 ** 63 - 1],
                                  [-2 ** 63]])
def test_tensor_from_list_beyond_long(dtype, data):
    def build(m):
        try:
            return ("ok", m.tensor(data, dtype=None if dtype is None else getattr(m, dtype)).tolist())
        except Exception as e:        # noqa: BLE001 - compared with torch's
            return (type(e).__name__, str(e))
    assert str(build(torch)) == str(build(glasstorch))
