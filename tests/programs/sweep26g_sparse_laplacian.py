"""Graph and cotangent Laplacians of a grid mesh as sparse COO tensors; explicit and implicit smoothing."""
import torch

torch.manual_seed(1)
torch.set_printoptions(precision=4)

n = 6
ys, xs = torch.meshgrid(torch.linspace(0, 1, n), torch.linspace(0, 1, n), indexing="ij")
z = 0.1 * torch.sin(3 * xs) * torch.cos(2 * ys)
verts = torch.stack([xs, ys, z], dim=-1).reshape(-1, 3)
idx = torch.arange(n * n).reshape(n, n)
a, b = idx[:-1, :-1].flatten(), idx[:-1, 1:].flatten()
c, d = idx[1:, :-1].flatten(), idx[1:, 1:].flatten()
faces = torch.cat([torch.stack([a, b, d], 1), torch.stack([a, d, c], 1)], 0)
V = verts.shape[0]
print("grid mesh", tuple(verts.shape), tuple(faces.shape))

# uniform Laplacian L = D - A
e = torch.cat([faces[:, [0, 1]], faces[:, [1, 2]], faces[:, [2, 0]]])
e = torch.cat([e, e.flip(1)])
A = torch.sparse_coo_tensor(e.t(), torch.ones(e.shape[0]), (V, V)).coalesce()
print("A nnz before clamp", A._nnz(), "max value", A.values().max().item())
A = torch.sparse_coo_tensor(A.indices(), torch.ones_like(A.values()), A.shape).coalesce()
deg = torch.sparse.sum(A, dim=1).to_dense()
print("degree counts", torch.bincount(deg.long()))
print("is_coalesced", A.is_coalesced(), "layout", A.layout, A.dtype)
Ldense = torch.diag(deg) - A.to_dense()
print("row sums zero:", bool(Ldense.sum(1).abs().max() == 0))

noisy = verts + 0.02 * torch.randn_like(verts)
smooth = noisy.clone()
Dinv = 1.0 / deg
for it in range(5):
    smooth = 0.5 * smooth + 0.5 * Dinv[:, None] * torch.sparse.mm(A, smooth)
rough = lambda X: (X - Dinv[:, None] * torch.sparse.mm(A, X)).norm(dim=1).mean().item()
print(f"roughness noisy {rough(noisy):.4f} smooth {rough(smooth):.4f}")

# cotangent weights
tri = verts[faces]
def cot(u, v):
    return (u * v).sum(-1) / torch.linalg.cross(u, v).norm(dim=-1)
cots = []
for k in range(3):
    i, j, o = k, (k + 1) % 3, (k + 2) % 3
    cots.append(cot(tri[:, i] - tri[:, o], tri[:, j] - tri[:, o]))
cots = torch.stack(cots, 1)              # weight of edge (k, k+1) opposite to vertex k+2
ii = faces[:, [0, 1, 2]].flatten()
jj = faces[:, [1, 2, 0]].flatten()
w = 0.5 * cots.flatten()
W = torch.sparse_coo_tensor(torch.stack([torch.cat([ii, jj]), torch.cat([jj, ii])]),
                            torch.cat([w, w]), (V, V)).coalesce()
Wd = W.to_dense()
print("cot W symmetric:", torch.allclose(Wd, Wd.T), "nnz", W._nnz())
Lc = torch.diag(Wd.sum(1)) - Wd
evals = torch.linalg.eigvalsh(Lc.double())
print("smallest eigenvalue ~0:", abs(evals[0].item()) < 1e-5)
print("eigs 1..4", evals[1:5].float())
print("trace", f"{Lc.trace().item():.4f}")

# implicit smoothing (I + t L) x' = x
t = 0.05
M = torch.eye(V) + t * Lc
sm = torch.linalg.solve(M, noisy)
print("implicit smoothing z-std", f"{noisy[:, 2].std().item():.4f}", "->", f"{sm[:, 2].std().item():.4f}")
Lch = torch.linalg.cholesky(M)
sm2 = torch.cholesky_solve(noisy, Lch)
print("cholesky agrees:", torch.allclose(sm, sm2, atol=1e-5))

# gradients through sparse.mm
X = noisy.clone().requires_grad_(True)
Wv = W.values().clone().requires_grad_(True)
Ws = torch.sparse_coo_tensor(W.indices(), Wv, W.shape)
energy = (X * torch.sparse.mm(Ws, X)).sum()
energy.backward()
print("energy", f"{energy.item():.4f}", energy.grad_fn.name())
print("grad X norm", f"{X.grad.norm().item():.4f}", "grad W values", tuple(Wv.grad.shape))

# a small sparse tensor printed
S = torch.sparse_coo_tensor(torch.tensor([[0, 1, 1], [2, 0, 2]]), torch.tensor([3.0, 4.0, 5.0]), (2, 3))
print(S)
print(S.coalesce().to_dense())
print(torch.sparse.mm(S, torch.ones(3, 2)))
print((S * 2).coalesce().values())
print(S.t().coalesce())
try:
    torch.sparse.mm(S, torch.ones(2, 2))
except RuntimeError as err:
    print("RuntimeError:", err)
try:
    torch.sparse_coo_tensor(torch.tensor([[0, 5]]), torch.tensor([1.0, 2.0]), (3,))
except RuntimeError as err:
    print("RuntimeError:", err)
