"""Union-find and connected components with tensors, interview-prep style: a parent int64 tensor
with path compression (pointer jumping parent = parent[parent]), union by smaller label, then
connected components by repeated min-label propagation over an edge list with
scatter_reduce('amin', include_self=True/False), index_reduce, and component sizes via bincount."""
import torch

torch.manual_seed(0)


def find(parent, x):
    root = x
    while parent[root] != root:
        root = parent[root].item()
    while parent[x] != root:  # path compression
        nxt = parent[x].item()
        parent[x] = root
        x = nxt
    return root


def union(parent, a, b):
    ra, rb = find(parent, a), find(parent, b)
    if ra == rb:
        return False
    if ra < rb:
        parent[rb] = ra
    else:
        parent[ra] = rb
    return True


n = 12
parent = torch.arange(n)
edges = torch.randint(0, n, (10, 2))
print("edges:", edges.tolist())
merged = [union(parent, int(a), int(b)) for a, b in edges]
print("merged:", merged)
# vectorised pointer jumping to finish compression
while True:
    nxt = parent[parent]
    if torch.equal(nxt, parent):
        break
    parent = nxt
print("parent:", parent)
print("roots:", torch.unique(parent).tolist())

# min-label propagation
src, dst = edges[:, 0], edges[:, 1]
src2 = torch.cat([src, dst])
dst2 = torch.cat([dst, src])
labels = torch.arange(n)
it = 0
while True:
    it += 1
    new = labels.scatter_reduce(0, dst2, labels[src2], reduce="amin", include_self=True)
    if torch.equal(new, labels):
        break
    labels = new
print("iterations:", it)
print("labels:", labels)
print("agree:", torch.equal(labels, parent))

# include_self=False: nodes with no incoming edge keep their initial value
init = torch.full((n,), 100, dtype=torch.int64)
nb_min = init.scatter_reduce(0, dst2, src2, reduce="amin", include_self=False)
print("neighbour min:", nb_min)
nb_max = torch.zeros(n, dtype=torch.int64).scatter_reduce(0, dst2, src2, reduce="amax", include_self=False)
print("neighbour max:", nb_max)
deg = torch.zeros(n, dtype=torch.int64).scatter_add_(0, dst2, torch.ones_like(dst2))
print("degree:", deg.tolist())
nb_mean = torch.zeros(n).scatter_reduce(0, dst2, src2.float(), reduce="mean", include_self=False)
print("neighbour mean:", nb_mean)
nb_prod = torch.ones(n, dtype=torch.int64).scatter_reduce(0, dst2, src2 + 1, reduce="prod")
print("neighbour prod:", nb_prod)

sizes = torch.bincount(labels, minlength=n)
print("sizes:", sizes)
print("largest:", sizes.max().item(), "at", sizes.argmax().item())
comp_ids, comp_inv = torch.unique(labels, return_inverse=True)
print("dense ids:", comp_inv.tolist(), comp_ids.numel())
ir = torch.full((n,), 99).index_reduce(0, labels, torch.arange(n), "amin", include_self=False)
print("index_reduce:", ir)
members = {int(c): torch.nonzero(labels == c).flatten().tolist() for c in comp_ids}
print(members)
print(torch.iinfo(parent.dtype))
