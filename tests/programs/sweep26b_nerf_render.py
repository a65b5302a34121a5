"""NeRF-style volume rendering: ray generation, stratified sampling, alpha compositing,
and hierarchical (inverse-CDF) importance sampling, on an analytic density field."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(1)
H, W, focal = 6, 8, 10.0


def get_rays(H, W, focal, c2w):
    i, j = torch.meshgrid(torch.arange(W, dtype=torch.float32), torch.arange(H, dtype=torch.float32),
                          indexing="xy")
    dirs = torch.stack([(i - W * 0.5) / focal, -(j - H * 0.5) / focal, -torch.ones_like(i)], -1)
    rays_d = torch.sum(dirs[..., None, :] * c2w[:3, :3], -1)
    rays_o = c2w[:3, -1].expand(rays_d.shape)
    return rays_o, rays_d


def pose_spherical(theta, phi, radius):
    t = torch.tensor([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, radius], [0, 0, 0, 1]], dtype=torch.float32)
    ph = phi / 180.0 * math.pi
    rot_phi = torch.tensor([[1, 0, 0, 0], [0, math.cos(ph), -math.sin(ph), 0],
                            [0, math.sin(ph), math.cos(ph), 0], [0, 0, 0, 1]], dtype=torch.float32)
    th = theta / 180.0 * math.pi
    rot_theta = torch.tensor([[math.cos(th), 0, -math.sin(th), 0], [0, 1, 0, 0],
                              [math.sin(th), 0, math.cos(th), 0], [0, 0, 0, 1]], dtype=torch.float32)
    c2w = rot_theta @ rot_phi @ t
    flip = torch.tensor([[-1, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 1]], dtype=torch.float32)
    return flip @ c2w


c2w = pose_spherical(30.0, -20.0, 4.0)
print("c2w\n", c2w)
rays_o, rays_d = get_rays(H, W, focal, c2w)
print("rays", rays_o.shape, rays_d.shape, rays_o.is_contiguous(), rays_o.stride())
rays_o = rays_o.reshape(-1, 3)
rays_d = rays_d.reshape(-1, 3)
viewdirs = F.normalize(rays_d, dim=-1)
print("viewdir norms", torch.linalg.vector_norm(viewdirs, dim=-1)[:4])


def density_field(pts):
    """Soft sphere of radius 1 with a coloured shell."""
    r = pts.norm(dim=-1)
    sigma = 20.0 * torch.sigmoid(10.0 * (1.0 - r))
    rgb = torch.sigmoid(torch.stack([pts[..., 0] * 2, pts[..., 1] * 2, 1 - r], -1))
    return rgb, sigma


def render(rays_o, rays_d, z_vals, field):
    pts = rays_o[..., None, :] + rays_d[..., None, :] * z_vals[..., :, None]
    rgb, sigma = field(pts)
    dists = z_vals[..., 1:] - z_vals[..., :-1]
    dists = torch.cat([dists, torch.tensor([1e10]).expand(dists[..., :1].shape)], -1)
    dists = dists * torch.norm(rays_d[..., None, :], dim=-1)
    alpha = 1.0 - torch.exp(-F.relu(sigma) * dists)
    trans = torch.cumprod(torch.cat([torch.ones((alpha.shape[0], 1)), 1.0 - alpha + 1e-10], -1), -1)[:, :-1]
    weights = alpha * trans
    rgb_map = torch.sum(weights[..., None] * rgb, -2)
    depth_map = torch.sum(weights * z_vals, -1)
    acc_map = torch.sum(weights, -1)
    disp_map = 1.0 / torch.max(1e-10 * torch.ones_like(depth_map), depth_map / acc_map)
    return rgb_map, depth_map, acc_map, disp_map, weights


near, far, N_samples = 2.0, 6.0, 16
t_vals = torch.linspace(0.0, 1.0, steps=N_samples)
z_vals = near * (1.0 - t_vals) + far * t_vals
z_vals = z_vals.expand([rays_o.shape[0], N_samples])
# stratified sampling inside each bin
mids = 0.5 * (z_vals[..., 1:] + z_vals[..., :-1])
upper = torch.cat([mids, z_vals[..., -1:]], -1)
lower = torch.cat([z_vals[..., :1], mids], -1)
t_rand = torch.rand(z_vals.shape)
z_vals = lower + (upper - lower) * t_rand
print("z sorted:", bool((z_vals[:, 1:] >= z_vals[:, :-1]).all()), z_vals.shape)

rgb_map, depth_map, acc_map, disp_map, weights = render(rays_o, rays_d, z_vals, density_field)
print("rgb map\n", rgb_map.view(H, W, 3)[::2, ::3])
print("depth\n", depth_map.view(H, W))
print("acc\n", acc_map.view(H, W))
print("disp mean", f"{disp_map.mean().item():.4f}")


def sample_pdf(bins, weights, N_samples, det=False):
    weights = weights + 1e-5
    pdf = weights / torch.sum(weights, -1, keepdim=True)
    cdf = torch.cumsum(pdf, -1)
    cdf = torch.cat([torch.zeros_like(cdf[..., :1]), cdf], -1)
    if det:
        u = torch.linspace(0.0, 1.0, steps=N_samples)
        u = u.expand(list(cdf.shape[:-1]) + [N_samples])
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


z_mid = 0.5 * (z_vals[..., 1:] + z_vals[..., :-1])
z_fine = sample_pdf(z_mid, weights[..., 1:-1], 24, det=True).detach()
print("fine samples", z_fine.shape, z_fine.dtype)
print(z_fine[20, ::4])
z_all, order = torch.sort(torch.cat([z_vals, z_fine], -1), -1)
print("order dtype", order.dtype, "combined", z_all.shape)
rgb_f, depth_f, acc_f, _, w_f = render(rays_o, rays_d, z_all, density_field)
print("fine depth\n", depth_f.view(H, W)[1:5, 2:6])
print("weight peak index", w_f.argmax(-1).view(H, W))

# searchsorted variants used by samplers
cdf = torch.tensor([0.0, 0.1, 0.35, 0.35, 0.8, 1.0])
q = torch.tensor([0.0, 0.35, 0.5, 1.0, 1.2])
print(torch.searchsorted(cdf, q), torch.searchsorted(cdf, q, right=True))
print(torch.searchsorted(cdf, q, side="right", out_int32=True))
print(torch.bucketize(q, cdf), torch.bucketize(q, cdf, right=True))
try:
    torch.searchsorted(cdf, q, side="left", right=True)
except RuntimeError as e:
    print("RuntimeError:", e)

# a tiny radiance MLP trained to reproduce the rendered colours
class TinyNeRF(nn.Module):
    def __init__(self, L=4, width=32):
        super().__init__()
        self.L = L
        self.register_buffer("freqs", 2.0 ** torch.arange(L) * math.pi)
        self.body = nn.Sequential(nn.Linear(3 + 6 * L, width), nn.ReLU(), nn.Linear(width, width), nn.ReLU())
        self.sigma = nn.Linear(width, 1)
        self.rgb = nn.Linear(width, 3)

    def forward(self, x):
        xb = x[..., None] * self.freqs
        enc = torch.cat([x, torch.sin(xb).flatten(-2), torch.cos(xb).flatten(-2)], -1)
        h = self.body(enc)
        return torch.sigmoid(self.rgb(h)), F.softplus(self.sigma(h)).squeeze(-1)


net = TinyNeRF()
print(net)
print("buffers", [n for n, _ in net.named_buffers()], net.freqs)
opt = torch.optim.Adam(net.parameters(), lr=5e-3)
target = rgb_map.detach()
z_eval = (near * (1.0 - t_vals) + far * t_vals).expand([rays_o.shape[0], N_samples])
for it in range(30):
    pred = render(rays_o, rays_d, z_eval, net)[0]
    loss = F.mse_loss(pred, target)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if it % 10 == 0:
        print(f"iter {it} loss {loss.item():.4f} psnr {(-10.0 * torch.log10(loss)).item():.2f}")

# An opaque wall: a huge density makes alpha exactly 1, so 1 - alpha has exact zeros inside the
# transmittance cumprod; gradients (and a curvature penalty through create_graph) must stay finite.
sigma = torch.tensor([[0.2, 0.5, 5000.0, 0.7, 1.0], [0.1, 0.3, 0.4, 0.2, 0.6]], requires_grad=True)
delta = torch.full((2, 5), 0.25)
alpha = 1.0 - torch.exp(-sigma * delta)
T = torch.cumprod(torch.cat([torch.ones(2, 1), 1.0 - alpha], -1), -1)[:, :-1]
print("1 - alpha has zeros:", bool(((1.0 - alpha) == 0).any()))
w = alpha * T
depth = (w * torch.linspace(2.0, 4.0, 5)).sum(-1)
g, = torch.autograd.grad(depth.sum(), sigma, create_graph=True)
print("d depth / d sigma\n", g)
print("grad_fn", type(g.grad_fn).__name__, "finite:", bool(torch.isfinite(g).all()))
curv = g.pow(2).sum()
h, = torch.autograd.grad(curv, sigma)
print("d |g|^2 / d sigma\n", h)
trans_only = torch.cumprod(1.0 - alpha, dim=1)
gt, = torch.autograd.grad(trans_only.sum(), alpha)
print("transmittance grad\n", gt)
