"""3D rotations as in course notes and geometry libraries written in plain PyTorch (pytorch3d-style
transforms, Kabsch alignment in point-cloud registration tutorials): the skew / cross-product matrix,
axis-angle to matrix by Rodrigues' formula (batched, with torch.linalg.norm and clamp_min), quaternion
<-> matrix, the 6D continuous representation with Gram-Schmidt (F.normalize, torch.cross), the log
map with acos, random rotations from QR with a sign fix, rotating point clouds with einsum / bmm,
Kabsch/Procrustes by SVD with the det-based reflection fix, and learning a rotation by gradient
descent on an axis-angle parameter."""
import math

import torch
import torch.nn.functional as F

torch.set_printoptions(precision=4, sci_mode=False)


def hat(v):
    """(..., 3) -> (..., 3, 3) cross-product matrices."""
    x, y, z = v.unbind(-1)
    O = torch.zeros_like(x)
    return torch.stack([O, -z, y, z, O, -x, -y, x, O], dim=-1).view(*v.shape[:-1], 3, 3)


def axis_angle_to_matrix(aa):
    angle = torch.linalg.norm(aa, dim=-1, keepdim=True).clamp_min(1e-8)
    axis = aa / angle
    K = hat(axis)
    s = torch.sin(angle)[..., None]
    c = torch.cos(angle)[..., None]
    I = torch.eye(3, dtype=aa.dtype).expand_as(K)
    return I + s * K + (1 - c) * (K @ K)


def quaternion_to_matrix(q):
    r, i, j, k = torch.unbind(q, -1)
    two_s = 2.0 / (q * q).sum(-1)
    o = torch.stack((
        1 - two_s * (j * j + k * k), two_s * (i * j - k * r), two_s * (i * k + j * r),
        two_s * (i * j + k * r), 1 - two_s * (i * i + k * k), two_s * (j * k - i * r),
        two_s * (i * k - j * r), two_s * (j * k + i * r), 1 - two_s * (i * i + j * j),
    ), -1)
    return o.reshape(q.shape[:-1] + (3, 3))


def matrix_to_quaternion_simple(R):
    """trace-based branch (fine for rotations away from 180 degrees)."""
    w = torch.sqrt(torch.clamp(1 + R[..., 0, 0] + R[..., 1, 1] + R[..., 2, 2], min=1e-12)) / 2
    x = (R[..., 2, 1] - R[..., 1, 2]) / (4 * w)
    y = (R[..., 0, 2] - R[..., 2, 0]) / (4 * w)
    z = (R[..., 1, 0] - R[..., 0, 1]) / (4 * w)
    return torch.stack([w, x, y, z], -1)


def rotation_6d_to_matrix(d6):
    a1, a2 = d6[..., :3], d6[..., 3:]
    b1 = F.normalize(a1, dim=-1)
    b2 = a2 - (b1 * a2).sum(-1, keepdim=True) * b1
    b2 = F.normalize(b2, dim=-1)
    b3 = torch.cross(b1, b2, dim=-1)
    return torch.stack((b1, b2, b3), dim=-2)


def so3_log_angle(R, eps=1e-4):
    rot_trace = R[..., 0, 0] + R[..., 1, 1] + R[..., 2, 2]
    phi_cos = ((rot_trace - 1.0) * 0.5).clamp(-1.0 + eps, 1.0 - eps)
    return torch.acos(phi_cos)


def random_rotations(n, dtype=torch.float32):
    A = torch.randn(n, 3, 3, dtype=torch.float64)
    Q, Rr = torch.linalg.qr(A)
    Q = Q * torch.sign(torch.diagonal(Rr, dim1=-2, dim2=-1)).unsqueeze(-2)
    det = torch.linalg.det(Q)
    Q[det < 0, :, 0] *= -1  # make proper rotations
    return Q.to(dtype)


def kabsch(P, Q):
    """R, t minimising sum ||R p_i + t - q_i||^2 for (B, N, 3) batches."""
    p_mean = P.mean(dim=1, keepdim=True)
    q_mean = Q.mean(dim=1, keepdim=True)
    X = P - p_mean
    Y = Q - q_mean
    H = X.transpose(1, 2) @ Y
    U, S, Vt = torch.linalg.svd(H)
    d = torch.sign(torch.linalg.det(Vt.transpose(1, 2) @ U.transpose(1, 2)))
    D = torch.diag_embed(torch.stack([torch.ones_like(d), torch.ones_like(d), d], -1))
    R = Vt.transpose(1, 2) @ D @ U.transpose(1, 2)
    t = q_mean.squeeze(1) - (R @ p_mean.transpose(1, 2)).squeeze(-1)
    return R, t


torch.manual_seed(3)

# --- hat / cross product ---------------------------------------------------------------------
a, b = torch.randn(4, 3, dtype=torch.float64), torch.randn(4, 3, dtype=torch.float64)
print("hat(a) b == a x b:", torch.allclose((hat(a) @ b.unsqueeze(-1)).squeeze(-1), torch.linalg.cross(a, b)))
print("a x b:", torch.cross(a.float(), b.float()))  # no dim: the first dim of size 3
print("hat is skew:", torch.allclose(hat(a), -hat(a).transpose(-1, -2)))
print(hat(torch.tensor([1., 2., 3.])))

# --- Rodrigues ----------------------------------------------------------------------------------
aa = torch.tensor([[0., 0., math.pi / 2], [math.pi, 0., 0.], [0.1, -0.2, 0.3], [0., 0., 0.]])
R = axis_angle_to_matrix(aa)
print("Rz(90):\n", R[0].round(decimals=4))
print("R^T R = I:", torch.allclose(R.transpose(-1, -2) @ R, torch.eye(3).expand(4, 3, 3), atol=1e-6))
print("det:", torch.linalg.det(R).round(decimals=4))
print("zero angle gives identity:", torch.equal(R[3], torch.eye(3)))
print("matrix_exp agrees:", torch.allclose(torch.linalg.matrix_exp(hat(aa)), R, atol=1e-5))
print("exp(hat(w)) for a quarter turn about z:\n", torch.linalg.matrix_exp(hat(aa[0])))
print("exp map batch:\n", torch.linalg.matrix_exp(hat(aa[2:])).round(decimals=4))
print("log angle:", so3_log_angle(R.double()).round(decimals=4))

# --- quaternions ---------------------------------------------------------------------------------
q = F.normalize(torch.randn(5, 4, dtype=torch.float64), dim=-1)
q = torch.where(q[:, :1] < 0, -q, q)
Rq = quaternion_to_matrix(q)
q_back = matrix_to_quaternion_simple(Rq)
print("quaternion round trip:", torch.allclose(q, q_back, atol=1e-8), "max err %.1e" % (q - q_back).abs().max().item()
      if (q - q_back).abs().max().item() > 1e-8 else "")
print("q and -q same rotation:", torch.allclose(quaternion_to_matrix(-q), Rq))
half = torch.tensor([math.cos(math.pi / 8), 0, 0, math.sin(math.pi / 8)])
print("quat 45 deg about z:\n", quaternion_to_matrix(half).round(decimals=4))

# --- 6D representation ----------------------------------------------------------------------------
d6 = torch.randn(3, 6)
R6 = rotation_6d_to_matrix(d6)
print("6d -> proper rotation:", torch.allclose(torch.linalg.det(R6), torch.ones(3), atol=1e-5),
      torch.allclose(R6 @ R6.transpose(1, 2), torch.eye(3).expand(3, 3, 3), atol=1e-5))
print("first row is normalised a1:", torch.allclose(R6[:, 0], d6[:, :3] / d6[:, :3].norm(dim=-1, keepdim=True)))

# --- rotate a point cloud, recover the rotation with Kabsch ---------------------------------------
Rgt = random_rotations(4)
print("random rotations det:", torch.linalg.det(Rgt.double()).round(decimals=5).tolist())
tgt = torch.randn(4, 3)
P = torch.randn(4, 50, 3)
Q = torch.einsum('bij,bnj->bni', Rgt, P) + tgt[:, None, :]
print("einsum == bmm:", torch.allclose(Q, torch.bmm(P, Rgt.transpose(1, 2)) + tgt[:, None], atol=1e-6))
Q_noisy = Q + 0.01 * torch.randn_like(Q)
R_est, t_est = kabsch(P.double(), Q_noisy.double())
ang_err = so3_log_angle(R_est.transpose(1, 2) @ Rgt.double(), eps=0.0) * 180 / math.pi
print("rotation error (deg) < 1:", (ang_err < 1).tolist())
print("translation error < 0.01:", ((t_est - tgt.double()).norm(dim=-1) < 0.01).tolist())
rmsd = ((torch.einsum('bij,bnj->bni', R_est, P.double()) + t_est[:, None] - Q_noisy.double()) ** 2).sum(-1).mean(-1).sqrt()
print("rmsd:", [f"{v:.3f}" for v in rmsd.tolist()])

# reflection fix: a mirrored target must still give a proper rotation
mirror = torch.diag(torch.tensor([1., 1., -1.], dtype=torch.float64))
Rm, _ = kabsch(P[:1].double(), (P[:1].double() @ mirror))
print("reflection-fixed det:", round(torch.linalg.det(Rm).item(), 6))
U, S, Vh = torch.linalg.svd(P[0].T @ P[0])
print("singular values descending:", bool((S[:-1] >= S[1:]).all()), "U orthogonal:",
      torch.allclose(U.T @ U, torch.eye(3), atol=1e-5))

# the determinant is differentiable, also at a singular matrix (a degenerate, collinear cross-covariance)
H = torch.tensor([[1., 2., 3.], [2., 4., 6.], [0., 1., 1.]], requires_grad=True)
torch.linalg.det(H).backward()
print("d det / dH at a singular H:", H.grad.abs().sum().item())
A = torch.randn(3, 3, requires_grad=True)
torch.linalg.det(A).backward()
print("cofactor identity:", torch.allclose(A.grad, torch.linalg.det(A).detach() * torch.linalg.inv(A.detach()).T, atol=1e-5))

# heading angles with atan2, differentiable even at the origin
xy = torch.tensor([[1., 0.], [0., 0.], [-1., -1.]], requires_grad=True)
heading = torch.atan2(xy[:, 1], xy[:, 0])
heading.sum().backward()
print("heading (deg):", torch.rad2deg(heading).tolist(), "grad:", xy.grad.tolist())

# --- learn a rotation by gradient descent on axis-angle ---------------------------------------------
target_R = axis_angle_to_matrix(torch.tensor([0.3, -0.5, 0.8]))
pts = torch.randn(100, 3)
obs = pts @ target_R.T
omega = torch.full((3,), 0.01, requires_grad=True)
opt = torch.optim.Adam([omega], lr=0.05)
for it in range(80):
    opt.zero_grad()
    loss = ((pts @ axis_angle_to_matrix(omega).T - obs) ** 2).mean()
    loss.backward()
    opt.step()
    if it % 20 == 0:
        print("iter %2d loss %.4f" % (it, loss.item()))
print("omega:", omega.detach().round(decimals=2))
w = torch.tensor([0.2, 0.1, -0.4], dtype=torch.float64, requires_grad=True)
print("gradcheck Rodrigues:", torch.autograd.gradcheck(axis_angle_to_matrix, (w,)))
print("gradcheck quaternion:", torch.autograd.gradcheck(quaternion_to_matrix,
                                                          (torch.randn(2, 4, dtype=torch.float64, requires_grad=True),)))
