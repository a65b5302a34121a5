"""An inverted index as a Python dict of posting-list tensors (built from a sparse term-document
matrix with nonzero / unique_consecutive / split), conjunctive and disjunctive query evaluation
with isin / searchsorted, ranking metrics (precision@k, recall@k, average precision, MRR, DCG and
nDCG@k with torch.log2 and cumsum), and k-means (k-means++ init with multinomial) on
L2-normalized TF-IDF rows with cosine assignment and scatter_reduce / index_add_ centroid updates."""
import torch
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_printoptions(precision=4)

D, V = 12, 10
topic = torch.arange(D) % 3
base = torch.zeros(3, V)
base[0, :4] = 3.0
base[1, 3:7] = 3.0
base[2, 6:] = 3.0
tf = torch.poisson(base[topic] * torch.rand(D, V) + 0.2)
print("tf\n", tf)

# --- inverted index: term -> tensor of doc ids (sorted), built from (term, doc) pairs
pairs = tf.T.nonzero()                        # rows sorted by term, then doc
terms, first = torch.unique_consecutive(pairs[:, 0], return_counts=True)
postings = dict(zip(terms.tolist(), pairs[:, 1].split(first.tolist())))
print("index sizes", {t: len(p) for t, p in postings.items()})
print("term 0 ->", postings[0])
print("term 9 ->", postings[9].tolist())
freqs = {t: tf[p, t] for t, p in postings.items()}
print("freqs of 3", freqs[3])


def AND(*ts):
    out = postings.get(ts[0], torch.empty(0, dtype=torch.long))
    for t in ts[1:]:
        out = out[torch.isin(out, postings.get(t, torch.empty(0, dtype=torch.long)))]
    return out


def OR(*ts):
    return torch.unique(torch.cat([postings.get(t, torch.empty(0, dtype=torch.long)) for t in ts]))


print("AND(0,3)", AND(0, 3).tolist(), "AND(0,9)", AND(0, 9).tolist(), "OR(0,9)", OR(0, 9).tolist())
p = postings[3]
pos = torch.searchsorted(p, torch.tensor([0, 5, 11, 12]))
print("searchsorted", pos.tolist(), "right", torch.searchsorted(p, p[:3], right=True).tolist())
print("bucketize", torch.bucketize(torch.tensor([0.5, 2.0, 7.5]), torch.tensor([1.0, 2.0, 5.0])).tolist())

# --- TF-IDF and ranking
df = (tf > 0).sum(0)
idf = torch.log(D / df.clamp(min=1).float())
X = F.normalize(tf * idf, dim=1)
queries = F.normalize(base * idf, dim=1)
scores = queries @ X.T                        # (3, D)
rel = (topic.unsqueeze(0) == torch.arange(3).unsqueeze(1))   # relevance (3, D)
order = scores.argsort(dim=1, descending=True, stable=True)
ranked_rel = rel.gather(1, order).float()
print("ranked relevance\n", ranked_rel)

k = 5
prec_k = ranked_rel[:, :k].mean(1)
rec_k = ranked_rel[:, :k].sum(1) / rel.sum(1)
hits = ranked_rel.cumsum(1)
ranks = torch.arange(1, D + 1, dtype=torch.float32)
ap = (hits / ranks * ranked_rel).sum(1) / rel.sum(1)
print("P@5", prec_k, "R@5", rec_k)
print("AP", ap, "MAP", f"{ap.mean().item():.4f}")
first_hit = ranked_rel.argmax(dim=1)
mrr = (1.0 / (first_hit + 1).float()).mean()
print("first hit", first_hit.tolist(), "MRR", f"{mrr.item():.4f}")

gains = torch.tensor([[3., 2., 3., 0., 1., 2.], [2., 2., 1., 0., 0., 0.]])
disc = torch.log2(torch.arange(2, gains.shape[1] + 2, dtype=torch.float32))
dcg = ((2 ** gains - 1) / disc).cumsum(1)
ideal = gains.sort(dim=1, descending=True).values
idcg = ((2 ** ideal - 1) / disc).cumsum(1)
ndcg = dcg / idcg
print("discounts", disc)
print("DCG", dcg)
print("nDCG@k\n", ndcg)
print("nDCG@3", ndcg[:, 2], "linear gains", (gains / disc).sum(1) / (ideal / disc).sum(1))
print("log2 edge", torch.log2(torch.tensor([0.0, 1.0, 1024.0, -1.0])))

# --- k-means on the TF-IDF rows (k-means++ init, cosine assignment)
g = torch.Generator().manual_seed(3)
K = 3
cent = X[torch.randint(0, D, (1,), generator=g)]
while cent.shape[0] < K:
    d2 = (1 - X @ cent.T).clamp(min=0).amin(dim=1)
    nxt = torch.multinomial(d2 / d2.sum(), 1, generator=g)
    cent = torch.cat([cent, X[nxt]])
print("init", cent.shape)
for it in range(8):
    sim = X @ cent.T
    assign = sim.argmax(dim=1)
    counts = torch.bincount(assign, minlength=K)
    sums = torch.zeros(K, V).index_add_(0, assign, X)
    new = F.normalize(sums / counts.clamp(min=1).unsqueeze(1), dim=1)
    shift = (new - cent).norm(dim=1).max()
    cent = new
    if shift < 1e-6:
        break
print("iters", it, "assign", assign.tolist(), "counts", counts.tolist())
obj = (X * cent[assign]).sum(1)
print("within-cluster cos", f"{obj.mean().item():.4f}")
mx = torch.zeros(K, V).scatter_reduce(0, assign.unsqueeze(1).expand(-1, V), X, reduce="amax", include_self=False)
print("cluster max rows\n", mx)
mean_r = torch.zeros(K, V).scatter_reduce(0, assign.unsqueeze(1).expand(-1, V), X, reduce="mean", include_self=False)
print("scatter mean == index_add mean:", torch.allclose(mean_r, sums / counts.clamp(min=1).unsqueeze(1)))
top_terms = cent.topk(3, dim=1).indices
print("top terms per cluster", top_terms.tolist())
conf = torch.zeros(K, 3, dtype=torch.long)
conf.index_put_((assign, topic), torch.tensor(1), accumulate=True)
print("confusion\n", conf)
purity = conf.amax(dim=1).sum().item() / D
print("purity", f"{purity:.4f}")
