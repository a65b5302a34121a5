"""Collapsed Gibbs and variational EM for a tiny LDA."""
import torch
from torch.distributions import Dirichlet, Categorical, Multinomial, kl_divergence

torch.manual_seed(3)
K, V, D, L = 2, 6, 8, 15
alpha, eta = 0.5, 0.3
beta = Dirichlet(torch.full((V,), eta)).sample((K,))
theta = Dirichlet(torch.full((K,), alpha)).sample((D,))
docs = []
for d in range(D):
    zs = Categorical(theta[d]).sample((L,))
    ws = Categorical(beta[zs]).sample()
    docs.append(ws)
W = torch.stack(docs)
print(W)
counts = torch.zeros(D, V).scatter_add_(1, W, torch.ones(D, L))
print("doc-word counts\n", counts)

# collapsed Gibbs
Z = torch.randint(0, K, (D, L))
ndk = torch.zeros(D, K)
nkw = torch.zeros(K, V)
for d in range(D):
    ndk[d] += torch.bincount(Z[d], minlength=K)
    nkw.index_put_((Z[d], W[d]), torch.ones(L), accumulate=True)
nk = nkw.sum(1)
for it in range(20):
    for d in range(D):
        for i in range(L):
            w, k = W[d, i], Z[d, i]
            ndk[d, k] -= 1; nkw[k, w] -= 1; nk[k] -= 1
            p = (ndk[d] + alpha) * (nkw[:, w] + eta) / (nk + V * eta)
            k = torch.multinomial(p / p.sum(), 1)[0]
            Z[d, i] = k
            ndk[d, k] += 1; nkw[k, w] += 1; nk[k] += 1
print("ndk\n", ndk)
print("topic-word\n", (nkw + eta) / (nk[:, None] + V * eta))
# joint log-likelihood with lgamma
def log_beta(a):
    return torch.lgamma(a).sum(-1) - torch.lgamma(a.sum(-1))
ll = (log_beta(nkw + eta) - log_beta(torch.full((V,), eta))).sum() + \
     (log_beta(ndk + alpha) - log_beta(torch.full((K,), alpha))).sum()
print(f"collapsed log joint {ll.item():.3f}")

# variational EM (mean field), digamma updates
lam = torch.rand(K, V) + 1.0
for it in range(30):
    Elogb = torch.digamma(lam) - torch.digamma(lam.sum(-1, keepdim=True))
    gam = torch.ones(D, K)
    for _ in range(10):
        Elogt = torch.special.digamma(gam) - torch.special.digamma(gam.sum(-1, keepdim=True))
        phi = torch.softmax(Elogt[:, :, None] + Elogb[None], dim=1)  # D,K,V
        gam = alpha + (phi * counts[:, None, :]).sum(-1)
    lam = eta + (phi * counts[:, None, :]).sum(0)
q = Dirichlet(gam)
p = Dirichlet(torch.full((D, K), alpha))
print("gamma\n", gam)
print("KL", kl_divergence(q, p))
print("q mean", q.mean)
print(q)
m = Multinomial(L, probs=q.mean[0])
print(m, m.log_prob(counts[0, :K] * 0 + torch.tensor([7.0, 8.0])))
print(torch.mvlgamma(gam[:2] + 1.0, p=2))
print(torch.polygamma(1, gam[0]))
try:
    Dirichlet(torch.tensor(1.0))
except Exception as e:
    print(type(e).__name__, e)

# fit a Dirichlet to the topic proportions by maximum likelihood (starting from the flat prior)
props = (ndk + alpha) / (ndk + alpha).sum(-1, keepdim=True)
log_conc = torch.zeros(K, requires_grad=True)
opt = torch.optim.SGD([log_conc], lr=0.05)
for step in range(40):
    opt.zero_grad()
    nll = -Dirichlet(log_conc.exp()).log_prob(props).mean()
    nll.backward()
    if step == 0:
        print("first grad", log_conc.grad)
    opt.step()
print("fitted concentration", log_conc.exp().detach(), f"nll {nll.item():.4f}")
c = torch.ones(V, requires_grad=True)
lp = Dirichlet(c).log_prob((nkw[0] + eta) / (nk[0] + V * eta))
lp.backward()
print(lp, c.grad)
