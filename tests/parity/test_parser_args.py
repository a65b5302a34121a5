"""Wrongly typed int / dim / size arguments, refused with the TypeError of torch's argument parser:
``x.view(n / 2, 4)``, ``torch.randn(n / 2, 3)``, ``x.sum(1.0)``, ``x.unsqueeze('a')`` ...  The "invalid
combination" message (which overloads get a "didn't match" line, how types are named: ``float``,
``numpy.float32``, ``decimal.Decimal``, a Python class by its bare name), or the one-overload message
("argument 'dim' (position 1) must be int, not float").  Values torch takes as ints (NumPy integers,
0-d integer tensors) must give torch's results.  Every expectation comes from torch at test time."""
import decimal
import fractions

import numpy as np
import pytest
import torch
from hypothesis import assume, given, settings, strategies as st

import glasstorch

from ._helpers import eval_outcome, same_outcome


class Foo:
    pass


class Idx:
    """A Python class with ``__index__``: torch takes it where a list of ints begins."""
    def __index__(self):
        return 1


def _run(expr, bad=None):
    def fn(m):
        t, F = m, m.nn.functional  # noqa: F841  (the expressions use them)
        m.manual_seed(0)
        x, y = m.zeros(4), m.arange(6.).reshape(2, 3)  # noqa: F841
        v = bad(m) if bad is not None else None  # noqa: F841
        return eval(expr)
    try:
        fn(torch)
    except RuntimeError as e:
        if "INTERNAL ASSERT" in str(e):         # torch's own bug (x.std(obj_with_index)): nothing to match
            return
    except Exception:       # noqa: BLE001 - compared below
        pass
    same_outcome(fn)


BRIEF = [
    "t.randn(4/2, 3)", "x.view(2.0, 2)", "x.view(2.0)", "x.view('a')", "x.view(None)", "x.permute(0.0)",
    "t.zeros(2, 3, dtype=5)", "t.arange(0, 'a')", "t.eye(2.0)", "y.sum(1.0)", "y.transpose(0, 1.0)",
    "y.unsqueeze(1.0)", "y.flatten(0.0)", "y.softmax(1.0)", "y.argmax(1.0)", "t.cat([y, y], 0.0)",
    "y.squeeze(1.0)", "y.max(1.0)", "y.mean(1.0)", "x.permute(0.0)",
]
MORE = [
    "y.prod(1.0)", "y.std(1.0)", "y.var(1.0)", "y.std(1.0, True)", "y.cumsum(1.0)", "t.stack([y, y], 1.0)",
    "y.split(1.0)", "t.split(y, 1.0)", "y.split([1, 1.0])", "y.chunk(1.0)", "t.chunk(y, 1.0)",
    "y.narrow(0.0, 0, 1)", "y.select(0.0, 0)", "y.gather(1.0, y.long())", "y.index_select(1.0, t.tensor([0]))",
    "y.topk(1.0)", "t.topk(y, 1.0)", "y.sort(1.0)", "y.argsort(1.0)", "y.min(1.0)", "y.argmin(1.0)",
    "y.log_softmax(1.0)", "F.softmax(y, 1.0)", "F.log_softmax(y, 1.0)", "F.softmax(y, dim=1.0)",
    "F.softmax(y, 1.0, dtype=t.float64)", "y.new_zeros(2.0)", "y.new_full((2.0,), 1)", "y.new_ones(2, 2.0)",
    "y.new_empty((2, '3'))", "t.full((2.0,), 1)", "t.randint(0, 5.0, (2,))", "t.randint(5.0, (2,))",
    "y.unflatten(1.0, (3,))", "y.expand(2.0, 3)", "y.repeat(2.0)", "y.reshape(3.0, 2)", "y.sum((0, 1.0))",
    "y.sum(1.0, True)", "t.sum(y, 1.0)", "t.unsqueeze(y, 1.0)", "t.transpose(y, 0, 1.0)", "y.transpose(0.0, 1)",
    "t.softmax(y, 1.0)", "t.argmax(y, 1.0)", "t.max(y, 1.0)", "t.cumsum(y, 1.0)", "t.narrow(y, 0.0, 0, 1)",
    "t.select(y, 0.0, 0)", "t.sort(y, 1.0)", "t.flatten(y, 0.0)", "t.squeeze(y, 1.0)",
    "t.permute(y, (0.0, 1))", "y.permute(0, 1.0)", "y.permute([1.0, 0])", "y.flatten(0, 1.0)",
    "y.mean((0.0,))", "y.amax(1.0)", "y.logsumexp(1.0)", "y.diagonal(0, 0.0)", "y.movedim(0.0, 1)",
    "y.roll(1, 0.0)", "y.flip(0.0)", "y.tril(1.0)", "y.triu(1.0)", "y.kthvalue(1, 1.0)", "y.median(1.0)",
    "y.all(1.0)", "y.any(1.0)", "y.cumprod(1.0)", "t.eye(2, 3.0)", "t.ones(2, 'a')", "t.empty(None)",
    "t.rand(2, 3, dtype='a')", "t.zeros((2, Foo()))", "t.zeros(2, Foo())", "y.view(Foo())", "y.sum(Foo())",
    "y.unsqueeze(Foo())", "y.unsqueeze(np.float32(1))", "y.unsqueeze(decimal.Decimal(1))",
    "y.unsqueeze(fractions.Fraction(1))", "y.sum(fractions.Fraction(1))", "y.view(decimal.Decimal(6))",
    "y.sum(True)", "y.unsqueeze(True)", "y.transpose(0, True)", "y.sum((0, True))", "y.sum((True, 0))",
    "y.unsqueeze(t.tensor(1))", "y.unsqueeze(t.tensor([1]))", "y.unsqueeze(t.tensor(1.))", "y.sum(t.tensor(1))",
    "y.sum(t.tensor([[1]]))", "y.sum(t.tensor(1.))", "y.sum(np.int64(1))", "y.unsqueeze(np.int64(1))",
    "y.view(np.int64(3), 2)", "y.view(Idx(), 6)", "y.sum((Idx(), 0))", "y.unsqueeze(Idx())",
    "t.cat([y, 1.0])", "t.cat((y, y), dim=None)", "y.max(1.0, True)", "y.squeeze((0.0,))",
    "y.sum(None, True)", "y.mean(None, True)", "t.sum(y, None, True)", "x.sum(None, True, dtype=t.float64)",
]


@pytest.mark.parametrize("expr", BRIEF + MORE)
def test_bad_int_arguments(expr):
    _run(expr)


# ---- drawn: the bad value, and where it goes --------------------------------------------------------
TEMPLATES = [
    "x.view({})", "x.view({}, 2)", "x.view(2, {})", "y.reshape({}, 3)", "y.expand({}, 3)", "y.repeat({}, 1)",
    "y.permute({}, 0)", "y.permute(1, {})", "y.transpose({}, 0)", "y.transpose(0, {})", "y.flatten({})",
    "y.flatten(0, {})", "y.squeeze({})", "y.unsqueeze({})", "y.sum({})", "y.sum({}, True)", "y.mean({})",
    "y.prod({})", "y.max({})", "y.min({})", "y.argmax({})", "y.argmin({})", "y.std({})", "y.var({})",
    "y.softmax({})", "y.log_softmax({})", "y.cumsum({})", "t.cat([y, y], {})", "t.stack([y, y], {})",
    "y.split({})", "y.chunk({})", "y.narrow({}, 0, 1)", "y.narrow(0, {}, 1)", "y.select({}, 0)",
    "y.gather({}, y.long())", "y.index_select({}, t.tensor([0]))", "y.topk({})", "y.topk(1, {})",
    "y.sort({})", "y.argsort({})", "t.zeros({}, 2)", "t.ones(2, {})", "t.zeros(({},))", "t.full(({}, 2), 1.)",
    "t.rand({})", "t.randn(2, {})", "t.randint(5, ({},))", "t.arange({})", "t.eye({})", "y.new_zeros({})",
    "y.new_ones(2, {})", "y.new_zeros(({},))", "y.new_full(({}, 2), 1.)", "F.softmax(y, {})",
    "F.log_softmax(y, {})", "t.sum(y, {})", "t.unsqueeze(y, {})", "t.transpose(y, 0, {})",
]

VALUES = {
    "float": lambda m: 1.0, "half": lambda m: 0.5, "str": lambda m: "a", "none": lambda m: None,
    "true": lambda m: True, "foo": lambda m: Foo(), "np_float32": lambda m: np.float32(1),
    "np_float64": lambda m: np.float64(1), "np_int64": lambda m: np.int64(1), "np_bool": lambda m: np.bool_(True),
    "fraction": lambda m: fractions.Fraction(1), "decimal": lambda m: decimal.Decimal(1),
    "tuple_float": lambda m: (1.0,), "list_mixed": lambda m: [1, 1.5], "complex": lambda m: 1j,
    "int_tensor": lambda m: m.tensor(1), "float_tensor": lambda m: m.tensor(1.), "vec_tensor": lambda m: m.tensor([1]),
    "index": lambda m: Idx(), "dtype": lambda m: m.float64,
}


@settings(max_examples=300, deadline=None)
@given(template=st.sampled_from(TEMPLATES), value=st.sampled_from(sorted(VALUES)))
def test_drawn_bad_value(template, value):
    # not the parser's errors: arange(1j) fails later in torch; arange(np.bool_) gives float there.
    # x.max(None) & co: glasstorch cannot tell an explicit None from its default (see _arg_refuse.py)
    assume(not (value in ("complex", "np_bool") and "arange" in template))
    assume(not (value == "none" and any(f".{n}(" in template for n in ("prod", "max", "min", "squeeze"))))
    _run(template.format("v"), VALUES[value])


@settings(max_examples=60, deadline=None)
@given(f=st.floats(allow_nan=False, allow_infinity=False, min_value=-3, max_value=3),
       template=st.sampled_from(TEMPLATES))
def test_drawn_float(f, template):
    _run(template.format(repr(f)))


def test_type_names_of_python_classes():
    """A class defined in Python is named by its bare name (its tp_name), a C type with its module."""
    from glasstorch._sizes import _type_name
    from glasstorch.nn._ops.ctc_args import py_typename
    assert _type_name(Foo()) == py_typename(Foo()) == "Foo"
    assert _type_name(np.float32(1)) == "numpy.float32"
    assert _type_name(decimal.Decimal(1)) == "decimal.Decimal"
    assert _type_name(fractions.Fraction(1)) == "Fraction"
    _run("t.zeros((2, Foo()))")
    _run("t.zeros(2, fractions.Fraction(1))")


@pytest.mark.parametrize("expr", ["t.tile(x, 2)", "t.tile(x, (2,))", "x.tile(2)", "t.tile(x, 2.0)", "t.tile(x, [2, 1])",
                                  "t.tile(x, (2.0, 1))", "x.tile(2.0)", "x.tile((2, 1))", "t.tile(x, dims=(2,))",
                                  "x.tile(dims=(2, 1))", "x.tile(2, 1.5)"])
def test_tile_takes_and_refuses_dims_as_torch(expr):
    got, want = (eval_outcome(expr, {"t": m, "x": m.ones(2, 3)}) for m in (glasstorch, torch))
    assert got == want
