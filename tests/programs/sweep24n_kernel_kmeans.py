"""Kernel k-means and kernel interpolation in plain torch: the feature-space distance
||phi(x) - mu_c||^2 from the Gram matrix with one-hot assignments, k-means++ style seeding with
torch.multinomial, kernel interpolation with a Matern-5/2 kernel, and gradients of a kernel matrix
with respect to per-dimension lengthscales (ARD)."""
import math

import torch
import torch.nn.functional as F

torch.manual_seed(3)
centers = torch.tensor([[0.0, 0.0], [3.0, 3.0], [0.0, 4.0]])
X = torch.cat([c + 0.5 * torch.randn(15, 2) for c in centers])
n, k = X.shape[0], 3


def gauss_kernel(A, B, ell=1.0):
    return torch.exp(-0.5 * torch.cdist(A / ell, B / ell).square())


K = gauss_kernel(X, X)
diag = K.diagonal()
# seeding: first centre uniformly, the rest proportional to the kernel distance
first = torch.randint(n, (1,)).item()
chosen = [first]
for _ in range(k - 1):
    d2 = torch.stack([diag - 2 * K[:, c] + K[c, c] for c in chosen]).min(0).values.clamp_min(0)
    chosen.append(torch.multinomial(d2, 1).item())
print("seeds", chosen)
labels = torch.cdist(X, X[chosen]).argmin(1)
for it in range(10):
    Z = F.one_hot(labels, k).float()
    counts = Z.sum(0).clamp_min(1)
    second = (K @ Z) / counts
    third = torch.diag(Z.T @ K @ Z) / counts ** 2
    dist = diag[:, None] - 2 * second + third[None, :]
    new = dist.argmin(dim=1)
    obj = dist.gather(1, new[:, None]).sum().item()
    changed = (new != labels).sum().item()
    labels = new
    print(f"iter {it} objective {obj:.4f} changed {changed} sizes {torch.bincount(labels, minlength=k).tolist()}")
    if changed == 0:
        break
truth = torch.arange(3).repeat_interleave(15)
agree = max(((labels == truth).float().mean().item()), 0.0)
print("clusters", torch.unique(labels, return_counts=True), "pure", all(
    torch.unique(labels[truth == c]).numel() == 1 for c in range(3)))


def matern52(A, B, ell):
    r = torch.cdist(A, B) / ell
    s5 = math.sqrt(5.0) * r
    return (1 + s5 + 5.0 / 3.0 * r ** 2) * torch.exp(-s5)


# kernel interpolation of a 1-D function
xs = torch.linspace(0, 1, 12, dtype=torch.float64)[:, None]
f = lambda t: torch.sin(6 * t) * t
Kxx = matern52(xs, xs, 0.2) + 1e-10 * torch.eye(12, dtype=torch.float64)
coef = torch.linalg.solve(Kxx, f(xs))
xq = torch.linspace(0, 1, 7, dtype=torch.float64)[:, None]
interp = matern52(xq, xs, 0.2) @ coef
print("interp", interp.squeeze(1).round(decimals=4))
print(f"max err {(interp - f(xq)).abs().max().item():.4f} at nodes {(Kxx @ coef - f(xs)).abs().max().item() < 1e-8}")
print(f"cond {torch.linalg.cond(Kxx).item():.3e}" if False else f"norm coef {coef.norm().item():.3f}")

# gradient of a kernel matrix with respect to ARD lengthscales
ls = torch.tensor([0.7, 1.3], dtype=torch.float64, requires_grad=True)
Xd = X[:10].double()
Kard = torch.exp(-0.5 * torch.cdist(Xd / ls, Xd / ls).pow(2))
Kard.sum().backward()
print("dK/dls", ls.grad.round(decimals=4))
analytic = (Kard.detach()[..., None] * ((Xd[:, None, :] - Xd[None, :, :]) ** 2) / ls.detach() ** 3).sum((0, 1))
print("analytic ok", torch.allclose(ls.grad, analytic))
ls.grad = None
y = Xd[:, 0].sin()
Kn = Kard.detach()
A = torch.exp(-0.5 * torch.cdist(Xd / ls, Xd / ls, compute_mode="donot_use_mm_for_euclid_dist") ** 2)
nll = 0.5 * y @ torch.cholesky_solve(y[:, None], torch.linalg.cholesky(A + 0.1 * torch.eye(10, dtype=torch.float64))).squeeze()
nll.backward()
print(f"quad form {nll.item():.4f} grad {[round(v, 4) for v in ls.grad.tolist()]}")
