"""fast.ai "deep learning from the foundations" style: matmul from scratch with Python loops, then
broadcasting, then einsum, compared with `@`; Kaiming init by hand with activation statistics;
hand-written Module / Sequential / optimizer; formatting of 0-d tensors, iteration, tolist, item."""
import math

import torch

torch.manual_seed(0)

a = torch.randn(5, 4)
b = torch.randn(4, 3)

def matmul_loops(a, b):
    ar, ac = a.shape
    br, bc = b.shape
    assert ac == br
    c = torch.zeros(ar, bc)
    for i in range(ar):
        for j in range(bc):
            for k in range(ac):
                c[i, j] += a[i, k] * b[k, j]
    return c

def matmul_rows(a, b):
    return torch.stack([(a[i].unsqueeze(-1) * b).sum(dim=0) for i in range(a.shape[0])])

ref = a @ b
for fn in (matmul_loops, matmul_rows, lambda a, b: (a[..., None] * b[None]).sum(dim=1),
           lambda a, b: torch.einsum("ik,kj->ij", a, b)):
    out = fn(a, b)
    print(fn.__name__, out.shape, out.dtype, torch.allclose(out, ref, atol=1e-5), f"{(out - ref).abs().max():.3f}")
print(ref.round(decimals=3))
print(torch.einsum("bi,bj->bij", a[:2], a[:2]).shape, torch.einsum("ii->", torch.eye(3) * 2).item())
print(torch.einsum("ij->ji", b).shape, torch.einsum("ij,ij->i", a, a).round(decimals=3))
wa = a.clone().requires_grad_()
for eq, ops in [("ij->ji", [wa]), ("ij->j", [wa]), ("ij,ij->ij", [wa, a]), ("ij,jk->ik", [wa, b]), ("ii->i", [wa[:4]])]:
    out = torch.einsum(eq, *ops)
    out.sum().backward()
    print(eq, tuple(out.shape), type(out.grad_fn).__name__, f"{wa.grad.sum():.3f}")
    wa.grad = None
print(torch.einsum("ij,jk->ik", torch.ones(2, 1), torch.ones(4, 4)))
for eq, shapes in [("ij,jk->ik", [(2, 3), (4, 4)]), ("ij->", [(2, 3, 4)]), ("i,i", [(3,)]), ("i->ii", [(3,)])]:
    try:
        torch.einsum(eq, *[torch.ones(s) for s in shapes])
    except RuntimeError as e:
        print(type(e).__name__, e)

c = torch.tensor([10.0, 20.0, 30.0])
m = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]])
print(m + c)
print(m + c[:, None])
print(c.expand_as(m), c.expand_as(m).stride(), c[None].shape, c[..., None].shape)

# iteration, tolist, item, formatting
for row in m[:2]:
    print(row, row.tolist(), f"{row.sum():.3f}", f"{row.mean():8.2f}|", f"{row[0]:+.1e}")
v = torch.tensor(3.14159)
print(f"{v:.3f}", f"{v}", "{:.2f}".format(v), format(v, ".4f"), str(v), repr(v), v.item(), type(v.item()).__name__)
print(f"{torch.tensor(7):d}", f"{torch.tensor(7):>5}", int(torch.tensor(7.9)), float(torch.tensor(2)))
for bad in (lambda: f"{torch.ones(2):.2f}", lambda: float(torch.ones(2)), lambda: int(torch.ones(0)),
            lambda: bool(torch.ones(0)), lambda: torch.zeros(2, requires_grad=True).apply_(abs)):
    try:
        print(bad())
    except Exception as e:
        print(type(e).__name__, e)
print(m.new_zeros(2, 3), m.new_ones(2).dtype, m.new_full((2,), 5.0), m.new_tensor([1, 2]).dtype, m.new_empty(0).shape)
z = torch.zeros(2, 3)
z.apply_(lambda x: x + 1.5)
print(z)
zi = torch.arange(6).reshape(2, 3)
zi.map_(torch.ones(2, 3, dtype=torch.long), lambda x, y: x * 10 + y)
zf = torch.zeros(2, 3).map2_(torch.ones(3), torch.full((2, 1), 2.0), lambda x, y, z: x + y * z)
print(zi, zf)

# Kaiming init by hand: statistics of activations through a deep ReLU stack
x = torch.randn(512, 64)
for name, scale in [("naive", lambda m: 1.0), ("xavier", lambda m: math.sqrt(1 / m)), ("kaiming", lambda m: math.sqrt(2 / m))]:
    torch.manual_seed(1)
    h = x
    for _ in range(8):
        w = torch.randn(h.shape[1], 64) * scale(h.shape[1])
        h = (h @ w).clamp_min(0.0)
    print(f"{name:8s} mean {h.mean():.4g} std {h.std():.4g}")

class Module:
    def __call__(self, *args):
        self.args, self.out = args, self.forward(*args)
        return self.out

    def parameters(self):
        return []

class Lin(Module):
    def __init__(self, n_in, n_out):
        self.w = (torch.randn(n_in, n_out) * math.sqrt(2 / n_in)).requires_grad_()
        self.b = torch.zeros(n_out, requires_grad=True)

    def forward(self, x):
        return x @ self.w + self.b

    def parameters(self):
        return [self.w, self.b]

class Relu(Module):
    def forward(self, x):
        return x.clamp_min(0.0) - 0.5

class Sequential(Module):
    def __init__(self, *layers):
        self.layers = list(layers)

    def forward(self, x):
        for l in self.layers:
            x = l(x)
        return x

    def parameters(self):
        return [p for l in self.layers for p in l.parameters()]

class Optimizer:
    def __init__(self, params, lr=0.5):
        self.params, self.lr = list(params), lr

    def step(self):
        with torch.no_grad():
            for p in self.params:
                p -= p.grad * self.lr

    def zero_grad(self):
        for p in self.params:
            p.grad.data.zero_()

torch.manual_seed(2)
xs = torch.randn(64, 10)
ys = (xs[:, :3].sum(dim=1) > 0).long()
model = Sequential(Lin(10, 16), Relu(), Lin(16, 2))
opt = Optimizer(model.parameters(), lr=0.2)
print(len(model.parameters()), [tuple(p.shape) for p in model.parameters()])
for epoch in range(5):
    for i in range(0, 64, 16):
        xb, yb = xs[i:i + 16], ys[i:i + 16]
        logits = model(xb)
        logp = logits - logits.exp().sum(-1, keepdim=True).log()
        loss = -logp[range(yb.shape[0]), yb].mean()
        loss.backward()
        opt.step()
        opt.zero_grad()
    acc = (model(xs).argmax(dim=1) == ys).float().mean()
    print(epoch, f"{loss:.3f}", f"{acc:.3f}", type(loss.grad_fn).__name__)
