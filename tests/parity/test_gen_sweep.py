"""Gaps found by running generative-model programs (tests/programs/gen_*.py) on glasstorch: the order
of torch's 2-norm kernel, Embedding(max_norm) renormalisation, the hook-based
``nn.utils.spectral_norm``, state-dict hooks, F.normalize(out=), Linear's weight gradient under
create_graph, broadcast errors, and the ContinuousBernoulli / LowRankMultivariateNormal distributions."""
import io
from collections import OrderedDict

import numpy as np
import pytest
import torch

import glasstorch

from ._helpers import MODS, assert_same_array, same_error, same_on_both

R = np.random.default_rng(7)
# torch's vectorised kernels: 8 float lanes with AVX2 (AVX-512 machines use other widths)
AVX2 = torch.backends.cpu.get_cpu_capability() == "AVX2"
TOL = {} if AVX2 else dict(rtol=1e-6, atol=1e-6)


def spread(*shape, dt=np.float32):
    return (R.standard_normal(shape) * np.exp(R.standard_normal(shape))).astype(dt)


# ---- the 2-norm's summation order ------------------------------------------------------------------
@pytest.mark.parametrize("dt", [np.float32, np.float64])
@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 31, 33, 100, 1027])
def test_norm2_lastdim_order(dt, n):
    x = spread(300, n, dt=dt)
    same_on_both(lambda t, a: t.linalg.vector_norm(a, dim=-1), [x], **TOL)
    same_on_both(lambda t, a: a.norm(2, dim=1, keepdim=True), [x], **TOL)
    same_on_both(lambda t, a: a[0].norm(), [x], **TOL)


@pytest.mark.parametrize("dims,keepdim", [((1, 2), False), ((2, 1), True), (None, False), ((0,), False),
                                          ((1,), False), ((-1,), True)])
def test_norm2_over_dims(dims, keepdim):
    """trailing dims of a contiguous tensor merge into one run; other dims keep NumPy's order."""
    x = spread(4, 6, 37)
    same_on_both(lambda t, a: t.linalg.vector_norm(a, 2, dims, keepdim), [x], **TOL)
    same_on_both(lambda t, a: t.linalg.vector_norm(a.transpose(0, 2), 2, -1), [x], rtol=1e-6, atol=1e-6)


def test_norm2_big_and_clip():
    g = spread(257, 129)
    same_on_both(lambda t, a: a.norm(), [g], **TOL)
    # the gradient sums over the expanded dim, which NumPy orders its own way
    same_on_both(lambda t, a: t.nn.functional.normalize(a, dim=1), [g], grad_rtol=1e-5, grad_atol=1e-7, **TOL)


def test_normalize_out():
    x = spread(3, 5)
    for m in MODS:
        out = m.empty(3, 5)
        r = m.nn.functional.normalize(m.from_numpy(x.copy()), dim=1, out=out)
        assert r is out
    same_on_both(lambda t, a: t.nn.functional.normalize(a, dim=0, out=t.empty(3, 5)), [x], grad=False, **TOL)


# ---- Embedding(max_norm) -------------------------------------------------------------------------
@pytest.mark.parametrize("norm_type", [1.0, 2.0, 3.0])
@pytest.mark.parametrize("max_norm", [0.5, 1.0])
def test_embedding_max_norm_rows(norm_type, max_norm):
    """torch reads each row's norm back as a double and works out max_norm / (norm + 1e-7) in double."""
    w = spread(20, 7)
    idx = np.array([[0, 3, 3], [7, 19, 0]], dtype=np.int64)

    def f(t, weight):
        weight = weight.detach().clone()
        out = t.nn.functional.embedding(t.from_numpy(idx), weight, max_norm=max_norm, norm_type=norm_type)
        return out, weight
    same_on_both(f, [w], grad=False, **TOL)


def test_embedding_bag_max_norm():
    w = spread(10, 4)

    def f(t, weight):
        bag = t.nn.EmbeddingBag(10, 4, max_norm=1.0)
        with t.no_grad():
            bag.weight.copy_(weight)
        out = bag(t.tensor([1, 2, 4, 5, 4, 3]), t.tensor([0, 3]))
        return out.detach(), bag.weight.detach()
    same_on_both(f, [w], grad=False, **TOL)


# ---- nn.utils.spectral_norm (the hook-based one) -----------------------------------------------
def _sn_linear(m, seed=0, **kw):
    m.manual_seed(seed)
    return m.nn.utils.spectral_norm(m.nn.Linear(5, 3), **kw)


def test_spectral_norm_forward_and_state():
    outs = {}
    for m in MODS:
        lin = _sn_linear(m, n_power_iterations=2)
        m.manual_seed(1)
        ys = [lin(m.randn(4, 5)) for _ in range(3)]
        lin.eval()
        ys.append(lin(m.ones(2, 5)))
        sd = lin.state_dict()
        outs[m] = (ys, sd, lin)
    (ys_t, sd_t, lin_t), (ys_g, sd_g, lin_g) = outs[torch], outs[glasstorch]
    # MKL's gemv / gemm sum in their own order: a few units in the last place
    for a, b in zip(ys_t, ys_g):
        assert_same_array(a, b, rtol=1e-5, atol=1e-6)
        assert a.grad_fn.name() == b.grad_fn.name()
    assert list(sd_t) == list(sd_g) == ["bias", "weight_orig", "weight_u", "weight_v"]
    assert dict(sd_t._metadata) == dict(sd_g._metadata)
    for k in sd_t:
        assert_same_array(sd_t[k], sd_g[k], rtol=1e-5, atol=1e-6)
    assert sorted(n for n, _ in lin_t.named_parameters()) == sorted(n for n, _ in lin_g.named_parameters())
    assert type(lin_g.weight).__name__ == "Tensor" and lin_g.weight.grad_fn.name() == lin_t.weight.grad_fn.name()


def test_spectral_norm_conv_transpose_dim_and_remove():
    for m in MODS:
        ct = m.nn.utils.spectral_norm(m.nn.ConvTranspose2d(3, 4, 3))
        assert tuple(ct.weight_u.shape) == (4,) and tuple(ct.weight_v.shape) == (27,)
    same_on_both(lambda t, x: _remove(t, x), [spread(2, 5)], grad=False, rtol=1e-5, atol=1e-6)


def _remove(t, x):
    lin = _sn_linear(t, seed=3)
    lin(x)
    t.nn.utils.remove_spectral_norm(lin)
    assert sorted(n for n, _ in lin.named_parameters()) == ["bias", "weight"]
    assert not lin._forward_pre_hooks and not lin._state_dict_hooks
    return lin.weight.detach(), lin(x).detach()


def test_spectral_norm_errors():
    same_error(lambda t: t.nn.utils.spectral_norm(_sn_linear(t)))
    same_error(lambda t: t.nn.utils.remove_spectral_norm(t.nn.Linear(2, 2)))
    same_error(lambda t: t.nn.utils.spectral_norm(t.nn.Linear(2, 2), n_power_iterations=0))
    same_error(lambda t: t.nn.utils.spectral_norm(t.nn.Linear(2, 2, bias=False), name="bias"))


def test_spectral_norm_checkpoint_round_trip_and_old_format():
    for m in MODS:
        src = _sn_linear(m, seed=4)
        src(m.ones(1, 5))
        buf = io.BytesIO()
        m.save(src.state_dict(), buf)
        buf.seek(0)
        dst = _sn_linear(m, seed=5)
        print(dst.load_state_dict(m.load(buf)))
        assert m.equal(dst.weight_v, src.weight_v)
    # a version-0 checkpoint (weight, weight_orig, weight_u): weight_v is solved for; a tall weight keeps
    # W^T W invertible so that both libraries solve the same well-posed system
    w = np.random.default_rng(11).standard_normal((5, 3)).astype(np.float32)   # fixed: any test order

    def old_load(t, w):
        t.manual_seed(0)                 # the random u vectors must be the same on both
        lin = t.nn.utils.spectral_norm(t.nn.Linear(3, 5))
        with t.no_grad():
            lin.weight_orig.copy_(w)
        lin(t.ones(1, 3))
        sd = OrderedDict((k, v) for k, v in lin.state_dict().items() if k != "weight_v")
        sd["weight"] = lin.weight.detach().clone()
        sd._metadata = OrderedDict({"": {"version": 1}})
        fresh = t.nn.utils.spectral_norm(t.nn.Linear(3, 5))
        fresh.load_state_dict(sd)
        return fresh.weight_v
    same_on_both(old_load, [w], grad=False, rtol=1e-4, atol=1e-5)


# ---- state-dict hooks ----------------------------------------------------------------------------
def test_state_dict_hooks():
    for m in MODS:
        lin = m.nn.Linear(2, 2)
        seen = []
        lin.register_state_dict_pre_hook(lambda mod, prefix, keep_vars: seen.append((prefix, keep_vars)))
        lin._register_state_dict_hook(lambda mod, sd, prefix, meta: OrderedDict(only=sd[prefix + "bias"]))
        outer = m.nn.Sequential(lin)
        assert list(lin.state_dict()) == ["only"]
        assert list(outer.state_dict()) == ["0.weight", "0.bias"]     # a child's return value is dropped
        assert seen == [("", False), ("0.", False)]

    def public_returning(t):
        lin = t.nn.Linear(2, 2)
        lin.register_state_dict_post_hook(lambda mod, sd, prefix, meta: {})
        lin.state_dict()
    same_error(public_returning)

    def both(t):
        lin = t.nn.Linear(2, 2)

        def hook(mod, sd, prefix, meta):
            return None
        lin.register_state_dict_post_hook(hook)
        lin._register_state_dict_hook(hook)
    same_error(both)


# ---- Linear's weight gradient under create_graph (a gradient penalty) -----------------------------
def test_linear_double_backward_big_weight():
    """The weight gradient's array shortcut must not be taken under create_graph: it stays a graph.
    (Second derivatives of float32 sums over 64 terms: within 1e-4 of torch's.)"""
    rng = np.random.default_rng(12)
    w, x = (rng.standard_normal((96, 64)) * 0.1).astype(np.float32), rng.standard_normal((8, 64)).astype(np.float32)

    def penalty(t, w, x):
        x = x.detach().requires_grad_()
        y = t.nn.functional.linear(t.tanh(t.nn.functional.linear(x, w)), w.t()[:1])
        g, = t.autograd.grad(y.sum(), x, create_graph=True)
        return (g.norm(2, dim=1) - 1).pow(2).mean()
    same_on_both(penalty, [w, x], rtol=1e-4, atol=1e-6)


# ---- broadcast errors ----------------------------------------------------------------------------
@pytest.mark.parametrize("shapes", [[(3, 4, 1), (2, 4, 2)], [(3,), (2, 4)], [(2, 3), (3, 1), (5, 1, 1)]])
def test_broadcast_tensors_error(shapes):
    same_error(lambda t: t.broadcast_tensors(*[t.zeros(s) for s in shapes]))


@pytest.mark.parametrize("shapes", [[(3, 4), (2, 4)], [(1, -1)], [[2, 3], [2]], ["ab"], [1.5]])
def test_broadcast_shapes_error(shapes):
    same_error(lambda t: t.broadcast_shapes(*shapes))


def test_broadcast_shapes_values():
    for shapes in [[(2,), (3, 1), (1, 1, 1)], [3, (2, 1)], [], [None, (2,)], [(0, 1), (1, 5)]]:
        assert tuple(torch.broadcast_shapes(*shapes)) == tuple(glasstorch.broadcast_shapes(*shapes))
    same_error(lambda t: t.broadcast_shapes(t.Size([3, 4]), t.Size([2, 4])))


# ---- ContinuousBernoulli ----------------------------------------------------------------------------
LOGITS = np.array([0.3, -2.0, 0.0, 1e-4, 5.0, -0.003], np.float32)
PROBS = np.array([0.2, 0.4995, 0.5, 0.7, 0.999, 0.5008], np.float32)
VALUES = np.array([0.2, 0.9, 0.5, 0.1, 0.99, 0.0], np.float32)


@pytest.mark.parametrize("param", ["logits", "probs"])
@pytest.mark.parametrize("what", ["log_prob", "mean", "variance", "stddev", "cdf", "icdf", "entropy", "log_norm"])
def test_continuous_bernoulli(param, what):
    arr = LOGITS if param == "logits" else PROBS

    def f(t, p, x):
        d = t.distributions.ContinuousBernoulli(**{param: p})
        return {"log_prob": lambda: d.log_prob(x), "mean": lambda: d.mean, "variance": lambda: d.variance,
                "stddev": lambda: d.stddev, "cdf": lambda: d.cdf(x), "icdf": lambda: d.icdf(x),
                "entropy": lambda: d.entropy(), "log_norm": lambda: d._log_normalizer(d.logits)}[what]()
    same_on_both(f, [arr, VALUES], rtol=2e-6, atol=1e-6)


def test_continuous_bernoulli_sampling_and_kl():
    def f(t, lg):
        t.manual_seed(0)
        d = t.distributions.ContinuousBernoulli(logits=lg)
        e = d.expand((2, 6))
        q = t.distributions.ContinuousBernoulli(probs=t.full((6,), 0.3))
        kl = t.distributions.kl_divergence
        return (d.rsample((3,)), d.sample(), e.log_prob(t.full((2, 6), 0.25)), kl(d, q), kl(q, d),
                kl(d, t.distributions.Normal(0.3, 2.0)), kl(d, t.distributions.Uniform(-1.0, 2.0)),
                kl(d, t.distributions.Uniform(0.0, 1.0)), kl(d, t.distributions.Exponential(2.0)),
                kl(t.distributions.Beta(t.full((6,), 2.0), t.full((6,), 3.0)), d),
                kl(t.distributions.Uniform(t.full((6,), 0.1), t.full((6,), 0.7)), d),
                kl(t.distributions.Normal(t.zeros(6), 1.0), d), kl(t.distributions.Gamma(t.ones(6), 1.0), d))
    same_on_both(f, [LOGITS], rtol=2e-6, atol=1e-6)
    for m in MODS:
        d = m.distributions.ContinuousBernoulli(0.3)
        assert tuple(d.batch_shape) == () and d.has_rsample and repr(d) == "ContinuousBernoulli(probs: 0.30000001192092896)"
    same_error(lambda t: t.distributions.ContinuousBernoulli(probs=0.3, logits=0.1))
    same_error(lambda t: t.distributions.ContinuousBernoulli(probs=t.tensor([1.5]), validate_args=True))
    same_error(lambda t: t.distributions.ContinuousBernoulli(probs=t.tensor([0.5]), validate_args=True)
               .log_prob(t.tensor([1.5])))


# ---- LowRankMultivariateNormal ----------------------------------------------------------------------
MU, W, DG = spread(2, 4, dt=np.float64), spread(2, 4, 2, dt=np.float64), R.uniform(0.5, 1.5, (2, 4))
V = spread(3, 2, 4, dt=np.float64)


@pytest.mark.parametrize("what", ["log_prob", "entropy", "variance", "covariance_matrix", "precision_matrix",
                                  "scale_tril", "rsample", "expand"])
def test_lowrank_mvn(what):
    def f(t, mu, w, d, v):
        dist = t.distributions.LowRankMultivariateNormal(mu, w, d)
        t.manual_seed(2)
        return {"log_prob": lambda: dist.log_prob(v), "entropy": dist.entropy, "variance": lambda: dist.variance,
                "covariance_matrix": lambda: dist.covariance_matrix,
                "precision_matrix": lambda: dist.precision_matrix, "scale_tril": lambda: dist.scale_tril,
                "rsample": lambda: dist.rsample((2,)),
                "expand": lambda: dist.expand((3, 2)).log_prob(v)}[what]()
    same_on_both(f, [MU, W, DG, V], rtol=1e-10, atol=1e-12)


def test_lowrank_mvn_kl_and_errors():
    def f(t, mu, w, d):
        kl = t.distributions.kl_divergence
        p = t.distributions.LowRankMultivariateNormal(mu, w, d)
        q = t.distributions.LowRankMultivariateNormal(t.zeros(4, dtype=t.float64), w[0, :, :1] * 0.5,
                                                      t.ones(4, dtype=t.float64))
        mvn = t.distributions.MultivariateNormal(mu, p.covariance_matrix)
        return kl(p, q), kl(mvn, q), kl(q, mvn), kl(p, p)
    same_on_both(f, [MU, W, DG], rtol=1e-9, atol=1e-10)
    D = "distributions"
    same_error(lambda t: getattr(t, D).LowRankMultivariateNormal(t.tensor(1.0), t.ones(4, 2), t.ones(4)))
    same_error(lambda t: getattr(t, D).LowRankMultivariateNormal(t.zeros(4), t.ones(4), t.ones(4)))
    same_error(lambda t: getattr(t, D).LowRankMultivariateNormal(t.zeros(4), t.ones(3, 2), t.ones(4)))
    same_error(lambda t: getattr(t, D).LowRankMultivariateNormal(t.zeros(4), t.ones(4, 2), t.ones(3)))
    same_error(lambda t: getattr(t, D).LowRankMultivariateNormal(t.zeros(3, 4), t.ones(2, 4, 2), t.ones(4)))
    same_error(lambda t: getattr(t, D).LowRankMultivariateNormal(t.zeros(2), t.ones(2, 1), -t.ones(2),
                                                                 validate_args=True))
    same_error(lambda t: getattr(t, D).kl_divergence(
        getattr(t, D).LowRankMultivariateNormal(t.zeros(4), t.ones(4, 1), t.ones(4)),
        getattr(t, D).LowRankMultivariateNormal(t.zeros(3), t.ones(3, 1), t.ones(3))))
    for m in MODS:
        d = m.distributions.LowRankMultivariateNormal(m.zeros(4), m.ones(4, 1), m.ones(4))
        assert repr(d).startswith("LowRankMultivariateNormal(loc: torch.Size([4])")


def test_broadcast_tensors_returns_tensors_already_of_the_shape():
    """A tensor already of the broadcast shape comes back itself (its own grad_fn), the others as views."""
    for m in (torch, glasstorch):
        a = m.ones(2, 3, requires_grad=True) * 2
        b = m.ones(3, requires_grad=True)
        x, y = m.broadcast_tensors(a, b)
        assert x is a and type(x.grad_fn).__name__ == "MulBackward0"
        assert y is not b and type(y.grad_fn).__name__ == "ExpandBackward0" and tuple(y.shape) == (2, 3)
