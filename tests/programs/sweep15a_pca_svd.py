"""Blog post "SVD is all you need": PCA on a toy dataset, low-rank image compression,
the Eckart-Young theorem, pseudo-inverses, and a differentiable nuclear-norm penalty
that learns a low-rank matrix completion."""
import torch

torch.manual_seed(11)
torch.set_printoptions(precision=4, sci_mode=False)


def fix_signs(U, Vh):
    """Singular vectors are unique only up to sign: make each column of U have a positive largest entry."""
    s = torch.sign(U.gather(-2, U.abs().argmax(-2, keepdim=True)))
    return U * s, Vh * s.transpose(-2, -1)


# --- PCA on correlated 2-D data ------------------------------------------------------------
n = 200
z = torch.randn(n, 2)
mix = torch.tensor([[3.0, 0.0], [1.2, 0.5]])
X = z @ mix.T + torch.tensor([5.0, -2.0])
print("data:", X.shape, "mean:", X.mean(0))
Xc = X - X.mean(dim=0, keepdim=True)
U, S, Vh = torch.linalg.svd(Xc, full_matrices=False)
U, Vh = fix_signs(U, Vh)
print("U:", U.shape, "S:", S, "Vh:", Vh.shape)
explained = S ** 2 / (S ** 2).sum()
print("explained variance ratio:", explained)
print("principal axes:\n", Vh)
cov = Xc.T @ Xc / (n - 1)
evals = torch.linalg.eigvalsh(cov)
print("cov eigenvalues:", evals.flip(0), "vs S^2/(n-1):", S ** 2 / (n - 1))
print("torch.cov matches:", torch.allclose(torch.cov(X.T), cov, atol=1e-4))
scores = Xc @ Vh.T
print("scores std:", scores.std(0))
X1 = scores[:, :1] @ Vh[:1] + X.mean(0)
print(f"rank-1 reconstruction MSE: {((X1 - X) ** 2).mean().item():.4f}")
# full_matrices=True gives square U
Uf, Sf, Vhf = torch.linalg.svd(Xc)
print("full U:", Uf.shape, "reduced U:", U.shape)
# torch.svd returns V, not Vh
U2, S2, V2 = torch.svd(Xc)
print("torch.svd V is Vh^T:", torch.allclose(V2.abs(), Vh.T.abs(), atol=1e-5), "some=True U:", U2.shape)
print("svdvals:", torch.linalg.svdvals(Xc))
Up, Sp, Vp = torch.pca_lowrank(X, q=2, center=True)
print("pca_lowrank S close:", torch.allclose(Sp, S, rtol=1e-3))

# --- low-rank image compression ----------------------------------------------------------
h, w = 24, 32
yy, xx = torch.meshgrid(torch.linspace(-1, 1, h), torch.linspace(-1, 1, w), indexing="ij")
img = (torch.sin(3 * xx) * torch.cos(2 * yy) + 0.5 * (xx ** 2 + yy ** 2 < 0.3).float()
       + 0.05 * torch.randn(h, w))
U, S, Vh = torch.linalg.svd(img, full_matrices=False)
print("image singular values (top 6):", S[:6])
total = (S ** 2).sum()
for k in [1, 2, 4, 8, 16]:
    approx = U[:, :k] @ torch.diag(S[:k]) @ Vh[:k]
    err = torch.linalg.matrix_norm(img - approx)
    # Eckart-Young: the Frobenius error equals the norm of the discarded singular values
    tail = S[k:].pow(2).sum().sqrt()
    stored = k * (h + w + 1)
    print(f"k={k:2d} rel err={err.item() / img.norm().item():.4f} tail={tail.item():.4f} "
          f"energy={(S[:k] ** 2).sum().item() / total.item():.4f} compression={h * w / stored:.2f}x")
print("rank of image:", torch.linalg.matrix_rank(img).item(), "rank of rank-3 approx:",
      torch.linalg.matrix_rank(U[:, :3] * S[:3] @ Vh[:3]).item())
print("2-norm == S[0]:", torch.allclose(torch.linalg.matrix_norm(img, ord=2), S[0]))
print("nuclear norm == sum S:", torch.allclose(torch.linalg.matrix_norm(img, ord="nuc"), S.sum()))
print(f"condition number: {torch.linalg.cond(img).item():.2f}")

# --- pseudo-inverse ------------------------------------------------------------------------
A = torch.tensor([[1.0, 2.0], [2.0, 4.0], [3.0, 6.1]], dtype=torch.float64)
P = torch.linalg.pinv(A)
print("pinv:\n", P)
print("Moore-Penrose A P A == A:", torch.allclose(A @ P @ A, A))
Us, Ss, Vhs = torch.linalg.svd(A, full_matrices=False)
P2 = Vhs.T @ torch.diag(1 / Ss) @ Us.T
print("pinv via SVD matches:", torch.allclose(P, P2))
print("pinv rcond cut:", torch.linalg.pinv(A, rtol=0.01))
print("pinverse alias:", torch.allclose(torch.pinverse(A), P))
print("hermitian pinv:", torch.linalg.pinv(A.T @ A, hermitian=True).shape)

# --- gradients through the SVD: low-rank matrix completion ---------------------------------
true = (torch.randn(8, 2) @ torch.randn(2, 6)).double()
mask = torch.rand(8, 6) < 0.6
print("observed entries:", int(mask.sum()))
M = torch.zeros(8, 6, dtype=torch.float64, requires_grad=True)
lr, lam = 0.1, 0.05
for it in range(101):
    fit = ((M - true)[mask] ** 2).sum()
    nuc = torch.linalg.matrix_norm(M + 1e-3 * torch.eye(8, 6, dtype=torch.float64), ord="nuc")
    loss = fit + lam * nuc
    loss.backward()
    with torch.no_grad():
        M -= lr * M.grad
    M.grad = None
    if it % 25 == 0:
        print(f"iter {it:3d} fit={fit.item():.4f} nuclear={nuc.item():.3f}")
sv = torch.linalg.svdvals(M.detach())
print("completed singular values (top 3):", sv[:3])
print(f"held-out RMSE: {((M.detach() - true)[~mask] ** 2).mean().sqrt().item():.3f}")
print("nuc grad_fn:", type(nuc.grad_fn).__name__)
print("svdvals grad_fn:", type(torch.linalg.svdvals(M).grad_fn).__name__)
Uq, Sq, Vq = torch.linalg.svd(M, full_matrices=False)
print("svd outputs grad_fn:", type(Uq.grad_fn).__name__, type(Sq.grad_fn).__name__, type(Vq.grad_fn).__name__)
print("spectral norm grad_fn:", type(torch.linalg.matrix_norm(M, 2).grad_fn).__name__)

# spectral normalisation by hand, checked against the top singular value
W = torch.randn(5, 4, requires_grad=True)
sigma = torch.linalg.matrix_norm(W, 2)
(W / sigma).sum().backward()
print(f"sigma={sigma.item():.4f} grad norm={W.grad.norm().item():.4f}")

for bad in [lambda: torch.linalg.svd(torch.ones(3)),
            lambda: torch.linalg.matrix_norm(torch.ones(3, 3), ord=3),
            lambda: torch.linalg.svd(torch.ones(2, 2), driver="gesvd"),
            lambda: torch.linalg.pinv(torch.ones(2, 2, dtype=torch.int64))]:
    try:
        bad()
    except Exception as e:
        print(type(e).__name__, e)
