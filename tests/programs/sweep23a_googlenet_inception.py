"""GoogLeNet / Inception-v1 at toy size, as blog posts re-implement it: a BasicConv2d (conv without
bias + BatchNorm(eps=0.001) + ReLU), Inception modules with four branches joined by torch.cat on
the channel dimension, an auxiliary classifier used only in training, truncated-normal init through
model.modules(), and forward hooks recording each Inception block's output shape."""
from collections import OrderedDict, namedtuple

import torch
import torch.nn as nn
import torch.nn.functional as F

GoogLeNetOutputs = namedtuple("GoogLeNetOutputs", ["logits", "aux_logits1"])


class BasicConv2d(nn.Module):
    def __init__(self, in_channels, out_channels, **kwargs):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, bias=False, **kwargs)
        self.bn = nn.BatchNorm2d(out_channels, eps=0.001)

    def forward(self, x):
        x = self.conv(x)
        x = self.bn(x)
        return F.relu(x, inplace=True)


class Inception(nn.Module):
    def __init__(self, in_channels, ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj):
        super().__init__()
        self.branch1 = BasicConv2d(in_channels, ch1x1, kernel_size=1)
        self.branch2 = nn.Sequential(
            BasicConv2d(in_channels, ch3x3red, kernel_size=1),
            BasicConv2d(ch3x3red, ch3x3, kernel_size=3, padding=1))
        self.branch3 = nn.Sequential(
            BasicConv2d(in_channels, ch5x5red, kernel_size=1),
            # torchvision uses a 3x3 here; the paper a 5x5
            BasicConv2d(ch5x5red, ch5x5, kernel_size=5, padding=2))
        self.branch4 = nn.Sequential(
            nn.MaxPool2d(kernel_size=3, stride=1, padding=1, ceil_mode=True),
            BasicConv2d(in_channels, pool_proj, kernel_size=1))

    def _forward(self, x):
        return [self.branch1(x), self.branch2(x), self.branch3(x), self.branch4(x)]

    def forward(self, x):
        outputs = self._forward(x)
        return torch.cat(outputs, 1)


class InceptionAux(nn.Module):
    def __init__(self, in_channels, num_classes, dropout=0.7):
        super().__init__()
        self.conv = BasicConv2d(in_channels, 16, kernel_size=1)
        self.fc1 = nn.Linear(16 * 2 * 2, 32)
        self.fc2 = nn.Linear(32, num_classes)
        self.dropout = nn.Dropout(p=dropout)

    def forward(self, x):
        x = F.adaptive_avg_pool2d(x, (2, 2))
        x = self.conv(x)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x), inplace=True)
        x = self.dropout(x)
        return self.fc2(x)


class GoogLeNet(nn.Module):
    def __init__(self, num_classes=10, aux_logits=True, init_weights=True):
        super().__init__()
        self.aux_logits = aux_logits
        self.conv1 = BasicConv2d(3, 16, kernel_size=3, stride=1, padding=1)
        self.maxpool1 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.conv2 = BasicConv2d(16, 16, kernel_size=1)
        self.conv3 = BasicConv2d(16, 24, kernel_size=3, padding=1)
        self.maxpool2 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.inception3a = Inception(24, 8, 8, 12, 2, 4, 4)
        self.inception3b = Inception(28, 12, 12, 16, 4, 8, 8)
        self.maxpool3 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.inception4a = Inception(44, 16, 8, 16, 2, 4, 8)
        self.aux1 = InceptionAux(44, num_classes) if aux_logits else None
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.dropout = nn.Dropout(p=0.2)
        self.fc = nn.Linear(44, num_classes)
        if init_weights:
            for m in self.modules():
                if isinstance(m, nn.Conv2d) or isinstance(m, nn.Linear):
                    torch.nn.init.trunc_normal_(m.weight, mean=0.0, std=0.01, a=-2, b=2)
                elif isinstance(m, nn.BatchNorm2d):
                    nn.init.constant_(m.weight, 1)
                    nn.init.constant_(m.bias, 0)

    def forward(self, x):
        x = self.conv1(x)
        x = self.maxpool1(x)
        x = self.conv2(x)
        x = self.conv3(x)
        x = self.maxpool2(x)
        x = self.inception3a(x)
        x = self.inception3b(x)
        x = self.maxpool3(x)
        aux1 = self.aux1(x) if self.aux1 is not None and self.training else None
        x = self.inception4a(x)
        x = self.avgpool(x)
        x = torch.flatten(x, 1)
        x = self.dropout(x)
        x = self.fc(x)
        if self.training and self.aux_logits:
            return GoogLeNetOutputs(x, aux1)
        return x


torch.manual_seed(0)
block = Inception(24, 8, 8, 12, 2, 4, 4)
print(block)
x = torch.randn(1, 24, 8, 8)
branches = block._forward(x)
print("branch shapes", [tuple(b.shape) for b in branches])
y = block(x)
print("cat ->", y.shape, "channels", sum(b.size(1) for b in branches))
print("cat equal", torch.equal(y[:, 8:20], branches[1]), y.is_contiguous())
print("params in block", sum(p.numel() for p in block.parameters()),
      "buffers", sum(b.numel() for b in block.buffers()))

model = GoogLeNet()
print(model.aux1)
total = 0
for name, module in model.named_children():
    n = sum(p.numel() for p in module.parameters())
    total += n
    print(f"{name:>12}: {n}")
print("total", total, sum(p.numel() for p in model.parameters()))
print("fc std", round(model.fc.weight.std().item(), 3), "max", model.fc.weight.abs().max().item() <= 0.02)

shapes = OrderedDict()


def save_shape(name):
    def hook(module, inp, out):
        shapes[name] = (tuple(inp[0].shape), tuple(out.shape))
    return hook


handles = [m.register_forward_hook(save_shape(n)) for n, m in model.named_modules()
           if isinstance(m, (Inception, nn.MaxPool2d)) and "." not in n]
model.eval()
with torch.no_grad():
    out = model(torch.randn(1, 3, 32, 32))
for k, (i, o) in shapes.items():
    print(f"{k:<12} {i} -> {o}")
for h in handles:
    h.remove()
print("eval output", type(out).__name__, out.shape)

model.train()
torch.manual_seed(1)
images = torch.randn(4, 3, 32, 32)
labels = torch.tensor([1, 0, 7, 2])
outputs = model(images)
print(type(outputs).__name__, outputs._fields, outputs.logits.shape, outputs.aux_logits1.shape)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True)
for step in range(2):
    optimizer.zero_grad()
    logits, aux = model(images)
    loss = criterion(logits, labels) + 0.3 * criterion(aux, labels)
    loss.backward()
    optimizer.step()
    print(f"step {step} loss {loss.item():.4f}")
bn = model.inception3a.branch2[1].bn
print("bn eps", bn.eps, bn.num_batches_tracked.item(), bn.running_var[:3].round(decimals=3))
sd = model.state_dict()
print(len(sd), [k for k in sd if k.startswith("inception3a.branch4")])
model.aux1 = None
model.aux_logits = False
print("after dropping aux", sum(p.numel() for p in model.parameters()), type(model(images)).__name__)
