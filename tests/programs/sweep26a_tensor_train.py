"""Tensor-train (matrix product state) decomposition as in a TT tutorial: TT-SVD with an
epsilon-based truncation (delta = eps/sqrt(d-1) * ||T||), TT ranks and storage, reconstruction by
contracting the cores, entries computed from a chain of matrices with multi_dot, TT inner products
and norms without forming the full tensor, left-orthogonalisation with QR and rounding; then a
randomized SVD with QR power iterations compared to torch.svd_lowrank."""
import math

import torch
from torch import linalg as LA

torch.manual_seed(0)
torch.set_printoptions(precision=4, sci_mode=False)


def tt_svd(T, eps=1e-6, max_rank=None):
    shape = T.shape
    d = T.dim()
    delta = eps / math.sqrt(d - 1) * LA.vector_norm(T)
    cores, r_prev = [], 1
    C = T.clone()
    for k in range(d - 1):
        C = C.reshape(r_prev * shape[k], -1)
        U, S, Vh = LA.svd(C, full_matrices=False)
        # smallest rank whose discarded tail has norm <= delta
        tail = torch.sqrt(torch.flip(torch.cumsum(torch.flip(S ** 2, [0]), 0), [0]))
        r = int((tail > delta).sum().clamp_min(1))
        if max_rank is not None:
            r = min(r, max_rank)
        cores.append(U[:, :r].reshape(r_prev, shape[k], r))
        C = S[:r, None] * Vh[:r]
        r_prev = r
    cores.append(C.reshape(r_prev, shape[-1], 1))
    return cores


def tt_full(cores):
    out = cores[0]
    for G in cores[1:]:
        out = torch.tensordot(out, G, dims=([-1], [0]))
    return out.squeeze(0).squeeze(-1)


def tt_entry(cores, idx):
    mats = [G[:, i, :] for G, i in zip(cores, idx)]
    return LA.multi_dot(mats).item() if len(mats) > 1 else mats[0].item()


def tt_dot(a, b):
    v = torch.ones(1, 1, dtype=a[0].dtype)
    for A, B in zip(a, b):
        v = torch.einsum("ab,aic,bid->cd", v, A, B)
    return v.squeeze()


def tt_ranks(cores):
    return [1] + [G.shape[-1] for G in cores]


# --- a function tensor: f(x1..x4) = sin(x1 + x2 + x3 + x4) has TT rank 2 --------------------------------
n, d = 8, 4
x = torch.linspace(0, 1, n, dtype=torch.float64)
grids = torch.meshgrid(*([x] * d), indexing="ij")
T = torch.sin(sum(grids))
print("tensor:", tuple(T.shape), T.dtype, "entries:", T.numel())
cores = tt_svd(T, eps=1e-10)
print("TT ranks:", tt_ranks(cores))
print("core shapes:", [tuple(G.shape) for G in cores])
storage = sum(G.numel() for G in cores)
print(f"storage: {storage} numbers ({storage / T.numel():.2%} of the full tensor)")
err = LA.vector_norm(T - tt_full(cores)) / LA.vector_norm(T)
print("reconstruction error < 1e-10:", err.item() < 1e-10)
idx = (1, 5, 2, 7)
print(f"entry {idx}: tt {tt_entry(cores, idx):.6f} full {T[idx].item():.6f}")
print(f"TT norm {tt_dot(cores, cores).sqrt():.6f}  full norm {LA.norm(T):.6f}")

# --- random tensor: ranks grow until the truncation is forced ----------------------------------------------
R = torch.randn(4, 5, 6, 3)
for eps in (0.0, 0.1, 0.3, 0.6):
    cs = tt_svd(R, eps=eps)
    e = (LA.vector_norm(R - tt_full(cs)) / LA.vector_norm(R)).item()
    print(f"eps {eps:.1f}: ranks {tt_ranks(cs)}, rel.error {e:.4f}, within eps: {e <= eps + 1e-6}")
cs = tt_svd(R, max_rank=2)
print("max_rank=2 ranks:", tt_ranks(cs))


# --- left-orthogonalisation by QR ---------------------------------------------------------------------
def left_orthogonalize(cores):
    cores = [G.clone() for G in cores]
    for k in range(len(cores) - 1):
        r0, nk, r1 = cores[k].shape
        Q, Rm = LA.qr(cores[k].reshape(r0 * nk, r1))
        cores[k] = Q.reshape(r0, nk, Q.shape[1])
        cores[k + 1] = torch.tensordot(Rm, cores[k + 1], dims=1)
    return cores


# perturb the sin cores so they are no longer orthogonal, then re-orthogonalise
noisy = [G * (1 + 0.1 * torch.randn(G.shape, dtype=G.dtype)) for G in cores]
lo = left_orthogonalize(noisy)
print("same tensor after QR sweep:", torch.allclose(tt_full(lo), tt_full(noisy)))
G1 = lo[1].reshape(-1, lo[1].shape[-1])
print("core 1 left-orthogonal:", torch.allclose(G1.T @ G1, torch.eye(G1.shape[1], dtype=G1.dtype)))
print(f"norm from last core: {LA.vector_norm(lo[-1]):.6f}  via tt_dot: {tt_dot(noisy, noisy).sqrt():.6f}")
Q, Rm = LA.qr(torch.randn(5, 3), mode="complete")
print("complete QR shapes:", tuple(Q.shape), tuple(Rm.shape), "R upper:", torch.equal(Rm, Rm.triu()))
print("mode='r' Q is empty:", LA.qr(torch.randn(5, 3), mode="r").Q.shape)
try:
    LA.qr(torch.randn(4, 3), mode="full")
except RuntimeError as e:
    print("RuntimeError:", e)

# --- randomized SVD (Halko, Martinsson, Tropp) -------------------------------------------------------------
torch.manual_seed(1)
m, k = 60, 40
U0 = LA.qr(torch.randn(m, m)).Q
V0 = LA.qr(torch.randn(k, k)).Q
s_true = 2.0 ** -torch.arange(k, dtype=torch.float32)
A = U0[:, :k] @ torch.diag(s_true) @ V0.T


def randomized_svd(A, rank, oversample=5, n_iter=2, seed=0):
    g = torch.Generator().manual_seed(seed)
    Omega = torch.randn(A.shape[1], rank + oversample, generator=g)
    Y = A @ Omega
    Q, _ = LA.qr(Y)
    for _ in range(n_iter):
        Z, _ = LA.qr(A.mT @ Q)
        Q, _ = LA.qr(A @ Z)
    B = Q.mT @ A
    Ub, S, Vh = LA.svd(B, full_matrices=False)
    return (Q @ Ub)[:, :rank], S[:rank], Vh[:rank]


for q in (0, 1, 2):
    Ur, Sr, Vhr = randomized_svd(A, 6, n_iter=q)
    rel = (LA.matrix_norm(A - Ur @ torch.diag(Sr) @ Vhr, ord=2) / s_true[6]).item()
    print(f"power iters {q}: top sigma {Sr[:3].round(decimals=4).tolist()}, error/sigma_7 {rel:.2f}")
print("exact sigma:", s_true[:6])
U2, S2, V2 = torch.svd_lowrank(A, q=6, niter=2)
print("svd_lowrank shapes:", tuple(U2.shape), tuple(S2.shape), tuple(V2.shape))
print("svd_lowrank top sigma:", S2[:3].round(decimals=4))
print("nuclear norm:", f"{LA.matrix_norm(A, ord='nuc'):.4f}", "fro:", f"{LA.matrix_norm(A):.4f}")
print("spectral norm:", f"{LA.norm(A, 2):.4f}", "cond:", f"{LA.cond(A[:, :4]):.3f}")
try:
    LA.matrix_norm(A, ord=3)
except RuntimeError as e:
    print("RuntimeError:", e)
