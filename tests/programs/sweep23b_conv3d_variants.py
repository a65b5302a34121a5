"""Conv3d / ConvTranspose3d shape arithmetic as course notebooks check it, then a channels_last_3d
model: strided, padded, dilated and grouped 3-D convolutions (their output sizes against the formula),
padding='same' with even kernels and dilation, a depthwise-separable 3-D block, transposed convolutions
with output_padding and output_size, weight/bias gradient shapes, and a small encoder-decoder run once
in contiguous and once in channels_last_3d memory format (outputs equal, layouts as torch gives them)."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(11)


def conv_out(n, k, s=1, p=0, d=1):
    return (n + 2 * p - d * (k - 1) - 1) // s + 1


x = torch.randn(2, 4, 7, 9, 8)
configs = [dict(kernel_size=3), dict(kernel_size=3, stride=2, padding=1), dict(kernel_size=(3, 1, 1), padding=(1, 0, 0)),
           dict(kernel_size=3, dilation=2, padding=2), dict(kernel_size=(1, 3, 3), stride=(1, 2, 2), groups=2),
           dict(kernel_size=2, stride=(2, 1, 3), dilation=(1, 3, 1), groups=4, bias=False)]
for cfg in configs:
    conv = nn.Conv3d(4, 8, **cfg)
    y = conv(x)
    k, s, p, d = conv.kernel_size, conv.stride, conv.padding, conv.dilation
    pred = tuple(conv_out(n, k[i], s[i], p[i], d[i]) for i, n in enumerate(x.shape[2:]))
    print(conv)
    print("   ", tuple(y.shape[2:]), "formula", pred, "weight", tuple(conv.weight.shape), f"{y.abs().mean().item():.4f}")

for k, d in [(3, 1), (4, 1), (2, 3), ((2, 3, 4), (1, 2, 1))]:
    conv = nn.Conv3d(4, 3, k, padding="same", dilation=d)
    y = conv(x)
    print("same", conv.kernel_size, conv.dilation, conv.padding, tuple(y.shape), f"{y.sum().item():.4f}")
conv = nn.Conv3d(4, 3, 3, padding="valid")
print(conv, tuple(conv(x).shape))


class SeparableConv3d(nn.Module):
    def __init__(self, cin, cout, k=3):
        super().__init__()
        self.depthwise = nn.Conv3d(cin, cin, k, padding=k // 2, groups=cin, bias=False)
        self.pointwise = nn.Conv3d(cin, cout, 1)

    def forward(self, x):
        return self.pointwise(self.depthwise(x))


sep = SeparableConv3d(4, 6)
full = nn.Conv3d(4, 6, 3, padding=1)
print("separable params", sum(p.numel() for p in sep.parameters()), "vs full", sum(p.numel() for p in full.parameters()))
ys = sep(x)
ys.pow(2).mean().backward()
print("separable out", tuple(ys.shape), f"{ys.std().item():.4f}", "dw grad", tuple(sep.depthwise.weight.grad.shape),
      f"{sep.depthwise.weight.grad.norm().item():.4f}", "pw bias grad", sep.pointwise.bias.grad.round(decimals=4))

z = torch.randn(1, 6, 3, 4, 5)
for cfg in [dict(kernel_size=2, stride=2), dict(kernel_size=3, stride=2, padding=1, output_padding=1),
            dict(kernel_size=(1, 4, 4), stride=(1, 2, 2), padding=(0, 1, 1)),
            dict(kernel_size=3, stride=2, groups=3, dilation=2, output_padding=(0, 1, 1))]:
    up = nn.ConvTranspose3d(6, 6, **cfg)
    y = up(z)
    print(up)
    print("   ", tuple(y.shape), f"{y.mean().item():.4f}")
up = nn.ConvTranspose3d(6, 2, 3, stride=2, padding=1)
for size in [(5, 7, 9), (6, 8, 10)]:
    print("output_size", size, tuple(up(z, output_size=size).shape))
try:
    up(z, output_size=(9, 9, 9))
except ValueError as e:
    print("ValueError:", e)


class TinyEncDec(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.Sequential(nn.Conv3d(2, 6, 3, padding=1), nn.BatchNorm3d(6), nn.ReLU(),
                                 nn.Conv3d(6, 8, 3, stride=2, padding=1), nn.GroupNorm(2, 8), nn.ReLU())
        self.dec = nn.Sequential(nn.ConvTranspose3d(8, 6, 2, stride=2), nn.ReLU(), nn.Conv3d(6, 2, 1))

    def forward(self, v):
        h = self.enc(v)
        out = self.dec(h)
        return out, h


torch.manual_seed(5)
net = TinyEncDec()
state = {k: v.clone() for k, v in net.state_dict().items()}
v = torch.randn(2, 2, 4, 6, 6)
out, h = net(v)
print("contiguous out", tuple(out.shape), out.is_contiguous(), f"{out.sum().item():.4f}")

net_cl = TinyEncDec()
net_cl.load_state_dict(state)
net_cl = net_cl.to(memory_format=torch.channels_last_3d)
v_cl = v.contiguous(memory_format=torch.channels_last_3d)
print("input strides", v_cl.stride(), "weight strides", net_cl.enc[0].weight.stride())
out_cl, h_cl = net_cl(v_cl)
print("channels_last_3d out", tuple(out_cl.shape), out_cl.stride(), out_cl.is_contiguous(memory_format=torch.channels_last_3d))
print("hidden", h_cl.stride(), "same values:", torch.allclose(out, out_cl, atol=1e-5), torch.allclose(h, h_cl, atol=1e-5))
buf = torch.empty(2, 8, 2, 3, 3, memory_format=torch.channels_last_3d)
print("empty channels_last_3d", buf.stride())
pooled = F.adaptive_avg_pool3d(h_cl, 1)
print("gap", tuple(pooled.shape), pooled.stride(), pooled.flatten(1).shape)
skip = torch.cat([h_cl, F.pad(h_cl, (0, 0, 0, 0, 0, 0))], dim=1)
print("cat", skip.stride(), "pad", F.pad(h_cl, (1, 1, 1, 1, 1, 1), mode="replicate").stride())
out_cl.sum().backward()
print("grad strides", net_cl.enc[0].weight.grad.stride(), f"{net_cl.enc[0].weight.grad.norm().item():.4f}")
