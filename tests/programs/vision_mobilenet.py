"""MobileNetV3-style network (course notebook style): depthwise-separable convs, squeeze-and-excitation,
nn.Hardswish / nn.Hardsigmoid, weight init via model.apply with kaiming_normal_(mode='fan_out'),
a Keras-like model summary from forward hooks, BatchNorm train/eval switching, confusion matrix and
top-k accuracy."""
import copy
from collections import OrderedDict

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(42)


def _make_divisible(v, divisor=8, min_value=None):
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


class SqueezeExcitation(nn.Module):
    def __init__(self, channels, squeeze_factor=4):
        super().__init__()
        squeeze = _make_divisible(channels // squeeze_factor, 8)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Conv2d(channels, squeeze, 1)
        self.relu = nn.ReLU(inplace=True)
        self.fc2 = nn.Conv2d(squeeze, channels, 1)
        self.scale_act = nn.Hardsigmoid(inplace=True)

    def forward(self, x):
        s = self.avgpool(x)
        s = self.fc2(self.relu(self.fc1(s)))
        return x * self.scale_act(s)


class ConvBNAct(nn.Sequential):
    def __init__(self, in_ch, out_ch, kernel_size=3, stride=1, groups=1, act=nn.Hardswish):
        padding = (kernel_size - 1) // 2
        layers = [nn.Conv2d(in_ch, out_ch, kernel_size, stride, padding, groups=groups, bias=False),
                  nn.BatchNorm2d(out_ch, eps=0.001, momentum=0.01)]
        if act is not None:
            layers.append(act(inplace=True))
        super().__init__(*layers)
        self.out_channels = out_ch


class InvertedResidual(nn.Module):
    def __init__(self, in_ch, exp_ch, out_ch, kernel, stride, use_se, act):
        super().__init__()
        self.use_res_connect = stride == 1 and in_ch == out_ch
        layers = []
        if exp_ch != in_ch:
            layers.append(ConvBNAct(in_ch, exp_ch, 1, act=act))
        # depthwise
        layers.append(ConvBNAct(exp_ch, exp_ch, kernel, stride, groups=exp_ch, act=act))
        if use_se:
            layers.append(SqueezeExcitation(exp_ch))
        # pointwise-linear
        layers.append(ConvBNAct(exp_ch, out_ch, 1, act=None))
        self.block = nn.Sequential(*layers)

    def forward(self, x):
        out = self.block(x)
        if self.use_res_connect:
            out += x
        return out


class TinyMobileNet(nn.Module):
    # in, exp, out, k, s, se, act
    cfg = [(16, 16, 16, 3, 2, True, nn.ReLU),
           (16, 32, 24, 3, 2, False, nn.ReLU),
           (24, 48, 24, 3, 1, False, nn.ReLU),
           (24, 64, 32, 5, 1, True, nn.Hardswish)]

    def __init__(self, num_classes=5, dropout=0.2):
        super().__init__()
        layers = [ConvBNAct(3, 16, 3, stride=2)]
        for c in self.cfg:
            layers.append(InvertedResidual(*c))
        layers.append(ConvBNAct(32, 96, 1))
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(
            nn.Linear(96, 64), nn.Hardswish(inplace=True), nn.Dropout(p=dropout, inplace=True),
            nn.Linear(64, num_classes))

    def forward(self, x):
        x = self.features(x)
        x = self.avgpool(x)
        x = torch.flatten(x, 1)
        return self.classifier(x)


def init_weights(m):
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


model = TinyMobileNet()
ret = model.apply(init_weights)
print(ret is model)
print(model.features[1])
print(f"first conv weight std: {model.features[0][0].weight.std().item():.3f}")
w = model.features[1].block[0][0].weight
print("depthwise weight:", w.shape, model.features[1].block[0][0].groups, w[0, 0])

# ---- model summary, the hand-written way ------------------------------------------------------------
def summary(model, input_size):
    rows = OrderedDict()
    hooks = []

    def register(module):
        def hook(mod, inp, out):
            class_name = str(mod.__class__).split(".")[-1].split("'")[0]
            key = f"{class_name}-{len(rows) + 1}"
            rows[key] = OrderedDict()
            rows[key]["input_shape"] = list(inp[0].size())
            rows[key]["output_shape"] = list(out.size())
            params = 0
            if hasattr(mod, "weight") and hasattr(mod.weight, "size"):
                params += torch.prod(torch.LongTensor(list(mod.weight.size())))
                rows[key]["trainable"] = mod.weight.requires_grad
            if hasattr(mod, "bias") and hasattr(mod.bias, "size"):
                params += torch.prod(torch.LongTensor(list(mod.bias.size())))
            rows[key]["nb_params"] = params

        if not isinstance(module, (nn.Sequential, nn.ModuleList)) and module is not model:
            hooks.append(module.register_forward_hook(hook))

    model.apply(register)
    was_training = model.training
    model.eval()
    with torch.no_grad():
        model(torch.rand(2, *input_size))
    model.train(was_training)
    for h in hooks:
        h.remove()
    print("-" * 64)
    print("{:>22}  {:>25} {:>12}".format("Layer (type)", "Output Shape", "Param #"))
    print("=" * 64)
    total = 0
    for layer, r in rows.items():
        print("{:>22}  {:>25} {:>12}".format(layer, str(r["output_shape"]), "{0:,}".format(int(r["nb_params"]))))
        total += r["nb_params"]
    print("=" * 64)
    print(f"Total params: {total:,}", type(total).__name__ if not torch.is_tensor(total) else total.dtype)
    return rows


rows = summary(model, (3, 16, 16))
print(len(rows), list(rows)[:3])
print(sum(p.numel() for p in model.parameters()), sum(b.numel() for b in model.buffers()))
for name, p in list(model.named_parameters())[:4]:
    print(f"{name:35s} {str(tuple(p.shape)):18s} {p.numel()}")
print({n for n, _ in model.named_modules() if n.count(".") == 1})

# ---- BatchNorm train/eval --------------------------------------------------------------------------
bn = model.features[0][1]
print(bn, bn.running_mean[:3], bn.num_batches_tracked)
x = torch.randn(4, 3, 16, 16)
model.train()
_ = model(x)
print("after 1 train step:", bn.num_batches_tracked.item(), [f"{v:.4f}" for v in bn.running_var[:3].tolist()])
model.eval()
with torch.no_grad():
    a = model(x)
    b = model(x)
print("eval deterministic:", torch.equal(a, b), model.training, model.features[0][1].training)
model.train()
for m in model.modules():
    if isinstance(m, nn.BatchNorm2d):
        m.eval()  # freeze BN statistics while fine-tuning
print([m.training for m in model.features[0]])
nb = model.features[0][1].num_batches_tracked.clone()
_ = model(x)
print("frozen bn tracked:", torch.equal(nb, model.features[0][1].num_batches_tracked))

# ---- train on synthetic colour-pattern classes ------------------------------------------------------
def make_data(n, num_classes=5):
    y = torch.randint(0, num_classes, (n,))
    base = torch.rand(n, 3, 16, 16) * 0.3
    for c in range(num_classes):
        idx = (y == c).nonzero(as_tuple=True)[0]
        base[idx, c % 3, c * 3:c * 3 + 4, :] += 0.8
    return base, y


torch.manual_seed(3)
model = TinyMobileNet().apply(init_weights)
xs, ys = make_data(64)
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=True, weight_decay=4e-5)
sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.2, total_steps=16)
for step in range(16):
    model.train()
    idx = torch.randint(0, len(xs), (16,))
    out = model(xs[idx])
    loss = F.cross_entropy(out, ys[idx], label_smoothing=0.1)
    opt.zero_grad()
    loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), max_norm=5.0)
    opt.step()
    sched.step()
    if step % 4 == 3:
        print(f"step {step + 1}: loss {loss.item():.2f} lr {sched.get_last_lr()[0]:.5f}")

# ---- evaluation: confusion matrix and top-k ---------------------------------------------------------
@torch.no_grad()
def evaluate(model, xs, ys, num_classes=5):
    model.eval()
    logits = model(xs)
    preds = logits.argmax(dim=1)
    cm = torch.bincount(ys * num_classes + preds, minlength=num_classes ** 2).reshape(num_classes, num_classes)
    cm2 = torch.zeros(num_classes, num_classes, dtype=torch.long)
    cm2.view(-1).scatter_add_(0, ys * num_classes + preds, torch.ones_like(ys))
    cm3 = torch.zeros(num_classes, num_classes)
    for t, p in zip(ys.view(-1), preds.view(-1)):
        cm3[t.long(), p.long()] += 1
    return logits, cm, cm2, cm3


def accuracy(output, target, topk=(1,)):
    """Computes the accuracy over the k top predictions (from the ImageNet example)."""
    with torch.no_grad():
        maxk = max(topk)
        batch_size = target.size(0)
        _, pred = output.topk(maxk, 1, True, True)
        pred = pred.t()
        correct = pred.eq(target.view(1, -1).expand_as(pred))
        res = []
        for k in topk:
            correct_k = correct[:k].reshape(-1).float().sum(0, keepdim=True)
            res.append(correct_k.mul_(100.0 / batch_size))
        return res


logits, cm, cm2, cm3 = evaluate(model, xs, ys)
print(torch.equal(cm, cm2), torch.equal(cm.float(), cm3), cm.dtype, cm3.dtype, cm.sum())
top1, top3 = accuracy(logits, ys, topk=(1, 3))
print(top1.shape, top1.dtype, top3 >= top1)
per_class = cm.diag().float() / cm.sum(1).clamp(min=1)
print(per_class.shape, (per_class <= 1).all())
precision = cm.diag() / cm.sum(0)
print(precision.dtype)
print(torch.bincount(torch.tensor([0, 1, 1, 3]), weights=torch.tensor([0.5, 1.0, 2.0, 0.25])))
print(torch.bincount(torch.tensor([], dtype=torch.long)), torch.bincount(torch.tensor([2, 2]), minlength=1))
try:
    torch.bincount(torch.tensor([-1, 2]))
except RuntimeError as e:
    print("bincount:", e)
try:
    torch.bincount(torch.tensor([[1, 2]]))
except RuntimeError as e:
    print("bincount:", e)

# ---- the activations themselves --------------------------------------------------------------------
t = torch.linspace(-4, 4, 9, requires_grad=True)
hs = F.hardswish(t)
hs.sum().backward()
print(hs, t.grad)
print(F.hardsigmoid(t), nn.Hardswish(), nn.Hardsigmoid(inplace=True))
print(F.relu6(t * 2), nn.ReLU6(inplace=True), F.silu(t[:3]), nn.Mish()(t[:3]))
z = torch.randn(2, 3)
print(torch.allclose(F.hardswish(z), z * F.relu6(z + 3) / 6))

# ---- deployment tricks: fold BatchNorm into the convs, channels_last inference ----------------------------------
from torch.nn.utils.fusion import fuse_conv_bn_eval


def fuse_model(module):
    """Replace every (Conv2d, BatchNorm2d) pair inside a ConvBNAct by the fused conv and an Identity."""
    for child in module.children():
        if isinstance(child, ConvBNAct):
            child[0] = fuse_conv_bn_eval(child[0], child[1])
            child[1] = nn.Identity()
        else:
            fuse_model(child)
    return module


model.eval()
probe = xs[:4]
with torch.no_grad():
    ref = model(probe)
fused = fuse_model(copy.deepcopy(model))
print(fused.features[0])
print(sum(isinstance(m, nn.BatchNorm2d) for m in fused.modules()), "BatchNorm layers left,",
      sum(isinstance(m, nn.BatchNorm2d) for m in model.modules()), "before")
with torch.no_grad():
    out_fused = fused(probe)
print("fused model agrees:", torch.allclose(ref, out_fused, atol=1e-4), out_fused.shape)
print(fused.features[0][0].bias is not None, fused.features[0][0].weight.requires_grad)

cl_model = copy.deepcopy(model).to(memory_format=torch.channels_last)
w0 = cl_model.features[0][0].weight
print(w0.stride(), w0.is_contiguous(), w0.is_contiguous(memory_format=torch.channels_last))
x_cl = probe.contiguous(memory_format=torch.channels_last)
with torch.no_grad():
    feat = cl_model.features[0](x_cl)
    out_cl = cl_model(x_cl)
print(feat.is_contiguous(memory_format=torch.channels_last), feat.stride())
print("channels_last agrees:", torch.allclose(ref, out_cl, atol=1e-5))
try:
    feat.view(feat.size(0), -1)
except RuntimeError as e:
    print("view on channels_last:", str(e)[:40])
print(feat.reshape(feat.size(0), -1).shape, torch.flatten(feat, 1).is_contiguous())
pred_idx = out_cl.argmax()
print(torch.unravel_index(pred_idx, out_cl.shape), divmod(pred_idx.item(), out_cl.shape[1]))
