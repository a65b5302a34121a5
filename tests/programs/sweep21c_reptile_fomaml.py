"""Reptile and first-order MAML on sine-wave regression, in the style of OpenAI's reptile-sinewaves
notebook and the common FOMAML blog posts: the outer update by parameter interpolation (state_dict
arithmetic, p.data.add_, torch.lerp, parameters_to_vector / vector_to_parameters), with a linearly
annealed outer step size; Reptile as a pseudo-gradient (meta_p.grad = meta_p - fast_p) for an outer
Adam; FOMAML with copy.deepcopy of the meta-model, an inner SGD optimizer, the query gradient of the
adapted copy accumulated into the meta-parameters' .grad, and few-shot adaptation curves at test
time; plus the checks people print (deepcopy is independent, state_dict round trips)."""
import copy
import math

import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils import parameters_to_vector, vector_to_parameters

seed = 0
rng = np.random.RandomState(seed)
torch.manual_seed(seed)

x_all = np.linspace(-5, 5, 50)[:, None]
ntrain = 10
inner_stepsize = 0.02
innerepochs = 1
outerstepsize0 = 0.1
niterations = 40


def gen_task():
    phase = rng.uniform(low=0, high=2 * np.pi)
    ampl = rng.uniform(0.1, 5)
    return lambda x: np.sin(x + phase) * ampl


model = nn.Sequential(nn.Linear(1, 32), nn.Tanh(), nn.Linear(32, 32), nn.Tanh(), nn.Linear(32, 1))


def totorch(x):
    return torch.tensor(x, dtype=torch.float32)


def train_on_batch(x, y):
    x, y = totorch(x), totorch(y)
    model.zero_grad()
    ypred = model(x)
    loss = (ypred - y).pow(2).mean()
    loss.backward()
    for param in model.parameters():
        param.data -= inner_stepsize * param.grad.data


def predict(x):
    return model(totorch(x)).data.numpy()


f_plot = gen_task()
xtrain_plot = x_all[rng.choice(len(x_all), size=ntrain)]
print("task sample", np.round(f_plot(x_all[:3, 0]), 4), xtrain_plot.shape)

for iteration in range(niterations):
    weights_before = copy.deepcopy(model.state_dict())
    f = gen_task()
    y_all = f(x_all)
    inds = rng.permutation(len(x_all))
    for _ in range(innerepochs):
        for start in range(0, len(x_all), ntrain):
            mbinds = inds[start:start + ntrain]
            train_on_batch(x_all[mbinds], y_all[mbinds])
    weights_after = model.state_dict()
    outerstepsize = outerstepsize0 * (1 - iteration / niterations)
    model.load_state_dict({name: weights_before[name] + (weights_after[name] - weights_before[name]) * outerstepsize
                           for name in weights_before})
    if iteration % 10 == 0:
        weights_before_plot = copy.deepcopy(model.state_dict())
        losses = []
        for inneriter in range(4):
            train_on_batch(xtrain_plot, f_plot(xtrain_plot))
            losses.append(np.square(predict(x_all) - f_plot(x_all)).mean())
        print(f"iteration {iteration + 1} outer {outerstepsize:.4f} loss-on-plotted-curve "
              + " ".join(f"{v:.4f}" for v in losses))
        model.load_state_dict(weights_before_plot)

print("state_dict keys", list(model.state_dict()), type(model.state_dict()).__name__)
print("deepcopy independent", weights_before["0.weight"].data_ptr() != model[0].weight.data_ptr())

# Reptile with in-place interpolation, lerp and flat vectors: three spellings of the same update
torch.manual_seed(1)
meta = nn.Sequential(nn.Linear(1, 16), nn.ReLU(), nn.Linear(16, 1))
fast = copy.deepcopy(meta)
with torch.no_grad():
    for p in fast.parameters():
        p.add_(torch.randn_like(p) * 0.1)
a, b, c = copy.deepcopy(meta), copy.deepcopy(meta), copy.deepcopy(meta)
eps = 0.25
for p0, p in zip(a.parameters(), fast.parameters()):
    p0.data.add_(p.data - p0.data, alpha=eps)
with torch.no_grad():
    for p0, p in zip(b.parameters(), fast.parameters()):
        p0.lerp_(p, eps)
v0, v1 = parameters_to_vector(c.parameters()), parameters_to_vector(fast.parameters())
vector_to_parameters(v0 + eps * (v1 - v0), c.parameters())
va, vb, vc = (parameters_to_vector(m.parameters()) for m in (a, b, c))
print("flat", v0.shape, v0.requires_grad, type(c[0].weight).__name__, c[0].weight.is_leaf)
print("agree", torch.allclose(va, vb, atol=1e-6), torch.allclose(va, vc, atol=1e-6),
      (va - v0).norm().div((v1 - v0).norm()).item() == 0.25 or round((va - v0).norm().div((v1 - v0).norm()).item(), 5))
print("lerp values", torch.lerp(torch.tensor([0.0, 1.0]), torch.tensor([10.0, 3.0]), 0.3),
      torch.lerp(torch.zeros(3), torch.ones(3), torch.tensor([0.0, 0.5, 1.0])))


def sine_tasks(n, g):
    amp = torch.empty(n).uniform_(0.5, 4.0, generator=g)
    phase = torch.empty(n).uniform_(0, math.pi, generator=g)
    return amp, phase


def sample(amp, phase, k, g):
    x = torch.empty(k, 1).uniform_(-5, 5, generator=g)
    return x, amp * torch.sin(x + phase)


# Reptile as a pseudo-gradient for an outer Adam
torch.manual_seed(2)
g = torch.Generator().manual_seed(5)
meta = nn.Sequential(nn.Linear(1, 24), nn.Tanh(), nn.Linear(24, 24), nn.Tanh(), nn.Linear(24, 1))
meta_opt = torch.optim.Adam(meta.parameters(), lr=1e-2)
loss_fn = nn.MSELoss()
for it in range(8):
    amps, phases = sine_tasks(3, g)
    meta_opt.zero_grad()
    for amp, phase in zip(amps, phases):
        learner = copy.deepcopy(meta)
        inner = torch.optim.SGD(learner.parameters(), lr=0.02)
        for _ in range(3):
            x, y = sample(amp, phase, 10, g)
            inner.zero_grad()
            loss_fn(learner(x), y).backward()
            inner.step()
        for mp, lp in zip(meta.parameters(), learner.parameters()):
            if mp.grad is None:
                mp.grad = torch.zeros_like(mp)
            mp.grad.add_((mp.data - lp.data) / len(amps))
    gnorm = torch.norm(torch.stack([p.grad.norm() for p in meta.parameters()]))
    meta_opt.step()
    if it % 2 == 1:
        print(f"reptile-adam it {it} pseudo-grad norm {gnorm.item():.5f}")

# first-order MAML: query gradient of the adapted copy becomes the meta-gradient
torch.manual_seed(3)
g = torch.Generator().manual_seed(6)
meta = nn.Sequential(nn.Linear(1, 24), nn.ReLU(), nn.Linear(24, 24), nn.ReLU(), nn.Linear(24, 1))
meta_opt = torch.optim.Adam(meta.parameters(), lr=5e-3)
for p in meta.parameters():
    p.grad = torch.zeros_like(p)
for it in range(8):
    amps, phases = sine_tasks(4, g)
    meta_opt.zero_grad(set_to_none=False)
    qloss_total = 0.0
    for amp, phase in zip(amps, phases):
        fast = copy.deepcopy(meta)
        fast_opt = torch.optim.SGD(fast.parameters(), lr=0.01)
        xs, ys = sample(amp, phase, 10, g)
        for _ in range(2):
            fast_opt.zero_grad()
            loss_fn(fast(xs), ys).backward()
            fast_opt.step()
        xq, yq = sample(amp, phase, 10, g)
        fast_opt.zero_grad()
        qloss = loss_fn(fast(xq), yq)
        grads = torch.autograd.grad(qloss, list(fast.parameters()))
        for p, gr in zip(meta.parameters(), grads):
            p.grad += gr / len(amps)
        qloss_total += qloss.item()
    meta_opt.step()
    if it % 2 == 1:
        print(f"fomaml it {it} query loss {qloss_total / len(amps):.4f}")
print("meta grads", [tuple(p.grad.shape) for p in meta.parameters()][:2], meta[0].weight.grad.abs().sum().item() > 0)
snapshot = copy.deepcopy(meta)            # Parameter.__deepcopy__ leaves .grad behind
print("snapshot grads", [p.grad for p in snapshot.parameters()][:2], snapshot[0].weight.is_leaf,
      snapshot[0].weight.requires_grad, torch.equal(snapshot[0].weight, meta[0].weight))
sd_copy = copy.deepcopy(meta.state_dict())
print("state_dict copy", sd_copy["0.weight"].requires_grad, sd_copy["0.weight"].grad, sd_copy["0.weight"].stride(),
      sd_copy["2.weight"].t().stride(), copy.deepcopy(meta[2].weight.detach().t()).stride())

# few-shot adaptation at test time from the meta-learned init vs from scratch
g = torch.Generator().manual_seed(7)
amp, phase = torch.tensor(2.0), torch.tensor(0.5)
xs, ys = sample(amp, phase, 5, g)
xt = torch.linspace(-5, 5, 40).unsqueeze(1)
yt = amp * torch.sin(xt + phase)
torch.manual_seed(3)
scratch = nn.Sequential(nn.Linear(1, 24), nn.ReLU(), nn.Linear(24, 24), nn.ReLU(), nn.Linear(24, 1))
for name, init in (("meta", meta), ("scratch", scratch)):
    net = copy.deepcopy(init)
    opt = torch.optim.SGD(net.parameters(), lr=0.01)
    curve = []
    for step in range(4):
        with torch.no_grad():
            curve.append(loss_fn(net(xt), yt).item())
        opt.zero_grad()
        loss_fn(net(xs), ys).backward()
        opt.step()
    print(name, " ".join(f"{v:.4f}" for v in curve))
print("init untouched", torch.equal(parameters_to_vector(meta.parameters()),
                                    parameters_to_vector(copy.deepcopy(meta).parameters())))
