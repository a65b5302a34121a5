"""Averaging inside the optimizer and averaging for uncertainty.  Part 1 writes the Lookahead
optimizer wrapper (k fast steps, then slow weights pulled toward the fast ones with
torch._foreach_lerp_) as a torch.optim.Optimizer subclass with its own state_dict.  Part 2 uses
torch.optim.ASGD, whose state keeps a Polyak average ``ax``, on least squares and compares it
with the lstsq solution.  Part 3 is SWAG: first and second moments of SGD iterates plus a
low-rank deviation matrix give a Gaussian over weights (LowRankMultivariateNormal) that we sample
for a Bayesian model average."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import LowRankMultivariateNormal, Normal
from torch.nn.utils import parameters_to_vector, vector_to_parameters

torch.manual_seed(2)
A = torch.randn(120, 5)
x_star = torch.tensor([0.5, -1.0, 2.0, 0.0, 1.5])
b = A @ x_star + 0.3 * torch.randn(120)


class Lookahead(torch.optim.Optimizer):
    def __init__(self, base, k=5, alpha=0.5):
        if not 0.0 <= alpha <= 1.0:
            raise ValueError(f"Invalid slow update rate: {alpha}")
        if k < 1:
            raise ValueError(f"Invalid lookahead steps: {k}")
        self.base = base
        self.k, self.alpha = k, alpha
        self.param_groups = base.param_groups
        self.defaults = dict(base.defaults, k=k, alpha=alpha)
        self.state = base.state
        # Optimizer.__init__ is skipped, so the step-hook tables torch's step wrapper reads are set by hand
        self._optimizer_step_pre_hooks = {}
        self._optimizer_step_post_hooks = {}
        self.slow = [[p.detach().clone() for p in g["params"]] for g in self.param_groups]
        self.fast_steps = 0

    @torch.no_grad()
    def step(self, closure=None):
        loss = self.base.step(closure)
        self.fast_steps += 1
        if self.fast_steps % self.k == 0:
            for group, slow in zip(self.param_groups, self.slow):
                torch._foreach_lerp_(slow, group["params"], self.alpha)
                torch._foreach_copy_(group["params"], slow)
        return loss

    def state_dict(self):
        sd = self.base.state_dict()
        sd["lookahead"] = {"slow": self.slow, "fast_steps": self.fast_steps}
        return sd


def lsq_loss(w):
    return 0.5 * ((A @ w - b) ** 2).mean()


results = {}
for name in ["sgd", "lookahead"]:
    w = torch.zeros(5, requires_grad=True)
    base = torch.optim.SGD([w], lr=0.3, momentum=0.9)
    opt = Lookahead(base, k=4, alpha=0.5) if name == "lookahead" else base
    trace = []
    for step in range(40):
        def closure():
            opt.zero_grad()
            loss = lsq_loss(w)
            loss.backward()
            return loss
        loss = opt.step(closure)
        trace.append(loss.item())
    results[name] = w.detach().clone()
    print(name, [f"{t:.4f}" for t in trace[::8]], type(opt).__name__)
print("lookahead state keys:", sorted(opt.state_dict().keys()), opt.state_dict()["lookahead"]["fast_steps"])
print("momentum buffer:", opt.state[w]["momentum_buffer"].shape)
print(repr(opt.base))
for bad in [dict(alpha=1.5), dict(k=0)]:
    try:
        Lookahead(torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1), **bad)
    except ValueError as e:
        print("ValueError:", e)

# --- ASGD: Polyak-Ruppert averaging built into the optimizer
w_ls = torch.linalg.lstsq(A, b.unsqueeze(1)).solution.squeeze(1)
print("lstsq:", w_ls)
w = torch.zeros(5, requires_grad=True)
asgd = torch.optim.ASGD([w], lr=0.05, t0=20, lambd=0.0)
gen = torch.Generator().manual_seed(0)
for step in range(150):
    idx = torch.randint(0, 120, (10,), generator=gen)
    asgd.zero_grad()
    (0.5 * ((A[idx] @ w - b[idx]) ** 2).mean()).backward()
    asgd.step()
st = asgd.state[w]
print("ASGD state keys:", sorted(st.keys()))
print("step/eta/mu:", st["step"], st["eta"], st["mu"])
print(f"last iterate err {(w.detach() - w_ls).norm().item():.4f}  averaged err {(st['ax'] - w_ls).norm().item():.4f}")
print(asgd)

# --- SWAG on a tiny regression net
torch.manual_seed(4)
xs = torch.linspace(-2, 2, 40).unsqueeze(1)
ys = torch.sin(2 * xs) + 0.1 * torch.randn_like(xs)
net = nn.Sequential(nn.Linear(1, 12), nn.Tanh(), nn.Linear(12, 1))
opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
for step in range(200):
    opt.zero_grad()
    F.mse_loss(net(xs), ys).backward()
    opt.step()
K = 6
# float64 moments: the variance is a difference of nearly equal second moments
mean = torch.zeros_like(parameters_to_vector(net.parameters()), dtype=torch.float64)
sq_mean = torch.zeros_like(mean)
devs = []
n_models = 0
for step in range(60):
    idx = torch.randperm(40)[:10]
    opt.zero_grad()
    F.mse_loss(net(xs[idx]), ys[idx]).backward()
    opt.step()
    if step % 5 == 4:
        v = parameters_to_vector(net.parameters()).detach().double()
        n_models += 1
        mean.mul_(n_models - 1).add_(v).div_(n_models)
        sq_mean.mul_(n_models - 1).addcmul_(v, v).div_(n_models)
        devs.append(v - mean)
        devs = devs[-K:]
var = torch.clamp(sq_mean - mean ** 2, min=1e-8).float()
D = torch.stack(devs, 1).float() / math.sqrt(2 * (K - 1))
mean = mean.float()
print("SWAG: models", n_models, "D", tuple(D.shape), f"mean |var| {var.mean().item():.3e}")
swag = LowRankMultivariateNormal(mean, cov_factor=D, cov_diag=var / 2)
print(swag.batch_shape, swag.event_shape)
torch.manual_seed(9)
samples = swag.sample((20,))
print("samples:", tuple(samples.shape), f"log_prob mean {swag.log_prob(samples).mean().item():.2f}")
preds = []
probe = nn.Sequential(nn.Linear(1, 12), nn.Tanh(), nn.Linear(12, 1))
with torch.no_grad():
    for s in samples:
        vector_to_parameters(s, probe.parameters())
        preds.append(probe(xs))
preds = torch.stack(preds)
mu, sd = preds.mean(0), preds.std(0)
vector_to_parameters(mean, probe.parameters())
with torch.no_grad():
    swa_mse = F.mse_loss(probe(xs), ys).item()
print(f"BMA mse {F.mse_loss(mu, ys).item():.4f}  SWA mse {swa_mse:.4f}")
print(f"predictive std at ends {sd[0].item():.4f} {sd[-1].item():.4f}")
nll = -Normal(mu, sd + 0.1).log_prob(ys).mean()
print(f"gaussian nll {nll.item():.4f}")
diag = Normal(mean, var.sqrt())
print("diag entropy:", f"{diag.entropy().sum().item():.2f}", "rsample grad:", diag.rsample().requires_grad)
try:
    LowRankMultivariateNormal(mean, cov_factor=D[:5], cov_diag=var)
except ValueError as e:
    print("ValueError:", e)
