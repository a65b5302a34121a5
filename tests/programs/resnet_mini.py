"""A small ResNet as blog posts write it: BasicBlock, 1x1 stride-2 downsample shortcut, kaiming init loop,
SGD with Nesterov momentum, gradient clipping, a normalisation buffer, inference_mode evaluation."""
import torch
import torch.nn as nn
import torch.nn.functional as F


def conv3x3(in_planes, out_planes, stride=1):
    """3x3 convolution with padding"""
    return nn.Conv2d(in_planes, out_planes, kernel_size=3, stride=stride, padding=1, bias=False)


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = conv3x3(inplanes, planes, stride)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = conv3x3(planes, planes)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x):
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        out += identity
        return self.relu(out)


class MiniResNet(nn.Module):
    def __init__(self, block, layers, num_classes=5, width=8):
        super().__init__()
        self.inplanes = width
        # per-channel normalisation constants travel with the state dict but are not trained
        self.register_buffer("mean", torch.tensor([0.5, 0.4, 0.3]).view(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor([0.25, 0.25, 0.25]).view(1, 3, 1, 1))
        self.stem = nn.Sequential(nn.Conv2d(3, width, 3, 1, 1, bias=False), nn.BatchNorm2d(width), nn.ReLU(inplace=True))
        self.layer1 = self._make_layer(block, width, layers[0])
        self.layer2 = self._make_layer(block, width * 2, layers[1], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(width * 2 * block.expansion, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
            elif isinstance(m, nn.Linear):
                nn.init.kaiming_normal_(m.weight, nonlinearity="linear")
                nn.init.zeros_(m.bias)

    def _make_layer(self, block, planes, blocks, stride=1):
        downsample = None
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = nn.Sequential(
                nn.Conv2d(self.inplanes, planes * block.expansion, kernel_size=1, stride=stride, bias=False),
                nn.BatchNorm2d(planes * block.expansion))
        layers = [block(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes * block.expansion
        for _ in range(1, blocks):
            layers.append(block(self.inplanes, planes))
        return nn.Sequential(*layers)

    def forward(self, x):
        x = (x - self.mean) / self.std
        x = self.stem(x)
        x = self.layer1(x)
        x = self.layer2(x)
        x = self.avgpool(x)
        x = self.flatten(x)
        return self.fc(x)


torch.backends.cudnn.benchmark = True
torch.manual_seed(0)
model = MiniResNet(BasicBlock, [2, 1])
print(model)
total, trainable = sum(p.numel() for p in model.parameters()), sum(p.numel() for p in model.parameters() if p.requires_grad)
print(f"Total params: {total:,} | trainable: {trainable:,}")
print([name for name, _ in model.named_buffers()][:6])
print({k: tuple(v.shape) for k, v in model.state_dict().items() if "downsample" in k})
print(f"{model.layer1[0].conv1.weight.std().item():.4f} {model.fc.weight.std().item():.4f}")

x = torch.rand(16, 3, 12, 12)
y = torch.randint(0, 5, (16,))
x[y == 1, 0] += 0.4
x[y == 2, 2] -= 0.3
shapes = []
hooks = [m.register_forward_hook(lambda m, i, o: shapes.append((type(m).__name__, tuple(o.shape))))
         for name, m in model.named_children() if name != "fc"]
print("logits:", model(x).shape)
[h.remove() for h in hooks]
print(shapes)

criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True, weight_decay=5e-4)
model.train()
for step in range(6):
    optimizer.zero_grad(set_to_none=True)
    logits = model(x)
    loss = criterion(logits, y)
    loss.backward()
    grad_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
    optimizer.step()
    acc = (logits.argmax(1) == y).float().mean()
    print(f"step {step} loss {loss.item():.4f} grad_norm {grad_norm.item():.4f} acc {acc.item():.3f}")

print(optimizer.state_dict()["param_groups"][0]["nesterov"], len(optimizer.state))
bn = model.layer2[0].bn1
print(bn.num_batches_tracked, f"{bn.running_mean.abs().mean().item():.4f} {bn.running_var.mean().item():.4f}")

model.eval()
with torch.inference_mode():
    out = model(x)
    probs = F.softmax(out, dim=1)
    top_p, top_class = probs.topk(2, dim=1)
    print(out.requires_grad, torch.is_inference_mode_enabled(), out.is_inference())
    print(top_class[:4].tolist(), [f"{p:.3f}" for p in top_p[:4, 0].tolist()])
    print(f"eval acc {(out.argmax(1) == y).float().mean().item():.3f}")
print(torch.is_inference_mode_enabled())

# the buffer moves with the state dict; a fresh model loads it
torch.manual_seed(1)
clone = MiniResNet(BasicBlock, [2, 1])
clone.mean.fill_(0.0)
print(clone.load_state_dict(model.state_dict()))
clone.eval()
with torch.no_grad():
    print(torch.allclose(clone(x), out, atol=1e-6), clone.mean.view(-1))

# freezing the backbone: only the head keeps requires_grad
for name, p in model.named_parameters():
    p.requires_grad = name.startswith("fc.")
print(sum(p.numel() for p in model.parameters() if p.requires_grad))
head_opt = torch.optim.SGD(filter(lambda p: p.requires_grad, model.parameters()), lr=0.1, momentum=0.9, nesterov=True)
model.train()
for step in range(3):
    head_opt.zero_grad()
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    norm = nn.utils.clip_grad_norm_([p for p in model.parameters() if p.requires_grad], 0.5, norm_type=2.0)
    head_opt.step()
    print(f"head step {step} loss {loss.item():.4f} norm {norm.item():.4f}", model.stem[0].weight.grad is None)
