"""A sentiment-classification notebook's batching code: a map-style Dataset of variable-length id
sequences, a collate_fn returning (padded, lengths, mask, labels), pack_padded_sequence with
enforce_sorted=False (printing sorted_indices / unsorted_indices and batch_sizes), an LSTM and a GRU run
on the packed batch, pad_packed_sequence with total_length, last-hidden-state gathering, and a few
training steps with clip_grad_norm_."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import (pack_padded_sequence, pad_packed_sequence, pad_sequence,
                                pack_sequence, unpad_sequence, unpack_sequence)
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(0)
VOCAB, PAD = 20, 0


class ToyReviews(Dataset):
    def __init__(self, n=12):
        g = torch.Generator().manual_seed(1)
        self.lengths = torch.randint(2, 9, (n,), generator=g)
        self.items = [torch.randint(1, VOCAB, (int(n_),), generator=g) for n_ in self.lengths]
        self.labels = torch.tensor([int(x.float().mean() > VOCAB / 2) for x in self.items])

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i], self.labels[i]


def collate(batch):
    seqs, labels = zip(*batch)
    lengths = torch.tensor([len(s) for s in seqs], dtype=torch.long)
    padded = pad_sequence(seqs, batch_first=True, padding_value=PAD)
    mask = padded != PAD
    return padded, lengths, mask, torch.stack(labels)


ds = ToyReviews()
print("dataset:", len(ds), "lengths", ds.lengths.tolist(), "labels", ds.labels.tolist())
loader = DataLoader(ds, batch_size=4, shuffle=True, collate_fn=collate,
                    generator=torch.Generator().manual_seed(2))
x, lengths, mask, y = next(iter(loader))
print("x:", x.shape)
print(x)
print("lengths:", lengths, "mask sum:", mask.sum(1), "y:", y)

emb = nn.Embedding(VOCAB, 5, padding_idx=PAD)
packed = pack_padded_sequence(emb(x), lengths, batch_first=True, enforce_sorted=False)
print("batch_sizes:", packed.batch_sizes)
print("sorted_indices:", packed.sorted_indices)
print("unsorted_indices:", packed.unsorted_indices)
print("data:", packed.data.shape, packed.data.grad_fn is not None)
print("is_cuda:", packed.is_cuda)

lstm = nn.LSTM(5, 6, batch_first=True, bidirectional=True)
out_packed, (h, c) = lstm(packed)
print("out_packed type:", type(out_packed).__name__, out_packed.data.shape)
out, out_lens = pad_packed_sequence(out_packed, batch_first=True, padding_value=0.0, total_length=10)
print("out:", out.shape, "out_lens:", out_lens)
print("padded positions zero:", bool((out[~(torch.arange(10)[None] < out_lens[:, None])] == 0).all()))
print("h:", h.shape, "c:", c.shape)
last_fwd = out[torch.arange(out.size(0)), out_lens - 1, :6]
print("last fwd == h[0]:", torch.allclose(last_fwd, h[0]))
print("first bwd == h[1]:", torch.allclose(out[:, 0, 6:], h[1]))
print(h[0].round(decimals=3))

# unsorted round trip and helpers
tokens = [torch.tensor([1, 2, 3]), torch.tensor([4]), torch.tensor([5, 6])]
ps = pack_sequence(tokens, enforce_sorted=False)
print(ps)
print([t.tolist() for t in unpack_sequence(ps)])
pd = pad_sequence(tokens, batch_first=True)
print([t.tolist() for t in unpad_sequence(pd, torch.tensor([3, 1, 2]), batch_first=True)])
srt = pack_padded_sequence(pd, torch.tensor([3, 1, 2]), batch_first=True, enforce_sorted=False)
print(srt.data, srt.batch_sizes)
back, bl = pad_packed_sequence(srt, batch_first=True)
print(back, bl)
try:
    pack_padded_sequence(pd, torch.tensor([3, 1, 2]), batch_first=True)
except RuntimeError as e:
    print("RuntimeError:", str(e).split("\n")[0][:80])
try:
    pack_padded_sequence(pd, torch.tensor([3, 0, 2]), batch_first=True, enforce_sorted=False)
except RuntimeError as e:
    print("RuntimeError:", str(e).split("\n")[0][:80])


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(VOCAB, 8, padding_idx=PAD)
        self.rnn = nn.GRU(8, 8, batch_first=True)
        self.fc = nn.Linear(8, 2)

    def forward(self, x, lengths):
        packed = pack_padded_sequence(self.emb(x), lengths.cpu(), batch_first=True, enforce_sorted=False)
        _, h = self.rnn(packed)
        return self.fc(h[-1])


torch.manual_seed(3)
model = Classifier()
opt = torch.optim.Adam(model.parameters(), lr=0.05)
for epoch in range(3):
    total, correct = 0.0, 0
    for x, lengths, mask, y in loader:
        logits = model(x, lengths)
        loss = F.cross_entropy(logits, y)
        opt.zero_grad()
        loss.backward()
        norm = nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
        opt.step()
        total += loss.item() * len(y)
        correct += (logits.argmax(1) == y).sum().item()
    print(f"epoch {epoch} loss {total / len(ds):.4f} acc {correct / len(ds):.3f} last norm {norm.item():.4f}")
print("padding row grad:", model.emb.weight.grad[PAD].abs().sum().item())
