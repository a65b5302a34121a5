"""Latent Dirichlet allocation on a synthetic corpus drawn from the LDA generative process:
collapsed Gibbs sampling with a seeded generator (torch.multinomial, and an inverse-CDF sampler
with searchsorted), the collapsed log joint with lgamma, mean-field variational inference with
digamma, topic recovery by matching against the true topics, and top words per topic."""
import torch
from torch.distributions import Dirichlet, Categorical, kl_divergence

torch.manual_seed(2024)

K, V, D = 3, 15, 16
alpha, beta = 0.5, 0.1
words = [f"w{i:02d}" for i in range(V)]

# ground truth: each topic concentrates on five words
true_phi = torch.full((K, V), 0.02)
for k in range(K):
    true_phi[k, 5 * k:5 * k + 5] = 1.0
true_phi = true_phi / true_phi.sum(1, keepdim=True)
theta_true = Dirichlet(torch.full((K,), alpha)).sample((D,))
print("theta_true shape:", theta_true.shape, "rows sum:", theta_true.sum(1)[:3])

g = torch.Generator().manual_seed(17)
docs = []
for d in range(D):
    n = int(torch.randint(15, 30, (1,), generator=g))
    z = torch.multinomial(theta_true[d], n, replacement=True, generator=g)
    w = torch.stack([torch.multinomial(true_phi[k], 1, generator=g)[0] for k in z.tolist()])
    docs.append(w)
N = sum(len(w) for w in docs)
print("tokens:", N, "first doc:", docs[0][:10].tolist())

doc_ids = torch.cat([torch.full((len(w),), d, dtype=torch.long) for d, w in enumerate(docs)])
word_ids = torch.cat(docs)
z = torch.randint(0, K, (N,), generator=g)

ndk = torch.zeros(D, K, dtype=torch.long)
nkw = torch.zeros(K, V, dtype=torch.long)
ndk.index_put_((doc_ids, z), torch.ones(N, dtype=torch.long), accumulate=True)
nkw.index_put_((z, word_ids), torch.ones(N, dtype=torch.long), accumulate=True)
nk = nkw.sum(1)
print("initial topic sizes:", nk.tolist())


def log_joint():
    """log p(w, z) of the collapsed model (Griffiths & Steyvers)."""
    lw = (K * (torch.lgamma(torch.tensor(V * beta)) - V * torch.lgamma(torch.tensor(beta)))
          + torch.lgamma(nkw.double() + beta).sum() - torch.lgamma(nk.double() + V * beta).sum())
    lz = (D * (torch.lgamma(torch.tensor(K * alpha)) - K * torch.lgamma(torch.tensor(alpha)))
          + torch.lgamma(ndk.double() + alpha).sum() - torch.lgamma(ndk.sum(1).double() + K * alpha).sum())
    return (lw + lz).item()


print(f"initial log joint {log_joint():.3f}")
gen = torch.Generator().manual_seed(0)
for sweep in range(15):
    for i in range(N):
        d, w, k = doc_ids[i].item(), word_ids[i].item(), z[i].item()
        ndk[d, k] -= 1
        nkw[k, w] -= 1
        nk[k] -= 1
        p = (ndk[d] + alpha) * (nkw[:, w] + beta) / (nk + V * beta)
        if i % 2 == 0:
            k = torch.multinomial(p, 1, generator=gen).item()
        else:
            cdf = torch.cumsum(p, 0)
            u = torch.rand(1, generator=gen, dtype=torch.float64) * cdf[-1]
            k = min(int(torch.searchsorted(cdf, u)), K - 1)
        z[i] = k
        ndk[d, k] += 1
        nkw[k, w] += 1
        nk[k] += 1
    if sweep % 5 == 4:
        print(f"sweep {sweep + 1}: log joint {log_joint():.3f}, topic sizes {nk.tolist()}")

phi = (nkw + beta) / (nk.unsqueeze(1) + V * beta)
theta = (ndk + alpha) / (ndk.sum(1, keepdim=True) + K * alpha)
print("phi dtype:", phi.dtype, "theta dtype:", theta.dtype)
print("counts consistent:", torch.equal(ndk.sum(0), nk), int(nkw.sum()) == N)

# match learned topics to the true ones by KL divergence
kl = (true_phi.unsqueeze(1) * (true_phi.unsqueeze(1).log() - phi.unsqueeze(0).log())).sum(2)
match = kl.argmin(1)
print("KL(true || learned):\n", kl)
print("matching:", match.tolist(), "bijective:", len(set(match.tolist())) == K)
for k in range(K):
    vals, idx = phi[match[k]].sort(descending=True, stable=True)
    print(f"topic {k}:", " ".join(words[i] for i in idx[:5].tolist()),
          [round(v, 3) for v in vals[:5].tolist()])
theta_err = (theta[:, match] - theta_true).abs().mean()
print(f"mean |theta - theta_true| {theta_err.item():.3f}")

# Dirichlet posteriors of the document-topic mixtures: entropy and KL to the prior
post = Dirichlet((ndk + alpha).float())
prior = Dirichlet(torch.full((K,), alpha))
print("posterior mean matches theta:", torch.allclose(post.mean, theta.float()))
print("entropy:", post.entropy()[:4])
print("KL to prior:", kl_divergence(post, prior)[:4])
print("mean topic-assignment entropy:", f"{Categorical(probs=theta).entropy().mean().item():.4f}")

# mean-field variational inference for one document with fixed topics
w = docs[0]
counts = torch.bincount(w, minlength=V).double()
gamma = torch.full((K,), alpha + len(w) / K, dtype=torch.float64)
logphi = phi.log()
for it in range(50):
    Elog = torch.special.digamma(gamma) - torch.special.digamma(gamma.sum())
    log_resp = Elog.unsqueeze(1) + logphi
    resp = torch.softmax(log_resp, 0)
    new = alpha + (resp * counts).sum(1)
    delta = (new - gamma).abs().max()
    gamma = new
    if delta < 1e-8:
        break
print(f"VI converged after {it + 1} iterations")
print("variational theta:", gamma / gamma.sum())
print("gibbs theta:      ", theta[0])

# empirical Bayes for a symmetric alpha: Newton on the Dirichlet-multinomial evidence of the
# document-topic counts, its gradient from autograd and its curvature from polygamma
counts_dk = ndk.float()
log_a = torch.tensor(0.0, requires_grad=True)
for step in range(8):
    a = log_a.exp()
    ev = (torch.lgamma(K * a) - torch.lgamma(counts_dk.sum(1) + K * a)
          + (torch.lgamma(counts_dk + a) - torch.lgamma(a)).sum(1)).sum()
    grad_a, = torch.autograd.grad(ev, log_a)
    with torch.no_grad():
        hess = (K * K * (torch.special.polygamma(1, K * a) - torch.polygamma(1, counts_dk.sum(1) + K * a)).sum()
                + (torch.polygamma(1, counts_dk + a) - torch.polygamma(1, a)).sum()) * a * a + grad_a
        log_a -= grad_a / hess
print(f"empirical-Bayes alpha {log_a.exp().item():.4f}, evidence {ev.item():.2f}, grad_fn {type(ev.grad_fn).__name__}")

# held-out perplexity with the learned model
heldout = torch.multinomial(theta_true[:5] @ true_phi, 25, replacement=True, generator=g)
ptest = theta[:5] @ phi
ll = torch.log(ptest.gather(1, heldout)).sum()
print(f"held-out perplexity {torch.exp(-ll / heldout.numel()).item():.3f}")
print(f"uniform perplexity {V:.3f}")

try:
    Dirichlet(torch.tensor([0.5, -1.0]))
except ValueError as e:
    print("ValueError:", e)
try:
    torch.multinomial(torch.ones(3), 5, generator=gen)
except RuntimeError as e:
    print("RuntimeError:", e)
