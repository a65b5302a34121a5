"""Inception, ResNet and DenseNet blocks, in the style of a university deep learning tutorial on
modern CNN architectures: ``nn.Sequential`` branches joined with ``torch.cat``, BatchNorm,
``act_fn_by_name`` dictionaries, parameter counting, and a few training steps on synthetic 3x32x32
images."""
from types import SimpleNamespace

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

act_fn_by_name = {"tanh": nn.Tanh, "relu": nn.ReLU, "leakyrelu": nn.LeakyReLU, "gelu": nn.GELU}


class InceptionBlock(nn.Module):
    def __init__(self, c_in, c_red: dict, c_out: dict, act_fn):
        super().__init__()
        self.conv_1x1 = nn.Sequential(nn.Conv2d(c_in, c_out["1x1"], kernel_size=1), nn.BatchNorm2d(c_out["1x1"]),
                                      act_fn())
        self.conv_3x3 = nn.Sequential(
            nn.Conv2d(c_in, c_red["3x3"], kernel_size=1), nn.BatchNorm2d(c_red["3x3"]), act_fn(),
            nn.Conv2d(c_red["3x3"], c_out["3x3"], kernel_size=3, padding=1), nn.BatchNorm2d(c_out["3x3"]), act_fn())
        self.conv_5x5 = nn.Sequential(
            nn.Conv2d(c_in, c_red["5x5"], kernel_size=1), nn.BatchNorm2d(c_red["5x5"]), act_fn(),
            nn.Conv2d(c_red["5x5"], c_out["5x5"], kernel_size=5, padding=2), nn.BatchNorm2d(c_out["5x5"]), act_fn())
        self.max_pool = nn.Sequential(nn.MaxPool2d(kernel_size=3, padding=1, stride=1),
                                      nn.Conv2d(c_in, c_out["max"], kernel_size=1), nn.BatchNorm2d(c_out["max"]),
                                      act_fn())

    def forward(self, x):
        x_1x1 = self.conv_1x1(x)
        x_3x3 = self.conv_3x3(x)
        x_5x5 = self.conv_5x5(x)
        x_max = self.max_pool(x)
        return torch.cat([x_1x1, x_3x3, x_5x5, x_max], dim=1)


class GoogleNet(nn.Module):
    def __init__(self, num_classes=10, act_fn_name="relu", **kwargs):
        super().__init__()
        self.hparams = SimpleNamespace(num_classes=num_classes, act_fn_name=act_fn_name,
                                       act_fn=act_fn_by_name[act_fn_name])
        self._create_network()
        self._init_params()

    def _create_network(self):
        self.input_net = nn.Sequential(nn.Conv2d(3, 16, kernel_size=3, padding=1), nn.BatchNorm2d(16),
                                       self.hparams.act_fn())
        self.inception_blocks = nn.Sequential(
            InceptionBlock(16, c_red={"3x3": 8, "5x5": 4}, c_out={"1x1": 4, "3x3": 8, "5x5": 2, "max": 2},
                           act_fn=self.hparams.act_fn),
            nn.MaxPool2d(3, stride=2, padding=1),
            InceptionBlock(16, c_red={"3x3": 8, "5x5": 4}, c_out={"1x1": 8, "3x3": 8, "5x5": 4, "max": 4},
                           act_fn=self.hparams.act_fn))
        self.output_net = nn.Sequential(nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(),
                                        nn.Linear(24, self.hparams.num_classes))

    def _init_params(self):
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, nonlinearity=self.hparams.act_fn_name
                                        if self.hparams.act_fn_name != "gelu" else "relu")
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)

    def forward(self, x):
        return self.output_net(self.inception_blocks(self.input_net(x)))


class ResNetBlock(nn.Module):
    def __init__(self, c_in, act_fn, subsample=False, c_out=-1):
        super().__init__()
        if not subsample:
            c_out = c_in
        self.net = nn.Sequential(
            nn.Conv2d(c_in, c_out, kernel_size=3, padding=1, stride=1 if not subsample else 2, bias=False),
            nn.BatchNorm2d(c_out), act_fn(),
            nn.Conv2d(c_out, c_out, kernel_size=3, padding=1, bias=False), nn.BatchNorm2d(c_out))
        self.downsample = nn.Conv2d(c_in, c_out, kernel_size=1, stride=2) if subsample else None
        self.act_fn = act_fn()

    def forward(self, x):
        z = self.net(x)
        if self.downsample is not None:
            x = self.downsample(x)
        return self.act_fn(z + x)


class PreActResNetBlock(nn.Module):
    def __init__(self, c_in, act_fn, subsample=False, c_out=-1):
        super().__init__()
        if not subsample:
            c_out = c_in
        self.net = nn.Sequential(
            nn.BatchNorm2d(c_in), act_fn(),
            nn.Conv2d(c_in, c_out, kernel_size=3, padding=1, stride=1 if not subsample else 2, bias=False),
            nn.BatchNorm2d(c_out), act_fn(), nn.Conv2d(c_out, c_out, kernel_size=3, padding=1, bias=False))
        self.downsample = (nn.Sequential(nn.BatchNorm2d(c_in), act_fn(),
                                         nn.Conv2d(c_in, c_out, kernel_size=1, stride=2, bias=False))
                           if subsample else None)

    def forward(self, x):
        z = self.net(x)
        if self.downsample is not None:
            x = self.downsample(x)
        return z + x


resnet_blocks_by_name = {"ResNetBlock": ResNetBlock, "PreActResNetBlock": PreActResNetBlock}


class ResNet(nn.Module):
    def __init__(self, num_classes=10, num_blocks=(2, 2), c_hidden=(8, 16), act_fn_name="relu",
                 block_name="ResNetBlock"):
        super().__init__()
        self.hparams = SimpleNamespace(num_classes=num_classes, c_hidden=c_hidden, num_blocks=num_blocks,
                                       act_fn_name=act_fn_name, act_fn=act_fn_by_name[act_fn_name],
                                       block_class=resnet_blocks_by_name[block_name])
        c_hidden = self.hparams.c_hidden
        if self.hparams.block_class == PreActResNetBlock:
            self.input_net = nn.Sequential(nn.Conv2d(3, c_hidden[0], kernel_size=3, padding=1, bias=False))
        else:
            self.input_net = nn.Sequential(nn.Conv2d(3, c_hidden[0], kernel_size=3, padding=1, bias=False),
                                           nn.BatchNorm2d(c_hidden[0]), self.hparams.act_fn())
        blocks = []
        for block_idx, block_count in enumerate(self.hparams.num_blocks):
            for bc in range(block_count):
                subsample = bc == 0 and block_idx > 0
                blocks.append(self.hparams.block_class(c_in=c_hidden[block_idx if not subsample else block_idx - 1],
                                                       act_fn=self.hparams.act_fn, subsample=subsample,
                                                       c_out=c_hidden[block_idx]))
        self.blocks = nn.Sequential(*blocks)
        self.output_net = nn.Sequential(nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(),
                                        nn.Linear(c_hidden[-1], self.hparams.num_classes))
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)

    def forward(self, x):
        return self.output_net(self.blocks(self.input_net(x)))


class DenseLayer(nn.Module):
    def __init__(self, c_in, bn_size, growth_rate, act_fn):
        super().__init__()
        self.net = nn.Sequential(nn.BatchNorm2d(c_in), act_fn(),
                                 nn.Conv2d(c_in, bn_size * growth_rate, kernel_size=1, bias=False),
                                 nn.BatchNorm2d(bn_size * growth_rate), act_fn(),
                                 nn.Conv2d(bn_size * growth_rate, growth_rate, kernel_size=3, padding=1, bias=False))

    def forward(self, x):
        out = self.net(x)
        return torch.cat([out, x], dim=1)


class DenseBlock(nn.Module):
    def __init__(self, c_in, num_layers, bn_size, growth_rate, act_fn):
        super().__init__()
        layers = [DenseLayer(c_in=c_in + layer_idx * growth_rate, bn_size=bn_size, growth_rate=growth_rate,
                             act_fn=act_fn) for layer_idx in range(num_layers)]
        self.block = nn.Sequential(*layers)

    def forward(self, x):
        return self.block(x)


class TransitionLayer(nn.Module):
    def __init__(self, c_in, c_out, act_fn):
        super().__init__()
        self.transition = nn.Sequential(nn.BatchNorm2d(c_in), act_fn(),
                                        nn.Conv2d(c_in, c_out, kernel_size=1, bias=False),
                                        nn.AvgPool2d(kernel_size=2, stride=2))

    def forward(self, x):
        return self.transition(x)


class DenseNet(nn.Module):
    def __init__(self, num_classes=10, num_layers=(2, 2), bn_size=2, growth_rate=4, act_fn_name="relu"):
        super().__init__()
        act_fn = act_fn_by_name[act_fn_name]
        c_hidden = growth_rate * bn_size
        self.input_net = nn.Sequential(nn.Conv2d(3, c_hidden, kernel_size=3, padding=1))
        blocks = []
        for block_idx, n in enumerate(num_layers):
            blocks.append(DenseBlock(c_in=c_hidden, num_layers=n, bn_size=bn_size, growth_rate=growth_rate,
                                     act_fn=act_fn))
            c_hidden = c_hidden + n * growth_rate
            if block_idx < len(num_layers) - 1:
                blocks.append(TransitionLayer(c_in=c_hidden, c_out=c_hidden // 2, act_fn=act_fn))
                c_hidden = c_hidden // 2
        self.blocks = nn.Sequential(*blocks)
        self.output_net = nn.Sequential(nn.BatchNorm2d(c_hidden), act_fn(), nn.AdaptiveAvgPool2d((1, 1)),
                                        nn.Flatten(), nn.Linear(c_hidden, num_classes))
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
            elif isinstance(m, nn.Linear):
                nn.init.constant_(m.bias, 0)

    def forward(self, x):
        return self.output_net(self.blocks(self.input_net(x)))


model_dict = {"GoogleNet": GoogleNet, "ResNet": ResNet, "DenseNet": DenseNet}


def create_model(model_name, model_hparams):
    if model_name in model_dict:
        return model_dict[model_name](**model_hparams)
    assert False, f'Unknown model name "{model_name}". Available models are: {str(model_dict.keys())}'


# synthetic CIFAR-like data, normalised with per-channel statistics like the tutorial's transforms
g = torch.Generator().manual_seed(11)
labels = torch.randint(0, 10, (64,), generator=g)
base = torch.rand(10, 3, 32, 32, generator=g)
images = (base[labels] + 0.3 * torch.rand(64, 3, 32, 32, generator=g)).clamp(0, 1)
DATA_MEANS = images.mean(dim=(0, 2, 3))
DATA_STD = images.std(dim=(0, 2, 3))
print("means", DATA_MEANS.round(decimals=3), "std", DATA_STD.round(decimals=3))
images = (images - DATA_MEANS[None, :, None, None]) / DATA_STD[None, :, None, None]

for name, hp in [("GoogleNet", {"num_classes": 10, "act_fn_name": "relu"}),
                 ("ResNet", {"num_classes": 10, "c_hidden": (8, 16), "num_blocks": (2, 2), "act_fn_name": "relu"}),
                 ("ResNet", {"num_classes": 10, "c_hidden": (8, 16), "num_blocks": (1, 1), "act_fn_name": "gelu",
                             "block_name": "PreActResNetBlock"}),
                 ("DenseNet", {"num_classes": 10, "num_layers": (2, 2), "bn_size": 2, "growth_rate": 4,
                               "act_fn_name": "relu"})]:
    torch.manual_seed(42)
    model = create_model(name, hp)
    n_params = sum(p.numel() for p in model.parameters())
    n_train = sum(p.numel() for p in model.parameters() if p.requires_grad)
    n_buffers = sum(b.numel() for b in model.buffers())
    print(f"{name}: {n_params} params ({n_train} trainable), {n_buffers} buffer entries,"
          f" {len(list(model.modules()))} modules")
    optimizer = optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-4)
    scheduler = optim.lr_scheduler.MultiStepLR(optimizer, milestones=[2, 3], gamma=0.1)
    for step in range(4):
        model.train()
        idx = torch.arange(step * 8, step * 8 + 8) % 64
        preds = model(images[idx])
        loss = F.cross_entropy(preds, labels[idx])
        acc = (preds.argmax(dim=-1) == labels[idx]).float().mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        scheduler.step()
        print(f"  step {step} loss {loss.item():.3f} acc {acc.item():.4f} lr {scheduler.get_last_lr()[0]:.4g}")
    model.eval()
    with torch.no_grad():
        out = model(images[:4])
    print("  eval logits shape", tuple(out.shape), out.dtype, out.requires_grad)

# one step of input-gradient regularisation ("double backprop"), through the pooling layers
for name, hp in [("GoogleNet", {"act_fn_name": "gelu"}), ("DenseNet", {"act_fn_name": "tanh"})]:
    torch.manual_seed(3)
    model = create_model(name, hp)
    model.eval()
    opt = optim.Adam(model.parameters(), lr=1e-3)
    x = images[:4].clone().requires_grad_(True)
    loss = F.cross_entropy(model(x), labels[:4])
    (gx,) = torch.autograd.grad(loss, x, create_graph=True)
    penalty = gx.pow(2).sum(dim=(1, 2, 3)).mean()
    opt.zero_grad()
    (loss + 10.0 * penalty).backward()
    gnorm = torch.nn.utils.clip_grad_norm_(model.parameters(), 1e9)
    opt.step()
    print(f"{name} double backprop: loss {loss.item():.4f} penalty {penalty.item():.4e} grad norm {gnorm.item():.4f}")

print(create_model("DenseNet", {"num_layers": (1,), "growth_rate": 2, "bn_size": 1}).blocks)
print(InceptionBlock(4, {"3x3": 2, "5x5": 2}, {"1x1": 1, "3x3": 1, "5x5": 1, "max": 1}, nn.ReLU)(
    torch.zeros(1, 4, 5, 5)).shape)
bn = ResNet().blocks[2].net[1]
print(bn, bn.running_mean.shape, bn.num_batches_tracked)
try:
    create_model("VGG", {})
except AssertionError as e:
    print("AssertionError:", e)
