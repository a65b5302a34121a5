"""Physical modelling and filters: Karplus-Strong strings, biquads, FIR design, resampling.

A plucked string with a ring buffer and an averaging loss filter, the RBJ-cookbook biquad run
sample by sample and checked against its frequency response (torch.polar, complex arithmetic),
a windowed-sinc FIR low-pass applied with conv1d, a comb/echo effect with roll, and resampling
with F.interpolate and conv_transpose1d."""
import math

import torch
import torch.nn.functional as F

torch.manual_seed(1)
torch.set_printoptions(precision=4, sci_mode=False, linewidth=110)
SR = 8000

# --- Karplus-Strong ---------------------------------------------------------------------------
def karplus_strong(freq, n_samples, decay=0.996, generator=None):
    period = int(round(SR / freq))
    buf = torch.rand(period, generator=generator) * 2 - 1      # noise burst
    buf -= buf.mean()
    out = torch.empty(n_samples)
    idx = 0
    for i in range(n_samples):
        out[i] = buf[idx]
        nxt = (idx + 1) % period
        buf[idx] = decay * 0.5 * (buf[idx] + buf[nxt])
        idx = nxt
    return out, period


g = torch.Generator().manual_seed(42)
pluck, P = karplus_strong(220.0, 400, generator=g)
print("period", P, "samples; first:", pluck[:6])
print("energy per period:", torch.stack([c.pow(2).sum() for c in pluck.split(P)[:5]]))
env = pluck.abs().unfold(0, P, P).amax(dim=1)
print("peak envelope:", env)
ratios = env[1:] / env[:-1]
print("decay ratio per period: mean {:.3f}".format(ratios.mean().item()))

# vectorised: the same recurrence over a batch of strings, one period at a time
B = 3
bufs = torch.rand(B, P, generator=torch.Generator().manual_seed(7)) * 2 - 1
outs = []
for _ in range(4):
    outs.append(bufs.clone())
    bufs = 0.5 * (bufs + torch.roll(bufs, shifts=-1, dims=1)) * 0.996
strings = torch.cat(outs, dim=1)
print("batched strings:", tuple(strings.shape), strings.std(dim=1))

# --- biquad low-pass (RBJ cookbook) -----------------------------------------------------------
def lowpass_coeffs(fc, q, sr=SR, dtype=torch.float64):
    w0 = torch.tensor(2 * math.pi * fc / sr, dtype=dtype)
    alpha = torch.sin(w0) / (2 * q)
    cw = torch.cos(w0)
    b = torch.stack([(1 - cw) / 2, 1 - cw, (1 - cw) / 2])
    a = torch.stack([1 + alpha, -2 * cw, 1 - alpha])
    return b / a[0], a / a[0]


def biquad(x, b, a):
    y = torch.zeros_like(x)
    x1 = x2 = y1 = y2 = 0.0
    for n in range(x.shape[-1]):
        y[n] = b[0] * x[n] + b[1] * x1 + b[2] * x2 - a[1] * y1 - a[2] * y2
        x2, x1 = x1, x[n]
        y2, y1 = y1, y[n]
    return y


b, a = lowpass_coeffs(1000.0, 0.7071)
print("b =", b)
print("a =", a)
imp = torch.zeros(64, dtype=torch.float64)
imp[0] = 1
h = biquad(imp, b, a)
print("impulse response:", h[:8])
print("DC gain {:.4f}".format(h.sum().item()))

# frequency response H(e^{jw}) from the coefficients
w = torch.linspace(0, math.pi, 9, dtype=torch.float64)
z1 = torch.polar(torch.ones_like(w), -w)                 # e^{-jw}
num = b[0] + b[1] * z1 + b[2] * z1 ** 2
den = a[0] + a[1] * z1 + a[2] * z1 ** 2
H = num / den
print("|H| at 9 freqs:", H.abs())
print("phase:", torch.angle(H))
print("-3 dB check at fc: {:.4f} dB".format(
    (20 * torch.log10(((b[0] + b[1] * torch.polar(torch.tensor(1.0, dtype=torch.float64),
     torch.tensor(-2 * math.pi * 1000 / SR, dtype=torch.float64)) + b[2] * torch.polar(
     torch.tensor(1.0, dtype=torch.float64), torch.tensor(-4 * math.pi * 1000 / SR, dtype=torch.float64))) /
     (a[0] + a[1] * torch.exp(torch.tensor(-2j * math.pi * 1000 / SR)) + a[2] * torch.exp(
      torch.tensor(-4j * math.pi * 1000 / SR)))).abs())).item()))
Hfft = torch.fft.rfft(h, n=16)
print("rfft of impulse response |H|:", Hfft.abs()[::2])
poles = torch.linalg.eigvals(torch.tensor([[-a[1].item(), -a[2].item()], [1.0, 0.0]], dtype=torch.float64))
print("pole radius:", poles.abs(), "stable:", bool((poles.abs() < 1).all()))

# --- windowed-sinc FIR low-pass with conv1d --------------------------------------------------
taps = 31
n = torch.arange(taps) - (taps - 1) / 2
fc = 0.2                                                  # cycles / sample
sinc = torch.sinc(2 * fc * n) * 2 * fc
fir = sinc * torch.hamming_window(taps, periodic=False)
fir = fir / fir.sum()
print("FIR taps (centre 5):", fir[13:18])
print("symmetric:", torch.equal(fir, fir.flip(0)))
t = torch.arange(256) / SR
sig = torch.sin(2 * math.pi * 400 * t) + 0.5 * torch.sin(2 * math.pi * 3000 * t)
y = F.conv1d(sig.view(1, 1, -1), fir.flip(0).view(1, 1, -1), padding=taps // 2).view(-1)
spec_in = torch.fft.rfft(sig).abs()
spec_out = torch.fft.rfft(y).abs()
for f in (400, 3000):
    k = round(f * 256 / SR)
    print(f"  {f} Hz: in {spec_in[k]:.2f} out {spec_out[k]:.2f}")
print("filtered[100:105]:", y[100:105])
# grouped conv: three filters on three channels at once
bank = torch.stack([fir, fir.roll(3), torch.flip(fir, [0])]).unsqueeze(1)
multi = F.conv1d(sig.expand(1, 3, -1), bank, groups=3, padding="same")
print("grouped conv out:", tuple(multi.shape), multi[0, :, 50])
try:
    F.conv1d(sig.view(1, 1, -1), bank, groups=3)
except RuntimeError as e:
    print("RuntimeError:", e)

# --- echo / comb filter -----------------------------------------------------------------------
click = torch.zeros(40)
click[0] = 1.0
echo = click.clone()
for k in range(1, 4):
    echo += (0.5 ** k) * torch.roll(click, 9 * k)
print("echo taps at:", echo.nonzero().squeeze(1), echo[echo > 0])
delayed = F.pad(click, (5, 0))[:40]
print("pad-delay equals roll:", torch.equal(delayed, click.roll(5)))
refl = F.pad(torch.arange(6.0).view(1, 1, -1), (3, 3), mode="reflect")
print("reflect pad:", refl)
circ = F.pad(torch.arange(6.0).view(1, 1, -1), (2, 2), mode="circular")
print("circular pad:", circ)

# --- resampling -------------------------------------------------------------------------------
x = torch.sin(2 * math.pi * torch.arange(16) / 8).view(1, 1, -1)
up_lin = F.interpolate(x, scale_factor=2, mode="linear", align_corners=False)
up_ac = F.interpolate(x, size=31, mode="linear", align_corners=True)
print("linear x2:", up_lin.view(-1)[:8])
print("align_corners:", up_ac.view(-1)[:8])
down = F.avg_pool1d(x, 2)
print("avg_pool down:", down.view(-1))
zero_stuff = F.conv_transpose1d(x, torch.tensor([[[0.5, 1.0, 0.5]]]), stride=2, padding=1)
print("zero-stuff + triangle:", tuple(zero_stuff.shape), zero_stuff.view(-1)[:8])
nearest = F.interpolate(x, size=24, mode="nearest")
print("nearest 24:", nearest.view(-1)[:10])
try:
    F.interpolate(x, size=20, mode="bilinear")
except Exception as e:
    print(type(e).__name__, str(e).split("\n")[0])

# --- a weight-normalised upsampling block, as in neural vocoders (MelGAN / HiFi-GAN) ----------------
torch.manual_seed(5)
up = torch.nn.utils.parametrizations.weight_norm(torch.nn.ConvTranspose1d(4, 2, 8, stride=4, padding=2))
post = torch.nn.utils.weight_norm(torch.nn.Conv1d(2, 1, 7, padding=3, padding_mode="reflect"))
gain = torch.nn.utils.weight_norm(torch.nn.Linear(3, 3), dim=None)
print(up)
print("post params:", sorted(n for n, _ in post.named_parameters()))
print("gain weight_g (one norm for the whole matrix):", gain.weight_g)
print("norm_except_dim dim 1:", torch.norm_except_dim(up.parametrizations.weight.original1, 2, 1).flatten())
mel = torch.randn(1, 4, 6)
y = post(F.leaky_relu(up(mel), 0.1))
print("vocoder block out:", tuple(y.shape), y.grad_fn.name(), y[0, 0, :6])
y.pow(2).mean().backward()
print("g grads:", up.parametrizations.weight.original0.grad.flatten(), post.weight_g.grad.flatten())
print("v grad norm {:.4f}".format(post.weight_v.grad.norm().item()))
torch.nn.utils.remove_weight_norm(post)
print("after remove:", sorted(n for n, _ in post.named_parameters()))
try:
    torch.nn.utils.remove_weight_norm(post)
except ValueError as e:
    print("ValueError:", e)
