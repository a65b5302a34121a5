"""Quantization-aware training: fake quantization with a straight-through estimator.

A tutorial-style walk through fake_quantize_per_tensor_affine / per_channel_affine, a hand-written
STE as a custom autograd.Function, a learnable-scale (LSQ-style) quantizer, and a tiny QAT loop.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

# 1. fake quantization of a vector: values snap onto the int8 grid, in float
x = torch.linspace(-1.5, 1.5, 9)
fq = torch.fake_quantize_per_tensor_affine(x, 0.1, 0, -128, 127)
print("x       ", x)
print("fq(x)   ", fq)
fq8 = torch.fake_quantize_per_tensor_affine(x, 0.25, 2, 0, 15)
print("uint4   ", fq8)

# gradient of the built-in fake quant: 1 inside the range, 0 where clamped
xg = torch.linspace(-2.0, 2.0, 7, requires_grad=True)
y = torch.fake_quantize_per_tensor_affine(xg, 0.05, 0, -20, 20)
print(y.grad_fn.__class__.__name__)
y.sum().backward()
print("grad", xg.grad)

# tensor-valued scale / zero point
scale_t = torch.tensor([0.2])
zp_t = torch.tensor([1], dtype=torch.int32)
print(torch.fake_quantize_per_tensor_affine(x, scale_t, zp_t, -8, 7))

# an observer's qparams are tensors; a float zero point shifts the grid (float-qparams style)
print(torch.fake_quantize_per_tensor_affine(x.half(), 0.1, 0, -128, 127))
print(torch.fake_quantize_per_channel_affine(x.reshape(3, 3), torch.tensor([0.1, 0.2, 0.3]),
                                             torch.tensor([0.5, 0.0, -0.25]), 0, 0, 15))
print(torch.fake_quantize_per_tensor_affine(torch.tensor([float("nan"), float("inf"), -1e30]), 0.1, 0, -8, 7))

# 2. per-channel fake quant of a conv weight
w = torch.randn(4, 2, 3, 3)
ch_max = w.abs().amax(dim=(1, 2, 3))
scales = ch_max / 127
zps = torch.zeros(4, dtype=torch.int32)
wq = torch.fake_quantize_per_channel_affine(w, scales, zps, 0, -127, 127)
print("per-channel scales", scales)
err = (w - wq).abs().amax(dim=(1, 2, 3))
print("max err / half step", (err / (scales / 2)).le(1.0 + 1e-5).tolist())

for bad in [
    lambda: torch.fake_quantize_per_tensor_affine(x, 0.1, 0, 10, 5),
    lambda: torch.fake_quantize_per_tensor_affine(x, 0.1, 300, -128, 127),
    lambda: torch.fake_quantize_per_channel_affine(w, scales, zps, 5, -127, 127),
    lambda: torch.fake_quantize_per_channel_affine(w, scales[:3], zps, 0, -127, 127),
]:
    try:
        bad()
    except Exception as e:
        print(type(e).__name__, ":", str(e).split("\n")[0])


# 3. a hand-written straight-through estimator
class RoundSTE(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return torch.round(x)

    @staticmethod
    def backward(ctx, g):
        return g


class QuantSTE(torch.autograd.Function):
    """Symmetric quantizer; backward passes gradients only inside the clipping range."""

    @staticmethod
    def forward(ctx, x, scale, qmax):
        q = torch.clamp(torch.round(x / scale), -qmax, qmax)
        ctx.save_for_backward(x, scale)
        ctx.qmax = qmax
        return q * scale

    @staticmethod
    def backward(ctx, g):
        x, scale = ctx.saved_tensors
        inside = (x / scale).abs() <= ctx.qmax
        return g * inside, None, None


v = torch.tensor([0.5, 1.5, 2.5, -0.5, -1.5, 3.49], requires_grad=True)
r = RoundSTE.apply(v)
print("round half to even", r)
print(type(r.grad_fn).__name__)
(r * torch.arange(6.0)).sum().backward()
print("ste grad", v.grad)

z = torch.randn(8, requires_grad=True)
out = QuantSTE.apply(z, torch.tensor(0.25), 3)
out.pow(2).sum().backward()
print("quant", out.detach())
print("masked grad", z.grad)


# 4. LSQ: learnable step size, gradient through round via detach trick
def lsq(x, s, qn, qp):
    g = 1.0 / (x.numel() * qp) ** 0.5
    s_scaled = (s - s * g).detach() + s * g
    q = torch.clamp(x / s_scaled, -qn, qp)
    q = (q.round() - q).detach() + q
    return q * s_scaled


s = torch.tensor(0.3, requires_grad=True)
xx = torch.randn(32)
yq = lsq(xx, s, 8, 7)
loss = F.mse_loss(yq, xx)
loss.backward()
print("lsq loss", f"{loss.item():.4f}", "ds", f"{s.grad.item():.4f}")


# 5. a small QAT loop: linear model with fake-quantized weights and activations
class QLinear(nn.Linear):
    def __init__(self, i, o, bits=4):
        super().__init__(i, o)
        self.qmax = 2 ** (bits - 1) - 1

    def forward(self, x):
        s = self.weight.detach().abs().max() / self.qmax
        wq = torch.fake_quantize_per_tensor_affine(self.weight, s.item(), 0, -self.qmax - 1, self.qmax)
        return F.linear(x, wq, self.bias)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = QLinear(4, 16)
        self.act = nn.ReLU()
        self.fc2 = QLinear(16, 3)

    def forward(self, x):
        h = self.act(self.fc1(x))
        h = torch.fake_quantize_per_tensor_affine(h, 0.05, 0, 0, 255)
        return self.fc2(h)


net = Net()
print(net)
X = torch.randn(64, 4)
Y = (X[:, 0] > 0).long() + (X[:, 1] > 0.5).long()
opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
for step in range(30):
    opt.zero_grad()
    logits = net(X)
    loss = F.cross_entropy(logits, Y)
    loss.backward()
    opt.step()
    if step % 10 == 9:
        acc = (logits.argmax(1) == Y).float().mean()
        print(f"step {step + 1:2d} loss {loss.item():.3f} acc {acc.item():.3f}")

with torch.no_grad():
    w1 = net.fc1.weight
    s1 = w1.abs().max() / 7
    levels = torch.round(w1 / s1).clamp(-8, 7)
    print("distinct int4 levels used:", torch.unique(levels).int().tolist())
