"""A character-level bigram language model built from a count matrix, in the style of
"learn neural nets from scratch" video series: count pairs, normalise rows, sample, and score
with the negative log likelihood."""
import random

import torch

# a small synthetic "names" dataset: pseudo-names glued from syllables
rng = random.Random(42)
syllables = ["ka", "mi", "lo", "an", "ra", "el", "ju", "ne", "ta", "so", "ri", "bel", "ya", "den", "zo", "ha"]
words = []
for _ in range(300):
    w = "".join(rng.choice(syllables) for _ in range(rng.randint(1, 3)))
    if rng.random() < 0.3:
        w += rng.choice("nsyh")
    words.append(w)
print(len(words), words[:8])
print(min(len(w) for w in words), max(len(w) for w in words))

chars = sorted(list(set("".join(words))))
print(len(chars), "".join(chars))
chars = [chr(ord("a") + i) for i in range(26)]   # the full alphabet, so the table is 27 x 27
stoi = {s: i + 1 for i, s in enumerate(chars)}
stoi["."] = 0
itos = {i: s for s, i in stoi.items()}
print(len(stoi), itos[0], itos[26])

# the count table (27 x 27 even though fewer letters occur, as in the lectures)
N = torch.zeros((27, 27), dtype=torch.int32)
for w in words:
    chs = ["."] + list(w) + ["."]
    for ch1, ch2 in zip(chs, chs[1:]):
        ix1 = stoi[ch1]
        ix2 = stoi[ch2]
        N[ix1, ix2] += 1
print(N.dtype, N.shape, N.sum(), N.max())
print(N[0])
print(N[0, :10].tolist())
print(N[stoi["a"]])
top = N.view(-1).topk(5)
print(top.values, top.indices)
print([(itos[i.item() // 27], itos[i.item() % 27]) for i in top.indices])
print(N[N > 20].numel(), (N == 0).sum().item())

# first row as a probability vector and a few draws from it
p = N[0].float()
p = p / p.sum()
print(p[:8])
g = torch.Generator().manual_seed(2147483647)
p2 = torch.rand(3, generator=g)
p2 = p2 / p2.sum()
print(p2)
print(torch.multinomial(p2, num_samples=20, replacement=True, generator=g))
g = torch.Generator().manual_seed(2147483647)
ix = torch.multinomial(p, num_samples=1, replacement=True, generator=g).item()
print(ix, itos[ix])

# normalise rows with smoothing; broadcasting the (27, 1) column of sums
P = (N + 1).float()
P /= P.sum(1, keepdims=True)
print(P.shape, P.sum(1, keepdim=True).shape, P.dtype)
print(P[0].sum().item() == 1.0 or abs(P[0].sum().item() - 1.0) < 1e-6)
print(P[:3, :6])
print(P.sum(1)[:5])

g = torch.Generator().manual_seed(2147483647)
for i in range(10):
    out = []
    ix = 0
    while True:
        p = P[ix]
        ix = torch.multinomial(p, num_samples=1, replacement=True, generator=g).item()
        out.append(itos[ix])
        if ix == 0:
            break
    print("".join(out))

# sampling from a uniform model for comparison
g = torch.Generator().manual_seed(2147483647)
out = []
ix = 0
while True:
    p = torch.ones(27) / 27.0
    ix = torch.multinomial(p, num_samples=1, replacement=True, generator=g).item()
    out.append(itos[ix])
    if ix == 0:
        break
print("".join(out))

# the quality of the model: average negative log likelihood
log_likelihood = 0.0
n = 0
for w in words[:3]:
    chs = ["."] + list(w) + ["."]
    for ch1, ch2 in zip(chs, chs[1:]):
        prob = P[stoi[ch1], stoi[ch2]]
        logprob = torch.log(prob)
        log_likelihood += logprob
        n += 1
        print(f"{ch1}{ch2}: {prob:.4f} {logprob:.4f}")
print(f"{log_likelihood=}")
print(type(log_likelihood), log_likelihood.dtype)
nll = -log_likelihood
print(f"{nll=}")
print(f"{nll/n}")

log_likelihood = 0.0
n = 0
for w in words:
    chs = ["."] + list(w) + ["."]
    for ch1, ch2 in zip(chs, chs[1:]):
        log_likelihood += torch.log(P[stoi[ch1], stoi[ch2]])
        n += 1
print(n, f"{(-log_likelihood / n).item():.4f}")

# the same NLL vectorised
xs, ys = [], []
for w in words:
    chs = ["."] + list(w) + ["."]
    for ch1, ch2 in zip(chs, chs[1:]):
        xs.append(stoi[ch1])
        ys.append(stoi[ch2])
xs = torch.tensor(xs)
ys = torch.tensor(ys)
print(xs.dtype, xs.shape, xs[:12], ys[:12])
probs = P[xs, ys]
print(probs[:5])
print(f"{-probs.log().mean().item():.4f}")
unsmoothed = N.float() / N.float().sum(1, keepdim=True)
print(unsmoothed[0, :6])
print(torch.isnan(unsmoothed).any().item(), torch.isnan(unsmoothed).sum().item())
bad = torch.log(unsmoothed[stoi["z"], stoi["q"]] if "q" in stoi else torch.tensor(0.0))
print(bad)
print(torch.tensor([0.0]).log(), (-torch.tensor([0.0]).log()).isinf())
