"""Raw-waveform data pipeline for an audio model, as a speech/music course notebook builds it:
synthetic clips of different lengths, random crop / gain / time shift / additive noise at a target
SNR, pre-emphasis, resampling with a windowed-sinc low-pass (torch.sinc, kaiser window, grouped
conv1d), F.interpolate, framing with unfold, RMS energy in dB, zero-crossing rate, spectral centroid
via torch.fft, a padding collate function with pad_sequence and lengths, and a Dataset/DataLoader."""
import math

import torch
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence, pack_padded_sequence, pad_packed_sequence
from torch.utils.data import Dataset, DataLoader

torch.manual_seed(2024)
SR = 8000


def make_clip(freq, dur, sr=SR):
    t = torch.arange(int(dur * sr)) / sr
    env = torch.exp(-3 * t) * (1 - torch.exp(-40 * t))
    return env * torch.sin(2 * math.pi * freq * t) + 0.3 * env * torch.sin(2 * math.pi * 2.5 * freq * t)


clips = [make_clip(f, d) for f, d in [(220, 0.25), (440, 0.2), (330, 0.3), (550, 0.15), (660, 0.22)]]
print("lengths", [c.numel() for c in clips])
print("peaks", [round(c.abs().max().item(), 4) for c in clips])


def rms_db(x, eps=1e-10):
    return 10 * torch.log10(x.pow(2).mean(-1) + eps)


def add_noise(x, snr_db, gen):
    noise = torch.randn(x.shape, generator=gen)
    sig_p, noise_p = x.pow(2).mean(), noise.pow(2).mean()
    scale = torch.sqrt(sig_p / (noise_p * 10 ** (snr_db / 10)))
    return x + scale * noise


g = torch.Generator().manual_seed(7)
noisy = add_noise(clips[0], 10.0, g)
measured = rms_db(clips[0]) - rms_db(noisy - clips[0])
print("target snr 10 dB, measured", f"{measured.item():.3f}")
print("rms dB", [f"{v:.2f}" for v in rms_db(pad_sequence(clips, batch_first=True)).tolist()])


def pre_emphasis(x, coef=0.97):
    return torch.cat([x[..., :1], x[..., 1:] - coef * x[..., :-1]], dim=-1)


def de_emphasis(y, coef=0.97):
    out = torch.empty_like(y)
    out[..., 0] = y[..., 0]
    for i in range(1, y.shape[-1]):
        out[..., i] = y[..., i] + coef * out[..., i - 1]
    return out


pe = pre_emphasis(clips[3][:64])
print("pre-emphasis invertible", torch.allclose(de_emphasis(pe), clips[3][:64], atol=1e-5))
print("pre-emphasis energy ratio", f"{(pe.pow(2).sum() / clips[3][:64].pow(2).sum()).item():.4f}")


def sinc_lowpass(cutoff, sr, taps=31, beta=8.0):
    n = torch.arange(taps) - (taps - 1) / 2
    h = 2 * cutoff / sr * torch.sinc(2 * cutoff / sr * n)
    h = h * torch.kaiser_window(taps, periodic=False, beta=beta)
    return h / h.sum()


h = sinc_lowpass(1500, SR)
print("filter taps", h.shape, "dc gain", f"{h.sum().item():.4f}", "symmetric", torch.allclose(h, h.flip(0)))
H = torch.fft.rfft(h, n=256).abs()
freqs = torch.fft.rfftfreq(256, d=1 / SR)
print("response at", [int(f) for f in freqs[[0, 32, 48, 64, 96]].tolist()], "Hz:",
      [f"{v:.3f}" for v in H[[0, 32, 48, 64, 96]].tolist()])

# resample 8 kHz -> 4 kHz: low-pass then decimate, every clip of a padded batch at once (grouped conv)
batch = pad_sequence(clips, batch_first=True)               # (5, T)
lengths = torch.tensor([c.numel() for c in clips])
kernel = h.view(1, 1, -1).repeat(batch.shape[0], 1, 1)
filtered = F.conv1d(batch.unsqueeze(0), kernel, padding=h.numel() // 2, groups=batch.shape[0])[0]
down = filtered[:, ::2]
print("downsampled", down.shape, "new lengths", torch.div(lengths + 1, 2, rounding_mode="floor").tolist())
up = F.interpolate(down.unsqueeze(1), scale_factor=2, mode="linear", align_corners=False).squeeze(1)
err = (up[:, 100:1000] - batch[:, 100:1000]).abs().max()
print("resample round trip max err < 0.05", bool(err < 0.05))
up2 = F.interpolate(down[:1, None, :20], size=30, mode="linear", align_corners=True)
print("align_corners endpoints kept", torch.equal(up2[0, 0, [0, -1]], down[0, [0, 19]]))

# framing, zero-crossing rate, spectral centroid
frame, hop = 200, 100
frames = batch.unfold(-1, frame, hop)                        # (5, n_frames, 200)
print("frames", frames.shape, frames.is_contiguous())
zc = (torch.diff(torch.signbit(frames).to(torch.int8), dim=-1) != 0).sum(-1)
print("zero crossings clip 0", zc[0, :6].tolist())
win = torch.hann_window(frame)
spec = torch.fft.rfft(frames * win, dim=-1).abs()
fr = torch.fft.rfftfreq(frame, 1 / SR)
centroid = (spec * fr).sum(-1) / spec.sum(-1).clamp_min(1e-8)
print("centroid (Hz) first frames", [int(round(c)) for c in centroid[:, 2].tolist()])
energy = frames.pow(2).mean(-1)
voiced = energy > energy.amax(dim=1, keepdim=True) * 0.01
print("voiced frames per clip", voiced.sum(1).tolist())
print("median / 90% quantile energy", f"{energy[0].median().item():.5f}", f"{torch.quantile(energy[0], 0.9).item():.5f}")
pooled, idx = F.max_pool1d(batch.abs().unsqueeze(1), 400, 400, return_indices=True)
print("peak positions", idx[0, 0].tolist())


class ClipDataset(Dataset):
    def __init__(self, clips, labels, crop=1000, train=True):
        self.clips, self.labels, self.crop, self.train = clips, labels, crop, train

    def __len__(self):
        return len(self.clips)

    def __getitem__(self, i):
        x = self.clips[i]
        if self.train:
            if x.numel() > self.crop:
                start = torch.randint(0, x.numel() - self.crop + 1, ()).item()
                x = x[start:start + self.crop]
            gain = torch.empty(()).uniform_(0.5, 1.5)
            x = x * gain
            x = torch.roll(x, shifts=int(torch.randint(-50, 51, ()).item()))
            if torch.rand(()) < 0.5:
                x = -x
        return x, self.labels[i]


def collate(batch):
    xs, ys = zip(*batch)
    lengths = torch.tensor([x.numel() for x in xs])
    order = lengths.argsort(descending=True)
    padded = pad_sequence([xs[i] for i in order.tolist()], batch_first=True, padding_value=0.0)
    return padded, lengths[order], torch.tensor([ys[i] for i in order.tolist()])


ds = ClipDataset(clips, [0, 1, 0, 1, 1])
loader = DataLoader(ds, batch_size=3, shuffle=True, collate_fn=collate,
                    generator=torch.Generator().manual_seed(3))
for epoch in range(2):
    for x, lens, y in loader:
        print(f"epoch {epoch}", tuple(x.shape), lens.tolist(), y.tolist(), f"{x.abs().sum().item():.2f}")

x, lens, y = next(iter(DataLoader(ClipDataset(clips, [0] * 5, train=False), batch_size=5, collate_fn=collate)))
feats = x.unfold(1, 100, 100)                                  # (B, T/100, 100) frames as GRU inputs
packed = pack_padded_sequence(feats, torch.div(lens, 100, rounding_mode="floor"), batch_first=True)
print("packed batch_sizes", packed.batch_sizes.tolist())
gru = torch.nn.GRU(100, 8, batch_first=True)
out, hn = gru(packed)
unpacked, out_lens = pad_packed_sequence(out, batch_first=True)
print("unpacked", unpacked.shape, out_lens.tolist(), "final states", hn.shape)
print("padding rows are zero", bool((unpacked[-1, out_lens[-1]:] == 0).all()))

try:
    pack_padded_sequence(feats, torch.tensor([1, 2, 3, 4, 5]), batch_first=True)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.kaiser_window(-1)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    F.interpolate(down.unsqueeze(1), scale_factor=2, mode="bilinear")
except (ValueError, NotImplementedError, RuntimeError) as e:
    print(type(e).__name__ + ":", e)
