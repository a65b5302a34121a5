"""The "Python custom operators" tutorial pattern: wrap NumPy code as a torch operator, give it a
fake (shape-only) implementation and an autograd formula, test it with opcheck, and use a mutating
operator; then the older Library/define/impl API."""
import numpy as np
import torch
from torch import Tensor


@torch.library.custom_op("tut::numpy_sin", mutates_args=())
def numpy_sin(x: Tensor) -> Tensor:
    return torch.from_numpy(np.sin(x.numpy()) * 1.0)


@numpy_sin.register_fake
def _(x):
    return torch.empty_like(x)


def setup_context(ctx, inputs, output):
    (x,) = inputs
    ctx.save_for_backward(x)


def backward(ctx, grad):
    (x,) = ctx.saved_tensors
    return grad * torch.from_numpy(np.cos(x.detach().numpy()))


numpy_sin.register_autograd(backward, setup_context=setup_context)

torch.manual_seed(0)
x = torch.randn(5, dtype=torch.float64, requires_grad=True)
y = numpy_sin(x)
print(y)
print(type(y.grad_fn).__name__)
y.sum().backward()
print(torch.allclose(x.grad, x.detach().cos()))
print(torch.library.opcheck(numpy_sin, (torch.randn(3, dtype=torch.float64),)))
print(torch.ops.tut.numpy_sin, torch.ops.tut.numpy_sin.default._schema)


@torch.library.custom_op("tut::numpy_mul_", mutates_args={"out"})
def numpy_mul_(a: Tensor, b: Tensor, out: Tensor) -> None:
    out.copy_(torch.from_numpy(a.numpy() * b.numpy()))


a, b, out = torch.arange(4.0), torch.full((4,), 2.0), torch.zeros(4)
print(numpy_mul_(a, b, out), out, out._version)


@torch.compile
def f(t):
    return numpy_sin(t) * 2


print(f(torch.zeros(3)))
print(torch.library.infer_schema(numpy_mul_._init_fn, mutates_args={"out"}))

lib = torch.library.Library("tut_old", "DEF")
lib.define("scale(Tensor x, float k=2.0) -> Tensor")
lib.impl("scale", lambda x, k=2.0: x * k, "CPU")
print(torch.ops.tut_old.scale(torch.ones(2)), torch.ops.tut_old.scale.default._schema)
try:
    numpy_sin(torch.ones(2), 3)
except RuntimeError as e:
    print("RuntimeError:", e)
