"""CP (CANDECOMP/PARAFAC) decomposition by alternating least squares, as in a tensor-methods course
notebook: mode-n unfolding with permute/reshape, the Khatri-Rao product, the ALS update through the
Hadamard product of Gram matrices and pinv (and, as a check, torch.linalg.lstsq), column
normalisation into weights lambda, the fit per sweep, and a few sanity checks on the helpers."""
import torch

torch.manual_seed(0)
torch.set_printoptions(precision=4, sci_mode=False)


def unfold(X, mode):
    """Mode-n unfolding (Kolda & Bader): rows indexed by mode n, columns by the others in order."""
    return X.movedim(mode, 0).reshape(X.shape[mode], -1)


def fold(M, mode, shape):
    full = [shape[mode]] + [s for i, s in enumerate(shape) if i != mode]
    return M.reshape(full).movedim(0, mode)


def khatri_rao(A, B):
    """Column-wise Kronecker product: (I x R), (J x R) -> (I*J x R)."""
    I, R = A.shape
    J, R2 = B.shape
    if R != R2:
        raise ValueError(f"khatri_rao: rank mismatch {R} vs {R2}")
    return (A.unsqueeze(1) * B.unsqueeze(0)).reshape(I * J, R)


def cp_to_tensor(weights, factors):
    A, B, C = factors
    return torch.einsum("r,ir,jr,kr->ijk", weights, A, B, C)


# --- the helpers on a tiny example ------------------------------------------------------------------
X = torch.arange(24, dtype=torch.float32).reshape(2, 3, 4)
print("X mode-0 unfolding:\n", unfold(X, 0))
print("mode-1 unfolding shape:", tuple(unfold(X, 1).shape))
print("mode-2 unfolding:\n", unfold(X, 2))
print("fold(unfold) roundtrip:", all(torch.equal(fold(unfold(X, m), m, X.shape), X) for m in range(3)))

A = torch.tensor([[1., 2.], [3., 4.]])
B = torch.tensor([[5., 6.], [7., 8.], [9., 10.]])
kr = khatri_rao(A, B)
print("khatri-rao:\n", kr)
kron_cols = torch.stack([torch.kron(A[:, r], B[:, r]) for r in range(2)], dim=1)
print("matches kron per column:", torch.equal(kr, kron_cols))
try:
    khatri_rao(A, torch.ones(3, 3))
except ValueError as e:
    print("ValueError:", e)

# --- a synthetic rank-3 tensor plus a little noise ------------------------------------------------------
I, J, K, R = 8, 7, 6, 3
true = [torch.randn(I, R), torch.randn(J, R), torch.randn(K, R)]
T = cp_to_tensor(torch.ones(R), true)
T = T + 0.01 * torch.randn_like(T)
print("tensor:", tuple(T.shape), T.dtype, f"norm {T.norm().item():.4f}")
# the unfolding identity X_(0) = A (C kr B)^T for the noise-free tensor
T0 = cp_to_tensor(torch.ones(R), true)
print("unfolding identity:", torch.allclose(unfold(T0, 0), true[0] @ khatri_rao(true[1], true[2]).T, atol=1e-4))


def cp_als(T, rank, n_iter=40, seed=1, verbose=True):
    g = torch.Generator().manual_seed(seed)
    factors = [torch.rand(s, rank, generator=g) for s in T.shape]
    weights = torch.ones(rank)
    norm_T = T.norm()
    history = []
    for it in range(n_iter):
        for mode in range(3):
            others = [factors[m] for m in range(3) if m != mode]
            V = (others[0].T @ others[0]) * (others[1].T @ others[1])
            kr = khatri_rao(others[0], others[1])
            factors[mode] = unfold(T, mode) @ kr @ torch.linalg.pinv(V)
            weights = factors[mode].norm(dim=0)
            factors[mode] = factors[mode] / weights
        rec = cp_to_tensor(weights, factors)
        rel = ((T - rec).norm() / norm_T).item()
        history.append(rel)
        if verbose and it % 10 == 0:
            print(f"  sweep {it:2d}  rel.error {rel:.4f}  fit {1 - rel:.4f}")
    return weights, factors, history


weights, factors, hist = cp_als(T, R)
print("final rel.error < 0.01:", hist[-1] < 0.01)
print("error is non-increasing:", all(b <= a + 1e-5 for a, b in zip(hist, hist[1:])))
order = torch.argsort(weights, descending=True)
print("sorted weights:", weights[order].round(decimals=2))
print("factor column norms:", [f.norm(dim=0).round(decimals=4).tolist() for f in factors])

# factor match score (congruence), invariant to scaling and permutation
def congruence(F, G):
    Fn = F / F.norm(dim=0, keepdim=True)
    Gn = G / G.norm(dim=0, keepdim=True)
    return (Fn.T @ Gn).abs()

score = torch.ones(R, R)
for f, t in zip(factors, true):
    score = score * congruence(f, t)
best, perm = score.max(dim=1)
print("factor match score > 0.99:", bool((best > 0.99).all()), "perm is a permutation:",
      sorted(perm.tolist()) == list(range(R)))

# lstsq gives the same mode-0 update as the normal equations
others = [factors[1], factors[2]]
kr = khatri_rao(*others)
sol = torch.linalg.lstsq(kr, unfold(T, 0).T).solution.T
ne = unfold(T, 0) @ kr @ torch.linalg.pinv((others[0].T @ others[0]) * (others[1].T @ others[1]))
print("lstsq solution shape:", tuple(sol.shape), "agrees:", torch.allclose(sol, ne, atol=1e-3))
res = torch.linalg.lstsq(kr.double(), unfold(T, 0).T.double())
print("lstsq:", res.solution.dtype, tuple(res.residuals.shape), res.rank, res.singular_values)
small = torch.linalg.lstsq(torch.tensor([[1., 0.], [1., 1.], [1., 2.]]), torch.tensor([[1.], [2.], [2.]]))
print(small)
sol2, = torch.linalg.lstsq(torch.tensor([[2., 0.], [0., 4.]]), torch.tensor([1., 2.]).unsqueeze(-1))[:1]
print(sol2.squeeze(-1), torch.linalg.lstsq(torch.eye(2, dtype=torch.float64), torch.ones(2, 1, dtype=torch.float64), driver="gelsd"))

# the residuals of the gelsd driver, and their gradient with respect to the design matrix
krg = kr.double().requires_grad_()
res = torch.linalg.lstsq(krg, unfold(T, 0).T.double(), driver="gelsd")
print("residual per column:", res.residuals.round(decimals=4), res.residuals.grad_fn.name())
res.residuals.sum().backward()
print(f"d(sum residuals)/d(kr) norm: {krg.grad.norm():.4f}")

# an over-parameterised rank makes the Khatri-Rao matrix rank deficient: lstsq finds the rank.
# gelsd decides the rank from singular values, far from its threshold here; gelsy's pivoted QR decides it
# from a residual column norm at rounding level, which torch's own LAPACK rounds differently from CPU to
# CPU (rank 3 on one machine, 2 on another)
dup = torch.cat([kr, kr[:, :1]], dim=1)          # a repeated column
sol = torch.linalg.lstsq(dup, unfold(T, 0).T, driver="gelsd")
print("rank of [kr, kr[:, 0]]:", sol.rank.item(), "| min-norm split of the repeated column:",
      torch.allclose(sol.solution[0], sol.solution[3], atol=1e-3))
print(f"solution norm: {sol.solution.norm():.3f}")

# under- and over-fitting the rank
for r in (1, 2, 3, 4):
    _, _, h = cp_als(T, r, n_iter=30, verbose=False)
    print(f"rank {r}: rel.error {h[-1]:.3f}")

# pinv of the Gram Hadamard product on a degenerate (rank-deficient) case
V = torch.ones(3, 3)
print("pinv of ones(3,3):\n", torch.linalg.pinv(V))
print("pinv hermitian:\n", torch.linalg.pinv(V, hermitian=True))
try:
    torch.linalg.pinv(torch.ones(3))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.linalg.lstsq(torch.randn(4, 3), torch.randn(5, 2))
except RuntimeError as e:
    print("RuntimeError:", e)
