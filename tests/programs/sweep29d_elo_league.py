"""A league of game-playing agents: Elo updates from simulated matches, a Bradley-Terry fit by
maximum likelihood (autograd + LBFGS), the Nash equilibrium of the empirical payoff matrix by
fictitious play and regret matching, and a stationary distribution from linalg."""
import torch
from torch.distributions import Bernoulli, Normal

torch.manual_seed(5)
torch.set_printoptions(precision=3)
names = ["random", "greedy", "minimax2", "minimax4", "mcts100", "mcts400"]
true_strength = torch.tensor([0.0, 0.8, 1.5, 2.1, 2.0, 2.7], dtype=torch.float64)
K = len(names)

# simulate a round-robin: P(i beats j) = sigmoid(s_i - s_j)
pairs = torch.combinations(torch.arange(K), r=2)
print("pairs:", pairs.shape, pairs[:3].tolist())
games_per_pair = 30
i_idx = pairs[:, 0].repeat_interleave(games_per_pair)
j_idx = pairs[:, 1].repeat_interleave(games_per_pair)
p_win = torch.sigmoid(true_strength[i_idx] - true_strength[j_idx])
outcome = Bernoulli(probs=p_win).sample()
print("games:", outcome.numel(), "first wins:", int(outcome.sum()), outcome.dtype)

# sequential Elo
elo = torch.full((K,), 1500.0, dtype=torch.float64)
k_factor = 16.0
order = torch.randperm(outcome.numel())
for g in order.tolist():
    a, b = int(i_idx[g]), int(j_idx[g])
    expected = 1.0 / (1.0 + 10 ** ((elo[b] - elo[a]) / 400.0))
    delta = k_factor * (outcome[g] - expected)
    elo[a] += delta
    elo[b] -= delta
print("elo:", elo.round())
print("ranking:", [names[i] for i in torch.argsort(elo, descending=True)])
print("sum preserved:", torch.isclose(elo.sum(), torch.tensor(1500.0 * K, dtype=torch.float64)).item())

# Bradley-Terry by maximum likelihood with LBFGS (one strength pinned at zero)
free = torch.zeros(K - 1, dtype=torch.float64, requires_grad=True)
opt = torch.optim.LBFGS([free], lr=1, max_iter=100, line_search_fn="strong_wolfe")


def strengths():
    return torch.cat([torch.zeros(1, dtype=torch.float64), free])


def closure():
    opt.zero_grad()
    s = strengths()
    logits = s[i_idx] - s[j_idx]
    nll = torch.nn.functional.binary_cross_entropy_with_logits(logits, outcome, reduction="sum")
    nll = nll + 0.01 * (free ** 2).sum()
    nll.backward()
    return nll


for _ in range(3):
    loss = opt.step(closure)
print(f"BT nll {loss.item():.4f}")
bt = strengths().detach()
print("BT strengths:", bt)
print("corr with truth:", torch.corrcoef(torch.stack([bt, true_strength]))[0, 1].round(decimals=3))
print("as Elo:", (bt * 400 / torch.log(torch.tensor(10.0, dtype=torch.float64)) + 1000).round())

# empirical win-rate matrix and zero-sum payoff
wins = torch.zeros(K, K, dtype=torch.float64)
wins.index_put_((i_idx, j_idx), outcome, accumulate=True)
wins.index_put_((j_idx, i_idx), 1 - outcome, accumulate=True)
rate = wins / games_per_pair
rate.fill_diagonal_(0.5)
payoff = rate - rate.T
print("payoff antisymmetric:", torch.allclose(payoff, -payoff.T))
print(payoff)

# fictitious play
counts = torch.ones(K, dtype=torch.float64)
for t in range(2000):
    mix = counts / counts.sum()
    br = torch.argmax(payoff @ mix)
    counts[br] += 1
fp = counts / counts.sum()
print("fictitious play support:", [names[i] for i in (fp > 0.05).nonzero().flatten()])
exploit = (payoff @ fp).max()
print(f"exploitability {exploit.item():.3f}")

# regret matching
regret = torch.zeros(K, dtype=torch.float64)
avg = torch.zeros(K, dtype=torch.float64)
for t in range(3000):
    pos = regret.clamp(min=0)
    sigma = pos / pos.sum() if pos.sum() > 0 else torch.full((K,), 1.0 / K, dtype=torch.float64)
    avg += sigma
    u = payoff @ sigma
    regret += u - (sigma @ u)
avg /= avg.sum()
print("regret matching top:", names[int(avg.argmax())])

# Markov chain: who-beats-whom random walk, stationary distribution
P = rate.T.clone()
P = P / P.sum(0, keepdim=True)
A = P - torch.eye(K, dtype=torch.float64)
A[-1] = 1.0
b = torch.zeros(K, dtype=torch.float64)
b[-1] = 1.0
pi = torch.linalg.solve(A, b)
print("stationary:", pi)
evals = torch.linalg.eigvals(P)
print("largest |eigenvalue|:", f"{evals.abs().max().item():.4f}")
print("matrix rank:", torch.linalg.matrix_rank(payoff).item(), "norm", f"{torch.linalg.norm(payoff).item():.4f}")

# rating uncertainty from a Normal posterior
post = Normal(bt, torch.full((K,), 0.25, dtype=torch.float64))
draws = post.sample((4000,))
p_best = torch.bincount(draws.argmax(1), minlength=K).double() / 4000
print("P(best):", p_best)
try:
    torch.linalg.solve(torch.zeros(3, 3), torch.ones(3))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    elo[torch.tensor([0, 9])]
except IndexError as e:
    print("IndexError:", e)
