"""A scalar-valued autograd engine ("micrograd" style, written from scratch) checked against torch, in
the style of from-scratch lecture series: a ``Value`` class with ``_backward`` closures and a
topological sort, a tiny MLP trained on four points, and the same math in float64 torch tensors."""
import math
import random

import torch


class Value:
    """A scalar and its gradient; each op remembers how to pass gradient back to its inputs."""

    def __init__(self, data, _children=(), _op="", label=""):
        self.data = data
        self.grad = 0.0
        self._backward = lambda: None
        self._prev = tuple(_children)   # ordered, so gradients sum in a fixed order
        self._op = _op
        self.label = label

    def __repr__(self):
        return f"Value(data={self.data:.6f})"

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += 1.0 * out.grad
            other.grad += 1.0 * out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __pow__(self, other):
        assert isinstance(other, (int, float)), "only supporting int/float powers for now"
        out = Value(self.data**other, (self,), f"**{other}")

        def _backward():
            self.grad += other * (self.data ** (other - 1)) * out.grad
        out._backward = _backward
        return out

    def __rmul__(self, other):
        return self * other

    def __truediv__(self, other):
        return self * other**-1

    def __rtruediv__(self, other):
        return other * self**-1

    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-other)

    def __radd__(self, other):
        return self + other

    def tanh(self):
        x = self.data
        t = (math.exp(2 * x) - 1) / (math.exp(2 * x) + 1)
        out = Value(t, (self,), "tanh")

        def _backward():
            self.grad += (1 - t**2) * out.grad
        out._backward = _backward
        return out

    def exp(self):
        out = Value(math.exp(self.data), (self,), "exp")

        def _backward():
            self.grad += out.data * out.grad
        out._backward = _backward
        return out

    def relu(self):
        out = Value(0 if self.data < 0 else self.data, (self,), "ReLU")

        def _backward():
            self.grad += (out.data > 0) * out.grad
        out._backward = _backward
        return out

    def backward(self):
        topo, visited = [], set()

        def build_topo(v):
            if v not in visited:
                visited.add(v)
                for child in v._prev:
                    build_topo(child)
                topo.append(v)
        build_topo(self)
        self.grad = 1.0
        for node in reversed(topo):
            node._backward()


# a neuron by hand: inputs x1, x2, weights w1, w2, bias b
x1 = Value(2.0, label="x1")
x2 = Value(0.0, label="x2")
w1 = Value(-3.0, label="w1")
w2 = Value(1.0, label="w2")
b = Value(6.8813735870195432, label="b")
n = x1 * w1 + x2 * w2 + b
o = n.tanh()
o.backward()
print(o, [f"{v.label}={v.grad:.6f}" for v in (x1, w1, x2, w2)])

# the same with exp instead of tanh
x1, x2, w1, w2 = Value(2.0), Value(0.0), Value(-3.0), Value(1.0)
b = Value(6.8813735870195432)
n = x1 * w1 + x2 * w2 + b
e = (2 * n).exp()
o = (e - 1) / (e + 1)
o.backward()
print(o, f"{x1.grad:.6f} {w1.grad:.6f} {x2.grad:.6f} {w2.grad:.6f}")

# and in torch, float64 to match Python floats
x1 = torch.Tensor([2.0]).double()
x1.requires_grad = True
x2 = torch.Tensor([0.0]).double()
x2.requires_grad = True
w1 = torch.Tensor([-3.0]).double()
w1.requires_grad = True
w2 = torch.Tensor([1.0]).double()
w2.requires_grad = True
b = torch.Tensor([6.8813735870195432]).double()
b.requires_grad = True
n = x1 * w1 + x2 * w2 + b
o = torch.tanh(n)
print(o.data.item())
o.backward()
print("---")
print("x2", x2.grad.item())
print("w2", w2.grad.item())
print("x1", x1.grad.item())
print("w1", w1.grad.item())
print(o, x1.dtype, x1.is_leaf, n.is_leaf, o.grad_fn.name())
print(torch.Tensor([[1, 2, 3], [4, 5, 6]]), torch.Tensor([2.0]).dtype, torch.Tensor(2, 3).shape)

# a bigger expression, micrograd against torch
a = Value(-4.0)
b = Value(2.0)
c = a + b
d = a * b + b**3
c += c + 1
c += 1 + c + (-a)
d += d * 2 + (b + a).relu()
d += 3 * d + (b - a).relu()
e = c - d
f = e**2
g = f / 2.0
g += 10.0 / f
print(f"{g.data:.4f}")
g.backward()
amg, bmg, gmg = a, b, g

a = torch.Tensor([-4.0]).double()
b = torch.Tensor([2.0]).double()
a.requires_grad = True
b.requires_grad = True
c = a + b
d = a * b + b**3
c = c + c + 1
c = c + 1 + c + (-a)
d = d + d * 2 + (b + a).relu()
d = d + 3 * d + (b - a).relu()
e = c - d
f = e**2
g = f / 2.0
g = g + 10.0 / f
g.backward()
apt, bpt, gpt = a, b, g
tol = 1e-6
print(f"{gpt.data.item():.4f}", abs(gmg.data - gpt.data.item()) < tol)
print(f"{apt.grad.item():.4f} {bpt.grad.item():.4f}", abs(amg.grad - apt.grad.item()) < tol,
      abs(bmg.grad - bpt.grad.item()) < tol)


# a tiny MLP out of Values
class Neuron:
    def __init__(self, nin, nonlin=True):
        self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(0.0)
        self.nonlin = nonlin

    def __call__(self, x):
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return act.tanh() if self.nonlin else act

    def parameters(self):
        return self.w + [self.b]


class Layer:
    def __init__(self, nin, nout, **kwargs):
        self.neurons = [Neuron(nin, **kwargs) for _ in range(nout)]

    def __call__(self, x):
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self):
        return [p for n in self.neurons for p in n.parameters()]


class MLP:
    def __init__(self, nin, nouts):
        sz = [nin] + nouts
        self.layers = [Layer(sz[i], sz[i + 1], nonlin=i != len(nouts) - 1) for i in range(len(nouts))]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]


random.seed(1337)
xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
ys = [1.0, -1.0, -1.0, 1.0]
mlp = MLP(3, [4, 4, 1])
init = [p.data for p in mlp.parameters()]
print(len(mlp.parameters()))
for k in range(20):
    ypred = [mlp(x) for x in xs]
    loss = sum((yout - ygt) ** 2 for ygt, yout in zip(ys, ypred))
    for p in mlp.parameters():
        p.grad = 0.0
    loss.backward()
    for p in mlp.parameters():
        p.data += -0.05 * p.grad
    if k % 5 == 0:
        print(k, f"{loss.data:.6f}")

# the same network and training in torch float64 from the same initial numbers
sizes = [(3, 4), (4, 4), (4, 1)]
params, i = [], 0
for nin, nout in sizes:
    W = torch.zeros(nout, nin, dtype=torch.float64)
    bias = torch.zeros(nout, dtype=torch.float64)
    for o_ in range(nout):
        W[o_] = torch.tensor(init[i:i + nin], dtype=torch.float64)
        bias[o_] = init[i + nin]
        i += nin + 1
    params += [W.requires_grad_(), bias.requires_grad_()]
X = torch.tensor(xs).double()
Y = torch.tensor(ys).double()
for k in range(20):
    h = X
    for j in range(0, len(params), 2):
        h = h @ params[j].T + params[j + 1]
        if j < len(params) - 2:
            h = h.tanh()
    loss_t = ((h.squeeze(1) - Y) ** 2).sum()
    for p in params:
        p.grad = None
    loss_t.backward()
    with torch.no_grad():
        for p in params:
            p += -0.05 * p.grad
    if k % 5 == 0:
        print(k, f"{loss_t.item():.6f}")
print(abs(loss_t.item() - loss.data) < 1e-6, [f"{v:.4f}" for v in h.squeeze(1).tolist()])
print(torch.Tensor([2.0]).double().requires_grad_().tanh().backward() is None)
