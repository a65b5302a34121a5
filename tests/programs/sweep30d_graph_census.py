"""A census of random graphs: Erdos-Renyi sampling, degree histograms, triangles and clustering,
BFS levels with boolean frontiers, k-core peeling, bipartiteness, graph products, walk counts,
communicability (matrix exponential) and sparse storage in COO and CSR layouts."""
import torch

torch.manual_seed(2024)


def erdos_renyi(n, p, gen=None):
    coin = torch.rand(n, n, generator=gen) < p
    upper = torch.triu(coin, diagonal=1)
    return (upper | upper.T).to(torch.float32)


n = 12
A = erdos_renyi(n, 0.3)
iu = torch.triu_indices(n, n, offset=1)
edge_mask = A[iu[0], iu[1]].bool()
edge_index = iu[:, edge_mask]
print("edge_index:", edge_index.shape, edge_index.dtype)
print(edge_index[:, :6])

deg = A.sum(1).long()
print("degrees:", deg.tolist())
print("degree histogram:", torch.bincount(deg).tolist())
print("histc:", torch.histc(deg.float(), bins=4, min=0, max=8))
hist = torch.histogram(deg.float(), bins=torch.tensor([0., 2., 4., 6., 10.]))
print("histogram:", hist.hist, hist.bin_edges)
cdf = torch.cumsum(torch.bincount(deg), 0) / n
print("degree CDF:", cdf)
print("median degree via searchsorted:", torch.searchsorted(cdf, 0.5).item())
print("max degree node:", torch.argmax(deg).item(), "cummax:", torch.cummax(deg, 0).values.tolist())

# ------------------------------------------------------------- triangles & clustering
A3 = torch.linalg.matrix_power(A, 3)
triangles = torch.trace(A3) / 6
per_node = torch.diagonal(A3) / 2
possible = deg * (deg - 1) / 2
local_cc = torch.where(possible > 0, per_node / possible, torch.zeros(()))
print("triangles:", int(triangles.item()), "per node:", per_node.int().tolist())
print("local clustering:", local_cc)
trans = 3 * triangles / possible.sum()
print(f"transitivity {trans.item():.4f}  average clustering {local_cc.mean().item():.4f}")
# triangle list from combinations of node triples
triples = torch.combinations(torch.arange(n), r=3)
is_tri = A[triples[:, 0], triples[:, 1]].bool() & A[triples[:, 1], triples[:, 2]].bool() & \
    A[triples[:, 0], triples[:, 2]].bool()
print("triangle list:", triples[is_tri].tolist())

# ------------------------------------------------------------- BFS levels
def bfs_levels(A, source):
    level = torch.full((A.shape[0],), -1, dtype=torch.long)
    frontier = torch.zeros(A.shape[0], dtype=torch.bool)
    frontier[source] = True
    d = 0
    while frontier.any():
        level[frontier] = d
        reached = (A[frontier].sum(0) > 0) & (level < 0)
        frontier = reached
        d += 1
    return level


lv = bfs_levels(A, 0)
print("BFS levels from 0:", lv.tolist())
print("level sizes:", torch.unique(lv, return_counts=True))

# connected components with repeated BFS
comp = torch.full((n,), -1)
c = 0
for s in range(n):
    if comp[s] < 0:
        comp[bfs_levels(A, s) >= 0] = c
        c += 1
print("components:", comp.tolist(), "count:", c)
rank_L = torch.linalg.matrix_rank(torch.diag(A.sum(1)) - A)
print("n - rank(L) =", n - rank_L.item())

# ------------------------------------------------------------- k-core peeling
core = torch.zeros(n, dtype=torch.long)
alive = torch.ones(n, dtype=torch.bool)
k = 0
while alive.any():
    d_alive = (A[:, alive].sum(1)).long().masked_fill(~alive, 10 ** 6)
    k = max(k, int(d_alive.min()))
    peel = alive & (d_alive <= k)
    core[peel] = k
    alive &= ~peel
print("core numbers:", core.tolist())
print("max core members:", torch.nonzero(core == core.max()).squeeze(1).tolist())

# ------------------------------------------------------------- bipartite check by 2-colouring
def two_colour(A):
    colour = torch.full((A.shape[0],), -1)
    for s in range(A.shape[0]):
        if colour[s] >= 0:
            continue
        lv = bfs_levels(A, s)
        colour[lv >= 0] = lv[lv >= 0] % 2
    clash = (A.bool() & (colour[:, None] == colour[None, :])).any()
    return colour, not bool(clash)


print("ER graph bipartite:", two_colour(A)[1])
grid = torch.kron(torch.eye(3), torch.diag(torch.ones(3), 1)[:4, :4] + torch.diag(torch.ones(3), -1)[:4, :4])
print("path-graph kron shape:", tuple(grid.shape))
P4 = torch.diag(torch.ones(3), 1) + torch.diag(torch.ones(3), -1)
C4 = P4.clone()
C4[0, 3] = C4[3, 0] = 1
cart = torch.kron(P4, torch.eye(4)) + torch.kron(torch.eye(4), C4)     # 4x4 cylinder
colour, ok = two_colour(cart)
print("cylinder bipartite:", ok, "colour counts:", torch.bincount(colour).tolist())
disjoint = torch.block_diag(P4, C4, torch.ones(2, 2) - torch.eye(2))
print("block_diag union:", tuple(disjoint.shape), "components:",
      disjoint.shape[0] - torch.linalg.matrix_rank(torch.diag(disjoint.sum(1)) - disjoint).item())

# ------------------------------------------------------------- walks and communicability
walks4 = torch.linalg.matrix_power(A.long(), 4)
print("closed 4-walks:", torch.diagonal(walks4).tolist(), walks4.dtype)
G = torch.linalg.matrix_exp(A.double())
print("subgraph centrality:", torch.diagonal(G).float())
evals = torch.linalg.eigvalsh(A.double())
print("estrada index:", f"{torch.exp(evals).sum().item():.4f}", f"{torch.trace(G).item():.4f}")
print("spectral radius vs max degree:", f"{evals[-1].item():.4f}", deg.max().item())
sv = torch.linalg.svdvals(A)
print("energy:", f"{sv.sum().item():.4f}")

# ------------------------------------------------------------- sparse storage
S = torch.sparse_coo_tensor(torch.cat([edge_index, edge_index.flip(0)], 1),
                            torch.ones(2 * edge_index.shape[1]), (n, n)).coalesce()
print("sparse equals dense:", torch.equal(S.to_dense(), A))
print("density:", f"{S._nnz() / n ** 2:.4f}")
Sb = S.to(torch.bool)
print(Sb.dtype, Sb.layout, Sb.values()[:3])
two_hop = torch.sparse.mm(S, S)
print("2-hop dense equal:", torch.equal(two_hop.to_dense(), A @ A))
csr = A.to_sparse_csr()
print("csr row lengths:", torch.diff(csr.crow_indices()).tolist())
print("csr @ ones equals degrees:", torch.equal((csr @ torch.ones(n)).long(), deg))
# orient every edge from the smaller to the larger id: a DAG; its transpose in CSC form
dag = torch.triu(A).to_sparse_csr()
dag_t = dag.t()
print(dag_t.layout, "out-degrees:", torch.diff(dag_t.ccol_indices()).tolist())
print("in-degrees via transpose:", (dag_t @ torch.ones(n)).long().tolist())
print(torch.triu(A)[:5, :5].to_sparse_csc())
two_step = dag @ dag
print("2-step DAG paths:", two_step.layout, two_step._nnz(), int(two_step.sum().item()))
print("row sums (keepdim):", dag.sum(1, keepdim=True).to_dense().flatten().long().tolist())
try:
    dag.sum(1)
except RuntimeError as e:
    print("RuntimeError:", e)
Dinv = torch.sparse.spdiags(1.0 / A.sum(1).clamp(min=1).unsqueeze(0), torch.tensor([0]), (n, n))
print(Dinv.layout, Dinv._nnz())
RW = torch.sparse.mm(Dinv, A)
print("random-walk rows sum to one:", torch.allclose(RW.sum(1)[deg > 0], torch.ones(int((deg > 0).sum()))))
try:
    torch.sparse.spdiags(torch.ones(2, 3), torch.tensor([0, 0]), (3, 3))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.linalg.matrix_power(A[:, :5], 2)
except RuntimeError as e:
    print("RuntimeError:", e)
