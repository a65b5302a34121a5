"""Log-domain arithmetic as in a probabilistic-modelling course notebook: log1mexp by the two-branch
trick (Maechler's note), logaddexp / logaddexp2 / logsumexp with -inf entries, log-beta through
torch.lgamma, softplus and sigmoid written naively and stably and checked against F.softplus /
torch.sigmoid, BCE from logits three ways, and gradients at the edge points (0, -0.0, +-inf, huge)
in float32 and float64."""
import math

import torch
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_printoptions(precision=5)

LOG2 = math.log(2.0)


def log1mexp(x):
    """log(1 - exp(-|x|)), stable for all x >= 0 (Maechler 2012)."""
    x = x.abs()
    return torch.where(x < LOG2, torch.log(-torch.expm1(-x)), torch.log1p(-torch.exp(-x)))


def naive_log1mexp(x):
    return torch.log(1 - torch.exp(-x))


def log_beta(a, b):
    return torch.lgamma(a) + torch.lgamma(b) - torch.lgamma(a + b)


def softplus_naive(x):
    return torch.log(1 + torch.exp(x))


def softplus_stable(x):
    return torch.clamp(x, min=0) + torch.log1p(torch.exp(-x.abs()))


def sigmoid_stable(x):
    return torch.where(x >= 0, 1 / (1 + torch.exp(-x)), torch.exp(x) / (1 + torch.exp(x)))


def bce_naive(logits, y):
    p = torch.sigmoid(logits)
    return -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()


def bce_stable(logits, y):
    return (torch.clamp(logits, min=0) - logits * y + torch.log1p(torch.exp(-logits.abs()))).mean()


for dtype in (torch.float32, torch.float64):
    print(f"===== {dtype} =====")
    x = torch.tensor([1e-20, 1e-10, 1e-3, 0.5, LOG2, 1.0, 10.0, 40.0, 800.0, float("inf")], dtype=dtype)
    print("log1mexp      ", log1mexp(x))
    print("naive log1mexp", naive_log1mexp(x))

    a = torch.tensor([0.0, -float("inf"), -float("inf"), 1000.0, -1000.0, 3.0, float("inf")], dtype=dtype)
    b = torch.tensor([0.0, -float("inf"), 2.0, 1000.0, -1001.0, -2.0, float("inf")], dtype=dtype)
    print("logaddexp ", torch.logaddexp(a, b))
    print("logaddexp2", torch.logaddexp2(a, b))
    print("naive     ", torch.log(torch.exp(a) + torch.exp(b)))
    m = torch.stack([a, b])
    print("logsumexp ", torch.logsumexp(m, dim=0))
    print("lse all -inf", torch.logsumexp(torch.full((3,), -float("inf"), dtype=dtype), dim=0))
    print("lse keepdim", torch.logsumexp(m[:, :5], dim=1, keepdim=True))

    s = torch.tensor([-1000.0, -100.0, -20.0, -1.0, -0.0, 0.0, 1.0, 20.0, 100.0, 1000.0], dtype=dtype)
    print("softplus naive ", softplus_naive(s))
    print("softplus stable", softplus_stable(s))
    print("F.softplus     ", F.softplus(s))
    print("F.softplus b=2 t=5", F.softplus(s, beta=2.0, threshold=5.0))
    print("sigmoid stable ", sigmoid_stable(s))
    print("torch.sigmoid  ", torch.sigmoid(s))
    print("logsigmoid     ", F.logsigmoid(s))
    print("max |diff| sp  ", (softplus_stable(s) - F.softplus(s)).abs().max().item() < 1e-5)

    alpha = torch.tensor([0.5, 1.0, 2.0, 10.0, 100.0, 1e-3], dtype=dtype)
    beta_ = torch.tensor([0.5, 1.0, 3.0, 10.0, 200.0, 1e-3], dtype=dtype)
    print("log B(a,b)", log_beta(alpha, beta_))
    print("lgamma edges", torch.lgamma(torch.tensor([0.0, -0.0, -1.0, -2.5, 1.0, 2.0, 1e-7, 171.0, 1e20,
                                                     float("inf"), -float("inf")], dtype=dtype)))

    logits = torch.tensor([-200.0, -30.0, -2.0, 0.0, 2.0, 30.0, 200.0], dtype=dtype)
    y = torch.tensor([1.0, 0.0, 1.0, 0.0, 1.0, 1.0, 0.0], dtype=dtype)
    print("bce naive ", bce_naive(logits, y).item())
    print("bce stable", round(bce_stable(logits, y).item(), 6))
    print("F.bce_with_logits", round(F.binary_cross_entropy_with_logits(logits, y).item(), 6))
    print("F.bce(sigmoid)", round(F.binary_cross_entropy(torch.sigmoid(logits), y).item(), 6))
    print("pos_weight", F.binary_cross_entropy_with_logits(logits, y, pos_weight=torch.tensor(3.0, dtype=dtype),
                                                          reduction="none"))

    # gradients at the edges
    e = torch.tensor([-float("inf"), -1e30, -50.0, -0.0, 0.0, 50.0, 1e30, float("inf")], dtype=dtype,
                     requires_grad=True)
    for name, fn in [("sigmoid", torch.sigmoid), ("softplus", F.softplus), ("logsigmoid", F.logsigmoid),
                     ("softplus_stable", softplus_stable), ("log1p(exp)", softplus_naive),
                     ("tanh", torch.tanh), ("log1mexp", log1mexp)]:
        (g,) = torch.autograd.grad(fn(e).sum(), e)
        print(f"d {name:<16s}", g)
    u = torch.tensor([0.0, -float("inf"), 1.0, float("inf")], dtype=dtype, requires_grad=True)
    v = torch.tensor([0.0, -float("inf"), -float("inf"), 1.0], dtype=dtype, requires_grad=True)
    gu, gv = torch.autograd.grad(torch.logaddexp(u, v).sum(), (u, v))
    print("d logaddexp", gu, gv)
    gu, gv = torch.autograd.grad(torch.logaddexp2(u, v).sum(), (u, v))
    print("d logaddexp2", gu, gv)
    w = torch.tensor([[0.0, -float("inf")], [-float("inf"), -float("inf")]], dtype=dtype, requires_grad=True)
    (gw,) = torch.autograd.grad(torch.logsumexp(w, dim=1).sum(), w)
    print("d logsumexp", gw)
    la = torch.tensor([0.5, 2.0, 1e-3], dtype=dtype, requires_grad=True)
    lb = torch.tensor([0.5, 3.0, 1e-3], dtype=dtype, requires_grad=True)
    ga, gb = torch.autograd.grad(log_beta(la, lb).sum(), (la, lb))
    print("d logB", ga, gb)

# fitting a Beta distribution by maximum likelihood, in log space
torch.manual_seed(1)
data = torch.distributions.Beta(2.0, 5.0).sample((200,)).double()
log_a = torch.zeros((), dtype=torch.float64, requires_grad=True)
log_b = torch.zeros((), dtype=torch.float64, requires_grad=True)
opt = torch.optim.Adam([log_a, log_b], lr=0.1)
for step in range(60):
    a, b = log_a.exp(), log_b.exp()
    nll = -((a - 1) * data.log() + (b - 1) * torch.log1p(-data) - log_beta(a, b)).mean()
    opt.zero_grad()
    nll.backward()
    opt.step()
    if step % 20 == 0:
        print(f"step {step:2d} nll {nll.item():.5f} a {a.item():.4f} b {b.item():.4f}")
print(f"final a {log_a.exp().item():.3f} b {log_b.exp().item():.3f}")
