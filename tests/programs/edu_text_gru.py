"""NLP course lab: word-level preprocessing by hand (tokenise, vocabulary with Counter, numericalise),
variable-length batches with pad_sequence / pack_padded_sequence / pad_packed_sequence, and a GRU
sentiment classifier with masking, trained on a tiny synthetic corpus."""
import random
import re
from collections import Counter

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pack_sequence, pad_packed_sequence, pad_sequence
from torch.utils.data import DataLoader

torch.manual_seed(4)
random.seed(4)
np.random.seed(4)

POS = ["great", "good", "lovely", "excellent", "fun", "brilliant"]
NEG = ["bad", "awful", "boring", "terrible", "dull", "poor"]
FILL = ["the", "movie", "was", "really", "plot", "acting", "and", "very", "a", "film", "story", "quite"]


def make_sentence(label):
    words = random.choices(FILL, k=random.randint(2, 9))
    for _ in range(random.randint(1, 2)):
        words.insert(random.randrange(len(words) + 1), random.choice(POS if label else NEG))
    if random.random() < 0.3:
        words.append("!")
    return " ".join(words).capitalize() + "."


corpus = [(make_sentence(lab), lab) for lab in [random.randint(0, 1) for _ in range(160)]]
print(corpus[0], corpus[1], sep="\n")


def tokenize(s):
    return re.findall(r"[a-z]+|[!?.]", s.lower())


counter = Counter(tok for s, _ in corpus for tok in tokenize(s))
print(counter.most_common(5))
itos = ["<pad>", "<unk>"] + sorted(w for w, c in counter.items() if c >= 2)
stoi = {w: i for i, w in enumerate(itos)}
print("vocab size", len(itos), itos[:8])


def numericalize(s):
    return torch.tensor([stoi.get(t, 1) for t in tokenize(s)], dtype=torch.long)


seqs = [numericalize(s) for s, _ in corpus]
labels = torch.tensor([lab for _, lab in corpus])
print(seqs[0], [itos[i] for i in seqs[0].tolist()])
lengths = torch.tensor([len(s) for s in seqs])
print("lengths: min", lengths.min().item(), "max", lengths.max().item(), "mean %.2f" % lengths.float().mean().item())

print("== padding and packing ==")
a, b, c = torch.tensor([1, 2, 3]), torch.tensor([4, 5]), torch.tensor([6])
print(pad_sequence([a, b, c], batch_first=True))
print(pad_sequence([a, b, c], padding_value=-1))
print(pad_sequence([a, b, c], batch_first=True, padding_side="left"))
packed = pack_sequence([a, b, c])
print(packed)
print(packed.data, packed.batch_sizes)
padded = pad_sequence([b, a, c], batch_first=True)
pk = pack_padded_sequence(padded, torch.tensor([2, 3, 1]), batch_first=True, enforce_sorted=False)
print(pk.sorted_indices, pk.unsorted_indices, pk.batch_sizes)
out, lens = pad_packed_sequence(pk, batch_first=True, total_length=4)
print(out, lens)
try:
    pack_padded_sequence(padded, torch.tensor([2, 3, 1]), batch_first=True)
except RuntimeError as e:
    print("RuntimeError:", str(e)[:90])


def collate(batch):
    xs, ys = zip(*batch)
    lens = torch.tensor([len(x) for x in xs])
    return pad_sequence(list(xs), batch_first=True, padding_value=0), lens, torch.stack(list(ys))


data = list(zip(seqs, labels))
train, valid = data[:128], data[128:]
train_dl = DataLoader(train, batch_size=16, shuffle=True, collate_fn=collate)
valid_dl = DataLoader(valid, batch_size=32, collate_fn=collate)
xb, lb, yb = next(iter(train_dl))
print(xb.shape, lb.tolist()[:6], yb.tolist()[:6])


class GRUClassifier(nn.Module):
    def __init__(self, vocab, emb=16, hidden=24, n_out=2):
        super().__init__()
        self.emb = nn.Embedding(vocab, emb, padding_idx=0)
        self.gru = nn.GRU(emb, hidden, batch_first=True, bidirectional=True)
        self.head = nn.Linear(2 * hidden, n_out)

    def forward(self, x, lens):
        e = self.emb(x)
        packed = pack_padded_sequence(e, lens, batch_first=True, enforce_sorted=False)
        out, h = self.gru(packed)
        h = torch.cat([h[-2], h[-1]], dim=1)        # last forward and backward states
        return self.head(h)


class MeanPoolClassifier(nn.Module):
    """The masked bag-of-embeddings baseline."""

    def __init__(self, vocab, emb=16):
        super().__init__()
        self.emb = nn.Embedding(vocab, emb, padding_idx=0)
        self.fc = nn.Linear(emb, 2)

    def forward(self, x, lens):
        mask = (x != 0).unsqueeze(-1).float()
        pooled = (self.emb(x) * mask).sum(1) / lens.unsqueeze(1).float()
        return self.fc(pooled)


def evaluate(model):
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for x, l, y in valid_dl:
            correct += (model(x, l).argmax(1) == y).sum().item()
            total += len(y)
    return correct / total


for cls in (MeanPoolClassifier, GRUClassifier):
    torch.manual_seed(0)
    model = cls(len(itos))
    print(model)
    print("params", sum(p.numel() for p in model.parameters()),
          "padding row zero:", bool((model.emb.weight[0] == 0).all()))
    opt = torch.optim.Adam(model.parameters(), lr=0.02)
    for epoch in range(8):
        model.train()
        tot = 0.0
        for x, l, y in train_dl:
            loss = F.cross_entropy(model(x, l), y)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            tot += loss.item() * len(y)
        if epoch % 4 == 3:
            print(f"{cls.__name__} epoch {epoch + 1}: train loss {tot / len(train):.3f} valid acc {evaluate(model):.3f}")
    print("pad grad stays zero:", model.emb.weight.grad[0].abs().sum().item() == 0)

print("== inspecting the GRU ==")
gru = model.gru
print([(n, tuple(p.shape)) for n, p in gru.named_parameters()][:4])
x, l, y = next(iter(valid_dl))
with torch.no_grad():
    e = model.emb(x[:3])
    out_p, h = gru(pack_padded_sequence(e, l[:3], batch_first=True, enforce_sorted=False))
    out, out_lens = pad_packed_sequence(out_p, batch_first=True)
    out_plain, h_plain = gru(e)
print(out.shape, out_lens.tolist(), h.shape)
i = int(l[:3].argmax())
try:
    torch.allclose(out[i], out_plain[i])
except RuntimeError as e:
    print("RuntimeError:", e)
T = out.shape[1]       # the forward direction of the longest sequence never sees padding
print("longest sequence matches unpacked run:", torch.allclose(out[i, :, :24], out_plain[i, :T, :24], atol=1e-6))
print("padded positions are zero:", bool((out[torch.arange(out.shape[1]).unsqueeze(0) >= out_lens.unsqueeze(1)] == 0).all()))
sentence = "The acting was brilliant and fun!"
ids = numericalize(sentence)
model.eval()
with torch.no_grad():
    p = model(ids.unsqueeze(0), torch.tensor([len(ids)])).softmax(-1)
print(tokenize(sentence), ids.tolist(), "positive" if p[0, 1] > 0.5 else "negative")
