"""DeepONet for the antiderivative operator G(u)(y) = int_0^y u(s) ds, as in the DeepONet paper's
first example: input functions sampled from a Gaussian random field (RBF kernel, Cholesky factor),
evaluated at fixed sensors; labels from cumulative trapezoid integration; branch and trunk MLPs
combined with einsum; a DataLoader over (function, query point) triples."""
import math

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(7)

# ---- Gaussian random field samples ---------------------------------------------------------------
m = 40                                   # sensors
sensors = torch.linspace(0, 1, m, dtype=torch.float64)
length_scale = 0.2
d2 = torch.cdist(sensors[:, None], sensors[:, None]) ** 2
K = torch.exp(-0.5 * d2 / length_scale ** 2) + 1e-8 * torch.eye(m, dtype=torch.float64)
Lc = torch.linalg.cholesky(K)
print("cholesky lower:", torch.allclose(Lc, Lc.tril()), Lc.dtype, Lc.shape)
print("reconstruction ok:", torch.allclose(Lc @ Lc.mT, K, atol=1e-10))
try:
    torch.linalg.cholesky(-K)
except torch.linalg.LinAlgError as e:
    print("LinAlgError:", e)
res = torch.linalg.cholesky_ex(-K)
print("cholesky_ex info:", res.info)

mvn = torch.distributions.MultivariateNormal(torch.zeros(m, dtype=torch.float64), scale_tril=Lc)
n_funcs = 60
U = mvn.sample((n_funcs,))
print("samples:", U.shape, U.dtype)
print("log_prob of first two:", [round(v, 2) for v in mvn.log_prob(U[:2]).tolist()])

G = torch.cumulative_trapezoid(U, sensors, dim=1)
G = torch.cat([torch.zeros(n_funcs, 1, dtype=torch.float64), G], dim=1)
print("trapezoid total vs last cumulative:",
      torch.allclose(torch.trapezoid(U, sensors, dim=1), G[:, -1]))
print("trapz dx form:", round(torch.trapezoid(U[0], dx=1.0 / (m - 1)).item(), 4),
      round(G[0, -1].item(), 4))

# query points: P random sensor indices per function
P = 10
idx = torch.randint(0, m, (n_funcs, P))
ys = sensors[idx]
gs = torch.gather(G, 1, idx)
branch_in = U.float().repeat_interleave(P, dim=0)
trunk_in = ys.reshape(-1, 1).float()
labels = gs.reshape(-1).float()
print("triples:", branch_in.shape, trunk_in.shape, labels.shape)

n_train = 50 * P
train = TensorDataset(branch_in[:n_train], trunk_in[:n_train], labels[:n_train])
loader = DataLoader(train, batch_size=100, shuffle=True, generator=torch.Generator().manual_seed(1))
print("batches:", len(loader), "dataset:", len(train))


class MLP(nn.Sequential):
    def __init__(self, sizes, act=nn.Tanh):
        layers = []
        for a, b in zip(sizes[:-1], sizes[1:]):
            layers += [nn.Linear(a, b), act()]
        super().__init__(*layers[:-1])


class DeepONet(nn.Module):
    def __init__(self, m, p=20):
        super().__init__()
        self.branch = MLP([m, 40, 40, p])
        self.trunk = MLP([1, 40, 40, p])
        self.trunk.append(nn.Tanh())
        self.b0 = nn.Parameter(torch.zeros(1))

    def forward(self, u, y):
        b = self.branch(u)
        t = self.trunk(y)
        return torch.einsum("bp,bp->b", b, t) + self.b0


net = DeepONet(m)
print(net)
for name, p in net.named_parameters():
    if name.endswith("0.weight") or name == "b0":
        print(name, tuple(p.shape), p.requires_grad)

opt = torch.optim.Adam(net.parameters(), lr=2e-3)
sched = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.97)
mse = nn.MSELoss()
hist = []
for epoch in range(25):
    tot = 0.0
    for ub, yb, gb in loader:
        opt.zero_grad()
        loss = mse(net(ub, yb), gb)
        loss.backward()
        nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        opt.step()
        tot += loss.item() * len(gb)
    sched.step()
    hist.append(tot / len(train))
print("epoch loss first/last:", round(hist[0], 3), round(hist[-1], 4), hist[-1] < hist[0])
print("lr:", round(sched.get_last_lr()[0], 6))

# evaluate on whole held-out functions at all sensors (outer-product form of the trunk)
net.eval()
with torch.no_grad():
    ub = U[50:].float()
    b = net.branch(ub)                           # (F, p)
    t = net.trunk(sensors[:, None].float())      # (m, p)
    pred = torch.einsum("fp,mp->fm", b, t) + net.b0
    truth = G[50:].float()
    rel = torch.linalg.norm(pred - truth, dim=1) / torch.linalg.norm(truth, dim=1)
print("pred:", pred.shape, "rel l2 median < 1:", bool(rel.median() < 1))
print("vector norm ord=inf shape:", torch.linalg.vector_norm(pred - truth, ord=float("inf"), dim=1).shape)
print("matrix norms fro / nuc finite:", bool(torch.isfinite(torch.linalg.matrix_norm(pred, "fro"))),
      bool(torch.isfinite(torch.linalg.matrix_norm(pred, "nuc"))))

# derivative of the learned operator wrt y should approximate u itself
yq = sensors[5:8, None].float().requires_grad_(True)
out = net(U[50:51].float().expand(3, -1), yq)
dy, = torch.autograd.grad(out.sum(), yq)
print("dG/dy shape:", dy.shape, dy.dtype, dy.requires_grad)
try:
    net(U[50:51].float(), sensors[:3, None])
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.einsum("bp,bq->b", torch.ones(2, 3), torch.ones(2, 3))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.cumulative_trapezoid(U, sensors[:5], dim=1)
except RuntimeError as e:
    print("RuntimeError:", e)
