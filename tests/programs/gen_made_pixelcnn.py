"""Autoregressive models: MADE (masked linear layers with register_buffer masks) on binary vectors,
and a tiny PixelCNN (type A/B masked convolutions) on 6x6 binary images, both sampled pixel by
pixel with torch.multinomial / torch.bernoulli."""
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)
random.seed(7)
np.random.seed(7)


class MaskedLinear(nn.Linear):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__(in_features, out_features, bias)
        self.register_buffer('mask', torch.ones(out_features, in_features))

    def set_mask(self, mask):
        self.mask.data.copy_(torch.from_numpy(mask.astype(np.uint8).T))

    def forward(self, input):
        return F.linear(input, self.mask * self.weight, self.bias)


class MADE(nn.Module):
    def __init__(self, nin, hidden_sizes, nout):
        super().__init__()
        self.nin, self.nout, self.hidden_sizes = nin, nout, hidden_sizes
        self.net = []
        hs = [nin] + hidden_sizes + [nout]
        for h0, h1 in zip(hs, hs[1:]):
            self.net.extend([MaskedLinear(h0, h1), nn.ReLU()])
        self.net.pop()
        self.net = nn.Sequential(*self.net)
        self.m = {}
        self.update_masks()

    def update_masks(self):
        L = len(self.hidden_sizes)
        rng = np.random.RandomState(0)
        self.m[-1] = np.arange(self.nin)
        for l in range(L):
            self.m[l] = rng.randint(self.m[l - 1].min(), self.nin - 1, size=self.hidden_sizes[l])
        masks = [self.m[l - 1][:, None] <= self.m[l][None, :] for l in range(L)]
        masks.append(self.m[L - 1][:, None] < self.m[-1][None, :])
        layers = [l for l in self.net.modules() if isinstance(l, MaskedLinear)]
        for l, m in zip(layers, masks):
            l.set_mask(m)

    def forward(self, x):
        return self.net(x)


# data: binary vectors where bit i+1 tends to copy bit i
D = 8
def make_bits(n):
    x = torch.zeros(n, D)
    x[:, 0] = torch.bernoulli(torch.full((n,), 0.5))
    for i in range(1, D):
        flip = torch.rand(n) < 0.1
        x[:, i] = torch.where(flip, 1 - x[:, i - 1], x[:, i - 1])
    return x


data = make_bits(512)
print(data[:3])
made = MADE(D, [32, 32], D)
print(made.net[0].mask.dtype, made.net[0].mask.sum().item(), made.net[-1].mask.sum().item())

# autoregressive property: output i must not depend on inputs >= i
x = torch.rand(1, D, requires_grad=True)
jac = torch.stack([torch.autograd.grad(made(x)[0, i], x)[0][0] for i in range(D)])
print("strictly lower-triangular:", bool((jac.triu() == 0).all()))

opt = torch.optim.Adam(made.parameters(), lr=1e-2)
for step in range(150):
    batch = data[torch.randint(0, len(data), (64,))]
    logits = made(batch)
    loss = F.binary_cross_entropy_with_logits(logits, batch, reduction='sum') / batch.size(0)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 50 == 0:
        print(f"MADE step {step:3d}  nll {loss.item():.2f}")

with torch.no_grad():
    samples = torch.zeros(200, D)
    for i in range(D):
        probs = torch.sigmoid(made(samples))[:, i]
        samples[:, i] = torch.bernoulli(probs)
agree = (samples[:, 1:] == samples[:, :-1]).float().mean()
print(f"neighbour agreement in samples {agree.item():.1f} (data {(data[:, 1:] == data[:, :-1]).float().mean().item():.1f})")


class MaskedConv2d(nn.Conv2d):
    def __init__(self, mask_type, *args, **kwargs):
        super().__init__(*args, **kwargs)
        assert mask_type in {'A', 'B'}
        self.register_buffer('mask', self.weight.data.clone())
        _, _, kH, kW = self.weight.size()
        self.mask.fill_(1)
        self.mask[:, :, kH // 2, kW // 2 + (mask_type == 'B'):] = 0
        self.mask[:, :, kH // 2 + 1:] = 0

    def forward(self, x):
        self.weight.data *= self.mask
        return super().forward(x)


fm = 16
pixelcnn = nn.Sequential(
    MaskedConv2d('A', 1, fm, 5, 1, 2, bias=False), nn.BatchNorm2d(fm), nn.ReLU(True),
    MaskedConv2d('B', fm, fm, 3, 1, 1, bias=False), nn.BatchNorm2d(fm), nn.ReLU(True),
    nn.Conv2d(fm, 2, 1))
print(pixelcnn[0].mask[0, 0])
print(pixelcnn[3].mask[0, 0])


def make_images(n):
    """6x6 binary images: a horizontal or vertical stripe."""
    imgs = torch.zeros(n, 1, 6, 6)
    where = torch.randint(0, 6, (n,))
    vertical = torch.rand(n) < 0.5
    for i in range(n):
        if vertical[i]:
            imgs[i, 0, :, where[i]] = 1
        else:
            imgs[i, 0, where[i], :] = 1
    return imgs


imgs = make_images(128)
opt = torch.optim.Adam(pixelcnn.parameters(), lr=5e-3)
for step in range(40):
    batch = imgs[torch.randint(0, 128, (32,))]
    target = batch[:, 0].long()
    logits = pixelcnn(batch)
    loss = F.cross_entropy(logits, target)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 10 == 0:
        print(f"PixelCNN step {step:2d}  loss {loss.item():.2f}")

pixelcnn.eval()
sample = torch.zeros(4, 1, 6, 6)
with torch.no_grad():
    for i in range(6):
        for j in range(6):
            out = pixelcnn(sample)
            probs = F.softmax(out[:, :, i, j], dim=1)
            sample[:, :, i, j] = torch.multinomial(probs, 1).float()
print(sample.shape, sample.sum().item() >= 0)
print("pixel means in [0,1]:", bool(((sample.mean((1, 2, 3)) >= 0) & (sample.mean((1, 2, 3)) <= 1)).all()))
probs = torch.tensor([[0.1, 0.2, 0.7], [0.5, 0.5, 0.0]])
print(torch.multinomial(probs, 2), torch.multinomial(probs, 4, replacement=True))
print(torch.multinomial(torch.tensor([1.0, 3.0, 6.0]), 5, replacement=True))
