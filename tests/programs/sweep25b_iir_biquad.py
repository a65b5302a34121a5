"""IIR filters in PyTorch, as in a DSP course notebook: RBJ cookbook biquads, direct form I and
transposed direct form II run sample by sample, poles from the companion matrix with
torch.linalg.eigvals (stability check), the frequency response by evaluating the transfer function
on the unit circle, a one-pole smoother whose coefficient is learned by autograd through the
recursion with torch.optim, and a cascade of second-order sections."""
import math

import torch

torch.manual_seed(11)
fs = 16000.0


def rbj_lowpass(f0, q):
    w0 = 2 * math.pi * f0 / fs
    alpha = math.sin(w0) / (2 * q)
    c = math.cos(w0)
    b = torch.tensor([(1 - c) / 2, 1 - c, (1 - c) / 2], dtype=torch.float64)
    a = torch.tensor([1 + alpha, -2 * c, 1 - alpha], dtype=torch.float64)
    return b / a[0], a / a[0]


def rbj_peaking(f0, q, gain_db):
    A = 10 ** (gain_db / 40)
    w0 = 2 * math.pi * f0 / fs
    alpha = math.sin(w0) / (2 * q)
    c = math.cos(w0)
    b = torch.tensor([1 + alpha * A, -2 * c, 1 - alpha * A], dtype=torch.float64)
    a = torch.tensor([1 + alpha / A, -2 * c, 1 - alpha / A], dtype=torch.float64)
    return b / a[0], a / a[0]


def df1(b, a, x):
    y = torch.zeros_like(x)
    x1 = x2 = y1 = y2 = 0.0
    for n in range(x.shape[0]):
        xn = x[n]
        yn = b[0] * xn + b[1] * x1 + b[2] * x2 - a[1] * y1 - a[2] * y2
        y[n] = yn
        x2, x1 = x1, xn
        y2, y1 = y1, yn
    return y


def tdf2(b, a, x):
    out = []
    z1 = torch.zeros((), dtype=x.dtype)
    z2 = torch.zeros((), dtype=x.dtype)
    for xn in x.unbind(0):
        yn = b[0] * xn + z1
        z1 = b[1] * xn - a[1] * yn + z2
        z2 = b[2] * xn - a[2] * yn
        out.append(yn)
    return torch.stack(out)


b, a = rbj_lowpass(1000.0, 1 / math.sqrt(2))
print("b", b)
print("a", a)
imp = torch.zeros(64, dtype=torch.float64)
imp[0] = 1
h1 = df1(b, a, imp)
h2 = tdf2(b, a, imp)
print("impulse", torch.round(h1[:8], decimals=5))
print("forms agree", torch.allclose(h1, h2), f"energy {h1.pow(2).sum().item():.5f}")

# poles from the companion matrix
comp = torch.zeros(2, 2, dtype=torch.float64)
comp[0] = -a[1:]
comp[1, 0] = 1.0
poles = torch.linalg.eigvals(comp)
print("poles", poles.dtype, sorted(round(abs(p), 4) for p in poles.tolist()), "stable", bool((poles.abs() < 1).all()))
r, th = poles.abs(), poles.angle().abs()
print(f"radius {r.max().item():.4f} angle {th.max().item():.4f}")

# frequency response on the unit circle
w = torch.linspace(0, math.pi, 9, dtype=torch.float64)
z = torch.polar(torch.ones_like(w), -w)                 # z^-1
zpow = torch.stack([torch.ones_like(z), z, z * z], dim=-1)
H = (zpow @ b.to(zpow.dtype)) / (zpow @ a.to(torch.complex128))
print(H.dtype, H.shape)
print("|H| dB", [f"{v:.2f}".replace("-0.00", "0.00") for v in (20 * torch.log10(H.abs().clamp_min(1e-12))).tolist()])
print("phase", torch.round(torch.angle(H[:5]), decimals=4))

# peaking EQ: boost at f0
bp, ap = rbj_peaking(2000.0, 2.0, 6.0)
z0 = torch.exp(torch.tensor(-2j * math.pi * 2000.0 / fs, dtype=torch.complex128))
g = (bp[0] + bp[1] * z0 + bp[2] * z0 ** 2) / (ap[0] + ap[1] * z0 + ap[2] * z0 ** 2)
print(f"peak gain {20 * math.log10(abs(g.item())):.4f} dB", type(g.item()).__name__)

# cascade of second-order sections on a noisy chirp
n = torch.arange(400, dtype=torch.float64)
x = torch.sin(2 * math.pi * (200 + 10 * n) * n / fs) + 0.2 * torch.randn(400, dtype=torch.float64)
sos = torch.stack([torch.cat(rbj_lowpass(1500.0, 0.54)), torch.cat(rbj_lowpass(1500.0, 1.31))])
print("sos", sos.shape)
y = x
for sec in sos:
    y = df1(sec[:3], sec[3:], y)
print(f"in rms {x.pow(2).mean().sqrt().item():.4f} out rms {y.pow(2).mean().sqrt().item():.4f}")
print("dc gain", f"{(sos[:, :3].sum(1) / sos[:, 3:].sum(1)).prod().item():.6f}")

# --- learning a one-pole smoother's coefficient through the recursion ----------------------------
clean = torch.sin(2 * math.pi * 5 * torch.arange(200) / 200.0)
noisy = clean + 0.3 * torch.randn(200)
target = torch.zeros(200)
prev = torch.tensor(0.0)
for i in range(200):                                    # reference smoother with alpha = 0.25
    prev = 0.25 * noisy[i] + 0.75 * prev
    target[i] = prev

logit = torch.tensor(0.0, requires_grad=True)
opt = torch.optim.Adam([logit], lr=0.1)
for step in range(40):
    alpha = torch.sigmoid(logit)
    s = torch.zeros(())
    outs = []
    for i in range(200):
        s = alpha * noisy[i] + (1 - alpha) * s
        outs.append(s)
    y = torch.stack(outs)
    loss = torch.nn.functional.mse_loss(y, target)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 10 == 0 or step == 39:
        print(f"step {step:2d} alpha {alpha.item():.4f} loss {loss.item():.6f} grad {logit.grad.item():.5f}")
print(y.grad_fn.__class__.__name__, loss.grad_fn.__class__.__name__, alpha.grad_fn.__class__.__name__)

try:
    torch.linalg.eigvals(torch.zeros(2, 3))
except Exception as e:
    print(type(e).__name__, e)
try:
    torch.polar(torch.ones(3), torch.zeros(3, dtype=torch.float64))
except Exception as e:
    print(type(e).__name__, e)
try:
    torch.polar(torch.ones(3, dtype=torch.int64), torch.zeros(3, dtype=torch.int64))
except Exception as e:
    print(type(e).__name__, e)
