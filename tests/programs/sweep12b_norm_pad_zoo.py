"""Normalisation layers and padding modes as vision tutorials use them: GroupNorm, InstanceNorm2d with
affine and running stats, LocalResponseNorm, LayerNorm over (C, H, W), F.pad in every mode on 3-D/4-D/5-D
inputs, the padding modules and their errors, Upsample and PixelShuffle."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)


def r(t, n=4):
    return t.detach().round(decimals=n)


def z(t, n=4):
    # means that are zero up to rounding: their sign depends on summation order, so print it as +0
    return r(t, n) + 0.0


def err(fn):
    try:
        out = fn()
        print("ok", tuple(out.shape))
    except Exception as e:  # noqa: BLE001
        print(type(e).__name__, e)


x = torch.randn(2, 4, 3, 3)
gn = nn.GroupNorm(2, 4)
print(gn, [p.shape for p in gn.parameters()])
y = gn(x)
print(z(y[0, :2].mean()), r(y[0, :2].var(unbiased=False), 3), type(y.grad_fn).__name__)
err(lambda: nn.GroupNorm(3, 4))
print(nn.GroupNorm(1, 4, affine=False), list(nn.GroupNorm(1, 4, affine=False).parameters()))

inn = nn.InstanceNorm2d(4, affine=True, track_running_stats=True)
print(inn)
print(inn.running_mean, inn.running_var, inn.num_batches_tracked)
yi = inn(x + 1.0)
print(z(yi.mean(dim=(2, 3))), r(inn.running_mean), r(inn.running_var))
inn.eval()
ye = inn(x)
print(r(ye[0, 0]), inn.num_batches_tracked)
plain = nn.InstanceNorm2d(4)
print(plain, plain.running_mean, list(plain.state_dict()))
print(r(plain(x)[1, 3]))
print(r(F.instance_norm(x, eps=1e-3)[0, 1, 0]))
err(lambda: nn.InstanceNorm1d(3)(torch.randn(2, 3, 1)))

lrn = nn.LocalResponseNorm(size=3, alpha=1e-2, beta=0.75, k=2.0)
print(lrn)
print(r(lrn(x)[0, :, 0, 0]), r(lrn(torch.randn(2, 5, 4))[1, :, 0]))

ln = nn.LayerNorm([4, 3, 3])
print(ln, ln.weight.shape, ln.normalized_shape)
yl = ln(x)
print(z(yl[1].mean(), 3), r(yl[1].std(unbiased=False), 3), type(yl.grad_fn).__name__)
ln2 = nn.LayerNorm(3, elementwise_affine=False, bias=False)
print(ln2, r(ln2(x)[0, 0]))
err(lambda: ln(torch.randn(2, 4, 3, 4)))
print(r(F.layer_norm(x, x.shape[-2:])[0, 0]))

# F.pad in all modes
t3 = torch.arange(6.).reshape(1, 2, 3)
t4 = torch.arange(9.).reshape(1, 1, 3, 3)
t5 = torch.arange(8.).reshape(1, 1, 2, 2, 2)
print(F.pad(t3, (2, 1)))
print(F.pad(t3, (2, 1), value=-1.5))
print(F.pad(t3, (2, 1), mode="reflect"))
print(F.pad(t3, (2, 1), mode="replicate"))
print(F.pad(t3, (2, 1), mode="circular"))
print(F.pad(t4, (1, 1, 2, 0), mode="reflect"))
print(F.pad(t4, (0, 2, 1, 1), mode="replicate"))
print(F.pad(t4, (1, 0, 0, 1), mode="circular"))
print(F.pad(t4, (-1, 1, 0, -1)))
print(F.pad(t5, (1, 0, 0, 1, 1, 0), mode="replicate")[0, 0, 0])
print(F.pad(t5, (1, 1, 1, 1, 1, 1), mode="reflect").shape, F.pad(t5, (1, 0, 0, 1, 1, 0), mode="circular").sum())
print(F.pad(torch.arange(4.).reshape(2, 2), (1, 1, 1, 1), mode="constant", value=9))
err(lambda: F.pad(t4, (3, 0, 0, 0), mode="reflect"))
err(lambda: F.pad(t3, (4, 0), mode="circular"))
err(lambda: F.pad(t3, (1, 1, 1), mode="constant"))
err(lambda: F.pad(t3, (1, 1), mode="bogus"))
tg = t4.clone().requires_grad_()
for mode in ("constant", "reflect", "replicate", "circular"):
    o = F.pad(tg, (1, 1, 1, 1), mode=mode)
    g, = torch.autograd.grad(o.sum(), tg)
    print(mode, type(o.grad_fn).__name__, g[0, 0])

# padding modules
print(nn.ZeroPad2d(1), nn.ZeroPad2d((1, 0, 2, 0))(t4))
print(nn.ReflectionPad2d((1, 1, 0, 2)), nn.ReflectionPad2d(1)(t4))
print(nn.ReplicationPad2d(2)(t4)[0, 0, :2])
print(nn.ConstantPad1d((2, 0), 3.5), nn.ConstantPad1d(1, 0.5)(t3))
print(nn.CircularPad2d(1), nn.CircularPad2d((0, 1, 1, 0))(t4))
print(nn.ReflectionPad1d(2)(t3), nn.ReplicationPad3d(1)(t5).shape, nn.ZeroPad1d(1)(t3).shape)
err(lambda: nn.ReflectionPad2d(3)(t4))
err(lambda: nn.ReflectionPad1d(3)(t3))
err(lambda: nn.CircularPad1d(5)(t3))
err(lambda: nn.ReplicationPad2d(1)(torch.randn(3)))
print(nn.ZeroPad2d(1)(torch.ones(2, 2)), nn.ReflectionPad2d(1)(torch.arange(4.).reshape(1, 2, 2)))

# upsampling
up = nn.Upsample(scale_factor=2)
print(up, up(t4)[0, 0, :2])
upb = nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False)
print(upb, r(upb(t4)[0, 0, 1]))
print(r(nn.Upsample(size=(4, 5), mode="bilinear", align_corners=True)(t4)[0, 0, 0]))
print(nn.Upsample(scale_factor=(1, 3), mode="nearest")(t4).shape)
print(F.interpolate(t3, scale_factor=2, mode="nearest"), r(F.interpolate(t3, size=5, mode="linear"), 3))
ps = nn.PixelShuffle(2)
z = torch.arange(16.).reshape(1, 4, 2, 2)
print(ps, ps(z), nn.PixelUnshuffle(2)(ps(z)).equal(z))
err(lambda: ps(torch.randn(1, 3, 2, 2)))
