"""In the style of "The Fundamentals of Autograd" from the Introduction to PyTorch series: a sine
curve with requires_grad, the grad_fn chain, backward, a tiny model's gradients around zero_grad,
turning autograd off, in-place errors, and the autograd.functional API."""
import math

import torch
import torch.nn as nn

a = torch.linspace(0., 2. * math.pi, steps=25, requires_grad=True)
print(a.round(decimals=4))
print(a.requires_grad, a.grad_fn, a.is_leaf)

b = torch.sin(a)
print(b.round(decimals=4))
c = 2 * b
print(c.round(decimals=4))
d = c + 1
print(d.round(decimals=4))
out = d.sum()
print(f"{out.item():.4f}")

def show(obj):
    if isinstance(obj, tuple):
        return "(" + ", ".join(show(o) for o in obj) + ")"
    return "None" if obj is None else type(obj).__name__ if not isinstance(obj, int) else str(obj)


print('d:')
print(show(d.grad_fn))
print(show(d.grad_fn.next_functions))
print(show(d.grad_fn.next_functions[0][0].next_functions))
print(show(d.grad_fn.next_functions[0][0].next_functions[0][0].next_functions))
print(show(d.grad_fn.next_functions[0][0].next_functions[0][0].next_functions[0][0].next_functions))
print('\nc:')
print(show(c.grad_fn))
print('\nb:')
print(show(b.grad_fn))
print('\na:')
print(a.grad_fn)


def walk(fn, depth=0):
    if fn is None:
        return
    print("  " * depth + type(fn).__name__, fn.name())
    for nxt, idx in fn.next_functions:
        walk(nxt, depth + 1)


walk(out.grad_fn)

out.backward()
print(a.grad.round(decimals=4))
print(torch.allclose(a.grad, 2 * torch.cos(a.detach()), atol=1e-6))

BATCH_SIZE = 16
DIM_IN = 1000
HIDDEN_SIZE = 100
DIM_OUT = 10


class TinyModel(torch.nn.Module):

    def __init__(self):
        super(TinyModel, self).__init__()
        self.layer1 = torch.nn.Linear(DIM_IN, HIDDEN_SIZE)
        self.relu = torch.nn.ReLU()
        self.layer2 = torch.nn.Linear(HIDDEN_SIZE, DIM_OUT)

    def forward(self, x):
        x = self.layer1(x)
        x = self.relu(x)
        x = self.layer2(x)
        return x


torch.manual_seed(0)
some_input = torch.randn(BATCH_SIZE, DIM_IN, requires_grad=False)
ideal_output = torch.randn(BATCH_SIZE, DIM_OUT, requires_grad=False)
model = TinyModel()
print(model.layer2.weight[0][0:10].round(decimals=4))
print(model.layer2.weight.grad)

optimizer = torch.optim.SGD(model.parameters(), lr=0.001)
prediction = model(some_input)
loss = (ideal_output - prediction).pow(2).sum()
print(f"{loss.item():.3f}", loss.grad_fn.name())
loss.backward()
print(model.layer2.weight[0][0:10].round(decimals=4))
print(model.layer2.weight.grad[0][0:10].round(decimals=3))
optimizer.step()
print(model.layer2.weight[0][0:10].round(decimals=4))
print(model.layer2.weight.grad[0][0:10].round(decimals=3))

for i in range(0, 5):
    prediction = model(some_input)
    loss = (ideal_output - prediction).pow(2).sum()
    loss.backward()
print(model.layer2.weight.grad[0][0:10].round(decimals=2))
optimizer.zero_grad(set_to_none=False)
print(model.layer2.weight.grad[0][0:10])
optimizer.zero_grad()
print(model.layer2.weight.grad)

a = torch.ones(2, 3, requires_grad=True) * 2
b = torch.ones(2, 3, requires_grad=True) * 3
c1 = a + b
print(c1)
try:
    a.requires_grad = False
except RuntimeError as e:
    print(type(e).__name__, e)
a = a.detach()
c2 = a + b
print(c2)

a = torch.ones(2, 3, requires_grad=True) * 2
b = torch.ones(2, 3, requires_grad=True) * 3
c1 = a + b
print(c1)
with torch.no_grad():
    c2 = a + b
print(c2)
c3 = a * b
print(c3)


def add_tensors1(x, y):
    return x + y


@torch.no_grad()
def add_tensors2(x, y):
    return x + y


a = torch.ones(2, 3, requires_grad=True) * 2
b = torch.ones(2, 3, requires_grad=True) * 3
c1 = add_tensors1(a, b)
print(c1)
c2 = add_tensors2(a, b)
print(c2)
print(torch.is_grad_enabled())
with torch.set_grad_enabled(False):
    print(torch.is_grad_enabled(), (a * b).requires_grad)
with torch.inference_mode():
    r = a * 2
print(r.requires_grad, r.is_inference())

x = torch.rand(5, requires_grad=True)
y = x.detach()
print(x.requires_grad, y.requires_grad)
w = torch.ones(3, requires_grad=True)
w.requires_grad_(False)
print(w.requires_grad, (w * 2).requires_grad)

a = torch.linspace(0., 2. * math.pi, steps=25, requires_grad=True)
try:
    torch.sin_(a)
except RuntimeError as e:
    print(type(e).__name__, e)
try:
    a.add_(1)
except RuntimeError as e:
    print(type(e).__name__, e)
with torch.no_grad():
    a.mul_(0.5)
print(a.is_leaf, a.requires_grad, f"{a[-1].item():.4f}")

v = torch.ones(3, requires_grad=True)
u = v.exp()
u.add_(1)
try:
    u.sum().backward()
except RuntimeError as e:
    print(type(e).__name__, str(e).splitlines()[0])

x = torch.randn(2, 3, requires_grad=True)
y = x.pow(2).sum(dim=1)
try:
    y.backward()
except RuntimeError as e:
    print(type(e).__name__, e)
y.backward(gradient=torch.tensor([1.0, 0.1]))
print(x.grad.round(decimals=4))
try:
    y.backward(gradient=torch.tensor([1.0, 0.1]))
except RuntimeError as e:
    print(type(e).__name__, str(e)[:90])


def exp_adder(x, y):
    return 2 * x.exp() + 3 * y


inputs = (torch.rand(1), torch.rand(1))
print(inputs)
jac = torch.autograd.functional.jacobian(exp_adder, inputs)
print(tuple(f"{t.item():.4f}" for t in jac[0]), jac[1])

inputs = (torch.rand(3), torch.rand(3))
print(inputs)
jac = torch.autograd.functional.jacobian(exp_adder, inputs)
print(jac[0].round(decimals=4))
print(jac[1])


def do_some_doubling(x):
    y = x * 2
    while y.data.norm() < 1000:
        y = y * 2
    return y


inputs = torch.randn(3)
my_gradients = torch.tensor([0.1, 1.0, 0.0001])
out, vjp = torch.autograd.functional.vjp(do_some_doubling, inputs, v=my_gradients)
print(out.round(decimals=2))
print(vjp)


def pow_reducer(x):
    return x.pow(3).sum()


x = torch.rand(2, 2)
v = torch.ones(2, 2)
val, hvp = torch.autograd.functional.hvp(pow_reducer, x, v)
print(f"{val.item():.4f}")
print(hvp.round(decimals=4))
print(torch.allclose(hvp, 6 * x))
_, jvp = torch.autograd.functional.jvp(pow_reducer, x, v)
print(f"{jvp.item():.4f}")
H = torch.autograd.functional.hessian(pow_reducer, x)
print(H.shape, torch.allclose(H.reshape(4, 4).diag(), 6 * x.reshape(4)))
J = torch.autograd.functional.jacobian(lambda t: t ** 2, torch.tensor([1., 2., 3.]))
print(J)
J = torch.autograd.functional.jacobian(lambda t: t ** 2, torch.tensor([1., 2.]), create_graph=True)
print(J.requires_grad)
J = torch.autograd.functional.jacobian(lambda t: t.cumsum(0), torch.tensor([1., 2., 3.]), vectorize=True)
print(J)

model = nn.Linear(3, 1)
xs = torch.randn(4, 3)
g = torch.autograd.grad(model(xs).sum(), model.parameters())
print(len(g), [tuple(t.shape) for t in g], g[1])
