"""A "weight uncertainty in neural networks" tutorial (Blundell et al. style Bayes by Backprop): a
BayesianLinear module whose weights are Normal(mu, softplus(rho)) sampled with rsample, a scale-
mixture prior, the KL term estimated by Monte Carlo and in closed form with kl_divergence, the
minibatch-weighted ELBO, and predictive uncertainty on a 1-D regression toy problem."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import Independent, Normal, kl_divergence
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(3)
torch.set_printoptions(precision=3, sci_mode=False)


class ScaleMixturePrior:
    def __init__(self, pi=0.5, sigma1=1.0, sigma2=0.1):
        self.pi = pi
        self.n1 = Normal(0.0, sigma1)
        self.n2 = Normal(0.0, sigma2)

    def log_prob(self, w):
        a = math.log(self.pi) + self.n1.log_prob(w)
        b = math.log(1 - self.pi) + self.n2.log_prob(w)
        return torch.logaddexp(a, b).sum()


class BayesianLinear(nn.Module):
    def __init__(self, in_features, out_features, prior):
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        self.w_mu = nn.Parameter(torch.empty(out_features, in_features).uniform_(-0.2, 0.2))
        self.w_rho = nn.Parameter(torch.full((out_features, in_features), -4.0))
        self.b_mu = nn.Parameter(torch.zeros(out_features))
        self.b_rho = nn.Parameter(torch.full((out_features,), -4.0))
        self.prior = prior
        self.log_prior = self.log_q = torch.tensor(0.0)

    def q(self):
        return (Normal(self.w_mu, F.softplus(self.w_rho)), Normal(self.b_mu, F.softplus(self.b_rho)))

    def forward(self, x, sample=True):
        qw, qb = self.q()
        if sample:
            w, b = qw.rsample(), qb.rsample()
        else:
            w, b = qw.mean, qb.mean
        self.log_prior = self.prior.log_prob(w) + self.prior.log_prob(b)
        self.log_q = qw.log_prob(w).sum() + qb.log_prob(b).sum()
        return F.linear(x, w, b)

    def closed_form_kl(self, sigma=1.0):
        qw, qb = self.q()
        p = Normal(0.0, sigma)
        return kl_divergence(Independent(qw, 2), Independent(p.expand(qw.batch_shape), 2)) + \
            kl_divergence(qb, p.expand(qb.batch_shape)).sum()

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}"


class BayesNet(nn.Module):
    def __init__(self, hidden=16):
        super().__init__()
        prior = ScaleMixturePrior()
        self.l1 = BayesianLinear(1, hidden, prior)
        self.l2 = BayesianLinear(hidden, 1, prior)

    def forward(self, x, sample=True):
        return self.l2(torch.relu(self.l1(x, sample)), sample)

    def kl(self):
        return sum(m.log_q - m.log_prior for m in (self.l1, self.l2))


# --- data ----------------------------------------------------------------------------------------
x = torch.cat([torch.linspace(-2.0, -0.5, 40), torch.linspace(0.5, 2.0, 40)]).unsqueeze(1)
y = torch.sin(2 * x) + 0.1 * torch.randn_like(x)
loader = DataLoader(TensorDataset(x, y), batch_size=40, shuffle=True)
print("dataset", len(loader.dataset), "batches", len(loader))

net = BayesNet()
print(net)
print("parameters", sum(p.numel() for p in net.parameters()),
      [n for n, _ in net.named_parameters()][:4])
opt = torch.optim.Adam(net.parameters(), lr=0.08)
noise = Normal(torch.tensor(0.0), torch.tensor(0.1))
M = len(loader)
for epoch in range(25):
    tot_nll = tot_kl = 0.0
    for i, (xb, yb) in enumerate(loader):
        pred = net(xb)                         # one Monte Carlo sample of the weights
        nll = -Normal(pred, 0.1).log_prob(yb).sum()
        kl = net.kl()
        loss = kl / M + nll
        opt.zero_grad()
        loss.backward()
        opt.step()
        tot_nll += nll.item()
        tot_kl += kl.item()
    if epoch % 8 == 0 or epoch == 24:
        print(f"epoch {epoch:2d} nll {tot_nll:9.1f} kl {tot_kl:8.1f}")

print("sigma of first-layer weights (mean):", f"{F.softplus(net.l1.w_rho).mean().item():.2f}")
print("closed-form KL to N(0,1):", f"{(net.l1.closed_form_kl() + net.l2.closed_form_kl()).item():.0f}")
qw, _ = net.l1.q()
print(qw, Independent(qw, 2))
print("loss grad_fn:", type(loss.grad_fn).__name__)

# --- predictive uncertainty -------------------------------------------------------------------------
x_test = torch.tensor([[-1.0], [1.0], [3.5]])
with torch.no_grad():
    preds = torch.stack([net(x_test) for _ in range(30)]).squeeze(-1)
    mean_pred = net(x_test, sample=False).squeeze(-1)
print("true f      ", torch.sin(2 * x_test).squeeze(-1))
print("MC mean     ", preds.mean(0).round(decimals=1))
print("mean weights", mean_pred.round(decimals=1))
std = preds.std(0)
print("predictive std grows away from data:", bool(std[2] > std[0]), bool(std[2] > std[1]))
print("noise", noise, "entropy", f"{noise.entropy().item():.4f}")
