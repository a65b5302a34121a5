"""GradNorm (Chen et al. 2018): adaptive loss balancing for multi-task networks.

Task weights are learned so that the gradient norm of each weighted task loss, taken with respect
to the last shared layer, tracks the task's relative training rate."""
import torch
from torch import nn
import torch.nn.functional as F

torch.manual_seed(3)

N, D, T = 200, 10, 2
X = torch.randn(N, D, dtype=torch.float64)
B = torch.randn(D, T, dtype=torch.float64)
# task 1 is ten times larger in scale than task 0: a naive sum lets it dominate
Y = torch.stack([torch.sin(X @ B[:, 0]), 10.0 * (X @ B[:, 1])], dim=1)
Y += 0.01 * torch.randn_like(Y)
print("target scales:", Y.std(dim=0))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(D, 24), nn.ELU(alpha=0.5), nn.Linear(24, 24), nn.Softplus(beta=2.0))
        self.heads = nn.Linear(24, T)

    @property
    def last_shared(self):
        return self.body[2].weight

    def forward(self, x):
        return self.heads(self.body(x))


net = Net().double()
print("dtype:", next(net.parameters()).dtype)
weights = nn.Parameter(torch.ones(T, dtype=torch.float64))
opt = torch.optim.AdamW(net.parameters(), lr=3e-3, betas=(0.9, 0.99))
opt_w = torch.optim.Adam([weights], lr=2.5e-2)
alpha = 1.5
L0 = None

for step in range(150):
    pred = net(X)
    task_losses = torch.stack([F.smooth_l1_loss(pred[:, t], Y[:, t], beta=0.5) for t in range(T)])
    if L0 is None:
        L0 = task_losses.detach().clone()
        print("initial losses:", L0)
    weighted = weights * task_losses
    total = weighted.sum()

    opt.zero_grad()
    opt_w.zero_grad()
    total.backward(retain_graph=True)
    weights.grad = None   # the weights are trained by the GradNorm loss only

    # gradient norms of each weighted loss at the last shared layer
    norms = []
    for t in range(T):
        g, = torch.autograd.grad(weighted[t], net.last_shared, retain_graph=True, create_graph=True)
        norms.append(torch.linalg.vector_norm(g, ord=2))
    norms = torch.stack(norms)
    with torch.no_grad():
        ratio = task_losses / L0
        inv_rate = ratio / ratio.mean()
        target = norms.mean() * inv_rate ** alpha
    gn_loss = F.l1_loss(norms, target, reduction="sum")
    weights.grad = torch.autograd.grad(gn_loss, weights)[0]

    opt.step()
    opt_w.step()
    with torch.no_grad():
        weights.clamp_(min=1e-3)
        weights.mul_(T / weights.sum())

    if step % 30 == 0 or step == 149:
        print(f"step {step:3d} losses {task_losses[0].item():.4f} {task_losses[1].item():.4f} "
              f"w {weights[0].item():.3f} {weights[1].item():.3f} "
              f"gnorms {norms[0].item():.3f} {norms[1].item():.3f}")

print("weights:", weights.data)
print("weights sum:", f"{weights.sum().item():.6f}")
print("loss ratios:", (task_losses / L0).detach())
print("grad_fn of norms:", norms.grad_fn.name())
print("requires grad:", target.requires_grad, norms.requires_grad)

# GradNorm pieces that misbehave when misused
try:
    torch.autograd.grad(gn_loss, weights)
except RuntimeError as e:
    print("RuntimeError:", str(e).split(".")[0])
try:
    torch.autograd.grad(net(X).sum(), [net.last_shared, torch.zeros(3)])
except RuntimeError as e:
    print("RuntimeError:", e)
x = torch.tensor([3.0, 4.0], requires_grad=True)
n2 = torch.linalg.vector_norm(x)
ninf = torch.linalg.vector_norm(x, ord=float("inf"))
n1 = torch.linalg.norm(x, ord=1)
gx, = torch.autograd.grad(n2 + ninf + n1, x)
print("norms:", n2.item(), ninf.item(), n1.item(), "grad:", gx)
print(torch.linalg.matrix_norm(net.last_shared.detach(), ord="fro").dtype)
