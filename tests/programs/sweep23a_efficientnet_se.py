"""EfficientNet-B0 / MobileNetV3 building blocks at toy size, as blog re-implementations write them:
a squeeze-and-excitation module (AdaptiveAvgPool2d(1) -> 1x1 convs -> SiLU / Sigmoid scale), MBConv
blocks with depthwise convs, SiLU and stochastic depth (hand-written "row" mode with
torch.empty(...).bernoulli_ and the "batch" mode), width/depth multipliers via math.ceil,
Hardswish/Hardsigmoid SE for MobileNetV3, uniform init of the classifier by 1/sqrt(out_features),
print(model), per-block output shapes, named_parameters table, state_dict key listing, a couple of
AdamW steps with gradient clipping and an ExponentialLR schedule."""
import copy
import math
from functools import partial

import torch
from torch import nn, Tensor
import torch.nn.functional as F


def stochastic_depth(input: Tensor, p: float, mode: str, training: bool = True) -> Tensor:
    if p < 0.0 or p > 1.0:
        raise ValueError(f"drop probability has to be between 0 and 1, but got {p}")
    if mode not in ["batch", "row"]:
        raise ValueError(f"mode has to be either 'batch' or 'row', but got {mode}")
    if not training or p == 0.0:
        return input
    survival_rate = 1.0 - p
    if mode == "row":
        size = [input.shape[0]] + [1] * (input.ndim - 1)
    else:
        size = [1] * input.ndim
    noise = torch.empty(size, dtype=input.dtype, device=input.device)
    noise = noise.bernoulli_(survival_rate)
    if survival_rate > 0.0:
        noise.div_(survival_rate)
    return input * noise


class StochasticDepth(nn.Module):
    def __init__(self, p: float, mode: str) -> None:
        super().__init__()
        self.p = p
        self.mode = mode

    def forward(self, input: Tensor) -> Tensor:
        return stochastic_depth(input, self.p, self.mode, self.training)

    def __repr__(self) -> str:
        s = f"{self.__class__.__name__}(p={self.p}, mode={self.mode})"
        return s


class SqueezeExcitation(nn.Module):
    def __init__(self, input_channels, squeeze_channels, activation=nn.ReLU, scale_activation=nn.Sigmoid):
        super().__init__()
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Conv2d(input_channels, squeeze_channels, 1)
        self.fc2 = nn.Conv2d(squeeze_channels, input_channels, 1)
        self.activation = activation()
        self.scale_activation = scale_activation()

    def _scale(self, input):
        scale = self.avgpool(input)
        scale = self.fc1(scale)
        scale = self.activation(scale)
        scale = self.fc2(scale)
        return self.scale_activation(scale)

    def forward(self, input):
        scale = self._scale(input)
        return scale * input


class Conv2dNormActivation(nn.Sequential):
    def __init__(self, in_channels, out_channels, kernel_size=3, stride=1, groups=1,
                 norm_layer=nn.BatchNorm2d, activation_layer=nn.ReLU):
        padding = (kernel_size - 1) // 2
        layers = [nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding, groups=groups,
                            bias=norm_layer is None)]
        if norm_layer is not None:
            layers.append(norm_layer(out_channels))
        if activation_layer is not None:
            layers.append(activation_layer(inplace=True))
        super().__init__(*layers)
        self.out_channels = out_channels


class MBConv(nn.Module):
    def __init__(self, expand_ratio, kernel, stride, input_channels, out_channels, stochastic_depth_prob):
        super().__init__()
        self.use_res_connect = stride == 1 and input_channels == out_channels
        layers = []
        expanded_channels = input_channels * expand_ratio
        if expanded_channels != input_channels:
            layers.append(Conv2dNormActivation(input_channels, expanded_channels, kernel_size=1,
                                               activation_layer=nn.SiLU))
        layers.append(Conv2dNormActivation(expanded_channels, expanded_channels, kernel_size=kernel,
                                           stride=stride, groups=expanded_channels, activation_layer=nn.SiLU))
        squeeze_channels = max(1, input_channels // 4)
        layers.append(SqueezeExcitation(expanded_channels, squeeze_channels, activation=partial(nn.SiLU, inplace=True)))
        layers.append(Conv2dNormActivation(expanded_channels, out_channels, kernel_size=1, activation_layer=None))
        self.block = nn.Sequential(*layers)
        self.stochastic_depth = StochasticDepth(stochastic_depth_prob, "row")
        self.out_channels = out_channels

    def forward(self, input):
        result = self.block(input)
        if self.use_res_connect:
            result = self.stochastic_depth(result)
            result += input
        return result


def round_repeats(repeats, depth_mult):
    return int(math.ceil(depth_mult * repeats))


class EfficientNet(nn.Module):
    def __init__(self, setting, width_mult=1.0, depth_mult=1.0, dropout=0.2, stochastic_depth_prob=0.2,
                 num_classes=10):
        super().__init__()
        firstconv_output_channels = setting[0][3]
        layers = [Conv2dNormActivation(3, firstconv_output_channels, kernel_size=3, stride=2,
                                       activation_layer=nn.SiLU)]
        total_stage_blocks = sum(round_repeats(cfg[-1], depth_mult) for cfg in setting)
        stage_block_id = 0
        for expand_ratio, kernel, stride, in_c, out_c, num_layers in setting:
            stage = []
            for i in range(round_repeats(num_layers, depth_mult)):
                sd_prob = stochastic_depth_prob * float(stage_block_id) / total_stage_blocks
                stage.append(MBConv(expand_ratio, kernel, stride if i == 0 else 1,
                                    in_c if i == 0 else out_c, out_c, sd_prob))
                stage_block_id += 1
            layers.append(nn.Sequential(*stage))
        lastconv_input_channels = setting[-1][4]
        lastconv_output_channels = 4 * lastconv_input_channels
        layers.append(Conv2dNormActivation(lastconv_input_channels, lastconv_output_channels, kernel_size=1,
                                           activation_layer=nn.SiLU))
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(nn.Dropout(p=dropout, inplace=True),
                                        nn.Linear(lastconv_output_channels, num_classes))
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out")
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.Linear):
                init_range = 1.0 / math.sqrt(m.out_features)
                nn.init.uniform_(m.weight, -init_range, init_range)
                nn.init.zeros_(m.bias)

    def forward(self, x):
        x = self.features(x)
        x = self.avgpool(x)
        x = torch.flatten(x, 1)
        return self.classifier(x)


torch.manual_seed(0)
sd = StochasticDepth(0.5, "row")
print(sd, sd.training)
ones = torch.ones(8, 2, 2, 2)
print("row mask", sd(ones)[:, 0, 0, 0].tolist())
print("batch", stochastic_depth(ones, 0.5, "batch")[:, 0, 0, 0].tolist())
print("eval", torch.equal(sd.eval()(ones), ones))
for bad in [(1.5, "row"), (0.1, "col")]:
    try:
        stochastic_depth(ones, *bad)
    except ValueError as e:
        print("ValueError:", e)

se = SqueezeExcitation(8, 2)
print(se)
xs = torch.randn(2, 8, 4, 4, requires_grad=True)
ys = se(xs)
ys.pow(2).mean().backward()
print("SE", ys.shape, ys.grad_fn.name(), se._scale(xs).shape, xs.grad[0, :3, 0, 0].round(decimals=4))
print("silu", F.silu(torch.tensor([-1.0, 0.0, 2.0])).round(decimals=4), nn.SiLU(inplace=True),
      torch.allclose(F.silu(xs), xs * torch.sigmoid(xs)))
h = torch.tensor([-4.0, -3.0, -1.0, 0.0, 1.5, 3.0, 5.0], requires_grad=True)
hs, hsig = F.hardswish(h), nn.Hardsigmoid()(h)
(hs.sum() + hsig.sum()).backward()
print(nn.Hardswish(), hs, hsig, h.grad)

setting = [
    # expand, kernel, stride, in, out, layers
    [1, 3, 1, 8, 8, 1],
    [4, 3, 2, 8, 12, 2],
    [4, 5, 2, 12, 16, 2],
]
model = EfficientNet(setting, depth_mult=1.0)
print(model.features[2])
print("stochastic depth probs", [round(m.stochastic_depth.p, 4) for m in model.modules() if isinstance(m, MBConv)])
x = torch.randn(1, 3, 32, 32)
model.eval()
out = x
for i, stage in enumerate(model.features):
    out = stage(out)
    print(f"features[{i}] {type(stage).__name__:<22} -> {tuple(out.shape)}")
print("classifier in", model.classifier[1].in_features,
      "range", model.classifier[1].weight.abs().max().item() <= 1 / math.sqrt(10))
print(f"{'name':<42}{'shape':<18}{'count':>6}")
for name, p in list(model.named_parameters())[:12]:
    print(f"{name:<42}{str(tuple(p.shape)):<18}{p.numel():>6}")
print("total", sum(p.numel() for p in model.parameters()))
keys = list(model.state_dict().keys())
print(len(keys), [k for k in keys if ".block.2." in k][:4])

deeper = EfficientNet(setting, width_mult=1.0, depth_mult=1.6)
print("depth_mult 1.6 blocks", [len(s) for s in deeper.features[1:-1]], round_repeats(3, 1.2))
ema = copy.deepcopy(model)

torch.manual_seed(1)
images = torch.randn(4, 3, 32, 32)
labels = torch.tensor([9, 2, 2, 5])
model.train()
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-2)
scheduler = torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma=0.97)
for step in range(2):
    optimizer.zero_grad(set_to_none=True)
    loss = F.cross_entropy(model(images), labels)
    loss.backward()
    total_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
    optimizer.step()
    scheduler.step()
    with torch.no_grad():
        for pe, pm in zip(ema.parameters(), model.parameters()):
            pe.mul_(0.99).add_(pm, alpha=0.01)
    print(f"step {step} loss {loss.item():.4f} grad-norm {total_norm.item():.3f} lr {scheduler.get_last_lr()[0]:.6f}")
print("ema diff", round((ema.classifier[1].weight - model.classifier[1].weight).abs().max().item(), 5))
print(model.features[1][0].block[1].scale_activation, model.features[1][0].block[1].fc1.weight.grad.shape)
