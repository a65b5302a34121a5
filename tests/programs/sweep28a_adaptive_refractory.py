"""Neuron models from a computational-neuroscience course notebook (Gerstner's Neuronal Dynamics
exercises redone in torch): a population of adaptive LIF (ALIF) neurons with a spike-triggered
threshold, absolute refractory periods implemented with integer countdown masks, an Izhikevich
neuron zoo, and the usual spike-train analysis: ISIs, CV, Fano factor, PSTH with histc/bincount,
exponential-kernel smoothing with conv1d, cross-correlations, an FFT of the population rate."""
import torch
import torch.nn.functional as F

torch.manual_seed(11)

# --- ALIF population with refractoriness ------------------------------------------------------------
N, T = 8, 200
dt, tau_m, tau_a = 1.0, 20.0, 100.0
v_th0, beta_a, t_ref = 1.0, 0.15, 3
alpha = torch.exp(torch.tensor(-dt / tau_m))
rho = torch.exp(torch.tensor(-dt / tau_a))
print(f"alpha={alpha.item():.6f} rho={rho.item():.6f}")

drive = torch.linspace(0.04, 0.12, N)
noise = 0.03 * torch.randn(T, N)
v = torch.zeros(N)
a = torch.zeros(N)
ref = torch.zeros(N, dtype=torch.int32)
spikes = torch.zeros(T, N, dtype=torch.bool)
v_rec = torch.empty(T, N)
th_rec = torch.empty(T, N)
for t in range(T):
    refractory = ref > 0
    v = torch.where(refractory, v, alpha * v + (1 - alpha) * 20 * (drive + noise[t]))
    threshold = v_th0 + beta_a * a
    s = (v >= threshold) & ~refractory
    v = v.masked_fill(s, 0.0)
    ref = torch.where(s, torch.full_like(ref, t_ref), (ref - 1).clamp(min=0))
    a = rho * a + s.float()
    spikes[t] = s
    v_rec[t] = v
    th_rec[t] = threshold

counts = spikes.sum(0)
print("spike counts:", counts, counts.dtype)
print("rates (Hz):", (counts.float() / (T * dt * 1e-3)).round(decimals=1))
print("final threshold:", th_rec[-1])
print("v trace neuron 7:", v_rec[:12, 7])
print("any spike during refractory?", bool((spikes[1:] & spikes[:-1]).any()))

times = [spikes[:, j].nonzero().flatten() for j in range(N)]
isis = [torch.diff(tj).float() for tj in times]
for j in (0, 4, 7):
    isi = isis[j]
    if isi.numel() > 1:
        cv = isi.std() / isi.mean()
        print(f"neuron {j}: n={times[j].numel()} mean ISI={isi.mean().item():.3f} CV={cv.item():.4f} "
              f"min ISI={int(isi.min())}")
all_isi = torch.cat(isis)
print("ISI histogram:", torch.histc(all_isi, bins=8, min=0, max=80))
print("ISI quantiles:", torch.quantile(all_isi, torch.tensor([0.1, 0.5, 0.9])))
isi_bins = torch.div(all_isi, 5, rounding_mode="floor").long().clamp(max=12)
print("bincount of ISIs (5 ms bins):", torch.bincount(isi_bins))

# spike-count statistics across windows
windows = spikes.float().view(10, 20, N).sum(1)
fano = windows.var(0, unbiased=True) / windows.mean(0)
print("Fano:", torch.nan_to_num(fano, nan=0.0).round(decimals=4))
print(windows.T.int())

# PSTH and smoothed population rate
psth = spikes.float().sum(1)
kernel = torch.exp(-torch.arange(0, 30, dtype=torch.float32) / 5.0)
kernel = (kernel / kernel.sum()).flip(0)
smooth = F.conv1d(F.pad(psth.view(1, 1, -1), (29, 0)), kernel.view(1, 1, -1)).squeeze()
print("smoothed rate (every 25 ms):", smooth[::25])
spec = torch.fft.rfft(psth - psth.mean())
power = spec.abs() ** 2
top = torch.topk(power[1:], 3)
print("dominant frequency bins:", (top.indices + 1).tolist(), f"{(top.values / power.sum()).sum().item():.4f}")

# correlations between two neurons' binned spike trains
binned = spikes.float().view(40, 5, N).sum(1)
C = torch.corrcoef(binned.T[[0, 3, 7]])
print(C)
print(torch.cov(binned.T[:3], correction=0))

# --- Izhikevich neurons: four classic firing patterns ----------------------------------------------
params = {
    "regular spiking": (0.02, 0.2, -65.0, 8.0),
    "intrinsically bursting": (0.02, 0.2, -55.0, 4.0),
    "chattering": (0.02, 0.2, -50.0, 2.0),
    "fast spiking": (0.1, 0.2, -65.0, 2.0),
}
P = torch.tensor(list(params.values()))
a_, b_, c_, d_ = P.unbind(1)
v = torch.full((4,), -65.0)
u = b_ * v
I = torch.cat([torch.zeros(20), torch.full((280,), 10.0)])
fired_at = torch.zeros(300, 4, dtype=torch.bool)
for t in range(300):
    fired = v >= 30
    fired_at[t] = fired
    v = torch.where(fired, c_, v)
    u = torch.where(fired, u + d_, u)
    for _ in range(2):  # two half-steps for numerical stability, as in Izhikevich (2003)
        v = v + 0.5 * (0.04 * v * v + 5 * v + 140 - u + I[t])
    u = u + a_ * (b_ * v - u)
    v = v.clamp(max=30.0)
for name, col in zip(params, fired_at.T):
    ts = col.nonzero().flatten()
    print(f"{name:24s} spikes={ts.numel():3d} first={ts[:5].tolist()}")
first_spike = fired_at.int().argmax(0)
print("latency:", first_spike - 20, "ordering:", torch.argsort(first_spike, stable=True).tolist())
bursts = torch.unique_consecutive(fired_at[:, 1].int(), return_counts=True)
print(bursts[0][:6], bursts[1][:6])
print("cummax of spike count:", fired_at.sum(1).cummax(0).values[::50])

try:
    torch.histc(torch.tensor([1, 2, 3]), bins=4)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.quantile(all_isi, 1.5)
except RuntimeError as e:
    print("RuntimeError:", e)
