"""Map-style datasets as projects write them: dict and tuple samples, padding collate_fn, samplers,
random_split with fractions, Subset/ConcatDataset, and the shuffled order over two epochs."""
import numpy as np
import torch
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import (DataLoader, Dataset, Subset, ConcatDataset, random_split, default_collate,
                              BatchSampler, SequentialSampler, SubsetRandomSampler, WeightedRandomSampler)

torch.manual_seed(3)


class Sentences(Dataset):
    """Token sequences of different lengths with a label, a numpy feature and the raw text."""

    def __init__(self, n=14):
        g = torch.Generator().manual_seed(7)
        self.lengths = torch.randint(1, 6, (n,), generator=g).tolist()
        self.tokens = [torch.randint(1, 30, (k,), generator=g) for k in self.lengths]
        self.labels = [i % 3 for i in range(n)]

    def __len__(self):
        return len(self.tokens)

    def __getitem__(self, idx):
        toks = self.tokens[idx]
        return {"ids": toks, "label": self.labels[idx], "text": " ".join(f"w{t}" for t in toks.tolist()),
                "stats": np.array([len(toks), toks.sum().item()], dtype=np.float32), "weight": 0.5 * (idx % 2 + 1)}


class Pairs(Dataset):
    """Tuples of (tensor, numpy array, int)."""

    def __init__(self, n=10):
        self.x = torch.arange(n * 3, dtype=torch.float32).reshape(n, 3) / 10
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return self.x[i], np.full((2,), i, dtype=np.int64), i * 10


def pad_collate(batch):
    ids = [b["ids"] for b in batch]
    lengths = torch.tensor([len(t) for t in ids])
    padded = pad_sequence(ids, batch_first=True, padding_value=0)
    labels = torch.tensor([b["label"] for b in batch])
    return padded, lengths, labels, [b["text"] for b in batch]


ds = Sentences()
print(len(ds), ds.lengths)
print(ds[2])
loader = DataLoader(ds, batch_size=4, shuffle=True, collate_fn=pad_collate,
                    generator=torch.Generator().manual_seed(42))
for epoch in range(2):
    print(f"-- epoch {epoch}")
    for padded, lengths, labels, texts in loader:
        print(padded.shape, lengths.tolist(), labels.tolist(), texts[0])
print(padded)

# default collate keeps the nested structure: dicts of tensors, numpy -> tensors, numbers -> tensors, strings -> lists
batch = next(iter(DataLoader(ds, batch_size=3, collate_fn=lambda b: default_collate([{k: v for k, v in s.items()
                                                                                      if k != "ids"} for s in b]))))
print(batch["label"], batch["label"].dtype)
print(batch["stats"], batch["stats"].dtype)
print(batch["weight"], batch["weight"].dtype)
print(batch["text"])
nested = default_collate([{"a": (i, [float(i), i * 2.0]), "b": {"c": torch.tensor([i, -i])}} for i in range(3)])
print(nested)

pairs = Pairs()
for x, arr, k in DataLoader(pairs, batch_size=4, drop_last=True):
    print(x.shape, arr.tolist(), arr.dtype, k)
print(len(DataLoader(pairs, batch_size=4)), len(DataLoader(pairs, batch_size=4, drop_last=True)),
      len(DataLoader(pairs, batch_size=5, drop_last=True)), len(DataLoader(pairs)))

# samplers
bs = BatchSampler(SequentialSampler(pairs), batch_size=4, drop_last=False)
print(list(bs), len(bs))
for x, arr, k in DataLoader(pairs, batch_sampler=bs):
    print(k.tolist(), f"{x.sum().item():.4f}")
srs = SubsetRandomSampler([1, 3, 5, 7, 9], generator=torch.Generator().manual_seed(1))
print([k.tolist() for _, _, k in DataLoader(pairs, batch_size=2, sampler=srs)])
print([k.tolist() for _, _, k in DataLoader(pairs, batch_size=2, sampler=srs)])
class_w = torch.tensor([1.0, 3.0, 6.0])
sample_w = class_w[torch.tensor(ds.labels)]
wrs = WeightedRandomSampler(sample_w, num_samples=12, replacement=True)
picked = list(wrs)
print(picked, torch.bincount(torch.tensor([ds.labels[i] for i in picked]), minlength=3).tolist())
wrs_nr = WeightedRandomSampler(sample_w.tolist(), num_samples=6, replacement=False,
                               generator=torch.Generator().manual_seed(9))
print(list(wrs_nr), len(wrs_nr))
for padded, lengths, labels, _ in DataLoader(ds, batch_size=6, sampler=wrs, collate_fn=pad_collate):
    print(padded.shape, labels.tolist())

# random_split with fractions, Subset and ConcatDataset
train, val, test = random_split(ds, [0.6, 0.25, 0.15], generator=torch.Generator().manual_seed(0))
print(len(train), len(val), len(test), train.indices, val.indices, test.indices)
print(val[0]["label"], val[1]["text"])
sub = Subset(pairs, [9, 0, 4])
both = ConcatDataset([sub, pairs])
print(len(both), both.cumulative_sizes, both[0][2], both[3][2], both[-1][2])
for x, arr, k in DataLoader(both, batch_size=5, shuffle=True):
    print(k.tolist())
print([b[2].tolist() for b in DataLoader(Subset(pairs, range(2, 8)), batch_size=4)])
