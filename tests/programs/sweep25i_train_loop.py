"""Course exercise: a regression training loop fed by a DataLoader."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader, random_split


class Synthetic(Dataset):
    def __init__(self, n=64, seed=0):
        g = torch.Generator().manual_seed(seed)
        self.x = torch.rand(n, 2, generator=g) * 4 - 2
        self.y = (self.x[:, :1] * 1.5 - self.x[:, 1:] * 0.5 + 0.25) + 0.05 * torch.randn(n, 1, generator=g)

    def __len__(self):
        return self.x.shape[0]

    def __getitem__(self, i):
        return self.x[i], self.y[i]


torch.manual_seed(0)
ds = Synthetic()
train, val = random_split(ds, [48, 16], generator=torch.Generator().manual_seed(0))
seen = []


def init_fn(worker_id):
    seen.append(worker_id)


train_loader = DataLoader(train, batch_size=8, shuffle=True, drop_last=True,
                          generator=torch.Generator().manual_seed(1), worker_init_fn=init_fn, num_workers=0)
val_loader = DataLoader(val, batch_size=16)
print(len(train_loader), len(val_loader), seen)

model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 1))
print(model)
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)
for epoch in range(6):
    model.train()
    total = 0.0
    for xb, yb in train_loader:
        opt.zero_grad()
        loss = F.mse_loss(model(xb), yb)
        loss.backward()
        opt.step()
        total += loss.item() * xb.size(0)
    sched.step()
    model.eval()
    with torch.no_grad():
        xv, yv = next(iter(val_loader))
        vloss = F.mse_loss(model(xv), yv)
    print(f"epoch {epoch} train {total / (len(train_loader) * 8):.3f} val {vloss.item():.3f} lr {sched.get_last_lr()[0]:.4f}")

xb, yb = next(iter(train_loader))
print(xb.shape, yb.shape, xb.dtype, xb.requires_grad)
it = iter(val_loader)
next(it)
try:
    next(it)
except StopIteration:
    print("StopIteration")
print(type(iter(train_loader)).__name__)
print(train_loader.batch_size, train_loader.drop_last, val_loader.num_workers)
print(type(train_loader.sampler).__name__, type(val_loader.sampler).__name__, type(train_loader.batch_sampler).__name__)
