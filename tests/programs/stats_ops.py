"""Reductions and statistics as data-analysis tutorials use them."""
import torch

torch.manual_seed(11)
torch.set_printoptions(precision=4)

scores = torch.randint(40, 100, (6, 4)).float()
scores[2, 1] = float("nan")
print(scores)
clean = torch.nan_to_num(scores, nan=70.0)
print(clean.mean(), clean.mean(dim=0), clean.mean(dim=1, keepdim=True), clean.mean((0, 1)))
print(clean.std(), clean.std(dim=0), clean.std(dim=0, unbiased=False), clean.var(dim=1, correction=0))
print(clean.var(dim=1, keepdim=True, correction=2), torch.var_mean(clean, dim=0), torch.std_mean(clean, dim=1))
print(scores.mean(), scores.nanmean(), scores.nanmean(dim=0), scores.nansum(dim=1), scores.sum(dim=1))
print(torch.tensor([]).mean(), torch.ones(1).std(), torch.tensor([3.0]).var(correction=0))

# medians, modes, quantiles
m = torch.tensor([[3, 1, 4, 1, 5], [9, 2, 6, 5, 3], [5, 8, 9, 7, 9]])
print(m.median(), m.median(dim=1), m.median(dim=0, keepdim=True))
print(m.mode(dim=1), m.float().nanmedian(), scores.nanmedian(dim=0), scores.median(dim=0).values)
vals, idx = clean.max(dim=1)
print(vals, idx, clean.min(dim=0), clean.max(), clean.argmin(), clean.argmax(dim=0))
mm = torch.aminmax(clean, dim=0)
print(mm, mm.min, torch.amax(clean, dim=(0, 1)), torch.amin(clean, 1, keepdim=True))
print(torch.max(clean, dim=1, keepdim=True))
q = torch.tensor([0.1, 0.25, 0.5, 0.9])
print(torch.quantile(clean, q), torch.quantile(clean, 0.5, dim=0), torch.quantile(clean, q, dim=1, keepdim=True).shape)
for mode in ["linear", "lower", "higher", "midpoint", "nearest"]:
    print(mode, torch.quantile(clean[:, 0], q, interpolation=mode))
print(torch.nanquantile(scores, 0.5, dim=0), scores.quantile(0.5, dim=0))

# sorting and ranking
x = torch.tensor([4.0, -1.0, 7.5, 7.5, 0.0, -3.25, 2.0])
print(x.sort(), x.sort(descending=True), torch.sort(x, stable=True).indices, x.argsort(descending=True))
print(x.topk(3), x.topk(2, largest=False), x.kthvalue(2), x.kthvalue(3, keepdim=True))
print(clean.sort(dim=0).values[:2], clean.topk(2, dim=1).indices, clean.kthvalue(4, dim=0))
ranks = x.argsort().argsort()
print(ranks, torch.msort(clean)[0], torch.searchsorted(torch.sort(x).values, torch.tensor([0.5, 7.5])))
print(torch.bucketize(x, torch.tensor([-2.0, 0.0, 5.0])), torch.bucketize(x, torch.tensor([-2.0, 0.0, 5.0]), right=True))

# unique values and counts
labels = torch.tensor([3, 1, 3, 2, 1, 3, 0, 2])
print(labels.unique(), labels.unique(return_counts=True), torch.unique(labels, return_inverse=True))
print(torch.unique(labels, sorted=True, return_inverse=True, return_counts=True))
print(torch.unique_consecutive(torch.tensor([1, 1, 2, 2, 2, 1, 3, 3]), return_counts=True))
rows = torch.tensor([[1, 2], [3, 4], [1, 2], [0, 9]])
print(rows.unique(dim=0), rows.unique(dim=0, return_counts=True, return_inverse=True))
print(torch.unique(torch.tensor([2.5, float("nan"), 2.5, -0.0, 0.0])), torch.tensor([True, False, True]).unique())

# histograms and counting
data = torch.randn(1000)
print(torch.histc(data, bins=8, min=-3, max=3), torch.histc(torch.tensor([1.0, 2, 1, 4]), bins=4))
print(torch.histc(torch.tensor([1.0, 1.0]), bins=3), torch.histc(data, bins=5, min=-0.5, max=0.5).sum())
print(torch.bincount(labels), torch.bincount(labels, minlength=6), torch.bincount(torch.tensor([], dtype=torch.long)))
w = torch.tensor([0.5, 1.0, 0.5, 2.0, 1.0, 0.25, 3.0, 1.0])
print(torch.bincount(labels, weights=w), torch.bincount(labels, weights=w.double()).dtype)
h = torch.histogram(torch.tensor([1.0, 2, 1, 4, 2.5]), bins=3)
print(h, h.hist, h.bin_edges)
print(torch.count_nonzero(m > 4), torch.count_nonzero(m > 4, dim=1), (m > 4).sum(0), (m > 4).float().mean())

# cumulative statistics
s = torch.tensor([2.0, -1.0, 3.0, 0.5, -2.0, 4.0])
print(s.cumsum(0), s.cumprod(0), torch.cummax(s, 0), torch.cummin(s, dim=0))
print(torch.logcumsumexp(s, 0), torch.logsumexp(s, 0), torch.cumsum(m, dim=1), m.cumsum(0).dtype)
print(torch.cumsum(torch.tensor([True, False, True]), 0), torch.tensor([1, 2, 3], dtype=torch.int8).cumprod(0).dtype)
running_mean = s.cumsum(0) / torch.arange(1, 7)
print(running_mean, torch.diff(s), torch.diff(s, n=2), torch.diff(m, dim=1, prepend=m[:, :1]))

# distances, correlation, covariance
pts = torch.tensor([[0.0, 0.0], [3.0, 4.0], [1.0, 1.0], [-2.0, 0.5]])
print(torch.cdist(pts, pts), torch.cdist(pts, pts[:2], p=1), torch.cdist(pts[None], pts[None], p=float("inf")))
print(torch.pdist(pts), torch.nn.functional.pairwise_distance(pts, pts.flip(0)), torch.dist(pts[0], pts[1]))
feat = torch.stack([torch.arange(6.0), torch.arange(6.0) ** 2, -torch.arange(6.0), torch.tensor([1.0, 3, 2, 5, 4, 6])])
print(torch.corrcoef(feat), torch.cov(feat), torch.cov(feat, correction=0))
print(torch.cov(feat, fweights=torch.tensor([1, 2, 1, 1, 3, 1]), aweights=torch.rand(6)).shape, feat.T.cov())
print(torch.nn.functional.cosine_similarity(feat[0:1], feat, dim=1), feat.norm(dim=1), feat.norm(p=1, dim=0))
z = (feat - feat.mean(dim=1, keepdim=True)) / feat.std(dim=1, keepdim=True)
print(z, z.mean(dim=1).abs().max() < 1e-6, z.std(dim=1).round(decimals=3))
print(torch.prod(m, 1), m.sum(dtype=torch.int32), m.float().norm(), torch.all(m > 0), torch.any(m > 8, dim=1))

# what the reductions refuse
for bad in (lambda: m.mean(), lambda: m.std(), lambda: torch.zeros(0, 3).max(dim=0), lambda: torch.zeros(0).argmax(),
            lambda: torch.quantile(clean, 1.5), lambda: torch.quantile(m, 0.5), lambda: x.topk(10),
            lambda: x.kthvalue(0), lambda: torch.histc(labels, bins=4), lambda: torch.bincount(torch.tensor([-1, 2])),
            lambda: torch.cdist(pts, torch.ones(3, 3)), lambda: torch.corrcoef(torch.ones(2, 2, 2)), lambda: m.median(dim=2)):
    try:
        print(bad())
    except (RuntimeError, IndexError, ValueError) as e:
        print(type(e).__name__, e)
print(torch.zeros(0, 3).sum(0), torch.zeros(0, 3).amax(1), torch.zeros(3, 0).mean(1), torch.zeros(0).prod())
