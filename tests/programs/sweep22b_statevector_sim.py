"""A small statevector quantum-circuit simulator in the style of "quantum computing from scratch
in PyTorch" notebooks: single-qubit gates as 2x2 complex matrices, full-register operators built
with torch.kron, gates applied by reshaping the state to (2,)*n and contracting one qubit axis with
einsum / tensordot and permuting axes back, CNOT as a 4x4 permutation, phase and controlled-phase
gates via torch.exp(1j*phi), a Bell pair, a GHZ state, a 3-qubit QFT checked against torch.fft,
measurement probabilities with .abs()**2 and outcome sampling with torch.multinomial."""
import math

import torch

torch.manual_seed(0)
C = torch.complex64

I2 = torch.eye(2, dtype=C)
X = torch.tensor([[0, 1], [1, 0]], dtype=C)
Y = torch.tensor([[0, -1j], [1j, 0]], dtype=C)
Z = torch.tensor([[1, 0], [0, -1]], dtype=C)
H = torch.tensor([[1, 1], [1, -1]], dtype=C) / math.sqrt(2)
S = torch.tensor([[1, 0], [0, 1j]], dtype=C)
T = torch.diag(torch.tensor([1, torch.exp(torch.tensor(1j * math.pi / 4))], dtype=C))
CNOT = torch.tensor([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]], dtype=C)


def phase(phi):
    return torch.diag(torch.stack([torch.ones((), dtype=C), torch.exp(1j * torch.tensor(phi)).to(C)]))


def zero_state(n):
    psi = torch.zeros(2 ** n, dtype=C)
    psi[0] = 1
    return psi


def full_op(gate, target, n):
    ops = [gate if q == target else I2 for q in range(n)]
    out = ops[0]
    for o in ops[1:]:
        out = torch.kron(out, o)
    return out


def apply_1q(psi, gate, target, n):
    psi = psi.reshape([2] * n)
    psi = torch.tensordot(gate, psi, dims=([1], [target]))
    psi = torch.movedim(psi, 0, target)
    return psi.reshape(-1)


def apply_2q(psi, gate, q0, q1, n):
    psi = psi.reshape([2] * n)
    rest = [q for q in range(n) if q not in (q0, q1)]
    psi = psi.permute([q0, q1] + rest).reshape(4, -1)
    psi = (gate @ psi).reshape([2, 2] + [2] * len(rest))
    inv = torch.argsort(torch.tensor([q0, q1] + rest)).tolist()
    return psi.permute(inv).reshape(-1)


def apply_einsum(psi, gate, target, n):
    letters = "abcdefgh"[:n]
    out = letters.replace(letters[target], "z")
    spec = f"z{letters[target]},{letters}->{out}"
    return torch.einsum(spec, gate, psi.reshape([2] * n)).reshape(-1)


def probs(psi):
    return psi.abs() ** 2


def fmt(psi):
    return " ".join(f"{z.real:+.4f}{z.imag:+.4f}j" for z in psi.tolist())


print("H|0> =", fmt(H @ zero_state(1)))
print("unitary checks:", [torch.allclose(U.conj().T @ U, torch.eye(U.shape[0], dtype=C)) for U in (X, Y, Z, H, S, T, CNOT)])
print("HZH == X:", torch.allclose(H @ Z @ H, X, atol=1e-6))
print("S*S == Z:", torch.allclose(S @ S, Z), "T^2 == S:", torch.allclose(T @ T, S, atol=1e-6))
print("XY - YX == 2iZ:", torch.allclose(X @ Y - Y @ X, 2j * Z))

# Bell pair via kron-built operators
n = 2
psi = zero_state(n)
psi = full_op(H, 0, n) @ psi
psi = CNOT @ psi
print("bell:", fmt(psi))
print("bell probs:", probs(psi).round(decimals=4))
counts = torch.bincount(torch.multinomial(probs(psi), 1000, replacement=True), minlength=4)
print("bell counts:", counts.tolist())

# GHZ on 4 qubits with reshape/permute application
n = 4
psi = zero_state(n)
psi = apply_1q(psi, H, 0, n)
for q in range(n - 1):
    psi = apply_2q(psi, CNOT, q, q + 1, n)
p = probs(psi)
print("ghz nonzero:", torch.nonzero(p > 1e-6).flatten().tolist(), p[p > 1e-6].round(decimals=4))
print("ghz norm:", f"{torch.linalg.vector_norm(psi).item():.5f}")

# the three application styles agree
g = torch.randn(2, 2, dtype=C)
s = torch.randn(8, dtype=C)
a = full_op(g, 1, 3) @ s
b = apply_1q(s, g, 1, 3)
c = apply_einsum(s, g, 1, 3)
print("kron vs tensordot vs einsum:", torch.allclose(a, b, atol=1e-5), torch.allclose(a, c, atol=1e-5))


# 3-qubit QFT circuit vs fft
def qft(psi, n):
    for j in range(n):
        psi = apply_1q(psi, H, j, n)
        for k in range(j + 1, n):
            cp = torch.diag(torch.tensor([1, 1, 1, 1], dtype=C))
            cp[3, 3] = torch.exp(torch.tensor(1j * math.pi / 2 ** (k - j)))
            psi = apply_2q(psi, cp, k, j, n)
    # reverse qubit order
    return psi.reshape([2] * n).permute(list(range(n))[::-1]).reshape(-1)


n = 3
x = torch.randn(2 ** n, dtype=C)
x = x / torch.linalg.norm(x)
y = qft(x, n)
ref = torch.fft.ifft(x, norm="ortho")
print("qft == ifft(ortho):", torch.allclose(y, ref, atol=1e-5))
print("qft out:", fmt(y[:4]))

# random circuit with phases, sampled measurements per qubit
n = 3
psi = zero_state(n)
for q in range(n):
    psi = apply_1q(psi, H, q, n)
    psi = apply_1q(psi, phase(0.3 * (q + 1)), q, n)
psi = apply_2q(psi, CNOT, 0, 2, n)
psi = apply_1q(psi, H, 1, n)
p = probs(psi)
print("probs:", p.round(decimals=4))
marg = p.reshape(2, 2, 2)
for q in range(n):
    dims = [d for d in range(n) if d != q]
    print(f"P(q{q}=1) = {marg.sum(dim=dims)[1].item():.4f}")
shots = torch.multinomial(p, 256, replacement=True)
bits = ((shots.unsqueeze(-1) >> torch.arange(n - 1, -1, -1)) & 1)
print("shots head:", shots[:12].tolist())
print("bit means:", bits.float().mean(0).round(decimals=3))
expZ = (p.reshape(2, 2, 2) * torch.tensor([1., -1.]).reshape(1, 2, 1)).sum().item()
print(f"<Z1> = {expZ:.4f}")
print("state dtype/shape:", psi.dtype, tuple(psi.shape), psi.is_complex())
print(psi.reshape(2, 4))
