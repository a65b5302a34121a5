"""gcn in the style of pytorch/examples: a two-layer Graph Convolutional Network (Kipf & Welling) on a
synthetic planted-partition graph.  The symmetric normalised adjacency D^-1/2 (A + I) D^-1/2 is a sparse
COO tensor; each GraphConv multiplies it with torch.sparse.mm (and torch.spmm), so the weights' gradients
flow through the sparse product.  Also: sparse tensor bookkeeping (coalesce, transpose, _nnz, to_dense)."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(2024)


class GraphConv(nn.Module):
    """Y = A_hat (X W) + b"""

    def __init__(self, input_dim, output_dim, use_bias=False, use_spmm=False):
        super(GraphConv, self).__init__()
        self.kernel = nn.Parameter(torch.Tensor(input_dim, output_dim))
        nn.init.xavier_normal_(self.kernel)
        self.bias = None
        if use_bias:
            self.bias = nn.Parameter(torch.Tensor(output_dim))
            nn.init.zeros_(self.bias)
        self.use_spmm = use_spmm

    def forward(self, input_tensor, adj_mat):
        support = torch.mm(input_tensor, self.kernel)
        output = torch.spmm(adj_mat, support) if self.use_spmm else torch.sparse.mm(adj_mat, support)
        if self.bias is not None:
            output = output + self.bias
        return output

    def extra_repr(self):
        return f"{self.kernel.shape[0]}, {self.kernel.shape[1]}, bias={self.bias is not None}"


class GCN(nn.Module):
    def __init__(self, input_dim, hidden_dim, output_dim, use_bias=True, dropout_p=0.1):
        super(GCN, self).__init__()
        self.gc1 = GraphConv(input_dim, hidden_dim, use_bias=use_bias)
        self.gc2 = GraphConv(hidden_dim, output_dim, use_bias=use_bias, use_spmm=True)
        self.dropout = nn.Dropout(dropout_p)

    def forward(self, input_tensor, adj_mat):
        x = self.gc1(input_tensor, adj_mat)
        x = F.relu(x)
        x = self.dropout(x)
        x = self.gc2(x, adj_mat)
        return F.log_softmax(x, dim=1)


def planted_partition(n, k, p_in, p_out):
    labels = torch.arange(n) % k
    same = labels[:, None] == labels[None, :]
    probs = torch.full((n, n), p_out)
    probs[same] = p_in
    upper = torch.bernoulli(torch.triu(probs, diagonal=1))
    edges = upper.nonzero().t()
    return labels, edges


def normalize_adjacency(edges, n):
    """D^-1/2 (A + I) D^-1/2 as a coalesced sparse tensor."""
    loops = torch.arange(n).repeat(2, 1)
    idx = torch.cat([edges, edges.flip(0), loops], dim=1)
    values = torch.ones(idx.shape[1])
    adj = torch.sparse_coo_tensor(idx, values, (n, n)).coalesce()
    deg = torch.sparse.sum(adj).item(), adj.to_dense().sum(1)
    d_inv_sqrt = deg[1].pow(-0.5)
    i, j = adj.indices()
    norm_values = d_inv_sqrt[i] * adj.values() * d_inv_sqrt[j]
    return torch.sparse_coo_tensor(adj.indices(), norm_values, (n, n)).coalesce(), deg[0]


N, K, F_IN = 90, 3, 20
labels, edges = planted_partition(N, K, 0.2, 0.02)
print("edges", edges.shape, edges[:, :5].tolist())
adj, total = normalize_adjacency(edges, N)
print(adj.layout, adj.is_coalesced(), adj._nnz(), total, adj.shape)
print(adj.values()[:6].round(decimals=4))
adj_t = adj.t()
print("transpose:", adj_t.is_sparse, adj_t.is_coalesced(), torch.equal(adj_t.to_dense(), adj.to_dense()))
print("symmetric:", torch.allclose(adj.to_dense(), adj.to_dense().T))
adj64 = adj.double()
print(adj64.layout, adj64.dtype, adj64.type(), adj.type(), adj.to("cpu") is adj)
print("squared weights", adj.pow(2).values()[:4].round(decimals=5), adj.sqrt().is_coalesced())

features = torch.randn(N, F_IN) * 0.5
features[:, :K] += F.one_hot(labels, K).float() * 0.8          # a weak signal in the features
features = features + torch.randn(N, F_IN) * 0.3
perm = torch.randperm(N)
idx_train, idx_val, idx_test = perm[:30], perm[30:50], perm[50:]

model = GCN(F_IN, 16, K, use_bias=True, dropout_p=0.3)
print(model)
optimizer = torch.optim.Adam(model.parameters(), lr=0.01, weight_decay=5e-4)
criterion = nn.NLLLoss()

out = model(features, adj)
print(out.grad_fn.name(), out.shape)
h = torch.sparse.mm(adj, features @ model.gc1.kernel)
print(h.grad_fn.name(), [type(f).__name__ if f is not None else None for f, _ in h.grad_fn.next_functions])


def accuracy(output, labels):
    return output.argmax(1).eq(labels).double().mean()


for epoch in range(1, 61):
    model.train()
    optimizer.zero_grad()
    output = model(features, adj)
    loss_train = criterion(output[idx_train], labels[idx_train])
    loss_train.backward()
    optimizer.step()
    if epoch == 1:
        print("kernel grad", model.gc1.kernel.grad.shape, f"{model.gc1.kernel.grad.norm().item():.5f}",
              f"{model.gc2.bias.grad.abs().sum().item():.5f}")
    if epoch % 10 == 0:
        model.eval()
        with torch.no_grad():
            output = model(features, adj)
        loss_val = criterion(output[idx_val], labels[idx_val])
        print(f"Epoch {epoch:03d} | train loss {loss_train.item():.4f} | val loss {loss_val.item():.4f} | "
              f"val acc {accuracy(output[idx_val], labels[idx_val]).item():.4f}")

model.eval()
with torch.no_grad():
    output = model(features, adj)
print(f"Test loss {criterion(output[idx_test], labels[idx_test]).item():.4f} "
      f"accuracy {accuracy(output[idx_test], labels[idx_test]).item():.4f}")
print("predictions", output.argmax(1)[:15].tolist())

# smoothing: repeated propagation A_hat^k x converges towards the dominant eigenvector direction
x = features[:, :1]
for k in range(3):
    x = torch.sparse.mm(adj, x)
    print(k, x[:4, 0].round(decimals=4).tolist())
w = torch.ones(N, 2, requires_grad=True)
y = (adj @ w).pow(2).sum()
y.backward()
print(y.item() > 0, w.grad[:3].round(decimals=4))

# learnable edge weights: the gradient reaches the values of the sparse matrix
edge_w = torch.ones(adj._nnz(), requires_grad=True)
A = torch.sparse_coo_tensor(adj.indices(), adj.values() * edge_w, adj.shape)
print(A.grad_fn.name(), A.requires_grad, A.is_leaf)
out = torch.sparse.mm(A.coalesce(), features @ model.gc1.kernel.detach())
out.pow(2).mean().backward()
print("edge weight grads", edge_w.grad.shape, edge_w.grad[:5].round(decimals=5))
A = torch.sparse_coo_tensor(adj.indices(), adj.values() * edge_w, adj.shape)   # a new graph: the old one is freed
dense_check = (A.to_dense() * 2).sum()
dense_check.backward()
print("after to_dense", edge_w.grad[:5].round(decimals=5))
