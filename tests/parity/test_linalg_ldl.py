"""torch.linalg.ldl_factor / ldl_factor_ex / ldl_solve: LD, pivots and info bit for bit (LAPACK's
Bunch-Kaufman dsytf2 / dsytrs, as torch's MKL computes them for these sizes), the return types, batches,
singular matrices, errors, out=, and torch's missing derivative."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from ._helpers import same_error, same_on_both, same_outcome


def _sym(seed, n, batch=(), dtype=np.float64, zero_diag=False, integer=False):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal(batch + (n, n))
    if integer:
        a = np.round(a * 2)
    a = a + np.swapaxes(a, -1, -2)
    if zero_diag:
        a[..., np.arange(n), np.arange(n)] = 0
    return a.astype(dtype)


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 10 ** 6), st.integers(1, 9), st.sampled_from([np.float64, np.float32]), st.booleans(),
       st.booleans(), st.booleans())
def test_factor_and_solve_exact(seed, n, dtype, zero_diag, integer, hermitian):
    A = _sym(seed, n, dtype=dtype, zero_diag=zero_diag, integer=integer)
    outs = same_on_both(lambda m, a: m.linalg.ldl_factor_ex(a, hermitian=hermitian), [A], grad=False)
    if outs[torch][2].item() == 0:
        b = np.random.default_rng(seed + 1).standard_normal((n, 3)).astype(dtype)
        same_on_both(lambda m, a, b: m.linalg.ldl_solve(*m.linalg.ldl_factor(a)[:2], b, hermitian=hermitian), [A, b],
                     grad=False)


@pytest.mark.parametrize("A", [
    np.array([[0.0, 1, 2], [1, 0, 3], [2, 3, 0]]),          # 2x2 pivots
    np.array([[1.0, 2, 3], [2, 4, 6], [3, 6, 9]]),          # rank one: info 2
    np.zeros((3, 3)), np.zeros((2, 4, 4)), np.eye(1) * 3, np.zeros((0, 0)), np.zeros((2, 0, 0)),
    _sym(3, 5, batch=(2, 3)), _sym(4, 6, dtype=np.float32), _sym(5, 40), _sym(6, 64, dtype=np.float32),
    np.array([[np.nan, 1.0], [1.0, 2.0]]), np.array([[np.inf, 1.0], [1.0, 2.0]]),
])
def test_factor_ex_cases(A):
    same_outcome(lambda m: m.linalg.ldl_factor_ex(m.from_numpy(A.copy())))
    same_outcome(lambda m: m.linalg.ldl_factor(m.from_numpy(A.copy())))


def test_return_types_and_repr():
    for m in (torch, glasstorch):
        r = m.linalg.ldl_factor(m.from_numpy(_sym(1, 3)))
        assert type(r).__name__ == "linalg_ldl_factor" and len(r) == 2 and r.LD is r[0] and r.pivots is r[1]
    a, b = (m.linalg.ldl_factor_ex(m.from_numpy(_sym(1, 3))) for m in (torch, glasstorch))
    assert repr(a) == repr(b)
    assert type(b).__name__ == "linalg_ldl_factor_ex" and b.info is b[2]


def test_batched_solve():
    A, b = _sym(2, 4, batch=(3,)), np.random.default_rng(0).standard_normal((3, 4, 2))
    same_on_both(lambda m, a, b: m.linalg.ldl_solve(*m.linalg.ldl_factor(a), b), [A, b], grad=False)
    same_on_both(lambda m, a, b: m.linalg.ldl_solve(*m.linalg.ldl_factor(a), b[0]), [A, b], grad=False)
    same_on_both(lambda m, a, b: m.linalg.ldl_solve(*m.linalg.ldl_factor(a), b, hermitian=True), [A, b], grad=False)
    same_on_both(lambda m, a, b: m.linalg.ldl_solve(m.linalg.ldl_factor(a)[0], m.linalg.ldl_factor(a)[1].long(), b),
                 [A[0], b[0]], grad=False)


def test_out():
    def fn(m):
        o = (m.empty(0, dtype=m.float64), m.empty(0, dtype=m.int32))
        r = m.linalg.ldl_factor(m.from_numpy(_sym(7, 3)), out=o)
        x = m.empty(3, 1, dtype=m.float64)
        s = m.linalg.ldl_solve(r[0], r[1], m.ones(3, 1, dtype=m.float64), out=x)
        return list(r) + list(o) + [s, x]
    same_outcome(fn)


LD3, P3 = torch.linalg.ldl_factor(torch.from_numpy(_sym(1, 3)))
F3 = lambda m: (m.from_numpy(LD3.numpy()), m.from_numpy(P3.numpy()))  # noqa: E731


@pytest.mark.parametrize("f", [
    lambda m: m.linalg.ldl_factor(m.ones(3, 4)), lambda m: m.linalg.ldl_factor(m.ones(3)),
    lambda m: m.linalg.ldl_factor_ex(m.ones(2, 3)), lambda m: m.linalg.ldl_factor(m.ones(3, 3, dtype=m.int64)),
    lambda m: m.linalg.ldl_factor(m.zeros(3, 3)), lambda m: m.linalg.ldl_factor_ex(m.zeros(3, 3), check_errors=True),
    lambda m: m.linalg.ldl_solve(m.from_numpy(LD3.numpy()), m.from_numpy(P3.numpy()), m.ones(2, 2, dtype=m.float64)),
    lambda m: m.linalg.ldl_solve(F3(m)[0], F3(m)[1].float(), m.ones(3, 1, dtype=m.float64)),
    lambda m: m.linalg.ldl_solve(m.from_numpy(LD3.numpy()), m.from_numpy(P3.numpy()), m.ones(3, 1)),
    lambda m: m.linalg.ldl_solve(F3(m)[0][0], F3(m)[1], m.ones(3, 1, dtype=m.float64)),
    lambda m: m.linalg.ldl_solve(F3(m)[0], F3(m)[1][:2], m.ones(3, 1, dtype=m.float64)),
    lambda m: m.linalg.ldl_solve(m.from_numpy(LD3.numpy()), m.from_numpy(P3.numpy()), m.ones(3, dtype=m.float64)),
])
def test_errors(f):
    same_error(f)


def test_no_derivative():
    A, b = _sym(1, 3), np.ones((3, 2))
    outs = same_on_both(lambda m, a: m.linalg.ldl_factor(a), [A], grad=False)
    assert outs[glasstorch][0].requires_grad is False

    def factor(m):
        m.linalg.ldl_factor(m.from_numpy(A.copy()).requires_grad_()).LD.sum().backward()

    def solve(m):
        LD, piv = m.linalg.ldl_factor(m.from_numpy(A.copy()))
        m.linalg.ldl_solve(LD, piv, m.from_numpy(b.copy()).requires_grad_()).sum().backward()
    for f in (factor, solve):
        same_error(f)
    for m in (torch, glasstorch):
        r = m.linalg.ldl_factor(m.from_numpy(A.copy()).requires_grad_())
        assert type(r.LD.grad_fn).__name__ == "NotImplemented" and r.pivots.grad_fn is None
