"""'Learning PyTorch with Examples', the full progression: the NumPy warm-up, tensors with gradients by
hand, autograd, a custom autograd.Function (LegendrePolynomial3, checked with gradcheck), nn with
Flatten(0, 1), RMSprop, a Polynomial3 Module with string(), and the DynamicNet that reuses its
weight a random number of times (Python's random, seeded)."""
import math
import random

import numpy as np
import torch

random.seed(0)
torch.manual_seed(0)

# ---- warm-up: NumPy
rng = np.random.default_rng(0)
x = np.linspace(-math.pi, math.pi, 1000)
y = np.sin(x)
a, b, c, d = rng.standard_normal(4)
learning_rate = 1e-6
for t in range(500):
    y_pred = a + b * x + c * x ** 2 + d * x ** 3
    loss = np.square(y_pred - y).sum()
    grad_y_pred = 2.0 * (y_pred - y)
    a -= learning_rate * grad_y_pred.sum()
    b -= learning_rate * (grad_y_pred * x).sum()
    c -= learning_rate * (grad_y_pred * x ** 2).sum()
    d -= learning_rate * (grad_y_pred * x ** 3).sum()
print(f"numpy: {loss:.3f}  y = {a:.4f} + {b:.4f} x + {c:.4f} x^2 + {d:.4f} x^3")

# ---- tensors: the same loop with torch, starting from the NumPy weights, float64
dtype = torch.float64
device = torch.device("cpu")
x = torch.linspace(-math.pi, math.pi, 1000, device=device, dtype=dtype)
y = torch.sin(x)
w = torch.from_numpy(rng.standard_normal(4))
a, b, c, d = w.unbind()
print(type(a).__name__, a.dtype, a.shape, a._base is w if hasattr(a, "_base") else None)
for t in range(500):
    y_pred = a + b * x + c * x ** 2 + d * x ** 3
    loss = (y_pred - y).pow(2).sum().item()
    if t % 250 == 249:
        print(t, f"{loss:.4f}")
    grad_y_pred = 2.0 * (y_pred - y)
    a = a - learning_rate * grad_y_pred.sum()
    b = b - learning_rate * (grad_y_pred * x).sum()
    c = c - learning_rate * (grad_y_pred * x ** 2).sum()
    d = d - learning_rate * (grad_y_pred * x ** 3).sum()
print(f'Result: y = {a.item():.4f} + {b.item():.4f} x + {c.item():.4f} x^2 + {d.item():.4f} x^3')

# ---- autograd, float32
dtype = torch.float
x = torch.linspace(-math.pi, math.pi, 1000, dtype=dtype)
y = torch.sin(x)
a = torch.randn((), dtype=dtype, requires_grad=True)
b = torch.randn((), dtype=dtype, requires_grad=True)
c = torch.randn((), dtype=dtype, requires_grad=True)
d = torch.randn((), dtype=dtype, requires_grad=True)
print(a, b.grad, c.is_leaf)
for t in range(500):
    y_pred = a + b * x + c * x ** 2 + d * x ** 3
    loss = (y_pred - y).pow(2).sum()
    if t % 250 == 249:
        print(t, f"{loss.item():.2f}")
    loss.backward()
    with torch.no_grad():
        a -= learning_rate * a.grad
        b -= learning_rate * b.grad
        c -= learning_rate * c.grad
        d -= learning_rate * d.grad
        a.grad = None
        b.grad = None
        c.grad = None
        d.grad = None
print(a.grad, a.requires_grad, a.is_leaf, type(y_pred.grad_fn).__name__)
print(f'Result: y = {a.item():.3f} + {b.item():.3f} x + {c.item():.3f} x^2 + {d.item():.3f} x^3')


# ---- defining new autograd functions
class LegendrePolynomial3(torch.autograd.Function):
    """P3(x) = (5x^3 - 3x) / 2,  P3'(x) = 1.5 (5x^2 - 1)."""

    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return 0.5 * (5 * input ** 3 - 3 * input)

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        return grad_output * 1.5 * (5 * input ** 2 - 1)


probe = torch.randn(6, dtype=torch.double, requires_grad=True)
print(torch.autograd.gradcheck(LegendrePolynomial3.apply, (probe,), eps=1e-6, atol=1e-4))
out = LegendrePolynomial3.apply(probe)
print(type(out.grad_fn).__name__, out.grad_fn.next_functions[0][0].__class__.__name__)
out.sum().backward()
print(probe.grad)

a = torch.full((), 0.0, dtype=dtype, requires_grad=True)
b = torch.full((), -1.0, dtype=dtype, requires_grad=True)
c = torch.full((), 0.0, dtype=dtype, requires_grad=True)
d = torch.full((), 0.3, dtype=dtype, requires_grad=True)
learning_rate = 5e-6
for t in range(500):
    P3 = LegendrePolynomial3.apply
    y_pred = a + b * P3(c + d * x)
    loss = (y_pred - y).pow(2).sum()
    if t % 250 == 249:
        print(t, f"{loss.item():.2f}")
    loss.backward()
    with torch.no_grad():
        a -= learning_rate * a.grad
        b -= learning_rate * b.grad
        c -= learning_rate * c.grad
        d -= learning_rate * d.grad
        a.grad = None
        b.grad = None
        c.grad = None
        d.grad = None
print(f'Result: y = {b.item():.3f} * P3({d.item():.3f} x)  (a={abs(a.item()):.3f}, c={abs(c.item()):.3f})')

# ---- nn
p = torch.tensor([1, 2, 3])
xx = x.unsqueeze(-1).pow(p)
print(p.dtype, xx.dtype, xx.shape, xx[-1])
model = torch.nn.Sequential(
    torch.nn.Linear(3, 1),
    torch.nn.Flatten(0, 1)
)
print(model)
print(model(xx).shape, model[0](xx).shape)
loss_fn = torch.nn.MSELoss(reduction='sum')
learning_rate = 1e-6
for t in range(500):
    y_pred = model(xx)
    loss = loss_fn(y_pred, y)
    if t % 250 == 249:
        print(t, f"{loss.item():.2f}")
    model.zero_grad()
    loss.backward()
    with torch.no_grad():
        for param in model.parameters():
            param -= learning_rate * param.grad
linear_layer = model[0]
print(f'Result: y = {linear_layer.bias.item():.3f} + {linear_layer.weight[:, 0].item():.3f} x + '
      f'{linear_layer.weight[:, 1].item():.3f} x^2 + {linear_layer.weight[:, 2].item():.3f} x^3')

# ---- optim: RMSprop
model = torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.Flatten(0, 1))
loss_fn = torch.nn.MSELoss(reduction='sum')
learning_rate = 1e-3
optimizer = torch.optim.RMSprop(model.parameters(), lr=learning_rate)
print(sorted(optimizer.defaults))
for t in range(500):
    y_pred = model(xx)
    loss = loss_fn(y_pred, y)
    if t % 250 == 249:
        # RMSprop divides by sqrt(square_avg): the last bits of y = sin(x) (SLEEF's sin in torch) grow
        print(t, f"{loss.item():.0f}")
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
state = optimizer.state[model[0].weight]
print(sorted(state), state["step"], f"{state['square_avg'].sum().item():.4e}")
linear_layer = model[0]
print(f'Result: y = {linear_layer.bias.item():.2f} + {linear_layer.weight[:, 0].item():.2f} x + '
      f'{linear_layer.weight[:, 1].item():.2f} x^2 + {linear_layer.weight[:, 2].item():.2f} x^3')


# ---- custom nn Modules
class Polynomial3(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.a = torch.nn.Parameter(torch.randn(()))
        self.b = torch.nn.Parameter(torch.randn(()))
        self.c = torch.nn.Parameter(torch.randn(()))
        self.d = torch.nn.Parameter(torch.randn(()))

    def forward(self, x):
        return self.a + self.b * x + self.c * x ** 2 + self.d * x ** 3

    def string(self):
        return f'y = {self.a.item():.3f} + {self.b.item():.3f} x + {self.c.item():.3f} x^2 + {self.d.item():.3f} x^3'


model = Polynomial3()
print(model, [n for n, _ in model.named_parameters()])
print(model.a)
criterion = torch.nn.MSELoss(reduction='sum')
optimizer = torch.optim.SGD(model.parameters(), lr=1e-6)
for t in range(500):
    y_pred = model(x)
    loss = criterion(y_pred, y)
    if t % 250 == 249:
        print(t, f"{loss.item():.2f}")
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
print(f'Result: {model.string()}')


# ---- control flow + weight sharing
class DynamicNet(torch.nn.Module):
    def __init__(self):
        """In the constructor we instantiate five parameters and assign them as members."""
        super().__init__()
        self.a = torch.nn.Parameter(torch.randn(()))
        self.b = torch.nn.Parameter(torch.randn(()))
        self.c = torch.nn.Parameter(torch.randn(()))
        self.d = torch.nn.Parameter(torch.randn(()))
        self.e = torch.nn.Parameter(torch.randn(()))

    def forward(self, x):
        """Randomly 4 or 5: the fourth and maybe fifth order terms reuse the parameter e."""
        y = self.a + self.b * x + self.c * x ** 2 + self.d * x ** 3
        for exp in range(4, random.randint(4, 6)):
            y = y + self.e * x ** exp
        return y

    def string(self):
        return (f'y = {self.a.item():.3f} + {self.b.item():.3f} x + {self.c.item():.3f} x^2 + '
                f'{self.d.item():.3f} x^3 + {self.e.item():.3f} x^4 ? + {self.e.item():.3f} x^5 ?')


model = DynamicNet()
criterion = torch.nn.MSELoss(reduction='sum')
optimizer = torch.optim.SGD(model.parameters(), lr=1e-8, momentum=0.9)
for t in range(800):
    y_pred = model(x)
    loss = criterion(y_pred, y)
    if t % 400 == 399:
        print(t, f"{loss.item():.1f}", random.random() < 0.5)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
print(f'Result: {model.string()}')
# the last forward may have skipped e (randint gave 4): zero_grad() set its grad to None
print(model.e.grad is None, sorted(optimizer.state[model.e]), f"{model.e.item():.4f}")

# the graph of one forward pass depends on the draw: count its MulBackward0 nodes (x ** k needs no node)
random.seed(3)
for _ in range(4):
    out = model(x).sum()
    fn, pows, stack, seen = out.grad_fn, 0, [out.grad_fn], set()
    while stack:
        fn = stack.pop()
        if fn is None or id(fn) in seen:
            continue
        seen.add(id(fn))
        pows += type(fn).__name__ == "MulBackward0"
        stack.extend(f for f, _ in fn.next_functions)
    print(pows, len(seen))
