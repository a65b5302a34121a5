"""Concrete / relaxed distributions from torch.distributions as used in discrete-latent tutorials
(Maddison et al., "The Concrete Distribution"; Pyro-style relaxed mixture models): RelaxedBernoulli and
RelaxedOneHotCategorical with rsample and log_prob, LogitRelaxedBernoulli, the straight-through
relaxed categorical, their reparameterised gradients, and a small learned Bernoulli gate trained through
the relaxation, compared against the exact Bernoulli expectation."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import (Bernoulli, Categorical, OneHotCategorical, RelaxedBernoulli,
                                 RelaxedOneHotCategorical, kl_divergence)
from torch.distributions.relaxed_bernoulli import LogitRelaxedBernoulli
from torch.distributions.relaxed_categorical import ExpRelaxedCategorical

torch.manual_seed(0)
temperature = torch.tensor(0.5)
probs = torch.tensor([0.2, 0.5, 0.9])
rb = RelaxedBernoulli(temperature, probs=probs)
print(rb)
print("batch", rb.batch_shape, "event", rb.event_shape, "has_rsample", rb.has_rsample)
s = rb.rsample((4,))
print("rb rsample", s.round(decimals=4))
print("rb log_prob", rb.log_prob(s).round(decimals=3))
print("rb logits", rb.logits.round(decimals=4), "temp", rb.temperature)
lrb = LogitRelaxedBernoulli(temperature, logits=torch.tensor([0.0, 1.5]))
ls = lrb.rsample((3,))
print("logit rb", ls.round(decimals=4), lrb.log_prob(ls).round(decimals=3))
print("support", rb.support, lrb.support)

torch.manual_seed(1)
logits = torch.tensor([1.0, 0.0, -1.0, 2.0])
rc = RelaxedOneHotCategorical(torch.tensor(0.7), logits=logits)
print(rc)
y = rc.rsample((3,))
print("rc rsample", y.round(decimals=4), y.sum(-1).round(decimals=4))
print("rc log_prob", rc.log_prob(y).round(decimals=3))
print("rc probs", rc.probs.round(decimals=4), rc.batch_shape, rc.event_shape)
erc = ExpRelaxedCategorical(torch.tensor(0.7), logits=logits)
e = erc.rsample()
print("exp relaxed", e.round(decimals=4), e.exp().sum().round(decimals=4), erc.log_prob(e).round(decimals=3))
print("sample no grad", rc.sample().requires_grad)

# reparameterised gradients
torch.manual_seed(2)
theta = torch.tensor([0.3, -0.4, 1.1], requires_grad=True)
d = RelaxedBernoulli(torch.tensor(0.4), logits=theta)
z = d.rsample((5,))
loss = ((z - torch.tensor([1.0, 0.0, 1.0])) ** 2).mean()
loss.backward()
print("relaxed bernoulli grad", theta.grad.round(decimals=4), z.grad_fn is not None)

torch.manual_seed(3)
alpha = torch.zeros(2, 4, requires_grad=True)
d = RelaxedOneHotCategorical(torch.tensor([[1.0], [0.3]]), logits=alpha)
y = d.rsample()
y_hard = F.one_hot(y.argmax(-1), 4).float()
y_st = (y_hard - y).detach() + y
(y_st * torch.tensor([0.0, 1.0, 2.0, 3.0])).sum().backward()
print("ST relaxed categorical", y_hard.tolist(), alpha.grad.round(decimals=4))
print("batch temp", d.batch_shape, d.temperature.shape)
lp = d.log_prob(y.detach())
print("log_prob shape", lp.shape, torch.isfinite(lp).all().item())

# exact distributions for comparison
b = Bernoulli(probs=probs)
c = Categorical(logits=logits)
oh = OneHotCategorical(logits=logits)
print("bernoulli entropy", b.entropy().round(decimals=4), "categorical entropy", round(c.entropy().item(), 4))
print("onehot sample", oh.sample((2,)), oh.log_prob(torch.eye(4)).round(decimals=4))
print("kl cat", round(kl_divergence(c, Categorical(probs=torch.full((4,), 0.25))).item(), 4))
print("kl bern", kl_divergence(b, Bernoulli(probs=torch.tensor([0.5, 0.5, 0.5]))).round(decimals=4))


# a learned gate trained through the relaxation (L0-style hard concrete stretch)
class ConcreteGate(nn.Module):
    def __init__(self, n, temp=0.5, l=-0.1, r=1.1):
        super().__init__()
        self.log_alpha = nn.Parameter(torch.zeros(n))
        self.temp, self.l, self.r = temp, l, r

    def forward(self):
        if self.training:
            u = torch.rand_like(self.log_alpha).clamp(1e-6, 1 - 1e-6)
            s = torch.sigmoid((torch.log(u) - torch.log(1 - u) + self.log_alpha) / self.temp)
        else:
            s = torch.sigmoid(self.log_alpha)
        return (s * (self.r - self.l) + self.l).clamp(0.0, 1.0)

    def expected_l0(self):
        return torch.sigmoid(self.log_alpha - self.temp * torch.log(torch.tensor(-self.l / self.r))).sum()


torch.manual_seed(4)
X = torch.randn(48, 6)
w_true = torch.tensor([2.0, 0.0, -1.5, 0.0, 0.0, 1.0])
Y = X @ w_true + 0.05 * torch.randn(48)
gate = ConcreteGate(6)
lin = nn.Linear(6, 1, bias=False)
opt = torch.optim.Adam(list(gate.parameters()) + list(lin.parameters()), lr=0.05)
for step in range(40):
    m = gate()
    pred = lin(X * m).squeeze(-1)
    mse = F.mse_loss(pred, Y)
    loss = mse + 0.02 * gate.expected_l0()
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 8 == 0:
        print(f"step {step:2d} mse {mse.item():.3f} l0 {gate.expected_l0().item():.3f}")
gate.eval()
print("gate probs", torch.sigmoid(gate.log_alpha).round(decimals=2).tolist())
print("eval mask", gate().round(decimals=2).tolist())

# REBAR-style concrete relaxation of a Bernoulli: conditional sample given b
torch.manual_seed(5)
logit = torch.tensor([0.4, -0.8], requires_grad=True)
u, v = torch.rand(2), torch.rand(2)
z = logit + torch.log(u) - torch.log1p(-u)
b = (z > 0).float()
theta = torch.sigmoid(logit)
v_prime = torch.where(b > 0, v * theta + (1 - theta), v * (1 - theta))
z_tilde = logit + torch.log(v_prime) - torch.log1p(-v_prime)
sig_z, sig_zt = torch.sigmoid(z / 0.5), torch.sigmoid(z_tilde / 0.5)
f = lambda x: (x - 0.45) ** 2
log_p = Bernoulli(logits=logit).log_prob(b)
surrogate = (f(b) - f(sig_zt)).detach() * log_p + f(sig_z) - f(sig_zt)
surrogate.sum().backward()
print("rebar b", b.tolist(), "z~", z_tilde.round(decimals=4), "grad", logit.grad.round(decimals=4))
