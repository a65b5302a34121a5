"""Scientific-computing helpers as notebooks use them: least squares fits with torch.linalg.lstsq,
pairwise distances with torch.cdist, quantiles, histograms, binning with searchsorted/bucketize,
index helpers (tril_indices, combinations, cartesian_prod) and a kNN classifier."""
import torch

torch.manual_seed(5)

# ---- polynomial least squares --------------------------------------------------------------------
x = torch.linspace(-1, 1, 25, dtype=torch.float64)
y = 0.5 - 1.5 * x + 2.0 * x ** 3 + 0.05 * torch.randn(25, dtype=torch.float64)
A = torch.vander(x, N=4, increasing=True)
print(A.shape, A.dtype, A[:2])
sol = torch.linalg.lstsq(A, y.unsqueeze(1))
print(type(sol).__name__, sol.solution.squeeze().round(decimals=3), sol.rank, sol.residuals, sol.singular_values)
sol_gelsd = torch.linalg.lstsq(A, y.unsqueeze(1), driver="gelsd")
print(sol_gelsd.rank, sol_gelsd.singular_values.round(decimals=4), sol_gelsd.residuals.shape)
coef_pinv = torch.linalg.pinv(A) @ y
print(torch.allclose(coef_pinv, sol.solution.squeeze()), (A @ coef_pinv - y).pow(2).mean().sqrt().item() < 0.1)
batched = torch.linalg.lstsq(torch.randn(3, 6, 2), torch.randn(3, 6, 1))
print(batched.solution.shape, batched.residuals.shape)

# ---- distances and kNN ---------------------------------------------------------------------------
centers = torch.tensor([[0.0, 0.0], [3.0, 3.0], [0.0, 4.0]])
labels = torch.randint(0, 3, (30,))
pts = centers[labels] + 0.7 * torch.randn(30, 2)
queries = torch.tensor([[0.2, 0.1], [2.5, 3.2], [0.3, 3.6], [1.5, 2.0]])
D = torch.cdist(queries, pts)
print(D.shape, D.min(dim=1).values.round(decimals=4))
print(torch.cdist(queries, pts, p=1).min(1).indices, torch.cdist(queries, pts, p=float("inf")).argmin(1))
knn_d, knn_i = D.topk(5, largest=False)
votes = labels[knn_i]
print(votes, torch.mode(votes, dim=1).values)
print(torch.cdist(queries[None], pts[None]).shape, torch.cdist(queries, queries).diagonal())

# ---- quantiles, histograms ------------------------------------------------------------------------
data = torch.randn(200) * 2 + 1
q = torch.tensor([0.1, 0.25, 0.5, 0.75, 0.9])
for method in ["linear", "lower", "higher", "midpoint", "nearest"]:
    print(method, torch.quantile(data, q, interpolation=method).round(decimals=4))
print(torch.quantile(data.view(20, 10), 0.5, dim=1, keepdim=True).shape, data.median().round(decimals=4))
with_nan = torch.tensor([1.0, float("nan"), 3.0, 2.0])
print(torch.quantile(with_nan, 0.5), torch.nanquantile(with_nan, 0.5), torch.nanmedian(with_nan))
h = torch.histc(data, bins=8, min=-4, max=6)
print(h, h.sum(), h.dtype)
hist, edges = torch.histogram(data, bins=5)
print(hist, edges.round(decimals=4))
hist_d, _ = torch.histogram(data, bins=torch.tensor([-10.0, -1.0, 0.0, 1.0, 10.0]), density=True)
print(hist_d.round(decimals=4), type(torch.histogram(data, bins=3)).__name__)

# ---- binning ----------------------------------------------------------------------------------------
boundaries = torch.tensor([-1.0, 0.0, 1.0, 2.5])
vals = torch.tensor([-2.0, -1.0, 0.3, 1.0, 2.5, 7.0])
print(torch.bucketize(vals, boundaries), torch.bucketize(vals, boundaries, right=True))
print(torch.searchsorted(boundaries, vals), torch.searchsorted(boundaries, vals, side="right"))
unsorted = torch.tensor([2.5, -1.0, 1.0, 0.0])
sorter = torch.argsort(unsorted)
print(torch.searchsorted(unsorted, vals, sorter=sorter), torch.searchsorted(boundaries, vals, out_int32=True).dtype)
seq2 = torch.tensor([[1, 3, 5, 7], [2, 4, 6, 8]])
print(torch.searchsorted(seq2, torch.tensor([[3, 6], [1, 9]])), torch.searchsorted(boundaries, 0.5))
cdf = torch.cumsum(torch.softmax(torch.randn(6), 0), 0)
u = torch.rand(8)
print(torch.searchsorted(cdf, u).clamp(max=5), cdf.round(decimals=4))

# ---- index helpers ------------------------------------------------------------------------------------
print(torch.tril_indices(4, 4), torch.triu_indices(3, 4, offset=1))
print(torch.tril_indices(3, 5, -1).shape)
print(torch.combinations(torch.arange(4)), torch.combinations(torch.tensor([1, 2, 3]), r=2, with_replacement=True).shape)
print(torch.cartesian_prod(torch.tensor([1, 2]), torch.tensor([10, 20, 30])))
r, c = torch.triu_indices(5, 5, offset=1)
pair_d = torch.cdist(pts[:5], pts[:5])[r, c]
print(pair_d.round(decimals=4), torch.pdist(pts[:5]).round(decimals=4))
print(torch.allclose(pair_d, torch.pdist(pts[:5]), atol=1e-5))
