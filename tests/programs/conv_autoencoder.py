"""A convolutional (denoising) autoencoder on synthetic blob images: strided Conv2d encoder, ConvTranspose2d
and Upsample decoders, Sigmoid output with BCELoss / MSELoss, and an image grid built by hand."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)

# 16x16 grey "images": one soft Gaussian blob at a random place
N, H = 48, 16
ys, xs = torch.meshgrid(torch.arange(H, dtype=torch.float32), torch.arange(H, dtype=torch.float32), indexing="ij")
centres = torch.randint(3, H - 3, (N, 2)).float()
radius = 1.5 + torch.rand(N)
d2 = (ys - centres[:, 0, None, None]) ** 2 + (xs - centres[:, 1, None, None]) ** 2
images = torch.exp(-d2 / (2 * radius[:, None, None] ** 2)).unsqueeze(1)
print(images.shape, images.dtype, f"{images.mean().item():.4f} {images.max().item():.4f}")


class ConvAutoencoder(nn.Module):
    def __init__(self, latent_channels=8):
        super(ConvAutoencoder, self).__init__()
        self.encoder = nn.Sequential(
            nn.Conv2d(1, 8, 3, stride=2, padding=1),   # 16 -> 8
            nn.ReLU(True),
            nn.Conv2d(8, latent_channels, 3, stride=2, padding=1),  # 8 -> 4
            nn.ReLU(True),
        )
        self.decoder = nn.Sequential(
            nn.ConvTranspose2d(latent_channels, 8, 3, stride=2, padding=1, output_padding=1),  # 4 -> 8
            nn.ReLU(True),
            nn.ConvTranspose2d(8, 1, 3, stride=2, padding=1, output_padding=1),  # 8 -> 16
            nn.Sigmoid(),
        )

    def forward(self, x):
        z = self.encoder(x)
        return self.decoder(z)


class UpsampleDecoder(nn.Module):
    """Resize-then-convolve decoder (avoids checkerboard artefacts of transposed convolutions)."""

    def __init__(self, latent_channels=8):
        super().__init__()
        self.up1 = nn.Upsample(scale_factor=2, mode="nearest")
        self.conv1 = nn.Conv2d(latent_channels, 8, 3, padding=1)
        self.conv2 = nn.Conv2d(8, 1, 3, padding=1)

    def forward(self, z):
        x = F.relu(self.conv1(self.up1(z)))
        x = F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)
        return torch.sigmoid(self.conv2(x))


model = ConvAutoencoder()
print(model)
print("encoder params:", sum(p.numel() for p in model.encoder.parameters()),
      "decoder params:", sum(p.numel() for p in model.decoder.parameters()))
with torch.no_grad():
    z = model.encoder(images[:2])
    print("latent:", tuple(z.shape), "recon:", tuple(model(images[:2]).shape))
    print(model.decoder[0].weight.shape, nn.Upsample(size=(5, 7), mode="bilinear")(z).shape)
    print(model.decoder[0](z, output_size=[7, 7]).shape, nn.UpsamplingNearest2d(scale_factor=3)(z).shape)
    print(F.interpolate(z, scale_factor=1.7, mode="bilinear", recompute_scale_factor=True).shape)

# plain autoencoder with BCE
criterion = nn.BCELoss()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
for epoch in range(4):
    total = 0.0
    for batch in images.split(16):
        recon = model(batch)
        loss = criterion(recon, batch)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item() * batch.size(0)
    print(f"epoch [{epoch + 1}/4], bce: {total / N:.4f}")

# denoising: corrupt inputs, reconstruct the clean ones, with a resize-conv decoder and MSE
torch.manual_seed(11)
encoder = nn.Sequential(nn.Conv2d(1, 8, 3, 2, 1), nn.LeakyReLU(0.1), nn.Conv2d(8, 8, 3, 2, 1), nn.LeakyReLU(0.1))
denoiser = nn.Sequential(encoder, UpsampleDecoder())
print(denoiser)
mse = nn.MSELoss()
opt = torch.optim.Adam(denoiser.parameters(), lr=5e-3)
noise_factor = 0.3
for step in range(6):
    noisy = images + noise_factor * torch.randn_like(images)
    noisy = torch.clamp(noisy, 0.0, 1.0)
    out = denoiser(noisy)
    loss = mse(out, images)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 2 == 1:
        print(f"step {step}: mse {loss.item():.4f} noisy-mse {F.mse_loss(noisy, images).item():.4f}")

denoiser.eval()
with torch.no_grad():
    noisy = (images[:4] + noise_factor * torch.randn_like(images[:4])).clamp(min=0.0, max=1.0)
    clean = denoiser(noisy)
    print("psnr-ish:", [f"{v:.3f}" for v in (-10 * torch.log10(((clean - images[:4]) ** 2).mean((1, 2, 3)))).tolist()])

    # a tiny image grid: rows = original / noisy / reconstruction, 4 columns
    rows = torch.stack([images[:4], noisy, clean])           # (3, 4, 1, 16, 16)
    print(rows.shape)
    grid = rows.squeeze(2).permute(0, 2, 1, 3).reshape(3 * H, 4 * H)
    print(grid.shape, grid.is_contiguous(), f"{grid.mean().item():.4f}")
    padded = torch.cat([F.pad(img, (1, 1, 1, 1), value=1.0) for img in clean], dim=2)
    print(padded.shape, padded[0, 0, :3].tolist())
    rgb = grid.unsqueeze(0).expand(3, -1, -1)
    hwc = (rgb.permute(1, 2, 0) * 255).round().to(torch.uint8)
    print(hwc.shape, hwc.dtype, hwc.max().item(), hwc.min().item(), hwc[0, :4, 0])

    stats = torch.stack([clean.mean(), clean.std(), clean.min(), clean.max()])
    print("recon stats:", [round(v, 3) for v in stats.tolist()])
    small = F.interpolate(clean, size=(4, 4), mode="bilinear", align_corners=False)
    nearest = F.interpolate(small, scale_factor=4, mode="nearest")
    print(small.shape, nearest.shape, torch.equal(nearest[:, :, ::4, ::4], small))
    thumb = F.interpolate(clean, size=(6, 6), mode="bilinear", antialias=True)
    print("thumbnail:", thumb.shape, [f"{v:.4f}" for v in thumb.mean((1, 2, 3)).tolist()])
    print(f"{F.binary_cross_entropy(clean, images[:4], reduction='sum').item():.3f}")
    per_pixel = F.binary_cross_entropy(clean, images[:4], reduction="none")
    print(per_pixel.shape, f"{per_pixel.mean().item():.4f}", f"{mse(clean, images[:4]).item():.4f}")
    # a latent interpolation between two images
    za, zb = encoder(images[0:1]), encoder(images[1:2])
    alphas = torch.linspace(0, 1, 5).view(-1, 1, 1, 1)
    mix = denoiser[1]((1 - alphas) * za + alphas * zb)
    print(mix.shape, [f"{v:.3f}" for v in mix.mean((1, 2, 3)).tolist()])
