"""scaled_dot_product_attention, MultiheadAttention and the Transformer encoder against torch."""
import warnings

import numpy as np
import pytest
import torch

import glasstorch
from ._helpers import assert_same_array, same_error
from ._nn_helpers import MODS, assert_same_params, build_both

R = np.random.default_rng(0)
RTOL, ATOL = 1e-5, 1e-6


def arr(*shape):
    return R.standard_normal(shape).astype(np.float32)


def _tensor(m, a, grad=True):
    if a is None:
        return None
    t = m.from_numpy(a.copy())
    return t.requires_grad_(True) if grad and a.dtype.kind == "f" else t


def check(factory, inputs, kwargs=None, train=True, seed=0, n_out=None):
    """Run ``module(*inputs, **kwargs)`` on both; compare outputs (tensors among them) and all grads."""
    mt, mg = build_both(factory, seed)
    assert repr(mt) == repr(mg)
    assert_same_params(mt, mg)
    if not train:
        mt.eval(), mg.eval()
    kwargs = kwargs or {}
    ins, outs = {}, {}
    for m in MODS:
        ins[m] = [_tensor(m, a) for a in inputs]
        kw = {k: _tensor(m, v, grad=False) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
        m.manual_seed(seed + 1)
        out = (mt if m is torch else mg)(*ins[m], **kw)
        outs[m] = [o for o in (out if isinstance(out, tuple) else (out,))]
    for a, b in zip(outs[torch], outs[glasstorch]):
        assert (a is None) == (b is None)
        if a is not None:
            assert_same_array(a, b, RTOL, ATOL)
    pairs = [(a, b) for a, b in zip(outs[torch], outs[glasstorch]) if a is not None and a.requires_grad]
    rng = np.random.default_rng(1)
    ups = [rng.standard_normal(tuple(a.shape)).astype(np.float32) for a, _ in pairs]
    torch.autograd.backward([a for a, _ in pairs], [torch.from_numpy(u.copy()) for u in ups])
    glasstorch.autograd.backward([b for _, b in pairs], [glasstorch.from_numpy(u.copy()) for u in ups])
    for a, b in zip(ins[torch], ins[glasstorch]):
        if a is not None and a.requires_grad:
            assert_same_array(a.grad, b.grad, RTOL, ATOL * 10, what="input grad")
    for (n, a), (_, b) in zip(mt.named_parameters(), mg.named_parameters()):
        if a.grad is not None:
            assert_same_array(a.grad, b.grad, RTOL, ATOL * 10, what=f"grad of {n}")
    return mt, mg


def F(m):
    return m.nn.functional


@pytest.mark.parametrize("fn,arrays", [
    (lambda m, q, k, v: F(m).scaled_dot_product_attention(q, k, v), [arr(2, 3, 4, 8), arr(2, 3, 5, 8), arr(2, 3, 5, 6)]),
    (lambda m, q, k, v: F(m).scaled_dot_product_attention(q, k, v, is_causal=True), [arr(2, 4, 8), arr(2, 4, 8), arr(2, 4, 8)]),
    (lambda m, q, k, v: F(m).scaled_dot_product_attention(q, k, v, scale=0.3), [arr(3, 4, 8), arr(3, 6, 8), arr(3, 6, 2)]),
    (lambda m, q, k, v, mask: F(m).scaled_dot_product_attention(q, k, v, attn_mask=mask),
     [arr(2, 4, 8), arr(2, 5, 8), arr(2, 5, 8), arr(4, 5)]),
    (lambda m, q, k, v, mask: F(m).scaled_dot_product_attention(q, k, v, attn_mask=mask.gt(-0.8)),
     [arr(2, 4, 8), arr(2, 5, 8), arr(2, 5, 8), arr(2, 4, 5)]),
])
def test_sdpa(fn, arrays):
    _same_values(fn, arrays)


def test_sdpa_dropout_masks_match():
    def fn(m, q, k, v):
        m.manual_seed(5)
        return F(m).scaled_dot_product_attention(q, k, v, dropout_p=0.4)
    _same_values(fn, [arr(2, 3, 4, 8), arr(2, 3, 5, 8), arr(2, 3, 5, 6)])


def _same_values(fn, arrays):
    """Outputs and gradients (grad_fn names differ: torch fuses attention into one kernel)."""
    ins = {m: [_tensor(m, a) for a in arrays] for m in MODS}
    outs = {m: fn(m, *ins[m]) for m in MODS}
    assert_same_array(outs[torch], outs[glasstorch], RTOL, ATOL)
    up = np.random.default_rng(2).standard_normal(tuple(outs[torch].shape)).astype(np.float32)
    outs[torch].backward(torch.from_numpy(up.copy()))
    outs[glasstorch].backward(glasstorch.from_numpy(up.copy()))
    for a, b in zip(ins[torch], ins[glasstorch]):
        if a.grad is not None:
            assert_same_array(a.grad, b.grad, RTOL, ATOL * 10)


E, H = 8, 2


@pytest.mark.parametrize("make,inputs,kwargs", [
    (lambda nn: nn.MultiheadAttention(E, H), [arr(4, 3, E)] * 3, {}),
    (lambda nn: nn.MultiheadAttention(E, H), [arr(4, 3, E), arr(5, 3, E), arr(5, 3, E)],
     {"average_attn_weights": False}),
    (lambda nn: nn.MultiheadAttention(E, H, batch_first=True), [arr(3, 4, E), arr(3, 5, E), arr(3, 5, E)],
     {"need_weights": False}),
    (lambda nn: nn.MultiheadAttention(E, 4, bias=False), [arr(4, E), arr(5, E), arr(5, E)], {}),  # unbatched
    (lambda nn: nn.MultiheadAttention(E, H, kdim=6, vdim=5), [arr(4, 2, E), arr(5, 2, 6), arr(5, 2, 5)], {}),
    (lambda nn: nn.MultiheadAttention(E, H, add_bias_kv=True, add_zero_attn=True),
     [arr(4, 2, E), arr(5, 2, E), arr(5, 2, E)], {"key_padding_mask": np.array([[0, 0, 0, 1, 1], [0, 0, 0, 0, 0]], bool)}),
    (lambda nn: nn.MultiheadAttention(E, H), [arr(4, 2, E), arr(5, 2, E), arr(5, 2, E)],
     {"attn_mask": arr(4, 5), "key_padding_mask": np.array([[0, 0, 1, 1, 1], [0, 0, 0, 0, 1]], bool)}),
    (lambda nn: nn.MultiheadAttention(E, H), [arr(4, 2, E), arr(4, 2, E), arr(4, 2, E)],
     {"attn_mask": np.triu(np.ones((4, 4), bool), 1), "need_weights": False}),
    (lambda nn: nn.MultiheadAttention(E, H), [arr(4, 2, E), arr(4, 2, E), arr(4, 2, E)],
     {"attn_mask": arr(2 * H, 4, 4)}),
])
def test_multihead_attention(make, inputs, kwargs):
    check(lambda m: make(m.nn), inputs, kwargs)


def test_multihead_attention_self_and_eval():
    x = arr(3, 4, E)
    mt, mg = build_both(lambda m: m.nn.MultiheadAttention(E, H, dropout=0.0, batch_first=True))
    mt.eval(), mg.eval()
    with torch.no_grad():
        ot, wt = mt(torch.from_numpy(x), torch.from_numpy(x), torch.from_numpy(x))
    og, wg = mg(glasstorch.from_numpy(x), glasstorch.from_numpy(x), glasstorch.from_numpy(x))
    assert_same_array(ot, og.detach(), RTOL, ATOL)
    assert_same_array(wt, wg.detach(), RTOL, ATOL)


def test_attention_dropout_masks_match():
    """Dropout on the attention weights draws the same masks as torch."""
    check(lambda m: m.nn.MultiheadAttention(E, H, dropout=0.5), [arr(4, 2, E)] * 3)


@pytest.mark.parametrize("make,shape,kwargs", [
    (lambda nn: nn.TransformerEncoderLayer(E, H, dim_feedforward=16, dropout=0.0), (5, 2, E), {}),
    (lambda nn: nn.TransformerEncoderLayer(E, H, 16, 0.0, activation="gelu", batch_first=True, norm_first=True),
     (2, 5, E), {}),
    (lambda nn: nn.TransformerEncoderLayer(E, H, 16, 0.3), (5, 2, E), {}),                     # dropout masks
    (lambda nn: nn.TransformerEncoderLayer(E, H, 16, 0.0, activation=nn.GELU()), (5, E), {}),  # unbatched
    (lambda nn: nn.TransformerEncoderLayer(E, H, 16, 0.0, batch_first=True), (2, 5, E),
     {"src_key_padding_mask": np.array([[0, 0, 0, 1, 1], [0, 0, 0, 0, 0]], bool)}),
    (lambda nn: nn.TransformerEncoderLayer(E, H, 16, 0.0), (5, 2, E),
     {"src_mask": np.triu(np.full((5, 5), -np.inf, np.float32), 1), "is_causal": True}),
])
def test_encoder_layer(make, shape, kwargs):
    check(lambda m: make(m.nn), [arr(*shape)], kwargs)


def test_encoder():
    def make(m):
        layer = m.nn.TransformerEncoderLayer(E, H, 16, 0.1, batch_first=True)
        return m.nn.TransformerEncoder(layer, 2, norm=m.nn.LayerNorm(E))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check(make, [arr(2, 5, E)], {"mask": arr(5, 5)})


def test_encoder_nested_tensor_warning():
    msgs = []
    for m in MODS:
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            layer = m.nn.TransformerEncoderLayer(E, H, 16)
            enc = m.nn.TransformerEncoder(layer, 2)
            m.nn.TransformerEncoder(m.nn.TransformerEncoderLayer(E, H, 16, batch_first=True), 1)
        msgs.append([str(x.message) for x in w])
        assert enc.layers[0] is not layer and enc.layers[0].linear1.weight is not layer.linear1.weight
    assert msgs[0] == msgs[1]


def test_attention_errors():
    same_error(lambda m: m.nn.MultiheadAttention(6, 4))
    same_error(lambda m: m.nn.MultiheadAttention(0, 4))
    x = arr(4, 2, E)
    same_error(lambda m: m.nn.MultiheadAttention(E, H)(*[m.from_numpy(x)] * 3, attn_mask=m.zeros(3, 4)))
    same_error(lambda m: m.nn.MultiheadAttention(E, H)(*[m.from_numpy(x)] * 3, attn_mask=m.zeros(2, 4, 4)))
    same_error(lambda m: m.nn.TransformerEncoderLayer(E, H, activation="tanh"))


CAUSAL = np.triu(np.full((4, 4), -np.inf, np.float32), 1)


@pytest.mark.parametrize("make,kwargs", [
    (lambda nn: nn.TransformerDecoderLayer(E, H, 16, 0.0), {}),
    (lambda nn: nn.TransformerDecoderLayer(E, H, 16, 0.2, norm_first=True), {"tgt_mask": CAUSAL}),   # dropout
    (lambda nn: nn.TransformerDecoderLayer(E, H, 16, 0.0, activation="gelu"),
     {"tgt_mask": CAUSAL, "tgt_is_causal": True, "memory_key_padding_mask": np.array([[0, 0, 0, 0, 1]] * 2, bool)}),
])
def test_decoder_layer(make, kwargs):
    check(lambda m: make(m.nn), [arr(4, 2, E), arr(5, 2, E)], kwargs)


def test_decoder_and_full_transformer():
    def decoder(m):
        return m.nn.TransformerDecoder(m.nn.TransformerDecoderLayer(E, H, 16, 0.1, batch_first=True), 2,
                                       norm=m.nn.LayerNorm(E))
    check(decoder, [arr(2, 4, E), arr(2, 5, E)], {"tgt_mask": CAUSAL})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check(lambda m: m.nn.Transformer(E, H, 2, 1, 16, 0.1), [arr(5, 2, E), arr(4, 2, E)], {"tgt_mask": CAUSAL})
        check(lambda m: m.nn.Transformer(E, H, 1, 2, 16, 0.0, batch_first=True, norm_first=True),
              [arr(2, 5, E), arr(2, 4, E)], {"src_key_padding_mask": np.array([[0, 0, 0, 1, 1]] * 2, bool)})
    for m in MODS:                              # the mask helper and the causal-mask detection
        assert m.nn.Transformer.generate_square_subsequent_mask(3).tolist() == np.triu(
            np.full((3, 3), -np.inf), 1).tolist()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        same_error(lambda m: m.nn.Transformer(E, H, 1, 1, 16)(m.ones(5, 2, E), m.ones(4, 3, E)))
        same_error(lambda m: m.nn.Transformer(E, H, 1, 1, 16)(m.ones(5, 2, E), m.ones(4, 2, E + 2)))
