"""Differentiable simulation, notebook 3: system identification of a damped pendulum.
A "true" pendulum (length, damping, an unknown torque offset) is simulated with RK4 and observed with
noise; a PendulumModel nn.Module with log-parametrised physical constants is fitted by backpropagating
through the whole RK4 rollout, first with Adam then with L-BFGS, and the result is compared with a
semi-implicit Euler integrator and with a least-squares fit of the linearised dynamics."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)
torch.set_printoptions(precision=4, sci_mode=False)

g = 9.81


def pendulum_rhs(state, length, damping, offset):
    theta, omega = state[..., 0], state[..., 1]
    dtheta = omega
    domega = -(g / length) * torch.sin(theta) - damping * omega + offset
    return torch.stack((dtheta, domega), dim=-1)


def rk4_step(f, state, dt, *params):
    k1 = f(state, *params)
    k2 = f(state + 0.5 * dt * k1, *params)
    k3 = f(state + 0.5 * dt * k2, *params)
    k4 = f(state + dt * k3, *params)
    return state + dt / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)


def rollout(f, x0, steps, dt, *params, stepper=rk4_step):
    xs = [x0]
    for _ in range(steps):
        xs.append(stepper(f, xs[-1], dt, *params))
    return torch.stack(xs, dim=1)          # (batch, T+1, 2)


def semi_implicit_euler(f, state, dt, *params):
    omega = state[..., 1] + dt * f(state, *params)[..., 1]
    theta = state[..., 0] + dt * omega
    return torch.stack([theta, omega], -1)


class PendulumModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.log_length = nn.Parameter(torch.tensor(0.0))
        self.log_damping = nn.Parameter(torch.tensor(-1.0))
        self.offset = nn.Parameter(torch.zeros(()))

    def params(self):
        return self.log_length.exp(), self.log_damping.exp(), self.offset

    def forward(self, x0, steps, dt):
        return rollout(pendulum_rhs, x0, steps, dt, *self.params())

    def extra_repr(self):
        L, c, o = (p.item() for p in self.params())
        return f"length={L:.3f}, damping={c:.3f}, offset={o:.3f}"


true = (torch.tensor(1.7), torch.tensor(0.35), torch.tensor(0.2))
dt, steps = 0.05, 40
x0 = torch.stack([torch.empty(4).uniform_(-1.2, 1.2), torch.zeros(4)], dim=1)
with torch.no_grad():
    clean = rollout(pendulum_rhs, x0, steps, dt, *true)
obs = clean[..., 0] + 0.01 * torch.randn_like(clean[..., 0])
print("observations:", obs.shape, obs.dtype)
print("first trajectory, every 10th sample:", obs[0, ::10])

model = PendulumModel()
print(model)
print("parameters:", [n for n, _ in model.named_parameters()])

opt = torch.optim.Adam(model.parameters(), lr=0.05)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=30, gamma=0.5)
for it in range(90):
    opt.zero_grad()
    pred = model(x0, steps, dt)[..., 0]
    loss = F.mse_loss(pred, obs)
    loss.backward()
    gn = nn.utils.clip_grad_norm_(model.parameters(), max_norm=5.0)
    opt.step()
    sched.step()
    if it % 30 == 0:
        print(f"adam {it:3d}: loss={loss.item():.5f} grad_norm={gn.item():.4f} lr={sched.get_last_lr()[0]:.4f}")

lbfgs = torch.optim.LBFGS(model.parameters(), lr=1.0, max_iter=25, history_size=10,
                          line_search_fn="strong_wolfe")


def closure():
    lbfgs.zero_grad()
    loss = F.mse_loss(model(x0, steps, dt)[..., 0], obs)
    loss.backward()
    return loss


for outer in range(2):
    loss = lbfgs.step(closure)
print(f"after L-BFGS: loss={closure().item():.6f}")
print(model)
L_hat, c_hat, o_hat = model.params()
print("length error < 0.05:", abs(L_hat.item() - 1.7) < 0.05)
print("damping error < 0.05:", abs(c_hat.item() - 0.35) < 0.05)

# sensitivity of the final angle to the parameters, through the rollout
Lp = torch.tensor(1.7, requires_grad=True)
cp = torch.tensor(0.35, requires_grad=True)
traj = rollout(pendulum_rhs, x0[:1], 40, dt, Lp, cp, torch.tensor(0.2))
dL, dc = torch.autograd.grad(traj[0, -1, 0], (Lp, cp))
print("d theta_T / d length :", f"{dL.item():.4f}")
print("d theta_T / d damping:", f"{dc.item():.4f}")
print("traj grad_fn:", type(traj.grad_fn).__name__)

# integrator comparison: energy drift of RK4 vs semi-implicit Euler without damping
def energy(x, L):
    return 0.5 * (L * x[..., 1]) ** 2 + g * L * (1 - torch.cos(x[..., 0]))


with torch.no_grad():
    zero = torch.tensor(0.0)
    xa = rollout(pendulum_rhs, x0, 200, dt, true[0], zero, zero)
    xb = rollout(pendulum_rhs, x0, 200, dt, true[0], zero, zero, stepper=semi_implicit_euler)
    Ea, Eb = energy(xa, true[0]), energy(xb, true[0])
    print("rk4 max rel drift  :", f"{((Ea - Ea[:, :1]).abs() / Ea[:, :1]).max().item():.2e}")
    print("euler max rel drift:", f"{((Eb - Eb[:, :1]).abs() / Eb[:, :1]).max().item():.2e}")

# linearised identification by least squares: omega' = a * theta + b * omega + c
with torch.no_grad():
    small = rollout(pendulum_rhs, 0.1 * x0, 100, 0.01, *true)
    th, om = small[..., :-1, 0].reshape(-1), small[..., :-1, 1].reshape(-1)
    dom = ((small[..., 1:, 1] - small[..., :-1, 1]) / 0.01).reshape(-1)
    Phi = torch.stack([th, om, torch.ones_like(th)], dim=1)
    sol = torch.linalg.lstsq(Phi, dom.unsqueeze(1))
    a, b, c = sol.solution.squeeze(1).tolist()
    print(f"lstsq: g/L={-a:.2f} (true {g / 1.7:.2f}), damping={-b:.2f}, offset={c:.2f}")
    print("lstsq rank:", sol.rank, "| residuals:", sol.residuals.shape)
    pinv_sol = torch.linalg.pinv(Phi) @ dom
    print("pinv agrees:", torch.allclose(pinv_sol, sol.solution.squeeze(1), atol=1e-3))
