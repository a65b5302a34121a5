"""Shortest paths with tensors: Floyd-Warshall with predecessor tracking, min-plus matrix
"multiplication" by repeated squaring, Bellman-Ford with negative-cycle detection, a masked
Dijkstra, and a differentiable soft-min relaxation whose gradient marks the edges on the path."""
import torch

torch.manual_seed(3)
INF = float("inf")
n = 7

# random weighted digraph: keep ~40% of the off-diagonal pairs, integer weights 1..9
mask = torch.bernoulli(torch.full((n, n), 0.4)).bool()
mask.fill_diagonal_(False)
weights = torch.randint(1, 10, (n, n)).float()
W = torch.where(mask, weights, torch.tensor(INF))
W.fill_diagonal_(0.0)
print("edges:", int(mask.sum()))
print(W)

# ------------------------------------------------------------- Floyd-Warshall with predecessors
D = W.clone()
nxt = torch.where(torch.isfinite(W), torch.arange(n).expand(n, n), torch.full((n, n), -1))
for k in range(n):
    via = D[:, k:k + 1] + D[k:k + 1, :]
    better = via < D
    D = torch.where(better, via, D)
    nxt = torch.where(better, nxt[:, k:k + 1].expand(n, n), nxt)
print("all-pairs distances:\n", D)
print("next hop table:\n", nxt)


def path(u, v):
    if nxt[u, v] < 0:
        return None
    p = [u]
    while u != v:
        u = int(nxt[u, v])
        p.append(u)
    return p


for u, v in [(0, 6), (3, 1), (5, 2)]:
    p = path(u, v)
    cost = sum(W[a, b].item() for a, b in zip(p, p[1:])) if p else INF
    print(f"path {u}->{v}: {p} cost {cost}")

reach = torch.isfinite(D)
print("reachable pairs:", reach.sum().item(), "of", n * n)
print("strongly connected to 0:", torch.nonzero(reach[0] & reach[:, 0]).flatten().tolist())

# ------------------------------------------------------------- min-plus squaring
def min_plus(A, B):
    return (A.unsqueeze(2) + B.unsqueeze(0)).amin(dim=1)


M = W.clone()
steps = 0
while True:
    M2 = min_plus(M, M)
    steps += 1
    if torch.equal(M2, M):
        break
    M = M2
print("min-plus squarings:", steps, "same as FW:", torch.equal(M, D))
vals, arg = (W.unsqueeze(2) + W.unsqueeze(0)).min(dim=1)
print("best midpoint for 2-hop paths from 0:", arg[0].tolist())
print("2-hop costs from 0:", vals[0])

# ------------------------------------------------------------- eccentricity, diameter, center
finite = torch.where(reach, D, torch.zeros(()))
ecc = torch.where(reach.all(1), finite.amax(1), torch.full((n,), INF))
print("eccentricity:", ecc)
print("diameter (finite part):", finite.max().item(), "argmax:", divmod(finite.argmax().item(), n))
closeness = (reach.sum(1) - 1) / finite.sum(1).clamp_min(1)
print("closeness:", closeness)
print("ranking:", torch.argsort(closeness, descending=True, stable=True).tolist())

# ------------------------------------------------------------- Bellman-Ford on an edge list
src, dst = torch.nonzero(mask, as_tuple=True)
w = W[src, dst].clone()
w[::4] -= 4.0                                # some negative edges
print("edge list:", src.shape[0], "negative:", (w < 0).sum().item(), w.dtype)


def bellman_ford(source, w):
    dist = torch.full((n,), INF, dtype=torch.float64)
    dist[source] = 0.0
    for _ in range(n - 1):
        cand = dist[src] + w.double()
        new = dist.scatter_reduce(0, dst, cand, reduce="amin", include_self=True)
        if torch.equal(new, dist):
            break
        dist = new
    cycle = bool(((dist[src] + w.double()) < dist[dst]).any())
    return dist, cycle


dist, cycle = bellman_ford(0, w)
print("Bellman-Ford from 0:", dist, "negative cycle:", cycle)
w_bad = w.clone()
w_bad[w_bad.argmin()] = -50.0
print("with a -50 edge, negative cycle:", bellman_ford(0, w_bad)[1])

# ------------------------------------------------------------- Dijkstra with a visited mask
def dijkstra(s):
    dist = torch.full((n,), INF)
    dist[s] = 0
    done = torch.zeros(n, dtype=torch.bool)
    order = []
    for _ in range(n):
        cand = dist.masked_fill(done, INF)
        u = int(torch.argmin(cand))
        if torch.isinf(cand[u]):
            break
        done[u] = True
        order.append(u)
        torch.minimum(dist, dist[u] + W[u], out=dist)
    return dist, order


d0, order = dijkstra(0)
print("Dijkstra:", d0, "settled order:", order)
print("agrees with FW row:", torch.equal(d0, D[0]))

# ------------------------------------------------------------- soft shortest path (differentiable)
theta = torch.where(mask, weights, torch.full((n, n), 1e4)).requires_grad_(True)
gamma = 0.1
INF_T = torch.full((n,), 1e4)


def soft_sp(theta, s, t, iters=n):
    d = INF_T.clone()
    d = d.index_fill(0, torch.tensor([s]), 0.0)
    for _ in range(iters):
        relax = d.unsqueeze(1) + theta           # d[u] + w(u, v)
        stacked = torch.cat([d.unsqueeze(0), relax], 0)
        d = -gamma * torch.logsumexp(-stacked / gamma, dim=0)
    return d[t]


val = soft_sp(theta, 0, 6)
val.backward()
print("soft distance 0->6:", f"{val.item():.3f}", "hard:", D[0, 6].item())
used = (theta.grad > 0.5).nonzero().tolist()
print("edges with gradient > 0.5:", used)
print("rows on the path:", theta.grad.sum(1) > 0.5)
print(val.grad_fn.name(), theta.grad.dtype)

try:
    min_plus(W, W[:3])
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.empty(0).amin()
except (RuntimeError, IndexError) as e:
    print(type(e).__name__ + ":", e)
