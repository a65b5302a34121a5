"""The short paths of a training step, against torch: log_softmax of finite rows (and of rows with
inf, nan or numbers near float32's range: a row holding +inf is nan throughout), nll_loss's one-reduction target
check, and SGD's batched update of small float32 parameters (duplicates, views, a failing step)."""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from ._helpers import MODS, assert_same_array, same_error, same_on_both

_SPECIAL = [np.inf, -np.inf, np.nan, 3e38, -3e38, 1e-40, 0.0, -0.0]


@settings(max_examples=80, deadline=None)
@given(shape=st.lists(st.integers(1, 9), min_size=1, max_size=3), dt=st.sampled_from(["float32", "float64"]),
       special=st.lists(st.tuples(st.integers(0, 200), st.sampled_from(_SPECIAL)), max_size=3),
       dim=st.integers(-3, 2), seed=st.integers(0, 2 ** 16))
def test_log_softmax_rows(shape, dt, special, dim, seed):
    dim = dim % len(shape)
    x = np.random.default_rng(seed).standard_normal(shape).astype(dt) * 4
    for i, v in special:
        x.flat[i % x.size] = v
    # torch's exp/log are SLEEF's (about 1 ulp); glasstorch's are correctly rounded: last-bit differences
    same_on_both(lambda m, a: m.log_softmax(a, dim), [x], rtol=4e-7 if dt == "float32" else 1e-15, atol=1e-6)


def test_log_softmax_warns_as_torch():
    """Rows near float32's range overflow inside the kernel; neither library warns about it."""
    x = np.array([[-3e38, 3e38, 0.0], [1.0, 2.0, 3.0]], np.float32)
    for m in MODS:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            out = m.log_softmax(m.from_numpy(x), 1)
    assert_same_array(torch.log_softmax(torch.from_numpy(x), 1), out)


@pytest.mark.parametrize("bad", [-1, 10, -100, 2 ** 62])
def test_nll_loss_target_out_of_range(bad):
    def run(m):
        t = m.tensor([1, 2, bad, 3])
        return m.nn.functional.cross_entropy(m.zeros(4, 10), t)
    if bad == -100:          # the default ignore_index: that sample is left out
        same_on_both(lambda m: run(m), [], grad=False)
    else:
        same_error(run)


def _params(m):
    m.manual_seed(3)
    lin = m.nn.Linear(5, 3)
    tiny = m.nn.Parameter(m.randn(7))
    big = m.nn.Parameter(m.randn(70, 70))          # past the batched size: updated on its own
    scalar = m.nn.Parameter(m.tensor(0.25))
    return [lin.weight, tiny, lin.bias, big, scalar]


@pytest.mark.parametrize("options", [dict(), dict(momentum=0.9), dict(momentum=0.9, nesterov=True, weight_decay=0.01),
                                     dict(weight_decay=0.1, maximize=True), dict(foreach=True, momentum=0.5)])
def test_sgd_small_parameters_bit_for_bit(options):
    out = []
    for m in MODS:
        ps = _params(m)
        # a parameter listed twice is updated twice (with foreach=True torch interleaves a duplicate's
        # momentum differently; glasstorch runs that loop like the single-tensor one: see docs/differences.md)
        ps_listed = ps + ([ps[1]] if not options.get("foreach") else [])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")        # torch warns about the duplicate
            opt = m.optim.SGD(ps_listed, lr=0.1, **options)
        for step in range(3):
            opt.zero_grad()
            # (products and sums only: their gradients are exact on both, so any difference is the update's)
            loss = sum((p * p).sum() * (i + 1) for i, p in enumerate(ps)) + (ps[1] * 0.5).sum()
            loss.backward()
            opt.step()
        out.append(ps)
    for a, b in zip(*out):
        assert_same_array(a.detach(), b.detach())


def test_sgd_view_parameter_after_its_base():
    """A leaf that views another parameter's memory: the base's update must land before the view's."""
    out = []
    for m in MODS:
        base = m.nn.Parameter(m.arange(6.0))
        view = base.detach()[2:5].requires_grad_()
        opt = m.optim.SGD([base, view], lr=0.5)
        base.grad = m.full((6,), 0.1)
        view.grad = m.full((3,), 0.3)
        opt.step()
        out.append(base.detach().clone())
    assert_same_array(*out)


@pytest.fixture(params=["whole", "chunks"])
def update_path(request, monkeypatch):
    """Large float32 updates take fma32_into's chunks from _INTO_MIN elements; "chunks" lowers that bound
    so that test-sized weights go through them too (on several threads from 2**18 elements)."""
    if request.param == "chunks":
        import glasstorch.ops._fma32 as fma
        monkeypatch.setattr(fma, "_INTO_MIN", 4096)
    return request.param


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("n", [5000, 65536 * 2 + 3, 300_001])
def test_sgd_large_parameter_in_chunks(n, threads, update_path):
    """A weight past the batched size is updated in place chunk by chunk (on several threads from
    2**18 elements): float32 results rounded once, as torch's fused multiply-add, including
    subnormal and zero parameters, zero gradients and results on float32 halfway points."""
    rng = np.random.default_rng(n)
    p0 = rng.standard_normal(n).astype(np.float32)
    g0 = (rng.standard_normal(n) * 1e-3).astype(np.float32)
    p0[::7], g0[::11], p0[::13] = np.float32(1e-39), 0, 0
    p0[5::17], g0[5::17] = np.float32(1.0) + np.float32(2.0 ** -23), np.float32(-2.0 ** -23)  # lr 0.5: ties
    out = []
    for m in MODS:
        old = m.get_num_threads()
        m.set_num_threads(threads)
        try:
            p = m.nn.Parameter(m.from_numpy(p0.copy()))
            opt = m.optim.SGD([p], lr=0.5)
            for _ in range(2):
                p.grad = m.from_numpy(g0.copy())
                opt.step()
        finally:
            m.set_num_threads(old)
        out.append(p.detach())
    assert_same_array(*out)


@pytest.mark.parametrize("name,options", [
    ("Adam", {}), ("AdamW", dict(weight_decay=0.1)), ("Adam", dict(amsgrad=True)), ("NAdam", {}), ("RAdam", {}),
    ("RMSprop", dict(centered=True)), ("Adagrad", {}), ("Adadelta", {}), ("Adamax", {})])
def test_optimizers_on_large_parameters(name, options, update_path):
    """The moment updates (lerp_, addcmul_) of parameters past 4096 elements run in place through
    fma32_into: bit for bit torch's, over a few steps, on one weight that spans several chunks."""
    rng = np.random.default_rng(7)
    p0 = rng.standard_normal(2 ** 17 + 4099).astype(np.float32)
    grads = [(rng.standard_normal(p0.size) * 0.1).astype(np.float32) for _ in range(3)]
    grads[1][::5] = 0
    out = []
    for m in MODS:
        p = m.nn.Parameter(m.from_numpy(p0.copy()))
        opt = getattr(m.optim, name)([p], lr=0.01, **options)
        for g in grads:
            p.grad = m.from_numpy(g.copy())
            opt.step()
        out.append(p.detach())
    assert_same_array(*out)


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("input_grad", [True, False])
def test_linear_and_softmax_save_what_torch_saves(bias, input_grad):
    """Saved-tensor hooks see what torch's nodes keep: addmm keeps the input only for the weight's
    gradient and W^T only for the input's; softmax keeps its result (and its dim)."""
    out = []
    for m in MODS:
        m.manual_seed(0)
        lin = m.nn.Linear(3, 2, bias=bias)
        x = m.randn(4, 3, requires_grad=input_grad)
        packed = []
        with m.autograd.graph.saved_tensors_hooks(lambda t: packed.append(tuple(t.shape)) or t, lambda t: t):
            y = m.log_softmax(lin(x), 1)
        fn = y.grad_fn.next_functions[0][0]
        names = sorted(n for n in dir(fn) if n.startswith("_saved") and "sym_" not in n)
        out.append((packed, names, sorted(n for n in dir(y.grad_fn) if n.startswith("_saved")), y.grad_fn._saved_dim))
    assert out[0] == out[1]
