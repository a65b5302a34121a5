"""Elastic weight consolidation for continual learning, in the style of the classic EWC tutorials
(Kirkpatrick et al. reproductions on permuted/split tasks): train on task A, estimate the diagonal
Fisher information from squared log-likelihood gradients (empirical and sampled), keep a deepcopy of
the old parameters (detached clones in a dict), then train on task B with the quadratic penalty
lambda/2 * sum F (theta - theta*)^2, comparing forgetting with and without EWC; also online EWC
(running Fisher with a decay) registered as buffers."""
import copy
from collections import OrderedDict

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset


def make_task(seed, perm=None, n=96):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 8, generator=g)
    w = torch.randn(8, 3, generator=g)
    y = (x @ w).argmax(dim=1)
    if perm is not None:
        x = x[:, perm]
    return TensorDataset(x, y)


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(OrderedDict([
            ("fc1", nn.Linear(8, 16)), ("act", nn.ReLU()), ("fc2", nn.Linear(16, 3))]))

    def forward(self, x):
        return self.net(x)


def variable(t: torch.Tensor, **kw):
    return t.clone().detach().requires_grad_(False)


class EWC(object):
    def __init__(self, model: nn.Module, dataset, empirical=True):
        self.model = model
        self.dataset = dataset
        self.params = {n: p for n, p in self.model.named_parameters() if p.requires_grad}
        self._means = {}
        for n, p in copy.deepcopy(self.params).items():
            self._means[n] = variable(p.data)
        self._precision_matrices = self._diag_fisher(empirical)

    def _diag_fisher(self, empirical):
        precision_matrices = {}
        for n, p in copy.deepcopy(self.params).items():
            p.data.zero_()
            precision_matrices[n] = variable(p.data)
        self.model.eval()
        for x, y in DataLoader(self.dataset, batch_size=1):
            self.model.zero_grad()
            output = self.model(x).view(1, -1)
            if empirical:
                label = y
            else:
                label = output.max(1)[1].view(-1)
            loss = F.nll_loss(F.log_softmax(output, dim=1), label)
            loss.backward()
            for n, p in self.model.named_parameters():
                precision_matrices[n].data += p.grad.data ** 2 / len(self.dataset)
        precision_matrices = {n: p for n, p in precision_matrices.items()}
        return precision_matrices

    def penalty(self, model: nn.Module):
        loss = 0
        for n, p in model.named_parameters():
            _loss = self._precision_matrices[n] * (p - self._means[n]) ** 2
            loss += _loss.sum()
        return loss


def train_epoch(model, opt, loader, ewc=None, importance=0.0):
    model.train()
    epoch_loss = 0.0
    for x, y in loader:
        opt.zero_grad()
        out = model(x)
        loss = F.cross_entropy(out, y)
        if ewc is not None:
            loss = loss + importance * ewc.penalty(model)
        epoch_loss += loss.item()
        loss.backward()
        opt.step()
    return epoch_loss / len(loader)


@torch.no_grad()
def accuracy(model, ds):
    model.eval()
    x, y = ds.tensors
    return (model(x).argmax(1) == y).float().mean().item()


torch.manual_seed(0)
perm = torch.randperm(8)
print("perm", perm.tolist())
task_a, task_b = make_task(1), make_task(2, perm)
loader_a = DataLoader(task_a, batch_size=16, shuffle=True)
loader_b = DataLoader(task_b, batch_size=16, shuffle=True)

model = MLP()
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
for epoch in range(4):
    l = train_epoch(model, opt, loader_a)
print(f"task A loss {l:.4f} acc {accuracy(model, task_a):.4f}")
after_a = copy.deepcopy(model)
print("deepcopy is separate", after_a.net.fc1.weight is not model.net.fc1.weight,
      torch.equal(after_a.net.fc1.weight, model.net.fc1.weight), after_a.net.fc1.weight.requires_grad)

ewc = EWC(model, task_a)
for n, f in ewc._precision_matrices.items():
    print(f"fisher {n:14s} {tuple(f.shape)} mean {f.mean().item():.5f} max {f.max().item():.5f}",
          f.requires_grad, f.grad_fn)
ewc_sampled = EWC(model, task_a, empirical=False)
print("sampled fisher", {n: round(v.sum().item(), 4) for n, v in ewc_sampled._precision_matrices.items()})
print("penalty at means", ewc.penalty(model).item())

plain = copy.deepcopy(after_a)
opt_p = torch.optim.SGD(plain.parameters(), lr=0.1, momentum=0.9)
opt_e = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
torch.manual_seed(3)
for epoch in range(4):
    lp = train_epoch(plain, opt_p, loader_b)
    le = train_epoch(model, opt_e, loader_b, ewc=ewc, importance=50.0)
    print(f"epoch {epoch} plain {lp:.4f} ewc {le:.4f} penalty {ewc.penalty(model).item():.4f}")
print(f"plain: A {accuracy(plain, task_a):.4f} B {accuracy(plain, task_b):.4f}")
print(f"ewc:   A {accuracy(model, task_a):.4f} B {accuracy(model, task_b):.4f}")
drift = {n: (p - ewc._means[n]).norm().item() for n, p in model.named_parameters()}
print("drift", {k: round(v, 3) for k, v in drift.items()})


# online EWC: Fisher and anchor stored as buffers, so they travel in the state_dict
class OnlineEWCNet(MLP):
    def __init__(self, gamma=0.9):
        super().__init__()
        self.gamma = gamma
        for n, p in self.named_parameters():
            n = n.replace(".", "__")
            self.register_buffer(f"{n}_mean", torch.zeros_like(p))
            self.register_buffer(f"{n}_fisher", torch.zeros_like(p))
        self.register_buffer("tasks_seen", torch.tensor(0))

    def consolidate(self, loader):
        est = {n: torch.zeros_like(p) for n, p in self.named_parameters()}
        count = 0
        for x, y in loader:
            self.zero_grad()
            logp = F.log_softmax(self(x), dim=1)
            nll = -logp.gather(1, y.unsqueeze(1)).mean()
            grads = torch.autograd.grad(nll, list(self.parameters()))
            for (n, _), g in zip(self.named_parameters(), grads):
                est[n] += g.detach().pow(2) * x.size(0)
            count += x.size(0)
        for n, p in self.named_parameters():
            b = n.replace(".", "__")
            old = getattr(self, f"{b}_fisher")
            setattr(self, f"{b}_fisher", self.gamma * old + est[n] / count)
            getattr(self, f"{b}_mean").copy_(p.detach())
        self.tasks_seen += 1

    def ewc_loss(self):
        if self.tasks_seen.item() == 0:
            return torch.tensor(0.)
        losses = []
        for n, p in self.named_parameters():
            b = n.replace(".", "__")
            losses.append((getattr(self, f"{b}_fisher") * (p - getattr(self, f"{b}_mean")) ** 2).sum())
        return 0.5 * sum(losses)


torch.manual_seed(7)
net = OnlineEWCNet()
print("buffers", [n for n, _ in net.named_buffers()][:4], len(list(net.buffers())))
print("ewc loss before", net.ewc_loss())
opt = torch.optim.Adam(net.parameters(), lr=0.01)
for task, loader in enumerate([loader_a, loader_b]):
    for epoch in range(2):
        for x, y in loader:
            loss = F.cross_entropy(net(x), y) + 20 * net.ewc_loss()
            opt.zero_grad()
            loss.backward()
            opt.step()
    net.consolidate(loader)
    f = net.net__fc2__weight_fisher
    print(f"task {task} loss {loss.item():.4f} tasks_seen {net.tasks_seen} fisher fc2 {f.sum().item():.5f}")
sd = net.state_dict()
print("state_dict", len(sd), [k for k in sd if "fisher" in k][:2], sd["tasks_seen"])
clone = OnlineEWCNet()
print(clone.load_state_dict(sd))
print("reloaded ewc loss", round(clone.ewc_loss().item(), 6) == round(net.ewc_loss().item(), 6))
