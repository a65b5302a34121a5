"""Regularisation-based continual learning: Learning without Forgetting (distillation from a frozen
copy of the previous model) and Elastic Weight Consolidation (a diagonal Fisher penalty), on a
multi-head network that grows a new head for each task."""
import copy

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import Categorical

torch.manual_seed(7)

D, H = 12, 24


def make_task(seed, n_cls, n=160):
    g = torch.Generator().manual_seed(seed)
    centers = torch.randn(n_cls, D, generator=g) * 0.6
    y = torch.randint(0, n_cls, (n,), generator=g)
    x = centers[y] + torch.randn(n, D, generator=g)
    return x, y


TASKS = [make_task(100 + t, c) for t, c in enumerate([3, 2, 4])]


class MultiHead(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Linear(D, H), nn.LeakyReLU(0.1), nn.Linear(H, H), nn.Hardswish())
        self.heads = nn.ModuleList()
        self.register_buffer("n_updates", torch.zeros((), dtype=torch.long))

    def add_head(self, n_cls):
        self.heads.append(nn.Linear(H, n_cls))

    def forward(self, x, task):
        return self.heads[task](self.features(x))


def distill(new_logits, old_logits, T=2.0):
    """KL(old || new) on temperature-softened distributions, scaled by T^2."""
    return F.kl_div(F.log_softmax(new_logits / T, dim=1), F.softmax(old_logits / T, dim=1),
                    reduction="batchmean") * T * T


def fisher_diag(model, x, y, task):
    fisher = {n: torch.zeros_like(p) for n, p in model.features.named_parameters()}
    for i in range(0, len(x), 16):
        model.zero_grad()
        logits = model(x[i:i + 16], task)
        # empirical Fisher from labels sampled from the model's own predictive distribution
        sampled = Categorical(logits=logits).sample()
        F.nll_loss(F.log_softmax(logits, 1), sampled).backward()
        for n, p in model.features.named_parameters():
            fisher[n] += p.grad.detach() ** 2 * len(x[i:i + 16]) / len(x)
    return fisher


def run(method, lam):
    torch.manual_seed(11)
    model = MultiHead()
    old, fishers, anchors = None, [], []
    acc = torch.full((3, 3), float("nan"))
    for t, (x, y) in enumerate(TASKS):
        model.add_head(int(y.max()) + 1)
        opt = torch.optim.RMSprop(model.parameters(), lr=3e-3, alpha=0.9)
        for epoch in range(30):
            perm = torch.randperm(len(x))
            for b in perm.split(40):
                loss = F.cross_entropy(model(x[b], t), y[b])
                reg = torch.zeros(())
                if method == "lwf" and old is not None:
                    for k in range(t):
                        with torch.no_grad():
                            target = old(x[b], k)
                        reg = reg + distill(model(x[b], k), target)
                if method == "ewc":
                    for fisher, anchor in zip(fishers, anchors):
                        for n, p in model.features.named_parameters():
                            reg = reg + (fisher[n] * (p - anchor[n]).pow(2)).sum()
                opt.zero_grad()
                (loss + lam * reg).backward()
                opt.step()
                model.n_updates += 1
        if method == "ewc":
            fishers.append(fisher_diag(model, x, y, t))
            anchors.append({n: p.detach().clone() for n, p in model.features.named_parameters()})
        old = copy.deepcopy(model).eval()
        for p in old.parameters():
            p.requires_grad_(False)
        with torch.no_grad():
            for j in range(t + 1):
                xj, yj = TASKS[j]
                acc[t, j] = (model(xj, j).argmax(1) == yj).float().mean()
    return model, acc, fishers


for method, lam in [("naive", 0.0), ("lwf", 1.0), ("ewc", 50.0)]:
    model, acc, fishers = run(method, lam)
    print(f"== {method} (lambda={lam}) ==")
    print(acc)
    diag = acc.diagonal()
    final = acc[-1]
    print("mean final acc:", f"{final.mean().item():.4f}",
          "max forgetting:", f"{(diag[:-1] - final[:-1]).max().item():.4f}",
          "updates:", model.n_updates.item())
    if fishers:
        f0 = fishers[0]
        print("fisher keys:", list(f0))
        print("fisher totals (x1e3):", [f"{1e3 * v.sum().item():.4f}" for v in f0.values()])
        top = torch.topk(f0["0.weight"].flatten(), 3)
        print("largest fisher entries at:", top.indices.tolist())

print(model)
sd = model.state_dict()
print("state_dict:", [(k, tuple(v.shape)) for k, v in sd.items()])
frozen = copy.deepcopy(model)
frozen.requires_grad_(False)
print("frozen trainable:", sum(p.requires_grad for p in frozen.parameters()), "of", len(list(frozen.parameters())))
print("deepcopy shares storage:", frozen.features[0].weight.data_ptr() == model.features[0].weight.data_ptr())

# distillation sanity checks
a = torch.tensor([[2.0, 0.5, -1.0], [0.1, 0.2, 0.3]])
print("self-distillation:", distill(a, a).abs().item() < 1e-6)
print("distill to uniform:", f"{distill(a, torch.zeros_like(a)).item():.4f}")
print("entropy of old predictions:", Categorical(logits=a).entropy())
try:
    model(TASKS[0][0], 5)
except IndexError as e:
    print("IndexError:", e)
try:
    model.load_state_dict({k: v for k, v in sd.items() if not k.startswith("heads.2")})
except RuntimeError as e:
    print("RuntimeError:", e)
res = model.load_state_dict({k: v for k, v in sd.items() if k != "n_updates"}, strict=False)
print(res)
