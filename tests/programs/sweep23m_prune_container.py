"""Pruning internals, as in the torch.nn.utils.prune tutorial and the forum threads that dig into it:
random_unstructured / l1_unstructured / ln_structured (n=1, 2, inf; dim=0 and 1) / random_structured on
small layers, iterative pruning that composes masks in a PruningContainer, a custom BasePruningMethod,
identity, the weight_orig / weight_mask layout, forward_pre_hooks, state_dict keys before and after
prune.remove, and per-layer sparsity reports."""
import torch
import torch.nn as nn
import torch.nn.utils.prune as prune

torch.manual_seed(0)


def sparsity(t):
    return 100.0 * float(torch.sum(t == 0)) / float(t.nelement())


def hook_names(module):
    out = []
    for k, hook in module._forward_pre_hooks.items():
        if isinstance(hook, prune.PruningContainer):
            out.append((type(hook).__name__, hook._tensor_name, [type(m).__name__ for m in hook]))
        else:
            out.append((type(hook).__name__, getattr(hook, "_tensor_name", None)))
    return out


# --- one Linear, pruned three times in a row -------------------------------------------------------
lin = nn.Linear(6, 5)
print("params before:", [n for n, _ in lin.named_parameters()])
prune.random_unstructured(lin, name="weight", amount=0.3)
print("params after :", [n for n, _ in lin.named_parameters()])
print("buffers      :", [n for n, _ in lin.named_buffers()])
print("hooks        :", hook_names(lin))
print("mask:\n", lin.weight_mask)
print("is weight a Parameter?", isinstance(lin.weight, nn.Parameter), type(lin.weight).__name__)
print("weight_orig is Parameter?", isinstance(lin.weight_orig, nn.Parameter))
print(f"sparsity after random 0.3: {sparsity(lin.weight):.2f}%")

prune.l1_unstructured(lin, name="weight", amount=3)
print("hooks after 2nd prune:", hook_names(lin))
print(f"sparsity after +3 L1: {sparsity(lin.weight):.2f}%")

prune.ln_structured(lin, name="weight", amount=0.4, n=2, dim=0)
print("hooks after 3rd prune:", hook_names(lin))
print("mask after ln_structured rows:\n", lin.weight_mask)
print("rows alive:", (lin.weight_mask.sum(dim=1) > 0).tolist())
container = next(iter(lin._forward_pre_hooks.values()))
print("container length:", len(container), "amounts:", [getattr(m, "amount", None) for m in container])
print("state_dict keys:", list(lin.state_dict().keys()))
print("is_pruned:", prune.is_pruned(lin))

prune.remove(lin, "weight")
print("after remove params:", [n for n, _ in lin.named_parameters()])
print("after remove buffers:", [n for n, _ in lin.named_buffers()])
print("after remove hooks:", hook_names(lin))
print("state_dict keys:", list(lin.state_dict().keys()))
print("is_pruned:", prune.is_pruned(lin))
print(f"sparsity kept after remove: {sparsity(lin.weight):.2f}%")
print("weight (rounded):\n", lin.weight.detach().round(decimals=3))

# --- structured pruning with every norm and both dims ------------------------------------------------
for n in (1, 2, float("inf"), -float("inf")):
    for dim in (0, 1, -1):
        conv = nn.Conv2d(3, 4, 3)
        with torch.no_grad():
            conv.weight.copy_(torch.arange(conv.weight.numel(), dtype=torch.float32).view_as(conv.weight).sin())
        prune.ln_structured(conv, "weight", amount=1, n=n, dim=dim)
        alive = conv.weight_mask.sum(dim=[d for d in range(4) if d != (dim % 4)])
        print(f"ln n={n} dim={dim}: channel mask sums {alive.tolist()} sparsity {sparsity(conv.weight):.2f}%")

torch.manual_seed(1)
conv = nn.Conv2d(2, 6, 2)
prune.random_structured(conv, "weight", amount=0.5, dim=0)
print("random_structured filters kept:", (conv.weight_mask.flatten(1).sum(1) > 0).int().tolist())
prune.random_structured(conv, "weight", amount=1, dim=1)
print("then input channels kept:", (conv.weight_mask.transpose(0, 1).flatten(1).sum(1) > 0).int().tolist())
print(f"conv sparsity: {sparsity(conv.weight):.2f}%")


# --- a custom method: prune every other entry -----------------------------------------------------
class FooBarPruningMethod(prune.BasePruningMethod):
    """Prune every other entry in a tensor"""
    PRUNING_TYPE = "unstructured"

    def compute_mask(self, t, default_mask):
        mask = default_mask.clone()
        mask.view(-1)[::2] = 0
        return mask


def foobar_unstructured(module, name):
    FooBarPruningMethod.apply(module, name)
    return module


m = nn.Linear(3, 4)
foobar_unstructured(m, name="bias")
print("foobar bias mask:", m.bias_mask)
foobar_unstructured(m, name="bias")     # composing: only among the kept entries
print("foobar twice:", m.bias_mask)
prune.identity(m, "weight")
print("identity mask all ones:", bool(m.weight_mask.all()), m.weight_mask.dtype)
print("hooks:", hook_names(m))
y = m(torch.ones(2, 3))
print("forward output (rounded):", y.detach().round(decimals=4))

# the custom method on its own, outside a module
t = torch.arange(1.0, 9.0)
print("prune():", FooBarPruningMethod().prune(t))
print("L1Unstructured.prune:", prune.L1Unstructured(amount=0.25).prune(t))

# custom_from_mask, then a container on top of it
m2 = nn.Linear(4, 2)
prune.custom_from_mask(m2, "weight", mask=torch.tensor([[1, 0, 1, 0], [0, 1, 1, 1]]))
prune.l1_unstructured(m2, "weight", amount=1)
print("custom + l1 mask:", m2.weight_mask)
print("mask dtype:", m2.weight_mask.dtype)
