"""Automatic differentiation in the style of the autograd tutorial."""
import torch

torch.manual_seed(0)

x = torch.ones(5)
y = torch.zeros(3)
w = torch.randn(5, 3, requires_grad=True)
b = torch.randn(3, requires_grad=True)
z = torch.matmul(x, w) + b
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
print(f"Gradient function for z = {z.grad_fn}".split(" object")[0])
print(f"Gradient function for loss = {type(loss.grad_fn).__name__}")
loss.backward()
print(w.grad)
print(b.grad)

z = torch.matmul(x, w) + b
print(z.requires_grad)
with torch.no_grad():
    z = torch.matmul(x, w) + b
print(z.requires_grad)
z = torch.matmul(x, w) + b
z_det = z.detach()
print(z_det.requires_grad)

inp = torch.eye(4, 5, requires_grad=True)
out = (inp + 1).pow(2).t()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"First call\n{inp.grad}")
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\nSecond call\n{inp.grad}")
inp.grad.zero_()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\nCall after zeroing gradients\n{inp.grad}")

# blitz-style
x = torch.ones(2, 2, requires_grad=True)
print(x)
y = x + 2
print(y)
print(y.grad_fn.__class__.__name__)
z = y * y * 3
out = z.mean()
print(z, out)
a = torch.randn(2, 2)
a = ((a * 3) / (a - 1))
print(a.requires_grad)
a.requires_grad_(True)
print(a.requires_grad)
b = (a * a).sum()
print(type(b.grad_fn).__name__, b.grad_fn.next_functions[0][0].name())
out.backward()
print(x.grad)

x = torch.randn(3, requires_grad=True)
y = x * 2
n = 0
while y.data.norm() < 1000:
    y = y * 2
    n += 1
print(n)
v = torch.tensor([0.1, 1.0, 0.0001], dtype=torch.float)
y.backward(v)
print(x.grad)
print(x.requires_grad)
print((x ** 2).requires_grad)
with torch.no_grad():
    print((x ** 2).requires_grad)
print(x.requires_grad)
y = x.detach()
print(y.requires_grad)
print(x.eq(y).all())

a = torch.tensor([2., 3.], requires_grad=True)
b = torch.tensor([6., 4.], requires_grad=True)
Q = 3 * a ** 3 - b ** 2
external_grad = torch.tensor([1., 1.])
Q.backward(gradient=external_grad)
print(9 * a ** 2 == a.grad)
print(-2 * b == b.grad)

# torch.autograd.grad and higher-order
x = torch.tensor(2.0, requires_grad=True)
y = x ** 3
(g,) = torch.autograd.grad(y, x, create_graph=True)
print(g)
(g2,) = torch.autograd.grad(g, x)
print(g2)

# leaf / is_leaf / retain_grad / hooks
p = torch.randn(3, requires_grad=True)
q = p * 2
q.retain_grad()
r = q.sum()
r.backward()
print(p.is_leaf, q.is_leaf, q.grad, p.grad)
h = p.register_hook(lambda g: g * 10)
(p * p).sum().backward()
print(p.grad)
h.remove()

# freeze parameters
model = torch.nn.Linear(4, 2)
for param in model.parameters():
    param.requires_grad = False
model.weight.requires_grad_(True)
out = model(torch.randn(3, 4)).sum()
out.backward()
print(model.weight.grad is not None, model.bias.grad)

# set_grad_enabled and decorator form
@torch.no_grad()
def f(t):
    return t * 2

print(f(p).requires_grad)
with torch.set_grad_enabled(False):
    print((p * 2).requires_grad)
print(torch.is_grad_enabled())

# jacobian / functional API
def fn(t):
    return t ** 2 + t.sin()

J = torch.autograd.functional.jacobian(fn, torch.tensor([0.5, 1.0]))
print(J)
H = torch.autograd.functional.hessian(lambda t: (t ** 3).sum(), torch.tensor([1.0, 2.0]))
print(H)

# error messages people run into
try:
    torch.ones(3).backward()
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.randn(3, requires_grad=True).mul(2).backward()
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.ones(2, requires_grad=True).numpy()
except RuntimeError as e:
    print("RuntimeError:", e)
leaf = torch.ones(2, requires_grad=True)
try:
    leaf.add_(1)
except RuntimeError as e:
    print("RuntimeError:", e)
s = (leaf * 3).sum()
s.backward()
try:
    s.backward()
except RuntimeError as e:
    print("RuntimeError:", str(e)[:80])
