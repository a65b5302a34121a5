"""Blog post: "Checkpoint like you mean it" -- train/val split, early stopping, and resuming a run
so exactly that the losses after the restart match an uninterrupted run to the last digit."""
import os
import tempfile

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset, random_split

torch.manual_seed(0)
N = 300
X = torch.randn(N, 8)
w_true = torch.randn(8, 3)
y = (X @ w_true).argmax(dim=1)
ds = TensorDataset(X, y)
train_ds, val_ds = random_split(ds, [0.8, 0.2], generator=torch.Generator().manual_seed(42))
print(f"train={len(train_ds)} val={len(val_ds)} first idx={train_ds.indices[:6]}")
print(type(train_ds).__name__, isinstance(train_ds, torch.utils.data.Dataset))
xb0, yb0 = train_ds[0]
print(xb0.shape, yb0, yb0.dtype)


def make_model():
    return nn.Sequential(nn.Linear(8, 32), nn.GELU(), nn.Dropout(0.1), nn.Linear(32, 3))


def train_one_epoch(model, loader, opt, loss_fn):
    model.train()
    losses = []
    for xb, yb in loader:
        opt.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return sum(losses) / len(losses)


@torch.no_grad()
def validate(model, loader, loss_fn):
    model.eval()
    tot, n, correct = 0.0, 0, 0
    for xb, yb in loader:
        out = model(xb)
        tot += loss_fn(out, yb).item() * len(yb)
        correct += (out.argmax(-1) == yb).sum().item()
        n += len(yb)
    return tot / n, correct / n


def build(seed):
    torch.manual_seed(seed)
    model = make_model()
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    g = torch.Generator()
    g.manual_seed(1234)
    loader = DataLoader(train_ds, batch_size=32, shuffle=True, generator=g)
    return model, opt, sched, g, loader


val_loader = DataLoader(val_ds, batch_size=64)
loss_fn = nn.CrossEntropyLoss(label_smoothing=0.05)

# uninterrupted: 6 epochs
model, opt, sched, g, loader = build(1)
full = []
for epoch in range(6):
    tl = train_one_epoch(model, loader, opt, loss_fn)
    vl, acc = validate(model, val_loader, loss_fn)
    sched.step()
    full.append((round(tl, 5), round(vl, 5)))
    print(f"[full] epoch {epoch} train {tl:.4f} val {vl:.4f} acc {acc:.3f} lr {sched.get_last_lr()}")

# interrupted after epoch 3, resumed in a fresh process-like state
with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "ckpt.pth")
    model, opt, sched, g, loader = build(1)
    part = []
    for epoch in range(3):
        tl = train_one_epoch(model, loader, opt, loss_fn)
        vl, _ = validate(model, val_loader, loss_fn)
        sched.step()
        part.append((round(tl, 5), round(vl, 5)))
    torch.save({
        "epoch": epoch,
        "model": model.state_dict(),
        "optimizer": opt.state_dict(),
        "scheduler": sched.state_dict(),
        "torch_rng": torch.get_rng_state(),
        "loader_rng": g.get_state(),
    }, path)
    print("checkpoint bytes > 1000:", os.path.getsize(path) > 1000)

    model, opt, sched, g, loader = build(999)
    ckpt = torch.load(path)
    print(sorted(ckpt), ckpt["epoch"], ckpt["torch_rng"].dtype, ckpt["loader_rng"].shape)
    print(model.load_state_dict(ckpt["model"]))
    opt.load_state_dict(ckpt["optimizer"])
    sched.load_state_dict(ckpt["scheduler"])
    torch.set_rng_state(ckpt["torch_rng"])
    g.set_state(ckpt["loader_rng"])
    print("resumed lr", opt.param_groups[0]["lr"], "sched", sched.state_dict())
    for epoch in range(ckpt["epoch"] + 1, 6):
        tl = train_one_epoch(model, loader, opt, loss_fn)
        vl, _ = validate(model, val_loader, loss_fn)
        sched.step()
        part.append((round(tl, 5), round(vl, 5)))
print("identical after resume:", full == part)
for a, b in zip(full, part):
    print(f"{a[0]:.4f} {b[0]:.4f}")

# optimizer state after resume
sd = opt.state_dict()
print(list(sd.keys()), list(sd["state"].keys()))
print({k: v for k, v in sd["param_groups"][0].items() if k != "params"})
print(sd["state"][0]["momentum_buffer"].shape)
print(opt)
print(list(model.state_dict().keys()))

# early stopping with patience on a fresh model
torch.manual_seed(3)
model = make_model()
opt = torch.optim.Adam(model.parameters(), lr=3e-2)
loader = DataLoader(train_ds, batch_size=16, shuffle=True)
best, best_epoch, wait, patience = float("inf"), -1, 0, 2
best_weights = None
for epoch in range(30):
    tl = train_one_epoch(model, loader, opt, loss_fn)
    vl, acc = validate(model, val_loader, loss_fn)
    improved = vl < best - 1e-3
    if improved:
        best, best_epoch, wait = vl, epoch, 0
        best_weights = {k: v.detach().clone() for k, v in model.state_dict().items()}
    else:
        wait += 1
    print(f"epoch {epoch:02d} val {vl:.3f} {'*' if improved else ' '} wait={wait}")
    if wait >= patience:
        print(f"Early stopping! best epoch {best_epoch} val {best:.3f}")
        break
model.load_state_dict(best_weights)
print(f"restored best: {validate(model, val_loader, loss_fn)[0]:.3f}")
