"""Parity pins for sweep25a (control theory and differentiable simulation programs).

Fixed in glasstorch:
- small matrix products are torch's to the last bit: where MKL runs its small-matrix kernel (inner
  dimension k <= 7 with at most 3 result rows or at most 11 result columns, per operand layout; a row
  vector times a matrix for every k) the product is the running sum ``((0 + a0 b0) + a1 b1) + ...`` of
  rounded products instead of NumPy's fused BLAS: ``A @ P @ A.T`` of a 2x2 Riccati step moved a
  convergence test by one iteration (ops/_gemm_small.py, hooked into ``_gemm_order.mm``, ``mv``,
  ``matmul``'s no-graph path, ``Tensor.__matmul__``, mm's and Linear's backward products);
- ``mv`` (and ``A @ v``) follows MKL's gemv order for k <= 4 (and m <= 3 with k <= 11 / 9);
- ``bmm``, ``baddbmm`` and batched ``matmul`` (expand + bmm) with m * k * p < 400 use ATen's own loop
  (``baddbmm_cpu_kernel``): the running sum from +0, for every layout, and so do their gradients;
  ``addmv`` takes mv's order;
- ``nn.Linear`` / ``F.linear``: the forward of a 2-d input takes the same small-kernel order (the bias
  added afterwards), and the input's gradient ``g @ W`` is torch's mm (it was NumPy's product);
- the modelled running sums start from +0, as MKL's do: a product whose terms are all -0 is +0
  (``_gemm_order.t_mm`` and ``x_wt`` gave -0, shown as ``-0.`` in printed tensors).
"""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from tests.parity._helpers import same_on_both, same_outcome

DTYPES = ["float32", "float64"]


def _arr(shape, dtype, seed):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


def _t(a, layout):
    """``a`` as laid out for the product: "N" row-major, "T" the transposed view of a row-major copy."""
    return a if layout == "N" else np.ascontiguousarray(a.T)


def _mk(m, a, layout):
    t = m.from_numpy(np.array(a, copy=True))
    return t if layout == "N" else t.t()


# ---- 2-d products: every layout, the shapes MKL's small kernel takes and a few it does not -----------
# (m, k, p) that every layout takes (k <= 3, at most 3 rows or at most 11 columns), then per layout
ALL = [(2, 2, 2), (3, 3, 3), (12, 2, 3), (4, 3, 11), (3, 2, 20), (40, 3, 5), (1, 3, 7)]
EXACT = [(s, lay) for s in ALL for lay in ("NN", "NT", "TN", "TT")] + \
        [(s, lay) for s in [(2, 7, 9), (6, 4, 2), (3, 6, 1), (8, 7, 5), (1, 5, 4), (30, 5, 11)] for lay in ("NN", "TN")] + \
        [((1, 40, 6), "NN"), ((1, 300, 3), "NN"), ((6, 4, 2), "TT"), ((4, 4, 4), "TT"), ((3, 6, 9), "TT"),
         ((5, 6, 3), "NT"), ((2, 4, 2), "NT")]
# not modelled (MKL's blocked or gemv kernels): NumPy's BLAS, within rounding
OTHER = [((7, 5, 12), "NN"), ((2, 8, 6), "NN"), ((5, 5, 1), "NN"), ((4, 4, 4), "NT"), ((1, 5, 4), "TT"),
         ((16, 9, 16), "TN")]


def _mm_case(m, k, p, dtype, layout, **tol):
    a, b = _t(_arr((m, k), dtype, m * 100 + k), layout[0]), _t(_arr((k, p), dtype, p * 7 + 1), layout[1])

    def fn(mod, x, y):
        x = x if layout[0] == "N" else x.t()
        y = y if layout[1] == "N" else y.t()
        return x @ y, mod.mm(x, y), mod.matmul(x, y)
    # gradients (mm's backward products) within rounding: not every one of them is a modelled shape
    same_on_both(fn, [a, b], grad_rtol=1e-5, grad_atol=1e-5, **tol)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape,layout", EXACT)
def test_small_mm_is_torchs_to_the_bit(shape, layout, dtype):
    _mm_case(*shape, dtype, layout)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape,layout", OTHER)
def test_other_mm_within_rounding(shape, layout, dtype):
    _mm_case(*shape, dtype, layout, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("dtype", DTYPES)
def test_riccati_step_of_the_program(dtype):
    """The step of sweep25a_kalman_lqg whose 2x2 product differed in the last bit."""
    def fn(m):
        dt = 0.05
        A = m.tensor([[1.0, dt], [-4.0 * dt, 1.0 - 0.4 * dt]], dtype=getattr(m, dtype))
        C = m.tensor([[1.0, 0.0]], dtype=A.dtype)
        Qn = m.diag(m.tensor([1e-4, 4e-3], dtype=A.dtype))
        P = m.eye(2, dtype=A.dtype)
        out = []
        for _ in range(60):
            S = C @ P @ C.T + 2.5e-3
            K = P @ C.T @ m.linalg.inv(S)
            P = A @ (P - K @ C @ P) @ A.T + Qn
            out.append(P)
        return m.stack(out)
    same_outcome(fn)


@settings(max_examples=60, deadline=None)
@given(k=st.integers(1, 7), rows=st.booleans(), n=st.integers(1, 40), q=st.integers(1, 11),
       layout=st.sampled_from(["NN", "TN"]), dtype=st.sampled_from(DTYPES), seed=st.integers(0, 2 ** 16))
def test_small_mm_hypothesis(k, rows, n, q, layout, dtype, seed):
    """NN and TN products with k <= 7 and at most 3 rows (any number of columns) or at most 11 columns
    (any number of rows; one column only for k <= 4, MKL's gemv otherwise): torch's, bit for bit."""
    m, p = (min(q, 3), n) if rows else (n, q if q > 1 or k <= 4 or n <= 3 else 2)
    a, b = _arr((m, k), dtype, seed), _arr((k, p), dtype, seed + 1)

    def fn(mod):
        with mod.no_grad():
            return _mk(mod, _t(a, layout[0]), layout[0]) @ _mk(mod, b, "N")
    same_outcome(fn)


# ---- vectors -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("m,k", [(2, 2), (3, 3), (3, 9), (1, 9), (4, 4), (9, 3), (30, 2)])
def test_mv_and_vector_products(m, k, dtype):
    A, v, w = _arr((m, k), dtype, 1), _arr((k,), dtype, 2), _arr((m,), dtype, 3)
    same_on_both(lambda mod, a, x, y: (a @ x, mod.mv(a, x), y @ a, mod.matmul(y, a)), [A, v, w],
                 grad_rtol=1e-5, grad_atol=1e-6)
    same_on_both(lambda mod, a, x, y: (a @ x, y @ a), [A, v, w], grad=False)


@pytest.mark.parametrize("dtype", DTYPES)
def test_batch_times_matrix_folds_into_one_mm(dtype):
    X, B, v = _arr((4, 2, 3), dtype, 5), _arr((3, 2), dtype, 6), _arr((3,), dtype, 7)
    same_on_both(lambda m, x, b, y: (x @ b, x @ y, m.matmul(x, b)), [X, B, v], grad=False)
    same_on_both(lambda m, x, b, y: (x @ b, x @ y), [X, B, v], grad_rtol=1e-5, grad_atol=1e-6)


# ---- bmm's own loop (m * k * p < 400) ------------------------------------------------------------------
BMM = [((3, 2, 2), (3, 2, 2)), ((5, 3, 7), (5, 7, 4)), ((2, 1, 30), (2, 30, 13)), ((4, 7, 57), (4, 57, 1))]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("sa,sb", BMM)
def test_bmm_small_is_atens_loop(sa, sb, dtype):
    a, b = _arr(sa, dtype, 11), _arr(sb, dtype, 12)
    same_on_both(lambda m, x, y: (m.bmm(x, y), x @ y, m.matmul(x, y)), [a, b])     # gradients bit for bit too


@pytest.mark.parametrize("dtype", DTYPES)
def test_bmm_from_400_products_is_the_blas(dtype):
    a, b = _arr((2, 4, 10), dtype, 18), _arr((2, 10, 10), dtype, 19)      # m * k * p == 400: MKL, not modelled
    same_on_both(lambda m, x, y: m.bmm(x, y), [a, b], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("dtype", DTYPES)
def test_bmm_small_transposed_and_broadcast(dtype):
    a, b = _arr((3, 4, 2), dtype, 13), _arr((3, 5, 4), dtype, 14)
    c = _arr((2, 1, 3, 4), dtype, 15)
    d, e = _arr((5, 4, 2), dtype, 16), _arr((3, 4), dtype, 17)
    same_on_both(lambda m, x, y: m.bmm(x.transpose(1, 2), y.transpose(1, 2)), [a, b])
    same_on_both(lambda m, x, y, z: (x @ y, z @ y), [c, d, e], grad=False)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("beta,alpha", [(1, 1), (0.5, 2.0), (0, 1), (1, 0.3)])
def test_addmv_and_baddbmm_small(beta, alpha, dtype):
    A, v, c = _arr((3, 5), dtype, 51), _arr((5,), dtype, 52), _arr((3,), dtype, 53)
    X, Y, C = _arr((4, 3, 5), dtype, 54), _arr((4, 5, 4), dtype, 55), _arr((4, 3, 4), dtype, 56)
    same_on_both(lambda m, a, x, y: m.addmv(y, a, x, beta=beta, alpha=alpha), [A, v, c], grad_rtol=1e-5, grad_atol=1e-6)
    same_on_both(lambda m, x, y, z: m.baddbmm(z, x, y, beta=beta, alpha=alpha), [X, Y, C])


# ---- signed zeros -----------------------------------------------------------------------------------
@pytest.mark.parametrize("layout", ["NN", "NT", "TN", "TT"])
@pytest.mark.parametrize("dtype", DTYPES)
def test_sums_of_negative_zeros_are_plus_zero(layout, dtype):
    a = np.array([[-0.0, 0.0, 1.0], [0.0, -0.0, 0.0]], dtype)
    b = np.array([[1.0, -2.0, 0.0, 3.0], [-1.0, 2.0, -0.0, 1.0], [-0.0, 0.0, 0.0, -1.0]], dtype)

    def fn(m):
        x, y = _mk(m, _t(a, layout[0]), layout[0]), _mk(m, _t(b, layout[1]), layout[1])
        return x @ y, x[0] @ y, y.T @ x[1], m.bmm(x[None], y[None]), m.nn.functional.linear(x, y.T)
    same_outcome(fn)


def test_printed_product_has_no_minus_zero():
    def fn(m):
        x = m.tensor([[0.0, -0.0], [1.0, 0.0]])
        w = m.tensor([[-1.0, 2.0], [0.0, -3.0]])
        return str(x.t() @ w) + str(x @ w.t()) + str(m.nn.Linear(2, 1, bias=False).weight.detach() * 0 @ x)
    assert fn(torch) == fn(glasstorch)


# ---- Linear's input gradient is torch's mm ------------------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n,i,o", [(5, 3, 2), (16, 8, 7), (2, 5, 4), (3, 3, 6), (1, 4, 3)])
@pytest.mark.parametrize("bias", [True, False])
def test_linear_input_gradient(n, i, o, bias, dtype):
    X, W, B = _arr((n, i), dtype, 21), _arr((o, i), dtype, 22), _arr((o,), dtype, 23)

    def fn(m, x, w, b):
        return m.nn.functional.linear(x, w, b if bias else None)
    outs = same_on_both(fn, [X, W, B], rtol=1e-6, atol=1e-6, grad_rtol=1e-6, grad_atol=1e-6)
    assert outs is not None
    # the input's gradient (g @ W, k = o <= 7) bit for bit
    grads = []
    for m in (torch, glasstorch):
        x = m.from_numpy(X.copy()).requires_grad_()
        y = fn(m, x, m.from_numpy(W.copy()), m.from_numpy(B.copy()))
        y.backward(m.from_numpy(_arr((n, o), dtype, 24)))
        grads.append(x.grad.numpy())
    np.testing.assert_array_equal(grads[1], grads[0])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n,i,o", [(5, 5, 2), (5, 3, 10), (2, 3, 30), (9, 7, 3), (1, 7, 3), (40, 2, 11), (1, 6, 3)])
@pytest.mark.parametrize("bias", [True, False])
def test_linear_forward_short_inputs(n, i, o, bias, dtype):
    """x @ W.t() (+ b afterwards): MKL's small kernel for x W^T beyond the shapes x_wt covers."""
    X, W, B = _arr((n, i), dtype, 41), _arr((o, i), dtype, 42), _arr((o,), dtype, 43)
    same_on_both(lambda m, x, w, b: m.nn.functional.linear(x, w, b if bias else None), [X, W, B], grad=False)


# ---- errors still raised as torch's ------------------------------------------------------------------
@pytest.mark.parametrize("sa,sb", [((2, 3), (4, 2)), ((3,), (4, 2)), ((2, 3), (4,)), ((2, 2, 3), (2, 4, 2)),
                                   ((2, 2, 3), (4, 2))])
def test_mismatched_small_products_raise_torchs_error(sa, sb):
    same_outcome(lambda m: m.ones(*sa) @ m.ones(*sb))
    same_outcome(lambda m: m.matmul(m.ones(*sa, dtype=m.float64), m.ones(*sb, dtype=m.float64)))


def test_bmm_and_mv_errors():
    same_outcome(lambda m: m.bmm(m.ones(2, 2, 3), m.ones(2, 4, 2)))
    same_outcome(lambda m: m.mv(m.ones(2, 3), m.ones(4)))
    same_outcome(lambda m: m.mm(m.ones(2, 3), m.ones(2, 3, dtype=m.float64)))


# ---- the backward of small products, checked numerically too -----------------------------------------
def test_gradcheck_small_products():
    from glasstorch.autograd.gradcheck import gradcheck
    g = glasstorch
    a = g.from_numpy(_arr((3, 4), "float64", 31)).requires_grad_()
    b = g.from_numpy(_arr((4, 2), "float64", 32)).requires_grad_()
    v = g.from_numpy(_arr((4,), "float64", 33)).requires_grad_()
    x = g.from_numpy(_arr((2, 3, 4), "float64", 34)).requires_grad_()
    assert gradcheck(lambda p, q: p @ q, (a, b))
    assert gradcheck(lambda p, q: g.mv(p, q), (a, v))
    assert gradcheck(lambda p, q: g.bmm(p, q.expand(2, 4, 2)), (x, b))
