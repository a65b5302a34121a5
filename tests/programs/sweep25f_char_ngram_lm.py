"""Character n-gram language model: counts with index_put_/scatter_add_, smoothing, perplexity, sampling."""
import torch
import torch.nn.functional as F
from torch.distributions import Categorical, kl_divergence

torch.manual_seed(2)
text = "the quick brown fox jumps over the lazy dog. the dog sleeps. a fox runs."
chars = ["."] + sorted(set(text) - {"."})
stoi = {c: i for i, c in enumerate(chars)}
V = len(chars)
ids = torch.tensor([stoi[c] for c in text], dtype=torch.int64)
print("V", V, "N", ids.numel(), ids[:12])

grams = ids.unfold(0, 2, 1)
print(grams.shape, grams.stride(), grams[:3])
counts = torch.zeros(V, V, dtype=torch.int32)
counts.index_put_((grams[:, 0], grams[:, 1]), torch.ones(grams.shape[0], dtype=torch.int32), accumulate=True)
flat = torch.zeros(V * V, dtype=torch.int64).scatter_add_(0, grams[:, 0] * V + grams[:, 1], torch.ones_like(grams[:, 0]))
print(torch.equal(counts.long().view(-1), flat), counts.sum(), counts.dtype)
print(counts[stoi["t"]])

tri = ids.unfold(0, 3, 1)
uniq, tc = torch.unique(tri, dim=0, return_counts=True)
print("trigrams", uniq.shape[0], "max", tc.max().item(), uniq[tc.argmax()])

for alpha in (0.1, 1.0):
    P = (counts.double() + alpha) / (counts.double() + alpha).sum(1, keepdim=True)
    nll = -torch.log(P[grams[:, 0], grams[:, 1]]).mean()
    print(f"alpha={alpha} nll={nll.item():.4f} ppl={torch.exp(nll).item():.4f}")

P = (counts.float() + 1).div_((counts.float() + 1).sum(1, keepdim=True))
logits = torch.log(P)
loss = F.nll_loss(torch.log_softmax(logits[grams[:, 0]], -1), grams[:, 1])
print(f"{loss.item():.4f}")
loss_ig = F.cross_entropy(logits[grams[:, 0]], grams[:, 1], ignore_index=stoi[" "])
print(f"{loss_ig.item():.4f}")
loss_ls = F.cross_entropy(logits[grams[:, 0]], grams[:, 1], label_smoothing=0.1, reduction="sum")
print(f"{loss_ls.item():.2f}")
soft = F.one_hot(grams[:, 1], V).float() * 0.9 + 0.1 / V
print(f"{F.cross_entropy(logits[grams[:, 0]], soft).item():.4f}")

dist = Categorical(probs=P)
print(dist.batch_shape, dist.event_shape)
ent = dist.entropy()
print(ent[:5])
print(torch.special.entr(P).sum(-1)[:5])
print(torch.special.xlogy(P, P).sum(-1).neg()[:5])
uni = Categorical(logits=torch.zeros(V))
print(kl_divergence(dist, uni)[:4])
lp = dist.log_prob(torch.full((V,), stoi["e"]))
print(lp[:4])

g = torch.Generator().manual_seed(7)
out = [stoi["t"]]
for _ in range(30):
    nxt = torch.multinomial(P[out[-1]], 1, generator=g).item()
    out.append(nxt)
print("".join(chars[i] for i in out))
samples = torch.multinomial(P[stoi["o"]], 5, replacement=True, generator=g)
print(samples)
cdf = torch.cumsum(P[stoi["h"]], 0)
u = torch.rand(6, generator=g)
print(torch.searchsorted(cdf, u))
print(torch.searchsorted(cdf, u, right=True, side="right"))
h = torch.histc(ids.float(), bins=6, min=0, max=V)
print(h)
lens = torch.tensor([len(w) for w in text.replace(".", "").split()])
print(torch.bincount(lens), torch.mode(lens), torch.median(lens))
print(torch.logsumexp(2 * logits, dim=1)[:4], torch.logsumexp(logits[:2], dim=(0, 1)))
try:
    torch.multinomial(P[0], 40)
except Exception as e:
    print(type(e).__name__, e)
try:
    torch.multinomial(torch.tensor([0.0, -1.0]), 1)
except Exception as e:
    print(type(e).__name__, e)
try:
    Categorical(probs=torch.tensor([0.5, -0.5]))
except Exception as e:
    print(type(e).__name__, e)
try:
    ids.unfold(0, 100, 1)
except Exception as e:
    print(type(e).__name__, e)
try:
    counts.index_put_((grams[:, 0],), torch.ones(3, dtype=torch.int32), accumulate=True)
except Exception as e:
    print(type(e).__name__, e)
