"""Sparse and soft alternatives to argmax, written by hand as in the sparsemax / entmax papers'
reference snippets and the "differentiable sorting" blog posts: sparsemax via sort + cumsum +
threshold (with a custom autograd.Function backward), entmax-1.5 via the sorted closed form, a
bisection entmax-alpha, soft ranks from pairwise sigmoids, a NeuralSort relaxed permutation matrix, and
Sinkhorn normalisation in log space; then a small classifier trained with the sparsemax loss."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class SparsemaxFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, input, dim=-1):
        ctx.dim = dim
        max_val, _ = input.max(dim=dim, keepdim=True)
        input = input - max_val
        zs = torch.sort(input, dim=dim, descending=True)[0]
        d = input.size(dim)
        rng = torch.arange(1, d + 1, dtype=input.dtype, device=input.device)
        view = [1] * input.dim()
        view[dim] = -1
        rng = rng.view(view)
        bound = 1 + rng * zs
        cumsum_zs = torch.cumsum(zs, dim)
        is_gt = torch.gt(bound, cumsum_zs).type(input.type())
        k = torch.max(is_gt * rng, dim, keepdim=True)[0]
        zs_sparse = is_gt * zs
        taus = (torch.sum(zs_sparse, dim, keepdim=True) - 1) / k
        output = torch.max(torch.zeros_like(input), input - taus)
        ctx.save_for_backward(output)
        return output

    @staticmethod
    def backward(ctx, grad_output):
        output, = ctx.saved_tensors
        dim = ctx.dim
        nonzeros = torch.ne(output, 0)
        s = torch.sum(grad_output * nonzeros, dim=dim, keepdim=True) / torch.sum(nonzeros, dim=dim, keepdim=True)
        grad_input = nonzeros * (grad_output - s.expand_as(grad_output))
        return grad_input, None


def sparsemax(x, dim=-1):
    return SparsemaxFunction.apply(x, dim)


def sparsemax_autograd(z):
    z_sorted, _ = torch.sort(z, dim=-1, descending=True)
    k = torch.arange(1, z.size(-1) + 1, dtype=z.dtype)
    z_cumsum = z_sorted.cumsum(-1)
    support = (1 + k * z_sorted > z_cumsum)
    k_z = support.sum(-1, keepdim=True)
    tau = (z_cumsum.gather(-1, k_z - 1) - 1) / k_z.to(z.dtype)
    return torch.clamp(z - tau, min=0)


def entmax15(X, dim=-1):
    X = X / 2
    X = X - X.max(dim=dim, keepdim=True).values
    Xsrt, _ = torch.sort(X, descending=True, dim=dim)
    d = X.shape[dim]
    rho = torch.arange(1, d + 1, dtype=X.dtype).view(1, -1)
    mean = Xsrt.cumsum(dim) / rho
    mean_sq = (Xsrt ** 2).cumsum(dim) / rho
    ss = rho * (mean_sq - mean ** 2)
    delta = (1 - ss) / rho
    delta_nz = torch.clamp(delta, 0)
    tau = mean - torch.sqrt(delta_nz)
    support_size = (tau <= Xsrt).sum(dim).unsqueeze(dim)
    tau_star = tau.gather(dim, support_size - 1)
    return torch.clamp(X - tau_star, min=0) ** 2


def entmax_bisect(X, alpha=1.5, n_iter=30):
    X = X * (alpha - 1)
    max_val = X.max(dim=-1, keepdim=True).values
    tau_lo = max_val - 1.0
    tau_hi = max_val - (1.0 / X.shape[-1]) ** (alpha - 1)
    p = lambda tau: torch.clamp(X - tau, min=0) ** (1 / (alpha - 1))
    for _ in range(n_iter):
        tau_m = (tau_lo + tau_hi) / 2
        mass = p(tau_m).sum(-1, keepdim=True)
        tau_lo = torch.where(mass >= 1, tau_m, tau_lo)
        tau_hi = torch.where(mass < 1, tau_m, tau_hi)
    out = p(tau_lo)
    return out / out.sum(-1, keepdim=True)


z = torch.tensor([[1.0, 0.8, 0.1, -1.0], [0.5, 0.5, 0.5, 0.5], [3.0, 0.0, 0.0, -2.0]])
sm = sparsemax(z)
print("sparsemax", sm.round(decimals=4), sm.sum(-1).tolist())
print("autograd version equal", torch.allclose(sparsemax_autograd(z), sm, atol=1e-6))
print("dim=0", sparsemax(z, 0).round(decimals=4))
e15 = entmax15(z)
print("entmax15", e15.round(decimals=4), e15.sum(-1).round(decimals=4))
print("bisect", entmax_bisect(z).round(decimals=4))
print("softmax", F.softmax(z, -1).round(decimals=4))
print("support sizes", (sm > 0).sum(-1).tolist(), (e15 > 0).sum(-1).tolist(), (F.softmax(z, -1) > 0).sum(-1).tolist())

zd = z.double().requires_grad_()
print("gradcheck sparsemax", torch.autograd.gradcheck(sparsemax, (zd + 0.013 * torch.arange(4.0, dtype=torch.float64),)))
zz = z.clone().requires_grad_()
w = torch.tensor([1.0, -2.0, 0.5, 3.0])
(sparsemax(zz) * w).sum().backward()
g1 = zz.grad.clone()
zz.grad = None
(sparsemax_autograd(zz) * w).sum().backward()
print("custom grad", g1.round(decimals=4), "autograd grad", zz.grad.round(decimals=4))
zz.grad = None
(entmax15(zz) * w).sum().backward()
print("entmax15 grad", zz.grad.round(decimals=4))

# soft ranks / soft sort
s = torch.tensor([0.3, -1.2, 2.0, 0.9, 0.0], requires_grad=True)
pairwise = torch.sigmoid((s.unsqueeze(-1) - s.unsqueeze(-2)) / 0.1)
soft_rank = pairwise.sum(-1) + 0.5
print("soft rank", soft_rank.detach().round(decimals=3), "hard", (s.argsort().argsort() + 1).tolist())
soft_rank.pow(2).sum().backward()
print("rank grad", s.grad.round(decimals=4))


def neural_sort(s, tau=1.0):
    n = s.shape[-1]
    s = s.unsqueeze(-1)
    A_s = torch.abs(s - s.transpose(-1, -2))
    B = A_s @ torch.ones(n, 1, dtype=s.dtype)
    scaling = (n + 1 - 2 * (torch.arange(n, dtype=s.dtype) + 1))
    C = s @ scaling.unsqueeze(0)
    P_max = (C - B).transpose(-1, -2)
    return F.softmax(P_max / tau, dim=-1)


P = neural_sort(torch.tensor([[0.3, -1.2, 2.0, 0.9, 0.0]]), tau=0.5)
print("neuralsort", P[0].round(decimals=3))
print("relaxed sorted", (P @ torch.tensor([0.3, -1.2, 2.0, 0.9, 0.0]).unsqueeze(-1)).squeeze().round(decimals=3))
print("hard perm", P[0].argmax(-1).tolist(), torch.sort(torch.tensor([0.3, -1.2, 2.0, 0.9, 0.0]), descending=True)[1].tolist())


def log_sinkhorn(log_alpha, n_iters=20):
    for _ in range(n_iters):
        log_alpha = log_alpha - torch.logsumexp(log_alpha, dim=-1, keepdim=True)
        log_alpha = log_alpha - torch.logsumexp(log_alpha, dim=-2, keepdim=True)
    return log_alpha.exp()


torch.manual_seed(0)
scores = torch.randn(2, 4, 4)
D = log_sinkhorn(scores / 0.3)
print("sinkhorn", D[0].round(decimals=3))
print("rows", D.sum(-1).round(decimals=3).tolist(), "cols", D.sum(-2).round(decimals=3)[0].tolist())
print("matching", D.argmax(-1).tolist())

# a classifier trained with the sparsemax loss
torch.manual_seed(1)
X = torch.randn(60, 5)
W_true = torch.randn(5, 4)
y = (X @ W_true).argmax(-1)
model = nn.Linear(5, 4)
opt = torch.optim.SGD(model.parameters(), lr=0.2, momentum=0.5)


def sparsemax_loss(z, target):
    p = sparsemax_autograd(z)
    z_t = z.gather(1, target[:, None]).squeeze(1)
    support = p > 0
    tau_sq = ((z ** 2 - (z - (z * support).sum(-1, keepdim=True).sub(1).div(support.sum(-1, keepdim=True)))
               .pow(2)) * support).sum(-1)
    return (-z_t + 0.5 * tau_sq + 0.5).mean()


for epoch in range(15):
    logits = model(X)
    loss = sparsemax_loss(logits, y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if epoch % 3 == 0:
        with torch.no_grad():
            p = sparsemax(model(X))
        print(f"epoch {epoch:2d} loss {loss.item():.4f} acc {(p.argmax(-1) == y).float().mean().item():.3f} "
              f"avg support {(p > 0).sum(-1).float().mean().item():.3f}")
