"""Random walks and a tiny DeepWalk, in the style of node2vec / DeepWalk tutorials: uniform walks
with torch.multinomial over adjacency rows, node2vec second-order biased walks (return p, in-out
q), skip-gram context pairs from a sliding window, negative sampling from the degree^0.75 unigram
distribution, and an nn.Embedding pair trained with SparseAdam-free plain Adam on the logsigmoid loss."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)
# two 5-cliques joined by a bridge (the "barbell")
n = 10
A = torch.zeros(n, n)
A[:5, :5] = 1
A[5:, 5:] = 1
A.fill_diagonal_(0)
A[4, 5] = A[5, 4] = 1
deg = A.sum(1)
print("degrees", deg.long().tolist(), "edges", int(A.triu().sum().item()))
P = A / deg[:, None]
print("transition row sums", P.sum(1).round(decimals=6).unique())


def uniform_walks(starts, length):
    walks = [starts]
    cur = starts
    for _ in range(length - 1):
        cur = torch.multinomial(P[cur], 1).squeeze(1)
        walks.append(cur)
    return torch.stack(walks, dim=1)


starts = torch.arange(n).repeat(2)
W = uniform_walks(starts, 6)
print("walks", W.shape)
print(W[:4])
visits = torch.bincount(W.flatten(), minlength=n)
print("visit counts", visits.tolist())


def node2vec_walk(start, length, p=0.5, q=2.0, gen=None):
    walk = [start]
    nbrs = torch.nonzero(A[start]).flatten()
    walk.append(nbrs[torch.randint(len(nbrs), (1,), generator=gen)].item())
    while len(walk) < length:
        prev, cur = walk[-2], walk[-1]
        nbrs = torch.nonzero(A[cur]).flatten()
        bias = torch.where(nbrs == prev, torch.tensor(1.0 / p),
                           torch.where(A[prev, nbrs] > 0, torch.tensor(1.0), torch.tensor(1.0 / q)))
        nxt = nbrs[torch.multinomial(bias / bias.sum(), 1, generator=gen)].item()
        walk.append(nxt)
    return walk


g = torch.Generator().manual_seed(123)
n2v = [node2vec_walk(s, 8, gen=g) for s in [0, 4, 5, 9]]
for w in n2v:
    print("node2vec", w)
print("multinomial w/o replacement", torch.multinomial(torch.tensor([0.1, 0.2, 0.3, 0.4]), 4, generator=g).tolist())
print("multinomial with replacement", torch.multinomial(deg, 8, replacement=True, generator=g).tolist())


def context_pairs(walks, window=2):
    pairs = []
    L = walks.shape[1]
    for off in range(1, window + 1):
        pairs.append(torch.stack([walks[:, :L - off], walks[:, off:]], dim=-1).reshape(-1, 2))
        pairs.append(torch.stack([walks[:, off:], walks[:, :L - off]], dim=-1).reshape(-1, 2))
    return torch.cat(pairs)


torch.manual_seed(11)
walks = torch.cat([uniform_walks(torch.arange(n).repeat(4), 8)])
pairs = context_pairs(walks)
print("pairs", pairs.shape, pairs[:3].tolist())
noise = deg.pow(0.75)
noise = noise / noise.sum()
print("noise dist", noise.round(decimals=4))


class SkipGram(nn.Module):
    def __init__(self, num_nodes, dim):
        super().__init__()
        self.in_emb = nn.Embedding(num_nodes, dim)
        self.out_emb = nn.Embedding(num_nodes, dim)
        nn.init.uniform_(self.in_emb.weight, -0.5 / dim, 0.5 / dim)
        nn.init.zeros_(self.out_emb.weight)

    def forward(self, center, ctx, neg):
        u = self.in_emb(center)
        v = self.out_emb(ctx)
        vn = self.out_emb(neg)
        pos = F.logsigmoid((u * v).sum(-1))
        negs = F.logsigmoid(-torch.bmm(vn, u.unsqueeze(2)).squeeze(2)).sum(-1)
        return -(pos + negs).mean()


model = SkipGram(n, 8)
print(model)
opt = torch.optim.Adam(model.parameters(), lr=0.05)
K, batch = 3, 128
for epoch in range(8):
    perm = torch.randperm(pairs.shape[0])
    total = 0.0
    for i in range(0, pairs.shape[0], batch):
        b = pairs[perm[i:i + batch]]
        neg = torch.multinomial(noise, b.shape[0] * K, replacement=True).view(-1, K)
        loss = model(b[:, 0], b[:, 1], neg)
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item() * b.shape[0]
    if epoch % 2 == 0 or epoch == 7:
        print(f"epoch {epoch:2d} loss {total / pairs.shape[0]:.4f}")

emb = F.normalize(model.in_emb.weight.detach(), dim=1)
sim = emb @ emb.T
print("within-clique sim", f"{sim[:4, :4].mean().item():.3f}", "across", f"{sim[:4, 6:].mean().item():.3f}")
print("nearest to 0", sim[0].topk(3).indices.tolist(), "nearest to 9", sim[9].topk(3).indices.tolist())
print("cos 0-1 vs 0-9", f"{F.cosine_similarity(emb[0], emb[1], dim=0).item():.3f}",
      f"{F.cosine_similarity(emb[0:1], emb[9:10]).item():.3f}")
side = (emb @ (emb[0] - emb[9])) > 0
print("sides", side.int().tolist())
print("grad shapes", model.in_emb.weight.grad.shape, model.out_emb.weight.grad.abs().sum().item() > 0)
