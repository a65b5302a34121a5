"""Global magnitude pruning of a small CNN, as in the pruning tutorials: global_unstructured over
conv and linear weights (with and without importance scores), custom_from_mask, bias pruning,
L1Unstructured.apply, a custom BasePruningMethod subclass, printing pruned modules and their hooks,
deepcopy and state_dict round trips, prune.remove, and the errors that bad amounts raise."""
import copy

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.nn.utils.prune as prune

torch.manual_seed(28)


class SmallCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, padding=1)
        self.conv2 = nn.Conv2d(4, 8, 3, padding=1)
        self.fc = nn.Linear(8 * 2 * 2, 5)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc(torch.flatten(x, 1))


def report(model):
    total = zeros = 0
    for name, mod in model.named_modules():
        if isinstance(mod, (nn.Conv2d, nn.Linear)):
            w = mod.weight
            z = int((w == 0).sum())
            total += w.nelement()
            zeros += z
            print(f"  {name:6s} {tuple(w.shape)} zeros={z:4d} ({100.0 * z / w.nelement():6.2f}%)")
    print(f"  global sparsity: {100.0 * zeros / total:.2f}%")


model = SmallCNN()
x = torch.randn(3, 1, 8, 8)
base = model(x)
print(model)
n_params = sum(p.numel() for p in model.parameters())
print("parameters:", n_params)

to_prune = [(model.conv1, "weight"), (model.conv2, "weight"), (model.fc, "weight")]
prune.global_unstructured(to_prune, pruning_method=prune.L1Unstructured, amount=0.5)
print("after global 50%:")
report(model)
print("conv1 mask:\n", model.conv1.weight_mask[:2])
print("named buffers:", [n for n, _ in model.named_buffers()])
print("conv2 hooks:", [type(h).__name__ for h in model.conv2._forward_pre_hooks.values()])
h = next(iter(model.conv2._forward_pre_hooks.values()))
print("hook tensor name:", h._tensor_name, "mask sum:", h.mask.sum().item())
out = model(x)
print("output drift:", f"{(out - base).abs().max().item():.4f}")

# a second global round with importance scores = |w| * |grad|, i.e. a first-order Taylor criterion
loss = F.cross_entropy(model(x), torch.tensor([0, 3, 1]))
loss.backward()
scores = {}
for mod, name in to_prune:
    g = getattr(mod, name + "_orig").grad
    scores[(mod, name)] = (getattr(mod, name) * g).abs()
prune.global_unstructured(to_prune, pruning_method=prune.L1Unstructured,
                          importance_scores=scores, amount=20)
print("after taylor round (+20):")
report(model)
c = next(iter(model.fc._forward_pre_hooks.values()))
print("fc hook:", type(c).__name__, [type(m).__name__ for m in c])

# bias pruning and custom masks
prune.l1_unstructured(model.fc, "bias", amount=2)
print("fc bias:", model.fc.bias)
print("fc bias_mask:", model.fc.bias_mask)
mask = torch.ones(4, 1, 3, 3)
mask[:, :, 1, 1] = 0
prune.custom_from_mask(model.conv1, "bias", mask=torch.tensor([1.0, 0.0, 1.0, 1.0]))
print("conv1 bias:", model.conv1.bias)
print(model.fc)


class EveryOther(prune.BasePruningMethod):
    """Zero every other entry of the still-alive ones."""
    PRUNING_TYPE = "unstructured"

    def compute_mask(self, t, default_mask):
        mask = default_mask.clone()
        flat = mask.view(-1)
        alive = torch.nonzero(flat).flatten()
        flat[alive[::2]] = 0
        return mask


lin = nn.Linear(4, 3)
EveryOther.apply(lin, "weight")
print("custom mask:\n", lin.weight_mask)
EveryOther.apply(lin, "weight")
print("custom mask twice:\n", lin.weight_mask)
print("is_pruned:", prune.is_pruned(lin), prune.is_pruned(nn.Linear(2, 2)))

# state dict of a pruned model loads into another pruned model, and deepcopy keeps the hooks
sd = model.state_dict()
print("state_dict keys:", list(sd.keys()))
try:
    clone = copy.deepcopy(model)       # the pruned weight is a computed (non-leaf) attribute
except RuntimeError as e:
    print("deepcopy RuntimeError:", str(e)[:60])
with torch.no_grad():                   # recompute the pruned attributes as leaves first
    for mod, name in to_prune + [(model.fc, "bias"), (model.conv1, "bias")]:
        setattr(mod, name, getattr(mod, name + "_orig") * getattr(mod, name + "_mask"))
clone = copy.deepcopy(model)
print("deepcopy same output:", torch.equal(clone(x), model(x)))
fresh = SmallCNN()
for mod, name in [(fresh.conv1, "weight"), (fresh.conv2, "weight"), (fresh.fc, "weight"),
                  (fresh.fc, "bias"), (fresh.conv1, "bias")]:
    prune.identity(mod, name)
res = fresh.load_state_dict(sd)
print("load:", res)
print("fresh equals:", torch.equal(fresh(x), model(x)))
try:
    SmallCNN().load_state_dict(sd)
except RuntimeError as e:
    print("RuntimeError:", str(e).splitlines()[0])
    print(" missing lines:", len(str(e).splitlines()))

# make the pruning permanent
for mod, name in to_prune + [(model.fc, "bias"), (model.conv1, "bias")]:
    prune.remove(mod, name)
print("after remove:", [n for n, _ in model.named_parameters()])
print("buffers:", [n for n, _ in model.named_buffers()])
report(model)
print("hooks left:", sum(len(m._forward_pre_hooks) for m in model.modules()))

# errors
for amount in [-0.1, 1.5, 100, "half"]:
    try:
        prune.l1_unstructured(nn.Linear(3, 2), "weight", amount=amount)
    except (ValueError, TypeError) as e:
        print(type(e).__name__ + ":", e)
try:
    prune.remove(nn.Linear(3, 2), "weight")
except ValueError as e:
    print("ValueError:", e)
try:
    prune.l1_unstructured(nn.Linear(3, 2), "weights", amount=1)
except AttributeError as e:
    print("AttributeError:", e)
try:
    prune.global_unstructured([(nn.Linear(3, 2), "weight")], pruning_method=prune.RandomStructured, amount=1)
except TypeError as e:
    print("TypeError:", e)
try:
    prune.global_unstructured(5, pruning_method=prune.L1Unstructured, amount=1)
except TypeError as e:
    print("TypeError:", e)
