"""k-means and nearest-neighbour code: cdist, argmin, scatter_add_, index_add_, bincount, one_hot."""
import torch
import torch.nn.functional as F

torch.manual_seed(7)

centers_true = torch.tensor([[0.0, 0.0], [5.0, 5.0], [-4.0, 6.0]])
X = torch.cat([c + torch.randn(40, 2) for c in centers_true])
perm = torch.randperm(X.shape[0])
X = X[perm]
print(X.shape, X.mean(0))


def kmeans(X, k, iters=10):
    idx = torch.randperm(X.size(0))[:k]
    C = X[idx].clone()
    for it in range(iters):
        d = torch.cdist(X, C)
        assign = d.argmin(dim=1)
        counts = torch.bincount(assign, minlength=k).float()
        sums = torch.zeros_like(C).index_add_(0, assign, X)
        newC = sums / counts.clamp(min=1).unsqueeze(1)
        shift = (newC - C).norm(dim=1).max()
        C = newC
        inertia = d.gather(1, assign.unsqueeze(1)).pow(2).sum()
        print(f"iter {it}: inertia {inertia.item():.3f} shift {shift.item():.4f} counts {counts.long().tolist()}")
        if shift < 1e-4:
            break
    return C, assign


C, assign = kmeans(X, 3)
order = C[:, 0].argsort()
print(C[order].round(decimals=2))

# same update with scatter_add_ and one-hot matmul
k = 3
sums2 = torch.zeros(k, 2).scatter_add_(0, assign.unsqueeze(1).expand(-1, 2), X)
onehot = F.one_hot(assign, num_classes=k).float()
sums3 = onehot.T @ X
print(torch.allclose(sums2, sums3, atol=1e-4), onehot.sum(0))

# pairwise distances three ways
A = torch.randn(5, 3)
B = torch.randn(4, 3)
d1 = torch.cdist(A, B)
d2 = ((A.unsqueeze(1) - B.unsqueeze(0)) ** 2).sum(-1).sqrt()
d3 = (A.pow(2).sum(1, keepdim=True) - 2 * A @ B.T + B.pow(2).sum(1)).clamp_min(0).sqrt()
print(torch.allclose(d1, d2, atol=1e-5), torch.allclose(d1, d3, atol=1e-4))
print(d1.round(decimals=3))
print(torch.cdist(A, B, p=1).round(decimals=3))

# k nearest neighbours classifier
labels = torch.randint(0, 3, (5,))
Q = torch.randn(4, 3)
dist = torch.cdist(Q, A)
knn_d, knn_i = dist.topk(3, largest=False)
votes = labels[knn_i]
pred = torch.mode(votes, dim=1).values
print(knn_i, votes, pred)
print(torch.nn.functional.pairwise_distance(A[:4], B).round(decimals=3))
print(F.cosine_similarity(A[:4], B, dim=1).round(decimals=3))
sim = F.normalize(A, dim=1) @ F.normalize(B, dim=1).T
print(sim.max(dim=1))

# unique / histogram style statistics
vals, counts = torch.unique(assign, return_counts=True)
print(vals, counts)
print(torch.histc(X[:, 0], bins=5, min=-6, max=8))
print(torch.bincount(torch.tensor([0, 1, 1, 3]), weights=torch.tensor([0.5, 1.0, 1.0, 2.0])))
cum = torch.cumsum(counts, 0)
print(cum, torch.diff(cum))
print(torch.sort(X[:5, 0], descending=True))
print(X[:5].max(), X[:5].min(dim=0))
