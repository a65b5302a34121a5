"""Course notebook: what default_collate does to nested samples."""
import collections
import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset
from torch.utils.data import default_collate

torch.manual_seed(0)

Point = collections.namedtuple("Point", ["xy", "label"])


class DictDataset(Dataset):
    def __init__(self, n):
        self.x = torch.randn(n, 3)
        self.y = torch.randint(0, 4, (n,))

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return {"features": self.x[i], "target": self.y[i],
                "meta": {"idx": i, "name": f"s{i}", "w": float(i) / 10},
                "pair": (self.x[i].sum(), np.array([i, i * 2]))}


ds = DictDataset(7)
loader = DataLoader(ds, batch_size=3)
print("len(loader) =", len(loader))
for b in loader:
    print(sorted(b.keys()))
    print(b["features"])
    print(b["target"], b["target"].dtype)
    print(b["meta"]["idx"], b["meta"]["name"], b["meta"]["w"])
    print(type(b["pair"]).__name__, b["pair"][0], b["pair"][1])

# namedtuples keep their type
pts = [Point(torch.tensor([float(i), i + 0.5]), i % 2) for i in range(4)]
batch = default_collate(pts)
print(type(batch).__name__, batch.xy, batch.label)

# numpy arrays, scalars, bools
print(default_collate([np.float32(1.5), np.float32(2.5)]))
print(default_collate([np.array([1, 2]), np.array([3, 4])]).dtype)
print(default_collate([True, False, True]))
print(default_collate([1.0, 2.0]).dtype, default_collate([1, 2]).dtype)
print(default_collate(["a", "b"]))
print(default_collate([b"x", b"y"]))
print(default_collate([[1, 2], [3, 4], [5, 6]]))

# errors
try:
    default_collate([[1, 2], [3]])
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    default_collate([torch.zeros(2), torch.zeros(3)])
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    default_collate([object(), object()])
except TypeError as e:
    print("TypeError:", str(e).split(" at ")[0][:60])
try:
    default_collate([np.array(["a", "b"]), np.array(["c", "d"])])
except TypeError as e:
    print("TypeError:", e)

# a custom collate_fn padding variable-length sequences
seqs = [torch.arange(n, dtype=torch.float32) + 1 for n in (3, 1, 4, 2)]


def pad_collate(batch):
    lengths = torch.tensor([len(s) for s in batch])
    padded = torch.nn.utils.rnn.pad_sequence(batch, batch_first=True, padding_value=-1.0)
    return padded, lengths


for padded, lengths in DataLoader(seqs, batch_size=2, collate_fn=pad_collate):
    print(padded, lengths)
    mask = padded != -1
    print(mask.sum(1), (padded * mask).sum(1) / lengths)

# samples built as defaultdicts stay defaultdicts after collation
from collections import defaultdict
samples = []
for i in range(3):
    d = defaultdict(list)
    d["x"] = torch.full((2,), float(i))
    d["tags"] = [i, i + 1]
    samples.append(d)
out = default_collate(samples)
print(type(out).__name__, out["x"], out["tags"], out["missing"])
