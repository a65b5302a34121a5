"""Size arguments as torch's argument parser takes and refuses them: ``zeros(2, 3)``, ``zeros((2, 3))``,
one-element integer tensors and NumPy integers as sizes; floats, strings, None, arrays refused with
its exact messages (which differ between a lone argument, a sequence, and varargs); view/reshape/
expand/repeat likewise, and reshape's message for a negative size."""
import numpy as np  # noqa: F401  (the expressions use it)
import pytest

from ._helpers import same_outcome

EXPRS = [
    "t.empty((3, 2.5))", "t.empty([3, 2.5])", "t.empty(3, 2.5)", "t.empty(2.5, 3)", "t.empty(2.5)", "t.empty((2.5,))",
    "t.randn(2.5)", "t.randn(2, 2.5)", "t.randn((2, 2.5))", "t.zeros((2, '3'))", "t.zeros(2, '3')", "t.zeros('3')",
    "t.ones((2, None))", "t.ones(2, None)", "t.ones(None)", "t.rand((2, t.tensor(2.)))", "t.rand((2, t.tensor(2)))",
    "t.rand(2, t.tensor([2]))", "t.full((2, 2.5), 1.)", "t.full(2, 1.)", "t.empty((3, -1))", "t.empty(-1)",
    "t.zeros(3, -2)", "t.randn(3, -2)", "t.rand((-1,))", "t.zeros(True)", "t.zeros((2, True))",
    "t.zeros((t.tensor(2), 3))", "t.zeros((t.tensor([2]), 3))", "t.zeros(t.tensor([2, 3]))", "t.zeros(t.tensor(2))",
    "t.zeros(t.tensor(2.))", "t.zeros(np.int64(2), 3)", "t.zeros((np.int64(2), 3))", "t.zeros(np.array([2, 3]))",
    "t.zeros(t.Size([2, 3]))", "t.zeros([])", "t.zeros(())", "t.zeros([[2]])", "t.full([2, 2.5], 1.)",
    "t.full((2.5,), 1.)", "t.zeros(2).new_zeros(2.5)", "t.zeros(2).new_zeros((2, 2.5))", "t.zeros(2).new_ones(2, 2.5)",
    "t.zeros(2).new_empty((2.5,))", "t.zeros(2).new_full(2, 1.)", "t.zeros(2).new_full((2, 2.5), 1.)",
    "t.zeros(2).new_full((2, 3), 1.)", "t.zeros(2).new_zeros(2, 3)", "t.rand(2, 3.0)", "t.randn((2.5,))",
    "t.nn.Linear(2.5, 3)", "t.nn.Linear(-1, 3)",
    "t.zeros(6).view(2, 3.0)", "t.zeros(6).reshape((2, 3.0))", "t.zeros(6).reshape(2, -2)", "t.zeros(6).view(-3, -1)",
    "t.zeros(6).view(-1, -1)", "t.zeros(6).view(-1, -3, -1)", "t.zeros(2).expand(2.0, 2)", "t.zeros(2).repeat(2.0)",
    "t.zeros(6).view((2, '3'))", "t.zeros(6).view(t.tensor(2), 3)", "t.zeros(2).expand((3, 2))",
    "t.zeros(2).repeat(np.int64(2), 1)", "t.zeros(6).reshape([t.tensor([3]), 2])",
]


@pytest.mark.parametrize("expr", EXPRS)
def test_size_arguments(expr):
    def fn(m):
        t = m  # noqa: F841
        m.manual_seed(0)
        out = eval(expr)
        return out.weight if isinstance(out, m.nn.Module) else out
    same_outcome(fn)
