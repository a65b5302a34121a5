"""TF-IDF with sparse COO tensors, cosine similarity, latent semantic analysis with SVD."""
import math
import torch
import torch.nn.functional as F

torch.manual_seed(3)
docs = [
    "the cat sat on the mat",
    "the dog sat on the log",
    "cats and dogs are pets",
    "the stock market fell today",
    "markets rise and fall with stock news",
    "my pet cat likes the dog",
]
tok = [d.split() for d in docs]
vocab = sorted({w for d in tok for w in d})
stoi = {w: i for i, w in enumerate(vocab)}
D, V = len(docs), len(vocab)
rows = torch.tensor([i for i, d in enumerate(tok) for _ in d])
cols = torch.tensor([stoi[w] for d in tok for w in d])
vals = torch.ones(rows.numel())
tf_sp = torch.sparse_coo_tensor(torch.stack([rows, cols]), vals, (D, V))
print(tf_sp.is_coalesced(), tf_sp._nnz())
tf_sp = tf_sp.coalesce()
print(tf_sp.is_coalesced(), tf_sp._nnz(), tf_sp.values().max())
tf = tf_sp.to_dense()
print(tf.shape, tf.sum(1))
df = (tf > 0).sum(0)
print("df", df[:10], df.dtype)
idf = torch.log((1 + D) / (1 + df.float())) + 1
print(idf[:6])
tfidf = tf / tf.sum(1, keepdim=True) * idf
tfidf = F.normalize(tfidf, p=2, dim=1)
print(tfidf.norm(dim=1))
sim = tfidf @ tfidf.T
print(sim)
sim2 = F.cosine_similarity(tfidf[:, None, :], tfidf[None, :, :], dim=-1)
print(torch.allclose(sim, sim2, atol=1e-6))
top = torch.topk(sim.fill_diagonal_(-1), k=2, dim=1)
print(top.indices)
dist = torch.cdist(tfidf, tfidf)
print(dist[0])
sparse_sim = torch.sparse.mm(tf_sp, tf.T)
print(sparse_sim)
print(torch.sparse.sum(tf_sp, dim=1).to_dense())

U, S, Vh = torch.linalg.svd(tfidf, full_matrices=False)
print(U.shape, S.shape, Vh.shape)
print(S)
energy = torch.cumsum(S ** 2, 0) / (S ** 2).sum()
print(energy)
k = int(torch.searchsorted(energy, torch.tensor(0.8)).item()) + 1
print("k", k)
approx = U[:, :k] @ torch.diag(S[:k]) @ Vh[:k]
print(f"{torch.linalg.matrix_norm(tfidf - approx).item():.4f}", f"{S[k:].pow(2).sum().sqrt().item():.4f}")
print(torch.linalg.matrix_rank(tf), torch.linalg.matrix_norm(tf, ord="nuc").round(decimals=3))
svals = torch.linalg.svdvals(tf)
print(svals.round(decimals=3))
q = torch.zeros(V)
for w in "cat and dog".split():
    q[stoi[w]] += 1
qn = F.normalize(q * idf, dim=0)
scores = tfidf @ qn
print(scores, scores.argsort(descending=True, stable=True))
bow = torch.zeros(D, V, dtype=torch.int64).index_add_(0, rows, F.one_hot(cols, V))
print(torch.equal(bow, tf.long()), bow.dtype)
print(torch.count_nonzero(bow, dim=1))
try:
    torch.sparse_coo_tensor(torch.stack([rows, cols]), vals, (D, 3))
except Exception as e:
    print(type(e).__name__, e)
try:
    F.cosine_similarity(tfidf, tfidf[:2].T)
except Exception as e:
    print(type(e).__name__, e)
try:
    torch.cdist(tfidf, tfidf[:, :5])
except Exception as e:
    print(type(e).__name__, e)
