"""REINFORCE with a baseline on a tiny 4x4 grid world (PyTorch-examples / Spinning Up style)."""
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.distributions import Categorical

torch.manual_seed(1)
random.seed(1)
np.random.seed(1)

GAMMA = 0.95


class GridWorld:
    """Start top-left, goal bottom-right, a pit at (1, 2). Four moves: up, right, down, left."""
    MOVES = [(-1, 0), (0, 1), (1, 0), (0, -1)]

    def __init__(self, n=4):
        self.n = n

    def reset(self):
        self.r, self.c, self.t = 0, 0, 0
        return self.obs()

    def obs(self):
        o = np.zeros((2, self.n, self.n), dtype=np.float32)
        o[0, self.r, self.c] = 1.0
        o[1, 1, 2] = 1.0
        return o.reshape(-1)

    def step(self, a):
        dr, dc = self.MOVES[a]
        self.r = min(max(self.r + dr, 0), self.n - 1)
        self.c = min(max(self.c + dc, 0), self.n - 1)
        self.t += 1
        if (self.r, self.c) == (self.n - 1, self.n - 1):
            return self.obs(), 1.0, True
        if (self.r, self.c) == (1, 2):
            return self.obs(), -1.0, True
        return self.obs(), -0.02, self.t >= 20


class Policy(nn.Module):
    def __init__(self, obs_dim, n_actions, hidden=32):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(obs_dim, hidden), nn.Tanh())
        self.pi = nn.Linear(hidden, n_actions)
        self.v = nn.Linear(hidden, 1)

    def forward(self, x):
        h = self.body(x)
        return self.pi(h), self.v(h).squeeze(-1)


env = GridWorld()
policy = Policy(32, 4)
print(policy)
opt = optim.Adam(policy.parameters(), lr=1e-2)
sched = optim.lr_scheduler.StepLR(opt, step_size=40, gamma=0.5)
eps = np.finfo(np.float32).eps.item()


def discount(rewards, gamma):
    R, out = 0.0, []
    for r in reversed(rewards):
        R = r + gamma * R
        out.insert(0, R)
    return torch.tensor(out)


running = None
for episode in range(61):
    obs = env.reset()
    log_probs, values, entropies, rewards = [], [], [], []
    done = False
    while not done:
        logits, value = policy(torch.from_numpy(obs))
        dist = Categorical(logits=logits)
        action = dist.sample()
        log_probs.append(dist.log_prob(action))
        entropies.append(dist.entropy())
        values.append(value)
        obs, reward, done = env.step(action.item())
        rewards.append(reward)
    returns = discount(rewards, GAMMA)
    values = torch.stack(values)
    adv = returns - values.detach()
    if len(adv) > 1:
        adv = (adv - adv.mean()) / (adv.std() + eps)
    policy_loss = -(torch.stack(log_probs) * adv).sum()
    value_loss = F.mse_loss(values, returns)
    loss = policy_loss + 0.5 * value_loss - 0.01 * torch.stack(entropies).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    sched.step()
    ep_ret = sum(rewards)
    running = ep_ret if running is None else 0.95 * running + 0.05 * ep_ret
    if episode % 20 == 0:
        print(f"episode {episode:3d} len {len(rewards):2d} return {ep_ret:+.2f} running {running:+.3f} "
              f"lr {sched.get_last_lr()[0]:.5f}")

with torch.no_grad():
    starts = torch.eye(16)[:8]
    obs = torch.cat([starts, torch.zeros(8, 16)], dim=1)
    obs[:, 16 + 6] = 1.0
    logits, values = policy(obs)
    probs = F.softmax(logits, dim=-1)
    print("greedy actions", probs.argmax(dim=-1).tolist())
    print("max prob", probs.max(dim=-1).values.round(decimals=2))
    print("values", values.round(decimals=2))
    d = Categorical(probs=probs)
    print("entropy", d.entropy().mean().item() > 0, d.probs.shape, d.logits.dtype)
    print(d.sample((3,)).shape, d.batch_shape, d.event_shape)
