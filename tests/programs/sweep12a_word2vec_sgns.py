"""Word2vec skip-gram with negative sampling on a synthetic corpus: unigram^0.75 noise distribution,
torch.multinomial with a Generator, bmm scores, logsigmoid loss, sparse embeddings with SparseAdam."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
g = torch.Generator().manual_seed(3)

groups = [["king", "queen", "prince", "crown"], ["apple", "pear", "plum", "fruit"],
          ["car", "bus", "train", "road"], ["cat", "dog", "mouse", "pet"]]
words = [w for grp in groups for w in grp] + ["the", "and"]
stoi = {w: i for i, w in enumerate(words)}
corpus = []
for _ in range(120):
    grp = groups[int(torch.randint(len(groups), (1,), generator=g))]
    for _ in range(3):
        corpus.append(grp[int(torch.randint(4, (1,), generator=g))])
    corpus.append(words[16 + int(torch.randint(2, (1,), generator=g))])
ids = torch.tensor([stoi[w] for w in corpus])
print(len(corpus), corpus[:8], ids[:8])

counts = torch.bincount(ids, minlength=len(words)).float()
print("counts", counts.long().tolist())
noise = counts.pow(0.75)
noise = noise / noise.sum()
print("noise", noise.round(decimals=4), noise.dtype, f"{noise.sum().item():.4f}")

window = 2
pairs = [(ids[i].item(), ids[j].item()) for i in range(len(ids))
         for j in range(max(0, i - window), min(len(ids), i + window + 1)) if i != j]
centers = torch.tensor([p[0] for p in pairs])
contexts = torch.tensor([p[1] for p in pairs])
print("pairs", centers.shape, contexts[:10])

s = torch.multinomial(noise, 10, replacement=True, generator=torch.Generator().manual_seed(5))
print("neg sample", s, s.dtype)
print("no replacement", torch.multinomial(noise, 6, generator=torch.Generator().manual_seed(5)))
print("2d", torch.multinomial(noise.repeat(2, 1), 4, True, generator=torch.Generator().manual_seed(1)).shape)
for bad in [lambda: torch.multinomial(noise, 40), lambda: torch.multinomial(-noise, 2),
            lambda: torch.multinomial(torch.zeros(3), 1)]:
    try:
        bad()
    except Exception as e:
        print(type(e).__name__, e)


class SkipGram(nn.Module):
    def __init__(self, vocab, dim):
        super().__init__()
        self.in_embed = nn.Embedding(vocab, dim, sparse=True)
        self.out_embed = nn.Embedding(vocab, dim, sparse=True)
        r = 0.5 / dim
        self.in_embed.weight.data.uniform_(-r, r)
        self.out_embed.weight.data.uniform_(-r, r)

    def forward(self, center, context, negatives):
        v = self.in_embed(center).unsqueeze(2)                 # B x D x 1
        u = self.out_embed(context).unsqueeze(1)               # B x 1 x D
        n = self.out_embed(negatives)                          # B x K x D
        pos = F.logsigmoid(torch.bmm(u, v).squeeze())
        neg = F.logsigmoid(-torch.bmm(n, v).squeeze(2)).sum(1)
        return -(pos + neg).mean()


model = SkipGram(len(words), 8)
print(model)
opt = torch.optim.SparseAdam(model.parameters(), lr=0.05)
print(opt)
sample_gen = torch.Generator().manual_seed(7)
B, K = 64, 5
for step in range(60):
    perm = torch.randperm(len(centers), generator=sample_gen)[:B]
    negs = torch.multinomial(noise, B * K, replacement=True, generator=sample_gen).view(B, K)
    loss = model(centers[perm], contexts[perm], negs)
    opt.zero_grad()
    loss.backward()
    if step == 0:
        gw = model.in_embed.weight.grad
        print(type(loss.grad_fn).__name__, gw.is_sparse, gw.layout, gw.shape)
        print("nnz rows", gw.coalesce().indices().shape, gw._nnz() >= B)
    opt.step()
    if step % 15 == 0 or step == 59:
        print(f"step {step} loss {loss.item():.4f}")


def dense_grad_to_sparse_adam():
    p = nn.Parameter(torch.zeros(2))
    p.grad = torch.ones(2)
    torch.optim.SparseAdam([p], lr=0.1).step()


def sparse_grad_to_adam():
    y = nn.Embedding(3, 2, sparse=True)
    y(torch.tensor([1])).sum().backward()
    torch.optim.Adam(y.parameters()).step()


for bad in [dense_grad_to_sparse_adam, sparse_grad_to_adam, lambda: torch.optim.SparseAdam([], lr=0.1),
            lambda: torch.optim.SparseAdam(model.parameters(), lr=-1.0)]:
    try:
        bad()
    except Exception as e:
        print(type(e).__name__, e)

emb = model.in_embed.weight.detach()
normed = F.normalize(emb, dim=1)
sim = normed @ normed.T
for w in ["king", "apple", "car", "cat"]:
    vals, idx = torch.topk(sim[stoi[w]], 4)
    print(w, [words[i] for i in idx.tolist()[1:]], vals.shape)
print("cos", F.cosine_similarity(emb[0:1], emb[1:2]).shape, type(vals), idx.dtype)
print("topk smallest", torch.topk(torch.tensor([3.0, 1.0, 2.0, 1.0]), 2, largest=False))
print("topk unsorted", torch.topk(torch.tensor([[3.0, 1.0, 5.0], [0.0, 9.0, 4.0]]), 2, dim=1).indices)

# max_norm renormalizes the looked-up rows in place
w = torch.tensor([[3.0, 4.0], [0.3, 0.4], [6.0, 8.0]])
out = F.embedding(torch.tensor([0, 2, 0]), w, max_norm=1.0)
print(out, w)
e = nn.Embedding(3, 2, max_norm=2.0, norm_type=1.0)
e.weight.data = torch.tensor([[3.0, 4.0], [0.3, 0.4], [6.0, 8.0]])
print(e(torch.tensor([1, 2])), e.weight.data, e)
