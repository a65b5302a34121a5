"""A tiny GPT with a key/value cache, as in the "write a KV cache for nanoGPT" tutorials: causal masks
built with torch.triu / torch.tril and masked_fill, a cache that grows by torch.cat along the time
axis, position ids offset by the cache length, a rolling (sliding-window) cache, batched prefill with
left padding, and the check that cached decoding equals recomputing the whole prefix."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class CausalSelfAttention(nn.Module):
    def __init__(self, n_embd, n_head, block_size):
        super().__init__()
        self.n_head = n_head
        self.c_attn = nn.Linear(n_embd, 3 * n_embd)
        self.c_proj = nn.Linear(n_embd, n_embd)
        self.register_buffer("bias", torch.tril(torch.ones(block_size, block_size)).view(1, 1, block_size, block_size))

    def forward(self, x, past_kv=None, attn_mask=None):
        B, T, C = x.size()
        q, k, v = self.c_attn(x).split(C, dim=2)
        q = q.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        k = k.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        v = v.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        if past_kv is not None:
            pk, pv = past_kv
            k = torch.cat((pk, k), dim=-2)
            v = torch.cat((pv, v), dim=-2)
        present = (k, v)
        S = k.size(-2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
        att = att.masked_fill(self.bias[:, :, S - T:S, :S] == 0, float("-inf"))
        if attn_mask is not None:
            att = att.masked_fill(attn_mask[:, None, None, :S] == 0, torch.finfo(att.dtype).min)
        att = F.softmax(att, dim=-1)
        y = att @ v
        y = y.transpose(1, 2).contiguous().view(B, T, C)
        return self.c_proj(y), present


class Block(nn.Module):
    def __init__(self, n_embd, n_head, block_size):
        super().__init__()
        self.ln_1 = nn.LayerNorm(n_embd)
        self.attn = CausalSelfAttention(n_embd, n_head, block_size)
        self.ln_2 = nn.LayerNorm(n_embd)
        self.mlp = nn.Sequential(nn.Linear(n_embd, 4 * n_embd), nn.GELU(approximate="tanh"),
                                 nn.Linear(4 * n_embd, n_embd))

    def forward(self, x, past_kv=None, attn_mask=None):
        a, present = self.attn(self.ln_1(x), past_kv, attn_mask)
        x = x + a
        x = x + self.mlp(self.ln_2(x))
        return x, present


class TinyGPT(nn.Module):
    def __init__(self, vocab_size=32, block_size=24, n_layer=2, n_head=2, n_embd=16):
        super().__init__()
        self.block_size = block_size
        self.wte = nn.Embedding(vocab_size, n_embd)
        self.wpe = nn.Embedding(block_size, n_embd)
        self.h = nn.ModuleList([Block(n_embd, n_head, block_size) for _ in range(n_layer)])
        self.ln_f = nn.LayerNorm(n_embd)
        self.lm_head = nn.Linear(n_embd, vocab_size, bias=False)
        self.wte.weight = self.lm_head.weight  # weight tying
        self.apply(self._init_weights)

    def _init_weights(self, module):
        if isinstance(module, nn.Linear):
            torch.nn.init.normal_(module.weight, mean=0.0, std=0.2)
            if module.bias is not None:
                torch.nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Embedding):
            torch.nn.init.normal_(module.weight, mean=0.0, std=0.2)

    def forward(self, idx, past_key_values=None, position_ids=None, attn_mask=None):
        B, T = idx.shape
        past_length = 0 if past_key_values is None else past_key_values[0][0].size(-2)
        if position_ids is None:
            position_ids = torch.arange(past_length, past_length + T, dtype=torch.long).unsqueeze(0)
        x = self.wte(idx) + self.wpe(position_ids)
        presents = []
        for i, block in enumerate(self.h):
            x, present = block(x, None if past_key_values is None else past_key_values[i], attn_mask)
            presents.append(present)
        x = self.ln_f(x)
        return self.lm_head(x), tuple(presents)


@torch.no_grad()
def generate_no_cache(model, idx, max_new_tokens):
    for _ in range(max_new_tokens):
        idx_cond = idx[:, -model.block_size:]
        logits, _ = model(idx_cond)
        next_id = logits[:, -1, :].argmax(dim=-1, keepdim=True)
        idx = torch.cat((idx, next_id), dim=1)
    return idx


@torch.no_grad()
def generate_with_cache(model, idx, max_new_tokens):
    logits, past = model(idx)
    out = [idx]
    for _ in range(max_new_tokens):
        next_id = logits[:, -1, :].argmax(dim=-1, keepdim=True)
        out.append(next_id)
        logits, past = model(next_id, past_key_values=past)
    return torch.cat(out, dim=1), past


torch.manual_seed(0)
model = TinyGPT()
model.eval()
print(model.h[0].attn)
print("params", sum(p.numel() for p in model.parameters()), "tied", model.wte.weight is model.lm_head.weight)

mask = torch.triu(torch.ones(5, 5), diagonal=1).bool()
print("triu mask\n", mask.int())
print("tril == ~triu", torch.equal(torch.tril(torch.ones(5, 5)).bool(), ~mask))
scores = torch.randn(5, 5).masked_fill(mask, float("-inf"))
print(scores.softmax(-1).round(decimals=4))
print("tril offset", torch.tril(torch.ones(3, 5), diagonal=2).tolist())

prompt = torch.randint(0, 32, (2, 4))
print("prompt", prompt.tolist())
a = generate_no_cache(model, prompt, 8)
b, past = generate_with_cache(model, prompt, 8)
print("no cache ", a.tolist())
print("with cache", b.tolist())
print("same tokens", torch.equal(a, b))
print("cache shapes", [tuple(t.shape) for t in past[0]], len(past))

# logits from the cache path equal the full recomputation
full, _ = model(b)
_, pre = model(b[:, :-1])
step, _ = model(b[:, -1:], past_key_values=pre)
print("last logits close", torch.allclose(full[:, -1], step[:, -1], atol=1e-5))
print("max diff small", (full[:, -1] - step[:, -1]).abs().max().item() < 1e-5)
print(step[0, -1, :6].round(decimals=3))

# batched prefill with left padding: attention mask and position ids from cumsum
pad_id = 0
seqs = [[5, 9, 3], [7, 2, 11, 4, 6]]
L = max(len(s) for s in seqs)
input_ids = torch.full((2, L), pad_id, dtype=torch.long)
attention_mask = torch.zeros(2, L, dtype=torch.long)
for i, s in enumerate(seqs):
    input_ids[i, L - len(s):] = torch.tensor(s)
    attention_mask[i, L - len(s):] = 1
position_ids = (attention_mask.cumsum(-1) - 1).clamp(min=0)
lengths = torch.tensor([len(s) for s in seqs])
rows = [[pad_id] * (lengths.max() - n) + s for s, n in zip(seqs, lengths)]  # list * 0-d tensor
print("input_ids", input_ids.tolist(), "same as list padding", input_ids.tolist() == rows)
print("position_ids", position_ids.tolist())
with torch.no_grad():
    logits, past = model(input_ids, position_ids=position_ids, attn_mask=attention_mask)
    gen = []
    for _ in range(5):
        nxt = logits[:, -1].argmax(-1, keepdim=True)
        gen.append(nxt)
        attention_mask = torch.cat([attention_mask, torch.ones_like(nxt)], dim=1)
        pos = attention_mask.sum(-1, keepdim=True) - 1
        logits, past = model(nxt, past_key_values=past, position_ids=pos, attn_mask=attention_mask)
    gen = torch.cat(gen, 1)
    # each row decoded alone, without padding, gives the same tokens
    alone = [generate_with_cache(model, torch.tensor([s]), 5)[0][0, len(s):].tolist() for s in seqs]
print("batched", gen.tolist())
print("alone  ", alone)

# a sliding-window (rolling) cache keeps only the last W positions
W = 6
with torch.no_grad():
    k = torch.zeros(1, 2, 0, 8)
    for t in range(9):
        k = torch.cat([k, torch.full((1, 2, 1, 8), float(t))], dim=2)[:, :, -W:]
    print("rolling cache", k.shape, k[0, 0, :, 0].tolist())
    win = torch.ones(8, 8).tril().triu(diagonal=-(3 - 1))
    print("band mask\n", win.int())
    bias = torch.zeros(8, 8).masked_fill(win == 0, float("-inf"))
    print("band bias row 5", bias[5].tolist())

# a short training run so that the cache also works for a trained model
torch.manual_seed(1)
data = torch.tensor([i % 7 + 1 for i in range(200)])
opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.1)
model.train()
for it in range(15):
    ix = torch.randint(len(data) - 9, (8,))
    xb = torch.stack([data[i:i + 8] for i in ix])
    yb = torch.stack([data[i + 1:i + 9] for i in ix])
    logits, _ = model(xb)
    loss = F.cross_entropy(logits.view(-1, logits.size(-1)), yb.view(-1))
    opt.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    if it % 5 == 0 or it == 14:
        print(f"iter {it} loss {loss.item():.3f}")
model.eval()
out, _ = generate_with_cache(model, torch.tensor([[1, 2, 3]]), 10)
print("trained generation", out[0].tolist())
print("matches no-cache", torch.equal(out, generate_no_cache(model, torch.tensor([[1, 2, 3]]), 10)))
