"""A tiny nanoGPT-style character LM: tril-buffer causal attention, tanh GELU, weight tying, AdamW
decay/no-decay groups, clipping, estimate_loss and top-k sampling with temperature."""
import math
import torch
import torch.nn as nn
from torch.nn import functional as F

torch.manual_seed(1337)
text = "".join(["hello world. ", "the cat sat on the mat. ", "a dog ran far. "][i % 3] for i in range(40))
chars = sorted(set(text)); vocab_size = len(chars)
stoi = {ch: i for i, ch in enumerate(chars)}
encode = lambda s: [stoi[c] for c in s]
decode = lambda l: "".join(chars[i] for i in l)
data = torch.tensor(encode(text), dtype=torch.long)
train_data, val_data = data[:int(0.9 * len(data))], data[int(0.9 * len(data)):]
print(vocab_size, repr("".join(chars)), data.shape, data.dtype, decode(encode("the cat")))
block_size, batch_size, n_embd, n_head, n_layer = 16, 8, 32, 4, 2

def get_batch(split):
    d = train_data if split == "train" else val_data
    ix = torch.randint(len(d) - block_size, (batch_size,))
    return torch.stack([d[i:i + block_size] for i in ix]), torch.stack([d[i + 1:i + block_size + 1] for i in ix])

# the causal mask on a small score matrix
sc = torch.arange(9.0).view(1, 1, 3, 3).requires_grad_()
m = sc.masked_fill(torch.tril(torch.ones(3, 3)).view(1, 1, 3, 3) == 0, float("-inf"))
print(m, type(m.grad_fn).__name__, F.softmax(m, dim=-1))
print(F.gelu(torch.tensor([-1.0, 0.5, 2.0]), approximate="tanh"), F.gelu(torch.tensor([0.5]), approximate="none"))
try:
    F.gelu(torch.ones(1), approximate="fast")
except Exception as e: print(type(e).__name__, e)

class CausalSelfAttention(nn.Module):
    def __init__(self):
        super().__init__()
        self.c_attn, self.c_proj = nn.Linear(n_embd, 3 * n_embd), nn.Linear(n_embd, n_embd)
        self.attn_dropout = nn.Dropout(0.0)
        self.register_buffer("bias", torch.tril(torch.ones(block_size, block_size)).view(1, 1, block_size, block_size))

    def forward(self, x):
        B, T, C = x.size()
        q, k, v = self.c_attn(x).split(n_embd, dim=2)
        q, k, v = (z.view(B, T, n_head, C // n_head).transpose(1, 2) for z in (q, k, v))
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
        att = att.masked_fill(self.bias[:, :, :T, :T] == 0, float("-inf"))
        att = self.attn_dropout(F.softmax(att, dim=-1))
        y = (att @ v).transpose(1, 2).contiguous().view(B, T, C)
        return self.c_proj(y)

class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln_1, self.attn, self.ln_2 = nn.LayerNorm(n_embd), CausalSelfAttention(), nn.LayerNorm(n_embd)
        self.mlp = nn.ModuleDict(dict(c_fc=nn.Linear(n_embd, 4 * n_embd), c_proj=nn.Linear(4 * n_embd, n_embd)))

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp.c_proj(F.gelu(self.mlp.c_fc(self.ln_2(x)), approximate="tanh"))

class GPT(nn.Module):
    def __init__(self):
        super().__init__()
        self.transformer = nn.ModuleDict(dict(wte=nn.Embedding(vocab_size, n_embd), wpe=nn.Embedding(block_size, n_embd),
                                              h=nn.ModuleList([Block() for _ in range(n_layer)]),
                                              ln_f=nn.LayerNorm(n_embd)))
        self.lm_head = nn.Linear(n_embd, vocab_size, bias=False)
        self.transformer.wte.weight = self.lm_head.weight
        self.apply(self._init_weights)
        for pn, p in self.named_parameters():
            if pn.endswith("c_proj.weight"):
                torch.nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * n_layer))
        print("number of parameters: %d" % sum(p.numel() for p in self.parameters()))

    def _init_weights(self, module):
        if isinstance(module, (nn.Linear, nn.Embedding)):
            torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)
        if isinstance(module, nn.Linear) and module.bias is not None:
            torch.nn.init.zeros_(module.bias)

    def forward(self, idx, targets=None):
        b, t = idx.size()
        assert t <= block_size, f"Cannot forward sequence of length {t}, block size is only {block_size}"
        pos = torch.arange(0, t, dtype=torch.long)
        x = self.transformer.wte(idx) + self.transformer.wpe(pos)
        x = nn.Sequential(*self.transformer.h)(x)
        logits = self.lm_head(self.transformer.ln_f(x))
        if targets is None:
            return logits[:, [-1], :], None
        return logits, F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1), ignore_index=-1)

    def configure_optimizers(self, weight_decay, learning_rate, betas):
        param_dict = {pn: p for pn, p in self.named_parameters() if p.requires_grad}
        decay_params = [p for n, p in param_dict.items() if p.dim() >= 2]
        nodecay_params = [p for n, p in param_dict.items() if p.dim() < 2]
        for name, ps in [("decayed", decay_params), ("non-decayed", nodecay_params)]:
            print(f"num {name} parameter tensors: {len(ps)}, with {sum(p.numel() for p in ps):,} parameters")
        groups = [{"params": decay_params, "weight_decay": weight_decay}, {"params": nodecay_params, "weight_decay": 0.0}]
        return torch.optim.AdamW(groups, lr=learning_rate, betas=betas)

    @torch.no_grad()
    def generate(self, idx, max_new_tokens, temperature=1.0, top_k=None):
        for _ in range(max_new_tokens):
            logits = self(idx if idx.size(1) <= block_size else idx[:, -block_size:])[0][:, -1, :] / temperature
            if top_k is not None:
                v, _ = torch.topk(logits, min(top_k, logits.size(-1)))
                logits[logits < v[:, [-1]]] = -float("Inf")
            idx_next = torch.multinomial(F.softmax(logits, dim=-1), num_samples=1)
            idx = torch.cat((idx, idx_next), dim=1)
        return idx

model = GPT()
print(model.transformer.h[0], model.transformer.wte.weight is model.lm_head.weight)
print([n for n, _ in model.named_buffers()], model.transformer.h[0].attn.bias.shape, len(model.state_dict()))
optimizer = model.configure_optimizers(0.1, 3e-3, (0.9, 0.95))
print([(len(g["params"]), g["weight_decay"], g["lr"]) for g in optimizer.param_groups])

@torch.no_grad()
def estimate_loss(eval_iters=4):
    out = {}
    model.eval()
    for split in ["train", "val"]:
        out[split] = torch.tensor([model(*get_batch(split))[1].item() for _ in range(eval_iters)]).mean()
    model.train()
    return out

xb, yb = get_batch("train")
logits, loss = model(xb, yb)
print(logits.shape, type(loss.grad_fn).__name__, f"{loss.item():.4f} vs {math.log(vocab_size):.4f}")
for it in range(40):
    if it % 10 == 0:
        losses = estimate_loss()
        print(f"step {it}: train loss {losses['train']:.4f}, val loss {losses['val']:.4f}, training {model.training}")
    logits, loss = model(*get_batch("train"))
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
print(f"final loss {loss.item():.3f} norm {norm.item():.3f}")
out = model.generate(torch.zeros((1, 1), dtype=torch.long), 30, temperature=0.8, top_k=5)
print(out.shape, repr(decode(out[0].tolist())))
try:
    model(torch.zeros((1, block_size + 1), dtype=torch.long))
except AssertionError as e: print(type(e).__name__, e)
