"""Link prediction with a GCN encoder and a dot-product decoder, in the style of course notebooks:
a train/test edge split with torch.randperm, negative sampling with torch.randint and a dedicated
torch.Generator, filtering sampled pairs that are true edges via a dense lookup of the sparse
adjacency, edge dropout by masking sparse values, BCE-with-logits training and an AUC-like score."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(4)
N = 10
g = torch.Generator().manual_seed(123)
ring = torch.stack([torch.arange(N), (torch.arange(N) + 1) % N])
chords = torch.randint(0, N, (2, 8), generator=g)
und = torch.cat([ring, chords], dim=1)
und = und[:, und[0] != und[1]]
edge_index = torch.cat([und, und.flip(0)], dim=1)
adj = torch.sparse_coo_tensor(edge_index, torch.ones(edge_index.size(1)), (N, N)).coalesce()
adj = torch.sparse_coo_tensor(adj.indices(), adj.values().clamp(max=1.0), adj.shape, dtype=torch.float32)
print(adj)

perm = torch.randperm(und.size(1), generator=g)
n_test = 3
test_pos = und[:, perm[:n_test]]
train_pos = und[:, perm[n_test:]]
print("train/test:", train_pos.size(1), test_pos.size(1))


def normalize(ei, n, p_drop=0.0, gen=None):
    ei = torch.cat([ei, ei.flip(0), torch.arange(n).repeat(2, 1)], dim=1)
    vals = torch.ones(ei.size(1))
    if p_drop > 0:
        mask = torch.rand(ei.size(1), generator=gen) >= p_drop
        vals = vals * mask
    a = torch.sparse_coo_tensor(ei, vals, (n, n)).coalesce()
    d = torch.sparse.sum(a, dim=1).to_dense()
    dis = d.pow(-0.5).masked_fill(d == 0, 0)
    i, j = a.indices()
    return torch.sparse_coo_tensor(a.indices(), dis[i] * a.values() * dis[j], a.shape)


def negative_sample(pos, n, num, gen):
    dense = torch.sparse_coo_tensor(pos, torch.ones(pos.size(1)), (n, n)).to_dense()
    cand = torch.randint(0, n, (2, num * 3), generator=gen)
    ok = (dense[cand[0], cand[1]] == 0) & (cand[0] != cand[1])
    return cand[:, ok][:, :num]


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.w1 = nn.Parameter(torch.randn(N, 8) * 0.3)
        self.w2 = nn.Parameter(torch.randn(8, 4) * 0.3)

    def forward(self, a):
        h = torch.relu(torch.sparse.mm(a, self.w1))
        return torch.sparse.mm(a, h @ self.w2)


def decode(z, pairs):
    return (z[pairs[0]] * z[pairs[1]]).sum(dim=-1)


enc = Encoder()
opt = torch.optim.Adam(enc.parameters(), lr=0.02)
gen = torch.Generator().manual_seed(7)
for epoch in range(6):
    a = normalize(train_pos, N, p_drop=0.2, gen=gen)
    neg = negative_sample(edge_index, N, train_pos.size(1), gen)
    z = enc(a)
    pos_logit, neg_logit = decode(z, train_pos), decode(z, neg)
    logits = torch.cat([pos_logit, neg_logit])
    labels = torch.cat([torch.ones_like(pos_logit), torch.zeros_like(neg_logit)])
    loss = F.binary_cross_entropy_with_logits(logits, labels)
    opt.zero_grad()
    loss.backward()
    opt.step()
    print(f"epoch {epoch} neg {neg.size(1)} loss {loss.item():.4f}")
print("drop kept:", a._nnz(), a.coalesce().values().gt(0).sum().item())

with torch.no_grad():
    z = enc(normalize(train_pos, N))
    neg = negative_sample(edge_index, N, n_test, torch.Generator().manual_seed(0))
    print("test neg:", neg.tolist())
    sp, sn = decode(z, test_pos).sigmoid(), decode(z, neg).sigmoid()
    print(sp.round(decimals=3), sn.round(decimals=3))
    auc = (sp[:, None] > sn[None, :]).float().mean()
    print("auc-ish:", auc.item())
print(gen.initial_seed(), g.initial_seed())
print(torch.randint(0, N, (4,), generator=gen))
