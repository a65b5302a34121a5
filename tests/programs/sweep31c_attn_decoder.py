"""An attention-based OCR decoder (Show-Attend-Read style) over conv features of synthetic word
images: a character vocabulary with <pad>/<sos>/<eos>, padded label tensors, a GRUCell decoder with
additive (Bahdanau) attention, teacher forcing chosen by a Bernoulli draw, cross-entropy with
ignore_index and label smoothing, greedy and beam-search decoding with topk, and attention maps."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence, pack_padded_sequence, pad_packed_sequence

torch.manual_seed(2024)

ALPHABET = list("abcdefgh")
PAD, SOS, EOS = 0, 1, 2
itos = ["<pad>", "<sos>", "<eos>"] + ALPHABET
stoi = {s: i for i, s in enumerate(itos)}
V = len(itos)
print("vocab size", V, itos)

words = ["bad", "cab", "face", "head", "ache", "bead", "deaf", "fade", "dab", "gag"]
seqs = [torch.tensor([SOS] + [stoi[c] for c in w] + [EOS]) for w in words]
labels = pad_sequence(seqs, batch_first=True, padding_value=PAD)
lengths = torch.tensor([len(s) for s in seqs])
print("labels\n", labels)
print("mask\n", (labels != PAD).int())

# synthetic images: each character is a random 6x4 stamp, placed left to right on a 6x28 strip
stamps = torch.rand(V, 6, 4).round()
imgs = torch.zeros(len(words), 1, 6, 28)
for i, w in enumerate(words):
    for j, c in enumerate(w):
        imgs[i, 0, :, 2 + 6 * j: 6 + 6 * j] = stamps[stoi[c]]
imgs += 0.05 * torch.randn_like(imgs)


class Encoder(nn.Module):
    def __init__(self, d=24):
        super().__init__()
        self.conv = nn.Sequential(nn.Conv2d(1, d, (3, 3), padding=1), nn.GELU(),
                                  nn.AvgPool2d((2, 2)), nn.Conv2d(d, d, (3, 1)), nn.Tanh())
        self.rnn = nn.GRU(d, d // 2, batch_first=True, bidirectional=True)

    def forward(self, x):
        f = self.conv(x).squeeze(2).transpose(1, 2)     # (N, W', d)
        out, h = self.rnn(f)
        return out, h


class AttnDecoder(nn.Module):
    def __init__(self, V, d=24, e=12):
        super().__init__()
        self.emb = nn.Embedding(V, e, padding_idx=PAD)
        self.Wq = nn.Linear(d, d, bias=False)
        self.Wk = nn.Linear(d, d)
        self.v = nn.Linear(d, 1, bias=False)
        self.cell = nn.GRUCell(e + d, d)
        self.out = nn.Linear(2 * d, V)

    def step(self, y, h, enc):
        scores = self.v(torch.tanh(self.Wq(h).unsqueeze(1) + self.Wk(enc))).squeeze(-1)
        alpha = F.softmax(scores, dim=-1)
        ctx = torch.bmm(alpha.unsqueeze(1), enc).squeeze(1)
        h = self.cell(torch.cat([self.emb(y), ctx], -1), h)
        return self.out(torch.cat([h, ctx], -1)), h, alpha


enc, dec = Encoder(), AttnDecoder(V)
print(dec)
print("embedding row for <pad> is zero:", bool((dec.emb.weight[PAD] == 0).all()))
params = list(enc.parameters()) + list(dec.parameters())
opt = torch.optim.AdamW(params, lr=1e-2, weight_decay=1e-2)
crit = nn.CrossEntropyLoss(ignore_index=PAD, label_smoothing=0.1)
print(crit, crit.ignore_index, crit.label_smoothing)
tf = torch.distributions.Bernoulli(probs=torch.tensor(0.8))


def run_batch(x, y, teacher=True):
    mem, hN = enc(x)
    h = torch.cat([hN[0], hN[1]], -1)
    inp = y[:, 0]
    logits, alphas = [], []
    for t in range(1, y.size(1)):
        o, h, a = dec.step(inp, h, mem)
        logits.append(o)
        alphas.append(a)
        use_tf = teacher and bool(tf.sample())
        inp = y[:, t] if use_tf else o.argmax(-1)
    return torch.stack(logits, 1), torch.stack(alphas, 1)


for it in range(30):
    opt.zero_grad()
    logits, _ = run_batch(imgs, labels)
    loss = crit(logits.reshape(-1, V), labels[:, 1:].reshape(-1))
    loss.backward()
    nn.utils.clip_grad_value_(params, 1.0)
    opt.step()
    if it % 7 == 0:
        print(f"iter {it:2d} loss {loss.item():.4f}")

with torch.no_grad():
    logits, alphas = run_batch(imgs, labels, teacher=False)
print("attention", alphas.shape, "rows sum to one:", torch.allclose(alphas.sum(-1), torch.ones(alphas.shape[:2])))
pred = logits.argmax(-1)
tok_mask = labels[:, 1:] != PAD
tok_acc = (pred == labels[:, 1:])[tok_mask].float().mean()
print("token accuracy", f"{tok_acc.item():.4f}")
nll = F.cross_entropy(logits.transpose(1, 2), labels[:, 1:], ignore_index=PAD, reduction="none")
print("per-token nll shape", nll.shape, "zero at pads:", bool((nll[~tok_mask] == 0).all()))
print("per-word nll", (nll.sum(1) / tok_mask.sum(1)).round(decimals=2))


def decode(ids):
    out = []
    for i in ids.tolist():
        if i == EOS:
            break
        out.append(itos[i])
    return "".join(out)


print("greedy", [decode(p) for p in pred])


def beam_search(x, k=3, max_len=6):
    with torch.no_grad():
        mem, hN = enc(x)
        h = torch.cat([hN[0], hN[1]], -1)
        beams = [([SOS], 0.0, h)]
        for _ in range(max_len):
            cand = []
            for seq, score, hb in beams:
                if seq[-1] == EOS:
                    cand.append((seq, score, hb))
                    continue
                o, h2, _ = dec.step(torch.tensor([seq[-1]]), hb, mem)
                lp, ix = F.log_softmax(o, -1).topk(k, dim=-1)
                for s, j in zip(lp[0].tolist(), ix[0].tolist()):
                    cand.append((seq + [j], score + s, h2))
            cand.sort(key=lambda c: c[1], reverse=True)
            beams = cand[:k]
        return [(decode(torch.tensor(s[1:])), round(sc, 2)) for s, sc, _ in beams]


print("beam", beam_search(imgs[:1]))

# packing variable-length label embeddings for a language-model prior
emb = dec.emb(labels)
packed = pack_padded_sequence(emb, lengths, batch_first=True, enforce_sorted=False)
print("packed", packed.data.shape, packed.batch_sizes, packed.sorted_indices)
unpacked, ul = pad_packed_sequence(packed, batch_first=True)
print("round trip", torch.equal(unpacked, emb), ul)

try:
    F.cross_entropy(logits.reshape(-1, V), labels[:, 1:].reshape(-1).float())
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    dec.emb(torch.tensor([V]))
except IndexError as e:
    print("IndexError:", e)
try:
    pack_padded_sequence(emb, lengths, batch_first=True)
except RuntimeError as e:
    print("RuntimeError:", str(e).splitlines()[0])
