"""A variational quantum eigensolver written directly in PyTorch, as in "VQE from scratch" blog
posts: a transverse-field Ising Hamiltonian on 3 qubits built with torch.kron, its exact ground
energy from linalg.eigh, a hardware-efficient ansatz whose rotation gates are made from real
nn.Parameters (RZ via torch.exp(1j*theta) / torch.polar, RY via torch.complex of cos/sin, RX via
torch.linalg.matrix_exp of an anti-Hermitian generator), CZ entanglers, the energy <psi|H|psi> as
a real loss with autograd through the complex statevector, Adam updates, and a gradient check
against the parameter-shift rule."""
import math

import torch
import torch.nn as nn

torch.manual_seed(7)
C = torch.complex64
I2 = torch.eye(2, dtype=C)
X = torch.tensor([[0, 1], [1, 0]], dtype=C)
Z = torch.tensor([[1, 0], [0, -1]], dtype=C)


def kron_all(ops):
    out = ops[0]
    for o in ops[1:]:
        out = torch.kron(out, o)
    return out


def ising(n, h):
    H = torch.zeros(2 ** n, 2 ** n, dtype=C)
    for i in range(n - 1):
        H -= kron_all([Z if q in (i, i + 1) else I2 for q in range(n)])
    for i in range(n):
        H -= h * kron_all([X if q == i else I2 for q in range(n)])
    return H


def rz(theta):
    e = torch.polar(torch.ones_like(theta), -theta / 2)
    return torch.diag(torch.stack([e, e.conj()]))


def rz_exp(theta):
    return torch.diag(torch.stack([torch.exp(-0.5j * theta), torch.exp(0.5j * theta)]))


def ry(theta):
    c, s = torch.cos(theta / 2), torch.sin(theta / 2)
    zero = torch.zeros_like(c)
    return torch.stack([torch.stack([torch.complex(c, zero), torch.complex(-s, zero)]),
                        torch.stack([torch.complex(s, zero), torch.complex(c, zero)])])


def rx(theta):
    return torch.linalg.matrix_exp(-0.5j * theta.to(C) * X)


def apply_1q(psi, gate, q, n):
    psi = psi.reshape([2] * n)
    psi = torch.movedim(torch.tensordot(gate, psi, dims=([1], [q])), 0, q)
    return psi.reshape(-1)


def cz_diag(n):
    d = torch.ones(2 ** n)
    idx = torch.arange(2 ** n)
    for q in range(n - 1):
        b0 = (idx >> (n - 1 - q)) & 1
        b1 = (idx >> (n - 2 - q)) & 1
        d = d * torch.where((b0 & b1).bool(), -1.0, 1.0)
    return d.to(C)


class Ansatz(nn.Module):
    def __init__(self, n, layers):
        super().__init__()
        self.n = n
        self.theta = nn.Parameter(0.1 * torch.randn(layers, n, 2))
        self.register_buffer("cz", cz_diag(n))

    def forward(self):
        psi = torch.zeros(2 ** self.n, dtype=C)
        psi[0] = 1
        for layer in self.theta:
            for q in range(self.n):
                psi = apply_1q(psi, ry(layer[q, 0]), q, self.n)
                psi = apply_1q(psi, rz(layer[q, 1]), q, self.n)
            psi = self.cz * psi
        return psi


def energy(psi, H):
    return torch.vdot(psi, H @ psi).real


n = 3
H = ising(n, 1.0)
print("H hermitian:", torch.allclose(H, H.conj().T), H.shape, H.dtype)
evals, evecs = torch.linalg.eigh(H)
print("spectrum:", evals.round(decimals=4))
print(f"exact ground energy {evals[0].item():.4f}")
t = torch.tensor(0.7)
print("rz polar == exp:", torch.allclose(rz(t), rz_exp(t)))
print("rx unitary:", torch.allclose(rx(t) @ rx(t).mH, I2, atol=1e-6))
print("rx == cos - i sin X:", torch.allclose(rx(t), math.cos(0.35) * I2 - 1j * math.sin(0.35) * X, atol=1e-6))
print("ry real:", ry(t).imag.abs().max().item() == 0.0, ry(t).dtype)

model = Ansatz(n, 2)
psi = model()
e = energy(psi, H)
e.backward()
print(f"initial energy {e.item():.4f}  norm {psi.abs().pow(2).sum().item():.4f}")
print("grad:", model.theta.grad.flatten().round(decimals=3))

# parameter-shift rule for one angle
with torch.no_grad():
    base = model.theta.clone()
    shifts = []
    for sgn in (1, -1):
        model.theta.copy_(base)
        model.theta[0, 1, 0] += sgn * math.pi / 2
        shifts.append(energy(model(), H).item())
    model.theta.copy_(base)
ps = 0.5 * (shifts[0] - shifts[1])
print(f"param-shift {ps:.4f} autograd {model.theta.grad[0, 1, 0].item():.4f}")

opt = torch.optim.Adam(model.parameters(), lr=0.1)
for step in range(40):
    opt.zero_grad()
    loss = energy(model(), H)
    loss.backward()
    opt.step()
    if step % 10 == 0 or step == 39:
        print(f"step {step:2d} energy {loss.item():.4f}")
psi = model().detach()
final = energy(psi, H).item()
overlap = torch.vdot(evecs[:, 0], psi).abs().item() ** 2
print(f"final {final:.3f} exact {evals[0].item():.3f} gap {final - evals[0].item():.3f} overlap {overlap:.3f}")
print("amplitudes:", (psi.abs() ** 2).round(decimals=3))

# gradient through a complex phase parameter: d/dphi |<a|e^{i phi Z}|b>|^2
phi = torch.tensor(0.3, requires_grad=True)
a = torch.tensor([1, 1j], dtype=C) / math.sqrt(2)
U = torch.diag(torch.exp(1j * phi * torch.tensor([1., -1.])))
amp = torch.vdot(a, U @ torch.tensor([1, 1], dtype=C) / math.sqrt(2))
prob = amp.abs() ** 2
prob.backward()
print(f"prob {prob.item():.4f} dprob/dphi {phi.grad.item():.4f} amp {amp.real.item():.4f}{amp.imag.item():+.4f}j")
print(amp.grad_fn.name(), prob.grad_fn.name(), U.dtype)
