"""A tiny ResNet written by hand, as in vision tutorials that do not use torchvision: BasicBlock with a
conv1x1+BatchNorm downsample, AdaptiveAvgPool2d, kaiming init through self.modules(), zero_init_residual,
train() vs eval() outputs, no_grad inference and model.apply."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)


def r(t, n=4):
    return t.detach().round(decimals=n)


def conv3x3(cin, cout, stride=1):
    return nn.Conv2d(cin, cout, kernel_size=3, stride=stride, padding=1, bias=False)


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


class TinyResNet(nn.Module):
    def __init__(self, layers=(1, 1), num_classes=5, zero_init_residual=False):
        super().__init__()
        self.inplanes = 4
        self.conv1 = nn.Conv2d(3, 4, kernel_size=3, stride=1, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(4)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(4, layers[0])
        self.layer2 = self._make_layer(8, layers[1], stride=2)
        self.drop = nn.Dropout2d(0.25)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(8 * BasicBlock.expansion, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
        if zero_init_residual:
            for m in self.modules():
                if isinstance(m, BasicBlock) and m.bn2.weight is not None:
                    nn.init.constant_(m.bn2.weight, 0)

    def _make_layer(self, planes, blocks, stride=1):
        downsample = None
        if stride != 1 or self.inplanes != planes * BasicBlock.expansion:
            downsample = nn.Sequential(
                nn.Conv2d(self.inplanes, planes, kernel_size=1, stride=stride, bias=False),
                nn.BatchNorm2d(planes),
            )
        layers = [BasicBlock(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes * BasicBlock.expansion
        for _ in range(1, blocks):
            layers.append(BasicBlock(self.inplanes, planes))
        return nn.Sequential(*layers)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer2(self.layer1(x))
        x = self.avgpool(self.drop(x))
        x = torch.flatten(x, 1)
        return self.fc(x)


model = TinyResNet(zero_init_residual=True)
print(model)
print("trainable:", sum(p.numel() for p in model.parameters() if p.requires_grad))
print("total:", sum(p.numel() for p in model.parameters()))
print([name for name, _ in model.named_modules()])
print([n for n, b in model.named_buffers()][:6])
print(model.layer1[0].bn2.weight, model.layer2[0].downsample[1].bias)
print(r(model.conv1.weight.std(), 2), model.layer2[0].downsample[0].weight.shape)

x = torch.randn(4, 3, 8, 8)
model.train()
out_train = model(x)
print(out_train.shape, type(out_train.grad_fn).__name__)
print(model.bn1.num_batches_tracked, r(model.bn1.running_mean), r(model.bn1.running_var))
model.eval()
with torch.no_grad():
    out_eval = model(x)
    out_eval2 = model(x)
print(out_eval.requires_grad, out_eval.grad_fn, torch.equal(out_eval, out_eval2))
print("train vs eval differ:", not torch.allclose(out_train, out_eval))
print(r(out_eval))
probs = F.softmax(out_eval, dim=1)
print(r(probs.sum(dim=1)), probs.argmax(dim=1))

# a short training loop
model.train()
opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=1e-4)
y = torch.tensor([0, 1, 2, 3])
for step in range(4):
    opt.zero_grad()
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    opt.step()
    print(step, round(loss.item(), 3))
print(model.bn1.num_batches_tracked.item(), model.layer1[0].conv1.weight.grad.shape)


def count_convs(m):
    if isinstance(m, nn.Conv2d):
        counter.append((m.in_channels, m.out_channels, m.kernel_size, m.stride))


counter = []
ret = model.apply(count_convs)
print(ret is model, counter)


def reset_bn(m):
    if isinstance(m, nn.BatchNorm2d):
        m.reset_running_stats()


model.apply(reset_bn)
print(model.bn1.running_mean, model.bn1.running_var, model.bn1.num_batches_tracked)
print(model.training, model.layer1.training)
model.eval()
print(model.training, model.layer1[0].bn1.training, model.drop.training)
drop = nn.Dropout2d(0.5)
z = drop(torch.ones(1, 4, 2, 2))
print(z.shape, sorted(set(z.flatten().tolist())))
print(sum(1 for _ in model.children()), len(list(model.modules())))
