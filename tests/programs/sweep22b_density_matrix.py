"""Density matrices as in a quantum-information course notebook: pure states to rho = |psi><psi|
via torch.outer with conj, mixed states, partial trace over a qubit by reshaping to (2,2,2,2) and
einsum / diagonal-sum, purity tr(rho^2), von Neumann entropy from linalg.eigvalsh of a Hermitian
matrix, a depolarizing and an amplitude-damping channel in Kraus form, fidelity via sqrtm built
from linalg.eigh, expectation values of Pauli strings, Bloch vectors and trace distance."""
import math

import torch

torch.manual_seed(3)
C = torch.complex128
I2 = torch.eye(2, dtype=C)
X = torch.tensor([[0, 1], [1, 0]], dtype=C)
Y = torch.tensor([[0, -1j], [1j, 0]], dtype=C)
Z = torch.tensor([[1, 0], [0, -1]], dtype=C)
PAULIS = {"I": I2, "X": X, "Y": Y, "Z": Z}


def ket_to_dm(psi):
    return torch.outer(psi, psi.conj())


def random_state(n):
    v = torch.randn(2 ** n, dtype=C)
    return v / torch.linalg.vector_norm(v)


def ptrace(rho, keep, n):
    """Trace out every qubit not in ``keep`` (einsum over matching bra/ket axes)."""
    t = rho.reshape([2] * (2 * n))
    letters = "abcdefghijklmnop"
    ket = list(letters[:n])
    bra = list(letters[n:2 * n])
    for q in range(n):
        if q not in keep:
            bra[q] = ket[q]
    out = "".join(ket[q] for q in keep) + "".join(bra[q] for q in keep)
    d = 2 ** len(keep)
    return torch.einsum("".join(ket) + "".join(bra) + "->" + out, t).reshape(d, d)


def ptrace_second(rho):
    return rho.reshape(2, 2, 2, 2).diagonal(dim1=1, dim2=3).sum(-1)


def entropy(rho):
    ev = torch.linalg.eigvalsh(rho).clamp(min=1e-12)
    return -(ev * torch.log2(ev)).sum()


def sqrtm_psd(rho):
    w, v = torch.linalg.eigh(rho)
    return v @ torch.diag(w.clamp(min=0).sqrt().to(C)) @ v.conj().T


def fidelity(r, s):
    sr = sqrtm_psd(r)
    return torch.trace(sqrtm_psd(sr @ s @ sr)).real ** 2


def pauli_string(s):
    out = PAULIS[s[0]]
    for ch in s[1:]:
        out = torch.kron(out, PAULIS[ch])
    return out


def bloch(rho):
    return torch.stack([torch.trace(rho @ P).real for P in (X, Y, Z)]).round(decimals=4) + 0.0


bell = torch.tensor([1, 0, 0, 1], dtype=C) / math.sqrt(2)
rho = ket_to_dm(bell)
print("bell rho:\n", rho.real)
print("hermitian:", torch.allclose(rho, rho.mH), "trace:", torch.trace(rho))
print("purity:", f"{torch.trace(rho @ rho).real.item():.4f}")
red = ptrace(rho, [0], 2)
print("reduced:", red)
print("reduced (diag-sum) equal:", torch.allclose(red, ptrace_second(rho)))
print(f"S(bell) = {round(entropy(rho).item(), 4) + 0.0}  S(reduced) = {entropy(red).item():.4f}")

for s in ["ZZ", "XX", "YY", "XZ", "ZI"]:
    print(f"<{s}> = {torch.trace(rho @ pauli_string(s)).real.item():+.4f}")

# random 3-qubit pure state: entanglement entropy of each qubit
psi = random_state(3)
rho3 = ket_to_dm(psi)
for q in range(3):
    r1 = ptrace(rho3, [q], 3)
    print(f"qubit {q}: bloch {bloch(r1).numpy()}  S = {entropy(r1).item():.4f}")
r01 = ptrace(rho3, [0, 1], 3)
print("rho_01 eigenvalues:", torch.linalg.eigvalsh(r01).clamp(min=0).round(decimals=4))
print("S(01) == S(2):", math.isclose(entropy(r01).item(), entropy(ptrace(rho3, [2], 3)).item(), abs_tol=1e-6))


# channels in Kraus form
def depolarize(rho, p):
    return (1 - p) * rho + p / 3 * (X @ rho @ X + Y @ rho @ Y + Z @ rho @ Z)


def amp_damp(rho, g):
    K0 = torch.tensor([[1, 0], [0, math.sqrt(1 - g)]], dtype=C)
    K1 = torch.tensor([[0, math.sqrt(g)], [0, 0]], dtype=C)
    return K0 @ rho @ K0.mH + K1 @ rho @ K1.mH


plus = torch.tensor([1, 1], dtype=C) / math.sqrt(2)
r = ket_to_dm(plus)
for step in range(4):
    r = amp_damp(depolarize(r, 0.1), 0.2)
    w = torch.linalg.eigvalsh(r)
    print(f"step {step}: bloch={bloch(r).numpy()} purity={torch.trace(r @ r).real.item():.4f} "
          f"eig={w.numpy().round(4)} F(+)={fidelity(r, ket_to_dm(plus)).item():.4f}")

# trace distance between two mixed states
a = ket_to_dm(random_state(1))
b = depolarize(ket_to_dm(random_state(1)), 0.3)
td = 0.5 * torch.linalg.eigvalsh(a - b).abs().sum()
print(f"trace distance {td.item():.4f}, F = {fidelity(a, b).item():.4f}")

# random mixed state from a Ginibre matrix
G = torch.randn(4, 4, dtype=C)
M = G @ G.mH
M = M / torch.trace(M)
print("mixed state:", torch.is_complex(M), M.dtype, f"tr={torch.trace(M).real.item():.4f}")
w, v = torch.linalg.eigh(M)
print("eigvals:", w.round(decimals=4))
print("eigvecs unitary:", torch.allclose(v.mH @ v, torch.eye(4, dtype=C)))
print("reconstruct:", torch.allclose(v @ torch.diag_embed(w).to(C) @ v.mH, M))
print(f"entropy {entropy(M).item():.4f} purity {torch.trace(M @ M).real.item():.4f}")
print("diag:", torch.diagonal(M).real.round(decimals=4), M.diagonal().imag.abs().max() < 1e-12)
print(M.real.round(decimals=3))
