"""A tour of complex tensors as in a "complex numbers in PyTorch" tutorial: construction with
1j literals, torch.complex, torch.polar and dtype=torch.cfloat; printing at several magnitudes
(tiny, huge, mixed, integer-valued, nan/inf parts, sci-mode, print options); .real/.imag/.abs()/
.angle(); lazy conjugation (.conj(), is_conj, resolve_conj, conj_physical, .mH/.adjoint());
view_as_real / view_as_complex round trips and writes through views; type promotion of complex
with float/int scalars; reductions; sorting-free ops (abs/sgn/exp/log/sqrt/reciprocal) and
comparisons (eq, isclose)."""
import math

import torch

torch.manual_seed(11)

z = torch.tensor([1 + 2j, -3.5 + 0.25j, 0 - 1j, 2.0])
print(z, z.dtype)
print(torch.complex(torch.tensor([1.0, 2.0]), torch.tensor([0.5, -0.5])))
print(torch.polar(torch.tensor([1.0, 2.0]), torch.tensor([0.0, math.pi / 2])))
print(torch.zeros(2, dtype=torch.cfloat), torch.ones(2, 2, dtype=torch.cdouble))
print(torch.tensor([1e-5 + 1e-6j, 3e-7j]))
print(torch.tensor([1e6 + 2j, 12345.678 - 0.001j]))
print(torch.tensor([[1e10 + 1j, 1 + 1e-10j], [0j, -1 - 1j]], dtype=torch.complex128))
print(torch.tensor([float("nan") + 1j, complex(1, float("inf")), complex(float("-inf"), 0)]))
print(torch.tensor([3 + 4j, 5 - 12j]) * 1.0)
print(torch.randn(3, 3, dtype=torch.cfloat))
print(torch.randn(2, 3, dtype=torch.complex128) * 1000)

print("real:", z.real, "imag:", z.imag)
print("abs:", z.abs(), "angle:", z.angle())
print("sgn:", z.sgn())
print("polar roundtrip:", torch.allclose(torch.polar(z.abs(), z.angle()), z))
zc = z.conj()
print("conj:", zc, zc.is_conj(), z.is_conj())
print("resolve:", zc.resolve_conj().is_conj(), "physical:", z.conj_physical().is_conj())
print("conj imag:", zc.imag)
M = torch.arange(6, dtype=torch.float32).reshape(2, 3) + 1j * torch.ones(2, 3)
print("mH:", M.mH, M.mH.is_conj())
print("adjoint == conj().T:", torch.equal(M.adjoint(), M.conj().transpose(0, 1)))
print("real tensor conj is itself:", torch.ones(2).conj().is_conj())

r = torch.view_as_real(z)
print("view_as_real:", r, r.shape, r.dtype)
r[0, 1] = 10.0
print("after write through view:", z[0])
back = torch.view_as_complex(torch.tensor([[1.0, 2.0], [3.0, -4.0]]))
print("view_as_complex:", back, back.dtype)
try:
    torch.view_as_real(z.conj())
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.view_as_complex(torch.ones(3, 3))
except RuntimeError as e:
    print("RuntimeError:", e)
z.real[1] = 7.0
z.imag.mul_(2)
print("edited:", z)

# promotion
i = torch.tensor([1, 2, 3])
print((i * 1j).dtype, (i + 0.5j), (torch.ones(2, dtype=torch.float64) + 1j).dtype)
print((z * 2).dtype, (z / 2), (z ** 2))
print(torch.tensor(1 + 1j).item(), type(torch.tensor(2j).item()).__name__)
print(torch.result_type(z, 1.0), torch.result_type(torch.ones(1, dtype=torch.float64), 1j))
print(torch.promote_types(torch.float64, torch.complex64))

# elementwise math
w = torch.tensor([1 + 1j, -1 + 0.5j, 0.25 - 2j], dtype=torch.complex128)
print("exp:", w.exp())
print("log:", w.log())
print("sqrt:", w.sqrt())
print("reciprocal:", w.reciprocal())
print("abs of exp == exp of real:", torch.allclose(w.exp().abs(), w.real.exp()))
print("mean:", w.mean(), "sum:", w.sum(), "prod:", w.prod())
print("norm:", torch.linalg.vector_norm(w), w.norm())
print("eq:", w == w.conj(), torch.isclose(w, w + 1e-12))
print("isreal:", torch.isreal(torch.tensor([1 + 0j, 1j])))
print("cumsum:", w.cumsum(0))
print(torch.stack([w.real, w.imag], -1).round(decimals=2))

with torch.no_grad():
    torch.set_printoptions(precision=2)
    print(torch.randn(2, 2, dtype=torch.cfloat))
    torch.set_printoptions(sci_mode=True)
    print(torch.tensor([1 + 2j, 300 - 0.5j]))
    torch.set_printoptions(profile="default")
print(torch.tensor([[0.1 + 0.2j] * 4] * 3, dtype=torch.complex64))
print(repr(torch.tensor(1 - 1j)), str(torch.tensor([], dtype=torch.cfloat)))
