"""nn.MultiheadAttention as used in course notebooks: batch_first and seq-first layouts,
key_padding_mask built from lengths, bool and float attn_mask, need_weights and
average_attn_weights, kdim/vdim cross-attention, add_bias_kv/add_zero_attn, a manual
re-implementation from in_proj_weight checked against the module, attention entropy,
rows that are fully masked, and printing of the attention weights."""
import math
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)
torch.set_printoptions(precision=3, sci_mode=False)

E, H, L, B = 8, 2, 5, 3
mha = nn.MultiheadAttention(E, H, batch_first=True)
print(mha)
print("in_proj", tuple(mha.in_proj_weight.shape), tuple(mha.in_proj_bias.shape), mha.head_dim)
print("names", [n for n, _ in mha.named_parameters()])
print("_qkv_same_embed_dim", mha._qkv_same_embed_dim, mha.batch_first, mha.dropout)

x = torch.randn(B, L, E)
lengths = torch.tensor([5, 3, 2])
key_padding_mask = torch.arange(L)[None, :] >= lengths[:, None]
print(key_padding_mask)
mha.eval()
with torch.no_grad():
    out, w = mha(x, x, x, key_padding_mask=key_padding_mask)
print("out", out.shape, "weights", w.shape)
print("weights b1\n", w[1])
print("masked columns zero:", bool((w[1, :, 3:] == 0).all()), "rows sum", w.sum(-1)[2])
with torch.no_grad():
    out_h, w_h = mha(x, x, x, key_padding_mask=key_padding_mask, average_attn_weights=False)
print("per-head", w_h.shape, torch.allclose(w_h.mean(1), w, atol=1e-6))
with torch.no_grad():
    out_n, w_n = mha(x, x, x, key_padding_mask=key_padding_mask, need_weights=False)
print("need_weights=False ->", w_n, torch.allclose(out_n, out, atol=1e-5))

# causal attn_mask (bool: True = not allowed) and float
causal_bool = torch.triu(torch.ones(L, L, dtype=torch.bool), diagonal=1)
causal_float = torch.zeros(L, L).masked_fill(causal_bool, float("-inf"))
print(causal_float)
with torch.no_grad():
    o1, w1 = mha(x, x, x, attn_mask=causal_bool)
    o2, w2 = mha(x, x, x, attn_mask=causal_float)
    o3, w3 = mha(x, x, x, attn_mask=nn.Transformer.generate_square_subsequent_mask(L), is_causal=True)
print("bool == float mask:", torch.allclose(o1, o2, atol=1e-6), torch.allclose(w1, w2))
print("generate_square_subsequent_mask:", torch.equal(nn.Transformer.generate_square_subsequent_mask(L), causal_float))
print("w1 b0\n", w1[0])

# manual re-implementation from the packed projection
def manual_mha(m, q, k, v, kpm=None, attn_mask=None):
    Bq, Lq, _ = q.shape
    w_q, w_k, w_v = m.in_proj_weight.chunk(3)
    b_q, b_k, b_v = m.in_proj_bias.chunk(3)
    qp = F.linear(q, w_q, b_q).view(Bq, Lq, H, -1).transpose(1, 2)
    kp = F.linear(k, w_k, b_k).view(Bq, -1, H, E // H).transpose(1, 2)
    vp = F.linear(v, w_v, b_v).view(Bq, -1, H, E // H).transpose(1, 2)
    s = qp @ kp.transpose(-2, -1) / math.sqrt(E // H)
    if attn_mask is not None:
        s = s.masked_fill(attn_mask, float("-inf"))
    if kpm is not None:
        s = s.masked_fill(kpm[:, None, None, :], float("-inf"))
    a = s.softmax(-1)
    o = (a @ vp).transpose(1, 2).reshape(Bq, Lq, E)
    return m.out_proj(o), a


with torch.no_grad():
    mo, ma = manual_mha(mha, x, x, x, kpm=key_padding_mask)
print("manual == module:", torch.allclose(mo, out, atol=1e-5), torch.allclose(ma, w_h, atol=1e-6))

# attention entropy per head (nats), ignoring zero weights
ent = -(w_h * torch.log(w_h.clamp_min(1e-12))).sum(-1)
ent2 = torch.special.entr(w_h).sum(-1)
print("entropy", ent.mean(dim=(0, 2)), torch.allclose(ent, ent2, atol=1e-5))
print("max entropy log(len)", torch.log(lengths.float()))
print("xlogy entropy", (-torch.xlogy(w_h, w_h).sum(-1)).mean().item() - ent.mean().item() < 1e-5)

# fully masked row: softmax over all -inf gives nan
s = torch.tensor([[0.1, 0.2], [float("-inf"), float("-inf")]])
print("softmax all -inf", torch.softmax(s, -1))
print("nan_to_num", torch.softmax(s, -1).nan_to_num(0.0))
print("sdpa fully masked", F.scaled_dot_product_attention(torch.ones(1, 2, 2), torch.ones(1, 2, 2), torch.ones(1, 2, 2),
                                                           attn_mask=torch.tensor([[True, True], [False, False]])))

# seq-first layout, cross attention with kdim/vdim, bias_kv and zero attn
cross = nn.MultiheadAttention(E, H, kdim=6, vdim=4, add_bias_kv=True, add_zero_attn=True)
print(cross)
print("cross params", [(n, tuple(p.shape)) for n, p in cross.named_parameters()])
tgt = torch.randn(4, B, E)
mem_k, mem_v = torch.randn(7, B, 6), torch.randn(7, B, 4)
co, cw = cross(tgt, mem_k, mem_v)
print("cross out", co.shape, "weights", cw.shape, f"{co.abs().mean().item():.4f}")
co.sum().backward()
print("bias_k grad", tuple(cross.bias_k.grad.shape), "q_proj grad norm", f"{cross.q_proj_weight.grad.norm().item():.4f}")

# mismatched mask types warn
with warnings.catch_warnings(record=True) as rec:
    warnings.simplefilter("always")
    mha(x, x, x, key_padding_mask=key_padding_mask, attn_mask=causal_float)
print("warnings:", sorted({str(r.message)[:60] for r in rec}))

# train: predict the last valid token's mean
mha.train()
head = nn.Linear(E, 1)
opt = torch.optim.SGD(list(mha.parameters()) + list(head.parameters()), lr=0.1, momentum=0.9)
target = (x * (~key_padding_mask)[..., None]).sum(1) / lengths[:, None]
for step in range(4):
    o, _ = mha(x, x, x, key_padding_mask=key_padding_mask)
    pooled = (o * (~key_padding_mask)[..., None]).sum(1) / lengths[:, None]
    loss = F.mse_loss(head(pooled), target.mean(-1, keepdim=True))
    opt.zero_grad()
    loss.backward()
    opt.step()
    print(f"step {step} loss {loss.item():.5f}")
