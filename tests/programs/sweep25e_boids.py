"""Boids flocking with tensors: separation, alignment, cohesion from pairwise distances."""
import math

import torch
import torch.nn.functional as F

torch.manual_seed(0)
N = 24
pos = torch.rand(N, 2) * 10.0
vel = torch.randn(N, 2)
print("initial positions (first 4):")
print(pos[:4])
print("initial speed mean:", f"{vel.norm(dim=1).mean().item():.4f}")


def limit_speed(v, vmin=0.5, vmax=2.0):
    speed = v.norm(dim=1, keepdim=True).clamp_min(1e-8)
    return v / speed * speed.clamp(vmin, vmax)


def step(pos, vel, k=5, r_sep=1.0, dt=0.1, box=10.0):
    d = torch.cdist(pos, pos)                       # (N, N)
    d_self = d + torch.eye(len(pos)) * 1e6          # exclude self
    nd, nbr = torch.topk(d_self, k, dim=1, largest=False)
    # alignment: mean velocity of the k nearest
    align = vel[nbr].mean(dim=1) - vel
    # cohesion: toward the centroid of neighbours
    cohesion = pos[nbr].mean(dim=1) - pos
    # separation: push away from boids closer than r_sep
    diff = pos.unsqueeze(1) - pos.unsqueeze(0)      # (N, N, 2)
    close = (d_self < r_sep).unsqueeze(-1)
    sep = torch.where(close, diff / d_self.unsqueeze(-1).clamp_min(1e-3) ** 2, torch.zeros(())).sum(dim=1)
    acc = 0.05 * align + 0.01 * cohesion + 0.1 * sep
    vel = limit_speed(vel + acc)
    pos = torch.remainder(pos + dt * vel, box)
    return pos, vel, nd


for t in range(30):
    pos, vel, nd = step(pos, vel)
    if t % 10 == 9:
        heading = F.normalize(vel, dim=1)
        order = heading.mean(dim=0).norm().item()   # polarisation order parameter
        print(f"step {t + 1:2d}: order={order:.4f} mean nn dist={nd[:, 0].mean().item():.4f} "
              f"min dist={nd.min().item():.4f}")

print("final velocity stats:")
speed = vel.norm(dim=1)
print(" speed min/max:", f"{speed.min().item():.4f}", f"{speed.max().item():.4f}")
angles = torch.atan2(vel[:, 1], vel[:, 0])
hist = torch.histc(angles, bins=8, min=-math.pi, max=math.pi)
print(" heading histogram:", hist)
print(" quadrant counts:", torch.bincount((pos // 5).long()[:, 0] * 2 + (pos // 5).long()[:, 1], minlength=4))

# neighbourhood graph: adjacency within radius 2, degree statistics
adj = (torch.cdist(pos, pos) < 2.0) & ~torch.eye(N, dtype=torch.bool)
deg = adj.sum(dim=1)
print("degree:", deg)
print("degree dtype:", deg.dtype, "isolated:", (deg == 0).nonzero().flatten().tolist())
vals, counts = torch.unique(deg, return_counts=True)
print("degree distribution:", dict(zip(vals.tolist(), counts.tolist())))

# predator: boids within radius flee; argmin picks the closest prey
predator = torch.tensor([5.0, 5.0])
dist_pred = (pos - predator).norm(dim=1)
closest = dist_pred.argmin()
print("closest prey:", closest.item(), f"{dist_pred[closest].item():.4f}")
flee = F.normalize(pos - predator, dim=1) * (dist_pred < 3.0).float().unsqueeze(1)
print("fleeing boids:", int(flee.abs().sum(dim=1).gt(0).sum()))

# a differentiable flock loss: make the velocity field smooth by gradient descent
v = vel.clone().requires_grad_(True)
opt = torch.optim.SGD([v], lr=0.2, momentum=0.5)
_, nbr = torch.topk(torch.cdist(pos, pos) + torch.eye(N) * 1e6, 4, largest=False)
for it in range(20):
    opt.zero_grad()
    loss = ((v.unsqueeze(1) - v[nbr]) ** 2).sum(-1).mean() + 0.1 * (v.norm(dim=1) - 1.0).pow(2).mean()
    loss.backward()
    opt.step()
print("smooth loss:", f"{loss.item():.4f}", type(loss.grad_fn).__name__)
print("v grad shape:", v.grad.shape, "norm", f"{v.grad.norm():.4f}")

try:
    torch.cdist(pos, pos[:, :1].T)
except RuntimeError as e:
    print("cdist error:", e)
try:
    torch.topk(d_self := torch.cdist(pos, pos), N + 1)
except RuntimeError as e:
    print("topk error:", e)
