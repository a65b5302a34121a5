"""Embedding lessons from an NLP course: nn.Embedding with padding_idx (zero row, no gradient, max_norm
renormalisation), Embedding.from_pretrained with freeze=True/False and padding_idx, F.embedding,
EmbeddingBag in mean/sum/max mode with offsets, include_last_offset and per_sample_weights (and the
from_pretrained variant), masked mean pooling of padded batches compared with EmbeddingBag, and a tiny
fastText-style classifier trained with SGD."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence

torch.manual_seed(0)
PAD = 0

emb = nn.Embedding(10, 4, padding_idx=PAD)
print(emb)
print("pad row:", emb.weight[PAD].tolist())
ids = torch.tensor([[1, 2, 0, 0], [3, 0, 0, 0], [4, 5, 6, 7]])
out = emb(ids)
print("out:", out.shape, out.dtype, out.grad_fn.__class__.__name__)
out.sum().backward()
print("grad rows:", emb.weight.grad.sum(1).tolist())

vectors = torch.arange(24, dtype=torch.float32).view(6, 4) / 10
frozen = nn.Embedding.from_pretrained(vectors, freeze=True, padding_idx=PAD)
print(frozen, frozen.weight.requires_grad)
print(frozen(torch.tensor([[5, 0, 2]])))
tuned = nn.Embedding.from_pretrained(vectors.clone(), freeze=False)
print("tuned requires_grad:", tuned.weight.requires_grad, tuned.padding_idx)
print(F.embedding(torch.tensor([1, 3]), vectors))

capped = nn.Embedding(5, 3, max_norm=1.0)
with torch.no_grad():
    capped.weight.mul_(3)
before = capped.weight.norm(dim=1).clone()
_ = capped(torch.tensor([0, 2, 2]))
after = capped.weight.norm(dim=1)
print("norms before:", before.round(decimals=3).tolist())
print("norms after :", after.round(decimals=3).tolist())

# EmbeddingBag with offsets: three "sentences" flattened
docs = [torch.tensor([1, 2, 4]), torch.tensor([5]), torch.tensor([4, 3, 2, 9])]
flat = torch.cat(docs)
offsets = torch.tensor([0] + [len(d) for d in docs[:-1]]).cumsum(0)
print("flat:", flat.tolist(), "offsets:", offsets.tolist())
torch.manual_seed(1)
bag = nn.EmbeddingBag(10, 3, mode="mean")
print(bag)
mean_out = bag(flat, offsets)
print(mean_out.round(decimals=4))
manual = torch.stack([bag.weight[d].mean(0) for d in docs])
print("matches manual mean:", torch.allclose(mean_out, manual))
bag_sum = nn.EmbeddingBag.from_pretrained(bag.weight.detach(), mode="sum", freeze=True)
w = torch.tensor([1.0, 0.5, 2.0, 1.0, 0.1, 0.2, 0.3, 0.4])
print("weighted sum:", bag_sum(flat, offsets, per_sample_weights=w).round(decimals=4))
print("include_last_offset:",
      bag_sum(flat, torch.cat([offsets, torch.tensor([len(flat)])]), ).shape,
      nn.EmbeddingBag(10, 3, mode="sum", include_last_offset=True)(flat, torch.tensor([0, 3, 4, 8])).shape)
idf_weights = torch.from_numpy(np.linspace(0.5, 2.0, len(flat)))       # float64 from NumPy: refused
try:
    bag_sum(flat, offsets, per_sample_weights=idf_weights)
except RuntimeError as e:
    print("RuntimeError:", str(e)[:120])
print("as float32:", bag_sum(flat, offsets, per_sample_weights=idf_weights.float()).round(decimals=4))
bag_max = nn.EmbeddingBag.from_pretrained(bag.weight.detach(), mode="max")
print("max:", bag_max(flat, offsets).round(decimals=4))
print("2D input:", bag(torch.tensor([[1, 2], [3, 4]])).shape)
pad_bag = nn.EmbeddingBag(10, 3, mode="mean", padding_idx=PAD)
print("padding_idx bag:", pad_bag(torch.tensor([[1, 0, 0], [0, 0, 0]]))[1].tolist())
print(F.embedding_bag(flat, bag.weight, offsets, mode="sum").round(decimals=4))
try:
    bag(flat, offsets, per_sample_weights=w)
except (NotImplementedError, ValueError, RuntimeError) as e:
    print(type(e).__name__, str(e)[:90])

# masked mean pooling of a padded batch
padded = pad_sequence(docs, batch_first=True, padding_value=PAD)
mask = (padded != PAD).unsqueeze(-1).float()
h = F.embedding(padded, bag.weight.detach())
pooled = (h * mask).sum(1) / mask.sum(1).clamp(min=1)
print("masked mean == bag mean:", torch.allclose(pooled, mean_out.detach(), atol=1e-6))
masked_max = h.masked_fill(mask == 0, float("-inf")).max(1).values
print("masked max == bag max:", torch.allclose(masked_max, bag_max(flat, offsets)))


class FastText(nn.Module):
    def __init__(self, vocab, dim, classes):
        super().__init__()
        self.embedding = nn.EmbeddingBag(vocab, dim, mode="mean")
        self.fc = nn.Linear(dim, classes)
        self.init_weights()

    def init_weights(self):
        r = 0.5
        self.embedding.weight.data.uniform_(-r, r)
        self.fc.weight.data.uniform_(-r, r)
        self.fc.bias.data.zero_()

    def forward(self, text, offsets):
        return self.fc(self.embedding(text, offsets))


torch.manual_seed(2)
n_docs = 24
lens = torch.randint(2, 6, (n_docs,))
labels = torch.randint(0, 3, (n_docs,))
texts = [torch.randint(0, 7, (int(n),)) + 7 * lab for n, lab in zip(lens, labels)]
model = FastText(21, 6, 3)
opt = torch.optim.SGD(model.parameters(), lr=2.0)
sched = torch.optim.lr_scheduler.StepLR(opt, 1, gamma=0.9)
for epoch in range(4):
    perm = torch.randperm(n_docs)
    tot = 0.0
    for s in range(0, n_docs, 8):
        batch = perm[s:s + 8]
        text = torch.cat([texts[i] for i in batch])
        off = torch.tensor([0] + [len(texts[i]) for i in batch[:-1]]).cumsum(0)
        out = model(text, off)
        loss = F.cross_entropy(out, labels[batch])
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 0.1)
        opt.step()
        tot += loss.item()
    sched.step()
    print(f"epoch {epoch} loss {tot / 3:.4f} lr {sched.get_last_lr()[0]:.4f}")
with torch.no_grad():
    text = torch.cat(texts)
    off = torch.tensor([0] + [len(t) for t in texts[:-1]]).cumsum(0)
    acc = (model(text, off).argmax(1) == labels).float().mean()
print(f"train accuracy {acc.item():.3f}")
