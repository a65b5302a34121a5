"""gat in the style of pytorch/examples: a Graph Attention Network on a synthetic citation-like graph
(two communities of nodes, features correlated with the label).  Multi-head attention restricted to
the adjacency by masking with -inf, LeakyReLU scores, dropout on features and on attention, ELU,
head concatenation, log_softmax + nll_loss, Adam with weight decay, masks for train/val/test splits."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(13)


class GraphAttentionLayer(nn.Module):
    def __init__(self, in_features, out_features, n_heads, concat=False, dropout=0.4, leaky_relu_slope=0.2):
        super(GraphAttentionLayer, self).__init__()
        self.n_heads = n_heads
        self.concat = concat
        self.dropout = dropout
        if concat:
            self.out_features = out_features
            assert out_features % n_heads == 0
            self.n_hidden = out_features // n_heads
        else:
            self.n_hidden = out_features
        self.W = nn.Parameter(torch.empty(size=(in_features, self.n_hidden * n_heads)))
        self.a = nn.Parameter(torch.empty(size=(n_heads, 2 * self.n_hidden, 1)))
        self.leakyrelu = nn.LeakyReLU(leaky_relu_slope)
        self.softmax = nn.Softmax(dim=1)
        self.reset_parameters()

    def reset_parameters(self):
        nn.init.xavier_normal_(self.W)
        nn.init.xavier_normal_(self.a)

    def _get_attention_scores(self, h_transformed):
        source_scores = torch.matmul(h_transformed, self.a[:, :self.n_hidden, :])
        target_scores = torch.matmul(h_transformed, self.a[:, self.n_hidden:, :])
        # broadcast add: (n_heads, n_nodes, 1) + (n_heads, 1, n_nodes)
        e = source_scores + target_scores.mT
        return self.leakyrelu(e)

    def forward(self, h, adj_mat):
        n_nodes = h.shape[0]
        h_transformed = torch.mm(h, self.W)
        h_transformed = F.dropout(h_transformed, self.dropout, training=self.training)
        h_transformed = h_transformed.view(n_nodes, self.n_heads, self.n_hidden).permute(1, 0, 2)
        e = self._get_attention_scores(h_transformed)
        connectivity_mask = -9e16 * torch.ones_like(e)
        e = torch.where(adj_mat > 0, e, connectivity_mask)
        attention = F.softmax(e, dim=-1)
        attention = F.dropout(attention, self.dropout, training=self.training)
        h_prime = torch.matmul(attention, h_transformed)
        if self.concat:
            h_prime = h_prime.permute(1, 0, 2).contiguous().view(n_nodes, self.out_features)
        else:
            h_prime = h_prime.mean(dim=0)
        return h_prime


class GAT(nn.Module):
    def __init__(self, in_features, n_hidden, n_heads, num_classes, concat=False, dropout=0.4,
                 leaky_relu_slope=0.2):
        super(GAT, self).__init__()
        self.gat1 = GraphAttentionLayer(in_features=in_features, out_features=n_hidden, n_heads=n_heads,
                                        concat=concat, dropout=dropout, leaky_relu_slope=leaky_relu_slope)
        self.gat2 = GraphAttentionLayer(in_features=n_hidden, out_features=num_classes, n_heads=1,
                                        concat=False, dropout=dropout, leaky_relu_slope=leaky_relu_slope)

    def forward(self, input_tensor, adj_mat):
        x = self.gat1(input_tensor, adj_mat)
        x = F.elu(x)
        x = self.gat2(x, adj_mat)
        return F.log_softmax(x, dim=1)


# --- a synthetic graph ---------------------------------------------------------------------------------
N, F_IN, C = 60, 16, 3
labels = torch.arange(N) % C
labels = labels[torch.randperm(N)]
centers = torch.randn(C, F_IN)
features = (centers[labels] + 1.5 * torch.randn(N, F_IN) > 0.5).float()
features = features / features.sum(1, keepdim=True).clamp(min=1)   # row-normalised bag of words
same = labels.unsqueeze(0) == labels.unsqueeze(1)
probs = torch.where(same, torch.tensor(0.15), torch.tensor(0.02))
edges = torch.bernoulli(torch.triu(probs, diagonal=1)).nonzero()
print("edges", edges.shape, edges[:4].tolist())
values = torch.ones(edges.shape[0])
adj = torch.sparse_coo_tensor(edges.t(), values, (N, N))
adj = adj + adj.t()
print(adj.is_sparse, adj._nnz(), adj.coalesce().indices().shape)
adj = adj.to_dense() + torch.eye(N)
print("degrees", adj.sum(1)[:10].tolist(), "symmetric", torch.equal(adj, adj.T))
homophily = same[adj > 0].float().mean()
print(f"homophily {homophily.item():.4f}")

idx = torch.randperm(N)
idx_train, idx_val, idx_test = idx[:24], idx[24:40], idx[40:]
train_mask = torch.zeros(N, dtype=torch.bool).index_fill_(0, idx_train, True)
print("train mask", train_mask.sum().item(), train_mask[:10])

model = GAT(in_features=F_IN, n_hidden=16, n_heads=4, num_classes=C, concat=True, dropout=0.3)
print(model)
for name, p in model.named_parameters():
    print(name, tuple(p.shape), f"{p.std().item():.4f}")
optimizer = torch.optim.Adam(model.parameters(), lr=0.01, weight_decay=5e-4)
criterion = nn.NLLLoss()


def accuracy(output, labels):
    preds = output.argmax(dim=1)
    return (preds == labels).float().mean()


def test(model, criterion, input, target, mask):
    model.eval()
    with torch.no_grad():
        output = model(*input)
        output, target = output[mask], target[mask]
        loss = criterion(output, target)
        acc = accuracy(output, target)
    return loss.item(), acc.item()


for epoch in range(1, 41):
    model.train()
    optimizer.zero_grad()
    output = model(features, adj)
    loss = criterion(output[idx_train], labels[idx_train])
    loss.backward()
    optimizer.step()
    if epoch % 5 == 0:
        val_loss, val_acc = test(model, criterion, (features, adj), labels, idx_val)
        print(f"Epoch {epoch:3d} | train loss {loss.item():.4f} | val loss {val_loss:.4f} | "
              f"val acc {val_acc:.4f}")

test_loss, test_acc = test(model, criterion, (features, adj), labels, idx_test)
print(f"Test set results: loss {test_loss:.4f} accuracy {test_acc:.4f}")

model.eval()
with torch.no_grad():
    h = torch.mm(features, model.gat1.W).view(N, 4, 4).permute(1, 0, 2)
    e = model.gat1._get_attention_scores(h)
    att = F.softmax(torch.where(adj > 0, e, torch.full_like(e, float("-inf"))), dim=-1)
print("attention", att.shape, "rows sum to 1:", torch.allclose(att.sum(-1), torch.ones(4, N)))
print("zero off-graph:", bool((att[:, adj == 0] == 0).all()), "nonzeros", int((att > 0).sum()))
print(att[0, 0][adj[0] > 0].round(decimals=3))
print(e.grad_fn, e.requires_grad)


# --- the sparse variant (as in pyGAT's SpGAT): attention values on the edge list only, multiplied by a
# custom autograd.Function around a sparse COO matrix ---------------------------------------------------------
class SpecialSpmmFunction(torch.autograd.Function):
    """Special function for only sparse region backpropataion layer."""

    @staticmethod
    def forward(ctx, indices, values, shape, b):
        assert indices.requires_grad == False
        a = torch.sparse_coo_tensor(indices, values, shape)
        ctx.save_for_backward(a, b)
        ctx.N = shape[0]
        return torch.matmul(a, b)

    @staticmethod
    def backward(ctx, grad_output):
        a, b = ctx.saved_tensors
        grad_values = grad_b = None
        if ctx.needs_input_grad[1]:
            grad_a_dense = grad_output.matmul(b.t())
            edge_idx = a._indices()[0, :] * ctx.N + a._indices()[1, :]
            grad_values = grad_a_dense.view(-1)[edge_idx]
        if ctx.needs_input_grad[3]:
            grad_b = a.t().matmul(grad_output)
        return None, grad_values, None, grad_b


class SpecialSpmm(nn.Module):
    def forward(self, indices, values, shape, b):
        return SpecialSpmmFunction.apply(indices, values, shape, b)


class SpGraphAttentionLayer(nn.Module):
    def __init__(self, in_features, out_features, dropout, alpha, concat=True):
        super(SpGraphAttentionLayer, self).__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.alpha = alpha
        self.concat = concat
        self.W = nn.Parameter(torch.zeros(size=(in_features, out_features)))
        nn.init.xavier_normal_(self.W.data, gain=1.414)
        self.a = nn.Parameter(torch.zeros(size=(1, 2 * out_features)))
        nn.init.xavier_normal_(self.a.data, gain=1.414)
        self.dropout = nn.Dropout(dropout)
        self.leakyrelu = nn.LeakyReLU(self.alpha)
        self.special_spmm = SpecialSpmm()

    def forward(self, input, adj):
        N = input.size()[0]
        edge = adj.nonzero().t()
        h = torch.mm(input, self.W)
        assert not torch.isnan(h).any()
        edge_h = torch.cat((h[edge[0, :], :], h[edge[1, :], :]), dim=1).t()
        edge_e = torch.exp(-self.leakyrelu(self.a.mm(edge_h).squeeze()))
        assert not torch.isnan(edge_e).any()
        e_rowsum = self.special_spmm(edge, edge_e, torch.Size([N, N]), torch.ones(size=(N, 1)))
        edge_e = self.dropout(edge_e)
        h_prime = self.special_spmm(edge, edge_e, torch.Size([N, N]), h)
        assert not torch.isnan(h_prime).any()
        h_prime = h_prime.div(e_rowsum)
        assert not torch.isnan(h_prime).any()
        return F.elu(h_prime) if self.concat else h_prime

    def __repr__(self):
        return self.__class__.__name__ + ' (' + str(self.in_features) + ' -> ' + str(self.out_features) + ')'


class SpGAT(nn.Module):
    def __init__(self, nfeat, nhid, nclass, dropout, alpha, nheads):
        super(SpGAT, self).__init__()
        self.dropout = dropout
        self.attentions = [SpGraphAttentionLayer(nfeat, nhid, dropout=dropout, alpha=alpha, concat=True)
                           for _ in range(nheads)]
        for i, attention in enumerate(self.attentions):
            self.add_module('attention_{}'.format(i), attention)
        self.out_att = SpGraphAttentionLayer(nhid * nheads, nclass, dropout=dropout, alpha=alpha, concat=False)

    def forward(self, x, adj):
        x = F.dropout(x, self.dropout, training=self.training)
        x = torch.cat([att(x, adj) for att in self.attentions], dim=1)
        x = F.dropout(x, self.dropout, training=self.training)
        x = F.elu(self.out_att(x, adj))
        return F.log_softmax(x, dim=1)


torch.manual_seed(5)
sp_model = SpGAT(nfeat=F_IN, nhid=6, nclass=C, dropout=0.2, alpha=0.2, nheads=2)
print(sp_model)
sp_opt = torch.optim.Adam(sp_model.parameters(), lr=0.01, weight_decay=5e-4)
for epoch in range(1, 16):
    sp_model.train()
    sp_opt.zero_grad()
    out = sp_model(features, adj)
    loss = F.nll_loss(out[idx_train], labels[idx_train])
    loss.backward()
    if epoch == 1:
        print("grads", [f"{p.grad.norm().item():.5f}" for p in sp_model.parameters()][:4])
    sp_opt.step()
    if epoch % 5 == 0:
        sp_model.eval()
        with torch.no_grad():
            out = sp_model(features, adj)
        acc = accuracy(out[idx_val], labels[idx_val]).item()
        print(f"SpGAT epoch {epoch:2d} loss {loss.item():.4f} val acc {acc:.4f}")
vals = torch.rand(5, requires_grad=True)
idx = torch.tensor([[0, 1, 2, 2, 0], [1, 2, 0, 1, 0]])
b = torch.randn(3, 2, requires_grad=True)
r = SpecialSpmmFunction.apply(idx, vals, torch.Size([3, 3]), b)
r.sum().backward()
print(r.grad_fn.name(), vals.grad.round(decimals=4), b.grad.round(decimals=4))
