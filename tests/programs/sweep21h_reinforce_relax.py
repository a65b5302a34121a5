"""Score-function gradient estimators, as in the REINFORCE examples of the PyTorch repo and the
"Backpropagation through the Void" (RELAX) tutorials: a categorical policy network on a contextual
bandit trained with REINFORCE and an exponential-moving-average baseline plus an entropy bonus
(Categorical.log_prob / entropy / sample), returns-to-go with normalisation, and a simplified RELAX
estimator for a Bernoulli toy problem whose control variate is a small network trained to minimise
the estimator's variance (autograd.grad with create_graph=True)."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import Bernoulli, Categorical


class Policy(nn.Module):
    def __init__(self, n_ctx=4, n_actions=3, hidden=16):
        super().__init__()
        self.affine1 = nn.Linear(n_ctx, hidden)
        self.dropout = nn.Dropout(p=0.1)
        self.affine2 = nn.Linear(hidden, n_actions)

    def forward(self, x):
        x = self.dropout(F.relu(self.affine1(x)))
        return F.softmax(self.affine2(x), dim=-1)


torch.manual_seed(0)
reward_table = torch.tensor([[1.0, 0.0, 0.2], [0.0, 1.0, 0.1], [0.3, 0.0, 1.0], [0.5, 0.5, 0.0]])
policy = Policy()
optimizer = torch.optim.Adam(policy.parameters(), lr=3e-2)
baseline, beta = 0.0, 0.9
for episode in range(30):
    ctx_idx = torch.randint(0, 4, (16,))
    ctx = F.one_hot(ctx_idx, 4).float()
    probs = policy(ctx)
    m = Categorical(probs)
    action = m.sample()
    reward = reward_table[ctx_idx, action] + 0.1 * torch.randn(16)
    baseline = beta * baseline + (1 - beta) * reward.mean().item()
    advantage = reward - baseline
    loss = -(m.log_prob(action) * advantage).mean() - 0.01 * m.entropy().mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if episode % 6 == 0:
        print(f"episode {episode:2d} reward {reward.mean().item():.3f} baseline {baseline:.3f} "
              f"entropy {m.entropy().mean().item():.3f}")
policy.eval()
with torch.no_grad():
    greedy = policy(torch.eye(4)).argmax(-1)
print("greedy actions", greedy.tolist(), "optimal", reward_table.argmax(-1).tolist())
print("policy probs", policy(torch.eye(4)).detach().round(decimals=2))

# Categorical API bits used along the way
c = Categorical(logits=torch.tensor([[0.5, -0.2, 1.0], [0.0, 0.0, 0.0]]))
print(c, c.param_shape, c.batch_shape, c.event_shape)
print("probs", c.probs.round(decimals=4), "logits", c.logits.round(decimals=4))
print("enumerate_support", c.enumerate_support().tolist(), c.support)
torch.manual_seed(1)
print("sample", c.sample((5,)).tolist(), c.log_prob(torch.tensor([2, 1])).round(decimals=4))
print("entropy", c.entropy().round(decimals=4), c.mode.tolist())
print("expand", c.expand(torch.Size([3, 2])).batch_shape)


# episodic REINFORCE with returns-to-go (the pytorch/examples style)
class Chain:
    """Walk right along 5 states; reward 1 at the end, -0.05 per step."""
    def reset(self):
        self.s = 0
        return self.s

    def step(self, a):
        self.s = max(0, min(4, self.s + (1 if a == 1 else -1)))
        done = self.s == 4
        return self.s, (1.0 if done else -0.05), done


torch.manual_seed(2)
env, gamma, eps = Chain(), 0.95, np.finfo(np.float32).eps.item()
pnet = nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 2))
popt = torch.optim.SGD(pnet.parameters(), lr=0.1)
running_reward = 0.0
for ep in range(12):
    s, log_probs, rewards = env.reset(), [], []
    for t in range(12):
        logits = pnet(F.one_hot(torch.tensor(s), 5).float())
        dist = Categorical(logits=logits)
        a = dist.sample()
        log_probs.append(dist.log_prob(a))
        s, r, done = env.step(a.item())
        rewards.append(r)
        if done:
            break
    R, returns = 0.0, []
    for r in rewards[::-1]:
        R = r + gamma * R
        returns.insert(0, R)
    returns = torch.tensor(returns)
    returns = (returns - returns.mean()) / (returns.std() + eps) if len(returns) > 1 else returns * 0
    policy_loss = torch.cat([(-lp * Rt).unsqueeze(0) for lp, Rt in zip(log_probs, returns)]).sum()
    popt.zero_grad()
    policy_loss.backward()
    popt.step()
    running_reward = 0.05 * sum(rewards) + (1 - 0.05) * running_reward
    if ep % 3 == 0:
        print(f"ep {ep} len {len(rewards)} running {running_reward:.4f} loss {policy_loss.item():.3f}")

# simplified RELAX for E_{b~Bern(sigmoid(theta))}[(b - 0.45)^2]
torch.manual_seed(3)
target = 0.45
f = lambda b: (b - target) ** 2
theta = torch.zeros(1, requires_grad=True)
cv = nn.Sequential(nn.Linear(1, 8), nn.Tanh(), nn.Linear(8, 1))
opt_theta = torch.optim.Adam([theta], lr=0.05)
opt_cv = torch.optim.Adam(cv.parameters(), lr=0.01)
for it in range(25):
    u = torch.rand(1).clamp(1e-6, 1 - 1e-6)
    v = torch.rand(1).clamp(1e-6, 1 - 1e-6)
    z = theta + torch.log(u) - torch.log1p(-u)
    b = (z > 0).float()
    p = torch.sigmoid(theta)
    v_b = torch.where(b > 0, v * p + (1 - p), v * (1 - p))
    z_tilde = theta + torch.log(v_b) - torch.log1p(-v_b)
    c_z, c_zt = cv(torch.sigmoid(z).unsqueeze(-1)).squeeze(-1), cv(torch.sigmoid(z_tilde).unsqueeze(-1)).squeeze(-1)
    log_p = Bernoulli(logits=theta).log_prob(b)
    d_log_p = torch.autograd.grad(log_p.sum(), theta, create_graph=True)[0]
    d_cz = torch.autograd.grad(c_z.sum(), theta, create_graph=True)[0]
    d_czt = torch.autograd.grad(c_zt.sum(), theta, create_graph=True)[0]
    g_hat = (f(b) - c_zt) * d_log_p + d_cz - d_czt
    opt_theta.zero_grad()
    theta.grad = g_hat.detach()
    opt_theta.step()
    var_loss = (g_hat ** 2).mean()
    opt_cv.zero_grad()
    var_loss.backward(inputs=list(cv.parameters()))
    opt_cv.step()
    if it % 5 == 0:
        print(f"relax it {it:2d} b {int(b.item())} g {g_hat.item():.4f} theta {theta.item():.4f} "
              f"var {var_loss.item():.4f}")
print("final p", round(torch.sigmoid(theta).item(), 3), "cv has grad", cv[0].weight.grad is not None)

# exact gradient vs REINFORCE estimate with many samples
torch.manual_seed(4)
th = torch.tensor([0.3], requires_grad=True)
dist = Bernoulli(logits=th.expand(20000))
bs = dist.sample()
est = torch.autograd.grad((f(bs) * dist.log_prob(bs)).mean(), th)[0]
exact = torch.autograd.grad(torch.sigmoid(th) * f(torch.tensor(1.0)) + (1 - torch.sigmoid(th)) * f(torch.tensor(0.0)),
                            th)[0]
print("reinforce vs exact", round(est.item(), 2), round(exact.item(), 4))
