"""A mixture density network (MixtureSameFamily log-likelihood) and NeRF-style encoding, rendering and sampling."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.distributions as D

torch.manual_seed(8)

# ---- 1. mixture density network on an inverse (multi-valued) problem ----
n = 400
y_data = torch.rand(n, 1) * 2 - 1
x_data = y_data + 0.3 * torch.sin(2 * math.pi * y_data) + 0.05 * torch.randn(n, 1)


class MDN(nn.Module):
    def __init__(self, n_hidden=24, n_gaussians=3):
        super().__init__()
        self.z_h = nn.Sequential(nn.Linear(1, n_hidden), nn.Tanh())
        self.z_pi = nn.Linear(n_hidden, n_gaussians)
        self.z_mu = nn.Linear(n_hidden, n_gaussians)
        self.z_sigma = nn.Linear(n_hidden, n_gaussians)

    def forward(self, x):
        z_h = self.z_h(x)
        pi = F.softmax(self.z_pi(z_h), -1)
        mu = self.z_mu(z_h)
        sigma = torch.exp(self.z_sigma(z_h))
        return pi, mu, sigma

    def mixture(self, x):
        z_h = self.z_h(x)
        mix = D.Categorical(logits=self.z_pi(z_h))
        comp = D.Normal(self.z_mu(z_h), F.softplus(self.z_sigma(z_h)) + 1e-3)
        return D.MixtureSameFamily(mix, comp)


def mdn_loss_fn(pi, mu, sigma, y):
    m = D.Normal(loc=mu, scale=sigma)
    log_prob = m.log_prob(y)
    return -torch.logsumexp(log_prob + torch.log(pi), dim=1).mean()


model = MDN()
opt = torch.optim.Adam(model.parameters(), lr=0.005)
for epoch in range(101):
    pi, mu, sigma = model(x_data)
    loss = mdn_loss_fn(pi, mu, sigma, y_data)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if epoch % 25 == 0:
        print(f"epoch {epoch:3d} mdn nll {loss.item():.3f}")

opt = torch.optim.Adam(model.parameters(), lr=0.003)
for epoch in range(61):
    gmm = model.mixture(x_data)
    loss = -gmm.log_prob(y_data.squeeze(-1)).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    if epoch % 30 == 0:
        print(f"epoch {epoch:3d} MixtureSameFamily nll {loss.item():.2f}")
with torch.no_grad():
    gmm = model.mixture(torch.tensor([[0.0], [0.5]]))
    print(gmm)
    print("batch_shape", gmm.batch_shape, "event_shape", gmm.event_shape)
    print("weights", gmm.mixture_distribution.probs.shape, "mean", gmm.mean.shape, "var>0", bool((gmm.variance > 0).all()))
    samples = gmm.sample((5,))
    print("samples", samples.shape, samples.dtype)
    pi, mu, sigma = model(torch.tensor([[0.0]]))
    k = torch.multinomial(pi, num_samples=4, replacement=True)
    draw = torch.normal(mu.gather(1, k), sigma.gather(1, k))
    print("ancestral", draw.shape)
    cdf_check = D.Normal(0.0, 1.0).cdf(torch.tensor([-1.0, 0.0, 1.0]))
    print(cdf_check, D.Normal(0.0, 1.0).icdf(torch.tensor(0.975)))
    gm2 = D.MixtureSameFamily(D.Categorical(torch.ones(2)), D.Independent(D.Normal(torch.zeros(2, 3), torch.ones(2, 3)), 1))
    print(gm2.batch_shape, gm2.event_shape, gm2.log_prob(torch.zeros(3)))


# ---- 2. NeRF pieces: positional encoding, volume rendering, hierarchical sampling ----
def positional_encoding(x, L=4):
    freqs = 2.0 ** torch.arange(L, dtype=torch.float32) * math.pi
    xf = x[..., None] * freqs
    enc = torch.cat([torch.sin(xf), torch.cos(xf)], dim=-1)
    return torch.cat([x, enc.flatten(-2)], dim=-1)


class TinyNeRF(nn.Module):
    def __init__(self, L=4, W=32):
        super().__init__()
        d = 3 + 3 * 2 * L
        self.L = L
        self.net = nn.Sequential(nn.Linear(d, W), nn.ReLU(), nn.Linear(W, W), nn.ReLU(), nn.Linear(W, 4))

    def forward(self, pts):
        out = self.net(positional_encoding(pts, self.L))
        rgb = torch.sigmoid(out[..., :3])
        sigma = F.relu(out[..., 3])
        return rgb, sigma


def render_rays(model, rays_o, rays_d, near=2.0, far=6.0, N_samples=16, rand=True):
    t_vals = torch.linspace(0.0, 1.0, N_samples)
    z_vals = near * (1.0 - t_vals) + far * t_vals
    z_vals = z_vals.expand(rays_o.shape[0], N_samples).clone()
    if rand:
        mids = 0.5 * (z_vals[..., 1:] + z_vals[..., :-1])
        upper = torch.cat([mids, z_vals[..., -1:]], -1)
        lower = torch.cat([z_vals[..., :1], mids], -1)
        z_vals = lower + (upper - lower) * torch.rand(z_vals.shape)
    pts = rays_o[..., None, :] + rays_d[..., None, :] * z_vals[..., :, None]
    rgb, sigma = model(pts)
    dists = torch.cat([z_vals[..., 1:] - z_vals[..., :-1], torch.full_like(z_vals[..., :1], 1e10)], -1)
    dists = dists * torch.norm(rays_d[..., None, :], dim=-1)
    alpha = 1.0 - torch.exp(-sigma * dists)
    trans = torch.cumprod(torch.cat([torch.ones_like(alpha[..., :1]), 1.0 - alpha + 1e-10], -1), -1)[..., :-1]
    weights = alpha * trans
    rgb_map = torch.sum(weights[..., None] * rgb, -2)
    depth_map = torch.sum(weights * z_vals, -1)
    acc_map = torch.sum(weights, -1)
    return rgb_map, depth_map, acc_map, weights, z_vals


def sample_pdf(bins, weights, N_samples, det=False):
    weights = weights + 1e-5
    pdf = weights / torch.sum(weights, -1, keepdim=True)
    cdf = torch.cumsum(pdf, -1)
    cdf = torch.cat([torch.zeros_like(cdf[..., :1]), cdf], -1)
    if det:
        u = torch.linspace(0.0, 1.0, steps=N_samples).expand(list(cdf.shape[:-1]) + [N_samples])
    else:
        u = torch.rand(list(cdf.shape[:-1]) + [N_samples])
    u = u.contiguous()
    inds = torch.searchsorted(cdf, u, right=True)
    below = torch.max(torch.zeros_like(inds - 1), inds - 1)
    above = torch.min((cdf.shape[-1] - 1) * torch.ones_like(inds), inds)
    inds_g = torch.stack([below, above], -1)
    matched_shape = [inds_g.shape[0], inds_g.shape[1], cdf.shape[-1]]
    cdf_g = torch.gather(cdf.unsqueeze(1).expand(matched_shape), 2, inds_g)
    bins_g = torch.gather(bins.unsqueeze(1).expand(matched_shape), 2, inds_g)
    denom = cdf_g[..., 1] - cdf_g[..., 0]
    denom = torch.where(denom < 1e-5, torch.ones_like(denom), denom)
    t = (u - cdf_g[..., 0]) / denom
    return bins_g[..., 0] + t * (bins_g[..., 1] - bins_g[..., 0])


nerf = TinyNeRF()
rays_o = torch.zeros(32, 3)
rays_d = F.normalize(torch.randn(32, 3) * 0.1 + torch.tensor([0.0, 0.0, 1.0]), dim=-1)
target = torch.sigmoid(rays_d * 3)
opt = torch.optim.Adam(nerf.parameters(), lr=5e-3)
for it in range(60):
    rgb_map, depth, acc, weights, z_vals = render_rays(nerf, rays_o, rays_d)
    loss = F.mse_loss(rgb_map, target)
    psnr = -10.0 * torch.log10(loss)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if it % 20 == 0:
        print(f"iter {it:2d} loss {loss.item():.4f} psnr {psnr.item():.2f}")
print("encoding", positional_encoding(torch.zeros(2, 3)).shape, "weights", weights.shape, "acc<=1", bool((acc <= 1 + 1e-5).all()))
with torch.no_grad():
    z_mid = 0.5 * (z_vals[..., 1:] + z_vals[..., :-1])
    z_fine = sample_pdf(z_mid, weights[..., 1:-1], 8, det=True)
    z_all, _ = torch.sort(torch.cat([z_vals, z_fine], -1), -1)
    print("fine samples", z_fine.shape, "sorted", bool((z_all[..., 1:] >= z_all[..., :-1]).all()), "in range",
          bool(((z_fine >= z_mid[..., :1]) & (z_fine <= z_mid[..., -1:])).all()))
    print(torch.searchsorted(torch.tensor([0.0, 0.25, 0.5, 1.0]), torch.tensor([0.1, 0.5, 0.9]), right=True),
          torch.searchsorted(torch.tensor([0.0, 0.25, 0.5, 1.0]), torch.tensor([0.1, 0.5, 0.9])))
    print(torch.cumprod(torch.tensor([[0.5, 0.5, 2.0]]), dim=1), torch.linspace(2, 6, 5))
