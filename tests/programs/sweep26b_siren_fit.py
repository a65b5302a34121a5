"""SIREN: fitting a synthetic image with a sine-activated coordinate MLP (Sitzmann et al. 2020)."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)


class SineLayer(nn.Module):
    def __init__(self, in_features, out_features, bias=True, is_first=False, omega_0=30.0):
        super().__init__()
        self.omega_0 = omega_0
        self.is_first = is_first
        self.in_features = in_features
        self.linear = nn.Linear(in_features, out_features, bias=bias)
        self.init_weights()

    def init_weights(self):
        with torch.no_grad():
            if self.is_first:
                bound = 1 / self.in_features
            else:
                bound = math.sqrt(6 / self.in_features) / self.omega_0
            self.linear.weight.uniform_(-bound, bound)

    def forward(self, x):
        return torch.sin(self.omega_0 * self.linear(x))

    def extra_repr(self):
        return f"omega_0={self.omega_0}, is_first={self.is_first}"


class Siren(nn.Module):
    def __init__(self, in_features=2, hidden=32, layers=2, out_features=1, omega_0=30.0):
        super().__init__()
        net = [SineLayer(in_features, hidden, is_first=True, omega_0=omega_0)]
        for _ in range(layers):
            net.append(SineLayer(hidden, hidden, omega_0=omega_0))
        final = nn.Linear(hidden, out_features)
        with torch.no_grad():
            b = math.sqrt(6 / hidden) / omega_0
            final.weight.uniform_(-b, b)
        net.append(final)
        self.net = nn.Sequential(*net)

    def forward(self, coords):
        coords = coords.clone().detach().requires_grad_(True)
        return self.net(coords), coords


def get_mgrid(side, dim=2):
    tensors = tuple(dim * [torch.linspace(-1, 1, steps=side)])
    mgrid = torch.stack(torch.meshgrid(*tensors, indexing="ij"), dim=-1)
    return mgrid.reshape(-1, dim)


def psnr(pred, target):
    mse = F.mse_loss(pred, target)
    return 10 * torch.log10(4.0 / mse)   # images in [-1, 1]: peak-to-peak 2


side = 16
coords = get_mgrid(side)
print("coords", coords.shape, coords.dtype, coords[:3])
xx, yy = coords[:, 0], coords[:, 1]
img = torch.sin(3 * math.pi * xx) * torch.cos(2 * math.pi * yy) * torch.exp(-(xx ** 2 + yy ** 2))
img = img.unsqueeze(-1)
print("image range", f"{img.min().item():.4f}", f"{img.max().item():.4f}")

model = Siren(hidden=32, layers=2)
print(model)
n_params = sum(p.numel() for p in model.parameters())
print("parameters:", n_params)
first_w = model.net[0].linear.weight
print("first layer weight bound ok:", bool(first_w.abs().max() <= 1 / 2), tuple(first_w.shape))
print("hidden weight std", f"{model.net[1].linear.weight.std().item():.4f}")

# Activation statistics: the SIREN init keeps pre-activations ~ arcsine distributed
with torch.no_grad():
    h = model.net[0](coords)
    h2 = model.net[1](h)
print("activation means", f"{h.mean().item():.3f}", f"{h2.mean().item():.3f}")
print("activation stds", f"{h.std().item():.3f}", f"{h2.std().item():.3f}")

opt = torch.optim.Adam(model.parameters(), lr=1e-3)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=40, gamma=0.5)
for step in range(81):
    out, c = model(coords)
    loss = ((out - img) ** 2).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    sched.step()
    if step % 20 == 0:
        print(f"step {step:3d} loss {loss.item():.5f} psnr {psnr(out.detach(), img).item():.2f} "
              f"lr {sched.get_last_lr()[0]:.5f}")

# Image gradients and Laplacian via autograd, as in the SIREN notebook
out, c = model(coords)
grad = torch.autograd.grad(out, [c], grad_outputs=torch.ones_like(out), create_graph=True)[0]
print("gradient", grad.shape, grad.requires_grad, type(grad.grad_fn).__name__)
div = 0.0
for i in range(grad.shape[-1]):
    div = div + torch.autograd.grad(grad[..., i], c, torch.ones_like(grad[..., i]), create_graph=True)[0][..., i:i + 1]
print("laplacian", div.shape, f"{div.abs().mean().item():.2f}")
grad_norm = grad.norm(dim=-1)
print("grad norm mean", f"{grad_norm.mean().item():.3f}")

# Super-resolution: evaluate on a finer grid
with torch.no_grad():
    fine = get_mgrid(31)
    pred_fine, _ = model(fine)
    pred_img = pred_fine.view(31, 31)
    print("fine prediction", pred_img.shape, f"{pred_img.mean().item():.3f}")
    print(pred_img[5::10, 5::10].round(decimals=2))
    print("max abs", f"{pred_img.abs().max().item():.3f}")

try:
    model(torch.zeros(4, 3))
except RuntimeError as e:
    print("RuntimeError:", e)
