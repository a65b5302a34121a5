"""Barlow Twins and VICReg on a toy two-view data set: the cross-correlation matrix with its
off-diagonal elements (flatten()[:-1].view(n - 1, n + 1)), the variance / invariance / covariance
terms, and a look at dimensional collapse through the eigenvalues of the embedding covariance."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(2)


def off_diagonal(x):
    n, m = x.shape
    assert n == m
    return x.flatten()[:-1].view(n - 1, n + 1)[:, 1:].flatten()


class Projector(nn.Sequential):
    def __init__(self, sizes):
        layers = []
        for i in range(len(sizes) - 2):
            layers += [nn.Linear(sizes[i], sizes[i + 1], bias=False), nn.BatchNorm1d(sizes[i + 1]), nn.ReLU(True)]
        layers.append(nn.Linear(sizes[-2], sizes[-1], bias=False))
        super().__init__(*layers)


class BarlowTwins(nn.Module):
    def __init__(self, in_dim=10, sizes=(32, 32, 16), lambd=5e-3):
        super().__init__()
        self.backbone = nn.Sequential(nn.Linear(in_dim, 32), nn.LayerNorm(32), nn.SiLU())
        self.projector = Projector([32, *sizes])
        self.bn = nn.BatchNorm1d(sizes[-1], affine=False)
        self.lambd = lambd

    def forward(self, y1, y2):
        z1 = self.projector(self.backbone(y1))
        z2 = self.projector(self.backbone(y2))
        c = self.bn(z1).T @ self.bn(z2)
        c.div_(y1.size(0))
        on_diag = torch.diagonal(c).add_(-1).pow_(2).sum()
        off_diag = off_diagonal(c).pow_(2).sum()
        return on_diag + self.lambd * off_diag, c


def vicreg_loss(x, y, sim_coeff=25.0, std_coeff=25.0, cov_coeff=1.0):
    repr_loss = F.mse_loss(x, y)
    x = x - x.mean(dim=0)
    y = y - y.mean(dim=0)
    std_x = torch.sqrt(x.var(dim=0) + 0.0001)
    std_y = torch.sqrt(y.var(dim=0) + 0.0001)
    std_loss = torch.mean(F.relu(1 - std_x)) / 2 + torch.mean(F.relu(1 - std_y)) / 2
    n, d = x.shape
    cov_x = (x.T @ x) / (n - 1)
    cov_y = (y.T @ y) / (n - 1)
    cov_loss = off_diagonal(cov_x).pow_(2).sum().div(d) + off_diagonal(cov_y).pow_(2).sum().div(d)
    total = sim_coeff * repr_loss + std_coeff * std_loss + cov_coeff * cov_loss
    return total, {"inv": repr_loss.item(), "var": std_loss.item(), "cov": cov_loss.item()}


def views(x):
    noise1, noise2 = torch.randn_like(x) * 0.1, torch.randn_like(x) * 0.1
    mask = torch.rand_like(x).ge(0.15).to(x.dtype)
    return x * mask + noise1, x.flip(0).flip(0) * torch.empty_like(x).uniform_(0.9, 1.1) + noise2


print(off_diagonal(torch.arange(16.0).reshape(4, 4)))
latent = torch.randn(64, 3)
mixing = torch.randn(3, 10)
data = torch.tanh(latent @ mixing) + 0.05 * torch.randn(64, 10)

bt = BarlowTwins()
print(bt.projector)
opt = torch.optim.Adam(bt.parameters(), lr=2e-3, betas=(0.9, 0.95))
for step in range(8):
    y1, y2 = views(data)
    loss, c = bt(y1, y2)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 2 == 1:
        print(f"barlow step {step} loss {loss.item():.3f} mean diag {c.diagonal().mean().item():.3f}")
print("c:", c.shape, c.grad_fn.name(), c.requires_grad)

# VICReg with an expander; no biases: the loss ignores them (BatchNorm and centring remove them),
# so their gradients are rounding noise that Adam would blow up to full steps
expander = nn.Sequential(nn.Linear(10, 24, bias=False), nn.BatchNorm1d(24), nn.ReLU(), nn.Linear(24, 12, bias=False))
opt = torch.optim.AdamW(expander.parameters(), lr=3e-3)
for step in range(8):
    y1, y2 = views(data)
    loss, terms = vicreg_loss(expander(y1), expander(y2))
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 2 == 1:
        print(f"vicreg step {step} loss {loss.item():.3f} " + " ".join(f"{k} {v:.4f}" for k, v in terms.items()))

expander.eval()
with torch.no_grad():
    z = expander(data)
    cov = torch.cov(z.T)
    manual = (z - z.mean(0)).T @ (z - z.mean(0)) / (z.size(0) - 1)
    print("torch.cov matches manual:", torch.allclose(cov, manual, atol=1e-5))
    eig = torch.linalg.eigvalsh(cov)
    print("eigenvalues (descending):", eig.flip(0)[:4])
    p = eig.clamp(min=0) / eig.clamp(min=0).sum()
    eff_rank = torch.exp(-(p * torch.log(p + 1e-12)).sum())
    print(f"effective rank {eff_rank.item():.3f} of {z.size(1)}")
    sv = torch.linalg.svdvals(z - z.mean(0))
    print("top singular values:", sv[:3].round(decimals=2))
    corr = torch.corrcoef(z.T)
    print("max |off-diagonal correlation|:", round(off_diagonal(corr).abs().max().item(), 3))
    std = z.std(dim=0, unbiased=True)
    print("dims with std < 0.1:", int((std < 0.1).sum()), "var/mean of dim 0:", [round(v.item(), 3) for v in torch.var_mean(z[:, 0])])
    var, mean = torch.var_mean(z, dim=0, correction=0)
    print(var.shape, mean.dtype, f"{var.sum().item():.3f}")

try:
    off_diagonal(torch.zeros(3, 4))
except AssertionError:
    print("off_diagonal needs a square matrix")
try:
    torch.zeros(3, 4).flatten()[:-1].view(2, 5)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.cov(torch.zeros(2, 3, 4))
except RuntimeError as e:
    print("RuntimeError:", e)
