"""Parity pins for sweep30a (recommender systems programs: biased MF and ALS, EmbeddingBag and sparse
gradients, two-tower retrieval, NeuMF, SASRec / GRU4Rec).

Fixed in glasstorch:
- the inference fast path of ``nn.MultiheadAttention`` (eval, no gradient to record, batch_first
  self-attention with boolean or no masks) and of ``nn.TransformerEncoderLayer`` now compute what
  torch's fused kernel (``torch._native_multi_head_attention``) computes: the masks merged as
  ``merge_masks`` merges them (now also a ``MultiheadAttention`` method) and read as booleans (in the
  encoder layer a float mask's every non-zero entry masks, a finite bias too), a query row whose keys
  are all masked NaN (0 / 0 of the masked softmax; the math path's safe softmax gave zeros), so
  a left-padded SASRec batch with a causal mask is NaN in eval; and the ``is_causal`` hint ignored
  (no mask, no causal masking) where glasstorch raised "Need attn_mask if specifying the is_causal
  hint" (nn/modules/_mha_native.py, attention.py, _transformer_fast.py); a mask of the wrong shape
  there fails with the fused kernel's "For mask_type == 1 mask shape should be (B, L)" / "For
  mask_type == 2 mask shape should match input shape";
- ``F.linear`` of a non-contiguous input of other than 2 dims (the transposed batch_first input of
  MultiheadAttention's in-projection) is torch's ``matmul(x, W.t())`` then the bias added in place:
  matmul's graph (UnsafeViewBackward0 under AddBackward0, not ViewBackward0), matmul's dtype errors
  ("expected scalar type Float but found Double" where it does not fold), and a bias of another
  dtype cast into the product's (float32 result) instead of addmm's dtype error (nn/_ops/linear.py);
- ``F.multi_head_attention_forward`` flattens the heads with ``reshape`` as torch 2.13 does: the out
  projection's input is UnsafeViewBackward0 over CloneBackward0, not ViewBackward0 (nn/_ops/attention.py).

The fixes to the legacy sparse constructors are pinned in test_sweep30a_sparse.py.
"""
import warnings

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from tests.parity._helpers import graph_names, same_on_both, same_outcome

TOL = dict(rtol=1e-5, atol=1e-6)


def _x(m, b=3, t=4, e=8, seed=0):
    rng = np.random.default_rng(seed)
    return m.from_numpy(rng.standard_normal((b, t, e)).astype(np.float32))


def _pad(m, rows, t=4):
    """Left padding: row b masks its first rows[b] positions."""
    return m.from_numpy(np.arange(t)[None, :] < np.array(rows)[:, None])


def _causal_float(m, t=4):
    return m.nn.Transformer.generate_square_subsequent_mask(t)


def _layer(m, norm_first=False, heads=2, act="relu"):
    m.manual_seed(0)
    return m.nn.TransformerEncoderLayer(8, heads, dim_feedforward=16, dropout=0.1, batch_first=True,
                                        norm_first=norm_first, activation=act).eval()


def _mha(m, heads=2, batch_first=True):
    m.manual_seed(1)
    return m.nn.MultiheadAttention(8, heads, batch_first=batch_first).eval()


def _quiet(fn):
    def run(m):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(m)
    return run


# ---- MultiheadAttention's fast path ----

@pytest.mark.parametrize("need_weights", [False, True])
@pytest.mark.parametrize("avg", [False, True])
def test_mha_fully_padded_sequence_is_nan(need_weights, avg):
    def fn(m):
        x = _x(m)
        with m.no_grad():
            o, w = _mha(m)(x, x, x, key_padding_mask=_pad(m, [2, 4, 0]), need_weights=need_weights,
                           average_attn_weights=avg)
        return (o, o.isnan()) if w is None else (o, w, o.isnan())
    same_outcome(fn, **TOL)


def test_mha_causal_and_padding_masks_merge():
    def fn(m):
        x = _x(m)
        causal = m.ones(4, 4, dtype=m.bool).triu(1)
        with m.no_grad():
            o, w = _mha(m)(x, x, x, key_padding_mask=_pad(m, [2, 1, 0]), attn_mask=causal, need_weights=False)
        return o, o.isnan(), w is None
    same_outcome(fn, **TOL)


@pytest.mark.parametrize("need_weights", [False, True])
def test_mha_fast_path_ignores_is_causal(need_weights):
    def fn(m):
        x = _x(m)
        mha = _mha(m)
        with m.no_grad():
            o, _ = mha(x, x, x, is_causal=True, need_weights=need_weights)
            ref, _ = mha(x, x, x)
        return o, (o - ref).abs().max() < 1e-6
    same_outcome(fn, **TOL)


@pytest.mark.parametrize("case", ["training", "grad", "float_mask", "fastpath_off", "not_self", "odd_heads",
                                  "seq_first"])
def test_mha_slow_path_keeps_safe_softmax_and_is_causal_check(case):
    """Off the fast path, a fully masked row is zeros (need_weights=False) and is_causal needs a mask."""
    def fn(m):
        heads = 1 if case == "odd_heads" else 2
        mha = _mha(m, heads=heads, batch_first=case != "seq_first")
        mha.dropout = 0.0
        if case == "training":
            mha.train()
        x = _x(m)
        if case == "grad":
            x.requires_grad_(True)
        kpm = _pad(m, [2, 4, 0])
        if case == "float_mask":
            kpm = m.zeros(3, 4).masked_fill(kpm, float("-inf"))
        key = x.clone() if case == "not_self" else x
        if case == "seq_first":
            x = key = x.transpose(0, 1)
        m.backends.mha.set_fastpath_enabled(case != "fastpath_off")
        try:
            o, _ = mha(x, key, key, key_padding_mask=kpm, need_weights=False)
            try:
                mha(x, key, key, is_causal=True, need_weights=False)
                err = None
            except RuntimeError as e:
                err = str(e)
        finally:
            m.backends.mha.set_fastpath_enabled(True)
        return o.detach(), o.isnan().any().item(), err
    same_outcome(_quiet(fn), **TOL)


def test_mha_merge_masks_method():
    def fn(m):
        mha = _mha(m)
        x = _x(m)
        am = m.zeros(4, 4).masked_fill(m.ones(4, 4, dtype=m.bool).triu(1), float("-inf"))
        kp = m.zeros(3, 4).masked_fill(_pad(m, [1, 0, 2]), float("-inf"))
        out = []
        for a, k in ((None, None), (None, kp), (am, None), (am, kp), (am.expand(6, 4, 4), kp)):
            merged, kind = mha.merge_masks(a, k, x)
            out += [kind] if merged is None else [merged.contiguous(), kind, tuple(merged.shape)]
        return out
    same_outcome(fn)


# ---- TransformerEncoderLayer / TransformerEncoder in eval ----

MASKS = {
    "causal+pad": lambda m: (_causal_float(m), _pad(m, [2, 4, 0]), True),
    "causal+pad no hint": lambda m: (_causal_float(m), _pad(m, [2, 4, 0]), False),
    "pad": lambda m: (None, _pad(m, [1, 4, 0]), False),
    "float pad": lambda m: (None, m.zeros(3, 4).masked_fill(_pad(m, [1, 4, 0]), float("-inf")), False),
    "bias mask": lambda m: (m.linspace(-2.0, 1.0, 16).reshape(4, 4), None, False),
    "sparse bias": lambda m: (m.tensor([[0.0, -1.0, 0, 0], [0, 0, -1e4, 0], [0, 0, 0, 0.5], [0, 0, 0, 0]]), None,
                              False),
    "no mask is_causal": lambda m: (None, None, True),
    "bool causal": lambda m: (m.ones(4, 4, dtype=m.bool).triu(1), None, False),
    "3d mask": lambda m: (m.zeros(6, 4, 4).masked_fill(m.ones(6, 4, 4, dtype=m.bool).triu(1), float("-inf")),
                          _pad(m, [0, 1, 0]), False),
}


@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("case", sorted(MASKS))
def test_encoder_layer_fused_kernel_masks(case, norm_first):
    def fn(m):
        layer = _layer(m, norm_first=norm_first, act="gelu" if norm_first else "relu")
        src_mask, kpm, hint = MASKS[case](m)
        with m.no_grad():
            o = layer(_x(m), src_mask=src_mask, src_key_padding_mask=kpm, is_causal=hint)
        return o, o.isnan()
    same_outcome(_quiet(fn), **TOL)


@pytest.mark.parametrize("case", ["causal+pad", "bias mask", "no mask is_causal"])
def test_encoder_layer_in_training_keeps_math_path(case):
    def fn(m):
        layer = _layer(m)
        layer.train()
        for mod in layer.modules():
            if isinstance(mod, m.nn.Dropout):
                mod.p = 0.0
        layer.self_attn.dropout = 0.0
        src_mask, kpm, hint = MASKS[case](m)
        o = layer(_x(m), src_mask=src_mask, src_key_padding_mask=kpm, is_causal=hint)
        return o.detach(), o.isnan().any().item()
    same_outcome(_quiet(fn), **TOL)


def test_sasrec_left_padded_encoder_is_nan_in_eval():
    """Two layers: the NaN of a fully masked query row reaches the whole sequence through the values."""
    def fn(m):
        m.manual_seed(3)
        layer = m.nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, batch_first=True, norm_first=True)
        enc = m.nn.TransformerEncoder(layer, 2, enable_nested_tensor=False).eval()
        x = _x(m, b=4, t=5)
        kpm = _pad(m, [2, 0, 1, 4], t=5)
        causal = m.nn.Transformer.generate_square_subsequent_mask(5)
        with m.no_grad():
            out = enc(x, mask=causal, src_key_padding_mask=kpm, is_causal=True)
        m.backends.mha.set_fastpath_enabled(False)
        try:
            with m.no_grad():
                slow = enc(x, mask=causal, src_key_padding_mask=kpm, is_causal=True)
        finally:
            m.backends.mha.set_fastpath_enabled(True)
        return out, out.isnan().any(-1), slow
    same_outcome(_quiet(fn), **TOL)


def test_nested_encoder_with_an_all_padding_sequence():
    def fn(m):
        m.manual_seed(4)
        layer = m.nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, batch_first=True)
        enc = m.nn.TransformerEncoder(layer, 2).eval()
        kpm = m.from_numpy(np.arange(4)[None, :] >= np.array([3, 4, 1])[:, None])
        with m.no_grad():
            out = enc(_x(m), src_key_padding_mask=kpm)
        return out, out.isnan().any()
    same_outcome(_quiet(fn), **TOL)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(0, 5), min_size=1, max_size=4), st.booleans(), st.booleans(), st.booleans(),
       st.sampled_from([2, 4]))
def test_fused_attention_hypothesis(pads, causal, module_level, need_weights, heads):
    t = 5

    def fn(m):
        x = _x(m, b=len(pads), t=t, seed=len(pads))
        kpm = _pad(m, pads, t=t)
        mask = m.ones(t, t, dtype=m.bool).triu(1) if causal else None
        with m.no_grad():
            if module_level:
                o, w = _mha(m, heads=heads)(x, x, x, key_padding_mask=kpm, attn_mask=mask, need_weights=need_weights)
                return (o,) if w is None else (o, w)
            layer = _layer(m, heads=heads)
            return layer(x, src_mask=mask, src_key_padding_mask=kpm, is_causal=causal),
    same_outcome(_quiet(fn), **TOL)


@pytest.mark.parametrize("case", ["kpm short", "kpm 1d", "attn 3d batch", "attn 3d odd", "attn small",
                                  "kpm short + attn"])
def test_mha_fast_path_mask_shape_errors(case):
    def fn(m):
        x = _x(m, b=2, t=5)
        kw = {
            "kpm short": dict(key_padding_mask=m.ones(2, 4, dtype=m.bool)),
            "kpm 1d": dict(key_padding_mask=m.ones(5, dtype=m.bool)),
            "attn 3d batch": dict(attn_mask=m.ones(2, 5, 5, dtype=m.bool)),
            "attn 3d odd": dict(attn_mask=m.ones(3, 5, 5, dtype=m.bool)),
            "attn small": dict(attn_mask=m.ones(4, 4, dtype=m.bool)),
            "kpm short + attn": dict(key_padding_mask=m.ones(2, 4, dtype=m.bool), attn_mask=m.ones(5, 5, dtype=m.bool)),
        }[case]
        with m.no_grad():
            return _mha(m)(x, x, x, **kw)[0]
    same_outcome(_quiet(fn))


@pytest.mark.parametrize("case", ["kpm short", "attn 3d batch"])
def test_encoder_layer_fast_path_mask_shape_errors(case):
    def fn(m):
        x = _x(m, b=2, t=5)
        kw = {"kpm short": dict(src_key_padding_mask=m.ones(2, 4, dtype=m.bool)),
              "attn 3d batch": dict(src_mask=m.zeros(2, 5, 5))}[case]
        with m.no_grad():
            return _layer(m)(x, **kw)
    same_outcome(_quiet(fn))


# ---- F.linear of a non-contiguous input ----

def _nc(m, shape, perm):
    return m.from_numpy(np.random.default_rng(5).standard_normal(shape).astype(np.float32)).permute(*perm)


def _lin(x, w, b=None):
    return lambda m: m.nn.functional.linear(x(m), w(m), None if b is None else b(m))


def _x3(m):
    return _nc(m, (2, 5, 8), (1, 0, 2))


def _ones(shape, dtype=None):
    return lambda m: m.ones(*shape, dtype=None if dtype is None else getattr(m, dtype))


LINEAR_ERR = {
    "W double": _lin(_x3, _ones((3, 8), "float64")),
    "W, b double": _lin(_x3, _ones((3, 8), "float64"), _ones((3,), "float64")),
    "W half": _lin(_x3, _ones((3, 8), "float16")),
    "b double": _lin(_x3, _ones((3, 8)), _ones((3,), "float64")),
    "b long": _lin(_x3, _ones((3, 8)), lambda m: m.arange(3)),
    "b complex": _lin(_x3, _ones((3, 8)), _ones((3,), "complex64")),
    "4d b double": _lin(lambda m: _nc(m, (3, 2, 5, 8), (0, 2, 1, 3)), _ones((3, 8)), _ones((3,), "float64")),
    "1d strided b double": _lin(lambda m: _nc(m, (16,), (0,))[::2], _ones((3, 8)), _ones((3,), "float64")),
    "foldable W double": _lin(lambda m: _nc(m, (2, 5, 16), (0, 1, 2))[..., ::2], _ones((3, 8), "float64")),
    "shape": _lin(_x3, _ones((3, 7)), _ones((3,))),
    "bias shape": _lin(_x3, _ones((3, 8)), _ones((4,))),
    "contiguous b double": _lin(lambda m: _nc(m, (5, 2, 8), (0, 1, 2)), _ones((3, 8)), _ones((3,), "float64")),
}


@pytest.mark.parametrize("case", sorted(LINEAR_ERR))
def test_linear_non_contiguous_input_dtypes_and_errors(case):
    same_outcome(LINEAR_ERR[case], rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("perm", [(1, 0, 2), (0, 2, 1, 3), (2, 1, 0, 3)])
@pytest.mark.parametrize("bias", [False, True])
def test_linear_non_contiguous_input_graph(perm, bias):
    shape = (2, 5, 8) if len(perm) == 3 else (3, 2, 4, 8)
    x = np.random.default_rng(1).standard_normal(shape).astype(np.float32)
    w = np.random.default_rng(2).standard_normal((6, 8)).astype(np.float32)
    b = np.random.default_rng(3).standard_normal(6).astype(np.float32)

    def fn(m, x, w, b):
        y = m.nn.functional.linear(x.permute(*perm), w, b if bias else None)
        return y, graph_names(y)
    same_on_both(fn, [x, w, b], rtol=1e-5, atol=1e-5)


@settings(max_examples=20, deadline=None)
@given(st.sampled_from([(1, 0, 2), (0, 2, 1), (2, 0, 1)]), st.booleans(), st.booleans(), st.booleans())
def test_linear_non_contiguous_hypothesis(perm, bias, x_grad, w_grad):
    def fn(m):
        m.manual_seed(0)
        x = m.randn(3, 4, 5).permute(*perm).requires_grad_(x_grad)
        lin = m.nn.Linear(x.shape[-1], 2, bias=bias)
        lin.weight.requires_grad_(w_grad)
        y = lin(x)
        names = graph_names(y) if y.requires_grad else None
        wrt = [p for p in (x, lin.weight) if p.requires_grad]
        grads = m.autograd.grad(y.pow(2).sum(), wrt) if y.requires_grad else ()
        return (y.detach(), names, *grads)
    same_outcome(fn, rtol=1e-5, atol=1e-6)


MHA_GRAPHS = ["bf", "bf_nw", "seq", "seq_nw", "bf_kpm", "bf_nw_kpm_causal", "bf_kv", "enc_bf", "enc_bf_nf"]


@pytest.mark.parametrize("kind", MHA_GRAPHS)
def test_attention_training_graph_names(kind):
    def fn(m):
        m.manual_seed(0)
        bf = kind.startswith("bf") or kind.startswith("enc_bf")
        shape = (2, 5, 8) if bf else (5, 2, 8)
        x = m.randn(*shape, requires_grad=True)
        if kind.startswith("enc"):
            layer = m.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True, norm_first="nf" in kind)
            y = layer(x)
        else:
            kv = dict(kdim=6, vdim=5) if "kv" in kind else {}
            mha = m.nn.MultiheadAttention(8, 2, batch_first=bf, **kv)
            k = m.randn(*(shape[:2] + (6,))) if kv else x
            v = m.randn(*(shape[:2] + (5,))) if kv else x
            kpm = m.tensor([[False] * 5, [True, False, False, False, False]]) if "kpm" in kind else None
            am = m.ones(5, 5, dtype=m.bool).triu(1) if "causal" in kind else None
            y = mha(x, k, v, need_weights="nw" not in kind, key_padding_mask=kpm, attn_mask=am)[0]
        gx, = m.autograd.grad(y.pow(2).sum(), x)
        return y.detach(), graph_names(y), gx
    same_outcome(_quiet(fn), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("shape,perm", [((2, 5, 8), (1, 0, 2)), ((2, 3, 4), (1, 0, 2)), ((3, 2, 4, 8), (0, 2, 1, 3)),
                                        ((1, 3, 5), (1, 0, 2))])
@pytest.mark.parametrize("out_features", [3, 24])
@pytest.mark.parametrize("bias", [False, True])
def test_linear_non_contiguous_input_without_graph(shape, perm, out_features, bias):
    """Values (torch's bmm loop where small), layout (contiguous) and dtype of the no-grad product."""
    def fn(m):
        m.manual_seed(2)
        lin = m.nn.Linear(shape[-1], out_features, bias=bias)
        x = m.randn(*shape).permute(*perm)
        with m.no_grad():
            y = lin(x)
        return y, y.is_contiguous(), y.stride()
    same_outcome(fn, rtol=1e-6, atol=1e-6)


def test_linear_strided_slice_input():
    def fn(m):
        m.manual_seed(3)
        lin = m.nn.Linear(4, 3)
        x = m.randn(2, 5, 8)[..., ::2]
        with m.no_grad():
            y = lin(x)
        z = lin(x.requires_grad_())
        return y, y.stride(), z, graph_names(z)
    same_outcome(fn, rtol=1e-6, atol=1e-6)
