"""Total-variation denoising as taught in an imaging course: finite differences with torch.diff
(prepend/append for Neumann boundaries), a smoothed-TV gradient descent with autograd, the
Chambolle-Pock primal-dual loop with hand-written grad/div adjoints, boundary handling with
F.pad in 'reflect', 'replicate' and 'circular' modes, and per-iteration error norms."""
import torch
import torch.nn.functional as F

torch.manual_seed(42)

H, W = 24, 24
clean = torch.zeros(H, W)
clean[4:12, 4:20] = 1.0
clean[14:22, 8:16] = 0.5
noisy = clean + 0.15 * torch.randn(H, W)
print(f"noisy err {torch.linalg.norm(noisy - clean).item():.4f}")


def grad(u):
    # forward differences, zero at the far boundary (Neumann)
    gx = torch.diff(u, dim=1, append=u[:, -1:])
    gy = torch.diff(u, dim=0, append=u[-1:, :])
    return torch.stack([gx, gy])


def div(p):
    # negative adjoint of grad
    px, py = p[0], p[1]
    dx = torch.diff(px[:, :-1], dim=1, prepend=torch.zeros(px.shape[0], 1), append=torch.zeros(px.shape[0], 1))
    dy = torch.diff(py[:-1, :], dim=0, prepend=torch.zeros(1, py.shape[1]), append=torch.zeros(1, py.shape[1]))
    return dx + dy


# adjoint test <grad u, p> = -<u, div p>
u0 = torch.randn(H, W, dtype=torch.float64)
p0 = torch.randn(2, H, W, dtype=torch.float64)
lhs = (grad(u0) * p0).sum()
rhs = -(u0 * div(p0)).sum()
print("adjoint check:", torch.isclose(lhs, rhs).item(), f"{lhs.item():.6f}")

# 1-D diff variants
v = torch.tensor([1.0, 4.0, 9.0, 16.0, 25.0])
print(torch.diff(v), torch.diff(v, n=2), torch.diff(v, prepend=torch.tensor([0.0])))
print(torch.diff(v, n=2, append=torch.tensor([36.0, 49.0])))
print(torch.diff(torch.tensor([True, False, False, True])))

# ---- smoothed TV by gradient descent with autograd ----
lam, eps = 0.12, 1e-2
u = noisy.clone().requires_grad_(True)
opt = torch.optim.SGD([u], lr=0.05, momentum=0.9)
for it in range(60):
    opt.zero_grad()
    g = grad(u)
    tv = torch.sqrt(g.pow(2).sum(0) + eps ** 2).sum()
    energy = 0.5 * (u - noisy).pow(2).sum() + lam * tv
    energy.backward()
    opt.step()
    if it % 15 == 0 or it == 59:
        print(f"gd it {it:2d} energy {energy.item():.3f} err {torch.linalg.norm(u.detach() - clean).item():.4f}")

# ---- Chambolle-Pock primal-dual ----
tau = sigma = 1.0 / (8 ** 0.5)
theta = 1.0
x = noisy.clone()
xbar = x.clone()
p = torch.zeros(2, H, W)
for it in range(80):
    p = p + sigma * grad(xbar)
    nrm = torch.clamp_min(torch.sqrt((p ** 2).sum(0, keepdim=True)) / lam, 1.0)
    p = p / nrm
    x_old = x
    x = (x + tau * div(p) + tau * noisy) / (1 + tau)
    xbar = x + theta * (x - x_old)
    if it % 20 == 0 or it == 79:
        primal = 0.5 * ((x - noisy) ** 2).sum() + lam * grad(x).norm(dim=0).sum()
        print(f"pd it {it:2d} primal {primal.item():.3f} err {(x - clean).norm().item():.4f}")

# ---- the same denoiser with padding modes instead of torch.diff ----
img = noisy[None, None]
for mode in ["reflect", "replicate", "circular", "constant"]:
    padded = F.pad(img, (1, 1, 1, 1), mode=mode)
    lapl = (padded[..., 1:-1, 2:] + padded[..., 1:-1, :-2] + padded[..., 2:, 1:-1]
            + padded[..., :-2, 1:-1] - 4 * img)
    y = img.clone()
    for _ in range(10):
        pp = F.pad(y, (1, 1, 1, 1), mode=mode)
        lap_y = pp[..., 1:-1, 2:] + pp[..., 1:-1, :-2] + pp[..., 2:, 1:-1] + pp[..., :-2, 1:-1] - 4 * y
        y = y + 0.2 * lap_y
    print(f"{mode:9s} pad {tuple(padded.shape)} lap-l1 {lapl.abs().sum().item():.3f} heat err {(y[0, 0] - clean).norm().item():.4f}")

small = torch.arange(12.0).reshape(1, 1, 3, 4)
print(F.pad(small, (2, 1, 1, 2), mode="reflect"))
print(F.pad(small[0], (1, 2), mode="replicate"))
print(F.pad(small, (0, 0, 2, 1), mode="circular"))
print(F.pad(torch.arange(5.0).reshape(1, 5), (3, 3), mode="reflect"))

# gradient through reflect padding
s = torch.arange(6.0).reshape(1, 1, 6).requires_grad_(True)
F.pad(s, (2, 3), mode="reflect").pow(2).sum().backward()
print(s.grad)
s.grad = None
F.pad(s, (2, 3), mode="circular").mul(torch.arange(11.0)).sum().backward()
print(s.grad)
