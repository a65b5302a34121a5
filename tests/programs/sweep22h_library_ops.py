"""torch.library custom operators the way the tutorials and extension repos write them: custom_op
with a register_fake, register_autograd saving non-tensor attributes on ctx (and returning None
for non-tensor inputs), a mutating op with mutates_args, register_kernel for cpu, opcheck passing
and failing (raise_exception=False), torch.ops.<ns>.<op>.default, infer_schema, Library/define/
impl, get_ctx().new_dynamic_size(), Tensor-list and keyword-only arguments, register_autograd
on a define()d operator, and a custom op inside an nn.Module trained with SGD."""
from typing import Optional, Sequence, Tuple

import torch
import torch.nn as nn
from torch import Tensor

torch.manual_seed(0)


@torch.library.custom_op("sweep22h::scaled_tanh", mutates_args=())
def scaled_tanh(x: Tensor, scale: float, shift: Optional[Tensor] = None) -> Tensor:
    y = torch.tanh(x) * scale
    if shift is not None:
        y = y + shift
    return y


@scaled_tanh.register_fake
def _(x, scale, shift=None):
    return torch.empty_like(x)


def _setup(ctx, inputs, output):
    x, scale, shift = inputs
    ctx.scale = scale
    ctx.has_shift = shift is not None
    ctx.save_for_backward(output if shift is None else output - shift)


def _backward(ctx, grad):
    y, = ctx.saved_tensors
    t = y / ctx.scale
    gx = grad * ctx.scale * (1 - t * t)
    return gx, None, grad if ctx.has_shift else None


scaled_tanh.register_autograd(_backward, setup_context=_setup)

x = torch.randn(2, 3, requires_grad=True)
shift = torch.full((3,), 0.5, requires_grad=True)
out = scaled_tanh(x, 2.0, shift)
print(out.round(decimals=4), type(out.grad_fn).__name__)
out.sum().backward()
print(x.grad.round(decimals=4), shift.grad)
print(torch.ops.sweep22h.scaled_tanh.default._schema)
print(torch.ops.sweep22h.scaled_tanh.default(x.detach(), 1.0).round(decimals=4))
print(torch.library.opcheck(scaled_tanh, (torch.randn(3), 1.5)))


@torch.library.custom_op("sweep22h::add_", mutates_args={"buf"})
def add_(buf: Tensor, other: Tensor, alpha: float = 1.0) -> None:
    buf.add_(other, alpha=alpha)


@add_.register_fake
def _(buf, other, alpha=1.0):
    return None


buf = torch.zeros(3)
add_(buf, torch.arange(3.0), alpha=2.0)
print(buf, buf._version, add_._schema if hasattr(add_, "_schema") else "")
print(torch.library.opcheck(add_, (torch.zeros(3), torch.ones(3))))


@torch.library.custom_op("sweep22h::bad_mutation", mutates_args=())
def bad_mutation(x: Tensor) -> Tensor:
    x.mul_(2)
    return x.clone()


@bad_mutation.register_fake
def _(x):
    return torch.empty_like(x)


res = torch.library.opcheck(bad_mutation, (torch.ones(2),), raise_exception=False)
print({k: (v if isinstance(v, str) else f"{type(v).__name__}: {v}") for k, v in res.items()})


@torch.library.custom_op("sweep22h::bad_fake", mutates_args=())
def bad_fake(x: Tensor) -> Tensor:
    return x.sum(0)


@bad_fake.register_fake
def _(x):
    return torch.empty_like(x)


res = torch.library.opcheck(bad_fake, (torch.ones(2, 3),), test_utils="test_faketensor", raise_exception=False)
print({k: (v if isinstance(v, str) else f"{type(v).__name__}: {v}") for k, v in res.items()})


@torch.library.custom_op("sweep22h::no_fake", mutates_args=())
def no_fake(x: Tensor) -> Tensor:
    return x + 1


res = torch.library.opcheck(no_fake, (torch.ones(2),), raise_exception=False)
print({k: (v if isinstance(v, str) else f"{type(v).__name__}: {v}") for k, v in res.items()})
try:
    no_fake(torch.ones(2, requires_grad=True)).sum().backward()
except RuntimeError as e:
    print("RuntimeError:", e)


@torch.library.custom_op("sweep22h::topk_pair", mutates_args=(), device_types="cpu")
def topk_pair(x: Tensor, k: int) -> Tuple[Tensor, Tensor]:
    v, i = torch.topk(x, k)
    return v.clone(), i.clone()


@torch.library.register_kernel("sweep22h::topk_pair", "cpu")
def _(x, k):
    v, i = torch.topk(x, k, largest=False)
    return v, i


print(topk_pair(torch.tensor([3.0, 1.0, 2.0, 5.0]), 2))
print(torch.library.infer_schema(topk_pair._init_fn, mutates_args=()))


def fn_with_lists(xs: Sequence[Tensor], dims: list[int], eps: float = 1e-5, flag: bool = False) -> list[Tensor]:
    return list(xs)


print(torch.library.infer_schema(fn_with_lists, mutates_args={"xs"}))
try:
    torch.library.infer_schema(lambda x: x, mutates_args=())
except ValueError as e:
    print("ValueError:", e)

lib = torch.library.Library("sweep22h_old", "DEF")
lib.define("clip(Tensor x, float lo, float hi) -> Tensor")
lib.define("clip.scalar(Tensor x, Scalar bound) -> Tensor")
torch.library.impl(lib, "clip", "CPU")(lambda x, lo, hi: x.clamp(lo, hi))
lib.impl("clip.scalar", lambda x, bound: x.clamp(-bound, bound), "CompositeImplicitAutograd")
print(torch.ops.sweep22h_old.clip(torch.tensor([-3.0, 0.5, 3.0]), -1.0, 1.0))
print(torch.ops.sweep22h_old.clip.scalar(torch.tensor([-3.0, 0.5, 3.0]), 2))
print(torch.ops.sweep22h_old.clip.overloads(), torch.ops.sweep22h_old.clip.default)

torch.library.define("sweep22h::nonzero_rows", "(Tensor x) -> Tensor")


@torch.library.impl("sweep22h::nonzero_rows", "cpu")
def _(x):
    return torch.nonzero(x.abs().sum(1) > 0).flatten()


@torch.library.register_fake("sweep22h::nonzero_rows")
def _(x):
    ctx = torch.library.get_ctx()
    n = ctx.new_dynamic_size()
    return x.new_empty(n, dtype=torch.int64)


m = torch.tensor([[0.0, 0.0], [1.0, 0.0], [0.0, 2.0]])
print(torch.ops.sweep22h.nonzero_rows(m), torch.library.get_ctx())
print(torch.library.opcheck(torch.ops.sweep22h.nonzero_rows.default, (m,), test_utils="test_faketensor"))


@torch.library.custom_op("sweep22h::weighted_sum", mutates_args=())
def weighted_sum(xs: list[Tensor], *, weights: list[float]) -> Tensor:
    return sum(w * x for w, x in zip(weights, xs))


@weighted_sum.register_fake
def _(xs, *, weights):
    return torch.empty_like(xs[0])


def _ws_setup(ctx, inputs, keyword_only_inputs, output):
    print("  setup needs_input_grad", ctx.needs_input_grad)
    ctx.weights = keyword_only_inputs["weights"]


def _ws_backward(ctx, grad):
    print("  backward needs_input_grad", ctx.needs_input_grad)
    return [grad * w if need else None for w, need in zip(ctx.weights, ctx.needs_input_grad[0])]


weighted_sum.register_autograd(_ws_backward, setup_context=_ws_setup)
p1, p2 = torch.ones(2, requires_grad=True), torch.ones(2)
ws = weighted_sum([p1, p2], weights=[0.5, 2.0])
ws.sum().backward()
print(ws, p1.grad, p2.grad)
print(torch.library.opcheck(weighted_sum, ([torch.randn(2, requires_grad=True), torch.randn(2)],),
                            {"weights": [1.0, 3.0]}, test_utils=("test_schema", "test_faketensor")))

torch.library.define("sweep22h::cube", "(Tensor x) -> Tensor")
torch.library.impl("sweep22h::cube", "cpu", lambda x: x * x * x)
torch.library.register_fake("sweep22h::cube", lambda x: torch.empty_like(x))


def _cube_setup(ctx, inputs, output):
    ctx.save_for_backward(inputs[0])


def _cube_backward(ctx, grad):
    x, = ctx.saved_tensors
    return grad * 3 * x * x


torch.library.register_autograd("sweep22h::cube", _cube_backward, setup_context=_cube_setup)
c = torch.tensor([1.0, -2.0], requires_grad=True)
cy = torch.ops.sweep22h.cube(c)
cy.sum().backward()
print(cy, c.grad)


class TanhLayer(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.lin = nn.Linear(n, n)
        self.bias = nn.Parameter(torch.zeros(n))

    def forward(self, x):
        return scaled_tanh(self.lin(x), 1.5, self.bias)


model = nn.Sequential(TanhLayer(4), nn.Linear(4, 1))
opt = torch.optim.SGD(model.parameters(), lr=0.1)
data, target = torch.randn(16, 4), torch.randn(16, 1)
for step in range(5):
    opt.zero_grad()
    loss = nn.functional.mse_loss(model(data), target)
    loss.backward()
    opt.step()
    print(f"step {step} loss {loss.item():.4f}")
print(model[0].bias.detach().round(decimals=4))
