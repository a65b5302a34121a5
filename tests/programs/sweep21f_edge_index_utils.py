"""Edge-index utilities as graph libraries' tutorials write them by hand: to_undirected with
torch.unique(dim=1), self-loop removal/addition, degree via scatter_add and index_add_, sorting
edges, the GCN normalisation D^-1/2 (A+I) D^-1/2 as a sparse COO matrix, k-core peeling, neighbour
aggregation with scatter_reduce (sum/mean/amax), triangle counting and degree histograms."""
import torch

torch.manual_seed(3)
n = 9
ei = torch.randint(0, n, (2, 16))
print("raw edges", ei.tolist())
ei = ei[:, ei[0] != ei[1]]  # remove self loops
und = torch.cat([ei, ei.flip(0)], dim=1)
und = torch.unique(und, dim=1)
print("undirected", und.shape, und[:, :6].tolist())
perm = torch.argsort(und[0] * n + und[1])
print("sorted", torch.equal(und[:, perm], und))
row, col = und
deg = torch.zeros(n).scatter_add_(0, row, torch.ones(row.numel()))
deg2 = torch.zeros(n, dtype=torch.long).index_add_(0, col, torch.ones_like(col))
print("degree", deg.tolist(), torch.equal(deg.long(), deg2))
hist = torch.bincount(deg.long())
print("degree histogram", hist.tolist(), "mean", f"{deg.mean().item():.4f}", "max", deg.max().item())
print("histc", torch.histc(deg, bins=4, min=0, max=8))

loops = torch.arange(n).repeat(2, 1)
ei_sl = torch.cat([und, loops], dim=1)
w = torch.ones(ei_sl.shape[1])
d = torch.zeros(n).index_add_(0, ei_sl[0], w)
dinv = d.pow(-0.5)
norm_w = dinv[ei_sl[0]] * w * dinv[ei_sl[1]]
A_hat = torch.sparse_coo_tensor(ei_sl, norm_w, (n, n))
print("A_hat", A_hat.is_coalesced(), A_hat._nnz(), A_hat.coalesce().is_coalesced())
Ad = A_hat.to_dense()
print("symmetric", torch.allclose(Ad, Ad.T), "row 0", Ad[0].round(decimals=4))
X = torch.randn(n, 3)
H1 = torch.sparse.mm(A_hat, X)
H2 = Ad @ X
print("sparse vs dense", torch.allclose(H1, H2, atol=1e-6), H1[:2].round(decimals=4))

# message passing by scatter_reduce
msg = X[row]
agg_sum = torch.zeros(n, 3).index_add_(0, col, msg)
agg_mean = torch.zeros(n, 3).scatter_reduce(0, col[:, None].expand(-1, 3), msg, reduce="mean", include_self=False)
agg_max = torch.full((n, 3), float("-inf")).scatter_reduce(0, col[:, None].expand(-1, 3), msg, reduce="amax")
print("sum", agg_sum[:2].round(decimals=4))
print("mean", agg_mean[:2].round(decimals=4))
print("max", agg_max[:2].round(decimals=4))
print("mean check", torch.allclose(agg_mean, agg_sum / deg.clamp(min=1)[:, None]))

# k-core decomposition by peeling
A = torch.zeros(n, n, dtype=torch.long)
A[row, col] = 1
alive = torch.ones(n, dtype=torch.bool)
core = torch.zeros(n, dtype=torch.long)
k = 0
while alive.any():
    k += 1
    while True:
        dk = (A * alive[None, :] * alive[:, None]).sum(1)
        drop = alive & (dk < k)
        if not drop.any():
            break
        core[drop] = k - 1
        alive &= ~drop
print("core numbers", core.tolist(), "max core", core.max().item())

# triangles, wedges, transitivity
Af = A.float()
A2 = Af @ Af
tri = (A2 * Af).sum() / 6
wedges = (deg * (deg - 1) / 2).sum()
print("triangles", tri.item(), "wedges", wedges.item(), "transitivity", f"{(3 * tri / wedges).item():.4f}")
print("common neighbours 0-1", A2[0, 1].item(), "jaccard", f"{(A2[0, 1] / ((Af[0] + Af[1]) > 0).sum()).item():.4f}")
iu = torch.triu_indices(n, n, offset=1)
non_edges = iu[:, Af[iu[0], iu[1]] == 0]
scores = A2[non_edges[0], non_edges[1]]
best = torch.topk(scores, 3, sorted=True)
print("link prediction", non_edges[:, best.indices].T.tolist(), best.values.tolist())
adamic = (Af / torch.log(deg.clamp(min=2)))[None] * Af[:, None]
print("adamic-adar shape", adamic.shape, f"{adamic.sum(-1)[0, 1].item():.4f}")
