"""Sequential recommendation as in a SASRec / GRU4Rec tutorial: left-padded item sequences, a
self-attentive model (item + learned positional embeddings, nn.TransformerEncoder with a causal mask
and a key-padding mask) trained on next-item prediction with cross_entropy(ignore_index=0), a GRU4Rec
baseline over packed sequences, and full-catalogue evaluation of the last step (HR@10, NDCG@10, MRR)."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence

torch.manual_seed(77)
n_items, max_len, n_users = 30, 10, 48   # item 0 is padding
# users walk a noisy cycle through the catalogue: next item = current + step (mod n) mostly
seqs = []
for u in range(n_users):
    L = int(torch.randint(5, max_len + 2, ()).item())
    step = 1 + u % 3
    start = int(torch.randint(1, n_items, ()).item())
    s = [(start + step * t - 1) % (n_items - 1) + 1 for t in range(L)]
    noise = torch.rand(L) < 0.15
    s = torch.where(noise, torch.randint(1, n_items, (L,)), torch.tensor(s))
    seqs.append(s)
lens = torch.tensor([len(s) for s in seqs])
print("lengths:", lens.tolist()[:12], "mean", lens.float().mean().item())
# inputs are all but the last item, targets are shifted by one; the final target is held out
inp = [s[:-1][-max_len:] for s in seqs]
tgt = [s[1:][-max_len:] for s in seqs]
in_len = torch.tensor([len(s) for s in inp])
# left padding, as SASRec does: flip, pad right, flip back
X = pad_sequence([s.flip(0) for s in inp], batch_first=True, padding_value=0).flip(1)
Y = pad_sequence([s.flip(0) for s in tgt], batch_first=True, padding_value=0).flip(1)
print("padded batch:", X.shape, "\n", X[:3])
print("targets row 0:", Y[0])


class SASRec(nn.Module):
    def __init__(self, n_items, d=16, heads=2, layers=2, max_len=10, p=0.1):
        super().__init__()
        self.item = nn.Embedding(n_items, d, padding_idx=0)
        self.pos = nn.Embedding(max_len, d)
        layer = nn.TransformerEncoderLayer(d, heads, dim_feedforward=32, dropout=p, batch_first=True, norm_first=True)
        self.enc = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(d)
        self.drop = nn.Dropout(p)

    def forward(self, x):
        T = x.size(1)
        h = self.item(x) * self.item.embedding_dim ** 0.5 + self.pos(torch.arange(T)).unsqueeze(0)
        h = self.drop(h) * (x != 0).unsqueeze(-1)
        causal = nn.Transformer.generate_square_subsequent_mask(T)
        h = self.enc(h, mask=causal, src_key_padding_mask=(x == 0), is_causal=True)
        return self.norm(h) @ self.item.weight.T      # tied output layer: logits over items


model = SASRec(n_items, max_len=max_len)
print(model.enc.layers[0])
print("causal mask:\n", nn.Transformer.generate_square_subsequent_mask(4))
print("padding row grad-free:", model.item.weight[0].abs().sum().item())
opt = torch.optim.Adam(model.parameters(), lr=5e-3, betas=(0.9, 0.98))
for ep in range(30):
    model.train()
    perm = torch.randperm(n_users)
    tot = 0.0
    for b in perm.split(16):
        logits = model(X[b])
        loss = F.cross_entropy(logits.reshape(-1, n_items), Y[b].reshape(-1), ignore_index=0, label_smoothing=0.05)
        opt.zero_grad()
        loss.backward()
        opt.step()
        tot += loss.item()
    if ep % 10 == 9:
        print(f"SASRec epoch {ep + 1} loss {tot / 3:.3f}")
print("padding row (tied to the output layer):", round(model.item.weight[0].abs().sum().item(), 4),
      model.item.weight.grad[0].abs().sum().item() > 0)


def metrics(last_logits, target, seen):
    s = last_logits.clone()
    s[:, 0] = -float("inf")
    rank = (s > s.gather(1, target.unsqueeze(1))).sum(1)
    hr = (rank < 10).float().mean()
    ndcg = ((rank < 10).float() / torch.log2(rank.float() + 2)).mean()
    mrr = (1.0 / (rank.float() + 1)).mean()
    return round(hr.item(), 4), round(ndcg.item(), 4), round(mrr.item(), 4)


held = torch.stack([s[-1] for s in seqs])
full_in = pad_sequence([s[:-1][-max_len:].flip(0) for s in seqs], batch_first=True).flip(1)
model.eval()
with torch.no_grad():
    last_logits = model(full_in)[:, -1]
print("SASRec HR@10 / NDCG@10 / MRR:", metrics(last_logits, held, None))
# fully padded query rows make the fused inference kernel return NaN (NaN never ranks above the truth)
print("users with NaN logits:", last_logits.isnan().any(1).sum().item())
torch.backends.mha.set_fastpath_enabled(False)
with torch.no_grad():
    last_logits = model(full_in)[:, -1]
torch.backends.mha.set_fastpath_enabled(True)
print("without the fast path:", last_logits.isnan().any(1).sum().item(), metrics(last_logits, held, None))
print("user 0 next-item top-3:", last_logits[0].topk(3).indices.tolist(), "truth", held[0].item())


class GRU4Rec(nn.Module):
    def __init__(self, n_items, d=16, hidden=24):
        super().__init__()
        self.emb = nn.Embedding(n_items, d, padding_idx=0)
        self.gru = nn.GRU(d, hidden, batch_first=True)
        self.out = nn.Linear(hidden, n_items)

    def forward(self, x, lengths):
        packed = pack_padded_sequence(self.emb(x), lengths, batch_first=True, enforce_sorted=False)
        out, h = self.gru(packed)
        out, out_len = pad_packed_sequence(out, batch_first=True, total_length=x.size(1))
        return self.out(out), h[-1]


# right padding for the packed GRU
Xr = pad_sequence(inp, batch_first=True)
Yr = pad_sequence(tgt, batch_first=True)
gru = GRU4Rec(n_items)
print(gru)
packed = pack_padded_sequence(gru.emb(Xr[:4]), in_len[:4], batch_first=True, enforce_sorted=False)
print("batch sizes:", packed.batch_sizes.tolist(), "sorted idx:", packed.sorted_indices.tolist())
opt = torch.optim.RMSprop(gru.parameters(), lr=0.01)
for ep in range(30):
    logits, _ = gru(Xr, in_len)
    loss = F.cross_entropy(logits.transpose(1, 2), Yr, ignore_index=0)
    opt.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_value_(gru.parameters(), 1.0)
    opt.step()
    if ep % 10 == 9:
        print(f"GRU4Rec epoch {ep + 1} loss {loss.item():.3f}")
with torch.no_grad():
    _, h_last = gru(Xr, in_len)
    g_logits = gru.out(h_last)
print("GRU4Rec HR@10 / NDCG@10 / MRR:", metrics(g_logits, held, None))
per_pos = F.cross_entropy(logits[0], Yr[0], ignore_index=0, reduction="none")
print("hard positions (first user, loss > 0.3):", (per_pos > 0.3).nonzero().flatten().tolist(),
      "ignored:", (Yr[0] == 0).sum().item())

try:
    pack_padded_sequence(gru.emb(Xr[:3]), torch.tensor([3, 5, 4]), batch_first=True)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    model(torch.randint(1, n_items, (2, max_len + 1)))
except IndexError as e:
    print("IndexError:", e)
try:
    F.cross_entropy(torch.randn(2, 5, 3), torch.randint(0, 5, (2, 4)))
except RuntimeError as e:
    print("RuntimeError:", e)
