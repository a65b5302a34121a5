"""BM25 and dense cosine retrieval as in an IR course notebook: a term-count matrix, Okapi BM25
with k1/b and average document length via broadcasting, BM25+ and BM25L variants, a batch of
queries scored at once, top-k with ties (largest=False, sorted=False followed by sort), a dense
embedding index with F.normalize + matmul + topk, F.cosine_similarity cross-checks, and
torch.cdist nearest neighbours; printed with set_printoptions(precision=4)."""
import torch
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_printoptions(precision=4, sci_mode=False)

D, V = 8, 12
tf = torch.randint(0, 4, (D, V)).float()
tf[tf < 2] = 0
tf[5] = 0
tf[5, 3] = 1.0  # a very short document
doc_len = tf.sum(dim=1)
avgdl = doc_len.mean()
print("doc lengths", doc_len, "avgdl", f"{avgdl.item():.4f}")

df = (tf > 0).sum(0).float()
N = float(D)
idf = torch.log((N - df + 0.5) / (df + 0.5) + 1.0)
print("df", df)
print("idf", idf)


def bm25(q_terms, k1=1.5, b=0.75):
    """Okapi BM25 for a (Q, V) query term-count matrix against all documents -> (Q, D)."""
    norm = k1 * (1 - b + b * doc_len / avgdl)            # (D,)
    sat = tf * (k1 + 1) / (tf + norm.unsqueeze(1))       # (D, V)
    w = sat * idf                                        # (D, V)
    return q_terms @ w.T                                 # (Q, D)


queries = torch.zeros(4, V)
queries[0, [0, 3]] = 1
queries[1, [1, 2, 7]] = 1
queries[2, 3] = 2
queries[3, [10, 11]] = 1
S = bm25(queries)
print("bm25 scores\n", S)
for k1, b in [(1.2, 0.75), (2.0, 0.0), (0.9, 1.0)]:
    s = bm25(queries[:1], k1, b)
    print(f"k1={k1} b={b}", [round(v, 4) for v in s[0].tolist()])

# BM25L / BM25+ variants
delta = 1.0
ctd = tf / (1 - 0.75 + 0.75 * doc_len / avgdl).unsqueeze(1)
bm25l = torch.where(tf > 0, (2.2 * (ctd + 0.5)) / (1.2 + ctd + 0.5), torch.zeros(()))
print("bm25l q0", (queries[0] * bm25l * idf).sum(1))
plus = (tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * doc_len / avgdl)[:, None]) + delta) * (tf > 0)
print("bm25+ q1", (queries[1] * plus * idf).sum(-1))

# ranking with ties: equal scores keep the lower index first under stable sort
vals, idx = S.topk(3, dim=1)
print("top3 idx", idx)
print("top3 vals", vals)
vals, idx = S.sort(dim=1, descending=True, stable=True)
print("stable sort idx", idx)
low_v, low_i = S.topk(2, dim=1, largest=False)
print("lowest", low_v, low_i)
u_v, u_i = S[1].topk(5, sorted=False)
order = u_v.argsort(descending=True, stable=True)
print("unsorted->sorted", u_v[order], u_i[order].sort().values)
print("rank of doc 5 per query", (S.argsort(dim=1, descending=True, stable=True) == 5).nonzero()[:, 1])

# --- dense retrieval
emb = torch.randn(D, 6)
emb[6] = emb[2] * 3.0            # same direction as doc 2: a tie in cosine
qemb = torch.randn(3, 6)
qemb[2] = emb[2]
E = F.normalize(emb, dim=-1)
Q = F.normalize(qemb, dim=-1)
cos = Q @ E.T
print("cosine\n", cos)
print("tie 2 vs 6:", f"{(cos[2, 2] - cos[2, 6]).abs().item() < 1e-6}")
sv, si = cos.topk(4, dim=-1)
print("search vals", sv)
print("search idx", si[:2])
print("set of top2 for q2", sorted(si[2, :2].tolist()))
cs = F.cosine_similarity(qemb.unsqueeze(1), emb.unsqueeze(0), dim=-1)
print("cosine_similarity max abs diff < 1e-6:", (cs - cos).abs().max().item() < 1e-6)
print("pairwise", F.cosine_similarity(emb[:3], emb[3:6]))
print("zero vector", F.normalize(torch.zeros(1, 6), dim=1), F.cosine_similarity(torch.zeros(1, 3), torch.ones(1, 3)))

dist = torch.cdist(qemb, emb)
nn_d, nn_i = dist.topk(2, largest=False)
print("l2 nn", nn_i, nn_d)
print("mips top1", (qemb @ emb.T).argmax(dim=1))

# hybrid score: min-max normalize both and mix
def minmax(x):
    lo, hi = x.aminmax(dim=1, keepdim=True)
    return (x - lo) / (hi - lo).clamp_min(1e-9)

hyb = 0.5 * minmax(S[:3]) + 0.5 * minmax(cos)
print("hybrid\n", hyb)
print("hybrid ranking", hyb.argsort(dim=1, descending=True, stable=True).tolist())
