"""All-pairs shortest paths and BFS in the style of "graph algorithms in PyTorch" notebooks:
Floyd-Warshall with min-plus broadcasting (torch.minimum over an inf-filled distance matrix), a
min-plus matrix "product" by repeated squaring, path reconstruction with a next-hop matrix, BFS
levels via boolean matrix products, reachability by transitive closure, and eccentricity/diameter."""
import math

import torch

torch.manual_seed(0)
n = 7
edges = torch.tensor([[0, 1], [0, 2], [1, 2], [1, 3], [2, 4], [3, 4], [3, 5], [4, 6], [5, 6]])
weights = torch.randint(1, 10, (edges.shape[0],)).float()
print("weights", weights)

INF = float("inf")
dist = torch.full((n, n), INF)
dist.fill_diagonal_(0.0)
dist[edges[:, 0], edges[:, 1]] = weights
dist[edges[:, 1], edges[:, 0]] = weights  # undirected
print(dist)
print("isinf count", torch.isinf(dist).sum().item(), dist.isfinite().sum(dim=1))

nxt = torch.where(torch.isfinite(dist), torch.arange(n).expand(n, n), torch.full((n, n), -1))
d = dist.clone()
for k in range(n):
    via = d[:, k:k + 1] + d[k:k + 1, :]
    better = via < d
    nxt = torch.where(better, nxt[:, k:k + 1].expand(n, n), nxt)
    d = torch.minimum(d, via)
print("floyd-warshall\n", d)
print("symmetric", torch.equal(d, d.T), d.dtype, d.max().item())


def path(u, v):
    if nxt[u, v] == -1:
        return []
    out = [u]
    while u != v:
        u = nxt[u, v].item()
        out.append(u)
    return out


print("path 0->6", path(0, 6), "cost", d[0, 6].item())
print("path 5->2", path(5, 2), "cost", d[5, 2].item())


def min_plus(a, b):
    return (a.unsqueeze(2) + b.unsqueeze(0)).min(dim=1).values


d2 = dist.clone()
for _ in range(math.ceil(math.log2(n))):
    d2 = min_plus(d2, d2)
print("repeated squaring equal", torch.equal(d2, d), torch.allclose(d2, d))
vals, arg = (dist.unsqueeze(2) + dist.unsqueeze(0)).min(dim=1)
print("min-plus argmin row 0", arg[0], vals[0])

# directed graph, one unreachable node
dist_dir = torch.full((n, n), INF)
dist_dir.fill_diagonal_(0)
dist_dir[edges[:, 0], edges[:, 1]] = weights
for k in range(n):
    dist_dir = torch.min(dist_dir, dist_dir[:, [k]] + dist_dir[[k], :])
print(dist_dir)
reach = torch.isfinite(dist_dir)
print("reachable counts", reach.sum(1).tolist(), "unreachable pairs", (~reach).sum().item())
ecc = d.max(dim=1).values
print("eccentricity", ecc, "diameter", ecc.max().item(), "radius", ecc.min().item(),
      "center", torch.nonzero(ecc == ecc.min()).flatten().tolist())
masked = dist_dir.masked_fill(torch.isinf(dist_dir), -1)
print("masked", masked[0], torch.nan_to_num(dist_dir, posinf=99.0)[6])

# BFS levels via boolean matrix products
A = torch.zeros(n, n, dtype=torch.bool)
A[edges[:, 0], edges[:, 1]] = True
A = A | A.T
print("adjacency\n", A.int())
level = torch.full((n,), -1, dtype=torch.long)
frontier = torch.zeros(n, dtype=torch.bool)
frontier[0] = True
visited = frontier.clone()
level[frontier] = 0
step = 0
while frontier.any():
    step += 1
    nbrs = (frontier.float() @ A.float()) > 0
    frontier = nbrs & ~visited
    visited |= frontier
    level[frontier] = step
print("bfs levels", level, "steps", step)
hops = torch.full((n, n), -1)
R = torch.eye(n, dtype=torch.bool)
hops[R] = 0
Af = A.to(torch.int64)
P = torch.eye(n, dtype=torch.int64)
for h in range(1, n):
    P = (P @ Af).clamp(max=1)
    new = P.bool() & ~R
    hops[new] = h
    R |= new
print("hop distances\n", hops)
print("transitive closure all", R.all().item(), torch.linalg.matrix_power(Af, 3)[0])
walks = torch.matrix_power(A.float(), 4)
print("walks of length 4 from 0", walks[0], walks.sum().item())
