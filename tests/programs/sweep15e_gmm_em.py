"""A machine-learning course assignment on mixture models: generate 2-D data from a known Gaussian
mixture, fit it by expectation-maximisation written with torch.distributions (responsibilities via
logsumexp, M-step by weighted moments), wrap the result in MixtureSameFamily, then refit by gradient
descent on the negative log-likelihood with unconstrained parameters."""
import torch
import torch.distributions as td
from torch.distributions import constraints

torch.manual_seed(11)
torch.set_printoptions(precision=3, sci_mode=False)

# --- ground truth --------------------------------------------------------------------------------
K, D, N = 3, 2, 300
true_mix = td.Categorical(probs=torch.tensor([0.5, 0.3, 0.2]))
true_comp = td.MultivariateNormal(
    loc=torch.tensor([[-3.0, 0.0], [2.0, 2.0], [2.0, -3.0]]),
    scale_tril=torch.stack([torch.eye(2) * 0.8,
                            torch.tensor([[1.0, 0.0], [0.6, 0.5]]),
                            torch.tensor([[0.5, 0.0], [-0.2, 0.9]])]))
gmm_true = td.MixtureSameFamily(true_mix, true_comp)
print(gmm_true)
print("batch", gmm_true.batch_shape, "event", gmm_true.event_shape)
X = gmm_true.sample((N,))
print("X", X.shape, X.dtype, "mean", X.mean(0))
print("true avg loglik", f"{gmm_true.log_prob(X).mean().item():.3f}")
print("mixture mean", gmm_true.mean, "\nmixture variance", gmm_true.variance)

# --- EM ------------------------------------------------------------------------------------------
idx = torch.randperm(N)[:K]
mu = X[idx].clone()
cov = torch.eye(D).repeat(K, 1, 1)
pi = torch.full((K,), 1.0 / K)
print("init means\n", mu)

prev = -float("inf")
for it in range(50):
    comp = td.MultivariateNormal(mu, covariance_matrix=cov)
    log_r = comp.log_prob(X.unsqueeze(1)) + pi.log()           # (N, K)
    ll = torch.logsumexp(log_r, dim=1)
    resp = (log_r - ll.unsqueeze(1)).exp()
    nk = resp.sum(0)
    pi = nk / N
    mu = (resp.T @ X) / nk.unsqueeze(1)
    diff = X.unsqueeze(1) - mu                                  # (N, K, D)
    cov = torch.einsum("nk,nki,nkj->kij", resp, diff, diff) / nk.view(K, 1, 1) + 1e-4 * torch.eye(D)
    avg = ll.mean().item()
    if it % 5 == 0 or avg - prev < 1e-5:
        print(f"iter {it:2d} avg loglik {avg:.4f}")
    if avg - prev < 1e-5:
        print("converged at iter", it)
        break
    prev = avg

order = mu[:, 0].argsort()
print("weights", pi[order])
print("means\n", mu[order])
print("covariances\n", cov[order])
hard = resp.argmax(1)
print("cluster sizes", torch.bincount(hard, minlength=K).tolist())
gmm_em = td.MixtureSameFamily(td.Categorical(probs=pi), td.MultivariateNormal(mu, covariance_matrix=cov))
grid = torch.tensor([[-3.0, 0.0], [0.0, 0.0], [2.0, 2.0], [10.0, 10.0]])
print("EM log density on grid ", gmm_em.log_prob(grid))
print("true log density on grid", gmm_true.log_prob(grid))

# --- 1-D mixture helpers: cdf, Independent components -------------------------------------------
mix1d = td.MixtureSameFamily(td.Categorical(torch.tensor([0.3, 0.7])),
                             td.Normal(torch.tensor([-1.0, 2.0]), torch.tensor([0.5, 1.0])))
print(mix1d)
xs = torch.linspace(-3, 5, 5)
print("cdf", mix1d.cdf(xs))
print("log_prob", mix1d.log_prob(xs))
print("component_distribution", mix1d.component_distribution, "mixture", mix1d.mixture_distribution)
ind_mix = td.MixtureSameFamily(td.Categorical(torch.ones(2)),
                               td.Independent(td.Normal(torch.zeros(2, 3), torch.ones(2, 3)), 1))
print("independent comps: batch", ind_mix.batch_shape, "event", ind_mix.event_shape,
      "sample", ind_mix.sample((4,)).shape)
try:
    td.MixtureSameFamily(td.Categorical(torch.ones(3)), td.Normal(torch.zeros(2), 1.0))
except ValueError as e:
    print(type(e).__name__, e)
try:
    td.MixtureSameFamily(torch.ones(3), td.Normal(torch.zeros(3), 1.0))
except ValueError as e:
    print(type(e).__name__, e)

# --- gradient descent on the NLL ---------------------------------------------------------------
torch.manual_seed(0)
logits = torch.zeros(K, requires_grad=True)
locs = (torch.randn(K, D) * 2).requires_grad_()
raw_tril = torch.zeros(K, D, D, requires_grad=True)
to_chol = td.transform_to(constraints.lower_cholesky)
print(to_chol)
opt = torch.optim.Adam([logits, locs, raw_tril], lr=0.1)
for step in range(90):
    gmm = td.MixtureSameFamily(td.Categorical(logits=logits),
                               td.MultivariateNormal(locs, scale_tril=to_chol(raw_tril)))
    nll = -gmm.log_prob(X).mean()
    opt.zero_grad()
    nll.backward()
    opt.step()
    if step % 30 == 0:
        print(f"step {step:3d} nll {nll.item():.3f} |grad locs| {locs.grad.norm().item():.3f}")
print(f"final nll {nll.item():.2f}, EM nll {-gmm_em.log_prob(X).mean().item():.2f}")
print("learned weights", torch.softmax(logits, 0).detach().sort().values)
print("nll.grad_fn", nll.grad_fn.name())
