"""Course notebook: what torch.optim.swa_utils actually does. We build an AveragedModel around a
small MLP with BatchNorm, check its running mean against a hand-computed mean of snapshots,
watch SWALR anneal the learning rate (cosine and linear), recompute BatchNorm statistics with
update_bn, and poke at the corner cases (custom avg_fn, both averaging functions at once, bad
arguments)."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.optim.swa_utils import AveragedModel, SWALR, update_bn, get_swa_avg_fn, get_ema_avg_fn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(31)
X = torch.randn(96, 6)
w_true = torch.tensor([1.0, -2.0, 0.5, 0.0, 3.0, -1.0])
y = (X @ w_true + 0.1 * torch.randn(96)).unsqueeze(1)
loader = DataLoader(TensorDataset(X, y), batch_size=16, shuffle=False)


def make_model():
    return nn.Sequential(nn.Linear(6, 12), nn.BatchNorm1d(12), nn.Tanh(), nn.Linear(12, 1))


model = make_model()
swa = AveragedModel(model)
print(swa)
print("n_averaged:", swa.n_averaged, swa.n_averaged.dtype)
print("state_dict keys:", list(swa.state_dict().keys()))
print("buffers:", [name for name, _ in swa.named_buffers()])

opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
sched = SWALR(opt, swa_lr=0.02, anneal_epochs=4, anneal_strategy="cos")
snapshots = []
for epoch in range(8):
    for xb, yb in loader:
        opt.zero_grad()
        loss = F.mse_loss(model(xb), yb)
        loss.backward()
        opt.step()
    if epoch >= 3:
        swa.update_parameters(model)
        snapshots.append([p.detach().clone() for p in model.parameters()])
    sched.step()
    print(f"epoch {epoch} lr={sched.get_last_lr()[0]:.5f} loss={loss.item():.4f} n_avg={int(swa.n_averaged)}")

# the SWA weights are the plain mean of the snapshots
for p_swa, *snaps in zip(swa.parameters(), *snapshots):
    mean = torch.stack(snaps).mean(0)
    print(tuple(p_swa.shape), torch.allclose(p_swa, mean, atol=1e-6), p_swa.requires_grad)

# buffers are copied, not averaged, when use_buffers=False
print("running_mean synced:", torch.equal(swa.module[1].running_mean, model[1].running_mean))
print("num_batches_tracked:", swa.module[1].num_batches_tracked)

# BatchNorm statistics of the averaged weights: one pass over the data
update_bn(loader, swa)
print("after update_bn momentum:", swa.module[1].momentum, "training:", swa.training)
print("running_mean:", swa.module[1].running_mean[:4])
print("running_var:", swa.module[1].running_var[:4])
print("num_batches_tracked:", swa.module[1].num_batches_tracked)

swa.eval()
model.eval()
with torch.no_grad():
    print(f"model mse {F.mse_loss(model(X), y).item():.4f}  swa mse {F.mse_loss(swa(X), y).item():.4f}")

# the learning-rate curve of SWALR by itself, both strategies, two param groups
for strategy in ["cos", "linear"]:
    p1, p2 = nn.Parameter(torch.zeros(2)), nn.Parameter(torch.zeros(2))
    o = torch.optim.Adam([{"params": [p1], "lr": 1e-2}, {"params": [p2], "lr": 5e-3}])
    s = SWALR(o, swa_lr=[1e-3, 2e-3], anneal_epochs=3, anneal_strategy=strategy)
    lrs = []
    for _ in range(5):
        o.step()
        s.step()
        lrs.append([round(lr, 6) for lr in s.get_last_lr()])
    print(strategy, lrs, [g["swa_lr"] for g in o.param_groups])
    print(" state keys:", sorted(s.state_dict().keys()))

# anneal_epochs=0 jumps straight to swa_lr
o = torch.optim.SGD([nn.Parameter(torch.ones(1))], lr=0.5)
s = SWALR(o, swa_lr=0.05, anneal_epochs=0)
print("anneal 0:", s.get_last_lr(), o.param_groups[0]["lr"])
o.step()
s.step()
print("anneal 0 after step:", s.get_last_lr())

# a custom avg_fn sees the count as a tensor
seen = []


def weighted(avg, cur, n):
    seen.append((type(n).__name__, n.dtype, int(n)))
    return avg + (cur - avg) * 2.0 / (n + 2)


lin = nn.Linear(3, 2)
am = AveragedModel(lin, avg_fn=weighted)
for k in range(3):
    with torch.no_grad():
        lin.weight.add_(1.0)
    am.update_parameters(lin)
print(seen)
print(am.module.weight)

# the built-in single-tensor functions
a, c = torch.tensor([1.0, 2.0]), torch.tensor([3.0, 6.0])
print(get_swa_avg_fn()(a, c, torch.tensor(1)), get_swa_avg_fn()(a, c, 3))
print(get_ema_avg_fn(0.75)(a, c, 0))

# error cases
for make in [lambda: AveragedModel(lin, avg_fn=get_swa_avg_fn(), multi_avg_fn=lambda *a: None),
             lambda: SWALR(o, swa_lr=0.1, anneal_strategy="exp"),
             lambda: SWALR(o, swa_lr=0.1, anneal_epochs=-1),
             lambda: SWALR(o, swa_lr=0.1, anneal_epochs=2.5),
             lambda: SWALR(o, swa_lr=[0.1, 0.2]),
             lambda: get_ema_avg_fn(1.5)]:
    try:
        make()
        print("no error")
    except Exception as e:
        print(type(e).__name__, e)
