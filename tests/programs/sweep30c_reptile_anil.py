"""Reptile (Nichol et al. 2018) on sine-wave regression, as in OpenAI's blog post and its PyTorch ports:
SGD on a copied model for a few steps, then move the meta-weights toward the adapted ones with lerp_
under no_grad.  Then ANIL ("almost no inner loop"): freeze the body with requires_grad_(False) and adapt
only the head.  Also the bookkeeping people do around it: deepcopy, state_dict, parameters_to_vector."""
import copy
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils import parameters_to_vector, vector_to_parameters

torch.manual_seed(8)
x_all = torch.linspace(-5, 5, 50).unsqueeze(1)


def sine_task(gen):
    amp = torch.empty(1).uniform_(0.1, 5.0, generator=gen)
    phase = torch.empty(1).uniform_(0, math.pi, generator=gen)
    return lambda x: amp * torch.sin(x + phase), amp.item(), phase.item()


def make_model():
    return nn.Sequential(nn.Linear(1, 32), nn.Tanh(), nn.Linear(32, 32), nn.Tanh(), nn.Linear(32, 1))


meta_model = make_model()
print(meta_model)
print("n params", parameters_to_vector(meta_model.parameters()).numel())
gen = torch.Generator().manual_seed(42)
f, a, ph = sine_task(gen)
print(f"first task amp {a:.4f} phase {ph:.4f}")

inner_steps, inner_lr, outer_steps = 5, 0.02, 40
for it in range(outer_steps):
    f, _, _ = sine_task(gen)
    learner = copy.deepcopy(meta_model)
    inner_opt = torch.optim.SGD(learner.parameters(), lr=inner_lr)
    idx = torch.randperm(50, generator=gen)[:10]
    xb, yb = x_all[idx], f(x_all[idx])
    for _ in range(inner_steps):
        inner_opt.zero_grad()
        loss = F.mse_loss(learner(xb), yb)
        loss.backward()
        inner_opt.step()
    eps = 1.0 - it / outer_steps  # linearly annealed outer step size
    with torch.no_grad():
        for p_meta, p_fast in zip(meta_model.parameters(), learner.parameters()):
            p_meta.lerp_(p_fast, eps)
    if it % 10 == 9:
        print(f"reptile it {it + 1} inner loss {loss.item():.4f} eps {eps:.3f}")

# the same interpolation on flat vectors, and with _foreach
snapshot = parameters_to_vector(meta_model.parameters()).detach().clone()
other = make_model()
with torch.no_grad():
    v_meta = parameters_to_vector(meta_model.parameters())
    v_other = parameters_to_vector(other.parameters())
    mixed = torch.lerp(v_meta, v_other, 0.25)
    print("lerp == a + w(b-a)", torch.allclose(mixed, v_meta + 0.25 * (v_other - v_meta), atol=1e-6))
    tmp = copy.deepcopy(meta_model)
    vector_to_parameters(mixed, tmp.parameters())
    plist = list(meta_model.parameters())
    torch._foreach_lerp_(plist, list(other.parameters()), 0.25)
    print("foreach lerp matches", torch.allclose(parameters_to_vector(meta_model.parameters()), mixed, atol=1e-6))
    print("tensor weight lerp", torch.lerp(torch.zeros(3), torch.ones(3), torch.tensor([0.0, 0.5, 1.0])))
    vector_to_parameters(snapshot, meta_model.parameters())
print("restored", torch.equal(parameters_to_vector(meta_model.parameters()), snapshot))
try:
    vector_to_parameters(snapshot[:-1], meta_model.parameters())
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    vector_to_parameters(snapshot.tolist(), meta_model.parameters())
except TypeError as e:
    print("TypeError:", e)
try:
    next(meta_model.parameters()).lerp_(torch.zeros(32, 1), 0.5)
except RuntimeError as e:
    print("RuntimeError:", e)


def few_shot_eval(model, f, k, steps, lr):
    m = copy.deepcopy(model)
    opt = torch.optim.SGD(m.parameters(), lr=lr)
    xb = x_all[::50 // k][:k]
    losses = []
    for s in range(steps + 1):
        with torch.no_grad():
            losses.append(F.mse_loss(m(x_all), f(x_all)).item())
        if s == steps:
            break
        opt.zero_grad()
        F.mse_loss(m(xb), f(xb)).backward()
        opt.step()
    return losses


test_gen = torch.Generator().manual_seed(7)
ft, a, ph = sine_task(test_gen)
print(f"test task amp {a:.4f} phase {ph:.4f}")
curve = few_shot_eval(meta_model, ft, k=10, steps=8, lr=0.02)
print("reptile adaptation curve", [round(c, 3) for c in curve])
scratch = few_shot_eval(make_model(), ft, k=10, steps=8, lr=0.02)
print("scratch adaptation curve", [round(c, 3) for c in scratch])

# ---- ANIL: a shared body, only the head adapts in the inner loop
torch.manual_seed(11)
body = nn.Sequential(nn.Linear(1, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU())
head = nn.Linear(32, 1)
print("trainable before", sum(p.numel() for p in body.parameters() if p.requires_grad))
meta_opt = torch.optim.Adam([{"params": body.parameters(), "lr": 1e-3},
                             {"params": head.parameters(), "lr": 5e-3}])
print("param groups", [(len(g["params"]), g["lr"]) for g in meta_opt.param_groups])
for it in range(25):
    meta_opt.zero_grad()
    total = 0.0
    for _ in range(3):
        f, _, _ = sine_task(gen)
        idx = torch.randperm(50, generator=gen)
        xs, xq = x_all[idx[:10]], x_all[idx[10:20]]
        feat_s, feat_q = body(xs), body(xq)
        w, b = head.weight, head.bias
        for _ in range(3):
            l_in = F.mse_loss(F.linear(feat_s, w, b), f(xs))
            gw, gb = torch.autograd.grad(l_in, (w, b), create_graph=True)
            w, b = w - 0.05 * gw, b - 0.05 * gb
        total = total + F.mse_loss(F.linear(feat_q, w, b), f(xq)) / 3
    total.backward()
    meta_opt.step()
    if it % 8 == 0:
        print(f"anil it {it} meta loss {total.item():.4f} head grad {head.weight.grad.norm().item():.4f}")

# freeze the body for test-time fine-tuning of the head only
body.requires_grad_(False)
print("trainable after", sum(p.numel() for p in body.parameters() if p.requires_grad))
h2 = copy.deepcopy(head)
opt = torch.optim.SGD(h2.parameters(), lr=0.05)
xb = x_all[::5]
for s in range(10):
    opt.zero_grad()
    loss = F.mse_loss(h2(body(xb)), ft(xb))
    loss.backward()
    opt.step()
print("body grads", [p.grad for p in body.parameters()][:2])
print("head fine-tune loss", f"{loss.item():.4f}", "grad_fn", loss.grad_fn.name())
out = body(xb)
print("frozen body output requires grad", out.requires_grad, out.grad_fn)
try:
    out.sum().backward()
except RuntimeError as e:
    print("RuntimeError:", e)
sd = h2.state_dict()
print(list(sd.keys()), sd["bias"])
print({k: v.shape for k, v in body.state_dict().items()})
head.load_state_dict(sd)
print("head equals tuned", torch.equal(head.weight, h2.weight))
try:
    head.load_state_dict({"weight": torch.zeros(1, 31), "bias": torch.zeros(1)})
except RuntimeError as e:
    print("RuntimeError:", e)
