"""Soft actor-critic on a 2-D reach task: tanh-squashed Gaussian, twin critics, Polyak target updates,
automatic entropy tuning (Spinning Up / CleanRL sac_continuous_action style)."""
import copy
import itertools
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import Normal, TransformedDistribution
from torch.distributions.transforms import TanhTransform, AffineTransform

SEED = 11
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

LOG_STD_MAX, LOG_STD_MIN = 2, -5


class Reach:
    def __init__(self):
        self.rng = np.random.RandomState(SEED)

    def reset(self):
        self.pos = self.rng.uniform(-1, 1, 2).astype(np.float32)
        self.goal = np.array([0.5, -0.5], dtype=np.float32)
        self.t = 0
        return np.concatenate([self.pos, self.goal - self.pos])

    def step(self, a):
        self.pos = np.clip(self.pos + 0.2 * a, -1.5, 1.5).astype(np.float32)
        self.t += 1
        d = float(np.linalg.norm(self.goal - self.pos))
        return np.concatenate([self.pos, self.goal - self.pos]), -d, d < 0.1 or self.t >= 20


class ReplayBuffer:
    def __init__(self, obs_dim, act_dim, size):
        self.obs = np.zeros((size, obs_dim), dtype=np.float32)
        self.obs2 = np.zeros((size, obs_dim), dtype=np.float32)
        self.act = np.zeros((size, act_dim), dtype=np.float32)
        self.rew = np.zeros(size, dtype=np.float32)
        self.done = np.zeros(size, dtype=np.float32)
        self.ptr, self.size, self.max_size = 0, 0, size

    def store(self, o, a, r, o2, d):
        self.obs[self.ptr], self.act[self.ptr], self.rew[self.ptr] = o, a, r
        self.obs2[self.ptr], self.done[self.ptr] = o2, d
        self.ptr = (self.ptr + 1) % self.max_size
        self.size = min(self.size + 1, self.max_size)

    def sample_batch(self, batch_size=32):
        idxs = np.random.randint(0, self.size, size=batch_size)
        batch = dict(obs=self.obs[idxs], obs2=self.obs2[idxs], act=self.act[idxs], rew=self.rew[idxs],
                     done=self.done[idxs])
        return {k: torch.as_tensor(v, dtype=torch.float32) for k, v in batch.items()}


def mlp(sizes, activation=nn.ReLU, output_activation=nn.Identity):
    layers = []
    for j in range(len(sizes) - 1):
        act = activation if j < len(sizes) - 2 else output_activation
        layers += [nn.Linear(sizes[j], sizes[j + 1]), act()]
    return nn.Sequential(*layers)


class SoftQNetwork(nn.Module):
    def __init__(self, obs_dim, act_dim):
        super().__init__()
        self.q = mlp([obs_dim + act_dim, 64, 64, 1])

    def forward(self, x, a):
        return torch.squeeze(self.q(torch.cat([x, a], dim=-1)), -1)


class Actor(nn.Module):
    def __init__(self, obs_dim, act_dim):
        super().__init__()
        self.net = mlp([obs_dim, 64, 64], nn.ReLU, nn.ReLU)
        self.fc_mean = nn.Linear(64, act_dim)
        self.fc_logstd = nn.Linear(64, act_dim)
        self.register_buffer("action_scale", torch.tensor(1.0))
        self.register_buffer("action_bias", torch.tensor(0.0))

    def forward(self, x):
        h = self.net(x)
        log_std = torch.tanh(self.fc_logstd(h))
        log_std = LOG_STD_MIN + 0.5 * (LOG_STD_MAX - LOG_STD_MIN) * (log_std + 1)
        return self.fc_mean(h), log_std

    def get_action(self, x):
        mean, log_std = self(x)
        normal = torch.distributions.Normal(mean, log_std.exp())
        x_t = normal.rsample()
        y_t = torch.tanh(x_t)
        action = y_t * self.action_scale + self.action_bias
        log_prob = normal.log_prob(x_t)
        log_prob -= torch.log(self.action_scale * (1 - y_t.pow(2)) + 1e-6)
        log_prob = log_prob.sum(1, keepdim=True)
        return action, log_prob, torch.tanh(mean) * self.action_scale + self.action_bias


env = Reach()
obs_dim, act_dim = 4, 2
actor = Actor(obs_dim, act_dim)
qf1, qf2 = SoftQNetwork(obs_dim, act_dim), SoftQNetwork(obs_dim, act_dim)
qf1_target, qf2_target = copy.deepcopy(qf1), copy.deepcopy(qf2)
for p in itertools.chain(qf1_target.parameters(), qf2_target.parameters()):
    p.requires_grad = False
q_optimizer = torch.optim.Adam(list(qf1.parameters()) + list(qf2.parameters()), lr=1e-3)
actor_optimizer = torch.optim.Adam(list(actor.parameters()), lr=3e-4)
target_entropy = -torch.prod(torch.Tensor((act_dim,))).item()
log_alpha = torch.zeros(1, requires_grad=True)
alpha = log_alpha.exp().item()
a_optimizer = torch.optim.Adam([log_alpha], lr=1e-3)
print("target entropy", target_entropy, "buffers", [n for n, _ in actor.named_buffers()])

rb = ReplayBuffer(obs_dim, act_dim, 2000)
gamma, tau, batch_size, learning_starts = 0.99, 0.005, 32, 64
obs = env.reset()
ep_ret, ep_rets = 0.0, []
for global_step in range(301):
    if global_step < learning_starts:
        action = np.random.uniform(-1, 1, act_dim).astype(np.float32)
    else:
        with torch.no_grad():
            action, _, _ = actor.get_action(torch.Tensor(obs).unsqueeze(0))
        action = action.detach().cpu().numpy()[0]
    next_obs, reward, done = env.step(action)
    rb.store(obs, action, reward, next_obs, float(done))
    ep_ret += reward
    obs = next_obs
    if done:
        ep_rets.append(ep_ret)
        obs, ep_ret = env.reset(), 0.0
    if global_step < learning_starts:
        continue
    data = rb.sample_batch(batch_size)
    with torch.no_grad():
        next_state_actions, next_state_log_pi, _ = actor.get_action(data["obs2"])
        qf1_next_target = qf1_target(data["obs2"], next_state_actions)
        qf2_next_target = qf2_target(data["obs2"], next_state_actions)
        min_qf_next_target = torch.min(qf1_next_target, qf2_next_target) - alpha * next_state_log_pi.view(-1)
        next_q_value = data["rew"] + (1 - data["done"]) * gamma * min_qf_next_target
    qf1_a_values = qf1(data["obs"], data["act"])
    qf2_a_values = qf2(data["obs"], data["act"])
    qf_loss = F.mse_loss(qf1_a_values, next_q_value) + F.mse_loss(qf2_a_values, next_q_value)
    q_optimizer.zero_grad()
    qf_loss.backward()
    q_optimizer.step()

    if global_step % 2 == 0:
        pi, log_pi, _ = actor.get_action(data["obs"])
        min_qf_pi = torch.min(qf1(data["obs"], pi), qf2(data["obs"], pi))
        actor_loss = ((alpha * log_pi.view(-1)) - min_qf_pi).mean()
        actor_optimizer.zero_grad()
        actor_loss.backward()
        actor_optimizer.step()
        with torch.no_grad():
            _, log_pi, _ = actor.get_action(data["obs"])
        alpha_loss = (-log_alpha.exp() * (log_pi + target_entropy)).mean()
        a_optimizer.zero_grad()
        alpha_loss.backward()
        a_optimizer.step()
        alpha = log_alpha.exp().item()

    # three ways people write the Polyak update
    for param, target_param in zip(qf1.parameters(), qf1_target.parameters()):
        target_param.data.copy_(tau * param.data + (1 - tau) * target_param.data)
    with torch.no_grad():
        for p, p_targ in zip(qf2.parameters(), qf2_target.parameters()):
            p_targ.data.mul_(1 - tau)
            p_targ.data.add_(tau * p.data)
    if global_step % 100 == 0:
        with torch.no_grad():
            for p, p_targ in zip(qf2.parameters(), qf2_target.parameters()):
                p_targ.lerp_(p, 0.0)
        print(f"step {global_step} qf_loss {qf_loss.item():.3f} actor_loss {actor_loss.item():.3f} "
              f"alpha {alpha:.4f} q1 {qf1_a_values.mean().item():.3f}")

print("episodes", len(ep_rets), "last returns", [round(r, 1) for r in ep_rets[-3:]])
print("log_alpha", log_alpha)
print("target grad flags", {p.requires_grad for p in qf1_target.parameters()})
with torch.no_grad():
    drift = sum((p - pt).abs().sum() for p, pt in zip(qf1.parameters(), qf1_target.parameters()))
print("target drift > 0", bool(drift > 0))

# the same squashed policy as a TransformedDistribution
torch.manual_seed(0)
mean, log_std = actor(torch.zeros(3, obs_dim))
base = Normal(mean.detach(), log_std.detach().exp())
squashed = TransformedDistribution(base, [TanhTransform(cache_size=1), AffineTransform(0.0, 2.0)])
a = squashed.rsample()
print("squashed sample in range", bool((a.abs() < 2).all()), a.shape)
lp = squashed.log_prob(a)
print("log_prob shape", lp.shape, "finite", torch.isfinite(lp).all().item())
x = torch.tensor([[-1.5, 0.5], [0.0, 1.0], [1.9, -1.9]])
print(squashed.log_prob(x).round(decimals=3))
print(TanhTransform().inv(torch.tensor([-0.5, 0.0, 0.5])))
print(TanhTransform().log_abs_det_jacobian(torch.tensor([0.3]), torch.tanh(torch.tensor([0.3]))))
