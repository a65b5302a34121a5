"""More of torch's argument-parser refusals (after test_arg_types.py): the function forms of ops that
met a non-tensor with an AttributeError or a shape error from inside, aliases that must be named as
the user called them (``torch.fix``, not ``trunc``), bool parameters (``keepdim='a'``, ``largest=1``)
that torch refuses, and the argument-count messages of ``x.transpose(0)`` / ``x.argwhere(2)``.
Every expectation comes from torch at test time (``same_error``: same type, same message)."""
import numpy as np
import pytest

from ._helpers import same_error


def _bad(kind):
    """A fresh wrong-typed value: an ndarray, a list, a float, a str or None."""
    return {"array": np.ones(3), "list": [1.0, 2.0], "float": 1.5, "str": "a", "none": None}[kind]


# aliases: torch's parser names the function the user called
ALIASES = "fix absolute negative arccos arcsin arctan t numel clone argwhere isreal real imag conj ravel".split()


@pytest.mark.parametrize("kind", ["array", "list", "float", "none"])
@pytest.mark.parametrize("name", ALIASES)
def test_unary_function_refuses_non_tensor(name, kind):
    # called by its name (``m.fix(bad)``), as user code does: glasstorch reads the alias from the call
    same_error(lambda m: eval(f"m.{name}(bad)", {"m": m, "bad": _bad(kind)}))


BINARY = "true_divide float_power bitwise_and bitwise_or bitwise_xor inner outer matmul".split()
FORMS = {     # each called by its name, as user code does (``m.true_divide(x, bad)``)
    "function, bad second": "m.{}(m.ones(2, 3, dtype=m.int64), bad)",
    "function, bad first": "m.{}(bad, m.ones(2, 3, dtype=m.int64))",
    "method": "m.ones(2, 3, dtype=m.int64).{}(bad)",
}


@pytest.mark.parametrize("form", list(FORMS))
@pytest.mark.parametrize("kind", ["array", "list", "str", "none"])
@pytest.mark.parametrize("name", BINARY)
def test_binary_refuses_non_tensor(name, kind, form):
    same_error(lambda m: eval(FORMS[form].format(name), {"m": m, "bad": _bad(kind)}))


A = np.ones(3)
CASES = {
    "square(1.5)": lambda m, x: m.square(1.5),
    "square(array)": lambda m, x: m.square(A),
    "float_power(x, '2')": lambda m, x: m.float_power(x, "2"),
    "x.float_power(None)": lambda m, x: x.float_power(None),
    "outer(x, array)": lambda m, x: m.outer(x, A),
    "x.outer([1.])": lambda m, x: x.outer([1.0]),
    "x.matmul(array)": lambda m, x: x.matmul(A),
    "x.inner(None)": lambda m, x: x.inner(None),
    "equal(x, array)": lambda m, x: m.equal(x, A),
    "x.equal([1.])": lambda m, x: x.equal([1.0]),
    "masked_fill(x, array, 0)": lambda m, x: m.masked_fill(x, A, 0),
    "x.masked_fill(array, 0)": lambda m, x: x.masked_fill(A, 0),
    "x.masked_fill(x > 0, array)": lambda m, x: x.masked_fill(x > 0, A),
    "x.masked_fill(x > 0, 'a')": lambda m, x: x.masked_fill(x > 0, "a"),
    "x.masked_fill(x > 0, None)": lambda m, x: x.masked_fill(x > 0, None),
    "cat(array)": lambda m, x: m.cat(A),
    "cat('ab')": lambda m, x: m.cat("ab"),
    "cat(x)": lambda m, x: m.cat(x),
    "cat(iter([x]))": lambda m, x: m.cat(iter([x])),
    "stack(array)": lambda m, x: m.stack(A),
    "hstack(array)": lambda m, x: m.hstack(A),
    "einsum('i->i', array)": lambda m, x: m.einsum("i->i", A),
    "einsum('ij,j->i', x, [1.])": lambda m, x: m.einsum("ij,j->i", x, [1.0]),
    "einsum('i->i', [array])": lambda m, x: m.einsum("i->i", [A]),
    "split(array, 1)": lambda m, x: m.split(A, 1),
    "split([1.], 1)": lambda m, x: m.split([1.0], 1),
    "tile(array, (2,))": lambda m, x: m.tile(A, (2,)),
    "unique(array)": lambda m, x: m.unique(A),
    "unique(array, dim=0)": lambda m, x: m.unique(A, dim=0),
    "bincount(array)": lambda m, x: m.bincount(A),
    "count_nonzero(array)": lambda m, x: m.count_nonzero(A),
    "searchsorted(x, array)": lambda m, x: m.searchsorted(x, A),
    "searchsorted(x, 'a')": lambda m, x: m.searchsorted(x, "a"),
    "searchsorted(array, x)": lambda m, x: m.searchsorted(A, x),
    "norm(array)": lambda m, x: m.norm(A),
    "norm(None)": lambda m, x: m.norm(None),
    "reshape(array, (3,))": lambda m, x: m.reshape(A, (3,)),
    "permute(array, (0,))": lambda m, x: m.permute(A, (0,)),
    "randn_like(array)": lambda m, x: m.randn_like(A),
    "transpose([1.], 0, 1)": lambda m, x: m.transpose([1.0], 0, 1),
}


@pytest.mark.parametrize("case", list(CASES))
def test_call_refuses_non_tensor(case):
    same_error(lambda m: CASES[case](m, m.ones(2, 3)))


BOOLS = {
    "x.sum(1, keepdim='a')": lambda m, x: x.sum(1, keepdim="a"),
    "sum(x, 1, keepdim='a')": lambda m, x: m.sum(x, 1, keepdim="a"),
    "x.sum(2, 'a')": lambda m, x: x.sum(2, "a"),
    "x.sum(0, keepdim=1)": lambda m, x: x.sum(0, keepdim=1),
    "x.sum((0, 1), keepdim=None)": lambda m, x: x.sum((0, 1), keepdim=None),
    "big.sum(1, keepdim='a')": lambda m, x: m.ones(4, 16).sum(1, keepdim="a"),
    "x.mean(1, keepdim='a')": lambda m, x: x.mean(1, keepdim="a"),
    "mean(x, 1, keepdim='a')": lambda m, x: m.mean(x, 1, keepdim="a"),
    "x.mean(1, 1)": lambda m, x: x.mean(1, 1),
    "x.prod(1, keepdim='a')": lambda m, x: x.prod(1, keepdim="a"),
    "prod(x, 1, keepdim='a')": lambda m, x: m.prod(x, 1, keepdim="a"),
    "x.max(1, keepdim='a')": lambda m, x: x.max(1, keepdim="a"),
    "max(x, 1, keepdim='a')": lambda m, x: m.max(x, 1, keepdim="a"),
    "x.min(1, 'a')": lambda m, x: x.min(1, "a"),
    "x.amax(1, keepdim='a')": lambda m, x: x.amax(1, keepdim="a"),
    "amin(x, 1, keepdim='a')": lambda m, x: m.amin(x, 1, keepdim="a"),
    "x.logsumexp(1, keepdim='a')": lambda m, x: x.logsumexp(1, keepdim="a"),
    "logsumexp(x, 1, 'a')": lambda m, x: m.logsumexp(x, 1, "a"),
    "x.all(1, keepdim='a')": lambda m, x: x.all(1, keepdim="a"),
    "x.any(1, keepdim='a')": lambda m, x: x.any(1, keepdim="a"),
    "x.nansum(1, keepdim='a')": lambda m, x: x.nansum(1, keepdim="a"),
    "x.nanmean(1, keepdim='a')": lambda m, x: x.nanmean(1, keepdim="a"),
    "x.median(1, keepdim='a')": lambda m, x: x.median(1, keepdim="a"),
    "x.nanmedian(1, keepdim='a')": lambda m, x: x.nanmedian(1, keepdim="a"),
    "x.std(1, keepdim='a')": lambda m, x: x.std(1, keepdim="a"),
    "x.var(1, keepdim='a')": lambda m, x: x.var(1, keepdim="a"),
    "x.std(1, unbiased='a')": lambda m, x: x.std(1, unbiased="a"),
    "var(x, 1, unbiased='a')": lambda m, x: m.var(x, 1, unbiased="a"),
    "x.std(unbiased='a')": lambda m, x: x.std(unbiased="a"),
    "x.var(1, True, 'a')": lambda m, x: x.var(1, True, "a"),
    "std(x, 1, keepdim=1)": lambda m, x: m.std(x, 1, keepdim=1),
    "std_mean(x, 1, keepdim='a')": lambda m, x: m.std_mean(x, 1, keepdim="a"),
    "var_mean(x, 1, unbiased='a')": lambda m, x: m.var_mean(x, 1, unbiased="a"),
    "x.topk(1, largest='a')": lambda m, x: x.topk(1, largest="a"),
    "x.topk(1, sorted='a')": lambda m, x: x.topk(1, sorted="a"),
    "topk(x, 1, 1, 'a')": lambda m, x: m.topk(x, 1, 1, "a"),
    "x.sort(descending='a')": lambda m, x: x.sort(descending="a"),
    "x.sort(stable='a')": lambda m, x: x.sort(stable="a"),
    "sort(x, 1, 'a')": lambda m, x: m.sort(x, 1, "a"),
    "x.argsort(descending='a')": lambda m, x: x.argsort(descending="a"),
    "argsort(x, stable='a')": lambda m, x: m.argsort(x, stable="a"),
    "x.kthvalue(1, keepdim='a')": lambda m, x: x.kthvalue(1, keepdim="a"),
    "x.mode(1, keepdim='a')": lambda m, x: x.mode(1, keepdim="a"),
    "unique(x, return_inverse='a')": lambda m, x: m.unique(x, return_inverse="a"),
    "x.unique(sorted=1)": lambda m, x: x.unique(sorted=1),
    "unique(x, dim=0, return_counts=None)": lambda m, x: m.unique(x, dim=0, return_counts=None),
    # alpha is a Number (checked only where alpha is not 1)
    "add(x, 1, alpha='a')": lambda m, x: m.add(x, 1, alpha="a"),
    "sub(x, 1, alpha=None)": lambda m, x: m.sub(x, 1, alpha=None),
    "x.add(x, alpha=[1])": lambda m, x: x.add(x, alpha=[1]),
    "x.add_(x, alpha='a')": lambda m, x: x.add_(x, alpha="a"),
    "x.sub_(x, alpha=None)": lambda m, x: x.sub_(x, alpha=None),
}


@pytest.mark.parametrize("case", list(BOOLS))
def test_bool_argument_refused(case):
    same_error(lambda m: BOOLS[case](m, m.ones(2, 3)))


@pytest.mark.parametrize("call", ["x.sum(1, keepdim=True)", "x.sum(1, False)", "m.sum(x, 1, True)",
                                  "x.mean(0, True)", "x.max(1, True).values", "x.sort(1, True).values",
                                  "x.topk(1, 1, False, False).values", "x.std(1, False, True)",
                                  "m.ones(4, 16).sum(1, True)", "x.argsort(1, True)",
                                  "m.argsort(x, dim=1, descending=True, stable=True)",
                                  "x.unique(sorted=False, return_counts=True)[1]",
                                  "m.add(x, x, alpha=m.tensor(2.0))", "m.sub(x, 1, alpha=0.5)"])
def test_bool_argument_taken(call):
    """Bools are still taken (the checks must not refuse True / False)."""
    import torch

    import glasstorch
    want = eval(call, {"m": torch, "x": torch.arange(6.0).reshape(2, 3)})
    got = eval(call, {"m": glasstorch, "x": glasstorch.arange(6.0).reshape(2, 3)})
    np.testing.assert_array_equal(got.numpy(), want.numpy())
    assert got.shape == want.shape


COUNTS = {
    "x.transpose()": lambda m, x: x.transpose(),
    "x.transpose(0)": lambda m, x: x.transpose(0),
    "x.transpose(dim1=1)": lambda m, x: x.transpose(dim1=1),
    "x.transpose(dim0=1)": lambda m, x: x.transpose(dim0=1),
    "transpose(x, 0)": lambda m, x: m.transpose(x, 0),
    "transpose(x)": lambda m, x: m.transpose(x),
    "x.argwhere(2)": lambda m, x: x.argwhere(2),
    "x.argwhere(1, 2)": lambda m, x: x.argwhere(1, 2),
}


@pytest.mark.parametrize("case", list(COUNTS))
def test_argument_count(case):
    same_error(lambda m: COUNTS[case](m, m.ones(2, 3)))


def test_transpose_still_works():
    same_error(lambda m: m.ones(2, 3).transpose(0, 5))
    import torch

    import glasstorch
    assert glasstorch.ones(2, 3).transpose(0, 1).shape == torch.ones(2, 3).transpose(0, 1).shape
    assert glasstorch.ones(2, 3).argwhere().shape == torch.ones(2, 3).argwhere().shape


# nn.functional: torch's Python functions fail on a non-tensor as Python does (``F.softmax`` calls
# ``input.softmax``, the losses start with ``target.size()``: an ndarray's ``size`` is an int), the C
# ones with their parser's error under torch's C name (``log_sigmoid``, ``nll_loss_nd``)
NN = {
    "F.softmax(array, 0)": lambda m, x: m.nn.functional.softmax(A, 0),
    "F.log_softmax([1.], 0)": lambda m, x: m.nn.functional.log_softmax([1.0], 0),
    "Softmax(0)(array)": lambda m, x: m.nn.Softmax(0)(A),
    "F.tanh(array)": lambda m, x: m.nn.functional.tanh(A),
    "F.sigmoid(None)": lambda m, x: m.nn.functional.sigmoid(None),
    "Tanh()(array)": lambda m, x: m.nn.Tanh()(A),
    "Sigmoid()(array)": lambda m, x: m.nn.Sigmoid()(A),
    "F.normalize(array)": lambda m, x: m.nn.functional.normalize(A),
    "F.softsign(array)": lambda m, x: m.nn.functional.softsign(A),
    "F.logsigmoid(array)": lambda m, x: m.nn.functional.logsigmoid(A),
    "F.relu6(array)": lambda m, x: m.nn.functional.relu6(A),
    "F.mse_loss(x, array)": lambda m, x: m.nn.functional.mse_loss(x, A),
    "F.mse_loss(array, x)": lambda m, x: m.nn.functional.mse_loss(A, x),
    "F.mse_loss(x, [1.])": lambda m, x: m.nn.functional.mse_loss(x, [1.0]),
    "F.l1_loss(x, array)": lambda m, x: m.nn.functional.l1_loss(x, A),
    "F.smooth_l1_loss(x, array)": lambda m, x: m.nn.functional.smooth_l1_loss(x, A),
    "F.huber_loss(x, None)": lambda m, x: m.nn.functional.huber_loss(x, None),
    "F.binary_cross_entropy(x, array)": lambda m, x: m.nn.functional.binary_cross_entropy(x, A),
    "F.binary_cross_entropy_with_logits(x, array)": lambda m, x: m.nn.functional.binary_cross_entropy_with_logits(x, A),
    "MSELoss()(array, x)": lambda m, x: m.nn.MSELoss()(A, x),
    "F.cross_entropy(array, x)": lambda m, x: m.nn.functional.cross_entropy(A, x),
    "F.cross_entropy(x, array)": lambda m, x: m.nn.functional.cross_entropy(x, A),
    "CrossEntropyLoss()(array, x)": lambda m, x: m.nn.CrossEntropyLoss()(A, x),
    "F.nll_loss(x, array)": lambda m, x: m.nn.functional.nll_loss(x, A),
    "NLLLoss()(x, array)": lambda m, x: m.nn.NLLLoss()(x, A),
    "F.one_hot(array)": lambda m, x: m.nn.functional.one_hot(A),
    "F.pad(array, (1, 1))": lambda m, x: m.nn.functional.pad(A, (1, 1)),
    "F.max_pool2d(array, 2)": lambda m, x: m.nn.functional.max_pool2d(A, 2),
    "F.conv2d(array, x)": lambda m, x: m.nn.functional.conv2d(A, x),
    "F.embedding(array, x)": lambda m, x: m.nn.functional.embedding(A, x),
    "Embedding(4, 2)(array)": lambda m, x: m.nn.Embedding(4, 2)(A),
    "F.kl_div(x, array)": lambda m, x: m.nn.functional.kl_div(x, A),
    "F.cosine_similarity(x, array)": lambda m, x: m.nn.functional.cosine_similarity(x, A),
    "F.cosine_similarity([1.], x)": lambda m, x: m.nn.functional.cosine_similarity([1.0], x),
    "Flatten()(array)": lambda m, x: m.nn.Flatten()(A),
    "Flatten()([1.])": lambda m, x: m.nn.Flatten()([1.0]),
}


@pytest.mark.parametrize("case", list(NN))
def test_nn_refuses_non_tensor(case):
    same_error(lambda m: NN[case](m, m.ones(2, 3)))
