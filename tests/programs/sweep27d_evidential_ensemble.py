"""Uncertainty estimation three ways, following the deep-ensembles, MC-dropout and evidential deep
learning papers' reference implementations: an ensemble of heteroscedastic regressors trained with
GaussianNLLLoss whose mixture splits aleatoric from epistemic variance (MixtureSameFamily, Normal
cdf/icdf coverage), MC dropout with functional dropout and entropy / BALD via special.entr and
xlogy, and an evidential classifier with a Dirichlet head (digamma loss, annealed KL to the uniform
Dirichlet, checked against distributions.kl_divergence)."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import Categorical, Dirichlet, MixtureSameFamily, Normal, kl_divergence

torch.manual_seed(5)

# --- deep ensemble regression (in float64: the heteroscedastic NLL is stiff) ------------------------
torch.set_default_dtype(torch.float64)
x = torch.rand(160, 1) * 6 - 3
noise = 0.1 + 0.2 * (x > 0).float()
y = torch.sin(x) + noise * torch.randn_like(x)
x_grid = torch.linspace(-5, 5, 11).unsqueeze(1)


class HeteroMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(1, 32), nn.SiLU(), nn.Linear(32, 32), nn.SiLU())
        self.mean = nn.Linear(32, 1)
        self.raw_var = nn.Linear(32, 1)

    def forward(self, x):
        h = self.body(x)
        return self.mean(h), F.softplus(self.raw_var(h)) + 1e-6


nll = nn.GaussianNLLLoss(full=True)
print(nll)
members = nn.ModuleList()
for m in range(4):
    torch.manual_seed(100 + m)
    net = HeteroMLP()
    opt = torch.optim.Adam(net.parameters(), lr=1e-2)
    for it in range(150):
        mu, var = net(x)
        loss = nll(mu, y, var)
        opt.zero_grad()
        loss.backward()
        opt.step()
    members.append(net)
    print(f"member {m} final nll {loss.item():.3f}")

with torch.no_grad():
    mus, vars_ = zip(*[net(x_grid) for net in members])
    mus, vars_ = torch.stack(mus).squeeze(-1), torch.stack(vars_).squeeze(-1)   # (M, N)
mix_mean = mus.mean(0)
aleatoric = vars_.mean(0)
epistemic = mus.var(0, unbiased=False)
total = aleatoric + epistemic
print("x      mean    alea    epis")
for xi, a, b, c in zip(x_grid.squeeze(1).tolist(), mix_mean.tolist(), aleatoric.tolist(), epistemic.tolist()):
    print(f"{xi:5.1f} {a:7.3f} {b:7.3f} {c:7.3f}")
mix = MixtureSameFamily(Categorical(probs=torch.full((x_grid.shape[0], 4), 0.25)),
                        Normal(mus.T, vars_.T.sqrt()))
print("mixture mean matches:", torch.allclose(mix.mean, mix_mean, atol=1e-5),
      "variance matches:", torch.allclose(mix.variance, total, atol=1e-4))
print("mixture batch/event shape:", mix.batch_shape, mix.event_shape)
with torch.no_grad():
    mu_tr = torch.stack([net(x)[0] for net in members]).mean(0)
    var_tr = torch.stack([net(x)[1] + net(x)[0] ** 2 for net in members]).mean(0) - mu_tr ** 2
pred = Normal(mu_tr, var_tr.sqrt())
for level in [0.5, 0.9]:
    lo, hi = pred.icdf(torch.tensor((1 - level) / 2)), pred.icdf(torch.tensor((1 + level) / 2))
    cover = ((y >= lo) & (y <= hi)).float().mean()
    print(f"nominal {level:.1f} empirical coverage {cover.item():.3f}")
pit = pred.cdf(y)
print("PIT histogram:", torch.histc(pit, bins=5, min=0, max=1).long().tolist())

# --- MC dropout classification --------------------------------------------------------------------
torch.set_default_dtype(torch.float32)
print("default dtype back to", torch.get_default_dtype(), "- mus dtype", mus.dtype)
torch.manual_seed(9)
K = 3
means = torch.tensor([[0.0, 2.0], [2.0, -1.0], [-2.0, -1.0]])
lab = torch.arange(K).repeat_interleave(50)
xc = means[lab] + 0.7 * torch.randn(150, 2)


class DropNet(nn.Module):
    def __init__(self, p=0.25):
        super().__init__()
        self.fc1, self.fc2, self.out = nn.Linear(2, 64), nn.Linear(64, 64), nn.Linear(64, K)
        self.p = p

    def forward(self, x, mc=False):
        h = F.dropout(F.relu(self.fc1(x)), self.p, training=self.training or mc)
        h = F.dropout(F.relu(self.fc2(h)), self.p, training=self.training or mc)
        return self.out(h)


dnet = DropNet()
opt = torch.optim.SGD(dnet.parameters(), lr=0.1, momentum=0.9, nesterov=True)
for ep in range(60):
    loss = F.cross_entropy(dnet(xc), lab, label_smoothing=0.05)
    opt.zero_grad()
    loss.backward()
    opt.step()
print(f"dropnet loss {loss.item():.4f}")
dnet.eval()
probe = torch.tensor([[0.0, 2.0], [0.0, 0.0], [6.0, 6.0], [2.0, -1.0]])
with torch.no_grad():
    T = 50
    probs = torch.stack([F.softmax(dnet(probe, mc=True), -1) for _ in range(T)])
p_mean = probs.mean(0)
pred_entropy = torch.special.entr(p_mean).sum(-1)
exp_entropy = -torch.xlogy(probs, probs).sum(-1).mean(0)
bald = pred_entropy - exp_entropy
print("predictive entropy:", pred_entropy)
print("BALD:", bald.clamp_min(0))
print("Categorical entropy agrees:", torch.allclose(Categorical(probs=p_mean).entropy(), pred_entropy, atol=1e-5))
print("variation ratio:", 1 - torch.mode(probs.argmax(-1), 0).values.eq(probs.argmax(-1)).float().mean(0))

# --- evidential classification ------------------------------------------------------------------------
def kl_to_uniform(alpha):
    k = alpha.shape[-1]
    s = alpha.sum(-1, keepdim=True)
    first = torch.lgamma(s) - torch.lgamma(torch.tensor(float(k))) - torch.lgamma(alpha).sum(-1, keepdim=True)
    second = ((alpha - 1) * (torch.digamma(alpha) - torch.digamma(s))).sum(-1, keepdim=True)
    return (first + second).squeeze(-1)


def edl_loss(evidence, target, epoch, anneal=10):
    alpha = evidence + 1
    s = alpha.sum(-1, keepdim=True)
    onehot = F.one_hot(target, K).float()
    ll = (onehot * (torch.digamma(s) - torch.digamma(alpha))).sum(-1)
    alpha_tilde = onehot + (1 - onehot) * alpha
    coef = min(1.0, epoch / anneal)
    return (ll + coef * kl_to_uniform(alpha_tilde)).mean()


torch.manual_seed(2)
enet = nn.Sequential(nn.Linear(2, 32), nn.ReLU(), nn.Linear(32, K), nn.Softplus())
opt = torch.optim.Adam(enet.parameters(), lr=1e-2)
for ep in range(40):
    loss = edl_loss(enet(xc), lab, ep)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if ep % 10 == 9:
        print(f"edl epoch {ep + 1} loss {loss.item():.4f}")
with torch.no_grad():
    alpha = enet(probe) + 1
u = K / alpha.sum(-1)
print("dirichlet uncertainty:", u)
print("expected probs:", alpha / alpha.sum(-1, keepdim=True))
ref = kl_divergence(Dirichlet(alpha), Dirichlet(torch.ones(K)))
print("KL matches kl_divergence:", torch.allclose(ref, kl_to_uniform(alpha), atol=1e-4))
print("Dirichlet entropy:", Dirichlet(alpha).entropy())
torch.manual_seed(0)
print("samples shape:", tuple(Dirichlet(alpha).rsample((5,)).shape))
# soft-label training with learnable class weights: the probability-target cross entropy is
# differentiable in its weights (torch's nll_loss path is not)
class_w = torch.ones(K, requires_grad=True)
soft = F.softmax(enet(xc).detach() * 0.5, -1)
ce_soft = F.cross_entropy(enet(xc), soft, weight=class_w)
ce_soft.backward()
print(f"soft CE {ce_soft.item():.4f} weight grad {class_w.grad}")
try:
    F.cross_entropy(enet(xc), lab, weight=class_w)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    F.binary_cross_entropy(torch.sigmoid(enet(xc)[:, 0]), alpha.new_full((150,), 1.5))
except RuntimeError as e:
    print("RuntimeError:", e)
for bad in [lambda: Dirichlet(torch.tensor([1.0, -1.0])),
            lambda: Normal(torch.zeros(2), torch.zeros(2)),
            lambda: nll(torch.zeros(3, 1), torch.zeros(3, 1), -torch.ones(3, 1)),
            lambda: nll(torch.zeros(3, 2), torch.zeros(3, 2), torch.ones(3, 3))]:
    try:
        bad()
    except ValueError as e:
        print("ValueError:", str(e).split("\n")[0][:120])
