"""A two-layer GCN written by hand as in course notebooks (no torch_geometric): the adjacency is a
torch.sparse_coo_tensor built from an edge_index with duplicate edges, coalesced, self-loops added
with torch.cat of arange, symmetric D^-1/2 A D^-1/2 normalisation from torch.sparse.sum(dim=1),
propagation with torch.sparse.mm, and a few Adam steps on a synthetic node-classification task."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

num_nodes, num_feats, num_classes = 12, 6, 3
src = torch.randint(0, num_nodes, (30,))
dst = torch.randint(0, num_nodes, (30,))
edge_index = torch.stack([torch.cat([src, dst]), torch.cat([dst, src])])
print("edge_index shape:", edge_index.shape)

A = torch.sparse_coo_tensor(edge_index, torch.ones(edge_index.size(1)), (num_nodes, num_nodes))
print("is_coalesced before:", A.is_coalesced(), "nnz:", A._nnz())
A = A.coalesce()
print("is_coalesced after:", A.is_coalesced(), "nnz:", A._nnz())
print("max multiplicity:", A.values().max().item())
A = torch.sparse_coo_tensor(A.indices(), torch.ones_like(A.values()), A.shape).coalesce()

loops = torch.arange(num_nodes)
idx = torch.cat([A.indices(), torch.stack([loops, loops])], dim=1)
val = torch.cat([A.values(), torch.ones(num_nodes)])
A_hat = torch.sparse_coo_tensor(idx, val, (num_nodes, num_nodes)).coalesce()
deg = torch.sparse.sum(A_hat, dim=1).to_dense()
print("deg:", deg)
d_inv_sqrt = deg.pow(-0.5)
d_inv_sqrt[torch.isinf(d_inv_sqrt)] = 0.0
row, col = A_hat.indices()
norm_vals = d_inv_sqrt[row] * A_hat.values() * d_inv_sqrt[col]
A_norm = torch.sparse_coo_tensor(A_hat.indices(), norm_vals, A_hat.shape)
print(A_norm.layout, A_norm.is_coalesced(), A_norm.dtype)
print("row sums:", torch.sparse.sum(A_norm, dim=1).to_dense().round(decimals=4))
dense_check = torch.diag(d_inv_sqrt) @ A_hat.to_dense() @ torch.diag(d_inv_sqrt)
print("dense agrees:", torch.allclose(dense_check, A_norm.to_dense()))


class GCNLayer(nn.Module):
    def __init__(self, in_f, out_f):
        super().__init__()
        self.linear = nn.Linear(in_f, out_f)

    def forward(self, x, adj):
        return torch.sparse.mm(adj, self.linear(x))


class GCN(nn.Module):
    def __init__(self):
        super().__init__()
        self.l1 = GCNLayer(num_feats, 16)
        self.l2 = GCNLayer(16, num_classes)

    def forward(self, x, adj):
        h = F.relu(self.l1(x, adj))
        h = F.dropout(h, p=0.5, training=self.training)
        return self.l2(h, adj)


x = torch.randn(num_nodes, num_feats)
y = torch.randint(0, num_classes, (num_nodes,))
train_mask = torch.zeros(num_nodes, dtype=torch.bool)
train_mask[:8] = True
model = GCN()
opt = torch.optim.Adam(model.parameters(), lr=0.01, weight_decay=5e-4)
for epoch in range(6):
    model.train()
    opt.zero_grad()
    out = model(x, A_norm)
    loss = F.cross_entropy(out[train_mask], y[train_mask])
    loss.backward()
    opt.step()
    print(f"epoch {epoch} loss {loss.item():.4f}")
print("adj requires_grad:", A_norm.requires_grad, "grad:", A_norm.grad)
print("l1 weight grad norm:", round(model.l1.linear.weight.grad.norm().item(), 4))
model.eval()
with torch.no_grad():
    logits = model(x, A_norm)
print(logits.round(decimals=3))
pred = logits.argmax(dim=1)
print("pred:", pred.tolist())
print("test acc:", (pred[~train_mask] == y[~train_mask]).float().mean().item())
print(torch.sparse.mm(A_norm, torch.eye(num_nodes)).sum().round(decimals=3))

# validating an edge list that points past the last node, and an empty adjacency to accumulate into
bad = torch.cat([edge_index, torch.tensor([[0], [num_nodes]])], dim=1)
try:
    torch.sparse_coo_tensor(bad, torch.ones(bad.size(1)), (num_nodes, num_nodes), check_invariants=True)
except RuntimeError as e:
    print("invalid edge_index:", e)
with torch.sparse.check_sparse_tensor_invariants():
    print("checks on:", torch.sparse.check_sparse_tensor_invariants.is_enabled())
    try:
        torch.sparse_coo_tensor(-edge_index[:, :3], torch.ones(3), (num_nodes, num_nodes))
    except RuntimeError as e:
        print("negative:", e)
print("checks on:", torch.sparse.check_sparse_tensor_invariants.is_enabled())
acc = torch.sparse_coo_tensor(size=(num_nodes, num_nodes))
print(acc)
for k in range(3):
    acc = acc + torch.sparse_coo_tensor(edge_index[:, k::3], torch.full((edge_index[:, k::3].size(1),), float(k + 1)),
                                        (num_nodes, num_nodes))
acc = acc.coalesce()
print("acc nnz:", acc._nnz(), "total:", torch.sparse.sum(acc).item())
