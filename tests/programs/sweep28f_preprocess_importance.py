"""The preprocessing and explanation side of a tabular notebook: correlated synthetic columns from a
low-rank multivariate normal, kNN imputation with cdist, a Gaussian-rank (quantile) transform via
argsort and erfinv, rare-category grouping, groupby statistics with scatter_reduce / index_add_, a
ridge baseline solved with torch.linalg, an MLP trained with a custom Dataset and DataLoader, and then
permutation importance (randperm, index_select), integrated gradients and per-sample gradients with
torch.func."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(42)
N, D = 240, 5

# ---- correlated numeric columns + a skewed one + a categorical one --------------------------------
cov_factor = torch.tensor([[1.0, 0.0], [0.8, 0.3], [0.0, 1.0], [-0.5, 0.5]])
mvn = torch.distributions.LowRankMultivariateNormal(torch.zeros(4), cov_factor, torch.full((4,), 0.2))
base = mvn.sample((N,))
skew = torch.distributions.Exponential(torch.tensor(0.5)).sample((N,))
cat_p = torch.distributions.Dirichlet(torch.tensor([5.0, 3.0, 2.0, 0.5, 0.3, 0.2])).sample()
cat = torch.distributions.Categorical(probs=cat_p).sample((N,))
X = torch.cat([base, skew.unsqueeze(1)], 1)
y = 1.5 * X[:, 0] - X[:, 2] + 0.8 * torch.log1p(X[:, 4]) + torch.tensor([0.0, 0.5, -0.5, 1.0, 1.0, 1.0])[cat] \
    + 0.2 * torch.randn(N)
print("mvn covariance\n", mvn.covariance_matrix)
print("sample corr\n", torch.corrcoef(X.T).round(decimals=2))
print("log_prob of first rows", mvn.log_prob(base[:3]))
print("category probs", cat_p.round(decimals=3), "counts", torch.bincount(cat, minlength=6).tolist())

# ---- missing values and kNN imputation -------------------------------------------------------------
mask = torch.rand(N, D) < 0.06
X_miss = X.masked_fill(mask, float("nan"))
print("missing per column", mask.sum(0).tolist(), "rows with any", mask.any(1).sum().item())
complete = ~mask.any(1)
donors = X[complete]
col_mean = X_miss.nanmean(0)
filled0 = torch.where(mask, col_mean, X_miss)
d = torch.cdist(filled0[~complete], donors)
knn = d.topk(5, largest=False).indices
imputed = donors[knn].mean(1)
X_imp = X_miss.clone()
rows = (~complete).nonzero().squeeze(1)
X_imp[rows] = torch.where(mask[rows], imputed, X_miss[rows])
err = (X_imp - X)[mask]
print(f"kNN imputation rmse {err.pow(2).mean().sqrt().item():.4f} vs mean-impute "
      f"{(filled0 - X)[mask].pow(2).mean().sqrt().item():.4f}")

# ---- Gaussian-rank transform (fit on the training part) -------------------------------------------
tr = torch.arange(N) < 180


def rank_gauss(col, ref):
    ref_sorted = ref.sort().values
    r = torch.searchsorted(ref_sorted, col.contiguous(), right=False).to(col.dtype)
    u = (r + 0.5) / (ref.numel() + 1)
    return torch.erfinv(2 * u.clamp(1e-3, 1 - 1e-3) - 1) * 2 ** 0.5


Xg = torch.stack([rank_gauss(X_imp[:, j], X_imp[tr, j]) for j in range(D)], 1)
print("rank-gauss skew column before/after: mean", f"{X_imp[:, 4].mean().item():.3f} -> {Xg[:, 4].mean().item():.3f}",
      "max", f"{X_imp[:, 4].max().item():.3f} -> {Xg[:, 4].max().item():.3f}")
print("ndtri agrees", torch.allclose(torch.special.ndtri(torch.tensor([0.1, 0.5, 0.9])),
                                     torch.erfinv(torch.tensor([-0.8, 0.0, 0.8])) * 2 ** 0.5, atol=1e-6))

# ---- rare category grouping and groupby statistics -----------------------------------------------
freq = torch.bincount(cat[tr], minlength=6)
rare = freq < 10
cat2 = torch.where(rare[cat], torch.tensor(6), cat)
codes, cat3 = torch.unique(cat2, return_inverse=True)
print("rare", rare.tolist(), "codes kept", codes.tolist(), "dtype", cat3.dtype)
K = codes.numel()
g_sum = torch.zeros(K).index_add_(0, cat3[tr], y[tr])
g_cnt = torch.zeros(K).index_add_(0, cat3[tr], torch.ones(int(tr.sum())))
g_max = torch.full((K,), -torch.inf).scatter_reduce(0, cat3[tr], y[tr], reduce="amax", include_self=True)
g_mean = torch.zeros(K).scatter_reduce(0, cat3[tr], y[tr], reduce="mean", include_self=False)
print("group mean", (g_sum / g_cnt).round(decimals=4))
print("scatter mean agrees", torch.allclose(g_mean, g_sum / g_cnt), "group max", g_max.round(decimals=4))
vals, idx = torch.kthvalue(y[tr], 90)
print("median via kthvalue", f"{vals.item():.4f}", "index is long", idx.dtype)

# ---- ridge regression baseline -------------------------------------------------------------------
A = torch.cat([Xg, F.one_hot(cat3, K).float(), torch.ones(N, 1)], 1)
lam = 1.0
AtA = A[tr].T @ A[tr] + lam * torch.eye(A.shape[1])
L = torch.linalg.cholesky(AtA)
w = torch.cholesky_solve((A[tr].T @ y[tr]).unsqueeze(1), L).squeeze(1)
w2 = torch.linalg.solve(AtA, A[tr].T @ y[tr])
sol = torch.linalg.lstsq(A[tr], y[tr].unsqueeze(1)).solution.squeeze(1)
print("ridge coefficients", w.round(decimals=2))
print("cholesky == solve", torch.allclose(w, w2, atol=1e-4), "lstsq shape", sol.shape)
ridge_rmse = (A[~tr] @ w - y[~tr]).pow(2).mean().sqrt()
print(f"ridge test rmse {ridge_rmse.item():.4f}", "cond", f"{torch.linalg.cond(AtA).item():.2f}")


# ---- MLP with a custom Dataset ---------------------------------------------------------------------
class TableDS(Dataset):
    def __init__(self, xn, xc, target):
        self.xn, self.xc, self.y = xn, xc, target

    def __len__(self):
        return self.y.shape[0]

    def __getitem__(self, i):
        return {"num": self.xn[i], "cat": self.xc[i], "y": self.y[i]}


ds = TableDS(Xg[tr], cat3[tr], y[tr])
loader = DataLoader(ds, batch_size=32, shuffle=True, generator=torch.Generator().manual_seed(0), drop_last=True)
batch = next(iter(loader))
print("batch keys", sorted(batch), batch["num"].shape, batch["cat"].dtype, len(loader))


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(K, 3)
        self.net = nn.Sequential(nn.Linear(D + 3, 32), nn.GELU(), nn.Linear(32, 16), nn.GELU(), nn.Linear(16, 1))

    def forward(self, xn, xc):
        return self.net(torch.cat([xn, self.emb(xc)], -1)).squeeze(-1)


model = MLP()
opt = torch.optim.RAdam(model.parameters(), lr=1e-2)
for epoch in range(40):
    for b in loader:
        loss = F.huber_loss(model(b["num"], b["cat"]), b["y"], delta=1.0)
        opt.zero_grad()
        loss.backward()
        opt.step()
    if epoch % 10 == 9:
        print(f"epoch {epoch + 1} huber {loss.item():.4f}")

model.eval()
with torch.no_grad():
    base_err = F.mse_loss(model(Xg[~tr], cat3[~tr]), y[~tr]).item()
print(f"mlp test mse {base_err:.4f}")

# ---- permutation importance ----------------------------------------------------------------------
g = torch.Generator().manual_seed(7)
names = ["x0", "x1", "x2", "x3", "skew"]
imps = torch.zeros(D, 5)
Xt, ct, yt = Xg[~tr], cat3[~tr], y[~tr]
with torch.no_grad():
    for j in range(D):
        for r in range(5):
            perm = torch.randperm(Xt.shape[0], generator=g)
            Xp = Xt.clone()
            Xp[:, j] = Xt[:, j].index_select(0, perm)
            imps[j, r] = F.mse_loss(model(Xp, ct), yt).item() - base_err
m, s = imps.mean(1), imps.std(1)
for j in m.argsort(descending=True).tolist():
    print(f"  {names[j]:>5}: {m[j].item():7.3f} +/- {s[j].item():.3f}")

# ---- integrated gradients -------------------------------------------------------------------------
x = Xt[:4]
baseline = torch.zeros_like(x)
alphas = torch.linspace(0, 1, 33)
path = baseline + alphas.view(-1, 1, 1) * (x - baseline)
path.requires_grad_(True)
out = model(path.reshape(-1, D), ct[:4].repeat(33))
grads, = torch.autograd.grad(out.sum(), path)
avg = (grads[:-1] + grads[1:]).mul(0.5).mean(0)
ig = (x - baseline) * avg
with torch.no_grad():
    gap = model(x, ct[:4]) - model(baseline, ct[:4])
print("IG attributions\n", ig.round(decimals=3))
print("completeness error small", ((ig.sum(1) - gap).abs() < 0.05).tolist())

# ---- per-sample gradients with torch.func ----------------------------------------------------------
from torch.func import functional_call, grad, vmap

params = {k: v.detach() for k, v in model.named_parameters()}


def loss_one(p, xn, xc, target):
    pred = functional_call(model, p, (xn.unsqueeze(0), xc.unsqueeze(0)))
    return F.mse_loss(pred, target.unsqueeze(0))


ps = vmap(grad(loss_one), in_dims=(None, 0, 0, 0))(params, Xt[:8], ct[:8], yt[:8])
norms = torch.stack([v.flatten(1).norm(dim=1) for v in ps.values()], 1).norm(dim=1)
print("per-sample grad shapes", {k: tuple(v.shape) for k, v in list(ps.items())[:3]})
print("per-sample grad norms", norms.round(decimals=3))
print("most influential row", norms.argmax().item())
try:
    torch.linalg.cholesky(-AtA)
except torch.linalg.LinAlgError as e:
    print("LinAlgError:", e)
try:
    torch.searchsorted(torch.tensor([3.0, 1.0, 2.0]), torch.tensor([1.5]), sorter=torch.tensor([1, 2]))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.zeros(3).scatter_reduce(0, torch.tensor([0, 1]), torch.ones(2), reduce="median")
except RuntimeError as e:
    print("RuntimeError:", e)
