"""Min-max optimisation for zero-sum games, as in a lecture on learning in games: simultaneous and
alternating gradient descent-ascent on the bilinear game f(x, y) = x*y (cycling / divergence),
extragradient and optimistic GDA (convergence), a matrix game on the simplex parametrised by
softmax logits and trained with torch.optim (SGD with maximize=True, Adam), the Hessian of the
game via torch.autograd.functional, and the spectrum of the game Jacobian from torch.linalg.eigvals."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(11)
torch.set_printoptions(precision=4)


def f(x, y):
    return x * y


def grads(x, y):
    x = x.detach().requires_grad_()
    y = y.detach().requires_grad_()
    val = f(x, y)
    gx, gy = torch.autograd.grad(val, (x, y))
    return gx, gy


def run(method, steps=100, lr=0.1):
    x, y = torch.tensor(1.0), torch.tensor(1.0)
    prev = grads(x, y)
    norms = []
    for t in range(steps):
        if method == "sim":
            gx, gy = grads(x, y)
            x, y = x - lr * gx, y + lr * gy
        elif method == "alt":
            gx, _ = grads(x, y)
            x = x - lr * gx
            _, gy = grads(x, y)
            y = y + lr * gy
        elif method == "eg":
            gx, gy = grads(x, y)
            xh, yh = x - lr * gx, y + lr * gy
            gx, gy = grads(xh, yh)
            x, y = x - lr * gx, y + lr * gy
        elif method == "ogda":
            gx, gy = grads(x, y)
            x = x - 2 * lr * gx + lr * prev[0]
            y = y + 2 * lr * gy - lr * prev[1]
            prev = (gx, gy)
        norms.append(torch.stack([x, y]).norm())
    return torch.stack(norms)


for m in ["sim", "alt", "eg", "ogda"]:
    n = run(m)
    print(f"{m:5s} |z| at 0,50,99: {n[0]:.4f} {n[50]:.4f} {n[99]:.4f}  monotone? {bool((n[1:] <= n[:-1]).all())}")

# the Jacobian of the simultaneous-GDA vector field v(z) = (df/dx, -df/dy)
def field(z):
    x, y = z[0], z[1]
    return torch.stack([y, -x])


J = torch.autograd.functional.jacobian(field, torch.tensor([0.3, -0.2]))
print("game Jacobian\n", J)
eig = torch.linalg.eigvals(torch.eye(2) - 0.1 * J)
print("GDA update eigenvalues", eig, "moduli", eig.abs())
H = torch.autograd.functional.hessian(lambda z: f(z[0], z[1]), torch.tensor([0.3, -0.2]))
print("Hessian of f\n", H)


# a 3x3 zero-sum matrix game with softmax-parametrised mixed strategies
A = torch.tensor([[0.0, 2.0, -1.0],
                  [-1.0, 0.0, 1.0],
                  [1.0, -1.0, 0.0]])


class Player(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.logits = nn.Parameter(torch.randn(n) * 0.5)

    def forward(self):
        return F.softmax(self.logits, dim=0)


row, col = Player(3), Player(3)
print(row)
print("parameters:", [(n, tuple(p.shape)) for n, p in row.named_parameters()])
opt_r = torch.optim.SGD(row.parameters(), lr=0.5)
opt_c = torch.optim.SGD(col.parameters(), lr=0.5, maximize=True)
print(opt_c)
for t in range(300):
    x, y = row(), col()
    loss = -(x @ A @ y)             # the row player maximises x^T A y
    opt_r.zero_grad()
    opt_c.zero_grad()
    loss.backward()
    opt_r.step()
    opt_c.step()
x, y = row().detach(), col().detach()
expl = (A @ y).max() - (x @ A).min()
print("GDA last iterate", x, y, f"exploitability {expl.item():.3f}")

# entropy-regularised version converges: the logit / quantal response equilibrium
tau = 0.5
row, col = Player(3), Player(3)
opt = torch.optim.Adam([{"params": row.parameters()}, {"params": col.parameters(), "lr": 0.05}], lr=0.05)
for t in range(1500):
    x, y = row(), col()
    ent_x = -(x * x.log()).sum()
    ent_y = -(y * y.log()).sum()
    u = x @ A @ y
    # row: maximise u + tau H(x); column: minimise u - tau H(y); descend on the row objective and
    # flip the column gradient by hand
    opt.zero_grad()
    gx = torch.autograd.grad(-(u + tau * ent_x), row.logits, retain_graph=True)[0]
    gy = torch.autograd.grad(u - tau * ent_y, col.logits)[0]
    row.logits.grad, col.logits.grad = gx, gy
    opt.step()
x, y = row().detach(), col().detach()
qre_x = F.softmax(A @ y / tau, dim=0)
qre_y = F.softmax(-(x @ A) / tau, dim=0)
print("regularised equilibrium", x, y)
print("fixed point residual small:", (x - qre_x).abs().max().item() < 1e-3, (y - qre_y).abs().max().item() < 1e-3)
print("state dict keys", list(opt.state_dict()["state"].keys()), opt.state_dict()["param_groups"][1]["lr"])

try:
    torch.autograd.grad(f(torch.tensor(1.0), torch.tensor(2.0)), torch.tensor(1.0))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.optim.SGD(row.parameters(), lr=-0.1)
except ValueError as e:
    print("ValueError:", e)
