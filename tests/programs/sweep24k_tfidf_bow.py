"""Bag-of-words and TF-IDF the course-notebook way: a tiny tokenizer and vocabulary, term counts
with torch.zeros(...).index_put_(accumulate=True), scatter_add_ and bincount(minlength=), the same
matrix as a torch.sparse_coo_tensor (coalesce, to_dense, sparse.sum), document frequencies, smooth
idf (sklearn style), l2-normalized rows, and printing with set_printoptions(precision=4)."""
import math
from collections import Counter

import torch
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_printoptions(precision=4)

corpus = [
    "the cat sat on the mat",
    "the dog sat on the log",
    "cats and dogs are friends",
    "the quick brown fox jumps over the lazy dog",
    "a cat and a dog play on the mat",
    "information retrieval ranks documents by relevance",
]


def tokenize(s):
    return [w.strip(".,!?").lower() for w in s.split() if w]


docs = [tokenize(d) for d in corpus]
counter = Counter(w for d in docs for w in d)
itos = ["<unk>"] + sorted(counter, key=lambda w: (-counter[w], w))
stoi = {w: i for i, w in enumerate(itos)}
V, D = len(itos), len(docs)
print("vocab size", V, "top", itos[1:6])

# --- counts with index_put_(accumulate=True)
rows = torch.tensor([i for i, d in enumerate(docs) for _ in d])
cols = torch.tensor([stoi[w] for d in docs for w in d])
tf = torch.zeros(D, V)
tf.index_put_((rows, cols), torch.ones(len(rows)), accumulate=True)
print("tf shape", tuple(tf.shape), "total", tf.sum().item())
print(tf[:, :8])

# --- the same with scatter_add_ on a flat index, and with bincount
flat = rows * V + cols
tf2 = torch.zeros(D * V, dtype=torch.long).scatter_add_(0, flat, torch.ones_like(flat)).view(D, V)
tf3 = torch.bincount(flat, minlength=D * V).view(D, V)
print("scatter_add == index_put:", torch.equal(tf2.float(), tf), tf2.dtype)
print("bincount == scatter_add:", torch.equal(tf3, tf2), tf3.dtype)
per_doc = [torch.bincount(torch.tensor([stoi[w] for w in d]), minlength=V) for d in docs]
print("stacked equal:", torch.equal(torch.stack(per_doc), tf3))
weighted = torch.bincount(cols, weights=torch.linspace(0.5, 1.5, len(cols)), minlength=V)
print("weighted bincount", weighted[:6], weighted.dtype)

# --- sparse COO with duplicate entries
sp = torch.sparse_coo_tensor(torch.stack([rows, cols]), torch.ones(len(rows)), (D, V))
print("is_coalesced", sp.is_coalesced(), "nnz before", sp._nnz())
spc = sp.coalesce()
print("nnz after", spc._nnz(), "max count", spc.values().max().item())
print("indices[:, :6]", spc.indices()[:, :6])
print("dense equal:", torch.equal(sp.to_dense(), tf))
print("row lengths", torch.sparse.sum(spc, dim=1).to_dense())
print(spc.to_dense()[0, :6])

# --- sparse building blocks: an empty accumulator, elementwise products, CSR rows
acc = torch.zeros(D, V, layout=torch.sparse_coo)
print("empty acc", acc.layout, acc._nnz(), acc.is_coalesced())
acc = (acc + spc).coalesce()
binary = torch.sparse_coo_tensor(spc.indices(), torch.ones(spc._nnz()), (D, V))
sq = spc * spc
print("tf^2 nnz", sq._nnz(), sq.is_coalesced(), "sum", torch.sparse.sum(sq).item())
masked = sp * binary          # both uncoalesced: the smaller one's entries; sp's duplicates add up
print("masked nnz", masked._nnz(), masked.is_coalesced(), torch.equal(masked.to_dense(), tf * tf.clamp(max=1)))
print(masked._values()[:8])
csr = spc.to_sparse_csr()
csr2 = torch.sparse_csr_tensor(csr.crow_indices(), csr.col_indices(), csr.values(), (D, V))
print("csr rows", csr2.crow_indices().tolist())
print("csr doc lengths", csr2 @ torch.ones(V))

# --- document frequency and idf
df = (tf > 0).sum(dim=0)
print("df", df[:10], df.dtype)
idf = torch.log((1 + D) / (1 + df.float())) + 1
print("idf", idf[:8])
tfidf = tf * idf
tfidf = F.normalize(tfidf, p=2, dim=1)
print("row norms", tfidf.norm(dim=1))
print(tfidf[:3, :6])

# --- sublinear tf and max-tf normalization variants
sub = torch.where(tf > 0, 1 + torch.log(tf.clamp(min=1)), torch.zeros_like(tf))
print("sublinear", sub[0, :6])
maxtf = tf / tf.amax(dim=1, keepdim=True)
print("augmented", (0.5 + 0.5 * maxtf)[1, :6])

# --- top terms per document
vals, idx = tfidf.topk(3, dim=1)
for i in range(D):
    terms = [itos[j] for j in idx[i].tolist()]
    print(f"doc {i}: " + ", ".join(f"{t}={v:.4f}" for t, v in zip(terms, vals[i].tolist())))

# --- vectorize a query with the fitted vocabulary (OOV -> <unk>)
query = "lazy cat on a mat zebra"
q_ids = torch.tensor([stoi.get(w, 0) for w in tokenize(query)])
q = torch.bincount(q_ids, minlength=V).float()
q[0] = 0
q = F.normalize(q * idf, dim=0)
scores = tfidf @ q
print("query scores", scores)
print("ranking", scores.argsort(descending=True).tolist())
print("nonzero terms", q.nonzero().squeeze(1).tolist())
print("sparsity", f"{(tf == 0).float().mean().item():.4f}")
print("entropy per doc", [round(v, 4) for v in (-(tf / tf.sum(1, keepdim=True)) *
      torch.log(tf / tf.sum(1, keepdim=True))).nan_to_num().sum(1).tolist()])
print("log check", math.isclose(idf.min().item(), 1 + math.log(7 / 5), rel_tol=1e-6))
