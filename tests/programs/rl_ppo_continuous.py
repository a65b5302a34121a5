"""PPO with a clipped objective and a diagonal Gaussian policy on a 1-D point-mass task (CleanRL ppo_continuous style)."""
import random

import numpy as np
import torch
import torch.nn as nn
from torch.distributions.normal import Normal
from torch.distributions import Independent, kl_divergence

SEED = 7
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)
torch.backends.cudnn.deterministic = True
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")


class PointMass:
    """Vectorised envs: position/velocity, action is a force in [-1, 1]; reward is -distance to 0."""

    def __init__(self, num_envs):
        self.num_envs = num_envs
        self.rng = np.random.default_rng(SEED)

    def reset(self):
        self.state = self.rng.uniform(-1, 1, size=(self.num_envs, 2)).astype(np.float32)
        self.t = np.zeros(self.num_envs, dtype=np.int64)
        return self.state.copy()

    def step(self, action):
        a = np.clip(action[:, 0], -1.0, 1.0)
        self.state[:, 1] = 0.9 * self.state[:, 1] + 0.1 * a
        self.state[:, 0] = self.state[:, 0] + 0.1 * self.state[:, 1]
        reward = -np.abs(self.state[:, 0]) - 0.01 * a ** 2
        self.t += 1
        done = self.t >= 16
        obs = self.state.copy()
        if done.any():
            fresh = self.rng.uniform(-1, 1, size=(int(done.sum()), 2)).astype(np.float32)
            self.state[done] = fresh
            self.t[done] = 0
            obs = self.state.copy()
        return obs, reward.astype(np.float32), done


def layer_init(layer, std=np.sqrt(2), bias_const=0.0):
    torch.nn.init.orthogonal_(layer.weight, std)
    torch.nn.init.constant_(layer.bias, bias_const)
    return layer


class Agent(nn.Module):
    def __init__(self, obs_dim, act_dim):
        super().__init__()
        self.critic = nn.Sequential(layer_init(nn.Linear(obs_dim, 32)), nn.Tanh(),
                                    layer_init(nn.Linear(32, 32)), nn.Tanh(), layer_init(nn.Linear(32, 1), std=1.0))
        self.actor_mean = nn.Sequential(layer_init(nn.Linear(obs_dim, 32)), nn.Tanh(),
                                        layer_init(nn.Linear(32, 32)), nn.Tanh(),
                                        layer_init(nn.Linear(32, act_dim), std=0.01))
        self.actor_logstd = nn.Parameter(torch.zeros(1, act_dim))

    def get_value(self, x):
        return self.critic(x)

    def get_action_and_value(self, x, action=None):
        action_mean = self.actor_mean(x)
        action_logstd = self.actor_logstd.expand_as(action_mean)
        probs = Normal(action_mean, torch.exp(action_logstd))
        if action is None:
            action = probs.sample()
        return action, probs.log_prob(action).sum(1), probs.entropy().sum(1), self.critic(x)


num_envs, num_steps = 4, 32
batch_size = num_envs * num_steps
minibatch_size = batch_size // 4
update_epochs, num_updates = 4, 6
gamma, gae_lambda, clip_coef, ent_coef, vf_coef, max_grad_norm = 0.99, 0.95, 0.2, 0.0, 0.5, 0.5

envs = PointMass(num_envs)
agent = Agent(2, 1).to(device)
optimizer = torch.optim.Adam(agent.parameters(), lr=3e-3, eps=1e-5)

obs = torch.zeros((num_steps, num_envs, 2)).to(device)
actions = torch.zeros((num_steps, num_envs, 1)).to(device)
logprobs = torch.zeros((num_steps, num_envs)).to(device)
rewards = torch.zeros((num_steps, num_envs)).to(device)
dones = torch.zeros((num_steps, num_envs)).to(device)
values = torch.zeros((num_steps, num_envs)).to(device)

next_obs = torch.Tensor(envs.reset()).to(device)
next_done = torch.zeros(num_envs).to(device)
for update in range(1, num_updates + 1):
    frac = 1.0 - (update - 1.0) / num_updates
    optimizer.param_groups[0]["lr"] = frac * 3e-3
    for step in range(num_steps):
        obs[step] = next_obs
        dones[step] = next_done
        with torch.no_grad():
            action, logprob, _, value = agent.get_action_and_value(next_obs)
            values[step] = value.flatten()
        actions[step] = action
        logprobs[step] = logprob
        next_obs, reward, done = envs.step(action.cpu().numpy())
        rewards[step] = torch.tensor(reward).to(device).view(-1)
        next_obs, next_done = torch.Tensor(next_obs).to(device), torch.Tensor(done).to(device)

    with torch.no_grad():
        next_value = agent.get_value(next_obs).reshape(1, -1)
        advantages = torch.zeros_like(rewards).to(device)
        lastgaelam = 0
        for t in reversed(range(num_steps)):
            if t == num_steps - 1:
                nextnonterminal = 1.0 - next_done
                nextvalues = next_value
            else:
                nextnonterminal = 1.0 - dones[t + 1]
                nextvalues = values[t + 1]
            delta = rewards[t] + gamma * nextvalues * nextnonterminal - values[t]
            advantages[t] = lastgaelam = delta + gamma * gae_lambda * nextnonterminal * lastgaelam
        returns = advantages + values

    b_obs = obs.reshape((-1, 2))
    b_logprobs = logprobs.reshape(-1)
    b_actions = actions.reshape((-1, 1))
    b_advantages = advantages.reshape(-1)
    b_returns = returns.reshape(-1)
    b_values = values.reshape(-1)

    b_inds = np.arange(batch_size)
    clipfracs = []
    for epoch in range(update_epochs):
        np.random.shuffle(b_inds)
        for start in range(0, batch_size, minibatch_size):
            mb_inds = b_inds[start:start + minibatch_size]
            _, newlogprob, entropy, newvalue = agent.get_action_and_value(b_obs[mb_inds], b_actions[mb_inds])
            logratio = newlogprob - b_logprobs[mb_inds]
            ratio = logratio.exp()
            with torch.no_grad():
                old_approx_kl = (-logratio).mean()
                approx_kl = ((ratio - 1) - logratio).mean()
                clipfracs += [((ratio - 1.0).abs() > clip_coef).float().mean().item()]
            mb_advantages = b_advantages[mb_inds]
            mb_advantages = (mb_advantages - mb_advantages.mean()) / (mb_advantages.std() + 1e-8)
            pg_loss1 = -mb_advantages * ratio
            pg_loss2 = -mb_advantages * torch.clamp(ratio, 1 - clip_coef, 1 + clip_coef)
            pg_loss = torch.max(pg_loss1, pg_loss2).mean()
            newvalue = newvalue.view(-1)
            v_loss_unclipped = (newvalue - b_returns[mb_inds]) ** 2
            v_clipped = b_values[mb_inds] + torch.clamp(newvalue - b_values[mb_inds], -clip_coef, clip_coef)
            v_loss_clipped = (v_clipped - b_returns[mb_inds]) ** 2
            v_loss = 0.5 * torch.max(v_loss_unclipped, v_loss_clipped).mean()
            entropy_loss = entropy.mean()
            loss = pg_loss - ent_coef * entropy_loss + v_loss * vf_coef
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(agent.parameters(), max_grad_norm)
            optimizer.step()

    y_pred, y_true = b_values.cpu().numpy(), b_returns.cpu().numpy()
    var_y = np.var(y_true)
    explained_var = np.nan if var_y == 0 else 1 - np.var(y_true - y_pred) / var_y
    print(f"update {update} reward {rewards.sum(0).mean().item():.2f} v_loss {v_loss.item():.3f} "
          f"pg_loss {pg_loss.item():+.3f} kl {approx_kl.item():.4f} clipfrac {np.mean(clipfracs):.3f} "
          f"ev {explained_var:.2f} std {agent.actor_logstd.exp().item():.3f}")

with torch.no_grad():
    test_obs = torch.tensor([[-0.5, 0.0], [0.0, 0.0], [0.5, 0.0]])
    mean = agent.actor_mean(test_obs)
    std = agent.actor_logstd.exp().expand_as(mean)
    pi = Independent(Normal(mean, std), 1)
    ref = Independent(Normal(torch.zeros_like(mean), torch.ones_like(std)), 1)
    print("batch/event", pi.batch_shape, pi.event_shape)
    print("kl to N(0,1)", kl_divergence(pi, ref).round(decimals=3))
    print("mean actions", mean.squeeze(-1).round(decimals=2))
    print("values", agent.get_value(test_obs).round(decimals=2))
    print(pi.base_dist.scale.round(decimals=3), pi.mean.shape, pi.variance.shape)
