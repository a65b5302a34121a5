"""SNGAN / BigGAN-style recipe: spectral_norm on every discriminator layer (the old hook API and the
parametrizations API), the hinge loss, a SAGAN self-attention block, Adam with betas=(0.0, 0.9) and
a two-time-scale learning rate, and an exponential moving average (EMA) of the generator weights."""
import copy

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils import spectral_norm
from torch.nn.utils import parametrizations as P
from torch.nn.utils import parametrize

torch.manual_seed(3)

# ---- spectral norm on its own ---------------------------------------------------------------------
lin = spectral_norm(nn.Linear(6, 5))
print(lin)
print("params", [n for n, _ in lin.named_parameters()], "buffers", [n for n, _ in lin.named_buffers()])
print("u", lin.weight_u.shape, f"{lin.weight_u.norm().item():.4f}")
x = torch.randn(4, 6)
for _ in range(20):
    lin(x)
sigma_true = torch.linalg.matrix_norm(lin.weight_orig.detach(), ord=2)
print("sigma(W_orig)", f"{sigma_true.item():.4f}",
      "sigma(W_sn)", f"{torch.linalg.svdvals(lin.weight.detach())[0].item():.4f}")
lin.eval()
print("eval weight_sn top sv", f"{torch.linalg.svdvals(lin.weight.detach()).max().item():.4f}")

conv = P.spectral_norm(nn.Conv2d(3, 4, 3, padding=1), n_power_iterations=2)
print(conv)
print("parametrized", parametrize.is_parametrized(conv), parametrize.is_parametrized(conv, "bias"))
print("orig shape", conv.parametrizations.weight.original.shape, type(conv.parametrizations.weight[0]).__name__)
for _ in range(10):
    conv(torch.randn(2, 3, 5, 5))
w_mat = conv.weight.detach().flatten(1)
print("conv sn sigma", f"{torch.linalg.matrix_norm(w_mat, ord=2).item():.4f}")
print("state dict", list(conv.state_dict().keys()))


# ---- models ---------------------------------------------------------------------------------------
class SelfAttention(nn.Module):
    def __init__(self, ch):
        super().__init__()
        self.theta = spectral_norm(nn.Conv2d(ch, ch // 4, 1, bias=False))
        self.phi = spectral_norm(nn.Conv2d(ch, ch // 4, 1, bias=False))
        self.g = spectral_norm(nn.Conv2d(ch, ch // 2, 1, bias=False))
        self.o = spectral_norm(nn.Conv2d(ch // 2, ch, 1, bias=False))
        self.gamma = nn.Parameter(torch.tensor(0.0))

    def forward(self, x):
        b, c, h, w = x.shape
        theta = self.theta(x).view(b, c // 4, h * w)
        phi = F.max_pool2d(self.phi(x), 2).view(b, c // 4, h * w // 4)
        g = F.max_pool2d(self.g(x), 2).view(b, c // 2, h * w // 4)
        beta = F.softmax(torch.bmm(theta.transpose(1, 2), phi), -1)
        o = self.o(torch.bmm(g, beta.transpose(1, 2)).view(b, c // 2, h, w))
        return x + self.gamma * o


class Gen(nn.Module):
    def __init__(self, nz=16, ch=16):
        super().__init__()
        self.ch = ch
        self.fc = nn.Linear(nz, ch * 4 * 4)
        self.up = nn.Sequential(
            nn.BatchNorm2d(ch), nn.ReLU(), nn.Upsample(scale_factor=2),
            nn.Conv2d(ch, ch, 3, padding=1, bias=False), nn.BatchNorm2d(ch), nn.ReLU(),
            nn.Conv2d(ch, 3, 3, padding=1), nn.Tanh())

    def forward(self, z):
        return self.up(self.fc(z).view(-1, self.ch, 4, 4))


class Disc(nn.Module):
    def __init__(self, ch=16):
        super().__init__()
        self.c1 = spectral_norm(nn.Conv2d(3, ch, 3, padding=1))
        self.att = SelfAttention(ch)
        self.c2 = spectral_norm(nn.Conv2d(ch, ch, 4, 2, 1))
        self.fc = spectral_norm(nn.Linear(ch, 1))

    def forward(self, x):
        h = F.leaky_relu(self.c1(x), 0.1)
        h = self.att(h)
        h = F.leaky_relu(self.c2(h), 0.1)
        return self.fc(torch.sum(h, dim=(2, 3)))


G, D = Gen(), Disc()
G_ema = copy.deepcopy(G)
for p in G_ema.parameters():
    p.requires_grad_(False)
print(D.att)
print("gamma", D.att.gamma, D.att.gamma.dim())
optD = torch.optim.Adam(D.parameters(), lr=4e-4, betas=(0.0, 0.9))
optG = torch.optim.Adam(G.parameters(), lr=1e-4, betas=(0.0, 0.9))


def real_images(n):
    base = torch.linspace(-1, 1, 8)
    img = torch.stack([base.view(1, 8).expand(8, 8), base.view(8, 1).expand(8, 8), -base.view(1, 8).expand(8, 8)])
    return (img.unsqueeze(0) * torch.rand(n, 3, 1, 1) + 0.1 * torch.randn(n, 3, 8, 8)).clamp(-1, 1)


@torch.no_grad()
def ema_update(ema, model, decay=0.9):
    for p_ema, p in zip(ema.parameters(), model.parameters()):
        p_ema.mul_(decay).add_(p, alpha=1 - decay)
    for b_ema, b in zip(ema.buffers(), model.buffers()):
        b_ema.copy_(b)


for step in range(4):
    real = real_images(8)
    z = torch.randn(8, 16)
    fake = G(z)
    d_real, d_fake = D(real), D(fake.detach())
    loss_d = F.relu(1.0 - d_real).mean() + F.relu(1.0 + d_fake).mean()
    optD.zero_grad()
    loss_d.backward()
    optD.step()

    loss_g = -D(G(torch.randn(8, 16))).mean()
    optG.zero_grad()
    loss_g.backward()
    optG.step()
    ema_update(G_ema, G)
    print(f"step {step}: d_loss {loss_d.item():.4f} g_loss {loss_g.item():.4f} "
          f"gamma {D.att.gamma.item():.5f} D(real) {d_real.mean().item():.4f}")

print("u updated", f"{D.c1.weight_u.norm().item():.4f}", D.c1.weight_u.requires_grad)
diff = sum((pe - p).abs().sum() for pe, p in zip(G_ema.parameters(), G.parameters()))
print("ema distance", f"{diff.item():.4f}", "ema requires_grad", G_ema.fc.weight.requires_grad)
G_ema.eval()
with torch.no_grad():
    out = G_ema(torch.randn(2, 16))
print("ema samples", out.shape, f"{out.abs().mean().item():.4f}")
print("bn buffers equal", torch.equal(G_ema.up[0].running_mean, G.up[0].running_mean))

# torch.lerp is the other common way to write the EMA
a = torch.zeros(3)
b = torch.tensor([1.0, 2.0, 4.0])
print(torch.lerp(a, b, 0.25), a.lerp_(b, torch.tensor([0.5, 0.1, 1.0])))

parametrize.remove_parametrizations(conv, "weight")
print("after remove", conv, parametrize.is_parametrized(conv), [n for n, _ in conv.named_parameters()])
nn.utils.remove_spectral_norm(lin)
print("removed", [n for n, _ in lin.named_parameters()], hasattr(lin, "weight_u"))
try:
    spectral_norm(D.c1)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    parametrize.remove_parametrizations(conv, "weight")
except ValueError as e:
    print("ValueError:", e)

# ---- checkpointing the three networks and the optimizer ---------------------------------------------
import io
import zipfile

ckpt = io.BytesIO()
torch.save({"G": G.state_dict(), "G_ema": G_ema.state_dict(), "D": D.state_dict(),
            "optD": optD.state_dict(), "step": 4}, ckpt)
print("checkpoint bytes", len(ckpt.getvalue()), zipfile.ZipFile(ckpt).namelist()[-3:])
ckpt.seek(0)
state = torch.load(ckpt)
D2 = Disc()
print(D2.load_state_dict(state["D"]), "step", state["step"], "optD lr", state["optD"]["param_groups"][0]["lr"])
print("same u", torch.equal(D2.c1.weight_u, D.c1.weight_u), "same sigma-normalised weight",
      torch.allclose(D2.eval().c1(real[:1]), D.eval().c1(real[:1])))
sn_conv = P.spectral_norm(nn.Conv2d(3, 3, 1))
bad = io.BytesIO()
try:
    torch.save(sn_conv, bad)
except RuntimeError as e:
    print("RuntimeError:", str(e).splitlines()[0])
    print("left behind", len(bad.getvalue()), zipfile.ZipFile(bad).namelist())
try:
    torch.load(io.BytesIO(bad.getvalue()))
except RuntimeError as e:
    print("RuntimeError:", str(e)[:60])
