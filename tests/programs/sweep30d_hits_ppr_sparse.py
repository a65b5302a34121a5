"""Link analysis on a small web graph: HITS hubs/authorities, personalized PageRank and
PageRank sensitivity to edge weights, with sparse COO/CSR adjacency matrices."""
import torch

torch.manual_seed(7)

# a directed "web" of 8 pages, edges given as (src, dst)
edges = torch.tensor([
    [0, 1], [0, 2], [1, 2], [2, 0], [2, 3], [3, 4], [4, 5], [5, 3],
    [5, 6], [6, 7], [7, 5], [1, 6], [4, 0], [6, 2], [3, 1],
])
n = 8
src, dst = edges.t()
vals = torch.ones(edges.shape[0])
A = torch.sparse_coo_tensor(edges.t(), vals, (n, n))
print(A)
print("is_coalesced:", A.is_coalesced(), "nnz:", A._nnz(), "layout:", A.layout)

# duplicate an edge: coalesce sums it
dup = torch.sparse_coo_tensor(torch.cat([edges.t(), edges[:2].t()], 1),
                              torch.ones(edges.shape[0] + 2), (n, n))
C = dup.coalesce()
print("duplicates summed:", C.values()[:4], C._nnz())
print("dense row 0:", C.to_dense()[0])
print("stored links with duplicates:", dup.bool().sum().item(), "distinct:", C.bool().sum().item())
print("links per source (duplicates counted):", dup.bool().sum(1).to_dense())

# out-degree and in-degree straight from the sparse tensor
out_deg = torch.sparse.sum(A, dim=1).to_dense()
in_deg = torch.sparse.sum(A, dim=0).to_dense()
print("out-degree:", out_deg)
print("in-degree: ", in_deg)
print("in-degree via bincount:", torch.bincount(dst, minlength=n))

# transition matrix P[i, j] = 1/outdeg(i) for edge i->j, stored transposed for column-stochastic
P_vals = 1.0 / out_deg[src]
PT = torch.sparse_coo_tensor(torch.stack([dst, src]), P_vals, (n, n)).coalesce()
print("column sums of P^T:", torch.sparse.sum(PT, dim=0).to_dense())

# ---------------------------------------------------------------- HITS
Ad = A.to_dense()
hub = torch.ones(n)
auth = torch.ones(n)
for it in range(50):
    auth_new = Ad.t() @ hub
    auth_new = auth_new / auth_new.norm()
    hub_new = Ad @ auth_new
    hub_new = hub_new / hub_new.norm()
    delta = (hub_new - hub).abs().sum() + (auth_new - auth).abs().sum()
    hub, auth = hub_new, auth_new
    if delta < 1e-7:
        break
print(f"HITS converged after {it + 1} iterations")
print("authorities:", auth)
print("hubs:       ", hub)
# HITS authorities are the principal eigenvector of A^T A
evals, evecs = torch.linalg.eigh(Ad.t() @ Ad)
principal = evecs[:, -1] * torch.sign(evecs[:, -1].sum())
print("top eigenvalue of A^T A:", round(evals[-1].item(), 4))
print("eigvec matches:", torch.allclose(principal, auth, atol=1e-4))
top_auth = torch.topk(auth, 3)
print("top authorities:", top_auth.indices.tolist(), [round(v, 4) for v in top_auth.values.tolist()])

# ---------------------------------------------------------------- personalized PageRank
alpha = 0.85


def ppr_power(PT, seed_vec, iters=100, tol=1e-10):
    r = seed_vec.clone()
    for k in range(iters):
        r_next = alpha * torch.sparse.mm(PT, r.unsqueeze(1)).squeeze(1) + (1 - alpha) * seed_vec
        if torch.linalg.vector_norm(r_next - r, ord=1) < tol:
            return r_next, k + 1
        r = r_next
    return r, iters


seeds = torch.eye(n)[[0, 4]]          # restart at page 0, then page 4
for s in seeds:
    r, k = ppr_power(PT, s)
    print(f"PPR from {s.argmax().item()} ({k} iters):", r)

# all personalized vectors at once with a dense solve: (I - a P^T) R = (1-a) I
R = torch.linalg.solve(torch.eye(n) - alpha * PT.to_dense(), (1 - alpha) * torch.eye(n))
print("PPR matrix column 0 close:", torch.allclose(R[:, 0], ppr_power(PT, seeds[0])[0], atol=1e-6))
print("column sums:", R.sum(0))

# sparse matmul of a CSR matrix with a dense block of seed vectors
PT_csr = PT.to_sparse_csr()
print(PT_csr.crow_indices(), PT_csr.col_indices().dtype, PT_csr.values().shape)
block = torch.sparse.mm(PT, seeds.t())
print("one hop from seeds:\n", block.t())
print("csr @ dense:", torch.allclose(PT_csr @ seeds.t(), block))

# ---------------------------------------------------------------- gradient of PageRank w.r.t. edge weights
w = torch.ones(edges.shape[0], requires_grad=True)
W = torch.zeros(n, n).index_put((src, dst), w)
outw = W.sum(1, keepdim=True)
Pw = (W / outw).t()
r = torch.full((n,), 1.0 / n)
for _ in range(60):
    r = alpha * Pw @ r + (1 - alpha) / n
target = r[5]
target.backward()
print("pagerank of page 5:", round(target.item(), 4))
print("d rank5 / d edge weight:", w.grad)
best = w.grad.argmax().item()
print("most helpful edge:", edges[best].tolist())
print("grad_fn:", type(target.grad_fn).__name__)

# sparse tensor arithmetic
S2 = (A + A.t()).coalesce()
print("symmetrized nnz:", S2._nnz(), "max weight:", S2.values().max().item())
half = A * 0.5
print(half.coalesce().values()[:3], half.dtype)
try:
    A.view(-1)
except RuntimeError as e:
    print(type(e).__name__ + ":", str(e).split(" This could")[0])
