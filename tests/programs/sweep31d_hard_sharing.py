"""Multi-task learning: hard parameter sharing with uncertainty weighting (Kendall et al. 2018).

A shared trunk feeds a regression head and a classification head; the two losses are combined
with learned homoscedastic log-variances."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

N, D, C = 256, 8, 3
X = torch.randn(N, D)
w_true = torch.randn(D)
y_reg = (X @ w_true + 0.1 * torch.randn(N)).unsqueeze(1)
logits_true = X[:, :C] * 2.0 + X[:, C:2 * C]
y_cls = logits_true.argmax(dim=1)
print("class counts:", torch.bincount(y_cls, minlength=C).tolist())
print("y_reg stats:", f"{y_reg.mean().item():.4f}", f"{y_reg.std().item():.4f}")


class SharedNet(nn.Module):
    def __init__(self, d_in, hidden, n_cls):
        super().__init__()
        self.trunk = nn.Sequential(
            nn.Linear(d_in, hidden), nn.ReLU(),
            nn.Linear(hidden, hidden), nn.LayerNorm(hidden), nn.GELU(),
        )
        self.heads = nn.ModuleDict({
            "reg": nn.Linear(hidden, 1),
            "cls": nn.Sequential(nn.Dropout(0.1), nn.Linear(hidden, n_cls)),
        })

    def forward(self, x):
        h = self.trunk(x)
        return {k: head(h) for k, head in self.heads.items()}


class UncertaintyWeighting(nn.Module):
    def __init__(self, tasks):
        super().__init__()
        self.tasks = list(tasks)
        self.log_vars = nn.Parameter(torch.zeros(len(self.tasks)))

    def forward(self, losses):
        total = 0.0
        for i, t in enumerate(self.tasks):
            precision = torch.exp(-self.log_vars[i])
            total = total + precision * losses[t] + self.log_vars[i]
        return total


model = SharedNet(D, 32, C)
weighter = UncertaintyWeighting(["reg", "cls"])
print(model)
print(weighter)
n_params = sum(p.numel() for p in model.parameters())
print("trainable parameters:", n_params)
print("heads:", list(model.heads.keys()))
print([name for name, _ in model.named_parameters()][:4])

opt = torch.optim.Adam([
    {"params": model.parameters(), "lr": 1e-2},
    {"params": weighter.parameters(), "lr": 5e-2},
], weight_decay=1e-4)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=20, gamma=0.5)

loader = torch.utils.data.DataLoader(
    torch.utils.data.TensorDataset(X, y_reg, y_cls), batch_size=64, shuffle=True)

for epoch in range(40):
    model.train()
    ep = {"reg": 0.0, "cls": 0.0}
    for xb, yr, yc in loader:
        out = model(xb)
        losses = {
            "reg": F.mse_loss(out["reg"], yr),
            "cls": F.cross_entropy(out["cls"], yc, label_smoothing=0.05),
        }
        total = weighter(losses)
        opt.zero_grad(set_to_none=True)
        total.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=5.0)
        opt.step()
        for k in ep:
            ep[k] += losses[k].item() * xb.shape[0] / N
    sched.step()
    if epoch % 10 == 9:
        sig = torch.exp(0.5 * weighter.log_vars.detach())
        print(f"epoch {epoch + 1:2d} reg {ep['reg']:.3f} cls {ep['cls']:.3f} "
              f"sigma {sig[0].item():.3f} {sig[1].item():.3f} lr {sched.get_last_lr()[0]:.4g}")

model.eval()
with torch.no_grad():
    out = model(X)
    mse = F.mse_loss(out["reg"], y_reg).item()
    pred = out["cls"].argmax(-1)
    acc = (pred == y_cls).float().mean().item()
    conf = torch.zeros(C, C, dtype=torch.long)
    conf.index_put_((y_cls, pred), torch.ones(N, dtype=torch.long), accumulate=True)
print(f"final mse {mse:.3f} acc {acc:.3f}")
print("confusion matrix:\n", conf)
print("per-class recall:", (conf.diag().float() / conf.sum(1).clamp(min=1)).round(decimals=3))
print("task weights (precision):", torch.exp(-weighter.log_vars).detach().round(decimals=2))

# a missing task key and a mis-shaped target
try:
    weighter({"reg": torch.tensor(1.0)})
except KeyError as e:
    print("KeyError:", e)
try:
    F.mse_loss(out["reg"], y_reg[:10])
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    F.cross_entropy(out["cls"], y_cls.float())
except RuntimeError as e:
    print("RuntimeError:", e)
print("sigma ratio log:", round(math.log(torch.exp(weighter.log_vars[0] - weighter.log_vars[1]).item()), 2))
