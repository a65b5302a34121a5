"""Lucas-Kanade optical flow and affine image warping from a vision course: a smooth synthetic frame
shifted by a known sub-pixel translation with affine_grid + grid_sample (align_corners both ways,
padding modes zeros/border/reflection, bilinear/nearest/bicubic), spatial gradients with conv2d,
per-window 2x2 structure tensors solved with torch.linalg.solve (batched), global flow by
torch.linalg.lstsq, iterative (Gauss-Newton) refinement with warping, and affine parameter fitting
from point matches with lstsq and pinv; plus gradients through grid_sample w.r.t. theta."""
import math

import torch
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_printoptions(precision=4, sci_mode=False)
H, W = 24, 24
yy, xx = torch.meshgrid(torch.linspace(-1, 1, H, dtype=torch.float64),
                        torch.linspace(-1, 1, W, dtype=torch.float64), indexing="ij")
frame0 = (torch.sin(3 * xx + 1) * torch.cos(2 * yy) + 0.5 * torch.exp(-4 * (xx ** 2 + yy ** 2)))[None, None]


def translate(img, dx, dy, align_corners, mode="bilinear", padding_mode="border"):
    n, _, h, w = img.shape
    sx = 2 * dx / ((w - 1) if align_corners else w)
    sy = 2 * dy / ((h - 1) if align_corners else h)
    theta = torch.tensor([[[1.0, 0.0, -sx], [0.0, 1.0, -sy]]], dtype=img.dtype)
    grid = F.affine_grid(theta, img.shape, align_corners=align_corners)
    return F.grid_sample(img, grid, mode=mode, padding_mode=padding_mode, align_corners=align_corners)


def gradients(img):
    kx = torch.tensor([[-0.5, 0.0, 0.5]], dtype=img.dtype)[None, None]
    p = F.pad(img, (1, 1, 1, 1), mode="replicate")
    ix = F.conv2d(p[..., 1:-1, :], kx)
    iy = F.conv2d(p[..., :, 1:-1], kx.transpose(-1, -2))
    return ix, iy


true_dx, true_dy = 0.6, -0.35
for ac in (True, False):
    f1 = translate(frame0, true_dx, true_dy, ac)
    ix, iy = gradients(frame0)
    it = f1 - frame0
    # ---- windowed LK: structure tensor per 5x5 window
    box = torch.ones(1, 1, 5, 5, dtype=frame0.dtype)
    sxx, syy, sxy = [F.conv2d(a, box)[0, 0] for a in (ix * ix, iy * iy, ix * iy)]
    sxt, syt = [F.conv2d(a, box)[0, 0] for a in (ix * it, iy * it)]
    A = torch.stack([torch.stack([sxx, sxy], -1), torch.stack([sxy, syy], -1)], -2)
    b = -torch.stack([sxt, syt], -1)
    eig = torch.linalg.eigvalsh(A)
    good = eig[..., 0] > 0.05
    flow = torch.linalg.solve(A[good], b[good])
    print(f"align_corners={ac}: windows {good.sum().item()}/{good.numel()}",
          "median flow", flow.median(0).values.numpy().round(3))
    # ---- global LK by least squares
    M = torch.stack([ix.flatten(), iy.flatten()], 1)[W * 2:-W * 2]
    rhs = -it.flatten()[W * 2:-W * 2, None]
    sol = torch.linalg.lstsq(M, rhs).solution
    print("  global lstsq", sol.flatten().numpy().round(4))
    # ---- Gauss-Newton refinement by warping frame1 back
    u = torch.zeros(2, dtype=frame0.dtype)
    for step in range(4):
        back = translate(f1, -u[0].item(), -u[1].item(), ac)
        r = (back - frame0)[..., 3:-3, 3:-3].flatten()
        J = torch.stack([ix[..., 3:-3, 3:-3].flatten(), iy[..., 3:-3, 3:-3].flatten()], 1)
        du = torch.linalg.solve(J.T @ J, -J.T @ r)
        u = u + du
        print(f"  iter {step}: u=({u[0].item():.4f}, {u[1].item():.4f}) |r|={r.norm().item():.5f}")

# ---- sampling modes and padding modes on a rotation
img32 = frame0.float()
ang = math.radians(25)
theta = torch.tensor([[[math.cos(ang), -math.sin(ang), 0.1], [math.sin(ang), math.cos(ang), -0.05]]]) * 1.1
for ac in (False, True):
    grid = F.affine_grid(theta, (1, 1, 12, 12), align_corners=ac)
    print(f"grid align_corners={ac}", grid[0, 0, :2].numpy().round(4).tolist())
    for mode in ("bilinear", "nearest", "bicubic"):
        outs = [F.grid_sample(img32, grid, mode=mode, padding_mode=pm, align_corners=ac)
                for pm in ("zeros", "border", "reflection")]
        print(f"  {mode:8s}", [f"{o.mean().item():.4f}" for o in outs], f"{outs[0][0, 0, 0, 0].item():.4f}")

# ---- fit an affine transform from matched points
src = torch.rand(10, 2, dtype=torch.float64) * 20
A_true = torch.tensor([[0.9, -0.2, 3.0], [0.15, 1.05, -1.5]], dtype=torch.float64)
dst = src @ A_true[:, :2].T + A_true[:, 2] + 0.01 * torch.randn(10, 2, dtype=torch.float64)
X = torch.cat([src, torch.ones(10, 1, dtype=torch.float64)], 1)
A_fit = torch.linalg.lstsq(X, dst).solution.T
A_pinv = (torch.linalg.pinv(X) @ dst).T
print("affine fit", A_fit.numpy().round(3).tolist(), torch.allclose(A_fit, A_pinv))
print("reprojection rmse", f"{((X @ A_fit.T - dst).pow(2).sum(1).mean().sqrt()).item():.4f}")

# ---- learn theta by gradient descent through grid_sample (STN-style registration)
target = translate(img32, 1.5, 0.5, False, padding_mode="zeros")
theta = torch.eye(2, 3)[None].clone().requires_grad_()
opt = torch.optim.SGD([theta], lr=0.05)
for step in range(30):
    grid = F.affine_grid(theta, img32.shape, align_corners=False)
    loss = F.mse_loss(F.grid_sample(img32, grid, align_corners=False), target)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 10 == 0:
        print(f"step {step:2d} loss {loss.item():.6f} grad {theta.grad.abs().sum().item():.5f}")
print("recovered shift px", f"{(-theta[0, 0, 2] * W / 2).item():.3f}", f"{(-theta[0, 1, 2] * H / 2).item():.3f}")
