"""BatchNorm bit for bit against torch's CPU kernel (torch computes the expectation here).

Outputs, running statistics after each training step, grad_input/grad_weight/grad_bias, in training
and in evaluation, float32 and float64, contiguous and channels-last inputs, with and without the
affine parameters and running statistics, momentum=None (cumulative average).

One case is compared with a tolerance instead: training on the "rows" kernel (a 2-D (N, C) input, a
spatial size of 1, or channels-last) with no more rows than torch has threads.  There torch sums
the squared deviations per channel in an order not reproduced (see glasstorch/nn/_ops/
batch_norm_cpu.py).  Inputs with other strides (neither contiguous nor channels-last) take torch's
generic TensorIterator path and are compared with a tolerance too. So are gradients of inputs with more
than ``_EXACT_BACKWARD_MAX`` elements, which glasstorch computes with the plain formula (faster).
"""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from glasstorch.nn._ops.normalization import _EXACT_BACKWARD_MAX

THREADS = torch.get_num_threads()


def _np_dtype(name):
    return np.float32 if name == "float32" else np.float64


def _modules(nd, c, dtype, **kw):
    tcls = {2: torch.nn.BatchNorm1d, 3: torch.nn.BatchNorm1d, 4: torch.nn.BatchNorm2d, 5: torch.nn.BatchNorm3d}[nd]
    gcls = {2: glasstorch.nn.BatchNorm1d, 3: glasstorch.nn.BatchNorm1d, 4: glasstorch.nn.BatchNorm2d,
            5: glasstorch.nn.BatchNorm3d}[nd]
    return tcls(c, dtype=getattr(torch, dtype), **kw), gcls(c, dtype=getattr(glasstorch, dtype), **kw)


def _same(a, b, what, exact, dt):
    a, b = a.detach().numpy(), b.detach().numpy()
    assert a.shape == b.shape and a.dtype == b.dtype, what
    if exact:
        if a.tobytes() != b.tobytes():
            bad = np.argwhere(a != b)[:5].tolist()
            raise AssertionError(f"{what}: not bit-identical at {bad}: torch {a[tuple(np.array(bad).T)]} vs "
                                 f"glasstorch {b[tuple(np.array(bad).T)]}")
    else:
        tol = 2e-5 if dt == np.float32 else 1e-12
        np.testing.assert_allclose(b, a, rtol=tol, atol=tol, err_msg=what)


def _run(shape, dtype, seed, momentum, eps, affine, track, channels_last, steps=3):
    dt = _np_dtype(dtype)
    rng = np.random.default_rng(seed)
    c = shape[1]
    tm, gm = _modules(len(shape), c, dtype, momentum=momentum, eps=eps, affine=affine, track_running_stats=track)
    if affine:
        w, b = rng.standard_normal(c).astype(dt), rng.standard_normal(c).astype(dt)
        with torch.no_grad():
            tm.weight.copy_(torch.from_numpy(w))
            tm.bias.copy_(torch.from_numpy(b))
        with glasstorch.no_grad():
            gm.weight.copy_(glasstorch.tensor(w))
            gm.bias.copy_(glasstorch.tensor(b))
    rows = int(np.prod(shape)) // c
    rows_kernel = len(shape) == 2 or rows == shape[0] or channels_last
    exact_train = not (rows_kernel and rows <= THREADS) and glasstorch.get_num_threads() == THREADS

    def layout(t, mod):
        if channels_last:
            fmt = mod.channels_last if len(shape) == 4 else mod.channels_last_3d
            return t.contiguous(memory_format=fmt)
        return t

    for step in range(steps + 1):
        train = step < steps
        tm.train(train)
        gm.train(train)
        scale, shift = rng.uniform(0.1, 10), rng.uniform(-3, 3)
        x = (rng.standard_normal(shape) * scale + shift).astype(dt)
        gy = rng.standard_normal(shape).astype(dt)
        tx, gx = torch.tensor(x, requires_grad=True), glasstorch.tensor(x, requires_grad=True)
        to, go = tm(layout(tx, torch)), gm(layout(gx, glasstorch))
        # (evaluation with running statistics is elementwise and exact on every kernel, but after
        # inexact training steps the running statistics themselves differ slightly)
        ex_eval_inputs = exact_train
        _same(to, go, f"output step {step}", ex_eval_inputs, dt)
        assert type(go.grad_fn).__name__ == type(to.grad_fn).__name__
        if track:
            _same(tm.running_mean, gm.running_mean, f"running_mean step {step}", exact_train, dt)
            _same(tm.running_var, gm.running_var, f"running_var step {step}", exact_train, dt)
            assert int(tm.num_batches_tracked) == int(gm.num_batches_tracked)
        to.backward(layout(torch.from_numpy(gy), torch))
        go.backward(layout(glasstorch.tensor(gy), glasstorch))
        ex_grads = ex_eval_inputs and x.size <= _EXACT_BACKWARD_MAX
        _same(tx.grad, gx.grad, f"grad_input step {step}", ex_grads, dt)
        if affine:
            _same(tm.weight.grad, gm.weight.grad, f"grad_weight step {step}", ex_grads, dt)
            _same(tm.bias.grad, gm.bias.grad, f"grad_bias step {step}", ex_grads, dt)
            tm.weight.grad = tm.bias.grad = None
            gm.weight.grad = gm.bias.grad = None


@st.composite
def _cases(draw):
    dtype = draw(st.sampled_from(["float32", "float64"]))
    nd = draw(st.sampled_from([2, 3, 4, 5]))
    n = draw(st.integers(1, 6))
    c = draw(st.integers(1, 19))
    spatial = tuple(draw(st.lists(st.integers(1, 9), min_size=nd - 2, max_size=nd - 2)))
    if n * int(np.prod(spatial)) < 2:
        n = 2
    channels_last = nd >= 4 and draw(st.booleans())
    momentum = draw(st.one_of(st.none(), st.floats(0.01, 0.99)))
    eps = draw(st.sampled_from([1e-5, 1e-3, 1e-1, 1e-8]))
    return dict(shape=(n, c) + spatial, dtype=dtype, seed=draw(st.integers(0, 2 ** 32 - 1)), momentum=momentum,
                eps=eps, affine=draw(st.booleans()), track=draw(st.booleans()), channels_last=channels_last)


@settings(max_examples=80, deadline=None)
@given(_cases())
def test_batchnorm_bit_exact_random(case):
    _run(**case)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape,channels_last", [
    ((8, 16, 8, 8), False), ((4, 3, 7, 5), False), ((3, 5, 1, 9), False), ((16, 12), False), ((33, 20), False),
    ((5, 6, 1), False), ((4, 9, 2, 3), True), ((2, 4, 3, 3, 3), False), ((2, 4, 2, 3, 2), True), ((1, 7, 13), False),
    ((64, 10), False), ((2, 40, 1, 1), False),
])
def test_batchnorm_bit_exact_shapes(dtype, shape, channels_last):
    _run(shape, dtype, seed=sum(shape), momentum=0.1, eps=1e-5, affine=True, track=True, channels_last=channels_last)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_batchnorm_cumulative_momentum_no_affine(dtype):
    _run((6, 5, 4, 3), dtype, seed=7, momentum=None, eps=1e-3, affine=False, track=True, channels_last=False, steps=5)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_batchnorm_functional_no_running_stats(dtype):
    """F.batch_norm in training with no running statistics, weight only."""
    dt = _np_dtype(dtype)
    rng = np.random.default_rng(3)
    x = rng.standard_normal((5, 6, 7)).astype(dt)
    w = rng.standard_normal(6).astype(dt)
    outs = []
    for mod in (torch, glasstorch):
        tx, tw = mod.tensor(x, requires_grad=True), mod.tensor(w, requires_grad=True)
        out = mod.nn.functional.batch_norm(tx, None, None, tw, None, training=True, momentum=0.3, eps=1e-4)
        out.backward(mod.tensor(x[::-1].copy()))
        outs.append((out, tx.grad, tw.grad))
    for a, b, what in zip(outs[0], outs[1], ("output", "grad_input", "grad_weight")):
        _same(a, b, what, True, dt)


def test_batchnorm_other_strides_close():
    """A strided input (neither contiguous nor channels-last): torch's generic path, compared with a
    tolerance (glasstorch computes it as the contiguous kernel)."""
    rng = np.random.default_rng(5)
    x = rng.standard_normal((6, 4, 10)).astype(np.float32)
    res = []
    for mod in (torch, glasstorch):
        m = mod.nn.BatchNorm1d(4)
        tx = mod.tensor(x, requires_grad=True)
        out = m(tx[:, :, ::2])
        (out * out).sum().backward()
        res.append((out, m.running_mean, m.running_var, tx.grad, m.weight.grad, m.bias.grad))
    for a, b in zip(res[0], res[1]):
        _same(a, b, "other strides", False, np.float32)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("train", [True, False])
def test_batchnorm_large_backward_is_close(dtype, train):
    """Past 2**16 gradient elements glasstorch's backward uses the plain formula rather than torch's
    fused multiply-adds (about five times faster): the forward stays bit for bit, the gradients
    within float rounding of torch's."""
    from glasstorch.nn._ops.normalization import _EXACT_BACKWARD_MAX
    shape = (8, 16, 24, 24)
    assert np.prod(shape) > _EXACT_BACKWARD_MAX
    dt = _np_dtype(dtype)
    rng = np.random.default_rng(5)
    x = (rng.standard_normal(shape) * 3 + 1).astype(dt)
    gy = rng.standard_normal(shape).astype(dt)
    res = {}
    for m, bn in zip((torch, glasstorch), _modules(4, 16, dtype)):
        bn.train(train)
        xt = m.tensor(x, requires_grad=True)
        y = bn(xt)
        y.backward(m.from_numpy(gy.copy()))
        res[m] = (y, xt.grad, bn.weight.grad, bn.bias.grad)
    _same(res[torch][0], res[glasstorch][0], "output", True, dt)
    for i, what in enumerate(("grad_input", "grad_weight", "grad_bias"), 1):
        _same(res[torch][i], res[glasstorch][i], what, False, dt)


def test_batchnorm_large_backward_within_tolerance():
    """The hypothesis case that found the limit: 65,610 elements, float32, BatchNorm3d."""
    _run((6, 15, 9, 9, 9), "float32", seed=1, momentum=0.1, eps=1e-5, affine=True, track=True, channels_last=False,
         steps=1)
