"""Rotations (quaternions, axis-angle, matrices), a pinhole camera and a differentiable soft point rasterizer."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(2)


def quat_mul(p, q):
    pw, px, py, pz = p.unbind(-1)
    qw, qx, qy, qz = q.unbind(-1)
    return torch.stack([
        pw * qw - px * qx - py * qy - pz * qz,
        pw * qx + px * qw + py * qz - pz * qy,
        pw * qy - px * qz + py * qw + pz * qx,
        pw * qz + px * qy - py * qx + pz * qw,
    ], dim=-1)


def quat_to_matrix(q):
    q = F.normalize(q, dim=-1)
    w, x, y, z = q.unbind(-1)
    return torch.stack([
        1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w),
        2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w),
        2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y),
    ], dim=-1).unflatten(-1, (3, 3))


def hat(v):
    zero = torch.zeros_like(v[..., 0])
    return torch.stack([zero, -v[..., 2], v[..., 1],
                        v[..., 2], zero, -v[..., 0],
                        -v[..., 1], v[..., 0], zero], -1).view(*v.shape[:-1], 3, 3)


def axis_angle_to_matrix(aa):
    theta = aa.norm(dim=-1, keepdim=True).unsqueeze(-1)
    K = hat(aa / theta.squeeze(-1))
    I = torch.eye(3).expand_as(K)
    return I + torch.sin(theta) * K + (1 - torch.cos(theta)) * (K @ K)


def axis_angle_to_quat(aa):
    theta = aa.norm(dim=-1, keepdim=True)
    return torch.cat([torch.cos(theta / 2), torch.sin(theta / 2) * aa / theta], dim=-1)


aa = torch.randn(4, 3)
R1 = axis_angle_to_matrix(aa)
R2 = torch.linalg.matrix_exp(hat(aa))
R3 = quat_to_matrix(axis_angle_to_quat(aa))
print("rodrigues vs matrix_exp", torch.allclose(R1, R2, atol=1e-5))
print("quat vs rodrigues", torch.allclose(R1, R3, atol=1e-5))
print("orthonormal", torch.allclose(R1 @ R1.transpose(-1, -2), torch.eye(3).expand(4, 3, 3), atol=1e-5))
print("det", torch.linalg.det(R1))
q = axis_angle_to_quat(aa)
qc = quat_mul(q[0:1], q[1:2])
print("composition", torch.allclose(quat_to_matrix(qc), R1[0] @ R1[1], atol=1e-5))
print(q)

# recover angle from the trace
ang = torch.acos(((torch.diagonal(R1, dim1=-2, dim2=-1).sum(-1) - 1) / 2).clamp(-1, 1))
print("angles", ang, aa.norm(dim=-1))

# slerp between two rotations
def slerp(q0, q1, t):
    dot = (q0 * q1).sum(-1, keepdim=True)
    q1 = torch.where(dot < 0, -q1, q1)
    dot = dot.abs().clamp(max=1.0)
    om = torch.acos(dot)
    so = torch.sin(om)
    return (torch.sin((1 - t) * om) / so) * q0 + (torch.sin(t * om) / so) * q1


ts = torch.linspace(0, 1, 5).unsqueeze(-1)
path = slerp(q[0].expand(5, 4), q[1].expand(5, 4), ts)
print("slerp norms", path.norm(dim=-1))
print("slerp path")
print(path[[0, 2, 4]])

# euler angles (ZYX) from the matrix
R = R1[2]
yaw = torch.atan2(R[1, 0], R[0, 0])
pitch = torch.asin(-R[2, 0])
roll = torch.atan2(R[2, 1], R[2, 2])
print("euler (deg)", [round(math.degrees(v.item()), 3) for v in (yaw, pitch, roll)])

# pinhole camera
K = torch.tensor([[50.0, 0, 16], [0, 50.0, 16], [0, 0, 1]])
pts = torch.rand(30, 3) - 0.5
pts[:, 2] += 3.0


class Camera(nn.Module):
    def __init__(self):
        super().__init__()
        self.rotvec = nn.Parameter(torch.tensor([0.05, -0.02, 0.03]))
        self.t = nn.Parameter(torch.zeros(3))

    def forward(self, X):
        Rm = axis_angle_to_matrix(self.rotvec)
        Xc = X @ Rm.T + self.t
        uvw = Xc @ K.T
        return uvw[:, :2] / uvw[:, 2:3]


cam = Camera()
print(cam)
uv = cam(pts)
print("uv range", f"{uv.min().item():.3f}", f"{uv.max().item():.3f}")


def soft_raster(uv, H=32, W=32, radius=1.5, sigma=0.5):
    yy, xx = torch.meshgrid(torch.arange(H, dtype=torch.float32), torch.arange(W, dtype=torch.float32),
                            indexing="ij")
    pix = torch.stack([xx, yy], -1).view(-1, 1, 2)
    dist = torch.cdist(pix.squeeze(1), uv)                   # (HW, N)
    cover = torch.sigmoid((radius - dist) / sigma)
    img = 1 - torch.prod(1 - cover, dim=1)
    return img.view(H, W)


target_cam = Camera()
with torch.no_grad():
    target_cam.rotvec.copy_(torch.tensor([0.1, 0.05, -0.05]))
    target_cam.t.copy_(torch.tensor([0.05, -0.03, 0.1]))
    target = soft_raster(target_cam(pts))
print("target coverage", f"{target.mean().item():.4f}")

opt = torch.optim.Adam(cam.parameters(), lr=0.01)
for step in range(30):
    opt.zero_grad()
    img = soft_raster(cam(pts))
    loss = F.mse_loss(img, target)
    loss.backward()
    opt.step()
    if step % 10 == 0:
        print(f"step {step:2d} loss {loss.item():.5f} |grad rot| {cam.rotvec.grad.norm().item():.4f}")
print("final loss", f"{loss.item():.5f}", "grad_fn", type(loss.grad_fn).__name__)
print("params", cam.rotvec.data, cam.t.data)

try:
    quat_mul(torch.randn(2, 4), torch.randn(3, 4))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.linalg.matrix_exp(torch.randn(3, 2))
except RuntimeError as e:
    print("RuntimeError:", e)
