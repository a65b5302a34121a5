"""Tutorial: samplers and reproducible shuffles."""
import torch
from torch.utils.data import (DataLoader, TensorDataset, RandomSampler, SequentialSampler,
                              SubsetRandomSampler, WeightedRandomSampler, BatchSampler)

torch.manual_seed(42)
X = torch.arange(20, dtype=torch.float32).reshape(10, 2)
y = torch.tensor([0, 0, 0, 0, 0, 0, 0, 1, 1, 2])
ds = TensorDataset(X, y)

print(list(SequentialSampler(ds)))
g = torch.Generator().manual_seed(7)
print(list(RandomSampler(ds, generator=g)))
g = torch.Generator().manual_seed(7)
print(list(RandomSampler(ds, generator=g)))
rs = RandomSampler(ds, replacement=True, num_samples=15, generator=torch.Generator().manual_seed(3))
print(len(rs), list(rs))
rs2 = RandomSampler(ds, num_samples=13, generator=torch.Generator().manual_seed(3))
print(len(rs2), list(rs2))
print(list(SubsetRandomSampler([1, 3, 5, 7], generator=torch.Generator().manual_seed(1))))

counts = torch.bincount(y)
weights = 1.0 / counts[y].double()
print(weights)
ws = WeightedRandomSampler(weights, num_samples=12, replacement=True,
                           generator=torch.Generator().manual_seed(0))
idx = list(ws)
print(idx, torch.bincount(y[idx], minlength=3))
ws2 = WeightedRandomSampler([0.1, 0.9, 0.4, 0.7], num_samples=3, replacement=False,
                            generator=torch.Generator().manual_seed(5))
print(list(ws2))

print(list(BatchSampler(SequentialSampler(range(10)), batch_size=3, drop_last=False)))
print(list(BatchSampler(SequentialSampler(range(10)), batch_size=3, drop_last=True)))
print(len(BatchSampler(range(10), 4, False)), len(BatchSampler(range(10), 4, True)))

loader = DataLoader(ds, batch_sampler=BatchSampler(RandomSampler(ds, generator=torch.Generator().manual_seed(9)), 4, False))
for xb, yb in loader:
    print(xb[:, 0], yb)

loader = DataLoader(ds, batch_size=4, shuffle=True, generator=torch.Generator().manual_seed(11))
ep1 = [yb.tolist() for _, yb in loader]
ep2 = [yb.tolist() for _, yb in loader]
print(ep1)
print(ep2)
loader = DataLoader(ds, batch_size=4, shuffle=True, generator=torch.Generator().manual_seed(11))
print([yb.tolist() for _, yb in loader] == ep1)

# global seed drives shuffle without a generator
torch.manual_seed(123)
print([xb[:, 1].tolist() for xb, _ in DataLoader(ds, batch_size=5, shuffle=True)])
print(torch.rand(2))

# errors
for make in (lambda: RandomSampler(ds, num_samples=0),
             lambda: RandomSampler(ds, replacement=1),
             lambda: WeightedRandomSampler([1.0, 2.0], num_samples=-1),
             lambda: WeightedRandomSampler([1.0, 2.0], num_samples=2, replacement="yes"),
             lambda: WeightedRandomSampler([[1.0, 2.0]], num_samples=2),
             lambda: BatchSampler(range(4), batch_size=0, drop_last=False),
             lambda: BatchSampler(range(4), batch_size=2, drop_last=1),
             lambda: DataLoader(ds, batch_size=2, shuffle=True, sampler=SequentialSampler(ds)),
             lambda: DataLoader(ds, batch_sampler=BatchSampler(range(4), 2, False), batch_size=3),
             lambda: DataLoader(ds, batch_size=2, drop_last=True, batch_sampler=BatchSampler(range(4), 2, False)),
             lambda: list(WeightedRandomSampler([1.0, 2.0], num_samples=5, replacement=False)),
             lambda: list(WeightedRandomSampler([float('nan'), 2.0], num_samples=4)),
             lambda: list(WeightedRandomSampler([float('inf'), 2.0], num_samples=4)),
             lambda: list(WeightedRandomSampler([1.0, -2.0], num_samples=4))):
    try:
        make()
        print("ok")
    except (ValueError, RuntimeError, TypeError) as e:
        print(type(e).__name__, e)
