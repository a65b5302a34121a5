"""Feature engineering and correlation analysis on a synthetic housing table, as in "replace pandas /
sklearn preprocessing with torch" notebooks: z-score and min-max scaling, robust scaling with the
median and IQR, one-hot encoding of a categorical column (F.one_hot and scatter_), torch.cov with
correction, fweights and aweights, torch.corrcoef, a printed correlation matrix with
set_printoptions, the most correlated pairs via triu_indices and topk, and a closed-form least
squares fit with torch.linalg.lstsq."""
import torch
import torch.nn.functional as F

torch.manual_seed(5)

n = 50
sqft = torch.randint(50, 250, (n,)).float()
rooms = (sqft / 40 + torch.randn(n) * 0.8).round().clamp(min=1)
age = torch.randint(0, 60, (n,)).float()
district = torch.randint(0, 4, (n,))
price = 1.5 * sqft + 10 * rooms - 0.8 * age + 25 * district.float() + torch.randn(n) * 20
X = torch.stack([sqft, rooms, age, price], dim=1)
names = ["sqft", "rooms", "age", "price"]
print("X dtype/shape", X.dtype, X.shape)

# --- scaling ---------------------------------------------------------------------------------------
mu, sd = X.mean(0), X.std(0)
Z = (X - mu) / sd
print("z means ~0", Z.mean(0).abs().max() < 1e-5, "z std", Z.std(0).round(decimals=4))
print("population std", X.std(0, correction=0).round(decimals=3))
print("std_mean", [t.round(decimals=3) for t in torch.std_mean(X[:, :2], dim=0)])
print("var_mean unbiased=False", [t.round(decimals=2) for t in torch.var_mean(X[:, 2], unbiased=False)])
lo, hi = X.aminmax(dim=0)
mm = (X - lo) / (hi - lo)
print("minmax range", mm.amin(0), mm.amax(0))
med = X.median(dim=0).values
q1, q3 = torch.quantile(X, torch.tensor([0.25, 0.75]), dim=0)
robust = (X - med) / (q3 - q1)
print("robust scaled row 0", robust[0].round(decimals=4))
print("F.normalize rows", F.normalize(X[:3], dim=1).round(decimals=4))

# --- one-hot encoding -----------------------------------------------------------------------------
oh = F.one_hot(district, num_classes=4).float()
oh2 = torch.zeros(n, 4).scatter_(1, district.unsqueeze(1), 1.0)
print("one_hot equal scatter_", torch.equal(oh, oh2), oh.sum(0))
dummies = oh[:, 1:]                               # drop_first=True
design = torch.cat([torch.ones(n, 1), Z[:, :3], dummies], dim=1)
print("design", design.shape)

# --- covariance and correlation ---------------------------------------------------------------------
C = torch.cov(X.T)
print("cov diag == var", torch.allclose(C.diag(), X.var(0)))
print("cov (correction=0)\n", torch.cov(X[:, :2].T, correction=0).round(decimals=2))
fw = torch.randint(1, 4, (n,))
aw = torch.rand(n)
print("cov fweights\n", torch.cov(X[:, :3].T, fweights=fw).round(decimals=2))
print("cov aweights\n", torch.cov(X[:, :3].T, aweights=aw).round(decimals=2))
print("cov both\n", torch.cov(X[:, :3].T, fweights=fw, aweights=aw, correction=0).round(decimals=2))
print("cov of 1-D", torch.cov(sqft).round(decimals=2), "dtype int", torch.cov(district).dtype)
R = torch.corrcoef(X.T)
print("corrcoef symmetric", torch.allclose(R, R.T), "diag", R.diag())
torch.set_printoptions(precision=3, sci_mode=False)
print(R)
print(torch.corrcoef(torch.stack([sqft, -sqft, age])))
torch.set_printoptions(profile="default")
print("corrcoef int input", torch.corrcoef(torch.stack([district, district * 2])).dtype)

print(" " * 6 + "".join(f"{nm:>8}" for nm in names))
for i, nm in enumerate(names):
    print(f"{nm:>6}" + "".join(f"{v:8.3f}" for v in R[i].tolist()))

iu = torch.triu_indices(4, 4, offset=1)
pair_r = R[iu[0], iu[1]]
top = torch.topk(pair_r.abs(), 3)
for r, k in zip(top.values.tolist(), top.indices.tolist()):
    i, j = iu[:, k].tolist()
    print(f"{names[i]:>6} ~ {names[j]:<6} |r|={r:.3f}")

# by-hand Pearson for one pair matches corrcoef
a, b = X[:, 0] - X[:, 0].mean(), X[:, 3] - X[:, 3].mean()
r_hand = (a * b).sum() / (a.norm() * b.norm())
print("pearson by hand", f"{r_hand.item():.4f}", f"{R[0, 3].item():.4f}")
# Spearman: correlation of ranks
ranks = X.argsort(0).argsort(0).float()
print("spearman sqft~price", f"{torch.corrcoef(ranks[:, [0, 3]].T)[0, 1].item():.4f}")

# --- least squares on the design matrix -------------------------------------------------------------
y = (price - price.mean()) / price.std()
sol = torch.linalg.lstsq(design.double(), y.double().unsqueeze(1))
coef = sol.solution.squeeze(1)
print("coefficients", coef.round(decimals=4))
resid = y.double() - design.double() @ coef
print("R^2", f"{1 - resid.pow(2).sum().item() / (y.double() - y.double().mean()).pow(2).sum().item():.4f}")
