"""Consistency training on a 2-D ring, in the style of the consistency-models reference code and
its blog re-implementations: Karras sigma discretisation (rho = 7) with a step-count curriculum,
c_skip / c_out boundary-condition scalings, an online network and a stop-gradient target network
(copy.deepcopy + requires_grad_(False)) updated by an EMA with torch._foreach_lerp_, a second EMA
copy kept with Tensor.lerp_, the pseudo-Huber loss, and one- and two-step sampling with an
explicit torch.Generator; evaluation prints radial statistics and a Gaussian-kernel MMD."""
import copy
import math

import torch
import torch.nn as nn

torch.manual_seed(1)
SIGMA_MIN, SIGMA_MAX, SIGMA_DATA, RHO = 0.002, 10.0, 0.5, 7.0


def ring(n, generator=None):
    theta = 2 * math.pi * torch.rand(n, generator=generator)
    r = 1.0 + 0.05 * torch.randn(n, generator=generator)
    return torch.stack([r * torch.cos(theta), r * torch.sin(theta)], dim=1)


def karras_sigmas(n):
    ramp = torch.linspace(0, 1, n)
    min_inv_rho = SIGMA_MIN ** (1 / RHO)
    max_inv_rho = SIGMA_MAX ** (1 / RHO)
    return (min_inv_rho + ramp * (max_inv_rho - min_inv_rho)) ** RHO


def n_steps_schedule(k, K, s0=10, s1=40):
    return int(math.ceil(math.sqrt(k / K * ((s1 + 1) ** 2 - s0 ** 2) + s0 ** 2) - 1) + 1)


def scalings(sigma):
    c_skip = SIGMA_DATA ** 2 / ((sigma - SIGMA_MIN) ** 2 + SIGMA_DATA ** 2)
    c_out = (sigma - SIGMA_MIN) * SIGMA_DATA / (sigma ** 2 + SIGMA_DATA ** 2).sqrt()
    c_in = 1 / (sigma ** 2 + SIGMA_DATA ** 2).sqrt()
    return c_skip, c_out, c_in


class ConsistencyFn(nn.Module):
    def __init__(self, hidden=64):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(3, hidden), nn.Mish(), nn.Linear(hidden, hidden), nn.Mish(),
                                 nn.Linear(hidden, 2))

    def forward(self, x, sigma):
        c_skip, c_out, c_in = [c[:, None] for c in scalings(sigma)]
        h = torch.cat([c_in * x, 0.25 * sigma.log()[:, None]], dim=1)
        return c_skip * x + c_out * self.net(h)


print("sigmas(10):", [f"{s:.4f}" for s in karras_sigmas(10).tolist()])
print("curriculum:", [n_steps_schedule(k, 200) for k in (0, 100, 200)])
c_skip, c_out, _ = scalings(torch.tensor([SIGMA_MIN, 1.0]))
print("boundary c_skip, c_out:", c_skip.tolist(), [round(v, 4) for v in c_out.tolist()])

online = ConsistencyFn()
target = copy.deepcopy(online)
target.requires_grad_(False)
ema = copy.deepcopy(online).eval()
for p in ema.parameters():
    p.requires_grad_(False)

opt = torch.optim.RAdam(online.parameters(), lr=2e-3)
data_gen = torch.Generator().manual_seed(17)
K = 200
c = 0.00054 * math.sqrt(2)                                   # pseudo-Huber constant for d = 2
for k in range(K):
    N = n_steps_schedule(k, K)
    sigmas = karras_sigmas(N)
    mu = math.exp(2 * math.log(0.95) * 10 / N)               # target EMA rate grows with N
    x = ring(96, generator=data_gen)
    n = torch.randint(0, N - 1, (x.shape[0],))
    z = torch.randn_like(x)
    s_lo, s_hi = sigmas[n], sigmas[n + 1]
    pred = online(x + s_hi[:, None] * z, s_hi)
    with torch.no_grad():
        tgt = target(x + s_lo[:, None] * z, s_lo)
    loss = (torch.sqrt((pred - tgt).pow(2).sum(1) + c ** 2) - c).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    with torch.no_grad():
        t_params, o_params = list(target.parameters()), list(online.parameters())
        torch._foreach_lerp_(t_params, o_params, 1 - mu)
        for p_ema, p in zip(ema.parameters(), online.parameters()):
            p_ema.lerp_(p, 0.01)
    if k % 50 == 49:
        print(f"k={k + 1} N={N} mu={mu:.4f} loss={loss.item():.4f}")

drift = sum((a - b).pow(2).sum() for a, b in zip(target.parameters(), online.parameters())).sqrt()
print(f"target-online drift {drift.item():.4f}; target grads: {[p.grad for p in target.parameters()][:1]}")


@torch.no_grad()
def sample(model, n, sigma_path, generator):
    x = torch.randn(n, 2, generator=generator) * sigma_path[0]
    x = model(x, torch.full((n,), sigma_path[0]))
    for s in sigma_path[1:]:
        z = torch.randn(x.shape, generator=generator)
        x_noisy = x + math.sqrt(s ** 2 - SIGMA_MIN ** 2) * z
        x = model(x_noisy, torch.full((n,), s))
    return x


def mmd(x, y, h=0.3):
    k = lambda a, b: (-torch.cdist(a, b).square() / (2 * h * h)).exp()
    return k(x, x).mean() + k(y, y).mean() - 2 * k(x, y).mean()


ref = ring(300, generator=torch.Generator().manual_seed(0))
for name, model in [("online", online), ("target", target), ("ema", ema)]:
    for path in ([SIGMA_MAX], [SIGMA_MAX, 0.8]):
        g = torch.Generator().manual_seed(123)
        s = sample(model, 300, path, g)
        r = s.norm(dim=-1)
        print(f"{name:6s} {len(path)}-step: radius {r.mean().item():.2f} +- {r.std().item():.2f}  "
              f"mmd {mmd(s, ref).item():.3f}")
