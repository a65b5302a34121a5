"""GraphSAGE-mean and GIN layers from a GNN course notebook, written with plain torch sparse ops:
row-normalised mean aggregation with torch.mm(sparse, dense), GIN's (1 + eps) * x + sum aggregation
with a learnable eps, to_sparse()/to_dense() round trips, sparse index_select and s[i] row access,
sparse reprs printed, and a short training loop on a graph-level readout."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(1)
N = 8
dense_adj = (torch.rand(N, N) < 0.3).float()
dense_adj = ((dense_adj + dense_adj.t()) > 0).float()
dense_adj.fill_diagonal_(0)
adj = dense_adj.to_sparse()
print(adj)
print("nnz:", adj._nnz(), "sparse_dim:", adj.sparse_dim(), "dense_dim:", adj.dense_dim())
print("round trip equal:", torch.equal(adj.to_dense(), dense_adj))

deg = torch.sparse.sum(adj, dim=1).to_dense().clamp(min=1)
r, c = adj.indices()
mean_adj = torch.sparse_coo_tensor(adj.indices(), adj.values() / deg[r], adj.size()).coalesce()
print("mean_adj values:", mean_adj.values().round(decimals=4))

row3 = mean_adj[3]
print("row 3:", row3)
print("row 3 dense:", row3.to_dense().round(decimals=4))
sub = mean_adj.index_select(0, torch.tensor([0, 2, 5]))
print("index_select rows:", sub)
sub_c = torch.index_select(adj, 1, torch.tensor([1, 1, 4]))
print("index_select cols dense:\n", sub_c.to_dense())


class SAGEMean(nn.Module):
    def __init__(self, i, o):
        super().__init__()
        self.lin_self = nn.Linear(i, o)
        self.lin_neigh = nn.Linear(i, o, bias=False)

    def forward(self, x, a):
        neigh = torch.mm(a, x)
        return F.normalize(self.lin_self(x) + self.lin_neigh(neigh), p=2, dim=-1)


class GINLayer(nn.Module):
    def __init__(self, i, o):
        super().__init__()
        self.eps = nn.Parameter(torch.zeros(1))
        self.mlp = nn.Sequential(nn.Linear(i, o), nn.BatchNorm1d(o), nn.ReLU(), nn.Linear(o, o))

    def forward(self, x, a):
        return self.mlp((1 + self.eps) * x + torch.sparse.mm(a, x))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.sage = SAGEMean(5, 8)
        self.gin = GINLayer(8, 8)
        self.head = nn.Linear(8, 2)

    def forward(self, x, a_mean, a_sum):
        h = F.relu(self.sage(x, a_mean))
        h = self.gin(h, a_sum)
        return self.head(h.sum(dim=0, keepdim=True))


x = torch.randn(N, 5)
net = Net()
print(net)
opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
target = torch.tensor([1])
for step in range(5):
    opt.zero_grad()
    logits = net(x, mean_adj, adj)
    loss = F.cross_entropy(logits, target)
    loss.backward()
    opt.step()
    print(f"step {step}: loss={loss.item():.4f} eps={net.gin.eps.item():.4f}")
print("eps grad:", net.gin.eps.grad.round(decimals=4))
print("logits:", logits.detach().round(decimals=3))
net.eval()
with torch.no_grad():
    emb = net.sage(x, mean_adj)
print(emb.norm(dim=1).round(decimals=4))
xs = x.to_sparse()
print("x sparse layout:", xs.layout, xs.shape, xs._nnz())
print(torch.allclose(xs.to_dense(), x))
print(adj.t().coalesce().indices())
print((adj * 2.0).coalesce().values()[:5])
print(torch.sparse.sum(adj).item(), torch.sparse.sum(adj, dim=0))

# two-hop propagation with learnable edge weights: A_w @ A_w stays sparse and passes gradients
edge_w = nn.Parameter(torch.full((adj._nnz(),), 0.5))
opt2 = torch.optim.Adam([edge_w], lr=0.1)
for step in range(3):
    A_w = torch.sparse_coo_tensor(adj.indices(), edge_w, adj.shape)
    A2 = torch.sparse.mm(A_w, A_w)
    out2 = torch.sparse.mm(A2, x).sum(dim=1)
    loss2 = (out2 - 1.0).pow(2).mean()
    opt2.zero_grad()
    loss2.backward()
    opt2.step()
    print(f"2-hop step {step}: nnz={A2._nnz()} loss={loss2.item():.4f} {A2.grad_fn.__class__.__name__}")
print("edge_w:", edge_w.detach()[:6].round(decimals=4))
print("mm grad_fn:", torch.mm(A_w, A_w.detach()).grad_fn.__class__.__name__)
