"""DQN with a replay buffer, target network, epsilon-greedy exploration and Huber loss (CleanRL style)."""
import copy
import io
import random
from collections import deque, namedtuple

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

SEED = 3
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

Transition = namedtuple("Transition", ("state", "action", "next_state", "reward", "done"))


class ChainEnv:
    """A chain of 8 states; action 1 moves right (+1 at the end), action 0 resets to the start (+0.05)."""

    def __init__(self, n=8):
        self.n = n
        self.rng = np.random.RandomState(SEED)

    def reset(self):
        self.s, self.t = 0, 0
        return self._obs()

    def _obs(self):
        return np.array([self.s / (self.n - 1), 1.0 - self.s / (self.n - 1), float(self.s % 2)], dtype=np.float32)

    def step(self, a):
        self.t += 1
        if self.rng.rand() < 0.1:   # slippery
            a = 1 - a
        if a == 1:
            self.s += 1
            r = 1.0 if self.s == self.n - 1 else 0.0
        else:
            self.s, r = 0, 0.05
        done = self.s == self.n - 1 or self.t >= 25
        return self._obs(), r, done


class ReplayMemory:
    def __init__(self, capacity):
        self.memory = deque([], maxlen=capacity)

    def push(self, *args):
        self.memory.append(Transition(*args))

    def sample(self, batch_size):
        return random.sample(self.memory, batch_size)

    def __len__(self):
        return len(self.memory)


class QNetwork(nn.Module):
    def __init__(self, n_obs, n_actions):
        super().__init__()
        self.network = nn.Sequential(nn.Linear(n_obs, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(),
                                     nn.Linear(64, n_actions))

    def forward(self, x):
        return self.network(x)


def linear_schedule(start_e, end_e, duration, t):
    slope = (end_e - start_e) / duration
    return max(slope * t + start_e, end_e)


env = ChainEnv()
q_network = QNetwork(3, 2)
target_network = copy.deepcopy(q_network)
optimizer = optim.Adam(q_network.parameters(), lr=2.5e-3)
memory = ReplayMemory(500)
BATCH, GAMMA, TARGET_EVERY = 32, 0.9, 50

obs = env.reset()
ep_return, returns, losses = 0.0, [], []
for global_step in range(900):
    epsilon = linear_schedule(1.0, 0.05, 500, global_step)
    if random.random() < epsilon:
        action = random.randrange(2)
    else:
        with torch.no_grad():
            q_values = q_network(torch.Tensor(obs).unsqueeze(0))
            action = torch.argmax(q_values, dim=1).cpu().numpy()[0]
    next_obs, reward, done = env.step(int(action))
    memory.push(obs, int(action), next_obs, reward, done)
    ep_return += reward
    obs = next_obs
    if done:
        returns.append(ep_return)
        obs, ep_return = env.reset(), 0.0

    if len(memory) >= BATCH and global_step % 2 == 0:
        batch = Transition(*zip(*memory.sample(BATCH)))
        states = torch.as_tensor(np.stack(batch.state))
        actions = torch.tensor(batch.action, dtype=torch.long).view(-1, 1)
        next_states = torch.from_numpy(np.array(batch.next_state))
        rewards = torch.tensor(batch.reward, dtype=torch.float32)
        dones = torch.tensor(batch.done, dtype=torch.float32)
        with torch.no_grad():
            target_max, _ = target_network(next_states).max(dim=1)
            td_target = rewards + GAMMA * target_max * (1 - dones)
        old_val = q_network(states).gather(1, actions).squeeze()
        loss = F.smooth_l1_loss(old_val, td_target)
        optimizer.zero_grad()
        loss.backward()
        total_norm = nn.utils.clip_grad_norm_(q_network.parameters(), 10.0)
        nn.utils.clip_grad_value_(q_network.parameters(), 1.0)
        optimizer.step()
        losses.append(loss.item())
        if global_step % 150 == 0:
            print(f"step {global_step:4d} eps {epsilon:.3f} loss {loss.item():.4f} "
                  f"grad_norm {total_norm.item():.3f} q_mean {old_val.mean().item():.3f}")
    if global_step % TARGET_EVERY == 0:
        target_network.load_state_dict(q_network.state_dict())

print("episodes", len(returns), "mean return last 10", f"{np.mean(returns[-10:]):.3f}")
print("mean loss", f"{np.mean(losses):.4f}")

# greedy policy on every state
all_obs = torch.stack([torch.from_numpy(e.reset()) for e in (ChainEnv(), ChainEnv(4))])
states = torch.tensor([[s / 7, 1 - s / 7, float(s % 2)] for s in range(8)])
with torch.no_grad():
    q = q_network(states)
print("Q table\n", q.round(decimals=2))
best_q, best_a = q.max(1)
print("greedy", best_a)
print("advantage sign", torch.where(q[:, 1] > q[:, 0], 1, -1))

# the slow ways people build a batch (torch warns about the first, once)
slow = torch.tensor(list(batch.state))
print("list of arrays", slow.shape, slow.dtype, torch.equal(slow, torch.as_tensor(np.stack(batch.state))))
with torch.no_grad():
    vals = [q_network(torch.from_numpy(s_)).max().reshape(1) for s_ in batch.state[:4]]
print("list of one-element tensors", torch.tensor(vals).round(decimals=2), torch.tensor([vals[0], 1.5]).shape)
print(torch.tensor([np.int32(1), np.int32(2)]).dtype, torch.as_tensor([next_obs, next_obs]).shape)

# checkpoint round trip through a byte buffer
buf = io.BytesIO()
torch.save({"model": q_network.state_dict(), "optim": optimizer.state_dict(), "step": global_step}, buf)
buf.seek(0)
ckpt = torch.load(buf)
restored = QNetwork(3, 2)
restored.load_state_dict(ckpt["model"])
opt2 = optim.Adam(restored.parameters(), lr=1.0)
opt2.load_state_dict(ckpt["optim"])
print("restored step", ckpt["step"], "lr", opt2.param_groups[0]["lr"], "state keys", sorted(ckpt["optim"]["state"][0]))
print("same output", torch.equal(restored(states), q_network(states)))
print(list(ckpt["model"].keys()))
print(all_obs)
