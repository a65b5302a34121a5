"""The "Extending torch" patterns: a tensor-like ScalarTensor with __torch_function__ and a
HANDLED_FUNCTIONS table filled by an @implements decorator; a Tensor subclass that logs the functions
it sees (and whether results keep the subclass); torch.overrides helpers."""
import functools

import torch
import torch.nn.functional as F
import torch.overrides

torch.manual_seed(0)

print("-- a tensor-like: ScalarTensor")
HANDLED_FUNCTIONS = {}


def implements(torch_function):
    """Register a torch function override for ScalarTensor"""
    def decorator(func):
        functools.update_wrapper(func, torch_function)
        HANDLED_FUNCTIONS[torch_function] = func
        return func
    return decorator


class ScalarTensor(object):
    def __init__(self, N, value):
        self._N = N
        self._value = value

    def __repr__(self):
        return "ScalarTensor(N={}, value={})".format(self._N, self._value)

    def tensor(self):
        return self._value * torch.eye(self._N)

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        if kwargs is None:
            kwargs = {}
        if func not in HANDLED_FUNCTIONS or not all(issubclass(t, (torch.Tensor, ScalarTensor)) for t in types):
            return NotImplemented
        return HANDLED_FUNCTIONS[func](*args, **kwargs)


@implements(torch.mean)
def mean(input):
    return float(input._value) / input._N


def ensure_tensor(data):
    if isinstance(data, ScalarTensor):
        return data.tensor()
    return torch.as_tensor(data)


@implements(torch.add)
def add(input, other):
    try:
        if input._N == other._N:
            return ScalarTensor(input._N, input._value + other._value)
        else:
            raise ValueError("Shape mismatch!")
    except AttributeError:
        return torch.add(ensure_tensor(input), ensure_tensor(other))


d = ScalarTensor(5, 2)
print(d, d.tensor())
print(torch.mean(d), mean.__name__, mean.__doc__ == torch.mean.__doc__)
s = ScalarTensor(2, 2)
print(torch.add(s, s))
t = torch.tensor([[1, 1], [1, 1]])
print(torch.add(s, t))
try:
    torch.mul(s, 3)
except TypeError as e:
    print("TypeError", str(e).splitlines()[0])
try:
    torch.nn.functional.relu(s)
except TypeError as e:
    print("TypeError", e)
print(sorted(f.__name__ for f in HANDLED_FUNCTIONS))


class Seen:
    """A tensor-like that records what it is handed, with the types and argument shapes."""
    log = []

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        cls.log.append((func.__name__, [t.__name__ for t in types], len(args), sorted(kwargs or {})))
        return "handled"


sn = Seen()
print(torch.sum(sn), torch.cat([torch.ones(1), sn]), torch.stack((sn, sn)), torch.where(torch.ones(1) > 0, sn, 0.0))
print(torch.max(sn, dim=0), torch.ones(2).add(sn), torch.ones(2).mul(other=sn), torch.clamp(sn, min=0))
print(F.relu(sn), F.softmax(sn, dim=0) if False else "-", torch.linalg.norm(sn), torch.matmul(torch.ones(2), sn))
for entry in Seen.log:
    print(entry)

print("-- a Tensor subclass that logs")


class LoggingTensor(torch.Tensor):
    calls = []

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        if func is not torch.Tensor.__repr__:
            cls.calls.append(func.__name__)
        if kwargs is None:
            kwargs = {}
        return super().__torch_function__(func, types, args, kwargs)


x = torch.arange(6.).view(2, 3).as_subclass(LoggingTensor)
print(type(x).__name__, x)
LoggingTensor.calls.clear()
y = (x + 1) * 2
z = torch.relu(y - 5).sum(dim=1)
w = F.linear(x, torch.ones(4, 3))
print(type(y).__name__, type(z).__name__, type(w).__name__)
print(LoggingTensor.calls)
LoggingTensor.calls.clear()
print(x.shape, x.dtype, x.ndim, x.T.shape)
print(LoggingTensor.calls)
LoggingTensor.calls.clear()
print(z)
print(x[0], type(x[0]).__name__, x[1, 2].item(), type(x.tolist()).__name__)
print(type(x.max(dim=1)).__name__, type(x.max(dim=1).values).__name__, type(torch.split(x, 1)).__name__,
      [type(p).__name__ for p in torch.split(x, 1)])
print(LoggingTensor.calls)
LoggingTensor.calls.clear()
print(type(torch.cat([x, torch.zeros(1, 3)])).__name__, type(torch.zeros(2, 3) + x).__name__)
print(type(x.detach()).__name__, type(x.clone()).__name__, type(x.float()).__name__, type(x.numpy()).__name__)
print(LoggingTensor.calls)


class Plain(torch.Tensor):
    pass


p = torch.ones(3).as_subclass(Plain)
print(type(p + 1).__name__, type(p.sum()).__name__, type(torch.exp(p)).__name__, p)
print(type(Plain([1.0, 2.0])).__name__, Plain([1.0, 2.0]), type(torch.Tensor._make_subclass(Plain, torch.ones(2))).__name__)
q = torch.ones(2, requires_grad=True).as_subclass(Plain)
print(q.requires_grad, q.grad_fn is not None, q.is_leaf)
r = torch.Tensor._make_subclass(Plain, torch.ones(2), True)
loss = (r * torch.tensor([2.0, 3.0])).sum()
loss.backward()
print(type(loss).__name__, r.grad, type(r.grad).__name__, r.is_leaf)
param = torch.nn.Parameter(torch.ones(2))
print(type(param * 2).__name__, torch.nn.Parameter.__torch_function__ is torch._C._disabled_torch_function_impl)

print("-- torch.overrides")
print(torch.overrides.has_torch_function((sn,)), torch.overrides.has_torch_function((torch.ones(1),)))
print(torch.overrides.has_torch_function((x,)), torch.overrides.has_torch_function_unary(p))
print(torch.overrides.has_torch_function_variadic(torch.ones(1), sn), torch.overrides.has_torch_function((1, "a")))
print(torch.overrides.is_tensor_like(sn), torch.overrides.is_tensor_like(torch.ones(1)), torch.overrides.is_tensor_like(3))
print(torch.overrides.is_tensor_like(ScalarTensor), torch.overrides.is_tensor_like(x))
ignored = torch.overrides.get_ignored_functions()
print(torch.tensor in ignored, torch.zeros in ignored, torch.add in ignored, torch.randn in ignored, torch.mean in ignored)
print(torch.overrides.is_tensor_method_or_property(torch.Tensor.add), torch.overrides.is_tensor_method_or_property(torch.add))
print(torch.overrides.resolve_name(torch.add), torch.overrides.resolve_name(torch.Tensor.add))
print(torch.Tensor.grad.__get__ in torch.overrides.get_default_nowrap_functions())


def my_func(a, b, scale=1.0):
    if torch.overrides.has_torch_function((a, b)):
        return torch.overrides.handle_torch_function(my_func, (a, b), a, b, scale=scale)
    return (a + b) * scale


print(my_func(torch.ones(2), torch.ones(2), scale=3.0), my_func(sn, 1), Seen.log[-1])
with torch._C.DisableTorchFunctionSubclass():
    print(type(x + 1).__name__, torch.overrides.has_torch_function((x,)))
print(type(x + 1).__name__)


@torch.overrides.wrap_torch_function(lambda a, b=None: (a,))
def twice(a, b=None):
    return a * 2


print(twice(torch.ones(2)), twice(sn), Seen.log[-1][0])

print("-- ordinary training after the protocol is in use")
torch.manual_seed(1)
model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 2))
opt = torch.optim.Adam(model.parameters(), lr=0.05)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=5, gamma=0.5)
data, target = torch.randn(16, 4), torch.randint(0, 2, (16,))
for step in range(12):
    opt.zero_grad()
    loss = F.cross_entropy(model(data), target)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    sched.step()
print(round(loss.item(), 4), [type(p).__name__ for p in model.parameters()][:1], type(model(data)).__name__)
enc = torch.nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0, batch_first=True)
print(enc(torch.randn(2, 3, 8)).shape, enc.activation_relu_or_gelu if hasattr(enc, "activation_relu_or_gelu") else "-")
lt = torch.randn(3, 4).as_subclass(LoggingTensor)
LoggingTensor.calls.clear()
out = model[0](lt)
print(type(out).__name__, LoggingTensor.calls)
state = {k: v.shape for k, v in model.state_dict().items()}
print(state)
