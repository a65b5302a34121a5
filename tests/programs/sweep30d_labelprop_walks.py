"""Semi-supervised node classification on a two-moons kNN graph: label propagation
(Zhou et al.), label spreading in closed form, random walks sampled with multinomial, and a
tiny DeepWalk skip-gram trained with SGD on the walks."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(5)

# ------------------------------------------------------------- two moons point cloud -> kNN graph
m = 20
t = torch.linspace(0, math.pi, m)
upper = torch.stack([torch.cos(t), torch.sin(t)], 1)
lower = torch.stack([1 - torch.cos(t), 0.5 - torch.sin(t)], 1)
X = torch.cat([upper, lower]) + 0.05 * torch.randn(2 * m, 2)
y = torch.cat([torch.zeros(m, dtype=torch.long), torch.ones(m, dtype=torch.long)])
n = X.shape[0]

D2 = torch.cdist(X, X).pow(2)
k = 5
knn = D2.topk(k + 1, largest=False).indices[:, 1:]
print("knn of node 0:", knn[0].tolist())
rows = torch.arange(n).repeat_interleave(k)
A = torch.zeros(n, n)
A[rows, knn.reshape(-1)] = 1.0
A = torch.maximum(A, A.T)
sigma2 = D2[A.bool()].median()
Wt = A * torch.exp(-D2 / sigma2)
print("edges:", int(A.triu().sum()), "median sq dist:", f"{sigma2.item():.4f}")
deg = Wt.sum(1)
print("degree range:", f"{deg.min().item():.3f}", f"{deg.max().item():.3f}")

# cosine similarity of the coordinates, computed only on the graph's edges (SDDMM)
Xn = torch.nn.functional.normalize(X, dim=1)
pattern = A.to_sparse_csr()
edge_sim = torch.sparse.sampled_addmm(pattern, Xn, Xn.T, beta=0.0)
print(edge_sim.layout, "edges stored:", edge_sim._nnz(), "min cos on edges:", f"{edge_sim.values().min().item():.4f}")
print("same as dense where stored:", torch.allclose(edge_sim.to_dense(), (Xn @ Xn.T) * A, atol=1e-6))

# only 2 labelled nodes per class
labelled = torch.tensor([0, 7, m + 3, m + 15])
Y0 = torch.zeros(n, 2)
Y0[labelled, y[labelled]] = 1.0
print("seed labels:\n", Y0[labelled])

# ------------------------------------------------------------- iterative label propagation
P = Wt / deg.unsqueeze(1)
Yf = Y0.clone()
for it in range(200):
    Y_new = P @ Yf
    Y_new[labelled] = Y0[labelled]          # clamp the known labels
    change = (Y_new - Yf).abs().max()
    Yf = Y_new
    if change < 1e-6:
        break
pred = Yf.argmax(1)
print(f"label propagation: {it + 1} iterations, accuracy {(pred == y).float().mean().item():.3f}")
print("confidences of first 5:", F.normalize(Yf, p=1, dim=1)[:5])

# ------------------------------------------------------------- label spreading, closed form
alpha = 0.9
d_is = deg.rsqrt()
S = d_is[:, None] * Wt * d_is[None, :]
F_star = torch.linalg.solve(torch.eye(n) - alpha * S, Y0)
pred2 = F_star.argmax(dim=-1)
print("label spreading accuracy:", (pred2 == y).float().mean().item())
print("disagreements:", torch.nonzero(pred2 != pred).flatten().tolist())
lu, piv = torch.linalg.lu_factor(torch.eye(n) - alpha * S)
F_lu = torch.linalg.lu_solve(lu, piv, Y0)
print("lu_solve agrees:", torch.allclose(F_lu, F_star, atol=1e-5), piv.dtype)

# ------------------------------------------------------------- random walks
def random_walks(P, starts, length, gen):
    walks = [starts]
    cur = starts
    for _ in range(length - 1):
        cur = torch.multinomial(P[cur], 1, generator=gen).squeeze(1)
        walks.append(cur)
    return torch.stack(walks, 1)


gen = torch.Generator().manual_seed(1234)
walks = random_walks(P, torch.arange(n).repeat(4), 8, gen)
print("walks:", tuple(walks.shape), walks.dtype)
print("first walk:", walks[0].tolist())
crossed = (y[walks] != y[walks[:, :1]]).any(1).float().mean()
print("fraction of walks that cross moons:", f"{crossed.item():.3f}")
visits = torch.bincount(walks.flatten(), minlength=n).float()
stationary = deg / deg.sum()
print("visit/stationary corr:", f"{torch.corrcoef(torch.stack([visits, stationary]))[0, 1].item():.2f}")

# skip-gram pairs within a window of 2
ctx = []
for off in (1, 2):
    ctx.append(torch.stack([walks[:, :-off].reshape(-1), walks[:, off:].reshape(-1)], 1))
pairs = torch.cat(ctx)
pairs = torch.cat([pairs, pairs.flip(1)])
print("skip-gram pairs:", pairs.shape[0])


class SkipGram(nn.Module):
    def __init__(self, n, dim):
        super().__init__()
        self.center = nn.Embedding(n, dim)
        self.context = nn.Embedding(n, dim)
        nn.init.uniform_(self.center.weight, -0.5 / dim, 0.5 / dim)
        nn.init.zeros_(self.context.weight)

    def forward(self, c, o, neg):
        vc = self.center(c)
        pos = F.logsigmoid((vc * self.context(o)).sum(-1))
        negs = F.logsigmoid(-torch.bmm(self.context(neg), vc.unsqueeze(2)).squeeze(2)).sum(-1)
        return -(pos + negs).mean()


model = SkipGram(n, 8)
print(model)
opt = torch.optim.SGD(model.parameters(), lr=0.5, momentum=0.9)
noise = torch.distributions.Categorical(probs=visits.pow(0.75) / visits.pow(0.75).sum())
for epoch in range(12):
    perm = torch.randperm(pairs.shape[0])
    total = 0.0
    for b in perm.split(256):
        c, o = pairs[b, 0], pairs[b, 1]
        neg = noise.sample((b.shape[0], 3))
        loss = model(c, o, neg)
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item() * b.shape[0]
    if epoch % 4 == 3:
        print(f"epoch {epoch + 1}: loss {total / pairs.shape[0]:.4f}")

emb = F.normalize(model.center.weight.detach(), dim=1)
# classify every node by its nearest labelled node in embedding space
sims = emb @ emb[labelled].T
nearest = labelled[sims.argmax(1)]
acc = (y[nearest] == y).float().mean()
print("DeepWalk nearest-seed accuracy >= 0.8:", bool(acc >= 0.8))
print("embedding norms all one:", torch.allclose(emb.norm(dim=1), torch.ones(n)))

try:
    torch.multinomial(torch.zeros(3), 1)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.multinomial(torch.tensor([0.5, 0.5]), 3)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    F.one_hot(torch.tensor([0, 3]), 2)
except RuntimeError as e:
    print("RuntimeError:", e)
