"""Parity pins for sweep30f (interpretability programs: saliency, IG, Grad-CAM, patching, probing).

Fixed in glasstorch (the autograd hook fixes of this sweep are pinned in test_sweep30f_hooks.py):
- ``nn.TransformerEncoderLayer`` takes torch's inference fast path (eval mode, batched batch-first input,
  packed in-projection with bias, relu/gelu, equal norm eps, an even number of heads, no forward
  hooks or pre-hooks anywhere in the layer, no gradient to record, fastpath enabled): it computes the
  layer without calling ``self_attn``, ``linear1``, ``norm1``, ... so global module hooks and patched
  ``forward`` methods of its submodules are bypassed, as torch's fused
  ``_transformer_encoder_layer_fwd`` bypasses them (nn/modules/_transformer_fast.py);
- ``nn.TransformerEncoder`` in eval mode given a ``src_key_padding_mask`` (left aligned, or any mask
  with ``mask_check=False``; no ``mask``; no gradient to record; ``use_nested_tensor``) returns zeros at
  the padded positions, as torch's nested-tensor path (``to_padded_tensor(0.0, src.size())``) does,
  before the final ``norm``; a float padding mask's non-zero entries drop their positions entirely;
  with ``mask_check=False`` each sequence keeps as many leading tokens as its mask marks valid; the
  first such call warns torch's "The PyTorch API of nested tensors is in prototype stage ..." once
  per process (nn/modules/_transformer_fast.py, nn/modules/transformer.py).
"""
import subprocess
import sys
import warnings

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import glasstorch
import torch
from tests.parity._helpers import MODS, assert_same_array, same_error, same_outcome

X = np.random.default_rng(0).standard_normal((3, 4, 8)).astype(np.float32)


def _layer(m, **kw):
    m.manual_seed(0)
    args = dict(dropout=0.0, batch_first=True)
    args.update(kw)
    return m.nn.TransformerEncoderLayer(8, 2, 16, **args)


def _calls(m, fn):
    """The module types the global forward hook saw while ``fn`` ran, and fn's result."""
    seen = []
    h = m.nn.modules.module.register_module_forward_hook(lambda mod, i, o: seen.append(type(mod).__name__))
    try:
        out = fn()
    finally:
        h.remove()
    return seen, out


def _run_layer(m, variant):
    kw = {}
    if variant == "seq_first":
        kw["batch_first"] = False
    if variant == "norm_first":
        kw["norm_first"] = True
    if variant == "gelu":
        kw["activation"] = "gelu"
    if variant == "callable_act":
        kw["activation"] = lambda t: m.tanh(t)
    if variant == "no_bias":
        kw["bias"] = False
    layer = _layer(m, **kw)
    if variant == "odd_heads":
        m.manual_seed(0)
        layer = m.nn.TransformerEncoderLayer(9, 3, 16, dropout=0.0, batch_first=True)
    if variant != "train":
        layer.eval()
    x = m.from_numpy(X.copy()) if variant != "odd_heads" else m.zeros(3, 4, 9)
    if variant == "unbatched":
        x = x[0]
    if variant == "pre_hook":
        layer.norm2.register_forward_pre_hook(lambda mod, a: None)
    if variant == "self_hook":
        layer.register_forward_hook(lambda mod, a, o: None)
    if variant == "backward_hook":
        layer.linear1.register_full_backward_hook(lambda *a: None)
    if variant in ("frozen", "input_grad"):
        for p in layer.parameters():
            p.requires_grad_(False)
    if variant == "input_grad":
        x.requires_grad_(True)
    if variant == "disabled":
        m.backends.mha.set_fastpath_enabled(False)
    grad = variant in ("frozen", "input_grad", "grad_on")
    try:
        with m.set_grad_enabled(grad):
            seen, y = _calls(m, lambda: layer(x))
    finally:
        m.backends.mha.set_fastpath_enabled(True)
    return seen, y


LAYER_VARIANTS = ["no_grad", "train", "seq_first", "norm_first", "gelu", "callable_act", "no_bias", "odd_heads",
                  "unbatched", "pre_hook", "self_hook", "backward_hook", "frozen", "input_grad", "grad_on",
                  "disabled"]


@pytest.mark.parametrize("variant", LAYER_VARIANTS)
def test_encoder_layer_calls_its_submodules_as_torch(variant):
    (s_t, y_t), (s_g, y_g) = [_run_layer(m, variant) for m in MODS]
    assert s_t == s_g
    assert y_t.requires_grad == y_g.requires_grad
    assert (y_t.grad_fn is None) == (y_g.grad_fn is None)
    # torch's fused kernel rounds differently from its module path: values agree to float32 noise
    assert_same_array(y_t.detach(), y_g.detach(), rtol=1e-5, atol=2e-6)


def test_patched_self_attention_forward_is_bypassed_on_the_fast_path():
    def fn(m):
        layer = _layer(m).eval()
        got = []
        orig = layer.self_attn.forward
        layer.self_attn.forward = lambda *a, **k: got.append(1) or orig(*a, **k)
        x = m.from_numpy(X.copy())
        with m.no_grad():
            layer(x)
            m.backends.mha.set_fastpath_enabled(False)
            try:
                layer(x)
            finally:
                m.backends.mha.set_fastpath_enabled(True)
        layer.train()
        layer(x)
        return len(got)
    assert fn(torch) == fn(glasstorch)


def test_encoder_stack_hooks_fire_only_where_torch_fires_them():
    def fn(m):
        enc = m.nn.TransformerEncoder(_layer(m), 2, enable_nested_tensor=False).eval()
        order = []
        enc.layers[1].self_attn.register_forward_hook(lambda mod, a, o: order.append("attn1"))
        seen, _ = _calls(m, lambda: enc(m.from_numpy(X.copy())))
        with m.no_grad():
            seen2, _ = _calls(m, lambda: enc(m.from_numpy(X.copy())))
        return seen, seen2, order
    assert fn(torch) == fn(glasstorch)


PAD_LEFT = np.array([[False, False, False, True], [False, False, True, True], [False] * 4])
PAD_HOLES = np.array([[False, True, False, True], [False, False, True, True], [False] * 4])


def _run_encoder(m, variant):
    kw = {"norm_first": True} if variant == "norm_first" else {}
    ekw = {}
    if variant == "no_nested":
        ekw["enable_nested_tensor"] = False
    if variant.startswith("no_check"):
        ekw["mask_check"] = False
    if variant == "final_norm":
        ekw["norm"] = m.nn.LayerNorm(8, bias=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        enc = m.nn.TransformerEncoder(_layer(m, **kw), 2, **ekw)
        if variant == "final_norm":
            with m.no_grad():
                enc.norm.bias.fill_(0.5)
        if variant != "train":
            enc.eval()
        pad = m.from_numpy((PAD_HOLES if variant.endswith("holes") else PAD_LEFT).copy())
        if variant == "float_mask":
            pad = m.zeros(3, 4).masked_fill(pad, -1.0)      # any non-zero value drops its position
        mask = m.nn.Transformer.generate_square_subsequent_mask(4) if variant == "with_mask" else None
        if variant == "disabled":
            m.backends.mha.set_fastpath_enabled(False)
        try:
            with m.set_grad_enabled(variant == "grad_on"):
                y = enc(m.from_numpy(X.copy()), mask=mask, src_key_padding_mask=pad)
        finally:
            m.backends.mha.set_fastpath_enabled(True)
    return y.detach()


ENCODER_VARIANTS = ["plain", "norm_first", "no_nested", "no_check", "no_check_holes", "holes", "final_norm",
                    "float_mask", "with_mask", "disabled", "train", "grad_on"]


@pytest.mark.parametrize("variant", ENCODER_VARIANTS)
def test_encoder_padding_mask_output_as_torch(variant):
    y_t, y_g = [_run_encoder(m, variant) for m in MODS]
    zero_t = (y_t == 0).all(-1).numpy()
    assert np.array_equal(zero_t, (y_g == 0).all(-1).numpy())
    assert_same_array(y_t, y_g, rtol=1e-5, atol=2e-6)


@settings(max_examples=15, deadline=None)
@given(st.lists(st.integers(0, 5), min_size=1, max_size=4))
def test_encoder_zeroes_padding_for_any_lengths(lengths):
    S = 5
    pad = np.arange(S)[None, :] >= np.array(lengths)[:, None]
    x = np.random.default_rng(len(lengths)).standard_normal((len(lengths), S, 8)).astype(np.float32)

    def fn(m):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            enc = m.nn.TransformerEncoder(_layer(m, activation="gelu"), 2).eval()
            with m.no_grad():
                return enc(m.from_numpy(x.copy()), src_key_padding_mask=m.from_numpy(pad.copy()))
    if not any(lengths):        # all sequences empty: torch's to_padded_tensor refuses
        same_error(fn)
        return
    y_t, y_g = fn(torch), fn(glasstorch)
    assert np.array_equal((y_t == 0).all(-1).numpy(), (y_g == 0).all(-1).numpy())
    # fully padded sequences: torch's nested path gives zeros, never the slow path's nan
    assert_same_array(y_t, y_g, rtol=1e-5, atol=2e-6)


def test_transformer_memory_is_zero_at_padding():
    src = np.random.default_rng(1).standard_normal((2, 4, 8)).astype(np.float32)
    tgt = np.random.default_rng(2).standard_normal((2, 3, 8)).astype(np.float32)

    def fn(m):
        m.manual_seed(0)
        tr = m.nn.Transformer(8, 2, 1, 1, 16, dropout=0.0, batch_first=True).eval()
        pad = m.from_numpy(PAD_LEFT[:2].copy())
        with m.no_grad():
            memory = tr.encoder(m.from_numpy(src.copy()), src_key_padding_mask=pad)
            out = tr(m.from_numpy(src.copy()), m.from_numpy(tgt.copy()), src_key_padding_mask=pad,
                     memory_key_padding_mask=pad)
        return memory, out
    (m_t, o_t), (m_g, o_g) = fn(torch), fn(glasstorch)
    assert_same_array(m_t, m_g, rtol=1e-5, atol=2e-6)
    assert_same_array(o_t, o_g, rtol=1e-5, atol=2e-6)


def test_fast_path_switch_round_trips():
    same_outcome(lambda m: (m.backends.mha.get_fastpath_enabled(), m.backends.mha.set_fastpath_enabled(False),
                            m.backends.mha.get_fastpath_enabled(), m.backends.mha.set_fastpath_enabled(True),
                            m.backends.mha.get_fastpath_enabled()))


_WARN_SCRIPT = """
import warnings
import {lib} as t
t.manual_seed(0)
enc = t.nn.TransformerEncoder(t.nn.TransformerEncoderLayer(8, 2, 16, batch_first=True), 1).eval()
x = t.zeros(2, 3, 8)
pad = t.tensor([[False, False, True], [False, False, False]])
for _ in range(2):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        with t.no_grad():
            enc(x, src_key_padding_mask=pad)
    print([(c.category.__name__, str(c.message)) for c in w])
"""


def test_nested_prototype_warning_once_per_process():
    outs = [subprocess.run([sys.executable, "-c", _WARN_SCRIPT.format(lib=lib)], capture_output=True, text=True,
                           check=True).stdout for lib in ("torch", "glasstorch")]
    assert "nested tensors is in prototype stage" in outs[0]
    assert outs[0] == outs[1]

