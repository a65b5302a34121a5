"""SEIR model integrated with RK4, fitted to synthetic weekly case counts by Adam on log-parameters."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_default_dtype(torch.float64)
torch.set_printoptions(precision=3)


class SEIR(nn.Module):
    """dS=-bSI/N, dE=bSI/N-sE, dI=sE-gI, dR=gI; parameters kept on the log scale so they stay positive."""

    def __init__(self, beta=0.5, sigma=0.3, gamma=0.2):
        super().__init__()
        self.log_beta = nn.Parameter(torch.tensor(math.log(beta)))
        self.log_sigma = nn.Parameter(torch.tensor(math.log(sigma)))
        self.log_gamma = nn.Parameter(torch.tensor(math.log(gamma)))
        self.register_buffer("N", torch.tensor(10_000.0))

    def rates(self):
        return self.log_beta.exp(), self.log_sigma.exp(), self.log_gamma.exp()

    def rhs(self, y):
        beta, sigma, gamma = self.rates()
        S, E, I, R = y.unbind(-1)
        inf = beta * S * I / self.N
        return torch.stack([-inf, inf - sigma * E, sigma * E - gamma * I, gamma * I], dim=-1)

    def forward(self, y0, days, dt=0.5):
        y = y0
        steps = int(round(1 / dt))
        out = [y]
        for _ in range(days):
            for _ in range(steps):
                k1 = self.rhs(y)
                k2 = self.rhs(y + 0.5 * dt * k1)
                k3 = self.rhs(y + 0.5 * dt * k2)
                k4 = self.rhs(y + dt * k3)
                y = y + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
            out.append(y)
        traj = torch.stack(out)
        # daily incidence = daily drop in susceptibles
        return traj, -torch.diff(traj[:, 0])


truth = SEIR(beta=0.6, sigma=0.25, gamma=0.15)
y0 = torch.tensor([9990.0, 5.0, 5.0, 0.0])
with torch.no_grad():
    traj, inc = truth(y0, 56, dt=0.25)
print("true trajectory shape:", tuple(traj.shape))
print("population conserved:", torch.allclose(traj.sum(-1), torch.full((57,), 10_000.0)))
print("peak infected day:", traj[:, 2].argmax().item(), "value:", f"{traj[:, 2].max().item():.1f}")
weekly = inc.view(-1, 7).sum(1)
print("weekly incidence:", weekly)
cases = torch.poisson(weekly)
print("observed weekly cases:", cases.long().tolist())

model = SEIR()
print(model)
print("parameters:", [n for n, _ in model.named_parameters()])
print("buffers:", dict(model.named_buffers()))
opt = torch.optim.Adam(model.parameters(), lr=0.05)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=20, gamma=0.5)
for it in range(60):
    opt.zero_grad()
    _, inc_hat = model(y0, 56, dt=1.0)
    lam = inc_hat.view(8, 7).sum(1)
    # Poisson negative log-likelihood, counts known exactly
    loss = F.poisson_nll_loss(lam, cases, log_input=False, full=False)
    loss.backward()
    opt.step()
    sched.step()
    if it % 15 == 0 or it == 59:
        b, s, g = (v.item() for v in model.rates())
        print(f"iter {it:3d} loss {loss.item():10.3f}  beta {b:.3f} sigma {s:.3f} gamma {g:.3f}  "
              f"lr {sched.get_last_lr()[0]:.4f}")

with torch.no_grad():
    b, s, g = model.rates()
    print("fitted R0 = beta/gamma:", f"{(b / g).item():.2f}", "(true 4.00)")
    print("grad norms after last step:", [round(p.grad.abs().item(), 2) > 0 for p in model.parameters()])

# sensitivity of the final attack rate to each parameter via autograd
model.zero_grad()
traj_hat, _ = model(y0, 56, dt=1.0)
attack = traj_hat[-1, 3] / model.N
attack.backward()
print("attack rate:", f"{attack.item():.3f}")
print("d attack / d log-params:", [f"{p.grad.item():.3f}" for p in model.parameters()])
print("grad_fn:", type(attack.grad_fn).__name__)

try:
    model(torch.tensor([9990.0, 5.0, 5.0]), 3)
except Exception as e:
    print(type(e).__name__, ":", e)
print("default dtype:", torch.get_default_dtype())
torch.set_default_dtype(torch.float32)
torch.set_printoptions(profile="default")
print(torch.tensor([1.0, 2.5]).dtype, y0.dtype, y0)
