"""Parity of the filled-in API: vmap at top level, as_strided, Adafactor, MultiLabelMarginLoss,
TripletMarginWithDistanceLoss, feature alpha dropout, and the smaller top-level functions and
Tensor methods (splits, windows, addr/addbmm, in-place forms, top-level layer ops)."""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from ._helpers import MODS, assert_same_array, same_error, same_on_both

F32 = np.float32


def rnd(*shape, seed=0, dtype=np.float64):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


# ---- vmap, as_strided -----------------------------------------------------------------------------
def test_vmap_at_top_level():
    # (values only: glasstorch's vmap records a different graph than torch's batching rules)
    same_on_both(lambda t, x, w: t.vmap(lambda r: (r * w).sum())(x), [rnd(4, 3), rnd(3, seed=1)], grad=False)
    assert torch.vmap is torch.func.vmap and glasstorch.vmap is glasstorch.func.vmap


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 4), st.integers(1, 4), st.integers(0, 3), st.integers(0, 2), st.integers(0, 2))
def test_as_strided_geometries(n0, n1, s0, s1, off):
    """Overlapping and gapped views of a view's storage; gradients sum where elements share memory."""
    need = off + (n0 - 1) * s0 + (n1 - 1) * s1 + 1
    base = rnd(need + 3)
    # where many elements share one memory cell their gradients are summed in another order than torch's
    tol = dict(grad_rtol=1e-14, grad_atol=1e-15)
    same_on_both(lambda t, x: (x * 1)[1:].as_strided((n0, n1), (s0, s1), off), [base], **tol)
    same_on_both(lambda t, x: t.as_strided(x * 1, (n0, n1), (s0, s1), off + 1), [base], **tol)


def test_as_strided_of_expanded_and_views():
    same_on_both(lambda t, x: x.expand(2, 3).as_strided((2, 2), (0, 1), 1), [rnd(3)])
    same_on_both(lambda t, x: (x * 1).expand(2, 3).as_strided((2, 3), (0, 1)).as_strided((2, 2), (1, 1), 0),
                 [rnd(3)])
    same_on_both(lambda t, x: x[2:].view(2, 5).as_strided((3, 3), (2, 1), 3), [rnd(12)])
    same_on_both(lambda t, x: (x.as_strided((2, 2), (1, 2), 1), x.as_strided((2,), (3,)).storage_offset()),
                 [rnd(6)], grad=False)
    same_on_both(lambda t, x: t.as_strided(x, (0, 4), (1, 100), 30), [np.arange(6)], grad=False)


def test_as_strided_shares_memory_and_in_place():
    for m in MODS:
        x = m.arange(6.0)
        v = x.as_strided((2, 2), (1, 2), 1)
        v.mul_(10)
        assert x.tolist() == [0.0, 10.0, 20.0, 30.0, 40.0, 5.0]
    same_on_both(lambda t, x: (x * 1).as_strided_((2, 2), (1, 2), 1), [rnd(6)])


@pytest.mark.parametrize("args", [((3, 3), (2, 1), 1), ((3, 3), (2, 1, 1)), ((3, 3), (2, -1)), ((3, -3), (2, 1)),
                                  ((3, 3), (2, 1), -1), ((4,), (2,), 0)])
def test_as_strided_errors(args):
    same_error(lambda m: m.arange(6.0).as_strided(*args))


# ---- Adafactor ------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype,rtol", [(np.float64, 1e-10), (np.float32, 1e-5)])
@pytest.mark.parametrize("kw", [dict(), dict(lr=0.05, weight_decay=0.1), dict(maximize=True, d=2.0, eps=(1e-4, 1e-3)),
                                dict(beta2_decay=-0.5, lr=0.2)])
def test_adafactor_trajectory(kw, dtype, rtol):
    """Matrix (factored), 3-D (factored over the last two dims) and vector parameters, 15 steps."""
    rng = np.random.default_rng(0)
    init = [rng.standard_normal(s).astype(dtype) for s in ((4, 3), (3,), (2, 4, 3))]
    x = rng.standard_normal((5, 4)).astype(dtype)
    res = {}
    for m in MODS:
        w, b, w3 = (m.tensor(a.copy(), requires_grad=True) for a in init)
        opt = m.optim.Adafactor([w, b, w3], **kw)
        xx = m.tensor(x)
        for _ in range(15):
            opt.zero_grad()
            (((xx @ w + b) ** 2).sum() + (w3 ** 3).sum()).backward()
            opt.step()
        res[m] = ([p.detach().numpy().copy() for p in (w, b, w3)], opt.state_dict())
    for a, b in zip(res[torch][0], res[glasstorch][0]):
        np.testing.assert_allclose(b, a, rtol=rtol, atol=rtol)
    sd_t, sd_g = res[torch][1], res[glasstorch][1]
    assert sd_t["param_groups"] == sd_g["param_groups"]
    for k in sd_t["state"]:
        assert list(sd_t["state"][k]) == list(sd_g["state"][k])
        for name, v in sd_t["state"][k].items():
            assert_same_array(v, sd_g["state"][k][name], rtol=max(rtol, 1e-6), atol=1e-7, what=name)


@pytest.mark.parametrize("kw", [dict(lr=-1.0), dict(beta2_decay=0.5), dict(eps=(-1.0, 1e-3)), dict(eps=(None, -1.0)),
                                dict(d=0.5), dict(weight_decay=-1.0)])
def test_adafactor_errors(kw):
    same_error(lambda m: m.optim.Adafactor([m.zeros(2, requires_grad=True)], **kw))


def test_adafactor_repr():
    reprs = [repr(m.optim.Adafactor([m.zeros(2, requires_grad=True)])) for m in MODS]
    assert reprs[0] == reprs[1]


# ---- multilabel margin ----------------------------------------------------------------------------
def _labels(n, c, seed):
    rng = np.random.default_rng(seed)
    t = rng.integers(0, c, (n, c))
    for row in t:
        row[rng.integers(0, c + 1):] = -1
    return t.astype(np.int64)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 4), st.integers(1, 6), st.sampled_from(["none", "mean", "sum"]), st.integers(0, 99))
def test_multilabel_margin_loss(n, c, reduction, seed):
    tgt = _labels(n, c, seed)
    for dtype in (np.float32, np.float64):
        x = rnd(n, c, seed=seed, dtype=dtype)
        same_on_both(lambda t, x, y: t.nn.functional.multilabel_margin_loss(x, y, reduction=reduction), [x, tgt])
        same_on_both(lambda t, x, y: t.nn.MultiLabelMarginLoss(reduction=reduction)(x[0], y[0]), [x, tgt])


def test_multilabel_margin_loss_duplicates_and_scalar():
    same_on_both(lambda t, x, y: t.nn.functional.multilabel_margin_loss(x, y), [
        np.array([[.1, .2, .4, .8]], F32), np.array([[3, 3, 0, -1]])])
    same_on_both(lambda t, x, y: t.nn.functional.multilabel_margin_loss(x, y, reduction="none"),
                 [np.array(0.5, F32), np.array(0)])


@pytest.mark.parametrize("x,y", [
    ((2, 4), np.zeros((1, 4), np.int64)), ((2, 4), np.zeros((2, 4), np.float32)), ((2, 4), np.full((2, 4), 5)),
    ((2, 4), np.full((2, 4), -2)), ((2, 2, 2), np.zeros((2, 2, 2), np.int64)), ((3, 0), np.zeros((3, 0), np.int64)),
    ((2,), np.zeros((1, 2), np.int64)), ((2, 4), np.zeros((2, 4), np.int32))])
def test_multilabel_margin_loss_errors(x, y):
    same_error(lambda m: m.nn.functional.multilabel_margin_loss(m.zeros(x), m.from_numpy(y.copy())))
    same_error(lambda m: m.nn.functional.multilabel_margin_loss(m.zeros(2, 4, dtype=m.int32), m.zeros(2, 4).long()))
    same_error(lambda m: m.nn.functional.multilabel_margin_loss(m.zeros(2, 4), m.zeros(2, 4).long(), reduction="x"))


# ---- triplet with a distance function -------------------------------------------------------------
@pytest.mark.parametrize("swap", [False, True])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_triplet_margin_with_distance_loss(swap, reduction):
    arrays = [rnd(5, 3), rnd(5, 3, seed=1), rnd(5, 3, seed=2)]
    same_on_both(lambda t, a, p, n: t.nn.functional.triplet_margin_with_distance_loss(
        a, p, n, swap=swap, reduction=reduction), arrays, grad_rtol=1e-13, grad_atol=1e-15)
    same_on_both(lambda t, a, p, n: t.nn.TripletMarginWithDistanceLoss(
        distance_function=lambda u, v: 1 - t.nn.functional.cosine_similarity(u, v), margin=0.5, swap=swap,
        reduction=reduction)(a, p, n), arrays, rtol=1e-13, atol=1e-15)


def test_triplet_margin_with_distance_loss_module_and_errors():
    reprs = [repr(m.nn.TripletMarginWithDistanceLoss()) for m in MODS]
    assert reprs[0] == reprs[1]
    same_error(lambda m: m.nn.TripletMarginWithDistanceLoss(margin=0))
    same_error(lambda m: m.nn.functional.triplet_margin_with_distance_loss(m.zeros(2, 3), m.zeros(2, 3),
                                                                           m.zeros(3), reduction="mean"))
    same_error(lambda m: m.nn.functional.triplet_margin_with_distance_loss(m.zeros(2), m.zeros(2), m.zeros(2),
                                                                           margin=-1.0))
    same_error(lambda m: m.nn.functional.triplet_margin_with_distance_loss(m.zeros(2), m.zeros(2), m.zeros(2),
                                                                           reduction="avg"))


# ---- feature alpha dropout ------------------------------------------------------------------------
@pytest.mark.parametrize("p", [0.0, 0.3, 0.5, 1.0])
@pytest.mark.parametrize("shape", [(4, 3), (2, 3, 5), (2, 3, 2, 2)])
def test_feature_alpha_dropout(p, shape):
    def fn(t, x):
        t.manual_seed(7)
        return t.nn.functional.feature_alpha_dropout(x * 1, p, True), t.nn.FeatureAlphaDropout(p)(x * 1)
    same_on_both(fn, [rnd(*shape, dtype=np.float32)], rtol=1e-6, atol=1e-6)
    same_on_both(lambda t, x: t.nn.functional.feature_alpha_dropout(x * 1, p, False), [rnd(*shape)])


def test_feature_alpha_dropout_in_place_and_errors():
    def fn(t, x):
        t.manual_seed(3)
        return t.feature_alpha_dropout_(x * 1, 0.4, True)
    same_on_both(fn, [rnd(3, 4)], rtol=1e-12, atol=1e-12)
    same_error(lambda m: m.nn.functional.feature_alpha_dropout(m.zeros(3), 0.5, True))
    same_error(lambda m: m.nn.functional.feature_alpha_dropout(m.zeros(3, 2), 1.5, True))
    assert repr(torch.nn.FeatureAlphaDropout(0.2)) == repr(glasstorch.nn.FeatureAlphaDropout(0.2))


# ---- smaller top-level functions and Tensor methods ------------------------------------------------
@pytest.mark.parametrize("fn", [
    lambda t, x: t.hsplit(x, 3), lambda t, x: t.hsplit(x, [1, 2]), lambda t, x: x.vsplit([1]),
    lambda t, x: t.dsplit(x.reshape(2, 3, 1).expand(2, 3, 4), 2), lambda t, x: t.hsplit(x[0], [1]),
    lambda t, x: t.diagflat(x), lambda t, x: x.diagflat(-1), lambda t, x: t.combinations(x[0], 2),
    lambda t, x: t.combinations(x[0], 2, with_replacement=True), lambda t, x: t.combinations(x[0], 4),
    lambda t, x: x.split_with_sizes([1, 2], 1), lambda t, x: t.split_with_sizes(x, [1, 1]),
    lambda t, x: t.fill(x, 2.5), lambda t, x: (x * 1).positive(), lambda t, x: t.swapaxes(x * 1, 0, 1),
    lambda t, x: (x * 1).swapaxes_(0, 1), lambda t, x: (x * 1).swapdims_(1, 0)])
def test_split_family(fn):
    same_on_both(fn, [rnd(2, 3)])


@pytest.mark.parametrize("fn", [lambda t: t.hsplit(t.tensor(1.0), 2), lambda t: t.hsplit(t.zeros(2, 3), 2),
                                lambda t: t.vsplit(t.zeros(3), 1), lambda t: t.dsplit(t.zeros(2, 3), 1),
                                lambda t: t.combinations(t.zeros(2, 2)), lambda t: t.hann_window(-1),
                                lambda t: t.hann_window(3, dtype=t.int64),
                                lambda t: t.gcd(t.tensor([1.0]), t.tensor([2.0])),
                                lambda t: t.addr(t.zeros(2, 3), t.zeros(3), t.zeros(3)),
                                lambda t: t.zeros(3).fill_diagonal_(1), lambda t: t.zeros(2, 3, 3).fill_diagonal_(1)])
def test_small_errors(fn):
    same_error(fn)


@pytest.mark.parametrize("name", ["hann_window", "hamming_window", "blackman_window", "bartlett_window",
                                  "kaiser_window"])
@pytest.mark.parametrize("n", [0, 1, 2, 5, 10, 33])
@pytest.mark.parametrize("periodic", [True, False])
def test_windows(name, n, periodic):
    for dtype in ("float32", "float64"):
        w = [getattr(m, name)(n, periodic, dtype=getattr(m, dtype)) for m in MODS]
        assert_same_array(w[0], w[1], rtol=2e-6 if dtype == "float32" else 1e-13, atol=1e-6, what=name)
    assert torch.hann_window(4).dtype == torch.float32 and glasstorch.hann_window(4).dtype == glasstorch.float32


def test_addr_addbmm():
    same_on_both(lambda t, c, u, v: t.addr(c, u, v), [rnd(2, 3), rnd(2, seed=1), rnd(3, seed=2)], rtol=1e-14)
    same_on_both(lambda t, c, u, v: c.addr(u, v, beta=0.5, alpha=2), [rnd(3), rnd(2, seed=1), rnd(3, seed=2)],
                 rtol=1e-14)
    same_on_both(lambda t, c, a, b: t.addbmm(c, a, b, beta=2, alpha=0.5),
                 [rnd(2, 2), rnd(4, 2, 3, seed=1), rnd(4, 3, 2, seed=2)], rtol=1e-13, atol=1e-14)
    same_on_both(lambda t, c, a, b: (c * 1).addbmm_(a, b), [rnd(2, 2), rnd(4, 2, 3, seed=1), rnd(4, 3, 2, seed=2)],
                 rtol=1e-13, atol=1e-14)
    same_on_both(lambda t, c, u, v: (c * 1).addr_(u, v), [rnd(2, 3), rnd(2, seed=1), rnd(3, seed=2)], rtol=1e-14)


@pytest.mark.parametrize("fn", [
    lambda t, x, y: (x * 1).lt_(0), lambda t, x, y: (x * 1).ge_(y), lambda t, x, y: (x * 1).eq_(y),
    lambda t, x, y: (x * 1).ne_(0.5), lambda t, x, y: (x * 1).greater_(y), lambda t, x, y: (x * 1).less_equal_(y),
    lambda t, x, y: (x * 1).cumsum_(1), lambda t, x, y: (x * 1).cumprod_(0), lambda t, x, y: (x * 1).sinh_(),
    lambda t, x, y: (x * 1).cosh_(), lambda t, x, y: (x.sigmoid() * 1).logit_(),
    lambda t, x, y: (x * 1).sinc_(), lambda t, x, y: (x * 1).xlogy_(y.abs()), lambda t, x, y: (x * 1).hypot_(y),
    lambda t, x, y: (x * 1).copysign_(y), lambda t, x, y: (x * 1).arctan2_(y), lambda t, x, y: (x * 1).fix_(),
    lambda t, x, y: (x * 1).negative_(), lambda t, x, y: (x * 1).i0_(),
    lambda t, x, y: (x.sigmoid() * 1).arccos_(), lambda t, x, y: (x * 1).subtract_(y, alpha=2),
    lambda t, x, y: (x * 1).float_power_(2), lambda t, x, y: (x * 1).fill_diagonal_(3.0),
    lambda t, x, y: (x * 1).nan_to_num_(), lambda t, x, y: t.logit_(x.sigmoid() * 1),
    lambda t, x, y: t.arccos_(x.sigmoid() * 1), lambda t, x, y: t.fix_(x * 1)])
def test_in_place_forms(fn):
    same_on_both(fn, [rnd(3, 3), rnd(3, 3, seed=1)], rtol=1e-14, atol=1e-15)


@pytest.mark.parametrize("fn", [
    lambda t, x, y: x.absolute_(), lambda t, x, y: x.multiply_(y), lambda t, x, y: x.divide_(y),
    lambda t, x, y: x.true_divide_(y), lambda t, x, y: x.arcsinh_(), lambda t, x, y: x.logical_and_(y),
    lambda t, x, y: x.addmm_(y, y), lambda t, x, y: x.lt_(y).le_(0.5)])
def test_in_place_forms_values(fn):
    # (values only: torch refuses these backwards, its saved self having changed, or names them apart)
    same_on_both(fn, [rnd(3, 3), rnd(3, 3, seed=1)], grad=False, rtol=1e-14, atol=1e-15)


def test_fill_diagonal_wrap():
    for shape in ((7, 3), (3, 7), (3, 3, 3), (5, 4)):
        for wrap in (False, True):
            r = [m.zeros(shape).fill_diagonal_(5.0, wrap=wrap) for m in MODS]
            assert_same_array(r[0], r[1])


def test_integer_and_bit_helpers():
    a, b = np.array([12, -18, 0, 7]), np.array([8, 4, 5, 0])
    same_on_both(lambda t, x, y: (t.gcd(x, y), t.lcm(x, y), x.gcd(y), (x * 1).lcm_(y)), [a, b])
    same_on_both(lambda t, x, y: (t.nextafter(x, y), x.nextafter(y)), [rnd(4, dtype=F32), rnd(4, seed=1, dtype=F32)],
                 grad=False)


def test_small_top_level():
    same_on_both(lambda t: (t.scalar_tensor(3), t.scalar_tensor(2, dtype=t.float64), t.is_same_size(t.zeros(2),
                 t.zeros(2)), t.is_neg(t.zeros(1)), t.zeros(2).is_neg(), t.is_signed(t.zeros(1).byte())), [])
    for m in MODS:
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            r = m.range(0, 1, 0.1)
        assert "torch.range is deprecated" in str(w[0].message)
        assert r.shape == (11,) and str(r.dtype).endswith("float32")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_same_array(torch.range(1, 4), glasstorch.range(1, 4))
        assert_same_array(torch.range(-1, 2, 0.5, dtype=torch.float64), glasstorch.range(-1, 2, 0.5,
                                                                                         dtype=glasstorch.float64))
    e = [m.empty_strided((2, 3), (1, 2)) for m in MODS]
    assert e[0].stride() == e[1].stride() and e[0].shape == e[1].shape


@pytest.mark.parametrize("fn", [
    lambda t, x, w: t.conv2d(x, w, None, 1, 1), lambda t, x, w: t.max_pool2d(x, 2),
    lambda t, x, w: t.max_pool1d(x[0], 2, 1), lambda t, x, w: t.avg_pool1d(x[0], 2),
    lambda t, x, w: t.adaptive_max_pool1d(x[0], 2), lambda t, x, w: t.adaptive_avg_pool1d(x[0], 3),
    lambda t, x, w: t.layer_norm(x, (4,)), lambda t, x, w: t.group_norm(x, 1),
    lambda t, x, w: t.batch_norm(x, None, None, None, None, True, 0.1, 1e-5, False),
    lambda t, x, w: t.instance_norm(x, None, None, None, None, True, 0.1, 1e-5, False),
    lambda t, x, w: t.cosine_similarity(x, x * 2 + 1), lambda t, x, w: t.pairwise_distance(x[0], x[1]),
    lambda t, x, w: t.pixel_shuffle(x.reshape(1, 4, 4, 4), 2), lambda t, x, w: t.channel_shuffle(x, 2),
    lambda t, x, w: t.constant_pad_nd(x, (1, 2), 0.5), lambda t, x, w: t.conv_transpose2d(x, w.transpose(0, 1)),
    lambda t, x, w: t.embedding(x[0, 0], t.tensor([[0, 2], [1, 1]])), lambda t, x, w: t.rms_norm(x, (4,)),
    lambda t, x, w: t.dropout(x * 1, 0.0, True), lambda t, x, w: t.alpha_dropout(x * 1, 0.5, False)])
def test_top_level_layer_ops(fn):
    same_on_both(fn, [rnd(2, 2, 4, 4), rnd(3, 2, 3, 3, seed=1)], rtol=1e-12, atol=1e-12)


def test_top_level_dropouts_draw_as_torch():
    def fn(t, x):
        t.manual_seed(5)
        return t.dropout(x, 0.3, True), t.feature_dropout(x, 0.5, True), t.alpha_dropout(x, 0.2, True)
    same_on_both(fn, [rnd(3, 4, 2, dtype=F32)], rtol=1e-6, atol=1e-6)
