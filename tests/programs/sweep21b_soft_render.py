"""A tiny differentiable renderer: soft rasterisation of circles (a sigmoid of the signed distance,
as in SoftRas / "differentiable vector graphics" tutorials) fitted to a target image with Adam, and a
sphere-traced signed-distance-function renderer with Lambert shading whose sphere centre and radius
are recovered by gradient descent.  (Both fits are sensitive to the last bit of float32 sigmoid, where
glasstorch's correctly rounded exp and torch's SLEEF exp differ for a few percent of inputs: losses
print with 3 decimals and the sphere fit stops after 19 steps, before the drift reaches them.)"""
import torch
import torch.nn.functional as F

torch.manual_seed(0)
H = W = 24


def pixel_grid(h=H, w=W):
    ys = (torch.arange(h, dtype=torch.float32) + 0.5) / h
    xs = (torch.arange(w, dtype=torch.float32) + 0.5) / w
    gy, gx = torch.meshgrid(ys, xs, indexing="ij")
    return torch.stack([gx, gy], dim=-1)                     # (H, W, 2)


def render_circles(centers, radii, colors, sigma=0.02):
    p = pixel_grid()[None]                                   # (1, H, W, 2)
    d = torch.linalg.norm(p - centers[:, None, None, :], dim=-1) - radii[:, None, None]
    cover = torch.sigmoid(-d / sigma)                        # (K, H, W)
    # "over" compositing, back to front
    img = torch.ones(3, H, W)
    for k in range(centers.shape[0]):
        img = img * (1 - cover[k]) + colors[k][:, None, None] * cover[k]
    return img, cover


target_c = torch.tensor([[0.3, 0.35], [0.65, 0.6]])
target_r = torch.tensor([0.18, 0.22])
colors = torch.tensor([[0.9, 0.1, 0.1], [0.1, 0.3, 0.9]])
with torch.no_grad():
    target, tcover = render_circles(target_c, target_r, colors, sigma=0.01)
print("target coverage:", tcover.sum(dim=(1, 2)).round(decimals=2))

centers = torch.tensor([[0.5, 0.5], [0.45, 0.5]], requires_grad=True)
log_r = torch.full((2,), 0.1).log().requires_grad_()
opt = torch.optim.Adam([centers, log_r], lr=0.03)
for it in range(40):
    img, _ = render_circles(centers, log_r.exp(), colors)
    loss = F.l1_loss(img, target) + 0.5 * F.mse_loss(img, target)
    opt.zero_grad()
    loss.backward()
    opt.step()
    with torch.no_grad():
        centers.clamp_(0.0, 1.0)
    if it % 20 == 0 or it == 39:
        print(f"it {it:2d}  loss {loss.item():.3f}  r {[round(v, 3) for v in log_r.exp().tolist()]}")
print("centers:", centers.detach().round(decimals=2))
with torch.no_grad():
    img, _ = render_circles(centers, log_r.exp(), colors)
    gray = img.mean(0)[::2, ::2]
    print("\n".join("".join(" .:*#"[min(4, int((1 - v) * 5))] for v in r) for r in gray.tolist()))

# ---- sphere tracing an SDF -------------------------------------------------------------------------
R = 16


def camera_rays(res=R):
    u = torch.linspace(-1, 1, res)
    vv, uu = torch.meshgrid(-u, u, indexing="ij")
    dirs = torch.stack([uu, vv, torch.full_like(uu, 1.5)], -1)
    dirs = dirs / torch.linalg.norm(dirs, dim=-1, keepdim=True)
    origins = torch.tensor([0.0, 0.0, -3.0]).expand(res, res, 3)
    return origins, dirs


def sdf_sphere(p, center, radius):
    return torch.linalg.norm(p - center, dim=-1) - radius


def sphere_trace(origins, dirs, center, radius, steps=24):
    t = torch.zeros(origins.shape[:-1])
    for _ in range(steps):
        p = origins + t[..., None] * dirs
        d = sdf_sphere(p, center, radius)
        t = t + d.clamp(min=0.0)
    p = origins + t[..., None] * dirs
    return p, sdf_sphere(p, center, radius)


def shade(center, radius, light=torch.tensor([0.6, 0.7, -0.4])):
    origins, dirs = camera_rays()
    p, d = sphere_trace(origins, dirs, center, radius)
    normal = F.normalize(p - center, dim=-1)
    lam = (normal * F.normalize(light, dim=0)).sum(-1).clamp(min=0.0)
    hit = torch.sigmoid(-d * 40.0)
    return hit * (0.2 + 0.8 * lam), hit


true_center = torch.tensor([0.3, -0.2, 0.5])
with torch.no_grad():
    target_img, target_hit = shade(true_center, torch.tensor(0.9))
print("target hit pixels:", int((target_hit > 0.5).sum()), "mean:", f"{target_img.mean().item():.4f}")
print("\n".join("".join(" .-=#"[min(4, int(v * 5))] for v in r) for r in target_img.tolist()))

center = torch.zeros(3, requires_grad=True)
radius = torch.tensor(0.6, requires_grad=True)
opt = torch.optim.Adam([center, radius], lr=0.05, betas=(0.9, 0.99))
for it in range(19):
    img, hit = shade(center, radius)
    loss = ((img - target_img) ** 2).mean() + 0.1 * ((hit - target_hit) ** 2).mean()
    opt.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_([center, radius], 1.0)
    opt.step()
    if it % 6 == 0:
        print(f"sdf it {it:2d}  loss {loss.item():.4f}  radius {radius.item():.3f}")
print("recovered centre:", center.detach().round(decimals=1), "radius:", round(radius.item(), 1))
