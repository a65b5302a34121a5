"""A single-head / multi-head GAT-like layer written with torch sparse tensors: attention logits on
each edge from a learned vector, LeakyReLU, torch.sparse.softmax over each node's neighbours, the
attention matrix built as a sparse_coo_tensor whose values carry gradients, aggregation with
torch.sparse.mm, edge dropout by masking values, and a few training steps."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(2)
N, F_in, F_out, heads = 7, 4, 3, 2
edges = torch.tensor([[0, 1, 1, 2, 3, 4, 5, 6, 2, 0, 3, 6],
                      [1, 0, 2, 1, 4, 3, 6, 5, 0, 2, 6, 3]])
loop = torch.arange(N)
edge_index = torch.cat([edges, torch.stack([loop, loop])], dim=1)
print("E =", edge_index.size(1))


class GATLayer(nn.Module):
    def __init__(self, fin, fout, heads=1, edge_drop=0.0):
        super().__init__()
        self.heads, self.fout, self.edge_drop = heads, fout, edge_drop
        self.W = nn.Linear(fin, heads * fout, bias=False)
        self.a_src = nn.Parameter(torch.empty(heads, fout))
        self.a_dst = nn.Parameter(torch.empty(heads, fout))
        nn.init.xavier_uniform_(self.a_src)
        nn.init.xavier_uniform_(self.a_dst)

    def forward(self, x, edge_index):
        n = x.size(0)
        h = self.W(x).view(n, self.heads, self.fout)
        src, dst = edge_index
        e = (h[src] * self.a_src).sum(-1) + (h[dst] * self.a_dst).sum(-1)
        e = F.leaky_relu(e, 0.2)
        outs = []
        for k in range(self.heads):
            vals = e[:, k]
            if self.training and self.edge_drop > 0:
                keep = torch.rand(vals.size(0)) >= self.edge_drop
                vals = vals.masked_fill(~keep, float("-inf"))
            S = torch.sparse_coo_tensor(torch.stack([dst, src]), vals, (n, n))
            att = torch.sparse.softmax(S, dim=1)
            outs.append(torch.sparse.mm(att, h[:, k, :]))
        return torch.cat(outs, dim=-1), att


x = torch.randn(N, F_in)
layer = GATLayer(F_in, F_out, heads=heads)
out, att = layer(x, edge_index)
print(out.shape, out.grad_fn is not None)
print(out.detach().round(decimals=4))
att_c = att.coalesce()
print("att nnz:", att_c._nnz())
print("att row sums:", torch.sparse.sum(att_c, dim=1).to_dense().detach().round(decimals=4))
print("att values:", att_c.values().detach().round(decimals=4))
S0 = torch.sparse_coo_tensor(torch.stack([edge_index[1], edge_index[0]]), torch.ones(edge_index.size(1)), (N, N))
print(torch.sparse.softmax(S0, dim=1).to_dense().round(decimals=4))
print(torch.sparse.log_softmax(S0.coalesce(), dim=1).coalesce().values().round(decimals=4))

out.sum().backward()
print("a_src grad:", layer.a_src.grad.round(decimals=4))
print("W grad norm:", round(layer.W.weight.grad.norm().item(), 4))

torch.manual_seed(3)
model = GATLayer(F_in, 2, heads=1, edge_drop=0.3)
opt = torch.optim.Adam(model.parameters(), lr=0.05)
y = torch.randint(0, 2, (N,))
for it in range(5):
    model.train()
    opt.zero_grad()
    logits, _ = model(x, edge_index)
    loss = F.cross_entropy(logits, y)
    loss.backward()
    opt.step()
    print(f"it {it} loss {loss.item():.4f}")
model.eval()
with torch.no_grad():
    logits, a = model(x, edge_index)
print(logits.round(decimals=3))
print(a.coalesce().indices()[:, :6])

# a learnable edge weight on the sparse adjacency, scaled and negated as sparse tensors
edge_logit = nn.Parameter(torch.zeros(edge_index.size(1)))
opt_e = torch.optim.SGD([edge_logit], lr=0.5)
for it in range(3):
    W_adj = torch.sparse_coo_tensor(edge_index, torch.sigmoid(edge_logit), (N, N))
    half = W_adj * 0.5 + (-W_adj / 4.0)
    y_hat = torch.sparse.mm(half.coalesce(), x).sum(dim=1)
    loss = (y_hat - 1.0).pow(2).mean()
    opt_e.zero_grad()
    loss.backward()
    opt_e.step()
    print(f"edge it {it} loss {loss.item():.4f} grad_fn {half.grad_fn.__class__.__name__}")
print("edge logits:", edge_logit.detach().round(decimals=4))
