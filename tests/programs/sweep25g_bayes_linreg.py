"""Bayesian linear regression: conjugate posterior, predictive, evidence."""
import torch
from torch.distributions import MultivariateNormal, Normal, StudentT, LowRankMultivariateNormal

torch.manual_seed(4)
torch.set_default_dtype(torch.float64)
N, D = 30, 3
X = torch.cat([torch.ones(N, 1), torch.randn(N, D - 1)], 1)
w_true = torch.tensor([0.5, -1.0, 2.0])
sigma = 0.3
y = X @ w_true + sigma * torch.randn(N)
alpha = 2.0
S0 = torch.eye(D) / alpha
prec = torch.eye(D) * alpha + X.T @ X / sigma**2
L = torch.linalg.cholesky(prec)
SN = torch.cholesky_inverse(L)
mN = SN @ X.T @ y / sigma**2
print("posterior mean", mN)
print("posterior cov\n", SN)
mN2 = torch.cholesky_solve((X.T @ y / sigma**2).unsqueeze(-1), L).squeeze(-1)
print("agree", torch.allclose(mN, mN2))
post = MultivariateNormal(mN, precision_matrix=prec)
print(post)
print(post.covariance_matrix.diagonal())
print("entropy", post.entropy())
samples = post.sample((1000,))
print("sample mean", samples.mean(0).round(decimals=2))
print(post.log_prob(w_true))
xs = torch.linspace(-2, 2, 5)
Xs = torch.stack([torch.ones(5), xs, xs**2], 1)
pm = Xs @ mN
pv = sigma**2 + (Xs @ SN * Xs).sum(-1)
print("pred mean", pm)
print("pred std", pv.sqrt())
# log evidence
prior_pred = MultivariateNormal(torch.zeros(N), covariance_matrix=X @ S0 @ X.T + sigma**2 * torch.eye(N))
print(f"log evidence {prior_pred.log_prob(y).item():.4f}")
lr = LowRankMultivariateNormal(torch.zeros(N), X / alpha**0.5, torch.full((N,), sigma**2))
print(f"low rank evidence {lr.log_prob(y).item():.4f}")
print(lr.batch_shape, lr.event_shape)
# evidence maximization over alpha with autograd
log_a = torch.zeros((), requires_grad=True)
opt = torch.optim.Adam([log_a], lr=0.1)
for step in range(60):
    opt.zero_grad()
    C = X @ X.T / log_a.exp() + sigma**2 * torch.eye(N)
    nll = -MultivariateNormal(torch.zeros(N), scale_tril=torch.linalg.cholesky(C)).log_prob(y)
    nll.backward()
    opt.step()
print(f"alpha* {log_a.exp().item():.3f} nll {nll.item():.3f}")
st = StudentT(df=torch.tensor(4.0), loc=pm, scale=pv.sqrt())
print(st)
print(st.log_prob(pm + 0.1), st.variance)
try:
    MultivariateNormal(torch.zeros(2), covariance_matrix=torch.tensor([[1.0, 2.0], [2.0, 1.0]]))
except ValueError as e:
    print("ValueError:", str(e)[:120])
try:
    MultivariateNormal(torch.zeros(2))
except ValueError as e:
    print("ValueError:", e)
try:
    torch.linalg.cholesky(torch.tensor([[1.0, 2.0], [2.0, 1.0]]))
except Exception as e:
    print(type(e).__name__, e)
torch.set_default_dtype(torch.float32)
