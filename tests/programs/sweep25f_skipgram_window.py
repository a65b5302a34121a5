"""Skip-gram pairs from sliding windows, negative sampling and a tiny word2vec trained with SGD."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(4)
text = ("the king rules the land . the queen rules the land . a man walks . a woman walks . "
        "the king and the queen walk in the land").split()
words = sorted(set(text))
stoi = {w: i for i, w in enumerate(words)}
ids = torch.tensor([stoi[w] for w in text])
V = len(words)
print("V", V, "tokens", ids.numel())
freq = torch.bincount(ids, minlength=V).float()
print(freq)

window = 2
win = F.pad(ids, (window, window), value=-1).unfold(0, 2 * window + 1, 1)
print(win.shape, win[:3])
center = win[:, window].repeat_interleave(2 * window)
ctx = torch.cat([win[:, :window], win[:, window + 1:]], dim=1).reshape(-1)
keep = ctx >= 0
pairs = torch.stack([center[keep], ctx[keep]], dim=1)
print(pairs.shape, pairs[:5].tolist())

t = 1e-2
pfreq = freq / freq.sum()
p_keep = ((t / pfreq).sqrt() + t / pfreq).clamp(max=1.0)
print(p_keep.round(decimals=4))
g = torch.Generator().manual_seed(11)
sub = torch.bernoulli(p_keep[ids], generator=g).bool()
print(sub.sum().item(), ids[sub][:10])

noise = pfreq.pow(0.75)
noise = noise / noise.sum()
K = 3

class SGNS(nn.Module):
    def __init__(self, V, d):
        super().__init__()
        self.inp = nn.Embedding(V, d)
        self.out = nn.Embedding(V, d)
        nn.init.uniform_(self.inp.weight, -0.5 / d, 0.5 / d)
        nn.init.zeros_(self.out.weight)

    def forward(self, c, o, neg):
        vc = self.inp(c)
        pos = F.logsigmoid((vc * self.out(o)).sum(-1))
        negs = F.logsigmoid(-torch.bmm(self.out(neg), vc.unsqueeze(-1)).squeeze(-1)).sum(-1)
        return -(pos + negs).mean()

model = SGNS(V, 8)
print(model)
opt = torch.optim.SGD(model.parameters(), lr=0.5, momentum=0.5)
for epoch in range(30):
    perm = torch.randperm(pairs.shape[0])
    total = 0.0
    for b in perm.split(16):
        c, o = pairs[b, 0], pairs[b, 1]
        neg = torch.multinomial(noise, b.numel() * K, replacement=True).view(-1, K)
        loss = model(c, o, neg)
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item() * b.numel()
    if epoch % 10 == 9:
        print(f"epoch {epoch + 1} loss {total / pairs.shape[0]:.4f}")

E = F.normalize(model.inp.weight.detach(), dim=1)
sims = E @ E[stoi["king"]]
print(sims.shape, sims[stoi["king"]].round(decimals=4))
bag = nn.EmbeddingBag(V, 4, mode="mean", padding_idx=stoi["."])
sent = torch.tensor([stoi[w] for w in "the king rules . a man walks .".split()])
offsets = torch.tensor([0, 4])
print(bag(sent, offsets).shape)
bag_sum = nn.EmbeddingBag.from_pretrained(torch.arange(V * 2, dtype=torch.float).view(V, 2), mode="sum")
print(bag_sum(sent, offsets, per_sample_weights=torch.linspace(0.5, 1.0, sent.numel())))
print(bag_sum(sent.view(2, 4)))
emb = nn.Embedding(V, 3, max_norm=1.0)
x = emb(ids[:6])
print(x.norm(dim=1).le(1.0 + 1e-6).all(), emb.weight.norm(dim=1)[ids[:6]].le(1.0 + 1e-6).all())
try:
    bag(sent, torch.tensor([0, 10]))
except Exception as e:
    print(type(e).__name__, e)
try:
    bag_sum(sent, offsets, per_sample_weights=torch.ones(3))
except Exception as e:
    print(type(e).__name__, e)
try:
    nn.EmbeddingBag(V, 4, mode="mean")(sent, offsets, per_sample_weights=torch.ones(sent.numel()))
except Exception as e:
    print(type(e).__name__, e)
try:
    model.inp(torch.tensor([V]))
except Exception as e:
    print(type(e).__name__, e)
try:
    model.inp(torch.tensor([1.0]))
except Exception as e:
    print(type(e).__name__, e)
