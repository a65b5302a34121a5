"""Tensor creation, dtypes and promotion, conversions to Python/NumPy, devices and the legacy API,
compared with torch 2.13."""
import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import glasstorch
from tests.parity._helpers import MODS, same_error, to_np


def both(fn):
    return {m: fn(m) for m in MODS}


def norm(x):
    """Make results of either library comparable: tensors become (dtype, shape, values)."""
    if isinstance(x, (torch.Tensor, glasstorch.Tensor)):
        return ("tensor", str(x.dtype).replace("glasstorch", "torch"), tuple(x.shape), to_np(x).tolist(),
                x.requires_grad)
    if isinstance(x, (list, tuple)):
        return type(x).__name__, [norm(v) for v in x]
    if isinstance(x, (torch.dtype, glasstorch.dtype, torch.device, glasstorch.device, torch.Size, glasstorch.Size)):
        return repr(x)
    return x


def assert_same(fn):
    r = both(fn)
    assert norm(r[torch]) == norm(r[glasstorch])


CREATE = {
    "float": lambda t: t.tensor(3.5),
    "int": lambda t: t.tensor(7),
    "bool": lambda t: t.tensor(True),
    "nested": lambda t: t.tensor([[1, 2], [3, 4]]),
    "mixed_int_float": lambda t: t.tensor([1, 2.5]),
    "mixed_bool_int": lambda t: t.tensor([True, 2]),
    "empty_list": lambda t: t.tensor([]),
    "empty_nested": lambda t: t.tensor([[], []]),
    "dtype_arg": lambda t: t.tensor([1, 2], dtype=t.float64),
    "dtype_alias": lambda t: t.tensor([1.7, -2.2], dtype=t.long),
    "numpy_f64": lambda t: t.tensor(np.array([1.5, 2.5])),
    "numpy_scalar": lambda t: t.tensor(np.float64(2.5)),
    "numpy_int32": lambda t: t.tensor(np.arange(3, dtype=np.int32)),
    "list_of_0d": lambda t: t.tensor([t.tensor(1.0), t.tensor(2.0)]),
    "tuple": lambda t: t.tensor((1.0, 2.0)),
    "zeros": lambda t: t.zeros(2, 3),
    "zeros_tuple": lambda t: t.zeros((2, 3), dtype=t.int32),
    "ones": lambda t: t.ones(4),
    "full": lambda t: t.full((2, 2), 7),
    "full_float": lambda t: t.full((2,), 1.5),
    "full_bool": lambda t: t.full((2,), True),
    "empty_shape": lambda t: t.empty(0, 3).shape,
    "arange": lambda t: t.arange(5),
    "arange_float": lambda t: t.arange(0, 1, 0.1),
    "arange_neg": lambda t: t.arange(10, 0, -3),
    "arange_float_end": lambda t: t.arange(5.0),
    "linspace": lambda t: t.linspace(0, 1, 7),
    "linspace_big": lambda t: t.linspace(-3.3, 17.1, 101),
    "eye": lambda t: t.eye(3),
    "eye_rect": lambda t: t.eye(2, 4, dtype=t.int64),
    "zeros_like": lambda t: t.zeros_like(t.tensor([[1, 2]])),
    "ones_like_dtype": lambda t: t.ones_like(t.tensor([1, 2]), dtype=t.float16),
    "full_like": lambda t: t.full_like(t.tensor([1.0, 2.0]), 3),
    "empty_like_shape": lambda t: t.empty_like(t.ones(2, 5)).shape,
    "requires_grad": lambda t: t.zeros(2, requires_grad=True),
    "legacy_Tensor_data": lambda t: t.Tensor([1, 2]),
    "legacy_Tensor_sizes": lambda t: t.Tensor(2, 3).shape,
    "legacy_Tensor_empty": lambda t: t.Tensor(),
    "FloatTensor": lambda t: t.FloatTensor([1, 2]),
    "LongTensor": lambda t: t.LongTensor([1, 2]),
    "type_str": lambda t: t.tensor([1.0]).type(),
    "type_convert": lambda t: t.tensor([1.7]).type(t.LongTensor),
    "type_convert_str": lambda t: t.tensor([1.7]).type("torch.DoubleTensor"),
    "Variable": lambda t: t.autograd.Variable(t.ones(2), requires_grad=True),
    "as_tensor": lambda t: t.as_tensor([1, 2, 3], dtype=t.float32),
}


@pytest.mark.parametrize("name", sorted(CREATE))
def test_creation(name):
    assert_same(CREATE[name])


def test_from_numpy_and_numpy_share_memory():
    a = np.zeros(3, np.float32)
    t = glasstorch.from_numpy(a)
    a[0] = 5
    t.add_(1)
    assert a.tolist() == [6.0, 1.0, 1.0]
    assert t.numpy() is a or np.shares_memory(t.numpy(), a)


def test_as_tensor_shares_memory_with_matching_dtype():
    a = np.ones(2)
    t = glasstorch.as_tensor(a)
    a[1] = 9
    assert t.tolist() == [1.0, 9.0]


CONVERT = {
    "item_float": lambda t: t.tensor(0.3).item(),
    "item_int": lambda t: t.tensor([7]).item(),
    "item_bool": lambda t: t.tensor(True).item(),
    "tolist": lambda t: t.tensor([[1.5, 2], [3, 4]]).tolist(),
    "tolist_0d": lambda t: t.tensor(2).tolist(),
    "len": lambda t: len(t.zeros(4, 2)),
    "iter": lambda t: [x.tolist() for x in t.tensor([[1, 2], [3, 4]])],
    "bool": lambda t: bool(t.tensor([0.0])),
    "float": lambda t: float(t.tensor(2.5)),
    "int": lambda t: int(t.tensor(-2.7)),
    "format": lambda t: f"{t.tensor(1.5)} {t.tensor(2.0):.3f} {t.tensor(3):5d}",
    "format_many_empty_spec": lambda t: f"{t.tensor([1.0, 2.0])}",
    "index": lambda t: [10, 20, 30][t.tensor(1)],
    "shape": lambda t: t.zeros(2, 3).shape,
    "size": lambda t: t.zeros(2, 3).size(),
    "size_dim": lambda t: t.zeros(2, 3).size(-1),
    "dim_numel": lambda t: (t.zeros(2, 3).dim(), t.zeros(2, 3).numel(), t.zeros(2, 3).ndim),
    "element_size": lambda t: t.zeros(2, dtype=t.float64).element_size(),
    "dtype": lambda t: t.zeros(2).dtype,
    "dtypes": lambda t: [t.float, t.double, t.half, t.long, t.int, t.short, t.bool, t.uint8, t.int8],
    "device": lambda t: t.zeros(2).device,
    "device_obj": lambda t: (t.device("cpu"), str(t.device("cpu")), t.device("cpu") == t.device("cpu")),
    "to_dtype": lambda t: t.tensor([1.5, -2.5]).to(t.int32),
    "to_device": lambda t: t.tensor([1.5]).to("cpu"),
    "to_device_dtype": lambda t: t.tensor([1.5]).to("cpu", t.float64),
    "to_other": lambda t: t.tensor([1.5]).to(t.tensor([1], dtype=t.int16)),
    "casts": lambda t: [t.tensor([1.7, -1.2]).long(), t.tensor([1, 0]).bool(), t.tensor([2]).float(),
                        t.tensor([2]).double(), t.tensor([2.5]).int(), t.tensor([1.5]).half()],
    "cpu": lambda t: t.ones(2).cpu(),
    "is_floating_point": lambda t: (t.ones(2).is_floating_point(), t.ones(2, dtype=t.long).is_floating_point()),
    "cuda_available": lambda t: (t.cuda.is_available(), t.backends.mps.is_available()),
    "default_dtype": lambda t: t.get_default_dtype(),
    "promote_types": lambda t: [t.promote_types(t.int32, t.float16), t.promote_types(t.uint8, t.int8)],
    "result_type": lambda t: [t.result_type(t.tensor([1]), 2.5), t.result_type(t.tensor([1], dtype=t.int8), 1000)],
    "Size_ops": lambda t: (t.Size([2, 3]).numel(), t.Size([2, 3]) + (4,), repr(t.Size([1]))),
    "is_tensor": lambda t: (t.is_tensor(t.ones(1)), t.is_tensor([1])),
    "numel_fn": lambda t: t.numel(t.ones(3, 4)),
    "finfo": lambda t: (t.finfo(t.float32).eps, t.finfo(t.float64).max, t.iinfo(t.int8).max),
}


@pytest.mark.parametrize("name", sorted(CONVERT))
def test_conversions(name):
    assert_same(CONVERT[name])


def test_set_default_dtype_changes_inference_and_printing():
    def fn(t):
        t.set_default_dtype(t.float64)
        try:
            return [t.tensor(1.5), repr(t.tensor([1.5])), repr(t.tensor([1.5], dtype=t.float32)),
                    t.tensor([1, 2]) / 2, t.zeros(1).dtype]
        finally:
            t.set_default_dtype(t.float32)
    assert_same(fn)


def test_threads():
    glasstorch.set_num_threads(1)
    assert glasstorch.get_num_threads() == 1
    glasstorch.set_num_threads(2)
    assert glasstorch.get_num_threads() == 2


ERRORS = {
    "ragged": lambda t: t.tensor([[1, 2], [3]]),
    "ragged_deep": lambda t: t.tensor([[[1], [2]], [[3], [4, 5]]]),
    "str": lambda t: t.tensor("a"),
    "item_many": lambda t: t.ones(3).item(),
    "len_0d": lambda t: len(t.tensor(1.0)),
    "iter_0d": lambda t: iter(t.tensor(1.0)),
    "bool_many": lambda t: bool(t.zeros(3)),
    "format_spec": lambda t: format(t.ones(2), ".2f"),
    "negative_dim": lambda t: t.zeros(2, -1),
    "mps": lambda t: t.ones(2).to("mps"),
    "cuda_method": lambda t: t.ones(1).cuda(),
    "size_dim_range": lambda t: t.zeros(2, 3).size(2),
    "requires_grad_int": lambda t: t.zeros(2, dtype=t.int64, requires_grad=True),
    "index_float": lambda t: [1, 2][t.tensor(1.0)],
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors(name):
    same_error(ERRORS[name])


@given(st.recursive(st.one_of(st.integers(-5, 5), st.floats(-5, 5, width=32), st.booleans()),
                    lambda children: st.lists(children, min_size=1, max_size=3), max_leaves=12))
def test_tensor_from_nested_data(data):
    """Any nested data: same dtype, shape and values, or the same error."""
    res = {}
    for m in MODS:
        try:
            res[m] = norm(m.tensor(data))
        except Exception as e:   # noqa: BLE001
            res[m] = (type(e).__name__, str(e))
    assert res[torch] == res[glasstorch]
