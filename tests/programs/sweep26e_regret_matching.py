"""Regret matching and regret-matching+ on rock-paper-scissors, in the style of a game theory
lecture notebook: cumulative regrets with clamp_min, the average strategy converging to the
uniform Nash equilibrium, exploitability, a biased RPS variant, sampled play with
torch.distributions.Categorical and a few error cases printed from try/except."""
import torch
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_printoptions(precision=4)

A = torch.tensor([[0.0, -1.0, 1.0],
                  [1.0, 0.0, -1.0],
                  [-1.0, 1.0, 0.0]])
print("RPS payoff for the row player:\n", A)
print("zero-sum check:", torch.equal(A, -A.T))


def strategy_from_regret(R):
    pos = R.clamp_min(0.0)
    total = pos.sum(dim=-1, keepdim=True)
    uniform = torch.full_like(R, 1.0 / R.shape[-1])
    return torch.where(total > 0, pos / total.clamp_min(1e-12), uniform)


def exploitability(x, y, M):
    best_row = (M @ y).max()
    best_col = (-(x @ M)).max()
    return (best_row + best_col).item()


def run(M, T=2000, plus=False, alternating=False):
    n, m = M.shape
    R1 = torch.zeros(n)
    R2 = torch.zeros(m)
    R1[0] = 1.0          # a lopsided start so the dynamics move
    S1 = torch.zeros(n)
    S2 = torch.zeros(m)
    for t in range(1, T + 1):
        x = strategy_from_regret(R1)
        y = strategy_from_regret(R2)
        u1 = M @ y
        u2 = -(x @ M)
        R1 += u1 - x.dot(u1)
        if alternating:
            x = strategy_from_regret(R1)
            u2 = -(x @ M)
        R2 += u2 - y.dot(u2)
        if plus:
            R1.clamp_(min=0)
            R2.clamp_(min=0)
        w = t if plus else 1.0
        S1.add_(x, alpha=w)
        S2.add_(y, alpha=w)
    xbar = S1 / S1.sum()
    ybar = S2 / S2.sum()
    return xbar, ybar


for name, kw in [("RM", {}), ("RM+", {"plus": True}), ("RM+ alt", {"plus": True, "alternating": True})]:
    xb, yb = run(A, T=1000, **kw)
    print(f"{name:8s} avg row {[round(v, 3) for v in xb.tolist()]} col {[round(v, 3) for v in yb.tolist()]}"
          f" expl {exploitability(xb, yb, A):.3f}")

# a biased RPS: winning with rock pays double
B = A.clone()
B[0, 2] = 2.0
B[2, 0] = -2.0
print("biased RPS:\n", B)
xb, yb = run(B, T=3000, plus=True)
print("biased RPS avg strategy", xb.round(decimals=2), yb.round(decimals=2))
print("value estimate", round((xb @ B @ yb).item(), 2))

# exact equilibrium of the biased game from the indifference equations
Aug = torch.cat([B.T, torch.ones(1, 3)], dim=0)
rhs = torch.cat([torch.zeros(3), torch.ones(1)])
sol = torch.linalg.lstsq(Aug, rhs.unsqueeze(1)).solution.squeeze(1)
print("least-squares equilibrium", sol)

# regret of each pure strategy against sampled play
dist = torch.distributions.Categorical(probs=torch.tensor([0.5, 0.3, 0.2]))
plays = dist.sample((500,))
counts = torch.bincount(plays, minlength=3)
print("opponent counts", counts, counts.dtype)
onehot = F.one_hot(plays, num_classes=3).float()
payoffs = onehot @ A.T
print("mean payoff per pure strategy", payoffs.mean(dim=0))
best = payoffs.sum(0).argmax()
print("best response:", ["rock", "paper", "scissors"][best.item()])
print("log prob of first 5 plays", dist.log_prob(plays[:5]))
print("entropy", dist.entropy())

# the cumulative-regret trajectory of a short run
R = torch.zeros(3)
history = []
for t in range(6):
    x = strategy_from_regret(R)
    y = torch.tensor([0.4, 0.4, 0.2])
    u = A @ y
    R = R + u - x @ u
    history.append(R.clone())
H = torch.stack(history)
print("regret history\n", H)
print("cummax of regret of paper", H[:, 1].cummax(dim=0).values)
print("positive part share\n", F.normalize(H.clamp_min(0), p=1, dim=1))

for bad in [lambda: strategy_from_regret(torch.zeros(3)) @ torch.ones(2),
            lambda: torch.distributions.Categorical(probs=torch.tensor([0.5, -0.1, 0.6])),
            lambda: F.one_hot(torch.tensor([0, 3]), num_classes=3),
            lambda: A.clamp_min_(torch.tensor([0.0, 1.0]))]:
    try:
        bad()
    except (RuntimeError, ValueError) as e:
        print(type(e).__name__, ":", str(e).splitlines()[0])
