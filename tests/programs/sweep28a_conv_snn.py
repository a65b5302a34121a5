"""A convolutional spiking network in the style of snnTorch's tutorial 7 / Norse's MNIST example,
on synthetic 'images': Conv2d -> MaxPool -> LIF (arctan surrogate) -> Conv2d -> LIF -> Linear -> LIF,
trained with BPTT using a mean-squared membrane loss and a spike-count cross-entropy, SGD with
Nesterov momentum and a step LR schedule, gradient clipping, plus a look at hooks and shapes."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class ATan(torch.autograd.Function):
    """S = H(U); dS/dU = (alpha/2) / (1 + (pi/2 * alpha * U)^2)."""

    @staticmethod
    def forward(ctx, input_, alpha):
        ctx.save_for_backward(input_)
        ctx.alpha = alpha
        out = torch.zeros_like(input_)
        out[input_ > 0] = 1.0
        return out

    @staticmethod
    def backward(ctx, grad_output):
        (input_,) = ctx.saved_tensors
        grad = ctx.alpha / 2 / (1 + (math.pi / 2 * ctx.alpha * input_).pow_(2)) * grad_output
        return grad, None


def atan_spike(x, alpha=2.0):
    return ATan.apply(x, alpha)


class LIF(nn.Module):
    def __init__(self, beta=0.5, threshold=1.0, learn_beta=False):
        super().__init__()
        b = torch.tensor(float(beta))
        if learn_beta:
            self.beta = nn.Parameter(b)
        else:
            self.register_buffer("beta", b)
        self.threshold = threshold

    def forward(self, x, mem):
        mem = self.beta.clamp(0, 1) * mem + x
        spk = atan_spike(mem - self.threshold)
        mem = mem - spk.detach() * self.threshold
        return spk, mem


class ConvSNN(nn.Module):
    def __init__(self, beta=0.5):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, padding=1)
        self.lif1 = LIF(beta, learn_beta=True)
        self.conv2 = nn.Conv2d(4, 8, 3)
        self.lif2 = LIF(beta)
        self.fc = nn.Linear(8 * 2 * 2, 4)
        self.lif3 = LIF(beta)

    def forward(self, x, num_steps):
        b = x.shape[0]
        mem1 = torch.zeros(b, 4, 4, 4)
        mem2 = torch.zeros(b, 8, 2, 2)
        mem3 = torch.zeros(b, 4)
        spk_rec, mem_rec = [], []
        for _ in range(num_steps):
            cur1 = F.max_pool2d(self.conv1(x), 2)
            spk1, mem1 = self.lif1(cur1, mem1)
            cur2 = self.conv2(spk1)
            spk2, mem2 = self.lif2(cur2, mem2)
            cur3 = self.fc(spk2.flatten(1))
            spk3, mem3 = self.lif3(cur3, mem3)
            spk_rec.append(spk3)
            mem_rec.append(mem3)
        return torch.stack(spk_rec), torch.stack(mem_rec)


def mse_membrane_loss(mem_rec, targets, on_target=1.0, off_target=0.0):
    onehot = F.one_hot(targets, mem_rec.shape[-1]).float()
    target = onehot * on_target + (1 - onehot) * off_target
    return F.mse_loss(mem_rec, target.unsqueeze(0).expand_as(mem_rec))


def ce_count_loss(spk_rec, targets):
    return F.cross_entropy(spk_rec.sum(0), targets)


torch.manual_seed(3)
n, num_steps = 16, 10
# four classes of 8x8 'images': a bright quadrant each, plus noise
imgs = 0.2 * torch.rand(n, 1, 8, 8)
labels = torch.randint(0, 4, (n,))
for i, c in enumerate(labels.tolist()):
    r, q = divmod(c, 2)
    imgs[i, 0, r * 4:(r + 1) * 4, q * 4:(q + 1) * 4] += 1.5
print(labels)
print(imgs[0, 0])

net = ConvSNN()
print(net)
for name, p in net.named_parameters():
    print(f"{name:14s} {tuple(p.shape)} {p.requires_grad}")

shapes = []
hook = net.conv2.register_forward_hook(lambda m, i, o: shapes.append((tuple(i[0].shape), tuple(o.shape))))
spk, mem = net(imgs, num_steps)
hook.remove()
print(shapes[0], len(shapes))
print(spk.shape, mem.shape, spk.grad_fn.name())
print("initial spike count per sample:", spk.sum((0, 2)).int().tolist())

opt = torch.optim.SGD(net.parameters(), lr=0.3, momentum=0.9, nesterov=True)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=4, gamma=0.5)
for epoch in range(10):
    spk, mem = net(imgs, num_steps)
    loss = mse_membrane_loss(mem, labels, on_target=1.2, off_target=-0.2) + 0.1 * ce_count_loss(spk, labels)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    total = nn.utils.clip_grad_norm_(net.parameters(), max_norm=1.0)
    opt.step()
    sched.step()
    acc = (mem.sum(0).argmax(-1) == labels).float().mean().item()
    print(f"epoch {epoch} loss={loss.item():.4f} gnorm={total.item():.4f} acc={acc:.4f} "
          f"lr={sched.get_last_lr()[0]:.4f} beta1={net.lif1.beta.item():.4f}")

with torch.inference_mode():
    spk, mem = net(imgs, num_steps)
    pred = mem.sum(0).argmax(-1)
    print("pred:", pred.tolist())
    print("conf matrix:")
    cm = torch.zeros(4, 4, dtype=torch.long)
    cm.index_put_((labels, pred), torch.ones(n, dtype=torch.long), accumulate=True)
    print(cm)
    print("mean membrane per class:", mem.mean((0, 1)).round(decimals=3))
    print(spk.is_inference(), spk.requires_grad)

# the surrogate's gradient against finite differences of a smooth stand-in
x = torch.tensor([-0.5, -0.1, 0.0, 0.2, 0.7], requires_grad=True)
y = atan_spike(x, alpha=2.0)
(g,) = torch.autograd.grad(y.sum(), x)
smooth = lambda v: torch.atan(math.pi / 2 * 2.0 * v) / math.pi + 0.5
g2 = torch.autograd.functional.jacobian(lambda v: smooth(v).sum(), x)
print(g, g2, torch.allclose(g, g2))

try:
    net(torch.rand(2, 3, 8, 8), 1)
except RuntimeError as e:
    print("RuntimeError:", e)
