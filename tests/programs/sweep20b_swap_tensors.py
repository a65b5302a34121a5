"""The 'extension points in nn.Module for load_state_dict and tensor subclasses' tutorial and the
torch.utils.swap_tensors docs: swapping two tensors (class, attributes and data), what
module.to(dtype) / .float() / .double() do to parameter identity and .grad under the default,
under torch.__future__.set_overwrite_module_params_on_conversion and under
set_swap_module_params_on_conversion, an optimizer made before the conversion, the weakref refusal,
and load_state_dict with assign=True and under the swap switch."""
import weakref

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils import swap_tensors

torch.manual_seed(0)

# ---- swap_tensors on its own -------------------------------------------------------------------
t1 = torch.arange(2.)
t1.foo = "t1's attribute"
t2 = torch.randn(3, 2, requires_grad=True)
t2.bar = "t2's attribute"
print("before:", t1.shape, t2.shape, hasattr(t1, "foo"), hasattr(t1, "bar"))
swap_tensors(t1, t2)
print("after: ", t1.shape, t2.shape, hasattr(t1, "foo"), hasattr(t1, "bar"))
print(t1.requires_grad, t2.requires_grad, t2)
print(t1.bar, "|", t2.foo)

p = nn.Parameter(torch.ones(2, 2))
plain = torch.zeros(2, 2)
swap_tensors(p, plain)
print(type(p).__name__, type(plain).__name__, p.requires_grad, plain.requires_grad)

a, b = torch.ones(3), torch.zeros(3)
ref = weakref.ref(a)
try:
    swap_tensors(a, b)
except RuntimeError as e:
    print("RuntimeError:", e)
del ref


# ---- what conversion does to parameters -------------------------------------------------------
class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 6)
        self.bn = nn.BatchNorm1d(6)
        self.fc2 = nn.Linear(6, 2)

    def forward(self, x):
        return self.fc2(F.relu(self.bn(self.fc1(x))))


def describe(flag_name):
    torch.manual_seed(1)
    model = MLP()
    x = torch.randn(8, 4)
    model(x).sum().backward()
    w, g, rm = model.fc1.weight, model.fc1.weight.grad, model.bn.running_mean
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    model.double()
    print(f"[{flag_name}] .double(): weight same object: {model.fc1.weight is w}, grad same object: "
          f"{model.fc1.weight.grad is g}, buffer same object: {model.bn.running_mean is rm}")
    print(f"[{flag_name}]   model dtypes: {model.fc1.weight.dtype}, {model.fc1.weight.grad.dtype}, "
          f"{model.bn.running_mean.dtype}; old handle: {w.dtype}, {g.dtype}")
    print(f"[{flag_name}]   optimizer holds the model's weight: {opt.param_groups[0]['params'][0] is model.fc1.weight}")
    with torch.no_grad():       # (a live graph that saved a parameter would block the swap below)
        out = model(x.double()).sum()
    print(f"[{flag_name}]   forward in float64: {out.dtype}, {out.item():.4f}")
    model.float()
    print(f"[{flag_name}] .float(): weight same object: {model.fc1.weight is w}, "
          f"grad dtype {model.fc1.weight.grad.dtype}, nbt {model.bn.num_batches_tracked.item()}")
    return model


describe("default")
torch.__future__.set_overwrite_module_params_on_conversion(True)
print("overwrite:", torch.__future__.get_overwrite_module_params_on_conversion())
describe("overwrite")
torch.__future__.set_overwrite_module_params_on_conversion(False)

torch.__future__.set_swap_module_params_on_conversion(True)
print("swap:", torch.__future__.get_swap_module_params_on_conversion())
m = describe("swap")

# with the swap switch, a weak reference to a parameter blocks the conversion
r = weakref.ref(m.fc2.bias)
try:
    m.double()
except RuntimeError as e:
    print("RuntimeError:", e)
    print("  caused by:", type(e.__cause__).__name__, e.__cause__)
del r
print("fc1 converted before the failure:", m.fc1.weight.dtype, "fc2.weight:", m.fc2.weight.dtype,
      "fc2.bias:", m.fc2.bias.dtype)

# load_state_dict under the swap switch keeps the module's parameter objects and its dtype
torch.manual_seed(2)
src = MLP().double()
dst = MLP()
w = dst.fc1.weight
print(dst.load_state_dict(src.state_dict()))
print("swap load: same object", dst.fc1.weight is w, dst.fc1.weight.dtype,
      torch.allclose(dst.fc1.weight, src.fc1.weight.float()))
print(dst.load_state_dict(src.state_dict(), assign=True))
print("swap assign: same object", dst.fc1.weight is w, dst.fc1.weight.dtype, type(dst.fc1.weight).__name__,
      dst.fc1.weight.requires_grad)
torch.__future__.set_swap_module_params_on_conversion(False)

# ---- assign=True without the switch: the module takes the state dict's tensors ----------------
sd = {k: v.clone() for k, v in src.state_dict().items()}
dst = MLP()
w = dst.fc1.weight
print(dst.load_state_dict(sd, assign=True))
print("assign: same object", dst.fc1.weight is w, dst.fc1.weight.dtype, dst.bn.running_var is sd["bn.running_var"],
      dst.fc1.weight.data_ptr() == sd["fc1.weight"].data_ptr())
frozen = MLP()
frozen.fc1.weight.requires_grad_(False)
frozen.load_state_dict(sd, assign=True)
print("assign keeps requires_grad:", frozen.fc1.weight.requires_grad, frozen.fc2.weight.requires_grad)
