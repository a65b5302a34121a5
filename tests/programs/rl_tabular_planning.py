"""Tabular RL with tensors: value iteration, exact policy evaluation, Q-learning and SARSA on a random MDP,
soft (entropy-regularised) value iteration, and a successor representation."""
import random

import numpy as np
import torch
import torch.nn.functional as F

torch.manual_seed(5)
random.seed(5)
np.random.seed(5)

S, A, gamma = 6, 3, 0.9
P = torch.rand(S, A, S) ** 3
P = P / P.sum(dim=-1, keepdim=True)           # transition kernel P[s, a, s']
R = torch.randn(S, A).round(decimals=1)       # reward R[s, a]
print("R\n", R)
print("row sums ok", torch.allclose(P.sum(-1), torch.ones(S, A)))

# value iteration (float64, so that where the stopping test fires cannot depend on rounding)
V = torch.zeros(S, dtype=torch.float64)
for it in range(200):
    Q = R + gamma * torch.einsum("sat,t->sa", P.double(), V)
    V_new, greedy = Q.max(dim=1)
    delta = (V_new - V).abs().max()
    V = V_new
    if delta < 1e-6:
        break
print("value iteration converged in", it, "iterations")
print("V*", V.round(decimals=3))
print("pi*", greedy)

# exact policy evaluation: V = (I - gamma P_pi)^-1 R_pi
pi = F.one_hot(greedy, A).float()
P_pi = torch.einsum("sa,sat->st", pi, P)
R_pi = (pi * R).sum(1)
V_exact = torch.linalg.solve(torch.eye(S) - gamma * P_pi, R_pi)
print("policy evaluation matches", torch.allclose(V_exact.double(), V, atol=1e-4), V.dtype, V_exact.dtype)
M = torch.linalg.inv(torch.eye(S) - gamma * P_pi)   # successor representation
print("SR row sums", M.sum(1).round(decimals=3))
print("SR diag", torch.diagonal(M).round(decimals=3))

# soft value iteration: V = tau * logsumexp(Q / tau)
tau = 0.5
Vs = torch.zeros(S, dtype=torch.float64)
P64, R64 = P.double(), R.double()
for _ in range(300):
    Qs = R64 + gamma * P64 @ Vs
    Vs = tau * torch.logsumexp(Qs / tau, dim=1)
soft_pi = torch.softmax(Qs / tau, dim=1)
print("soft V", Vs.round(decimals=3))
print("soft pi\n", soft_pi.round(decimals=3))


def sample_next(s, a):
    return torch.multinomial(P[s, a], 1).item()


# Q-learning with a tensor table and epsilon-greedy
Qtab = torch.zeros(S, A)
visits = torch.zeros(S, A, dtype=torch.int32)
s = 0
for step in range(4000):
    if random.random() < 0.2:
        a = random.randrange(A)
    else:
        a = Qtab[s].argmax().item()
    s2 = sample_next(s, a)
    alpha = 1.0 / (1 + visits[s, a].item()) ** 0.6
    td = R[s, a] + gamma * Qtab[s2].max() - Qtab[s, a]
    Qtab[s, a] += alpha * td
    visits[s, a] += 1
    s = s2
print("Q-learning greedy", Qtab.argmax(1), "agrees", torch.equal(Qtab.argmax(1), greedy))
print("visits\n", visits)
print("Q error", f"{(Qtab.max(1).values - V.float()).abs().max().item():.1f}")

# batched SARSA-style update with gather / scatter
states = torch.randint(0, S, (16,))
actions = torch.randint(0, A, (16,))
next_states = torch.randint(0, S, (16,))
next_actions = Qtab[next_states].argmax(dim=1, keepdim=True)
q_sa = Qtab[states].gather(1, actions.unsqueeze(1)).squeeze(1)
q_next = Qtab[next_states].gather(1, next_actions).squeeze(1)
target = R[states, actions] + gamma * q_next
delta = target - q_sa
print("td errors", delta[:6].round(decimals=2))
update = torch.zeros(S, A).index_put_((states, actions), 0.1 * delta, accumulate=True)
counts = torch.zeros(S * A).scatter_add_(0, states * A + actions, torch.ones(16)).view(S, A)
print("counts\n", counts)
mask = torch.zeros(S, A, dtype=torch.bool).scatter_(1, greedy.unsqueeze(1), True)
print("greedy mask\n", mask)
print("masked Q\n", Qtab.masked_fill(~mask, float("-inf")).round(decimals=1))
print("nonzero", torch.nonzero(update.abs() > 0.05)[:4].tolist())
onehot_states = F.one_hot(states, num_classes=S)
print(onehot_states.shape, onehot_states.dtype, onehot_states.sum(0))
print("unique", torch.unique(states, return_counts=True))
print("sorted", torch.sort(Qtab[0], descending=True))
