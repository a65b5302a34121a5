"""Rainbow ingredients on a small stochastic MDP: a noisy dueling C51 network (distributional projection with
floor/ceil and index_add_), prioritized replay with importance weights, n-step targets, and an ensemble of
critics evaluated with torch.func (stack_module_state + functional_call + vmap)."""
import copy
import math
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.func import functional_call, stack_module_state, vmap

random.seed(9)
np.random.seed(9)
torch.manual_seed(9)


class NoisyLinear(nn.Module):
    """Factorised Gaussian noise layer (Fortunato et al.)."""

    def __init__(self, in_features, out_features, std_init=0.5):
        super().__init__()
        self.in_features, self.out_features, self.std_init = in_features, out_features, std_init
        self.weight_mu = nn.Parameter(torch.empty(out_features, in_features))
        self.weight_sigma = nn.Parameter(torch.empty(out_features, in_features))
        self.register_buffer("weight_epsilon", torch.empty(out_features, in_features))
        self.bias_mu = nn.Parameter(torch.empty(out_features))
        self.bias_sigma = nn.Parameter(torch.empty(out_features))
        self.register_buffer("bias_epsilon", torch.empty(out_features))
        self.reset_parameters()
        self.reset_noise()

    def reset_parameters(self):
        mu_range = 1 / math.sqrt(self.in_features)
        self.weight_mu.data.uniform_(-mu_range, mu_range)
        self.weight_sigma.data.fill_(self.std_init / math.sqrt(self.in_features))
        self.bias_mu.data.uniform_(-mu_range, mu_range)
        self.bias_sigma.data.fill_(self.std_init / math.sqrt(self.out_features))

    @staticmethod
    def _scale_noise(size):
        x = torch.randn(size)
        return x.sign().mul_(x.abs().sqrt_())

    def reset_noise(self):
        eps_in, eps_out = self._scale_noise(self.in_features), self._scale_noise(self.out_features)
        self.weight_epsilon.copy_(eps_out.outer(eps_in))
        self.bias_epsilon.copy_(eps_out)

    def forward(self, x):
        if self.training:
            return F.linear(x, self.weight_mu + self.weight_sigma * self.weight_epsilon,
                            self.bias_mu + self.bias_sigma * self.bias_epsilon)
        return F.linear(x, self.weight_mu, self.bias_mu)

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}"


class RainbowNet(nn.Module):
    def __init__(self, obs_dim, n_actions, atoms, v_min, v_max):
        super().__init__()
        self.n_actions, self.atoms = n_actions, atoms
        self.register_buffer("support", torch.linspace(v_min, v_max, atoms))
        self.feature = nn.Sequential(nn.Linear(obs_dim, 32), nn.ReLU())
        self.value = nn.Sequential(NoisyLinear(32, 32), nn.ReLU(), NoisyLinear(32, atoms))
        self.advantage = nn.Sequential(NoisyLinear(32, 32), nn.ReLU(), NoisyLinear(32, n_actions * atoms))

    def dist(self, x):
        h = self.feature(x)
        v = self.value(h).view(-1, 1, self.atoms)
        a = self.advantage(h).view(-1, self.n_actions, self.atoms)
        q_atoms = v + a - a.mean(dim=1, keepdim=True)
        return F.softmax(q_atoms, dim=-1).clamp(min=1e-3)

    def forward(self, x):
        return torch.sum(self.dist(x) * self.support, dim=2)

    def reset_noise(self):
        for m in self.modules():
            if isinstance(m, NoisyLinear):
                m.reset_noise()


class RiskyMDP:
    """Four states in a ring; action 0 is safe (+0.1), action 1 gambles (+1 w.p. 0.3 else -0.3)."""

    def __init__(self):
        self.rng = random.Random(9)

    def reset(self):
        self.s, self.t = 0, 0
        return self.obs()

    def obs(self):
        return F.one_hot(torch.tensor(self.s), 4).float()

    def step(self, a):
        r = 0.1 if a == 0 else (1.0 if self.rng.random() < 0.3 else -0.3)
        self.s = (self.s + 1) % 4
        self.t += 1
        return self.obs(), r, self.t >= 12


class PrioritizedReplay:
    def __init__(self, capacity, alpha=0.6):
        self.capacity, self.alpha = capacity, alpha
        self.data, self.pos = [], 0
        self.priorities = torch.zeros(capacity)

    def push(self, *transition):
        max_p = self.priorities.max().item() if self.data else 1.0
        if len(self.data) < self.capacity:
            self.data.append(transition)
        else:
            self.data[self.pos] = transition
        self.priorities[self.pos] = max_p
        self.pos = (self.pos + 1) % self.capacity

    def sample(self, batch_size, beta):
        probs = self.priorities[:len(self.data)] ** self.alpha
        probs /= probs.sum()
        indices = torch.multinomial(probs, batch_size, replacement=True)
        weights = (len(self.data) * probs[indices]).pow(-beta)
        weights /= weights.max()
        s, a, r, s2, d = zip(*[self.data[i] for i in indices.tolist()])
        return (torch.stack(s), torch.tensor(a), torch.tensor(r), torch.stack(s2), torch.tensor(d, dtype=torch.float32),
                indices, weights)

    def update_priorities(self, indices, prios):
        self.priorities[indices] = prios


ATOMS, V_MIN, V_MAX, GAMMA, N_STEP = 21, -3.0, 5.0, 0.9, 2
online = RainbowNet(4, 2, ATOMS, V_MIN, V_MAX)
target = copy.deepcopy(online)
print(online.value)
opt = torch.optim.Adam(online.parameters(), lr=1e-3, eps=1.5e-4)
memory = PrioritizedReplay(256)
delta_z = (V_MAX - V_MIN) / (ATOMS - 1)


def project(next_dist, rewards, dones, gamma):
    """Categorical projection of r + gamma^n z onto the fixed support."""
    batch = rewards.size(0)
    tz = rewards.unsqueeze(1) + (1 - dones).unsqueeze(1) * gamma * online.support.unsqueeze(0)
    tz = tz.clamp(V_MIN, V_MAX)
    b = (tz - V_MIN) / delta_z
    lo, hi = b.floor().long(), b.ceil().long()
    lo[(hi > 0) & (lo == hi)] -= 1
    hi[(lo < (ATOMS - 1)) & (lo == hi)] += 1
    m = torch.zeros(batch * ATOMS)
    offset = (torch.arange(batch) * ATOMS).unsqueeze(1).expand(batch, ATOMS)
    m.index_add_(0, (lo + offset).view(-1), (next_dist * (hi.float() - b)).view(-1))
    m.index_add_(0, (hi + offset).view(-1), (next_dist * (b - lo.float())).view(-1))
    return m.view(batch, ATOMS)


env = RiskyMDP()
obs = env.reset()
nstep = []
for step in range(600):
    with torch.no_grad():
        action = online(obs.unsqueeze(0)).argmax(1).item()
    nobs, r, done = env.step(action)
    nstep.append((obs, action, r))
    if len(nstep) == N_STEP or done:
        R = sum(GAMMA ** i * t[2] for i, t in enumerate(nstep))
        memory.push(nstep[0][0], nstep[0][1], R, nobs, done)
        nstep = [] if done else nstep[1:]
    obs = env.reset() if done else nobs
    if step >= 64 and step % 4 == 0:
        beta = min(1.0, 0.4 + 0.6 * step / 600)
        s, a, r, s2, d, idx, w = memory.sample(32, beta)
        with torch.no_grad():
            next_a = online(s2).argmax(1)                       # double DQN action selection
            next_dist = target.dist(s2)[torch.arange(32), next_a]
            m = project(next_dist, r, d, GAMMA ** N_STEP)
        log_p = torch.log(online.dist(s)[range(32), a])
        elementwise = -(m * log_p).sum(1)
        loss = (elementwise * w).mean()
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(online.parameters(), 10)
        opt.step()
        memory.update_priorities(idx, elementwise.detach().clamp(min=1e-6))
        online.reset_noise()
        target.reset_noise()
        if step % 100 == 0:
            target.load_state_dict(online.state_dict())
            print(f"step {step} loss {loss.item():.3f} beta {beta:.2f} max prio {memory.priorities.max().item():.3f}")

online.eval()
with torch.no_grad():
    q = online(torch.eye(4))
    print("Q (eval, no noise)\n", q.round(decimals=2))
    p = online.dist(torch.eye(4))[:, 1]
    print("gamble return distribution mass on support > 0:", (p * (online.support > 0)).sum(1).round(decimals=2))
print("training flags", online.training, [m.training for m in online.value])

# an ensemble of critics, evaluated in one call with torch.func
critics = [nn.Sequential(nn.Linear(4, 16), nn.Tanh(), nn.Linear(16, 2)) for _ in range(5)]
params, buffers = stack_module_state(critics)
base = copy.deepcopy(critics[0])


def call_one(p, b, x):
    return functional_call(base, (p, b), (x,))


x = torch.eye(4)
q_ens = vmap(call_one, in_dims=(0, 0, None))(params, buffers, x)
print("ensemble", q_ens.shape, {k: tuple(v.shape) for k, v in params.items()})
print("matches loop", torch.allclose(q_ens, torch.stack([c(x) for c in critics])))
q_min = q_ens.min(dim=0).values
print("pessimistic Q", q_min.round(decimals=3))
loss = q_ens.pow(2).mean()
loss.backward()
print("stacked grads", params["0.weight"].grad.shape, params["0.weight"].grad.abs().sum() > 0)
per_x = vmap(lambda p, xi: functional_call(base, p, (xi,)), in_dims=({"0.weight": 0, "0.bias": 0, "2.weight": 0,
                                                                       "2.bias": 0}, 0))
print(per_x({k: v[:4].detach() for k, v in params.items()}, x).round(decimals=3))
