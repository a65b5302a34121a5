"""Audio synthesis course, lesson 1: oscillators, envelopes, wavetables and FM.

Builds the classic waveforms from a phase accumulator (cumsum of instantaneous frequency),
band-limited saw by additive synthesis, an ADSR envelope from linspace pieces, a wavetable
oscillator with linear interpolation (floor, remainder, lerp), and two-operator FM with a
look at the sideband spectrum."""
import math

import torch

torch.manual_seed(0)
torch.set_printoptions(precision=4, sci_mode=False, linewidth=110)

SR = 8000


def midi_to_hz(note):
    """Equal temperament, A4 (MIDI 69) = 440 Hz."""
    return 440.0 * torch.pow(2.0, (note - 69) / 12.0)


notes = torch.tensor([60, 64, 67, 69, 72])
freqs = midi_to_hz(notes)
print("MIDI notes:", notes, notes.dtype)
print("frequencies:", freqs, freqs.dtype)
print("back to MIDI:", (69 + 12 * torch.log2(freqs / 440.0)).round().long())
cents = 1200 * torch.log2(midi_to_hz(torch.tensor([60.5, 61.0])) / freqs[0])
print("cents above C4:", cents)
print("float64 A440 octave:", midi_to_hz(torch.arange(57, 82, 12, dtype=torch.float64)))

# --- phase accumulator ----------------------------------------------------------------------
n = 64
f0 = torch.full((n,), 250.0)
phase = torch.cumsum(2 * math.pi * f0 / SR, dim=0)
phase = torch.remainder(phase, 2 * math.pi)
sine = torch.sin(phase)
saw = phase / math.pi - 1.0
square = torch.sign(sine)
triangle = 2 * saw.abs() - 1
print("sine[:8]    ", sine[:8])
print("saw[:8]     ", saw[:8])
print("square[:8]  ", square[:8])
print("triangle[:8]", triangle[:8])
print("square values:", torch.unique(square, return_counts=True))
print("mean abs of one period  sine={:.4f} saw={:.4f}".format(sine[:32].abs().mean().item(), saw[:32].abs().mean().item()))
rms = torch.stack([sine, saw, square, triangle]).pow(2).mean(dim=1).sqrt()
print("RMS:", rms)

# a vibrato: frequency varies, phase is its running sum
t = torch.arange(n) / SR
f_vib = 300.0 + 20.0 * torch.sin(2 * math.pi * 40.0 * t)
ph = torch.cumsum(2 * math.pi * f_vib / SR, 0)
print("vibrato phase end: {:.4f}".format(ph[-1].item()))
print("instantaneous freq back:", (torch.diff(ph) * SR / (2 * math.pi))[:6])

# --- band-limited saw by additive synthesis -------------------------------------------------
k = torch.arange(1, 11, dtype=torch.float32)
harm_mask = (k * 440.0 < SR / 2).float()
print("harmonics below Nyquist:", harm_mask.sum().int().item(), harm_mask)
amps = harm_mask * (-1.0) ** (k + 1) / k
blsaw = (2 / math.pi) * (amps[:, None] * torch.sin(2 * math.pi * 440.0 * k[:, None] * t[None, :])).sum(0)
print("band-limited saw[:6]:", blsaw[:6])
print("peak {:.4f}  argmax {}".format(blsaw.max().item(), blsaw.argmax().item()))

# --- ADSR envelope --------------------------------------------------------------------------
def adsr(attack, decay, sustain, release, hold, sr=1000):
    a = torch.linspace(0.0, 1.0, int(attack * sr))
    d = torch.linspace(1.0, sustain, int(decay * sr))
    s = torch.full((int(hold * sr),), sustain)
    r = torch.linspace(sustain, 0.0, int(release * sr))
    return torch.cat([a, d, s, r])


env = adsr(0.005, 0.01, 0.6, 0.008, 0.004)
print("ADSR length", env.numel(), "max", env.max().item(), "at", env.argmax().item())
print("ADSR:", env)
print("segments:", [len(x) for x in torch.split(env, [5, 10, 4, 8])])
exp_env = torch.exp(-torch.arange(12.0) / 3.0)
print("exponential decay:", exp_env)
print("time to -20 dB:", (20 * torch.log10(exp_env) < -20).nonzero()[0].item(), "samples")
try:
    torch.cat([torch.linspace(0, 1, 4), torch.zeros(2, 2)])
except RuntimeError as e:
    print("RuntimeError:", e)

# --- wavetable oscillator -------------------------------------------------------------------
TABLE = 16
table = torch.sin(2 * math.pi * torch.arange(TABLE) / TABLE) + 0.3 * torch.sin(6 * math.pi * torch.arange(TABLE) / TABLE)
table_ext = torch.cat([table, table[:1]])          # guard point for interpolation
incr = TABLE * 330.0 / SR
pos = torch.remainder(torch.arange(20) * incr, TABLE)
i0 = pos.floor().long()
frac = pos - i0
out = torch.lerp(table_ext[i0], table_ext[i0 + 1], frac)
print("table:", table)
print("positions:", pos[:8])
print("indices:", i0[:8], i0.dtype)
print("wavetable out:", out[:8])
print("frac dtype", frac.dtype, "lerp with scalar weight:", torch.lerp(table[:4], table[4:8], 0.25))
# same by gathering both neighbours at once
pair = table_ext.unfold(0, 2, 1)
print("unfold pairs shape", tuple(pair.shape), pair[:3])
out2 = pair[i0, 0] * (1 - frac) + pair[i0, 1] * frac
print("max |out - out2| < 1e-6:", bool((out - out2).abs().max() < 1e-6))
try:
    torch.lerp(table[:4], table[:3], 0.5)
except RuntimeError as e:
    print("RuntimeError:", e)

# --- FM synthesis -----------------------------------------------------------------------------
N = 256
tt = torch.arange(N, dtype=torch.float64) / SR
fc, fm, index = 1000.0, 250.0, 2.0
fm_sig = torch.sin(2 * math.pi * fc * tt + index * torch.sin(2 * math.pi * fm * tt))
spec = torch.fft.rfft(fm_sig * torch.hann_window(N, dtype=torch.float64))
mag = spec.abs()
top = torch.topk(mag, 5)
bins = top.indices.sort().values
print("FM spectrum peaks (Hz):", bins * SR / N)
print("peak magnitudes:", mag[bins])
print("spectrum dtype", spec.dtype, "len", spec.shape[0])
bessel = torch.special.bessel_j0(torch.tensor([index], dtype=torch.float64))
print("J0(index) =", bessel)
print("carrier amplitude ratio: {:.4f}".format((mag[32] / mag.max()).item()))
print("sideband bins:", torch.where(mag > 0.25 * mag.max())[0])

# mixing a chord and normalising
chord = sum(torch.sin(2 * math.pi * f * t) for f in freqs[:3])
chord = chord / chord.abs().max()
print("normalised chord peak:", chord.abs().max().item(), chord[:5])
clipped = torch.clamp(chord * 1.5, -1, 1)
print("clipped samples:", (clipped.abs() == 1).sum().item())
soft = torch.tanh(2 * chord)
print("soft clip:", soft[:5])
pcm = (chord * 32767).to(torch.int16)
print("int16 PCM:", pcm[:6], pcm.dtype)
print("back to float:", pcm[:6].float() / 32768)
