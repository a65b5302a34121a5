"""Grad-CAM and friends with module hooks, as in the pytorch-grad-cam style tutorials: forward hooks
caching activations, register_full_backward_hook and tensor.register_hook capturing gradients,
Grad-CAM, Grad-CAM++, Score-CAM and LayerCAM maps upsampled with F.interpolate (bilinear, bicubic,
nearest), guided backpropagation through a backward hook that clamps ReLU gradients, hook ordering
(prepend, always_call), removing handles, hooks on in-place ReLU (torch's error), and global module
hooks."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)
torch.set_printoptions(precision=3, sci_mode=False, linewidth=100)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(8, 8, 3, padding=1), nn.ReLU(),
        )
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(8, 4)

    def forward(self, x):
        return self.fc(self.pool(self.features(x)).flatten(1))


net = Net()
x = torch.rand(24, 3, 12, 12)
y = torch.arange(24) % 4
for i in range(24):
    c = int(y[i])
    x[i, c % 3, 3 * c:3 * c + 3, 2:10] += 1.0
opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
for step in range(40):
    opt.zero_grad()
    loss = F.cross_entropy(net(x), y)
    loss.backward()
    opt.step()
print("final loss {:.4f}".format(loss.item()))
net.eval()
print(net.features)

store = {}


def fwd_hook(module, inp, out):
    store["act"] = out
    if out.requires_grad:
        out.register_hook(lambda g: store.__setitem__("tensor_grad", g))


def bwd_hook(module, grad_input, grad_output):
    store["grad"] = grad_output[0]
    store["n_grad_input"] = len(grad_input)


target_layer = net.features[5]
h1 = target_layer.register_forward_hook(fwd_hook)
h2 = target_layer.register_full_backward_hook(bwd_hook)
print("hooks:", len(target_layer._forward_hooks), len(target_layer._backward_hooks))

img = x[5:6]
logits = net(img)
cls = int(logits.argmax())
print("class", cls, "logits", logits.detach())
print("act grad_fn:", type(store["act"].grad_fn).__name__)
net.zero_grad()
logits[0, cls].backward()
A, G = store["act"].detach(), store["grad"]
print("grad from module hook == grad from tensor hook:", torch.allclose(G, store["tensor_grad"]))
print("n grad_input", store["n_grad_input"], "grad shape", tuple(G.shape))

weights = G.mean(dim=(2, 3), keepdim=True)
cam = F.relu((weights * A).sum(1, keepdim=True))
cam = cam / (cam.amax(dim=(2, 3), keepdim=True) + 1e-8)
print("Grad-CAM 6x6:\n", cam[0, 0])
for mode, kw in [("nearest", {}), ("bilinear", {"align_corners": False}),
                 ("bilinear", {"align_corners": True}), ("bicubic", {"align_corners": False})]:
    up = F.interpolate(cam, size=(12, 12), mode=mode, **kw)
    print(f"{mode:8s} {kw} -> sum {up.sum().item():.3f} max {up.max().item():.3f}")
up = F.interpolate(cam, scale_factor=2, mode="bilinear")
print("row profile:", up[0, 0, :, 5])

# Grad-CAM++
g2, g3 = G ** 2, G ** 3
denom = 2 * g2 + (A * g3).sum(dim=(2, 3), keepdim=True)
alpha = g2 / torch.where(denom != 0, denom, torch.ones_like(denom))
w_pp = (alpha * F.relu(G)).sum(dim=(2, 3), keepdim=True)
campp = F.relu((w_pp * A).sum(1))
print("Grad-CAM++ argmax:", divmod(int(campp.argmax()), campp.shape[-1]))

# LayerCAM
lcam = F.relu(G * A).sum(1)
print("LayerCAM normalised:", (lcam / lcam.max())[0].diagonal())

# Score-CAM: mask the input with each upsampled, normalised activation channel
with torch.no_grad():
    ups = F.interpolate(A.transpose(0, 1), size=img.shape[-2:], mode="bilinear", align_corners=False)
    mn = ups.amin(dim=(1, 2, 3), keepdim=True)
    mx = ups.amax(dim=(1, 2, 3), keepdim=True)
    masks = (ups - mn) / (mx - mn).clamp_min(1e-6)
    scores = F.softmax(net(img * masks), dim=1)[:, cls]
    score_cam = F.relu((scores.view(1, -1, 1, 1) * A).sum(1))
print("Score-CAM channel scores:", scores)
print("Score-CAM argmax:", divmod(int(score_cam.argmax()), 6))

h1.remove()
h2.remove()
h2.remove()          # removing twice is harmless
print("after remove:", len(target_layer._forward_hooks), len(target_layer._backward_hooks))

# guided backprop: only positive gradients through every ReLU
relus = [m for m in net.modules() if isinstance(m, nn.ReLU)]
print("relus:", relus)


def guided(module, grad_input, grad_output):
    return (grad_input[0].clamp(min=0),)


handles = [r.register_full_backward_hook(guided) for r in relus]
inp = img.clone().requires_grad_(True)
net(inp)[0, cls].backward()
gb = inp.grad[0]
print("guided backprop: min {:.4f} frac positive {:.3f}".format(gb.min().item(), (gb > 0).float().mean().item()))
guided_gradcam = gb * F.interpolate(cam, size=(12, 12), mode="bilinear")[0]
print("guided Grad-CAM channel sums:", guided_gradcam.sum(dim=(1, 2)))
for h in handles:
    h.remove()


# a common slip: returning the clamped gradient itself instead of a one-element tuple
def guided_wrong(module, grad_input, grad_output):
    return grad_input[0].clamp(min=0)


hw = relus[1].register_full_backward_hook(guided_wrong)
try:
    net(img.clone().requires_grad_(True))[0, cls].backward()
except RuntimeError as e:
    print("RuntimeError:", e)
hw.remove()

# the same on the autograd graph: a hook on the ReLU node's grad_fn must return a tuple
inp = img.clone().requires_grad_(True)
a = net.features[:2](inp)
r = F.relu(a)
r.grad_fn.register_hook(lambda gin, gout: (gin[0].clamp(min=0),))
r.sum().backward()
print("node-hook guided grad >= 0 at ReLU input:", inp.grad.abs().sum().item() > 0)
r = F.relu(net.features[:2](img.clone().requires_grad_(True)))
r.grad_fn.register_hook(lambda gin, gout: [g.clamp(min=0) for g in gin])
try:
    r.sum().backward()
except TypeError as e:
    print("TypeError:", e)

# hook ordering, prepend and kwargs
order = []
lin = nn.Linear(3, 2)
lin.register_forward_hook(lambda m, i, o: order.append("first"))
lin.register_forward_hook(lambda m, i, o: order.append("prepended"), prepend=True)
lin.register_forward_pre_hook(lambda m, args, kwargs: order.append(f"pre kw={sorted(kwargs)}") or None,
                              with_kwargs=True)
lin.register_full_backward_pre_hook(lambda m, go: order.append("bwd-pre") or None)
lin(torch.ones(1, 3)).sum().backward()
print(order)


def scale_input(module, args):
    return (args[0] * 2,)


with torch.no_grad():
    y0 = lin(torch.ones(1, 3))
    hp = lin.register_forward_pre_hook(scale_input)
    y1 = lin(torch.ones(1, 3))
hp.remove()
print("pre-hook doubled:", torch.allclose(y1 - lin.bias, 2 * (y0 - lin.bias)))


def replace_out(module, inp, out):
    return out * 0


hr = lin.register_forward_hook(replace_out)
print("replaced:", lin(torch.ones(2, 3)))
hr.remove()

# full backward hook on a module followed by an in-place op
blk = nn.Sequential(nn.Linear(4, 4), nn.ReLU(inplace=True))
blk[0].register_full_backward_hook(lambda m, gi, go: None)
try:
    blk(torch.randn(2, 4)).sum().backward()
    print("no error")
except RuntimeError as e:
    print("RuntimeError:", str(e).split("\n")[0][:160])

# global hooks see every module call
seen = []
gh = nn.modules.module.register_module_forward_hook(lambda m, i, o: seen.append(type(m).__name__))
net(img)
gh.remove()
print("global hook saw:", seen)
net(img)
print("after removal:", len(seen))
