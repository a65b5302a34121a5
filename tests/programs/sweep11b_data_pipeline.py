"""Data-loading lesson: iterable datasets sharded by worker, chained/stacked/concatenated datasets,
samplers (custom, batch, subset-random, random with replacement, distributed) and collation."""
import collections
import math

import numpy as np
import torch
from torch.utils.data import (BatchSampler, ChainDataset, ConcatDataset, DataLoader, Dataset,
                              DistributedSampler, IterableDataset, RandomSampler, Sampler,
                              SequentialSampler, StackDataset, Subset, SubsetRandomSampler,
                              TensorDataset, get_worker_info)
from torch.utils.data.dataloader import default_collate, default_convert


class RangeStream(IterableDataset):
    def __init__(self, start, end):
        self.start, self.end = start, end

    def __iter__(self):
        info = get_worker_info()
        if info is None:
            lo, hi = self.start, self.end
        else:
            per = int(math.ceil((self.end - self.start) / info.num_workers))
            lo = self.start + info.id * per
            hi = min(lo + per, self.end)
        return iter(range(lo, hi))


print("worker info in main:", get_worker_info())
ds = RangeStream(3, 10)
print("nw=0", list(DataLoader(ds, num_workers=0)))
print("nw=2", sorted(int(x) for x in DataLoader(ds, num_workers=2)))
print("batched", [b.tolist() for b in DataLoader(ds, batch_size=3)])
chain = ChainDataset([RangeStream(0, 3), RangeStream(10, 12)])
print("chain", list(chain))


class Squares(Dataset):
    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return torch.tensor([i, i * i]), i % 2


sq = Squares(6)
cat = ConcatDataset([sq, Squares(3)])
print("concat", len(cat), cat.cumulative_sizes, cat[5], cat[6], cat[-1])
try:
    cat[20]
except IndexError as e:
    print("IndexError", e)
st = StackDataset(TensorDataset(torch.arange(4.0)), torch.arange(4) * 10)
print("stack", len(st), st[2])
st2 = StackDataset(x=torch.arange(3), y=[f"s{i}" for i in range(3)])
print("stack dict", st2[1], next(iter(DataLoader(st2, batch_size=3))))
print("no autobatch", [x for x in DataLoader(torch.arange(4) * 2, batch_size=None)])
print("collate None", list(DataLoader(sq, batch_size=None, collate_fn=None))[:2])


class EvensFirst(Sampler):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return iter(list(range(0, self.n, 2)) + list(range(1, self.n, 2)))

    def __len__(self):
        return self.n


print("custom sampler", list(EvensFirst(7)))
bs = BatchSampler(EvensFirst(7), batch_size=3, drop_last=True)
print("batch sampler", list(bs), len(bs), len(BatchSampler(range(7), 3, False)))
for xb, yb in DataLoader(sq, batch_sampler=BatchSampler(EvensFirst(6), 4, False)):
    print(" batch", xb.tolist(), yb)
g = torch.Generator().manual_seed(11)
print("subset random", list(SubsetRandomSampler([10, 20, 30, 40, 50], generator=g)))
g = torch.Generator().manual_seed(5)
rs = RandomSampler(range(10), replacement=True, num_samples=12, generator=g)
print("random repl", list(rs), len(rs))
print("random perm", list(RandomSampler(range(8), generator=torch.Generator().manual_seed(1))))
torch.manual_seed(2)
print("random global", list(RandomSampler(range(6))), list(SequentialSampler(range(4))))
loader = DataLoader(sq, batch_size=2, shuffle=True, generator=torch.Generator().manual_seed(3))
print("shuffled", [b[0][:, 0].tolist() for b in loader])
for rank in (0, 1):
    ds_ = DistributedSampler(range(11), num_replicas=2, rank=rank, shuffle=True, seed=7)
    out = []
    for epoch in range(2):
        ds_.set_epoch(epoch)
        out.append(list(ds_))
    print("dist rank", rank, len(ds_), out)
print("dist noshuffle drop", list(DistributedSampler(range(11), 3, 2, shuffle=False, drop_last=True)))
print("dist noshuffle pad", list(DistributedSampler(range(11), 3, 2, shuffle=False)))
try:
    DistributedSampler(range(4), num_replicas=2, rank=2)
except ValueError as e:
    print("ValueError", e)
print("subset", [Subset(sq, [4, 1])[i][0].tolist() for i in range(2)])

Point = collections.namedtuple("Point", ["x", "y"])
samples = [{"img": torch.full((2,), float(i)), "meta": {"id": i, "name": f"n{i}"},
            "pair": (i, 0.5 * i), "arr": np.array([i, i + 1])} for i in range(3)]
batch = default_collate(samples)
print("dict batch", batch["img"], batch["meta"], batch["pair"], batch["arr"])
print("namedtuple", default_collate([Point(1, 2.0), Point(3, 4.0)]))
print("strings", default_collate(["a", "b"]), default_collate([True, False]))
print("np scalars", default_collate([np.float64(1.5), np.float64(2.5)]), default_collate([np.int32(1)]))
print("lists", default_collate([[1, 2], [3, 4]]))
try:
    default_collate([torch.zeros(2), torch.zeros(3)])
except RuntimeError as e:
    print("RuntimeError", e)
try:
    default_collate([[1, 2], [3]])
except RuntimeError as e:
    print("RuntimeError", e)
print("convert", default_convert(np.arange(3)), default_convert({"a": np.ones(2), "b": "s"}))
print("convert seq", default_convert([np.zeros(1), 3]), default_convert(Point(np.ones(1), 2)))
print("convert dl", list(DataLoader([np.array([1.0, 2.0])], batch_size=None)))
