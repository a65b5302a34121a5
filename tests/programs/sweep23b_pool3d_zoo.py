"""A walk through the 3-D pooling and normalization layers, the way course notebooks poke at them:
MaxPool3d with return_indices feeding MaxUnpool3d (with and without output_size), dilated and
ceil_mode max pooling, AvgPool3d with count_include_pad / ceil_mode / divisor_override,
AdaptiveAvgPool3d and AdaptiveMaxPool3d with None entries and non-divisible sizes, LPPool3d,
and BatchNorm3d / InstanceNorm3d / GroupNorm / LayerNorm on 5-D input with gradients."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)

x = torch.arange(2 * 1 * 4 * 4 * 4, dtype=torch.float32).reshape(2, 1, 4, 4, 4)
x = x.flip(-1) * torch.tensor([1.0, -1.0]).view(2, 1, 1, 1, 1)

pool = nn.MaxPool3d(2, stride=2, return_indices=True)
unpool = nn.MaxUnpool3d(2, stride=2)
print(pool, unpool)
out, idx = pool(x)
print("pooled", out.shape, "indices", idx.dtype, idx[0, 0].flatten().tolist(), idx[1, 0].flatten().tolist())
rec = unpool(out, idx)
print("unpooled nonzeros", rec.ne(0).sum().item(), rec.shape)
print(rec[0, 0, 1])

y = torch.randn(1, 2, 5, 7, 6, requires_grad=True)
p, i = F.max_pool3d(y, kernel_size=2, stride=2, return_indices=True)
r = F.max_unpool3d(p, i, kernel_size=2, stride=2, output_size=y.shape[-3:])
print("with output_size", r.shape, "kept", (r != 0).sum().item())
r.sum().backward()
print("grad sum", y.grad.sum().item(), "grad nonzero", y.grad.count_nonzero().item())

for kw in [dict(kernel_size=3, stride=2, ceil_mode=True), dict(kernel_size=2, stride=1, dilation=2),
           dict(kernel_size=(1, 3, 3), stride=(1, 2, 2), padding=(0, 1, 1))]:
    m = nn.MaxPool3d(**kw)
    o = m(y)
    print(m, tuple(o.shape), f"{o.sum().item():.4f}")

z = torch.randn(2, 3, 5, 5, 5)
for kw in [dict(kernel_size=3, stride=2, padding=1), dict(kernel_size=3, stride=2, padding=1, count_include_pad=False),
           dict(kernel_size=2, stride=2, ceil_mode=True), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
           dict(kernel_size=2, divisor_override=3)]:
    m = nn.AvgPool3d(**kw)
    o = m(z)
    print(m, tuple(o.shape), f"{o.sum().item():.4f}", f"{o[0, 0, -1, -1, -1].item():.4f}")

for size in [1, (2, 3, 2), (None, 2, 4), 3]:
    a = nn.AdaptiveAvgPool3d(size)(z)
    m, mi = nn.AdaptiveMaxPool3d(size, return_indices=True)(z)
    print(f"adaptive {size}: avg {tuple(a.shape)} {a.sum().item():.4f} max {tuple(m.shape)} {m.sum().item():.4f} idx {mi.flatten()[:5].tolist()}")
print(nn.AdaptiveAvgPool3d((None, 2, 4)), nn.AdaptiveMaxPool3d(2))

lp = nn.LPPool3d(2, kernel_size=2, stride=2)
print(lp, tuple(lp(z.abs()).shape), f"{lp(z.abs()).sum().item():.4f}")

vol = torch.randn(2, 4, 3, 4, 5, requires_grad=True)
norms = [nn.BatchNorm3d(4), nn.InstanceNorm3d(4), nn.InstanceNorm3d(4, affine=True, track_running_stats=True),
         nn.GroupNorm(2, 4), nn.LayerNorm([3, 4, 5], elementwise_affine=False)]
for n in norms:
    n.train()
    o = n(vol)
    (o * torch.linspace(-1, 1, o.numel()).view_as(o)).sum().backward()
    print(n)
    print(f"   out std {o.std().item():.4f} centred {o.mean().abs().item() < 1e-5} grad abs {vol.grad.abs().sum().item():.4f}")
    vol.grad = None
inorm = norms[2]
print("instance running_mean", inorm.running_mean.round(decimals=4), "var", inorm.running_var.round(decimals=4))
inorm.eval()
print("eval out", f"{inorm(vol).sum().item():.4f}")
bn = norms[0]
bn.eval()
print("bn eval", f"{bn(vol).mean().item():.4f}", bn.running_var.round(decimals=4))
print(F.instance_norm(vol.detach()[:1], use_input_stats=True).std(dim=(2, 3, 4), unbiased=False).round(decimals=3))
