"""Tutorial: weight averaging for free accuracy -- an exponential moving average written by hand,
then torch.optim.swa_utils (AveragedModel, SWALR, update_bn, get_ema_multi_avg_fn) on a small
BatchNorm network, with gradient accumulation and param-group learning rates."""
import copy

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.optim.swa_utils import SWALR, AveragedModel, get_ema_multi_avg_fn, update_bn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(2024)
X = torch.randn(256, 10)
y = (X[:, :3].sum(1) > 0).long()
loader = DataLoader(TensorDataset(X, y), batch_size=32, shuffle=True)
test_X = torch.randn(128, 10)
test_y = (test_X[:, :3].sum(1) > 0).long()


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(10, 24, bias=False)
        self.bn = nn.BatchNorm1d(24)
        self.fc2 = nn.Linear(24, 2)

    def forward(self, x):
        return self.fc2(F.relu(self.bn(self.fc1(x))))


def accuracy(m):
    m.eval()
    with torch.no_grad():
        acc = (m(test_X).argmax(1) == test_y).float().mean().item()
    m.train()
    return acc


model = Net()
print(model)

# ---- EMA by hand: a frozen deep copy updated after every optimizer step
ema = copy.deepcopy(model)
for p in ema.parameters():
    p.requires_grad_(False)
print("ema params trainable:", sum(p.requires_grad for p in ema.parameters()))


@torch.no_grad()
def ema_update(ema_model, model, decay=0.9):
    for e, p in zip(ema_model.parameters(), model.parameters()):
        e.mul_(decay).add_(p.detach(), alpha=1 - decay)
    for e, b in zip(ema_model.buffers(), model.buffers()):
        e.copy_(b)


# different learning rates per layer, the classifier head added later with add_param_group
opt = torch.optim.SGD([{"params": model.fc1.parameters(), "lr": 0.05},
                       {"params": model.bn.parameters()}], lr=0.1, momentum=0.9)
opt.add_param_group({"params": model.fc2.parameters(), "lr": 0.2, "weight_decay": 1e-4})
print(len(opt.param_groups), [g["lr"] for g in opt.param_groups], [g["weight_decay"] for g in opt.param_groups])
try:
    opt.add_param_group({"params": model.fc2.weight})
except ValueError as e:
    print("ValueError:", e)

accum = 4
for epoch in range(3):
    total = 0.0
    opt.zero_grad()
    for i, (xb, yb) in enumerate(loader):
        loss = F.cross_entropy(model(xb), yb) / accum
        loss.backward()
        total += loss.item()
        if (i + 1) % accum == 0:
            opt.step()
            opt.zero_grad()
            ema_update(ema, model)
    print(f"epoch {epoch} loss {total:.4f} acc {accuracy(model):.3f} ema acc {accuracy(ema):.3f}")
print("fc1 grad after zero_grad:", model.fc1.weight.grad)
diff = sum((a - b).abs().sum() for a, b in zip(ema.parameters(), model.parameters()))
print(f"ema differs from model: {diff.item():.4f}", ema.bn.num_batches_tracked, model.bn.num_batches_tracked)

# ---- SWA: average weights from the last epochs, with a constant-ish SWA schedule
swa_model = AveragedModel(model)
print(type(swa_model).__name__, swa_model.n_averaged, list(swa_model.state_dict().keys())[:3])
base_opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
swa_sched = SWALR(base_opt, swa_lr=0.02, anneal_epochs=3, anneal_strategy="cos")
for epoch in range(5):
    for xb, yb in loader:
        base_opt.zero_grad()
        F.cross_entropy(model(xb), yb).backward()
        base_opt.step()
    swa_model.update_parameters(model)
    swa_sched.step()
    print(f"swa epoch {epoch} lr {swa_sched.get_last_lr()[0]:.5f} n_averaged {swa_model.n_averaged.item()}")
print("bn running mean before update_bn:", f"{swa_model.module.bn.running_mean.abs().sum().item():.4f}")
update_bn(loader, swa_model)
print("bn running mean after update_bn:", f"{swa_model.module.bn.running_mean.abs().sum().item():.4f}")
print(swa_model.module.bn.momentum, swa_model.module.bn.num_batches_tracked)
print(f"swa acc {accuracy(swa_model):.3f} model acc {accuracy(model):.3f}")
out = swa_model(test_X[:2])
print(out.shape, out.requires_grad)
print(sorted(SWALR(base_opt, swa_lr=0.05).state_dict().keys()))

# ---- EMA with AveragedModel, including buffers
ema2 = AveragedModel(model, multi_avg_fn=get_ema_multi_avg_fn(0.95), use_buffers=True)
for step, (xb, yb) in enumerate(loader):
    base_opt.zero_grad()
    F.cross_entropy(model(xb), yb).backward()
    base_opt.step()
    ema2.update_parameters(model)
print("ema2 n_averaged", ema2.n_averaged, f"acc {accuracy(ema2):.3f}")
print(f"{ema2.module.fc2.bias.sum().item():.4f} {model.fc2.bias.sum().item():.4f}")
print(f"{ema2.module.bn.running_var.mean().item():.4f}")

# custom avg_fn: a plain running mean written by hand
avg = AveragedModel(model, avg_fn=lambda avg_p, p, n: avg_p + (p - avg_p) / (n + 1))
for k in range(3):
    with torch.no_grad():
        for p in model.parameters():
            p.add_(0.1)
    avg.update_parameters(model)
print(f"{(avg.module.fc2.bias - model.fc2.bias).abs().max().item():.4f}")
print(torch.nn.utils.parameters_to_vector(avg.parameters()).shape)
try:
    SWALR(base_opt, swa_lr=0.05, anneal_strategy="exp")
except ValueError as e:
    print("ValueError:", e)
try:
    SWALR(base_opt, swa_lr=0.05, anneal_epochs=-1)
except ValueError as e:
    print("ValueError:", e)
