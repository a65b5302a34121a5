"""Physics-informed neural network for a damped oscillator, in the style of PINN blog posts.

Solve u'' + 2*zeta*w0*u' + w0^2*u = 0, u(0)=1, u'(0)=0 on [0, 1] with a small tanh MLP: the
derivatives come from torch.autograd.grad(create_graph=True), the ODE residual is the loss.
"""
import math

import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(123)
d, w0 = 2.0, 20.0
zeta = d / (2 * w0)


def exact_solution(d, w0, t):
    """Analytic solution of the under-damped oscillator."""
    assert d < w0
    w = np.sqrt(w0 ** 2 - d ** 2)
    phi = np.arctan(-d / w)
    A = 1 / (2 * np.cos(phi))
    cos = torch.cos(phi + w * t)
    exp = torch.exp(-d * t)
    return exp * 2 * A * cos


class FCN(nn.Module):
    "Defines a fully-connected network"

    def __init__(self, N_INPUT, N_OUTPUT, N_HIDDEN, N_LAYERS):
        super().__init__()
        activation = nn.Tanh
        self.fcs = nn.Sequential(*[nn.Linear(N_INPUT, N_HIDDEN), activation()])
        self.fch = nn.Sequential(*[nn.Sequential(*[nn.Linear(N_HIDDEN, N_HIDDEN), activation()])
                                   for _ in range(N_LAYERS - 1)])
        self.fce = nn.Linear(N_HIDDEN, N_OUTPUT)

    def forward(self, x):
        x = self.fcs(x)
        x = self.fch(x)
        x = self.fce(x)
        return x


pinn = FCN(1, 1, 16, 3)
print(pinn)
print(sum(p.numel() for p in pinn.parameters()), "parameters")

t_boundary = torch.tensor(0.).view(-1, 1).requires_grad_(True)
t_physics = torch.linspace(0, 1, 30).view(-1, 1).requires_grad_(True)
t_test = torch.linspace(0, 1, 300).view(-1, 1)
u_exact = exact_solution(d, w0, t_test)
print(t_physics.shape, t_physics.requires_grad, t_physics.is_leaf, u_exact.dtype)

# one look at the derivatives the way a learner checks them
u = pinn(t_physics)
dudt = torch.autograd.grad(u, t_physics, torch.ones_like(u), create_graph=True)[0]
d2udt2 = torch.autograd.grad(dudt, t_physics, torch.ones_like(dudt), create_graph=True)[0]
print(u.shape, dudt.shape, d2udt2.shape)
print(type(u.grad_fn).__name__, dudt.grad_fn is not None, d2udt2.requires_grad)

optimiser = torch.optim.Adam(pinn.parameters(), lr=1e-3)
lambda1, lambda2 = 1e-1, 1e-4
mu, k = 2 * d, w0 ** 2
history = []
for i in range(101):
    optimiser.zero_grad()
    # boundary loss
    u = pinn(t_boundary)
    loss1 = (torch.squeeze(u) - 1) ** 2
    dudt = torch.autograd.grad(u, t_boundary, torch.ones_like(u), create_graph=True)[0]
    loss2 = (torch.squeeze(dudt) - 0) ** 2
    # physics loss
    u = pinn(t_physics)
    dudt = torch.autograd.grad(u, t_physics, torch.ones_like(u), create_graph=True)[0]
    d2udt2 = torch.autograd.grad(dudt, t_physics, torch.ones_like(dudt), create_graph=True)[0]
    loss3 = torch.mean((d2udt2 + mu * dudt + k * u) ** 2)
    loss = loss1 + lambda1 * loss2 + lambda2 * loss3
    loss.backward()
    optimiser.step()
    history.append(loss.item())
    if i % 50 == 0:
        print(f"step {i:4d}  loss {loss.item():.4f}  bc {loss1.item():.4f}  ode {loss3.item():.1f}")

with torch.no_grad():
    u = pinn(t_test)
err = (u - u_exact).abs().max()
print(f"max error {err:.3f}", u.shape, u.requires_grad)
print("loss went down:", history[-1] < history[0])

# --- inverse problem: learn mu from noisy observations --------------------------------------------
torch.manual_seed(123)
t_obs = torch.rand(40).view(-1, 1)
u_obs = exact_solution(d, w0, t_obs) + 0.04 * torch.randn_like(t_obs)
print(u_obs[:3].T)
pinn = FCN(1, 1, 16, 3)
mu_hat = torch.nn.Parameter(torch.zeros(1, requires_grad=True))
optimiser = torch.optim.Adam(list(pinn.parameters()) + [mu_hat], lr=1e-3)
mus = []
for i in range(101):
    optimiser.zero_grad()
    u = pinn(t_physics)
    dudt = torch.autograd.grad(u, t_physics, torch.ones_like(u), create_graph=True)[0]
    d2udt2 = torch.autograd.grad(dudt, t_physics, torch.ones_like(dudt), create_graph=True)[0]
    loss1 = torch.mean((d2udt2 + mu_hat * dudt + k * u) ** 2)
    u = pinn(t_obs)
    loss2 = torch.mean((u - u_obs) ** 2)
    loss = loss1 + 1e4 * loss2
    loss.backward()
    optimiser.step()
    mus.append(mu_hat.item())
    if i % 50 == 0:
        print(f"step {i:4d}  loss {loss.item():.2f}  mu {mu_hat.item():.4f}")
print(mu_hat, mu_hat.grad.shape)

# --- a first-order ODE with the trial-solution trick (Lagaris et al.) ---------------------------
# u' = -2 t u, u(0) = 1  ->  u(t) = exp(-t^2); trial u(t) = 1 + t * N(t)
# (in double precision: quasi-Newton steps amplify float32 rounding)
torch.manual_seed(0)
torch.set_default_dtype(torch.float64)
net = nn.Sequential(nn.Linear(1, 10), nn.Sigmoid(), nn.Linear(10, 1))
t = torch.linspace(0, 2, 21, requires_grad=True).unsqueeze(1)
print(t.dtype, net[0].weight.dtype)
opt = torch.optim.LBFGS(net.parameters(), lr=0.5, max_iter=20, history_size=10, line_search_fn="strong_wolfe")


def closure():
    opt.zero_grad()
    u = 1 + t * net(t)
    du, = torch.autograd.grad(u.sum(), t, create_graph=True)
    loss = ((du + 2 * t * u) ** 2).mean()
    loss.backward()
    return loss


for epoch in range(5):
    loss = opt.step(closure)
    print(f"lbfgs epoch {epoch}  loss {loss.item():.5f}")
with torch.no_grad():
    tt = torch.tensor([[0.0], [0.5], [1.0], [1.5]])
    approx = (1 + tt * net(tt)).squeeze()
print(f"approx {approx.numpy().round(2)} exact {torch.exp(-tt ** 2).squeeze().numpy().round(2)}")
state = opt.state[opt._params[0]]
print(sorted(state.keys()), state["func_evals"] > 0, len(state["old_dirs"]) <= 10)
print(math.isfinite(loss.item()))
