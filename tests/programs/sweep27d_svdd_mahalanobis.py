"""One-class anomaly detection in the style of the Deep SVDD reference code and of the classic
Mahalanobis-distance detectors: a bias-free encoder, the hypersphere center computed under no_grad
from an initial forward pass (with the eps fix for near-zero coordinates), one-class and
soft-boundary objectives trained with Adam (weight decay) and a radius taken from a quantile,
then a Gaussian detector with a Ledoit-Wolf style shrunk covariance used through cholesky,
cholesky_solve, linalg.inv, solve_triangular and slogdet, and ROC AUC computed by sorting."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)
d = 8
n_train, n_test_in, n_test_out = 256, 64, 32
A = torch.randn(d, d) * 0.4 + torch.eye(d)
normal_train = torch.randn(n_train, d) @ A.T
normal_test = torch.randn(n_test_in, d) @ A.T
anom_test = torch.randn(n_test_out, d) * 1.5 + 2.5
x_test = torch.cat([normal_test, anom_test])
y_test = torch.cat([torch.zeros(n_test_in), torch.ones(n_test_out)]).long()
print("train", tuple(normal_train.shape), "test", tuple(x_test.shape), "anomalies", int(y_test.sum()))


class Encoder(nn.Module):
    """Deep SVDD requires no bias terms (otherwise the trivial all-constant solution exists)."""

    def __init__(self, d_in, rep=4):
        super().__init__()
        self.fc1 = nn.Linear(d_in, 16, bias=False)
        self.bn1 = nn.BatchNorm1d(16, eps=1e-4, affine=False)
        self.fc2 = nn.Linear(16, rep, bias=False)

    def forward(self, x):
        return self.fc2(F.leaky_relu(self.bn1(self.fc1(x)), 0.1))


net = Encoder(d)
print(net)
print("params:", sum(p.numel() for p in net.parameters()), [n for n, _ in net.named_parameters()])
print("buffers:", [(n, tuple(b.shape)) for n, b in net.named_buffers()])


@torch.no_grad()
def init_center(model, data, eps=0.1):
    model.eval()
    z = model(data)
    c = z.mean(dim=0)
    # a coordinate too close to zero can be matched trivially by zero weights
    c[(c.abs() < eps) & (c < 0)] = -eps
    c[(c.abs() < eps) & (c >= 0)] = eps
    return c


c = init_center(net, normal_train)
print("center requires_grad:", c.requires_grad, "shape", tuple(c.shape))


def roc_auc(scores, labels):
    order = torch.argsort(scores, descending=True)
    l = labels[order].float()
    tps = torch.cumsum(l, 0)
    fps = torch.cumsum(1 - l, 0)
    tpr = torch.cat([torch.zeros(1), tps / tps[-1]])
    fpr = torch.cat([torch.zeros(1), fps / fps[-1]])
    return torch.trapezoid(tpr, fpr).item()


def train_svdd(objective="one-class", nu=0.1, epochs=30):
    torch.manual_seed(1)
    model = Encoder(d)
    center = init_center(model, normal_train)
    R = torch.tensor(0.0)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2, weight_decay=1e-5)
    sched = torch.optim.lr_scheduler.MultiStepLR(opt, milestones=[20], gamma=0.1)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(normal_train), batch_size=64,
                                         shuffle=True)
    for epoch in range(epochs):
        model.train()
        total = 0.0
        for (xb,) in loader:
            dist = torch.sum((model(xb) - center) ** 2, dim=1)
            if objective == "soft-boundary":
                scores = dist - R ** 2
                loss = R ** 2 + (1 / nu) * torch.mean(torch.max(torch.zeros_like(scores), scores))
            else:
                loss = torch.mean(dist)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * xb.size(0)
        sched.step()
        if objective == "soft-boundary" and epoch >= 5:
            with torch.no_grad():
                dist_all = torch.sum((model(normal_train) - center) ** 2, dim=1)
                R = torch.quantile(torch.sqrt(dist_all), 1 - nu)
        if epoch % 10 == 9:
            print(f"  [{objective}] epoch {epoch + 1:2d} loss {total / n_train:.4f} lr {sched.get_last_lr()[0]:.4g}")
    model.eval()
    with torch.no_grad():
        dist = torch.sum((model(x_test) - center) ** 2, dim=1)
    return dist, R


for obj in ["one-class", "soft-boundary"]:
    dist, R = train_svdd(obj)
    print(f"{obj}: AUC {roc_auc(dist, y_test):.4f}  R {float(R):.4f}")
    if obj == "soft-boundary":
        flagged = dist > R ** 2
        print("  flagged:", int(flagged.sum()), "of which anomalies:", int((flagged & y_test.bool()).sum()))


# --- Gaussian (Mahalanobis) detector with shrinkage ----------------------------------------------
mu = normal_train.mean(0, keepdim=True)
Xc = normal_train - mu
S = Xc.T @ Xc / (n_train - 1)
print("cov matches torch.cov:", torch.allclose(S, torch.cov(normal_train.T), atol=1e-5))
trace_mean = torch.trace(S) / d
target = trace_mean * torch.eye(d)
# Ledoit-Wolf shrinkage intensity
X2 = Xc ** 2
phi = ((X2.T @ X2) / n_train - S ** 2).sum()
gamma = torch.linalg.matrix_norm(S - target, ord="fro") ** 2
shrink = torch.clamp(phi / (gamma * n_train), 0.0, 1.0)
S_shrunk = (1 - shrink) * S + shrink * target
print(f"shrinkage {shrink.item():.4f}  cond before {torch.linalg.cond(S.double()).item():.3g} after {torch.linalg.cond(S_shrunk).item():.3f}")

L = torch.linalg.cholesky(S_shrunk)
diff = (x_test - mu)
m_chol = (diff * torch.cholesky_solve(diff.T, L).T).sum(1)
m_inv = torch.einsum("ni,ij,nj->n", diff, torch.linalg.inv(S_shrunk), diff)
z = torch.linalg.solve_triangular(L, diff.T, upper=False)
m_tri = (z ** 2).sum(0)
print("mahalanobis agree:", torch.allclose(m_chol, m_inv, rtol=1e-4), torch.allclose(m_chol, m_tri, rtol=1e-4))
sign, logdet = torch.linalg.slogdet(S_shrunk)
loglik = -0.5 * (m_chol + logdet + d * math.log(2 * math.pi))
mvn = torch.distributions.MultivariateNormal(mu.squeeze(0), scale_tril=L)
print("log_prob agrees:", torch.allclose(mvn.log_prob(x_test), loglik, atol=1e-4), "sign", sign.item())
print(f"Mahalanobis AUC {roc_auc(m_chol, y_test):.4f}")
print("first scores:", m_chol[:4].sqrt())
thresh = torch.distributions.Chi2(torch.tensor(float(d))).mean + 3 * math.sqrt(2 * d)
print(f"chi2 threshold {thresh.item():.3f} flagged {(m_chol > thresh).sum().item()}")

lower = torch.quantile(m_chol[:n_test_in], torch.tensor([0.5, 0.9, 0.99]), interpolation="lower")
print("in-dist quantiles (lower):", lower)

for bad in [S - 3 * torch.eye(d), torch.randn(3, 4)]:
    try:
        torch.linalg.cholesky(bad)
    except Exception as e:
        print(type(e).__name__, ":", e)
res, info = torch.linalg.cholesky_ex(S - 3 * torch.eye(d))
print("cholesky_ex info:", info.item())
try:
    torch.cholesky_solve(diff.T, L[:4, :4])
except RuntimeError as e:
    print("RuntimeError:", e)
