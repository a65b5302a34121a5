"""A NumPy array, a list, a Python number, a string or None where torch wants a Tensor: torch's
argument parser refuses the call with its TypeError ("exp(): argument 'input' (position 1) must be
Tensor, not numpy.ndarray", or the "invalid combination of arguments" list), and glasstorch must
raise the same type and message (``same_error``), not an AttributeError from inside the op nor a
silent result.  The operators (``x + array``) do take an array, as torch's do.  Every expectation
comes from torch at test time."""
import numpy as np
import pytest
import torch

import glasstorch

from ._helpers import same_error


def _bad(kind):
    """A fresh wrong-typed value: an ndarray, a list, a float, a str or None."""
    return {"array": np.ones(3), "list": [1.0, 2.0], "float": 1.5, "str": "a", "none": None}[kind]


# one tensor argument: torch.f(bad)
UNARY = """exp log sigmoid relu tanh sin cos sqrt abs neg exp2 expm1 log1p log2 log10 rsqrt reciprocal sign floor
ceil round trunc frac sinh cosh asin acos atan asinh acosh atanh erf erfc erfinv lgamma digamma sgn signbit isnan
isinf isfinite logical_not bitwise_not angle deg2rad rad2deg i0 sinc logit nan_to_num positive sum mean prod max
min argmax argmin std var median all any amax amin nansum nanmean flatten nonzero""".split()


@pytest.mark.parametrize("kind", ["array", "list", "float", "none"])
@pytest.mark.parametrize("name", UNARY)
def test_unary_function_refuses_non_tensor(name, kind):
    same_error(lambda m: getattr(m, name)(_bad(kind)))


# two tensor arguments: torch.f(x, bad), torch.f(bad, x) and x.f(bad)
BINARY = """add mul sub div floor_divide remainder fmod pow atan2 maximum minimum fmax fmin eq ne lt le gt ge logical_and
logical_or logical_xor hypot copysign xlogy mm bmm dot mv kron cross dist ldexp logaddexp nextafter
heaviside""".split()
FORMS = {
    "function, bad second": lambda m, name, bad: getattr(m, name)(m.ones(2, 3), bad),
    "function, bad first": lambda m, name, bad: getattr(m, name)(bad, m.ones(2, 3)),
    "method": lambda m, name, bad: getattr(m.ones(2, 3), name)(bad),
}


@pytest.mark.parametrize("form", list(FORMS))
@pytest.mark.parametrize("kind", ["array", "list", "str", "none"])
@pytest.mark.parametrize("name", BINARY)
def test_binary_refuses_non_tensor(name, kind, form):
    same_error(lambda m: FORMS[form](m, name, _bad(kind)))


@pytest.mark.parametrize("kind", ["array", "list", "str", "none"])
@pytest.mark.parametrize("name", ["bitwise_and", "bitwise_or", "bitwise_xor"])
def test_bitwise_method_refuses_non_tensor(name, kind):
    same_error(lambda m: getattr(m.ones(2, 3, dtype=m.int64), name)(_bad(kind)))


@pytest.mark.parametrize("kind", ["array", "list", "str", "none"])
def test_matmul_outer_refuse_non_tensor(kind):
    same_error(lambda m: m.matmul(m.ones(2, 3), _bad(kind)))
    same_error(lambda m: m.matmul(_bad(kind), m.ones(2, 3)))
    same_error(lambda m: m.outer(_bad(kind), m.ones(3)))


A = np.ones(3)
CASES = {
    "where(x > 0, x, array)": lambda m, x: m.where(x > 0, x, A),
    "where(x > 0, array, x)": lambda m, x: m.where(x > 0, A, x),
    "where(array, x, x)": lambda m, x: m.where(A, x, x),
    "clamp(x, min='a')": lambda m, x: m.clamp(x, min="a"),
    "clamp(x, 'a')": lambda m, x: m.clamp(x, "a"),
    "clamp(array, 0)": lambda m, x: m.clamp(A, 0),
    "clamp(x, array)": lambda m, x: m.clamp(x, A),
    "take(x, 1.5)": lambda m, x: m.take(x, 1.5),
    "take(x, [0])": lambda m, x: m.take(x, [0]),
    "gather(x, 1, [[0]])": lambda m, x: m.gather(x, 1, [[0]]),
    "x.gather(1, array)": lambda m, x: x.gather(1, A),
    "x.index_select(0, [0])": lambda m, x: x.index_select(0, [0]),
    "index_select(x, 0, array)": lambda m, x: m.index_select(x, 0, A),
    "full((2,), 'a')": lambda m, x: m.full((2,), "a"),
    "sum(x, dim='a')": lambda m, x: m.sum(x, dim="a"),
    "sum(x, array)": lambda m, x: m.sum(x, A),
    "max(x, array)": lambda m, x: m.max(x, A),
    "min(x, array)": lambda m, x: m.min(x, A),
    "x.max(array)": lambda m, x: x.max(A),
    "cumsum(x, 'a')": lambda m, x: m.cumsum(x, "a"),
    "exp(x, out=array)": lambda m, x: m.exp(x, out=A),
    "abs('a')": lambda m, x: m.abs("a"),
    "exp('a')": lambda m, x: m.exp("a"),
    "square('a')": lambda m, x: m.square("a"),
    "cat([x, array])": lambda m, x: m.cat([x, A]),
    "stack([x, array])": lambda m, x: m.stack([x, A]),
    "transpose(array, 0, 1)": lambda m, x: m.transpose(A, 0, 1),
    "squeeze(array)": lambda m, x: m.squeeze(A),
    "unsqueeze(array, 0)": lambda m, x: m.unsqueeze(A, 0),
    "softmax(array, 0)": lambda m, x: m.softmax(A, 0),
    "logsumexp(array, 0)": lambda m, x: m.logsumexp(A, 0),
    "topk(array, 1)": lambda m, x: m.topk(A, 1),
    "sort(array)": lambda m, x: m.sort(A),
    "argsort(array)": lambda m, x: m.argsort(A),
    "cumsum(array, 0)": lambda m, x: m.cumsum(A, 0),
    "zeros_like(array)": lambda m, x: m.zeros_like(A),
    "ones_like(array)": lambda m, x: m.ones_like(A),
    "full_like(array, 1)": lambda m, x: m.full_like(A, 1),
    "empty_like(array)": lambda m, x: m.empty_like(A),
    "chunk(array, 2)": lambda m, x: m.chunk(A, 2),
    "flip(array, (0,))": lambda m, x: m.flip(A, (0,)),
    "roll(array, 1)": lambda m, x: m.roll(A, 1),
    "tril(array)": lambda m, x: m.tril(A),
    "triu(array)": lambda m, x: m.triu(A),
    "diag(array)": lambda m, x: m.diag(A),
    "diff(array)": lambda m, x: m.diff(A),
    "repeat_interleave(array, 2)": lambda m, x: m.repeat_interleave(A, 2),
    "var(array)": lambda m, x: m.var(A),
    "std(array)": lambda m, x: m.std(A),
    "dot(array, array)": lambda m, x: m.dot(A, A),
    "outer(array, array)": lambda m, x: m.outer(A, A),
    "lerp(x, array, 0.5)": lambda m, x: m.lerp(x, A, 0.5),
    "addmm(x, array, x)": lambda m, x: m.addmm(x, A, x),
    "baddbmm(x, array, x)": lambda m, x: m.baddbmm(x, A, x),
    "isclose(x, array)": lambda m, x: m.isclose(x, A),
    "allclose(x, array)": lambda m, x: m.allclose(x, A),
    "bucketize(array, x)": lambda m, x: m.bucketize(A, x),
    "histc(array)": lambda m, x: m.histc(A),
    "F.relu(array)": lambda m, x: m.nn.functional.relu(A),
    "F.gelu(array)": lambda m, x: m.nn.functional.gelu(A),
    "F.silu(array)": lambda m, x: m.nn.functional.silu(A),
    "F.leaky_relu(array)": lambda m, x: m.nn.functional.leaky_relu(A),
    "F.elu(array)": lambda m, x: m.nn.functional.elu(A),
    "F.softplus(array)": lambda m, x: m.nn.functional.softplus(A),
    "F.hardtanh(array)": lambda m, x: m.nn.functional.hardtanh(A),
    "F.mish(array)": lambda m, x: m.nn.functional.mish(A),
    "F.linear(array, x)": lambda m, x: m.nn.functional.linear(A, x),
    "F.linear(x, array)": lambda m, x: m.nn.functional.linear(x, A),
    "F.dropout(array)": lambda m, x: m.nn.functional.dropout(A),
    "F.layer_norm(array, (3,))": lambda m, x: m.nn.functional.layer_norm(A, (3,)),
    "Linear(3, 2)(array)": lambda m, x: m.nn.Linear(3, 2)(A),
    "ReLU()(array)": lambda m, x: m.nn.ReLU()(A),
    "Sigmoid()(array)": lambda m, x: m.nn.Sigmoid()(A),
    "Tanh()(array)": lambda m, x: m.nn.Tanh()(A),
    "GELU()(array)": lambda m, x: m.nn.GELU()(A),
    "LayerNorm(3)(array)": lambda m, x: m.nn.LayerNorm(3)(A),
    "Dropout()(array)": lambda m, x: m.nn.Dropout()(A),
    "BatchNorm1d(3)(array)": lambda m, x: m.nn.BatchNorm1d(3)(A),
    "Sequential(Linear(3, 2))(array)": lambda m, x: m.nn.Sequential(m.nn.Linear(3, 2))(A),
    "ReLU()([1., 2.])": lambda m, x: m.nn.ReLU()([1.0, 2.0]),
    "argmax(x, dim=None, keepdim=1.0)": lambda m, x: m.argmax(x, dim=None, keepdim=1.0),
    "x.argmin(1, 1)": lambda m, x: x.argmin(1, 1),
    "x.argmax(1, keepdim='a')": lambda m, x: x.argmax(1, keepdim="a"),
    "x.add_(array)": lambda m, x: x.add_(A),
    "x.mul_(array)": lambda m, x: x.mul_(A),
    "x.sub_([1.])": lambda m, x: x.sub_([1.0]),
    "x.div_('a')": lambda m, x: x.div_("a"),
    "x.copy_(array)": lambda m, x: x.copy_(A),
    "x.copy_([1., 2., 3.])": lambda m, x: x.copy_([1.0, 2.0, 3.0]),
    "x.type_as(array)": lambda m, x: x.type_as(A),
    "x.type_as('a')": lambda m, x: x.type_as("a"),
    "x.view_as(array)": lambda m, x: x.view_as(A),
    "x.expand_as(array)": lambda m, x: x.expand_as(A),
    "x.reshape_as(array)": lambda m, x: x.reshape_as(A),
}


@pytest.mark.parametrize("case", list(CASES))
def test_call_refuses_non_tensor(case):
    same_error(lambda m: CASES[case](m, m.ones(2, 3)))


@pytest.mark.parametrize("op", ["+", "-", "*", "/", "//", "%", "=="])
def test_operator_takes_array(op):
    """``x + array`` is NumPy's operation on the tensor's values (torch's operator returns
    NotImplemented), whereas ``torch.add(x, array)`` is refused: the operators must still work."""
    want = eval(f"torch.arange(6.).reshape(2, 3) {op} np.arange(1., 4.)")
    got = eval(f"glasstorch.arange(6.).reshape(2, 3) {op} np.arange(1., 4.)")
    assert type(got) is glasstorch.Tensor and str(got.dtype) == str(want.dtype)
    np.testing.assert_array_equal(got.numpy(), want.numpy())


KEYWORDS = {
    "x.sum(dim='a')": lambda m, x: x.sum(dim="a"),
    "x.sum(dim=1.0)": lambda m, x: x.sum(dim=1.0),
    "sum(x, dim='a')": lambda m, x: m.sum(x, dim="a"),
    "x.mean(dim=1.5, keepdim=True)": lambda m, x: x.mean(dim=1.5, keepdim=True),
    "mean(x, dim=1.5)": lambda m, x: m.mean(x, dim=1.5),
    "x.std(dim='a')": lambda m, x: x.std(dim="a"),
    "x.var(dim=1.0)": lambda m, x: x.var(dim=1.0),
    "x.max(dim=1.5)": lambda m, x: x.max(dim=1.5),
    "x.argmax(dim=1.5)": lambda m, x: x.argmax(dim=1.5),
    "x.cumsum(dim=0.5)": lambda m, x: x.cumsum(dim=0.5),
    "x.unsqueeze(dim=1.5)": lambda m, x: x.unsqueeze(dim=1.5),
    "x.squeeze(dim=0.5)": lambda m, x: x.squeeze(dim=0.5),
    "x.transpose(0, dim1=1.5)": lambda m, x: x.transpose(0, dim1=1.5),
    "x.flatten(start_dim=0.5)": lambda m, x: x.flatten(start_dim=0.5),
    "x.unflatten(dim=1.5, sizes=(3,))": lambda m, x: x.unflatten(dim=1.5, sizes=(3,)),
    "x.softmax(dim=1.0)": lambda m, x: x.softmax(dim=1.0),
    "softmax(x, dim=1.5)": lambda m, x: m.softmax(x, dim=1.5),
    "x.topk(k=1.5)": lambda m, x: x.topk(k=1.5),
    "x.view(size=1.5)": lambda m, x: x.view(size=1.5),
    "x.reshape(shape=1.5)": lambda m, x: x.reshape(shape=1.5),
    "x.permute(dims=1.5)": lambda m, x: x.permute(dims=1.5),
    "x.flip(dims=1.5)": lambda m, x: x.flip(dims=1.5),
    "x.roll(shifts=1.5)": lambda m, x: x.roll(shifts=1.5),
    "x.movedim(source=1.5, destination=0)": lambda m, x: x.movedim(source=1.5, destination=0),
    "x.repeat(repeats=1.5)": lambda m, x: x.repeat(repeats=1.5),
    "x.expand(size=1.5)": lambda m, x: x.expand(size=1.5),
    "x.chunk(2, dim=1.5)": lambda m, x: x.chunk(2, dim=1.5),
    "x.narrow(dim=1.5, start=0, length=1)": lambda m, x: x.narrow(dim=1.5, start=0, length=1),
    "x.select(dim=1.5, index=0)": lambda m, x: x.select(dim=1.5, index=0),
    "x.sort(dim=1.5)": lambda m, x: x.sort(dim=1.5),
    "x.diagonal(offset=1.5)": lambda m, x: x.diagonal(offset=1.5),
    "x.tril(diagonal=1.5)": lambda m, x: x.tril(diagonal=1.5),
    "cat([x], dim=1.5)": lambda m, x: m.cat([x], dim=1.5),
    "zeros(size=1.5)": lambda m, x: m.zeros(size=1.5),
    "full(size=(2,), fill_value='a')": lambda m, x: m.full(size=(2,), fill_value="a"),
}


@pytest.mark.parametrize("case", list(KEYWORDS))
def test_keyword_argument_named_as_keyword(case):
    """An argument passed by keyword is shown as one in torch's message ("got (dim=str, )")."""
    same_error(lambda m: KEYWORDS[case](m, m.ones(2, 3)))
