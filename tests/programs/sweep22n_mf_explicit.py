"""Explicit-feedback matrix factorization as in course notebooks: nn.Embedding users/items with
bias embeddings and a global mean, a randperm train/test split, MSE training with Adam
(weight_decay) and plain SGD, RMSE/MAE evaluation, and top-k recommendations for a user."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(42)
n_users, n_items, k_true = 30, 40, 3
U = torch.randn(n_users, k_true)
V = torch.randn(n_items, k_true)
full = (U @ V.T) * 0.6 + 3.0
n_obs = 400
users = torch.randint(0, n_users, (n_obs,))
items = torch.randint(0, n_items, (n_obs,))
ratings = (full[users, items] + 0.2 * torch.randn(n_obs)).clamp(1.0, 5.0)
print("ratings", ratings.shape, ratings.dtype, f"{ratings.mean().item():.4f}", f"{ratings.min().item():.1f}",
      f"{ratings.max().item():.1f}")

perm = torch.randperm(n_obs)
n_train = int(0.8 * n_obs)
train_idx, test_idx = perm[:n_train], perm[n_train:]
print("split", train_idx.shape, test_idx.shape, perm[:8].tolist())
global_mean = ratings[train_idx].mean()


class MF(nn.Module):
    def __init__(self, n_users, n_items, n_factors=8, mu=0.0):
        super().__init__()
        self.user_factors = nn.Embedding(n_users, n_factors)
        self.item_factors = nn.Embedding(n_items, n_factors)
        self.user_bias = nn.Embedding(n_users, 1)
        self.item_bias = nn.Embedding(n_items, 1)
        self.user_factors.weight.data.uniform_(0, 0.05)
        self.item_factors.weight.data.uniform_(0, 0.05)
        nn.init.zeros_(self.user_bias.weight)
        nn.init.zeros_(self.item_bias.weight)
        self.register_buffer("mu", torch.tensor(float(mu)))

    def forward(self, user, item):
        pred = self.mu + self.user_bias(user).squeeze(-1) + self.item_bias(item).squeeze(-1)
        pred = pred + (self.user_factors(user) * self.item_factors(item)).sum(dim=1, keepdim=False)
        return pred


model = MF(n_users, n_items, mu=global_mean.item())
print(model)
print("params", [(n, tuple(p.shape)) for n, p in model.named_parameters()])
print("buffers", [(n, b.round(decimals=4).item()) for n, b in model.named_buffers()])
opt = torch.optim.Adam(model.parameters(), lr=0.05, weight_decay=1e-4)
loss_fn = nn.MSELoss()
batch = 64
for epoch in range(6):
    model.train()
    torch.manual_seed(epoch)
    order = train_idx[torch.randperm(n_train)]
    total = 0.0
    for start in range(0, n_train, batch):
        b = order[start:start + batch]
        pred = model(users[b], items[b])
        loss = loss_fn(pred, ratings[b])
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item() * len(b)
    model.eval()
    with torch.no_grad():
        tp = model(users[test_idx], items[test_idx])
        rmse = torch.sqrt(F.mse_loss(tp, ratings[test_idx]))
        mae = (tp - ratings[test_idx]).abs().mean()
    print(f"epoch {epoch} train_mse {total / n_train:.3f} test_rmse {rmse.item():.3f} mae {mae.item():.3f}")

print("user_bias grad", model.user_bias.weight.grad.shape, model.user_factors.weight.grad.abs().sum().item() > 0)
state = opt.state[model.item_factors.weight]
print("adam state", sorted(state.keys()), state["step"], state["exp_avg"].shape)

# plain SGD with momentum and weight_decay, clamped predictions
torch.manual_seed(1)
model2 = MF(n_users, n_items, n_factors=4, mu=3.0)
sgd = torch.optim.SGD(model2.parameters(), lr=0.5, momentum=0.9, weight_decay=1e-3)
for step in range(15):
    pred = model2(users[train_idx], items[train_idx])
    loss = F.mse_loss(pred, ratings[train_idx], reduction="mean")
    sgd.zero_grad(set_to_none=True)
    loss.backward()
    sgd.step()
    if step % 5 == 4:
        print(f"sgd step {step} loss {loss.item():.3f}")
with torch.no_grad():
    clipped = model2(users[test_idx], items[test_idx]).clamp(min=1, max=5)
    print("clipped range", f"{clipped.min().item():.2f}", f"{clipped.max().item():.2f}",
          "in range", bool(((clipped >= 1) & (clipped <= 5)).all()))

# top-k recommendations for one user, excluding already rated items
user_id = 3
with torch.no_grad():
    all_items = torch.arange(n_items)
    scores = model(torch.full_like(all_items, user_id), all_items)
    seen = items[train_idx][users[train_idx] == user_id]
    scores[seen] = float("-inf")
    top_scores, top_items = torch.topk(scores, k=5)
print("seen", sorted(set(seen.tolist())))
print("top5", top_items.tolist(), top_scores.round(decimals=2))
print("rank of true best", (full[user_id].argsort(descending=True)[:5]).tolist())
emb = model.item_factors.weight.detach()
sims = F.cosine_similarity(emb[0:1], emb, dim=1)
print("similar to item 0", sims.topk(4).indices.tolist(), sims.topk(4).values.round(decimals=3))
print("rating matrix", model.user_factors.weight.detach().mm(emb.t()).shape,
      torch.sparse_coo_tensor(torch.stack([users[:5], items[:5]]), ratings[:5], (n_users, n_items)).to_dense().count_nonzero())
