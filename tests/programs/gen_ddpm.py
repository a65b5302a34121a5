"""A toy DDPM on a 2-D "swiss roll": linear and cosine beta schedules, sinusoidal time embeddings,
q_sample, the simple epsilon-prediction loss, and a short ancestral sampling loop."""
import math
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
random.seed(0)
np.random.seed(0)


def swiss_roll(n):
    t = 1.5 * math.pi * (1 + 2 * torch.rand(n))
    x = torch.stack([t * torch.cos(t), t * torch.sin(t)], dim=1) / 10.0
    return x + 0.05 * torch.randn_like(x)


def linear_beta_schedule(timesteps, beta_start=1e-4, beta_end=0.02):
    return torch.linspace(beta_start, beta_end, timesteps)


def cosine_beta_schedule(timesteps, s=0.008):
    steps = timesteps + 1
    x = torch.linspace(0, timesteps, steps, dtype=torch.float64)
    alphas_cumprod = torch.cos(((x / timesteps) + s) / (1 + s) * math.pi * 0.5) ** 2
    alphas_cumprod = alphas_cumprod / alphas_cumprod[0]
    betas = 1 - (alphas_cumprod[1:] / alphas_cumprod[:-1])
    return torch.clip(betas, 0.0001, 0.9999).float()


T = 50
betas = linear_beta_schedule(T, 1e-3, 0.2)
print("linear betas:", betas[:4])
cos_betas = cosine_beta_schedule(T)
print("cosine betas:", cos_betas[[0, 10, 25, 49]])
alphas = 1.0 - betas
alphas_cumprod = torch.cumprod(alphas, dim=0)
alphas_cumprod_prev = F.pad(alphas_cumprod[:-1], (1, 0), value=1.0)
sqrt_recip_alphas = torch.sqrt(1.0 / alphas)
sqrt_alphas_cumprod = torch.sqrt(alphas_cumprod)
sqrt_one_minus_alphas_cumprod = torch.sqrt(1.0 - alphas_cumprod)
posterior_variance = betas * (1.0 - alphas_cumprod_prev) / (1.0 - alphas_cumprod)
print("alpha_bar[-1] = %.5f" % alphas_cumprod[-1].item())
print("posterior var:", posterior_variance[1:4])


def extract(a, t, x_shape):
    batch_size = t.shape[0]
    out = a.gather(-1, t.cpu())
    return out.reshape(batch_size, *((1,) * (len(x_shape) - 1))).to(t.device)


def q_sample(x_start, t, noise=None):
    if noise is None:
        noise = torch.randn_like(x_start)
    return extract(sqrt_alphas_cumprod, t, x_start.shape) * x_start + \
        extract(sqrt_one_minus_alphas_cumprod, t, x_start.shape) * noise


class SinusoidalPositionEmbeddings(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.dim = dim

    def forward(self, time):
        device = time.device
        half_dim = self.dim // 2
        embeddings = math.log(10000) / (half_dim - 1)
        embeddings = torch.exp(torch.arange(half_dim, device=device) * -embeddings)
        embeddings = time[:, None] * embeddings[None, :]
        embeddings = torch.cat((embeddings.sin(), embeddings.cos()), dim=-1)
        return embeddings


class Denoiser(nn.Module):
    def __init__(self, dim=64, temb=16):
        super().__init__()
        self.time_mlp = nn.Sequential(SinusoidalPositionEmbeddings(temb), nn.Linear(temb, dim), nn.GELU())
        self.inp = nn.Linear(2, dim)
        self.blocks = nn.ModuleList([nn.Sequential(nn.LayerNorm(dim), nn.Linear(dim, dim), nn.SiLU())
                                     for _ in range(2)])
        self.out = nn.Linear(dim, 2)

    def forward(self, x, t):
        h = self.inp(x) + self.time_mlp(t.float())
        for block in self.blocks:
            h = h + block(h)
        return self.out(h)


emb = SinusoidalPositionEmbeddings(8)(torch.tensor([0, 1, 25]))
print(emb)

data = swiss_roll(512)
loader = DataLoader(TensorDataset(data), batch_size=64, shuffle=True)
model = Denoiser()
print(sum(p.numel() for p in model.parameters()), "parameters")
optimizer = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-4)
scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=15)

for epoch in range(15):
    total = 0.0
    for (x0,) in loader:
        t = torch.randint(0, T, (x0.shape[0],), device=x0.device).long()
        noise = torch.randn_like(x0)
        x_noisy = q_sample(x0, t, noise)
        predicted_noise = model(x_noisy, t)
        loss = F.smooth_l1_loss(noise, predicted_noise) if epoch < 2 else F.mse_loss(noise, predicted_noise)
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        total += loss.item() * x0.size(0)
    scheduler.step()
    if epoch % 5 == 4:
        print(f"epoch {epoch + 1:2d}  loss {total / len(data):.3f}  lr {scheduler.get_last_lr()[0]:.5f}")


@torch.no_grad()
def p_sample(model, x, t, t_index):
    betas_t = extract(betas, t, x.shape)
    sqrt_one_minus_alphas_cumprod_t = extract(sqrt_one_minus_alphas_cumprod, t, x.shape)
    sqrt_recip_alphas_t = extract(sqrt_recip_alphas, t, x.shape)
    model_mean = sqrt_recip_alphas_t * (x - betas_t * model(x, t) / sqrt_one_minus_alphas_cumprod_t)
    if t_index == 0:
        return model_mean
    posterior_variance_t = extract(posterior_variance, t, x.shape)
    noise = torch.randn_like(x)
    return model_mean + torch.sqrt(posterior_variance_t) * noise


@torch.no_grad()
def p_sample_loop(model, shape):
    b = shape[0]
    img = torch.randn(shape)
    imgs = []
    for i in reversed(range(0, T)):
        img = p_sample(model, img, torch.full((b,), i, dtype=torch.long), i)
        if i % 10 == 0:
            imgs.append(img.cpu().numpy())
    return imgs


model.eval()
samples = p_sample_loop(model, (256, 2))
print(len(samples), samples[-1].shape, samples[-1].dtype)
final = torch.from_numpy(samples[-1])
print("sample mean %.2f %.2f" % tuple(final.mean(0).tolist()))
print("sample std  %.2f %.2f" % tuple(final.std(0).tolist()))
print("data std    %.2f %.2f" % tuple(data.std(0).tolist()))
radius = final.norm(dim=1)
print("radius quantiles", [round(v, 1) for v in torch.quantile(radius, torch.tensor([0.1, 0.5, 0.9])).tolist()])
print("in range:", ((final.abs() < 2).all(dim=1)).float().mean().item() > 0.9)
