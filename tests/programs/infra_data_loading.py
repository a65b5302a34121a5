"""Blog post: "Your DataLoader, demystified" -- bucketing sampler, padding collate_fn, workers with
worker_init_fn seeding NumPy/random, a seeded generator for reproducible shuffles, and an LSTM
trained on the padded, packed batches."""
import collections
import random

import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence
from torch.utils.data import (BatchSampler, DataLoader, Dataset, RandomSampler, Sampler, SequentialSampler,
                              SubsetRandomSampler, WeightedRandomSampler, default_collate, get_worker_info)

torch.manual_seed(0)
random.seed(0)
np.random.seed(0)


class ToySequences(Dataset):
    """Variable-length integer sequences; label = whether the sum is even."""

    def __init__(self, n=40, vocab=12):
        g = torch.Generator().manual_seed(7)
        self.lengths = torch.randint(2, 9, (n,), generator=g).tolist()
        self.seqs = [torch.randint(1, vocab, (L,), generator=g) for L in self.lengths]

    def __len__(self):
        return len(self.seqs)

    def __getitem__(self, idx):
        s = self.seqs[idx]
        return {"tokens": s, "label": int(s.sum()) % 2, "idx": idx}


ds = ToySequences()
print(len(ds), ds.lengths[:10], ds[3])


class BucketSampler(Sampler):
    """Yield batches of indices whose sequences have similar length (less padding)."""

    def __init__(self, lengths, batch_size, generator=None):
        self.lengths = lengths
        self.batch_size = batch_size
        self.generator = generator

    def __iter__(self):
        order = sorted(range(len(self.lengths)), key=lambda i: (self.lengths[i], i))
        batches = [order[i:i + self.batch_size] for i in range(0, len(order), self.batch_size)]
        perm = torch.randperm(len(batches), generator=self.generator).tolist()
        for p in perm:
            yield batches[p]

    def __len__(self):
        return (len(self.lengths) + self.batch_size - 1) // self.batch_size


def pad_collate(batch):
    tokens = [b["tokens"] for b in batch]
    lengths = torch.tensor([len(t) for t in tokens])
    padded = pad_sequence(tokens, batch_first=True, padding_value=0)
    labels = torch.tensor([b["label"] for b in batch], dtype=torch.float32)
    return padded, lengths, labels


sampler = BucketSampler(ds.lengths, batch_size=8, generator=torch.Generator().manual_seed(3))
loader = DataLoader(ds, batch_sampler=sampler, collate_fn=pad_collate)
print("batches:", len(loader))
for padded, lengths, labels in loader:
    print(tuple(padded.shape), lengths.tolist(), labels.tolist(), int((padded == 0).sum()))

# default_collate on dicts, tuples and numpy
batch = default_collate([ds[0], ds[1]]) if ds.lengths[0] == ds.lengths[1] else default_collate(
    [{"a": np.float64(1.5), "b": (1, 2.0), "c": "x"}, {"a": np.float64(2.5), "b": (3, 4.0), "c": "y"}])
print(batch)
Point = collections.namedtuple("Point", ["x", "y"])
print(default_collate([Point(torch.tensor(1.0), 2), Point(torch.tensor(3.0), 4)]))
print(default_collate([np.arange(3), np.arange(3) * 2]))
try:
    default_collate([{"tokens": torch.ones(2)}, {"tokens": torch.ones(3)}])
except RuntimeError as e:
    print("RuntimeError:", e)


# ---- workers: each worker seeds numpy and random from torch's per-worker seed
def worker_init_fn(worker_id):
    info = get_worker_info()
    seed = torch.initial_seed() % 2 ** 32
    np.random.seed(seed)
    random.seed(seed)
    info.dataset.worker_tag = worker_id


class Augmented(Dataset):
    def __init__(self):
        self.worker_tag = None

    def __len__(self):
        return 12

    def __getitem__(self, i):
        info = get_worker_info()
        wid = -1 if info is None else info.id
        return i, wid, float(np.random.rand()), random.random(), torch.rand(1).item()


def run(seed, workers):
    g = torch.Generator()
    g.manual_seed(seed)
    dl = DataLoader(Augmented(), batch_size=3, shuffle=True, num_workers=workers,
                    worker_init_fn=worker_init_fn if workers else None, generator=g)
    rows = []
    for idx, wid, a, b, c in dl:
        rows.append((idx.tolist(), wid.tolist(), [round(v, 6) for v in a.tolist()],
                     [round(v, 6) for v in b.tolist()], [round(v, 6) for v in c.tolist()]))
    return rows


r1 = run(123, 2)
for row in r1:
    print(row)
print("reproducible with same generator seed:", r1 == run(123, 2))
print("different seed differs:", r1 != run(124, 2))
print("main-process idx order:", [r[0] for r in run(123, 0)])
dl = DataLoader(Augmented(), batch_size=4, num_workers=2, persistent_workers=True, prefetch_factor=2,
                pin_memory=False)
print(len(dl), dl.num_workers, dl.prefetch_factor, dl.persistent_workers, next(iter(dl))[0])
try:
    DataLoader(Augmented(), batch_size=4, num_workers=0, prefetch_factor=2)
except ValueError as e:
    print("ValueError:", e)
try:
    DataLoader(Augmented(), batch_sampler=sampler, shuffle=True)
except ValueError as e:
    print("ValueError:", e)

# ---- built-in samplers
g = torch.Generator().manual_seed(5)
print(list(RandomSampler(range(10), generator=g)))
print(list(RandomSampler(range(10), replacement=True, num_samples=6, generator=g)))
print(list(SubsetRandomSampler([10, 20, 30, 40], generator=g)))
w = torch.tensor([0.1, 0.1, 0.7, 0.1])
print(list(WeightedRandomSampler(w, num_samples=8, replacement=True, generator=g)))
print(list(BatchSampler(SequentialSampler(range(10)), batch_size=4, drop_last=False)))
print(list(BatchSampler(range(10), batch_size=4, drop_last=True)), len(BatchSampler(range(10), 4, True)))

# ---- train an LSTM on padded + packed batches
torch.manual_seed(1)


class Classifier(nn.Module):
    def __init__(self, vocab=12, emb=8, hidden=16):
        super().__init__()
        self.emb = nn.Embedding(vocab, emb, padding_idx=0)
        self.rnn = nn.LSTM(emb, hidden, batch_first=True)
        self.head = nn.Linear(hidden, 1)

    def forward(self, tokens, lengths):
        packed = pack_padded_sequence(self.emb(tokens), lengths, batch_first=True, enforce_sorted=False)
        out, (h, c) = self.rnn(packed)
        unpacked, out_lens = pad_packed_sequence(out, batch_first=True)
        return self.head(h[-1]).squeeze(-1), unpacked.shape, out_lens


model = Classifier()
opt = torch.optim.Adam(model.parameters(), lr=0.01)
loss_fn = nn.BCEWithLogitsLoss()
loader = DataLoader(ds, batch_size=8, shuffle=True, collate_fn=pad_collate,
                    generator=torch.Generator().manual_seed(9))
for epoch in range(4):
    tot = 0.0
    for padded, lengths, labels in loader:
        opt.zero_grad()
        logits, shp, out_lens = model(padded, lengths)
        loss = loss_fn(logits, labels)
        loss.backward()
        opt.step()
        tot += loss.item()
    print(f"epoch {epoch} loss {tot / len(loader):.4f} last unpacked {tuple(shp)} {out_lens.tolist()}")
print(model.emb.weight[0].abs().sum().item(), model.emb.weight.grad[0].abs().sum().item())
