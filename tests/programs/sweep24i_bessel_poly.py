"""Bessel functions and orthogonal polynomials from torch.special, as a physics / signal-processing
notebook uses them: a table of J0, J1, Y0, Y1, I0, I1, K0, K1 and the scaled K's on a grid in float32
and float64 (with negative arguments, zero, inf and nan), the spherical j0 and Airy Ai, a Kaiser window
built from i0, the Chebyshev / Hermite / Laguerre / Legendre families for n = 0..5 with tensor and
integer n (including negative n and n given as a float tensor), a least-squares Chebyshev fit, and
the von Mises log-normaliser with its gradient through i0e / i1e."""
import math

import torch
import torch.special as sp

torch.set_printoptions(precision=4, linewidth=110)

grid = [0.0, -0.0, 1e-6, 0.5, 1.0, 2.5, -2.5, 8.0, 30.0, 100.0, float("inf"), float("-inf"), float("nan")]
bessels = ["bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "modified_bessel_i0", "modified_bessel_i1",
           "modified_bessel_k0", "modified_bessel_k1", "scaled_modified_bessel_k0", "scaled_modified_bessel_k1",
           "spherical_bessel_j0", "airy_ai"]
for dtype in (torch.float64, torch.float32):
    x = torch.tensor(grid, dtype=dtype)
    print(f"---- {dtype} ----")
    for name in bessels:
        print(f"{name:>26s}", getattr(sp, name)(x))
    print("airy on negatives", sp.airy_ai(torch.tensor([-10.0, -5.0, -2.2, -1.0], dtype=dtype)))

# Kaiser window from i0, compared with torch.kaiser_window
N, beta = 9, 6.0
n = torch.arange(N, dtype=torch.float64)
w = sp.i0(beta * torch.sqrt(1 - ((2 * n) / (N - 1) - 1) ** 2)) / sp.i0(torch.tensor(beta, dtype=torch.float64))
print("kaiser by hand", w)
print("kaiser_window ", torch.kaiser_window(N, periodic=False, beta=beta, dtype=torch.float64))

# polynomial families
t = torch.linspace(-1, 1, 7, dtype=torch.float64)
fams = ["chebyshev_polynomial_t", "chebyshev_polynomial_u", "chebyshev_polynomial_v", "chebyshev_polynomial_w",
        "hermite_polynomial_h", "hermite_polynomial_he", "laguerre_polynomial_l", "legendre_polynomial_p"]
for name in fams:
    fn = getattr(sp, name)
    rows = torch.stack([fn(t, k) for k in range(6)])
    print(name)
    print(rows)
    print("  n=-1", fn(t, -1), " n tensor", fn(t, torch.tensor([0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
                                                                dtype=torch.float64)))
print("shifted T", sp.shifted_chebyshev_polynomial_t(torch.linspace(0, 1, 5), 3))
print("shifted U", sp.shifted_chebyshev_polynomial_u(torch.linspace(0, 1, 5), 3))
print("shifted V", sp.shifted_chebyshev_polynomial_v(torch.linspace(0, 1, 5), 3))
print("shifted W", sp.shifted_chebyshev_polynomial_w(torch.linspace(0, 1, 5), 3))
print("float32 T_n large n", sp.chebyshev_polynomial_t(torch.tensor([0.3, -0.7, 1.0, -1.0, 1.5]), 40))
print("hermite large x", sp.hermite_polynomial_h(torch.tensor([3.0, 10.0, -10.0]), 7))
print("scalar x", sp.legendre_polynomial_p(0.5, torch.tensor([0, 1, 2, 3])))
print("int dtype", sp.chebyshev_polynomial_t(torch.tensor([0, 1, 2]), torch.tensor([2, 2, 2])))

# least-squares Chebyshev fit of exp(x) on [-1, 1]
xs = torch.linspace(-1, 1, 50, dtype=torch.float64)
V = torch.stack([sp.chebyshev_polynomial_t(xs, k) for k in range(6)], dim=1)
coef = torch.linalg.lstsq(V, torch.exp(xs).unsqueeze(1)).solution.squeeze(1)
print("cheb coef", [f"{c:.6f}" for c in coef.tolist()])
print("max err", f"{(V @ coef - torch.exp(xs)).abs().max().item():.2e}")

# von Mises: log C(kappa) = -log(2 pi I0(kappa)), stable via i0e
kappa = torch.tensor([1e-4, 0.5, 2.0, 50.0, 800.0], dtype=torch.float64, requires_grad=True)
log_norm = -(math.log(2 * math.pi) + torch.log(sp.i0e(kappa)) + kappa)
print("log normaliser", log_norm.detach())
(g,) = torch.autograd.grad(log_norm.sum(), kappa)
print("grad", g)
print("-A(kappa) = -I1/I0", -(sp.i1e(kappa) / sp.i0e(kappa)).detach())
k32 = torch.tensor([0.0, 1.0, 10.0, 100.0], requires_grad=True)
for fn in (sp.i0, sp.i0e, sp.i1, sp.i1e):
    (g,) = torch.autograd.grad(fn(k32).sum(), k32)
    print(fn.__name__ if hasattr(fn, "__name__") else fn, g)
try:
    sp.modified_bessel_k0(k32).sum().backward()
except RuntimeError as e:
    print("k0 backward:", str(e).splitlines()[0])
