"""Feature extraction and checkpointing in the style of forum answers ("How can I extract intermediate
layer output?") and fine-tuning notebooks: forward hooks storing activations in a dict, forward
pre-hooks, full backward hooks for gradient norms, hook handles removed, named_modules filtering by
type, torch.save / torch.load of state_dicts and whole checkpoints through io.BytesIO,
load_state_dict(strict=False) reporting missing/unexpected keys, shape-mismatch errors, and
model.eval() with torch.no_grad() / inference_mode inference."""
import io
from collections import OrderedDict

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)


class SmallNet(nn.Module):
    def __init__(self, n_cls=4):
        super().__init__()
        self.stem = nn.Sequential(OrderedDict(conv=nn.Conv2d(3, 6, 3, padding=1), bn=nn.BatchNorm2d(6), act=nn.ReLU()))
        self.block = nn.Sequential(nn.Conv2d(6, 6, 3, padding=1), nn.ReLU(), nn.Dropout2d(0.1))
        self.pool = nn.AdaptiveAvgPool2d((1, 1))
        self.head = nn.Linear(6, n_cls)

    def forward(self, x):
        x = self.block(self.stem(x))
        return self.head(self.pool(x).flatten(1))


model = SmallNet()
x = torch.randn(5, 3, 8, 8)
activations = {}


def get_activation(name):
    def hook(module, inp, out):
        activations[name] = out.detach()
    return hook


handles = [model.stem.act.register_forward_hook(get_activation("stem")),
           model.pool.register_forward_hook(get_activation("pool"))]
convs = {n: m for n, m in model.named_modules() if isinstance(m, nn.Conv2d)}
print(list(convs), [type(m).__name__ for m in model.modules()][:6])
for n, m in convs.items():
    handles.append(m.register_forward_hook(get_activation(n)))
seen_inputs = []
handles.append(model.head.register_forward_pre_hook(lambda m, args: seen_inputs.append(args[0].shape)))


def scale_input(module, args):
    return (args[0] * 2,)


pre = model.block[0].register_forward_pre_hook(scale_input)
model.eval()
with torch.no_grad():
    out = model(x)
print(out.shape, out.requires_grad, sorted(activations), {k: tuple(v.shape) for k, v in activations.items()})
print(seen_inputs, (activations["stem"] >= 0).all().item(), activations["pool"].flatten(1)[0].round(decimals=4))
pre.remove()
with torch.no_grad():
    out2 = model(x)
print("pre-hook removed changes output:", not torch.allclose(out, out2))
for h in handles:
    h.remove()
activations.clear()
model(x)
print("after remove:", activations, len(model.stem.act._forward_hooks), len(seen_inputs))


def replace_output(module, inp, out):
    return out.clamp(max=0.1)


h = model.head.register_forward_hook(replace_output)
print(model(x).max().item() <= 0.1)
h.remove()

# ---- backward hooks: gradient norms per layer --------------------------------------------------
model.train()
grad_norms = {}
bh = []
for n, m in model.named_modules():
    if isinstance(m, (nn.Conv2d, nn.Linear)):
        bh.append(m.register_full_backward_hook(
            lambda mod, gin, gout, n=n: grad_norms.__setitem__(n, (len(gin), len(gout), gout[0].shape))))
tensor_grads = []
model.head.weight.register_hook(lambda g: tensor_grads.append(g.shape))
loss = F.cross_entropy(model(x), torch.tensor([0, 1, 2, 3, 0]))
loss.backward()
print(grad_norms, tensor_grads)
for h in bh:
    h.remove()
print({n: p.grad is not None for n, p in model.named_parameters() if "stem" in n})



class Scale(nn.Module):
    def forward(self, x, k, tag="s"):
        return x * k, tag


scaler = Scale()
scaler.register_full_backward_pre_hook(lambda m, gout: print("pre-hook grad_output", [None if g is None else tuple(g.shape) for g in gout]))
scaler.register_full_backward_hook(lambda m, gin, gout: print("grad_input", [None if g is None else tuple(g.shape) for g in gin]))
xs = torch.ones(2, 3, requires_grad=True)
scaler(xs, 2.0)[0].sum().backward()
bad = nn.Linear(3, 3)
bad.register_full_backward_hook(lambda m, gin, gout: (gin[0], gin[0]))
try:
    bad(xs).sum().backward()
except RuntimeError as e:
    print(type(e).__name__, e)
halve = nn.Linear(3, 3)
halve.register_full_backward_hook(lambda m, gin, gout: (gin[0] * 0.5,))
xs.grad = None
halve(xs).sum().backward()
print(xs.grad.round(decimals=4))

# ---- named_modules / parameters filtering -----------------------------------------------------------
print([n for n, _ in model.named_children()], len(list(model.modules())), len(list(model.named_modules(remove_duplicate=False))))
bn_params = [n for n, m in model.named_modules() if isinstance(m, nn.BatchNorm2d) for n2, _ in m.named_parameters()]
print(bn_params, [n for n, b in model.named_buffers()])
print(model.get_submodule("stem.conv"), model.get_parameter("head.bias").shape)
try:
    model.get_submodule("stem.linear")
except AttributeError as e:
    print(type(e).__name__, e)
print(sum(p.numel() for p in model.parameters()), sum(p.numel() for p in model.parameters() if p.ndim > 1))
print(model.stem)

# ---- save / load through BytesIO ------------------------------------------------------------------
buf = io.BytesIO()
torch.save(model.state_dict(), buf)
buf.seek(0)
sd = torch.load(buf, weights_only=True)
print(type(sd).__name__, list(sd.keys()))
clone = SmallNet()
print(clone.load_state_dict(sd))
model.eval(); clone.eval()
with torch.no_grad():
    print("same outputs:", torch.equal(model(x), clone(x)))
ckpt = {"epoch": 3, "model": model.state_dict(), "opt": torch.optim.Adam(model.parameters()).state_dict(),
        "best": torch.tensor(0.75), "history": [1.0, 0.5]}
buf2 = io.BytesIO()
torch.save(ckpt, buf2)
buf2.seek(0)
loaded = torch.load(buf2)
print(sorted(loaded), loaded["epoch"], loaded["best"], loaded["opt"]["param_groups"][0]["lr"], loaded["history"])
model.act_fn = lambda t: t.relu()          # a lambda attribute: the whole model cannot be pickled
try:
    torch.save(model, io.BytesIO())
except Exception as e:
    print(type(e).__name__, str(e).split(": ")[-1])
del model.act_fn
bigger = SmallNet(n_cls=5)
try:
    bigger.load_state_dict(sd)
except RuntimeError as e:
    print(type(e).__name__, e)
partial = {k: v for k, v in sd.items() if not k.startswith("head")}
partial["extra.weight"] = torch.zeros(1)
res = bigger.load_state_dict(partial, strict=False)
print(res.missing_keys, res.unexpected_keys, res)
try:
    bigger.load_state_dict(partial)
except RuntimeError as e:
    print(type(e).__name__, e)
prefixed = {"module." + k: v for k, v in sd.items()}
try:
    clone.load_state_dict(prefixed)
except RuntimeError as e:
    print(type(e).__name__, str(e)[:200])
clone.load_state_dict({k.removeprefix("module."): v for k, v in prefixed.items()})
print(torch.equal(clone.head.weight, model.head.weight), clone.stem.bn.num_batches_tracked)

# ---- inference ---------------------------------------------------------------------------------
with torch.inference_mode():
    logits = clone(x)
print(logits.requires_grad, logits.is_inference(), logits.argmax(1), F.softmax(logits, 1).sum(1).round(decimals=4))
try:
    logits.add_(1)
except RuntimeError as e:
    print(type(e).__name__, e)
with torch.no_grad():
    z = clone(x)
print(z.is_inference(), z.requires_grad, clone.training, clone.block[2].training)
clone.train()
print(clone.block[2].training, [m.training for m in clone.stem])
clone.requires_grad_(False)
print(any(p.requires_grad for p in clone.parameters()), clone(x).requires_grad)
