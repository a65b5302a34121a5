"""Word n-gram language models with counts held in tensors: add-k and interpolated Kneser-Ney
smoothing, perplexity on held-out text, greedy/sampled generation, and an edit-distance spelling
corrector over the vocabulary."""
import math

import torch

torch.manual_seed(0)

vocab = ["<s>", "</s>", "the", "cat", "dog", "sat", "on", "mat", "ran", "to", "a", "park", "big", "small"]
stoi = {w: i for i, w in enumerate(vocab)}
V = len(vocab)

subjects = ["cat", "dog"]
verbs = ["sat", "ran"]
places = ["mat", "park"]
adjs = ["big", "small"]


def make_sentence(g):
    s = ["<s>", "the"]
    if torch.rand(1, generator=g).item() < 0.5:
        s.append(adjs[torch.randint(0, 2, (1,), generator=g).item()])
    s.append(subjects[torch.randint(0, 2, (1,), generator=g).item()])
    v = verbs[torch.randint(0, 2, (1,), generator=g).item()]
    s.append(v)
    s.append("on" if v == "sat" else "to")
    s.append("a" if torch.rand(1, generator=g).item() < 0.3 else "the")
    s.append(places[torch.randint(0, 2, (1,), generator=g).item()])
    s.append("</s>")
    return s


g = torch.Generator().manual_seed(1234)
train = [make_sentence(g) for _ in range(60)]
test = [make_sentence(g) for _ in range(15)]
print("example:", " ".join(train[0]))

ids = [torch.tensor([stoi[w] for w in s]) for s in train]
flat = torch.cat(ids)
print("tokens:", flat.numel(), "dtype:", flat.dtype)

unigram = torch.bincount(flat, minlength=V).float()
print("unigram counts:", unigram.long().tolist())

bigram = torch.zeros(V, V)
for s in ids:
    bigram.index_put_((s[:-1], s[1:]), torch.ones(len(s) - 1), accumulate=True)
print("bigram total:", int(bigram.sum().item()), "nonzero:", int((bigram > 0).sum()))

pairs = torch.cat([torch.stack([s[:-1], s[1:]], 1) for s in ids])
uniq, counts = torch.unique(pairs, dim=0, return_counts=True)
print("unique bigrams:", uniq.shape[0], "most frequent:",
      [(vocab[a], vocab[b]) for a, b in uniq[counts.argsort(descending=True, stable=True)[:3]].tolist()])
dense_check = torch.zeros(V, V, dtype=torch.long)
dense_check[uniq[:, 0], uniq[:, 1]] = counts
print("unique/index_put agree:", torch.equal(dense_check.float(), bigram))


def addk_probs(k):
    return (bigram + k) / (bigram.sum(1, keepdim=True) + k * V)


def kneser_ney(d=0.75):
    row = bigram.sum(1, keepdim=True)
    n_follow = (bigram > 0).sum(1, keepdim=True).float()
    cont = (bigram > 0).sum(0).float()
    p_cont = cont / cont.sum()
    lam = torch.where(row > 0, d * n_follow / row.clamp(min=1), torch.ones_like(row))
    disc = torch.clamp(bigram - d, min=0) / row.clamp(min=1)
    return disc + lam * p_cont.unsqueeze(0)


def perplexity(P, sents):
    logp = torch.log(P)
    total, n = 0.0, 0
    for s in sents:
        t = torch.tensor([stoi[w] for w in s])
        lp = logp[t[:-1], t[1:]]
        total += lp.sum().item()
        n += lp.numel()
    return math.exp(-total / n)


for k in [1.0, 0.1, 0.01]:
    P = addk_probs(k)
    print(f"add-{k}: rows sum to one {torch.allclose(P.sum(1), torch.ones(V))}, ppl {perplexity(P, test):.4f}")
KN = kneser_ney()
print("KN rows:", KN.sum(1)[2:6])
print(f"KN ppl: {perplexity(KN, test):.4f}")
print("P(. | the) top-4:")
vals, idx = torch.topk(KN[stoi["the"]], 4)
for v, i in zip(vals.tolist(), idx.tolist()):
    print(f"  {vocab[i]:>6s} {v:.4f}")

# greedy and sampled generation
cur = stoi["<s>"]
out = []
for _ in range(10):
    cur = int(KN[cur].argmax())
    if cur == stoi["</s>"]:
        break
    out.append(vocab[cur])
print("greedy:", " ".join(out))
gen = torch.Generator().manual_seed(7)
for _ in range(3):
    cur, out = stoi["<s>"], []
    for _ in range(12):
        cur = torch.multinomial(KN[cur], 1, generator=gen).item()
        if cur == stoi["</s>"]:
            break
        out.append(vocab[cur])
    print("sample:", " ".join(out))

# cross-entropy of the model on the test set with F.nll_loss
test_ids = torch.cat([torch.tensor([stoi[w] for w in s]) for s in test])
mask = test_ids[:-1] != stoi["</s>"]
ctx, nxt = test_ids[:-1][mask], test_ids[1:][mask]
nll = torch.nn.functional.nll_loss(torch.log(KN)[ctx], nxt)
print(f"nll {nll.item():.4f} ppl {nll.exp().item():.4f}")


# edit distance spelling correction
def edit_distance(a, b):
    A = torch.tensor([ord(c) for c in a])
    B = torch.tensor([ord(c) for c in b])
    D = torch.zeros(len(a) + 1, len(b) + 1, dtype=torch.int64)
    D[:, 0] = torch.arange(len(a) + 1)
    D[0, :] = torch.arange(len(b) + 1)
    for i in range(1, len(a) + 1):
        sub = D[i - 1, :-1] + (A[i - 1] != B).long()
        dele = D[i - 1, 1:] + 1
        best = torch.minimum(sub, dele)
        for j in range(1, len(b) + 1):
            D[i, j] = min(best[j - 1].item(), D[i, j - 1].item() + 1)
    return D[-1, -1]


words = vocab[2:]
for typo in ["cta", "prak", "smal", "dgo", "tha"]:
    dists = torch.stack([edit_distance(typo, w) for w in words])
    score = dists.float() - 0.01 * torch.log(unigram[2:] + 1)
    best = int(score.argmin())
    print(f"{typo!r} -> {words[best]!r} (distance {dists[best].item()})", dists.tolist())

try:
    torch.multinomial(torch.tensor([0.0, 0.0]), 1)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    bigram.index_put_((torch.tensor([0, 1]), torch.tensor([1])), torch.ones(3), accumulate=True)
except (RuntimeError, IndexError) as e:
    print(type(e).__name__ + ":", e)
