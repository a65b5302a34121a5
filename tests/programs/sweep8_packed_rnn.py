"""Variable-length sequence classification: pad_sequence, pack_padded_sequence, LSTM over PackedSequence, collate_fn."""
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence, pack_sequence
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(21)
VOCAB, PAD = 12, 0


class SeqDataset(Dataset):
    """label = whether token 3 appears more often than token 4"""

    def __init__(self, n=120):
        self.data = []
        for _ in range(n):
            length = int(torch.randint(3, 11, (1,)))
            seq = torch.randint(1, VOCAB, (length,))
            label = int((seq == 3).sum() > (seq == 4).sum())
            self.data.append((seq, label))

    def __len__(self):
        return len(self.data)

    def __getitem__(self, idx):
        return self.data[idx]


def collate_fn(batch):
    seqs, labels = zip(*batch)
    lengths = torch.tensor([len(s) for s in seqs])
    padded = pad_sequence(seqs, batch_first=True, padding_value=PAD)
    return padded, lengths, torch.tensor(labels)


ds = SeqDataset()
loader = DataLoader(ds, batch_size=16, shuffle=True, collate_fn=collate_fn)
padded, lengths, labels = next(iter(loader))
print("batch", padded.shape, padded.dtype, lengths.tolist(), labels.tolist())

# look at a PackedSequence
seqs = [torch.tensor([1, 2, 3]), torch.tensor([4, 5]), torch.tensor([6, 7, 8, 9])]
lens = torch.tensor([3, 2, 4])
pad = pad_sequence(seqs)
print(pad.shape, pad.t())
packed = pack_padded_sequence(pad, lens, enforce_sorted=False)
print(packed)
print("data", packed.data.shape, "batch_sizes", packed.batch_sizes, "sorted", packed.sorted_indices,
      "unsorted", packed.unsorted_indices)
sorted_lens, order = lens.sort(descending=True)
packed_sorted = pack_padded_sequence(pad[:, order], sorted_lens, enforce_sorted=True)
print(packed_sorted.sorted_indices, packed_sorted.batch_sizes.tolist(), packed_sorted.data.tolist())
unpacked, out_lens = pad_packed_sequence(packed, batch_first=True, padding_value=-1)
print(unpacked, out_lens)
print(pack_sequence(seqs, enforce_sorted=False).data.tolist())
try:
    pack_padded_sequence(pad, lens, enforce_sorted=True)
except RuntimeError as e:
    print("RuntimeError:", str(e).split(".")[0])


class LSTMClassifier(nn.Module):
    def __init__(self, vocab, emb=8, hidden=16, num_classes=2):
        super().__init__()
        self.embedding = nn.Embedding(vocab, emb, padding_idx=PAD)
        self.lstm = nn.LSTM(emb, hidden, num_layers=2, batch_first=True, bidirectional=True, dropout=0.1)
        self.fc = nn.Linear(2 * hidden, num_classes)

    def forward(self, x, lengths):
        emb = self.embedding(x)
        packed = pack_padded_sequence(emb, lengths.cpu(), batch_first=True, enforce_sorted=False)
        packed_out, (h_n, c_n) = self.lstm(packed)
        out, out_lengths = pad_packed_sequence(packed_out, batch_first=True)
        hidden = torch.cat((h_n[-2, :, :], h_n[-1, :, :]), dim=1)
        return self.fc(hidden), out, out_lengths


model = LSTMClassifier(VOCAB)
print(model)
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
criterion = nn.CrossEntropyLoss()
for epoch in range(5):
    model.train()
    total, correct, running = 0, 0, 0.0
    for xb, lb, yb in loader:
        optimizer.zero_grad()
        logits, _, _ = model(xb, lb)
        loss = criterion(logits, yb)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
        optimizer.step()
        running += loss.item() * yb.size(0)
        correct += (logits.argmax(1) == yb).sum().item()
        total += yb.size(0)
    print(f"epoch {epoch} loss {running / total:.4f} acc {correct / total:.4f}")

model.eval()
with torch.no_grad():
    logits, out, out_lengths = model(padded, lengths)
    print("out", out.shape, "lengths equal", torch.equal(out_lengths, lengths))
    mask = torch.arange(out.size(1))[None, :] < lengths[:, None]
    print("padding positions are zero", out[~mask].abs().sum().item() == 0.0)
    # last valid timestep per sequence, gathered from the padded output
    idx = (lengths - 1).view(-1, 1, 1).expand(-1, 1, out.size(2))
    last = out.gather(1, idx).squeeze(1)
    print("last step", last.shape, torch.allclose(last[:, :16], torch.stack([out[i, l - 1, :16] for i, l in enumerate(lengths.tolist())])))

# a GRU on a PackedSequence directly, with an initial hidden state in original batch order
gru = nn.GRU(4, 6)
xs = [torch.randn(l, 4) for l in (5, 2, 3)]
ps = pack_sequence(xs, enforce_sorted=False)
h0 = torch.zeros(1, 3, 6)
h0[0, 1] = 1.0
out_p, h_n = gru(ps, h0)
print(type(out_p).__name__, out_p.data.shape, h_n.shape, out_p.batch_sizes.tolist())
o, l = pad_packed_sequence(out_p)
print(o.shape, l.tolist(), torch.allclose(h_n[0, 1], o[1, 1]), torch.allclose(h_n[0, 0], o[4, 0]))
print(ps.to(torch.float64).data.dtype, ps.is_cuda, len(ps))
