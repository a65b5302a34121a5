"""Neural signed distance fields: geometric initialisation (IGR / SAL), eikonal regularisation
through autograd.grad(create_graph=True), sphere tracing and normals from the SDF gradient."""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)


def sphere_sdf(p, r=0.6):
    return p.norm(dim=-1, keepdim=True) - r


def box_sdf(p, b=torch.tensor([0.4, 0.3, 0.5])):
    q = p.abs() - b
    return q.clamp(min=0).norm(dim=-1, keepdim=True) + q.max(dim=-1, keepdim=True).values.clamp(max=0)


def smooth_union(d1, d2, k=0.1):
    h = torch.clamp(0.5 + 0.5 * (d2 - d1) / k, 0.0, 1.0)
    return torch.lerp(d2, d1, h) - k * h * (1.0 - h)


class SDFNet(nn.Module):
    def __init__(self, d_hidden=64, n_layers=3, radius=0.5, skip=2):
        super().__init__()
        dims = [3] + [d_hidden] * n_layers + [1]
        self.skip = skip
        self.layers = nn.ModuleList()
        for i in range(len(dims) - 1):
            out_dim = dims[i + 1] - 3 if i + 1 == skip else dims[i + 1]
            lin = nn.Linear(dims[i], out_dim)
            if i == len(dims) - 2:
                nn.init.normal_(lin.weight, mean=math.sqrt(math.pi) / math.sqrt(dims[i]), std=1e-4)
                nn.init.constant_(lin.bias, -radius)
            else:
                nn.init.constant_(lin.bias, 0.0)
                nn.init.normal_(lin.weight, 0.0, math.sqrt(2) / math.sqrt(out_dim))
            lin = nn.utils.parametrizations.weight_norm(lin)
            self.layers.append(lin)
        self.act = nn.Softplus(beta=100)

    def forward(self, x):
        h = x
        for i, lin in enumerate(self.layers):
            if i == self.skip:
                h = torch.cat([h, x], -1) / math.sqrt(2)
            h = lin(h)
            if i < len(self.layers) - 1:
                h = self.act(h)
        return h


def gradient(y, x):
    return torch.autograd.grad(y, x, grad_outputs=torch.ones_like(y), create_graph=True, retain_graph=True,
                               only_inputs=True)[0]


net = SDFNet()
print(net.layers[0])
print("parametrized:", nn.utils.parametrize.is_parametrized(net.layers[0]),
      sorted(n for n, _ in net.layers[0].named_parameters()))
print("weight_g shape", tuple(net.layers[0].parametrizations.weight.original0.shape))

# geometric init: the network starts close to the SDF of a sphere of radius 0.5
probe = torch.tensor([[0.0, 0.0, 0.0], [0.5, 0.0, 0.0], [0.0, 0.9, 0.0], [0.3, 0.3, 0.3]])
with torch.no_grad():
    print("init sdf", net(probe).squeeze(-1))
    print("sphere  ", (probe.norm(dim=-1) - 0.5))

# training data: points on a smooth union of a sphere and a box, plus off-surface samples
pts = torch.rand(512, 3) * 2 - 1
d = smooth_union(sphere_sdf(pts - torch.tensor([0.2, 0.0, 0.0])), box_sdf(pts + torch.tensor([0.3, 0.1, 0.0])))
print("target sdf stats", f"{d.min().item():.4f}", f"{d.max().item():.4f}", f"{(d < 0).float().mean().item():.4f}")
print("inside count", int((d < 0).sum()), d.dtype, d.shape)

opt = torch.optim.Adam(net.parameters(), lr=2e-3)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=50)
lam = 0.1
for it in range(50):
    idx = torch.randint(0, pts.shape[0], (128,))
    x = pts[idx].clone().requires_grad_(True)
    pred = net(x)
    g = gradient(pred, x)
    eik = ((g.norm(2, dim=-1) - 1) ** 2).mean()
    sdf_loss = F.l1_loss(pred, d[idx])
    loss = sdf_loss + lam * eik
    opt.zero_grad()
    loss.backward()
    nn.utils.clip_grad_norm_(net.parameters(), max_norm=5.0)
    opt.step()
    sched.step()
    if it % 10 == 0:
        print(f"it {it:2d} sdf {sdf_loss.item():.4f} eik {eik.item():.4f} lr {sched.get_last_lr()[0]:.6f}")

print("grad fn of eikonal:", type(eik.grad_fn).__name__, eik.requires_grad)


# Sphere tracing on the analytic SDF
def scene(p):
    return smooth_union(sphere_sdf(p - torch.tensor([0.2, 0.0, 0.0])), box_sdf(p + torch.tensor([0.3, 0.1, 0.0])))


res = 8
u = torch.linspace(-1, 1, res)
vv, uu = torch.meshgrid(u, u, indexing="ij")
dirs = F.normalize(torch.stack([uu * 0.5, -vv * 0.5, -torch.ones_like(uu)], -1), dim=-1).reshape(-1, 3)
origin = torch.tensor([0.0, 0.0, 2.5]).expand_as(dirs)
t = torch.zeros(dirs.shape[0], 1)
hit = torch.zeros(dirs.shape[0], dtype=torch.bool)
for step in range(40):
    p = origin + t * dirs
    dist = scene(p)
    hit = hit | (dist.squeeze(-1).abs() < 1e-3)
    t = torch.where(hit.unsqueeze(-1), t, t + dist)
    t.clamp_(max=5.0)
print("hits\n", hit.view(res, res).int())
print("depth\n", torch.where(hit, t.squeeze(-1), torch.full_like(t.squeeze(-1), float("inf"))).view(res, res))

p_hit = (origin + t * dirs)[hit].requires_grad_(True)
normals = F.normalize(gradient(scene(p_hit), p_hit), dim=-1)
light = F.normalize(torch.tensor([1.0, 1.0, 1.0]), dim=0)
shade = (normals @ light).clamp(min=0)
print("normals", normals.shape, normals.grad_fn.name())
print("shade\n", shade[:8])
img = torch.zeros(res * res)
img[hit] = shade.detach()
img = img.view(res, res)
print("image\n", img)

# Hessian of the learned SDF at a point: curvature estimate
x0 = torch.tensor([[0.1, 0.2, 0.3]])
H = torch.autograd.functional.hessian(lambda z: net(z.unsqueeze(0)).sum(), x0[0])
print("hessian", H.shape, torch.allclose(H, H.T, atol=1e-5))
J = torch.autograd.functional.jacobian(lambda z: net(z).squeeze(-1), probe)
print("jacobian", J.shape)

# Marching-cubes style occupancy grid from the network, as NumPy
with torch.no_grad():
    grid = torch.stack(torch.meshgrid(*[torch.linspace(-1, 1, 6)] * 3, indexing="ij"), -1)
    occ = (scene(grid.view(-1, 3)) < 0).view(6, 6, 6)
arr = occ.numpy()
print("occupancy", arr.dtype, arr.shape, int(arr.sum()), np.argwhere(arr)[:3].tolist())

try:
    torch.autograd.grad(scene(torch.zeros(2, 3)), torch.zeros(2, 3, requires_grad=True))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    gradient(net(torch.zeros(2, 3)), torch.zeros(2, 3, requires_grad=True))
except RuntimeError as e:
    print("RuntimeError:", e)

# An explicit SDF: a dense voxel grid read with trilinear grid_sample, fitted with an eikonal term
# (its gradient w.r.t. the query points is taken with create_graph and then differentiated again).
torch.manual_seed(8)
R = 8
axis = torch.linspace(-1, 1, R)
zz, yy, xx = torch.meshgrid(axis, axis, axis, indexing="ij")
init = torch.stack([xx, yy, zz], -1).norm(dim=-1) - 0.5
vox = nn.Parameter((init + 0.05 * torch.randn(R, R, R))[None, None])
opt = torch.optim.Adam([vox], lr=1e-2)
for it in range(21):
    q = (torch.rand(1, 64, 1, 1, 3) * 1.6 - 0.8).requires_grad_(True)
    s = F.grid_sample(vox, q, mode="bilinear", padding_mode="border", align_corners=True)
    gq, = torch.autograd.grad(s.sum(), q, create_graph=True)
    eik = ((gq.norm(dim=-1) - 1) ** 2).mean()
    fit = (s.view(-1) - (q.detach().view(-1, 3).norm(dim=-1) - 0.5)).abs().mean()
    loss = fit + 0.05 * eik
    opt.zero_grad()
    loss.backward()
    opt.step()
    if it == 0:
        print("sdf gradient grad_fn:", type(gq.grad_fn).__name__, [type(f).__name__ if f is not None else None
                                                                  for f, _ in gq.grad_fn.next_functions])
    if it % 10 == 0:
        print(f"voxel it {it:2d} fit {fit.item():.4f} eikonal {eik.item():.4f}")
with torch.no_grad():
    centre = F.grid_sample(vox, torch.zeros(1, 1, 1, 1, 3), align_corners=True)
print("sdf at the centre", f"{centre.item():.4f}")
