"""Post-training int8 quantization written by hand, as in the "quantization from scratch" notebooks:
asymmetric and symmetric per-tensor and per-channel scale / zero-point from aminmax, quantize with
round / clamp / to(int8), an int32-accumulated integer matmul checked against float (and torch._int_mm
on 7-bit codes), the same through torch.quantize_per_tensor / quantize_per_channel (int_repr, q_scale,
dequantize, printing), fake quantization (per tensor and per channel) with its straight-through
gradient, a custom STE autograd.Function, learnable-scale LSQ steps (per tensor and per channel), and
the quantization error of several bit widths."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(42)

W = torch.randn(6, 10) * torch.linspace(0.2, 2.0, 6)[:, None]
x = torch.randn(4, 10)


def qparams(t, qmin, qmax, symmetric, dim=None):
    if dim is None:
        lo, hi = torch.aminmax(t)
    else:
        lo, hi = torch.aminmax(t, dim=dim)
    lo, hi = torch.minimum(lo, torch.zeros_like(lo)), torch.maximum(hi, torch.zeros_like(hi))
    if symmetric:
        amax = torch.maximum(-lo, hi)
        scale = amax / ((qmax - qmin) / 2)
        zp = torch.zeros_like(scale, dtype=torch.int64)
    else:
        scale = (hi - lo) / (qmax - qmin)
        zp = (qmin - torch.round(lo / scale)).to(torch.int64).clamp(qmin, qmax)
    return scale, zp


def quantize(t, scale, zp, qmin, qmax, dtype):
    return torch.clamp(torch.round(t / scale) + zp, qmin, qmax).to(dtype)


s, z = qparams(W, -128, 127, symmetric=False)
print(f"asym per-tensor: scale={s.item():.6f} zp={z.item()}")
q = quantize(W, s, z, -128, 127, torch.int8)
print("q[0]:", q[0], q.dtype)
deq = (q.float() - z) * s
print(f"max abs err: {(deq - W).abs().max().item():.5f}  bound scale/2={s.item() / 2:.5f}")

s_c, z_c = qparams(W, -127, 127, symmetric=True, dim=1)
print("sym per-channel scales:", s_c)
print("zero points:", z_c, z_c.dtype)
q_c = quantize(W, s_c[:, None], z_c[:, None], -127, 127, torch.int8)
err_t = ((q.float() - z) * s - W).pow(2).mean()
err_c = (q_c.float() * s_c[:, None] - W).pow(2).mean()
print(f"mse per-tensor {err_t.item():.3e}  per-channel {err_c.item():.3e}")

# integer matmul: int8 x int8 accumulated in int32, one float rescale at the end
sx, zx = qparams(x, -128, 127, symmetric=True)
qx = quantize(x, sx, zx, -127, 127, torch.int8)
acc = qx.to(torch.int32) @ q_c.to(torch.int32).t()
print("acc dtype:", acc.dtype, "acc[0]:", acc[0])
y_int = acc.float() * sx * s_c
y_ref = x @ W.t()
print(f"int8 matmul rel err: {((y_int - y_ref).norm() / y_ref.norm()).item():.4f}")
print("int64 mm:", (qx.long()[:2, :3] @ q_c.long()[:3, :2]))
# torch._int_mm: int8 GEMM into int32; 7-bit operands, which CPUs without VNNI cannot saturate
qx7 = quantize(x, sx * 2, 0, -63, 63, torch.int8)
qw7 = quantize(W, s_c[:, None] * 2, 0, -63, 63, torch.int8)
acc7 = torch._int_mm(qx7, qw7.t().contiguous())
print("_int_mm:", acc7.dtype, acc7[0], torch.equal(acc7, qx7.int() @ qw7.int().t()))
y7 = acc7.float() * (sx * 2) * (s_c * 2)
print(f"7-bit matmul rel err: {((y7 - y_ref).norm() / y_ref.norm()).item():.4f}")

# the same with torch's quantized tensors
qt = torch.quantize_per_tensor(W, scale=float(s), zero_point=int(z), dtype=torch.qint8)
print("int_repr equal:", torch.equal(qt.int_repr(), q), qt.dtype, qt.qscheme())
print(f"q_scale {qt.q_scale():.6f} q_zero_point {qt.q_zero_point()}")
print(qt[0, :4])
qc = torch.quantize_per_channel(W, s_c, z_c, axis=0, dtype=torch.qint8)
print("per-channel int_repr row 5:", qc.int_repr()[5])
print("axis:", qc.q_per_channel_axis(), qc.qscheme())
print("dequantize equal:", torch.allclose(qc.dequantize(), q_c.float() * s_c[:, None]))
qu = torch.quantize_per_tensor(torch.tensor([-1.0, 0.0, 0.5, 3.0]), 0.02, 10, torch.quint8)
print(qu, qu.int_repr())

# fake quantization and its straight-through gradient
Wp = W.clone().requires_grad_()
fq = torch.fake_quantize_per_tensor_affine(Wp, float(s), int(z), -128, 127)
print("fake quant == dequant:", torch.allclose(fq, deq), fq.grad_fn.name())
(fq * torch.arange(60.0).view(6, 10)).sum().backward()
print("STE grad row 0:", Wp.grad[0])
Wp.grad = None
fqc = torch.fake_quantize_per_channel_affine(Wp, s_c, z_c.to(torch.int32), 0, -127, 127)
print("per-channel fake quant grad_fn:", fqc.grad_fn.name())
fqc.pow(2).sum().backward()
print("grad == 2*fq:", torch.allclose(Wp.grad, 2 * fqc.detach()))
clipped = torch.fake_quantize_per_tensor_affine(torch.tensor([-3.0, -0.5, 0.5, 3.0], requires_grad=True),
                                                0.01, 0, -128, 127)
clipped.sum().backward()
print("clipped:", clipped)


class RoundSTE(torch.autograd.Function):
    @staticmethod
    def forward(ctx, t, scale, bits):
        qmax = 2 ** (bits - 1) - 1
        ctx.save_for_backward(t, scale)
        ctx.qmax = qmax
        return torch.clamp(torch.round(t / scale), -qmax, qmax) * scale

    @staticmethod
    def backward(ctx, g):
        t, scale = ctx.saved_tensors
        inside = (t / scale).abs() <= ctx.qmax
        return g * inside, None, None


a = torch.linspace(-2, 2, 9, requires_grad=True)
out = RoundSTE.apply(a, torch.tensor(0.25), 3)
out.sum().backward()
print("RoundSTE out:", out)
print("RoundSTE grad:", a.grad, out.grad_fn.__class__.__name__)

# LSQ: learn the scale by gradient descent
step = nn.Parameter(torch.tensor([0.05]))          # the op reads scale[0]: a 1-element tensor
zero = nn.Parameter(torch.tensor([0.4]))
g_factor = 1.0 / (W.numel() * 7) ** 0.5           # LSQ's gradient scale
opt = torch.optim.SGD([step, zero], lr=0.5)
for it in range(40):
    opt.zero_grad()
    wq = torch._fake_quantize_learnable_per_tensor_affine(W, step, zero, -8, 7, g_factor)
    loss = F.mse_loss(wq, W)
    loss.backward()
    if it == 0:
        print("lsq grad_fn:", wq.grad_fn.name(), "grads:", step.grad, zero.grad)
    opt.step()
    if it % 10 == 0:
        print(f"lsq it {it:2d} loss {loss.item():.5f} step {step.item():.4f} zero {zero.item():.4f}")
try:
    torch._fake_quantize_learnable_per_tensor_affine(W, torch.tensor(0.05), torch.tensor(0.0), -8, 7)
except IndexError as e:
    print("IndexError:", e)

# per-channel LSQ on the rows of W, input gradient too
Wr = W.clone().requires_grad_()
ch_scale = nn.Parameter(s_c.clone() * 16)
ch_zero = nn.Parameter(torch.zeros(6))
wq = torch._fake_quantize_learnable_per_channel_affine(Wr, ch_scale, ch_zero, 0, -8, 7, 1.0)
(wq - W).pow(2).sum().backward()
print("per-channel lsq grad_fn:", wq.grad_fn.name())
print("d scale:", ch_scale.grad)
print("d zero :", ch_zero.grad)
print("d W row 0:", Wr.grad[0])

print("bits  mse")
for bits in (2, 3, 4, 6, 8):
    qmax = 2 ** (bits - 1) - 1
    sc = W.abs().amax(dim=1, keepdim=True) / qmax
    wq = torch.clamp(torch.round(W / sc), -qmax, qmax) * sc
    print(f"{bits:4d}  {(wq - W).pow(2).mean().item():.3e}")

try:
    torch.quantize_per_tensor(W, 0.1, 0, torch.float32)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.fake_quantize_per_tensor_affine(W, 0.1, 300, -128, 127)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.fake_quantize_per_channel_affine(W, s_c, z_c, 0, -127, 127)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.fake_quantize_per_tensor_affine(W.double(), 0.1, 0, 0, 255)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    qt + qt
except (RuntimeError, NotImplementedError) as e:
    print(type(e).__name__, str(e).splitlines()[0][:90])
