"""Tucker decomposition as in a multilinear-algebra notebook: the higher-order SVD (HOSVD) from the
left singular vectors of each unfolding, mode-n products written three ways (tensordot, einsum,
unfold/matmul/fold), the core tensor and its all-orthogonality, truncation to a multilinear rank
and the error bound, HOOI refinement, compression ratios, and a float64 variant."""
import math

import torch

torch.manual_seed(0)
torch.set_printoptions(precision=4, sci_mode=False)


def unfold(X, mode):
    return torch.moveaxis(X, mode, 0).reshape(X.shape[mode], -1)


def mode_dot(X, M, mode):
    """X x_n M : contracts mode n of X with the columns of M (M is J x I_n)."""
    out = torch.tensordot(M, X, dims=([1], [mode]))      # new mode comes first
    return torch.movedim(out, 0, mode)


def mode_dot_unfold(X, M, mode):
    shape = list(X.shape)
    shape[mode] = M.shape[0]
    Y = M @ unfold(X, mode)
    rest = [s for i, s in enumerate(shape) if i != mode]
    return Y.reshape([shape[mode]] + rest).movedim(0, mode)


def multi_mode_dot(X, mats, transpose=False):
    for mode, M in enumerate(mats):
        X = mode_dot(X, M.T if transpose else M, mode)
    return X


# --- mode-n products three ways --------------------------------------------------------------------------
X = torch.arange(1., 25.).reshape(3, 4, 2)
U = torch.tensor([[1., 3., 5.], [2., 4., 6.]])
print("X x_1 U (tensordot):\n", mode_dot(X, U, 0))
print("same via einsum:", torch.equal(mode_dot(X, U, 0), torch.einsum("ji,iab->jab", U, X)))
print("same via unfold:", torch.equal(mode_dot(X, U, 0), mode_dot_unfold(X, U, 0)))
V = torch.ones(1, 2)
print("X x_3 ones(1,2):\n", mode_dot(X, V, 2).squeeze(-1))
try:
    torch.tensordot(U, X, dims=([1], [1]))
except RuntimeError as e:
    print("RuntimeError:", e)
print("tensordot dims=2:", torch.tensordot(torch.ones(2, 3, 4), torch.ones(3, 4, 5), dims=2).shape)
print("tensordot dims=0 shape:", tuple(torch.tensordot(torch.ones(2), torch.ones(3), dims=0).shape))

# --- a tensor with low multilinear rank plus noise ---------------------------------------------------------
shape, ranks = (10, 9, 8), (3, 2, 4)
G_true = torch.randn(ranks)
facs = [torch.linalg.qr(torch.randn(s, r)).Q for s, r in zip(shape, ranks)]
T = multi_mode_dot(G_true, facs) + 0.02 * torch.randn(shape)
print("T:", tuple(T.shape), f"norm {T.norm():.4f}")

# multilinear rank from the singular values of each unfolding
for n in range(3):
    s = torch.linalg.svdvals(unfold(T, n))
    print(f"mode {n} singular values:", s[:5].round(decimals=3))
    print(f"   numerical rank (tol 0.5): {int((s > 0.5).sum())}")


def hosvd(T, ranks):
    factors = []
    for n, r in enumerate(ranks):
        Un, _, _ = torch.linalg.svd(unfold(T, n), full_matrices=False)
        factors.append(Un[:, :r])
    core = multi_mode_dot(T, factors, transpose=True)
    return core, factors


core, factors = hosvd(T, ranks)
print("core shape:", tuple(core.shape), "factor shapes:", [tuple(f.shape) for f in factors])
rec = multi_mode_dot(core, factors)
err = (T - rec).norm() / T.norm()
print(f"HOSVD rel.error: {err:.4f}")
print("factors orthonormal:", all(torch.allclose(f.T @ f, torch.eye(f.shape[1]), atol=1e-5) for f in factors))
# all-orthogonality: slices of the core are mutually orthogonal, their norms are the singular values
full_core, _ = hosvd(T, shape)
g0 = unfold(full_core, 0)
gram = g0 @ g0.T
off = gram - torch.diag(torch.diagonal(gram))
print("core all-orthogonal:", bool(off.abs().max() < 1e-3 * gram.abs().max()))
print("slice norms = sigma:", torch.allclose(torch.diagonal(gram).sqrt(), torch.linalg.svdvals(unfold(T, 0)), atol=1e-4))
print("core energy = ||T||^2:", math.isclose(full_core.pow(2).sum().item(), T.pow(2).sum().item(), rel_tol=1e-4))

# error bound: ||T - T_hat||^2 <= sum over modes of the discarded sigma^2
bound = sum(torch.linalg.svdvals(unfold(T, n))[r:].pow(2).sum() for n, r in enumerate(ranks))
print("error within bound:", bool((T - rec).norm() ** 2 <= bound + 1e-6))


def hooi(T, ranks, n_iter=5):
    _, factors = hosvd(T, ranks)
    for it in range(n_iter):
        for n in range(3):
            Y = T
            for m in range(3):
                if m != n:
                    Y = mode_dot(Y, factors[m].T, m)
            Un, _, _ = torch.linalg.svd(unfold(Y, n), full_matrices=False)
            factors[n] = Un[:, :ranks[n]]
        core = multi_mode_dot(T, factors, transpose=True)
        print(f"  HOOI iter {it}: core norm {core.norm():.4f}")
    return core, factors


core2, factors2 = hooi(T, ranks, n_iter=3)
err2 = (T - multi_mode_dot(core2, factors2)).norm() / T.norm()
print("HOOI no worse than HOSVD:", bool(err2 <= err + 1e-6))

# --- compression across multilinear ranks ----------------------------------------------------------------
n_full = T.numel()
for rk in [(1, 1, 1), (2, 2, 2), (3, 2, 4), (5, 5, 5)]:
    c, fs = hosvd(T, rk)
    n_params = c.numel() + sum(f.numel() for f in fs)
    e = ((T - multi_mode_dot(c, fs)).norm() / T.norm()).item()
    print(f"ranks {rk}: params {n_params:4d} ({n_params / n_full:.1%}), rel.error {e:.3f}")

# float64 and a batched SVD of all frontal slices at once
T64 = T.double()
Ub, Sb, Vhb = torch.linalg.svd(T64.permute(2, 0, 1), full_matrices=False)
print("batched svd shapes:", tuple(Ub.shape), tuple(Sb.shape), tuple(Vhb.shape), Sb.dtype)
print("batched reconstruction ok:", torch.allclose(Ub @ torch.diag_embed(Sb) @ Vhb, T64.permute(2, 0, 1)))
print("top singular value per slice:", Sb[:, 0].round(decimals=3))
Uc, Sc, Vc = torch.svd(unfold(T, 1))
print("torch.svd returns V, not Vh:", tuple(Vc.shape), torch.allclose((Uc * Sc) @ Vc.T, unfold(T, 1), atol=1e-4))
print(torch.linalg.svd(torch.tensor([[3., 0.], [0., -2.]])))
try:
    torch.linalg.svd(torch.ones(3, 3, dtype=torch.long))
except RuntimeError as e:
    print("RuntimeError:", e)
