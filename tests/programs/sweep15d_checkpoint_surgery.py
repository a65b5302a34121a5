"""Course notebook, "Debugging models, part 2: checkpoints, optimizers and module plumbing".

Typical mistakes around state dicts and optimizers, each caught and printed, then the tools to
inspect a module tree: get_submodule, named_modules, apply, forward pre-hooks that see keyword
arguments, state-dict hooks, and what load_state_dict(strict=False) reports.
"""
from collections import OrderedDict

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)
torch.set_printoptions(precision=4)


class Block(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.norm = nn.LayerNorm(d)
        self.ff = nn.Sequential(nn.Linear(d, 2 * d), nn.GELU(), nn.Linear(2 * d, d))

    def forward(self, x, scale=1.0):
        return x + scale * self.ff(self.norm(x))


class Net(nn.Module):
    def __init__(self, d=4, n_blocks=2, n_out=3):
        super().__init__()
        self.embed = nn.Linear(6, d)
        self.blocks = nn.ModuleList([Block(d) for _ in range(n_blocks)])
        self.head = nn.Linear(d, n_out)
        self.register_buffer("step", torch.zeros((), dtype=torch.long))

    def forward(self, x, scale=1.0):
        h = self.embed(x)
        for blk in self.blocks:
            h = blk(h, scale=scale)
        return self.head(h)


net = Net()
x = torch.randn(5, 6)
print(net)
print("state_dict keys:", list(net.state_dict().keys()))

# --- load_state_dict mistakes ----------------------------------------------------------
print("\n## load_state_dict")
sd = net.state_dict()
bad = OrderedDict(("module." + k, v) for k, v in sd.items())     # saved from DataParallel
try:
    Net().load_state_dict(bad)
except RuntimeError as e:
    print(type(e).__name__, e)
fixed = OrderedDict((k.removeprefix("module."), v) for k, v in bad.items())
print("after removing 'module.':", Net().load_state_dict(fixed))

try:
    Net(n_out=5).load_state_dict(sd)
except RuntimeError as e:
    print(type(e).__name__, e)

partial = {k: v for k, v in sd.items() if not k.startswith("head")}
partial["extra.weight"] = torch.ones(2)
res = Net().load_state_dict(partial, strict=False)
print("strict=False ->", res)
print("missing:", res.missing_keys)
print("unexpected:", res.unexpected_keys)
print("as tuple:", tuple(res)[0][:1], type(res).__name__)

try:
    Net(n_out=5).load_state_dict(sd, strict=False)
except RuntimeError as e:
    print("strict=False still checks shapes:", type(e).__name__, str(e).splitlines()[-1].strip())

try:
    net.load_state_dict({"embed.weight": [[0.0] * 6] * 4}, strict=False)
except Exception as e:
    print(type(e).__name__, e)
try:
    net.load_state_dict([("embed.weight", torch.zeros(4, 6))])
except Exception as e:
    print(type(e).__name__, e)

# transfer learning: keep what fits
model2 = Net(n_out=5)
own = model2.state_dict()
compatible = {k: v for k, v in sd.items() if k in own and v.shape == own[k].shape}
print("compatible tensors:", len(compatible), "of", len(sd))
print(model2.load_state_dict(compatible, strict=False))

# --- optimizer mistakes --------------------------------------------------------------------
print("\n## optimizer mistakes")
w = torch.randn(3, requires_grad=True)
try:
    torch.optim.SGD([w * 2], lr=0.1)
except ValueError as e:
    print(type(e).__name__, e)
try:
    torch.optim.SGD(w, lr=0.1)
except TypeError as e:
    print(type(e).__name__, e)
try:
    torch.optim.Adam([w, w], lr=0.1)
except Exception as e:
    print(type(e).__name__, e)
try:
    torch.optim.SGD([], lr=0.1)
except ValueError as e:
    print(type(e).__name__, e)
try:
    torch.optim.Adam(net.parameters(), lr=-1.0)
except ValueError as e:
    print(type(e).__name__, e)
try:
    torch.optim.Adam([{"params": net.head.parameters()}, {"params": net.head.parameters(), "lr": 1e-4}])
except ValueError as e:
    print(type(e).__name__, e)
try:
    torch.optim.SGD([{"params": [w], "lr": 0.1}, {"params": [torch.randn(2, requires_grad=True)]}])
except TypeError as e:
    print(type(e).__name__, e)
frozen = torch.randn(2)
opt = torch.optim.SGD([frozen], lr=0.1)
print("optimizing a tensor that does not require grad:", opt.param_groups[0]["params"][0].requires_grad)
opt = torch.optim.Adam(net.parameters(), lr=1e-3)
F.mse_loss(net(x), torch.zeros(5, 3)).backward()
opt.step()
print("adam state keys:", sorted(opt.state_dict()["state"][0].keys()))
other = torch.optim.Adam(Net(n_blocks=1).parameters(), lr=1e-3)
try:
    other.load_state_dict(opt.state_dict())
except ValueError as e:
    print(type(e).__name__, e)
sgd = torch.optim.SGD(net.parameters(), lr=0.1)
try:
    sgd.load_state_dict({"state": {}})
except Exception as e:
    print(type(e).__name__, e)
sgd.add_param_group({"params": [torch.zeros(2, requires_grad=True)], "lr": 0.5})
print("param groups:", len(sgd.param_groups), [g["lr"] for g in sgd.param_groups])
try:
    sgd.add_param_group({"params": [net.head.weight]})
except ValueError as e:
    print(type(e).__name__, e)

# --- module tree tools ------------------------------------------------------------------
print("\n## module tree")
print("get_submodule:", net.get_submodule("blocks.1.ff.0"))
print("get_parameter:", tuple(net.get_parameter("blocks.0.norm.weight").shape))
print("get_buffer:", net.get_buffer("step"))
try:
    net.get_submodule("blocks.5")
except AttributeError as e:
    print(type(e).__name__, e)
try:
    net.get_submodule("head.weight")
except AttributeError as e:
    print(type(e).__name__, e)
try:
    net.get_parameter("blocks.0.norm.gamma")
except AttributeError as e:
    print(type(e).__name__, e)
for name, mod in net.named_modules():
    if isinstance(mod, nn.Linear):
        print(f"  {name:<14} {mod.in_features}->{mod.out_features}")
print("children:", [n for n, _ in net.named_children()])
print("leaf count:", sum(1 for m in net.modules() if not list(m.children())))


@torch.no_grad()
def init_weights(m):
    if isinstance(m, nn.Linear):
        nn.init.constant_(m.weight, 0.01)
        nn.init.zeros_(m.bias)
    elif isinstance(m, nn.LayerNorm):
        m.weight.fill_(1.0)


ret = net.apply(init_weights)
print("apply returns the module:", ret is net, net.head.weight[0])
net.set_submodule("head", nn.Linear(4, 2)) if hasattr(net, "set_submodule") else None
print("new head:", net.head)
print("output with new head:", net(x).shape)

# --- hooks with kwargs --------------------------------------------------------------------
print("\n## hooks")


def pre_hook(module, args, kwargs):
    print("  pre-hook sees args", [tuple(a.shape) for a in args], "kwargs", kwargs)
    kwargs = dict(kwargs, scale=0.0)
    return args, kwargs


def fwd_hook(module, args, kwargs, output):
    print("  forward hook kwargs", kwargs, "out", tuple(output.shape))


blk = net.blocks[0]
h1 = blk.register_forward_pre_hook(pre_hook, with_kwargs=True)
h2 = blk.register_forward_hook(fwd_hook, with_kwargs=True)
h = torch.randn(2, 4)
out = blk(h, scale=0.5)
print("scale forced to 0 -> identity:", torch.equal(out, h))
h1.remove()
h2.remove()
print("hooks removed:", len(blk._forward_pre_hooks), len(blk._forward_hooks))


def plain_pre(module, args):
    return (args[0] * 0,)


hp = net.embed.register_forward_pre_hook(plain_pre)
print("zeroed input:", net.embed(torch.ones(1, 6)))
hp.remove()
calls = []
hk = net.register_forward_hook(lambda m, a, o: calls.append(type(m).__name__), prepend=True)
net(x)
hk.remove()
print("calls:", calls)

# --- state_dict hooks -------------------------------------------------------------------
print("\n## state_dict hooks")


def drop_buffers(module, state_dict, prefix, local_metadata):
    for k in [k for k in state_dict if k.endswith("step")]:
        del state_dict[k]


hd = net.register_state_dict_post_hook(drop_buffers) if hasattr(net, "register_state_dict_post_hook") \
    else net._register_state_dict_hook(drop_buffers)
print("'step' in state_dict:", "step" in net.state_dict())
hd.remove()
print("after remove:", "step" in net.state_dict())


def pre_load(module, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs):
    for k in list(state_dict):
        if k.startswith(prefix + "old_head."):
            state_dict[k.replace("old_head.", "head.")] = state_dict.pop(k)


net.register_load_state_dict_pre_hook(pre_load)
renamed = {k.replace("head.", "old_head."): v for k, v in net.state_dict().items()}
print("renamed keys load:", net.load_state_dict(renamed))


def post_load(module, incompatible_keys):
    print("  post-load hook:", incompatible_keys.missing_keys[:1], incompatible_keys.unexpected_keys[:1])
    incompatible_keys.missing_keys.clear()


net.register_load_state_dict_post_hook(post_load)
print("missing cleared by hook:", net.load_state_dict({k: v for k, v in net.state_dict().items()
                                                        if k != "step"}))
print("persistent=False buffer:", end=" ")
net.register_buffer("cache", torch.ones(2), persistent=False)
print("cache" in net.state_dict(), "cache" in dict(net.named_buffers()))
