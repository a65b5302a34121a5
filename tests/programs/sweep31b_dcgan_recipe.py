"""DCGAN recipe from the PyTorch tutorial, shrunk to 16x16 images: ConvTranspose2d generator with
BatchNorm2d, strided Conv2d discriminator with LeakyReLU, weights_init via Module.apply, BCELoss
with real/fake labels, two Adam optimizers with betas=(0.5, 0.999), requires_grad toggling of the
discriminator during the generator step, and a fixed-noise grid of samples."""
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

torch.manual_seed(999)

nz, ngf, ndf, nc = 8, 8, 8, 1


def weights_init(m):
    classname = m.__class__.__name__
    if classname.find("Conv") != -1:
        nn.init.normal_(m.weight.data, 0.0, 0.02)
    elif classname.find("BatchNorm") != -1:
        nn.init.normal_(m.weight.data, 1.0, 0.02)
        nn.init.constant_(m.bias.data, 0)


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.main = nn.Sequential(
            nn.ConvTranspose2d(nz, ngf * 4, 4, 1, 0, bias=False),
            nn.BatchNorm2d(ngf * 4),
            nn.ReLU(True),
            nn.ConvTranspose2d(ngf * 4, ngf * 2, 4, 2, 1, bias=False),
            nn.BatchNorm2d(ngf * 2),
            nn.ReLU(True),
            nn.ConvTranspose2d(ngf * 2, nc, 4, 2, 1, bias=False),
            nn.Tanh(),
        )

    def forward(self, x):
        return self.main(x)


class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.main = nn.Sequential(
            nn.Conv2d(nc, ndf, 4, 2, 1, bias=False),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False),
            nn.BatchNorm2d(ndf * 2),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(ndf * 2, 1, 4, 1, 0, bias=False),
            nn.Sigmoid(),
        )

    def forward(self, x):
        return self.main(x)


netG = Generator()
netG.apply(weights_init)
netD = Discriminator()
netD.apply(weights_init)
print(netG)
print(netD)
print("G params", sum(p.numel() for p in netG.parameters()), "D params", sum(p.numel() for p in netD.parameters()))
print("BN state keys", [k for k in netG.state_dict() if k.startswith("main.1")])
print("weight std", round(netG.main[0].weight.std().item(), 2), "bn bias", netG.main[1].bias[:3])

# synthetic "dataset": blurred blobs in [-1, 1]
yy, xx = torch.meshgrid(torch.linspace(-1, 1, 16), torch.linspace(-1, 1, 16), indexing="ij")


def real_batch(n):
    cx = torch.rand(n, 1, 1) * 1.2 - 0.6
    cy = torch.rand(n, 1, 1) * 1.2 - 0.6
    img = torch.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / 0.1) * 2 - 1
    return img.unsqueeze(1)


criterion = nn.BCELoss()
fixed_noise = torch.randn(4, nz, 1, 1)
real_label, fake_label = 1.0, 0.0
optimizerD = optim.Adam(netD.parameters(), lr=2e-4, betas=(0.5, 0.999))
optimizerG = optim.Adam(netG.parameters(), lr=2e-4, betas=(0.5, 0.999))
print(optimizerD)

G_losses, D_losses = [], []
for it in range(4):
    real = real_batch(8)
    b_size = real.size(0)
    # (1) update D: maximize log(D(x)) + log(1 - D(G(z)))
    netD.zero_grad()
    label = torch.full((b_size,), real_label, dtype=torch.float)
    output = netD(real).view(-1)
    errD_real = criterion(output, label)
    errD_real.backward()
    D_x = output.mean().item()
    noise = torch.randn(b_size, nz, 1, 1)
    fake = netG(noise)
    label.fill_(fake_label)
    output = netD(fake.detach()).view(-1)
    errD_fake = criterion(output, label)
    errD_fake.backward()
    D_G_z1 = output.mean().item()
    errD = errD_real + errD_fake
    optimizerD.step()

    # (2) update G: maximize log(D(G(z))), D frozen
    for p in netD.parameters():
        p.requires_grad_(False)
    netG.zero_grad()
    label.fill_(real_label)
    output = netD(fake).view(-1)
    errG = criterion(output, label)
    errG.backward()
    D_G_z2 = output.mean().item()
    optimizerG.step()
    for p in netD.parameters():
        p.requires_grad_(True)
    print(f"[{it}/4] Loss_D: {errD.item():.4f} Loss_G: {errG.item():.4f} "
          f"D(x): {D_x:.4f} D(G(z)): {D_G_z1:.4f} / {D_G_z2:.4f}")
    G_losses.append(errG.item())
    D_losses.append(errD.item())
    print("  D grad none?", netD.main[0].weight.grad is None, "errG grad_fn", type(errG.grad_fn).__name__)

print("loss history", [round(v, 3) for v in G_losses])
print("running_mean", netD.main[3].running_mean[:4])
print("running_var", netD.main[3].running_var[:4], netD.main[3].num_batches_tracked)

netG.eval()
with torch.no_grad():
    samples = netG(fixed_noise)
print("samples", samples.shape, samples.dtype, samples.requires_grad)
print("sample range", round(samples.min().item(), 3), round(samples.max().item(), 3))
# a 2x2 grid as make_grid would build it (padding 2)
grid = F.pad(samples, (2, 2, 2, 2), value=0.0)
grid = grid.view(2, 2, nc, 20, 20).permute(2, 0, 3, 1, 4).reshape(nc, 40, 40)
grid = (grid + 1) / 2
print("grid", grid.shape, grid.is_contiguous(), f"{grid.mean().item():.4f}")
print((samples[0, 0, :3, :5] * 1000).round(decimals=1))

state = optimizerG.state_dict()
print("Adam state", sorted(state["state"].keys())[:3], state["param_groups"][0]["betas"], state["state"][0]["step"])
print(netD.main[1], netD.main[1].negative_slope)
try:
    netD(torch.randn(2, 3, 16, 16))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.save(netG.state_dict(), "checkpoints_that_do_not_exist/netG_epoch_4.pth")
except RuntimeError as e:
    print("RuntimeError:", e)
