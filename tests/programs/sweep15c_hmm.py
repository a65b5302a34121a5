"""A probabilistic-graphical-models course notebook: a discrete hidden Markov model (the "occasionally
dishonest casino") in log space -- sampling with torch.multinomial/Categorical, the forward algorithm
with torch.logsumexp, forward-backward posteriors, Viterbi decoding with max/argmax back-pointers, the
likelihood checked by brute-force enumeration, Baum-Welch (EM) re-estimation, and gradient-based
fitting of unconstrained logits with autograd (whose gradient *is* the expected counts)."""
import itertools

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import Categorical

torch.manual_seed(7)
torch.set_printoptions(precision=4, sci_mode=False)

# ---------------------------------------------------------------- the model
states = ["fair", "loaded"]
pi = torch.tensor([0.6, 0.4])
A = torch.tensor([[0.95, 0.05],
                  [0.10, 0.90]])
B = torch.tensor([[1 / 6] * 6,
                  [0.1, 0.1, 0.1, 0.1, 0.1, 0.5]])
print("rows sum to one:", torch.allclose(A.sum(-1), torch.ones(2)), torch.allclose(B.sum(dim=1), torch.ones(2)))
print("stationary distribution:", torch.linalg.eig(A.T).eigenvectors[:, 0].real.abs()
      / torch.linalg.eig(A.T).eigenvectors[:, 0].real.abs().sum())


def sample(T):
    z = torch.empty(T, dtype=torch.long)
    x = torch.empty(T, dtype=torch.long)
    z[0] = torch.multinomial(pi, 1).item()
    x[0] = Categorical(probs=B[z[0]]).sample()
    for t in range(1, T):
        z[t] = torch.multinomial(A[z[t - 1]], 1)
        x[t] = Categorical(probs=B[z[t]]).sample()
    return z, x


z_true, rolls = sample(60)
print("rolls :", "".join(str(r + 1) for r in rolls.tolist()))
print("states:", "".join("FL"[s] for s in z_true.tolist()))
print("histogram:", torch.bincount(rolls, minlength=6).tolist(), rolls.dtype)

log_pi, log_A, log_B = pi.log(), A.log(), B.log()


def forward(log_pi, log_A, log_B, x):
    T = x.shape[0]
    log_alpha = log_pi.new_zeros(T, log_pi.shape[0])
    log_alpha[0] = log_pi + log_B[:, x[0]]
    for t in range(1, T):
        log_alpha[t] = torch.logsumexp(log_alpha[t - 1].unsqueeze(1) + log_A, dim=0) + log_B[:, x[t]]
    return log_alpha, torch.logsumexp(log_alpha[-1], dim=-1)


def backward(log_A, log_B, x):
    T = x.shape[0]
    log_beta = torch.zeros(T, log_A.shape[0], dtype=log_A.dtype)
    for t in range(T - 2, -1, -1):
        log_beta[t] = torch.logsumexp(log_A + (log_B[:, x[t + 1]] + log_beta[t + 1]).unsqueeze(0), dim=1)
    return log_beta


log_alpha, logZ = forward(log_pi, log_A, log_B, rolls)
log_beta = backward(log_A, log_B, rolls)
print(f"log p(x) = {logZ.item():.4f}")
print("consistency at t=30:", f"{torch.logsumexp(log_alpha[30] + log_beta[30], 0).item():.4f}")
gamma = (log_alpha + log_beta - logZ).exp()
print("posterior p(loaded) first 12:", gamma[:12, 1])
print(f"max |row sum - 1| < 1e-3: {(gamma.sum(1) - 1).abs().max().item() < 1e-3}")
print("posterior rows sum to 1:", torch.allclose(gamma.sum(1), torch.ones(len(rolls)), atol=1e-3))
post_pred = gamma.argmax(dim=1)
print(f"posterior decoding accuracy {(post_pred == z_true).float().mean():.3f}")


# scaled (non-log) forward, the textbook alternative
def forward_scaled(x):
    alpha = pi * B[:, x[0]]
    c = [alpha.sum()]
    alpha = alpha / c[0]
    for t in range(1, len(x)):
        alpha = (alpha @ A) * B[:, x[t]]
        c.append(alpha.sum())
        alpha = alpha / c[-1]
    return torch.stack(c).log().sum()


print(f"scaled forward log p(x) = {forward_scaled(rolls):.4f}")


# ---------------------------------------------------------------- Viterbi
def viterbi(log_pi, log_A, log_B, x):
    T, K = x.shape[0], log_pi.shape[0]
    delta = log_pi + log_B[:, x[0]]
    backptr = torch.zeros(T, K, dtype=torch.long)
    for t in range(1, T):
        scores = delta.unsqueeze(1) + log_A          # [from, to]
        delta, backptr[t] = scores.max(dim=0)
        delta = delta + log_B[:, x[t]]
    best_last = delta.argmax()
    path = [best_last.item()]
    for t in range(T - 1, 0, -1):
        path.append(backptr[t, path[-1]].item())
    return torch.tensor(path[::-1]), delta.max()


path, best = viterbi(log_pi, log_A, log_B, rolls)
print("viterbi:", "".join("FL"[s] for s in path.tolist()))
print(f"best path log prob {best:.4f}, accuracy {(path == z_true).float().mean():.3f}")
print("changes of state at:", (path[1:] != path[:-1]).nonzero().flatten().add(1).tolist())
runs = torch.unique_consecutive(path, return_counts=True)
print("runs:", runs[0].tolist(), runs[1].tolist())


# ---------------------------------------------------------------- brute force check on a short sequence
short = rolls[:8]
all_paths = torch.tensor(list(itertools.product(range(2), repeat=len(short))))
print("enumerating", all_paths.shape[0], "paths", all_paths.shape)
lp = log_pi[all_paths[:, 0]] + log_B[all_paths, short].sum(1) + log_A[all_paths[:, :-1], all_paths[:, 1:]].sum(1)
print(f"brute force log p(x) {torch.logsumexp(lp, 0):.4f}  forward {forward(log_pi, log_A, log_B, short)[1]:.4f}")
print("brute force argmax path:", all_paths[lp.argmax()].tolist(), "viterbi:",
      viterbi(log_pi, log_A, log_B, short)[0].tolist())
top = torch.topk(lp, 3)
print("top-3 path log probs:", top.values, top.indices)


# ---------------------------------------------------------------- Baum-Welch
def baum_welch_step(pi_, A_, B_, x):
    la, lz = forward(pi_.log(), A_.log(), B_.log(), x)
    lb = backward(A_.log(), B_.log(), x)
    g = (la + lb - lz).exp()
    xi = (la[:-1, :, None] + A_.log()[None] + (B_.log()[:, x[1:]].T + lb[1:])[:, None, :] - lz).exp()
    new_pi = g[0]
    new_A = xi.sum(0) / xi.sum((0, 2)).unsqueeze(1)
    onehot = F.one_hot(x, num_classes=B_.shape[1]).to(B_.dtype)
    new_B = (g.T @ onehot) / g.sum(0).unsqueeze(1)
    return new_pi, new_A, new_B, lz


torch.manual_seed(0)
_, long_rolls = sample(80)
# EM in float64: the posteriors of long sequences are sums of many tiny numbers
pi_h = torch.tensor([0.5, 0.5], dtype=torch.float64)
A_h = torch.tensor([[0.8, 0.2], [0.2, 0.8]], dtype=torch.float64)
B_h = torch.softmax(torch.randn(2, 6, dtype=torch.float64), dim=-1)
prev = -float("inf")
for it in range(10):
    pi_h, A_h, B_h, ll = baum_welch_step(pi_h, A_h, B_h, long_rolls)
    assert ll.item() >= prev - 1e-3, "EM must not decrease the likelihood"
    prev = ll.item()
    if it % 3 == 0:
        print(f"EM iter {it:2d} log-likelihood {ll.item():.3f}")
print("EM transition matrix:\n", A_h)
print("EM emission of state with most sixes:", B_h[B_h[:, 5].argmax()])


# ---------------------------------------------------------------- gradient-based fitting
class HMM(nn.Module):
    def __init__(self, K, V):
        super().__init__()
        self.pi_logits = nn.Parameter(torch.zeros(K))
        self.A_logits = nn.Parameter(torch.randn(K, K) * 0.1)
        self.B_logits = nn.Parameter(torch.randn(K, V) * 0.1)

    def forward(self, x):
        lp, lA, lB = (F.log_softmax(self.pi_logits, 0), F.log_softmax(self.A_logits, 1),
                      F.log_softmax(self.B_logits, -1))
        emit = lB[:, x].T                            # [T, K]
        alpha = lp + emit[0]
        for t in range(1, x.shape[0]):
            alpha = torch.logsumexp(alpha[:, None] + lA, dim=0) + emit[t]
        return alpha.logsumexp(0)


torch.manual_seed(3)
hmm = HMM(2, 6)
print(hmm)
print([(n, tuple(p.shape)) for n, p in hmm.named_parameters()])
opt = torch.optim.Adam(hmm.parameters(), lr=0.1)
for step in range(16):
    opt.zero_grad()
    nll = -hmm(long_rolls) / len(long_rolls)
    nll.backward()
    opt.step()
    if step % 5 == 0:
        print(f"step {step:2d} nll/token {nll.item():.4f} grad_fn {nll.grad_fn.name()}")

# the gradient of log Z w.r.t. emission log-potentials gives the posterior marginals
emit = log_B[:, rolls].T.clone().requires_grad_(True)
alpha = log_pi + emit[0]
for t in range(1, len(rolls)):
    alpha = torch.logsumexp(alpha[:, None] + log_A, 0) + emit[t]
logZ2 = torch.logsumexp(alpha, 0)
marg, = torch.autograd.grad(logZ2, emit)
print("d logZ / d emit == forward-backward posteriors:", torch.allclose(marg, gamma, atol=1e-3))
print(marg[:3])
