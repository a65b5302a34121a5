"""Differences found by the sweep19a modern-architecture programs (minimal Mamba, efficient KAN,
mixture-of-experts routing, Swin windows, ConvNeXt, LoRA).

* ``F.linear`` without a bias on a non-2-d input is torch's ``matmul(x, W.t())``: the product is
  folded to ``mm`` and viewed back with ``_unsafe_view`` (``UnsafeViewBackward0``), or, for a 1-d
  input, ``unsqueeze``/``mm``/``squeeze_`` (``SqueezeBackward4``); glasstorch recorded ``ViewBackward0``
  (Mamba's bias-free projections, LoRA's frozen layers, tied lm heads).
* The CPU flash-attention node of ``scaled_dot_product_attention`` is a generated node: its
  ``name()`` and repr carry no ``torch::autograd::`` namespace or module path.
* ``torch.nn.attention`` is reachable as an attribute after ``import torch``.
* Grouped-query attention (``enable_gqa=True``): torch's CPU flash kernel takes fewer key/value heads
  (same batch, key heads == value heads dividing the query's) and records its one node; otherwise the
  math kernel repeats key and value heads separately (so key and value may differ), raises torch's
  truncated message when they do not divide, and reads dim -3 (IndexError for 2-d inputs).
  Batch sizes that differ (broadcast) go to the math kernel as well.
* ``torch.jit.script`` / ``trace`` / ``save`` / ``load`` warn their DeprecationWarning from the
  library's own line (stacklevel 1 in torch), so the default filters hide it from a script.
* ``torch.compile`` with an AOTAutograd backend puts the fresh outputs that need a gradient behind one
  ``CompiledFunctionBackward`` node (``print(opt_mod(x))`` shows it); views and inputs keep theirs.
Attention values agree with torch to float rounding (torch's flash kernel sums in blocks; see
test_nn_attention.py): rtol 1e-5 / atol 1e-6 on outputs, ten times that on gradients.
"""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import glasstorch
import torch
from glasstorch.autograd.gradcheck import gradcheck

from ._helpers import MODS, assert_same_array, grad_fn_name, same_error, same_on_both

RTOL, ATOL = 1e-5, 1e-6


def _arr(shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


# ---- F.linear without a bias: matmul's graph ------------------------------------------------------
@pytest.mark.parametrize("xshape,transpose", [((3, 5, 6), False), ((6,), False), ((3, 5, 6), True),
                                              ((2, 2, 3, 6), False), ((4, 6), False), ((1, 1, 6), False)])
def test_linear_no_bias_graph(xshape, transpose):
    fn = (lambda m, x, w: m.nn.functional.linear(x.transpose(0, 1) if transpose else x, w))
    # gemm sums in MKL's order in torch: the last bits of the product can differ
    same_on_both(fn, [_arr(xshape), _arr((4, 6), 1)], rtol=RTOL, atol=ATOL)


@settings(max_examples=25, deadline=None)
@given(lead=st.lists(st.integers(1, 4), min_size=0, max_size=3), k=st.integers(1, 6), n=st.integers(1, 5),
       x_grad=st.booleans(), w_grad=st.booleans())
def test_linear_no_bias_graph_fuzz(lead, k, n, x_grad, w_grad):
    arrays = [_arr(tuple(lead) + (k,)), _arr((n, k), 1)]
    outs = {}
    for m in MODS:
        x, w = (m.from_numpy(a.copy()) for a in arrays)
        x.requires_grad_(x_grad)
        w.requires_grad_(w_grad)
        lin = m.nn.Linear(k, n, bias=False)
        lin.weight = m.nn.Parameter(w, requires_grad=w_grad)
        outs[m] = lin(x)
    assert grad_fn_name(outs[torch]) == grad_fn_name(outs[glasstorch])
    assert_same_array(outs[torch].detach(), outs[glasstorch].detach(), RTOL, ATOL)


def test_linear_no_bias_under_no_grad_and_with_bias():
    same_on_both(lambda m, x, w: m.nn.functional.linear(x, w).detach(), [_arr((3, 5, 6)), _arr((4, 6), 1)],
                 grad=False, rtol=RTOL, atol=ATOL)
    same_on_both(lambda m, x, w, b: m.nn.functional.linear(x, w, b), [_arr((3, 5, 6)), _arr((4, 6), 1), _arr(4, 2)],
                 rtol=RTOL, atol=ATOL)


# ---- the flash node's name and repr; torch.nn.attention ---------------------------------------------
def test_flash_node_name_and_repr():
    got = {}
    for m in MODS:
        q = m.from_numpy(_arr((1, 2, 3, 4))).requires_grad_()
        fn = m.nn.functional.scaled_dot_product_attention(q, q, q).grad_fn
        got[m] = (fn.name(), type(fn).__name__, repr(fn).split(" object at ")[0])
    assert got[torch] == got[glasstorch]


def test_nn_attention_is_an_attribute():
    got = {}
    for m in MODS:
        att = m.nn.attention
        got[m] = (sorted(n for n in ("sdpa_kernel", "SDPBackend") if hasattr(att, n)), str(att.SDPBackend.MATH))
    assert got[torch] == got[glasstorch]


# ---- grouped-query attention ---------------------------------------------------------------------
def _sdpa_both(qshape, kshape, vshape, grads=(True, True, True), mask=None, **kw):
    arrays = [_arr(qshape), _arr(kshape, 1), _arr(vshape, 2)]
    ins, outs = {}, {}
    for m in MODS:
        ins[m] = [m.from_numpy(a.copy()).requires_grad_(g) for a, g in zip(arrays, grads)]
        if mask is not None:
            kw["attn_mask"] = m.from_numpy(mask.copy())
        outs[m] = m.nn.functional.scaled_dot_product_attention(*ins[m], **kw)
    assert grad_fn_name(outs[torch]) == grad_fn_name(outs[glasstorch])
    assert outs[torch].requires_grad == outs[glasstorch].requires_grad
    assert_same_array(outs[torch].detach(), outs[glasstorch].detach(), RTOL, ATOL)
    if outs[torch].requires_grad:
        up = np.random.default_rng(3).standard_normal(tuple(outs[torch].shape)).astype(np.float32)
        outs[torch].backward(torch.from_numpy(up.copy()))
        outs[glasstorch].backward(glasstorch.from_numpy(up.copy()))
        for a, b in zip(ins[torch], ins[glasstorch]):
            assert (a.grad is None) == (b.grad is None)
            if a.grad is not None:
                assert_same_array(a.grad, b.grad, RTOL * 10, ATOL * 10, what="grad")
    return outs


@pytest.mark.parametrize("qs,ks,vs,kw", [
    ((1, 4, 3, 8), (1, 2, 3, 8), (1, 2, 3, 8), {}),                       # flash, groups of 2
    ((2, 6, 5, 4), (2, 1, 5, 4), (2, 1, 5, 4), {"is_causal": True}),       # multi-query, causal
    ((1, 4, 3, 8), (1, 2, 6, 8), (1, 2, 6, 8), {"attn_mask": "bool"}),     # flash with a bool mask
    ((1, 4, 3, 8), (1, 4, 3, 8), (1, 2, 3, 8), {}),                        # k, v heads differ: math
    ((1, 4, 3, 8), (2, 2, 3, 8), (2, 2, 3, 8), {}),                        # broadcast batch: math
    ((4, 3, 8), (2, 3, 8), (2, 3, 8), {}),                                 # 3-d: math
    ((1, 1, 4, 3, 8), (1, 1, 2, 3, 8), (1, 1, 2, 3, 8), {}),               # 5-d: math
    ((1, 4, 3, 8), (1, 4, 3, 8), (1, 4, 3, 8), {"scale": 0.3}),            # nothing grouped: flash
])
def test_gqa(qs, ks, vs, kw):
    if kw.get("attn_mask") == "bool":
        kw = dict(kw, attn_mask=None, mask=np.tril(np.ones((qs[-2], ks[-2]), bool)))
    _sdpa_both(qs, ks, vs, enable_gqa=True, **kw)


@settings(max_examples=20, deadline=None)
@given(b=st.integers(1, 2), groups=st.sampled_from([1, 2, 3]), kh=st.integers(1, 3), L=st.integers(1, 4),
       S=st.integers(1, 4), causal=st.booleans(), grads=st.tuples(st.booleans(), st.booleans(), st.booleans()))
def test_gqa_fuzz(b, groups, kh, L, S, causal, grads):
    _sdpa_both((b, kh * groups, L, 4), (b, kh, S, 4), (b, kh, S, 4), grads=grads, is_causal=causal,
               enable_gqa=True)


@pytest.mark.parametrize("qs,ks,vs", [
    ((1, 4, 3, 8), (1, 3, 3, 8), (1, 3, 3, 8)),     # key heads do not divide
    ((1, 4, 3, 8), (1, 4, 3, 8), (1, 3, 3, 8)),     # value heads do not divide
    ((4, 3, 8), (3, 8), (3, 8)),                    # a 2-d key: dim -3 is out of range
    ((3, 8), (3, 8), (3, 8)),                       # a 2-d query
])
def test_gqa_errors(qs, ks, vs):
    arrays = [_arr(qs), _arr(ks, 1), _arr(vs, 2)]
    same_error(lambda m: m.nn.functional.scaled_dot_product_attention(
        *[m.from_numpy(a.copy()).requires_grad_() for a in arrays], enable_gqa=True))


def test_broadcast_batch_goes_to_math_kernel():
    _sdpa_both((1, 2, 3, 4), (2, 2, 3, 4), (2, 2, 3, 4))
    _sdpa_both((1, 2, 3, 4), (1, 2, 3, 4), (2, 2, 3, 4))


def test_gqa_flash_gradcheck():
    """The grouped flash node's backward (key/value gradients summed over each group), float64."""
    rng = np.random.default_rng(0)
    q = glasstorch.from_numpy(rng.standard_normal((1, 4, 3, 2))).requires_grad_()
    k = glasstorch.from_numpy(rng.standard_normal((1, 2, 5, 2))).requires_grad_()
    v = glasstorch.from_numpy(rng.standard_normal((1, 2, 5, 2))).requires_grad_()
    F = glasstorch.nn.functional
    out = F.scaled_dot_product_attention(q, k, v, enable_gqa=True)
    assert out.grad_fn.name() == "ScaledDotProductFlashAttentionForCpuBackward0"
    assert gradcheck(lambda a, b, c: F.scaled_dot_product_attention(a, b, c, enable_gqa=True), (q, k, v))
    assert gradcheck(lambda a, b, c: F.scaled_dot_product_attention(a, b, c, is_causal=True, enable_gqa=True),
                     (q, k, v))


# ---- torch.jit's deprecation warnings come from the library's own line ----------------------------
def _double(x):
    return x * 2


@pytest.mark.parametrize("what", ["script_fn", "script_module", "trace", "save_load"])
def test_jit_deprecation_warning_is_not_the_callers(what, tmp_path):
    """torch warns with stacklevel 1, so the default filters (DeprecationWarning shown only for
    __main__) hide it from a script; glasstorch pointed it at the caller's line, so it showed."""
    import warnings
    got = {}
    for m in MODS:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            if what == "script_fn":
                m.jit.script(_double)
            elif what == "script_module":
                m.jit.script(m.nn.Linear(2, 2))
            elif what == "trace":
                m.jit.trace(m.nn.Linear(2, 2), m.ones(1, 2))
            else:
                sm = m.jit.script(m.nn.Linear(2, 2))
                m.jit.save(sm, str(tmp_path / f"{m.__name__}.pt"))
                m.jit.load(str(tmp_path / f"{m.__name__}.pt"))
        dep = [w for w in caught if issubclass(w.category, DeprecationWarning)]
        got[m] = [(str(w.message), w.filename == __file__) for w in dep]
    assert got[torch] == got[glasstorch]
    assert got[torch] and not any(mine for _, mine in got[torch])


# ---- torch.compile: the CompiledFunctionBackward node on fresh outputs -----------------------------
def _compiled_cases(m):
    """grad_fn names (or None) of what compiled callables return, and a gradient through them."""
    m.manual_seed(0)
    x = m.from_numpy(_arr((2, 3))).requires_grad_()
    names = []

    def name(t):
        return None if t.grad_fn is None else t.grad_fn.name()
    lin = m.nn.Linear(3, 2)
    out = m.compile(lin, backend="aot_eager")(x)                      # a module: the shared node
    names.append(name(out))
    names.append(repr(out.detach()) == repr(lin(x).detach()))
    a, b, c, d = m.compile(lambda t: (t.sin() * 2, t.view(6), t, t.detach() + 1), backend="aot_eager")(x)
    names += [name(a), name(b), c is x, name(d), a.grad_fn is m.compile(lambda t: t)(a).grad_fn]
    r = m.compile(lambda t: {"y": t * 3, "z": [t.cos()]}, backend="aot_eager")(x)
    names += [type(r).__name__, name(r["y"]), name(r["z"][0]), r["y"].grad_fn is r["z"][0].grad_fn]
    names.append(name(m.compile(lambda t: t * 2, backend="eager")(x)))          # no AOTAutograd
    names.append(name(m.compile(lambda t: t * 2, backend="aot_eager", disable=True)(x)))
    with m.no_grad():
        names.append(name(m.compile(lambda t: t * 2, backend="aot_eager")(x)))
    names.append(name(m.compile(lambda t: t * 2, backend="aot_eager")(x.detach())))
    (a.sum() + r["y"].pow(2).sum()).backward()
    return names, x.grad


def test_compiled_outputs_carry_compiled_function_backward():
    (nt, gt_), (ng, gg) = _compiled_cases(torch), _compiled_cases(glasstorch)
    assert nt == ng
    assert_same_array(gt_, gg, RTOL, ATOL)
