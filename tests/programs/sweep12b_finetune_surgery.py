"""Transfer-learning style fine-tuning without torchvision: freeze a backbone with requires_grad_(False),
replace the head, param groups with different learning rates, filter(lambda p: p.requires_grad, ...),
state_dict surgery (renamed keys, load_state_dict(strict=False) results, size-mismatch errors), a
save/load round trip through io.BytesIO with weights_only=True, and conv+BN fusion for inference."""
import io
from collections import OrderedDict

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.fusion import fuse_conv_bn_eval, fuse_linear_bn_eval

torch.manual_seed(0)


def r(t, n=4):
    return t.detach().round(decimals=n)


class Backbone(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 6, 3, padding=1), nn.BatchNorm2d(6), nn.ReLU(),
            nn.Conv2d(6, 8, 3, stride=2, padding=1), nn.BatchNorm2d(8), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.classifier = nn.Linear(8, 10)

    def forward(self, x):
        return self.classifier(self.features(x))


pretrained = Backbone()
# "pretrain" a little so the BN statistics are not trivial
pretrained.train()
for _ in range(3):
    pretrained(torch.randn(8, 3, 6, 6))
sd = pretrained.state_dict()
print(list(sd.keys()))
print(type(sd).__name__, sd["features.1.num_batches_tracked"], sd["features.1.running_mean"].shape)

model = Backbone()
model.load_state_dict(sd)
model.features.requires_grad_(False)
model.classifier = nn.Linear(8, 3)
print(model.classifier, model.features[0].weight.requires_grad, model.classifier.weight.requires_grad)
trainable = [n for n, p in model.named_parameters() if p.requires_grad]
print(trainable, sum(p.numel() for p in filter(lambda p: p.requires_grad, model.parameters())))
frozen = sum(p.numel() for p in model.parameters() if not p.requires_grad)
print("frozen", frozen)

opt = torch.optim.SGD([
    {"params": model.features.parameters(), "lr": 1e-4},
    {"params": model.classifier.parameters()},
], lr=0.1, momentum=0.9)
print([g["lr"] for g in opt.param_groups], [len(g["params"]) for g in opt.param_groups])
print(sorted(k for k in opt.param_groups[0].keys()))
opt2 = torch.optim.Adam(filter(lambda p: p.requires_grad, model.parameters()), lr=1e-2)
print(len(opt2.param_groups[0]["params"]))

x = torch.randn(6, 3, 6, 6)
y = torch.tensor([0, 1, 2, 0, 1, 2])
w_before = model.features[0].weight.clone()
model.train()
model.features.eval()   # keep the frozen BN statistics
for step in range(3):
    opt.zero_grad()
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    opt.step()
    print(step, round(loss.item(), 4), model.features[0].weight.grad)
print(torch.equal(w_before, model.features[0].weight), model.features[1].num_batches_tracked)
print(torch.equal(model.features[1].running_mean, sd["features.1.running_mean"]))

# state_dict surgery: a checkpoint saved from a DataParallel-wrapped model
wrapped = OrderedDict(("module." + k, v) for k, v in sd.items())
print(list(wrapped)[:3])
clean = {k.replace("module.", "", 1): v for k, v in wrapped.items()}
fresh = Backbone()
res = fresh.load_state_dict(clean)
print(res, type(res).__name__)
try:
    fresh.load_state_dict(wrapped)
except RuntimeError as e:
    print(type(e).__name__, str(e)[:300])
no_head = {k: v for k, v in clean.items() if not k.startswith("classifier.")}
no_head["extra.weight"] = torch.zeros(2)
res = fresh.load_state_dict(no_head, strict=False)
print(res.missing_keys, res.unexpected_keys)
small = Backbone()
small.classifier = nn.Linear(8, 3)
try:
    small.load_state_dict(clean)
except RuntimeError as e:
    print(type(e).__name__, e)
try:
    small.load_state_dict(clean, strict=False)
except RuntimeError as e:
    print(type(e).__name__, e)
res = small.load_state_dict({k: v for k, v in clean.items() if not k.startswith("classifier")}, strict=False)
print(res.missing_keys)

# save / load round trip
buf = io.BytesIO()
torch.save({"model": model.state_dict(), "epoch": 3, "opt": opt.state_dict()}, buf)
buf.seek(0)
ckpt = torch.load(buf, weights_only=True)
print(sorted(ckpt), ckpt["epoch"], list(ckpt["opt"]["state"].keys())[:4])
print([(g["lr"], g["momentum"], g["params"]) for g in ckpt["opt"]["param_groups"]])
restored = Backbone()
restored.classifier = nn.Linear(8, 3)
print(restored.load_state_dict(ckpt["model"]))
restored.eval()
model.eval()
with torch.no_grad():
    print(torch.equal(restored(x), model(x)))

# conv + BN fusion for inference
conv, bn = model.features[0], model.features[1]
fused = fuse_conv_bn_eval(conv, bn)
print(fused)
print(fused.bias is not None, fused.weight.requires_grad, fused.weight.shape)
with torch.no_grad():
    ref = bn(conv(x))
    out = fused(x)
print(torch.allclose(ref, out, atol=1e-5), r(out[0, 0, 0], 3))
lin, bn1d = nn.Linear(4, 5), nn.BatchNorm1d(5)
bn1d.train()
bn1d(lin(torch.randn(16, 4)))
bn1d.eval()
lin.eval()
fl = fuse_linear_bn_eval(lin, bn1d)
z = torch.randn(3, 4)
with torch.no_grad():
    print(fl, torch.allclose(fl(z), bn1d(lin(z)), atol=1e-5))
try:
    fuse_conv_bn_eval(conv.train(), bn)
except AssertionError as e:
    print(type(e).__name__, e)
