"""Debugging custom backwards with gradcheck / gradgradcheck, as course notebooks do: a correct
Function passes, then a backward with a wrong factor, one returning the wrong number of gradients,
one with a wrong shape, a float32 input warning, raise_exception=False, fast_mode, and a backward
that is correct once but has a wrong double backward."""
import warnings

import torch
from torch.autograd import Function, gradcheck, gradgradcheck

torch.manual_seed(0)


class GoodTanh(Function):
    @staticmethod
    def forward(ctx, x):
        y = torch.tanh(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return g * (1 - y * y)


class WrongFactor(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * x  # should be 2 * x


class TooManyGrads(Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        return g * 2, g


class WrongShape(Function):
    @staticmethod
    def forward(ctx, x):
        return x.sum(0)

    @staticmethod
    def backward(ctx, g):
        return g


class BadDouble(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        # correct value, but computed from a detached x: second derivative is lost
        return g * 3 * x.detach() ** 2


inp = torch.randn(3, 2, dtype=torch.double, requires_grad=True)
print("GoodTanh:", gradcheck(GoodTanh.apply, (inp,), eps=1e-6, atol=1e-4))
print("GoodTanh gradgrad:", gradgradcheck(GoodTanh.apply, (inp,)))
print("fast_mode:", gradcheck(GoodTanh.apply, (inp,), fast_mode=True))

small = torch.tensor([0.5, -1.0], dtype=torch.double, requires_grad=True)
print("WrongFactor (no raise):", gradcheck(WrongFactor.apply, (small,), raise_exception=False))
try:
    gradcheck(WrongFactor.apply, (small,))
except RuntimeError as e:
    print(type(e).__name__, "::", e)

try:
    gradcheck(TooManyGrads.apply, (small,))
except RuntimeError as e:
    print(type(e).__name__, "::", e)

try:
    WrongShape.apply(inp).sum().backward()
except RuntimeError as e:
    print(type(e).__name__, "::", e)

print("BadDouble first order:", gradcheck(BadDouble.apply, (small,)))
try:
    gradgradcheck(BadDouble.apply, (small,))
except RuntimeError as e:
    print(type(e).__name__, "::", e)
print("BadDouble gradgrad (no raise):", gradgradcheck(BadDouble.apply, (small,), raise_exception=False))

f32 = torch.randn(2, requires_grad=True)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    ok = gradcheck(GoodTanh.apply, (f32,), eps=1e-3, atol=1e-2, rtol=1e-2, raise_exception=False)
print("float32 result:", ok)
for w in caught:
    print("warning:", w.category.__name__, str(w.message)[:110])

no_grad_in = torch.randn(2, dtype=torch.double)
try:
    gradcheck(GoodTanh.apply, (no_grad_in,))
except ValueError as e:
    print(type(e).__name__, "::", e)

print("batched grad:", gradcheck(GoodTanh.apply, (inp,), check_batched_grad=True))
print("undefined grad:", gradcheck(GoodTanh.apply, (inp,), check_undefined_grad=True))
try:
    gradcheck(WrongFactor.apply, (small,), fast_mode=True)
except RuntimeError as e:
    print(type(e).__name__, "::", str(e).splitlines()[0])
print("backward ad off:", gradcheck(lambda t: WrongFactor.apply(t) * 0 + t, (small,), check_backward_ad=True))
