"""Classic machine learning from scratch with tensors, as in course notebooks: least squares and ridge
regression, logistic regression fitted with L-BFGS, PCA three ways, and k-nearest neighbours."""
import numpy as np
import torch

torch.manual_seed(7)

# --- ordinary least squares ---------------------------------------------------------------------------
n, d = 100, 3
X = torch.randn(n, d, dtype=torch.float64)
true_w = torch.tensor([2.0, -3.5, 0.7], dtype=torch.float64)
y = X @ true_w + 1.5 + 0.1 * torch.randn(n, dtype=torch.float64)
Xb = torch.cat([X, torch.ones(n, 1, dtype=torch.float64)], dim=1)
sol = torch.linalg.lstsq(Xb, y.unsqueeze(1))
print(type(sol).__name__, sol.solution.shape, sol.residuals.shape, sol.rank, sol.singular_values)
print("lstsq  ", sol.solution.squeeze().numpy().round(4))
w_normal = torch.linalg.solve(Xb.T @ Xb, Xb.T @ y)
print("normal ", w_normal.numpy().round(4))
w_pinv = torch.linalg.pinv(Xb) @ y
print("pinv   ", w_pinv.numpy().round(4))
Q, R = torch.linalg.qr(Xb)
w_qr = torch.linalg.solve_triangular(R, (Q.T @ y).unsqueeze(1), upper=True).squeeze(1)
print("qr     ", w_qr.numpy().round(4))
for driver in ["gels", "gelsy", "gelsd", "gelss"]:
    s = torch.linalg.lstsq(Xb, y.unsqueeze(1), driver=driver)
    print(driver, s.solution.squeeze().numpy().round(4), s.rank, s.residuals.shape, s.singular_values.shape)
resid = y - Xb @ w_normal
print(f"RSS {resid.pow(2).sum():.4f}  R^2 {1 - resid.var() / y.var():.4f}")

# ridge regression for a few penalties
for lam in [0.0, 1.0, 10.0, 100.0]:
    A = Xb.T @ Xb + lam * torch.eye(d + 1, dtype=torch.float64)
    w = torch.linalg.solve(A, Xb.T @ y)
    print(f"lambda={lam:6.1f}  w={w.numpy().round(3)}  |w|={torch.linalg.norm(w):.4f}")

# the same regression with autograd and SGD, float32 like most tutorials
Xf, yf = X.float(), y.float()
w = torch.zeros(d, requires_grad=True)
b = torch.zeros(1, requires_grad=True)
opt = torch.optim.SGD([w, b], lr=0.1)
for epoch in range(50):
    loss = ((Xf @ w + b - yf) ** 2).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    if epoch % 10 == 0:
        print(f"epoch {epoch:2d} mse {loss.item():.4f}")
print(w.data, b.data)

# --- logistic regression with L-BFGS -------------------------------------------------------------------
torch.manual_seed(0)
N = 200
X0 = torch.randn(N // 2, 2) + torch.tensor([-1.5, -1.0])
X1 = torch.randn(N // 2, 2) + torch.tensor([1.0, 1.5])
Xc = torch.cat([X0, X1]).double()
yc = torch.cat([torch.zeros(N // 2), torch.ones(N // 2)]).double()
perm = torch.randperm(N)
Xc, yc = Xc[perm], yc[perm]
print(Xc.shape, yc[:10])


class LogisticRegression(torch.nn.Module):
    def __init__(self, d):
        super().__init__()
        self.linear = torch.nn.Linear(d, 1)

    def forward(self, x):
        return self.linear(x).squeeze(-1)


model = LogisticRegression(2).double()
criterion = torch.nn.BCEWithLogitsLoss()
optimizer = torch.optim.LBFGS(model.parameters(), lr=1, max_iter=100, line_search_fn="strong_wolfe")
print(optimizer)
n_evals = 0


def closure():
    global n_evals
    n_evals += 1
    optimizer.zero_grad()
    loss = criterion(model(Xc), yc) + 1e-2 * model.linear.weight.pow(2).sum()
    loss.backward()
    return loss


for step in range(3):
    loss = optimizer.step(closure)
    print(f"step {step}: loss {loss.item():.6f}  evals so far {n_evals}")
with torch.no_grad():
    logits = model(Xc)
    probs = torch.sigmoid(logits)
    preds = (probs > 0.5).float()
print(f"accuracy {(preds == yc).float().mean().item():.3f}")
print("weights", model.linear.weight.data.numpy().round(4), "bias", model.linear.bias.data.numpy().round(4))
tp = ((preds == 1) & (yc == 1)).sum().item()
fp = ((preds == 1) & (yc == 0)).sum().item()
fn = ((preds == 0) & (yc == 1)).sum().item()
print(f"precision {tp / (tp + fp):.3f} recall {tp / (tp + fn):.3f}")
print(torch.nn.functional.binary_cross_entropy(probs, yc).item() < 0.5)

# plain LBFGS without line search on a float32 problem, few iterations
model32 = torch.nn.Linear(2, 1)
opt32 = torch.optim.LBFGS(model32.parameters(), lr=0.1, max_iter=5, history_size=3)


def closure32():
    opt32.zero_grad()
    l = torch.nn.functional.binary_cross_entropy_with_logits(model32(Xc.float()).squeeze(1), yc.float())
    l.backward()
    return l


first = opt32.step(closure32)
print(f"{first.item():.4f}", sorted(opt32.state_dict()["state"][0].keys()), opt32.state_dict()["param_groups"][0]["params"])

# --- PCA three ways ------------------------------------------------------------------------------------
torch.manual_seed(3)
latent = torch.randn(300, 2, dtype=torch.float64)
mixing = torch.tensor([[3.0, 1.0, 0.5, 0.0, 0.2], [0.0, 1.0, -1.0, 2.0, 0.1]], dtype=torch.float64)
data = latent @ mixing + 0.05 * torch.randn(300, 5, dtype=torch.float64)
mean = data.mean(dim=0, keepdim=True)
centered = data - mean
U, S, Vh = torch.linalg.svd(centered, full_matrices=False)
print(U.shape, S.shape, Vh.shape)
explained = S ** 2 / (S ** 2).sum()
print("explained variance ratio", explained.numpy().round(4))
print("cumulative", torch.cumsum(explained, 0).numpy().round(4))
cov = centered.T @ centered / (len(data) - 1)
evals, evecs = torch.linalg.eigh(cov)
print("eigh eigenvalues (ascending)", evals.numpy().round(4))
print("svd-based variances         ", (S ** 2 / (len(data) - 1)).numpy().round(4))
print("same subspace:", torch.allclose((Vh[:2].T @ Vh[:2]), evecs[:, -2:] @ evecs[:, -2:].T, atol=1e-8))
# component directions agree up to sign
print(torch.allclose(Vh[0].abs(), evecs[:, -1].abs(), atol=1e-8))
proj = centered @ Vh[:2].T
print(proj.shape, f"{proj.var(dim=0)[0]:.4f}", f"{proj.var(dim=0)[1]:.4f}")
recon = proj @ Vh[:2] + mean
print(f"reconstruction rmse {torch.sqrt(((recon - data) ** 2).mean()):.4f}")
torch.manual_seed(0)
U2, S2, V2 = torch.pca_lowrank(data, q=3)
print(U2.shape, S2.shape, V2.shape, S2.numpy().round(4))
print((S2[:2] - S[:2]).abs().max() < 1e-6)
print(torch.linalg.svdvals(centered).numpy().round(4))
print(torch.linalg.matrix_rank(centered), torch.linalg.matrix_rank(centered, atol=1.0))

# --- k nearest neighbours -------------------------------------------------------------------------------
train_x, train_y = Xc[:150].float(), yc[:150].long()
test_x, test_y = Xc[150:].float(), yc[150:].long()
dists = torch.cdist(test_x, train_x)
knn_d, knn_i = dists.topk(5, dim=1, largest=False)
votes = train_y[knn_i]
pred = votes.mode(dim=1).values
print(knn_i.shape, votes[:3].tolist(), pred[:10].tolist())
print(f"knn accuracy {(pred == test_y).float().mean():.3f}")
one_hot = torch.nn.functional.one_hot(votes, 2).sum(1)
print(one_hot[:3], torch.equal(one_hot.argmax(1), pred))
print(np.bincount(pred.numpy()), torch.bincount(pred))
