"""AlexNet and VGG at toy size, as course notebooks re-implement them: AlexNet with
LocalResponseNorm, Dropout and AdaptiveAvgPool2d((6, 6)); VGG features built from a config list by
make_layers (with and without BatchNorm); kaiming/normal init loops over model.modules() with
isinstance checks; print(model), per-layer parameter counts, layer-by-layer output shapes for a
1x3x32x32 input, state_dict key listings and one or two SGD steps."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class AlexNet(nn.Module):
    def __init__(self, num_classes=10, dropout=0.5):
        super(AlexNet, self).__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 16, kernel_size=5, stride=1, padding=2),
            nn.ReLU(inplace=True),
            nn.LocalResponseNorm(size=5, alpha=0.0001, beta=0.75, k=2),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(16, 24, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.LocalResponseNorm(size=5, alpha=0.0001, beta=0.75, k=2),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(24, 32, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(32, 24, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
        )
        self.avgpool = nn.AdaptiveAvgPool2d((6, 6))
        self.classifier = nn.Sequential(
            nn.Dropout(p=dropout),
            nn.Linear(24 * 6 * 6, 64),
            nn.ReLU(inplace=True),
            nn.Dropout(p=dropout),
            nn.Linear(64, 64),
            nn.ReLU(inplace=True),
            nn.Linear(64, num_classes),
        )

    def forward(self, x):
        x = self.features(x)
        x = self.avgpool(x)
        x = torch.flatten(x, 1)
        x = self.classifier(x)
        return x


cfgs = {
    "A": [8, "M", 16, "M", 32, 32, "M"],
    "D": [8, 8, "M", 16, 16, "M", 32, 32, 32, "M"],
}


def make_layers(cfg, batch_norm=False):
    layers = []
    in_channels = 3
    for v in cfg:
        if v == "M":
            layers += [nn.MaxPool2d(kernel_size=2, stride=2)]
        else:
            conv2d = nn.Conv2d(in_channels, v, kernel_size=3, padding=1)
            if batch_norm:
                layers += [conv2d, nn.BatchNorm2d(v), nn.ReLU(inplace=True)]
            else:
                layers += [conv2d, nn.ReLU(inplace=True)]
            in_channels = v
    return nn.Sequential(*layers)


class VGG(nn.Module):
    def __init__(self, features, num_classes=10, init_weights=True):
        super().__init__()
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d((2, 2))
        self.classifier = nn.Sequential(
            nn.Linear(32 * 2 * 2, 48), nn.ReLU(True), nn.Dropout(),
            nn.Linear(48, 48), nn.ReLU(True), nn.Dropout(),
            nn.Linear(48, num_classes),
        )
        if init_weights:
            self._initialize_weights()

    def forward(self, x):
        x = self.features(x)
        x = self.avgpool(x)
        x = x.view(x.size(0), -1)
        return self.classifier(x)

    def _initialize_weights(self):
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                if m.bias is not None:
                    nn.init.constant_(m.bias, 0)
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
            elif isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, 0, 0.01)
                nn.init.constant_(m.bias, 0)


def count_parameters(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


torch.manual_seed(0)
alex = AlexNet()
print(alex)
print("AlexNet params:", count_parameters(alex))
for name, p in alex.named_parameters():
    print(f"{name:<22} {str(list(p.shape)):<18} {p.numel():>7}")

x = torch.randn(1, 3, 32, 32)
print("Input shape:", x.shape)
out = x
for layer in alex.features:
    out = layer(out)
    print(f"{layer.__class__.__name__:<18} output shape: {out.shape}")
out = alex.avgpool(out)
print("AdaptiveAvgPool2d  output shape:", out.shape)
print("flatten:", torch.flatten(out, 1).shape)

lrn = nn.LocalResponseNorm(3)
print(lrn, lrn.size, lrn.alpha, lrn.beta, lrn.k)
z = torch.arange(2 * 5 * 2 * 2, dtype=torch.float32).reshape(2, 5, 2, 2) / 10
print(lrn(z)[0, :, 0, 0].round(decimals=4))
print(F.local_response_norm(z, size=2, alpha=0.5, beta=0.5, k=1.0)[1, :, 1, 1].round(decimals=4))
z3 = torch.randn(2, 4, 5, requires_grad=True)
y3 = nn.LocalResponseNorm(2, alpha=0.1)(z3)
y3.sum().backward()
print("lrn 3d", y3.shape, y3.grad_fn.name(), z3.grad[0, :, 0].round(decimals=4))

alex.eval()
with torch.no_grad():
    logits = alex(x)
print("eval logits", logits.shape, logits[0, :4].round(decimals=4))
alex.train()
torch.manual_seed(1)
images = torch.randn(4, 3, 32, 32)
labels = torch.tensor([0, 3, 5, 9])
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(alex.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
for step in range(2):
    optimizer.zero_grad()
    outputs = alex(images)
    loss = criterion(outputs, labels)
    loss.backward()
    optimizer.step()
    _, predicted = torch.max(outputs.data, 1)
    print(f"AlexNet step {step} loss {loss.item():.4f} pred {predicted.tolist()}")
print("grad norm conv1", round(alex.features[0].weight.grad.norm().item(), 3))

for cfg_name, bn in [("A", False), ("D", True)]:
    torch.manual_seed(2)
    model = VGG(make_layers(cfgs[cfg_name], batch_norm=bn))
    tag = f"vgg{'11' if cfg_name == 'A' else '16'}{'_bn' if bn else ''}"
    print(tag, "layers", len(model.features), "params", count_parameters(model))
    if bn:
        print(model)
    convs = [m for m in model.modules() if isinstance(m, nn.Conv2d)]
    print("convs", len(convs), [tuple(c.weight.shape) for c in convs][:3])
    print("kaiming std", [round(c.weight.std().item(), 1) for c in convs][:4],
          "linear std", round(model.classifier[0].weight.std().item(), 2),
          "bias sum", sum(c.bias.abs().sum().item() for c in convs))
    keys = list(model.state_dict().keys())
    print(len(keys), keys[:7])
    print([k for k in keys if "num_batches_tracked" in k][:2])
    y = model(torch.randn(2, 3, 32, 32))
    print(tag, "out", y.shape, y.grad_fn.name())

torch.manual_seed(3)
vgg = VGG(make_layers(cfgs["A"], batch_norm=True))
opt = torch.optim.Adam(vgg.parameters(), lr=1e-3)
for step in range(2):
    opt.zero_grad()
    loss = F.cross_entropy(vgg(images), labels)
    loss.backward()
    opt.step()
    print(f"VGG step {step} loss {loss.item():.4f}")
bn0 = vgg.features[1]
print("running stats", bn0.running_mean[:3].round(decimals=4), bn0.running_var[:3].round(decimals=3),
      bn0.num_batches_tracked)
hooks_out = []
handles = [m.register_forward_hook(lambda mod, inp, o: hooks_out.append((type(mod).__name__, tuple(o.shape))))
           for m in vgg.features if isinstance(m, nn.MaxPool2d)]
vgg.eval()
with torch.no_grad():
    vgg(torch.zeros(1, 3, 32, 32))
for h in handles:
    h.remove()
print(hooks_out)
