"""Sphere tracing signed distance fields: autograd normals, soft shadows, AO, tone mapping, FFT bloom."""
import torch
import torch.nn.functional as F

torch.manual_seed(3)
torch.set_printoptions(precision=3)


def sd_sphere(p, c, r):
    return torch.linalg.norm(p - c, dim=-1) - r


def sd_box(p, b):
    q = p.abs() - b
    return torch.linalg.norm(q.clamp(min=0), dim=-1) + q.max(dim=-1).values.clamp(max=0)


def sd_torus(p, t):
    q = torch.stack([torch.linalg.norm(p[..., [0, 2]], dim=-1) - t[0], p[..., 1]], dim=-1)
    return q.norm(dim=-1) - t[1]


def smin(a, b, k=0.3):
    h = (0.5 + 0.5 * (b - a) / k).clamp(0, 1)
    return torch.lerp(b, a, h) - k * h * (1 - h)


def scene(p):
    s = sd_sphere(p, torch.tensor([0.0, 0.2, 0.0]), 0.6)
    b = sd_box(p - torch.tensor([0.7, -0.2, 0.3]), torch.tensor([0.3, 0.3, 0.3]))
    t = sd_torus(p - torch.tensor([-0.6, -0.3, 0.0]), (0.4, 0.12))
    ground = p[..., 1] + 0.6
    return torch.minimum(smin(smin(s, b), t), ground)


H = W = 20
ys = torch.linspace(1, -1, H)
xs = torch.linspace(-1, 1, W)
gy, gx = torch.meshgrid(ys, xs, indexing="ij")
ro = torch.tensor([0.0, 0.4, 3.0]).expand(H, W, 3)
rd = F.normalize(torch.stack([gx, gy - 0.2, torch.full_like(gx, -1.8)], -1), dim=-1)

t = torch.zeros(H, W)
steps_taken = torch.zeros(H, W, dtype=torch.int32)
active = torch.ones(H, W, dtype=torch.bool)
for i in range(64):
    d = scene(ro + rd * t.unsqueeze(-1))
    active = active & (d > 1e-3) & (t < 8)
    t = torch.where(active, t + d, t)
    steps_taken += active.int()
hit = t < 8
print("marched, hit:", int(hit.sum()), "mean steps:", f"{steps_taken.float().mean().item():.2f}")
print("steps histogram:", torch.histc(steps_taken.float(), bins=8, min=0, max=64).long().tolist())

p = (ro + rd * t.unsqueeze(-1)).detach().requires_grad_(True)
dist = scene(p)
(grad,) = torch.autograd.grad(dist.sum(), p)
n = F.normalize(grad, dim=-1)
print("normal grad_fn of dist:", dist.grad_fn.name())
print("normal at centre:", n[H // 2, W // 2])

# finite difference normals for comparison
eps = 1e-3
offs = torch.eye(3) * eps
fd = torch.stack([scene(p.detach() + o) - scene(p.detach() - o) for o in offs], dim=-1)
fd = F.normalize(fd, dim=-1)
cos = (fd * n).sum(-1)[hit]
print("autograd vs finite difference normals agree:", bool((cos > 0.99).float().mean() > 0.95))

light_dir = F.normalize(torch.tensor([0.6, 0.8, 0.4]), dim=0)
with torch.no_grad():
    pos = p.detach() + n * 2e-3
    # soft shadow march
    res = torch.ones(H, W)
    s = torch.full((H, W), 0.02)
    for i in range(32):
        h = scene(pos + light_dir * s.unsqueeze(-1))
        res = torch.minimum(res, (8 * h / s).clamp(0, 1))
        s = s + h.clamp(0.01, 0.2)
    # ambient occlusion
    ao = torch.zeros(H, W)
    for k in range(1, 5):
        dk = 0.08 * k
        ao += (dk - scene(pos + n * dk)) / 2 ** k
    ao = (1 - 3 * ao).clamp(0, 1)
    diff = (n @ light_dir).clamp(min=0)
    radiance = 4.0 * diff * res + 0.3 * ao
    radiance = torch.where(hit, radiance, 0.2 + 0.3 * (rd[..., 1] + 0.5).clamp(0, 1))

print("shadow min/max:", f"{res[hit].min().item():.3f}", f"{res[hit].max().item():.3f}")
print("ao mean:", f"{ao[hit].mean().item():.4f}")

# tone mapping operators
reinhard = radiance / (1 + radiance)
a, b, c, d_, e = 2.51, 0.03, 2.43, 0.59, 0.14
aces = ((radiance * (a * radiance + b)) / (radiance * (c * radiance + d_) + e)).clamp(0, 1)
expo = 1 - torch.exp(-radiance)
for name, img in [("reinhard", reinhard), ("aces", aces), ("exposure", expo)]:
    g = img.pow(1 / 2.2)
    print(f"{name:9s} mean={g.mean().item():.4f} p90={torch.quantile(g, 0.9).item():.4f}")

# bloom: blur the bright pixels with an FFT gaussian
bright = F.relu(radiance - 1.5)
fy = torch.fft.fftfreq(H)
fx = torch.fft.rfftfreq(W)
kernel = torch.exp(-(fy[:, None] ** 2 + fx[None, :] ** 2) * 2 * (torch.pi * 1.5) ** 2)
blurred = torch.fft.irfft2(torch.fft.rfft2(bright) * kernel, s=(H, W))
print("bloom energy:", f"{bright.sum().item():.3f}", f"{blurred.sum().item():.3f}")
final = (reinhard + 0.5 * blurred).clamp(0, 1)

ramp = " .:-=+*#%@"
q = (final * 9).round().long()
for row in q.tolist():
    print("".join(ramp[i] for i in row))
print(final[8:12, 8:12])
