"""Counterfactual regret minimisation on Kuhn poker and independent Q-learning in matrix games, as
a multi-agent RL lecture writes them: information-set regrets and strategy sums kept in tensors
indexed by an info-set table, the average strategy converging towards the game value -1/18,
exploitability by best response; then two independent Q-learners with epsilon-greedy exploration
(torch.rand, torch.randint, torch.multinomial) in a coordination game, Boltzmann learners in the
prisoner's dilemma, and a small policy network printed as a module."""
import itertools

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(5)
torch.set_printoptions(precision=4)

CARDS = [0, 1, 2]                  # J, Q, K
HISTORIES = ["", "p", "b", "pb"]   # decision points: history before the acting player
INFO = {}
for card in CARDS:
    for h in HISTORIES:
        INFO[(card, h)] = len(INFO)
N_INFO = len(INFO)
regret = torch.zeros(N_INFO, 2, dtype=torch.float64)      # actions: 0 pass/check, 1 bet/call
strat_sum = torch.zeros(N_INFO, 2, dtype=torch.float64)


def current_strategy(R):
    pos = R.clamp(min=0)
    s = pos.sum(dim=1, keepdim=True)
    return torch.where(s > 0, pos / torch.where(s > 0, s, torch.ones_like(s)), torch.full_like(R, 0.5))


def terminal(h, cards):
    p = len(h) % 2
    if h in ("pp",):
        return 1.0 if cards[p] > cards[1 - p] else -1.0
    if h in ("bp", "pbp"):
        return 1.0
    if h in ("bb", "pbb"):
        return 2.0 if cards[p] > cards[1 - p] else -2.0
    return None


def cfr(cards, h, reach, sigma):
    """Returns the utility of the player to act at h; accumulates regrets and strategy sums."""
    u = terminal(h, cards)
    if u is not None:
        return u
    player = len(h) % 2
    idx = INFO[(cards[player], h)]
    strat = sigma[idx]
    util = torch.zeros(2, dtype=torch.float64)
    for a, ch in enumerate("pb"):
        new_reach = reach.clone()
        new_reach[player] *= strat[a]
        util[a] = -cfr(cards, h + ch, new_reach, sigma)
    node_u = (strat * util).sum()
    regret[idx] += reach[1 - player] * (util - node_u)
    strat_sum[idx] += reach[player] * strat
    return node_u


deals = list(itertools.permutations(CARDS, 2))
values = []
for it in range(1, 301):
    sigma = current_strategy(regret)
    total = 0.0
    for cards in deals:
        total += cfr(cards, "", torch.ones(2, dtype=torch.float64), sigma)
    values.append(total / len(deals))
avg = strat_sum / strat_sum.sum(dim=1, keepdim=True)
names = "JQK"
print("average strategy (prob of bet/call) per information set:")
for (card, h), i in INFO.items():
    print(f"  {names[card]}{h or '-':2s} {avg[i, 1].item():.3f}")
vals = torch.tensor(values, dtype=torch.float64)
print(f"mean game value over the last 100 iterations {vals[-100:].mean().item():.3f} (theory {-1 / 18:.3f})")
print("regret table shape", tuple(regret.shape), "max positive regret / T",
      f"{regret.clamp(min=0).max().item() / 300:.3f}")
print("dominated: K always calls a bet:", avg[INFO[(2, 'b')], 1].item() > 0.99,
      " J never calls:", avg[INFO[(0, 'b')], 1].item() < 0.01)

# independent Q-learning in a 2x2 coordination game with a penalty for miscoordination
R = torch.tensor([[10.0, -5.0], [-5.0, 5.0]])
Q1 = torch.zeros(2)
Q2 = torch.zeros(2)
alpha, eps = 0.1, 0.2
counts = torch.zeros(2, 2, dtype=torch.long)
for t in range(3000):
    greedy1, greedy2 = Q1.argmax(), Q2.argmax()
    a1 = torch.randint(0, 2, ()) if torch.rand(()) < eps else greedy1
    a2 = torch.randint(0, 2, ()) if torch.rand(()) < eps else greedy2
    r = R[a1, a2]
    Q1[a1] += alpha * (r - Q1[a1])
    Q2[a2] += alpha * (r - Q2[a2])
    counts[a1, a2] += 1
print("independent learners Q", Q1, Q2)
print("joint action counts\n", counts)
print("greedy joint action", (Q1.argmax().item(), Q2.argmax().item()))

# Boltzmann (softmax) Q-learners in the prisoner's dilemma, sampling with multinomial
PD1 = torch.tensor([[3.0, 0.0], [5.0, 1.0]])
PD2 = PD1.T.clone()
Q = torch.zeros(2, 2)           # Q[player, action]
temp = 0.5
coop = []
for t in range(2000):
    probs = F.softmax(Q / temp, dim=1)
    acts = torch.multinomial(probs, 1).squeeze(1)
    rew = torch.stack([PD1[acts[0], acts[1]], PD2[acts[0], acts[1]]])
    Q[torch.arange(2), acts] += 0.05 * (rew - Q[torch.arange(2), acts])
    coop.append((acts == 0).float())
coop = torch.stack(coop)
print("cooperation rate by 500-round block\n", coop.view(4, 500, 2).mean(dim=1))
print("final policies", F.softmax(Q / temp, dim=1))


# a tiny shared policy network mapping a one-hot opponent action to a mixed strategy
class PolicyNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 3))

    def forward(self, opp):
        return F.log_softmax(self.body(F.one_hot(opp, 3).float()), dim=-1)


A = torch.tensor([[0.0, -1.0, 1.0], [1.0, 0.0, -1.0], [-1.0, 1.0, 0.0]])
net = PolicyNet()
print(net)
opt = torch.optim.SGD(net.parameters(), lr=0.5)
opp = torch.tensor([0, 1, 2])
for step in range(200):
    logp = net(opp)
    dist = torch.distributions.Categorical(logits=logp)
    a = dist.sample((16,))                           # (16, 3)
    reward = A[a, opp.expand_as(a)]
    loss = -(dist.log_prob(a) * reward).mean()       # REINFORCE against a fixed opponent action
    opt.zero_grad()
    loss.backward()
    opt.step()
print("best responses learned", net(opp).argmax(dim=1), "expected", A.argmax(dim=0))
print("grad_fn of the loss", loss.grad_fn.name() if loss.grad_fn else None)

try:
    torch.multinomial(torch.tensor([0.0, 0.0]), 1)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.multinomial(torch.tensor([0.5, 0.5]), 3)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    net(torch.tensor([3]))
except RuntimeError as e:
    print("RuntimeError:", e)
