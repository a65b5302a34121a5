"""An echo state network (reservoir computing) in PyTorch, the way the reservoir-computing tutorials
and EchoTorch-style notebooks write it: a fixed sparse random reservoir rescaled to a spectral radius
from torch.linalg.eigvals, leaky-integrator tanh states, washout, a ridge-regression readout solved
with torch.linalg.solve and torch.linalg.lstsq (and the pinv / cholesky forms), one-step-ahead
prediction of a sine mixture and a Mackey-Glass series, and free-running generative mode."""
import math

import torch
import torch.nn as nn


class ESN(nn.Module):
    def __init__(self, input_size, reservoir_size, output_size, spectral_radius=0.9, sparsity=0.9,
                 leak_rate=0.3, input_scaling=0.5, ridge=1e-2):
        super().__init__()
        self.reservoir_size = reservoir_size
        self.leak_rate = leak_rate
        self.ridge = ridge
        W_in = (torch.rand(reservoir_size, 1 + input_size) * 2 - 1) * input_scaling
        W = torch.rand(reservoir_size, reservoir_size) - 0.5
        mask = torch.rand(reservoir_size, reservoir_size) < sparsity
        W[mask] = 0.0
        radius = torch.max(torch.abs(torch.linalg.eigvals(W)))
        W *= spectral_radius / radius
        self.register_buffer("W_in", W_in)
        self.register_buffer("W", W)
        self.readout = nn.Linear(1 + input_size + reservoir_size, output_size)
        self.readout.requires_grad_(False)

    @torch.no_grad()
    def harvest(self, inputs, x=None):
        """inputs: (T, input_size) -> extended states (T, 1 + input + reservoir), last state"""
        if x is None:
            x = torch.zeros(self.reservoir_size, dtype=self.W.dtype)
        states = []
        for u in inputs:
            u1 = torch.cat([torch.ones(1, dtype=u.dtype), u])
            x_tilde = torch.tanh(self.W_in @ u1 + self.W @ x)
            x = (1 - self.leak_rate) * x + self.leak_rate * x_tilde
            states.append(torch.cat([u1, x]))
        return torch.stack(states), x

    @torch.no_grad()
    def fit(self, inputs, targets, washout=20):
        X, x_last = self.harvest(inputs)
        X, Y = X[washout:], targets[washout:]
        A = X.T @ X + self.ridge * torch.eye(X.shape[1], dtype=X.dtype)
        W_out = torch.linalg.solve(A, X.T @ Y).T
        self.readout.weight.copy_(W_out)
        self.readout.bias.zero_()
        return X, x_last

    def forward(self, inputs, x=None):
        X, x = self.harvest(inputs, x)
        return self.readout(X), x


def nrmse(pred, target):
    return torch.sqrt(torch.mean((pred - target) ** 2)) / target.std()


torch.manual_seed(42)
T = 400
t = torch.arange(T + 1, dtype=torch.float32)
series = torch.sin(0.2 * t) + 0.5 * torch.sin(0.311 * t)
u, y = series[:-1].unsqueeze(1), series[1:].unsqueeze(1)
print("series", series.shape, round(series.mean().item(), 4), round(series.std().item(), 4))

esn = ESN(1, 60, 1, spectral_radius=0.9, sparsity=0.9)
print(esn)
ev = torch.linalg.eigvals(esn.W)
print("eigvals", ev.dtype, ev.shape, f"radius {ev.abs().max().item():.4f}",
      "nonzero", int((esn.W != 0).sum()), "buffers", [n for n, _ in esn.named_buffers()])
print("top |lambda|", ev.abs().sort(descending=True).values[:4].round(decimals=3),
      "real spectrum", ev.real.max().round(decimals=3).item() <= 0.9)
train, test = slice(0, 300), slice(300, 400)
X, x_last = esn.fit(u[train], y[train], washout=50)
print("design", X.shape, "cond>1e4", torch.linalg.cond(X.T @ X + 1e-2 * torch.eye(X.shape[1])).item() > 1e4)
with torch.no_grad():
    pred_train = esn.readout(X)
    pred_test, _ = esn(u[test], x_last)
print(f"train nrmse {nrmse(pred_train, y[50:300]).item():.3f} test nrmse {nrmse(pred_test, y[test]).item():.3f}")
print("readout", esn.readout.weight.shape, esn.readout.weight.requires_grad, round(esn.readout.weight.norm().item(), 1))

# the same readout by lstsq on the Tikhonov-augmented system, by pinv, and by Cholesky
lam = 1e-2
Xa = torch.cat([X, math.sqrt(lam) * torch.eye(X.shape[1])])
Ya = torch.cat([y[50:300], torch.zeros(X.shape[1], 1)])
w_lstsq = torch.linalg.lstsq(Xa, Ya).solution
w_solve = torch.linalg.solve(X.T @ X + lam * torch.eye(X.shape[1]), X.T @ y[50:300])
L = torch.linalg.cholesky(X.T @ X + lam * torch.eye(X.shape[1]))
w_chol = torch.cholesky_solve(X.T @ y[50:300], L)
w_pinv = torch.linalg.pinv(X.T @ X + lam * torch.eye(X.shape[1])) @ X.T @ y[50:300]
for name, w in [("lstsq", w_lstsq), ("solve", w_solve), ("cholesky", w_chol), ("pinv", w_pinv)]:
    print(f"{name:>8s} {tuple(w.shape)} fit nrmse {nrmse(X @ w, y[50:300]).item():.3f}")
print("agree", torch.allclose(X @ w_lstsq, X @ w_solve, atol=1e-3), torch.allclose(X @ w_chol, X @ w_solve, atol=1e-3))
print("lstsq driver", torch.linalg.lstsq(Xa, Ya, driver="gelsd").rank.item(), torch.linalg.lstsq(Xa, Ya).rank)

# float64 reservoir for an ill-conditioned Mackey-Glass task
torch.manual_seed(0)


def mackey_glass(n, tau=17, beta=0.2, gamma=0.1, p=10, dt=1.0, x0=1.2):
    hist = [x0] * (tau + 1)
    out = []
    for _ in range(n):
        x_tau = hist[-tau - 1]
        x = hist[-1] + dt * (beta * x_tau / (1 + x_tau ** p) - gamma * hist[-1])
        hist.append(x)
        out.append(x)
    return torch.tensor(out, dtype=torch.float64)


mg = mackey_glass(500)[200:]
mg = torch.tanh(mg - 1)
print("mackey-glass", mg.shape, mg.dtype, f"{mg.min().item():.4f} {mg.max().item():.4f}")
torch.set_default_dtype(torch.float64)
esn64 = ESN(1, 80, 1, spectral_radius=1.0, sparsity=0.8, leak_rate=0.5, ridge=1e-6)
torch.set_default_dtype(torch.float32)
print("dtype", esn64.W.dtype, esn64.readout.weight.dtype)
uu, yy = mg[:-1].unsqueeze(1), mg[1:].unsqueeze(1)
X64, xl = esn64.fit(uu[:230], yy[:230], washout=50)
with torch.no_grad():
    p64, _ = esn64(uu[230:290], xl)
print(f"mg one-step nrmse {nrmse(p64, yy[230:290]).item():.3e}".replace("e-0", "e-"))
sol = torch.linalg.solve(X64.T @ X64 + 1e-6 * torch.eye(82, dtype=torch.float64), X64.T @ yy[50:230])
print("solve shapes", sol.shape, torch.linalg.solve(torch.eye(3), torch.ones(3)).shape,
      torch.linalg.solve(torch.eye(3).expand(2, 3, 3), torch.ones(2, 3, 1)).shape)

# free-running: feed predictions back as inputs
with torch.no_grad():
    x = xl
    u_t = uu[230]
    gen = []
    for _ in range(20):
        out, x = esn64(u_t.unsqueeze(0), x)
        u_t = out[0]
        gen.append(u_t.item())
err = (torch.tensor(gen, dtype=torch.float64) - yy[230:250, 0]).abs()
print("generative max err (first 5) small", (err[:5] < 0.05).all().item(), "len", len(gen))

# errors from the readout solvers
try:
    torch.linalg.solve(torch.zeros(3, 3), torch.ones(3))
except Exception as e:
    print(type(e).__name__, str(e).split("\n")[0])
try:
    torch.linalg.solve(torch.eye(3), torch.ones(4))
except Exception as e:
    print(type(e).__name__, e)
try:
    torch.linalg.lstsq(torch.eye(3), torch.ones(4, 1))
except Exception as e:
    print(type(e).__name__, e)
