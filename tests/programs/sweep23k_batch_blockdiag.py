"""Mini-batching several small graphs into one disjoint graph, as in GNN course notebooks that avoid
torch_geometric: node-index offsets with cumsum, block-diagonal sparse adjacency built by
concatenating shifted indices and by torch.cat of sparse tensors, a sparse graph-membership matrix
for mean pooling, torch.sparse.addmm, sparse + sparse, hybrid sparse values, a learnable edge
weight (gradient into sparse values), and a graph-classification training loop."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(5)
sizes = [3, 4, 2, 5]
graphs = []
for n in sizes:
    e = torch.randint(0, n, (2, n + 1))
    e = e[:, e[0] != e[1]]
    graphs.append(torch.cat([e, e.flip(0)], dim=1))
offsets = torch.cumsum(torch.tensor([0] + sizes[:-1]), dim=0)
print("offsets:", offsets.tolist())
N = sum(sizes)
ei = torch.cat([g + off for g, off in zip(graphs, offsets)], dim=1)
A = torch.sparse_coo_tensor(ei, torch.ones(ei.size(1)), (N, N)).coalesce()
print("nnz", A._nnz(), "dup max", A.values().max().item())

blocks = [torch.sparse_coo_tensor(g, torch.ones(g.size(1)), (n, n)) for g, n in zip(graphs, sizes)]
padded = []
for b, off, n in zip(blocks, offsets.tolist(), sizes):
    idx = b.coalesce().indices() + torch.tensor([[off], [off]])
    padded.append(torch.sparse_coo_tensor(idx, b.coalesce().values(), (N, N)))
A2 = padded[0]
for p in padded[1:]:
    A2 = A2 + p
print("sum of blocks equal:", torch.equal(A2.coalesce().to_dense(), A.to_dense()))
stacked = torch.cat([padded[0].coalesce(), padded[1].coalesce()], dim=1)
print(stacked)

batch = torch.repeat_interleave(torch.arange(len(sizes)), torch.tensor(sizes))
print("batch:", batch.tolist())
P = torch.sparse_coo_tensor(torch.stack([batch, torch.arange(N)]), torch.ones(N), (len(sizes), N))
counts = torch.sparse.sum(P, dim=1).to_dense()
P = torch.sparse_coo_tensor(P._indices(), 1.0 / counts[batch], P.shape).coalesce()

A_hat = (A + torch.sparse_coo_tensor(torch.arange(N).repeat(2, 1), torch.ones(N), (N, N))).coalesce()
deg = torch.sparse.sum(A_hat, 1).to_dense()
r, c = A_hat.indices()
A_hat = torch.sparse_coo_tensor(A_hat.indices(), A_hat.values() / deg[r], A_hat.shape).coalesce()

hyb = torch.sparse_coo_tensor(A.indices(), torch.randn(A._nnz(), 2), (N, N, 2))
print("hybrid:", hyb.sparse_dim(), hyb.dense_dim(), hyb.shape, hyb.coalesce().values().shape)
print("hybrid sum:", torch.sparse.sum(hyb, dim=(0, 1)).round(decimals=4))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin1 = nn.Linear(3, 8)
        self.lin2 = nn.Linear(8, 8)
        self.edge_w = nn.Parameter(torch.ones(A_hat._nnz()))
        self.out = nn.Linear(8, 2)

    def forward(self, x):
        adj = torch.sparse_coo_tensor(A_hat.indices(), A_hat.values() * self.edge_w, A_hat.shape)
        h = torch.relu(torch.sparse.mm(adj, self.lin1(x)))
        h = torch.sparse.addmm(h, adj, self.lin2(h), beta=0.5, alpha=1.0)
        g = torch.sparse.mm(P, h)
        return self.out(g)


x = torch.randn(N, 3)
y = torch.tensor([0, 1, 0, 1])
net = Net()
opt = torch.optim.Adam(net.parameters(), lr=0.03)
for step in range(6):
    opt.zero_grad()
    out = net(x)
    loss = F.cross_entropy(out, y)
    loss.backward()
    opt.step()
    print(f"step {step} loss {loss.item():.4f}")
print("edge_w grad:", net.edge_w.grad[:6].round(decimals=4))
print("edge_w:", net.edge_w.detach()[:6].round(decimals=4))
print(out.detach().round(decimals=3))

W = torch.sparse_coo_tensor(A_hat.indices(), A_hat.values().clone().requires_grad_(), A_hat.shape)
d = torch.randn(N, 2)
torch.sparse.mm(W, d).pow(2).sum().backward()
print(W.is_leaf, W.grad_fn is not None)
Ws = A.clone().requires_grad_()
z = torch.sparse.mm(Ws, d).sum()
z.backward()
print(Ws.grad.layout, Ws.grad.is_coalesced(), Ws.grad._nnz())
print(Ws.grad.coalesce().values()[:5].round(decimals=4))

# block-diagonal adjacency by concatenating row blocks of the padded per-graph adjacencies
rows = [torch.cat([padded[k].coalesce() for k in range(2)], dim=0) for _ in range(1)][0]
print("row blocks:", rows.shape, rows.is_coalesced(), rows._nnz())
print(torch.equal(rows.to_dense(), torch.cat([padded[0].to_dense(), padded[1].to_dense()])))
ev = torch.ones(A._nnz(), requires_grad=True)
A_w = torch.sparse_coo_tensor(A.indices(), ev, A.shape)
total = torch.sparse.sum(A_w)
print(total, total.grad_fn.__class__.__name__)
total.backward()
print("edge value grads:", ev.grad[:5])

# equal-sized graphs stacked into a (batch, n, n) sparse tensor
sq = [torch.sparse_coo_tensor(g % 2, torch.ones(g.size(1)), (2, 2)) for g in graphs[:3]]
batch_adj = torch.stack(sq)
print(batch_adj)
print(batch_adj.sparse_dim(), batch_adj.is_coalesced(), batch_adj.coalesce()._nnz())
print(batch_adj.to_dense().sum(dim=(1, 2)))
w3 = torch.ones(3, requires_grad=True)
sq_w = [torch.sparse_coo_tensor(torch.tensor([[0], [1]]), w3[k:k + 1] * (k + 1), (2, 2)) for k in range(3)]
tot = torch.sparse.sum(torch.stack(sq_w, dim=1))
tot.backward()
print(tot.item(), w3.grad)
