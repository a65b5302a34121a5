"""A differentiable 2D Gaussian-splat renderer fitted to a target image with Adam."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(4)
S = 16


class Splats(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.means = nn.Parameter(torch.rand(n, 2) * 1.6 - 0.8)
        self.log_scales = nn.Parameter(torch.full((n, 2), -1.8))
        self.rot = nn.Parameter(torch.zeros(n))
        self.color_logits = nn.Parameter(torch.randn(n, 3) * 0.1)
        self.opacity_logits = nn.Parameter(torch.zeros(n))
        self.register_buffer("pix", self._pixel_grid(S))

    @staticmethod
    def _pixel_grid(size):
        c = (torch.arange(size, dtype=torch.float32) + 0.5) / size * 2 - 1
        gy, gx = torch.meshgrid(c, c, indexing="ij")
        return torch.stack([gx, gy], -1).reshape(-1, 2)

    def covariances(self):
        cos, sin = torch.cos(self.rot), torch.sin(self.rot)
        R = torch.stack([torch.stack([cos, -sin], -1), torch.stack([sin, cos], -1)], -2)
        Sd = torch.diag_embed(torch.exp(self.log_scales))
        M = R @ Sd
        return M @ M.transpose(-1, -2)

    def forward(self):
        cov = self.covariances()
        inv = torch.linalg.inv(cov)
        d = self.pix[:, None, :] - self.means[None]                      # (P, N, 2)
        m = torch.einsum("pni,nij,pnj->pn", d, inv, d)
        alpha = torch.sigmoid(self.opacity_logits) * torch.exp(-0.5 * m)  # (P, N)
        alpha = alpha.clamp(max=0.99)
        # front-to-back compositing in index order
        T = torch.cumprod(torch.cat([torch.ones_like(alpha[:, :1]), 1 - alpha[:, :-1]], 1), dim=1)
        w = alpha * T
        rgb = w @ torch.sigmoid(self.color_logits)
        return rgb.reshape(S, S, 3)

    def extra_repr(self):
        return f"n={self.means.shape[0]}, size={S}"


# target: two hand-placed ellipses over a dark background
target_model = Splats(2)
with torch.no_grad():
    target_model.means.copy_(torch.tensor([[-0.3, -0.2], [0.4, 0.3]]))
    target_model.log_scales.copy_(torch.log(torch.tensor([[0.35, 0.15], [0.2, 0.3]])))
    target_model.rot.copy_(torch.tensor([0.5, -0.3]))
    target_model.color_logits.copy_(torch.tensor([[2.0, -1.0, -1.0], [-1.0, 1.5, 2.0]]))
    target_model.opacity_logits.fill_(3.0)
    target = target_model()
print("target:", target.shape, "mean:", f"{target.mean().item():.4f}")

model = Splats(6)
print(model)
print("parameters:", sum(p.numel() for p in model.parameters()),
      [name for name, _ in model.named_parameters()])
print("buffers:", [(k, tuple(v.shape)) for k, v in model.named_buffers()])
print("state_dict keys:", list(model.state_dict().keys()))

opt = torch.optim.Adam(model.parameters(), lr=0.05, betas=(0.9, 0.99))
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=40, gamma=0.5)
for step in range(120):
    opt.zero_grad()
    img = model()
    loss = F.mse_loss(img, target) + 0.1 * F.l1_loss(img, target)
    loss.backward()
    gn = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
    opt.step()
    sched.step()
    if step % 20 == 0:
        print(f"step {step:3d} loss {loss.item():.4f} lr {sched.get_last_lr()[0]:.4f}")

with torch.no_grad():
    final = model()
    err = (final - target).abs()
    print("final loss below start:", F.mse_loss(final, target).item() < 0.02)
    psnr = -10 * torch.log10(F.mse_loss(final, target))
    print("psnr above 15:", bool(psnr > 15))
    print("max error < 0.6:", bool(err.max() < 0.6))
    print("coverage:", f"{(final.sum(-1) > 0.1).float().mean().item():.2f}")

# gradient checks on the renderer pieces
cov = model.covariances()
print("covariances symmetric:", torch.allclose(cov, cov.mT), "pd:", bool((torch.linalg.eigvalsh(cov) > 0).all()))
det = torch.linalg.det(cov)
print("det grad_fn:", type(det.grad_fn).__name__, det.shape)

small = Splats(2).double()
print("dtype after double():", small.means.dtype, small.pix.dtype)
ok = torch.autograd.gradcheck(lambda m: torch.exp(-0.5 * torch.einsum("pi,ij,pj->p", small.pix[:4] - m, torch.eye(2, dtype=torch.float64), small.pix[:4] - m)),
                              (torch.tensor([0.1, -0.2], dtype=torch.float64, requires_grad=True),))
print("gradcheck:", ok)

# optimizer state and parameter groups
state = opt.state_dict()
print("opt groups:", len(state["param_groups"]), "lr:", state["param_groups"][0]["lr"],
      "state entries:", len(state["state"]), sorted(state["state"][0].keys()))
print("step count:", state["state"][0]["step"])
try:
    model.load_state_dict({"means": torch.zeros(3, 2)}, strict=True)
except RuntimeError as e:
    print("load_state_dict error:", str(e).splitlines()[0])
