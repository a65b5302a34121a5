"""Course code, week 5: an MLP classifier with a proper training loop, compared across optimizers
and learning-rate schedulers, with gradient clipping and parameter counting."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(123)

# ---------------------------------------------------------------- synthetic spiral data, 3 arms
n_per, n_cls = 80, 3
xs, ys = [], []
for c in range(n_cls):
    r = torch.linspace(0.05, 1.0, n_per)
    theta = torch.linspace(c * 4.0, (c + 1) * 4.0, n_per) + torch.randn(n_per) * 0.2
    xs.append(torch.stack([r * torch.sin(theta), r * torch.cos(theta)], dim=1))
    ys.append(torch.full((n_per,), c, dtype=torch.long))
X, y = torch.cat(xs), torch.cat(ys)
perm = torch.randperm(len(X))
X, y = X[perm], y[perm]
train_ds = TensorDataset(X[:192], y[:192])
val_ds = TensorDataset(X[192:], y[192:])
print(len(train_ds), len(val_ds), train_ds[0][0].shape, train_ds[0][1])


class MLP(nn.Module):
    def __init__(self, d_in=2, hidden=(32, 32), n_out=3, p_drop=0.1):
        super().__init__()
        layers, prev = [], d_in
        for h in hidden:
            # no bias before BatchNorm: the batch mean cancels it, so its gradient is only rounding noise
            layers += [nn.Linear(prev, h, bias=False), nn.BatchNorm1d(h), nn.ReLU(), nn.Dropout(p_drop)]
            prev = h
        self.features = nn.Sequential(*layers)
        self.head = nn.Linear(prev, n_out)

    def forward(self, x):
        return self.head(self.features(x))


def count_parameters(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def evaluate(model, loader):
    model.eval()
    loss_sum, correct, n = 0.0, 0, 0
    with torch.no_grad():
        for xb, yb in loader:
            logits = model(xb)
            loss_sum += F.cross_entropy(logits, yb, reduction="sum").item()
            correct += (logits.argmax(dim=1) == yb).sum().item()
            n += len(yb)
    return loss_sum / n, correct / n


def train(name, make_opt, make_sched=None, epochs=8, clip=None):
    torch.manual_seed(0)
    model = MLP()
    opt = make_opt(model.parameters())
    sched = make_sched(opt) if make_sched else None
    g = torch.Generator().manual_seed(5)
    loader = DataLoader(train_ds, batch_size=32, shuffle=True, generator=g)
    val_loader = DataLoader(val_ds, batch_size=64)
    print(f"== {name}: {type(opt).__name__}, {len(loader)} batches/epoch")
    for epoch in range(epochs):
        model.train()
        running, norms = 0.0, []
        for xb, yb in loader:
            opt.zero_grad()
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            if clip is not None:
                norms.append(nn.utils.clip_grad_norm_(model.parameters(), max_norm=clip).item())
            opt.step()
            running += loss.item() * len(yb)
        val_loss, val_acc = evaluate(model, val_loader)
        if isinstance(sched, torch.optim.lr_scheduler.ReduceLROnPlateau):
            sched.step(val_loss)
        elif sched is not None:
            sched.step()
        lr = opt.param_groups[0]["lr"]
        extra = f" max-norm {max(norms):.3f}" if norms else ""
        print(f"  epoch {epoch} train {running / len(train_ds):.4f} val {val_loss:.4f} "
              f"acc {val_acc:.3f} lr {lr:.5f}{extra}")
    return model


m = MLP()
print(m)
print("trainable parameters:", count_parameters(m))
for name, p in m.named_parameters():
    print(f"  {name:<22} {str(tuple(p.shape)):<10} {p.numel()}")
print("buffers:", [n for n, _ in m.named_buffers()])

sgd = train("SGD+momentum+wd, StepLR",
            lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=5e-4),
            lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5))
adam = train("Adam, clipped", lambda ps: torch.optim.Adam(ps, lr=1e-2), clip=1.0)
adamw = train("AdamW, ReduceLROnPlateau",
              lambda ps: torch.optim.AdamW(ps, lr=2e-2, weight_decay=1e-2),
              lambda o: torch.optim.lr_scheduler.ReduceLROnPlateau(o, mode="min", factor=0.3, patience=1))
nesterov = train("SGD nesterov, clip_grad_value_",
                 lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9, nesterov=True), epochs=4)

# batch norm running statistics and train/eval behaviour
bn = adamw.features[1]
print("bn running_mean[:4]:", [f"{v:.4f}" for v in bn.running_mean[:4].tolist()])
print("num_batches_tracked:", bn.num_batches_tracked)
print("training flags:", adamw.training, adamw.features[3].training)
adamw.train()
print("after .train():", adamw.training, adamw.features[3].training)

# gradient clipping by value, on a fresh backward
adam.zero_grad()
F.cross_entropy(adam(X[:16]), y[:16]).backward()
nn.utils.clip_grad_value_(adam.parameters(), clip_value=0.01)
print("max |grad| after clip_grad_value_:", max(p.grad.abs().max().item() for p in adam.parameters()))

# optimizer state inspection
opt = torch.optim.Adam(sgd.parameters(), lr=1e-3, betas=(0.8, 0.99))
sgd.zero_grad()
F.cross_entropy(sgd(X[:32]), y[:32]).backward()
opt.step()
st = opt.state_dict()
print("param_groups keys:", sorted(st["param_groups"][0].keys()))
print("state[0] keys:", sorted(st["state"][0].keys()), "step:", st["state"][0]["step"])
print("zero_grad(set_to_none) ->", end=" ")
opt.zero_grad(set_to_none=True)
print(all(p.grad is None for p in sgd.parameters()))
