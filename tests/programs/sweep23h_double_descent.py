"""ML-theory homework, week 5: random Fourier features and double descent. Approximating the RBF kernel
with cos(W x + b) features, min-norm least squares (torch.linalg.pinv / lstsq with driver='gelsd') as
the number of features p sweeps past the sample size n, and a bias-variance simulation that redraws the
training noise with a seeded torch.Generator per trial."""
import math

import torch

torch.manual_seed(0)
n, d, n_test = 20, 3, 200


def target(x):
    return torch.sin(x @ torch.tensor([1.0, -0.5, 0.25], dtype=x.dtype)) + 0.3 * x[:, 0] ** 2


X = torch.randn(n, d, dtype=torch.float64)
Xt = torch.randn(n_test, d, dtype=torch.float64)
y_clean, yt = target(X), target(Xt)
y = y_clean + 0.1 * torch.randn(n, dtype=torch.float64)


class RandomFourierFeatures:
    def __init__(self, d, p, gamma=0.5, generator=None):
        self.W = torch.randn(d, p, generator=generator, dtype=torch.float64) * math.sqrt(2 * gamma)
        self.b = torch.rand(p, generator=generator, dtype=torch.float64) * 2 * math.pi
        self.p = p

    def __call__(self, X):
        return math.sqrt(2.0 / self.p) * torch.cos(X @ self.W + self.b)


# RFF approximates the RBF kernel
g = torch.Generator().manual_seed(123)
rff = RandomFourierFeatures(d, 2000, gamma=0.5, generator=g)
Z = rff(X[:5])
K_exact = torch.exp(-0.5 * torch.cdist(X[:5], X[:5]) ** 2)
print(f"RFF kernel approx max err (p=2000): {(Z @ Z.T - K_exact).abs().max().item():.3f}")
print("exact kernel row:", K_exact[0].round(decimals=3))

# double descent
print(f"{'p':>4} {'train':>8} {'test':>9} {'||w||':>9} {'rank':>4}")
curve = []
for p in [2, 5, 10, 15, 18, 20, 22, 25, 40, 80, 200]:
    g = torch.Generator().manual_seed(1000 + p)
    f = RandomFourierFeatures(d, p, generator=g)
    Phi, Phit = f(X), f(Xt)
    w = torch.linalg.pinv(Phi) @ y
    w_d = torch.linalg.lstsq(Phi, y.unsqueeze(1), driver="gelsd").solution.squeeze(1)
    assert torch.allclose(w, w_d, atol=1e-6 * max(1.0, w.norm().item())), p
    tr = (Phi @ w - y).pow(2).mean().item()
    te = (Phit @ w - yt).pow(2).mean().item()
    rank = torch.linalg.matrix_rank(Phi).item()
    curve.append(te)
    print(f"{p:4d} {tr:8.4f} {te:9.3f} {w.norm().item():9.2f} {rank:4d}")
peak = max(range(len(curve)), key=curve.__getitem__)
print("test error peaks at index", peak, "(interpolation threshold p = n = 20)")

# ridge smooths the peak
for lam in [1e-4, 1e-2]:
    g = torch.Generator().manual_seed(1020)
    f = RandomFourierFeatures(d, 20, generator=g)
    Phi = f(X)
    w = torch.linalg.solve(Phi.T @ Phi + lam * torch.eye(20, dtype=torch.float64), Phi.T @ y)
    print(f"p=20 ridge lam={lam:.0e}: test {(f(Xt) @ w - yt).pow(2).mean().item():.4f}")

# bias-variance over seeds: fixed features, resampled noise
p = 10
f = RandomFourierFeatures(d, p, generator=torch.Generator().manual_seed(5))
Phi, Phit = f(X), f(Xt)
P = torch.linalg.pinv(Phi)
preds = []
gen = torch.Generator()
for trial in range(50):
    gen.manual_seed(trial)
    noise = 0.3 * torch.randn(n, generator=gen, dtype=torch.float64)
    preds.append(Phit @ (P @ (y_clean + noise)))
preds = torch.stack(preds)
mean_pred = preds.mean(0)
bias2 = (mean_pred - yt).pow(2).mean().item()
var = preds.var(0, unbiased=False).mean().item()
print(f"bias^2={bias2:.4f}  variance={var:.4f}  sum={bias2 + var:.4f}")
err = (preds - yt).pow(2).mean().item()
print(f"expected test error={err:.4f}  decomposition holds: {math.isclose(err, bias2 + var, rel_tol=1e-9)}")
print("generator state size:", gen.get_state().shape, gen.initial_seed())
print("first trial noise:", (0.3 * torch.randn(3, generator=torch.Generator().manual_seed(0))).round(decimals=4))
print("per-point variance quantiles:", torch.quantile(preds.var(0), torch.tensor([0.1, 0.5, 0.9], dtype=torch.float64)).round(decimals=4))
print("std, var_mean:", [round(v.item(), 4) for v in torch.std_mean(preds[:, 0])], torch.var_mean(preds[:, 0], correction=0)[0].item() > 0)
