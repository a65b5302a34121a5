"""Gaussian-process regression from scratch, the way GP tutorials build it: an RBF kernel, a Cholesky
factorisation, the log marginal likelihood maximised with Adam, posterior sampling with
MultivariateNormal, and a check against torch.distributions."""
import math

import torch
from torch.distributions import MultivariateNormal

torch.manual_seed(42)
torch.set_default_dtype(torch.float64)

# --- synthetic data ---------------------------------------------------------------------------------
N = 25
X = torch.sort(torch.rand(N) * 10).values.unsqueeze(-1)
f_true = lambda x: torch.sin(x) + 0.3 * x
y = f_true(X).squeeze(-1) + 0.2 * torch.randn(N)
X_test = torch.linspace(0, 10, 7).unsqueeze(-1)
print(X.shape, y.shape, X.dtype)
print(X[:4].T, y[:4])


def rbf_kernel(x1, x2, lengthscale, variance):
    sqdist = torch.cdist(x1, x2) ** 2
    return variance * torch.exp(-0.5 * sqdist / lengthscale ** 2)


class GP(torch.nn.Module):
    def __init__(self):
        super().__init__()
        # unconstrained parameters, mapped through softplus to stay positive
        self.raw_lengthscale = torch.nn.Parameter(torch.tensor(0.0))
        self.raw_variance = torch.nn.Parameter(torch.tensor(0.0))
        self.raw_noise = torch.nn.Parameter(torch.tensor(-2.0))

    @property
    def lengthscale(self):
        return torch.nn.functional.softplus(self.raw_lengthscale)

    @property
    def variance(self):
        return torch.nn.functional.softplus(self.raw_variance)

    @property
    def noise(self):
        return torch.nn.functional.softplus(self.raw_noise) + 1e-6

    def neg_log_marginal_likelihood(self, X, y):
        K = rbf_kernel(X, X, self.lengthscale, self.variance) + self.noise * torch.eye(len(X))
        L = torch.linalg.cholesky(K)
        alpha = torch.cholesky_solve(y.unsqueeze(-1), L)
        nll = 0.5 * (y.unsqueeze(-1) * alpha).sum()
        nll = nll + torch.log(torch.diagonal(L)).sum()
        nll = nll + 0.5 * len(X) * math.log(2 * math.pi)
        return nll

    def predict(self, X, y, Xs):
        K = rbf_kernel(X, X, self.lengthscale, self.variance) + self.noise * torch.eye(len(X))
        Ks = rbf_kernel(X, Xs, self.lengthscale, self.variance)
        Kss = rbf_kernel(Xs, Xs, self.lengthscale, self.variance)
        L = torch.linalg.cholesky(K)
        v = torch.linalg.solve_triangular(L, Ks, upper=False)
        alpha = torch.linalg.solve_triangular(L.T, torch.linalg.solve_triangular(L, y.unsqueeze(-1), upper=False),
                                              upper=True)
        mean = (Ks.T @ alpha).squeeze(-1)
        cov = Kss - v.T @ v
        return mean, cov


gp = GP()
print(gp)
print([(n, p.shape) for n, p in gp.named_parameters()])
nll0 = gp.neg_log_marginal_likelihood(X, y)
print(f"initial NLL {nll0.item():.4f}", type(nll0.grad_fn).__name__)

# the NLL agrees with torch.distributions
with torch.no_grad():
    K = rbf_kernel(X, X, gp.lengthscale, gp.variance) + gp.noise * torch.eye(N)
    mvn = MultivariateNormal(torch.zeros(N), covariance_matrix=K)
    print(f"{-mvn.log_prob(y).item():.4f}", mvn.batch_shape, mvn.event_shape)
    mvn2 = MultivariateNormal(torch.zeros(N), scale_tril=torch.linalg.cholesky(K))
    print(f"{-mvn2.log_prob(y).item():.4f}", f"{mvn2.entropy().item():.4f}")

optimizer = torch.optim.Adam(gp.parameters(), lr=0.05)
for i in range(150):
    optimizer.zero_grad()
    loss = gp.neg_log_marginal_likelihood(X, y)
    loss.backward()
    optimizer.step()
    if i % 30 == 0 or i == 149:
        print(f"iter {i:3d}  nll {loss.item():.4f}  lengthscale {gp.lengthscale.item():.4f}  "
              f"variance {gp.variance.item():.4f}  noise {gp.noise.item():.5f}")
print(gp.raw_noise.grad.abs() < 1.0, type(gp.raw_lengthscale.grad).__name__)

with torch.no_grad():
    mean, cov = gp.predict(X, y, X_test)
    std = cov.diagonal().clamp_min(1e-10).sqrt()
print("mean", mean)
print("std ", std)
print("true", f_true(X_test).squeeze(-1))
lower, upper = mean - 1.96 * std, mean + 1.96 * std
print(((f_true(X_test).squeeze(-1) >= lower) & (f_true(X_test).squeeze(-1) <= upper)).sum().item(), "of", len(X_test))

# --- posterior samples --------------------------------------------------------------------------------
post = MultivariateNormal(mean, covariance_matrix=cov + 1e-6 * torch.eye(len(X_test)))
samples = post.sample((3,))
print(samples.shape)
print(samples.round(decimals=3))
print(post.rsample((2,)).shape, post.mean.shape, post.stddev.round(decimals=4))
print(post.log_prob(samples).shape)
print(post.covariance_matrix.shape, post.precision_matrix.shape, torch.allclose(post.scale_tril @ post.scale_tril.T,
                                                                                 post.covariance_matrix))

# --- the same fit with the Cholesky determinant identity, as a sanity check --------------------------
with torch.no_grad():
    K = rbf_kernel(X, X, gp.lengthscale, gp.variance) + gp.noise * torch.eye(N)
    sign, logdet = torch.linalg.slogdet(K)
    L = torch.linalg.cholesky(K)
    print(sign, f"{logdet.item():.6f}", f"{2 * torch.log(L.diagonal()).sum().item():.6f}")
    Kinv_y = torch.linalg.solve(K, y)
    print(torch.allclose(Kinv_y, torch.cholesky_solve(y[:, None], L).squeeze()))
    L_inv = torch.linalg.solve_triangular(L, torch.eye(N), upper=False)
    print(torch.allclose(L_inv.T @ L_inv, torch.cholesky_inverse(L)), torch.allclose(torch.linalg.inv(K), torch.cholesky_inverse(L)))
    info = torch.linalg.cholesky_ex(K).info
    print(info, info.dtype)

# a kernel matrix that is not positive definite
bad = torch.tensor([[1.0, 2.0], [2.0, 1.0]])
try:
    torch.linalg.cholesky(bad)
except torch.linalg.LinAlgError as e:
    print(type(e).__name__, e)
print(torch.linalg.cholesky_ex(bad).info)
jitter = 1e-6
while True:
    try:
        L = torch.linalg.cholesky(bad + jitter * torch.eye(2))
        break
    except RuntimeError:
        jitter *= 10
        if jitter > 10:
            print("gave up at", jitter)
            break
print(f"jitter {jitter:.0e}", L[:, 0])
torch.set_default_dtype(torch.float32)
