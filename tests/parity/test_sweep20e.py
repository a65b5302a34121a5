"""Differences found by the sweep20e learning-paradigm programs (EWC, FedAvg, MC dropout / active
learning, DARTS, TransE, FixMatch).

* BatchNorm / LayerNorm backward under ``create_graph``: torch's one ``NativeBatchNormBackwardBackward0``
  (edges g, x, W, -, -) / ``NativeLayerNormBackwardBackward0`` (g, x, -, -, W, b) node for all three
  gradients (glasstorch: ``MulBackward0`` / ``SumBackward1``); GroupNorm's recorded weight gradient is
  summed per group and viewed as (C,) (``ViewBackward0``).
* ``F.conv*d(padding="same")`` with an even kernel: torch zero-pads the odd extra first
  (``ConstantPadNdBackward0`` under the convolution) and warns once.
* ``nn.Embedding(scale_grad_by_freq=True)`` / ``F.embedding``: the flag was ignored; each row's
  gradient is now divided by its index's count in the batch, added position by position as torch's
  CPU loop does (one FMA each: bit-exact).  Under create_graph the gradient hangs from
  ``EmbeddingDenseBackwardBackward0`` (dg = gg[idx], zero at padding_idx, without the 1 / count, as
  torch) instead of ``IndexFillBackward0`` / ``IndexAddBackward0``.
* Convolution's backward under ``create_graph`` (DARTS' second-order step, MAML on conv nets,
  gradient penalties): torch puts the input, weight and bias gradients behind one
  ``ConvolutionBackwardBackward0`` node (edges to g, x and W), for plain and transposed convolutions
  alike; glasstorch returned them as a graph of recorded ops (``SliceBackward0``, ``TransposeBackward0``,
  ``SumBackward1``...).  The first-order values are now the plain backward's; the second-order ones
  come from the recorded formulas: compared in float64 at rtol 1e-10 (torch's kernels sum in another order).
"""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import glasstorch
import torch
from glasstorch.autograd.gradcheck import gradcheck, gradgradcheck

from ._helpers import MODS, assert_same_array, grad_fn_name, same_on_both


def _arr(shape, seed=0, dtype=np.float32):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


# ---- ConvolutionBackwardBackward0 ----------------------------------------------------------------

CONVS = {
    "conv1d": (lambda F, x, w: F.conv1d(x, w, padding=1), (1, 2, 5), (2, 2, 3)),
    "conv2d_stride_dil": (lambda F, x, w: F.conv2d(x, w, stride=2, padding=2, dilation=2), (1, 2, 5, 4), (2, 2, 2, 2)),
    "conv2d_groups": (lambda F, x, w: F.conv2d(x, w, padding=1, groups=2), (1, 4, 3, 3), (4, 2, 2, 2)),
    "conv2d_same": (lambda F, x, w: F.conv2d(x, w, padding="same"), (1, 2, 4, 3), (2, 2, 2, 3)),
    "conv3d": (lambda F, x, w: F.conv3d(x, w, padding=1), (1, 1, 3, 3, 2), (2, 1, 2, 2, 2)),
    "conv_transpose2d": (lambda F, x, w: F.conv_transpose2d(x, w, stride=2, padding=1, output_padding=1),
                         (1, 2, 2, 3), (2, 2, 3, 3)),
    "conv_transpose1d_groups": (lambda F, x, w: F.conv_transpose1d(x, w, groups=2, dilation=2), (1, 4, 5), (4, 1, 3)),
}


@pytest.mark.parametrize("name", sorted(CONVS))
def test_conv_create_graph_is_one_node(name):
    fn, xs, ws = CONVS[name]
    x, w = _arr(xs, 1, np.float64), _arr(ws, 2, np.float64)

    def run(m, x, w):
        y = fn(m.nn.functional, x, w)
        gx, gw = m.autograd.grad((y * y).sum(), (x, w), create_graph=True)
        nf = [type(n).__name__ for n, _ in gw.grad_fn.next_functions]
        return gx, gw, (gx * gx).sum() + (gw.sin() * gw).sum(), nf, gx.grad_fn.name(), gw.grad_fn.name()
    same_on_both(run, [x, w], rtol=1e-10, atol=1e-10)


def test_conv_weight_only_and_bias():
    """Only W requires grad (DARTS / MAML on data): g = ones needs none, yet every output hangs from
    the node; the bias gradient is its third output."""
    x, w, b = _arr((2, 2, 5, 5), 3, np.float64), _arr((3, 2, 3, 3), 4, np.float64), _arr((3,), 5, np.float64)

    def run(m, w, b):
        xx = m.from_numpy(x.copy())
        y = m.nn.functional.conv2d(xx, w, b, padding=1)
        gw, gb = m.autograd.grad(y.sum(), (w, b), create_graph=True)
        assert grad_fn_name(gw) == grad_fn_name(gb) == "ConvolutionBackwardBackward0"
        return gw, gb, m.autograd.grad(y.tanh().sum(), w, create_graph=True)[0]
    same_on_both(run, [w, b], rtol=1e-10, atol=1e-10)


def test_conv_create_graph_without_grad_inputs():
    """Under no grad mode inside the backward (nothing requires grad) the gradients carry no node."""
    def run(m):
        x = m.ones(1, 1, 3, 3, requires_grad=True)
        w = m.ones(1, 1, 2, 2)
        y = m.nn.functional.conv2d(x, w)
        gx, = m.autograd.grad(y.sum(), x, create_graph=True)
        return gx
    same_on_both(lambda m: run(m), [], grad=False)


@settings(max_examples=6, deadline=None)
@given(st.integers(1, 2), st.integers(1, 2), st.integers(0, 1), st.integers(1, 3))
def test_conv_hessian_vector_product(stride, dilation, padding, seed):
    x, w = _arr((1, 2, 5, 5), seed, np.float64), _arr((2, 2, 2, 2), seed + 10, np.float64)

    def run(m, x, w):
        y = m.nn.functional.conv2d(x, w, stride=stride, padding=padding, dilation=dilation)
        gx, gw = m.autograd.grad(y.pow(2).sum(), (x, w), create_graph=True)
        return (gx.pow(2).sum() + gw.pow(2).sum(),)
    same_on_both(run, [x, w], rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("name", sorted(CONVS))
def test_conv_gradgradcheck(name):
    fn, xs, ws = CONVS[name]
    x = glasstorch.from_numpy(_arr(xs, 6, np.float64)).requires_grad_()
    w = glasstorch.from_numpy(_arr(ws, 7, np.float64)).requires_grad_()
    F = glasstorch.nn.functional
    assert gradcheck(lambda x, w: fn(F, x, w), (x, w))
    assert gradgradcheck(lambda x, w: fn(F, x, w), (x, w))


def test_conv_third_order_gradcheck():
    """The node's own backward is recorded ops, so a third derivative exists."""
    F = glasstorch.nn.functional
    x = glasstorch.from_numpy(_arr((1, 1, 4, 4), 8, np.float64)).requires_grad_()
    w = glasstorch.from_numpy(_arr((1, 1, 2, 2), 9, np.float64)).requires_grad_()

    def second(x, w):
        y = F.conv2d(x, w, padding=1)
        gx, gw = glasstorch.autograd.grad((y * y).sum(), (x, w), create_graph=True)
        return (gx * gx).sum() + (gw * gw).sum()
    assert gradcheck(second, (x, w))
    assert gradgradcheck(second, (x, w))


# ---- padding="same" with an even kernel: torch zero-pads the extra first -------------------------

@pytest.mark.parametrize("nd,ks,dil", [(1, (4,), (1,)), (2, (2, 3), (1, 1)), (2, (3, 2), (1, 2)),
                                       (3, (2, 2, 1), (1, 1, 1))])
def test_conv_same_even_kernel_pads_first(nd, ks, dil):
    xs = (2, 2) + (5, 4, 3)[:nd]
    x, w, b = _arr(xs, 11), _arr((3, 2) + ks, 12), _arr((3,), 13)

    def run(m, x, w, b):
        y = getattr(m.nn.functional, f"conv{nd}d")(x, w, b, padding="same", dilation=dil)
        return y, [type(n).__name__ for n, _ in y.grad_fn.next_functions]
    same_on_both(run, [x, w, b], rtol=1e-5, atol=1e-6)    # float32 sums in another order


def test_conv_same_even_kernel_warns_once():
    import warnings
    got = {}
    glasstorch._user_warning.WARNED.discard("conv_same_even")     # torch's once-per-process flag, reset
    for m in MODS:
        x, w = m.ones(1, 1, 4, 4), m.ones(1, 1, 2, 2)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            m.nn.functional.conv2d(x, w, padding="same")
            m.nn.functional.conv2d(x, w, padding="same")
            m.nn.functional.conv2d(x, m.ones(1, 1, 3, 3), padding="same")
        got[m] = [(c.category.__name__, str(c.message), c.filename) for c in caught]
    # once per process: whichever test ran first may have used it up, on either library
    assert len(got[glasstorch]) == 1 and len(got[torch]) <= 1
    assert all(msg.startswith("Using padding='same' with even kernel lengths") and f == __file__
               for _, msg, f in got[glasstorch] + got[torch])


# ---- NativeBatchNormBackwardBackward0 / NativeLayerNormBackwardBackward0 -------------------------

NORMS = {
    "bn_train": (lambda m: m.nn.BatchNorm1d(3), (5, 3)),
    "bn2d_train": (lambda m: m.nn.BatchNorm2d(2), (3, 2, 2, 2)),
    "bn_eval": (lambda m: m.nn.BatchNorm1d(3).eval(), (5, 3)),
    "bn_no_affine": (lambda m: m.nn.BatchNorm1d(3, affine=False), (4, 3)),
    "ln": (lambda m: m.nn.LayerNorm(4), (3, 4)),
    "ln_2d_no_bias": (lambda m: m.nn.LayerNorm((2, 3), bias=False), (2, 2, 3)),
    "ln_no_affine": (lambda m: m.nn.LayerNorm(4, elementwise_affine=False), (3, 4)),
    "gn": (lambda m: m.nn.GroupNorm(2, 4), (2, 4, 3)),       # torch: a recorded composite (gW: ViewBackward0)
}


def _norm_module(m, name, seed):
    make, xs = NORMS[name]
    mod = make(m).double()
    rng = np.random.default_rng(seed)
    with m.no_grad():
        for p in mod.parameters():
            p.copy_(m.from_numpy(rng.standard_normal(tuple(p.shape))))
    return mod, xs


@pytest.mark.parametrize("name", sorted(NORMS))
def test_norm_create_graph_is_one_node(name):
    def run(m, x):
        mod, _ = _norm_module(m, name, 1)
        y = mod(x)
        ps = list(mod.parameters())
        gs = m.autograd.grad((y ** 3).sum(), [x] + ps, create_graph=True)
        names = [g.grad_fn.name() for g in gs]
        nf = [type(n).__name__ for n, _ in gs[0].grad_fn.next_functions]
        total = sum((g * g.cos()).sum() for g in gs)
        nf = nf if name != "gn" else None       # (the composite's insides differ)
        return tuple(gs) + (total, names, nf, all(g.grad_fn is gs[0].grad_fn for g in gs))
    same_on_both(run, [_arr(NORMS[name][1], 2, np.float64)], rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("name", sorted(NORMS))
def test_norm_gradgradcheck(name):
    mod, xs = _norm_module(glasstorch, name, 3)
    x = glasstorch.from_numpy(_arr(xs, 4, np.float64)).requires_grad_()
    ps = tuple(mod.parameters())

    def f(x, *ps_):
        with glasstorch.no_grad():
            for p, q in zip(ps, ps_):
                p.copy_(q)
        return glasstorch.func.functional_call(mod, dict(zip([n for n, _ in mod.named_parameters()], ps_)), (x,))
    inputs = (x,) + tuple(p.detach().clone().requires_grad_() for p in ps)
    assert gradgradcheck(f, inputs)


def test_norm_double_node_only_weight_requires_grad():
    """Data that needs no gradient (MAML / DARTS on inputs): the node still records, with x's edge empty."""
    def run(m, w):
        x = m.from_numpy(_arr((4, 3), 5, np.float64))
        y = m.nn.functional.batch_norm(x, None, None, w, None, training=True)
        gw, = m.autograd.grad(y.pow(2).sum(), w, create_graph=True)
        return gw, gw.grad_fn.name(), [type(n).__name__ for n, _ in gw.grad_fn.next_functions]
    same_on_both(run, [_arr((3,), 6, np.float64)], rtol=1e-10, atol=1e-10)


# ---- nn.Embedding(scale_grad_by_freq=True) -------------------------------------------------------
# (glasstorch ignored the flag: a row's gradient is divided by how often its index occurs in the
# batch, and torch's CPU loop adds g[p] * (1 / count) position by position as float32 FMAs)

@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(0, 5), min_size=1, max_size=40), st.sampled_from([None, 0, 3, -1]),
       st.integers(0, 2 ** 31 - 1))
def test_embedding_scale_grad_by_freq(idx, padding_idx, seed):
    idx = np.array(idx, dtype=np.int64).reshape(-1, 1) if len(idx) % 2 else np.array(idx).reshape(2, -1)
    w = _arr((6, 4), seed % 1000)
    same_on_both(lambda m, w: m.nn.functional.embedding(m.from_numpy(idx.copy()), w, padding_idx=padding_idx,
                                                         scale_grad_by_freq=True), [w], seed=seed % 7)


def test_embedding_scale_grad_by_freq_module_and_create_graph():
    idx = np.array([1, 1, 2, 1, 4, 2], dtype=np.int64)

    def run(m, w):
        emb = m.nn.Embedding(5, 3, scale_grad_by_freq=True)
        with m.no_grad():
            emb.weight.copy_(w)
        out = emb(m.from_numpy(idx.copy()))
        gw, = m.autograd.grad((out ** 2).sum(), emb.weight, create_graph=True)
        return gw, repr(emb), gw.grad_fn.name(), m.autograd.grad(gw.sum(), emb.weight, retain_graph=True)[0]
    same_on_both(run, [_arr((5, 3), 3, np.float64)], rtol=1e-12, atol=1e-12)


def test_embedding_double_backward_node():
    """Under create_graph torch records ``EmbeddingDenseBackwardBackward0`` (dg = gg[idx], zero at
    padding_idx), whose backward leaves scale_grad_by_freq's 1 / count out."""
    idx = np.array([[1, 1, 2], [3, 3, 3]], dtype=np.int64)

    def run(m, w, g):
        for freq in (False, True):
            out = m.nn.functional.embedding(m.from_numpy(idx.copy()), w, padding_idx=1, scale_grad_by_freq=freq)
            gw, = m.autograd.grad(out, w, g, create_graph=True)
            yield gw
            yield gw.grad_fn.name()
            yield m.autograd.grad(gw, g, m.arange(15.0, dtype=m.float64).view(5, 3), create_graph=True)[0]
    same_on_both(lambda m, w, g: list(run(m, w, g)), [_arr((5, 3), 5, np.float64), _arr((2, 3, 3), 6, np.float64)])


def test_embedding_gradgradcheck():
    """(scale_grad_by_freq is left out: its gradient is not the derivative, on purpose.)"""
    idx = glasstorch.tensor([[0, 2, 2], [2, 1, 0]])
    w = glasstorch.from_numpy(_arr((4, 3), 4, np.float64)).requires_grad_()
    f = lambda w: glasstorch.nn.functional.embedding(idx, w).sin()
    assert gradcheck(f, (w,))
    assert gradgradcheck(f, (w,))


# ---- nn.EmbeddingBag(scale_grad_by_freq=True) -----------------------------------------------------
# (the flag was ignored; torch's CPU loop divides each occurrence by counts[sorted_indices[u]], u the
# index's rank among the distinct indices: not the index's own count unless the indices are 0..k-1)

@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(0, 6), min_size=1, max_size=24), st.sampled_from(["sum", "mean"]),
       st.sampled_from([None, 2]), st.booleans(), st.integers(0, 2 ** 31 - 1))
def test_embedding_bag_scale_grad_by_freq(idx, mode, padding_idx, weighted, seed):
    idx = np.array(idx, dtype=np.int64)
    offsets = np.unique(np.r_[0, np.random.default_rng(seed).integers(0, len(idx), 2)]).astype(np.int64)
    psw = _arr(idx.shape, seed % 97) if weighted and mode == "sum" else None
    w = _arr((7, 3), seed % 1000)
    same_on_both(lambda m, w: m.nn.functional.embedding_bag(
        m.from_numpy(idx.copy()), w, m.from_numpy(offsets.copy()), mode=mode, scale_grad_by_freq=True,
        padding_idx=padding_idx, per_sample_weights=None if psw is None else m.from_numpy(psw.copy())),
        [w], seed=seed % 5)


def test_embedding_bag_scale_grad_by_freq_module():
    def run(m, w):
        bag = m.nn.EmbeddingBag(6, 3, mode="mean", scale_grad_by_freq=True).double()
        with m.no_grad():
            bag.weight.copy_(w)
        out = bag(m.tensor([[4, 1, 1], [1, 4, 5]]))
        out.pow(2).sum().backward()
        return out, bag.weight.grad, repr(bag)
    same_on_both(run, [_arr((6, 3), 8, np.float64)], grad=False)
