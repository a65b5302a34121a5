"""ConvNeXt in the style of the official repository (and timm): a depthwise 7x7 Conv2d, LayerNorm
applied channels-last via permute, a hand-written channels_first LayerNorm, pointwise Linear layers
with GELU, a layer-scale gamma Parameter, stochastic depth (DropPath with
x.new_empty(shape).bernoulli_(keep_prob).div_(keep_prob)), trunc_normal_ init through model.apply,
AdamW with decay / no-decay parameter groups, and a warmup + cosine schedule per step."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def drop_path(x, drop_prob: float = 0., training: bool = False, scale_by_keep: bool = True):
    if drop_prob == 0. or not training:
        return x
    keep_prob = 1 - drop_prob
    shape = (x.shape[0],) + (1,) * (x.ndim - 1)  # work with diff dim tensors, not just 2D ConvNets
    random_tensor = x.new_empty(shape).bernoulli_(keep_prob)
    if keep_prob > 0.0 and scale_by_keep:
        random_tensor.div_(keep_prob)
    return x * random_tensor


class DropPath(nn.Module):
    def __init__(self, drop_prob: float = 0., scale_by_keep: bool = True):
        super(DropPath, self).__init__()
        self.drop_prob = drop_prob
        self.scale_by_keep = scale_by_keep

    def forward(self, x):
        return drop_path(x, self.drop_prob, self.training, self.scale_by_keep)

    def extra_repr(self):
        return f'drop_prob={round(self.drop_prob, 3):0.3f}'


class LayerNorm(nn.Module):
    def __init__(self, normalized_shape, eps=1e-6, data_format="channels_last"):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(normalized_shape))
        self.bias = nn.Parameter(torch.zeros(normalized_shape))
        self.eps = eps
        self.data_format = data_format
        if self.data_format not in ["channels_last", "channels_first"]:
            raise NotImplementedError
        self.normalized_shape = (normalized_shape,)

    def forward(self, x):
        if self.data_format == "channels_last":
            return F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)
        elif self.data_format == "channels_first":
            u = x.mean(1, keepdim=True)
            s = (x - u).pow(2).mean(1, keepdim=True)
            x = (x - u) / torch.sqrt(s + self.eps)
            x = self.weight[:, None, None] * x + self.bias[:, None, None]
            return x


class Block(nn.Module):
    def __init__(self, dim, drop_path=0., layer_scale_init_value=1e-6):
        super().__init__()
        self.dwconv = nn.Conv2d(dim, dim, kernel_size=7, padding=3, groups=dim)  # depthwise conv
        self.norm = LayerNorm(dim, eps=1e-6)
        self.pwconv1 = nn.Linear(dim, 4 * dim)  # pointwise/1x1 convs, implemented with linear layers
        self.act = nn.GELU()
        self.pwconv2 = nn.Linear(4 * dim, dim)
        self.gamma = nn.Parameter(layer_scale_init_value * torch.ones((dim)),
                                  requires_grad=True) if layer_scale_init_value > 0 else None
        self.drop_path = DropPath(drop_path) if drop_path > 0. else nn.Identity()

    def forward(self, x):
        input = x
        x = self.dwconv(x)
        x = x.permute(0, 2, 3, 1)  # (N, C, H, W) -> (N, H, W, C)
        x = self.norm(x)
        x = self.pwconv1(x)
        x = self.act(x)
        x = self.pwconv2(x)
        if self.gamma is not None:
            x = self.gamma * x
        x = x.permute(0, 3, 1, 2)  # (N, H, W, C) -> (N, C, H, W)
        x = input + self.drop_path(x)
        return x


class ConvNeXt(nn.Module):
    def __init__(self, in_chans=3, num_classes=4, depths=[2, 2], dims=[8, 16], drop_path_rate=0.2,
                 layer_scale_init_value=1e-2, head_init_scale=1.):
        super().__init__()
        self.downsample_layers = nn.ModuleList()
        stem = nn.Sequential(nn.Conv2d(in_chans, dims[0], kernel_size=2, stride=2),
                             LayerNorm(dims[0], eps=1e-6, data_format="channels_first"))
        self.downsample_layers.append(stem)
        for i in range(len(dims) - 1):
            downsample_layer = nn.Sequential(LayerNorm(dims[i], eps=1e-6, data_format="channels_first"),
                                             nn.Conv2d(dims[i], dims[i + 1], kernel_size=2, stride=2))
            self.downsample_layers.append(downsample_layer)
        self.stages = nn.ModuleList()
        dp_rates = [x.item() for x in torch.linspace(0, drop_path_rate, sum(depths))]
        cur = 0
        for i in range(len(dims)):
            stage = nn.Sequential(*[Block(dim=dims[i], drop_path=dp_rates[cur + j],
                                          layer_scale_init_value=layer_scale_init_value) for j in range(depths[i])])
            self.stages.append(stage)
            cur += depths[i]
        self.norm = nn.LayerNorm(dims[-1], eps=1e-6)  # final norm layer
        self.head = nn.Linear(dims[-1], num_classes)
        self.apply(self._init_weights)
        self.head.weight.data.mul_(head_init_scale)
        self.head.bias.data.mul_(head_init_scale)

    def _init_weights(self, m):
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.trunc_normal_(m.weight, std=.02)
            nn.init.constant_(m.bias, 0)

    def forward_features(self, x):
        for i in range(len(self.stages)):
            x = self.downsample_layers[i](x)
            x = self.stages[i](x)
        return self.norm(x.mean([-2, -1]))  # global average pooling, (N, C, H, W) -> (N, C)

    def forward(self, x):
        return self.head(self.forward_features(x))


torch.manual_seed(0)
dp = DropPath(0.25)
print(dp, dp.training)
xs = torch.ones(8, 2, 3)
out = dp(xs)
print("drop_path kept", out[:, 0, 0].tolist())
print("eval identity", dp.eval()(xs) is xs)
mask = torch.empty(6, 1, 1).bernoulli_(0.5)
print("bernoulli_", mask.flatten().tolist(), xs.new_empty((3, 1)).shape, xs.new_empty((2,)).dtype)
print("div_", torch.ones(3).bernoulli_(1.0).div_(0.75).tolist())

ln_cf = LayerNorm(4, data_format="channels_first")
t = torch.randn(2, 4, 3, 3)
ref = F.layer_norm(t.permute(0, 2, 3, 1), (4,), eps=1e-6).permute(0, 3, 1, 2)
print("channels_first == permuted layer_norm", torch.allclose(ln_cf(t), ref, atol=1e-5))
print(ln_cf(t)[0, :, 0, 0].round(decimals=4))
try:
    LayerNorm(4, data_format="nchw")
except NotImplementedError as e:
    print("NotImplementedError", repr(e))

model = ConvNeXt()
print(model.stages[1])
print("drop rates", [round(b.drop_path.drop_prob, 4) if isinstance(b.drop_path, DropPath) else 0.0
                     for s in model.stages for b in s])
print("params", sum(p.numel() for p in model.parameters()))
print("gamma", model.stages[0][0].gamma.shape, model.stages[0][0].gamma[:3])
print("conv std ok", model.stages[0][0].dwconv.weight.std().item() < 0.05,
      model.stages[0][0].dwconv.weight.shape, model.stages[0][0].dwconv.bias.abs().sum().item())

decay, no_decay = [], []
for name, param in model.named_parameters():
    if not param.requires_grad:
        continue
    if param.ndim <= 1 or name.endswith(".bias") or name.endswith("gamma"):
        no_decay.append(param)
    else:
        decay.append(param)
param_groups = [{"params": decay, "weight_decay": 0.05}, {"params": no_decay, "weight_decay": 0.0}]
optimizer = torch.optim.AdamW(param_groups, lr=4e-3, betas=(0.9, 0.999))
print("groups", len(decay), len(no_decay), optimizer.defaults["weight_decay"],
      [g["weight_decay"] for g in optimizer.param_groups])

total_steps, warmup_steps = 10, 3


def lr_lambda(step):
    if step < warmup_steps:
        return float(step + 1) / warmup_steps
    progress = (step - warmup_steps) / max(1, total_steps - warmup_steps)
    return 0.5 * (1.0 + math.cos(math.pi * progress))


scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda)
torch.manual_seed(3)
images = torch.randn(8, 3, 16, 16)
targets = torch.randint(0, 4, (8,))
criterion = nn.CrossEntropyLoss(label_smoothing=0.1)
model.train()
for step in range(total_steps):
    logits = model(images)
    loss = criterion(logits, targets)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    scheduler.step()
    print(f"step {step} loss {loss.item():.4f} lr {scheduler.get_last_lr()[0]:.6f}")
print("gamma grad", model.stages[1][1].gamma.grad.shape, model.stages[1][1].gamma[:3].round(decimals=4))
model.eval()
with torch.no_grad():
    feats = model.forward_features(images)
    p = model(images).softmax(-1)
print("features", feats.shape, feats[0, :4].round(decimals=3))
print("probs", p[:2].round(decimals=3), p.sum(-1).round(decimals=4))

# ConvNeXt V2's GRN, a timm-style model EMA, mixup with soft-target cross entropy, SequentialLR
import copy

import numpy as np


class GRN(nn.Module):
    """ GRN (Global Response Normalization) layer """

    def __init__(self, dim):
        super().__init__()
        self.gamma = nn.Parameter(torch.zeros(1, 1, 1, dim))
        self.beta = nn.Parameter(torch.zeros(1, 1, 1, dim))

    def forward(self, x):
        Gx = torch.norm(x, p=2, dim=(1, 2), keepdim=True)
        Nx = Gx / (Gx.mean(dim=-1, keepdim=True) + 1e-6)
        return self.gamma * (x * Nx) + self.beta + x


torch.manual_seed(6)
grn = GRN(4)
with torch.no_grad():
    grn.gamma.fill_(0.5)
xg = torch.randn(2, 3, 3, 4, requires_grad=True)
yg = grn(xg)
yg.pow(2).sum().backward()
print("GRN", yg.shape, yg.grad_fn.name(), yg[0, 0, 0].round(decimals=4), xg.grad[0, 0, 0].round(decimals=4))
print("norm dims", torch.norm(xg, p=2, dim=(1, 2)).shape, torch.linalg.vector_norm(xg, dim=(1, 2)).grad_fn.name())


class ModelEmaV2(nn.Module):
    def __init__(self, model, decay=0.9999):
        super().__init__()
        self.module = copy.deepcopy(model)
        self.module.eval()
        self.decay = decay

    def _update(self, model, update_fn):
        with torch.no_grad():
            for ema_v, model_v in zip(self.module.state_dict().values(), model.state_dict().values()):
                ema_v.copy_(update_fn(ema_v, model_v))

    def update(self, model):
        self._update(model, update_fn=lambda e, m: self.decay * e + (1. - self.decay) * m)


def mixup_data(x, y, alpha=0.4, num_classes=4):
    lam = float(np.random.beta(alpha, alpha))
    index = torch.randperm(x.size(0))
    mixed_x = lam * x + (1 - lam) * x.flip(0)[index.argsort()].flip(0)
    y1 = F.one_hot(y, num_classes).float()
    return mixed_x, lam * y1 + (1 - lam) * y1.flip(0)[index.argsort()].flip(0), lam


class SoftTargetCrossEntropy(nn.Module):
    def forward(self, x, target):
        loss = torch.sum(-target * F.log_softmax(x, dim=-1), dim=-1)
        return loss.mean()


np.random.seed(0)
torch.manual_seed(7)
small = ConvNeXt(depths=[1, 1], dims=[8, 8], drop_path_rate=0.1)
ema = ModelEmaV2(small, decay=0.9)
print("ema copy", ema.module is not small, ema.module.training, small.training,
      torch.equal(ema.module.head.weight, small.head.weight))
opt2 = torch.optim.AdamW(small.parameters(), lr=1e-2)
warm = torch.optim.lr_scheduler.LinearLR(opt2, start_factor=0.1, total_iters=2)
cos = torch.optim.lr_scheduler.CosineAnnealingLR(opt2, T_max=4, eta_min=1e-4)
sched = torch.optim.lr_scheduler.SequentialLR(opt2, schedulers=[warm, cos], milestones=[2])
soft_ce = SoftTargetCrossEntropy()
for step in range(6):
    mx, my, lam = mixup_data(images, targets)
    loss = soft_ce(small(mx), my)
    opt2.zero_grad()
    loss.backward()
    opt2.step()
    sched.step()
    ema.update(small)
    print(f"mixup step {step} lam {lam:.4f} loss {loss.item():.4f} lr {sched.get_last_lr()[0]:.6f}")
diff = (ema.module.head.weight - small.head.weight).abs().max().item()
print("ema lags", diff > 0, ema.module.stages[0][0].gamma[:2].round(decimals=5))
sd = ema.module.state_dict()
print("ema keys", len(sd), list(sd)[:3])
