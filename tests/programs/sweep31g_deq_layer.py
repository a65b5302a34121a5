"""A deep equilibrium (DEQ) layer as in the "Deep Implicit Layers" tutorial: z* = tanh(W z* + U x + b)
found by fixed-point iteration under no_grad, then one differentiable step re-attached to the graph
and a backward hook that solves the adjoint fixed point g = J^T g + grad with autograd.grad (the
implicit function theorem).  The implicit gradient is checked against unrolling the solver, and a
small DEQ classifier is trained on two synthetic blobs."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)


def forward_iteration(f, z0, max_iter=60, tol=1e-5):
    z = z0
    res = []
    for k in range(max_iter):
        z_next = f(z)
        res.append(((z_next - z).norm() / (1e-5 + z_next.norm())).item())
        z = z_next
        if res[-1] < tol:
            break
    return z, res


class TanhCell(nn.Module):
    def __init__(self, n_in, n_hidden):
        super().__init__()
        self.linear = nn.Linear(n_hidden, n_hidden, bias=False)
        self.inp = nn.Linear(n_in, n_hidden)
        with torch.no_grad():
            # spectral norm below 1 keeps the map contractive
            self.linear.weight.mul_(0.5 / torch.linalg.matrix_norm(self.linear.weight, ord=2))

    def forward(self, z, x):
        return torch.tanh(self.linear(z) + self.inp(x))


class DEQFixedPoint(nn.Module):
    def __init__(self, f, solver, **kwargs):
        super().__init__()
        self.f = f
        self.solver = solver
        self.kwargs = kwargs
        self.forward_res = []
        self.backward_res = []

    def forward(self, x):
        with torch.no_grad():
            z, self.forward_res = self.solver(lambda z: self.f(z, x), torch.zeros(x.shape[0], self.f.linear.in_features), **self.kwargs)
        z = self.f(z, x)                     # one step with the graph attached
        z0 = z.clone().detach().requires_grad_()
        f0 = self.f(z0, x)

        def backward_hook(grad):
            g, self.backward_res = self.solver(
                lambda y: torch.autograd.grad(f0, z0, y, retain_graph=True)[0] + grad, grad, **self.kwargs)
            return g

        if z.requires_grad:
            z.register_hook(backward_hook)
        return z


cell = TanhCell(3, 8)
deq = DEQFixedPoint(cell, forward_iteration, tol=1e-6, max_iter=100)
print(deq)
x = torch.randn(5, 3)
z = deq(x)
print("forward iterations:", len(deq.forward_res), "final residual < 1e-6:", deq.forward_res[-1] < 1e-6)
print("fixed point residual < 1e-5:", (cell(z, x) - z).abs().max().item() < 1e-5)
print("z[0] =", z[0].detach())
print("grad_fn:", type(z.grad_fn).__name__)

# implicit gradient vs unrolled gradient --------------------------------------------------------------
target = torch.randn(5, 8)
loss = F.mse_loss(z, target)
loss.backward()
g_implicit = {n: p.grad.clone() for n, p in cell.named_parameters()}
print("backward iterations:", len(deq.backward_res))
cell.zero_grad()

zu = torch.zeros(5, 8)
for _ in range(100):
    zu = cell(zu, x)
F.mse_loss(zu, target).backward()
for n, p in cell.named_parameters():
    rel = ((p.grad - g_implicit[n]).norm() / p.grad.norm()).item()
    print(f"{n:15s} shape={tuple(p.shape)} |grad|={p.grad.norm().item():.4f} implicit vs unrolled rel err < 1e-3: {rel < 1e-3}")
cell.zero_grad(set_to_none=True)
print("grads cleared:", all(p.grad is None for p in cell.parameters()))

# Jacobian of the cell at the fixed point: its spectral radius decides convergence --------------------
z1 = z[:1].detach()
J = torch.autograd.functional.jacobian(lambda v: cell(v, x[:1]), z1).reshape(8, 8)
eig = torch.linalg.eigvals(J)
print("spectral radius:", round(eig.abs().max().item(), 4))
print("eigvals dtype:", eig.dtype)

# a DEQ classifier -------------------------------------------------------------------------------------
torch.manual_seed(1)
n = 64
centers = torch.tensor([[2.0, 0.0, -1.0], [-2.0, 1.0, 1.0]])
labels = torch.randint(0, 2, (n,))
data = centers[labels] + 1.6 * torch.randn(n, 3)


class DEQClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.deq = DEQFixedPoint(TanhCell(3, 16), forward_iteration, tol=1e-4, max_iter=50)
        self.head = nn.Linear(16, 2)

    def forward(self, x):
        return self.head(self.deq(x))


model = DEQClassifier()
opt = torch.optim.Adam(model.parameters(), lr=0.02)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=10, gamma=0.5)
for epoch in range(30):
    opt.zero_grad()
    logits = model(data)
    loss = F.cross_entropy(logits, labels)
    loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), max_norm=5.0)
    opt.step()
    sched.step()
    with torch.no_grad():
        # keep the cell contractive after each step
        W = model.deq.f.linear.weight
        s = torch.linalg.matrix_norm(W, ord=2)
        if s > 0.9:
            W.mul_(0.9 / s)
    if epoch % 10 == 9:
        acc = (logits.argmax(1) == labels).float().mean().item()
        print(f"epoch {epoch + 1:2d} loss {loss.item():.4f} acc {acc:.3f} lr {sched.get_last_lr()[0]:.4f} "
              f"fwd {len(model.deq.forward_res)}")
with torch.no_grad():
    probs = model(data[:4]).softmax(dim=-1)
print(probs)
print("state_dict keys:", list(model.state_dict().keys()))

# the optimizer step fused into backward, with post-accumulate-grad hooks ---------------------------------
torch.manual_seed(2)
fused = DEQClassifier()
optimizers = {p: torch.optim.SGD([p], lr=0.1, momentum=0.5) for p in fused.parameters()}


def step_in_backward(p):
    optimizers[p].step()
    optimizers[p].zero_grad()


handles = [p.register_post_accumulate_grad_hook(step_in_backward) for p in fused.parameters()]
for epoch in range(6):
    loss = F.cross_entropy(fused(data), labels)
    loss.backward()
    if epoch % 2 == 1:
        print(f"fused epoch {epoch + 1} loss {loss.item():.4f} grads left: {sum(p.grad is not None for p in fused.parameters())}")
for h in handles:
    h.remove()

# such a hook must return None: clamp_ returns the gradient
h = fused.head.weight.register_post_accumulate_grad_hook(lambda p: p.grad.clamp_(-0.01, 0.01))
try:
    F.cross_entropy(fused(data), labels).backward()
except RuntimeError as e:
    print("RuntimeError:", e)
print("clamped anyway:", fused.head.weight.grad.abs().max().item() <= 0.01)
h.remove()
