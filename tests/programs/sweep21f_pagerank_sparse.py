"""PageRank by power iteration, as in course notebooks on link analysis: a column-stochastic
transition matrix built from an edge list with degree statistics (bincount, scatter_add), dangling
nodes redistributed uniformly, both dense and torch.sparse (COO and CSR, torch.sparse.mm) versions,
personalised PageRank, HITS hubs/authorities, and triangle counting via trace(A^3)."""
import torch

torch.manual_seed(1)
n = 8
src = torch.tensor([0, 0, 1, 2, 2, 3, 4, 4, 5, 6, 6, 1, 3])
dst = torch.tensor([1, 2, 2, 0, 3, 4, 5, 6, 6, 4, 0, 5, 1])
edge_index = torch.stack([src, dst])
print("edge_index", edge_index.shape, edge_index.dtype)
out_deg = torch.bincount(src, minlength=n)
in_deg = torch.bincount(dst, minlength=n)
print("out", out_deg, "in", in_deg)
deg2 = torch.zeros(n, dtype=torch.long).scatter_add_(0, src, torch.ones_like(src))
print("scatter_add matches bincount", torch.equal(deg2, out_deg))
print("dangling", torch.nonzero(out_deg == 0, as_tuple=True)[0])
print("degree stats", out_deg.float().mean().item(), out_deg.float().std().item(),
      in_deg.max().item(), torch.mode(in_deg).values.item(), in_deg.unique(return_counts=True))

vals = 1.0 / out_deg[src].float()
M = torch.sparse_coo_tensor(torch.stack([dst, src]), vals, (n, n)).coalesce()
print(M)
print("nnz", M._nnz(), M.is_coalesced(), M.to_dense().sum(0))
Md = M.to_dense()
dangling = (out_deg == 0).float()
alpha = 0.85
r = torch.full((n, 1), 1.0 / n)
for it in range(60):
    leak = (dangling @ r.squeeze(1)) / n
    r_new = alpha * torch.sparse.mm(M, r) + alpha * leak + (1 - alpha) / n
    delta = (r_new - r).abs().sum()
    r = r_new
print("converged", bool(delta < 1e-5), "sum", f"{r.sum().item():.6f}")
print("pagerank", r.squeeze(1).round(decimals=4))
print("ranking", torch.argsort(r.squeeze(1), descending=True).tolist())

# dense closed form: G = alpha*(M + d/n) + (1-alpha)/n, eigenvector for eigenvalue 1
G = alpha * (Md + dangling.unsqueeze(0) / n) + (1 - alpha) / n
print("column sums", G.sum(0).round(decimals=5))
ev, evec = torch.linalg.eig(G.double())
i = torch.argmax(ev.real)
v = evec[:, i].real
v = v / v.sum()
print("eigenvalue", f"{ev[i].real.item():.6f}", "max diff", (v.float() - r.squeeze(1)).abs().max().item() < 1e-5)
x = torch.linalg.solve(torch.eye(n) - alpha * (Md + dangling.unsqueeze(0) / n), torch.full((n,), (1 - alpha) / n))
print("solve", x.round(decimals=4))

# CSR version and sparse matrix-vector product
csr = M.to_sparse_csr()
print("crow", csr.crow_indices(), "col", csr.col_indices())
print("csr @ r", (csr @ r).squeeze(1).round(decimals=4))
print("sparse.sum", torch.sparse.sum(M, dim=0).to_dense().round(decimals=4))

# personalised PageRank from node 0
e = torch.zeros(n)
e[0] = 1.0
p = e.clone()
for _ in range(50):
    p = alpha * (Md @ p + dangling.dot(p) * e) + (1 - alpha) * e
print("ppr", p.round(decimals=4), f"{p.sum().item():.5f}")
topk = torch.topk(p, 3)
print("top3", topk.indices.tolist(), topk.values.round(decimals=4))

# HITS on the adjacency matrix
A = torch.zeros(n, n)
A[src, dst] = 1.0
h = torch.ones(n)
for _ in range(30):
    a = A.T @ h
    a = a / a.norm()
    h = A @ a
    h = h / torch.linalg.vector_norm(h)
print("authorities", a.round(decimals=3))
print("hubs", h.round(decimals=3))

# triangles in the undirected version
U = ((A + A.T) > 0).float()
U.fill_diagonal_(0)
tri_per_node = torch.diagonal(torch.linalg.matrix_power(U, 3)) / 2
print("triangles", int(torch.trace(U @ U @ U).item() / 6), tri_per_node)
deg_u = U.sum(1)
clust = torch.where(deg_u > 1, 2 * tri_per_node / (deg_u * (deg_u - 1)), torch.zeros_like(deg_u))
print("clustering", clust.round(decimals=4), f"{clust.mean().item():.4f}")
Us = U.to_sparse()
print("sparse A^2 diag", torch.sparse.mm(Us, U).diagonal(), Us.indices().shape, Us.values().sum())
