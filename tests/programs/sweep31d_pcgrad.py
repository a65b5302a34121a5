"""Gradient surgery for multi-task learning (PCGrad, Yu et al. 2020).

Per-task gradients of the shared parameters come from torch.autograd.grad, are flattened with
parameters_to_vector-style concatenation, projected onto the normal plane of any conflicting task
gradient, summed and written back."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils import parameters_to_vector, vector_to_parameters

torch.manual_seed(1)

T, N, D = 3, 120, 6
X = torch.randn(N, D)
# three regression tasks; the third conflicts with the first
W = torch.randn(T, D)
W[2] = -0.8 * W[0] + 0.3 * torch.randn(D)
Y = X @ W.T + 0.05 * torch.randn(N, T)
print("task correlation:\n", torch.corrcoef(Y.T))


class MTL(nn.Module):
    def __init__(self):
        super().__init__()
        self.shared = nn.Sequential(nn.Linear(D, 16), nn.Tanh(), nn.Linear(16, 16), nn.SiLU())
        self.towers = nn.ModuleList([nn.Linear(16, 1) for _ in range(T)])

    def forward(self, x):
        z = self.shared(x)
        return torch.cat([tw(z) for tw in self.towers], dim=1)


def flat_grad(loss, params, retain):
    grads = torch.autograd.grad(loss, params, retain_graph=retain, allow_unused=True)
    return torch.cat([(torch.zeros_like(p) if g is None else g).flatten() for g, p in zip(grads, params)])


def pcgrad(grads, gen):
    projected = grads.clone()
    n_conflicts = 0
    for i in range(len(grads)):
        order = torch.randperm(len(grads), generator=gen)
        for j in order.tolist():
            if j == i:
                continue
            dot = torch.dot(projected[i], grads[j])
            if dot < 0:
                projected[i] -= dot / grads[j].pow(2).sum() * grads[j]
                n_conflicts += 1
    return projected.sum(0), n_conflicts


def run(method, steps=60):
    torch.manual_seed(2)
    net = MTL()
    shared = list(net.shared.parameters())
    opt = torch.optim.SGD(net.parameters(), lr=0.03, momentum=0.8, nesterov=True)
    gen = torch.Generator().manual_seed(123)
    hist = []
    for step in range(steps):
        pred = net(X)
        losses = F.mse_loss(pred, Y, reduction="none").mean(0)
        opt.zero_grad()
        if method == "sum":
            losses.sum().backward()
            conflicts = 0
        else:
            G = torch.stack([flat_grad(losses[t], shared, retain=True) for t in range(T)])
            cos = F.cosine_similarity(G.unsqueeze(1), G.unsqueeze(0), dim=-1)
            merged, conflicts = pcgrad(G, gen)
            # towers get their ordinary gradients; the trunk gets the surgery result
            losses.sum().backward(inputs=[p for tw in net.towers for p in tw.parameters()])
            offset = 0
            for p in shared:
                n = p.numel()
                p.grad = merged[offset:offset + n].view_as(p).clone()
                offset += n
            if step == 0:
                print("initial cosine matrix:\n", cos.detach().round(decimals=3))
        opt.step()
        hist.append(losses.detach())
        if step % 20 == 19:
            print(f"{method:6s} step {step + 1:3d} losses {[round(v, 3) for v in losses.tolist()]} conflicts {conflicts}")
    return net, torch.stack(hist)


net_sum, h_sum = run("sum")
net_pc, h_pc = run("pcgrad")
print("final losses sum   :", h_sum[-1])
print("final losses pcgrad:", h_pc[-1])
print("best step per task (pcgrad):", h_pc.argmin(dim=0))

vec = parameters_to_vector(net_pc.shared.parameters())
print("shared vector:", vec.shape, vec.dtype, f"{vec.norm().item():.3f}")
vector_to_parameters(torch.zeros_like(vec), net_pc.shared.parameters())
print("zeroed trunk output:", net_pc.shared(X[:2]).abs().sum().item())
try:
    vector_to_parameters(vec[:-1], net_pc.shared.parameters())
except Exception as e:
    print(type(e).__name__, ":", e)
try:
    parameters_to_vector(torch.ones(3))
except TypeError as e:
    print("TypeError:", e)

# the projection removes exactly the conflicting component
g1 = torch.tensor([1.0, 0.0, 2.0])
g2 = torch.tensor([-1.0, 1.0, 0.0])
p = g1 - torch.dot(g1, g2) / g2.dot(g2) * g2
print("projected:", p, "dot after:", torch.dot(p, g2).item())
print("inner:", torch.inner(g1, g2), "outer:\n", torch.outer(g1, g2))
