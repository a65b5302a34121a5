"""Autograd memory and mode recipes: activation checkpointing (reentrant and not) giving the plain
gradients, saved_tensors_hooks / save_on_cpu, autograd.grad with allow_unused and
materialize_grads, anomaly detection's error, and no_grad / enable_grad / set_grad_enabled /
inference_mode nesting."""
import torch
import torch.nn as nn
from torch.utils.checkpoint import checkpoint, checkpoint_sequential

torch.manual_seed(0)


def r(t, n=4):
    return t.detach().round(decimals=n)


block1 = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 8), nn.Tanh())
block2 = nn.Sequential(nn.Linear(8, 2))
x = torch.randn(3, 4, requires_grad=True)


def grads():
    return [p.grad.clone() for p in list(block1.parameters()) + list(block2.parameters())] + [x.grad.clone()]


def run(fwd):
    for p in list(block1.parameters()) + list(block2.parameters()):
        p.grad = None
    x.grad = None
    out = fwd()
    out.pow(2).sum().backward()
    return out, grads()


plain_out, plain = run(lambda: block2(block1(x)))
for reentrant in (False, True):
    out, g = run(lambda: block2(checkpoint(block1, x, use_reentrant=reentrant)))
    print(reentrant, torch.equal(out, plain_out), all(torch.allclose(a, b, atol=1e-6) for a, b in zip(g, plain)))
    print(type(checkpoint(block1, x, use_reentrant=reentrant).grad_fn).__name__)
model = nn.Sequential(nn.Linear(4, 6), nn.ReLU(), nn.Linear(6, 6), nn.ReLU(), nn.Linear(6, 1))
inp = torch.randn(5, 4, requires_grad=True)
seq = checkpoint_sequential(model, 2, inp, use_reentrant=False)
print(torch.allclose(seq, model(inp)), seq.shape)
seq.sum().backward()
print(r(inp.grad[0]))


def two_outputs(a, b):
    return a * b, a + b


a, b = torch.randn(3, requires_grad=True), torch.randn(3, requires_grad=True)
p, s = checkpoint(two_outputs, a, b, use_reentrant=False)
(p.sum() + s.sum()).backward()
print(torch.allclose(a.grad, b + 1), torch.allclose(b.grad, a + 1))

# saved tensor hooks
packed = []


def pack(t):
    packed.append(tuple(t.shape))
    return t.clone()


def unpack(t):
    return t


w = torch.randn(3, requires_grad=True)
with torch.autograd.graph.saved_tensors_hooks(pack, unpack):
    y = (w * w).sin().sum()
print(packed)
y.backward()
print(torch.allclose(w.grad, torch.cos(w * w) * 2 * w))
w.grad = None
with torch.autograd.graph.save_on_cpu(pin_memory=False):
    z = (w.exp() * w).sum()
z.backward()
print(torch.allclose(w.grad, w.exp() * (w + 1)))
names = []
with torch.autograd.graph.saved_tensors_hooks(lambda t: names.append(t.dtype) or t, lambda t: t):
    torch.randn(2, 2, requires_grad=True).matmul(torch.ones(2, 2)).relu().sum()
print(names)

# autograd.grad options
u, v = torch.tensor([1.0, 2.0], requires_grad=True), torch.tensor([3.0], requires_grad=True)
out = (u ** 2).sum()
print(torch.autograd.grad(out, [u, v], allow_unused=True, retain_graph=True))
print(torch.autograd.grad(out, [u, v], allow_unused=True, materialize_grads=True, retain_graph=True))
for kw in [{}, {"materialize_grads": True, "allow_unused": False}]:
    try:
        torch.autograd.grad(out, [u, v], retain_graph=True, **kw)
    except Exception as e:
        print(type(e).__name__, e)
(g1,) = torch.autograd.grad(out, u, create_graph=True)
print(g1, type(g1.grad_fn).__name__)
print(torch.autograd.grad(g1.sum(), u))
try:
    out.backward()
    out.backward()
except Exception as e:
    print(type(e).__name__, str(e)[:100])
print(torch.autograd.grad([u.sum(), (u * 2).sum()], u, grad_outputs=[torch.tensor(1.0), torch.tensor(3.0)]))

# anomaly detection
print(torch.is_anomaly_enabled())
with torch.autograd.set_detect_anomaly(True):
    print(torch.is_anomaly_enabled())
    q = torch.tensor([0.0, 1.0], requires_grad=True)
    bad = (q.sqrt() * 0).sum()
    try:
        bad.backward()
    except Exception as e:
        print(type(e).__name__, e)
print(torch.is_anomaly_enabled())
with torch.autograd.detect_anomaly(check_nan=False):
    q.grad = None
    (q.sqrt() * 0).sum().backward()
    print(q.grad)

# grad-mode nesting
t = torch.ones(2, requires_grad=True)
with torch.no_grad():
    print(torch.is_grad_enabled(), (t * 2).requires_grad)
    with torch.enable_grad():
        print(torch.is_grad_enabled(), (t * 2).requires_grad)
    with torch.set_grad_enabled(True):
        print((t * 2).requires_grad)
print(torch.is_grad_enabled())
torch.set_grad_enabled(False)
print((t * 2).requires_grad, torch.is_grad_enabled())
torch.set_grad_enabled(True)


@torch.no_grad()
def frozen(z):
    return z * 3


print(frozen(t).requires_grad, frozen.__name__)
with torch.inference_mode():
    inf = t * 2
    print(torch.is_inference_mode_enabled(), inf.requires_grad, inf.is_inference(), torch.is_grad_enabled())
    with torch.inference_mode(False):
        print(torch.is_inference_mode_enabled(), (t * 2).is_inference())
print(inf.is_inference(), t.is_inference(), torch.is_inference_mode_enabled())
try:
    inf.add_(1)
except Exception as e:
    print(type(e).__name__, e)
try:
    (inf * t).sum().backward()
    print(t.grad)
except Exception as e:
    print(type(e).__name__, e)
print(inf.clone().is_inference(), type(torch.no_grad()).__name__, torch.inference_mode().mode)
