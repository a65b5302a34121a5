"""Grouped-query attention the way LLaMA-style re-implementations write it: rotary embeddings via
torch.polar / view_as_complex (Meta style) and via rotate_half (HF style), key/value heads repeated
with repeat_interleave or expand+reshape, a causal mask from torch.triu filled with -inf, a KV cache
grown by torch.cat during greedy decoding, and a check against F.scaled_dot_product_attention with
is_causal and enable_gqa."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)


def precompute_freqs_cis(dim, end, theta=10000.0):
    freqs = 1.0 / (theta ** (torch.arange(0, dim, 2)[: (dim // 2)].float() / dim))
    t = torch.arange(end, device=freqs.device, dtype=torch.float32)
    freqs = torch.outer(t, freqs)
    return torch.polar(torch.ones_like(freqs), freqs)  # complex64


def reshape_for_broadcast(freqs_cis, x):
    ndim = x.ndim
    shape = [d if i == 1 or i == ndim - 1 else 1 for i, d in enumerate(x.shape)]
    return freqs_cis.view(*shape)


def apply_rotary_emb(xq, xk, freqs_cis):
    xq_ = torch.view_as_complex(xq.float().reshape(*xq.shape[:-1], -1, 2))
    xk_ = torch.view_as_complex(xk.float().reshape(*xk.shape[:-1], -1, 2))
    freqs_cis = reshape_for_broadcast(freqs_cis, xq_)
    xq_out = torch.view_as_real(xq_ * freqs_cis).flatten(3)
    xk_out = torch.view_as_real(xk_ * freqs_cis).flatten(3)
    return xq_out.type_as(xq), xk_out.type_as(xk)


def rotate_half(x):
    x1 = x[..., : x.shape[-1] // 2]
    x2 = x[..., x.shape[-1] // 2:]
    return torch.cat((-x2, x1), dim=-1)


def apply_rotary_pos_emb_hf(q, k, cos, sin):
    return (q * cos) + (rotate_half(q) * sin), (k * cos) + (rotate_half(k) * sin)


def repeat_kv(x, n_rep):
    bs, slen, n_kv_heads, head_dim = x.shape
    if n_rep == 1:
        return x
    return (x[:, :, :, None, :].expand(bs, slen, n_kv_heads, n_rep, head_dim)
            .reshape(bs, slen, n_kv_heads * n_rep, head_dim))


class Attention(nn.Module):
    def __init__(self, dim, n_heads, n_kv_heads, max_seq):
        super().__init__()
        self.n_heads, self.n_kv_heads = n_heads, n_kv_heads
        self.n_rep = n_heads // n_kv_heads
        self.head_dim = dim // n_heads
        self.wq = nn.Linear(dim, n_heads * self.head_dim, bias=False)
        self.wk = nn.Linear(dim, n_kv_heads * self.head_dim, bias=False)
        self.wv = nn.Linear(dim, n_kv_heads * self.head_dim, bias=False)
        self.wo = nn.Linear(n_heads * self.head_dim, dim, bias=False)
        self.cache_k = None
        self.cache_v = None

    def forward(self, x, start_pos, freqs_cis, mask):
        bsz, seqlen, _ = x.shape
        xq = self.wq(x).view(bsz, seqlen, self.n_heads, self.head_dim)
        xk = self.wk(x).view(bsz, seqlen, self.n_kv_heads, self.head_dim)
        xv = self.wv(x).view(bsz, seqlen, self.n_kv_heads, self.head_dim)
        xq, xk = apply_rotary_emb(xq, xk, freqs_cis)
        if start_pos == 0:
            self.cache_k, self.cache_v = xk, xv
        else:
            self.cache_k = torch.cat([self.cache_k, xk], dim=1)
            self.cache_v = torch.cat([self.cache_v, xv], dim=1)
        keys = repeat_kv(self.cache_k, self.n_rep)
        values = repeat_kv(self.cache_v, self.n_rep)
        xq, keys, values = xq.transpose(1, 2), keys.transpose(1, 2), values.transpose(1, 2)
        scores = torch.matmul(xq, keys.transpose(2, 3)) / math.sqrt(self.head_dim)
        if mask is not None:
            scores = scores + mask
        scores = F.softmax(scores.float(), dim=-1).type_as(xq)
        output = torch.matmul(scores, values)
        output = output.transpose(1, 2).contiguous().view(bsz, seqlen, -1)
        return self.wo(output), scores


dim, n_heads, n_kv, T = 32, 4, 2, 6
attn = Attention(dim, n_heads, n_kv, 16)
freqs_cis = precompute_freqs_cis(dim // n_heads, 16)
print("freqs_cis", freqs_cis.shape, freqs_cis.dtype)
print("freqs_cis[1]", torch.view_as_real(freqs_cis[1]).round(decimals=4))
print("angle[3]", freqs_cis[3].angle().round(decimals=4))
print("abs", freqs_cis.abs().mean().item())

x = torch.randn(2, T, dim)
mask = torch.full((T, T), float("-inf"))
mask = torch.triu(mask, diagonal=1)
print(mask)
with torch.no_grad():
    full_out, full_scores = attn(x, 0, freqs_cis[:T], mask)
print("full out", full_out.shape, f"{full_out.abs().mean().item():.4f}")
print("scores head0 batch0\n", full_scores[0, 0].round(decimals=3))

# incremental decoding with a KV cache must reproduce the full pass
with torch.no_grad():
    outs = []
    prompt = 3
    mask_p = torch.triu(torch.full((prompt, prompt), float("-inf")), diagonal=1)
    o, _ = attn(x[:, :prompt], 0, freqs_cis[:prompt], mask_p)
    outs.append(o)
    for pos in range(prompt, T):
        o, s = attn(x[:, pos:pos + 1], pos, freqs_cis[pos:pos + 1], None)
        outs.append(o)
    inc = torch.cat(outs, dim=1)
print("cache shapes", tuple(attn.cache_k.shape), tuple(attn.cache_v.shape))
print("kv-cache matches full:", torch.allclose(inc, full_out, atol=1e-5))
print("max diff < 1e-5:", (inc - full_out).abs().max().item() < 1e-5)

# the HF rotate_half form equals the complex form when pairs are de-interleaved
hd = dim // n_heads
inv_freq = 1.0 / (10000 ** (torch.arange(0, hd, 2, dtype=torch.int64).float() / hd))
pos_ids = torch.arange(T)[None, :].float()
freqs = (inv_freq[None, :, None] @ pos_ids[:, None, :]).transpose(1, 2)
emb = torch.cat((freqs, freqs), dim=-1)
cos, sin = emb.cos()[:, :, None, :], emb.sin()[:, :, None, :]
q = torch.randn(1, T, n_heads, hd)
k = torch.randn(1, T, n_heads, hd)
q_hf, k_hf = apply_rotary_pos_emb_hf(q, k, cos, sin)
perm = torch.cat([torch.arange(0, hd, 2), torch.arange(1, hd, 2)])
inv = torch.argsort(perm)
q_c, k_c = apply_rotary_emb(q[..., inv], k[..., inv], precompute_freqs_cis(hd, T))
print("rotate_half == complex:", torch.allclose(q_hf, q_c[..., perm], atol=1e-5),
      torch.allclose(k_hf, k_c[..., perm], atol=1e-5))
# relative-position property: <R_m q, R_n k> depends only on m - n
dots = (q_hf * k_hf).sum(-1)
print("rope dots", dots[0, :, 0].round(decimals=3))

# repeat_interleave vs expand, and SDPA's enable_gqa
kv = torch.randn(2, n_kv, T, hd)
a = kv.repeat_interleave(n_heads // n_kv, dim=1)
b = kv[:, :, None].expand(2, n_kv, n_heads // n_kv, T, hd).reshape(2, n_heads, T, hd)
print("repeat_interleave == expand:", torch.equal(a, b), a.is_contiguous(), a.stride())
qh = torch.randn(2, n_heads, T, hd)
ref = F.scaled_dot_product_attention(qh, a, a, is_causal=True)
gqa = F.scaled_dot_product_attention(qh, kv, kv, is_causal=True, enable_gqa=True)
print("enable_gqa matches:", torch.allclose(ref, gqa, atol=1e-6), tuple(gqa.shape))
manual = torch.softmax((qh @ a.transpose(-2, -1)) / math.sqrt(hd) + mask, dim=-1) @ a
print("sdpa vs manual:", torch.allclose(ref, manual, atol=1e-5))
print("sdpa row0", ref[0, 0, 0].round(decimals=4))

# chunked prefill over a KV cache: the new queries need a lower-right aligned causal mask
from torch.nn.attention.bias import causal_lower_right, causal_upper_left, CausalVariant
past, new = 4, 2
bias = causal_lower_right(new, past + new)
print("bias", type(bias).__name__, bias.variant, bias.seq_len_q, bias.seq_len_kv)
print(bias)
print(causal_upper_left(new, past + new))
q_new = qh[:, :, past:]
out_lr = F.scaled_dot_product_attention(q_new, a, a, attn_mask=bias)
print("lower_right == full causal rows:", torch.allclose(out_lr, ref[:, :, past:], atol=1e-6))
out_ul = F.scaled_dot_product_attention(qh, a, a, attn_mask=causal_upper_left(T, T))
print("upper_left == is_causal:", torch.allclose(out_ul, ref, atol=1e-6), CausalVariant.LOWER_RIGHT.value)

# one training step through the GQA block
attn.train()
opt = torch.optim.AdamW(attn.parameters(), lr=1e-2, weight_decay=0.1)
for step in range(3):
    out, _ = attn(x, 0, freqs_cis[:T], mask)
    loss = out.pow(2).mean()
    opt.zero_grad()
    loss.backward()
    gn = torch.nn.utils.clip_grad_norm_(attn.parameters(), 1.0)
    opt.step()
    print(f"step {step} loss {loss.item():.5f} grad_norm {gn.item():.4f}")
