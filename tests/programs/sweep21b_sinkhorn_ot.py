"""Entropic optimal transport between two point clouds with the Sinkhorn algorithm, written as in the
POT / "Sinkhorn distances" PyTorch tutorials: a squared-Euclidean cost from torch.cdist, log-domain
updates with torch.logsumexp, the transport plan and its marginals, a batched version, the plain
(non-log) scaling iterations for comparison, and a few gradient steps that move one cloud towards the
other through the differentiable Sinkhorn loss."""
import math

import torch

torch.manual_seed(3)


class SinkhornDistance(torch.nn.Module):
    def __init__(self, eps, max_iter, reduction="none"):
        super().__init__()
        self.eps = eps
        self.max_iter = max_iter
        self.reduction = reduction

    def forward(self, x, y):
        C = self._cost_matrix(x, y)
        x_points, y_points = x.shape[-2], y.shape[-2]
        batch_size = 1 if x.dim() == 2 else x.shape[0]
        mu = torch.empty(batch_size, x_points, dtype=torch.float, requires_grad=False).fill_(1.0 / x_points).squeeze()
        nu = torch.empty(batch_size, y_points, dtype=torch.float, requires_grad=False).fill_(1.0 / y_points).squeeze()
        u = torch.zeros_like(mu)
        v = torch.zeros_like(nu)
        thresh = 1e-1
        actual_nits = 0
        for i in range(self.max_iter):
            u1 = u
            u = self.eps * (torch.log(mu + 1e-8) - torch.logsumexp(self.M(C, u, v), dim=-1)) + u
            v = self.eps * (torch.log(nu + 1e-8) - torch.logsumexp(self.M(C, u, v).transpose(-2, -1), dim=-1)) + v
            err = (u - u1).abs().sum(-1).mean()
            actual_nits += 1
            if err.item() < thresh:
                break
        U, V = u, v
        pi = torch.exp(self.M(C, U, V))
        cost = torch.sum(pi * C, dim=(-2, -1))
        if self.reduction == "mean":
            cost = cost.mean()
        elif self.reduction == "sum":
            cost = cost.sum()
        return cost, pi, C, actual_nits

    def M(self, C, u, v):
        return (-C + u.unsqueeze(-1) + v.unsqueeze(-2)) / self.eps

    @staticmethod
    def _cost_matrix(x, y, p=2):
        x_col = x.unsqueeze(-2)
        y_lin = y.unsqueeze(-3)
        return torch.sum((torch.abs(x_col - y_lin)) ** p, -1)


n_points = 7
a = torch.stack([torch.linspace(0, 1, n_points), torch.zeros(n_points)], 1)
b = torch.stack([torch.linspace(0, 1, n_points), torch.ones(n_points)], 1)
sinkhorn = SinkhornDistance(eps=0.1, max_iter=100, reduction=None)
dist, P, C, nits = sinkhorn(a, b)
print(f"Sinkhorn distance: {dist.item():.4f}  iterations: {nits}")
print("cost matrix:\n", C.round(decimals=3))
print("plan diagonal:", P.diagonal().round(decimals=4))
print("row sums:", P.sum(1).round(decimals=4), "col sums:", P.sum(0).round(decimals=4))

# cdist-based cost and a hand-written log-domain solver with uniform weights (float64)
x = torch.randn(10, 2, dtype=torch.float64)
y = torch.randn(12, 2, dtype=torch.float64) + torch.tensor([2.0, 0.5], dtype=torch.float64)
Cxy = torch.cdist(x, y, p=2) ** 2
print("cdist vs expansion:", torch.allclose(Cxy, ((x[:, None] - y[None]) ** 2).sum(-1)))
print("cdist p=1 corner:", torch.cdist(x, y, p=1)[:2, :3].round(decimals=4))


def sinkhorn_log(C, eps, n_iter=200):
    n, m = C.shape
    log_a = torch.full((n,), -math.log(n), dtype=C.dtype)
    log_b = torch.full((m,), -math.log(m), dtype=C.dtype)
    f = torch.zeros(n, dtype=C.dtype)
    g = torch.zeros(m, dtype=C.dtype)
    for _ in range(n_iter):
        f = -eps * torch.logsumexp((g[None, :] - C) / eps + log_b[None, :], dim=1)
        g = -eps * torch.logsumexp((f[:, None] - C) / eps + log_a[:, None], dim=0)
    logP = (f[:, None] + g[None, :] - C) / eps + log_a[:, None] + log_b[None, :]
    return logP.exp(), f, g


P2, f, g = sinkhorn_log(Cxy, eps=0.5)
print(f"OT cost: {(P2 * Cxy).sum().item():.6f}  dual: {(f.mean() + g.mean()).item():.6f}")
print("marginal error:", f"{(P2.sum(1) - 1 / 10).abs().max().item():.2e}")
print("argmax matches:", P2.argmax(dim=1).tolist())

# plain scaling iterations (Cuturi 2013)
K = torch.exp(-Cxy / 2.0)
r = torch.full((10,), 0.1, dtype=torch.float64)
c = torch.full((12,), 1 / 12, dtype=torch.float64)
uu = torch.ones_like(r)
for _ in range(100):
    vv = c / (K.t() @ uu)
    uu = r / (K @ vv)
Pk = uu[:, None] * K * vv[None, :]
print(f"scaling OT cost: {torch.sum(Pk * Cxy).item():.6f}  entropy: {-(Pk * Pk.log()).sum().item():.6f}")

# batched clouds
xb = torch.rand(3, 5, 2)
yb = torch.rand(3, 6, 2)
batched = SinkhornDistance(eps=0.05, max_iter=50, reduction="mean")
cost_b, Pb, Cb, nb = batched(xb, yb)
print(f"batched mean cost {cost_b.item():.4f}  plans {tuple(Pb.shape)}  nits {nb}")
print("batched row sums:", Pb.sum(-1).round(decimals=3))

# move a cloud by gradient descent on the Sinkhorn loss
src = torch.randn(8, 2, requires_grad=True)
tgt = torch.randn(8, 2) * 0.5 + 3.0
opt = torch.optim.SGD([src], lr=2.0)
loss_fn = SinkhornDistance(eps=0.5, max_iter=20)
for it in range(8):
    opt.zero_grad()
    loss, _, _, _ = loss_fn(src, tgt)
    loss.backward()
    gnorm = torch.linalg.norm(src.grad)
    opt.step()
    print(f"iter {it}: loss {loss.item():.3f}  grad norm {gnorm.item():.4f}")
print("moved mean:", src.detach().mean(0).round(decimals=2), "target mean:", tgt.mean(0).round(decimals=2))
