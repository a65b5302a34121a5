"""Multi-hot categorical features with nn.EmbeddingBag (sum/mean/max, offsets, 2-D input,
per_sample_weights, padding_idx, from_pretrained) and sparse=True embeddings trained with
optim.SparseAdam and SGD, as in recsys / CTR tutorials."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
bag_sum = nn.EmbeddingBag(10, 3, mode="sum")
bag_mean = nn.EmbeddingBag(10, 3, mode="mean")
bag_max = nn.EmbeddingBag(10, 3, mode="max")
bag_mean.weight.data.copy_(bag_sum.weight.data)
bag_max.weight.data.copy_(bag_sum.weight.data)
print(bag_sum, bag_max)
inp = torch.tensor([1, 2, 4, 5, 4, 3, 2, 9])
offsets = torch.tensor([0, 4, 4, 6])
print("sum", bag_sum(inp, offsets).round(decimals=4))
print("mean", bag_mean(inp, offsets).round(decimals=4))
print("max", bag_max(inp, offsets).round(decimals=4))
print("2d input", bag_mean(torch.tensor([[1, 2], [3, 3], [0, 9]])).round(decimals=4))
w = torch.tensor([0.5, 1.0, 2.0, 0.0, 1.0, -1.0, 0.25, 3.0])
print("per_sample_weights", bag_sum(inp, offsets, per_sample_weights=w).round(decimals=4))
print("include_last_offset", nn.EmbeddingBag.from_pretrained(bag_sum.weight.data, mode="sum",
      include_last_offset=True)(inp, torch.tensor([0, 3, 8])).round(decimals=4))

pad_bag = nn.EmbeddingBag(6, 2, mode="mean", padding_idx=0)
print(pad_bag, pad_bag.weight[0].tolist())
padded = torch.tensor([[1, 2, 0, 0], [3, 0, 0, 0], [4, 5, 5, 1]])
out = pad_bag(padded)
print("padding mean", out.round(decimals=4))
out.sum().backward()
print("pad grad", pad_bag.weight.grad.round(decimals=4))

# functional form and errors
wt = torch.arange(12.0).view(6, 2)
print("F.embedding_bag", F.embedding_bag(torch.tensor([0, 1, 5, 2]), wt, torch.tensor([0, 2]), mode="max"))
print("F.embedding", F.embedding(torch.tensor([[0, 5]]), wt, padding_idx=5).tolist())
for bad in [lambda: bag_max(inp, offsets, per_sample_weights=w),
            lambda: bag_sum(torch.tensor([[1, 2]]), torch.tensor([0])),
            lambda: nn.EmbeddingBag(5, 2, mode="median")]:
    try:
        bad()
    except (ValueError, RuntimeError, NotImplementedError) as e:
        print(type(e).__name__, str(e).split("\n")[0])

# sparse gradients
torch.manual_seed(1)
emb = nn.Embedding(20, 4, sparse=True)
print(emb)
idx = torch.tensor([[1, 3, 3], [7, 1, 0]])
emb(idx).pow(2).sum().backward()
g = emb.weight.grad
print("sparse grad", g.is_sparse, g.layout, g.shape, g._nnz() if g.is_sparse else None)
gc = g.coalesce()
print("coalesced", gc.indices().tolist(), gc.values().shape, gc._nnz())
print("dense rows", g.to_dense()[[0, 1, 2, 3]].abs().sum(1).round(decimals=4))

sbag = nn.EmbeddingBag(20, 4, mode="sum", sparse=True)
sbag(torch.tensor([2, 4, 4, 6]), torch.tensor([0, 2])).sum().backward()
print("bag sparse grad", sbag.weight.grad.is_sparse, sbag.weight.grad.coalesce().indices().tolist())


class CTRModel(nn.Module):
    def __init__(self, n_feats=30, dim=4):
        super().__init__()
        self.tags = nn.EmbeddingBag(n_feats, dim, mode="mean", sparse=True)
        self.user = nn.Embedding(12, dim, sparse=True)
        self.head = nn.Linear(2 * dim, 1)

    def forward(self, user, tags, offs):
        return self.head(torch.cat([self.user(user), self.tags(tags, offs)], dim=1)).squeeze(1)


torch.manual_seed(2)
model = CTRModel()
sparse_params = [p for n, p in model.named_parameters() if not n.startswith("head")]
dense_params = list(model.head.parameters())
opt_sparse = torch.optim.SparseAdam(sparse_params, lr=0.05)
opt_dense = torch.optim.Adam(dense_params, lr=0.05)
print(opt_sparse.__class__.__name__, opt_sparse.defaults)
users = torch.randint(0, 12, (16,))
lens = torch.randint(1, 4, (16,))
tags = torch.randint(0, 30, (int(lens.sum()),))
offs = torch.cat([torch.zeros(1, dtype=torch.long), lens.cumsum(0)[:-1]])
labels = (users % 2).float()
for step in range(12):
    logits = model(users, tags, offs)
    loss = F.binary_cross_entropy_with_logits(logits, labels)
    opt_sparse.zero_grad()
    opt_dense.zero_grad()
    loss.backward()
    opt_sparse.step()
    opt_dense.step()
    if step % 3 == 0:
        print(f"step {step} loss {loss.item():.4f}")
st = opt_sparse.state[model.user.weight]
print("sparse adam state", sorted(st), st["step"], st["exp_avg"].is_sparse, st["exp_avg"].shape)
untouched = sorted(set(range(12)) - set(users.tolist()))
print("untouched users", untouched)
acc = ((model(users, tags, offs) > 0).float() == labels).float().mean()
print("acc", f"{acc.item():.4f}")

# SGD handles sparse grads too (no momentum/weight_decay)
torch.manual_seed(3)
e2 = nn.Embedding(8, 2, sparse=True)
before = e2.weight.detach().clone()
sgd = torch.optim.SGD(e2.parameters(), lr=0.1)
e2(torch.tensor([1, 1, 5])).sum().backward()
sgd.step()
print("sgd changed rows", (e2.weight.detach() != before).any(1).nonzero().flatten().tolist())
print("delta", (e2.weight.detach() - before)[[1, 5]].round(decimals=4))
try:
    torch.optim.Adam(e2.parameters(), lr=0.1).step()
except RuntimeError as e:
    print("RuntimeError", str(e))
