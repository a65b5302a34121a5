"""CTR models from recsys tutorials: a factorization machine (pairwise interactions with the
square-of-sum trick, checked against the explicit O(n^2) sum), wide & deep, and a DLRM-style
model whose dot interactions use torch.bmm and torch.triu_indices / tril_indices; field offsets
for shared embedding tables, BCEWithLogitsLoss, AUC by ranking, and log-loss."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
field_dims = [5, 7, 4, 6]
offsets = torch.tensor((0, *torch.tensor(field_dims).cumsum(0)[:-1].tolist()), dtype=torch.long)
print("offsets", offsets, sum(field_dims))
n = 96
x_cat = torch.stack([torch.randint(0, d, (n,)) for d in field_dims], dim=1)
x_num = torch.randn(n, 3)
true_w = torch.randn(sum(field_dims))
logit = true_w[x_cat + offsets].sum(1) + x_num[:, 0] - 0.5 * x_num[:, 1]
y = (torch.sigmoid(logit) > torch.rand(n)).float()
print("data", x_cat.shape, x_cat[:2].tolist(), f"pos rate {y.mean().item():.4f}")


class FeaturesLinear(nn.Module):
    def __init__(self, field_dims):
        super().__init__()
        self.fc = nn.Embedding(sum(field_dims), 1)
        self.bias = nn.Parameter(torch.zeros((1,)))
        self.register_buffer("offsets", torch.tensor((0, *torch.tensor(field_dims).cumsum(0)[:-1].tolist())))

    def forward(self, x):
        x = x + self.offsets.unsqueeze(0)
        return torch.sum(self.fc(x), dim=1) + self.bias


class FeaturesEmbedding(nn.Module):
    def __init__(self, field_dims, embed_dim):
        super().__init__()
        self.embedding = nn.Embedding(sum(field_dims), embed_dim)
        self.register_buffer("offsets", torch.tensor((0, *torch.tensor(field_dims).cumsum(0)[:-1].tolist())))
        nn.init.xavier_uniform_(self.embedding.weight.data)

    def forward(self, x):
        return self.embedding(x + self.offsets.unsqueeze(0))


class FactorizationMachine(nn.Module):
    def __init__(self, reduce_sum=True):
        super().__init__()
        self.reduce_sum = reduce_sum

    def forward(self, x):
        square_of_sum = torch.sum(x, dim=1) ** 2
        sum_of_square = torch.sum(x ** 2, dim=1)
        ix = square_of_sum - sum_of_square
        if self.reduce_sum:
            ix = torch.sum(ix, dim=1, keepdim=True)
        return 0.5 * ix


class FM(nn.Module):
    def __init__(self, field_dims, embed_dim=4):
        super().__init__()
        self.embedding = FeaturesEmbedding(field_dims, embed_dim)
        self.linear = FeaturesLinear(field_dims)
        self.fm = FactorizationMachine(reduce_sum=True)

    def forward(self, x):
        x = self.linear(x) + self.fm(self.embedding(x))
        return x.squeeze(1)


def auc(scores, labels):
    order = scores.argsort()
    ranks = torch.empty_like(order, dtype=torch.float)
    ranks[order] = torch.arange(1, len(scores) + 1, dtype=torch.float)
    n_pos = labels.sum()
    n_neg = len(labels) - n_pos
    return ((ranks[labels == 1].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)).item()


def train(model, epochs=15, lr=0.05, extra=None):
    opt = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=1e-6)
    crit = nn.BCEWithLogitsLoss()
    for ep in range(epochs):
        out = model(x_cat) if extra is None else model(x_cat, x_num)
        loss = crit(out, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        out = model(x_cat) if extra is None else model(x_cat, x_num)
        ll = F.binary_cross_entropy(torch.sigmoid(out), y)
    return loss.item(), ll.item(), auc(out, y)


torch.manual_seed(1)
fm = FM(field_dims)
print(fm)
emb = fm.embedding(x_cat[:4])
trick = fm.fm(emb).squeeze(1)
explicit = torch.zeros(4)
nf = emb.shape[1]
for i in range(nf):
    for j in range(i + 1, nf):
        explicit += (emb[:, i] * emb[:, j]).sum(-1)
print("fm trick == explicit", torch.allclose(trick, explicit, atol=1e-6), trick.shape)
loss, ll, a = train(fm)
print(f"FM loss {loss:.4f} logloss {ll:.4f} auc {a:.4f}")
print("fm no-reduce", FactorizationMachine(reduce_sum=False)(emb).shape)


class WideAndDeep(nn.Module):
    def __init__(self, field_dims, embed_dim=4, hidden=(16, 8), dropout=0.1):
        super().__init__()
        self.linear = FeaturesLinear(field_dims)
        self.embedding = FeaturesEmbedding(field_dims, embed_dim)
        self.embed_output_dim = len(field_dims) * embed_dim + 3
        layers, d = [], self.embed_output_dim
        for h in hidden:
            layers += [nn.Linear(d, h), nn.BatchNorm1d(h), nn.ReLU(), nn.Dropout(p=dropout)]
            d = h
        layers.append(nn.Linear(d, 1))
        self.mlp = nn.Sequential(*layers)

    def forward(self, x, dense):
        embed_x = self.embedding(x)
        deep_in = torch.cat([embed_x.view(-1, self.embed_output_dim - 3), dense], dim=1)
        return (self.linear(x) + self.mlp(deep_in)).squeeze(1)


torch.manual_seed(2)
wd = WideAndDeep(field_dims)
print(wd.mlp)
loss, ll, a = train(wd, extra=True)
wd.eval()
print(f"W&D loss {loss:.4f} logloss {ll:.4f} auc {a:.4f}")
print("num params", sum(p.numel() for p in wd.parameters() if p.requires_grad))


class DLRM(nn.Module):
    def __init__(self, field_dims, dim=4, n_dense=3):
        super().__init__()
        self.embs = nn.ModuleList([nn.EmbeddingBag(d, dim, mode="sum") for d in field_dims])
        self.bot = nn.Sequential(nn.Linear(n_dense, 8), nn.ReLU(), nn.Linear(8, dim), nn.ReLU())
        n_vec = len(field_dims) + 1
        li, lj = torch.tril_indices(n_vec, n_vec, offset=-1)
        self.register_buffer("li", li)
        self.register_buffer("lj", lj)
        self.top = nn.Sequential(nn.Linear(dim + n_vec * (n_vec - 1) // 2, 8), nn.ReLU(), nn.Linear(8, 1))

    def interact(self, dense_x, sparse_ys):
        batch, d = dense_x.shape
        T = torch.cat([dense_x] + sparse_ys, dim=1).view((batch, -1, d))
        Z = torch.bmm(T, torch.transpose(T, 1, 2))
        Zflat = Z[:, self.li, self.lj]
        return torch.cat([dense_x, Zflat], dim=1)

    def forward(self, x, dense):
        dense_x = self.bot(dense)
        sparse_ys = [emb(x[:, k:k + 1]) for k, emb in enumerate(self.embs)]
        return self.top(self.interact(dense_x, sparse_ys)).squeeze(1)


print("triu", torch.triu_indices(4, 4, offset=1).tolist())
print("tril", torch.tril_indices(3, 4).tolist(), torch.triu_indices(3, 3, -1).shape)
torch.manual_seed(3)
dlrm = DLRM(field_dims)
print(dlrm.top, dlrm.li.tolist())
loss, ll, a = train(dlrm, extra=True, epochs=20)
print(f"DLRM loss {loss:.4f} logloss {ll:.4f} auc {a:.4f}")
T = torch.randn(2, 3, 4)
Z = T @ T.transpose(1, 2)
iu = torch.triu_indices(3, 3, 1)
print("pairwise", Z[:, iu[0], iu[1]].round(decimals=4), torch.equal(Z, Z.transpose(1, 2)))
print("einsum == bmm", torch.allclose(torch.einsum("bnd,bmd->bnm", T, T), Z, atol=1e-6))
