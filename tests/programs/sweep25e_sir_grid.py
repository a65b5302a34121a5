"""SIR epidemic on a lattice: infection pressure from conv2d neighbourhoods, stochastic updates."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import Binomial, Categorical

torch.manual_seed(1)
H = W = 16
S, I, R = 0, 1, 2
state = torch.zeros(H, W, dtype=torch.long)
state[7:9, 7:9] = I
print("initial infected:", (state == I).sum().item())

kernel = torch.tensor([[0.5, 1.0, 0.5], [1.0, 0.0, 1.0], [0.5, 1.0, 0.5]]).view(1, 1, 3, 3)
beta, gamma = 0.15, 0.2
history = []
for t in range(25):
    infected = (state == I).float().view(1, 1, H, W)
    pressure = F.conv2d(infected, kernel, padding=1).squeeze()
    p_inf = 1 - (1 - beta) ** pressure
    new_inf = torch.bernoulli(p_inf).bool() & (state == S)
    recover = torch.bernoulli(torch.full((H, W), gamma)).bool() & (state == I)
    state = torch.where(new_inf, torch.tensor(I), state)
    state[recover] = R
    counts = torch.bincount(state.flatten(), minlength=3)
    history.append(counts)
    if t % 5 == 4:
        print(f"t={t + 1:2d} S/I/R = {counts.tolist()}")

hist = torch.stack(history)
print("history shape:", hist.shape, hist.dtype)
peak_t = hist[:, I].argmax().item()
print("peak infected", hist[:, I].max().item(), "at step", peak_t + 1)
print("attack rate:", f"{(hist[-1, R] + hist[-1, I]).item() / (H * W):.4f}")

symbols = ".#o"
print("final grid (rows 4..11):")
for row in state[4:12, 2:14]:
    print(" " + "".join(symbols[v] for v in row.tolist()))

# the same model with periodic boundaries: circular padding through nn.Conv2d
conv = nn.Conv2d(1, 1, 3, padding=1, padding_mode="circular", bias=False)
with torch.no_grad():
    conv.weight.copy_(kernel)
conv.requires_grad_(False)
print(conv)
edge = torch.zeros(1, 1, H, W)
edge[0, 0, 0, 0] = 1.0
print("wrap-around pressure corners:", conv(edge)[0, 0, [0, -1, 0, -1], [0, 0, -1, -1]])

# mean-field SIR as an ODE, fitted by gradient descent to the simulated curve
frac = hist.float() / (H * W)
log_beta = torch.tensor(0.0, requires_grad=True)
log_gamma = torch.tensor(-1.0, requires_grad=True)
opt = torch.optim.Adam([log_beta, log_gamma], lr=0.1)
for it in range(60):
    b, g = log_beta.exp(), log_gamma.exp()
    s, i = frac[0, S], frac[0, I]
    traj = []
    for t in range(len(frac)):
        traj.append(i)
        s, i = s - b * s * i, i + b * s * i - g * i
    pred = torch.stack(traj)
    loss = F.mse_loss(pred, frac[:, I])
    opt.zero_grad()
    loss.backward()
    opt.step()
print(f"fitted beta={log_beta.exp().item():.3f} gamma={log_gamma.exp().item():.3f} loss={loss.item():.5f}")

# a population-level binomial version
torch.manual_seed(2)
pop = torch.tensor([990.0, 10.0, 0.0])
for t in range(5):
    s, i, r = pop
    new_i = Binomial(total_count=s, probs=1 - torch.exp(-0.3 * i / pop.sum())).sample()
    new_r = Binomial(total_count=i, probs=torch.tensor(0.1)).sample()
    pop = torch.stack([s - new_i, i + new_i - new_r, r + new_r])
    print(f"day {t + 1}: {pop.tolist()}")

# who infects whom: sample a source among infected neighbours
probs = torch.tensor([0.1, 0.6, 0.3])
cat = Categorical(probs=probs)
draws = cat.sample((1000,))
print("source frequencies:", torch.bincount(draws, minlength=3))
print("entropy:", f"{cat.entropy().item():.4f}", "log_prob:", cat.log_prob(torch.tensor([0, 1, 2])))

try:
    F.conv2d(torch.zeros(H, W), kernel)
except RuntimeError as e:
    print("conv2d error:", e)
try:
    torch.bernoulli(torch.tensor([0.5, 1.5]))
except RuntimeError as e:
    print("bernoulli error:", e)
