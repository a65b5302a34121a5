"""Attention from scratch, as "let's build GPT" notebooks do: hand-written scaled dot-product attention
checked against F.scaled_dot_product_attention and nn.MultiheadAttention, sinusoidal positions in a buffer,
and a tiny causal language model with weight tying."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(42)


def attention(q, k, v, mask=None, dropout=None):
    d_k = q.size(-1)
    scores = q @ k.transpose(-2, -1) / math.sqrt(d_k)
    if mask is not None:
        scores = scores.masked_fill(mask, float("-inf"))
    p_attn = scores.softmax(dim=-1)
    if dropout is not None:
        p_attn = dropout(p_attn)
    return p_attn @ v, p_attn


B, T, D = 2, 5, 8
q, k, v = torch.randn(B, T, D), torch.randn(B, T, D), torch.randn(B, T, D)
causal = torch.triu(torch.ones(T, T), diagonal=1).bool()
print(causal)
drop = nn.Dropout(0.5)
drop.eval()  # dropout is the identity in eval mode
out, weights = attention(q, k, v, mask=causal, dropout=drop)
print(out.shape, weights.shape)
print(weights[0].round(decimals=3))
print(torch.allclose(weights.sum(-1), torch.ones(B, T)))
ref = F.scaled_dot_product_attention(q, k, v, is_causal=True)
print("sdpa matches:", torch.allclose(out, ref, atol=1e-6))
tril = torch.tril(torch.ones(T, T, dtype=torch.bool))
print("bool mask matches:", torch.allclose(F.scaled_dot_product_attention(q, k, v, attn_mask=tril), ref, atol=1e-6))

# multi-head by hand vs nn.MultiheadAttention (same weights)
H = 2
mha = nn.MultiheadAttention(embed_dim=D, num_heads=H, batch_first=True)
print(mha)
print([(n, tuple(p.shape)) for n, p in mha.named_parameters()])
attn_out, attn_w = mha(q, k, v, need_weights=True)
print(attn_out.shape, attn_w.shape)
_, per_head = mha(q, k, v, need_weights=True, average_attn_weights=False)
print(per_head.shape, torch.allclose(per_head.mean(dim=1), attn_w, atol=1e-6))
none_out, none_w = mha(q, q, q, attn_mask=causal, need_weights=False)
print(none_w, none_out.shape)
pad = torch.tensor([[False] * T, [False, False, False, True, True]])
_, pad_w = mha(q, k, v, key_padding_mask=pad)
print(pad_w[1, 0].round(decimals=3), pad_w[1, :, 3:].abs().max().item())
scaled = F.scaled_dot_product_attention(q, k, v, scale=0.5)
print(f"{scaled.abs().mean().item():.4f}", torch.allclose(scaled, attention(q * math.sqrt(D) * 0.5, k, v)[0], atol=1e-5))

w_q, w_k, w_v = mha.in_proj_weight.chunk(3)
b_q, b_k, b_v = mha.in_proj_bias.chunk(3)
Q = F.linear(q, w_q, b_q).view(B, T, H, D // H).transpose(1, 2)
K = F.linear(k, w_k, b_k).view(B, T, H, D // H).transpose(1, 2)
V = F.linear(v, w_v, b_v).view(B, T, H, D // H).transpose(1, 2)
heads, head_w = attention(Q, K, V)
merged = heads.transpose(1, 2).contiguous().view(B, T, D)
manual = mha.out_proj(merged)
print("manual mha matches:", torch.allclose(manual, attn_out, atol=1e-5), torch.allclose(head_w, per_head, atol=1e-6))
print(f"{attn_out.abs().mean().item():.4f} {manual.abs().mean().item():.4f}")


class SinusoidalPositions(nn.Module):
    def __init__(self, d_model, max_len=32):
        super().__init__()
        pe = torch.zeros(max_len, d_model)
        position = torch.arange(0, max_len, dtype=torch.float).unsqueeze(1)
        div_term = torch.exp(torch.arange(0, d_model, 2).float() * (-math.log(10000.0) / d_model))
        pe[:, 0::2] = torch.sin(position * div_term)
        pe[:, 1::2] = torch.cos(position * div_term)
        self.register_buffer("pe", pe.unsqueeze(0), persistent=False)

    def forward(self, x):
        return x + self.pe[:, : x.size(1)]


class Block(nn.Module):
    def __init__(self, d, n_head, block_size):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.attn = nn.MultiheadAttention(d, n_head, dropout=0.0, batch_first=True)
        self.mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d), nn.Dropout(0.1))
        self.register_buffer("mask", torch.triu(torch.ones(block_size, block_size), diagonal=1).bool())

    def forward(self, x):
        t = x.size(1)
        h = self.ln1(x)
        a, _ = self.attn(h, h, h, attn_mask=self.mask[:t, :t], need_weights=False)
        x = x + a
        return x + self.mlp(self.ln2(x))


class TinyGPT(nn.Module):
    def __init__(self, vocab_size, d=16, n_head=2, n_layer=2, block_size=12):
        super().__init__()
        self.tok_emb = nn.Embedding(vocab_size, d)
        self.pos = SinusoidalPositions(d, block_size)
        self.blocks = nn.Sequential(*[Block(d, n_head, block_size) for _ in range(n_layer)])
        self.ln_f = nn.LayerNorm(d)
        self.lm_head = nn.Linear(d, vocab_size, bias=False)
        self.lm_head.weight = self.tok_emb.weight  # weight tying
        self.apply(self._init_weights)

    def _init_weights(self, module):
        if isinstance(module, nn.Linear):
            torch.nn.init.normal_(module.weight, mean=0.0, std=0.2)
            if module.bias is not None:
                torch.nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Embedding):
            torch.nn.init.normal_(module.weight, mean=0.0, std=0.2)

    def forward(self, idx, targets=None):
        x = self.blocks(self.pos(self.tok_emb(idx)))
        logits = self.lm_head(self.ln_f(x))
        loss = None
        if targets is not None:
            loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))
        return logits, loss


text = "hello attention is all you need " * 6
chars = sorted(set(text))
stoi = {ch: i for i, ch in enumerate(chars)}
itos = {i: ch for ch, i in stoi.items()}
data = torch.tensor([stoi[c] for c in text], dtype=torch.long)
torch.manual_seed(0)
model = TinyGPT(len(chars))
print(model.blocks[0])
print(sum(p.numel() for p in model.parameters()), "parameters (tied weights counted once)")
print(model.lm_head.weight is model.tok_emb.weight, "pos.pe" in model.state_dict(), "blocks.0.mask" in model.state_dict())

optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2)
block_size, batch_size = 12, 8
for it in range(60):
    ix = torch.randint(len(data) - block_size, (batch_size,))
    xb = torch.stack([data[i:i + block_size] for i in ix])
    yb = torch.stack([data[i + 1:i + block_size + 1] for i in ix])
    logits, loss = model(xb, yb)
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()
    if it % 10 == 0 or it == 59:
        print(f"iter {it}: loss {loss.item():.4f}", tuple(logits.shape))

model.eval()
idx = torch.tensor([[stoi["h"]]])
with torch.no_grad():
    for _ in range(10):
        logits, _ = model(idx[:, -block_size:])
        next_id = logits[:, -1, :].argmax(dim=-1, keepdim=True)
        idx = torch.cat((idx, next_id), dim=1)
print(repr("".join(itos[i] for i in idx[0].tolist())))
