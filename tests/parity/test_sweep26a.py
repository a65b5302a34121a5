"""Parity pins for sweep26a (tensor decomposition and factorization programs).

Fixed in glasstorch:
- ``torch.tensordot`` reads ``dims`` as torch.functional.tensordot does: a one-element tensor is an int
  (``dims=torch.tensor(1)``), a 2 x k tensor two lists, anything else (None, a float, a string, a NumPy
  int or array) torch's "tensordot expects dims to be int or tuple[list[int], list[int]] ..." error; a
  negative int or one above either tensor's ndim its own errors; the dim lists go through torch's
  int-list parser (``(1, 0)``, ``[[1.0], [0]]``, a tensor in the pair: the TypeError torch raises);
  then the native op: "both dimension lists should have same length" before the dtype check, dims
  wrapped with torch's IndexError, "dim 1 appears multiple times in the list of dims", a contracted
  dim of size 1 on one side broadcasting (the other side is summed away first, keepdim), the error
  message naming the dims as given (``-1``), and zero-size contractions (ops/matmul_products.py);
- ``tensordot(..., out=)`` is torch's tensordot_out: its "Expected the output tensor to have dtype"
  error, resize with the deprecation warning, and a copy_ that autograd records (CopyBackwards), not
  the out= refusal under autograd (ops/matmul_products.py, ops/_out.py);
- ``torch.linalg.lstsq``'s residuals are differentiable, as torch's: ``LinalgLstsqBackward0`` is one
  node with two outputs (solution, residuals); the residuals' gradient is torch's Danskin formula
  dA = 2 (gL * r) X^T, dB = -2 gL * r with r = A X - B; an empty residual (gelsy, wide A) carries
  the grad_fn and brings no gradient (_linalg_lstsq.py);
- ``torch.linalg.lstsq``'s rank decisions are torch's: the default rcond is eps(dtype) * max(m, n) for
  every driver (NumPy's default made a float32 rank-deficient system full rank, with a solution of size
  1e7); the default driver gelsy is LAPACK's column-pivoted QR with incremental condition estimation
  (its rank, and the minimum-norm solution of the truncated system), gels solves through QR / LQ with
  no truncation (rcond ignored) and raises torch's "does not have full rank (error code: i)"
  _LinAlgError (with "(Batch element k): ") on a zero pivot; empty A or B give torch's zero solution,
  rank 0 and residuals instead of a NumPy reshape error; a wrongly typed argument is torch's parser
  TypeError ("linalg_lstsq(): argument 'rcond' (position 3) must be float, not str"), and the
  parameters are torch's ``input`` / ``b`` (``b=`` works) (_linalg_lstsq.py, new _linalg_gelsy.py);
- ``mm`` / ``matmul`` / ``tensordot(dims=0)`` with an inner size of 1 and a result of at least 2 x 2:
  MKL writes each product itself, so 0 * -1 is -0 as in torch, not the +0 of a sum started at 0
  (ops/_gemm_order.py, ops/_gemm_small.py).
"""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from glasstorch.autograd.gradcheck import gradcheck, gradgradcheck
from tests.parity._helpers import same_error, same_on_both, same_outcome, same_result_or_error


# --- tensordot: dims -------------------------------------------------------------------------------------
DIMS = [
    lambda m: m.tensor(1), lambda m: m.tensor(-1), lambda m: m.tensor([1]), lambda m: m.tensor(1.5),
    lambda m: m.tensor([[1], [0]]), lambda m: m.tensor([[1], [0], [1]]), lambda m: m.tensor([[1.], [0.]]),
    lambda m: m.tensor([1, 0]), lambda m: m.tensor([]),
    lambda m: -1, lambda m: 3, lambda m: 0, lambda m: 1, lambda m: True, lambda m: 1.0, lambda m: None,
    lambda m: "a", lambda m: np.int64(1), lambda m: np.array([[1], [0]]),
    lambda m: [1], lambda m: [1, 2, 3], lambda m: (1, 0), lambda m: [1, 0],
    lambda m: ([1], [0, 1]), lambda m: ([1, 1], [0, 0]), lambda m: ([5], [0]), lambda m: ([1], [-3]),
    lambda m: [[1.0], [0]], lambda m: [m.tensor([1]), [0]], lambda m: [[1], m.tensor(0)],
    lambda m: ([True], [False]), lambda m: ([1, True], [0, 0]), lambda m: ([1, 1.0], [0, 0]),
    lambda m: ([m.tensor(1)], [0]), lambda m: ([np.int64(1)], [0]), lambda m: [[], []],
    lambda m: ((1,), (0,)), lambda m: ([-1], [0]), lambda m: ([0, 1], [1, 0]),
]


@pytest.mark.parametrize("i", range(len(DIMS)))
def test_tensordot_dims_forms(i):
    def fn(m):
        return m.tensordot(m.arange(6.).reshape(2, 3), m.arange(6.).reshape(3, 2) - 1, dims=DIMS[i](m))
    same_outcome(fn)


CASES = [
    ((2, 3), (1, 2), ([1], [0])),            # b's contracted dim broadcasts: a summed first
    ((2, 1), (3, 2), ([1], [1])),            # a's broadcasts
    ((2, 1, 1), (1, 1, 2), 2),
    ((2, 1), (1, 2), ([1], [0])),            # both 1
    ((4, 3), (4, 2), ([-2], [0])),
    ((2, 3, 4), (4, 3, 2), ([1, 2], [1, 0])),
    ((2, 3, 4), (4, 2), ([0], [1])),
    ((2, 0), (0, 2), 1),
    ((0, 3), (3, 2), 1),
    ((), (), 0), ((), (3,), 0), ((3,), (3,), 1),
    ((), (), ([0], [0])),
    ((2, 3), (2, 2), ([-1], [0])),            # mismatch, named as given
    ((2, 3), (2, 2), 1),
    ((2, 3), (3, 2), ([1], [0, 1])),
]


@pytest.mark.parametrize("sa,sb,dims", CASES)
def test_tensordot_shapes_values_and_grads(sa, sb, dims):
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal(sa), rng.standard_normal(sb)
    same_result_or_error(lambda m, x, y: m.tensordot(x, y, dims=dims), [a, b], rtol=1e-12, atol=1e-12)


def test_tensordot_broadcast_graph():
    def names(fn, depth):
        if fn is None or depth == 0:
            return None if fn is None else type(fn).__name__
        return type(fn).__name__, [names(f, depth - 1) for f, _ in fn.next_functions]

    def fn(m):
        x = m.arange(6., requires_grad=True).reshape(2, 3)
        y = m.ones(1, 2, requires_grad=True)
        return names(m.tensordot(x, y, dims=([1], [0])).grad_fn, 5)
    assert fn(torch) == fn(glasstorch)


@pytest.mark.parametrize("dt", ["int32", "int64", "float32", "bool", "float16"])
def test_tensordot_dtypes_with_broadcast(dt):
    def fn(m):
        a = m.arange(6).reshape(2, 3).to(getattr(m, dt))
        return m.tensordot(a, m.ones(1, 2, dtype=getattr(m, dt)), dims=([1], [0]))
    same_outcome(fn)


def test_tensordot_dtype_and_length_errors_order():
    same_error(lambda m: m.tensordot(m.ones(2, 3), m.ones(3, 2).double(), dims=([1], [0, 1])))
    same_error(lambda m: m.tensordot(m.ones(2, 3), m.ones(3, 2).double(), dims=([5], [0])))
    same_error(lambda m: m.tensordot(m.ones(2, 3), m.ones(3, 2).double(), dims=0))
    same_error(lambda m: m.tensordot(m.ones(2, 3), [1.], 1))
    same_error(lambda m: m.tensordot(m.ones(2, 3), [1.], ([1], [0])))
    same_error(lambda m: m.tensordot(m.ones(2, 3), m.ones(3, 2), 1, None, 3))


def test_tensordot_out():
    same_error(lambda m: m.tensordot(m.ones(2, 3), m.ones(3, 2), dims=1, out=m.empty(2, 2).long()))
    same_error(lambda m: m.tensordot(m.ones(2, 3), m.ones(3, 2), dims=1, out=m.empty(2, 2).double()))
    same_error(lambda m: m.tensordot(m.ones(2, 3), m.ones(3, 2), dims=1, out=[1]))
    same_error(lambda m: m.tensordot(m.ones(2, 3), m.ones(3, 2), dims=([5], [0]), out=m.empty(2, 2).long()))
    for m in (torch, glasstorch):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            o = m.empty(3)
            r = m.tensordot(m.ones(2, 3), m.ones(3, 2), 1, o)       # out, positionally
            assert r is o and tuple(o.shape) == (2, 2) and o.sum().item() == 12
            assert len(w) == 1 and "was resized since it had shape [3]" in str(w[0].message)

    def fn(m):
        a = m.arange(6., requires_grad=True).reshape(2, 3)
        o = m.zeros(0)
        r = m.tensordot(a, m.ones(3, 2), 1, out=o)
        g, = m.autograd.grad(r.sum(), a)
        return r, g, r is o, type(r.grad_fn).__name__
    ts, gs = fn(torch), fn(glasstorch)
    assert ts[2:] == gs[2:]
    same_outcome(lambda m: fn(m)[1])
    same_outcome(lambda m: fn(m)[0].detach())


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(1, 3), min_size=1, max_size=4), st.integers(0, 4), st.data())
def test_tensordot_random_contractions(shape_a, k, data):
    k = min(k, len(shape_a))
    da = data.draw(st.permutations(range(len(shape_a))))[:k]
    # b: the contracted sizes (or 1, broadcasting) in a random order, plus free dims
    sizes = [data.draw(st.sampled_from([shape_a[d], 1])) for d in da]
    free = data.draw(st.lists(st.integers(1, 3), max_size=2))
    order = data.draw(st.permutations(range(k + len(free))))
    sb = [None] * (k + len(free))
    db = []
    for pos, src in enumerate(order):
        sb[pos] = sizes[src] if src < k else free[src - k]
    for j in range(k):
        db.append(order.index(j))
    neg = data.draw(st.booleans())
    if neg:
        da = [d - len(shape_a) for d in da]
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal(shape_a), rng.standard_normal(sb)
    same_on_both(lambda m, x, y: m.tensordot(x, y, dims=(list(da), db)), [a, b], rtol=1e-12, atol=1e-12)


def test_tensordot_gradcheck():
    a = glasstorch.randn(2, 3, 1, dtype=glasstorch.float64, requires_grad=True)
    b = glasstorch.randn(3, 4, 2, dtype=glasstorch.float64, requires_grad=True)
    assert gradcheck(lambda x, y: glasstorch.tensordot(x, y, dims=([1, 2], [0, 1])), (a, b))
    assert gradgradcheck(lambda x, y: glasstorch.tensordot(x, y, dims=([1, 2], [0, 1])), (a, b))


# --- lstsq: differentiable residuals ----------------------------------------------------------------------
RNG = np.random.default_rng(0)
A_TALL, B_TALL, b_TALL = RNG.standard_normal((5, 3)), RNG.standard_normal((5, 2)), RNG.standard_normal(5)
A_WIDE, B_WIDE = RNG.standard_normal((3, 5)), RNG.standard_normal((3, 2))
A_BATCH, B_BATCH = RNG.standard_normal((2, 5, 3)), RNG.standard_normal((2, 5, 2))


@pytest.mark.parametrize("driver", ["gelsd", "gels", "gelss", "gelsy", None])
@pytest.mark.parametrize("which", ["both", "residuals", "solution"])
@pytest.mark.parametrize("arrays", [(A_TALL, B_TALL), (A_TALL, b_TALL), (A_WIDE, B_WIDE), (A_BATCH, B_BATCH)],
                         ids=["tall", "vector", "wide", "batch"])
def test_lstsq_outputs_and_gradients(driver, which, arrays):
    def fn(m, a, b):
        r = m.linalg.lstsq(a, b, driver=driver)
        return {"both": (r.solution, r.residuals), "residuals": r.residuals, "solution": r.solution}[which]
    same_on_both(fn, list(arrays), rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize("driver", ["gelsd", "gelsy"])
def test_lstsq_residuals_grad_fn(driver):
    def fn(m):
        a = m.tensor(A_TALL, requires_grad=True)
        r = m.linalg.lstsq(a, m.tensor(B_TALL), driver=driver)
        g = m.autograd.grad(r.residuals.sum(), a, allow_unused=True)[0]
        return (type(r.residuals.grad_fn).__name__, r.residuals.grad_fn is r.solution.grad_fn,
                r.residuals.requires_grad, g is None, r.rank.requires_grad)
    assert fn(torch) == fn(glasstorch)


@pytest.mark.parametrize("driver", ["gelsd", "gelsy"])
def test_lstsq_residuals_create_graph(driver):
    def fn(m, a, b):
        r = m.linalg.lstsq(a, b, driver=driver)
        return m.autograd.grad(r.residuals.sum() + r.solution.pow(2).sum(), (a, b), create_graph=True)
    same_on_both(fn, [A_TALL, B_TALL], rtol=1e-9, atol=1e-10)


@pytest.mark.parametrize("driver", ["gelsd", "gels"])
def test_lstsq_gradcheck(driver):
    a = glasstorch.tensor(A_TALL, requires_grad=True)
    b = glasstorch.tensor(B_TALL, requires_grad=True)
    assert gradcheck(lambda x, y: glasstorch.linalg.lstsq(x, y, driver=driver)[:2], (a, b))
    assert gradgradcheck(lambda x, y: glasstorch.linalg.lstsq(x, y, driver=driver)[:2], (a, b))
    v = glasstorch.tensor(b_TALL, requires_grad=True)
    assert gradcheck(lambda x, y: glasstorch.linalg.lstsq(x, y, driver=driver).residuals, (a, v))


# --- mm with k == 1: MKL keeps the products' signed zeros ---------------------------------------------------
@pytest.mark.parametrize("dt", ["float32", "float64"])
@pytest.mark.parametrize("m,p", [(1, 1), (1, 5), (5, 1), (2, 2), (3, 7), (6, 6), (40, 3)])
@pytest.mark.parametrize("layout", ["NN", "TN", "NT", "TT"])
def test_mm_k1_signed_zero(dt, m, p, layout):
    def fn(m_):
        d = getattr(m_, dt)
        a = m_.tensor([[0.0], [-0.0], [1.5], [-2.0]] * 10, dtype=d)[:m]
        b = m_.tensor([[-1.0, 0.0, -0.0, 3.0] * 2], dtype=d)[:, :p]
        a = a if layout[0] == "N" else a.t().contiguous().t()
        b = b if layout[1] == "N" else b.t().contiguous().t()
        return m_.mm(a, b), a @ b, m_.tensordot(a[:, 0], b[0], dims=0), (a.unsqueeze(0).expand(2, -1, -1) @ b)
    same_outcome(fn)


def test_mm_k1_backward_signed_zero():
    def fn(m, a, b):
        return m.mm(a, b)
    a = np.array([[0.0], [-0.0], [2.0]])
    b = np.array([[-1.0, 0.0, 4.0]])
    same_on_both(fn, [a, b])


# --- lstsq: torch's default rcond, gelsy's and gels's own rank rules -----------------------------------------
def _low_rank(dt, m=6, n=4, r=2, seed=3):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((m, r)) @ rng.standard_normal((r, n))).astype(dt), rng.standard_normal((m, 2)).astype(dt)


@pytest.mark.parametrize("driver", [None, "gelsy", "gelsd", "gelss"])
@pytest.mark.parametrize("dt", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(6, 4, 2), (4, 6, 2), (5, 5, 1), (7, 3, 1)])
def test_lstsq_rank_deficient_default_rcond(driver, dt, shape):
    # an exactly low-rank A: every driver that decides a rank finds r with torch's eps(dtype) * max(m, n)
    # (the float32 eps, not NumPy's float64 one), and the minimum-norm solution, not one blown up by noise
    a, b = _low_rank(dt, *shape)

    def fn(m, x, y):
        r = m.linalg.lstsq(x, y, driver=driver)
        return r.solution, r.rank
    tol = 2e-3 if dt == np.float32 else 1e-9
    same_on_both(fn, [a, b], grad=False, rtol=tol, atol=tol)


def test_lstsq_gels_ignores_rcond():
    a = np.diag([1.0, 1e-3, 1e-6])
    same_on_both(lambda m, x, y: m.linalg.lstsq(x, y, rcond=1e-4, driver="gels").solution,
                 [a, np.ones((3, 1))], grad=False, rtol=1e-12)
    same_on_both(lambda m, x, y: m.linalg.lstsq(x, y, rcond=1e-4, driver="gelsd")[:2],
                 [a, np.ones((3, 1))], grad=False, rtol=1e-12)


@pytest.mark.parametrize("driver", ["gels", "gelsy", "gelsd", "gelss"])
def test_lstsq_full_rank_drivers(driver):
    rng = np.random.default_rng(5)
    for sa, sb in [((5, 3), (5, 2)), ((3, 5), (3, 2)), ((4, 4), (4,)), ((2, 6, 3), (2, 6, 1))]:
        a, b = rng.standard_normal(sa), rng.standard_normal(sb)
        same_on_both(lambda m, x, y: m.linalg.lstsq(x, y, driver=driver)[:3], [a, b], grad=False,
                     rtol=1e-9, atol=1e-12)


def test_lstsq_gels_rank_deficient_error():
    same_error(lambda m: m.linalg.lstsq(m.ones(5, 3, dtype=m.float64), m.ones(5, 1, dtype=m.float64), driver="gels"))
    same_error(lambda m: m.linalg.lstsq(m.stack([m.eye(5, 3, dtype=m.float64), m.ones(5, 3, dtype=m.float64)]),
                                        m.ones(2, 5, 1, dtype=m.float64), driver="gels"))
    # a zero A is no failure: a zero solution
    same_outcome(lambda m: m.linalg.lstsq(m.zeros(3, 5, dtype=m.float64), m.ones(3, 1, dtype=m.float64),
                                          driver="gels")[0])


EMPTY = [((3, 0), (3, 2)), ((0, 3), (0, 2)), ((2, 0, 3), (2, 0, 2)), ((0, 4, 3), (0, 4, 2)), ((3, 0), (3,)),
         ((4, 3), (4, 0))]


# (gelsd / gelss with no right-hand side or a batch of empty matrices: torch's MKL call fails an assert)
@pytest.mark.parametrize("driver,sa,sb", [(d, sa, sb) for d in ("gels", "gelsy") for sa, sb in EMPTY]
                         + [(d, sa, sb) for d in ("gelsd", "gelss") for sa, sb in EMPTY[:2] + EMPTY[4:5]])
def test_lstsq_empty(driver, sa, sb):
    rng = np.random.default_rng(0)
    same_on_both(lambda m, x, y: tuple(m.linalg.lstsq(x, y, driver=driver)), [rng.standard_normal(sa),
                 rng.standard_normal(sb)], grad=False)


@settings(max_examples=25, deadline=None)
@given(st.integers(2, 6), st.integers(2, 6), st.integers(1, 3), st.integers(0, 10_000))
def test_lstsq_gelsy_low_rank(m, n, r, seed):
    r = min(r, m, n)
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((m, r)) @ rng.standard_normal((r, n))
    b = rng.standard_normal((m, 2))
    same_on_both(lambda mod, x, y: mod.linalg.lstsq(x, y)[::2], [a, b], grad=False, rtol=1e-6, atol=1e-8)


def test_lstsq_argument_errors():
    a, b = (lambda m: m.ones(4, 3)), (lambda m: m.ones(4, 2))
    same_error(lambda m: m.linalg.lstsq(a(m), b(m), rcond="a"))
    same_error(lambda m: m.linalg.lstsq(a(m), b(m), "a"))
    same_error(lambda m: m.linalg.lstsq(a(m), b(m), driver=1))
    same_error(lambda m: m.linalg.lstsq(a(m), 1.0))
    same_error(lambda m: m.linalg.lstsq([1.0], b(m)))
    same_error(lambda m: m.linalg.lstsq(a(m), b(m), driver="gelsd", rcond=[1]))
    same_outcome(lambda m: m.linalg.lstsq(input=m.eye(3), b=m.ones(3, 2), driver=None).solution)
