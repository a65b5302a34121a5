"""Temporal convolutional network (Bai et al. style): dilated causal Conv1d with left padding via F.pad,
weight_norm, chomp, residual blocks; trained to classify synthetic multichannel sequences."""
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils import weight_norm
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(1)
random.seed(1)
np.random.seed(1)


class Chomp1d(nn.Module):
    def __init__(self, chomp_size):
        super().__init__()
        self.chomp_size = chomp_size

    def forward(self, x):
        return x[:, :, :-self.chomp_size].contiguous()


class TemporalBlock(nn.Module):
    def __init__(self, n_in, n_out, kernel_size, dilation, dropout=0.1):
        super().__init__()
        padding = (kernel_size - 1) * dilation
        self.conv1 = weight_norm(nn.Conv1d(n_in, n_out, kernel_size, padding=padding, dilation=dilation))
        self.chomp1 = Chomp1d(padding)
        self.conv2 = weight_norm(nn.Conv1d(n_out, n_out, kernel_size, padding=padding, dilation=dilation))
        self.chomp2 = Chomp1d(padding)
        self.net = nn.Sequential(self.conv1, self.chomp1, nn.ReLU(), nn.Dropout(dropout),
                                 self.conv2, self.chomp2, nn.ReLU(), nn.Dropout(dropout))
        self.downsample = nn.Conv1d(n_in, n_out, 1) if n_in != n_out else None
        self.relu = nn.ReLU()
        self.init_weights()

    def init_weights(self):
        self.conv1.weight.data.normal_(0, 0.01)
        self.conv2.weight.data.normal_(0, 0.01)
        if self.downsample is not None:
            self.downsample.weight.data.normal_(0, 0.01)

    def forward(self, x):
        out = self.net(x)
        res = x if self.downsample is None else self.downsample(x)
        return self.relu(out + res)


class CausalConv1d(nn.Module):
    """The other common way: pad on the left only with F.pad."""
    def __init__(self, c_in, c_out, k, dilation=1):
        super().__init__()
        self.left = (k - 1) * dilation
        self.conv = nn.Conv1d(c_in, c_out, k, dilation=dilation)

    def forward(self, x):
        return self.conv(F.pad(x, (self.left, 0)))


class TCN(nn.Module):
    def __init__(self, n_in, channels, n_classes, kernel_size=3):
        super().__init__()
        layers = []
        for i, ch in enumerate(channels):
            layers.append(TemporalBlock(n_in if i == 0 else channels[i - 1], ch, kernel_size, dilation=2 ** i))
        self.network = nn.Sequential(*layers)
        self.stem = CausalConv1d(n_in, n_in, 2)
        self.linear = nn.Linear(channels[-1], n_classes)

    def forward(self, x):
        y = self.network(self.stem(x))
        return self.linear(y[:, :, -1])


# causality check: changing the future must not change the past
cc = CausalConv1d(1, 1, 3, dilation=2)
x = torch.randn(1, 1, 10)
y1 = cc(x)
x2 = x.clone()
x2[..., 7:] += 5.0
y2 = cc(x2)
print("causal:", torch.allclose(y1[..., :7], y2[..., :7]), "changed:", (y1 - y2).abs().gt(1e-6).sum().item())
print("receptive field ok:", y1.shape)

blk = TemporalBlock(2, 4, 3, dilation=2)
print(blk.conv1)
print(sorted(n for n, _ in blk.conv1.named_parameters()))
print("weight_g shape", tuple(blk.conv1.weight_g.shape), "weight_v shape", tuple(blk.conv1.weight_v.shape))
norms = blk.conv1.weight_v.norm(dim=(1, 2), keepdim=True)
print("g == ||v|| at init:", torch.allclose(blk.conv1.weight_g, norms))


def make_data(n, length=64):
    """Three classes: sine, square-ish wave, random walk; two channels (signal, its derivative)."""
    xs, ys = [], []
    tt = torch.linspace(0, 4 * torch.pi, length)
    for i in range(n):
        c = i % 3
        phase = torch.rand(1) * 2 * torch.pi
        if c == 0:
            s = torch.sin(tt + phase)
        elif c == 1:
            s = torch.sign(torch.sin(tt + phase)) * 0.8
        else:
            s = torch.cumsum(torch.randn(length) * 0.2, 0)
        s = s + 0.1 * torch.randn(length)
        ds = torch.diff(s, prepend=s[:1])
        xs.append(torch.stack([s, ds]))
        ys.append(c)
    return torch.stack(xs), torch.tensor(ys)


X, Y = make_data(240)
perm = torch.randperm(len(X))
X, Y = X[perm], Y[perm]
print("data:", tuple(X.shape), torch.bincount(Y))
mu = X.mean(dim=(0, 2), keepdim=True)
sd = X.std(dim=(0, 2), keepdim=True)
X = (X - mu) / sd
print("per-channel mean/std:", X.mean(dim=(0, 2)).abs().max().item() < 1e-5, X.std(dim=(0, 2)))

train = TensorDataset(X[:180], Y[:180])
test_x, test_y = X[180:], Y[180:]
dl = DataLoader(train, batch_size=30, shuffle=True, drop_last=True)

model = TCN(2, [8, 8, 8], 3)
print("params:", sum(p.numel() for p in model.parameters()))
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)
for epoch in range(8):
    model.train()
    losses, correct = [], 0
    for xb, yb in dl:
        logits = model(xb)
        loss = F.cross_entropy(logits, yb, label_smoothing=0.05)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        total_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 2.0)
        opt.step()
        losses.append(loss.item())
        correct += (logits.argmax(1) == yb).sum().item()
    sched.step()
    print(f"epoch {epoch}: loss {np.mean(losses):.3f} acc {correct / 180:.2f} lr {sched.get_last_lr()[0]:.4f}")

model.eval()
with torch.no_grad():
    logits = model(test_x)
    probs = logits.softmax(-1)
    pred = probs.argmax(-1)
    acc = (pred == test_y).float().mean().item()
    print(f"test acc {acc:.2f}")
    cm = torch.bincount(test_y * 3 + pred, minlength=9).reshape(3, 3)
    print(cm)
    print("max prob per class:", probs.max(dim=0).values.round(decimals=1))

# the newer parametrization API
pw = nn.utils.parametrizations.weight_norm(nn.Conv1d(2, 3, 3))
print(type(pw).__name__, sorted(pw.parametrizations.weight.state_dict().keys()))
print("parametrized out:", tuple(pw(test_x[:2]).shape), nn.utils.parametrize.is_parametrized(pw))

# remove weight norm for inference export
for blkm in model.network:
    nn.utils.remove_weight_norm(blkm.conv1)
    nn.utils.remove_weight_norm(blkm.conv2)
with torch.no_grad():
    same = torch.allclose(model(test_x), logits, atol=1e-5)
print("after remove_weight_norm same output:", same, "has weight_g:", hasattr(model.network[0].conv1, "weight_g"))

# flip-based data augmentation: time reversal changes the causal model's output
with torch.no_grad():
    rev = model(torch.flip(test_x[:4], dims=[-1])).argmax(-1)
print("time-reversed preds:", rev.tolist(), "orig:", pred[:4].tolist())
