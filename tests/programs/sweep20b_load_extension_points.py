"""The 'extension points in nn.Module for load_state_dict and tensor subclasses' tutorial: a
Tensor subclass overriding module_load (used by load_state_dict when
torch.__future__.set_swap_module_params_on_conversion is on), a layer that upgrades old
checkpoints in _load_from_state_dict through its _version and the state dict's _metadata,
get_extra_state / set_extra_state, load_state_dict pre- and post-hooks (the post-hook editing the
incompatible keys), and state_dict hooks."""
import io
from collections import OrderedDict

import torch
import torch.nn as nn

torch.manual_seed(0)


# ---- a Tensor subclass that controls how a state dict entry is loaded into it -------------------
class ScaledWeight(torch.Tensor):
    """Stores weight / scale; loading from a plain tensor divides by the scale."""
    scale = 4.0

    @staticmethod
    def __new__(cls, data):
        return torch.Tensor._make_subclass(cls, data, data.requires_grad)

    def module_load(self, other, assign=False):
        print(f"  module_load(assign={assign}) from {type(other).__name__} {tuple(other.shape)}")
        src = other.detach() / self.scale
        if assign:
            return ScaledWeight(src)
        self.copy_(src)
        return ScaledWeight(self.detach().clone())


lin = nn.Linear(3, 2)
with torch.no_grad():
    lin.weight = nn.Parameter(ScaledWeight(torch.ones(2, 3)))
print(type(lin.weight).__name__, isinstance(lin.weight, nn.Parameter), lin.weight.requires_grad,
      [n for n, _ in lin.named_parameters()])
print(lin.weight)
sd = {"weight": torch.full((2, 3), 8.0), "bias": torch.zeros(2)}

torch.__future__.set_swap_module_params_on_conversion(True)
w_before = lin.weight
print(lin.load_state_dict(sd))
print("same object:", lin.weight is w_before, type(lin.weight).__name__, lin.weight.requires_grad)
print(lin.weight)
print(lin.load_state_dict({"weight": torch.full((2, 3), 2.0), "bias": torch.ones(2)}, assign=True))
print(lin.weight.detach().sum().item(), lin.bias, type(lin.weight).__name__)
torch.__future__.set_swap_module_params_on_conversion(False)


# ---- versioned layer: renames keys of old checkpoints while loading ------------------------------
class Block(nn.Module):
    _version = 2        # version 1 called the projection "fc"

    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(4, 4)
        self.register_buffer("steps", torch.zeros((), dtype=torch.long))

    def forward(self, x):
        self.steps += 1
        return torch.relu(self.proj(x))

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys,
                              unexpected_keys, error_msgs):
        version = local_metadata.get("version", None)
        print(f"  loading {prefix or '<root>'!r}: checkpoint version {version}")
        if version is None or version < 2:
            for name in ("weight", "bias"):
                old = prefix + "fc." + name
                if old in state_dict:
                    state_dict[prefix + "proj." + name] = state_dict.pop(old)
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys,
                                      unexpected_keys, error_msgs)


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.block = Block()
        self.head = nn.Linear(4, 1)
        self.temperature = 1.0

    def forward(self, x):
        return self.head(self.block(x)) / self.temperature

    def get_extra_state(self):
        return {"temperature": self.temperature, "note": "calibrated"}

    def set_extra_state(self, state):
        print("  set_extra_state:", state)
        self.temperature = state["temperature"]


model = Model()
model.temperature = 2.5
model(torch.randn(3, 4))
sd = model.state_dict()
print(list(sd))
print(sd._metadata)
print(sd["_extra_state"], sd["block.steps"])

fresh = Model()
print(fresh.load_state_dict(sd), fresh.temperature, fresh.block.steps.item())

# an "old" checkpoint: version 1 metadata and the old key names
old_sd = OrderedDict((k.replace("block.proj.", "block.fc."), v) for k, v in sd.items())
old_sd._metadata = OrderedDict((k, dict(v)) for k, v in sd._metadata.items())
old_sd._metadata["block"]["version"] = 1
buf = io.BytesIO()
torch.save(old_sd, buf)
buf.seek(0)
loaded = torch.load(buf, weights_only=True)
print(type(loaded).__name__, list(loaded)[:2], loaded._metadata["block"])
other = Model()
print(other.load_state_dict(loaded))
print(torch.equal(other.block.proj.weight, model.block.proj.weight), other.temperature)


# ---- hooks around loading and saving --------------------------------------------------------------
def pre_hook(module, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs):
    print(f"  pre-hook on {type(module).__name__} prefix={prefix!r} keys={sorted(state_dict)[:2]}...")
    state_dict.pop(prefix + "legacy_scale", None)


def post_hook(module, incompatible_keys):
    print(f"  post-hook: missing={incompatible_keys.missing_keys} unexpected={incompatible_keys.unexpected_keys}")
    # the head may be re-initialised on purpose: not an error
    for k in list(incompatible_keys.missing_keys):
        if k.startswith("head."):
            incompatible_keys.missing_keys.remove(k)


target = Model()
h1 = target.register_load_state_dict_pre_hook(pre_hook)
h2 = target.register_load_state_dict_post_hook(post_hook)
partial = {k: v for k, v in sd.items() if not k.startswith("head.")}
partial["legacy_scale"] = torch.tensor(3.0)
print(target.load_state_dict(partial))
h1.remove()
h2.remove()
try:
    target.load_state_dict(partial)
except RuntimeError as e:
    print("without hooks:", str(e).splitlines()[1].strip())


def sd_post_hook(module, state_dict, prefix, local_metadata):
    state_dict[prefix + "format"] = torch.tensor(2)


h3 = target.block._register_state_dict_hook(sd_post_hook)
print(list(target.state_dict()))
h3.remove()
print(list(target.state_dict()))
