"""Linear Recurrent Unit (Orvieto et al. 2023) with a parallel scan.

lambda = exp(-exp(nu) + i exp(theta)), B scaled by gamma = sqrt(1 - |lambda|^2),
y = Re(C x) + D u.  The recurrence x_k = lambda * x_{k-1} + B u_k is computed
three ways: a Python loop, a log-space cumsum scan, and a Blelloch-style
associative scan on (a, b) pairs.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)


class LRU(nn.Module):
    def __init__(self, d_in, d_hidden, r_min=0.4, r_max=0.9, max_phase=2 * math.pi):
        super().__init__()
        u1 = torch.rand(d_hidden)
        u2 = torch.rand(d_hidden)
        nu_log = torch.log(-0.5 * torch.log(u1 * (r_max ** 2 - r_min ** 2) + r_min ** 2))
        theta_log = torch.log(max_phase * u2)
        self.nu_log = nn.Parameter(nu_log)
        self.theta_log = nn.Parameter(theta_log)
        diag_lambda = torch.exp(torch.complex(-torch.exp(nu_log), torch.exp(theta_log)))
        self.gamma_log = nn.Parameter(torch.log(torch.sqrt(1 - torch.abs(diag_lambda) ** 2)))
        self.B_re = nn.Parameter(torch.randn(d_hidden, d_in) / math.sqrt(2 * d_in))
        self.B_im = nn.Parameter(torch.randn(d_hidden, d_in) / math.sqrt(2 * d_in))
        self.C_re = nn.Parameter(torch.randn(d_in, d_hidden) / math.sqrt(d_hidden))
        self.C_im = nn.Parameter(torch.randn(d_in, d_hidden) / math.sqrt(d_hidden))
        self.D = nn.Parameter(torch.randn(d_in))

    def lam(self):
        return torch.exp(-torch.exp(self.nu_log) + 1j * torch.exp(self.theta_log))

    def forward(self, u, mode="loop"):  # u: (B, L, d_in)
        lam = self.lam()
        B_norm = torch.complex(self.B_re, self.B_im) * torch.exp(self.gamma_log).unsqueeze(-1)
        C = torch.complex(self.C_re, self.C_im)
        Bu = u.to(torch.cfloat) @ B_norm.T  # (B, L, H)
        if mode == "loop":
            x = torch.zeros(u.shape[0], lam.shape[0], dtype=torch.cfloat)
            xs = []
            for k in range(u.shape[1]):
                x = lam * x + Bu[:, k]
                xs.append(x)
            xs = torch.stack(xs, dim=1)
        elif mode == "logcumsum":
            L = u.shape[1]
            powers = lam ** torch.arange(1, L + 1).unsqueeze(-1)  # lam^(k+1)
            xs = powers * torch.cumsum(Bu / powers, dim=1)
        else:
            xs = associative_scan(lam.expand(u.shape[1], -1).unsqueeze(0).expand_as(Bu), Bu)
        y = (xs @ C.T).real + u * self.D
        return y


def binary_op(e1, e2):
    a1, b1 = e1
    a2, b2 = e2
    return a1 * a2, a2 * b1 + b2


def associative_scan(a, b):
    """Hillis-Steele inclusive scan along dim 1 of the affine maps x -> a x + b."""
    L = a.shape[1]
    offset = 1
    while offset < L:
        a_prev = F.pad(a[:, :-offset].real, (0, 0, offset, 0), value=1.0) + 1j * F.pad(a[:, :-offset].imag, (0, 0, offset, 0))
        b_prev = torch.cat([torch.zeros_like(b[:, :offset]), b[:, :-offset]], dim=1)
        a, b = binary_op((a_prev, b_prev), (a, b))
        offset *= 2
    return b


lru = LRU(3, 8)
print(lru)
lam = lru.lam()
print("lambda dtype:", lam.dtype)
print("|lambda|:", lam.abs().detach())
print("arg(lambda):", torch.angle(lam).detach())
print("gamma:", torch.exp(lru.gamma_log).detach())
print("all stable:", bool((lam.abs() < 1).all()))

u = torch.randn(2, 12, 3)
y_loop = lru(u, "loop")
y_log = lru(u, "logcumsum")
y_scan = lru(u, "scan")
print("y shape:", y_loop.shape, y_loop.dtype)
print("loop vs logcumsum:", torch.allclose(y_loop, y_log, atol=1e-4))
print("loop vs scan:", torch.allclose(y_loop, y_scan, atol=1e-5))
print(y_loop[0, :4])

# real-valued scan with cumprod (decays in (0,1))
a = torch.sigmoid(torch.randn(2, 10, 4))
b = torch.randn(2, 10, 4)
h = torch.zeros(2, 4)
ref = []
for t in range(10):
    h = a[:, t] * h + b[:, t]
    ref.append(h)
ref = torch.stack(ref, 1)
A_cum = torch.cumprod(a, dim=1)
h_cum = A_cum * torch.cumsum(b / A_cum, dim=1)
log_a = torch.log(a)
log_A = torch.cumsum(log_a, dim=1)
# log-space via logcumsumexp of log|b| with signs: split positive/negative parts
pos = torch.logcumsumexp(torch.where(b > 0, torch.log(b.clamp_min(1e-30)), torch.tensor(-math.inf)) - log_A, dim=1)
neg = torch.logcumsumexp(torch.where(b < 0, torch.log((-b).clamp_min(1e-30)), torch.tensor(-math.inf)) - log_A, dim=1)
h_log = torch.exp(log_A + pos) - torch.exp(log_A + neg)
print("cumprod scan ok:", torch.allclose(ref, h_cum, atol=1e-4))
print("logcumsumexp scan ok:", torch.allclose(ref, h_log, atol=1e-4))
print("h[0, -1]:", ref[0, -1])
print("cummax of decays:", torch.cummax(a[0, :, 0], dim=0).values)
vals, idx = torch.cummin(a[0, :, 0], dim=0)
print("cummin idx:", idx)

# gradients of the scan w.r.t. lambda parameters, compare loop and logcumsum
lru.zero_grad()
y_loop.pow(2).sum().backward()
g_loop = {n: p.grad.clone() for n, p in lru.named_parameters()}
lru.zero_grad()
lru(u, "scan").pow(2).sum().backward()
for n, p in lru.named_parameters():
    print(f"{n:10s} grad norm {g_loop[n].norm().item():.3f} same={torch.allclose(g_loop[n], p.grad, rtol=1e-3, atol=1e-4)}")

# complex autograd directly
z = torch.tensor([0.5 + 0.5j, -0.3 + 0.8j], requires_grad=True)
w = (z * z.conj()).real.sum() + (z ** 3).imag.sum()
w.backward()
print("complex grad:", z.grad)
zl = torch.tensor([0.9 + 0.1j], requires_grad=True)
p = zl ** torch.arange(5)
print(p)
p.abs().sum().backward()
print("grad of sum |z^k|:", zl.grad)

# train LRU + readout to reproduce a delayed copy of the input
torch.manual_seed(1)
model = nn.ModuleDict({"lru": LRU(1, 16), "head": nn.Linear(1, 1)})
opt = torch.optim.AdamW(model.parameters(), lr=1e-2, weight_decay=0.01)
x = torch.randn(16, 20, 1)
target = F.pad(x, (0, 0, 3, 0))[:, :20]
for step in range(60):
    opt.zero_grad()
    out = model["head"](model["lru"](x, "logcumsum"))
    loss = F.mse_loss(out, target)
    loss.backward()
    gn = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    if step % 15 == 0 or step == 59:
        print(f"step {step:2d} loss {loss.item():.4f} grad-norm {gn.item():.4f}")
print("final |lambda| range:", f"{model['lru'].lam().abs().min().item():.3f}", f"{model['lru'].lam().abs().max().item():.3f}")
print(opt)
print("state keys:", sorted(opt.state_dict()["state"][0].keys()))

try:
    torch.cumsum(torch.randn(3), dim=2)
except IndexError as e:
    print("IndexError:", e)
try:
    torch.logcumsumexp(torch.tensor([1, 2, 3]), dim=0)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.complex(torch.tensor([1, 2]), torch.tensor([1, 2]))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    lru(torch.randn(2, 5, 4))
except RuntimeError as e:
    print("RuntimeError:", e)
