"""Numerical methods course, lectures 5-6: quadrature and finite differences.  torch.trapezoid and
torch.cumulative_trapezoid with dx= and x=, composite Simpson by hand, Richardson extrapolation,
torch.diff (n=2, prepend/append) and torch.gradient with scalar, list and coordinate spacings and
edge_order 1 and 2."""
import math

import torch

torch.manual_seed(0)
torch.set_printoptions(precision=5, sci_mode=False)

# --- quadrature -------------------------------------------------------------------------------
x = torch.linspace(0, math.pi, 33, dtype=torch.float64)
y = torch.sin(x)
h = (x[1] - x[0]).item()
print("trapezoid dx=   :", f"{torch.trapezoid(y, dx=h).item():.8f}")
print("trapezoid x=    :", f"{torch.trapezoid(y, x).item():.8f}")
print("trapezoid x kw  :", f"{torch.trapezoid(y, x=x).item():.8f}")
print("trapz alias     :", f"{torch.trapz(y, x).item():.8f}")


def simpson(y, dx):
    n = y.shape[-1] - 1
    assert n % 2 == 0, "Simpson needs an even number of intervals"
    return dx / 3 * (y[..., 0] + 4 * y[..., 1:-1:2].sum(-1) + 2 * y[..., 2:-1:2].sum(-1) + y[..., -1])


print("simpson         :", f"{simpson(y, h).item():.10f}")
for n in (4, 8, 16, 32, 64):
    xs = torch.linspace(0, 1, n + 1, dtype=torch.float64)
    fx = torch.exp(xs)
    et = torch.trapezoid(fx, dx=1 / n).item() - (math.e - 1)
    es = simpson(fx, 1 / n).item() - (math.e - 1)
    print(f"n={n:3d} trap err={et:.3e} simpson err={es:.3e}")

# Richardson / Romberg from trapezoid
R = []
for k in range(5):
    n = 2 ** k
    xs = torch.linspace(0, 1, n + 1, dtype=torch.float64)
    R.append([torch.trapezoid(4 / (1 + xs ** 2), xs).item()])
    for j in range(1, k + 1):
        R[k].append(R[k][j - 1] + (R[k][j - 1] - R[k - 1][j - 1]) / (4 ** j - 1))
print("romberg pi:", f"{R[-1][-1]:.10f}", "error", f"{abs(R[-1][-1] - math.pi):.2e}")

# batched integration along a chosen dim, float32, non-uniform grid
t = torch.sort(torch.rand(20)).values
t = torch.cat([torch.zeros(1), t, torch.ones(1)])
freqs = torch.tensor([1.0, 2.0, 3.0]).unsqueeze(1)
signals = torch.cos(freqs * t)
print("nonuniform trapezoid:", torch.trapezoid(signals, t, dim=1).round(decimals=3))
print("dim=0 on transposed:", torch.trapezoid(signals.T, t.unsqueeze(1).expand(-1, 3), dim=0).round(decimals=3))
print("exact              :", (torch.sin(freqs.squeeze(1)) / freqs.squeeze(1)).round(decimals=3))

ct = torch.cumulative_trapezoid(y, dx=h)
print("cumulative shape:", tuple(ct.shape), "last", f"{ct[-1].item():.6f}")
print("1 - cos(x) max err:", f"{(ct - (1 - torch.cos(x[1:]))).abs().max().item():.2e}")
ctx = torch.cumulative_trapezoid(signals, t)
print("cumulative x=:", ctx[:, ::7].round(decimals=3))
print("cumulative int:", torch.cumulative_trapezoid(torch.arange(6)))
print("trapezoid int:", torch.trapezoid(torch.tensor([1, 4, 9, 16])), torch.trapezoid(torch.tensor([1, 4, 9, 16]), dx=2))

# --- finite differences -----------------------------------------------------------------------
xs = torch.linspace(-1, 1, 11, dtype=torch.float64)
u = xs ** 3
d1 = torch.diff(u) / (xs[1] - xs[0])
d2 = torch.diff(u, n=2) / (xs[1] - xs[0]) ** 2
print("forward diff shape", tuple(d1.shape), "second diff shape", tuple(d2.shape))
print("second diff (6x):", d2.numpy().round(6).tolist())
pre = torch.diff(u, prepend=u[:1], append=u[-1:])
print("diff with prepend/append:", pre.numpy().round(4).tolist())
print("diff int n=2 prepend:", torch.diff(torch.tensor([1, 4, 9, 16, 25]), n=2, prepend=torch.tensor([0, 0])))
grid = torch.arange(12.0).reshape(3, 4) ** 2
print("diff dim=0:", torch.diff(grid, dim=0))

g_scalar = torch.gradient(u, spacing=0.2)
print("gradient spacing=0.2:", g_scalar[0].numpy().round(5).tolist())
g_list = torch.gradient(u, spacing=[0.2])
print("same with list:", torch.equal(g_scalar[0], g_list[0]))
g_coord = torch.gradient(u, spacing=(xs,))
print("coords spacing:", g_coord[0].numpy().round(5).tolist())
g2 = torch.gradient(u, spacing=(xs,), edge_order=2)
print("edge_order=2:", g2[0].numpy().round(5).tolist())
xn = torch.tensor([0.0, 0.1, 0.3, 0.6, 1.0, 1.5], dtype=torch.float64)
gn = torch.gradient(xn ** 2, spacing=(xn,), edge_order=2)[0]
print("nonuniform edge2 (2x):", gn.numpy().round(6).tolist())
gn1 = torch.gradient(xn ** 2, spacing=(xn,))[0]
print("nonuniform edge1:", gn1.numpy().round(6).tolist())

# 2-D field: gradient along both dims with different spacings
X, Y = torch.meshgrid(torch.linspace(0, 1, 5), torch.linspace(0, 2, 9), indexing="ij")
phi = X ** 2 + X * Y
gx, gy = torch.gradient(phi, spacing=[0.25, 0.25])
print("dphi/dx:")
print(gx)
gy2 = torch.gradient(phi, spacing=(torch.linspace(0, 2, 9),), dim=1, edge_order=2)
print("dphi/dy (dim=1, coords):", gy2[0][:, ::4])
print("gradient unit spacing, int input:", torch.gradient(torch.tensor([1, 2, 4, 7, 11])))
print("gradient dims (0,1):", [g.shape for g in torch.gradient(phi, dim=(0, 1))])
