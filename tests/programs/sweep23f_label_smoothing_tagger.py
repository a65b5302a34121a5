"""A part-of-speech tagging notebook: word and tag vocabularies from a toy corpus, padded targets with
ignore_index=-100, F.cross_entropy with label_smoothing (with and without class weights, with reductions
none/sum/mean, on (N, C, T) logits and on probability targets), CrossEntropyLoss modules, a BiGRU tagger
over packed sequences, per-token accuracy under the mask, and a confusion matrix from bincount."""
from collections import Counter

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence

torch.manual_seed(0)
IGNORE = -100

tagged = [
    "the/DET dog/NOUN runs/VERB fast/ADV",
    "a/DET cat/NOUN sleeps/VERB",
    "dogs/NOUN bark/VERB loudly/ADV at/ADP the/DET cat/NOUN",
    "the/DET old/ADJ cat/NOUN sat/VERB",
    "birds/NOUN sing/VERB",
    "the/DET big/ADJ dog/NOUN sleeps/VERB on/ADP a/DET mat/NOUN",
]
pairs = [[tuple(tok.split("/")) for tok in line.split()] for line in tagged]
word_counts = Counter(w for sent in pairs for w, _ in sent)
words = ["<pad>", "<unk>"] + sorted(word_counts)
tags = sorted({t for sent in pairs for _, t in sent})
w2i = {w: i for i, w in enumerate(words)}
t2i = {t: i for i, t in enumerate(tags)}
print("words:", len(words), "tags:", tags)

X = [torch.tensor([w2i.get(w, 1) for w, _ in s]) for s in pairs]
Y = [torch.tensor([t2i[t] for _, t in s]) for s in pairs]
lengths = torch.tensor([len(s) for s in X])
xb = pad_sequence(X, batch_first=True, padding_value=0)
yb = pad_sequence(Y, batch_first=True, padding_value=IGNORE)
print(xb)
print(yb)

torch.manual_seed(1)
logits = torch.randn(xb.size(0), xb.size(1), len(tags), requires_grad=True)
flat_logits, flat_y = logits.view(-1, len(tags)), yb.view(-1)
for ls in (0.0, 0.1, 0.3):
    loss = F.cross_entropy(flat_logits, flat_y, ignore_index=IGNORE, label_smoothing=ls)
    print(f"label_smoothing={ls}: {loss.item():.4f}")
ce_nct = F.cross_entropy(logits.transpose(1, 2), yb, label_smoothing=0.1)
print(f"(N, C, T) layout: {ce_nct.item():.4f}")
none = F.cross_entropy(flat_logits, flat_y, label_smoothing=0.2, reduction="none")
print("reduction none:", none.shape, "zeros at ignored:", bool((none[flat_y == IGNORE] == 0).all()))
print(f"sum {F.cross_entropy(flat_logits, flat_y, label_smoothing=0.2, reduction='sum').item():.4f}"
      f" vs none.sum {none.sum().item():.4f}")
weight = torch.linspace(0.5, 2.0, len(tags))
wl = F.cross_entropy(flat_logits, flat_y, weight=weight, label_smoothing=0.1)
print(f"weighted + smoothing: {wl.item():.4f}")
wl_none = F.cross_entropy(flat_logits, flat_y, weight=weight, label_smoothing=0.1, reduction="none")
print("weighted none row:", wl_none[:4].round(decimals=4))
valid = flat_y != IGNORE
manual = wl_none.sum() / weight[flat_y[valid]].sum()
print("weighted mean matches:", torch.allclose(manual, wl))

# manual label smoothing vs the built-in
logp = F.log_softmax(flat_logits[valid], -1)
eps = 0.1
smooth = torch.full_like(logp, eps / len(tags))
smooth.scatter_(1, flat_y[valid].unsqueeze(1), 1 - eps + eps / len(tags))
manual_ls = -(smooth * logp).sum(-1).mean()
builtin = F.cross_entropy(flat_logits, flat_y, label_smoothing=eps)
print(f"manual {manual_ls.item():.4f} builtin {builtin.item():.4f}")
prob_targets = F.cross_entropy(flat_logits[valid], smooth, label_smoothing=0.05)
print(f"probability targets + smoothing: {prob_targets.item():.4f}")
crit = nn.CrossEntropyLoss(ignore_index=IGNORE, label_smoothing=0.1, reduction="sum")
print(crit)
l = crit(flat_logits, flat_y)
l.backward()
print(f"grad norm {logits.grad.norm().item():.4f}, ignored rows zero:",
      bool((logits.grad.view(-1, len(tags))[~valid] == 0).all()))
print("nll ignore:", round(F.nll_loss(F.log_softmax(flat_logits, -1), flat_y).item(), 4))
try:
    F.cross_entropy(flat_logits, flat_y, label_smoothing=1.5)
except RuntimeError as e:
    print("RuntimeError:", e)


class Tagger(nn.Module):
    def __init__(self, vocab, tagset, emb=8, hid=8):
        super().__init__()
        self.emb = nn.Embedding(vocab, emb, padding_idx=0)
        self.rnn = nn.GRU(emb, hid, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * hid, tagset)

    def forward(self, x, lengths):
        packed = pack_padded_sequence(self.emb(x), lengths, batch_first=True, enforce_sorted=False)
        h, _ = pad_packed_sequence(self.rnn(packed)[0], batch_first=True, total_length=x.size(1))
        return self.out(h)


torch.manual_seed(2)
model = Tagger(len(words), len(tags))
criterion = nn.CrossEntropyLoss(ignore_index=IGNORE, label_smoothing=0.1)
opt = torch.optim.AdamW(model.parameters(), lr=0.05, weight_decay=0.01)
for step in range(15):
    scores = model(xb, lengths)
    loss = criterion(scores.reshape(-1, len(tags)), yb.reshape(-1))
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 5 == 4:
        with torch.no_grad():
            pred = scores.argmax(-1)
            mask = yb != IGNORE
            acc = (pred[mask] == yb[mask]).float().mean().item()
        print(f"step {step + 1} loss {loss.item():.4f} token acc {acc:.3f}")

with torch.no_grad():
    pred = model(xb, lengths).argmax(-1)
mask = yb != IGNORE
conf = torch.bincount(yb[mask] * len(tags) + pred[mask], minlength=len(tags) ** 2).view(len(tags), len(tags))
print("confusion:")
print(conf)
for i in range(2):
    print([f"{words[w]}/{tags[p]}" for w, p in zip(xb[i, :lengths[i]].tolist(), pred[i, :lengths[i]].tolist())])
