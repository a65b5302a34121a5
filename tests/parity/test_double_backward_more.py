"""Second derivatives that glasstorch got wrong or refused, compared with torch at test time.

Fixed in glasstorch:
- ``torch.fft`` under ``create_graph``: the FFT nodes' backwards worked on arrays only ("Can't call
  numpy() on Tensor that requires grad"); they are now built from the differentiable transforms as
  torch builds them (_fft_double.py), the resize of ``n`` / ``s`` and hfft's conj included; istft's
  overlap-add (UnfoldBackwardBackward0) too;
- the complex nodes (angle, real / imag, view_as_real, view_as_complex, polar) have recorded
  backwards with torch's formulas (ops/complex_double.py);
- ``F.prelu``: the gradients hang from torch's ``PreluKernelBackwardBackward0`` (edges g, x and the
  reshaped weight; zeros, not None, for an identically zero second derivative); the weight's
  gradient is summed in torch's order (nn/_ops/prelu_double.py);
- ``F.nll_loss`` (1-d, 2-d and N-d targets): ``NllLossBackwardBackward0`` / ``NllLoss2DBackwardBackward0``
  (it had no grad_fn when only the input required grad);
- ``F.binary_cross_entropy`` (``BinaryCrossEntropyBackwardBackward0``; the first-order kernel in
  torch's order; the target's gradient as torch's composite, -logit(x) g w / n),
  ``F.binary_cross_entropy_with_logits`` (torch's composite backward op for op: ``DivBackward1`` on
  top under 'mean'), ``F.soft_margin_loss`` (``SoftMarginLossBackwardBackward0``, its kernel in torch's
  order); a weight / pos_weight requiring grad is refused as torch refuses it (nn/_ops/loss_double.py);
- ``F.multi_margin_loss``, ``F.multilabel_margin_loss``, ``F.ctc_loss``: the first-order gradient is
  returned on a ``NotImplemented`` node that raises torch's RuntimeError only when differentiated
  (glasstorch raised NotImplementedError at create_graph time);
- found by the sweep of torch.nn.functional and torch.linalg: layer_norm's bias gradient under
  create_graph had batch norm's shape (an error when differentiated); ``torch.dist``'s second
  derivative missed the terms through a - b; diagonal's gradient hangs from
  ``DiagonalBackwardBackward0``; the legacy triangular_solve's from ``TriangularSolveBackward0``;
  det / slogdet's from ``LinalgSolveExBackward0`` (torch solves with A^H under create_graph);
  embedding_bag's refused weight gradient is named ``EmbeddingBagBackwardBackward0``;
- bilinear is torch's composite, _trilinear (TrilinearBackward0, whose gradients are _trilinear
  again: nn/_ops/trilinear.py), with torch's argument checks; instance_norm's affine gradients are
  repeat's (SumBackward1); the tensor ops of the same sweep are in test_double_backward_ops.py;
- scaled_dot_product_attention's math kernel scales q and k by sqrt(scale) each (torch's values and
  nodes), and multi_head_attention_forward projects and reshapes as torch does (one packed linear
  for self-attention, baddbmm with a mask, 4-d sdpa inputs).
"""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from ._helpers import assert_same_array, grad_fn_name


def _np(t):
    if t is None:
        return None
    if getattr(t, "_is_zerotensor", lambda: False)():
        return np.zeros(tuple(t.shape), str(t.dtype).split(".")[-1])
    return t.detach().resolve_neg().resolve_conj().numpy()


def _second(m, fn, arrays, dtype, rg, vs):
    """g = d fn / d(inputs) (create_graph), then d(sum_i |g_i| . v_i)/d(inputs): names and values."""
    ins = [m.tensor(a, dtype=getattr(m, dtype), requires_grad=r) if a.dtype.kind == "f" else m.tensor(a)
           for a, r in zip(arrays, rg)]
    leaves = [t for t, r in zip(ins, rg) if r]
    y = fn(m, *ins)
    gs = m.autograd.grad(y.sum(), leaves, create_graph=True, allow_unused=True)
    tot = 0
    for g, v in zip(gs, vs):
        if g is not None and g.requires_grad:
            tot = tot + ((g.abs() if g.is_complex() else g) * m.tensor(v[:g.numel()].reshape(g.shape),
                                                                        dtype=getattr(m, dtype))).sum()
    hs = m.autograd.grad(tot, leaves, allow_unused=True) if not isinstance(tot, int) else [None] * len(leaves)
    names = [grad_fn_name(g) for g in gs] + [None if g is None else g.requires_grad for g in gs]
    return names, [_np(g) for g in gs] + [_np(h) for h in hs]


def compare(fn, arrays, dtype, rg=None, rtol=0.0, atol=0.0, seed=0):
    rg = rg or [a.dtype.kind == "f" for a in arrays]
    vs = [np.random.default_rng(seed + i).standard_normal(4096) for i in range(len(arrays))]
    tn, tv = _second(torch, fn, arrays, dtype, rg, vs)
    gn, gv = _second(glasstorch, fn, arrays, dtype, rg, vs)
    assert gn == tn
    for a, b in zip(tv, gv):
        assert (a is None) == (b is None)
        if a is not None:
            assert_same_array(a, b, rtol=rtol, atol=atol)


def _c(m, a, b):
    return m.complex(a, b)


def _sq(y):
    return y.abs() ** 2 if y.is_complex() else y ** 2


# ---- torch.fft and complex ops: pocketfft is not MKL, so values to a tolerance, names exactly ------
FFT = {
    "rfft_abs": (lambda m, a: m.fft.rfft(a).abs(), 1),
    "fft_real": (lambda m, a: _sq(m.fft.fft(a)), 1),
    "fft_n_pad": (lambda m, a: _sq(m.fft.fft(a, n=11)), 1),
    "fft_n_cut": (lambda m, a: _sq(m.fft.fft(a, n=5, norm="ortho")), 1),
    "ifft_real": (lambda m, a: _sq(m.fft.ifft(a, norm="forward")), 1),
    "rfft_n": (lambda m, a: _sq(m.fft.rfft(a, n=12)), 1),
    "ihfft": (lambda m, a: _sq(m.fft.ihfft(a)), 1),
    "rfft2": (lambda m, a: _sq(m.fft.rfft2(a)), 1),
    "fft_c": (lambda m, a, b: _sq(m.fft.fft(_c(m, a, b))), 2),
    "ifft2_c": (lambda m, a, b: _sq(m.fft.ifft2(_c(m, a, b))), 2),
    "fftn_s": (lambda m, a, b: _sq(m.fft.fftn(_c(m, a, b), s=(3, 9))), 2),
    "irfft": (lambda m, a, b: _sq(m.fft.irfft(_c(m, a, b))), 2),
    "irfft_n": (lambda m, a, b: _sq(m.fft.irfft(_c(m, a, b), n=9)), 2),
    "irfftn_s": (lambda m, a, b: _sq(m.fft.irfftn(_c(m, a, b), s=(5, 7))), 2),
    "hfft": (lambda m, a, b: _sq(m.fft.hfft(_c(m, a, b))), 2),
    "hfft2": (lambda m, a, b: _sq(m.fft.hfft2(_c(m, a, b))), 2),
    "fftshift": (lambda m, a, b: _sq(m.fft.fftshift(_c(m, a, b))), 2),
    "stft": (lambda m, a: m.stft(a.reshape(-1), 8, 2, window=m.hann_window(8, dtype=a.dtype),
                                 return_complex=True).abs(), 1),
    "istft": (lambda m, a, b: m.istft(_c(m, a, b), 6, 2, window=m.hann_window(6, dtype=a.dtype)) ** 2, 2),
    "abs": (lambda m, a, b: _c(m, a, b).abs() ** 3, 2),
    "angle": (lambda m, a, b: _c(m, a, b).angle() * a, 2),
    "real_imag": (lambda m, a, b: (_c(m, a, b) ** 2).real * (_c(m, a, b) ** 2).imag, 2),
    "view_as_real": (lambda m, a, b: m.view_as_real(_c(m, a, b) ** 2) ** 2, 2),
    "view_as_complex": (lambda m, a: m.view_as_complex(a.reshape(-1, 2)).exp().abs(), 1),
    "conj_mul": (lambda m, a, b: (_c(m, a, b).conj() * _c(m, b, a)).imag ** 2, 2),
    "cdiv": (lambda m, a, b: (_c(m, a, b) / _c(m, b, a + 3)).abs(), 2),
    "polar": (lambda m, a, b: (m.polar(a.abs() + 0.1, b) ** 2).real, 2),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("op", sorted(FFT))
@settings(max_examples=4, deadline=None)
@given(seed=st.integers(0, 2**31))
def test_fft_and_complex_second_order(op, dtype, seed):
    fn, n = FFT[op]
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal((4, 8)) for _ in range(n)]
    tol = dict(rtol=2e-3, atol=2e-3) if dtype == "float32" else dict(rtol=1e-9, atol=1e-9)
    compare(fn, arrays, dtype, rtol=tol["rtol"], atol=tol["atol"] * (10 if op == "istft" else 1))


@pytest.mark.parametrize("op", ["rfft_abs", "fft_n_pad", "irfft_n", "hfft", "angle", "view_as_real", "polar",
                                "istft", "view_as_complex", "real_imag"])
def test_fft_and_complex_gradgradcheck(op):
    fn, n = FFT[op]
    rng = np.random.default_rng(3)
    xs = [glasstorch.tensor(rng.standard_normal((4, 8)), dtype=glasstorch.float64, requires_grad=True)
          for _ in range(n)]
    assert glasstorch.autograd.gradgradcheck(lambda *t: fn(glasstorch, *t), tuple(xs))


# ---- losses and prelu: the kernels' values bit for bit where torch's first-order ops are modelled ----
def F(m):
    return m.nn.functional


_RNG = np.random.default_rng(11)
X = _RNG.standard_normal((3, 8))
P = 1 / (1 + np.exp(-X))
T = _RNG.uniform(size=(3, 8))
W8 = _RNG.uniform(0.2, 2.0, 8)
LOSSES = {
    "nll": (lambda m, x, t: F(m).nll_loss(x, t), [X, np.array([1, 0, 3])], None),
    "nll_weight_ignore": (lambda m, x, t, w: F(m).nll_loss(x, t, weight=w, ignore_index=3),
                          [X, np.array([1, 0, 3]), W8], [True, False, False]),
    "nll_none": (lambda m, x, t: F(m).nll_loss(x, t, reduction="none") ** 2, [X, np.array([1, 0, 3])], None),
    "nll_1d": (lambda m, x, t: F(m).nll_loss(x[0], t), [X, np.array(2)], None),
    "nll_3d": (lambda m, x, t: F(m).nll_loss(x.reshape(3, 2, 4), t, reduction="sum"),
               [X, np.array([[0, 1, 1, 0]] * 3)], None),
    "nll2d": (lambda m, x, t: F(m).nll_loss(x.reshape(1, 2, 3, 4), t, reduction="none") ** 2,
              [X, np.array([[[0, 1, 1, 0], [1, 1, 0, 0], [0, 0, 0, 1]]])], None),
    "cross_entropy": (lambda m, x, t: F(m).cross_entropy(x, t), [X, np.array([1, 0, 3])], None),
    "bce": (lambda m, x, t: F(m).binary_cross_entropy(x, t), [P, T], None),
    "bce_weight_sum": (lambda m, x, t, w: F(m).binary_cross_entropy(x, t, weight=w, reduction="sum"),
                       [P, T, W8], [True, True, False]),
    "bce_none": (lambda m, x, t: F(m).binary_cross_entropy(x, t, reduction="none") * x, [P, T], None),
    "bce_logits": (lambda m, x, t: F(m).binary_cross_entropy_with_logits(x, t), [X, T], None),
    "bce_logits_weights": (lambda m, x, t, w: F(m).binary_cross_entropy_with_logits(
        x, t, weight=w, pos_weight=w, reduction="sum"), [X, T, W8], [True, True, False]),
    "soft_margin": (lambda m, x, t: F(m).soft_margin_loss(x, t), [X, np.sign(T - 0.5)], [True, False]),
    "soft_margin_none": (lambda m, x, t: F(m).soft_margin_loss(x, t, reduction="none") ** 2,
                         [X, np.sign(T - 0.5)], [True, False]),
    "prelu": (lambda m, x, w: F(m).prelu(x, w) ** 2, [X, np.array([0.25])], None),
    "prelu_x_only": (lambda m, x, w: F(m).prelu(x, w) * x, [X, np.array([0.25])], [True, False]),
    "prelu_channels": (lambda m, x, w: F(m).prelu(x, w) ** 3, [X, W8 - 1], None),
    "prelu_1d": (lambda m, x, w: F(m).prelu(x[0], w) ** 3, [X, np.array([0.3])], None),
    "prelu_4d": (lambda m, x, w: F(m).prelu(x.reshape(1, 2, 3, 4), w) ** 2, [X, np.array([0.3, -0.2])], None),
}
# not bit for bit in float32: torch's logit / log_sigmoid kernels (SLEEF's logf) are not glasstorch's
# (bce's target gradient, bce_logits' with pos_weight), nor is the float32 log of bce's loss (its 'none'
# upstream); in float64 neither is logit's (SLEEF's log) nor prelu_4d's weight sum over dims (0, 2, 3)
CLOSE32 = {"bce", "bce_weight_sum", "bce_none", "bce_logits_weights"}
CLOSE64 = {"bce", "bce_weight_sum", "bce_none", "prelu_4d"}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("op", sorted(LOSSES))
def test_loss_and_prelu_second_order(op, dtype):
    fn, arrays, rg = LOSSES[op]
    close = op in (CLOSE32 if dtype == "float32" else CLOSE64)
    tol = (dict(rtol=1e-5, atol=1e-6) if dtype == "float32" else dict(rtol=1e-12, atol=1e-14)) if close else {}
    compare(fn, arrays, dtype, rg, **tol)


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**31), reduction=st.sampled_from(["mean", "sum", "none"]))
def test_losses_random_inputs(seed, reduction):
    rng = np.random.default_rng(seed)
    x, t = rng.standard_normal((4, 5)) * 2, rng.uniform(size=(4, 5))
    p = 1 / (1 + np.exp(-x))
    compare(lambda m, a, b: F(m).binary_cross_entropy(a, b, reduction=reduction), [p, t], "float64",
            rtol=1e-13, atol=1e-15)           # (the target's gradient: logit, see CLOSE64)
    compare(lambda m, a: F(m).nll_loss(a, m.tensor([0, 4, 2, 2]), reduction=reduction), [x], "float64")
    compare(lambda m, a, b: F(m).prelu(a, b) * a, [x, rng.uniform(-1, 1, 5)], "float64", seed=seed)
    compare(lambda m, a, b: F(m).soft_margin_loss(a, m.tensor(np.sign(t - 0.5))) * b.sum(), [x, t], "float64",
            rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("op", ["nll_weight_ignore", "bce", "bce_logits_weights", "soft_margin", "prelu",
                                "prelu_channels"])
def test_loss_gradgradcheck(op):
    fn, arrays, rg = LOSSES[op]
    rg = rg or [a.dtype.kind == "f" for a in arrays]
    ins = [glasstorch.tensor(a, dtype=glasstorch.float64 if a.dtype.kind == "f" else None, requires_grad=r)
           for a, r in zip(arrays, rg)]
    free = [i for i, r in enumerate(rg) if r]

    def f(*ts):
        args = list(ins)
        for i, t in zip(free, ts):
            args[i] = t
        return fn(glasstorch, *args)
    assert glasstorch.autograd.gradgradcheck(f, tuple(ins[i] for i in free))


@pytest.mark.parametrize("op", ["bce", "soft_margin", "prelu", "nll_none", "rfft"])
def test_third_derivative(op):
    def run(m):
        x = m.tensor(P if op == "bce" else X, dtype=m.float64, requires_grad=True)
        if op == "bce":
            y = F(m).binary_cross_entropy(x, m.tensor(T), reduction="sum")
        elif op == "soft_margin":
            y = F(m).soft_margin_loss(x, m.tensor(np.sign(T - 0.5)), reduction="sum")
        elif op == "prelu":
            y = (F(m).prelu(x, m.tensor([0.3], dtype=m.float64)) ** 3).sum()
        elif op == "nll_none":
            y = (F(m).nll_loss(x, m.tensor([1, 0, 3]), reduction="none") ** 3).sum()
        else:
            y = (m.fft.rfft(x).abs() ** 3).sum()
        g, = m.autograd.grad(y, x, create_graph=True)
        h, = m.autograd.grad((g ** 2).sum(), x, create_graph=True)
        k, = m.autograd.grad(h.sum(), x)
        return [grad_fn_name(g), grad_fn_name(h)], [_np(g), _np(h), _np(k)]
    (tn, tv), (gn, gv) = run(torch), run(glasstorch)
    assert gn == tn
    for a, b in zip(tv, gv):
        assert_same_array(a, b, rtol=1e-9, atol=1e-9)


# ---- torch has no double backward: the node raises only when used ---------------------------------
REFUSED = {
    "multi_margin": lambda m, x: F(m).multi_margin_loss(x, m.tensor([1, 0, 3])),
    "multi_margin_p2": lambda m, x: F(m).multi_margin_loss(x, m.tensor([1, 0, 3]), p=2, reduction="none"),
    "multilabel_margin": lambda m, x: F(m).multilabel_margin_loss(x, m.tensor([[1, 0, -1, 0, 0, 0, 0, 0]] * 3)),
    "ctc": lambda m, x: F(m).ctc_loss(x.reshape(4, 2, 3).log_softmax(2), m.tensor([[1, 2], [2, 1]]),
                                      m.tensor([4, 3]), m.tensor([2, 1])),
    "ctc_unbatched": lambda m, x: F(m).ctc_loss(x.reshape(8, 3).log_softmax(1), m.tensor([1, 2]), m.tensor(8),
                                                m.tensor(2), reduction="sum"),
}


@pytest.mark.parametrize("op", sorted(REFUSED))
def test_refused_double_backward(op):
    def run(m):
        x = m.tensor(X, requires_grad=True)
        g, = m.autograd.grad(REFUSED[op](m, x).sum() * 1.5, x, create_graph=True)
        try:
            m.autograd.grad(g.sum(), x)
            err = None
        except Exception as e:          # noqa: BLE001  (torch's type and words are the point)
            err = (type(e).__name__, str(e))
        return grad_fn_name(g), g.requires_grad, g.detach().numpy(), err
    tn, trg, tg, terr = run(torch)
    gn, grg, gg, gerr = run(glasstorch)
    assert (gn, grg, gerr) == (tn, trg, terr)
    assert terr is not None
    assert_same_array(tg, gg, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("case", ["bce_weight", "bce_logits_weight", "bce_logits_pos_weight"])
def test_weights_requiring_grad_refused(case):
    def run(m):
        x, t = m.tensor(P[0]), m.tensor(T[0])
        w = m.tensor(W8, requires_grad=True)
        try:
            if case == "bce_weight":
                F(m).binary_cross_entropy(x, t, weight=w)
            elif case == "bce_logits_weight":
                F(m).binary_cross_entropy_with_logits(x, t, weight=w)
            else:
                F(m).binary_cross_entropy_with_logits(x, t, pos_weight=w)
        except RuntimeError as e:
            return str(e)
        return None
    msg = run(torch)
    assert msg is not None and run(glasstorch) == msg


# ---- found by the sweep of torch.nn.functional and torch.linalg --------------------------------------
R = np.random.default_rng(5)
A = R.standard_normal((4, 4))
B = R.standard_normal((4, 4))         # (A - B has no zero: |x|'s kink)
SWEEP = {
    "layer_norm_affine": (lambda m, x, w, b: F(m).layer_norm(x, (4,), w, b) ** 2,
                          [R.standard_normal((2, 3, 4)), R.uniform(0.5, 1.5, 4), R.standard_normal(4)]),
    "layer_norm_2d_shape": (lambda m, x, w, b: F(m).layer_norm(x, (3, 4), w, b),
                            [R.standard_normal((2, 3, 4)), R.uniform(0.5, 1.5, (3, 4)), R.standard_normal((3, 4))]),
    "dist2": (lambda m, a, b: m.dist(a, b), [A, B]),
    "dist3": (lambda m, a, b: m.dist(a, b, 3), [A, B]),
    "dist_half": (lambda m, a, b: m.dist(a, b, 0.5), [A, B]),
    "dist1": (lambda m, a, b: m.dist(a, b, 1) * a.sum(), [A, B]),
    "dist_inf": (lambda m, a, b: m.dist(a, b, float("inf")) * b.sum(), [A, B]),
    "diagonal": (lambda m, a: m.diagonal(a, 1) ** 2, [A]),
    "linalg_diagonal": (lambda m, a: m.linalg.diagonal(a.reshape(2, 2, 4)[..., :2]) ** 2, [A]),
    "diag": (lambda m, a: m.diag(a) ** 3, [A]),
    "triangular_solve": (lambda m, a, b: m.triangular_solve(b, a.triu() + 3 * m.eye(4, dtype=a.dtype))[0] ** 2,
                         [A, R.standard_normal((4, 2))]),
    "det": (lambda m, a: m.linalg.det(a), [A]),
    "det_batched": (lambda m, a: m.linalg.det(a.reshape(4, 2, 2)), [A]),
    "slogdet": (lambda m, a: m.linalg.slogdet(a @ a.T + 2 * m.eye(4, dtype=a.dtype))[1], [A]),
    "logdet": (lambda m, a: m.logdet(a @ a.T + 2 * m.eye(4, dtype=a.dtype)), [A]),
    "bilinear": (lambda m, a, b, w: F(m).bilinear(a, b, w, w[:, 0, 0]) ** 2,
                 [R.standard_normal((2, 3, 4)), R.standard_normal((2, 3, 5)), R.standard_normal((2, 4, 5))]),
    "glu_of_repeat": (lambda m, a: F(m).glu(a.repeat(1, 2), 1), [A]),
    "instance_norm_affine": (lambda m, x, w, b: F(m).instance_norm(x, weight=w, bias=b),
                             [R.standard_normal((2, 3, 5)), R.uniform(0.5, 1.5, 3), R.standard_normal(3)]),
    "sdpa_bool_mask": (lambda m, q, k: F(m).scaled_dot_product_attention(
        q, k, k, attn_mask=m.ones(4, 4, dtype=m.bool).tril()),
        [R.standard_normal((2, 4, 8)), R.standard_normal((2, 4, 8))]),
    "mha_self": (lambda m, x, w, ow: F(m).multi_head_attention_forward(
        x, x, x, 4, 2, w, None, None, None, False, 0.0, ow, None, training=False)[0] ** 2,
        [R.standard_normal((3, 2, 4)), R.standard_normal((12, 4)) * 0.3, R.standard_normal((4, 4)) * 0.3]),
    "mha_cross_mask": (lambda m, x, k, w, ow: F(m).multi_head_attention_forward(
        x, k, k, 4, 2, w, None, None, None, False, 0.0, ow, None, training=False,
        attn_mask=m.tensor(np.triu(np.full((3, 5), -1.0), 1), dtype=x.dtype))[0] ** 2,
        [R.standard_normal((3, 2, 4)), R.standard_normal((5, 2, 4)), R.standard_normal((12, 4)) * 0.3,
         R.standard_normal((4, 4)) * 0.3]),
}
EXACT_SWEEP = {"diagonal", "linalg_diagonal", "diag", "glu_of_repeat"}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("op", sorted(SWEEP))
def test_sweep_fixes(op, dtype):
    fn, arrays = SWEEP[op]
    tol = {} if op in EXACT_SWEEP else dict(rtol=1e-4, atol=1e-4) if dtype == "float32" else dict(rtol=1e-10,
                                                                                                 atol=1e-10)
    compare(fn, arrays, dtype, **tol)


@pytest.mark.parametrize("op", sorted(SWEEP))
def test_sweep_gradgradcheck(op):
    fn, arrays = SWEEP[op]
    xs = [glasstorch.tensor(a, dtype=glasstorch.float64, requires_grad=True) for a in arrays]
    assert glasstorch.autograd.gradgradcheck(lambda *t: fn(glasstorch, *t), tuple(xs))


def test_embedding_bag_refused_node_name():
    def run(m):
        w = m.tensor(A, requires_grad=True)
        y = F(m).embedding_bag(m.tensor([1, 2, 0, 3]), w, m.tensor([0, 2]), mode="mean") ** 2
        g, = m.autograd.grad(y.sum(), w, create_graph=True)
        with pytest.raises(NotImplementedError) as info:
            m.autograd.grad(g.sum(), w)
        return grad_fn_name(g), g.grad_fn.name(), str(info.value), g.detach().numpy()
    t, g = run(torch), run(glasstorch)
    assert t[:3] == g[:3]
    assert_same_array(t[3], g[3])


@pytest.mark.parametrize("shapes", [((2, 4), (2, 3, 5), (3, 4, 5)), ((2, 4), (3, 5), (3, 4, 5)),
                                    ((2, 3, 4), (2, 2, 5), (3, 4, 5)), ((2, 6), (2, 5), (3, 4, 5)),
                                    ((2, 4), (2, 6), (3, 4, 5)), ((2, 4), (2, 5), (3, 4, 5), (2,)),
                                    ((2, 4), (2, 5), (4, 5))])
def test_bilinear_argument_errors(shapes):
    """bilinear is torch's _trilinear composite now: its argument checks and words, in torch's order."""
    def run(m):
        with pytest.raises(RuntimeError) as info:
            F(m).bilinear(*(m.ones(s) for s in shapes))
        return str(info.value)
    assert run(glasstorch) == run(torch)
