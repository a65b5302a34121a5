"""Iterable-style datasets and loaders with workers: sharding a stream by get_worker_info(), batch_size
None, islice, worker seeds and worker_init_fn, persistent workers, default_convert, a train/val loop."""
import itertools
import math

import numpy as np
import torch
from torch.utils.data import (DataLoader, Dataset, IterableDataset, TensorDataset, default_convert,
                              get_worker_info, random_split)

torch.manual_seed(2024)


class RangeStream(IterableDataset):
    """The example of the docs: each worker yields its own contiguous slice of [start, end)."""

    def __init__(self, start, end):
        self.start, self.end = start, end

    def __iter__(self):
        info = get_worker_info()
        if info is None:                      # single-process loading: the whole range
            lo, hi = self.start, self.end
        else:                                 # split the workload between the workers
            per_worker = int(math.ceil((self.end - self.start) / float(info.num_workers)))
            lo = self.start + info.id * per_worker
            hi = min(lo + per_worker, self.end)
        return iter(range(lo, hi))


class NoisyReadings(IterableDataset):
    """A generator of (features, target) samples; the noise comes from torch's global RNG."""

    def __init__(self, n):
        self.n = n

    def __iter__(self):
        info = get_worker_info()
        wid, nw = (0, 1) if info is None else (info.id, info.num_workers)
        for i in range(wid, self.n, nw):
            x = torch.tensor([i, i / 2], dtype=torch.float32)
            yield {"x": x, "noise": torch.randn(2), "id": i, "worker": wid}

    def __len__(self):
        return self.n


stream = RangeStream(3, 14)
print(list(DataLoader(stream, batch_size=None)))
print([b.tolist() for b in DataLoader(stream, batch_size=4)])
print([b.tolist() for b in DataLoader(stream, batch_size=4, drop_last=True)])
print([b.tolist() for b in DataLoader(stream, batch_size=3, num_workers=2)])
print([b.tolist() for b in DataLoader(stream, batch_size=2, num_workers=3)])
print([int(b) for b in DataLoader(stream, batch_size=None, num_workers=2)])
print([b.tolist() for b in itertools.islice(DataLoader(stream, batch_size=2), 3)])

readings = NoisyReadings(7)
loader = DataLoader(readings, batch_size=3)
print(len(loader))
for batch in loader:
    print(batch["id"].tolist(), batch["x"].shape, batch["noise"].round(decimals=4))
for batch in DataLoader(readings, batch_size=2, num_workers=2):
    print(batch["id"].tolist(), batch["worker"].tolist(), batch["noise"].round(decimals=4))
first = next(iter(DataLoader(readings, batch_size=None)))
print(first["id"], first["x"])


# map-style data with random augmentation inside the workers; worker_init_fn seeds NumPy per worker
class Jitter(Dataset):
    def __init__(self, n):
        self.base = torch.arange(n, dtype=torch.float32)

    def __len__(self):
        return len(self.base)

    def __getitem__(self, i):
        info = get_worker_info()
        return self.base[i] + torch.rand(()), float(np.random.randint(0, 100)), -1 if info is None else info.id


def seed_worker(worker_id):
    worker_seed = torch.initial_seed() % 2 ** 32
    np.random.seed(worker_seed)


g = torch.Generator()
g.manual_seed(0)
jl = DataLoader(Jitter(10), batch_size=3, shuffle=True, num_workers=2, worker_init_fn=seed_worker, generator=g,
                pin_memory=True, persistent_workers=True)
for epoch in range(2):
    for x, r, wid in jl:
        print(epoch, x.round(decimals=3).tolist(), r.tolist(), wid.tolist())
print(torch.rand(2))
for x, r, wid in DataLoader(Jitter(6), batch_size=2, num_workers=2, worker_init_fn=seed_worker, prefetch_factor=4):
    print(x.round(decimals=3).tolist(), r.tolist(), wid.tolist())

# default_convert: what a loader with batch_size=None does to samples
print(default_convert(np.array([1.5, 2.5])))
print(default_convert({"a": np.arange(3), "b": (np.float32(2.0), "txt"), "c": [np.ones(2, dtype=np.int32)]}))
print(default_convert(3), default_convert("s"))
arrays = [np.full((2,), k, dtype=np.float64) for k in range(3)]
print([t for t in DataLoader(arrays, batch_size=None)])

# TensorDataset + random_split + DataLoader in a train/val loop
X = torch.randn(40, 3)
y = (X @ torch.tensor([1.0, -2.0, 0.5]) + 0.1 * torch.randn(40)).unsqueeze(1)
train_ds, val_ds = random_split(TensorDataset(X, y), [32, 8])
print(train_ds.indices[:6], val_ds.indices)
train_loader = DataLoader(train_ds, batch_size=8, shuffle=True, num_workers=2)
val_loader = DataLoader(val_ds, batch_size=4)
model = torch.nn.Linear(3, 1)
opt = torch.optim.SGD(model.parameters(), lr=0.1)
for epoch in range(4):
    model.train()
    seen = []
    for xb, yb in train_loader:
        loss = torch.nn.functional.mse_loss(model(xb), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
        seen.append(round(xb[0, 0].item(), 4))
    model.eval()
    with torch.no_grad():
        val = sum(torch.nn.functional.mse_loss(model(xb), yb, reduction="sum").item() for xb, yb in val_loader)
    print(f"epoch {epoch}: val {val / len(val_ds):.4f} first {seen}")
print(model.weight.detach().round(decimals=3))
