"""Histogram-based split finding (LightGBM style): quantile bins, bucketize, scatter_add histograms."""
import torch

torch.manual_seed(5)
n, d, B = 300, 4, 16
X = torch.randn(n, d)
X[:, 3] = torch.randint(0, 5, (n,)).float()
y = 2 * X[:, 0] - X[:, 3] + 0.5 * torch.randn(n)

qs = torch.linspace(0, 1, B + 1)[1:-1]
edges = torch.quantile(X, qs, dim=0).T.contiguous()  # (d, B-1)
print("edges shape", tuple(edges.shape), edges.dtype)
bins = torch.stack([torch.bucketize(X[:, j], edges[j]) for j in range(d)], dim=1)
print("bins dtype", bins.dtype, "max", int(bins.max()))
print("bin counts feat 3:", torch.bincount(bins[:, 3], minlength=B))
print("searchsorted right:", torch.searchsorted(edges[0], X[:5, 0].contiguous(), right=True))
print("bucketize right:", torch.bucketize(X[:5, 0], edges[0], right=True, out_int32=True))

pred = torch.zeros(n)
lam = 1.0
for it in range(8):
    g = pred - y
    h = torch.ones(n)
    best = None
    for j in range(d):
        G = torch.zeros(B).scatter_add_(0, bins[:, j], g)
        H = torch.zeros(B).index_add(0, bins[:, j], h)
        GL, HL = G.cumsum(0)[:-1], H.cumsum(0)[:-1]
        GR, HR = G.sum() - GL, H.sum() - HL
        gain = GL ** 2 / (HL + lam) + GR ** 2 / (HR + lam) - G.sum() ** 2 / (H.sum() + lam)
        gain = gain.masked_fill((HL < 3) | (HR < 3), float("-inf"))
        k = int(gain.argmax())
        if best is None or gain[k].item() > best[0]:
            best = (gain[k].item(), j, k)
    gain, j, k = best
    left = bins[:, j] <= k
    wl = -g[left].sum() / (left.sum() + lam)
    wr = -g[~left].sum() / ((~left).sum() + lam)
    pred += 0.5 * torch.where(left, wl, wr)
    print(f"it {it} feat {j} bin<={k:2d} gain {gain:9.3f} rmse {torch.sqrt(((pred - y) ** 2).mean()).item():.4f}")

# histc and histogram on residuals
res = y - pred
print("histc:", torch.histc(res, bins=6, min=-3, max=3))
hist, bin_edges = torch.histogram(res, bins=5, range=(-2.5, 2.5))
print("histogram:", hist, bin_edges)
hist_w, _ = torch.histogram(res, bins=torch.tensor([-3.0, -1.0, 0.0, 1.0, 3.0]), weight=torch.ones(n) * 0.5)
print("weighted:", hist_w)
dens, _ = torch.histogram(res, bins=4, range=(-2.0, 2.0), density=True)
print("density:", dens)
# per-bin mean target via scatter_reduce
mean_y = torch.zeros(B).scatter_reduce(0, bins[:, 0], y, reduce="mean", include_self=False)
print("bin means:", mean_y[:6])
amax = torch.full((B,), -1e9).scatter_reduce(0, bins[:, 0], y, reduce="amax")
print("bin max:", amax[:6])
try:
    torch.histc(torch.arange(5), bins=3)
except RuntimeError as e:
    print("histc int:", e)
try:
    torch.bucketize(torch.tensor([1.0]), torch.tensor([[1.0, 2.0]]))
except RuntimeError as e:
    print("bucketize 2d:", e)
try:
    torch.zeros(3).scatter_add_(0, torch.tensor([0, 5]), torch.ones(2))
except RuntimeError as e:
    print("scatter oob:", e)
