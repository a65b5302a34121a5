"""A conditional VAE on synthetic 8x8 digit-like glyphs: conv encoder, Upsample decoder, the
reparameterization trick, KL by hand and by torch.distributions.kl_divergence, BCE-with-logits
reconstruction, beta annealing, latent interpolation and conditional generation."""
import io
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import Normal, kl_divergence, Independent
from torch.utils.data import DataLoader, TensorDataset, random_split

torch.manual_seed(5)
random.seed(5)
np.random.seed(5)

N_CLASSES, LATENT = 4, 3


def glyphs(n):
    """Four classes: a square outline, a cross, a diagonal, a filled centre."""
    base = torch.zeros(N_CLASSES, 8, 8)
    base[0, 1, 1:7] = base[0, 6, 1:7] = base[0, 1:7, 1] = base[0, 1:7, 6] = 1
    base[1, 3:5, :] = base[1, :, 3:5] = 1
    base[2] = torch.eye(8) + torch.eye(8).flip(0) * 0
    base[3, 2:6, 2:6] = 1
    labels = torch.randint(0, N_CLASSES, (n,))
    imgs = base[labels].unsqueeze(1)
    flips = torch.rand(n, 1, 8, 8) < 0.05
    imgs = torch.where(flips, 1 - imgs, imgs)
    return imgs, labels


class CVAE(nn.Module):
    def __init__(self, latent=LATENT, n_classes=N_CLASSES):
        super().__init__()
        self.n_classes = n_classes
        self.enc = nn.Sequential(nn.Conv2d(1 + n_classes, 16, 3, stride=2, padding=1), nn.LeakyReLU(0.1),
                                 nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.LeakyReLU(0.1), nn.Flatten())
        self.fc_mu = nn.Linear(32 * 2 * 2, latent)
        self.fc_logvar = nn.Linear(32 * 2 * 2, latent)
        self.fc_dec = nn.Linear(latent + n_classes, 32 * 2 * 2)
        self.dec = nn.Sequential(nn.Unflatten(1, (32, 2, 2)), nn.Upsample(scale_factor=2, mode="nearest"),
                                 nn.Conv2d(32, 16, 3, padding=1), nn.ELU(),
                                 nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False),
                                 nn.Conv2d(16, 1, 3, padding=1))

    def encode(self, x, y):
        onehot = F.one_hot(y, self.n_classes).float()
        cond = onehot[:, :, None, None].expand(-1, -1, x.size(2), x.size(3))
        h = self.enc(torch.cat([x, cond], dim=1))
        return self.fc_mu(h), self.fc_logvar(h)

    def reparameterize(self, mu, logvar):
        std = torch.exp(0.5 * logvar)
        eps = torch.randn_like(std)
        return mu + eps * std

    def decode(self, z, y):
        h = F.relu(self.fc_dec(torch.cat([z, F.one_hot(y, self.n_classes).float()], dim=1)))
        return self.dec(h)

    def forward(self, x, y):
        mu, logvar = self.encode(x, y)
        z = self.reparameterize(mu, logvar)
        return self.decode(z, y), mu, logvar


def loss_function(logits, x, mu, logvar, beta):
    bce = F.binary_cross_entropy_with_logits(logits, x, reduction="sum")
    kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return bce + beta * kld, bce, kld


imgs, labels = glyphs(320)
dataset = TensorDataset(imgs, labels)
train_set, val_set = random_split(dataset, [256, 64], generator=torch.Generator().manual_seed(0))
print(len(train_set), len(val_set), train_set.indices[:5] if hasattr(train_set, "indices") else None)
train_loader = DataLoader(train_set, batch_size=32, shuffle=True)
val_loader = DataLoader(val_set, batch_size=64)

model = CVAE()
print(model.dec)
optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=4, gamma=0.5)
for epoch in range(8):
    model.train()
    beta = min(1.0, (epoch + 1) / 4)
    tot = 0.0
    for x, y in train_loader:
        logits, mu, logvar = model(x, y)
        loss, bce, kld = loss_function(logits, x, mu, logvar, beta)
        optimizer.zero_grad()
        (loss / x.size(0)).backward()
        optimizer.step()
        tot += loss.item()
    scheduler.step()
    model.eval()
    with torch.no_grad():
        vx, vy = next(iter(val_loader))
        vlogits, vmu, vlogvar = model(vx, vy)
        _, vbce, vkld = loss_function(vlogits, vx, vmu, vlogvar, 1.0)
    if epoch % 2 == 1:
        print(f"epoch {epoch}  beta {beta:.2f}  train {tot / len(train_set):.1f}  "
              f"val bce {vbce.item() / len(vx):.1f}  kl {vkld.item() / len(vx):.2f}")

# the closed-form KL equals the distributions' one
with torch.no_grad():
    mu, logvar = model.encode(vx[:4], vy[:4])
q = Normal(mu, torch.exp(0.5 * logvar))
p = Normal(torch.zeros_like(mu), torch.ones_like(mu))
kl_lib = kl_divergence(q, p).sum(-1)
kl_hand = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp(), dim=-1)
print("KL agree:", torch.allclose(kl_lib, kl_hand, atol=1e-5))
print(kl_divergence(Independent(q, 1), Independent(p, 1)).shape)
print(kl_divergence(Normal(torch.tensor([0.0, 1.0]), torch.tensor([1.0, 2.0])), Normal(0.5, 1.5)))
# a continuous-Bernoulli likelihood (the "CB-VAE" fix for [0, 1]-valued pixels)
with torch.no_grad():
    cb_logits, _, _ = model(vx[:4], vy[:4])
cb = torch.distributions.ContinuousBernoulli(logits=cb_logits)
print("CB log-lik per image:", [round(v) for v in cb.log_prob(vx[:4].clamp(0.01, 0.99)).sum((1, 2, 3)).tolist()])
print(torch.round(cb.mean[0, 0, 3, :4], decimals=3), cb.batch_shape)
# a low-rank-plus-diagonal Gaussian posterior: cov = W W^T + diag(d)
lr_post = torch.distributions.LowRankMultivariateNormal(mu, 0.1 * torch.ones(4, LATENT, 1), torch.exp(logvar))
prior = torch.distributions.MultivariateNormal(torch.zeros(LATENT), torch.eye(LATENT))
print("low-rank KL:", [round(v, 2) for v in torch.distributions.kl_divergence(lr_post, prior).tolist()])
print(lr_post.rsample((2,)).shape, lr_post.covariance_matrix.shape)
z_q = q.rsample()
print("rsample grad-able:", z_q.requires_grad, q.has_rsample, p.mean.shape, q.stddev.shape)

# interpolate in latent space between two encodings of class 0 and class 3
with torch.no_grad():
    a, b = vx[vy == 0][:1], vx[vy == 3][:1]
    mu_a, _ = model.encode(a, torch.tensor([0]))
    mu_b, _ = model.encode(b, torch.tensor([3]))
    ts = torch.linspace(0, 1, 5).unsqueeze(1)
    zs = torch.lerp(mu_a.expand(5, -1), mu_b.expand(5, -1), ts)
    outs = torch.sigmoid(model.decode(zs, torch.tensor([0, 0, 3, 3, 3])))
print(outs.shape, f"pixel mass along path: {[round(v) for v in outs.sum((1, 2, 3)).tolist()]}")

# conditional generation: sample each class, compare with its template
with torch.no_grad():
    z = torch.randn(N_CLASSES * 8, LATENT)
    y = torch.arange(N_CLASSES).repeat_interleave(8)
    gen = (torch.sigmoid(model.decode(z, y)) > 0.5).float()
means = torch.stack([gen[y == c].mean(0) for c in range(N_CLASSES)])
print(means.shape, "class 3 centre on:", means[3, 0, 3:5, 3:5].mean().item() > 0.5)
grid = gen.view(N_CLASSES, 8, 8, 8).permute(0, 2, 1, 3).reshape(N_CLASSES * 8, 64)
print(grid.shape, grid.is_contiguous())
chunks = torch.chunk(z, 4, dim=0)
print([c.shape[0] for c in chunks], torch.split(z, [10, 22])[1].shape)

buf = io.BytesIO()
torch.save(model.state_dict(), buf)
print("checkpoint bytes > 0:", buf.tell() > 0)
buf.seek(0)
clone = CVAE()
clone.load_state_dict(torch.load(buf, weights_only=True))
clone.eval()
with torch.no_grad():
    print("same decode:", torch.equal(clone.decode(z[:3], y[:3]), model.decode(z[:3], y[:3])))
