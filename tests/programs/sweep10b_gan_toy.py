"""A GAN on a 2-D ring of Gaussians, the classic toy from GAN courses: LeakyReLU MLPs,
BCEWithLogitsLoss with real/fake labels, two Adam optimizers with betas, .detach() for the
discriminator step, a non-saturating generator loss, and a WGAN-GP style gradient penalty."""
import math

import torch
import torch.nn as nn

torch.manual_seed(11)

# ---- data: 8 Gaussians on a circle --------------------------------------------------------------
angles = torch.arange(8) * (2 * math.pi / 8)
centers = torch.stack([angles.cos(), angles.sin()], dim=1) * 2.0
print("centers", centers.round(decimals=3))


def sample_real(n):
    idx = torch.randint(0, 8, (n,))
    return centers[idx] + 0.05 * torch.randn(n, 2)


real = sample_real(6)
print("real batch", real.shape, real.dtype, real.round(decimals=2))

Z = 4
G = nn.Sequential(nn.Linear(Z, 32), nn.LeakyReLU(0.2), nn.Linear(32, 32), nn.LeakyReLU(0.2), nn.Linear(32, 2))
Dnet = nn.Sequential(nn.Linear(2, 32), nn.LeakyReLU(0.2, inplace=True), nn.Linear(32, 32), nn.LeakyReLU(0.2),
                     nn.Linear(32, 1))
print(G)
print(Dnet[1], Dnet[1].negative_slope, Dnet[1].inplace)
print("params", sum(p.numel() for p in G.parameters()), sum(p.numel() for p in Dnet.parameters()))
opt_g = torch.optim.Adam(G.parameters(), lr=2e-3, betas=(0.5, 0.999))
opt_d = torch.optim.Adam(Dnet.parameters(), lr=2e-3, betas=(0.5, 0.999))
print(opt_g.defaults["betas"], opt_d.param_groups[0]["betas"], len(opt_d.param_groups[0]["params"]))
bce = nn.BCEWithLogitsLoss()
print(bce, bce.reduction)


def gradient_penalty(D, x_real, x_fake):
    eps = torch.rand(x_real.size(0), 1)
    mix = (eps * x_real + (1 - eps) * x_fake).requires_grad_(True)
    out = D(mix)
    grads, = torch.autograd.grad(out, mix, grad_outputs=torch.ones_like(out), create_graph=True)
    return ((grads.norm(2, dim=1) - 1) ** 2).mean(), grads


B = 64
ones, zeros = torch.ones(B, 1), torch.zeros(B, 1)
# adversarial training amplifies last-bit float differences (matmul summation order), so the run
# stays short enough that two-decimal prints cannot be changed by them
for step in range(201):
    # discriminator
    x_real = sample_real(B)
    z = torch.randn(B, Z)
    x_fake = G(z)
    d_real, d_fake = Dnet(x_real), Dnet(x_fake.detach())
    gp, gp_grads = gradient_penalty(Dnet, x_real, x_fake.detach())
    loss_d = bce(d_real, ones) + bce(d_fake, zeros) + 0.1 * gp
    opt_d.zero_grad()
    loss_d.backward()
    opt_d.step()
    # generator (non-saturating)
    z = torch.randn(B, Z)
    loss_g = bce(Dnet(G(z)), ones)
    opt_g.zero_grad()
    loss_g.backward()
    opt_g.step()
    if step == 0:
        print("fake", x_fake.shape, x_fake.requires_grad, x_fake.detach().requires_grad, type(x_fake.grad_fn).__name__)
        print("gp", gp_grads.shape, gp_grads.requires_grad, type(gp.grad_fn).__name__)
        print("D grads exist", all(p.grad is not None for p in Dnet.parameters()))
    if step % 50 == 0:
        with torch.no_grad():
            acc_r = (torch.sigmoid(d_real) > 0.5).float().mean().item()
            acc_f = (torch.sigmoid(d_fake) < 0.5).float().mean().item()
        print(f"step {step:3d} loss_d {loss_d.item():.2f} loss_g {loss_g.item():.2f} gp {gp.item():.3f} "
              f"D(real) acc {acc_r:.2f} D(fake) acc {acc_f:.2f}")

# ---- evaluate mode coverage --------------------------------------------------------------------------
with torch.no_grad():
    samples = G(torch.randn(1000, Z))
    dist = torch.cdist(samples, centers)
    nearest = dist.argmin(dim=1)
    close = dist.min(dim=1).values < 0.5
print("samples", samples.shape, "radius mean", round(samples.norm(dim=1).mean().item(), 1))
print("modes hit", torch.bincount(nearest[close], minlength=8).gt(10).sum().item() >= 3, "close frac > 0.3:",
      close.float().mean().item() > 0.3)

# ---- loss function checks -----------------------------------------------------------------------------
logits = torch.tensor([[2.0], [-1.0], [0.0]])
targets = torch.tensor([[1.0], [0.0], [1.0]])
print(bce(logits, targets).round(decimals=4), nn.BCEWithLogitsLoss(reduction="none")(logits, targets).round(decimals=4).T)
print(nn.BCEWithLogitsLoss(pos_weight=torch.tensor([3.0]))(logits, targets).round(decimals=4))
print(nn.BCELoss()(torch.sigmoid(logits), targets).round(decimals=4))
print(nn.functional.leaky_relu(torch.tensor([-2.0, 0.0, 3.0]), 0.1), nn.LeakyReLU()(torch.tensor([-1.0])))
try:
    bce(logits, targets.squeeze())
except ValueError as e:
    print("ValueError", e)
frozen = G(torch.randn(2, Z)).detach()
print(frozen.grad_fn, frozen.requires_grad, frozen.is_leaf)
with torch.no_grad():
    print(G(torch.zeros(1, Z)).requires_grad)
for p in Dnet.parameters():
    p.requires_grad_(False)
out = Dnet(G(torch.randn(3, Z)))
print(out.requires_grad, type(out.grad_fn).__name__)
