"""A GPT built step by step the way "build an LLM from scratch" book chapters do it, at toy size: a
regex word tokenizer with <|unk|>/<|endoftext|>, a sliding-window GPTDataset, token + position
embeddings, causal self-attention written three times (a plain loop over weights, a class with a
registered triu mask, then a multi-head class with a combined qkv split by view/transpose), a
hand-written LayerNorm / GELU / FeedForward, the GPT model, greedy generation, a training loop with
loss over loaders, temperature and top-k sampling, saving and reloading model+optimizer, and a
classification head finetuned on the last token with only the last block unfrozen."""
import io
import re

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(123)
torch.set_printoptions(precision=4, sci_mode=False)

text = ("the cat sat on the mat. the dog sat on the log. a cat and a dog met on the mat, "
        "and the cat ran to the log while the dog sat. ") * 4
tokens = [t.strip() for t in re.split(r'([,.:;?_!"()\']|--|\s)', text) if t.strip()]
vocab = {tok: i for i, tok in enumerate(sorted(set(tokens)) + ["<|endoftext|>", "<|unk|>"])}
print(len(tokens), len(vocab), list(vocab.items())[:5])


class SimpleTokenizer:
    def __init__(self, vocab):
        self.str_to_int = vocab
        self.int_to_str = {i: s for s, i in vocab.items()}

    def encode(self, text):
        pre = [t.strip() for t in re.split(r'([,.:;?_!"()\']|--|\s)', text) if t.strip()]
        return [self.str_to_int.get(t, self.str_to_int["<|unk|>"]) for t in pre]

    def decode(self, ids):
        out = " ".join(self.int_to_str[i] for i in ids)
        return re.sub(r'\s+([,.?!"()\'])', r"\1", out)


tok = SimpleTokenizer(vocab)
ids = tok.encode("the bird sat on the mat.")
print(ids, tok.decode(ids))


class GPTDataset(Dataset):
    def __init__(self, txt, tokenizer, max_length, stride):
        self.input_ids, self.target_ids = [], []
        token_ids = tokenizer.encode(txt)
        for i in range(0, len(token_ids) - max_length, stride):
            self.input_ids.append(torch.tensor(token_ids[i:i + max_length]))
            self.target_ids.append(torch.tensor(token_ids[i + 1:i + max_length + 1]))

    def __len__(self):
        return len(self.input_ids)

    def __getitem__(self, idx):
        return self.input_ids[idx], self.target_ids[idx]


ds = GPTDataset(text, tok, max_length=8, stride=4)
split = int(0.85 * len(ds))
train_ds = torch.utils.data.Subset(ds, range(split))
val_ds = torch.utils.data.Subset(ds, range(split, len(ds)))
train_loader = DataLoader(train_ds, batch_size=4, shuffle=True, drop_last=True)
val_loader = DataLoader(val_ds, batch_size=4, shuffle=False, drop_last=False)
x, y = next(iter(DataLoader(ds, batch_size=2, shuffle=False)))
print("inputs:\n", x, "\ntargets:\n", y)
print(len(ds), len(train_loader), len(val_loader))

# ---- embeddings ----
tok_emb = nn.Embedding(len(vocab), 6)
pos_emb = nn.Embedding(8, 6)
h = tok_emb(x) + pos_emb(torch.arange(8))
print(h.shape, h[0, :2])

# ---- self-attention by hand ----
inputs = torch.tensor([[0.43, 0.15, 0.89], [0.55, 0.87, 0.66], [0.57, 0.85, 0.64],
                       [0.22, 0.58, 0.33], [0.77, 0.25, 0.10], [0.05, 0.80, 0.55]])
attn_scores = inputs @ inputs.T
attn_weights = torch.softmax(attn_scores, dim=-1)
print(attn_weights[1], attn_weights.sum(dim=-1))
context = attn_weights @ inputs
print(context[1])
W_query = nn.Parameter(torch.rand(3, 2), requires_grad=False)
W_key = nn.Parameter(torch.rand(3, 2), requires_grad=False)
W_value = nn.Parameter(torch.rand(3, 2), requires_grad=False)
keys, values, queries = inputs @ W_key, inputs @ W_value, inputs @ W_query
scores = queries @ keys.T
weights = torch.softmax(scores / keys.shape[-1] ** 0.5, dim=-1)
print(weights[1], (weights @ values)[1])
mask_simple = torch.tril(torch.ones(6, 6))
masked = weights * mask_simple
print(masked / masked.sum(dim=-1, keepdim=True))
mask = torch.triu(torch.ones(6, 6), diagonal=1)
print(torch.softmax(scores.masked_fill(mask.bool(), -torch.inf) / 2 ** 0.5, dim=1))
dropout = nn.Dropout(0.5)
print(dropout(torch.ones(6, 6)))


class CausalAttention(nn.Module):
    def __init__(self, d_in, d_out, context_length, dropout, qkv_bias=False):
        super().__init__()
        self.W_query = nn.Linear(d_in, d_out, bias=qkv_bias)
        self.W_key = nn.Linear(d_in, d_out, bias=qkv_bias)
        self.W_value = nn.Linear(d_in, d_out, bias=qkv_bias)
        self.dropout = nn.Dropout(dropout)
        self.register_buffer("mask", torch.triu(torch.ones(context_length, context_length), diagonal=1))

    def forward(self, x):
        b, n, d = x.shape
        q, k, v = self.W_query(x), self.W_key(x), self.W_value(x)
        s = q @ k.transpose(1, 2)
        s.masked_fill_(self.mask.bool()[:n, :n], -torch.inf)
        w = self.dropout(torch.softmax(s / k.shape[-1] ** 0.5, dim=-1))
        return w @ v


batch = torch.stack((inputs, inputs), dim=0)
ca = CausalAttention(3, 2, 6, 0.0)
print(ca(batch).shape, ca(batch)[0, -1])
print([n for n, _ in ca.named_buffers()], ca.state_dict().keys())


class MultiHeadAttention(nn.Module):
    def __init__(self, d_in, d_out, context_length, dropout, num_heads, qkv_bias=False):
        super().__init__()
        assert d_out % num_heads == 0, "d_out must be divisible by num_heads"
        self.d_out, self.num_heads, self.head_dim = d_out, num_heads, d_out // num_heads
        self.qkv = nn.Linear(d_in, 3 * d_out, bias=qkv_bias)
        self.out_proj = nn.Linear(d_out, d_out)
        self.dropout = nn.Dropout(dropout)
        self.register_buffer("mask", torch.triu(torch.ones(context_length, context_length), diagonal=1),
                             persistent=False)

    def forward(self, x):
        b, n, _ = x.shape
        qkv = self.qkv(x).view(b, n, 3, self.num_heads, self.head_dim).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.unbind(0)
        s = q @ k.transpose(2, 3)
        s.masked_fill_(self.mask.bool()[:n, :n], -torch.inf)
        w = self.dropout(torch.softmax(s / self.head_dim ** 0.5, dim=-1))
        ctx = (w @ v).transpose(1, 2).contiguous().view(b, n, self.d_out)
        return self.out_proj(ctx)


mha = MultiHeadAttention(3, 4, 6, 0.0, num_heads=2)
print(mha(batch)[1, 2], mha)
try:
    MultiHeadAttention(3, 5, 6, 0.0, num_heads=2)
except AssertionError as e:
    print("AssertionError:", e)


class LayerNorm(nn.Module):
    def __init__(self, emb_dim):
        super().__init__()
        self.eps = 1e-5
        self.scale = nn.Parameter(torch.ones(emb_dim))
        self.shift = nn.Parameter(torch.zeros(emb_dim))

    def forward(self, x):
        mean = x.mean(dim=-1, keepdim=True)
        var = x.var(dim=-1, keepdim=True, unbiased=False)
        return self.scale * (x - mean) / torch.sqrt(var + self.eps) + self.shift


class GELU(nn.Module):
    def forward(self, x):
        return 0.5 * x * (1 + torch.tanh(torch.sqrt(torch.tensor(2.0 / torch.pi)) * (x + 0.044715 * torch.pow(x, 3))))


class FeedForward(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(cfg["emb_dim"], 4 * cfg["emb_dim"]), GELU(),
                                    nn.Linear(4 * cfg["emb_dim"], cfg["emb_dim"]))

    def forward(self, x):
        return self.layers(x)


ln = LayerNorm(5)
z = ln(torch.randn(2, 5))
print(z.mean(dim=-1, keepdim=True), z.var(dim=-1, keepdim=True, unbiased=False))
print(GELU()(torch.linspace(-3, 3, 7)), nn.GELU(approximate="tanh")(torch.linspace(-3, 3, 7)))

CFG = {"vocab_size": len(vocab), "context_length": 8, "emb_dim": 16, "n_heads": 2, "n_layers": 2,
       "drop_rate": 0.1, "qkv_bias": False}


class TransformerBlock(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.att = MultiHeadAttention(cfg["emb_dim"], cfg["emb_dim"], cfg["context_length"], cfg["drop_rate"],
                                      cfg["n_heads"], cfg["qkv_bias"])
        self.ff = FeedForward(cfg)
        self.norm1, self.norm2 = LayerNorm(cfg["emb_dim"]), LayerNorm(cfg["emb_dim"])
        self.drop_shortcut = nn.Dropout(cfg["drop_rate"])

    def forward(self, x):
        x = x + self.drop_shortcut(self.att(self.norm1(x)))
        return x + self.drop_shortcut(self.ff(self.norm2(x)))


class GPTModel(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.tok_emb = nn.Embedding(cfg["vocab_size"], cfg["emb_dim"])
        self.pos_emb = nn.Embedding(cfg["context_length"], cfg["emb_dim"])
        self.drop_emb = nn.Dropout(cfg["drop_rate"])
        self.trf_blocks = nn.Sequential(*[TransformerBlock(cfg) for _ in range(cfg["n_layers"])])
        self.final_norm = LayerNorm(cfg["emb_dim"])
        self.out_head = nn.Linear(cfg["emb_dim"], cfg["vocab_size"], bias=False)

    def forward(self, in_idx):
        b, n = in_idx.shape
        x = self.tok_emb(in_idx) + self.pos_emb(torch.arange(n, device=in_idx.device))
        x = self.trf_blocks(self.drop_emb(x))
        return self.out_head(self.final_norm(x))


torch.manual_seed(123)
model = GPTModel(CFG)
total = sum(p.numel() for p in model.parameters())
print(f"Total number of parameters: {total:,}")
print(f"without the output head: {total - sum(p.numel() for p in model.out_head.parameters()):,}")
print(f"Total size of the model: {total * 4 / (1024 * 1024):.2f} MB")
print(model.trf_blocks[0])


def generate_text_simple(model, idx, max_new_tokens, context_size):
    for _ in range(max_new_tokens):
        with torch.no_grad():
            logits = model(idx[:, -context_size:])[:, -1, :]
        idx_next = torch.argmax(torch.softmax(logits, dim=-1), dim=-1, keepdim=True)
        idx = torch.cat((idx, idx_next), dim=1)
    return idx


model.eval()
start = torch.tensor(tok.encode("the cat")).unsqueeze(0)
out = generate_text_simple(model, start, 6, CFG["context_length"])
print(out, out.shape, tok.decode(out.squeeze(0).tolist()))


def calc_loss_batch(input_batch, target_batch, model):
    logits = model(input_batch)
    return torch.nn.functional.cross_entropy(logits.flatten(0, 1), target_batch.flatten())


def calc_loss_loader(loader, model, num_batches=None):
    if len(loader) == 0:
        return float("nan")
    num_batches = len(loader) if num_batches is None else min(num_batches, len(loader))
    total = 0.0
    for i, (xb, yb) in enumerate(loader):
        if i >= num_batches:
            break
        total += calc_loss_batch(xb, yb, model).item()
    return total / num_batches


with torch.no_grad():
    print(f"initial train {calc_loss_loader(train_loader, model):.3f} val {calc_loss_loader(val_loader, model):.3f}")

optimizer = torch.optim.AdamW(model.parameters(), lr=4e-3, weight_decay=0.1)
tokens_seen, global_step = 0, -1
for epoch in range(3):
    model.train()
    for xb, yb in train_loader:
        optimizer.zero_grad()
        loss = calc_loss_batch(xb, yb, model)
        loss.backward()
        optimizer.step()
        tokens_seen += xb.numel()
        global_step += 1
        if global_step % 5 == 0:
            model.eval()
            with torch.no_grad():
                tr, va = calc_loss_loader(train_loader, model, 2), calc_loss_loader(val_loader, model, 2)
            model.train()
            print(f"Ep {epoch + 1} (Step {global_step:06d}): Train loss {tr:.3f}, Val loss {va:.3f}")
print("tokens seen", tokens_seen)


def generate(model, idx, max_new_tokens, context_size, temperature=0.0, top_k=None, eos_id=None):
    for _ in range(max_new_tokens):
        with torch.no_grad():
            logits = model(idx[:, -context_size:])[:, -1, :]
        if top_k is not None:
            top_logits, _ = torch.topk(logits, top_k)
            min_val = top_logits[:, -1]
            logits = torch.where(logits < min_val, torch.tensor(float("-inf")).to(logits.device), logits)
        if temperature > 0.0:
            probs = torch.softmax(logits / temperature, dim=-1)
            idx_next = torch.multinomial(probs, num_samples=1)
        else:
            idx_next = torch.argmax(logits, dim=-1, keepdim=True)
        if idx_next == eos_id:
            break
        idx = torch.cat((idx, idx_next), dim=1)
    return idx


model.eval()
next_token_logits = torch.tensor([4.51, 0.89, -1.90, 6.75, 1.63, -1.62, -1.89, 6.28, 1.79])
for temp in (1, 0.1, 5):
    probas = torch.softmax(next_token_logits / temp, dim=0)
    sample = [torch.multinomial(probas, num_samples=1).item() for _ in range(200)]
    print(temp, torch.bincount(torch.tensor(sample), minlength=9))
top_logits, top_pos = torch.topk(next_token_logits, 3)
print(top_logits, top_pos)
print(torch.where(next_token_logits < top_logits[-1], torch.tensor(float("-inf")), next_token_logits))
torch.manual_seed(123)
out = generate(model, start, 6, CFG["context_length"], temperature=1.4, top_k=5)
print(tok.decode(out.squeeze(0).tolist()))

buf = io.BytesIO()
torch.save({"model_state_dict": model.state_dict(), "optimizer_state_dict": optimizer.state_dict()}, buf)
buf.seek(0)
checkpoint = torch.load(buf, weights_only=True)
model2 = GPTModel(CFG)
model2.load_state_dict(checkpoint["model_state_dict"])
opt2 = torch.optim.AdamW(model2.parameters(), lr=5e-4, weight_decay=0.1)
opt2.load_state_dict(checkpoint["optimizer_state_dict"])
print(sorted(checkpoint.keys()), len(checkpoint["optimizer_state_dict"]["state"]),
      opt2.param_groups[0]["lr"], opt2.param_groups[0]["weight_decay"])
model2.eval()
print(torch.equal(model2(start), model(start)))

# ---- classification finetuning on the last token ----
for p in model2.parameters():
    p.requires_grad = False
torch.manual_seed(123)
model2.out_head = nn.Linear(CFG["emb_dim"], 2)
for p in model2.trf_blocks[-1].parameters():
    p.requires_grad = True
for p in model2.final_norm.parameters():
    p.requires_grad = True
print(sum(p.numel() for p in model2.parameters() if p.requires_grad))
xs = torch.stack([ds[i][0] for i in range(8)])
labels = (xs == vocab["dog"]).any(dim=1).long()
print(labels)
opt = torch.optim.AdamW([p for p in model2.parameters() if p.requires_grad], lr=1e-2, weight_decay=0.1)
model2.train()
for step in range(8):
    opt.zero_grad()
    logits = model2(xs)[:, -1, :]
    loss = torch.nn.functional.cross_entropy(logits, labels)
    loss.backward()
    opt.step()
    if step % 2 == 0:
        print(step, f"{loss.item():.4f}")
model2.eval()
with torch.no_grad():
    pred = torch.argmax(model2(xs)[:, -1, :], dim=-1)
print(pred, (pred == labels).float().mean().item())
