"""Activation checkpointing as the docs and training-recipe posts show it: torch.utils.checkpoint.checkpoint
with use_reentrant=False and True, checkpoint_sequential over an nn.Sequential, gradients compared with the
plain model's, and a small training loop that checkpoints every block."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.checkpoint import checkpoint, checkpoint_sequential

torch.manual_seed(0)


class Block(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.ln = nn.LayerNorm(d)
        self.fc1 = nn.Linear(d, 2 * d)
        self.fc2 = nn.Linear(2 * d, d)

    def forward(self, x):
        return x + self.fc2(F.gelu(self.fc1(self.ln(x))))


class Net(nn.Module):
    def __init__(self, d=8, n=3, use_ckpt=False, reentrant=False):
        super().__init__()
        self.blocks = nn.ModuleList(Block(d) for _ in range(n))
        self.head = nn.Linear(d, 3)
        self.use_ckpt = use_ckpt
        self.reentrant = reentrant

    def forward(self, x):
        for b in self.blocks:
            if self.use_ckpt:
                x = checkpoint(b, x, use_reentrant=self.reentrant)
            else:
                x = b(x)
        return self.head(x)


def grads(model, x, y):
    model.zero_grad()
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    return loss.detach(), [p.grad.clone() for p in model.parameters()]


x = torch.randn(6, 8)
y = torch.randint(0, 3, (6,))
plain = Net()
loss0, g0 = grads(plain, x, y)
print(f"plain loss {loss0.item():.5f}")
for reentrant in (False, True):
    ck = Net(use_ckpt=True, reentrant=reentrant)
    ck.load_state_dict(plain.state_dict())
    xin = x.clone().requires_grad_(reentrant)   # reentrant needs an input that requires grad
    loss1, g1 = grads(ck, xin, y)
    same = all(torch.allclose(a, b, atol=1e-6) for a, b in zip(g0, g1))
    print(f"use_reentrant={reentrant}: loss equal {torch.equal(loss0, loss1)}, grads allclose {same}, "
          f"n={len(g1)}")

# a function, not a module; extra positional args and kwargs
def fn(a, b, scale=1.0):
    return (a.sin() * b).sum(-1) * scale

a = torch.randn(4, 5, requires_grad=True)
b = torch.randn(4, 5, requires_grad=True)
out = checkpoint(fn, a, b, scale=2.0, use_reentrant=False)
out.sum().backward()
ga, gb = a.grad.clone(), b.grad.clone()
a.grad = None; b.grad = None
fn(a, b, scale=2.0).sum().backward()
print("fn kwargs:", out.shape, torch.allclose(ga, a.grad), torch.allclose(gb, b.grad))
print("out requires_grad", out.requires_grad, "is_leaf", out.is_leaf)

# reentrant with tuple output
def two(a):
    return a * 2, a.exp()

a.grad = None
o1, o2 = checkpoint(two, a, use_reentrant=True)
(o1.sum() + o2.sum()).backward()
print("reentrant tuple:", o1.shape, o2.shape, torch.allclose(a.grad, 2 + a.exp()))

# no input requires grad: reentrant gives output without grad
with torch.no_grad():
    pass
z = torch.randn(3, 8)
blk = Block(8)
r = checkpoint(blk, z, use_reentrant=False)
print("non-reentrant, input no grad:", r.requires_grad)
r2 = checkpoint(blk, z, use_reentrant=True)
print("reentrant, input no grad:", r2.requires_grad)

# checkpoint_sequential
seq = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 16), nn.Tanh(), nn.Linear(16, 8), nn.ReLU(),
                    nn.Linear(8, 4))
inp = torch.randn(5, 8, requires_grad=True)
ref = seq(inp)
ref.sum().backward()
g_ref = [p.grad.clone() for p in seq.parameters()]
gi_ref = inp.grad.clone()
for segments in (1, 2, 3):
    for reentrant in (True, False):
        seq.zero_grad(); inp.grad = None
        out = checkpoint_sequential(seq, segments, inp, use_reentrant=reentrant)
        out.sum().backward()
        ok = all(torch.allclose(p.grad, g) for p, g in zip(seq.parameters(), g_ref))
        print(f"checkpoint_sequential segments={segments} reentrant={reentrant}: out equal "
              f"{torch.allclose(out, ref)} grads {ok} input grad {torch.allclose(inp.grad, gi_ref)}")

# dropout inside checkpoint: the RNG state is replayed so the recomputation matches
drop_net = nn.Sequential(nn.Linear(8, 8), nn.Dropout(0.5), nn.Linear(8, 2))
xd = torch.randn(4, 8)
torch.manual_seed(3)
o_ck = checkpoint(drop_net, xd, use_reentrant=False)
o_ck.sum().backward()
g_ck = drop_net[0].weight.grad.clone()
drop_net.zero_grad()
torch.manual_seed(3)
o_pl = drop_net(xd)
o_pl.sum().backward()
print("dropout replay:", torch.equal(o_ck, o_pl), torch.allclose(g_ck, drop_net[0].weight.grad))

# training loop with checkpointed blocks
torch.manual_seed(1)
model = Net(d=8, n=2, use_ckpt=True)
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
X = torch.randn(32, 8)
Y = (X[:, 0] > 0).long() + (X[:, 1] > 0).long()
for step in range(6):
    opt.zero_grad()
    loss = F.cross_entropy(model(X), Y)
    loss.backward()
    opt.step()
    print(f"step {step} loss {loss.item():.4f}")
with torch.no_grad():
    acc = (model(X).argmax(1) == Y).float().mean()
print(f"acc {acc.item():.3f}")

# errors users meet
try:
    checkpoint_sequential(seq, 2, inp, use_reentrant=True, foo=1)
except (TypeError, ValueError) as e:
    print(type(e).__name__, e)
try:
    checkpoint(fn, a, b, use_reentrant=True, scale=2.0)
except (TypeError, ValueError) as e:
    print(type(e).__name__, e)

# what the output's grad_fn is, and the errors of the two variants
a = torch.randn(3, 4, requires_grad=True)
def f(t):
    return (t * 2).sin().sum(1)
print("grad_fn:", type(checkpoint(f, a, use_reentrant=False).grad_fn).__name__,
      type(checkpoint(f, a, use_reentrant=True).grad_fn).__name__,
      type(checkpoint(f, a).grad_fn).__name__)
print(checkpoint(f, a, use_reentrant=False, preserve_rng_state=False, determinism_check="none").shape)
for kw in (dict(use_reentrant=False, determinism_check="bogus"), dict(use_reentrant=True, context_fn=lambda: None),
           dict(use_reentrant=True, debug=True)):
    try:
        checkpoint(f, a, **kw)
    except ValueError as e:
        print(type(e).__name__, e)
try:
    torch.autograd.grad(checkpoint(f, a, use_reentrant=True).sum(), a)
except RuntimeError as e:
    print(type(e).__name__, e)
print(torch.autograd.grad(checkpoint(f, a, use_reentrant=False).sum(), a)[0].shape)
for reentrant in (False, True):
    o = checkpoint(f, a, use_reentrant=reentrant)
    o.sum().backward()
    try:
        o.sum().backward()
    except RuntimeError as e:
        print(type(e).__name__, str(e)[:120])
seq2 = nn.Sequential(nn.Linear(4, 4), nn.ReLU())
print(type(checkpoint_sequential(seq2, 2, a, use_reentrant=False).grad_fn).__name__)
try:
    checkpoint_sequential(seq2, 5, a, use_reentrant=True)
except ValueError as e:
    print(type(e).__name__, e)

# a checkpoint keeps only its inputs: the saved_tensors_hooks around the call see just those
packed = []
with torch.autograd.graph.saved_tensors_hooks(lambda t: packed.append(tuple(t.shape)) or t, lambda t: t):
    out = checkpoint(Block(8), torch.randn(3, 8, requires_grad=True), use_reentrant=False)
print("packed around a checkpoint:", packed)
out.sum().backward()
