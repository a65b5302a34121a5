"""Explicit-feedback matrix factorisation as in a recsys course notebook: a synthetic 1-5 star rating
matrix, a biased MF model (nn.Embedding for factors and biases, a global mean buffer) trained with
Adam + weight_decay and an LR scheduler, RMSE/MAE evaluation with clamped predictions, then the
closed-form alternating least squares baseline (torch.linalg.solve on regularised normal equations)
and a truncated-SVD baseline (torch.linalg.svd on the mean-filled matrix)."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(2024)
n_users, n_items, rank = 40, 30, 4

# low-rank "true" preferences, observed through a random mask and rounded to stars
U_true = torch.randn(n_users, rank) * 0.8
V_true = torch.randn(n_items, rank) * 0.8
R_full = (3.0 + U_true @ V_true.T + 0.3 * torch.randn(n_users, n_items)).round().clamp(1, 5)
mask = torch.rand(n_users, n_items) < 0.35
print("ratings observed:", int(mask.sum()), "of", mask.numel())
print("star histogram:", torch.bincount(R_full[mask].long(), minlength=6)[1:].tolist())

users, items = mask.nonzero(as_tuple=True)
ratings = R_full[users, items]
perm = torch.randperm(users.numel())
n_test = users.numel() // 5
test_idx, train_idx = perm[:n_test], perm[n_test:]
print("train/test sizes:", train_idx.numel(), test_idx.numel())
first = train_idx[:4]
print("first train triples:", torch.stack([users[first], items[first], ratings[first].long()], 1).tolist())


class BiasedMF(nn.Module):
    def __init__(self, n_users, n_items, dim, mu):
        super().__init__()
        self.P = nn.Embedding(n_users, dim)
        self.Q = nn.Embedding(n_items, dim)
        self.bu = nn.Embedding(n_users, 1)
        self.bi = nn.Embedding(n_items, 1)
        self.register_buffer("mu", torch.tensor(mu))
        nn.init.normal_(self.P.weight, std=0.1)
        nn.init.normal_(self.Q.weight, std=0.1)
        nn.init.zeros_(self.bu.weight)
        nn.init.zeros_(self.bi.weight)

    def forward(self, u, i):
        dot = (self.P(u) * self.Q(i)).sum(dim=-1)
        return dot + self.bu(u).squeeze(-1) + self.bi(i).squeeze(-1) + self.mu


mu = ratings[train_idx].mean().item()
model = BiasedMF(n_users, n_items, 6, mu)
print(model)
print("buffers:", [(n, b.item()) for n, b in model.named_buffers()][0][0], round(model.mu.item(), 4))
print("parameter shapes:", {n: tuple(p.shape) for n, p in model.named_parameters()})
print("n params:", sum(p.numel() for p in model.parameters()))

opt = torch.optim.Adam(model.parameters(), lr=0.05, weight_decay=1e-4)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=40, gamma=0.5)
u_tr, i_tr, r_tr = users[train_idx], items[train_idx], ratings[train_idx]
u_te, i_te, r_te = users[test_idx], items[test_idx], ratings[test_idx]


def evaluate(pred_fn):
    with torch.no_grad():
        pred = pred_fn(u_te, i_te).clamp(1.0, 5.0)
        rmse = torch.sqrt(F.mse_loss(pred, r_te))
        mae = F.l1_loss(pred, r_te)
    return rmse.item(), mae.item()


for epoch in range(120):
    model.train()
    order = torch.randperm(u_tr.numel())
    total = 0.0
    for b in order.split(64):
        pred = model(u_tr[b], i_tr[b])
        loss = F.mse_loss(pred, r_tr[b])
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item() * b.numel()
    sched.step()
    if epoch % 30 == 29:
        rmse, mae = evaluate(model)
        print(f"epoch {epoch + 1:3d} lr {sched.get_last_lr()[0]:.4f} train mse {total / u_tr.numel():.3f} "
              f"test rmse {rmse:.3f} mae {mae:.3f}")

print("global-mean baseline rmse:", f"{math.sqrt(((r_te - mu) ** 2).mean().item()):.4f}")
print("largest item biases:", model.bi.weight.squeeze(1).topk(3).indices.tolist())
print("user 0 factor norm:", f"{model.P.weight[0].norm().item():.3f}")
print("P grad after last step has shape", tuple(model.P.weight.grad.shape))

# ---- alternating least squares on the same train set ----
R_train = torch.zeros(n_users, n_items)
M_train = torch.zeros(n_users, n_items, dtype=torch.bool)
R_train[u_tr, i_tr] = r_tr
M_train[u_tr, i_tr] = True
k, lam = 4, 0.5
g = torch.Generator().manual_seed(7)
X = 0.1 * torch.randn(n_users, k, generator=g, dtype=torch.float64)
Y = 0.1 * torch.randn(n_items, k, generator=g, dtype=torch.float64)
Rc = (R_train - mu).double() * M_train
W = M_train.double()
eye = torch.eye(k, dtype=torch.float64)
for sweep in range(8):
    # each user's factors solve (Y^T W_u Y + lam I) x = Y^T W_u r_u
    A = torch.einsum("ui,ik,il->ukl", W, Y, Y) + lam * eye
    b = (W * Rc) @ Y
    X = torch.linalg.solve(A, b.unsqueeze(-1)).squeeze(-1)
    A = torch.einsum("ui,uk,ul->ikl", W, X, X) + lam * eye
    b = (W * Rc).T @ X
    Y = torch.linalg.solve(A, b)  # batched solve with a (n, k) right-hand side
    resid = ((X @ Y.T - Rc) * W).pow(2).sum() / W.sum()
    if sweep % 2 == 1:
        print(f"ALS sweep {sweep + 1}: train mse {resid.item():.4f}")
als_pred = (X @ Y.T).float() + mu
rmse_als = torch.sqrt(((als_pred[u_te, i_te].clamp(1, 5) - r_te) ** 2).mean())
print("ALS test rmse:", f"{rmse_als.item():.3f}", als_pred.dtype)

# ---- truncated SVD of the mean-filled matrix ----
item_means = (R_train.sum(0) / M_train.sum(0).clamp(min=1))
filled = torch.where(M_train, R_train, item_means.expand_as(R_train))
Uf, S, Vh = torch.linalg.svd(filled - filled.mean(), full_matrices=False)
print("top singular values:", S[:5])
print("energy in rank 3:", f"{(S[:3].pow(2).sum() / S.pow(2).sum()).item():.4f}")
approx = Uf[:, :3] @ torch.diag(S[:3]) @ Vh[:3] + filled.mean()
svd_rmse = (approx[u_te, i_te].clamp(1, 5) - r_te).pow(2).mean().sqrt()
print("SVD-3 test rmse:", round(svd_rmse.item(), 3))

# ---- cold start and errors ----
try:
    model(torch.tensor([n_users]), torch.tensor([0]))
except IndexError as e:
    print("IndexError:", e)
try:
    torch.linalg.solve(torch.zeros(2, 2), torch.ones(2))
except Exception as e:
    print(type(e).__name__ + ":", e)
print("state_dict keys:", list(model.state_dict().keys()))
