"""Robot learning lab 4: model-predictive control of a cart-pole.
The cart-pole equations of motion are written in torch and stepped with explicit Euler; three MPC
solvers run in receding horizon: (1) gradient-based shooting with Adam on a tanh-squashed control
sequence (warm-started by rolling the previous plan), (2) the cross-entropy method with a diagonal
Normal, (3) MPPI with softmax-weighted perturbations sampled for a batch of rollouts at once."""
import torch
from torch.distributions import Normal

torch.manual_seed(7)
torch.set_printoptions(precision=3, sci_mode=False, linewidth=100)

MC, MP, LP, G = 1.0, 0.1, 0.5, 9.8
DT, U_MAX = 0.05, 10.0


def cartpole_step(s, u):
    """s = (x, x_dot, theta, theta_dot) batched on the leading axes, u the force."""
    x, xd, th, thd = s.unbind(-1)
    sin, cos = torch.sin(th), torch.cos(th)
    temp = (u + MP * LP * thd.pow(2) * sin) / (MC + MP)
    thacc = (G * sin - cos * temp) / (LP * (4.0 / 3.0 - MP * cos.square() / (MC + MP)))
    xacc = temp - MP * LP * thacc * cos / (MC + MP)
    return torch.stack([x + DT * xd, xd + DT * xacc, th + DT * thd, thd + DT * thacc], dim=-1)


W = torch.tensor([1.0, 0.1, 5.0, 0.1])


def stage_cost(s, u):
    return (W * s.square()).sum(-1) + 1e-3 * u.square()


def horizon_cost(s0, U):
    """U: (..., H) controls; s0 broadcast against the leading shape of U."""
    s = s0.expand(*U.shape[:-1], 4)
    total = torch.zeros(U.shape[:-1])
    for t in range(U.shape[-1]):
        s = cartpole_step(s, U[..., t])
        total = total + stage_cost(s, U[..., t])
    return total + 10.0 * (W * s.square()).sum(-1)


H = 15


def mpc_adam(s0, warm, iters=15):
    z = warm.clone().requires_grad_(True)
    opt = torch.optim.Adam([z], lr=0.3)
    for _ in range(iters):
        opt.zero_grad()
        cost = horizon_cost(s0, U_MAX * torch.tanh(z))
        cost.backward()
        opt.step()
    return z.detach(), cost.item()


def mpc_cem(s0, mu, iters=4, pop=64, elite=8):
    std = torch.full((H,), 4.0)
    for _ in range(iters):
        dist = Normal(mu, std)
        samples = dist.sample((pop,)).clamp_(-U_MAX, U_MAX)
        costs = horizon_cost(s0, samples)
        idx = torch.topk(costs, elite, largest=False).indices
        el = samples[idx]
        mu, std = el.mean(0), el.std(0, unbiased=True) + 0.1
    return mu, costs.min().item()


def mpc_mppi(s0, mu, samples=128, lam=20.0, sigma=3.0):
    eps = sigma * torch.randn(samples, H)
    U = (mu + eps).clamp(-U_MAX, U_MAX)
    costs = horizon_cost(s0, U)
    w = torch.softmax(-(costs - costs.min()) / lam, dim=0)
    ess = 1.0 / (w ** 2).sum()
    return mu + (w[:, None] * eps).sum(0), ess.item()


s_init = torch.tensor([0.0, 0.0, 0.25, 0.0])
print("one step from s_init:", cartpole_step(s_init, torch.tensor(0.0)))
print("batched step shape:", cartpole_step(s_init.expand(3, 2, 4), torch.zeros(3, 2)).shape)

for name in ("adam", "cem", "mppi"):
    torch.manual_seed(11)
    s = s_init.clone()
    plan = torch.zeros(H)
    hist = []
    info = []
    for k in range(25):
        if name == "adam":
            plan, c = mpc_adam(s, plan)
            u = U_MAX * torch.tanh(plan[0])
            info.append(c)
        elif name == "cem":
            plan, c = mpc_cem(s, plan)
            u = plan[0]
            info.append(c)
        else:
            plan, ess = mpc_mppi(s, plan)
            u = plan[0].clamp(-U_MAX, U_MAX)
            info.append(ess)
        s = cartpole_step(s, u)
        hist.append(torch.cat([s, u.reshape(1)]))
        plan = torch.roll(plan, -1)            # shift the warm start
        plan[-1] = 0.0
    hist = torch.stack(hist)
    print(f"--- {name}")
    print("angle every 5 steps:", hist[::5, 2])
    print("final |theta| < 0.05:", bool(hist[-1, 2].abs() < 0.05))
    print("max |u|:", f"{hist[:, 4].abs().max().item():.2f}", "| saturated steps:",
          int((hist[:, 4].abs() > U_MAX - 1e-3).sum()))
    print("first info:", f"{info[0]:.3f}", "| info trend down:", info[-1] < info[0])

# gradient of the horizon cost w.r.t. the initial state (a linear-feedback sanity check)
s0 = s_init.clone().requires_grad_(True)
cost = horizon_cost(s0, torch.zeros(H))
(gs,) = torch.autograd.grad(cost, s0)
print("d cost / d s0:", gs)
# batched costs with broadcasting of s0 over a (2, 3) grid of plans
grid = torch.linspace(-1, 1, 6).reshape(2, 3, 1).expand(2, 3, H)
print("grid costs:\n", horizon_cost(s_init, grid))
print("argmin of flattened grid:", horizon_cost(s_init, grid).argmin().item())
try:
    horizon_cost(torch.zeros(3), torch.zeros(2, H))
except RuntimeError as e:
    print("RuntimeError:", e)
