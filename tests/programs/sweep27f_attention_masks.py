"""Attention-mask plumbing as written in Hugging Face model files: 2D padding masks expanded to additive
4D masks with torch.finfo(dtype).min, causal masks from triu, combining both (with a past length),
position ids from the cumsum of the attention mask for left padding, sliding-window masks, the
"unmask fully masked rows" fix, and scaled_dot_product_attention with boolean and float masks,
in float32, float64 and float16."""
import torch
import torch.nn.functional as F


def _expand_mask(mask, dtype, tgt_len=None):
    """[bsz, src_len] -> [bsz, 1, tgt_len, src_len], 0 where attended, finfo.min where masked."""
    bsz, src_len = mask.size()
    tgt_len = tgt_len if tgt_len is not None else src_len
    expanded = mask[:, None, None, :].expand(bsz, 1, tgt_len, src_len).to(dtype)
    inverted = 1.0 - expanded
    return inverted.masked_fill(inverted.to(torch.bool), torch.finfo(dtype).min)


def _make_causal_mask(input_ids_shape, dtype, past_key_values_length=0):
    bsz, tgt_len = input_ids_shape
    mask = torch.full((tgt_len, tgt_len), torch.finfo(dtype).min, dtype=dtype)
    mask_cond = torch.arange(mask.size(-1))
    mask.masked_fill_(mask_cond < (mask_cond + 1).view(mask.size(-1), 1), 0)
    mask = mask.to(dtype)
    if past_key_values_length > 0:
        mask = torch.cat([torch.zeros(tgt_len, past_key_values_length, dtype=dtype), mask], dim=-1)
    return mask[None, None, :, :].expand(bsz, 1, tgt_len, tgt_len + past_key_values_length)


def prepare_decoder_attention_mask(attention_mask, input_shape, dtype, past_len):
    combined = None
    if input_shape[-1] > 1:
        combined = _make_causal_mask(input_shape, dtype, past_key_values_length=past_len)
    if attention_mask is not None:
        expanded = _expand_mask(attention_mask, dtype, tgt_len=input_shape[-1])
        combined = expanded if combined is None else expanded + combined
    return combined


def triu_causal(seq_len, dtype):
    return torch.triu(torch.full((seq_len, seq_len), torch.finfo(dtype).min, dtype=dtype), diagonal=1)


def sliding_window_mask(seq_len, window):
    i = torch.arange(seq_len).unsqueeze(1)
    j = torch.arange(seq_len).unsqueeze(0)
    return (j <= i) & (j > i - window)


for dtype in (torch.float32, torch.float64, torch.bfloat16, torch.float16):
    fi = torch.finfo(dtype)
    print(dtype, "min", fi.min, "eps", fi.eps, "bits", fi.bits, "tiny", fi.tiny)

attention_mask = torch.tensor([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1], [0, 0, 1, 1, 1]])
print(_expand_mask(attention_mask, torch.float32)[0, 0])
print(_expand_mask(attention_mask, torch.float16, tgt_len=2).shape)
causal = _make_causal_mask((1, 4), torch.float32)
print(causal)
print("triu matches:", torch.equal(causal[0, 0], triu_causal(4, torch.float32)))
print(triu_causal(3, torch.float16))
try:
    torch.full((2, 2), torch.finfo(torch.float64).min)
except RuntimeError as e:
    print("overflow:", e)
print(_make_causal_mask((2, 3), torch.float64, past_key_values_length=2)[1, 0])

combined = prepare_decoder_attention_mask(attention_mask, (3, 5), torch.float32, 0)
print("combined:", combined.shape, combined.dtype)
print("overflowed to -inf:", torch.isinf(combined).sum().item())
print("row 2:", (combined[2, 0] == 0).int())
combined_c = prepare_decoder_attention_mask(attention_mask, (3, 5), torch.float32, 0).clamp(min=torch.finfo(torch.float32).min)
print("clamped, any inf:", torch.isinf(combined_c).any().item())

# step mask for incremental decoding: one new token, past length 4
step = prepare_decoder_attention_mask(torch.ones(3, 5, dtype=torch.long), (3, 1), torch.float32, 4)
print("step mask:", step.shape, step.abs().max().item())

# position ids for left padding
pos = attention_mask.long().cumsum(-1) - 1
pos.masked_fill_(attention_mask == 0, 1)
print("position_ids:\n", pos)
print("last positions:", pos[:, -1:].squeeze(-1))

# scores with masks; fully masked rows give uniform attention with finfo.min and nan with -inf
torch.manual_seed(0)
bsz, heads, q_len, d = 3, 2, 5, 4
q = torch.randn(bsz, heads, q_len, d)
k = torch.randn(bsz, heads, q_len, d)
v = torch.randn(bsz, heads, q_len, d)
scores = q @ k.transpose(-1, -2) / d ** 0.5 + combined
probs = scores.softmax(dim=-1)
print("probs row sums:", probs.sum(-1)[:, 0])
print("fully masked rows (batch 2):", probs[2, 0, :2])
inf_mask = torch.zeros(bsz, 1, q_len, q_len).masked_fill(combined < 0, float("-inf"))
probs_inf = torch.softmax(q @ k.transpose(-1, -2) / d ** 0.5 + inf_mask, dim=-1)
print("with -inf:", probs_inf[2, 0, 0])
print("nan rows:", torch.isnan(probs_inf).any(-1).sum().item())
# the "unmask unattended" fix: rows that are entirely masked attend everywhere
fully = torch.all(combined == torch.finfo(torch.float32).min, dim=-1, keepdim=True)
fixed = combined.mul(~fully)
print("fully masked rows:", fully.squeeze(-1).squeeze(1).int())
print("fixed row:", fixed[2, 0, 0])

# scaled_dot_product_attention with boolean and additive masks
out_ref = probs @ v
out_sdpa = F.scaled_dot_product_attention(q, k, v, attn_mask=combined)
print("sdpa float mask matches:", torch.allclose(out_ref, out_sdpa, atol=1e-5))
bool_mask = combined == 0
out_bool = F.scaled_dot_product_attention(q[:2], k[:2], v[:2], attn_mask=bool_mask[:2])
print("sdpa bool mask matches:", torch.allclose(out_bool, out_ref[:2], atol=1e-5))
out_causal = F.scaled_dot_product_attention(q, k, v, is_causal=True)
ref_causal = torch.softmax(q @ k.transpose(-1, -2) / 2 + triu_causal(5, torch.float32), -1) @ v
print("is_causal matches:", torch.allclose(out_causal, ref_causal, atol=1e-5))
print(out_causal[0, 0].round(decimals=3))
try:
    F.scaled_dot_product_attention(q, k, v, attn_mask=bool_mask, is_causal=True)
except RuntimeError as e:
    print("error:", e)

# sliding window
sw = sliding_window_mask(6, 3)
print(sw.int())
sw_add = torch.zeros(6, 6).masked_fill(~sw, torch.finfo(torch.float32).min)
print("attended per row:", (sw_add == 0).sum(-1))

# half-precision masks
for dt in (torch.float16, torch.float64):
    m = _expand_mask(attention_mask[:1], dt)
    s = torch.zeros(1, 1, 5, 5, dtype=dt) + m
    p = s.softmax(-1)
    print(dt, m.dtype, m[0, 0, 0], p[0, 0, 0])

# attention mask given as bool and as float
am_bool = attention_mask.bool()
print(_expand_mask(am_bool, torch.float32)[2, 0, 0])
print((~am_bool).sum(dim=1), am_bool.logical_not().any(dim=1))
lengths = attention_mask.sum(dim=1)
print("lengths:", lengths, lengths.dtype, "max:", lengths.max().item())
mask_from_lengths = torch.arange(5)[None, :] < lengths[:, None]
print(mask_from_lengths)
print("right-padded? ", (attention_mask[:, -1] == 0).any().item(), "left-padded?", (attention_mask[:, 0] == 0).any().item())
