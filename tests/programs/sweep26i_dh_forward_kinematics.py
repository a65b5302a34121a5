"""Forward kinematics of a planar 3-link arm and a 6-DOF (PUMA-like) arm from Denavit-Hartenberg parameters."""
import math

import torch

torch.manual_seed(0)


def dh_transform(theta, d, a, alpha):
    """Batched 4x4 homogeneous transform of standard DH parameters."""
    ct, st = torch.cos(theta), torch.sin(theta)
    ca, sa = torch.cos(alpha), torch.sin(alpha)
    zero, one = torch.zeros_like(theta), torch.ones_like(theta)
    rows = [
        torch.stack([ct, -st * ca, st * sa, a * ct], dim=-1),
        torch.stack([st, ct * ca, -ct * sa, a * st], dim=-1),
        torch.stack([zero, sa, ca, d], dim=-1),
        torch.stack([zero, zero, zero, one], dim=-1),
    ]
    return torch.stack(rows, dim=-2)


def forward_kinematics(q, dh):
    d, a, alpha = dh[:, 0], dh[:, 1], dh[:, 2]
    T = torch.eye(4, dtype=q.dtype).expand(*q.shape[:-1], 4, 4)
    frames = []
    for i in range(q.shape[-1]):
        Ti = dh_transform(q[..., i], d[i].expand_as(q[..., i]), a[i].expand_as(q[..., i]),
                          alpha[i].expand_as(q[..., i]))
        T = T @ Ti
        frames.append(T)
    return T, torch.stack(frames, dim=-3)


# planar arm: link lengths, alpha=0, d=0
links = torch.tensor([1.0, 0.8, 0.5])
planar_dh = torch.stack([torch.zeros(3), links, torch.zeros(3)], dim=1)
q = torch.tensor([[0.0, 0.0, 0.0], [1.2, 0.0, 0.0], [0.3, -0.4, 0.9]])
T, frames = forward_kinematics(q, planar_dh)
print("planar end effector xy:\n", T[:, :2, 3])
print("frame origins of config 2:\n", frames[2, :, :2, 3])
print("orientation angle:", torch.atan2(T[:, 1, 0], T[:, 0, 0]))

# closed form check
cum = torch.cumsum(q, dim=-1)
x = (links * torch.cos(cum)).sum(-1)
y = (links * torch.sin(cum)).sum(-1)
print("closed form matches:", torch.allclose(torch.stack([x, y], -1), T[:, :2, 3], atol=1e-6))

# 6-DOF PUMA 560 table  (d, a, alpha)
puma = torch.tensor([
    [0.0, 0.0, math.pi / 2],
    [0.0, 0.4318, 0.0],
    [0.15, 0.0203, -math.pi / 2],
    [0.4318, 0.0, math.pi / 2],
    [0.0, 0.0, -math.pi / 2],
    [0.0, 0.0, 0.0],
], dtype=torch.float64)
print(f"{'joint':>5} {'d':>8} {'a':>8} {'alpha':>8}")
for i, (d, a, al) in enumerate(puma.tolist()):
    print(f"{i + 1:>5} {d:8.4f} {a:8.4f} {al:8.4f}")

qs = (torch.rand(5, 6, dtype=torch.float64) - 0.5) * 2 * math.pi
T6, frames6 = forward_kinematics(qs, puma)
print("positions:\n", T6[:, :3, 3])
R = T6[:, :3, :3]
orth = R.transpose(-1, -2) @ R - torch.eye(3, dtype=torch.float64)
print("max orthogonality error < 1e-12:", bool(orth.abs().max() < 1e-12))
print("det R:", torch.linalg.det(R))
print("frames shape:", tuple(frames6.shape), frames6.dtype)

# inverse of homogeneous transform
def inv_homog(T):
    R, p = T[..., :3, :3], T[..., :3, 3:]
    Rt = R.transpose(-1, -2)
    top = torch.cat([Rt, -Rt @ p], dim=-1)
    bottom = torch.tensor([0.0, 0.0, 0.0, 1.0], dtype=T.dtype).expand(*T.shape[:-2], 1, 4)
    return torch.cat([top, bottom], dim=-2)

Ti = inv_homog(T6)
print("inverse ok:", torch.allclose(Ti @ T6, torch.eye(4, dtype=torch.float64).expand(5, 4, 4)))
print("linalg.inv ok:", torch.allclose(torch.linalg.inv(T6), Ti))

# workspace sampling
torch.manual_seed(1)
samples = (torch.rand(2000, 3) * 2 - 1) * math.pi
Ts, _ = forward_kinematics(samples, planar_dh)
reach = Ts[:, :2, 3].norm(dim=-1)
print(f"reach min {reach.min().item():.4f} max {reach.max().item():.4f} mean {reach.mean().item():.3f}")
hist = torch.histc(reach, bins=6, min=0.0, max=2.3)
print("reach histogram:", hist)
bins = torch.bucketize(reach[:10], torch.tensor([0.5, 1.0, 1.5, 2.0]))
print("buckets:", bins)
print(T6[0].to(torch.float32))
print(torch.rad2deg(qs[0]).round(decimals=2))
