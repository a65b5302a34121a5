"""The 'tips for loading an nn.Module from a checkpoint' recipe: torch.save a model, torch.load it
with mmap=True and weights_only=True, build the model skeleton under `with torch.device('meta')`
(no memory, no random numbers drawn), load_state_dict(sd, assign=True), and the alternative of
module.to_empty(device='cpu') followed by a normal load; plus the warning a meta model gives when
loaded without assign=True, and torch.set_default_device."""
import os
import tempfile
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)


class SomeModule(nn.Module):
    def __init__(self, size):
        super().__init__()
        self.linears = nn.ModuleList([nn.Linear(size, size) for _ in range(4)])
        self.norm = nn.LayerNorm(size)
        self.bn = nn.BatchNorm1d(size)
        self.head = nn.Linear(size, 3)

    def forward(self, x):
        for lin in self.linears:
            x = F.gelu(lin(x))
        return self.head(self.bn(self.norm(x)))


m = SomeModule(16)
opt = torch.optim.SGD(m.parameters(), lr=0.05)
x, y = torch.randn(32, 16), torch.randint(0, 3, (32,))
for step in range(3):
    opt.zero_grad()
    loss = F.cross_entropy(m(x), y)
    loss.backward()
    opt.step()
    print(f"step {step}: loss {loss.item():.4f}")
m.eval()
with torch.no_grad():
    reference = m(x)

with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "checkpoint.pth")
    torch.save(m.state_dict(), path)

    # mmap=True: the tensors' storage stays on disk until used
    state_dict = torch.load(path, mmap=True, weights_only=True)
    print(type(state_dict).__name__, len(state_dict), list(state_dict)[:3])
    print(state_dict["bn.num_batches_tracked"], state_dict["head.bias"].dtype, state_dict["head.weight"].shape)

    # the skeleton on the meta device: parameters have shapes and dtypes but no data
    rng_before = torch.get_rng_state()
    with torch.device("meta"):
        meta_m = SomeModule(16)
        print("default device inside:", torch.get_default_device())
    print("default device after:", torch.get_default_device())
    print("rng untouched by the meta init:", torch.equal(rng_before, torch.get_rng_state()))
    print(meta_m.head.weight)
    print(meta_m.bn.running_var, meta_m.bn.num_batches_tracked)
    print(meta_m.linears[0].weight.is_meta, meta_m.linears[0].weight.device, meta_m.norm.bias.shape)
    n_meta = sum(p.numel() for p in meta_m.parameters())
    print("parameters on meta:", n_meta)

    # loading without assign=True copies into meta tensors: a no-op, and torch warns for each key
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        print(meta_m.load_state_dict(state_dict))
    print(len(caught), "warnings; first:", caught[0].category.__name__)
    print(str(caught[0].message))
    print("still meta:", meta_m.head.weight.is_meta)

    # assign=True: the module takes the loaded tensors themselves
    result = meta_m.load_state_dict(state_dict, assign=True)
    print(result)
    print("meta after assign:", meta_m.head.weight.is_meta, type(meta_m.head.weight).__name__,
          meta_m.head.weight.requires_grad, meta_m.bn.running_mean.device)
    print("shares the loaded storage:", meta_m.head.weight.data_ptr() == state_dict["head.weight"].data_ptr())
    meta_m.eval()
    with torch.no_grad():
        out = meta_m(x)
    print("same output as the saved model:", torch.equal(out, reference))
    print(out[:2].round(decimals=3))

    # the other route: to_empty gives uninitialised CPU storage, then a normal (copying) load
    with torch.device("meta"):
        empty_m = SomeModule(16)
    w_meta = empty_m.head.weight
    empty_m.to_empty(device="cpu")
    print("to_empty:", empty_m.head.weight.device, empty_m.head.weight.shape, empty_m.head.weight is w_meta,
          type(empty_m.head.weight).__name__, empty_m.bn.num_batches_tracked.dtype)
    print(empty_m.load_state_dict(state_dict))
    print("copied:", torch.equal(empty_m.head.weight, m.head.weight), empty_m.bn.num_batches_tracked)

    # or re-initialise the emptied module in place
    torch.manual_seed(7)
    fresh = SomeModule(16)
    with torch.device("meta"):
        reinit = SomeModule(16)
    reinit.to_empty(device="cpu")
    torch.manual_seed(7)
    for mod in reinit.modules():
        if isinstance(mod, (nn.Linear, nn.LayerNorm, nn.BatchNorm1d)):
            mod.reset_parameters()
    print("reset_parameters matches a fresh model:",
          all(torch.equal(a, b) for a, b in zip(fresh.state_dict().values(), reinit.state_dict().values())))

# factories on the meta device, and the default device
t = torch.empty(1000, 1000, device="meta")
print(t.shape, t.device, t.dtype, t.is_meta)
print(torch.zeros(3, 4, device="meta", dtype=torch.float16))
print(torch.randn(2, 2, device="meta", requires_grad=True))
print(torch.zeros_like(t).device, torch.ones_like(t, device="cpu").sum().item())
torch.set_default_device("meta")
print(torch.arange(5), torch.get_default_device())
torch.set_default_device("cpu")
print(torch.arange(5), torch.get_default_device())
print(torch.randn(3))
