"""Hidden Markov models in log space as in a speech-recognition course: the forward algorithm with
torch.logsumexp over broadcast (prev, next) scores, the backward pass, posteriors, Viterbi with
max(dim) returning values and argmax pointers, backtracking with gather, a batched Viterbi on
padded sequences with masks, logcumsumexp prefix normalisers, and learning the HMM parameters by
maximising the forward log-likelihood with autograd."""
import torch
import torch.nn as nn

torch.manual_seed(0)
K, V = 3, 4    # hidden states, vocabulary


def forward_algorithm(log_pi, log_A, log_B, obs):
    alpha = log_pi + log_B[:, obs[0]]
    alphas = [alpha]
    for t in range(1, len(obs)):
        alpha = torch.logsumexp(alpha.unsqueeze(1) + log_A, dim=0) + log_B[:, obs[t]]
        alphas.append(alpha)
    return torch.stack(alphas), torch.logsumexp(alpha, dim=0)


def backward_algorithm(log_A, log_B, obs):
    T = len(obs)
    beta = torch.zeros(K)
    betas = [beta]
    for t in range(T - 2, -1, -1):
        beta = torch.logsumexp(log_A + (log_B[:, obs[t + 1]] + beta).unsqueeze(0), dim=1)
        betas.append(beta)
    return torch.stack(betas[::-1])


def viterbi(log_pi, log_A, log_B, obs):
    delta = log_pi + log_B[:, obs[0]]
    backptrs = []
    for t in range(1, len(obs)):
        scores = delta.unsqueeze(1) + log_A          # (prev, next)
        delta, bp = scores.max(dim=0)
        delta = delta + log_B[:, obs[t]]
        backptrs.append(bp)
    best_score, last = delta.max(dim=0)
    path = [last.item()]
    for bp in reversed(backptrs):
        last = bp.gather(0, last.view(1)).squeeze(0)
        path.append(last.item())
    return best_score, path[::-1], torch.stack(backptrs)


def batched_viterbi(log_pi, log_A, emis, lengths):
    """emis: (B, T, K) emission log-probs of padded sequences."""
    B, T, _ = emis.shape
    delta = log_pi + emis[:, 0]
    bps = []
    mask = torch.arange(T).unsqueeze(0) < lengths.unsqueeze(1)     # (B, T)
    for t in range(1, T):
        scores = delta.unsqueeze(2) + log_A.unsqueeze(0)           # (B, prev, next)
        new_delta, bp = torch.max(scores, dim=1)
        new_delta = new_delta + emis[:, t]
        m = mask[:, t].unsqueeze(1)
        delta = torch.where(m, new_delta, delta)
        bp = torch.where(m, bp, torch.arange(K).expand(B, K))     # identity pointer past the end
        bps.append(bp)
    score, last = delta.max(dim=-1)
    best = [last]
    for bp in reversed(bps):
        last = torch.gather(bp, 1, last.unsqueeze(1)).squeeze(1)
        best.append(last)
    paths = torch.stack(best[::-1], dim=1)
    return score, paths.masked_fill(~mask, -1)


pi = torch.tensor([0.6, 0.3, 0.1])
A = torch.tensor([[0.7, 0.2, 0.1], [0.3, 0.5, 0.2], [0.2, 0.3, 0.5]])
Bm = torch.softmax(torch.randn(K, V), dim=1)
log_pi, log_A, log_B = pi.log(), A.log(), Bm.log()
obs = torch.tensor([0, 1, 3, 2, 2, 0, 1])
print("emissions", Bm.round(decimals=4))
alphas, loglik = forward_algorithm(log_pi, log_A, log_B, obs)
betas = backward_algorithm(log_A, log_B, obs)
print("alphas", alphas.round(decimals=3))
print(f"log-likelihood {loglik.item():.5f}")
check = torch.logsumexp(alphas + betas, dim=1)
print("consistent", torch.allclose(check, loglik.expand(len(obs)), atol=1e-5))
post = torch.exp(alphas + betas - loglik)
print("posteriors", post.round(decimals=3), post.sum(1).round(decimals=4))
print("posterior decode", post.argmax(dim=1).tolist())
score, path, bps = viterbi(log_pi, log_A, log_B, obs)
print(f"viterbi {score.item():.5f}", path, bps.dtype)
print(bps)

# brute force check over all K**T paths for a short prefix
T = 4
grids = torch.cartesian_prod(*[torch.arange(K)] * T)
lp = log_pi[grids[:, 0]] + log_B[grids[:, 0], obs[0]]
for t in range(1, T):
    lp = lp + log_A[grids[:, t - 1], grids[:, t]] + log_B[grids[:, t], obs[t]]
print("paths", grids.shape, "brute best", grids[lp.argmax()].tolist(),
      round(lp.max().item(), 5), "vit", viterbi(log_pi, log_A, log_B, obs[:T])[1])
print("brute loglik", round(torch.logsumexp(lp, 0).item(), 5),
      round(forward_algorithm(log_pi, log_A, log_B, obs[:T])[1].item(), 5))

# batched Viterbi on padded sequences
torch.manual_seed(1)
emis = torch.log_softmax(torch.randn(3, 6, K), dim=-1)
lengths = torch.tensor([6, 4, 2])
sc, paths = batched_viterbi(log_pi, log_A, emis, lengths)
print("batched", sc.round(decimals=4), paths)
print("lists", [p[p >= 0].tolist() for p in paths])

# prefix normalisers with logcumsumexp and cumsum
x = torch.randn(6)
print("logcumsumexp", torch.logcumsumexp(x, dim=0).round(decimals=4))
print("check", torch.allclose(torch.logcumsumexp(x, 0), torch.log(torch.cumsum(x.exp(), 0))))
print("cumsum log", torch.cumsum(log_B[:, obs], dim=1).round(decimals=3))
print("logcumsumexp -inf", torch.logcumsumexp(torch.tensor([float("-inf"), 0.0, float("-inf")]), 0))

# learn HMM parameters by gradient ascent on the forward log-likelihood
class HMM(nn.Module):
    def __init__(self, k, v):
        super().__init__()
        self.pi_logits = nn.Parameter(torch.zeros(k))
        self.A_logits = nn.Parameter(torch.randn(k, k) * 0.1)
        self.B_logits = nn.Parameter(torch.randn(k, v) * 0.1)

    def forward(self, obs):
        lp = torch.log_softmax(self.pi_logits, 0)
        lA = torch.log_softmax(self.A_logits, 1)
        lB = torch.log_softmax(self.B_logits, 1)
        return forward_algorithm(lp, lA, lB, obs)[1]


torch.manual_seed(2)
hmm = HMM(K, V)
opt = torch.optim.Adam(hmm.parameters(), lr=0.1)
seqs = [torch.randint(0, V, (6,)) for _ in range(3)]
for epoch in range(6):
    opt.zero_grad()
    nll = -torch.stack([hmm(s) for s in seqs]).mean()
    nll.backward()
    opt.step()
    if epoch % 2 == 0:
        print(f"epoch {epoch} nll {nll.item():.4f}")
print("A", torch.softmax(hmm.A_logits, 1).detach().round(decimals=3))
print("grad", hmm.B_logits.grad.round(decimals=3))   # (4 decimals: 0.012750 sits on a rounding edge)
