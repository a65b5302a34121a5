"""Stochastic epidemics: Reed-Frost chain-binomial, Gillespie SIR, a Galton-Watson branching process,
and multinomial age allocation of cases."""
import torch
from torch.distributions import Binomial, Exponential, Categorical, Poisson, Multinomial, Geometric

torch.manual_seed(2024)

# --- Reed-Frost chain binomial, many replicates at once ---------------------------------------
n_rep, N, p = 1000, 100, 0.02
S = torch.full((n_rep,), N - 1.0)
I = torch.ones(n_rep)
final = torch.zeros(n_rep)
gens = 0
while I.sum() > 0 and gens < 50:
    p_inf = 1 - (1 - p) ** I
    new = torch.binomial(S, p_inf)
    final += I
    S = S - new
    I = new
    gens += 1
print("generations until extinction everywhere:", gens)
sizes = final.long()
print("final size dtype:", sizes.dtype, "min/max:", sizes.min().item(), sizes.max().item())
minor = (sizes < 20).float().mean()
print(f"minor outbreaks: {minor.item():.3f}")
hist = torch.histc(final, bins=10, min=0, max=100)
print("final size histogram:", hist.long().tolist())
print("mean major-outbreak size:", f"{final[final >= 20].mean().item():.2f}")
counts = torch.bincount(sizes.clamp(max=9))
print("small-size counts:", counts.tolist())

# --- Gillespie SIR ---------------------------------------------------------------------------
def gillespie(beta, gamma, S0, I0, t_max=100.0):
    S, I, R = S0, I0, 0
    t = 0.0
    times, infected = [0.0], [I0]
    while I > 0 and t < t_max:
        rates = torch.tensor([beta * S * I / (S0 + I0), gamma * I])
        total = rates.sum()
        t += Exponential(total).sample().item()
        event = Categorical(probs=rates / total).sample().item()
        if event == 0:
            S, I = S - 1, I + 1
        else:
            I, R = I - 1, R + 1
        times.append(t)
        infected.append(I)
    return torch.tensor(times), torch.tensor(infected), R


finals = []
for rep in range(6):
    ts, it, R = gillespie(0.3, 0.1, 199, 1)
    finals.append(R)
    print(f"run {rep}: events {len(ts) - 1:4d}  peak I {it.max().item():3d}  final R {R:3d}  "
          f"duration {ts[-1].item():.2f}")
print("final sizes:", torch.tensor(finals))
print("times dtype:", ts.dtype, "infected dtype:", it.dtype)
grid = torch.linspace(0, ts[-1].item(), 6)
idx = torch.searchsorted(ts, grid, right=True) - 1
print("I on a regular grid (last run):", it[idx].tolist())

# --- branching process: offspring ~ Poisson(R) -------------------------------------------------
for R0 in (0.8, 1.5, 2.5):
    alive = torch.ones(2000, dtype=torch.long)
    offspring = Poisson(torch.tensor(R0))
    for g in range(12):
        k = offspring.sample((2000,)).long()
        # each live lineage in generation g has `alive` individuals; approximate by sum of alive Poissons
        alive = torch.poisson(alive.double() * R0).long()
        alive = alive.clamp(max=10_000)
    extinct = (alive == 0).double().mean()
    # theoretical extinction probability: q = exp(R0 (q - 1)), fixed-point iteration
    q = torch.tensor(0.5, dtype=torch.float64)
    for _ in range(200):
        q = torch.exp(R0 * (q - 1))
    print(f"R0={R0}: simulated extinction {extinct.item():.3f}  theory {q.item():.3f}  "
          f"k mean {k.float().mean().item():.2f}")

# --- allocate cases to age groups -------------------------------------------------------------
age_share = torch.tensor([0.15, 0.25, 0.3, 0.2, 0.1])
cases = Multinomial(500, probs=age_share).sample()
print("cases by age:", cases, cases.sum().item())
draws = torch.multinomial(age_share, 20, replacement=True)
print("20 individual ages:", draws.tolist())
no_rep = torch.multinomial(age_share, 5, replacement=False)
print("permutation without replacement:", no_rep.tolist(), sorted(no_rep.tolist()))
binom = Binomial(total_count=torch.tensor([10.0, 50.0, 100.0]), probs=torch.tensor([0.1, 0.2, 0.3]))
print("binomial mean/var:", binom.mean, binom.variance)
print("binomial log_prob:", binom.log_prob(torch.tensor([1.0, 10.0, 30.0])))
print("geometric serial intervals:", Geometric(probs=torch.tensor(0.3)).sample((10,)).tolist())
try:
    torch.multinomial(age_share, 6, replacement=False)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.binomial(torch.tensor([10.0]), torch.tensor([1.5]))
except Exception as e:
    print(type(e).__name__ + ":", e)
try:
    Binomial(10, probs=torch.tensor(1.2))
except ValueError as e:
    print("ValueError:", str(e)[:90])
