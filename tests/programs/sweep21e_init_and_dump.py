"""Initialising with model.apply and dumping what came out, as course notebooks do: custom init
functions per layer type with printed statistics, print(model.state_dict()), print of parameters
and of the parameter list, dtype conversions, parametrized modules (weight_norm, orthogonal,
spectral_norm) and how they print, and global module hooks."""
import math

import torch
import torch.nn as nn
import torch.nn.utils.parametrize as P
from torch.nn.utils import parametrizations


class MLP(nn.Module):
    def __init__(self, sizes):
        super().__init__()
        layers = []
        for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
            layers.append(nn.Linear(a, b))
            if i < len(sizes) - 2:
                layers.append(nn.LayerNorm(b))
                layers.append(nn.ReLU())
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)


def init_weights(m):
    if isinstance(m, nn.Linear):
        nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
        if m.bias is not None:
            nn.init.constant_(m.bias, 0.01)
        print(f"init {m}: std={m.weight.std().item():.3f}")
    elif isinstance(m, nn.LayerNorm):
        nn.init.ones_(m.weight)
        nn.init.zeros_(m.bias)
        print(f"init {m}")
    elif isinstance(m, nn.Conv2d):
        nn.init.xavier_uniform_(m.weight, gain=nn.init.calculate_gain("leaky_relu", 0.2))
        print(f"init {m}: bound={m.weight.abs().max().item():.3f}")
    else:
        print(f"skip {type(m).__name__}")


torch.manual_seed(0)
mlp = MLP([6, 32, 32, 3])
ret = mlp.apply(init_weights)
print(ret is mlp)
for name, p in mlp.named_parameters():
    print(f"{name:<14} mean={p.mean().item():+.3f} std={p.std().item():.3f} "
          f"min={p.min().item():+.3f} max={p.max().item():+.3f}")
print(round(nn.init.calculate_gain("tanh"), 6), nn.init.calculate_gain("selu"),
      round(nn.init.calculate_gain("leaky_relu"), 6), nn.init.calculate_gain("conv2d"))

small = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2))
torch.manual_seed(1)
small.apply(lambda m: nn.init.uniform_(m.weight, -0.1, 0.1) if isinstance(m, nn.Linear) else None)
print(small.state_dict())
print(list(small.parameters()))
print(dict(small.named_buffers()))
print(small[0].weight)
print(small[0].weight.data)
print(small[0].bias.detach())
print(nn.Parameter(torch.arange(4.).view(2, 2)))
print(nn.Parameter(torch.zeros(2, dtype=torch.float64), requires_grad=False))
print(nn.Parameter())
print(repr(nn.Buffer(torch.ones(2))) if hasattr(nn, "Buffer") else "no Buffer")

print("== dtype conversions")
d = MLP([2, 3, 1]).double()
print({n: str(p.dtype) for n, p in d.named_parameters()})
print(d(torch.ones(1, 2, dtype=torch.float64)).dtype)
d.to(torch.float32)
print(next(d.parameters()).dtype, next(d.parameters()).device)
h = nn.Linear(2, 2).half()
print(h.weight.dtype, h.weight.element_size(), h.bias.nbytes)
print(sum(p.numel() * p.element_size() for p in h.parameters()))

print("== parametrizations")
torch.manual_seed(2)
lin = nn.Linear(4, 3)
parametrizations.weight_norm(lin, name="weight", dim=0)
print(lin)
print(sorted(n for n, _ in lin.named_parameters()))
print(list(lin.state_dict().keys()))
print(tuple(lin.weight.shape), P.is_parametrized(lin), P.is_parametrized(lin, "bias"))
print(f"{lin.parametrizations.weight.original0.squeeze().sum().item():.4f}")
orth = parametrizations.orthogonal(nn.Linear(3, 3))
w = orth.weight
print(orth)
print(torch.allclose(w @ w.T, torch.eye(3), atol=1e-5))


class Symmetric(nn.Module):
    def forward(self, X):
        return X.triu() + X.triu(1).transpose(-1, -2)


sym = nn.Linear(3, 3)
P.register_parametrization(sym, "weight", Symmetric())
print(sym)
print(torch.equal(sym.weight, sym.weight.T))
P.remove_parametrizations(sym, "weight", leave_parametrized=True)
print(sym, type(sym.weight).__name__)
sn = parametrizations.spectral_norm(nn.Linear(5, 4))
print(sn)
print(sorted(sn.state_dict().keys()))

print("== global hooks")
seen = []
hk = nn.modules.module.register_module_forward_hook(
    lambda m, i, o: seen.append((type(m).__name__, tuple(o.shape))))
mlp(torch.randn(2, 6))
hk.remove()
print(seen)
mlp(torch.randn(2, 6))
print(len(seen))

print("== state_dict hooks")
def drop_bias(module, state_dict, prefix, local_metadata):
    for k in [k for k in state_dict if k.endswith("bias")]:
        del state_dict[k]

hh = small.register_state_dict_post_hook(drop_bias) if hasattr(small, "register_state_dict_post_hook") else small._register_state_dict_hook(drop_bias)
print(list(small.state_dict().keys()))
hh.remove()
print(list(small.state_dict().keys()))
std_ref = 1 / math.sqrt(3)
print(f"{std_ref:.4f}")
