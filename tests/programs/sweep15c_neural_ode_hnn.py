"""A scientific-ML course lab: a neural ODE (dx/dt = f_theta(x)) fitted to a damped spiral with a
hand-written fixed-step RK4 integrator and backprop through the solver, a Hamiltonian Neural Network
(Greydanus et al.) that learns H(q, p) for a pendulum and gets its vector field from the symplectic
gradient via torch.autograd.grad(create_graph=True), and a leapfrog rollout showing why HNNs conserve
energy where a plain MLP on the time derivatives drifts."""
import torch
import torch.nn as nn

torch.manual_seed(11)
torch.set_printoptions(precision=4, sci_mode=False)


# ---------------------------------------------------------------- fixed-step solvers
def rk4_step(f, t, x, h):
    k1 = f(t, x)
    k2 = f(t + h / 2, x + h / 2 * k1)
    k3 = f(t + h / 2, x + h / 2 * k2)
    k4 = f(t + h, x + h * k3)
    return x + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)


def odeint(f, x0, ts, method="rk4"):
    xs = [x0]
    x = x0
    for t0, t1 in zip(ts[:-1], ts[1:]):
        h = t1 - t0
        x = rk4_step(f, t0, x, h) if method == "rk4" else x + h * f(t0, x)
        xs.append(x)
    return torch.stack(xs)


# order check on a linear ODE with a known solution: x' = A x
A_true = torch.tensor([[-0.1, 2.0], [-2.0, -0.1]], dtype=torch.float64)
x0 = torch.tensor([2.0, 0.0])
exact = torch.linalg.matrix_exp(A_true * 2.0) @ x0.double()
for n_steps in (10, 20, 40):
    ts = torch.linspace(0, 2.0, n_steps + 1)
    ts = ts.double()
    e_rk4 = (odeint(lambda t, x: x @ A_true.T, x0.double(), ts)[-1] - exact).norm()
    e_eul = (odeint(lambda t, x: x @ A_true.T, x0.double(), ts, method="euler")[-1] - exact).norm()
    print(f"{n_steps:3d} steps: RK4 error {e_rk4.item():.2e}  Euler error {e_eul.item():.2e}")

# ---------------------------------------------------------------- neural ODE on the spiral
ts = torch.linspace(0.0, 4.0, 41)
with torch.no_grad():
    true_y = odeint(lambda t, x: (x ** 3) @ torch.tensor([[-0.1, 2.0], [-2.0, -0.1]]).T, x0, ts)
print("trajectory", tuple(true_y.shape), "end point", true_y[-1])


class ODEFunc(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(2, 32), nn.Tanh(), nn.Linear(32, 2))
        for m in self.net.modules():
            if isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, mean=0, std=0.1)
                nn.init.constant_(m.bias, val=0)
        self.nfe = 0

    def forward(self, t, y):
        self.nfe += 1
        return self.net(y ** 3)


func = ODEFunc()
print(func)
optimizer = torch.optim.RMSprop(func.parameters(), lr=1e-2)
batch_time = 8
for itr in range(1, 31):
    s = torch.randint(0, len(ts) - batch_time, (8,))
    batch_y0 = true_y[s]                                   # (M, 2)
    batch_t = ts[:batch_time]
    batch_y = torch.stack([true_y[s + i] for i in range(batch_time)], dim=0)   # (T, M, 2)
    optimizer.zero_grad()
    pred_y = odeint(func, batch_y0, batch_t)
    loss = torch.mean(torch.abs(pred_y - batch_y))
    loss.backward()
    optimizer.step()
    if itr % 10 == 0:
        with torch.no_grad():
            full = odeint(func, x0, ts)
            print(f"Iter {itr:03d} | batch loss {loss.item():.4f} | full-trajectory loss "
                  f"{torch.mean(torch.abs(full - true_y)).item():.4f} | NFE {func.nfe}")
print("pred_y grad_fn:", type(pred_y.grad_fn).__name__, "requires_grad:", pred_y.requires_grad)


# ---------------------------------------------------------------- Hamiltonian neural network
def pendulum_H(q, p):
    return 0.5 * p ** 2 + (1 - torch.cos(q))


def pendulum_field(x):
    q, p = x[..., 0], x[..., 1]
    return torch.stack([p, -torch.sin(q)], dim=-1)


n_train = 128
x_train = torch.stack([torch.empty(n_train).uniform_(-2, 2), torch.empty(n_train).uniform_(-1.5, 1.5)], 1)
dx_train = pendulum_field(x_train) + 0.01 * torch.randn(n_train, 2)


class MLP(nn.Module):
    def __init__(self, d_out):
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(2, 48), nn.Tanh(), nn.Linear(48, 48), nn.Tanh(), nn.Linear(48, d_out))

    def forward(self, x):
        return self.layers(x)


class HNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.H = MLP(1)
        self.register_buffer("J", torch.tensor([[0.0, 1.0], [-1.0, 0.0]]))

    def time_derivative(self, x):
        with torch.enable_grad():
            if not x.requires_grad:
                x = x.detach().requires_grad_(True)
            H = self.H(x).sum()
            dH, = torch.autograd.grad(H, x, create_graph=True)
        return dH @ self.J.T                               # (dH/dp, -dH/dq)


hnn, baseline = HNN(), MLP(2)
print("HNN buffers:", [name for name, _ in hnn.named_buffers()], hnn.J)
print("parameters:", sum(p.numel() for p in hnn.parameters()), sum(p.numel() for p in baseline.parameters()))
opt_h = torch.optim.Adam(hnn.parameters(), lr=3e-3)
opt_b = torch.optim.Adam(baseline.parameters(), lr=3e-3)
for epoch in range(80):
    xb = x_train.clone().requires_grad_(True)
    loss_h = (hnn.time_derivative(xb) - dx_train).pow(2).mean()
    opt_h.zero_grad()
    loss_h.backward()
    opt_h.step()
    loss_b = nn.functional.mse_loss(baseline(x_train), dx_train)
    opt_b.zero_grad()
    loss_b.backward()
    opt_b.step()
    if epoch % 20 == 0 or epoch == 79:
        print(f"epoch {epoch:3d}  HNN loss {loss_h.item():.4f}  baseline loss {loss_b.item():.4f}")

# roll both out from the same state; the HNN's learned energy should stay nearly constant
x_start = torch.tensor([[1.0, 0.0]])
ts_roll = torch.linspace(0, 10, 41)
traj_h = odeint(lambda t, x: hnn.time_derivative(x), x_start, ts_roll).detach()
with torch.no_grad():
    traj_b = odeint(lambda t, x: baseline(x), x_start, ts_roll)
    true_traj = odeint(lambda t, x: pendulum_field(x), x_start, ts_roll)
E_true = pendulum_H(true_traj[..., 0], true_traj[..., 1]).squeeze()
E_h = pendulum_H(traj_h[..., 0], traj_h[..., 1]).squeeze()
E_b = pendulum_H(traj_b[..., 0], traj_b[..., 1]).squeeze()
print(f"true energy drift {(E_true[-1] - E_true[0]).abs().item():.4f}")
print(f"HNN  energy range [{E_h.min().item():.3f}, {E_h.max().item():.3f}]")
print(f"MLP  energy range [{E_b.min().item():.3f}, {E_b.max().item():.3f}]")
print(f"state error at t=10: HNN {(traj_h[-1] - true_traj[-1]).norm().item():.3f}, "
      f"MLP {(traj_b[-1] - true_traj[-1]).norm().item():.3f}")
with torch.no_grad():
    Hq = hnn.H(torch.stack([torch.linspace(-2, 2, 5), torch.zeros(5)], 1)).squeeze(1)
print("learned H(q, 0) - H(0, 0):", Hq - Hq[2])


# symplectic (leapfrog) rollout of the true pendulum keeps energy bounded
def leapfrog(q, p, h, n):
    for _ in range(n):
        p = p - 0.5 * h * torch.sin(q)
        q = q + h * p
        p = p - 0.5 * h * torch.sin(q)
    return q, p


q, p = leapfrog(torch.tensor(1.0), torch.tensor(0.0), 0.1, 100)
print(f"leapfrog energy after 100 steps {pendulum_H(q, p).item():.4f} (start {pendulum_H(torch.tensor(1.0), torch.tensor(0.0)).item():.4f})")
