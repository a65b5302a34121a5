"""Continual learning on permuted-input tasks: naive fine-tuning, experience replay with a reservoir
buffer, and A-GEM (Chaudhry et al. 2019), with the accuracy matrix and forgetting measures."""
import random

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
random.seed(0)

D, C, N_TASKS, N_PER = 16, 4, 3, 192
prototypes = torch.randn(C, D) * 1.5


def make_base(n):
    y = torch.randint(0, C, (n,))
    x = prototypes[y] + 0.8 * torch.randn(n, D)
    return x, y


base_train, base_test = make_base(N_PER), make_base(96)
perms = [torch.arange(D)] + [torch.randperm(D) for _ in range(N_TASKS - 1)]
print("perm 1:", perms[1])
tasks = []
for p in perms:
    tasks.append(((base_train[0][:, p], base_train[1]), (base_test[0].index_select(1, p), base_test[1])))


class Reservoir:
    def __init__(self, capacity, gen):
        self.capacity = capacity
        self.x = torch.empty(capacity, D)
        self.y = torch.empty(capacity, dtype=torch.long)
        self.seen = 0
        self.gen = gen

    def add(self, xb, yb):
        for xi, yi in zip(xb, yb):
            if self.seen < self.capacity:
                self.x[self.seen] = xi
                self.y[self.seen] = yi
            else:
                j = torch.randint(0, self.seen + 1, (1,), generator=self.gen).item()
                if j < self.capacity:
                    self.x[j], self.y[j] = xi, yi
            self.seen += 1

    def __len__(self):
        return min(self.seen, self.capacity)

    def sample(self, k):
        idx = torch.randperm(len(self), generator=self.gen)[:k]
        return self.x[idx], self.y[idx]


def evaluate(net, data):
    net.eval()
    with torch.inference_mode():
        x, y = data
        return (net(x).argmax(1) == y).float().mean().item()


def flat_grads(net):
    return torch.cat([p.grad.reshape(-1) for p in net.parameters()])


def assign_grads(net, vec):
    i = 0
    for p in net.parameters():
        p.grad.copy_(vec[i:i + p.numel()].view_as(p))
        i += p.numel()


def train(method):
    torch.manual_seed(10)
    net = nn.Sequential(nn.Linear(D, 32), nn.ReLU(), nn.Linear(32, C))
    opt = torch.optim.SGD(net.parameters(), lr=0.05)
    buf = Reservoir(64, torch.Generator().manual_seed(5))
    acc = torch.zeros(N_TASKS, N_TASKS)
    projections = 0
    for t, (train_data, _) in enumerate(tasks):
        loader = DataLoader(TensorDataset(*train_data), batch_size=32, shuffle=True,
                            generator=torch.Generator().manual_seed(t))
        net.train()
        for epoch in range(4):
            for xb, yb in loader:
                if method == "replay" and len(buf) > 0:
                    mx, my = buf.sample(16)
                    xb_all, yb_all = torch.cat([xb, mx]), torch.cat([yb, my])
                    loss = F.cross_entropy(net(xb_all), yb_all)
                    opt.zero_grad()
                    loss.backward()
                elif method == "agem" and len(buf) > 0:
                    mx, my = buf.sample(32)
                    opt.zero_grad()
                    F.cross_entropy(net(mx), my).backward()
                    g_ref = flat_grads(net).clone()
                    opt.zero_grad()
                    F.cross_entropy(net(xb), yb).backward()
                    g = flat_grads(net)
                    dot = g @ g_ref
                    if dot < 0:
                        g = g - dot / (g_ref @ g_ref) * g_ref
                        assign_grads(net, g)
                        projections += 1
                else:
                    opt.zero_grad()
                    F.cross_entropy(net(xb), yb).backward()
                opt.step()
        if method != "naive":
            buf.add(*train_data)
        for j in range(N_TASKS):
            acc[t, j] = evaluate(net, tasks[j][1])
    return acc, projections, buf


results = {}
for method in ["naive", "replay", "agem"]:
    acc, n_proj, buf = train(method)
    results[method] = acc
    final = acc[-1]
    avg = final.mean()
    forgetting = (acc[:-1, :-1].max(dim=0).values - final[:-1])
    bwt = (final[:-1] - acc.diagonal()[:-1]).mean()
    print(f"== {method} ==")
    print(acc)
    print(f"avg acc {avg.item():.4f} forgetting {[round(v, 4) for v in forgetting.tolist()]} BWT {bwt.item():.4f}")
    if method == "agem":
        print("A-GEM projections:", n_proj)
    if method != "naive":
        print("buffer size", len(buf), "seen", buf.seen, "label histogram", torch.bincount(buf.y, minlength=C).tolist())

table = torch.stack([results[m][-1] for m in results])
print("final accuracy table:\n", table)
print("best method per task:", [list(results)[i] for i in table.argmax(0).tolist()])
print("upper triangle (future tasks):", torch.triu(results["naive"], diagonal=1).sum().item() > 0)

try:
    Reservoir(4, torch.Generator()).sample(2)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.randint(0, 0, (1,))
except RuntimeError as e:
    print("RuntimeError:", e)
