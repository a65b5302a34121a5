"""Autocorrelation diagnostics, as in a time-series course notebook: sample autocovariance by a loop,
by torch.stack over lags and by FFT (rfft / irfft with zero padding), the partial autocorrelation by
the Durbin-Levinson recursion, Bartlett confidence bands, the Ljung-Box and Box-Pierce portmanteau
statistics with a chi-square p-value (torch.distributions.Chi2 / torch.special.gammaincc), and a
printed correlogram."""
import math

import torch

torch.manual_seed(2713)

# --- an AR(2) process x_t = 0.6 x_{t-1} - 0.3 x_{t-2} + e_t, plus white noise to compare ---------
n = 240
phi = torch.tensor([0.6, -0.3])
eps = torch.randn(n + 50)
x = torch.zeros(n + 50)
for t in range(2, n + 50):
    x[t] = phi[0] * x[t - 1] + phi[1] * x[t - 2] + eps[t]
x = x[50:].clone()                     # burn-in dropped
white = torch.randn(n, dtype=torch.float64)
print("series", x.shape, x.dtype, "mean", f"{x.mean().item():.4f}", "var", f"{x.var().item():.4f}")
print(x[:6])


def acov_loop(y, max_lag):
    yc = y - y.mean()
    out = []
    for k in range(max_lag + 1):
        out.append((yc[: len(y) - k] * yc[k:]).sum() / len(y))
    return torch.stack(out)


def acov_fft(y, max_lag):
    n = y.shape[-1]
    yc = y - y.mean(dim=-1, keepdim=True)
    nfft = 1 << (2 * n - 1).bit_length()
    f = torch.fft.rfft(yc, n=nfft)
    r = torch.fft.irfft(f * f.conj(), n=nfft)
    return r[..., : max_lag + 1] / n


lags = 12
g_loop = acov_loop(x, lags)
g_fft = acov_fft(x, lags)
print("acov loop", g_loop[:5])
print("loop vs fft close", torch.allclose(g_loop, g_fft, atol=1e-5), g_fft.dtype)
acf = g_loop / g_loop[0]
print("acf", acf.round(decimals=3))

# batched: several series at once along the last dimension
batch = torch.stack([x, x.roll(7), x.flip(0)]).double()
acf_b = acov_fft(batch, 4)
acf_b = acf_b / acf_b[:, :1]
print("batched acf", acf_b.dtype, acf_b.shape)
print(acf_b)


def pacf_durbin_levinson(r, max_lag):
    """r: autocorrelations r[0..max_lag] with r[0] == 1."""
    pacf = torch.zeros(max_lag + 1, dtype=r.dtype)
    pacf[0] = 1.0
    phi_prev = torch.zeros(0, dtype=r.dtype)
    v = r[0].clone()
    for k in range(1, max_lag + 1):
        if k == 1:
            a = r[1] / r[0]
        else:
            a = (r[k] - (phi_prev * r[1:k].flip(0)).sum()) / v
        phi_new = torch.empty(k, dtype=r.dtype)
        phi_new[: k - 1] = phi_prev - a * phi_prev.flip(0)
        phi_new[k - 1] = a
        v = v * (1 - a ** 2)
        pacf[k] = a
        phi_prev = phi_new
    return pacf, phi_prev, v


pacf, phi_hat, innov_var = pacf_durbin_levinson(acf, lags)
print("pacf", pacf.round(decimals=3))
print("phi at order", lags, phi_hat[:3].round(decimals=3), "innovation var ratio", f"{innov_var.item():.4f}")

# Bartlett bands: +-1.96/sqrt(n) for white noise; for the ACF under an MA(q) null, cumulative
z = torch.distributions.Normal(0.0, 1.0).icdf(torch.tensor(0.975))
band = z / math.sqrt(n)
print("z", f"{z.item():.4f}", "band", f"{band.item():.4f}")
bartlett = z * torch.sqrt((1 + 2 * torch.cumsum(acf[1:] ** 2, 0) - 2 * acf[1:] ** 2) / n)
print("bartlett", bartlett[:6].round(decimals=3))
signif = (pacf[1:].abs() > band).nonzero().flatten() + 1
print("significant pacf lags", signif.tolist())

print("\nlag   acf    pacf  |")
for k in range(1, 9):
    bar = "#" * int(round(abs(acf[k].item()) * 20))
    mark = "*" if abs(pacf[k].item()) > band.item() else " "
    print(f"{k:3d} {acf[k].item():6.3f} {pacf[k].item():6.3f}{mark}| {bar}")


# --- portmanteau tests ---------------------------------------------------------------------------
def ljung_box(y, h):
    y = y.double()
    r = acov_loop(y, h)
    r = r[1:] / r[0]
    k = torch.arange(1, h + 1, dtype=torch.float64)
    q_lb = len(y) * (len(y) + 2) * torch.cumsum(r ** 2 / (len(y) - k), dim=0)
    q_bp = len(y) * torch.cumsum(r ** 2, dim=0)
    return q_lb, q_bp


for name, series in [("ar2", x), ("white", white)]:
    q_lb, q_bp = ljung_box(series, 10)
    df = torch.arange(1, 11, dtype=torch.float64)
    p_gamma = torch.special.gammaincc(df / 2, q_lb / 2)
    chi = torch.distributions.Chi2(df)
    p_chi = 1 - chi.cdf(q_lb)
    print(name, "gammaincc == 1 - cdf", torch.allclose(p_gamma, p_chi, atol=1e-6))
    print(name, "Q_LB", q_lb[[0, 4, 9]].round(decimals=2), "Q_BP", q_bp[[4, 9]].round(decimals=2))
    print(name, "p-values", p_chi[[0, 4, 9]].round(decimals=4))
    print(name, "log_prob(Q10)", f"{chi.log_prob(q_lb)[9].item():.4f}", "mean", chi.mean[:3], chi.variance[-1])

try:
    torch.distributions.Chi2(torch.tensor([-1.0]), validate_args=True)
except ValueError as e:
    print("ValueError:", str(e).split("\n")[0][:90])

# --- cross-correlation between two series and its lead/lag argmax --------------------------------
lead = torch.roll(x, shifts=3) + 0.2 * torch.randn(n)
xc = (x - x.mean()) / x.std(unbiased=False)
lc = (lead - lead.mean()) / lead.std(unbiased=False)
ccf = torch.stack([(xc[: n - k] * lc[k:]).mean() if k >= 0 else (xc[-k:] * lc[: n + k]).mean()
                   for k in range(-5, 6)])
print("ccf", ccf.round(decimals=3))
print("peak lag", (ccf.argmax() - 5).item(), "peak", f"{ccf.max().item():.3f}")
corr = torch.corrcoef(torch.stack([x[:-3], lead[3:], white[:-3].float()]))
print("corrcoef", corr.round(decimals=3))
print("cov", torch.cov(torch.stack([x, lead]), correction=0).round(decimals=3))
