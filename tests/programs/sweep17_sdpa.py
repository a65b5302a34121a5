"""Attention the way the SDPA tutorial and a from-scratch GPT lecture write it: F.scaled_dot_product_attention
with boolean and additive masks, is_causal, scale, dropout off in eval, the MATH backend chosen with
torch.nn.attention.sdpa_kernel, nn.MultiheadAttention (need_weights, average_attn_weights, key_padding_mask,
attn_mask, batch_first), and a tiny causal self-attention block trained for a few steps."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.attention import SDPBackend, sdpa_kernel

torch.manual_seed(0)


def naive_attention(q, k, v, mask=None, is_causal=False, scale=None):
    scale = 1 / math.sqrt(q.size(-1)) if scale is None else scale
    att = q @ k.transpose(-2, -1) * scale
    if is_causal:
        L, S = q.size(-2), k.size(-2)
        att = att.masked_fill(~torch.ones(L, S, dtype=torch.bool).tril(), float("-inf"))
    if mask is not None:
        att = att.masked_fill(~mask, float("-inf")) if mask.dtype == torch.bool else att + mask
    return att.softmax(-1) @ v


B, H, L, S, E = 2, 3, 5, 6, 8
q = torch.randn(B, H, L, E)
k = torch.randn(B, H, S, E)
v = torch.randn(B, H, S, E)
out = F.scaled_dot_product_attention(q, k, v)
print("shape:", out.shape, "matches naive:", torch.allclose(out, naive_attention(q, k, v), atol=1e-6))
bool_mask = torch.rand(L, S) > 0.3
bool_mask[:, 0] = True
out_b = F.scaled_dot_product_attention(q, k, v, attn_mask=bool_mask)
print("bool mask:", torch.allclose(out_b, naive_attention(q, k, v, bool_mask), atol=1e-6))
float_mask = torch.randn(L, S)
out_f = F.scaled_dot_product_attention(q, k, v, attn_mask=float_mask)
print("float mask:", torch.allclose(out_f, naive_attention(q, k, v, float_mask), atol=1e-6))
qs = torch.randn(B, H, L, E)
ks, vs = torch.randn(B, H, L, E), torch.randn(B, H, L, E)
out_c = F.scaled_dot_product_attention(qs, ks, vs, is_causal=True)
print("is_causal:", torch.allclose(out_c, naive_attention(qs, ks, vs, is_causal=True), atol=1e-6))
print("first query sees only the first key:", torch.allclose(out_c[..., 0, :], vs[..., 0, :], atol=1e-6))
out_s = F.scaled_dot_product_attention(q, k, v, scale=0.5)
print("scale=0.5:", torch.allclose(out_s, naive_attention(q, k, v, scale=0.5), atol=1e-6))
print("dropout_p=0 is deterministic:", torch.equal(F.scaled_dot_product_attention(q, k, v, dropout_p=0.0), out))
print("3-d inputs:", F.scaled_dot_product_attention(q[0], k[0], v[0]).shape)
print("values:", out[0, 0, 0].round(decimals=4))
fully_masked = torch.zeros(L, S, dtype=torch.bool)
print("all keys masked -> nan:", F.scaled_dot_product_attention(q, k, v, attn_mask=fully_masked).isnan().all().item())

with sdpa_kernel(SDPBackend.MATH):
    out_math = F.scaled_dot_product_attention(q, k, v, attn_mask=bool_mask)
print("MATH backend:", torch.allclose(out_math, out_b, atol=1e-6))
with sdpa_kernel([SDPBackend.MATH, SDPBackend.FLASH_ATTENTION]):
    print("list of backends:", F.scaled_dot_product_attention(q, k, v).shape)
print("backends:", [b.name for b in (SDPBackend.MATH, SDPBackend.FLASH_ATTENTION, SDPBackend.EFFICIENT_ATTENTION)])

# gradients flow to q, k, v
qg, kg, vg = (t.clone().requires_grad_() for t in (q, k, v))
F.scaled_dot_product_attention(qg, kg, vg, attn_mask=float_mask).pow(2).sum().backward()
qn, kn, vn = (t.clone().requires_grad_() for t in (q, k, v))
naive_attention(qn, kn, vn, float_mask).pow(2).sum().backward()
print("grads match naive:", all(torch.allclose(a.grad, b.grad, atol=1e-5) for a, b in ((qg, qn), (kg, kn), (vg, vn))))

# errors
for bad in (lambda: F.scaled_dot_product_attention(q, k, v, attn_mask=bool_mask, is_causal=True),
            lambda: F.scaled_dot_product_attention(q, k[..., :4], v),
            lambda: F.scaled_dot_product_attention(q, k, v.double())):
    try:
        bad()
    except RuntimeError as e:
        print(type(e).__name__, str(e)[:150])

# ---- nn.MultiheadAttention -------------------------------------------------------------------------------------
mha = nn.MultiheadAttention(embed_dim=8, num_heads=2, batch_first=True)
x = torch.randn(3, 4, 8)
o, w = mha(x, x, x)
print("mha:", o.shape, "weights averaged:", w.shape, "rows sum to 1:", torch.allclose(w.sum(-1), torch.ones(3, 4)))
o2, w2 = mha(x, x, x, average_attn_weights=False)
print("per-head weights:", w2.shape, torch.allclose(w2.mean(1), w, atol=1e-6))
o3, w3 = mha(x, x, x, need_weights=False)
print("need_weights=False:", w3, torch.allclose(o3, o, atol=1e-6))
pad = torch.tensor([[False, False, False, True], [False, False, True, True], [False, False, False, False]])
o4, w4 = mha(x, x, x, key_padding_mask=pad)
print("padded keys get zero weight:", bool((w4.masked_select(pad[:, None, :].expand_as(w4)) == 0).all()))
causal = nn.Transformer.generate_square_subsequent_mask(4)
print("causal mask:\n", causal)
o5, w5 = mha(x, x, x, attn_mask=causal)
print("causal weights upper triangle zero:", bool((w5.triu(1) == 0).all()))
bool_causal = torch.ones(4, 4, dtype=torch.bool).triu(1)
o6, _ = mha(x, x, x, attn_mask=bool_causal)
print("bool == float causal:", torch.allclose(o5, o6, atol=1e-6))
o7, _ = mha(x, x, x, attn_mask=causal, is_causal=True)
print("is_causal hint:", torch.allclose(o5, o7, atol=1e-6))
print("weight row:", w5[0, 2].detach().round(decimals=4))
mha.eval()
with torch.no_grad():
    oe, we = mha(x, x, x)
print("eval, no_grad:", oe.shape, we.shape)
mha_seq = nn.MultiheadAttention(8, 2)          # (L, N, E) layout
print("seq-first:", mha_seq(x.transpose(0, 1), x.transpose(0, 1), x.transpose(0, 1))[0].shape)
kv = nn.MultiheadAttention(8, 2, kdim=5, vdim=6, batch_first=True)
print("kdim/vdim:", kv(x, torch.randn(3, 7, 5), torch.randn(3, 7, 6))[1].shape,
      sorted(n for n, _ in kv.named_parameters()))
try:
    nn.MultiheadAttention(10, 3)
except AssertionError as e:
    print(type(e).__name__, e)
try:
    mha(x, x, x, attn_mask=torch.zeros(5, 5))
except RuntimeError as e:
    print(type(e).__name__, e)


# ---- a tiny causal self-attention block, trained ----------------------------------------------------------------
class CausalSelfAttention(nn.Module):
    def __init__(self, n_embd=16, n_head=2, dropout=0.1):
        super().__init__()
        self.c_attn = nn.Linear(n_embd, 3 * n_embd)
        self.c_proj = nn.Linear(n_embd, n_embd)
        self.n_head, self.n_embd, self.dropout = n_head, n_embd, dropout

    def forward(self, x):
        Bt, T, C = x.size()
        q, k, v = self.c_attn(x).split(self.n_embd, dim=2)
        q, k, v = (t.view(Bt, T, self.n_head, C // self.n_head).transpose(1, 2) for t in (q, k, v))
        y = F.scaled_dot_product_attention(q, k, v, dropout_p=self.dropout if self.training else 0.0, is_causal=True)
        return self.c_proj(y.transpose(1, 2).contiguous().view(Bt, T, C))


class TinyGPT(nn.Module):
    def __init__(self, vocab=11, n_embd=16, block=8):
        super().__init__()
        self.tok = nn.Embedding(vocab, n_embd)
        self.pos = nn.Embedding(block, n_embd)
        self.ln1 = nn.LayerNorm(n_embd)
        self.attn = CausalSelfAttention(n_embd, dropout=0.0)
        self.ln2 = nn.LayerNorm(n_embd)
        self.head = nn.Linear(n_embd, vocab)

    def forward(self, idx):
        x = self.tok(idx) + self.pos(torch.arange(idx.size(1)))
        x = x + self.attn(self.ln1(x))
        return self.head(self.ln2(x))


model = TinyGPT()
opt = torch.optim.AdamW(model.parameters(), lr=1e-2)
data = torch.arange(11).repeat(8)                    # 0 1 2 ... 10 0 1 2 ...: next token is +1 mod 11
for step in range(8):
    ix = torch.randint(0, len(data) - 9, (6,))
    xb = torch.stack([data[i:i + 8] for i in ix])
    yb = torch.stack([data[i + 1:i + 9] for i in ix])
    logits = model(xb)
    loss = F.cross_entropy(logits.view(-1, 11), yb.view(-1))
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
    print(f"step {step}: loss {loss.item():.4f}")
model.eval()
with torch.no_grad():
    pred = model(data[None, :8]).argmax(-1)
print("pred:", pred.tolist())
print("causality: changing the last token leaves earlier logits alone:",
      torch.allclose(model(torch.tensor([[1, 2, 3, 4]]))[0, :3], model(torch.tensor([[1, 2, 3, 9]]))[0, :3]))
