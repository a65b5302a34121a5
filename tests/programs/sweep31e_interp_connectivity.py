"""Linear mode connectivity notebook: train two small networks from different seeds, walk the
straight line between their weights (parameters_to_vector / vector_to_parameters), measure the
loss barrier, align hidden units by a permutation (weight matching) and interpolate again, then
fit a quadratic Bezier curve between the endpoints whose midpoint is trained with
torch.func.functional_call."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils import parameters_to_vector, vector_to_parameters

# float64: Adam amplifies last-bit differences near a zero loss, keep them far below the printout
torch.set_default_dtype(torch.float64)
torch.manual_seed(11)
n = 200
theta = torch.rand(n) * 2 * torch.pi
r = torch.where(torch.arange(n) % 2 == 0, torch.tensor(1.0), torch.tensor(2.0))
X = torch.stack([r * torch.cos(theta), r * torch.sin(theta)], 1) + 0.15 * torch.randn(n, 2)
Y = (torch.arange(n) % 2).float()
H = 16


def make(seed):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(2, H), nn.ReLU(), nn.Linear(H, 1))


def train(net, steps=150):
    opt = torch.optim.Adam(net.parameters(), lr=0.03)
    for _ in range(steps):
        opt.zero_grad()
        loss = F.binary_cross_entropy_with_logits(net(X).squeeze(1), Y)
        loss.backward()
        opt.step()
    return loss.item()


net_a, net_b = make(1), make(2)
print(f"final losses a={train(net_a):.4f} b={train(net_b):.4f}")
va = parameters_to_vector(net_a.parameters()).detach()
vb = parameters_to_vector(net_b.parameters()).detach()
print("vector shape:", va.shape, "distance:", f"{(va - vb).norm().item():.4f}")


@torch.no_grad()
def loss_at(vec):
    probe = make(0)
    vector_to_parameters(vec, probe.parameters())
    logits = probe(X).squeeze(1)
    return F.binary_cross_entropy_with_logits(logits, Y).item(), ((logits > 0).float() == Y).float().mean().item()


def curve(v0, v1, steps=6):
    ts = torch.linspace(0, 1, steps)
    return ts, [loss_at(torch.lerp(v0, v1, t.item())) for t in ts]


ts, vals = curve(va, vb)
for t, (l, a) in zip(ts.tolist(), vals):
    print(f"t={t:.1f} loss {l:.4f} acc {a:.4f}")
ends = 0.5 * (vals[0][0] + vals[-1][0])
barrier = max(l for l, _ in vals) - ends
print(f"naive barrier {barrier:.4f}")

# weight matching: permute b's hidden units to match a's by a greedy assignment on the
# similarity of the incoming weights (and biases)
Wa = torch.cat([net_a[0].weight, net_a[0].bias[:, None]], 1).detach()
Wb = torch.cat([net_b[0].weight, net_b[0].bias[:, None]], 1).detach()
sim = Wa @ Wb.T
print("similarity matrix:", sim.shape, f"trace before {sim.trace().item():.4f}")
perm = torch.full((H,), -1, dtype=torch.long)
taken = torch.zeros(H, dtype=torch.bool)
order = sim.max(1).values.argsort(descending=True)
for i in order.tolist():
    row = sim[i].masked_fill(taken, float("-inf"))
    j = int(row.argmax())
    perm[i] = j
    taken[j] = True
print("permutation is a bijection:", torch.equal(perm.sort().values, torch.arange(H)))
P = torch.eye(H)[perm]
print(f"trace after {(Wa @ (P @ Wb).T).trace().item():.4f}")
aligned = make(0)
with torch.no_grad():
    aligned[0].weight.copy_(net_b[0].weight[perm])
    aligned[0].bias.copy_(net_b[0].bias[perm])
    aligned[2].weight.copy_(net_b[2].weight[:, perm])
    aligned[2].bias.copy_(net_b[2].bias)
    print("function preserved:", torch.allclose(aligned(X), net_b(X), atol=1e-5))
vb_aligned = parameters_to_vector(aligned.parameters()).detach()
ts, vals2 = curve(va, vb_aligned)
print("aligned curve losses:", [round(l, 4) for l, _ in vals2])
print(f"aligned distance {(va - vb_aligned).norm().item():.4f}")

# quadratic Bezier curve: phi(t) = (1-t)^2 a + 2t(1-t) m + t^2 b, midpoint m learned
m = ((va + vb) / 2).clone().requires_grad_(True)
names = [name for name, _ in net_a.named_parameters()]
shapes = [p.shape for p in net_a.parameters()]
sizes = [p.numel() for p in net_a.parameters()]


def unflatten(vec):
    return {nm: chunk.view(sh) for nm, chunk, sh in zip(names, vec.split(sizes), shapes)}


opt = torch.optim.SGD([m], lr=0.1, momentum=0.9)
gen = torch.Generator().manual_seed(5)
for step in range(60):
    t = torch.rand((), generator=gen)
    phi = (1 - t) ** 2 * va + 2 * t * (1 - t) * m + t ** 2 * vb
    out = torch.func.functional_call(net_a, unflatten(phi), (X,)).squeeze(1)
    loss = F.binary_cross_entropy_with_logits(out, Y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 20 == 0:
        print(f"bezier step {step} t={t.item():.3f} loss {loss.item():.4f} |grad| {m.grad.norm().item():.4f}")
with torch.no_grad():
    bez = []
    for t in torch.linspace(0, 1, 5):
        phi = (1 - t) ** 2 * va + 2 * t * (1 - t) * m + t ** 2 * vb
        bez.append(round(loss_at(phi)[0], 4))
print("bezier curve losses:", bez)
print("phi grad_fn:", phi.grad_fn, "m is leaf:", m.is_leaf)

# error handling around the flattening helpers
try:
    vector_to_parameters(va[:-1], make(0).parameters())
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    vector_to_parameters(va.tolist(), make(0).parameters())
except TypeError as e:
    print("TypeError:", e)
try:
    torch.lerp(va, vb[:5], 0.5)
except RuntimeError as e:
    print("RuntimeError:", e)
