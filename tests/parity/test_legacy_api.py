"""Old and odd corners of torch's top level (glasstorch/_api_legacy.py, _tensor_legacy.py) on torch and
glasstorch: removed functions' errors, deprecated ones' results, nonzero_static, empty_permuted, sym_*,
non-inplace resize, set_default_tensor_type. Each expression runs on both; the repr of its result (or
its exception type and message) and the warnings it gives must be the same."""
import pytest
import torch

import glasstorch

from ._helpers import eval_outcome

CASES = [
    "m.solve(b, A)", "A.solve(b)", "m.lstsq(b, A)", "A.lstsq(b)", "m.eig(A)", "A.eig()", "m.symeig(A)",
    "A.symeig(True)", "m.triangular_solve(b, A).solution", "m.triangular_solve(b, A, upper=False, transpose=True)",
    "A.triangular_solve(b)", "m.triangular_solve(b, L, False, False, True)",
    "m.nonzero_static(m.tensor([0, 1, 0, 2]), size=3)", "m.nonzero_static(m.tensor([[0, 1], [0, 2]]), size=1, fill_value=-5)",
    "m.nonzero_static(m.ones(2), size=-1)", "m.nonzero_static(m.zeros(2, 3), size=2)",
    "m.empty_permuted((2, 3, 4), (0, 2, 1)).stride()", "m.empty_permuted((2, 3, 4), (2, 0, 1)).shape",
    "m.empty_permuted((2, 3), (0,))", "m.empty_permuted((2, 3), (0, 0))",
    "m.sym_int(3.7)", "m.sym_int(-3.7)", "m.sym_float(3)", "m.sym_max(2, 5)", "m.sym_min(2, 5.0)", "m.sym_not(True)",
    "m.sym_sqrt(4)", "m.sym_ite(True, 1, 2)", "m.sym_sum([1, 2, 3])",
    "[c.__name__ for c in m.OutOfMemoryError.__mro__]", "m.cuda.OutOfMemoryError is m.OutOfMemoryError",
    "m.set_anomaly_enabled(False)", "m.addmv_(m.zeros(2), A, m.ones(2))", "A.narrow_copy(0, 0, 1)", "A.output_nr",
    "(A * 1).output_nr", "A.clone().resize(4)", "A.clone().resize(2, 2, 1).shape", "A.clone().resize((4,))",
    "A.clone().resize(3)", "A.clone().resize_as(m.zeros(4))", "A.clone().resize_as(m.zeros(3))",
    "A.clone().requires_grad_().resize(4)", "A.name", "A.is_set_to(A)", "A.is_set_to(A.clone())",
    "A.is_set_to(A.view(4))", "A.is_set_to(A[:])", "m.is_distributed(A)",
    "m.set_default_tensor_type(m.DoubleTensor) or m.tensor([1.5]).dtype",
    "m.set_default_tensor_type('torch.FloatTensor') or m.tensor([1.5]).dtype",
    "m.set_default_tensor_type(m.float64)", "m.set_default_tensor_type('torch.cuda.FloatTensor')",
    "m.set_default_tensor_type('FloatTensor')", "m.set_default_tensor_type(m.LongTensor)",
    "m.set_default_tensor_type('torch.Foo')",
]
# torch gives these once per process (TORCH_WARN_ONCE): which test runs first decides who warns
_ONCE = ("triangular_solve", "set_default_tensor_type")


def _outcome(m, expr):
    env = {"m": m, "A": m.tensor([[2., 1.], [1., 3.]]), "L": m.tensor([[2., 0.], [1., 3.]]), "b": m.tensor([[1.], [2.]])}
    try:
        out, said = eval_outcome(expr, env)
    finally:
        m.set_default_dtype(m.float32)
    return out, [] if any(k in expr for k in _ONCE) else said


@pytest.mark.parametrize("expr", CASES)
def test_same_outcome_and_warnings(expr):
    assert _outcome(glasstorch, expr) == _outcome(torch, expr)


def test_triangular_solve_gradients_and_node():
    got = {}
    for m in (torch, glasstorch):
        A = m.tensor([[2., 0.], [1., 3.]], dtype=m.float64, requires_grad=True)
        b = m.tensor([[1., 2.], [2., 1.]], dtype=m.float64, requires_grad=True)
        for transpose in (False, True):
            x = m.triangular_solve(b, A, upper=False, transpose=transpose).solution
            assert type(x.grad_fn).__name__ == "TriangularSolveBackward0"
            x.pow(2).sum().backward()
        r = A.resize(4)
        assert type(r.grad_fn).__name__ == "ResizeBackward"
        (r * m.arange(4.)).sum().backward()
        got[m] = A.grad.flatten().tolist() + b.grad.flatten().tolist()
    assert got[glasstorch] == pytest.approx(got[torch], rel=1e-12)
