"""Data-pipeline code from the "Datasets & DataLoaders" tutorial and course assignments: a map-style
Dataset returning dicts, DataLoader with a collate_fn that pads variable-length sequences, drop_last,
shuffling with a seeded torch.Generator, SubsetRandomSampler / BatchSampler / WeightedRandomSampler /
SequentialSampler, random_split with a generator (counts and fractions), ConcatDataset, Subset,
TensorDataset, default_collate on nested structures, and a few epochs of iteration."""
import collections

import torch
from torch.utils.data import (BatchSampler, ConcatDataset, DataLoader, Dataset, RandomSampler, SequentialSampler,
                              Subset, SubsetRandomSampler, TensorDataset, WeightedRandomSampler, random_split)
from torch.utils.data.dataloader import default_collate
from torch.nn.utils.rnn import pad_sequence

torch.manual_seed(0)


class ToySeqDataset(Dataset):
    def __init__(self, n):
        g = torch.Generator().manual_seed(3)
        self.lengths = torch.randint(1, 6, (n,), generator=g)
        self.labels = torch.randint(0, 3, (n,), generator=g)

    def __len__(self):
        return len(self.lengths)

    def __getitem__(self, idx):
        L = int(self.lengths[idx])
        return {"tokens": torch.arange(1, L + 1) + idx, "label": self.labels[idx].item(), "id": idx}


def pad_collate(batch):
    toks = [b["tokens"] for b in batch]
    return {"tokens": pad_sequence(toks, batch_first=True, padding_value=0),
            "lengths": torch.tensor([len(t) for t in toks]),
            "label": torch.tensor([b["label"] for b in batch]),
            "id": [b["id"] for b in batch]}


ds = ToySeqDataset(10)
print(len(ds), ds[3], ds.lengths.tolist())
loader = DataLoader(ds, batch_size=4, collate_fn=pad_collate)
print(len(loader), loader.batch_size, type(loader.sampler).__name__, type(loader.batch_sampler).__name__)
for batch in loader:
    print(batch["tokens"].shape, batch["lengths"].tolist(), batch["label"], batch["id"])
try:
    next(iter(DataLoader(ds, batch_size=4)))
except RuntimeError as e:
    print(type(e).__name__, str(e).splitlines()[0])

g = torch.Generator()
g.manual_seed(42)
shuffled = DataLoader(ds, batch_size=3, shuffle=True, generator=g, drop_last=True, collate_fn=pad_collate)
print(len(shuffled))
for epoch in range(2):
    print("epoch", epoch, [b["id"] for b in shuffled])
g.manual_seed(42)
print("reseeded", [b["id"] for b in shuffled][0])

# ---- samplers -------------------------------------------------------------------------------------
print(list(SequentialSampler(range(5))), list(RandomSampler(range(6), generator=torch.Generator().manual_seed(1))))
print(list(RandomSampler(range(4), replacement=True, num_samples=7, generator=torch.Generator().manual_seed(2))))
print(list(BatchSampler(SequentialSampler(range(7)), batch_size=3, drop_last=False)),
      list(BatchSampler(range(7), batch_size=3, drop_last=True)), len(BatchSampler(range(7), 3, False)))
sub = SubsetRandomSampler([0, 2, 4, 6, 8], generator=torch.Generator().manual_seed(5))
print(list(sub), len(sub))
labels = torch.tensor([0] * 8 + [1] * 2)
class_count = torch.bincount(labels)
weights = (1.0 / class_count.float())[labels]
print(class_count, weights)
wrs = WeightedRandomSampler(weights, num_samples=12, replacement=True, generator=torch.Generator().manual_seed(7))
drawn = list(wrs)
print(drawn, collections.Counter(labels[drawn].tolist()))
print(list(WeightedRandomSampler([0.1, 0.9, 0.4, 0.0], 3, replacement=False, generator=torch.Generator().manual_seed(0))))
try:
    WeightedRandomSampler([0.5, 0.5], 3, replacement=False).__iter__().__next__()
except RuntimeError as e:
    print(type(e).__name__, e)
try:
    BatchSampler(range(3), batch_size=0, drop_last=False)
except ValueError as e:
    print(type(e).__name__, e)
try:
    DataLoader(ds, batch_size=2, shuffle=True, sampler=SequentialSampler(ds))
except ValueError as e:
    print(type(e).__name__, e)
loader_bs = DataLoader(ds, batch_sampler=BatchSampler(sub, 2, False), collate_fn=pad_collate)
print([b["id"] for b in loader_bs], loader_bs.batch_size)

# ---- TensorDataset, random_split, Subset, ConcatDataset ------------------------------------------------
X = torch.randn(20, 3)
Y = (X.sum(1) > 0).long()
tds = TensorDataset(X, Y)
print(len(tds), [t.shape for t in tds[0]], tds[2:4][1])
try:
    TensorDataset(X, Y[:5])
except AssertionError as e:
    print(type(e).__name__, e)
train, val, test = random_split(tds, [14, 4, 2], generator=torch.Generator().manual_seed(42))
print(type(train).__name__, len(train), len(val), len(test), train.indices[:5], val.indices, test.indices)
a, b = random_split(range(10), [0.7, 0.3], generator=torch.Generator().manual_seed(0))
print(list(a), list(b))
parts = random_split(range(11), [0.5, 0.25, 0.25], generator=torch.Generator().manual_seed(1))
print([len(p) for p in parts], [list(p) for p in parts])
try:
    random_split(range(10), [5, 6])
except ValueError as e:
    print(type(e).__name__, e)
sub2 = Subset(tds, [0, 5, 19])
print(len(sub2), sub2[1][1].item(), torch.equal(sub2[2][0], X[19]))
cat = ConcatDataset([tds, Subset(tds, range(5))])
print(len(cat), cat.cumulative_sizes, torch.equal(cat[22][0], X[2]), torch.equal(cat[-1][0], X[4]))
try:
    cat[30]
except IndexError as e:
    print(type(e).__name__, e)
tl = DataLoader(train, batch_size=5, shuffle=True, generator=torch.Generator().manual_seed(3))
for xb, yb in tl:
    print(xb.shape, yb.tolist())
total = 0
for epoch in range(3):
    for xb, yb in DataLoader(tds, batch_size=8, drop_last=False):
        total += xb.shape[0]
print("seen", total)

# ---- default_collate ----------------------------------------------------------------------------------
batch = [{"x": torch.tensor([1.0, 2.0]), "meta": {"n": 1, "name": "a", "t": (3, 4.5)}, "lst": [1, 2]},
         {"x": torch.tensor([3.0, 4.0]), "meta": {"n": 2, "name": "b", "t": (5, 6.5)}, "lst": [3, 4]}]
out = default_collate(batch)
print(out)
print(out["meta"]["n"].dtype, out["meta"]["t"][1].dtype, type(out["lst"]).__name__)
print(default_collate([(1, True), (2, False)]), default_collate([3.0, 4.0]).dtype)
Point = collections.namedtuple("Point", ["x", "y"])
print(default_collate([Point(1, torch.zeros(2)), Point(2, torch.ones(2))]))
print(default_collate([torch.arange(3), torch.arange(3)]).shape)
try:
    default_collate([torch.zeros(2), torch.zeros(3)])
except RuntimeError as e:
    print(type(e).__name__, e)
try:
    default_collate([{"a": 1}, {"a": object()}])
except (TypeError, RuntimeError) as e:
    print(type(e).__name__, str(e)[:60])
