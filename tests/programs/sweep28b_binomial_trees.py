"""Binomial and trinomial lattices as in an options textbook chapter: Cox-Ross-Rubinstein terminal
prices from powers and torch.arange, backward induction for European and American puts (torch.maximum,
torch.flip, slicing), the binomial closed form with lgamma and xlogy, a Leisen-Reimer tree with
Peizer-Pratt inversion, Richardson extrapolation, the early-exercise boundary found with argmax on a
boolean mask, convergence tables, a lower-triangular lattice matrix (tril / triu), the tree delta and
gamma from the first nodes, and a trinomial tree with a transition matrix built by torch.diag."""
import math

import torch

torch.set_printoptions(precision=4, linewidth=100)
S0, K, T, r, sigma, q = 100.0, 105.0, 0.75, 0.04, 0.3, 0.01


def crr_params(n, dtype=torch.float64):
    dt = T / n
    u = math.exp(sigma * math.sqrt(dt))
    d = 1.0 / u
    p = (math.exp((r - q) * dt) - d) / (u - d)
    return dt, u, d, p


def terminal_prices(n, u, d, dtype=torch.float64):
    j = torch.arange(n + 1, dtype=dtype)
    return S0 * u ** (n - j) * d ** j


def crr(n, american=False, call=False, dtype=torch.float64):
    dt, u, d, p = crr_params(n)
    disc = math.exp(-r * dt)
    ST = terminal_prices(n, u, d, dtype)
    V = (ST - K).clamp(min=0) if call else (K - ST).clamp(min=0)
    boundary = []
    for i in range(n - 1, -1, -1):
        V = disc * (p * V[:-1] + (1 - p) * V[1:])
        if american:
            S = terminal_prices(i, u, d, dtype)
            ex = (S - K).clamp_min(0) if call else (K - S).clamp_min(0)
            exercise = ex > V
            if exercise.any():
                first = int(exercise.to(torch.int64).argmax())
                boundary.append((i, round(S[first].item(), 4)))
            V = torch.maximum(V, ex)
    return V[0], boundary


def bs_put():
    d1 = (math.log(S0 / K) + (r - q + 0.5 * sigma ** 2) * T) / (sigma * math.sqrt(T))
    d2 = d1 - sigma * math.sqrt(T)
    N = lambda x: 0.5 * math.erfc(-x / math.sqrt(2))
    return K * math.exp(-r * T) * N(-d2) - S0 * math.exp(-q * T) * N(-d1)


exact = bs_put()
print(f"Black-Scholes put {exact:.6f}")
print(" n   european   american   error")
for n in (10, 25, 50, 100, 200):
    eu, _ = crr(n)
    am, _ = crr(n, american=True)
    print(f"{n:3d} {eu.item():10.5f} {am.item():10.5f} {eu.item() - exact:+.5f}")

# Richardson extrapolation of the odd/even oscillation
e100, _ = crr(100)
e200, _ = crr(200)
print(f"richardson {2 * e200.item() - e100.item():.5f}")

am, boundary = crr(60, american=True)
print("american put (60 steps)", am)
print("exercise boundary, last steps:", boundary[:5])

# closed form binomial sum with log-binomial coefficients
n = 120
dt, u, d, p = crr_params(n)
j = torch.arange(n + 1, dtype=torch.float64)
logc = torch.lgamma(torch.tensor(n + 1.0, dtype=torch.float64)) - torch.lgamma(j + 1) - torch.lgamma(n - j + 1)
logw = logc + torch.special.xlogy(n - j, torch.tensor(p, dtype=torch.float64)) + torch.special.xlogy(j, torch.tensor(1 - p, dtype=torch.float64))
w = logw.exp()
print("weights sum", f"{w.sum().item():.10f}", "mode at", int(w.argmax()))
payoff = (K - terminal_prices(n, u, d)).relu()
closed = math.exp(-r * T) * (w * payoff).sum()
tree, _ = crr(n)
print(f"closed form {closed.item():.6f} tree {tree.item():.6f}", torch.isclose(closed, tree))

# Leisen-Reimer with Peizer-Pratt inversion (odd n)
def pp_inv(z, n):
    return 0.5 + math.copysign(1.0, z) * 0.5 * math.sqrt(
        1 - math.exp(-((z / (n + 1 / 3 + 0.1 / (n + 1))) ** 2) * (n + 1 / 6)))


def leisen_reimer(n):
    dt = T / n
    d1 = (math.log(S0 / K) + (r - q + 0.5 * sigma ** 2) * T) / (sigma * math.sqrt(T))
    d2 = d1 - sigma * math.sqrt(T)
    pbar, p = pp_inv(d1, n), pp_inv(d2, n)
    u = math.exp((r - q) * dt) * pbar / p
    dn = (math.exp((r - q) * dt) - p * u) / (1 - p)
    V = (K - terminal_prices(n, u, dn)).clamp(min=0.0)
    for _ in range(n):
        V = math.exp(-r * dt) * (p * V[:-1] + (1 - p) * V[1:])
    return V.item()


for n in (25, 51, 101):
    print(f"LR n={n} {leisen_reimer(n):.6f} err {leisen_reimer(n) - exact:+.2e}")

# full lattice as a lower-triangular matrix: column i holds the nodes at step i
n = 6
dt, u, d, p = crr_params(n)
i = torch.arange(n + 1).unsqueeze(0)
j = torch.arange(n + 1).unsqueeze(1)
lattice = torch.where(j <= i, S0 * u ** (i - j).double() * d ** j.double(), torch.zeros(()).double())
print(lattice.triu())
print("nonzeros", torch.count_nonzero(lattice).item(), "== tri", (n + 1) * (n + 2) // 2)
print("flipped last column", lattice[:, -1].flip(0))
ups = torch.tril(torch.ones(n + 1, n + 1, dtype=torch.int64))
print("cumulative up-moves\n", ups.cumsum(0)[-1])

# tree delta and gamma from the first two levels
n = 200
dt, u, d, p = crr_params(n)
disc = math.exp(-r * dt)
V = (K - terminal_prices(n, u, d)).clamp(min=0)
levels = {}
for step in range(n - 1, -1, -1):
    V = disc * (p * V[:-1] + (1 - p) * V[1:])
    V = torch.maximum(V, (K - terminal_prices(step, u, d)).clamp(min=0))
    if step <= 2:
        levels[step] = V.clone()
S1 = terminal_prices(1, u, d)
S2 = terminal_prices(2, u, d)
delta = (levels[1][0] - levels[1][1]) / (S1[0] - S1[1])
d_up = (levels[2][0] - levels[2][1]) / (S2[0] - S2[1])
d_dn = (levels[2][1] - levels[2][2]) / (S2[1] - S2[2])
gamma = (d_up - d_dn) / (0.5 * (S2[0] - S2[2]))
print(f"american delta {delta.item():.4f} gamma {gamma.item():.5f}")

# trinomial tree via a tridiagonal transition matrix
n = 80
dt = T / n
dx = sigma * math.sqrt(3 * dt)
nu = r - q - 0.5 * sigma ** 2
pu = 0.5 * ((sigma ** 2 * dt + nu ** 2 * dt ** 2) / dx ** 2 + nu * dt / dx)
pd = 0.5 * ((sigma ** 2 * dt + nu ** 2 * dt ** 2) / dx ** 2 - nu * dt / dx)
pm = 1 - pu - pd
print(f"trinomial probs {pu:.4f} {pm:.4f} {pd:.4f}")
m = 2 * n + 1
x = dx * torch.arange(n, -n - 1, -1, dtype=torch.float64)
S = S0 * x.exp()
P = torch.diag(torch.full((m,), pm, dtype=torch.float64)) + torch.diag(torch.full((m - 1,), pd, dtype=torch.float64), 1) \
    + torch.diag(torch.full((m - 1,), pu, dtype=torch.float64), -1)
print("P rows (interior) sum to 1:", torch.allclose(P[1:-1].sum(1), torch.ones(m - 2, dtype=torch.float64)))
V = (K - S).clamp(min=0)
for _ in range(n):
    V = math.exp(-r * dt) * (P @ V)
    V = torch.maximum(V, K - S)
print(f"trinomial american put {V[n].item():.4f}")
print("float32 tree", crr(50, dtype=torch.float32)[0].dtype)
