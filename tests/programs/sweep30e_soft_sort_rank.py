"""Differentiable sorting and ranking, as in a tutorial on learning with permutations: NeuralSort's
relaxed permutation matrices, soft ranks through pairwise sigmoids, a custom autograd.Function for
perturbed (Fenchel-Young style) ranking, a Spearman-correlation loss trained with torch.optim,
torch.func (vmap, grad, jacrev) over the soft sort, and Wasserstein distance on the circle with FFT
convolution of histograms."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.func import grad, jacrev, vmap

torch.manual_seed(2024)
torch.set_printoptions(precision=4)


def neural_sort(s, tau):
    """Relaxed (descending) sort permutation of Grover et al. 2019: rows softmax((n+1-2i) s - A 1)/tau."""
    n = s.shape[-1]
    A = (s.unsqueeze(-1) - s.unsqueeze(-2)).abs()
    B = A.sum(-1, keepdim=True).transpose(-2, -1)
    scaling = (n + 1 - 2 * (torch.arange(n, dtype=s.dtype) + 1)).unsqueeze(-1)
    C = s.unsqueeze(-2) * scaling
    return F.softmax((C - B) / tau, dim=-1)


s = torch.tensor([0.3, 2.0, -1.0, 0.9, 1.4])
for tau in (1.0, 0.1, 0.01):
    Ph = neural_sort(s, tau)
    print(f"tau={tau}: soft sorted {[round(t, 4) for t in (Ph @ s).tolist()[:2]]}... rows->argmax {Ph.argmax(-1).tolist()}")
print(neural_sort(s, 0.5))
print("hard sort:", torch.sort(s, descending=True))


def soft_rank(x, reg=0.1):
    diff = (x.unsqueeze(-1) - x.unsqueeze(-2)) / reg
    return 1.0 + torch.sigmoid(diff).sum(-1) - 0.5


x = torch.tensor([[0.5, -0.2, 1.7, 0.1], [3.0, 2.0, 1.0, 0.0]])
print("soft ranks:\n", soft_rank(x, 0.05))
print("hard ranks:\n", x.argsort(-1).argsort(-1) + 1)
print("soft ranks (reg=1):\n", soft_rank(x, 1.0))


class PerturbedRank(torch.autograd.Function):
    """E[rank(x + sigma Z)] by Monte Carlo; gradient by the Gaussian-smoothing identity."""

    @staticmethod
    def forward(ctx, x, sigma, n_samples):
        z = torch.randn(n_samples, *x.shape, dtype=x.dtype)
        ranks = (x + sigma * z).argsort(-1).argsort(-1).to(x.dtype) + 1
        ctx.save_for_backward(z, ranks)
        ctx.sigma = sigma
        return ranks.mean(0)

    @staticmethod
    def backward(ctx, g):
        z, ranks = ctx.saved_tensors
        # d/dx E[r(x+sZ)] = E[r(x+sZ) Z^T] / s
        jac = torch.einsum("si,sj->ij", ranks, z) / (z.shape[0] * ctx.sigma)
        return g @ jac, None, None


xp = torch.tensor([0.2, -0.4, 1.0, 0.8], dtype=torch.float64, requires_grad=True)
r = PerturbedRank.apply(xp, 0.5, 2000)
print("perturbed ranks:", r.detach(), r.grad_fn.__class__.__name__)
r[2].backward()
print("d rank_2 / dx:", xp.grad)


def spearman_loss(pred, target, reg=0.1):
    rp = soft_rank(pred, reg)
    rt = soft_rank(target, reg)
    rp = rp - rp.mean(-1, keepdim=True)
    rt = rt - rt.mean(-1, keepdim=True)
    return 1 - (F.normalize(rp, dim=-1) * F.normalize(rt, dim=-1)).sum(-1).mean()


feats = torch.randn(64, 10, 3)
true_w = torch.tensor([1.0, -2.0, 0.5])
targets = feats @ true_w + 0.1 * torch.randn(64, 10)
model = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 1))
print(model)
opt = torch.optim.AdamW(model.parameters(), lr=0.03, weight_decay=1e-3)
for epoch in range(60):
    pred = model(feats).squeeze(-1)
    loss = spearman_loss(pred, targets)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if epoch % 20 == 0 or epoch == 59:
        hard = 1 - torch.corrcoef(torch.stack([pred.detach().flatten().argsort().argsort().float(),
                                              targets.flatten().argsort().argsort().float()]))[0, 1]
        print(f"epoch {epoch:2d} soft loss {loss.item():.4f} hard 1-rho {hard.item():.4f}")

# torch.func over the soft sort
f = lambda v: (neural_sort(v, 0.3) @ v)[0]
print("grad of soft max:", grad(f)(s))
print("jacobian of soft ranks:\n", jacrev(lambda v: soft_rank(v, 0.5))(s))
batched = vmap(lambda v: neural_sort(v, 0.2) @ v)(torch.randn(3, 5))
print("vmap soft sort:\n", batched)

# Wasserstein-1 on the circle: histograms on 16 bins, circular shift via FFT
nb = 16
h1 = torch.zeros(nb)
h1[[2, 3, 4]] = torch.tensor([0.25, 0.5, 0.25])
kernel = torch.zeros(nb)
kernel[5] = 1.0
h2 = torch.fft.irfft(torch.fft.rfft(h1) * torch.fft.rfft(kernel), n=nb)
print("shifted histogram:", h2.round(decimals=4) + 0.0)
spec = torch.fft.rfft(h1)
print("spectrum magnitude:", spec.abs()[:5])
print(spec[:3])
cdf_diff = torch.cumsum(h1 - h2, 0)
w_circle = (cdf_diff - cdf_diff.median()).abs().sum() / nb
print(f"circle W1: {w_circle.item():.4f} (arc length per bin {1 / nb})")
cm = torch.cummax(torch.tensor([0.1, 0.5, 0.2, 0.7, 0.3]), dim=0)
print(cm)
print(torch.kthvalue(s, 2), s.msort())

try:
    neural_sort(torch.randn(2, 3), 0.1) @ torch.randn(4)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.fft.irfft(spec, n=nb, dim=1)
except IndexError as e:
    print("IndexError:", e)
