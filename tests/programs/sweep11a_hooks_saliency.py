"""Module and tensor hooks, as in the PyTorch hooks tutorial and feature-extraction recipes:
forward hooks collecting activations, forward pre-hooks (with kwargs) rewriting inputs, full
backward hooks and backward pre-hooks, handle.remove(), Tensor.register_hook, retain_grad, and a
gradient saliency map on a small CNN."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, padding=1)
        self.conv2 = nn.Conv2d(4, 8, 3, padding=1)
        self.pool = nn.AdaptiveAvgPool2d(2)
        self.fc = nn.Linear(32, 3)

    def forward(self, x, scale=1.0):
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        return self.fc(torch.flatten(self.pool(x), 1)) * scale


net = Net()
x = torch.randn(2, 1, 6, 6)
features = {}


def save_to(name):
    def hook(module, inp, out):
        features[name] = out.detach()
        print("fwd", name, type(module).__name__, type(inp).__name__, len(inp), tuple(inp[0].shape), tuple(out.shape))
    return hook


handles = [getattr(net, n).register_forward_hook(save_to(n)) for n in ["conv1", "conv2", "pool"]]
out = net(x)
print(sorted(features), features["conv2"].shape, round(features["pool"].sum().item(), 4))
print(type(handles[0]).__name__, handles[0].id < handles[1].id < handles[2].id)
for h in handles:
    h.remove()
features.clear()
net(x)
print("after remove", features)


def pre(module, args, kwargs):
    print("pre", len(args), sorted(kwargs), kwargs.get("scale"))
    return args, {**kwargs, "scale": 2.0}


h = net.register_forward_pre_hook(pre, with_kwargs=True)
o2 = net(x, scale=1.0)
print(torch.allclose(o2, 2 * out), (o2 / out).round(decimals=4)[0])
h.remove()


def double_input(module, args):
    return (args[0] * 2,)


h = net.fc.register_forward_pre_hook(double_input)
lin_in = torch.randn(1, 32)
print(torch.allclose(net.fc(lin_in), net.fc.weight @ (2 * lin_in[0]) + net.fc.bias))
h.remove()


def fwd_kw(module, args, kwargs, output):
    print("fwd kw", sorted(kwargs), tuple(output.shape))
    return output + 1


h = net.register_forward_hook(fwd_kw, with_kwargs=True)
print(torch.allclose(net(x, scale=1.0), out + 1))
h.remove()

# backward hooks
log = []


def bwd(module, grad_input, grad_output):
    log.append((type(module).__name__, [None if g is None else tuple(g.shape) for g in grad_input],
                [tuple(g.shape) for g in grad_output]))


def bwd_pre(module, grad_output):
    log.append(("pre", type(module).__name__, round(grad_output[0].abs().sum().item(), 4)))
    return (grad_output[0] * 0.5,)


hs = [net.fc.register_full_backward_hook(bwd), net.conv1.register_full_backward_hook(bwd),
      net.fc.register_full_backward_pre_hook(bwd_pre)]
xin = x.clone().requires_grad_()
net(xin).sum().backward()
for entry in log:
    print(entry)
g_half = xin.grad.clone()
for h in hs:
    h.remove()
xin.grad = None
net(xin).sum().backward()
print("half", torch.allclose(g_half, xin.grad * 0.5))

# tensor hooks and retain_grad
a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
b = a * a
b.retain_grad()
c = b.exp()
hh = c.register_hook(lambda g: print("c grad", g) or g * 10)
b.register_hook(lambda g: print("b grad", g.round(decimals=2)))
d = c.log().sum()
d.backward()
print(b.grad, a.grad, b.is_leaf, b.retains_grad, c.retains_grad, c.grad)
hh.remove()
a.grad = None
(a * a).exp().log().sum().backward()
print(a.grad)
try:
    a.register_hook(lambda g: g)
    torch.zeros(2).register_hook(lambda g: g)
except Exception as e:
    print(type(e).__name__, e)
a.register_hook(lambda g: g * 0)
a.grad = None
(a * 3).sum().backward()
print("zeroed", a.grad)

# saliency: gradient of the top logit w.r.t. the input
net.eval()
img = torch.randn(1, 1, 6, 6, requires_grad=True)
scores = net(img)
top = scores.argmax(dim=1).item()
scores[0, top].backward()
sal = img.grad.abs().squeeze()
print(top, sal.shape, type(scores.grad_fn).__name__)
print(sal.round(decimals=3))
print((sal == sal.max()).nonzero().tolist(), round(sal.sum().item(), 4))
smooth = torch.zeros(6, 6)
gen = torch.Generator().manual_seed(5)
for _ in range(4):
    noisy = (img.detach() + 0.1 * torch.randn(img.shape, generator=gen)).requires_grad_()
    net(noisy)[0, top].backward()
    smooth += noisy.grad.abs().squeeze() / 4
print(smooth.round(decimals=3)[:2])
