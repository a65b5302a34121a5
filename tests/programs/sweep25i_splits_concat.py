"""Textbook chapter: splitting and combining datasets."""
import torch
from torch.utils.data import (TensorDataset, random_split, Subset, ConcatDataset, ChainDataset,
                              StackDataset, IterableDataset, DataLoader)

torch.manual_seed(0)
X = torch.randn(10, 3)
y = (X.sum(1) > 0).long()
ds = TensorDataset(X, y)
print(len(ds), ds[0][0], ds[0][1])
print(ds[2:4])

train, val = random_split(ds, [0.7, 0.3], generator=torch.Generator().manual_seed(42))
print(len(train), len(val), train.indices, val.indices)
a, b, c = random_split(range(11), [0.5, 0.3, 0.2], generator=torch.Generator().manual_seed(1))
print(len(a), len(b), len(c), list(a), list(b), list(c))
p, q = random_split(range(8), [5, 3], generator=torch.Generator().manual_seed(2))
print(list(p), list(q), type(p).__name__)
print(p[0], p[[0, 1]] if False else p.dataset is not None)

sub = Subset(ds, [9, 0, 4])
print(len(sub), sub[1][1], sub[[0, 2]] if hasattr(sub, "__getitems__") else None)

cat = ConcatDataset([ds, sub, Subset(ds, range(2))])
print(len(cat), cat.cumulative_sizes)
print(cat[10][0], cat[-1][1], cat[12][1])
try:
    cat[20]
except IndexError as e:
    print("IndexError:", e)
try:
    cat[-20]
except ValueError as e:
    print("ValueError:", e)
try:
    ConcatDataset([])
except AssertionError as e:
    print("AssertionError:", e)

both = ds + sub
print(type(both).__name__, len(both))


class Counter(IterableDataset):
    def __init__(self, start, stop):
        self.start, self.stop = start, stop

    def __iter__(self):
        return iter(range(self.start, self.stop))


chain = ChainDataset([Counter(0, 3), Counter(10, 12)])
print(list(chain))
try:
    len(chain)
except TypeError as e:
    print("TypeError:", e)
print(list(Counter(0, 2) + Counter(5, 7)))
for batch in DataLoader(chain, batch_size=2):
    print(batch)

st = StackDataset(X, y)
print(len(st), st[1])
sd = StackDataset(inp=X, tgt=y)
print(sd[3]["tgt"], sorted(sd[3]))
for b in DataLoader(sd, batch_size=4):
    print(b["inp"].shape, b["tgt"])
try:
    StackDataset(X, y[:5])
except ValueError as e:
    print("ValueError:", e)
try:
    StackDataset(X, tgt=y)
except ValueError as e:
    print("ValueError:", e)
try:
    TensorDataset(X, y[:4])
except AssertionError as e:
    print("AssertionError:", e)
try:
    random_split(range(10), [3, 4])
except ValueError as e:
    print("ValueError:", e)
try:
    random_split(range(10), [0.5, 0.6])
except ValueError as e:
    print("ValueError:", e)
try:
    random_split(range(10), [0.5, -0.5, 1.0])
except ValueError as e:
    print("ValueError:", e)
try:
    len(DataLoader(Counter(0, 5)))
except TypeError as e:
    print("TypeError:", e)
try:
    DataLoader(Counter(0, 5), shuffle=True)
except ValueError as e:
    print("ValueError:", e)


class BatchedSquares(torch.utils.data.Dataset):
    """A dataset that serves whole batches at once through __getitems__."""

    def __len__(self):
        return 6

    def __getitem__(self, i):
        return torch.tensor(float(i * i))

    def __getitems__(self, indices):
        return list(torch.tensor(indices, dtype=torch.float32) ** 2 + 100)


paired = StackDataset(sq=BatchedSquares(), idx=range(6))
print(paired.__getitems__([1, 4]))
for b in DataLoader(paired, batch_size=4):
    print(b)
try:
    StackDataset()
except ValueError as e:
    print("ValueError:", e)
loader = DataLoader(paired, batch_size=2)
try:
    loader.batch_size = 3
except ValueError as e:
    print("ValueError:", e)
try:
    random_split(range(10), [5.0, 5.0])
except TypeError as e:
    print("TypeError:", str(e).splitlines()[0])


class MySampler(torch.utils.data.Sampler):
    def __init__(self, data_source):
        super().__init__(data_source)      # old tutorial style; torch 2.13's Sampler takes no arguments


try:
    MySampler(range(3))
except TypeError as e:
    print("TypeError:", e)
