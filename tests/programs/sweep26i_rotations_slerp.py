"""Quaternions, rotation matrices, axis-angle and SLERP for end-effector orientation interpolation."""
import math

import torch
import torch.nn.functional as F

torch.manual_seed(11)


def quat_to_rotmat(q):
    q = F.normalize(q, dim=-1)
    w, x, y, z = q.unbind(-1)
    R = torch.stack([
        1 - 2 * (y ** 2 + z ** 2), 2 * (x * y - w * z), 2 * (x * z + w * y),
        2 * (x * y + w * z), 1 - 2 * (x ** 2 + z ** 2), 2 * (y * z - w * x),
        2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x ** 2 + y ** 2),
    ], -1)
    return R.reshape(q.shape[:-1] + (3, 3))


def rotmat_to_quat(R):
    tr = R.diagonal(dim1=-2, dim2=-1).sum(-1)
    w = torch.sqrt(torch.clamp(1 + tr, min=1e-12)) / 2
    x = (R[..., 2, 1] - R[..., 1, 2]) / (4 * w)
    y = (R[..., 0, 2] - R[..., 2, 0]) / (4 * w)
    z = (R[..., 1, 0] - R[..., 0, 1]) / (4 * w)
    return torch.stack([w, x, y, z], -1)


def quat_mul(a, b):
    aw, av = a[..., :1], a[..., 1:]
    bw, bv = b[..., :1], b[..., 1:]
    w = aw * bw - (av * bv).sum(-1, keepdim=True)
    v = aw * bv + bw * av + torch.linalg.cross(av, bv, dim=-1)
    return torch.cat([w, v], -1)


def slerp(q0, q1, t):
    dot = (q0 * q1).sum(-1, keepdim=True)
    q1 = torch.where(dot < 0, -q1, q1)
    dot = dot.abs().clamp(max=1.0)
    theta = torch.acos(dot)
    s = torch.sin(theta)
    t = t.unsqueeze(-1)
    a = torch.sin((1 - t) * theta) / s
    b = torch.sin(t * theta) / s
    return a * q0 + b * q1


def so3_log(R):
    cos = ((R.diagonal(dim1=-2, dim2=-1).sum(-1) - 1) / 2).clamp(-1, 1)
    theta = torch.arccos(cos)
    w = torch.stack([R[..., 2, 1] - R[..., 1, 2], R[..., 0, 2] - R[..., 2, 0], R[..., 1, 0] - R[..., 0, 1]], -1)
    return w * (theta / (2 * torch.sin(theta))).unsqueeze(-1)


q = F.normalize(torch.randn(5, 4, dtype=torch.float64), dim=-1)
q = q * torch.sign(q[:, :1])
R = quat_to_rotmat(q)
print("R[0]:\n", R[0])
print("det:", torch.det(R))
q_back = rotmat_to_quat(R)
print("round trip ok:", torch.allclose(q_back, q, atol=1e-8))

# composition: q_a * q_b  <->  R_a @ R_b
qa, qb = q[0], q[1]
print("compose ok:", torch.allclose(quat_to_rotmat(quat_mul(qa, qb)), R[0] @ R[1]))

# axis-angle via matrix_exp of the skew matrix
aa = torch.tensor([0.3, -0.2, 0.9], dtype=torch.float64)
K = torch.zeros(3, 3, dtype=torch.float64)
K[0, 1], K[0, 2], K[1, 2] = -aa[2], aa[1], -aa[0]
K = K - K.T
Rexp = torch.linalg.matrix_exp(K)
print("exp(K):\n", Rexp)
print("log(exp(K)):", so3_log(Rexp))
print("angle (deg):", torch.rad2deg(aa.norm()).item().__round__(4))

# SLERP between two orientations
q_start = torch.tensor([1.0, 0.0, 0.0, 0.0])
q_end = F.normalize(torch.tensor([0.7, 0.1, 0.7, 0.1]), dim=0)
ts = torch.linspace(0, 1, 6)
path = slerp(q_start.expand(6, 4), q_end.expand(6, 4), ts)
print("slerp path:\n", path)
print("unit norms:", torch.allclose(path.norm(dim=-1), torch.ones(6)))
angles = 2 * torch.acos((path[:-1] * path[1:]).sum(-1).clamp(-1, 1))
print("step angles constant:", torch.allclose(angles, angles[0].expand(5), atol=1e-3))
print(f"step angle {angles.mean().item():.4f}")
lerp = torch.lerp(q_start, q_end, 0.5)
print("nlerp midpoint:", F.normalize(lerp, dim=0))

# Euler angles (ZYX) from rotation matrices
yaw = torch.atan2(R[:, 1, 0], R[:, 0, 0])
pitch = torch.asin(-R[:, 2, 0].clamp(-1, 1))
roll = torch.atan2(R[:, 2, 1], R[:, 2, 2])
print("euler zyx (deg):\n", torch.rad2deg(torch.stack([yaw, pitch, roll], 1)).to(torch.float32))

# geodesic distance between orientations (batched)
Rrel = R.unsqueeze(1).transpose(-1, -2) @ R.unsqueeze(0)
dist = so3_log(Rrel + 0).norm(dim=-1)
dist = torch.nan_to_num(dist, nan=0.0)
print("geodesic distances:\n", dist.float())
print("argmax pair:", divmod(dist.argmax().item(), 5))

# gradient of orientation error
q_var = torch.tensor([0.9, 0.1, 0.2, 0.3], requires_grad=True)
R_goal = quat_to_rotmat(torch.tensor([0.5, 0.5, 0.5, 0.5]))
err = (quat_to_rotmat(q_var) - R_goal).pow(2).sum()
err.backward()
print("error:", round(err.item(), 4), "grad:", q_var.grad)
print(type(quat_to_rotmat(q_var).grad_fn).__name__)
try:
    torch.linalg.cross(torch.ones(4), torch.ones(4))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.linalg.matrix_exp(torch.ones(2, 3))
except RuntimeError as e:
    print("RuntimeError:", e)
