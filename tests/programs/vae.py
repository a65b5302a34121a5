"""An autoencoder and a VAE on synthetic binary images: reparameterisation, BCE + KL, sampling."""
import torch
from torch import nn, optim
from torch.nn import functional as F

torch.manual_seed(5)

# 8x8 "images": a random bar, vertical or horizontal
N = 128
imgs = torch.zeros(N, 1, 8, 8)
pos = torch.randint(0, 8, (N,))
vertical = torch.rand(N) < 0.5
for i in range(N):
    if vertical[i]:
        imgs[i, 0, :, pos[i]] = 1.0
    else:
        imgs[i, 0, pos[i], :] = 1.0
imgs = (imgs + 0.05 * torch.rand_like(imgs)).clamp(0, 1)
print(imgs.shape, imgs.mean().item().__round__(4))


class AE(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(nn.Flatten(), nn.Linear(64, 32), nn.LeakyReLU(0.1), nn.Linear(32, 4))
        self.decoder = nn.Sequential(nn.Linear(4, 32), nn.ReLU(), nn.Linear(32, 64), nn.Sigmoid(),
                                     nn.Unflatten(1, (1, 8, 8)))

    def forward(self, x):
        return self.decoder(self.encoder(x))


ae = AE()
opt = optim.Adam(ae.parameters(), lr=3e-3)
for epoch in range(3):
    perm = torch.randperm(N)
    total = 0.0
    for i in range(0, N, 32):
        xb = imgs[perm[i:i + 32]]
        recon = ae(xb)
        loss = F.mse_loss(recon, xb)
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item()
    print(f"AE epoch {epoch}: {total / 4:.5f}")


class VAE(nn.Module):
    def __init__(self, latent=2):
        super(VAE, self).__init__()
        self.fc1 = nn.Linear(64, 32)
        self.fc21 = nn.Linear(32, latent)
        self.fc22 = nn.Linear(32, latent)
        self.fc3 = nn.Linear(latent, 32)
        self.fc4 = nn.Linear(32, 64)

    def encode(self, x):
        h1 = F.relu(self.fc1(x))
        return self.fc21(h1), self.fc22(h1)

    def reparameterize(self, mu, logvar):
        std = torch.exp(0.5 * logvar)
        eps = torch.randn_like(std)
        return mu + eps * std

    def decode(self, z):
        h3 = F.relu(self.fc3(z))
        return torch.sigmoid(self.fc4(h3))

    def forward(self, x):
        mu, logvar = self.encode(x.view(-1, 64))
        z = self.reparameterize(mu, logvar)
        return self.decode(z), mu, logvar


def loss_function(recon_x, x, mu, logvar):
    BCE = F.binary_cross_entropy(recon_x, x.view(-1, 64), reduction='sum')
    KLD = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return BCE + KLD, BCE, KLD


model = VAE()
optimizer = optim.Adam(model.parameters(), lr=1e-2)
for epoch in range(1, 4):
    model.train()
    train_loss = 0
    for batch_idx in range(4):
        data = imgs[batch_idx * 32:(batch_idx + 1) * 32]
        optimizer.zero_grad()
        recon_batch, mu, logvar = model(data)
        loss, bce, kld = loss_function(recon_batch, data, mu, logvar)
        loss.backward()
        train_loss += loss.item()
        optimizer.step()
    print('====> Epoch: {} Average loss: {:.3f} (last bce {:.2f}, kld {:.3f})'.format(
        epoch, train_loss / N, bce.item(), kld.item()))

model.eval()
with torch.no_grad():
    sample = torch.randn(4, 2)
    sample = model.decode(sample).cpu()
    print(sample.view(4, 1, 8, 8).shape, f"{sample.mean().item():.4f}")
    recon, mu, logvar = model(imgs[:3])
    print(mu.shape, (logvar.exp() > 0).all().item())
    # interpolate in latent space
    z0, z1 = mu[0], mu[1]
    alphas = torch.linspace(0, 1, 5).unsqueeze(1)
    zs = torch.lerp(z0.expand(5, -1), z1.expand(5, -1), alphas)
    print(zs.shape, torch.allclose(zs[0], z0), torch.allclose(zs[-1], z1))

# KL two ways, and distributions API
mu = torch.tensor([[0.5, -0.2]])
logvar = torch.tensor([[-0.3, 0.1]])
kl_manual = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
q = torch.distributions.Normal(mu, torch.exp(0.5 * logvar))
p = torch.distributions.Normal(torch.zeros_like(mu), torch.ones_like(mu))
kl_dist = torch.distributions.kl_divergence(q, p).sum()
print(f"{kl_manual.item():.5f} {kl_dist.item():.5f}")
z = q.rsample()
print(z.shape, q.log_prob(z).shape, f"{q.entropy().sum().item():.4f}")

# a convolutional autoencoder with transpose convolutions and upsampling
conv_ae = nn.Sequential(
    nn.Conv2d(1, 4, 3, stride=2, padding=1), nn.ReLU(),
    nn.Conv2d(4, 8, 3, stride=2, padding=1), nn.ReLU(),
    nn.ConvTranspose2d(8, 4, 3, stride=2, padding=1, output_padding=1), nn.ReLU(),
    nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(4, 1, 3, padding=1), nn.Sigmoid())
out = conv_ae(imgs[:2])
print(out.shape)
loss = F.binary_cross_entropy(out, imgs[:2])
loss.backward()
print(f"{loss.item():.4f}", [tuple(p.grad.shape) for p in conv_ae.parameters()][:2])
