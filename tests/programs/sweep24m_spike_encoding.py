"""Spike encodings as in snnTorch's spikegen tutorial, in plain torch: rate coding with torch.bernoulli
and torch.rand < p under manual_seed, latency coding (time to first spike from an RC model and a
linear map, with clipping and normalisation), delta modulation, and the resulting rasters printed as
int tensors with per-neuron firing rates."""
import torch


def rate(data, num_steps, gain=1.0):
    p = torch.clamp(data * gain, 0, 1)
    return torch.bernoulli(p.unsqueeze(0).repeat(num_steps, *([1] * data.dim())))


def rate_rand(data, num_steps):
    return (torch.rand((num_steps,) + tuple(data.shape)) < data).float()


def latency(data, num_steps, tau=5.0, threshold=0.01, linear=False, normalize=True, clip=False):
    data = torch.clamp(data, 0, 1)
    if linear:
        spike_time = (1 - data) * (num_steps - 1) if normalize else (1 - data) * tau
    else:
        spike_time = tau * torch.log(data / (data - threshold))
        if normalize:
            tmax = torch.tensor(tau * torch.log(torch.tensor(threshold / (threshold - threshold * 0.0 + 1e-9) + 1.0)))
            spike_time = spike_time * (num_steps - 1) / tmax
    spike_time = torch.where(data > threshold, spike_time, torch.full_like(spike_time, float(num_steps - 1)))
    idx = torch.round(spike_time).long().clamp(0, num_steps - 1)
    out = torch.zeros((num_steps,) + tuple(data.shape))
    out.scatter_(0, idx.unsqueeze(0), 1.0)
    if clip:
        out[-1] = torch.where(data > threshold, out[-1], torch.zeros_like(out[-1]))
    return out, idx


def delta(data, threshold=0.1, off_spike=True):
    d = torch.diff(data, dim=0, prepend=torch.zeros_like(data[:1]))
    on = (d >= threshold).int()
    if off_spike:
        return on - (d <= -threshold).int()
    return on


torch.manual_seed(42)
img = torch.rand(2, 1, 3, 3)
print(img.round(decimals=3))
spk = rate(img, num_steps=12)
print(spk.shape, spk.dtype, spk.sum().item())
print(spk[:, 0, 0].int().flatten(1).T)
print("rate per pixel:", spk.mean(0).flatten().round(decimals=3))

spk2 = rate_rand(img[0, 0], 16)
print(spk2.int().view(16, -1).T)
print("counts:", spk2.sum(0).int(), "mean rate", f"{spk2.mean().item():.4f}")

g = torch.Generator().manual_seed(7)
p = torch.linspace(0, 1, 6)
b = torch.bernoulli(p.expand(5, 6), generator=g)
print(b.int())
x = torch.empty(3, 6).bernoulli_(0.3)
print(x.int(), x.dtype)
x2 = torch.zeros(4, 4).bernoulli_(torch.full((4, 4), 0.6))
print(x2.long())

# a gain that pushes a probability past 1 is refused (after drawing for the pixels before it)
try:
    rate(img, num_steps=4, gain=1.0 + 1e-3)[0].sum()
    torch.bernoulli(torch.tensor([0.2, 0.7, 1.3, 0.1]))
except RuntimeError as e:
    print("RuntimeError:", str(e)[:40])
print(torch.rand(3).round(decimals=4), rate(img, num_steps=2, gain=0.5).sum().item())

vals = torch.tensor([0.0, 0.02, 0.1, 0.35, 0.6, 0.95, 1.0])
lat, t_first = latency(vals, num_steps=10, linear=True)
print("linear latency:", t_first)
print(lat.int().T)
lat2, t2 = latency(vals, num_steps=10, tau=5.0, normalize=False, clip=True)
print("rc latency:", t2, lat2.sum(0).int())
st = 5.0 * torch.log(vals / (vals - 0.01))
print(st.round(decimals=4))

sig = torch.tensor([0.0, 0.05, 0.3, 0.32, 0.1, 0.6, 0.58, 0.0])
print(delta(sig))
print(delta(sig, off_spike=False))
print(torch.diff(sig, n=2).round(decimals=3))

# first-spike times and inter-spike intervals from a raster
raster = rate_rand(torch.tensor([0.1, 0.5, 0.9]), 20).T
first = torch.argmax(raster, dim=1)
has = raster.any(dim=1)
print("first spike:", torch.where(has, first, torch.tensor(-1)))
for i in range(3):
    t = torch.nonzero(raster[i]).squeeze(1)
    print(i, t.tolist(), torch.diff(t).tolist(), raster[i].count_nonzero().item())
print(torch.cumsum(raster, dim=1).int())
