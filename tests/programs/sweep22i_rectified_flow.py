"""Rectified flow / conditional flow matching from a Gaussian to a 2-D checkerboard-like mixture,
in the style of the "flow matching in 100 lines" blog posts: linear interpolants by torch.lerp,
logit-normal timestep sampling (torch.sigmoid of randn), velocity regression, Euler and Heun ODE
samplers with torch.no_grad, a 2-rectified "reflow" on noise/sample couplings, straightness of
the learned paths, and evaluation with torch.cov, torch.quantile and an RBF MMD via cdist."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import MultivariateNormal

torch.manual_seed(0)
gen = torch.Generator().manual_seed(5)

centers = torch.tensor([[-1.5, -1.5], [-1.5, 1.5], [1.5, -1.5], [1.5, 1.5], [0.0, 0.0]])
weights = torch.tensor([0.2, 0.2, 0.2, 0.2, 0.2])


def sample_target(n, generator=None):
    comp = torch.multinomial(weights, n, replacement=True, generator=generator)
    return centers[comp] + 0.25 * torch.randn(n, 2, generator=generator)


prior = MultivariateNormal(torch.zeros(2), covariance_matrix=torch.eye(2))


class VelocityField(nn.Module):
    def __init__(self, hidden=64):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(3, hidden), nn.ELU(), nn.Linear(hidden, hidden), nn.ELU(),
                                 nn.Linear(hidden, 2))

    def forward(self, x, t):
        if t.dim() == 0:
            t = t.expand(x.shape[0])
        return self.net(torch.cat([x, t[:, None]], dim=-1))


def train(model, pairs_fn, steps, lr=3e-3, tag=""):
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    running = None
    for it in range(steps):
        x0, x1 = pairs_fn(128)
        t = torch.sigmoid(torch.randn(x0.shape[0]))           # logit-normal(0, 1)
        xt = torch.lerp(x0, x1, t[:, None])
        target = x1 - x0
        loss = F.mse_loss(model(xt, t), target, reduction="none").sum(-1).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        running = loss.item() if running is None else 0.9 * running + 0.1 * loss.item()
        if (it + 1) % 100 == 0:
            print(f"{tag} iter {it + 1}: ema loss {running:.3f}")
    return model


@torch.no_grad()
def euler(model, x, n_steps):
    dt = 1.0 / n_steps
    for i in range(n_steps):
        t = torch.full((x.shape[0],), i * dt)
        x = x + dt * model(x, t)
    return x


@torch.no_grad()
def heun(model, x, n_steps):
    ts = torch.linspace(0, 1, n_steps + 1)
    for t0, t1 in zip(ts[:-1], ts[1:]):
        h = t1 - t0
        v0 = model(x, t0)
        x_pred = x + h * v0
        v1 = model(x_pred, t1)
        x = x + h * 0.5 * (v0 + v1)
    return x


def mmd(x, y, sigma=0.5):
    k = lambda a, b: torch.exp(-torch.cdist(a, b).pow(2) / (2 * sigma ** 2))
    return (k(x, x).mean() + k(y, y).mean() - 2 * k(x, y).mean()).item()


def independent_pairs(n):
    return prior.sample((n,)), sample_target(n)


flow1 = train(VelocityField(), independent_pairs, 200, tag="1-RF")

z = torch.randn(300, 2, generator=gen)
ref = sample_target(300, generator=gen)
print("prior log_prob mean:", f"{prior.log_prob(z).mean().item():.3f}")
for name, solver, n in [("euler", euler, 1), ("euler", euler, 4), ("euler", euler, 32), ("heun", heun, 4)]:
    out = solver(flow1, z, n)
    q = torch.quantile(out[:, 0], torch.tensor([0.1, 0.5, 0.9]))
    print(f"{name:5s} x{n:<2d}: mean {out.mean(0).round(decimals=2).tolist()}  q(x) {q.round(decimals=2).tolist()}"
          f"  mmd {mmd(out, ref):.3f}")
print("target cov:\n", torch.cov(ref.T).round(decimals=2))
print("heun-4 cov:\n", torch.cov(heun(flow1, z, 4).T).round(decimals=2))

# Reflow: couple noise with the endpoint of the 1-rectified flow, then retrain on straight pairs.
with torch.no_grad():
    z_pool = torch.randn(1024, 2, generator=gen)
    x_pool = heun(flow1, z_pool, 8)


def coupled_pairs(n):
    idx = torch.randint(0, z_pool.shape[0], (n,))
    return z_pool[idx], x_pool[idx]


flow2 = train(VelocityField(), coupled_pairs, 150, tag="2-RF")
flow2.load_state_dict({k: v.clone() for k, v in flow2.state_dict().items()})


@torch.no_grad()
def straightness(model, x, n_steps=16):
    start = x
    speeds = []
    dt = 1.0 / n_steps
    for i in range(n_steps):
        v = model(x, torch.tensor(i * dt))
        speeds.append(v)
        x = x + dt * v
    v = torch.stack(speeds)                          # (steps, n, 2)
    return ((x - start)[None] - v).pow(2).sum(-1).mean().item()


print(f"straightness 1-RF {straightness(flow1, z):.3f}  2-RF {straightness(flow2, z):.3f}")
print(f"one-step mmd 1-RF {mmd(euler(flow1, z, 1), ref):.3f}  2-RF {mmd(euler(flow2, z, 1), ref):.3f}")
