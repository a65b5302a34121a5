"""Propensity scores by logistic regression, IPW / Hajek / AIPW (doubly robust) ATE estimates."""
import math
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(27)
n, p = 600, 3
X = torch.randn(n, p)
beta_t = torch.tensor([0.8, -0.5, 0.3])
logit = X @ beta_t - 0.2
T = torch.bernoulli(torch.sigmoid(logit))
tau = 2.0
Y = 1.0 + X @ torch.tensor([1.0, 0.5, -1.0]) + tau * T + 0.5 * torch.randn(n)
print("treated share:", T.mean().item().__round__(4), T.dtype)
naive = Y[T == 1].mean() - Y[T == 0].mean()
print(f"naive difference in means: {naive.item():.4f}")


class Propensity(nn.Module):
    def __init__(self, p):
        super().__init__()
        self.lin = nn.Linear(p, 1)

    def forward(self, x):
        return self.lin(x).squeeze(-1)


model = Propensity(p)
print(model)
opt = torch.optim.LBFGS(model.parameters(), lr=1, max_iter=50, line_search_fn="strong_wolfe")


def closure():
    opt.zero_grad()
    loss = F.binary_cross_entropy_with_logits(model(X), T)
    loss.backward()
    return loss


for it in range(3):
    loss = opt.step(closure)
    print(f"lbfgs step {it}: loss {loss.item():.4f}")
with torch.no_grad():
    coef = torch.cat([model.lin.bias, model.lin.weight.view(-1)])
print("propensity coef:", coef.detach().round(decimals=3))

with torch.no_grad():
    e = torch.sigmoid(model(X)).clamp(0.02, 0.98)
print("propensity range: [%.4f, %.4f]" % (e.min().item(), e.max().item()))
print("propensity quartiles:", torch.quantile(e, torch.tensor([0.25, 0.5, 0.75])))

# overlap diagnostic: histogram of propensities in each arm
bins = torch.linspace(0, 1, 6)
h1 = torch.histc(e[T == 1], bins=5, min=0, max=1)
h0 = torch.histc(e[T == 0], bins=5, min=0, max=1)
print("hist treated:", h1.long().tolist(), "control:", h0.long().tolist())

# Horvitz-Thompson and Hajek
w1 = T / e
w0 = (1 - T) / (1 - e)
ht = (w1 * Y).mean() - (w0 * Y).mean()
hajek = (w1 * Y).sum() / w1.sum() - (w0 * Y).sum() / w0.sum()
print(f"IPW (HT): {ht.item():.4f}  Hajek: {hajek.item():.4f}")
ess = lambda w: (w.sum() ** 2 / (w ** 2).sum()).item()
print(f"effective sample sizes: treated {ess(w1[T == 1]):.2f} control {ess(w0[T == 0]):.2f}")

# outcome models by least squares in each arm
Xd = torch.cat([torch.ones(n, 1), X], dim=1)
b1 = torch.linalg.lstsq(Xd[T == 1], Y[T == 1].unsqueeze(1)).solution.squeeze(1)
b0 = torch.linalg.lstsq(Xd[T == 0], Y[T == 0].unsqueeze(1)).solution.squeeze(1)
mu1, mu0 = Xd @ b1, Xd @ b0
print("mu1 coef:", b1.round(decimals=3))
print("mu0 coef:", b0.round(decimals=3))
psi = mu1 - mu0 + T * (Y - mu1) / e - (1 - T) * (Y - mu0) / (1 - e)
aipw = psi.mean()
se = psi.std(unbiased=True) / math.sqrt(n)
print(f"AIPW: {aipw.item():.4f} (se {se.item():.4f})")
ci = torch.stack([aipw - 1.96 * se, aipw + 1.96 * se])
print("95% CI:", ci)
z = torch.distributions.Normal(0.0, 1.0)
pval = 2 * (1 - z.cdf((aipw / se).abs()))
print("p-value < 1e-6:", bool(pval < 1e-6))

# covariate balance: standardized mean differences before and after weighting
def smd(x, t, w):
    m1 = (w * t).unsqueeze(1).mul(x).sum(0) / (w * t).sum()
    m0 = (w * (1 - t)).unsqueeze(1).mul(x).sum(0) / (w * (1 - t)).sum()
    s = torch.sqrt((x[t == 1].var(0) + x[t == 0].var(0)) / 2)
    return (m1 - m0) / s

print("SMD raw:     ", smd(X, T, torch.ones(n)))
print("SMD weighted:", smd(X, T, w1 + w0))

# trimming sensitivity
for lo in (0.05, 0.1):
    keep = (e > lo) & (e < 1 - lo)
    est = psi[keep].mean()
    print(f"trim {lo:.2f}: kept {int(keep.sum())} ATE {est.item():.4f}")

# weights cannot be negative in a Bernoulli propensity
try:
    torch.bernoulli(torch.tensor([0.5, 1.5]))
except RuntimeError as err:
    print("bernoulli error:", err)
try:
    F.binary_cross_entropy(torch.tensor([0.2, 0.7]), torch.tensor([1.0]))
except ValueError as err:
    print("bce error:", err)
