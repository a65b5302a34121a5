"""Byte-pair encoding on a tiny corpus: pair counting with unique/bincount, merges with masks."""
import torch

torch.manual_seed(0)
corpus = "low lower lowest newer newest wider widest slow slower".split()
chars = sorted(set("".join(corpus)))
vocab = {c: i for i, c in enumerate(["<pad>", "</w>"] + chars)}
inv = {i: s for s, i in vocab.items()}
words = [torch.tensor([vocab[c] for c in w] + [vocab["</w>"]], dtype=torch.long) for w in corpus]
print("vocab size", len(vocab))
print(words[0], words[0].dtype)

def pair_counts(seqs):
    pairs = torch.cat([torch.stack([s[:-1], s[1:]], dim=1) for s in seqs if s.numel() > 1])
    uniq, inverse, counts = torch.unique(pairs, dim=0, return_inverse=True, return_counts=True)
    return uniq, inverse, counts

def merge(seq, a, b, new_id):
    out = []
    i = 0
    while i < seq.numel():
        if i + 1 < seq.numel() and seq[i].item() == a and seq[i + 1].item() == b:
            out.append(new_id)
            i += 2
        else:
            out.append(seq[i].item())
            i += 1
    return torch.tensor(out, dtype=seq.dtype)

merges = []
for step in range(6):
    uniq, inverse, counts = pair_counts(words)
    best = torch.argmax(counts)
    a, b = uniq[best].tolist()
    new_tok = inv[a] + inv[b]
    new_id = len(vocab)
    vocab[new_tok] = new_id
    inv[new_id] = new_tok
    merges.append((a, b))
    words = [merge(w, a, b, new_id) for w in words]
    print(f"step {step}: merge {inv[a]!r}+{inv[b]!r} -> {new_tok!r} count={counts[best].item()} "
          f"pairs={uniq.shape[0]} inv_max={inverse.max().item()}")

lengths = torch.tensor([w.numel() for w in words])
print("lengths", lengths, lengths.float().mean())
flat = torch.cat(words)
freq = torch.bincount(flat, minlength=len(vocab))
print("freq", freq)
print("unused ids", (freq == 0).nonzero().flatten())
vals, cnts = torch.unique_consecutive(torch.sort(flat).values, return_counts=True)
print(vals[:8], cnts[:8])
w = torch.bincount(flat, weights=torch.ones_like(flat, dtype=torch.float64) * 0.5)
print(w[:6])
top = torch.topk(freq, 3)
print(top)
print([inv[i] for i in top.indices.tolist()])
encoded = ["|".join(inv[i] for i in w.tolist()) for w in words]
print(encoded)
m = torch.tensor(merges)
print(m, m.shape, m.stride())
mask = torch.isin(flat, m.flatten())
print(mask.sum(), mask.dtype)
try:
    torch.bincount(torch.tensor([1, -1]))
except Exception as e:
    print(type(e).__name__, e)
try:
    torch.bincount(torch.tensor([[1, 2]]))
except Exception as e:
    print(type(e).__name__, e)
try:
    torch.bincount(torch.tensor([1.0, 2.0]))
except Exception as e:
    print(type(e).__name__, e)
