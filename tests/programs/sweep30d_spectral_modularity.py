"""Community detection on a planted-partition graph: normalized Laplacians, Fiedler vectors,
spectral embedding + k-means, modularity, and a soft-assignment model trained with Adam to
maximise modularity."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(11)

# stochastic block model: 3 blocks of 6 nodes
sizes = [6, 6, 6]
n = sum(sizes)
truth = torch.repeat_interleave(torch.arange(3), torch.tensor(sizes))
p_in, p_out = 0.8, 0.08
same = truth.unsqueeze(0) == truth.unsqueeze(1)
probs = torch.where(same, torch.tensor(p_in), torch.tensor(p_out))
upper = torch.bernoulli(torch.triu(probs, diagonal=1))
A = upper + upper.T
print("nodes:", n, "edges:", int(A.sum().item() // 2), "symmetric:", torch.equal(A, A.mT))
print("block edge counts:\n", torch.stack([torch.stack([A[truth == a][:, truth == b].sum() for b in range(3)])
                                          for a in range(3)]))

deg = A.sum(dim=1)
print("degrees:", deg.int().tolist())
L = torch.diag(deg) - A
d_isqrt = deg.clamp(min=1).rsqrt()
L_sym = torch.eye(n) - d_isqrt[:, None] * A * d_isqrt[None, :]
L_rw = torch.eye(n) - A / deg.clamp(min=1).unsqueeze(1)
print("L row sums zero:", torch.allclose(L.sum(1), torch.zeros(n)))

# ------------------------------------------------------------- spectra
ev = torch.linalg.eigvalsh(L)
ev_sym, U = torch.linalg.eigh(L_sym)
ev_rw = torch.linalg.eigvals(L_rw)
print("smallest Laplacian eigenvalues:", ev[1:4], "zero mode:", bool(ev[0].abs() < 1e-4))
print("L_sym spectrum in [0, 2]:", bool((ev_sym > -1e-5).all() and (ev_sym < 2 + 1e-5).all()))
print("L_rw eigvals real:", torch.allclose(ev_rw.imag, torch.zeros(n), atol=1e-4), ev_rw.dtype)
print("same spectrum:", torch.allclose(torch.sort(ev_rw.real).values, ev_sym, atol=1e-4))
gaps = torch.diff(ev_sym[:6])
k = int(torch.argmax(gaps)) + 1
print("eigengap suggests k =", k)

fiedler = U[:, 1] * d_isqrt
fiedler = fiedler * torch.sign(fiedler[0])
print("Fiedler sign split:", (fiedler > 0).int().tolist())
print("algebraic connectivity:", f"{ev[1].item():.4f}")

# ------------------------------------------------------------- spectral embedding + k-means
X = U[:, :k]
X = X / X.norm(dim=1, keepdim=True)


def kmeans(X, k, iters=20):
    g = torch.Generator().manual_seed(0)
    centers = X[torch.randperm(X.shape[0], generator=g)[:k]].clone()
    for _ in range(iters):
        assign = torch.cdist(X, centers).argmin(dim=1)
        onehot = F.one_hot(assign, k).float()
        counts = onehot.sum(0, keepdim=True).T
        new = (onehot.T @ X) / counts.clamp(min=1)
        if torch.allclose(new, centers):
            break
        centers = new
    return assign, centers


assign, centers = kmeans(X, k)
print("cluster sizes:", torch.bincount(assign, minlength=k).tolist())


def relabel(a):
    # map each cluster to the order of first appearance, so labels compare across methods
    _, first = torch.unique(a, return_inverse=True)
    order = torch.full((int(a.max()) + 1,), -1)
    nxt = 0
    out = torch.empty_like(a)
    for i, c in enumerate(a.tolist()):
        if order[c] < 0:
            order[c] = nxt
            nxt += 1
        out[i] = order[c]
    return out


print("spectral labels:", relabel(assign).tolist())
print("truth labels:   ", truth.tolist())
acc = (relabel(assign) == relabel(truth)).float().mean()
print("agreement:", acc.item())

# ------------------------------------------------------------- modularity
m2 = A.sum()
B = A - torch.outer(deg, deg) / m2


def modularity(S):
    return torch.trace(S.T @ B @ S) / m2


S_true = F.one_hot(truth, 3).float()
print("modularity of truth:", f"{modularity(S_true).item():.4f}")
print("modularity of spectral:", f"{modularity(F.one_hot(assign, k).float()).item():.4f}")
evB, vB = torch.linalg.eigh(B)
lead = vB[:, -1]
print("leading modularity eigenvalue:", f"{evB[-1].item():.4f}", "split sizes:",
      [(lead > 0).sum().item(), (lead <= 0).sum().item()])


class SoftCommunities(nn.Module):
    def __init__(self, n, k):
        super().__init__()
        self.logits = nn.Parameter(0.01 * torch.randn(n, k))
        self.temp = 1.0

    def forward(self):
        return F.softmax(self.logits / self.temp, dim=-1)


model = SoftCommunities(n, 3)
print(model)
print([(name, tuple(p.shape)) for name, p in model.named_parameters()])
opt = torch.optim.Adam(model.parameters(), lr=0.1)
for step in range(150):
    opt.zero_grad()
    S = model()
    loss = -modularity(S) + 0.01 * (S.sum(0) - n / 3).pow(2).mean()
    loss.backward()
    opt.step()
    if step % 50 == 0:
        print(f"step {step:3d} loss {loss.item():.4f}")
hard = model().argmax(dim=1)
print("soft-model labels:", relabel(hard).tolist())
print("final modularity:", f"{modularity(F.one_hot(hard, 3).float()).item():.4f}")
ent = torch.distributions.Categorical(probs=model()).entropy()
print("mean assignment entropy below 0.1:", bool(ent.mean() < 0.1))

# ------------------------------------------------------------- conductance of each found cluster
for c in range(k):
    inside = assign == c
    cut = A[inside][:, ~inside].sum()
    vol = deg[inside].sum()
    print(f"cluster {c}: size {int(inside.sum())} cut {int(cut)} conductance {(cut / vol).item():.4f}")

# normalized cut via generalized eigenproblem L v = lambda D v through Cholesky
Dm = torch.diag(deg)
C = torch.linalg.cholesky(Dm)
Ci = torch.linalg.inv(C)
gen = torch.linalg.eigvalsh(Ci @ L @ Ci.mT)
print("generalized eigvals match L_sym:", torch.allclose(gen, ev_sym, atol=1e-4))
try:
    torch.linalg.cholesky(L)
except torch.linalg.LinAlgError as e:
    print("LinAlgError:", e)
print("log det of (L + I):", f"{torch.logdet(L + torch.eye(n)).item():.4f}",
      "spanning trees (log):", f"{torch.linalg.slogdet(L[1:, 1:]).logabsdet.item():.4f}")
print("trees approx:", round(math.exp(torch.linalg.slogdet(L[1:, 1:].double()).logabsdet.item())))
