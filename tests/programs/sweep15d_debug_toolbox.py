"""Blog post style: "Your model isn't learning -- a PyTorch debugging toolbox".

Walks through the tools one reaches for when a training run goes wrong: a torchinfo-like summary
built from forward hooks, gradient hooks on tensors and modules, per-layer gradient norms, NaN
hunting with anomaly detection, gradcheck on a hand-written autograd Function, and gradient
clipping.
"""
import math
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.autograd import gradcheck

warnings.filterwarnings("ignore")
torch.manual_seed(42)
torch.set_printoptions(precision=4, sci_mode=False)


class SmallNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(4, 8, 3), nn.ReLU(),
        )
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.head = nn.Sequential(nn.Flatten(), nn.Dropout(0.1), nn.Linear(8, 3))

    def forward(self, x):
        return self.head(self.pool(self.features(x)))


def summary(model, input_size):
    """A tiny torchinfo: register a forward hook on every leaf module, run one batch, print a table."""
    rows, hooks = [], []

    def hook(mod, inp, out):
        n_params = sum(p.numel() for p in mod.parameters(recurse=False))
        rows.append((mod.__class__.__name__, tuple(inp[0].shape), tuple(out.shape), n_params))

    for name, mod in model.named_modules():
        if len(list(mod.children())) == 0:
            hooks.append(mod.register_forward_hook(hook))
    model.eval()
    with torch.no_grad():
        model(torch.zeros(*input_size))
    for h in hooks:
        h.remove()
    print("=" * 64)
    print(f"{'Layer (type)':<20}{'Input Shape':<18}{'Output Shape':<18}{'Param #':>8}")
    print("=" * 64)
    for cls, i, o, n in rows:
        print(f"{cls:<20}{str(list(i)):<18}{str(list(o)):<18}{n:>8,}")
    total = sum(p.numel() for p in model.parameters())
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    print("=" * 64)
    print(f"Total params: {total:,}")
    print(f"Trainable params: {trainable:,}")
    print(f"Non-trainable params: {total - trainable:,}")
    size_mb = sum(p.numel() * p.element_size() for p in model.parameters()) / 1024 ** 2
    print(f"Params size (MB): {size_mb:.4f}")
    print("hooks left:", len(model.features[0]._forward_hooks))


model = SmallNet()
print(model)
summary(model, (2, 1, 8, 8))
model.features[1].weight.requires_grad_(False)
print("after freezing bn weight:", sum(p.numel() for p in model.parameters() if p.requires_grad))
model.features[1].weight.requires_grad_(True)

# --- tensor hooks: print gradients as they flow -------------------------------
print("\n## tensor hooks")
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x ** 2
y.register_hook(lambda g: print("grad wrt y:", g))
h = x.register_hook(lambda g: print("grad wrt x:", g))
z = (y * torch.tensor([1.0, 0.5, 0.25])).sum()
z.backward()
h.remove()
x.grad = None
x.register_hook(lambda g: g * 10)        # a hook may replace the gradient
(x * 3).sum().backward()
print("scaled grad:", x.grad)
y = x.exp()
y.retain_grad()
y.sum().backward()
print("retained y.grad:", y.grad, "is_leaf:", y.is_leaf, x.is_leaf)

# --- module backward hooks and per-layer grad norms --------------------------
print("\n## per-layer gradient norms")
model.train()
data = torch.randn(6, 1, 8, 8)
target = torch.randint(0, 3, (6,))
grad_log = []


def bw_hook(mod, grad_input, grad_output):
    grad_log.append((mod.__class__.__name__, tuple(grad_output[0].shape), f"{grad_output[0].norm():.4f}"))


hooks = [m.register_full_backward_hook(bw_hook) for m in (model.head[2], model.features[4])]
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
for step in range(3):
    opt.zero_grad()
    loss = F.cross_entropy(model(data), target)
    loss.backward()
    norms = {n: p.grad.norm().item() for n, p in model.named_parameters() if p.grad is not None}
    worst = max(norms, key=norms.get)
    total = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
    print(f"step {step} loss {loss.item():.4f} total norm {total:.4f} largest {worst} {norms[worst]:.4f}")
    opt.step()
for hk in hooks:
    hk.remove()
for entry in grad_log[:4]:
    print("backward hook:", entry)
for name, p in list(model.named_parameters())[2:6]:   # conv0 bias sits before BN: grad ~0
    print(f"{name:<22} grad mean {p.grad.mean():+.5f} std {p.grad.std():.5f}")
print("clip_grad_value_:", torch.nn.utils.clip_grad_value_(model.parameters(), 0.01))
print("max |grad| after clip:", f"{max(p.grad.abs().max().item() for p in model.parameters()):.4f}")

# --- NaN hunting ---------------------------------------------------------------
print("\n## NaN hunting")
a = torch.tensor([1.0, 0.0, -1.0], requires_grad=True)
b = torch.sqrt(a)
print("sqrt:", b)
print("isnan:", torch.isnan(b), "any:", torch.isnan(b).any().item(), "isfinite:", torch.isfinite(b).all().item())
print("nan_to_num:", torch.nan_to_num(b, nan=0.0))
c = torch.log(a)
print("log:", c, "isinf:", torch.isinf(c).tolist())
bad = [n for n, p in model.named_parameters() if not torch.isfinite(p).all()]
print("params with non-finite values:", bad)

print("detect_anomaly enabled?", torch.is_anomaly_enabled())
with torch.autograd.set_detect_anomaly(True):
    print("inside:", torch.is_anomaly_enabled())
    w = torch.tensor([0.0, 1.0], requires_grad=True)
    out = (w / w).sum()
    try:
        out.backward()
    except RuntimeError as e:
        print(type(e).__name__, e)
print("after:", torch.is_anomaly_enabled())

with torch.autograd.detect_anomaly():
    w = torch.tensor([4.0, 9.0], requires_grad=True)
    w.sqrt().sum().backward()
    print("clean backward grad:", w.grad)

# torch.nan_to_num / masking is how the fix usually looks
safe = torch.where(a > 0, a, torch.ones_like(a)).sqrt()
safe.sum().backward()
print("safe sqrt grad:", a.grad)


# --- gradcheck a custom Function ---------------------------------------------------
print("\n## gradcheck")


class MySoftplus(torch.autograd.Function):
    @staticmethod
    def forward(ctx, inp, beta):
        ctx.save_for_backward(inp)
        ctx.beta = beta
        return torch.log1p(torch.exp(beta * inp)) / beta

    @staticmethod
    def backward(ctx, grad_out):
        (inp,) = ctx.saved_tensors
        return grad_out * torch.sigmoid(ctx.beta * inp), None


class BuggySoftplus(MySoftplus):
    @staticmethod
    def backward(ctx, grad_out):
        (inp,) = ctx.saved_tensors
        return grad_out * torch.sigmoid(inp), None      # forgot beta


inp = torch.randn(5, dtype=torch.double, requires_grad=True)
print("correct:", gradcheck(lambda t: MySoftplus.apply(t, 2.0), (inp,), eps=1e-6, atol=1e-4))
print("buggy (raise_exception=False):", gradcheck(lambda t: BuggySoftplus.apply(t, 2.0), (inp,), eps=1e-6,
                                                  atol=1e-4, raise_exception=False))
try:
    gradcheck(lambda t: BuggySoftplus.apply(t, 2.0), (inp,), eps=1e-6, atol=1e-4)
except Exception as e:
    print(type(e).__name__, str(e).splitlines()[0])
print("matches F.softplus:", torch.allclose(MySoftplus.apply(inp, 2.0), F.softplus(inp, beta=2.0)))
out = MySoftplus.apply(inp, 2.0)
print("grad_fn:", type(out.grad_fn).__name__, out.requires_grad)
print("gradgradcheck tanh:", torch.autograd.gradgradcheck(torch.tanh, (inp,)))
print("float32 gradcheck warns but works:",
      gradcheck(torch.sin, (torch.randn(3, dtype=torch.double, requires_grad=True),)))
print(f"pi check {math.pi:.4f}")
