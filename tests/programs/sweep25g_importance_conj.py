"""Importance sampling with ESS, Beta-Binomial conjugacy, tree belief propagation."""
import torch
from torch.distributions import Beta, Binomial, Normal, Laplace, Uniform, Poisson, Gamma, kl_divergence

torch.manual_seed(5)
# Beta-Binomial updates
prior = Beta(torch.tensor(2.0), torch.tensor(2.0))
data = Binomial(10, probs=torch.tensor(0.7)).sample((6,))
print("data", data)
a, b = prior.concentration1, prior.concentration0
for k in data:
    a = a + k
    b = b + 10 - k
post = Beta(a, b)
print(post, post.mean, post.variance)
print("P(p>0.5)", f"{(post.sample((4000,)) > 0.5).float().mean().item():.2f}")
print("KL post||prior", kl_divergence(post, prior))
print(post.log_prob(torch.tensor([0.2, 0.7])), post.entropy())
bb = Binomial(total_count=torch.tensor([5.0, 10.0]), logits=torch.tensor([0.0, 1.0]))
print(bb.mean, bb.variance, bb.log_prob(torch.tensor([2.0, 7.0])))
try:
    bb.enumerate_support()
except NotImplementedError as e:
    print("NotImplementedError:", e)
print(Binomial(4, probs=torch.tensor([0.2, 0.5])).enumerate_support())
print(Binomial(4, probs=torch.tensor([0.2, 0.5])).enumerate_support(expand=False).shape)

# importance sampling: target Laplace, proposal Normal
target = Laplace(0.5, 1.0)
proposal = Normal(0.0, 2.0)
xs = proposal.sample((2000,))
logw = target.log_prob(xs) - proposal.log_prob(xs)
w = torch.softmax(logw, 0)
ess = 1.0 / (w**2).sum()
print(f"E[x] {(w * xs).sum().item():.2f}  ESS {ess.item():.0f}")
print(f"log Z {(logw.logsumexp(0) - torch.log(torch.tensor(2000.0))).item():.2f}")
# resampling
idx = torch.multinomial(w, 2000, replacement=True)
print("resampled mean", f"{xs[idx].mean().item():.2f}")
u = Uniform(torch.tensor([-1.0]), torch.tensor([1.0]))
print(u, u.sample((3,)).shape, u.log_prob(torch.tensor([0.5])))
try:
    u.log_prob(torch.tensor([2.0]))
except ValueError as e:
    print("ValueError:", e)

# sum-product on a star tree of binary variables
torch.manual_seed(6)
psi = torch.rand(4, 2, 2) + 0.5  # edges root-leaf
phi = torch.rand(5, 2) + 0.1       # unary, node 0 root
msgs = torch.einsum('lj,lij->li', phi[1:], psi)
belief_root = phi[0] * msgs.prod(0)
belief_root = belief_root / belief_root.sum()
print("root marginal", belief_root)
# brute force check
states = torch.cartesian_prod(*[torch.arange(2)] * 5)
logp = phi.log()[torch.arange(5), states].sum(1) + psi.log()[torch.arange(4), states[:, :1], states[:, 1:]].sum(1)
pj = torch.softmax(logp, 0)
print("brute", torch.zeros(2).index_add_(0, states[:, 0], pj))
print(Poisson(torch.tensor([1.0, 3.0])).log_prob(torch.tensor([[0.0, 2.0], [1.0, 4.0]])))
gm = Gamma(2.0, 1.0)
print(gm.rsample((3,)).requires_grad, gm.cdf(torch.tensor(1.5)) if False else gm.log_prob(torch.tensor(1.5)))
try:
    Poisson(torch.tensor([-1.0]))
except ValueError as e:
    print("ValueError:", e)
