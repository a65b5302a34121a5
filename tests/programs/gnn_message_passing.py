"""Graph neural network message passing with index_add_, scatter_reduce and dense adjacency."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(21)

# a small undirected graph with two communities
edges = [(0, 1), (0, 2), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (4, 6), (6, 7), (7, 5), (1, 3)]
src = torch.tensor([a for a, b in edges] + [b for a, b in edges])
dst = torch.tensor([b for a, b in edges] + [a for a, b in edges])
edge_index = torch.stack([src, dst])
num_nodes = int(edge_index.max()) + 1
labels = torch.tensor([0, 0, 0, 0, 1, 1, 1, 1])
feats = torch.randn(num_nodes, 6)
print(edge_index.shape, num_nodes)

deg = torch.zeros(num_nodes).index_add_(0, dst, torch.ones(dst.numel()))
print(deg, torch.bincount(dst, minlength=num_nodes))
uniq, inverse, counts = torch.unique(dst, return_inverse=True, return_counts=True)
print(uniq, inverse[:6], counts)
u2, c2 = torch.unique(torch.tensor([[1, 2], [1, 2], [3, 4]]), dim=0, return_counts=True)
print(u2, c2, torch.unique(torch.tensor([3, 1, 3, 2]), sorted=False).sort().values)
print(torch.unique_consecutive(torch.tensor([1, 1, 2, 2, 3, 1]), return_counts=True))

# aggregation flavours
msg = feats[src]
agg_sum = torch.zeros(num_nodes, 6).index_add_(0, dst, msg)
idx = dst.unsqueeze(1).expand(-1, 6)
agg_sum2 = torch.zeros(num_nodes, 6).scatter_add_(0, idx, msg)
agg_mean = torch.zeros(num_nodes, 6).scatter_reduce(0, idx, msg, reduce="mean", include_self=False)
agg_max = torch.full((num_nodes, 6), float("-inf")).scatter_reduce(0, idx, msg, reduce="amax")
agg_min = feats.scatter_reduce(0, idx, msg, reduce="amin", include_self=True)
agg_prod = torch.ones(num_nodes, 6).scatter_reduce(0, idx, msg, reduce="prod")
print(torch.allclose(agg_sum, agg_sum2, atol=1e-6), torch.allclose(agg_mean, agg_sum / deg.unsqueeze(1), atol=1e-6))
print(agg_max[0], agg_min[7], agg_prod[2, :3])
print(torch.zeros(4).scatter_reduce(0, torch.tensor([0, 0, 2]), torch.tensor([1.0, 2.0, 3.0]), "sum"))
print(torch.zeros(3, dtype=torch.long).scatter_(0, torch.tensor([1, 1]), torch.tensor([5, 6]), reduce="add"))
print(torch.ones(3).scatter(0, torch.tensor([2]), 4.0, reduce="multiply"))

# dense normalized adjacency: D^-1/2 (A + I) D^-1/2
A = torch.zeros(num_nodes, num_nodes)
A[src, dst] = 1.0
A_hat = A + torch.eye(num_nodes)
d_inv_sqrt = A_hat.sum(1).pow(-0.5)
A_norm = d_inv_sqrt.unsqueeze(1) * A_hat * d_inv_sqrt.unsqueeze(0)
print(A_norm[0, :4], torch.allclose(A_norm, A_norm.T))
print(torch.diag(A_hat).sum(), A.sum(), (A @ A)[0, 3], torch.matrix_power(A, 3)[0, 0])


class GCNLayer(nn.Module):
    def __init__(self, fin, fout):
        super().__init__()
        self.lin = nn.Linear(fin, fout, bias=False)
        self.bias = nn.Parameter(torch.zeros(fout))

    def forward(self, x, a_norm):
        return a_norm @ self.lin(x) + self.bias


class SAGELayer(nn.Module):
    """Mean aggregation with index_add_, as message-passing libraries do it."""

    def __init__(self, fin, fout):
        super().__init__()
        self.lin_self = nn.Linear(fin, fout)
        self.lin_neigh = nn.Linear(fin, fout, bias=False)

    def forward(self, x, ei):
        s, d = ei
        out = torch.zeros(x.size(0), x.size(1), dtype=x.dtype).index_add(0, d, x[s])
        cnt = torch.zeros(x.size(0), dtype=x.dtype).index_add(0, d, torch.ones_like(d, dtype=x.dtype))
        out = out / cnt.clamp(min=1).unsqueeze(-1)
        return self.lin_self(x) + self.lin_neigh(out)


class GAT(nn.Module):
    """One attention head over edges: softmax per destination through scatter_reduce amax/sum."""

    def __init__(self, fin, fout):
        super().__init__()
        self.lin = nn.Linear(fin, fout, bias=False)
        self.att = nn.Parameter(torch.randn(2 * fout) * 0.1)

    def forward(self, x, ei):
        s, d = ei
        h = self.lin(x)
        e = F.leaky_relu(torch.cat([h[s], h[d]], dim=-1) @ self.att, 0.2)
        emax = torch.full((x.size(0),), -1e9).scatter_reduce(0, d, e, reduce="amax", include_self=True)
        w = (e - emax[d]).exp()
        denom = torch.zeros(x.size(0)).index_add(0, d, w)
        alpha = w / denom[d]
        return torch.zeros_like(h).index_add(0, d, alpha.unsqueeze(-1) * h[s])


for name, model in [("gcn", nn.ModuleList([GCNLayer(6, 16), GCNLayer(16, 2)])),
                    ("sage", nn.ModuleList([SAGELayer(6, 16), SAGELayer(16, 2)])),
                    ("gat", nn.ModuleList([GAT(6, 16), GAT(16, 2)]))]:
    opt = torch.optim.Adam(model.parameters(), lr=0.02, weight_decay=5e-4)
    train_mask = torch.tensor([1, 0, 1, 0, 1, 0, 1, 0], dtype=torch.bool)
    for epoch in range(30):
        opt.zero_grad()
        graph = A_norm if name == "gcn" else edge_index
        h = F.relu(model[0](feats, graph))
        h = F.dropout(h, p=0.2, training=True)
        out = model[1](h, graph)
        loss = F.cross_entropy(out[train_mask], labels[train_mask])
        loss.backward()
        opt.step()
    with torch.no_grad():
        out = model[1](F.relu(model[0](feats, graph)), graph)
        pred = out.argmax(1)
    print(name, f"{loss.item():.3f}", pred.tolist(), (pred == labels).float().mean().item())

# gradients flow through index_add and scatter_reduce
x = torch.randn(5, 3, requires_grad=True)
y = torch.zeros(2, 3).index_add(0, torch.tensor([0, 1, 0, 1, 1]), x, alpha=2.0)
y.sum().backward()
print(x.grad[:2])
x.grad = None
r = torch.zeros(2, 3).scatter_reduce(0, torch.tensor([[0, 1, 0], [1, 0, 0], [0, 0, 1], [1, 1, 1], [0, 1, 0]]), x,
                                     reduce="amax", include_self=False)
r.sum().backward()
print(x.grad)
x.grad = None
m = torch.zeros(2, 3).scatter_reduce(0, torch.zeros(5, 3, dtype=torch.long), x, reduce="mean")
m.sum().backward()
print(x.grad[0], m.grad_fn.name())
pool = torch.zeros(2, 3).index_reduce_(0, torch.tensor([0, 0, 1, 1, 1]), x.detach(), "amax", include_self=False)
print(pool.shape, torch.equal(pool[0], x.detach()[:2].amax(0)))
