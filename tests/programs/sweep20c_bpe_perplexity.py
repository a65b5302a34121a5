"""A byte-pair-encoding tokenizer trained with tensors (in the spirit of minbpe / "let's build the GPT
tokenizer"), then perplexity evaluation: bytes as a LongTensor, adjacent pairs packed into one id and
counted with torch.unique(return_counts=True) and torch.bincount, the most frequent pair merged with a
vectorised mask (non-overlapping occurrences), encode/decode round trip, a bigram count model with
add-one smoothing, and perplexity over a held-out text, sliding-window perplexity with a stride."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

train_text = ("low lower lowest newer newest wider widest low low lower new news newest "
              "the slower the lower, the newer the wider; ") * 3
test_text = "the newest lower news is wider and slower than the lowest low"


def get_stats(ids, vocab_size):
    pairs = ids[:-1] * vocab_size + ids[1:]
    uniq, counts = torch.unique(pairs, return_counts=True)
    return uniq, counts


def merge(ids, pair, idx):
    a, b = pair
    hit = (ids[:-1] == a) & (ids[1:] == b)
    hit_list = hit.nonzero().flatten().tolist()
    # drop overlapping matches (e.g. "aaa" with pair (a, a)): a left-to-right scan as minbpe does
    keep_starts, last = [], -2
    for i in hit_list:
        if i > last + 1:
            keep_starts.append(i)
            last = i
    starts = torch.tensor(keep_starts, dtype=torch.long)
    out = ids.clone()
    out[starts] = idx
    drop = torch.zeros_like(ids, dtype=torch.bool)
    drop[starts + 1] = True
    return out[~drop]


def train_bpe(text, vocab_size):
    ids = torch.tensor(list(text.encode("utf-8")), dtype=torch.long)
    merges = {}
    vocab = {i: bytes([i]) for i in range(256)}
    for i in range(vocab_size - 256):
        uniq, counts = get_stats(ids, vocab_size)
        best = uniq[counts.argmax()]  # ties: the smallest pair id, as unique() returns sorted ids
        pair = (int(best // vocab_size), int(best % vocab_size))
        idx = 256 + i
        ids = merge(ids, pair, idx)
        merges[pair] = idx
        vocab[idx] = vocab[pair[0]] + vocab[pair[1]]
        if i < 6 or i == vocab_size - 257:
            print(f"merge {i}: {pair} -> {idx} {vocab[idx]!r} count {int(counts.max())} len {len(ids)}")
    return merges, vocab, ids


def encode(text, merges, vocab_size):
    ids = torch.tensor(list(text.encode("utf-8")), dtype=torch.long)
    while len(ids) >= 2:
        uniq, _ = get_stats(ids, vocab_size)
        cands = [(merges.get((int(u // vocab_size), int(u % vocab_size)), 10 ** 9), int(u)) for u in uniq]
        rank, u = min(cands)
        if rank == 10 ** 9:
            break
        ids = merge(ids, (u // vocab_size, u % vocab_size), rank)
    return ids


def decode(ids, vocab):
    return b"".join(vocab[i] for i in ids.tolist()).decode("utf-8", errors="replace")


VOCAB = 276
merges, vocab, train_ids = train_bpe(train_text, VOCAB)
print("compression", round(len(train_text.encode()) / len(train_ids), 3))
test_ids = encode(test_text, merges, VOCAB)
print("test ids", test_ids.tolist())
print("round trip", decode(test_ids, vocab) == test_text)
print("pieces", [vocab[i].decode() for i in test_ids[:10].tolist()])

# the tensor tools on their own
x = torch.tensor([3, 1, 3, 3, 7, 1, 0])
u, inv, c = torch.unique(x, sorted=True, return_inverse=True, return_counts=True)
print("unique", u.tolist(), inv.tolist(), c.tolist())
print("unique_consecutive", [t.tolist() for t in torch.unique_consecutive(x, return_counts=True)])
print("bincount", torch.bincount(x).tolist(), torch.bincount(x, weights=torch.linspace(0, 1, 7)).round(decimals=3).tolist())
pairs2d = torch.stack([x[:-1], x[1:]], dim=1)
up, cp = torch.unique(pairs2d, dim=0, return_counts=True)
print("unique rows", up.tolist(), cp.tolist())
print("argmax first max", torch.tensor([2, 5, 5, 1]).argmax().item(), torch.tensor([2, 5, 5, 1]).max())
print("mode", torch.mode(x).values.item(), "most common via bincount", torch.bincount(x).argmax().item())

# bigram model over BPE tokens, add-one smoothing, perplexity
K = len(vocab)
counts = torch.zeros(K, K)
counts.index_put_((train_ids[:-1], train_ids[1:]), torch.ones(len(train_ids) - 1), accumulate=True)
probs = (counts + 1) / (counts + 1).sum(dim=1, keepdim=True)
nll = -torch.log(probs[test_ids[:-1], test_ids[1:]]).mean()
print(f"bigram nll {nll.item():.4f} ppl {torch.exp(nll).item():.2f}")
train_nll = -torch.log(probs[train_ids[:-1], train_ids[1:]]).mean()
print(f"train ppl {train_nll.exp().item():.3f}  nonzero bigrams {int((counts > 0).sum())}")

# a small neural LM over the BPE ids, perplexity with F.cross_entropy and a sliding window
used = torch.unique(train_ids)
remap = torch.full((K,), -1, dtype=torch.long)
remap[used] = torch.arange(len(used))
tr = remap[train_ids]
te = remap[test_ids]
print("used tokens", len(used), "unknown in test", int((te < 0).sum()))
te = te.clamp(min=0)


class GRULM(nn.Module):
    def __init__(self, n, d=16):
        super().__init__()
        self.emb = nn.Embedding(n, d)
        self.rnn = nn.GRU(d, d, batch_first=True)
        self.out = nn.Linear(d, n)

    def forward(self, x):
        return self.out(self.rnn(self.emb(x))[0])


torch.manual_seed(0)
lm = GRULM(len(used))
opt = torch.optim.Adam(lm.parameters(), lr=0.02)
for step in range(25):
    logits = lm(tr[None, :-1])
    loss = F.cross_entropy(logits[0], tr[1:])
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 8 == 0:
        print(f"step {step} train ppl {math.exp(loss.item()):.3f}")


@torch.no_grad()
def sliding_ppl(model, ids, max_length, stride):
    nlls, n_tokens, prev_end = [], 0, 0
    for begin in range(0, ids.size(0), stride):
        end = min(begin + max_length, ids.size(0))
        trg_len = end - prev_end
        inp = ids[begin:end][None]
        target = inp.clone()
        target[:, :-trg_len] = -100
        logits = model(inp)
        loss = F.cross_entropy(logits[0, :-1], target[0, 1:], ignore_index=-100, reduction="sum")
        nlls.append(loss)
        n_tokens += int((target[0, 1:] != -100).sum())
        prev_end = end
        if end == ids.size(0):
            break
    return torch.exp(torch.stack(nlls).sum() / n_tokens), n_tokens


lm.eval()
for L, s in ((8, 8), (8, 4), (len(te), len(te))):
    ppl, n = sliding_ppl(lm, te, L, s)
    print(f"window {L} stride {s}: ppl {ppl.item():.1f} over {n} tokens")
with torch.no_grad():
    full = F.cross_entropy(lm(te[None, :-1])[0], te[1:], reduction="none")
print("per-token nll", full.shape, f"mean {full.mean().item():.4f}", "argmax token", full.argmax().item())
print("bits per byte", round(full.sum().item() / math.log(2) / len(test_text.encode()), 3))
