"""Certified bounds: interval bound propagation through Linear/ReLU (positive/negative weight split),
a Lipschitz margin certificate from spectral norms, IBP training, and gradient-masking sanity checks."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.func import jacrev, vmap, functional_call

torch.manual_seed(5)
D, H, C = 4, 20, 3
X = torch.randn(120, D)
y = (X[:, 0] > 0.3).long() + (X[:, 1] > 0.5).long()
print("labels:", torch.unique(y, return_counts=True))

net = nn.Sequential(nn.Linear(D, H), nn.ReLU(), nn.Linear(H, H), nn.ReLU(), nn.Linear(H, C))


def ibp(model, lower, upper):
    for layer in model:
        if isinstance(layer, nn.Linear):
            W, b = layer.weight, layer.bias
            W_pos, W_neg = W.clamp(min=0), W.clamp(max=0)
            lower, upper = (lower @ W_pos.T + upper @ W_neg.T + b,
                            upper @ W_pos.T + lower @ W_neg.T + b)
        elif isinstance(layer, nn.ReLU):
            lower, upper = F.relu(lower), F.relu(upper)
        else:
            raise TypeError(f"unsupported layer {type(layer).__name__}")
    return lower, upper


def ibp_midrad(model, lower, upper):
    # the same bounds in centre/radius form: mu' = W mu + b, r' = |W| r
    mu, r = (upper + lower) / 2, (upper - lower) / 2
    for layer in model:
        if isinstance(layer, nn.Linear):
            mu = F.linear(mu, layer.weight, layer.bias)
            r = F.linear(r, layer.weight.abs())
        else:
            lo, hi = layer(mu - r), layer(mu + r)
            mu, r = (hi + lo) / 2, (hi - lo) / 2
    return mu - r, mu + r


def worst_case_logits(lower, upper, labels):
    # the true class at its lower bound, every other at its upper bound
    onehot = F.one_hot(labels, C).to(lower.dtype)
    return upper * (1 - onehot) + lower * onehot


def train(model, eps_final, epochs=60, kappa_final=0.5):
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for ep in range(epochs):
        ramp = min(1.0, ep / (epochs * 0.5))
        eps, kappa = eps_final * ramp, 1 - (1 - kappa_final) * ramp
        logits = model(X)
        lb, ub = ibp(model, X - eps, X + eps)
        loss = kappa * F.cross_entropy(logits, y) + (1 - kappa) * F.cross_entropy(worst_case_logits(lb, ub, y), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return loss.item()


torch.manual_seed(0)
plain = nn.Sequential(nn.Linear(D, H), nn.ReLU(), nn.Linear(H, H), nn.ReLU(), nn.Linear(H, C))
robust = nn.Sequential(nn.Linear(D, H), nn.ReLU(), nn.Linear(H, H), nn.ReLU(), nn.Linear(H, C))
robust.load_state_dict(plain.state_dict())
print(f"plain final loss {train(plain, 0.0):.4f}")
print(f"ibp   final loss {train(robust, 0.1):.4f}")


@torch.no_grad()
def verified(model, eps):
    lb, ub = ibp(model, X - eps, X + eps)
    wc = worst_case_logits(lb, ub, y)
    margin_ok = wc.argmax(1) == y
    # a strict certificate: the true lower bound beats every other upper bound
    others = ub.masked_fill(F.one_hot(y, C).bool(), -float("inf")).amax(1)
    strict = lb.gather(1, y[:, None]).squeeze(1) > others
    return (model(X).argmax(1) == y).float().mean().item(), strict.float().mean().item(), margin_ok.float().mean().item()


print(f"{'eps':>5} {'model':>7} {'clean':>6} {'verif':>6}")
for eps in [0.0, 0.02, 0.05, 0.1]:
    for name, m in [("plain", plain), ("ibp", robust)]:
        c, v, _ = verified(m, eps)
        print(f"{eps:5.2f} {name:>7} {c:6.4f} {v:6.4f}")

with torch.no_grad():
    l1, u1 = ibp(robust, X[:3] - 0.05, X[:3] + 0.05)
    l2, u2 = ibp_midrad(robust, X[:3] - 0.05, X[:3] + 0.05)
    print("bounds agree:", torch.allclose(l1, l2, atol=1e-5), torch.allclose(u1, u2, atol=1e-5))
    print("lower:", l1)
    print("width:", (u1 - l1).mean(dim=1))
    # sampled points inside the box never escape the bounds
    pts = X[:3, None, :] + torch.empty(3, 500, D).uniform_(-0.05, 0.05)
    out = robust(pts)
    print("sound:", bool((out >= l1[:, None] - 1e-5).all() and (out <= u1[:, None] + 1e-5).all()))

# a Lipschitz certificate: product of spectral norms bounds the network's L2 Lipschitz constant
weights = [m.weight for m in robust if isinstance(m, nn.Linear)]
sn = torch.stack([torch.linalg.matrix_norm(W.detach(), ord=2) for W in weights])
print("spectral norms:", sn)
print("svdvals top:", torch.stack([torch.linalg.svdvals(W.detach())[0] for W in weights]))
L = sn.prod()
with torch.no_grad():
    logits = robust(X)
    top2 = logits.topk(2, dim=1).values
    radius = (top2[:, 0] - top2[:, 1]) / (2 ** 0.5 * L)
print(f"Lipschitz bound {L.item():.3f}, median certified L2 radius {radius.median().item():.4f}")


# power iteration on W^T W as in spectral normalisation
def power_iter(W, iters=50):
    u = F.normalize(torch.randn(W.shape[0]), dim=0)
    for _ in range(iters):
        v = F.normalize(W.T @ u, dim=0)
        u = F.normalize(W @ v, dim=0)
    return torch.dot(u, W @ v)


print("power iteration:", torch.stack([power_iter(W.detach()) for W in weights]))
sn_layer = nn.utils.parametrizations.spectral_norm(nn.Linear(H, H))
print(sn_layer)
with torch.no_grad():
    for _ in range(30):
        sn_layer(torch.randn(2, H))
sn_layer.eval()
print("normalised sigma:", round(torch.linalg.matrix_norm(sn_layer.weight, ord=2).item(), 3))

# gradient masking checks: input gradients exist, are not vanishing, and match the Jacobian
params = {k: v.detach() for k, v in robust.named_parameters()}


def f_single(x):
    return functional_call(robust, params, (x,))


J = vmap(jacrev(f_single))(X[:5])
print("per-sample Jacobian", J.shape)
xg = X[:5].clone().requires_grad_(True)
out = robust(xg)
g, = torch.autograd.grad(out[:, 0].sum(), xg)
print("jacobian row 0 equals autograd:", torch.allclose(J[:, 0, :], g, atol=1e-6))
J2 = torch.autograd.functional.jacobian(f_single, X[0])
print("functional.jacobian:", torch.allclose(J2, J[0], atol=1e-6))
gn = torch.linalg.norm(J, dim=(1, 2))
print("input-gradient norms:", gn)
print("zero-gradient fraction:", (J.abs() < 1e-8).float().mean().item() < 0.9)
try:
    ibp(nn.Sequential(nn.Linear(D, 2), nn.Sigmoid()), X - 0.1, X + 0.1)
except TypeError as e:
    print("TypeError:", e)
try:
    torch.linalg.matrix_norm(weights[0].detach(), ord=3)
except RuntimeError as e:
    print("RuntimeError:", e)
