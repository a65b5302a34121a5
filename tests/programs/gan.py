"""A tiny GAN on a 2-D Gaussian mixture: two optimizers, detach(), BCE with real/fake labels."""
import math

import torch
import torch.nn as nn

torch.manual_seed(9)


def real_batch(n):
    angles = torch.randint(0, 4, (n,)).float() * (math.pi / 2)
    centers = torch.stack([angles.cos(), angles.sin()], dim=1) * 2.0
    return centers + 0.1 * torch.randn(n, 2)


class Generator(nn.Module):
    def __init__(self, nz=4):
        super().__init__()
        self.main = nn.Sequential(nn.Linear(nz, 32), nn.BatchNorm1d(32), nn.ReLU(True), nn.Linear(32, 2))

    def forward(self, z):
        return self.main(z)


class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.main = nn.Sequential(nn.Linear(2, 32), nn.LeakyReLU(0.2, inplace=True), nn.Dropout(0.2),
                                  nn.Linear(32, 1), nn.Sigmoid())

    def forward(self, x):
        return self.main(x).view(-1, 1).squeeze(1)


def weights_init(m):
    classname = m.__class__.__name__
    if classname.find('Linear') != -1:
        nn.init.normal_(m.weight.data, 0.0, 0.2)
        nn.init.constant_(m.bias.data, 0)
    elif classname.find('BatchNorm') != -1:
        nn.init.normal_(m.weight.data, 1.0, 0.02)
        nn.init.constant_(m.bias.data, 0)


netG, netD = Generator(), Discriminator()
netG.apply(weights_init)
netD.apply(weights_init)
print(netG)
print(netD)
criterion = nn.BCELoss()
fixed_noise = torch.randn(8, 4)
real_label, fake_label = 1., 0.
optimizerD = torch.optim.Adam(netD.parameters(), lr=2e-3, betas=(0.5, 0.999))
optimizerG = torch.optim.Adam(netG.parameters(), lr=2e-3, betas=(0.5, 0.999))
G_losses, D_losses = [], []
for it in range(60):
    real = real_batch(32)
    b_size = real.size(0)
    netD.zero_grad()
    label = torch.full((b_size,), real_label, dtype=torch.float)
    output = netD(real)
    errD_real = criterion(output, label)
    errD_real.backward()
    D_x = output.mean().item()
    noise = torch.randn(b_size, 4)
    fake = netG(noise)
    label.fill_(fake_label)
    output = netD(fake.detach())
    errD_fake = criterion(output, label)
    errD_fake.backward()
    D_G_z1 = output.mean().item()
    errD = errD_real + errD_fake
    optimizerD.step()
    netG.zero_grad()
    label.fill_(real_label)
    output = netD(fake)
    errG = criterion(output, label)
    errG.backward()
    D_G_z2 = output.mean().item()
    optimizerG.step()
    G_losses.append(errG.item())
    D_losses.append(errD.item())
    if it % 15 == 0:
        print('[%d/%d]\tLoss_D: %.4f\tLoss_G: %.4f\tD(x): %.4f\tD(G(z)): %.4f / %.4f'
              % (it, 60, errD.item(), errG.item(), D_x, D_G_z1, D_G_z2))

with torch.no_grad():
    netG.eval()
    samples = netG(fixed_noise).detach()
print(samples.shape, f"{samples.norm(dim=1).mean().item():.2f}")
print(f"{sum(G_losses) / len(G_losses):.4f} {min(D_losses):.4f}")

# Wasserstein-style critic with gradient penalty (autograd.grad with create_graph)
critic = nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 1))
real = real_batch(16)
fake = netG(torch.randn(16, 4)).detach()
alpha = torch.rand(16, 1)
interp = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
d_interp = critic(interp)
grads = torch.autograd.grad(outputs=d_interp, inputs=interp, grad_outputs=torch.ones_like(d_interp),
                            create_graph=True, retain_graph=True)[0]
gp = ((grads.norm(2, dim=1) - 1) ** 2).mean()
loss = critic(fake).mean() - critic(real).mean() + 10 * gp
loss.backward()
print(f"{gp.item():.3f} {loss.item():.2f}", critic[0].weight.grad.shape)
for p in critic.parameters():
    p.data.clamp_(-0.01, 0.01)
print(critic[0].weight.abs().max().item() <= 0.01)
