"""A tiny convolutional spiking network trained for a few steps with Adam, as in snnTorch's tutorial 6
but in plain torch: Conv2d -> max-pool -> LIF, Linear -> LIF, unrolled over time steps with an
arctan surrogate Function, rate-coded synthetic images, cross-entropy on spike counts and an MSE
spike-count loss (target firing rates for correct / incorrect classes), accuracy from spike counts."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.autograd.gradcheck import GradcheckError


class ATan(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, alpha):
        ctx.save_for_backward(x)
        ctx.alpha = alpha
        return (x > 0).to(x.dtype)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        grad_x = None
        if ctx.needs_input_grad[0]:
            grad_x = ctx.alpha / 2 / (1 + (math.pi / 2 * ctx.alpha * x) ** 2) * grad_output
        return grad_x, None


class Leaky(nn.Module):
    def __init__(self, beta, threshold=1.0, alpha=2.0, reset="subtract"):
        super().__init__()
        self.beta = beta
        self.threshold = threshold
        self.alpha = alpha
        self.reset = reset

    def forward(self, x, mem):
        if mem is None:
            mem = torch.zeros_like(x)
        reset = (mem - self.threshold > 0).to(x.dtype).detach()
        if self.reset == "subtract":
            mem = self.beta * mem + x - reset * self.threshold
        else:
            mem = (self.beta * mem + x) * (1 - reset)
        spk = ATan.apply(mem - self.threshold, self.alpha)
        return spk, mem

    def extra_repr(self):
        return f"beta={self.beta}, threshold={self.threshold}, reset={self.reset}"


class ConvSNN(nn.Module):
    def __init__(self, num_steps=6):
        super().__init__()
        self.num_steps = num_steps
        self.conv1 = nn.Conv2d(1, 4, 3, padding=1)
        self.lif1 = Leaky(beta=0.8, threshold=0.5)
        self.fc = nn.Linear(4 * 4 * 4, 3)
        self.lif2 = Leaky(beta=0.8, threshold=0.5, reset="zero")

    def forward(self, x):
        mem1 = mem2 = None
        spk_rec, mem_rec = [], []
        for step in range(self.num_steps):
            cur1 = F.max_pool2d(self.conv1(x[step]), 2)
            spk1, mem1 = self.lif1(cur1, mem1)
            cur2 = self.fc(spk1.flatten(1))
            spk2, mem2 = self.lif2(cur2, mem2)
            spk_rec.append(spk2)
            mem_rec.append(mem2)
        return torch.stack(spk_rec), torch.stack(mem_rec)


def mse_count_loss(spk_rec, targets, correct_rate=0.8, incorrect_rate=0.2):
    num_steps, _, num_classes = spk_rec.shape
    counts = spk_rec.sum(0)
    on = torch.ones_like(counts) * incorrect_rate * num_steps
    target_counts = on.scatter(1, targets.unsqueeze(1), correct_rate * num_steps)
    return F.mse_loss(counts, target_counts)


torch.manual_seed(3)
torch.set_default_dtype(torch.float64)   # the threshold turns a matmul's last bit into a spike
N, steps = 12, 6
labels = torch.arange(N) % 3
protos = torch.rand(3, 1, 8, 8)
images = (protos[labels] * 0.8 + 0.2 * torch.rand(N, 1, 8, 8)).clamp(0, 1)
data = torch.bernoulli(images.unsqueeze(0).expand(steps, -1, -1, -1, -1).contiguous())
print(data.shape, data.dtype, int(data.sum().item()))

net = ConvSNN(steps)
print(net)
optimizer = torch.optim.Adam(net.parameters(), lr=2e-2, betas=(0.9, 0.999))
loss_ce = nn.CrossEntropyLoss()
for epoch in range(6):
    spk_rec, mem_rec = net(data)
    counts = spk_rec.sum(0)
    loss = loss_ce(counts, labels) if epoch % 2 == 0 else mse_count_loss(spk_rec, labels)
    loss = loss + 0.01 * mem_rec.pow(2).mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    acc = (counts.argmax(1) == labels).float().mean()
    print(f"epoch {epoch} loss {loss.item():.4f} acc {acc.item():.3f} spikes {int(counts.sum())}")
print(counts.int())
print(net.conv1.weight.grad.abs().sum().item() > 0, net.fc.bias.grad.round(decimals=4))

with torch.no_grad():
    spk_rec, mem_rec = net(data)
print("rates:", spk_rec.mean(0).round(decimals=3))
print("membrane at last step:", mem_rec[-1, :3].round(decimals=3))
print(spk_rec[:, 0].int().T)
# a surrogate is not the true derivative: gradcheck must reject it
xs = (torch.tensor([-0.4, 0.3, 1.2], requires_grad=True),)
print(torch.autograd.gradcheck(lambda x: ATan.apply(x, 2.0) + x ** 2, xs, raise_exception=False))
try:
    torch.autograd.gradcheck(lambda x: ATan.apply(x, 2.0), xs)
except GradcheckError as e:
    print(type(e).__name__, str(e).splitlines()[0])
print(torch.autograd.gradcheck(lambda x: ATan.apply(x, 2.0) * 0 + x ** 2, xs))
print(torch.autograd.gradcheck(lambda x: ATan.apply(x, 2.0) * 0 + x ** 2, xs, fast_mode=True))
for out_dtype in (torch.float64, torch.float32):      # fast mode, with a float32 spike as well
    try:
        torch.autograd.gradcheck(lambda x: ATan.apply(x, 2.0).to(out_dtype), xs, fast_mode=True)
    except Exception as e:
        print(type(e).__name__, str(e))
torch.set_default_dtype(torch.float32)
