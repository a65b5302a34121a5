"""Information retrieval on a synthetic corpus: a sparse COO term-document matrix, TF-IDF and BM25
weights, cosine-similarity search with topk, EmbeddingBag document vectors, latent semantic
analysis with a truncated SVD, and mean average precision of the rankings."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)

V, D, T = 40, 24, 4
g = torch.Generator().manual_seed(99)
doc_topic = torch.arange(D) % T
docs = []
for d in range(D):
    n = int(torch.randint(6, 16, (1,), generator=g))
    own = torch.randint(int(doc_topic[d]) * 10, int(doc_topic[d]) * 10 + 10, (n,), generator=g)
    noise = torch.randint(0, V, (3,), generator=g)
    docs.append(torch.cat([own, noise]))

# sparse COO term-frequency matrix: duplicates are summed by coalesce
rows = torch.cat([torch.full((len(w),), d) for d, w in enumerate(docs)])
cols = torch.cat(docs)
tf = torch.sparse_coo_tensor(torch.stack([rows, cols]), torch.ones(len(rows)), (D, V))
print("uncoalesced nnz:", tf._nnz(), "is_coalesced:", tf.is_coalesced())
tf = tf.coalesce()
print("coalesced nnz:", tf._nnz(), "layout:", tf.layout)
print("doc lengths:", torch.sparse.sum(tf, dim=1).to_dense().long().tolist())
dense = tf.to_dense()
df = (dense > 0).sum(0)
idf = torch.log((1 + D) / (1 + df.float())) + 1
print("idf[:8]:", idf[:8])

tfidf = dense * idf
tfidf = F.normalize(tfidf, p=2, dim=1)
print("norms:", tfidf.norm(dim=1)[:5].round(decimals=4))

# the same weighting kept sparse
vals = tf.values() * idf[tf.indices()[1]]
sp = torch.sparse_coo_tensor(tf.indices(), vals, tf.shape)
norms = torch.sqrt(torch.sparse.sum(sp * sp, dim=1).to_dense())
print("sparse/dense agree:", torch.allclose(sp.to_dense() / norms.unsqueeze(1), tfidf))

# query search
queries = [torch.tensor([1, 3, 5]), torch.tensor([12, 18]), torch.tensor([25, 27, 29, 21]), torch.tensor([33, 31])]
Q = torch.zeros(len(queries), V)
for i, q in enumerate(queries):
    Q[i, q] = 1.0
Qw = F.normalize(Q * idf, dim=1)
sims = Qw @ tfidf.T
top = sims.topk(5, dim=1)
print("top docs:\n", top.indices)
print("top scores:\n", top.values)
print("topic of hits:", doc_topic[top.indices].tolist())

# the same similarities from the sparse matrix and torch.sparse.mm
sp_sims = torch.sparse.mm(sp, Qw.T * 1.0).T / norms
print("sparse.mm agrees:", torch.allclose(sp_sims, sims, atol=1e-6))
cos = F.cosine_similarity(Qw.unsqueeze(1), tfidf.unsqueeze(0), dim=2)
print("cosine_similarity agrees:", torch.allclose(cos, sims, atol=1e-6))

# BM25
k1, b = 1.5, 0.75
dl = dense.sum(1, keepdim=True)
avgdl = dl.mean()
bm_idf = torch.log1p((D - df + 0.5) / (df + 0.5))
bm = bm_idf * dense * (k1 + 1) / (dense + k1 * (1 - b + b * dl / avgdl))
bm_scores = Q @ bm.T
print("BM25 best:", bm_scores.argmax(1).tolist(), [round(v, 4) for v in bm_scores.max(1).values.tolist()])


def average_precision(ranking, relevant):
    hits = relevant[ranking].float()
    prec = hits.cumsum(0) / torch.arange(1, len(ranking) + 1)
    return (prec * hits).sum() / hits.sum()


for name, S in [("tfidf", sims), ("bm25", bm_scores)]:
    aps = []
    for i in range(len(queries)):
        order = S[i].argsort(descending=True, stable=True)
        aps.append(average_precision(order, doc_topic == i))
    print(f"{name} MAP {torch.stack(aps).mean().item():.4f}")

# EmbeddingBag as a bag-of-words encoder with per-sample idf weights
bag = nn.EmbeddingBag(V, 8, mode="sum")
with torch.no_grad():
    bag.weight.copy_(torch.randn(V, 8, generator=g))
offsets = torch.tensor([0] + [len(w) for w in docs[:-1]]).cumsum(0)
flat = torch.cat(docs)
emb = bag(flat, offsets, per_sample_weights=idf[flat])
print(bag)
print("bag output:", tuple(emb.shape), emb.dtype)
manual = torch.stack([(bag.weight[w] * idf[w].unsqueeze(1)).sum(0) for w in docs])
print("embedding bag agrees:", torch.allclose(emb, manual, atol=1e-5))
mean_bag = F.embedding_bag(flat, bag.weight, offsets, mode="mean")
print("mean bag row 0:", mean_bag[0, :4])

# latent semantic analysis
U, S, Vh = torch.linalg.svd(tfidf, full_matrices=False)
print("singular values:", S[:6])
k = 4
energy = (S[:k] ** 2).sum() / (S ** 2).sum()
print(f"energy in {k} components: {energy.item():.4f}")
docs_k = U[:, :k] * S[:k]
lsa = F.normalize(docs_k, dim=1) @ F.normalize(docs_k, dim=1).T
same_topic = doc_topic.unsqueeze(0) == doc_topic.unsqueeze(1)
print(f"LSA mean sim same topic {lsa[same_topic].mean().item():.4f} other {lsa[~same_topic].mean().item():.4f}")
recon = (U[:, :k] * S[:k]) @ Vh[:k]
print(f"rank-{k} reconstruction error {torch.linalg.matrix_norm(tfidf - recon).item():.4f}",
      f"== tail {torch.sqrt((S[k:] ** 2).sum()).item():.4f}")

try:
    torch.sparse_coo_tensor(torch.tensor([[0, 1], [2, 50]]), torch.ones(2), (D, V))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    bag(flat, offsets, per_sample_weights=idf[:3])
except (RuntimeError, ValueError) as e:
    print(type(e).__name__ + ":", e)
print(f"vocab coverage {df.gt(0).float().mean().item():.4f}, log2 V = {math.log2(V):.4f}")
