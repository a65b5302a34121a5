"""Spectral clustering, label propagation and connected components on small synthetic graphs, the
way lecture notebooks write them: a two-community stochastic block model from torch.rand, the
symmetric normalised Laplacian with torch.linalg.eigh, Fiedler-vector bisection, k-means on the
spectral embedding, semi-supervised label propagation, and components by repeated max-propagation."""
import torch

torch.manual_seed(42)
sizes = [6, 6, 5]
n = sum(sizes)
block = torch.repeat_interleave(torch.arange(len(sizes)), torch.tensor(sizes))
print("blocks", block)
p_in, p_out = 0.8, 0.05
probs = torch.where(block[:, None] == block[None, :], torch.tensor(p_in), torch.tensor(p_out))
upper = torch.triu(torch.rand(n, n) < probs, diagonal=1)
A = (upper | upper.T).float()
print("edges", int(A.sum().item() // 2), "density", f"{A.mean().item():.4f}")
deg = A.sum(dim=1)
print("degrees", deg.int().tolist())

d_inv_sqrt = deg.pow(-0.5)
d_inv_sqrt[torch.isinf(d_inv_sqrt)] = 0.0
L_sym = torch.eye(n) - d_inv_sqrt[:, None] * A * d_inv_sqrt[None, :]
L = torch.diag(deg) - A
print("laplacian row sums", L.sum(1).abs().max().item(), torch.allclose(L_sym, L_sym.T))
evals, evecs = torch.linalg.eigh(L_sym.double())
print("eigenvalues", evals[:5].float().round(decimals=4))
print("eigh shapes", evals.shape, evecs.shape, evals.dtype)
gap = torch.diff(evals[:6])
print("eigengap k =", int(torch.argmax(gap).item()) + 1)
fiedler = evecs[:, 1]
fiedler = fiedler * torch.sign(fiedler[0])
print("fiedler sign split", (fiedler > 0).int().tolist())
lv = torch.linalg.eigvalsh(L.double())
print("algebraic connectivity", f"{lv[1].item():.4f}", "n components", int((lv < 1e-9).sum().item()))

k = 3
X = evecs[:, :k].float()
X = X / X.norm(dim=1, keepdim=True).clamp_min(1e-12)
# k-means++ style init, deterministic
centers = [X[0]]
for _ in range(k - 1):
    d2 = torch.cdist(X, torch.stack(centers)).min(dim=1).values ** 2
    centers.append(X[torch.argmax(d2)])
C = torch.stack(centers)
for it in range(10):
    assign = torch.cdist(X, C).argmin(dim=1)
    newC = torch.stack([X[assign == j].mean(0) for j in range(k)])
    if torch.allclose(newC, C):
        break
    C = newC
print("kmeans iters", it, "assign", assign.tolist())
# purity against the planted blocks
conf = torch.zeros(k, len(sizes), dtype=torch.long)
conf.index_put_((assign, block), torch.ones(n, dtype=torch.long), accumulate=True)
print(conf)
print("purity", f"{conf.max(dim=1).values.sum().item() / n:.4f}")

# label propagation: two seeds per block, P = D^-1 A
Y = torch.zeros(n, len(sizes))
seeds = torch.tensor([0, 6, 12])
Y[seeds, block[seeds]] = 1.0
P = A / deg.clamp(min=1)[:, None]
F_ = Y.clone()
for _ in range(30):
    F_ = 0.9 * P @ F_ + 0.1 * Y
    F_[seeds] = Y[seeds]
pred = F_.argmax(1)
print("label propagation", pred.tolist(), "acc", f"{(pred == block).float().mean().item():.4f}")
print("confidence", F_.softmax(dim=1).max(dim=1).values[:6].round(decimals=3))

# connected components on a graph with isolated parts
m = 10
ei = torch.tensor([[0, 1, 2, 4, 5, 7], [1, 2, 3, 5, 6, 8]])
B = torch.zeros(m, m, dtype=torch.bool)
B[ei[0], ei[1]] = True
B = B | B.T | torch.eye(m, dtype=torch.bool)
labels = torch.arange(m)
for it in range(m):
    nbr_max = torch.where(B, labels[None, :].expand(m, m), torch.full((m, m), -1)).amax(dim=1)
    new = torch.maximum(labels, nbr_max)
    if torch.equal(new, labels):
        break
    labels = new
print("component labels", labels.tolist(), "after", it, "rounds")
uniq, comp, counts = torch.unique(labels, return_inverse=True, return_counts=True)
print("components", uniq.numel(), comp.tolist(), counts.tolist())
# same via edge-list scatter_reduce
lab = torch.arange(m)
src = torch.cat([ei[0], ei[1]])
dst = torch.cat([ei[1], ei[0]])
for _ in range(m):
    upd = lab.scatter_reduce(0, dst, lab[src], reduce="amax", include_self=True)
    if torch.equal(upd, lab):
        break
    lab = upd
print("scatter_reduce labels", lab.tolist(), torch.equal(lab, labels))
sizes_per = torch.bincount(comp)
print("largest component", sizes_per.max().item(), "isolated", (sizes_per == 1).sum().item())
