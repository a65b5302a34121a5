"""Attention at toy size, as in the nn.Transformer and scaled_dot_product_attention tutorials:
nn.Transformer encoder-decoder with generate_square_subsequent_mask and padding masks,
nn.MultiheadAttention with key_padding_mask / attn_mask / need_weights / average_attn_weights, and
F.scaled_dot_product_attention with is_causal, boolean and float masks."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)


def r(t, n=4):
    return t.detach().round(decimals=n)


mask = nn.Transformer.generate_square_subsequent_mask(4)
print(mask, mask.dtype)
print(nn.Transformer.generate_square_subsequent_mask(3, dtype=torch.float64))

# scaled_dot_product_attention
q, k, v = torch.randn(2, 2, 4, 8), torch.randn(2, 2, 5, 8), torch.randn(2, 2, 5, 8)
out = F.scaled_dot_product_attention(q, k, v, dropout_p=0.0)
manual = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(8), dim=-1) @ v
print(out.shape, torch.allclose(out, manual, atol=1e-6), r(out[0, 0, 0]))
qs = torch.randn(1, 2, 4, 8)
causal = F.scaled_dot_product_attention(qs, qs, qs, is_causal=True)
tri = torch.ones(4, 4, dtype=torch.bool).tril()
print(torch.allclose(causal, F.scaled_dot_product_attention(qs, qs, qs, attn_mask=tri), atol=1e-6))
print(r(causal[0, 1, :2]), torch.allclose(causal[..., 0, :], qs[..., 0, :]))
fmask = torch.zeros(4, 5).masked_fill(torch.tensor([[False] * 3 + [True] * 2] * 4), float("-inf"))
print(fmask)
o1 = F.scaled_dot_product_attention(q, k, v, attn_mask=fmask)
o2 = F.scaled_dot_product_attention(q, k[..., :3, :], v[..., :3, :])
print(torch.allclose(o1, o2, atol=1e-6))
bias = torch.randn(4, 5)
o3 = F.scaled_dot_product_attention(q, k, v, attn_mask=bias, scale=0.5)
print(torch.allclose(o3, torch.softmax(q @ k.transpose(-2, -1) * 0.5 + bias, -1) @ v, atol=1e-6))
qg = q.clone().requires_grad_()
F.scaled_dot_product_attention(qg, k, v, is_causal=True).sum().backward()
print(qg.grad.shape, type(F.scaled_dot_product_attention(qg, k, v).grad_fn).__name__)
for bad in [lambda: F.scaled_dot_product_attention(q, k, v, attn_mask=tri, is_causal=True),
            lambda: F.scaled_dot_product_attention(q, k[..., :4], v)]:
    try:
        bad()
        print("no error")
    except Exception as e:
        print(type(e).__name__, str(e)[:120])

# nn.MultiheadAttention
mha = nn.MultiheadAttention(embed_dim=8, num_heads=2, batch_first=True)
print(mha, [n for n, _ in mha.named_parameters()], mha.in_proj_weight.shape, mha.head_dim)
x = torch.randn(2, 5, 8)
kpm = torch.tensor([[False, False, False, True, True], [False] * 5])
o, w = mha(x, x, x, key_padding_mask=kpm)
print(o.shape, w.shape, r(w[0, 0]), r(w.sum(-1)))
o, w = mha(x, x, x, key_padding_mask=kpm, average_attn_weights=False)
print(w.shape, r(w[0, 1, 2]))
o, w = mha(x, x, x, need_weights=False)
print(o.shape, w)
am = nn.Transformer.generate_square_subsequent_mask(5)
o_f, w_f = mha(x, x, x, attn_mask=am)
o_b, w_b = mha(x, x, x, attn_mask=am.isinf())
print(torch.allclose(o_f, o_b, atol=1e-6), r(w_f[1, 2]), torch.equal(w_f == 0, w_b == 0))
m3 = torch.zeros(4, 5, 5, dtype=torch.bool)
m3[:, :, -1] = True
o3, w3 = mha(x, x, x, attn_mask=m3, average_attn_weights=False)
print(w3.shape, r(w3[..., -1].abs().sum()))
cross = nn.MultiheadAttention(8, 2, kdim=6, vdim=3)
print([n for n, _ in cross.named_parameters()], cross._qkv_same_embed_dim)
oc, wc = cross(torch.randn(3, 2, 8), torch.randn(4, 2, 6), torch.randn(4, 2, 3))
print(oc.shape, wc.shape, type(oc.grad_fn).__name__)
try:
    nn.MultiheadAttention(10, 3)
except Exception as e:
    print(type(e).__name__, e)
try:
    mha(x, x, x, attn_mask=torch.zeros(3, 3))
except Exception as e:
    print(type(e).__name__, e)

# nn.Transformer encoder-decoder on a copy task
torch.manual_seed(1)
V, D = 7, 16


class Seq2Seq(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(V, D)
        self.tf = nn.Transformer(d_model=D, nhead=2, num_encoder_layers=1, num_decoder_layers=1,
                                 dim_feedforward=32, dropout=0.0, batch_first=True)
        self.out = nn.Linear(D, V)

    def forward(self, src, tgt, src_pad=None, tgt_pad=None):
        tmask = nn.Transformer.generate_square_subsequent_mask(tgt.size(1))
        h = self.tf(self.emb(src), self.emb(tgt), tgt_mask=tmask, src_key_padding_mask=src_pad,
                    tgt_key_padding_mask=tgt_pad, memory_key_padding_mask=src_pad, tgt_is_causal=True)
        return self.out(h)


model = Seq2Seq()
print(sum(p.numel() for p in model.parameters()), type(model.tf.encoder.layers[0]).__name__)
print([n for n, _ in model.tf.decoder.layers[0].named_children()])
opt = torch.optim.Adam(model.parameters(), lr=0.01)
src = torch.randint(1, V, (8, 5))
src_pad = torch.zeros(8, 5, dtype=torch.bool)
src_pad[:2, -1] = True
tgt_in = torch.cat([torch.zeros(8, 1, dtype=torch.long), src[:, :-1]], 1)
for step in range(30):
    logits = model(src, tgt_in, src_pad=src_pad)
    loss = F.cross_entropy(logits.reshape(-1, V), src.reshape(-1))
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 10 == 9:
        print(step, round(loss.item(), 3))
model.eval()
with torch.no_grad():
    ys = torch.zeros(1, 1, dtype=torch.long)
    for _ in range(5):
        nxt = model(src[:1], ys)[:, -1].argmax(-1, keepdim=True)
        ys = torch.cat([ys, nxt], 1)
print(src[0].tolist(), ys[0, 1:].tolist())
