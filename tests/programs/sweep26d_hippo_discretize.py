"""HiPPO-LegS matrices and the usual discretizations of a continuous-time SSM.

Notebook-style walk through of the S4 paper's section 2: build the HiPPO-LegS
matrix, discretize with bilinear (Tustin) and zero-order hold, and check that
the two discretizations agree as the step size shrinks.
"""
import math

import torch

torch.manual_seed(0)
torch.set_printoptions(precision=4, sci_mode=False)


def make_hippo(N, dtype=torch.float64):
    """HiPPO-LegS: A[n,k] = -sqrt(2n+1)sqrt(2k+1) for n>k, -(n+1) for n==k, 0 above."""
    p = torch.sqrt(1 + 2 * torch.arange(N, dtype=dtype))
    A = p[:, None] * p[None, :]
    A = torch.tril(A) - torch.diag(torch.arange(N, dtype=dtype))
    return -A


def make_nplr(N):
    """Normal plus low-rank form: A = S - P P^T with S skew-symmetric + const diag."""
    A = make_hippo(N)
    P = torch.sqrt(torch.arange(N, dtype=torch.float64) + 0.5)
    B = torch.sqrt(2 * torch.arange(N, dtype=torch.float64) + 1.0)
    S = A + P[:, None] * P[None, :]
    return A, P, B, S


N = 4
A = make_hippo(N)
print("HiPPO-LegS A:")
print(A)
print("lower triangular:", torch.equal(A, torch.tril(A)))
print("diag:", torch.diagonal(A))

A, P, B, S = make_nplr(6)
skew = S + S.mT
print("S + S^T diag:", skew.diagonal())
print("S + S^T off-diag max:", f"{(skew - torch.diag_embed(skew.diagonal())).abs().max().item():.4f}")
ev = torch.linalg.eigvals(S)
print("eigvals of S real parts:", torch.round(ev.real, decimals=4))
print("eig dtype:", ev.dtype)
imag_sorted, _ = torch.sort(ev.imag.abs())
print("|imag| sorted:", imag_sorted)


def bilinear(A, B, C, step):
    I = torch.eye(A.shape[0], dtype=A.dtype)
    BL = torch.linalg.inv(I - (step / 2.0) * A)
    Ab = BL @ (I + (step / 2.0) * A)
    Bb = (BL * step) @ B
    return Ab, Bb, C


def bilinear_solve(A, B, C, step):
    I = torch.eye(A.shape[0], dtype=A.dtype)
    lhs = I - (step / 2.0) * A
    Ab = torch.linalg.solve(lhs, I + (step / 2.0) * A)
    Bb = torch.linalg.solve(lhs, step * B)
    return Ab, Bb, C


def zoh(A, B, C, step):
    N = A.shape[0]
    # block-matrix trick: exp([[A, B],[0, 0]] * step) holds both Ab and Bb
    M = torch.zeros(N + 1, N + 1, dtype=A.dtype)
    M[:N, :N] = A
    M[:N, N:] = B
    E = torch.linalg.matrix_exp(M * step)
    return E[:N, :N], E[:N, N:], C


N = 4
A = make_hippo(N)
B = torch.sqrt(2 * torch.arange(N, dtype=torch.float64) + 1.0).unsqueeze(1)
C = torch.randn(1, N, dtype=torch.float64)

for step in (0.1, 0.01, 0.001):
    Ab1, Bb1, _ = bilinear(A, B, C, step)
    Ab2, Bb2, _ = bilinear_solve(A, B, C, step)
    Ab3, Bb3, _ = zoh(A, B, C, step)
    print(f"step={step}: inv vs solve close={torch.allclose(Ab1, Ab2)}, "
          f"bilinear-zoh gap={torch.linalg.matrix_norm(Ab1 - Ab3).item() / step ** 3:.3f} (x step^3)")

Ab, Bb, Cb = bilinear(A, B, C, 1.0 / 16)
print("Ab:")
print(Ab)
print("Bb.T:", Bb.T)
print("spectral radius:", f"{torch.linalg.eigvals(Ab).abs().max().item():.4f}")
print("cond:", f"{torch.linalg.cond(torch.eye(N, dtype=torch.float64) - Ab / 32).item():.4f}")


def scan_ssm(Ab, Bb, Cb, u, x0):
    def step(x_k_1, u_k):
        x_k = Ab @ x_k_1 + Bb @ u_k
        y_k = Cb @ x_k
        return x_k, y_k
    x = x0
    ys = []
    for k in range(u.shape[0]):
        x, y = step(x, u[k].reshape(1, 1))
        ys.append(y)
    return x, torch.stack(ys).flatten()


def K_conv(Ab, Bb, Cb, L):
    return torch.stack([(Cb @ torch.linalg.matrix_power(Ab, l) @ Bb).reshape(()) for l in range(L)])


def causal_convolution(u, K, nofft=False):
    if nofft:
        return torch.nn.functional.conv1d(
            torch.nn.functional.pad(u, (K.shape[0] - 1, 0)).view(1, 1, -1),
            K.flip(0).view(1, 1, -1)).flatten()
    assert K.shape[0] == u.shape[0]
    ud = torch.fft.rfft(torch.nn.functional.pad(u, (0, K.shape[0])))
    Kd = torch.fft.rfft(torch.nn.functional.pad(K, (0, u.shape[0])))
    out = ud * Kd
    return torch.fft.irfft(out)[: u.shape[0]]


L = 16
u = torch.randn(L, dtype=torch.float64)
_, y_rec = scan_ssm(Ab, Bb, Cb, u, torch.zeros(N, 1, dtype=torch.float64))
K = K_conv(Ab, Bb, Cb, L)
y_fft = causal_convolution(u, K)
y_direct = causal_convolution(u, K, nofft=True)
print("kernel K[:6]:", K[:6])
print("recurrent y[:6]:", y_rec[:6])
print("rec vs fft:", torch.allclose(y_rec, y_fft), "rec vs conv1d:", torch.allclose(y_rec, y_direct))
print("max err:", f"{(y_rec - y_fft).abs().max().item():.2e}" if (y_rec - y_fft).abs().max() > 1e-12 else "tiny")

# powers via repeated squaring vs matrix_power
Ab8 = Ab @ Ab @ Ab @ Ab @ Ab @ Ab @ Ab @ Ab
print("matrix_power(8) agrees:", torch.allclose(Ab8, torch.linalg.matrix_power(Ab, 8)))
print("matrix_power(-1) is inverse:", torch.allclose(torch.linalg.matrix_power(Ab, -1), torch.linalg.inv(Ab)))

# float32 version as a model would store it
A32 = make_hippo(8, dtype=torch.float32)
Ab32 = torch.linalg.solve(torch.eye(8) - A32 / 32, torch.eye(8) + A32 / 32)
print("float32 Ab dtype:", Ab32.dtype, "trace:", f"{torch.trace(Ab32).item():.4f}")
print("det:", f"{torch.linalg.det(Ab32.double()).item():.4f}", "slogdet sign:", torch.linalg.slogdet(Ab32.double()).sign.item())

# errors people hit when wiring this up
try:
    torch.linalg.solve(torch.eye(3), torch.ones(4))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.linalg.matrix_exp(torch.ones(2, 3))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.linalg.inv(torch.zeros(3, 3))
except Exception as e:
    print(type(e).__name__ + ":", e)
try:
    torch.linalg.matrix_power(torch.eye(2, dtype=torch.int64), -1)
except RuntimeError as e:
    print("RuntimeError:", e)
