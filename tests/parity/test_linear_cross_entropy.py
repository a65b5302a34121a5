"""``F.linear_cross_entropy``, ``nn.LinearCrossEntropyLoss`` and ``nn.LinearCrossEntropyOptions`` (new in
torch 2.13): the reference path (options=None) is linear then cross_entropy, so values, gradients and
grad_fn names equal torch's bit for bit; the chunked path (options given) records torch's node name and
gives torch's values to rounding (torch's chunked loop sums in another order: rtol 1e-6)."""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from glasstorch.autograd.gradcheck import gradcheck

from ._helpers import MODS, grad_fn_name, same_error, same_on_both

CHUNKED = "GeneratedBackwardFor_torch_nn__linear_cross_entropy_batch_chunked_defaultBackward"


def _data(n, f, c, k=(), seed=0, probs=False):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, f) if n else (f,)).astype(np.float32)
    w = rng.standard_normal((c, *k, f)).astype(np.float32)
    if probs:
        t = rng.random(((n,) if n else ()) + (c, *k)).astype(np.float32)
    else:
        t = rng.integers(0, c, ((n,) if n else ()) + k)
    return x, w, t


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 5), st.integers(1, 4), st.integers(1, 5), st.sampled_from([(), (2,), (1, 3)]),
       st.sampled_from(["mean", "sum", "none"]), st.booleans(), st.booleans(), st.sampled_from([0.0, 0.2]),
       st.booleans())
def test_reference_path_is_linear_then_cross_entropy(n, f, c, k, reduction, bias, weight, smoothing, probs):
    if k and n == 0:
        n = 2
    x, w, t = _data(n, f, c, k, seed=n * 7 + f, probs=probs)
    b = np.linspace(-1, 1, c * int(np.prod(k))).reshape((c, *k)).astype(np.float32)
    cw = np.linspace(0.5, 2, c).astype(np.float32)

    def run(m, x, w):
        kw = dict(reduction=reduction, label_smoothing=smoothing)
        if bias:
            kw["linear_bias"] = m.from_numpy(b.copy())
        if weight:
            kw["weight"] = m.from_numpy(cw.copy())
        return m.nn.functional.linear_cross_entropy(x, w, m.from_numpy(t.copy()), **kw)
    same_on_both(run, [x, w], rtol=2e-6, atol=1e-6)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("unbatched", [False, True])
def test_chunked_path_node_values_and_gradients(reduction, unbatched):
    x, w, t = _data(0 if unbatched else 7, 5, 6, seed=3)
    if not unbatched:
        t[2] = -100                      # an ignored row

    def run(m, x, w, b):
        return m.nn.functional.linear_cross_entropy(x, w, m.from_numpy(t.copy()), linear_bias=b,
                                                   reduction=reduction, options=m.nn.LinearCrossEntropyOptions())
    b = np.linspace(-0.5, 0.5, 6).astype(np.float32)
    outs = same_on_both(run, [x, w, b], rtol=1e-6, atol=1e-6)
    name = grad_fn_name(outs[glasstorch][0])
    if unbatched:
        assert name == "SqueezeBackward1"
    elif reduction == "none":
        assert name == CHUNKED.replace("chunked_default", "chunked_no_reduction_default")
    else:
        assert name == CHUNKED


def test_chunked_backward_twice_is_refused_unless_allowed():
    x, w, t = _data(4, 3, 5)

    def twice(m, allow):
        xx = m.from_numpy(x.copy()).requires_grad_()
        loss = m.nn.functional.linear_cross_entropy(xx, m.from_numpy(w.copy()), m.from_numpy(t.copy()),
                                                    options=m.nn.LinearCrossEntropyOptions(allow_retain_graph=allow))
        loss.backward(retain_graph=True)
        loss.backward()
        return xx.grad
    same_error(twice, False)
    same_on_both(lambda m: twice(m, True), [], grad=False, rtol=1e-6, atol=1e-7)


def test_options_that_the_chunked_path_cannot_take_fall_back_with_torchs_warning():
    x, w, t = _data(4, 3, 5)
    msgs = {}
    for m in MODS:
        with warnings.catch_warnings(record=True) as rec:
            warnings.simplefilter("always")
            out = m.nn.functional.linear_cross_entropy(m.from_numpy(x.copy()), m.from_numpy(w.copy()),
                                                       m.from_numpy(t.copy()), label_smoothing=0.1,
                                                       options=m.nn.LinearCrossEntropyOptions())
        msgs[m] = ([str(r.message) for r in rec], grad_fn_name(out), out.item())
    assert msgs[torch][0] == msgs[glasstorch][0] and len(msgs[torch][0]) == 1
    assert msgs[torch][2] == msgs[glasstorch][2]


def test_module_repr_parameters_and_loss():
    def run(m):
        m.manual_seed(0)
        mod = m.nn.LinearCrossEntropyLoss(4, 3, out_features=(2,), bias=True, weight=m.ones(3) * 2,
                                          options=m.nn.LinearCrossEntropyOptions(batch_chunk_size=8))
        x = m.randn(5, 4)
        t = m.randint(0, 3, (5, 2))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            loss = mod(x, t)
        loss.backward()
        return repr(mod), [(n, tuple(p.shape)) for n, p in mod.named_parameters()], loss, mod.linear.weight.grad
    res = {m: run(m) for m in MODS}
    assert res[torch][:2] == res[glasstorch][:2]
    for a, b in zip(res[torch][2:], res[glasstorch][2:]):
        np.testing.assert_allclose(b.detach().numpy(), a.detach().numpy(), rtol=1e-6, atol=1e-7)
    assert grad_fn_name(res[torch][2]) == grad_fn_name(res[glasstorch][2])
    for m in MODS:
        assert repr(m.nn.LinearCrossEntropyLoss(2, 2)).splitlines()[1].strip().startswith("in_features=2")


@pytest.mark.parametrize("call", [
    lambda m, x, w, t: m.nn.functional.linear_cross_entropy(x, w[:, :2], t),
    lambda m, x, w, t: m.nn.functional.linear_cross_entropy(x[None], w, t),
    lambda m, x, w, t: m.nn.functional.linear_cross_entropy(x, w[0], t),
    lambda m, x, w, t: m.nn.functional.linear_cross_entropy(x, w, t, linear_bias=m.ones(2)),
    lambda m, x, w, t: m.nn.functional.linear_cross_entropy(x[0], w.reshape(5, 1, 3), t),
    lambda m, x, w, t: m.nn.functional.linear_cross_entropy(x, w, m.rand(4, 5), ignore_index=1),
    lambda m, x, w, t: m.nn.LinearCrossEntropyLoss(3, 5, weight=m.ones(2)),
    lambda m, x, w, t: m.nn.LinearCrossEntropyLoss(3, 5, label_smoothing=1.5),
    lambda m, x, w, t: m.nn.LinearCrossEntropyOptions(acc_policy="fast"),
    lambda m, x, w, t: m.nn.LinearCrossEntropyOptions(chunking_method="aspect_ratio:0"),
    lambda m, x, w, t: m.nn.LinearCrossEntropyOptions(chunking_method="rows"),
    lambda m, x, w, t: m.nn.LinearCrossEntropyOptions(batch_chunk_size=0),
    lambda m, x, w, t: m.nn.LinearCrossEntropyOptions(acc_dtype=m.int32),
])
def test_errors_are_torchs(call):
    x, w, t = _data(4, 3, 5)
    same_error(lambda m: call(m, m.from_numpy(x.copy()), m.from_numpy(w.copy()), m.from_numpy(t.copy())))


def test_options_repr_and_frozen():
    for m in MODS:
        o = m.nn.LinearCrossEntropyOptions(acc_dtype=m.float32, chunking_method="aspect_ratio:2")
        assert repr(o) == ("LinearCrossEntropyOptions(allow_retain_graph=False, batch_chunk_size=None, "
                           "chunking_method='aspect_ratio:2', acc_policy='auto', acc_dtype=torch.float32)")
    same_error(lambda m: setattr(m.nn.LinearCrossEntropyOptions(), "acc_policy", "compact"))


def test_gradients_numerically_float64():
    rng = np.random.default_rng(1)
    x = glasstorch.tensor(rng.standard_normal((4, 3)), requires_grad=True)
    w = glasstorch.tensor(rng.standard_normal((5, 3)), requires_grad=True)
    b = glasstorch.tensor(rng.standard_normal(5), requires_grad=True)
    t = glasstorch.tensor([0, 4, 2, 1])
    F = glasstorch.nn.functional
    assert gradcheck(lambda x, w, b: F.linear_cross_entropy(x, w, t, linear_bias=b), (x, w, b))
    opts = glasstorch.nn.LinearCrossEntropyOptions(allow_retain_graph=True)
    assert gradcheck(lambda x, w, b: F.linear_cross_entropy(x, w, t, linear_bias=b, options=opts), (x, w, b))
    assert gradcheck(lambda x, w: F.linear_cross_entropy(x, w, t, reduction="none", options=opts), (x, w))
