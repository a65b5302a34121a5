"""MAML, first-order MAML and Meta-SGD on few-shot linear-ish classification tasks, with a tiny MLP that
has a BatchNorm layer (train mode inside the inner loop, as in the original MAML code, where the
running statistics are never used).  The inner loop is written three ways: autograd.grad with
create_graph, torch.func.functional_call, and torch.func.grad + vmap over a batch of tasks."""
import copy

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.func import functional_call, grad, vmap

torch.manual_seed(2017)
N_WAY, K_SHOT, Q, DIM = 3, 5, 6, 6


def make_task(gen):
    centers = torch.randn(N_WAY, DIM, generator=gen) * 1.5
    xs = centers.repeat_interleave(K_SHOT, 0) + torch.randn(N_WAY * K_SHOT, DIM, generator=gen)
    xq = centers.repeat_interleave(Q, 0) + torch.randn(N_WAY * Q, DIM, generator=gen)
    ys = torch.arange(N_WAY).repeat_interleave(K_SHOT)
    yq = torch.arange(N_WAY).repeat_interleave(Q)
    return xs, ys, xq, yq


gen = torch.Generator().manual_seed(3)
tasks = [make_task(gen) for _ in range(24)]
print("task shapes", [t.shape for t in tasks[0]])


class Learner(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(DIM, 32)
        self.bn = nn.BatchNorm1d(32, track_running_stats=False)
        self.fc2 = nn.Linear(32, N_WAY)

    def forward(self, x):
        return self.fc2(F.relu(self.bn(self.fc1(x))))


model = Learner()
print(model)
names = [n for n, _ in model.named_parameters()]
print(names)
print("buffers", [n for n, _ in model.named_buffers()])


def forward_with(params, x):
    """The hand-written functional model (what people did before torch.func)."""
    h = F.linear(x, params[0], params[1])
    h = F.batch_norm(h, None, None, params[2], params[3], training=True)
    return F.linear(F.relu(h), params[4], params[5])


xs, ys, xq, yq = tasks[0]
params = list(model.parameters())
print("functional matches module", torch.allclose(forward_with(params, xs), model(xs), atol=1e-6))

# ---- one inner step by hand, second order
inner_lr = 0.4
loss_s = F.cross_entropy(forward_with(params, xs), ys)
grads = torch.autograd.grad(loss_s, params, create_graph=True)
print("inner grads require grad", [g.requires_grad for g in grads])
print("grad fns", sorted({g.grad_fn.name() for g in grads}))
fast = [p - inner_lr * g for p, g in zip(params, grads)]
loss_q = F.cross_entropy(forward_with(fast, xq), yq)
print("query loss", f"{loss_q.item():.4f}", type(loss_q.grad_fn).__name__)
meta_grads = torch.autograd.grad(loss_q, params)
fo_grads = torch.autograd.grad(F.cross_entropy(forward_with([f.detach().requires_grad_() for f in fast], xq), yq),
                               [f for f in fast], allow_unused=True)
print("first-order grads disconnected", [g is None for g in fo_grads])
print("meta grad norms", [f"{g.norm().item():.4f}" for g in meta_grads])

try:
    torch.autograd.grad(loss_q, params)
except RuntimeError as e:
    print("RuntimeError:", str(e).split(".")[0])


def maml_step(model, batch, inner_steps, first_order):
    meta_loss, meta_acc = 0.0, 0.0
    for xs, ys, xq, yq in batch:
        fast = dict(model.named_parameters())
        for _ in range(inner_steps):
            loss = F.cross_entropy(functional_call(model, fast, (xs,)), ys)
            g = torch.autograd.grad(loss, fast.values(), create_graph=not first_order)
            fast = {n: w - inner_lr * gi for (n, w), gi in zip(fast.items(), g)}
        out = functional_call(model, fast, (xq,))
        meta_loss = meta_loss + F.cross_entropy(out, yq)
        meta_acc += (out.argmax(1) == yq).float().mean().item()
    return meta_loss / len(batch), meta_acc / len(batch)


for first_order in (False, True):
    torch.manual_seed(0)
    model = Learner()
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    for it in range(12):
        batch = [tasks[(4 * it + j) % 20] for j in range(4)]
        loss, acc = maml_step(model, batch, inner_steps=2, first_order=first_order)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if it % 4 == 3:
            print(f"{'FOMAML' if first_order else 'MAML  '} it {it:2d} query loss {loss.item():.4f} acc {acc:.3f}")
    with torch.no_grad():
        xs, ys, xq, yq = tasks[22]
        print("  zero-shot acc on held-out task", f"{(model(xq).argmax(1) == yq).float().mean().item():.4f}")
    test_loss, test_acc = maml_step(model, tasks[20:24], inner_steps=3, first_order=True)
    print("  adapted test loss", f"{test_loss.item():.4f}", "acc", f"{test_acc:.4f}")


# ---- Meta-SGD: a learnable learning rate per parameter element
class MetaSGD(nn.Module):
    def __init__(self, model, init_lr=0.1):
        super().__init__()
        self.model = model
        self.lrs = nn.ParameterList([nn.Parameter(torch.full_like(p, init_lr)) for p in model.parameters()])

    def adapt(self, xs, ys):
        params = dict(self.model.named_parameters())
        loss = F.cross_entropy(functional_call(self.model, params, xs), ys)
        g = torch.autograd.grad(loss, list(params.values()), create_graph=True)
        return {n: p - lr * gi for (n, p), lr, gi in zip(params.items(), self.lrs, g)}


torch.manual_seed(1)
meta = MetaSGD(Learner())
print(meta.lrs)
print("lr shapes", [tuple(l.shape) for l in meta.lrs])
opt = torch.optim.SGD(meta.parameters(), lr=0.05, momentum=0.9, nesterov=True)
for it in range(10):
    opt.zero_grad()
    total = 0.0
    for xs, ys, xq, yq in tasks[it % 5 * 4: it % 5 * 4 + 4]:
        fast = meta.adapt(xs, ys)
        total = total + F.cross_entropy(functional_call(meta.model, fast, xq), yq) / 4
    total.backward()
    torch.nn.utils.clip_grad_norm_(meta.parameters(), max_norm=5.0)
    opt.step()
    if it % 3 == 0:
        print(f"meta-sgd it {it} loss {total.item():.4f} mean lr {torch.cat([l.flatten() for l in meta.lrs]).mean().item():.4f}")
print("lr grad exists", all(l.grad is not None for l in meta.lrs))
print("lr of fc2.bias", meta.lrs[5].data)

# ---- torch.func: the inner loop as a pure function, vmapped over a batch of tasks (no batchnorm here)
lin = nn.Sequential(nn.Linear(DIM, 16), nn.Tanh(), nn.Linear(16, N_WAY))
p0 = {k: v.detach() for k, v in lin.named_parameters()}


def task_loss(p, x, y):
    return F.cross_entropy(functional_call(lin, p, (x,)), y)


def adapt_and_eval(p, xs, ys, xq, yq):
    g = grad(task_loss)(p, xs, ys)
    fast = {k: p[k] - 0.5 * g[k] for k in p}
    return task_loss(fast, xq, yq)


XS = torch.stack([t[0] for t in tasks[:8]])
YS = torch.stack([t[1] for t in tasks[:8]])
XQ = torch.stack([t[2] for t in tasks[:8]])
YQ = torch.stack([t[3] for t in tasks[:8]])
per_task = vmap(adapt_and_eval, in_dims=(None, 0, 0, 0, 0))(p0, XS, YS, XQ, YQ)
print("per-task query losses", per_task)
loop = torch.stack([adapt_and_eval(p0, XS[i], YS[i], XQ[i], YQ[i]) for i in range(8)])
print("vmap == loop", torch.allclose(per_task, loop, atol=1e-5))
meta_g = grad(lambda p: vmap(adapt_and_eval, in_dims=(None, 0, 0, 0, 0))(p, XS, YS, XQ, YQ).mean())(p0)
print("meta-gradient keys", list(meta_g))
print("meta-gradient shapes", {k: tuple(v.shape) for k, v in meta_g.items()})
print("meta-gradient norm", f"{torch.sqrt(sum((v ** 2).sum() for v in meta_g.values())).item():.4f}")

try:
    functional_call(lin, {"0.weight": torch.zeros(16, DIM), "bogus": torch.zeros(1)}, (XS[0],), strict=True)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    vmap(adapt_and_eval, in_dims=(None, 0, 0, 0, 0))(p0, XS, YS[:4], XQ, YQ)
except ValueError as e:
    print("ValueError:", e)

# ---- torch.func with a BatchNorm model: the classic pitfall, and the two fixes from the torch.func docs
bn_model = Learner()
bn_model.bn = nn.BatchNorm1d(32)          # running statistics this time
bn_params = {k: v.detach() for k, v in bn_model.named_parameters()}
xs, ys, xq, yq = tasks[0]
try:
    grad(lambda p: F.cross_entropy(functional_call(bn_model, p, (xs,)), ys))(bn_params)
except RuntimeError as e:
    print("RuntimeError:", str(e)[:150])
try:
    vmap(lambda x: bn_model(x))(XS)
except RuntimeError as e:
    print("RuntimeError:", str(e).splitlines()[0])
print("stats untouched", bn_model.bn.num_batches_tracked.item(), bn_model.bn.running_mean.abs().sum().item())
bn_model.eval()                            # fix 1: eval mode reads the running statistics only
g_eval = grad(lambda p: F.cross_entropy(functional_call(bn_model, p, (xs,)), ys))(bn_params)
print("eval-mode grad norm", f"{g_eval['fc1.weight'].norm().item():.4f}")
bn_model.train()
torch.func.replace_all_batch_norm_modules_(bn_model)   # fix 2: no running statistics at all
print("patched", bn_model.bn.running_mean, bn_model.bn.track_running_stats)
per_task_g = vmap(grad(lambda p, x, y: F.cross_entropy(functional_call(bn_model, p, (x,)), y)),
                  in_dims=(None, 0, 0))(bn_params, XS, YS)
print("per-task grad shapes", {k: tuple(v.shape) for k, v in list(per_task_g.items())[:3]})

# ---- an ensemble of dropout learners, one dropout mask per member
ens = [nn.Sequential(nn.Linear(DIM, 16), nn.ReLU(), nn.Dropout(0.3), nn.Linear(16, N_WAY)) for _ in range(4)]
ens_params, ens_bufs = torch.func.stack_module_state(ens)
base = copy.deepcopy(ens[0]).to("meta")
torch.manual_seed(5)
logits = vmap(lambda p, b, x: functional_call(base, (p, b), (x,)), in_dims=(0, 0, None),
              randomness="different")(ens_params, ens_bufs, xq)
print("ensemble logits", logits.shape, "members agree", bool((logits[0] == logits[1]).all()))
print("ensemble vote acc", f"{(logits.softmax(-1).mean(0).argmax(1) == yq).float().mean().item():.4f}")
print("after ensemble", torch.rand(2))
same = vmap(lambda p, b, x: functional_call(base, (p, b), (x,)), in_dims=(0, 0, None),
            randomness="same", chunk_size=2)(ens_params, ens_bufs, xq)
print("same-randomness logits", same.shape, f"{same.detach().abs().mean().item():.4f}")
noise = vmap(lambda x: x + 0.1 * torch.randn(DIM), randomness="different")(XS[:, 0])
print("per-task noise", (noise - XS[:, 0]).std(1))
