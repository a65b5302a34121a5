"""Light-weight CNNs at toy size, as blog posts re-implement them: MobileNetV1 depthwise-separable
convs (groups=in_channels), MobileNetV2 inverted residuals with ReLU6 and _make_divisible,
ShuffleNet-V2 units with a hand-written channel_shuffle (view/transpose/contiguous) checked against
nn.ChannelShuffle, chunk and torch.cat, and SqueezeNet Fire modules with ceil_mode pooling;
print(model), parameter counts per layer, output shapes for a 1x3x32x32 input, init loops, one or
two training steps."""
import torch
import torch.nn as nn
import torch.nn.functional as F


def _make_divisible(v, divisor, min_value=None):
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


def conv_dw(inp, oup, stride):
    return nn.Sequential(
        nn.Conv2d(inp, inp, 3, stride, 1, groups=inp, bias=False),
        nn.BatchNorm2d(inp),
        nn.ReLU(inplace=True),
        nn.Conv2d(inp, oup, 1, 1, 0, bias=False),
        nn.BatchNorm2d(oup),
        nn.ReLU(inplace=True),
    )


class MobileNetV1(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.model = nn.Sequential(
            nn.Sequential(nn.Conv2d(3, 8, 3, 2, 1, bias=False), nn.BatchNorm2d(8), nn.ReLU(inplace=True)),
            conv_dw(8, 16, 1),
            conv_dw(16, 32, 2),
            conv_dw(32, 32, 1),
            nn.AdaptiveAvgPool2d(1),
        )
        self.fc = nn.Linear(32, num_classes)

    def forward(self, x):
        x = self.model(x)
        x = x.view(-1, 32)
        return self.fc(x)


class ConvBNReLU(nn.Sequential):
    def __init__(self, in_planes, out_planes, kernel_size=3, stride=1, groups=1):
        padding = (kernel_size - 1) // 2
        super(ConvBNReLU, self).__init__(
            nn.Conv2d(in_planes, out_planes, kernel_size, stride, padding, groups=groups, bias=False),
            nn.BatchNorm2d(out_planes),
            nn.ReLU6(inplace=True),
        )


class InvertedResidual(nn.Module):
    def __init__(self, inp, oup, stride, expand_ratio):
        super().__init__()
        self.stride = stride
        hidden_dim = int(round(inp * expand_ratio))
        self.use_res_connect = self.stride == 1 and inp == oup
        layers = []
        if expand_ratio != 1:
            layers.append(ConvBNReLU(inp, hidden_dim, kernel_size=1))
        layers.extend([
            ConvBNReLU(hidden_dim, hidden_dim, stride=stride, groups=hidden_dim),
            nn.Conv2d(hidden_dim, oup, 1, 1, 0, bias=False),
            nn.BatchNorm2d(oup),
        ])
        self.conv = nn.Sequential(*layers)

    def forward(self, x):
        if self.use_res_connect:
            return x + self.conv(x)
        return self.conv(x)


class MobileNetV2(nn.Module):
    def __init__(self, num_classes=10, width_mult=0.5):
        super().__init__()
        input_channel = _make_divisible(16 * width_mult, 4)
        last_channel = _make_divisible(64 * max(1.0, width_mult), 4)
        setting = [[1, 8, 1, 1], [6, 12, 2, 2], [6, 16, 2, 2]]
        features = [ConvBNReLU(3, input_channel, stride=1)]
        for t, c, n, s in setting:
            output_channel = _make_divisible(c * width_mult, 4)
            for i in range(n):
                features.append(InvertedResidual(input_channel, output_channel, s if i == 0 else 1, expand_ratio=t))
                input_channel = output_channel
        features.append(ConvBNReLU(input_channel, last_channel, kernel_size=1))
        self.features = nn.Sequential(*features)
        self.classifier = nn.Sequential(nn.Dropout(0.2), nn.Linear(last_channel, num_classes))
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out")
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, 0, 0.01)
                nn.init.zeros_(m.bias)

    def forward(self, x):
        x = self.features(x)
        x = nn.functional.adaptive_avg_pool2d(x, (1, 1)).reshape(x.shape[0], -1)
        return self.classifier(x)


def channel_shuffle(x, groups):
    batchsize, num_channels, height, width = x.size()
    channels_per_group = num_channels // groups
    x = x.view(batchsize, groups, channels_per_group, height, width)
    x = torch.transpose(x, 1, 2).contiguous()
    x = x.view(batchsize, -1, height, width)
    return x


class ShuffleV2Block(nn.Module):
    def __init__(self, inp, oup, stride):
        super().__init__()
        self.stride = stride
        branch_features = oup // 2
        if self.stride > 1:
            self.branch1 = nn.Sequential(
                nn.Conv2d(inp, inp, 3, stride, 1, groups=inp, bias=False), nn.BatchNorm2d(inp),
                nn.Conv2d(inp, branch_features, 1, 1, 0, bias=False), nn.BatchNorm2d(branch_features),
                nn.ReLU(inplace=True))
        else:
            self.branch1 = nn.Sequential()
        self.branch2 = nn.Sequential(
            nn.Conv2d(inp if self.stride > 1 else branch_features, branch_features, 1, bias=False),
            nn.BatchNorm2d(branch_features), nn.ReLU(inplace=True),
            nn.Conv2d(branch_features, branch_features, 3, stride, 1, groups=branch_features, bias=False),
            nn.BatchNorm2d(branch_features),
            nn.Conv2d(branch_features, branch_features, 1, bias=False),
            nn.BatchNorm2d(branch_features), nn.ReLU(inplace=True))

    def forward(self, x):
        if self.stride == 1:
            x1, x2 = x.chunk(2, dim=1)
            out = torch.cat((x1, self.branch2(x2)), dim=1)
        else:
            out = torch.cat((self.branch1(x), self.branch2(x)), dim=1)
        return channel_shuffle(out, 2)


class Fire(nn.Module):
    def __init__(self, inplanes, squeeze_planes, expand1x1_planes, expand3x3_planes):
        super().__init__()
        self.inplanes = inplanes
        self.squeeze = nn.Conv2d(inplanes, squeeze_planes, kernel_size=1)
        self.squeeze_activation = nn.ReLU(inplace=True)
        self.expand1x1 = nn.Conv2d(squeeze_planes, expand1x1_planes, kernel_size=1)
        self.expand1x1_activation = nn.ReLU(inplace=True)
        self.expand3x3 = nn.Conv2d(squeeze_planes, expand3x3_planes, kernel_size=3, padding=1)
        self.expand3x3_activation = nn.ReLU(inplace=True)

    def forward(self, x):
        x = self.squeeze_activation(self.squeeze(x))
        return torch.cat([self.expand1x1_activation(self.expand1x1(x)),
                          self.expand3x3_activation(self.expand3x3(x))], 1)


class SqueezeNet(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 16, kernel_size=3, stride=2), nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True),
            Fire(16, 4, 8, 8), Fire(16, 4, 8, 8),
            nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True),
            Fire(16, 8, 16, 16))
        final_conv = nn.Conv2d(32, num_classes, kernel_size=1)
        self.classifier = nn.Sequential(nn.Dropout(p=0.5), final_conv, nn.ReLU(inplace=True),
                                        nn.AdaptiveAvgPool2d((1, 1)))
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                if m is final_conv:
                    nn.init.normal_(m.weight, mean=0.0, std=0.01)
                else:
                    nn.init.kaiming_uniform_(m.weight)
                if m.bias is not None:
                    nn.init.constant_(m.bias, 0)

    def forward(self, x):
        x = self.features(x)
        x = self.classifier(x)
        return torch.flatten(x, 1)


def summary(model, x):
    print(f"{'Layer':<28}{'Output shape':<22}{'Params':>8}")
    hooks = []

    def hook(module, inp, out):
        n = sum(p.numel() for p in module.parameters(recurse=False))
        print(f"{module.__class__.__name__:<28}{str(list(out.shape)):<22}{n:>8}")
    for m in model.modules():
        if len(list(m.children())) == 0:
            hooks.append(m.register_forward_hook(hook))
    with torch.no_grad():
        model(x)
    for h in hooks:
        h.remove()
    print("Total params:", sum(p.numel() for p in model.parameters()),
          "trainable:", sum(p.numel() for p in model.parameters() if p.requires_grad))


torch.manual_seed(0)
x = torch.randn(1, 3, 32, 32)
v1 = MobileNetV1().eval()
summary(v1, x)
dw = v1.model[1][0]
print(dw, dw.weight.shape, dw.groups, dw.in_channels // dw.groups)

v2 = MobileNetV2()
print(v2.features[2])
print("v2 out", v2.eval()(x).shape, [_make_divisible(c, 8) for c in (3, 10, 17.5, 33, 100)])
print("res connects", [type(m).__name__ + str(int(m.use_res_connect)) for m in v2.features
                       if isinstance(m, InvertedResidual)])
r6 = nn.ReLU6(inplace=True)
t = torch.linspace(-2, 8, 6, requires_grad=True)
y = F.relu6(t)
y.sum().backward()
print(r6, y, t.grad, F.hardtanh(t, 0.0, 6.0).grad_fn.name())

s = torch.arange(2 * 6 * 2 * 2, dtype=torch.float32).view(2, 6, 2, 2)
cs = nn.ChannelShuffle(3)
print(cs, cs.groups)
print(channel_shuffle(s, 3)[0, :, 0, 0].tolist(), cs(s)[0, :, 0, 0].tolist())
print("same", torch.equal(channel_shuffle(s, 3), cs(s)), torch.equal(F.channel_shuffle(s, 2), channel_shuffle(s, 2)),
      torch.channel_shuffle(s, 2).shape)
torch.manual_seed(1)
shuffle = nn.Sequential(nn.Conv2d(3, 8, 3, 2, 1, bias=False), nn.BatchNorm2d(8), nn.ReLU(inplace=True),
                        ShuffleV2Block(8, 16, 2), ShuffleV2Block(16, 16, 1), ShuffleV2Block(16, 16, 1),
                        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, 10))
print(shuffle[4])
print("shuffle out", shuffle.eval()(x).shape, "params", sum(p.numel() for p in shuffle.parameters()))

torch.manual_seed(2)
sq = SqueezeNet()
print(sq.features[3])
summary(sq.eval(), x)

torch.manual_seed(3)
images = torch.randn(4, 3, 32, 32)
labels = torch.tensor([3, 1, 4, 1])
for name, net in (("mobilenet_v1", v1), ("mobilenet_v2", v2), ("shufflenet", shuffle), ("squeezenet", sq)):
    net.train()
    opt = torch.optim.RMSprop(net.parameters(), lr=1e-3, alpha=0.9, eps=1e-3, momentum=0.9) \
        if name == "mobilenet_v2" else torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
    for step in range(2):
        opt.zero_grad()
        out = net(images)
        loss = F.cross_entropy(out, labels, label_smoothing=0.1)
        loss.backward()
        opt.step()
        print(f"{name} step {step} loss {loss.item():.4f} acc {(out.argmax(1) == labels).float().mean().item():.2f}")
dwg = v2.features[2].conv[1][0].weight.grad
print("depthwise grad", dwg.shape, round(dwg.abs().sum().item(), 3))

# fusing conv + bn (+ relu) for inference, as the quantization tutorials prepare MobileNets
v1.eval()
fused_v1 = torch.ao.quantization.fuse_modules(
    v1, [["model.0.0", "model.0.1", "model.0.2"]] +
        [[f"model.{i}.0", f"model.{i}.1", f"model.{i}.2"] for i in (1, 2, 3)] +
        [[f"model.{i}.3", f"model.{i}.4", f"model.{i}.5"] for i in (1, 2, 3)])
print(fused_v1.model[1])
print("fused params", sum(p.numel() for p in fused_v1.parameters()),
      "original", sum(p.numel() for p in v1.parameters()))
with torch.no_grad():
    print("fused v1 matches", torch.allclose(fused_v1(images), v1(images), atol=1e-4),
          type(fused_v1.model[2][0]).__name__, fused_v1.model[2][0][0].bias is not None)


def fuse_model(model):
    for m in model.modules():
        if type(m) == ConvBNReLU:
            torch.ao.quantization.fuse_modules(m, ["0", "1"], inplace=True)
        if type(m) == InvertedResidual:
            for idx in range(len(m.conv)):
                if type(m.conv[idx]) == nn.Conv2d:
                    torch.ao.quantization.fuse_modules(m.conv, [str(idx), str(idx + 1)], inplace=True)


v2.eval()
with torch.no_grad():
    before = v2(images)
fuse_model(v2)
print(v2.features[1])
with torch.no_grad():
    print("fused v2 matches", torch.allclose(v2(images), before, atol=1e-4))
try:
    torch.ao.quantization.fuse_modules(ConvBNReLU(4, 4).eval(), ["0", "1", "2"])
except AssertionError as e:
    print("AssertionError:", e)
try:
    torch.ao.quantization.fuse_modules(ConvBNReLU(4, 4), ["0", "1"])
except AssertionError as e:
    print("AssertionError:", e)
qat = torch.ao.quantization.fuse_modules_qat(nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.ReLU()),
                                             [["0", "1", "2"]])
print(qat, type(qat[0]).__mro__[1].__name__)
