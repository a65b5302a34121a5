"""A config-dict training recipe: schedulers, clipping, early stopping, checkpoint and resume."""
import copy
import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset, random_split

CONFIG = {
    "seed": 7, "hidden": 32, "lr": 3e-3, "weight_decay": 1e-4, "epochs": 12, "batch_size": 16,
    "clip": 1.0, "patience": 3, "min_delta": 1e-4,
}
torch.manual_seed(CONFIG["seed"])

# synthetic two-moons-like data
n = 240
t = torch.rand(n) * 3.14159
X = torch.stack([torch.cos(t), torch.sin(t)], dim=1)
labels = (torch.rand(n) > 0.5).long()
X[labels == 1] = X[labels == 1] * torch.tensor([1.0, -1.0]) + torch.tensor([1.0, 0.5])
X = X + 0.1 * torch.randn_like(X)
dataset = TensorDataset(X, labels)
train_ds, val_ds = random_split(dataset, [200, 40], generator=torch.Generator().manual_seed(0))
print(len(train_ds), len(val_ds), type(train_ds).__name__, train_ds.indices[:5])
train_loader = DataLoader(train_ds, batch_size=CONFIG["batch_size"], shuffle=True, drop_last=False)
val_loader = DataLoader(val_ds, batch_size=64)


class MLP(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(2, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.Tanh(),
                                 nn.Linear(hidden, 2))

    def forward(self, x):
        return self.net(x)


def evaluate(model, loader):
    model.eval()
    total, correct, loss_sum = 0, 0, 0.0
    with torch.no_grad():
        for xb, yb in loader:
            out = model(xb)
            loss_sum += F.cross_entropy(out, yb, reduction="sum").item()
            correct += (out.argmax(1) == yb).sum().item()
            total += yb.numel()
    return loss_sum / total, correct / total


model = MLP(CONFIG["hidden"])
optimizer = torch.optim.AdamW(model.parameters(), lr=CONFIG["lr"], weight_decay=CONFIG["weight_decay"])
steps_per_epoch = len(train_loader)
scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=1e-2, epochs=CONFIG["epochs"],
                                                steps_per_epoch=steps_per_epoch)
print(steps_per_epoch, optimizer.param_groups[0]["lr"], sorted(scheduler.state_dict().keys())[:6])

best_loss, best_state, bad_epochs = float("inf"), None, 0
ckpt_dir = tempfile.mkdtemp()
ckpt_path = os.path.join(ckpt_dir, "best.pt")
history = []
for epoch in range(CONFIG["epochs"]):
    model.train()
    running, norms = 0.0, []
    for xb, yb in train_loader:
        optimizer.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(xb), yb)
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(model.parameters(), CONFIG["clip"])
        norms.append(norm.item())
        optimizer.step()
        scheduler.step()
        running += loss.item() * xb.size(0)
    val_loss, val_acc = evaluate(model, val_loader)
    history.append(val_loss)
    lr_now = scheduler.get_last_lr()[0]
    print(f"epoch {epoch:2d} train {running / len(train_ds):.4f} val {val_loss:.4f} acc {val_acc:.3f} "
          f"lr {lr_now:.6f} max-norm {max(norms):.3f}")
    if val_loss < best_loss - CONFIG["min_delta"]:
        best_loss, bad_epochs = val_loss, 0
        best_state = copy.deepcopy(model.state_dict())
        torch.save({"epoch": epoch, "model": model.state_dict(), "optimizer": optimizer.state_dict(),
                    "scheduler": scheduler.state_dict(), "val_loss": val_loss}, ckpt_path)
    else:
        bad_epochs += 1
        if bad_epochs >= CONFIG["patience"]:
            print(f"early stopping at epoch {epoch}")
            break

# resume from the checkpoint into fresh objects
ckpt = torch.load(ckpt_path, weights_only=True)
print(sorted(ckpt.keys()), ckpt["epoch"], f"{ckpt['val_loss']:.4f}")
model2 = MLP(CONFIG["hidden"])
missing = model2.load_state_dict(ckpt["model"])
print(missing)
opt2 = torch.optim.AdamW(model2.parameters(), lr=CONFIG["lr"], weight_decay=CONFIG["weight_decay"])
opt2.load_state_dict(ckpt["optimizer"])
sched2 = torch.optim.lr_scheduler.OneCycleLR(opt2, max_lr=1e-2, epochs=CONFIG["epochs"],
                                             steps_per_epoch=steps_per_epoch)
sched2.load_state_dict(ckpt["scheduler"])
print(sched2.last_epoch, f"{sched2.get_last_lr()[0]:.6f}", opt2.state_dict()["state"][0]["step"])
print(all(torch.equal(a, b) for a, b in zip(best_state.values(), model2.state_dict().values())))
print(f"{evaluate(model2, val_loader)[0]:.4f}")

# a second phase: cosine annealing, then plateau-based decay
opt3 = torch.optim.SGD(model2.parameters(), lr=0.05, momentum=0.9, nesterov=True)
cos = torch.optim.lr_scheduler.CosineAnnealingLR(opt3, T_max=5, eta_min=1e-4)
lrs = []
for step in range(7):
    opt3.zero_grad()
    xb, yb = next(iter(train_loader))
    F.cross_entropy(model2(xb), yb).backward()
    torch.nn.utils.clip_grad_value_(model2.parameters(), 0.5)
    opt3.step()
    cos.step()
    lrs.append(round(cos.get_last_lr()[0], 6))
print(lrs)
plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(opt3, mode="min", factor=0.5, patience=1, threshold=1e-3)
for v in [1.0, 0.9, 0.95, 0.93, 0.91, 0.92, 0.99]:
    plateau.step(v)
    print(v, opt3.param_groups[0]["lr"], plateau.num_bad_epochs, f"{plateau.best:.2f}")
print(plateau.state_dict()["best"], plateau.get_last_lr())
