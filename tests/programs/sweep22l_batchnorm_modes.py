"""Course notebook: how BatchNorm behaves in train vs eval mode. BatchNorm1d/2d/3d running statistics
after a few steps (default momentum, momentum=None cumulative average, track_running_stats=False,
affine=False, a large eps), num_batches_tracked, printing the modules, the state_dict keys, and a
hand-written batch norm compared with the layer (biased variance for normalising, unbiased for the
running variance)."""
import torch
import torch.nn as nn

torch.manual_seed(0)


def show(name, bn):
    print(f"{name}: training={bn.training}")
    if bn.running_mean is not None:
        print("  running_mean", bn.running_mean.numpy().round(4).tolist())
        print("  running_var ", bn.running_var.numpy().round(4).tolist())
        print("  num_batches_tracked", bn.num_batches_tracked.item(), bn.num_batches_tracked.dtype)
    else:
        print("  no running stats:", bn.running_mean, bn.running_var, bn.num_batches_tracked)


print("=== BatchNorm1d variants ===")
layers = {
    "default": nn.BatchNorm1d(3),
    "momentum=None": nn.BatchNorm1d(3, momentum=None),
    "momentum=0.5": nn.BatchNorm1d(3, momentum=0.5),
    "no_track": nn.BatchNorm1d(3, track_running_stats=False),
    "affine=False": nn.BatchNorm1d(3, affine=False),
    "eps=1": nn.BatchNorm1d(3, eps=1.0),
}
for name, bn in layers.items():
    print(name, "->", bn)
    print("  params", [n for n, _ in bn.named_parameters()], "buffers", [n for n, _ in bn.named_buffers()])

batches = [torch.randn(8, 3) * (i + 1) + i for i in range(4)]
for name, bn in layers.items():
    bn.train()
    for xb in batches:
        out = bn(xb)
    print(name, "train out mean", out.mean(0).detach().numpy().round(4).tolist(),
          "std", out.std(0, unbiased=False).detach().numpy().round(3).tolist())
    show(name, bn)
    bn.eval()
    ev = bn(batches[0])
    print("  eval out[0]", ev[0].detach().numpy().round(4).tolist())

print("=== cumulative average equals plain mean of batch stats ===")
bn = layers["momentum=None"]
means = torch.stack([b.mean(0) for b in batches]).mean(0)
vars_ = torch.stack([b.var(0, unbiased=True) for b in batches]).mean(0)
print("max |running_mean - mean|", f"{(bn.running_mean - means).abs().max().item():.6f}")
print("max |running_var - var|", f"{(bn.running_var - vars_).abs().max().item():.6f}")

print("=== by hand ===")
x = torch.randn(6, 4)
bn = nn.BatchNorm1d(4)
with torch.no_grad():
    bn.weight.fill_(2.0)
    bn.bias.fill_(-1.0)
y = bn(x)
mu = x.mean(0)
var = x.var(0, unbiased=False)
y_hand = (x - mu) / torch.sqrt(var + bn.eps) * 2.0 - 1.0
print("allclose", torch.allclose(y, y_hand, atol=1e-6))
print("running_var by hand", (0.9 * 1 + 0.1 * x.var(0)).numpy().round(4).tolist())
print("running_var layer  ", bn.running_var.numpy().round(4).tolist())

print("=== BatchNorm2d / 3d ===")
bn2 = nn.BatchNorm2d(2, momentum=0.2)
bn3 = nn.BatchNorm3d(2, affine=False, momentum=None)
for step in range(3):
    img = torch.randn(4, 2, 5, 5) * 2 + 1
    vol = torch.randn(2, 2, 3, 4, 4) - 0.5
    o2 = bn2(img)
    o3 = bn3(vol)
    print(f"step {step} bn2 rm={bn2.running_mean.numpy().round(4).tolist()} rv={bn2.running_var.numpy().round(4).tolist()} "
          f"n={bn2.num_batches_tracked.item()}")
    print(f"        bn3 rm={bn3.running_mean.numpy().round(4).tolist()} rv={bn3.running_var.numpy().round(4).tolist()} "
          f"n={bn3.num_batches_tracked.item()}")
print(bn2, bn3, sep="\n")
print(list(bn2.state_dict().keys()))
print(o2.shape, o3.shape, o3.requires_grad, o2.grad_fn.name())
loss = o2.pow(2).mean()
loss.backward()
print("bn2 weight grad", bn2.weight.grad.numpy().round(4).tolist(), "bias grad", bn2.bias.grad.numpy().round(4).tolist())

bn2.eval()
with torch.no_grad():
    e = bn2(img)
print("eval mean per channel", e.mean((0, 2, 3)).numpy().round(4).tolist())
bn2.reset_running_stats()
print("after reset", bn2.running_mean.tolist(), bn2.running_var.tolist(), bn2.num_batches_tracked)

print("=== errors ===")
try:
    nn.BatchNorm1d(3)(torch.randn(1, 3))
except ValueError as e:
    print("ValueError:", e)
try:
    nn.BatchNorm2d(3)(torch.randn(2, 3, 4))
except ValueError as e:
    print("ValueError:", e)
try:
    nn.BatchNorm1d(3)(torch.randn(4, 5))
except RuntimeError as e:
    print("RuntimeError:", str(e).split("\n")[0])
