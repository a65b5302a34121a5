"""Forward-mode AD, tutorial style: directional derivatives with dual tensors, a Jacobian built
column by column, a module's jvp with dual inputs and with dual parameters (functional_call), and
the same numbers from torch.func.jvp."""
import torch
import torch.autograd.forward_ad as fwAD
import torch.nn as nn
from torch.func import functional_call, jvp

torch.manual_seed(0)


def fmt(t):
    return "[" + ", ".join(f"{v:.4f}" for v in t.reshape(-1).tolist()) + "]"


def f(x, y):
    return (x ** 2 * y.sin()).sum() + (x * y).exp().mean()


x = torch.randn(4, dtype=torch.float64)
y = torch.randn(4, dtype=torch.float64)
v = torch.randn(4, dtype=torch.float64)

# 1. directional derivative of f at (x, y) along (v, 0)
with fwAD.dual_level():
    out = f(fwAD.make_dual(x, v), y)
    primal, tangent = fwAD.unpack_dual(out)
    print("f:", f"{primal.item():.4f}", "df.v:", f"{tangent.item():.4f}")
    print("y has no tangent:", fwAD.unpack_dual(y).tangent is None)

_, ref = jvp(lambda a: f(a, y), (x,), (v,))
print("func.jvp agrees:", f"{ref.item():.4f}")

# 2. a Jacobian, one forward pass per input direction
def g(z):
    return torch.stack([z[0] * z[1], z.tanh().sum(), (z ** 3)[2] - z[3]])


cols = []
with fwAD.dual_level():
    for i in range(4):
        e = torch.zeros(4, dtype=torch.float64)
        e[i] = 1.0
        cols.append(fwAD.unpack_dual(g(fwAD.make_dual(x, e))).tangent)
J = torch.stack(cols, dim=1)
print("J rows:")
for row in J:
    print("  ", fmt(row))
print("matches autograd.functional.jacobian:",
      torch.allclose(J, torch.autograd.functional.jacobian(g, x)))

# 3. jvp of a module's forward with respect to its input
model = nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 2)).double()
inp = torch.randn(3, 4, dtype=torch.float64)
direction = torch.randn(3, 4, dtype=torch.float64)
with fwAD.dual_level():
    out = model(fwAD.make_dual(inp, direction))
    print("module out:", fmt(fwAD.unpack_dual(out).primal))
    print("module jvp:", fmt(fwAD.unpack_dual(out).tangent))

# 4. jvp with respect to the parameters, through functional_call
params = {name: p.detach() for name, p in model.named_parameters()}
tangents = {name: torch.randn_like(p) for name, p in params.items()}
with fwAD.dual_level():
    dual_params = {name: fwAD.make_dual(p, tangents[name]) for name, p in params.items()}
    out = functional_call(model, dual_params, (inp,))
    print("param jvp:", fmt(fwAD.unpack_dual(out).tangent))

# 5. after the level is left, tangents are gone
with fwAD.dual_level():
    d = fwAD.make_dual(x, v)
    w = (d * 3).cos()
print("after exit:", fwAD.unpack_dual(w).tangent)

# 6. float32 and a softmax/log-likelihood
logits = torch.randn(2, 5)
target = torch.tensor([1, 3])
dl = torch.randn(2, 5)
with fwAD.dual_level():
    loss = nn.functional.cross_entropy(fwAD.make_dual(logits, dl), target)
    p, t = fwAD.unpack_dual(loss)
    print("loss:", f"{p.item():.4f}", "dloss:", f"{t.item():.4f}")
