"""OCR evaluation and decoding utilities written with tensors, as an OCR course's notebook has them:
strings encoded as uint8 code points (frombuffer), a vocabulary built with unique/isin, left and right
padded label batches, batched Levenshtein distance by dynamic programming (CER and WER), a CTC prefix
beam search in log space with logaddexp, CTC forward probabilities checked against F.ctc_loss, and a
character confusion matrix with index_put_ accumulation."""
import torch
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence

torch.manual_seed(0)

refs = ["the quick brown fox", "jumps over", "the lazy dog", "hello world", "ocr is fun"]
hyps = ["the quick brwn fox", "jumps ovr", "teh lazy dog", "helo world!", "ocr is fun"]


def to_codes(s):
    return torch.frombuffer(bytearray(s.encode("ascii")), dtype=torch.uint8)


codes = [to_codes(s) for s in refs + hyps]
legacy = torch.ByteTensor(bytearray(refs[0], "ascii"))        # the pre-1.0 spelling still met in OCR repos
print("legacy ByteTensor agrees:", torch.equal(legacy, codes[0]), legacy.dtype)
print("as rows:", torch.ByteTensor([b"ocr", b"fun"]))
try:
    torch.ByteTensor(refs[0].encode())
except TypeError as e:
    print("TypeError:", e)
print("codes[0]", codes[0][:8], codes[0].dtype)
alphabet, inverse, counts = torch.unique(torch.cat(codes), sorted=True, return_inverse=True, return_counts=True)
print("alphabet", "".join(chr(c) for c in alphabet.tolist()))
print("most frequent", [chr(c) for c in alphabet[counts.topk(3).indices].tolist()], counts.topk(3).values)
lookup = torch.full((256,), -1, dtype=torch.long)
lookup[alphabet.long()] = torch.arange(1, len(alphabet) + 1)        # 0 is the CTC blank / pad
ids = [lookup[c.long()] for c in codes]
print("in vocabulary:", bool(torch.isin(to_codes("fox"), alphabet).all()), torch.isin(to_codes("zq?"), alphabet))

right = pad_sequence(ids[:5], batch_first=True, padding_value=0)
left = pad_sequence(ids[:5], batch_first=True, padding_value=0, padding_side="left")
print("right padded", right.shape, right[1])
print("left padded ", left.shape, left[1])
lens = torch.tensor([len(i) for i in ids[:5]])
mask = torch.arange(right.size(1)).expand(len(lens), -1) < lens.unsqueeze(1)
print("mask agrees", torch.equal(mask, right != 0), "flip trick", torch.equal(left.flip(1) != 0, mask))


def levenshtein(a, b):
    """Edit distance between two 1-D tensors, one DP row at a time."""
    prev = torch.arange(len(b) + 1)
    for i in range(1, len(a) + 1):
        cur = torch.empty_like(prev)
        cur[0] = i
        sub = prev[:-1] + (a[i - 1] != b).long()
        dele = prev[1:] + 1
        best = torch.minimum(sub, dele)
        for j in range(1, len(b) + 1):
            cur[j] = torch.min(best[j - 1], cur[j - 1] + 1)
        prev = cur
    return int(prev[-1])


def batched_levenshtein(A, la, B, lb):
    """All pairs of a batch at once: the DP table is (N, La+1, Lb+1), filled along anti-diagonals."""
    N, La, Lb = A.size(0), A.size(1), B.size(1)
    D = torch.zeros(N, La + 1, Lb + 1, dtype=torch.long)
    D[:, :, 0] = torch.arange(La + 1)
    D[:, 0, :] = torch.arange(Lb + 1)
    neq = (A.unsqueeze(2) != B.unsqueeze(1)).long()
    for d in range(2, La + Lb + 1):
        i = torch.arange(max(1, d - Lb), min(La, d - 1) + 1)
        j = d - i
        cand = torch.stack([D[:, i - 1, j - 1] + neq[:, i - 1, j - 1], D[:, i - 1, j] + 1, D[:, i, j - 1] + 1])
        D[:, i, j] = cand.amin(0)
    return D[torch.arange(N), la, lb]


hyp_ids = pad_sequence(ids[5:], batch_first=True)
hyp_lens = torch.tensor([len(i) for i in ids[5:]])
dist = batched_levenshtein(right, lens, hyp_ids, hyp_lens)
loop = torch.tensor([levenshtein(ids[k], ids[5 + k]) for k in range(5)])
print("edit distances", dist, "loop agrees", torch.equal(dist, loop))
cer = dist.sum().float() / lens.sum()
print(f"CER {cer.item():.4f}", "per line", (dist / lens).round(decimals=4))

vocab = {w: i for i, w in enumerate(sorted({w for s in refs + hyps for w in s.split()}))}
wr = [torch.tensor([vocab[w] for w in s.split()]) for s in refs]
wh = [torch.tensor([vocab[w] for w in s.split()]) for s in hyps]
wdist = torch.tensor([levenshtein(a, b) for a, b in zip(wr, wh)])
print("word errors", wdist, f"WER {wdist.sum().item() / sum(len(w) for w in wr):.4f}")

# ---- CTC prefix beam search over a synthetic posteriorgram ----
C = 5                                   # blank + 4 symbols
T = 10
logits = torch.randn(T, C) * 2
logits[2:4, 1] += 4
logits[5:7, 3] += 4
logits[8, 2] += 4
lp = logits.log_softmax(-1)
NEG = float("-inf")


def prefix_beam_search(lp, beam=4):
    beams = {(): (0.0, NEG)}            # prefix -> (log p ending in blank, log p ending in non-blank)
    for t in range(lp.size(0)):
        nxt = {}

        def add(prefix, pb, pnb):
            ob, onb = nxt.get(prefix, (NEG, NEG))
            nxt[prefix] = (torch.logaddexp(torch.tensor(ob), torch.tensor(pb)).item(),
                           torch.logaddexp(torch.tensor(onb), torch.tensor(pnb)).item())

        for prefix, (pb, pnb) in beams.items():
            total = torch.logaddexp(torch.tensor(pb), torch.tensor(pnb)).item()
            add(prefix, total + lp[t, 0].item(), NEG)
            for c in range(1, lp.size(1)):
                p = lp[t, c].item()
                if prefix and prefix[-1] == c:
                    add(prefix + (c,), NEG, pb + p)
                    add(prefix, NEG, pnb + p)
                else:
                    add(prefix + (c,), NEG, total + p)
        scored = sorted(nxt.items(), key=lambda kv: torch.logaddexp(*map(torch.tensor, kv[1])).item(), reverse=True)
        beams = dict(scored[:beam])
    return [(k, round(torch.logaddexp(*map(torch.tensor, v)).item(), 3)) for k, v in beams.items()]


top = prefix_beam_search(lp)
print("prefix beam", top)
greedy = torch.unique_consecutive(lp.argmax(-1))
print("greedy", greedy[greedy != 0].tolist())
best, score = top[0]
nll = F.ctc_loss(lp.unsqueeze(1), torch.tensor([best]), torch.tensor([T]), torch.tensor([len(best)]),
                 reduction="sum")
print("ctc_loss of best prefix", f"{-nll.item():.3f}", "beam score", score)


def ctc_forward(lp, target):
    ext = torch.zeros(2 * len(target) + 1, dtype=torch.long)
    ext[1::2] = target
    S = len(ext)
    alpha = torch.full((S,), NEG)
    alpha[0] = lp[0, 0]
    alpha[1] = lp[0, ext[1]]
    skip = torch.zeros(S, dtype=torch.bool)
    skip[3::2] = ext[3::2] != ext[1:-2:2]
    for t in range(1, lp.size(0)):
        a1 = F.pad(alpha[:-1], (1, 0), value=NEG)
        a2 = torch.where(skip, F.pad(alpha[:-2], (2, 0), value=NEG), torch.tensor(NEG))
        alpha = torch.logsumexp(torch.stack([alpha, a1, a2]), 0) + lp[t, ext]
    return torch.logaddexp(alpha[-1], alpha[-2])


print("forward algorithm", f"{ctc_forward(lp, torch.tensor(best)).item():.3f}")

# ---- confusion counts from aligned pairs of equal length ----
same_len = [k for k in range(5) if len(ids[k]) == len(ids[5 + k])]
pairs = torch.cat([torch.stack([ids[k], ids[5 + k]], 1) for k in same_len])
K = len(alphabet) + 1
conf = torch.zeros(K, K, dtype=torch.long)
conf.index_put_((pairs[:, 0], pairs[:, 1]), torch.ones(len(pairs), dtype=torch.long), accumulate=True)
print("aligned pairs", len(pairs), "diagonal", conf.diagonal().sum().item(), "off", (conf.sum() - conf.trace()).item())
off = (conf - torch.diag(conf.diagonal())).nonzero()
print("confusions", [(chr(alphabet[a - 1]), chr(alphabet[b - 1])) for a, b in off.tolist()])
onehot = F.one_hot(right, num_classes=K)
print("one-hot", onehot.shape, onehot.dtype, onehot.sum((0, 1))[:6])
try:
    to_codes("naïve")
except UnicodeEncodeError as e:
    print("UnicodeEncodeError:", e.reason)
try:
    F.one_hot(right, num_classes=3)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.frombuffer(bytearray(b"abc"), dtype=torch.int16)
except ValueError as e:
    print("ValueError:", e)
