"""Datasets and loaders: custom Dataset, collate_fn with padding, random_split, samplers, TensorDataset."""
import torch
from torch.nn.utils.rnn import pad_sequence, pack_padded_sequence, pad_packed_sequence
from torch.utils.data import (DataLoader, Dataset, TensorDataset, random_split, Subset, ConcatDataset,
                              WeightedRandomSampler, SubsetRandomSampler, SequentialSampler, BatchSampler)

torch.manual_seed(11)


class SequenceDataset(Dataset):
    """Variable-length integer sequences; the label is whether the sum is even."""

    def __init__(self, n=40):
        lengths = torch.randint(2, 7, (n,))
        self.seqs = [torch.randint(1, 20, (int(l),)) for l in lengths]
        self.labels = [int(s.sum().item() % 2 == 0) for s in self.seqs]

    def __len__(self):
        return len(self.seqs)

    def __getitem__(self, i):
        return {"tokens": self.seqs[i], "label": self.labels[i]}


def collate(batch):
    tokens = [b["tokens"] for b in batch]
    lengths = torch.tensor([len(t) for t in tokens])
    padded = pad_sequence(tokens, batch_first=True, padding_value=0)
    labels = torch.tensor([b["label"] for b in batch], dtype=torch.float32)
    return padded, lengths, labels


ds = SequenceDataset()
print(len(ds), ds[0])
train_ds, val_ds = random_split(ds, [30, 10])
print(len(train_ds), len(val_ds), train_ds.indices[:5])
g = torch.Generator().manual_seed(0)
a, b, c = random_split(range(10), [0.5, 0.3, 0.2], generator=g)
print(list(a), list(b), list(c))

loader = DataLoader(train_ds, batch_size=8, shuffle=True, collate_fn=collate, drop_last=False)
print(len(loader))
for padded, lengths, labels in loader:
    print(padded.shape, lengths.tolist(), labels.tolist())

emb = torch.nn.Embedding(20, 4, padding_idx=0)
rnn = torch.nn.GRU(4, 5, batch_first=True)
padded, lengths, labels = next(iter(DataLoader(val_ds, batch_size=4, collate_fn=collate)))
packed = pack_padded_sequence(emb(padded), lengths, batch_first=True, enforce_sorted=False)
out, h = rnn(packed)
unpacked, out_lens = pad_packed_sequence(out, batch_first=True)
print(unpacked.shape, out_lens, h.shape)
print(f"{h.abs().sum().item():.4f}")

# default collate of tuples, dicts and numbers
X = torch.arange(24, dtype=torch.float32).view(12, 2)
y = torch.arange(12) % 3
tds = TensorDataset(X, y)
print(tds[3], len(tds))
for xb, yb in DataLoader(tds, batch_size=5):
    print(xb.shape, yb)


class DictDS(Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, i):
        return {"x": torch.full((2,), float(i)), "idx": i, "name": f"item{i}", "pair": (i, i * 2.0)}


batch = next(iter(DataLoader(DictDS(), batch_size=3)))
print(batch)

# samplers
weights = torch.tensor([0.1, 0.1, 0.8, 0.0])
ws = WeightedRandomSampler(weights, num_samples=8, replacement=True)
print(list(ws))
srs = SubsetRandomSampler([0, 2, 4, 6])
print(list(srs))
print(list(BatchSampler(SequentialSampler(range(7)), batch_size=3, drop_last=False)))
print([b.tolist() for b, _ in DataLoader(tds, batch_sampler=BatchSampler(srs, 2, False))])
sub = Subset(tds, [1, 3, 5])
cat = ConcatDataset([sub, tds])
print(len(cat), cat[0], cat[4])
gen_loader = DataLoader(tds, batch_size=4, shuffle=True, generator=torch.Generator().manual_seed(5))
print([yb.tolist() for _, yb in gen_loader])
print([yb.tolist() for _, yb in gen_loader])


# an iterable-style dataset
class Stream(torch.utils.data.IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        for i in range(self.n):
            yield torch.tensor([i, i * i])


print([b.tolist() for b in DataLoader(Stream(5), batch_size=2)])

# manual train loop over the padded data
model = torch.nn.Sequential(torch.nn.Linear(6, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1))
opt = torch.optim.AdamW(model.parameters(), lr=0.01)
loss_fn = torch.nn.BCEWithLogitsLoss()
for epoch in range(3):
    total, n = 0.0, 0
    for padded, lengths, labels in DataLoader(train_ds, batch_size=8, shuffle=True, collate_fn=collate):
        feats = torch.nn.functional.pad(padded.float(), (0, 6 - padded.shape[1]))
        logits = model(feats).squeeze(-1)
        loss = loss_fn(logits, labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item() * len(labels)
        n += len(labels)
    print(f"epoch {epoch}: {total / n:.4f}")
