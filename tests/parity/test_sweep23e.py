"""Sweep 23e (efficient-attention programs): what was fixed, each pinned against torch.

* ``torch.nn.attention.bias`` was missing: ``causal_upper_left``, ``causal_lower_right``,
  ``CausalVariant`` and ``CausalBias`` (a Tensor subclass that prints as its materialised bool mask,
  warns for a lower-right bias with more queries than keys, and refuses a non-CausalVariant).
  ``F.scaled_dot_product_attention`` given a CausalBias mask uses ``is_causal=True`` where the corners
  agree and the materialised mask otherwise; with ``is_causal=True`` too it raises torch's ValueError.
  ``glasstorch/nn/attention/bias.py``, hook in ``glasstorch/nn/_ops/attention.py``.
* ``nn.MultiheadAttention`` / ``F.multi_head_attention_forward`` given a bool key_padding_mask and a
  float attn_mask (or the reverse) gave no warning; torch warns "Support for mismatched
  key_padding_mask and attn_mask is deprecated...".  ``TransformerEncoderLayer`` and
  ``TransformerEncoder`` now turn their masks to float first, as torch does, warning with their own
  argument names (src_key_padding_mask / src_mask, src_key_padding_mask / mask).
* ``torch.backends.mha`` (``get_fastpath_enabled`` / ``set_fastpath_enabled``) was missing.
* ``torch.polar`` / ``torch.complex`` of shapes that do not broadcast raised NumPy's ValueError; now
  torch's "The size of tensor a (3) must match the size of tensor b (4) ..." RuntimeError.
* ``einsum`` of three or more operands summed all products in one NumPy loop; torch (without
  opt_einsum) contracts left to right, two operands at a time, so linear attention's
  ``einsum("bhld,bhdm,bhl->bhlm", q, kv, z)`` differed in the last bits.  Now contracted pairwise in
  torch's order (``glasstorch/ops/einsum.py``): bit-exact wherever the two-operand steps are (small
  contractions, as here); larger inner sizes keep the two-operand einsum's last-bit differences.
  Gradients of such an einsum still agree with torch's to float32 rounding only (one einsum per
  operand here, a chain of bmm backwards in torch).
"""
import warnings

import numpy as np
import pytest
import torch

import glasstorch

from ._helpers import MODS, assert_same_array, eval_outcome, same_error, same_on_both

RNG = np.random.default_rng(235)
Q = RNG.standard_normal((2, 4, 3, 8)).astype(np.float32)
K = RNG.standard_normal((2, 2, 7, 8)).astype(np.float32)
V = RNG.standard_normal((2, 2, 7, 5)).astype(np.float32)


def _bias_mod(m):
    return __import__(f"{m.__name__}.nn.attention.bias", fromlist=["causal_lower_right"])


@pytest.mark.parametrize("which", ["causal_lower_right", "causal_upper_left"])
@pytest.mark.parametrize("size", [(3, 7), (4, 4), (2, 3)])
def test_causal_bias_materialize_and_repr(which, size):
    outs = {}
    for m in MODS:
        b = getattr(_bias_mod(m), which)(*size)
        outs[m] = (type(b).__name__, int(b.variant), b.seq_len_q, b.seq_len_kv, repr(b), tuple(b.shape),
                   isinstance(b, m.Tensor))
        assert_same_array(b._materialize(), getattr(_bias_mod(torch), which)(*size)._materialize())
    assert outs[torch] == outs[glasstorch]


@pytest.mark.parametrize("which", ["causal_lower_right", "causal_upper_left"])
@pytest.mark.parametrize("L,S", [(3, 7), (7, 7), (2, 5)])
@pytest.mark.parametrize("gqa", [False, True])
def test_sdpa_with_causal_bias(which, L, S, gqa):
    def fn(m, q, k, v):
        bias = getattr(_bias_mod(m), which)(L, S)
        kk, vv = (k, v) if gqa else (k.repeat_interleave(2, 1), v.repeat_interleave(2, 1))
        return m.nn.functional.scaled_dot_product_attention(q, kk, vv, attn_mask=bias, enable_gqa=gqa)
    same_on_both(fn, [Q[:, :, :L].copy(), K[:, :, :S].copy(), V[:, :, :S].copy()], rtol=2e-6, atol=2e-6)


def test_lower_right_more_queries_warns_and_zero_rows():
    outs = {m: eval_outcome("b.causal_lower_right(5, 3)", {"b": _bias_mod(m)}) for m in MODS}
    assert outs[torch] == outs[glasstorch]
    assert outs[torch][1]          # the NaN warning

    def fn(m, q, k, v):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            bias = _bias_mod(m).causal_lower_right(5, 3)
        return m.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=bias)
    q = RNG.standard_normal((1, 2, 5, 4)).astype(np.float32)
    kv = RNG.standard_normal((1, 2, 3, 4)).astype(np.float32)
    same_on_both(fn, [q, kv, kv.copy()], rtol=2e-6, atol=2e-6)


def test_causal_bias_errors():
    same_error(lambda m: _bias_mod(m).causal_lower_right(1, 2, 3))
    same_error(lambda m: _bias_mod(m).causal_upper_left(4))
    same_error(lambda m: _bias_mod(m).CausalBias(1, 2, 3))
    same_error(lambda m: m.nn.functional.scaled_dot_product_attention(
        m.from_numpy(Q), m.from_numpy(Q), m.from_numpy(Q), attn_mask=_bias_mod(m).causal_upper_left(3, 3),
        is_causal=True))


def test_causal_variant_enum():
    assert [repr(v) for v in _bias_mod(torch).CausalVariant] == [repr(v) for v in _bias_mod(glasstorch).CausalVariant]


def test_gradcheck_sdpa_lower_right_bias():
    from glasstorch.autograd.gradcheck import gradcheck
    b = _bias_mod(glasstorch).causal_lower_right(3, 5)
    r = np.random.default_rng(5)
    q, k, v = (glasstorch.tensor(r.standard_normal(s), dtype=glasstorch.float64, requires_grad=True)
               for s in ((1, 2, 3, 4), (1, 2, 5, 4), (1, 2, 5, 4)))
    assert gradcheck(lambda q, k, v: glasstorch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=b),
                     (q, k, v))


# ---- mismatched mask dtypes warn -------------------------------------------------------------------------
KPM = "t.tensor([[False, False, True], [False, True, True]])"
FMASK = "t.zeros(3, 3).masked_fill(t.ones(3, 3, dtype=t.bool).triu(1), float('-inf'))"
BMASK = "t.ones(3, 3, dtype=t.bool).triu(1)"
FKPM = f"t.zeros(2, 3).masked_fill({KPM}, float('-inf'))"


@pytest.mark.parametrize("expr", [
    f"nn.MultiheadAttention(4, 2)(x, x, x, key_padding_mask={KPM}, attn_mask={FMASK})[0]",
    f"nn.MultiheadAttention(4, 2)(x, x, x, key_padding_mask={FKPM}, attn_mask={BMASK})[0]",
    f"nn.MultiheadAttention(4, 2)(x, x, x, key_padding_mask={KPM}, attn_mask={BMASK})[0]",
    f"nn.MultiheadAttention(4, 2, batch_first=True)(x.transpose(0, 1), x.transpose(0, 1), x.transpose(0, 1), "
    f"key_padding_mask={KPM}, attn_mask={FMASK})[1]",
    f"nn.TransformerEncoderLayer(4, 2, 8, dropout=0.0)(x, src_mask={FMASK}, src_key_padding_mask={KPM})",
    f"nn.TransformerEncoderLayer(4, 2, 8, dropout=0.0)(x, src_mask={BMASK}, src_key_padding_mask={KPM})",
    f"nn.TransformerEncoder(nn.TransformerEncoderLayer(4, 2, 8, dropout=0.0), 2, enable_nested_tensor=False)"
    f"(x, mask={FMASK}, src_key_padding_mask={KPM})",
    f"nn.TransformerDecoderLayer(4, 2, 8, dropout=0.0)(x, x, tgt_mask={FMASK}, tgt_key_padding_mask={KPM})",
])
def test_mismatched_mask_warning_and_values(expr):
    x_np = np.random.default_rng(7).standard_normal((3, 2, 4)).astype(np.float32)
    outs, res = {}, {}
    for m in MODS:
        m.manual_seed(0)
        env = {"t": m, "nn": m.nn, "x": m.from_numpy(x_np.copy())}
        res[m] = eval_outcome(expr, env)[1]
        m.manual_seed(0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            outs[m] = eval(expr, env)
    assert res[torch] == res[glasstorch]
    assert_same_array(outs[torch], outs[glasstorch], rtol=1e-5, atol=1e-6)


def test_mha_functional_mismatch_warns():
    def run(m):
        m.manual_seed(0)
        mha = m.nn.MultiheadAttention(4, 2)
        x = m.ones(3, 2, 4)
        kpm = m.tensor([[False, False, True], [False, False, False]])
        with warnings.catch_warnings(record=True) as rec:
            warnings.simplefilter("always")
            out, _ = m.nn.functional.multi_head_attention_forward(
                x, x, x, 4, 2, mha.in_proj_weight, mha.in_proj_bias, None, None, False, 0.0,
                mha.out_proj.weight, mha.out_proj.bias, key_padding_mask=kpm, attn_mask=m.zeros(3, 3))
        return [str(w.message) for w in rec], out.detach().numpy()
    (wt, ot), (wg, og) = run(torch), run(glasstorch)
    assert wt == wg and len(wt) == 1
    np.testing.assert_allclose(og, ot, rtol=1e-5, atol=1e-6)


def test_mha_int_mask_error_not_warning():
    same_error(lambda m: m.nn.MultiheadAttention(4, 2)(m.ones(3, 2, 4), m.ones(3, 2, 4), m.ones(3, 2, 4),
                                                       key_padding_mask=m.zeros(2, 3, dtype=m.int64),
                                                       attn_mask=m.zeros(3, 3)))


# ---- torch.backends.mha --------------------------------------------------------------------------------
def test_backends_mha_fastpath_switch():
    for m in MODS:
        mha = m.backends.mha
        assert mha.get_fastpath_enabled() is True
        mha.set_fastpath_enabled(False)
        try:
            assert mha.get_fastpath_enabled() is False
        finally:
            mha.set_fastpath_enabled(True)
        assert mha.get_fastpath_enabled() is True


# ---- einsum of three or more operands: torch's left-to-right pairwise order ------------------------------
@pytest.mark.parametrize("eq,shapes", [
    ("bhld,bhdm,bhl->bhlm", [(2, 2, 10, 4), (2, 2, 4, 3), (2, 2, 10)]),
    ("bhld,bhdm,bhl->bhlm", [(1, 3, 7, 5), (1, 3, 5, 6), (1, 3, 7)]),
    ("ij,jk,kl->il", [(3, 4), (4, 5), (5, 2)]),
    ("i,ij,j->", [(4,), (4, 3), (3,)]),
    ("bi,bj,bk->bijk", [(2, 3), (2, 2), (2, 4)]),
    ("ab,bc,cd,de->ae", [(2, 3), (3, 4), (4, 3), (3, 2)]),
])
def test_einsum_many_operands_exact(eq, shapes):
    r = np.random.default_rng(len(eq))
    arrays = [r.standard_normal(s).astype(np.float32) for s in shapes]
    # values bit-exact; the gradients are one einsum per operand here but a chain of bmm backwards in
    # torch, so they agree to float32 rounding only
    same_on_both(lambda m, *ops: m.einsum(eq, *ops), arrays, grad_rtol=1e-5, grad_atol=1e-6)


def test_gradcheck_einsum_three_operands():
    from glasstorch.autograd.gradcheck import gradcheck
    r = np.random.default_rng(3)
    ops = [glasstorch.tensor(r.standard_normal(s), dtype=glasstorch.float64, requires_grad=True)
           for s in ((1, 2, 4, 3), (1, 2, 3, 2), (1, 2, 4))]
    assert gradcheck(lambda a, b, c: glasstorch.einsum("bhld,bhdm,bhl->bhlm", a, b, c), ops)


# ---- torch.polar broadcasting ---------------------------------------------------------------------------
def test_polar_broadcast_error():
    same_error(lambda m: m.polar(m.ones(3), m.ones(4)))
    same_error(lambda m: m.polar(m.ones(2, 3), m.ones(2, 1, 4)))
    same_error(lambda m: m.complex(m.ones(3), m.ones(4)))


@pytest.mark.parametrize("sa,sb", [((2, 3), (3,)), ((3, 1), (1, 4)), ((4,), (4,))])
def test_polar_broadcast_values_and_grads(sa, sb):
    r = np.random.default_rng(11)
    a = r.uniform(0.5, 2.0, sa).astype(np.float32)
    b = r.uniform(-3.0, 3.0, sb).astype(np.float32)
    # values bit-exact; polar's backward (z / |z| for the magnitude) rounds differently from torch's in
    # the last float32 bit for some inputs, so gradients get 1e-6
    same_on_both(lambda m, x, y: m.view_as_real(m.polar(x, y)), [a, b], grad_rtol=1e-6, grad_atol=1e-6)


def test_gradcheck_polar_broadcast():
    from glasstorch.autograd.gradcheck import gradcheck
    r = np.random.default_rng(12)
    x = glasstorch.tensor(r.uniform(0.5, 2.0, (3, 1)), dtype=glasstorch.float64, requires_grad=True)
    y = glasstorch.tensor(r.uniform(-3.0, 3.0, (1, 4)), dtype=glasstorch.float64, requires_grad=True)
    assert gradcheck(lambda x, y: glasstorch.view_as_real(glasstorch.polar(x, y)), (x, y))
