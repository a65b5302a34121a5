"""Integer-only inference: an int8 GEMM with int32 accumulation and fixed-point requantization.

The gemmlowp / TFLite recipe: quantize inputs and weights to int8, multiply in int32, fold the float
rescale (s_x * s_w / s_y) into an int32 multiplier and a right shift, round, clamp and saturate.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)


def quantize_sym(x, bits=8):
    qmax = 2 ** (bits - 1) - 1
    scale = x.abs().max() / qmax
    q = torch.clamp(torch.round(x / scale), -qmax, qmax).to(torch.int8)
    return q, scale


def quantize_asym(x, bits=8):
    qmin, qmax = 0, 2 ** bits - 1
    lo, hi = min(x.min().item(), 0.0), max(x.max().item(), 0.0)
    scale = (hi - lo) / (qmax - qmin)
    zp = int(round(qmin - lo / scale))
    q = torch.clamp(torch.round(x / scale) + zp, qmin, qmax).to(torch.uint8)
    return q, scale, zp


# torch.round is round-half-to-even, unlike C's round()
halves = torch.tensor([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5])
print("round   ", torch.round(halves))
print("floor+.5", torch.floor(halves + 0.5))
print("trunc   ", torch.trunc(halves))
print("decimals", torch.round(torch.tensor([1.2345, 2.5678, -0.0051]), decimals=2))

# casting to int8 wraps around, clamping first saturates
big = torch.tensor([100.0, 127.0, 128.0, 200.0, -129.0, -300.0])
print("clamp then cast", torch.clamp(big, -128, 127).to(torch.int8))
print("wrap (int16 -> int8)", big.to(torch.int16).to(torch.int8))
print(torch.iinfo(torch.int8), torch.iinfo(torch.uint8).max)

# 1. a float linear layer and its int8 twin
lin = nn.Linear(16, 8)
x = torch.randn(4, 16)
with torch.no_grad():
    y_ref = lin(x)

qx, sx = quantize_sym(x)
qw, sw = quantize_sym(lin.weight.detach())
qb = torch.round(lin.bias.detach() / (sx * sw)).to(torch.int32)
print("qx", qx.dtype, qx[0, :6].tolist())
print("qw range", qw.min().item(), qw.max().item())

acc = qx.to(torch.int32) @ qw.to(torch.int32).t() + qb
print("accumulator", acc.dtype, acc.shape, acc.abs().max().item() < 2 ** 31)
y_int = acc.float() * (sx * sw)
print("int8 vs float max abs diff", f"{(y_int - y_ref).abs().max().item():.4f}")

# 2. requantize the output to int8 with a fixed-point multiplier
qy_ref, sy = quantize_sym(y_ref)
real_mult = (sx * sw / sy).item()
mant, expo = torch.frexp(torch.tensor(real_mult, dtype=torch.float64))
q_mult = int(torch.round(mant * 2 ** 31).item())
shift = -int(expo.item())
print(f"real multiplier {real_mult:.6f} = {q_mult} * 2^-31 * 2^-{shift}")


def rounding_rshift(v, n):
    # round-half-away-from-zero right shift on int64
    mask = (1 << n) - 1
    rem = v & mask
    thresh = (mask >> 1) + (v < 0).to(torch.int64)
    return (v >> n) + (rem > thresh).to(torch.int64)


prod = acc.to(torch.int64) * q_mult
high = rounding_rshift(prod, 31)
qy = torch.clamp(rounding_rshift(high, shift), -127, 127).to(torch.int8)
print("fixed-point qy[0]", qy[0].tolist())
print("float-path  qy[0]", qy_ref[0].tolist())
print("mismatches", (qy.int() - qy_ref.int()).abs().gt(0).sum().item(),
      "max off-by", (qy.int() - qy_ref.int()).abs().max().item())

# 3. asymmetric uint8 activations: zero-point correction terms
xa = torch.relu(torch.randn(4, 16)) + 0.1
qa, sa, za = quantize_asym(xa)
print("uint8 zp", za, "scale", f"{sa:.5f}")
a32 = qa.to(torch.int32)
w32 = qw.to(torch.int32)
full = (a32 - za) @ w32.t()
expanded = a32 @ w32.t() - za * w32.sum(dim=1)
print("zero-point folding exact:", torch.equal(full, expanded))
y_a = full.float() * (sa * sw) + lin.bias.detach()
with torch.no_grad():
    print("asym err", f"{(y_a - lin(xa)).abs().max().item():.4f}")

# 4. int8 conv as an integer GEMM over unfolded patches
conv = nn.Conv2d(2, 3, 3, padding=1, bias=False)
img = torch.randn(1, 2, 6, 6)
qi, si = quantize_sym(img)
qk, sk = quantize_sym(conv.weight.detach())
cols = F.unfold(qi.float(), 3, padding=1).to(torch.int32)        # (1, 18, 36)
out32 = qk.reshape(3, -1).to(torch.int32) @ cols[0]
out = (out32.float() * (si * sk)).reshape(1, 3, 6, 6)
with torch.no_grad():
    ref = conv(img)
print("conv int8 err", f"{(out - ref).abs().max().item():.4f}", "int32 max", out32.abs().max().item())

# bit packing of two int4 values per byte
nib = torch.randint(-8, 8, (8,), dtype=torch.int8)
u = (nib & 0xF).to(torch.uint8)
packed = u[0::2] | (u[1::2] << 4)
lo = (packed & 0xF).to(torch.int8)
hi = (packed >> 4).to(torch.int8)
lo = torch.where(lo > 7, lo - 16, lo)
hi = torch.where(hi > 7, hi - 16, hi)
print("int4 values", nib.tolist())
print("packed bytes", packed.tolist())
print("unpacked ok:", torch.equal(torch.stack([lo, hi], 1).flatten(), nib))

for bad in [lambda: qx @ qw.t(), lambda: torch.mm(qx.float(), qw.t())]:
    try:
        r = bad()
        print("ok", r.dtype)
    except RuntimeError as e:
        print("RuntimeError:", e)
