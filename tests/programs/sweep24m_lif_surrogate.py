"""Leaky integrate-and-fire neurons in plain torch, snnTorch-tutorial style: a membrane unrolled over
time with reset by subtraction and reset to zero, spikes from torch.heaviside and (mem > thr).float(),
surrogate gradients through custom autograd Functions (fast sigmoid, arctan, straight-through) using
ctx.save_for_backward / needs_input_grad, and gradcheck on each surrogate in float64."""
import math

import torch


class FastSigmoidSpike(torch.autograd.Function):
    scale = 25.0

    @staticmethod
    def forward(ctx, mem):
        ctx.save_for_backward(mem)
        return (mem > 0).float() if mem.dtype == torch.float32 else (mem > 0).to(mem.dtype)

    @staticmethod
    def backward(ctx, grad_output):
        (mem,) = ctx.saved_tensors
        grad_input = None
        if ctx.needs_input_grad[0]:
            grad_input = grad_output / (FastSigmoidSpike.scale * torch.abs(mem) + 1.0) ** 2
        return grad_input


class ATanSpike(torch.autograd.Function):
    @staticmethod
    def forward(ctx, mem, alpha=2.0):
        ctx.save_for_backward(mem)
        ctx.alpha = alpha
        return torch.heaviside(mem, torch.tensor(0.0, dtype=mem.dtype))

    @staticmethod
    def backward(ctx, grad_output):
        (mem,) = ctx.saved_tensors
        a = ctx.alpha
        grad = a / 2 / (1 + (math.pi / 2 * a * mem).pow_(2)) * grad_output
        return grad, None


class STESpike(torch.autograd.Function):
    @staticmethod
    def forward(ctx, mem):
        out = torch.zeros_like(mem)
        out[mem > 0] = 1.0
        return out

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output.clone()


spike_fast = FastSigmoidSpike.apply
spike_atan = ATanSpike.apply


def lif_step(x, mem, beta=0.9, thr=1.0, reset="subtract", spike_fn=spike_fast):
    if reset == "subtract":
        spk_prev = (mem > thr).float()
        mem = beta * mem + x - spk_prev * thr
    else:
        spk_prev = (mem > thr).float()
        mem = beta * mem * (1 - spk_prev) + x
    spk = spike_fn(mem - thr)
    return spk, mem


torch.manual_seed(0)
num_steps = 25
cur_in = torch.cat((torch.zeros(5), torch.ones(20) * 0.31), 0)
mem = torch.zeros(1)
mem_rec, spk_rec = [], []
for step in range(num_steps):
    spk, mem = lif_step(cur_in[step], mem)
    mem_rec.append(mem)
    spk_rec.append(spk)
mem_rec = torch.stack(mem_rec)
spk_rec = torch.stack(spk_rec)
print("membrane:", torch.round(mem_rec.squeeze(), decimals=3))
print("spikes:", spk_rec.squeeze().int())
print("spike times:", torch.nonzero(spk_rec.squeeze()).flatten().tolist())

# reset to zero vs subtract on a small population
x = torch.rand(30, 4) * 0.6
for reset in ("subtract", "zero"):
    mem = torch.zeros(4)
    spikes = []
    for t in range(30):
        spk, mem = lif_step(x[t], mem, beta=0.8, reset=reset)
        spikes.append(spk)
    raster = torch.stack(spikes).int()
    print(reset, "counts:", raster.sum(0), "rate:", raster.float().mean(0))
    print(raster.T)

# heaviside values argument
v = torch.tensor([-1.0, 0.0, 0.5, 0.0])
print(torch.heaviside(v, torch.tensor([0.5])))
print(torch.heaviside(v, torch.tensor([0.0, 1.0, 0.0, 0.25])))

# surrogate gradients through time (float64: a matmul's last float32 bit differs between BLAS builds,
# and a threshold crossing turns that into a different spike)
w = torch.randn(4, 3, dtype=torch.float64, requires_grad=True)
inp = torch.rand(10, 2, 4, dtype=torch.float64)
for name, fn in (("fast", spike_fast), ("atan", spike_atan), ("ste", STESpike.apply)):
    mem = torch.zeros(2, 3, dtype=torch.float64)
    total = 0
    for t in range(10):
        cur = inp[t] @ w
        mem = 0.9 * mem + cur
        spk = fn(mem - 1.0)
        mem = mem - spk.detach()
        total = total + spk.sum()
    w.grad = None
    total.backward()
    print(name, "spikes", int(total.item()), "grad", torch.round(w.grad, decimals=4))
    print(spk.grad_fn.__class__.__name__, spk.requires_grad)

# gradcheck on the surrogates (float64, away from the step)
m = torch.tensor([-0.7, -0.2, 0.3, 0.9, 1.4], dtype=torch.float64, requires_grad=True)


def fast_smooth(m):
    return FastSigmoidSpike.apply(m) * 0 + m / (1 + 25 * m.abs())


print(torch.autograd.gradcheck(fast_smooth, (m,)))
# the spike itself is a step: gradcheck rejects the surrogate (a float32 spike of a float64 input)
try:
    torch.autograd.gradcheck(lambda v: spike_fast(v).float(), (m[:3],))
except Exception as e:
    print(type(e).__name__, str(e))
out = spike_fast(m)
g, = torch.autograd.grad(out.sum(), m)
print(torch.round(g, decimals=6))
out = spike_atan(m, 3.0)
g, = torch.autograd.grad(out.sum(), m)
print(torch.round(g, decimals=6), out.dtype)
nd = torch.tensor([0.5, -0.5], requires_grad=False)
print(spike_fast(nd), spike_fast(nd).requires_grad)
