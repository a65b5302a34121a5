"""S4D: diagonal state space kernels with complex parameters, applied by FFT convolution.

Follows the structure of the "S4D" minimal implementation: the kernel
K[l] = 2 * Re( sum_n C_n * (exp(dt A_n) - 1)/A_n * exp(dt A_n l) ),
computed through a Vandermonde product, then y = u * K via rfft/irfft of size 2L.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)


class S4DKernel(nn.Module):
    def __init__(self, d_model, N=8, dt_min=0.001, dt_max=0.1):
        super().__init__()
        H = d_model
        log_dt = torch.rand(H) * (math.log(dt_max) - math.log(dt_min)) + math.log(dt_min)
        C = torch.randn(H, N // 2, dtype=torch.cfloat)
        self.C = nn.Parameter(torch.view_as_real(C))
        self.log_dt = nn.Parameter(log_dt)
        log_A_real = torch.log(0.5 * torch.ones(H, N // 2))
        A_imag = math.pi * torch.arange(N // 2).repeat(H, 1)
        self.log_A_real = nn.Parameter(log_A_real)
        self.A_imag = nn.Parameter(A_imag)

    def forward(self, L):
        dt = torch.exp(self.log_dt)  # (H)
        C = torch.view_as_complex(self.C)  # (H N)
        A = -torch.exp(self.log_A_real) + 1j * self.A_imag  # (H N)
        dtA = A * dt.unsqueeze(-1)
        K = dtA.unsqueeze(-1) * torch.arange(L, device=A.device)  # (H N L)
        C = C * (torch.exp(dtA) - 1.) / A
        K = 2 * torch.einsum('hn, hnl -> hl', C, torch.exp(K)).real
        return K


class S4D(nn.Module):
    def __init__(self, d_model, d_state=8, dropout=0.0):
        super().__init__()
        self.h = d_model
        self.D = nn.Parameter(torch.randn(self.h))
        self.kernel = S4DKernel(self.h, N=d_state)
        self.activation = nn.GELU()
        self.dropout = nn.Dropout(dropout) if dropout > 0 else nn.Identity()
        self.output_linear = nn.Sequential(
            nn.Conv1d(self.h, 2 * self.h, kernel_size=1),
            nn.GLU(dim=-2),
        )

    def forward(self, u):
        L = u.size(-1)
        k = self.kernel(L=L)
        k_f = torch.fft.rfft(k, n=2 * L)
        u_f = torch.fft.rfft(u, n=2 * L)
        y = torch.fft.irfft(u_f * k_f, n=2 * L)[..., :L]
        y = y + u * self.D.unsqueeze(-1)
        y = self.dropout(self.activation(y))
        y = self.output_linear(y)
        return y


layer = S4D(4, d_state=6)
print(layer)
for name, p in layer.named_parameters():
    print(f"{name:28s} {tuple(p.shape)} {p.dtype}")

C = torch.view_as_complex(layer.kernel.C)
print("C dtype:", C.dtype, "shape:", tuple(C.shape))
print("|C| mean:", f"{C.abs().mean().item():.4f}", "angle[0]:", torch.round(C.angle()[0], decimals=4))

K = layer.kernel(16)
print("kernel shape", K.shape, K.dtype)
print(K[:, :5])

u = torch.randn(2, 4, 16)
y = layer(u)
print("output:", y.shape, y.dtype)
print(y[0, :, :4])

# conv mode vs recurrent mode with the same discretization (ZOH on diagonal A)
with torch.no_grad():
    kern = layer.kernel
    dt = kern.log_dt.exp()
    A = torch.complex(-kern.log_A_real.exp(), kern.A_imag)
    dA = torch.exp(A * dt[:, None])
    dB = (dA - 1) / A
    Cc = torch.view_as_complex(kern.C)
    x = torch.zeros(4, 3, dtype=torch.complex64)
    ys = []
    for t in range(16):
        x = dA * x + dB * u[0, :, t, None]
        ys.append(2 * (Cc * x).sum(-1).real)
    y_rec = torch.stack(ys, dim=-1)
    k = kern(16)
    y_conv = torch.fft.irfft(torch.fft.rfft(u[0], n=32) * torch.fft.rfft(k, n=32), n=32)[..., :16]
    print("recurrent == convolution:", torch.allclose(y_rec, y_conv, atol=1e-5))
    print("y_rec[:, :4]:", y_rec[:, :4])

# Vandermonde in three ways
z = torch.exp(torch.complex(torch.tensor([-0.1, -0.2, -0.3]), torch.tensor([0.5, 1.0, 1.5])))
L = 6
V1 = z.unsqueeze(-1) ** torch.arange(L)
V2 = torch.exp(torch.log(z).unsqueeze(-1) * torch.arange(L))
V3 = torch.cumprod(torch.cat([torch.ones(3, 1, dtype=z.dtype), z.unsqueeze(-1).expand(3, L - 1)], dim=-1), dim=-1)
print("V1 dtype:", V1.dtype)
print("pow vs exp-log:", torch.allclose(V1, V2, atol=1e-6), "pow vs cumprod:", torch.allclose(V1, V3, atol=1e-6))
print("V real:\n", V1.real)
print("V imag:\n", V1.imag)
print("V abs:\n", V1.abs())
print("torch.vander:", torch.vander(torch.tensor([1.0, 2.0, 3.0]), N=4))
print("increasing:", torch.vander(torch.tensor([2, 3]), N=3, increasing=True))
print("complex repr:", z)
print("conj:", z.conj(), z.conj().is_conj())
print("resolved:", z.conj().resolve_conj().is_conj())
print("polar:", torch.polar(torch.tensor([1.0, 2.0]), torch.tensor([0.0, math.pi / 2])))

# gradient through complex kernel
layer.zero_grad()
loss = layer(u).pow(2).mean()
loss.backward()
print("loss:", f"{loss.item():.4f}")
for name, p in layer.named_parameters():
    print(f"grad {name:28s} norm={p.grad.norm().item():.4f}")
print("A_imag grad finite:", torch.isfinite(layer.kernel.A_imag.grad).all().item())

# frequency response of the kernel
Kf = torch.fft.rfft(K.detach(), n=32)
print("freq response shape:", Kf.shape, Kf.dtype)
print("|H(0)|:", Kf[:, 0].abs())
print("fftfreq:", torch.fft.rfftfreq(8))
print("fftshift:", torch.fft.fftshift(torch.arange(6)))
print("ifft(fft) real:", torch.fft.ifft(torch.fft.fft(torch.tensor([1.0, 2.0, 3.0, 4.0]))).real)
print("hfft:", torch.fft.hfft(torch.tensor([1.0 + 0j, 2 - 1j, 3 + 0j]), n=4))

try:
    torch.view_as_complex(torch.randn(3, 3))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.view_as_real(torch.randn(3))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.complex(torch.randn(2), torch.randn(2, dtype=torch.float64))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.fft.irfft(torch.randn(4, dtype=torch.cfloat), n=0)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.zeros(2, dtype=torch.cfloat) < 1
except RuntimeError as e:
    print("RuntimeError:", e)
