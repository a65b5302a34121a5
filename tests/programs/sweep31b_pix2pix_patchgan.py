"""pix2pix-style image-to-image GAN on 16x16 synthetic pairs: a small U-Net generator with skip
connections (torch.cat), InstanceNorm2d and Dropout, a 70x70-style PatchGAN discriminator on the
concatenated (input, target) pair, BCEWithLogitsLoss on the patch map plus lambda * L1, a
frequency-domain (torch.fft) loss term, ImagePool-style history buffer and a linear-decay LambdaLR."""
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(21)
random.seed(21)


def make_pair(n):
    """input: an edge-like map; target: a smooth 3-channel rendering of it."""
    base = torch.rand(n, 1, 4, 4)
    tgt = F.interpolate(base, size=16, mode="bilinear", align_corners=False)
    tgt = torch.cat([tgt, 1 - tgt, tgt * tgt], dim=1) * 2 - 1
    gx = tgt[:, :1, :, 1:] - tgt[:, :1, :, :-1]
    edges = F.pad(gx.abs(), (0, 1, 0, 0), mode="replicate")
    return edges * 4 - 1, tgt


class UNetDown(nn.Module):
    def __init__(self, cin, cout, normalize=True, dropout=0.0):
        super().__init__()
        layers = [nn.Conv2d(cin, cout, 4, 2, 1, bias=False)]
        if normalize:
            layers.append(nn.InstanceNorm2d(cout))
        layers.append(nn.LeakyReLU(0.2))
        if dropout:
            layers.append(nn.Dropout(dropout))
        self.model = nn.Sequential(*layers)

    def forward(self, x):
        return self.model(x)


class UNetUp(nn.Module):
    def __init__(self, cin, cout, dropout=0.0):
        super().__init__()
        layers = [nn.ConvTranspose2d(cin, cout, 4, 2, 1, bias=False), nn.InstanceNorm2d(cout), nn.ReLU(inplace=True)]
        if dropout:
            layers.append(nn.Dropout(dropout))
        self.model = nn.Sequential(*layers)

    def forward(self, x, skip):
        return torch.cat((self.model(x), skip), 1)


class GeneratorUNet(nn.Module):
    def __init__(self, cin=1, cout=3):
        super().__init__()
        self.down1 = UNetDown(cin, 8, normalize=False)
        self.down2 = UNetDown(8, 16)
        self.down3 = UNetDown(16, 16, dropout=0.5)
        self.up1 = UNetUp(16, 16, dropout=0.5)
        self.up2 = UNetUp(32, 8)
        self.final = nn.Sequential(nn.Upsample(scale_factor=2), nn.ZeroPad2d((1, 0, 1, 0)),
                                   nn.Conv2d(16, cout, 4, padding=1), nn.Tanh())

    def forward(self, x):
        d1 = self.down1(x)
        d2 = self.down2(d1)
        d3 = self.down3(d2)
        u1 = self.up1(d3, d2)
        u2 = self.up2(u1, d1)
        return self.final(u2)


class PatchDiscriminator(nn.Module):
    def __init__(self, cin=4):
        super().__init__()

        def block(i, o, norm=True):
            layers = [nn.Conv2d(i, o, 4, stride=2, padding=1)]
            if norm:
                layers.append(nn.InstanceNorm2d(o, affine=True))
            layers.append(nn.LeakyReLU(0.2, inplace=True))
            return layers

        self.model = nn.Sequential(*block(cin, 8, norm=False), *block(8, 16), nn.ZeroPad2d((1, 0, 1, 0)),
                                   nn.Conv2d(16, 1, 4, padding=1, bias=False))

    def forward(self, img_a, img_b):
        return self.model(torch.cat((img_a, img_b), 1))


class ImagePool:
    def __init__(self, size):
        self.size, self.images = size, []

    def query(self, images):
        out = []
        for image in images:
            image = image.unsqueeze(0)
            if len(self.images) < self.size:
                self.images.append(image)
                out.append(image)
            elif random.uniform(0, 1) > 0.5:
                idx = random.randint(0, self.size - 1)
                out.append(self.images[idx].clone())
                self.images[idx] = image
            else:
                out.append(image)
        return torch.cat(out, 0)


def init_weights(m):
    if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
        nn.init.normal_(m.weight, 0.0, 0.02)
        if m.bias is not None:
            nn.init.zeros_(m.bias)
    elif isinstance(m, nn.InstanceNorm2d) and m.affine:
        nn.init.normal_(m.weight, 1.0, 0.02)
        nn.init.zeros_(m.bias)


def fft_loss(fake, real):
    ff = torch.fft.rfft2(fake, norm="ortho")
    fr = torch.fft.rfft2(real, norm="ortho")
    return (ff - fr).abs().pow(2).mean()


G, D = GeneratorUNet(), PatchDiscriminator()
G.apply(init_weights)
D.apply(init_weights)
print(G.up1)
print(D)
x, y = make_pair(4)
print("pair", x.shape, y.shape, f"{x.mean().item():.4f}", f"{y.std().item():.4f}")
patch = D(x, y)
print("patch map", patch.shape, patch.grad_fn.name())

criterion_gan = nn.BCEWithLogitsLoss()
criterion_l1 = nn.L1Loss()
lambda_l1, n_epochs, decay_start = 100.0, 6, 3
opt_G = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999))
opt_D = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))
rule = lambda epoch: 1.0 - max(0, epoch - decay_start) / float(n_epochs - decay_start + 1)
sched_G = torch.optim.lr_scheduler.LambdaLR(opt_G, lr_lambda=rule)
sched_D = torch.optim.lr_scheduler.LambdaLR(opt_D, lr_lambda=rule)
pool = ImagePool(6)

for epoch in range(n_epochs):
    G.train()
    real_a, real_b = make_pair(4)
    valid = torch.ones_like(patch[:real_a.size(0)])
    fake_lbl = torch.zeros_like(valid)

    opt_G.zero_grad()
    fake_b = G(real_a)
    loss_gan = criterion_gan(D(real_a, fake_b), valid)
    loss_pixel = criterion_l1(fake_b, real_b)
    loss_freq = fft_loss(fake_b, real_b)
    loss_G = loss_gan + lambda_l1 * loss_pixel + loss_freq
    loss_G.backward()
    opt_G.step()

    opt_D.zero_grad()
    pooled = pool.query(fake_b.detach())
    loss_real = criterion_gan(D(real_a, real_b), valid)
    loss_fake = criterion_gan(D(real_a, pooled), fake_lbl)
    loss_D = 0.5 * (loss_real + loss_fake)
    loss_D.backward()
    opt_D.step()
    sched_G.step()
    sched_D.step()
    print(f"epoch {epoch}: D {loss_D.item():.4f} G {loss_G.item():.3f} "
          f"adv {loss_gan.item():.4f} L1 {loss_pixel.item():.4f} fft {loss_freq.item():.4f} "
          f"lr {sched_G.get_last_lr()[0]:.6f}")

print("pool", len(pool.images), pool.images[0].shape)
G.eval()
with torch.no_grad():
    a, b = make_pair(2)
    out = G(a)
    print("eval L1", f"{F.l1_loss(out, b).item():.4f}", "psnr",
          f"{(10 * torch.log10(4.0 / F.mse_loss(out, b))).item():.3f}")
    print("out[0, :, 0, :4]", out[0, :, 0, :4])
    spec = torch.fft.fftshift(torch.fft.fft2(out[0, 0]).abs())
    print("spectrum", spec.shape, spec.dtype, f"{spec.max().item():.3f}")
print("instance norm stats tracked?", G.down2.model[1].track_running_stats, G.down2.model[1].running_mean)
print(sched_G.state_dict()["last_epoch"], sched_G.state_dict()["base_lrs"])
try:
    D(x, y[:, :2])
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.cat((x, y[:2]), 1)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    nn.InstanceNorm2d(3)(torch.randn(3, 1, 1))
except ValueError as e:
    print("ValueError:", e)
