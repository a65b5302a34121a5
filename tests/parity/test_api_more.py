"""Parity of the top-level functions in glasstorch/_api_more.py and _api_copies.py: the integer-reduction
losses, the RNN cells as functions, native_layer_norm / native_batch_norm / native_dropout, the deprecated
norms and their once-only warnings, the *_copy view forms (values, contiguity, grad_fn names, gradients)
and the small switches."""
import warnings

import numpy as np
import pytest
import torch

import glasstorch

from ._helpers import same_on_both, same_error

R = np.random.default_rng(0)


def rn(*shape):
    return R.standard_normal(shape).astype(np.float32)


A34 = rn(3, 4)


@pytest.mark.parametrize("reduction", [0, 1, 2])
def test_losses_with_int_reduction(reduction):
    a, b, c = rn(4, 5), rn(4, 5), rn(4, 5)
    y = np.array([1, -1, 1, -1], dtype=np.int64)
    same_on_both(lambda t, a, b, y: t.cosine_embedding_loss(a, b, y, 0.1, reduction), [a, b, y], rtol=1e-6, atol=1e-6)
    same_on_both(lambda t, a, b, c: t.triplet_margin_loss(a, b, c, 1.0, 2.0, 1e-6, False, reduction), [a, b, c],
                 rtol=1e-5, atol=1e-6)
    same_on_both(lambda t, a, b, c: t.triplet_margin_loss(a, b, c, swap=True, p=1.0, reduction=reduction), [a, b, c],
                 rtol=1e-5, atol=1e-6)
    same_on_both(lambda t, a: t.hinge_embedding_loss(a, t.tensor([1.0, -1.0, 1.0, -1.0, 1.0]), 0.5, reduction),
                 [a], rtol=1e-6, atol=1e-6)
    same_on_both(lambda t, a, b: t.poisson_nll_loss(a, b.abs(), True, False, 1e-8, reduction), [a, b], rtol=1e-6,
                 atol=1e-6)
    same_on_both(lambda t, a, b: t.poisson_nll_loss(a.abs(), b.abs(), False, True, 1e-8, reduction), [a, b],
                 rtol=1e-5, atol=1e-6)


def test_ctc_loss_int_reduction():
    lp = np.log(np.abs(rn(6, 2, 4)) + 0.1).astype(np.float32)

    def run(t, lp):
        lsm = lp.log_softmax(2)
        tg = t.tensor([[1, 2, 1], [3, 1, 0]])
        return [t.ctc_loss(lsm, tg, [6, 5], [3, 2], 0, r) for r in (0, 1, 2)]
    same_on_both(run, [lp], rtol=1e-5, atol=1e-5)


def test_rnn_cells():
    x, h, c = rn(2, 3), rn(2, 4), rn(2, 4)
    w_ih, w_hh, b_ih, b_hh = rn(16, 3), rn(16, 4), rn(16), rn(16)
    tol = dict(rtol=1e-5, atol=1e-6)
    same_on_both(lambda t, x, h, c, wi, wh, bi, bh: t.lstm_cell(x, (h, c), wi, wh, bi, bh),
                 [x, h, c, w_ih, w_hh, b_ih, b_hh], **tol)
    same_on_both(lambda t, x, h, c, wi, wh: t.lstm_cell(x, [h, c], wi, wh), [x, h, c, w_ih, w_hh], **tol)
    same_on_both(lambda t, x, h, wi, wh, bi, bh: t.gru_cell(x, h, wi, wh, bi, bh),
                 [x, h, w_ih[:12], w_hh[:12], b_ih[:12], b_hh[:12]], **tol)
    same_on_both(lambda t, x, h, wi, wh, bi: t.rnn_tanh_cell(x, h, wi, wh, bi), [x, h, w_ih[:4], w_hh[:4], b_ih[:4]],
                 **tol)
    same_on_both(lambda t, x, h, wi, wh: t.rnn_relu_cell(x, h, wi, wh), [x, h, w_ih[:4], w_hh[:4]], **tol)


def test_native_layer_norm():
    x, w, b = rn(2, 3, 4), rn(3, 4), rn(3, 4)
    same_on_both(lambda t, x, w, b: t.native_layer_norm(x, [3, 4], w, b, 1e-5), [x, w, b], rtol=1e-5, atol=1e-5)
    same_on_both(lambda t, x: t.native_layer_norm(x, (4,), None, None, 1e-3), [x], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("training,running", [(True, True), (True, False), (False, True)])
def test_native_batch_norm(training, running):
    x, w, b = rn(4, 3, 5), rn(3), rn(3)

    def run(t, x, w, b):
        rm, rv = (t.zeros(3), t.ones(3)) if running else (None, None)
        out = list(t.native_batch_norm(x, w, b, rm, rv, training, 0.1, 1e-5))
        return out + ([rm, rv] if running else [])
    same_on_both(run, [x, w, b], rtol=1e-5, atol=1e-5)


def test_native_batch_norm_evaluation_without_running_statistics():
    """torch 2.13's native_batch_norm dies (SIGSEGV) here, which a child process confirms; glasstorch
    raises what torch's F.batch_norm raises for the same call."""
    import signal
    import subprocess
    import sys
    code = ("import torch; x = torch.randn(4, 3, 5); "
            "torch.native_batch_norm(x, torch.ones(3), torch.zeros(3), None, None, False, 0.1, 1e-5)")
    rc = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=120).returncode
    assert rc == -signal.SIGSEGV
    x = rn(4, 3, 5)
    with pytest.raises(RuntimeError) as theirs:
        torch.nn.functional.batch_norm(torch.from_numpy(x), None, None, training=False)
    with pytest.raises(RuntimeError) as ours:
        glasstorch.native_batch_norm(glasstorch.from_numpy(x), glasstorch.ones(3), glasstorch.zeros(3), None, None,
                                     False, 0.1, 1e-5)
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("p", [0.0, 0.3, 0.5, 1.0])
@pytest.mark.parametrize("train", [True, False, None])
def test_native_dropout(p, train):
    def run(t, x):
        t.manual_seed(4)
        return list(t.native_dropout(x, p, train))
    same_on_both(run, [rn(5, 7)])


def test_deprecated_norms():
    same_on_both(lambda t, x: t.frobenius_norm(x, [0, 1]), [A34], rtol=1e-6)
    same_on_both(lambda t, x: t.frobenius_norm(x, (1,), True), [A34], rtol=1e-6)
    # (glasstorch's nuclear norm has no backward yet: values only)
    same_on_both(lambda t, x: [t.nuclear_norm(x), t.nuclear_norm(x, True), t.nuclear_norm(x, (1, 0))],
                 [A34], grad=False, rtol=1e-5)
    same_error(lambda t: t.matrix_rank(t.ones(2, 2)))


def test_deprecation_warnings_once_then_always():
    def warned(mod, fn):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            fn()
        return [str(x.message) for x in w]
    x = {m: m.ones(2, 2) for m in (torch, glasstorch)}
    before = {m: m.is_warn_always_enabled() for m in x}
    try:
        for m in x:
            # the first call in this process may already have happened elsewhere: call twice, keep the second
            warned(m, lambda: m.frobenius_norm(x[m], (0,)))
        seen = {m: warned(m, lambda: m.frobenius_norm(x[m], (0,))) for m in x}
        assert seen[torch] == seen[glasstorch] == []
        for m in x:
            assert m.set_warn_always(True) is None
        seen = {m: warned(m, lambda: m.nuclear_norm(x[m])) + warned(m, lambda: m.frobenius_norm(x[m], (0,)))
                for m in x}
        assert seen[torch] == seen[glasstorch] and len(seen[torch]) == 2
        assert [m.is_warn_always_enabled() for m in x] == [True, True]
    finally:
        for m in x:
            m.set_warn_always(before[m])


COPIES = [
    ("slice_copy", (1, 1, 3)), ("slice_copy", (0, None, None, 2)), ("select_copy", (0, -1)), ("view_copy", ((4, 3),)),
    ("t_copy", ()), ("transpose_copy", (0, 1)), ("unsqueeze_copy", (1,)), ("squeeze_copy", ()),
    ("permute_copy", ((1, 0),)), ("expand_copy", ((2, 3, 4),)), ("diagonal_copy", ()),
    ("diagonal_copy", (1, 1, 0)), ("alias_copy", ()), ("unbind_copy", ()), ("unbind_copy", (1,)),
    ("split_copy", (2,)), ("split_copy", (3, 1)), ("split_with_sizes_copy", ([1, 2],)), ("narrow_copy", (1, 1, 2)),
    ("narrow_copy", (0, -2, 2)), ("unfold_copy", (1, 2, 1)), ("as_strided_copy", ((2, 2), (1, 2))), ("adjoint", ()),
]


@pytest.mark.parametrize("name,args", COPIES)
def test_view_copies(name, args):
    def run(t, x):
        y = x * 1          # a non-leaf, so the copy's node leads to MulBackward0
        r = getattr(t, name)(y, *args)
        rs = list(r) if isinstance(r, (tuple, list)) else [r]
        return [type(r).__name__] + rs + [v.is_contiguous() for v in rs] + [v._base is y for v in rs]
    # torch's NarrowCopyBackward0 fails on a negative start (a size mismatch): compare the forward only
    same_on_both(run, [A34], grad=not (name == "narrow_copy" and args[1] < 0))


def test_copies_do_not_share_memory_and_squeeze_dims():
    def run(t, x):
        y = x.unsqueeze(1)
        s = [t.squeeze_copy(y, 1), t.squeeze_copy(y, (1,))]
        c = t.t_copy(x.detach())
        c.add_(1)
        return s + [c, x]
    same_on_both(run, [A34])


def test_detach_copy():
    same_on_both(lambda t, x: t.detach_copy(x), [A34], grad=False)
    same_error(lambda t: t.detach_copy(t.ones(2, requires_grad=True)).sum().backward())
    same_on_both(lambda t, x: t.view_copy(x, t.int32), [A34], grad=False)


def test_pooling_and_grid_aliases():
    x = rn(2, 3, 8)
    same_on_both(lambda t, x: list(t.max_pool1d_with_indices(x, 2)), [x])
    same_on_both(lambda t, x: list(t.max_pool1d_with_indices(x, 3, 2, 1, 1, True)), [x])
    theta = rn(2, 2, 3)
    img = rn(2, 1, 4, 5)
    for interp in (0, 1):      # (glasstorch has no bicubic grid_sample yet)
        for pad in (0, 1, 2):
            same_on_both(lambda t, th, im: t.grid_sampler(im, t.affine_grid_generator(th, (2, 1, 3, 3), False),
                                                          interp, pad, False), [theta, img], rtol=1e-4, atol=1e-5)
    same_on_both(lambda t, th: t.affine_grid_generator(th, [2, 1, 3, 4], True), [theta], rtol=1e-6, atol=1e-6)


def test_switches_and_aliases():
    assert torch.set_flush_denormal(False) == glasstorch.set_flush_denormal(False)
    assert glasstorch.GradScaler is glasstorch.amp.GradScaler
    assert str(glasstorch.GradScaler).replace("glasstorch", "torch") == str(torch.GradScaler)
