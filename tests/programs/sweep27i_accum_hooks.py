"""Training-loop plumbing of a small framework: gradient accumulation (and its equivalence to a big
batch), gradient clipping by norm and by value, module forward / pre-forward / full-backward hooks
used for activation statistics and gradient logging, tensor hooks, parameter freezing for
fine-tuning, train / eval / no_grad / inference_mode switching, and the errors these run into."""
import math
from collections import defaultdict

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils import clip_grad_norm_, clip_grad_value_, parameters_to_vector, vector_to_parameters


def make_model():
    torch.manual_seed(11)
    return nn.Sequential(
        nn.Conv1d(2, 4, kernel_size=3, padding=1), nn.BatchNorm1d(4), nn.SiLU(),
        nn.Flatten(), nn.Dropout(0.2), nn.Linear(4 * 8, 16), nn.LayerNorm(16), nn.ReLU(), nn.Linear(16, 3))


torch.manual_seed(0)
X = torch.randn(64, 2, 8)
Y = (X[:, 0].mean(1) > X[:, 1].mean(1)).long() + (X.abs().amax(dim=(1, 2)) > 2.5).long()
print(X.shape, torch.bincount(Y))

print("== accumulation == big batch ==")
m_big, m_acc = make_model(), make_model()
for m in (m_big, m_acc):
    m.eval()  # BatchNorm statistics and Dropout would break the equivalence
loss = F.cross_entropy(m_big(X[:32]), Y[:32])
loss.backward()
accum = 4
for i in range(accum):
    xb, yb = X[i * 8:(i + 1) * 8], Y[i * 8:(i + 1) * 8]
    (F.cross_entropy(m_acc(xb), yb) / accum).backward()
for (n, p), q in zip(m_big.named_parameters(), m_acc.parameters()):
    if p.grad is not None:
        print(f"{n:10s} {tuple(p.shape)!s:12s} close={torch.allclose(p.grad, q.grad, atol=1e-6)}")
print("bn buffers unchanged in eval:", m_acc[1].running_mean.abs().sum().item(), m_acc[1].num_batches_tracked)

print("== clipping ==")
g = parameters_to_vector([p.grad for p in m_acc.parameters()])
print(g.shape, f"{g.norm():.4f}")
total = clip_grad_norm_(m_acc.parameters(), max_norm=0.5)
print(f"returned {total:.4f}", total.dtype, f"after {parameters_to_vector([p.grad for p in m_acc.parameters()]).norm():.4f}")
total_inf = clip_grad_norm_(m_acc.parameters(), max_norm=10.0, norm_type="inf")
print(f"inf norm {total_inf:.4f}")
clip_grad_value_(m_acc.parameters(), clip_value=0.01)
print(max(p.grad.abs().max().item() for p in m_acc.parameters()) <= 0.01)
gbad = [torch.tensor([float("nan"), 1.0], requires_grad=True)]
gbad[0].grad = torch.tensor([float("nan"), 1.0])
print(clip_grad_norm_(gbad, 1.0))
try:
    clip_grad_norm_(gbad, 1.0, error_if_nonfinite=True)
except RuntimeError as e:
    print("RuntimeError:", e)
print(clip_grad_norm_([], 1.0))

print("== hooks ==")
model = make_model()
stats = defaultdict(list)
handles = []


def fwd_hook(name):
    def hook(mod, inp, out):
        stats[name].append((out.mean().item(), out.std().item(), (out == 0).float().mean().item()))
    return hook


def pre_hook(mod, args):
    (x,) = args
    return (x * 2.0,) if getattr(mod, "double_input", False) else None


grad_norms = {}


def bwd_hook(name):
    def hook(mod, grad_input, grad_output):
        grad_norms[name] = (grad_output[0].norm().item(), None if grad_input[0] is None else tuple(grad_input[0].shape))
    return hook


for name, mod in model.named_modules():
    if isinstance(mod, (nn.ReLU, nn.SiLU)):
        handles.append(mod.register_forward_hook(fwd_hook(name)))
    if isinstance(mod, nn.Linear):
        handles.append(mod.register_full_backward_hook(bwd_hook(name)))
handles.append(model[5].register_forward_pre_hook(pre_hook))
print(len(handles), len(model[2]._forward_hooks), len(model[5]._backward_hooks))
model.train()
opt = torch.optim.Adam(filter(lambda p: p.requires_grad, model.parameters()), lr=3e-3)
for step in range(3):
    model[5].double_input = step == 2
    out = model(X[:16])
    loss = F.cross_entropy(out, Y[:16], label_smoothing=0.1)
    opt.zero_grad()
    loss.backward()
    opt.step()
for k, v in stats.items():
    print(k, [tuple(round(a, 3) for a in t) for t in v])
for k, (n, s) in sorted(grad_norms.items()):
    print(k, f"{n:.5f}", s)
for h in handles:
    h.remove()
print("after remove:", len(model[2]._forward_hooks), len(model[5]._forward_pre_hooks))

# a tensor hook on an intermediate activation
acts = {}
h = model[5].register_forward_hook(lambda m, i, o: acts.__setitem__("fc", o))
out = model(X[:4])
seen = []
acts["fc"].register_hook(lambda grad: seen.append(grad.abs().sum()))
acts["fc"].retain_grad()
out.sum().backward()
print(acts["fc"].grad.shape, f"{seen[0]:.4f}", f"{acts['fc'].grad.abs().sum():.4f}")
h.remove()

print("== freezing for fine-tuning ==")
for p in model[:5].parameters():
    p.requires_grad_(False)
trainable = [n for n, p in model.named_parameters() if p.requires_grad]
print(trainable)
print(sum(p.numel() for p in model.parameters() if not p.requires_grad), "frozen")
opt = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=0.1)
model.zero_grad(set_to_none=True)
before = model[0].weight.clone()
loss = F.cross_entropy(model(X), Y)
loss.backward()
opt.step()
print(model[0].weight.grad is None, torch.equal(before, model[0].weight), model[5].weight.grad.shape)
model[1].eval()  # freeze BN statistics too
nbt = model[1].num_batches_tracked.item()
model(X)
print("bn frozen:", model[1].num_batches_tracked.item() == nbt, model[1].training, model.training)

print("== eval / no_grad / inference_mode ==")
model.eval()
with torch.no_grad():
    a = model(X[:5])
b = model(X[:5])
print(a.requires_grad, b.requires_grad, torch.equal(a, b), b.grad_fn.name())
with torch.inference_mode():
    c = model(X[:5])
print(c.is_inference(), c.requires_grad, torch.equal(a, c))
try:
    c.add_(1)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    F.cross_entropy(model[5:](c.new_ones(5, 32)), Y[:5]).backward()
except RuntimeError as e:
    print("RuntimeError:", e)
with torch.enable_grad():
    print(torch.is_grad_enabled(), torch.is_inference_mode_enabled())
model.train()
d1, d2 = model(X[:5]), model(X[:5])
print("dropout makes train outputs differ:", not torch.equal(d1, d2))
with torch.set_grad_enabled(False):
    print(model(X[:2]).requires_grad)
print(torch.is_grad_enabled())

print("== vector <-> parameters ==")
head = model[8]
vec = parameters_to_vector(head.parameters())
print(vec.shape, vec.grad_fn.name())
vector_to_parameters(torch.arange(vec.numel(), dtype=torch.float32) / 100, head.parameters())
print(head.bias, head.weight[0, :4])
try:
    vector_to_parameters(torch.zeros(3), head.parameters())
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    parameters_to_vector(torch.zeros(3))
except TypeError as e:
    print("TypeError:", e)
try:
    model.register_forward_hook(42)(X)
except TypeError as e:
    print("TypeError:", e)
leaf = torch.ones(2, requires_grad=True)
try:
    leaf.register_hook(lambda g: g * 2)
    (leaf * 3).sum().backward()
    print(leaf.grad)
    torch.ones(2).register_hook(lambda g: g)
except RuntimeError as e:
    print("RuntimeError:", e)

print("== a Lookahead wrapper optimizer ==")


class Lookahead(torch.optim.Optimizer):
    """k fast steps of the inner optimizer, then pull the slow weights towards the fast ones."""

    def __init__(self, base, k=3, alpha=0.5):
        self.base, self.k, self.alpha, self.counter = base, k, alpha, 0
        self.param_groups, self.state, self.defaults = base.param_groups, base.state, base.defaults
        self.slow = [p.detach().clone() for g in base.param_groups for p in g["params"]]

    def zero_grad(self, set_to_none=True):
        self.base.zero_grad(set_to_none)

    @torch.no_grad()
    def step(self, closure=None):
        loss = self.base.step(closure)
        self.counter += 1
        if self.counter % self.k == 0:
            fast = [p for g in self.param_groups for p in g["params"]]
            for s, p in zip(self.slow, fast):
                s.add_(p - s, alpha=self.alpha)
                p.copy_(s)
        return loss


class NaiveLookahead(Lookahead):
    zero_grad = torch.optim.Optimizer.zero_grad   # the base class's: it expects Optimizer.__init__ to have run


torch.manual_seed(5)
net = nn.Sequential(nn.Linear(16, 12), nn.ReLU(), nn.Linear(12, 3))
xs, ys = X.flatten(1), Y
la = Lookahead(torch.optim.Adam(net.parameters(), lr=0.02), k=4)
for step in range(12):
    la.zero_grad()
    loss = F.cross_entropy(net(xs), ys)
    loss.backward()
    la.step()
    if step % 4 == 3:
        print(f"step {step + 1:2d} loss {loss.item():.4f} slow==fast {torch.equal(la.slow[0], net[0].weight)}")
print(len(la.state), sorted(la.state[net[0].weight]))
naive = NaiveLookahead(torch.optim.SGD(net.parameters(), lr=0.1))
naive.zero_grad()
F.cross_entropy(net(xs), ys).backward()
try:
    naive.step()
except AttributeError as e:
    print("AttributeError:", e)
