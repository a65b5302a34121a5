"""Synchronous A2C with a GRU policy on a cue-memory task over vectorised environments, n-step returns,
GAE, RMSprop with a LambdaLR schedule (pytorch-a2c-ppo-acktr style)."""
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.distributions import Categorical, OneHotCategorical, kl_divergence

random.seed(2)
np.random.seed(2)
torch.manual_seed(2)


class CueMemory:
    """A cue (left/right) is shown at t=0, then blank observations; at the last step the agent must
    pick the cued side (+1) or not (-1). Other actions cost a little."""

    def __init__(self, n_envs, length=4):
        self.n, self.length = n_envs, length
        self.rng = np.random.RandomState(2)

    def reset(self):
        self.cue = self.rng.randint(0, 2, size=self.n)
        self.t = np.zeros(self.n, dtype=np.int64)
        return self._obs()

    def _obs(self):
        o = np.zeros((self.n, 4), dtype=np.float32)
        first = self.t == 0
        o[first, self.cue[first]] = 1.0
        o[:, 2] = (self.t == self.length - 1).astype(np.float32)
        o[:, 3] = self.t / self.length
        return o

    def step(self, actions):
        last = self.t == self.length - 1
        reward = np.where(last, np.where(actions == self.cue, 1.0, -1.0), np.where(actions == 2, 0.0, -0.05))
        self.t += 1
        done = last.copy()
        if done.any():
            self.cue[done] = self.rng.randint(0, 2, size=int(done.sum()))
            self.t[done] = 0
        return self._obs(), reward.astype(np.float32), done


class RecurrentPolicy(nn.Module):
    def __init__(self, obs_dim, n_actions, hidden=24):
        super().__init__()
        self.encoder = nn.Linear(obs_dim, hidden)
        self.gru = nn.GRUCell(hidden, hidden)
        self.actor = nn.Linear(hidden, n_actions)
        self.critic = nn.Linear(hidden, 1)
        for name, param in self.gru.named_parameters():
            if "bias" in name:
                nn.init.constant_(param, 0)
            elif "weight" in name:
                nn.init.orthogonal_(param)
        self.hidden = hidden

    def forward(self, obs, h, masks):
        x = F.relu(self.encoder(obs))
        h = self.gru(x, h * masks)          # masks zero the memory where an episode just ended
        return self.actor(h), self.critic(h).squeeze(-1), h


n_envs, n_steps, n_actions = 8, 8, 3
envs = CueMemory(n_envs)
net = RecurrentPolicy(4, n_actions)
optimizer = optim.RMSprop(net.parameters(), lr=7e-3, eps=1e-5, alpha=0.99)
num_updates = 60
scheduler = optim.lr_scheduler.LambdaLR(optimizer, lr_lambda=lambda u: 1.0 - u / num_updates)
print(net.gru, sum(p.numel() for p in net.parameters()), "parameters")

obs = torch.from_numpy(envs.reset())
h = torch.zeros(n_envs, net.hidden)
masks = torch.ones(n_envs, 1)
gamma, lam = 0.99, 0.95
for update in range(num_updates):
    h = h.detach()
    log_probs, values, rewards, entropies, mask_list = [], [], [], [], []
    for step in range(n_steps):
        logits, value, h = net(obs, h, masks)
        dist = Categorical(logits=logits)
        action = dist.sample()
        obs_np, reward, done = envs.step(action.numpy())
        obs = torch.from_numpy(obs_np)
        masks = torch.tensor(1.0 - done.astype(np.float32)).unsqueeze(1)
        log_probs.append(dist.log_prob(action))
        entropies.append(dist.entropy())
        values.append(value)
        rewards.append(torch.as_tensor(reward))
        mask_list.append(masks.squeeze(1))
    with torch.no_grad():
        _, next_value, _ = net(obs, h, masks)
    values_t = torch.stack(values)
    rewards_t = torch.stack(rewards)
    masks_t = torch.stack(mask_list)
    advantages = torch.zeros_like(rewards_t)
    gae = torch.zeros(n_envs)
    v_next = next_value
    for t in reversed(range(n_steps)):
        delta = rewards_t[t] + gamma * v_next * masks_t[t] - values_t[t].detach()
        gae = delta + gamma * lam * masks_t[t] * gae
        advantages[t] = gae
        v_next = values_t[t].detach()
    returns = advantages + values_t.detach()
    value_loss = (returns - values_t).pow(2).mean()
    action_loss = -(advantages.detach() * torch.stack(log_probs)).mean()
    entropy = torch.stack(entropies).mean()
    loss = value_loss * 0.5 + action_loss - 0.01 * entropy
    optimizer.zero_grad()
    loss.backward()
    grad_norm = nn.utils.clip_grad_norm_(net.parameters(), 0.5)
    optimizer.step()
    scheduler.step()
    if update % 10 == 0 or update == num_updates - 1:
        print(f"update {update:2d} reward {rewards_t.sum().item():+.2f} value {value_loss.item():.3f} "
              f"entropy {entropy.item():.3f} grad {grad_norm.item():.2f} lr {scheduler.get_last_lr()[0]:.5f}")

# evaluate the greedy recurrent policy on both cues
with torch.no_grad():
    h = torch.zeros(2, net.hidden)
    cue_obs = torch.tensor([[1.0, 0, 0, 0], [0, 1.0, 0, 0]])
    choices = []
    for t in range(4):
        o = cue_obs if t == 0 else torch.tensor([[0.0, 0, float(t == 3), t / 4]]).repeat(2, 1)
        logits, v, h = net(o, h, torch.ones(2, 1))
        choices.append(logits.argmax(-1))
    print("greedy actions per step\n", torch.stack(choices, dim=1))
    print("final probs", F.softmax(logits, -1).round(decimals=2))
    p, q = Categorical(logits=logits[0]), Categorical(logits=logits[1])
    print("KL between cue policies", f"{kl_divergence(p, q).item():.2f}")
    oh = OneHotCategorical(logits=logits)
    print("one-hot sample", oh.sample().shape, oh.event_shape, oh.batch_shape)
    print("optimizer state keys", sorted(optimizer.state_dict()["state"][0].keys()))
    print(scheduler.state_dict()["last_epoch"], optimizer.param_groups[0]["initial_lr"])
