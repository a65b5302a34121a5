"""torchmetrics-style metric objects for a training framework: states registered as buffers with a
reduction, update / compute / reset / merge, a running mean, accuracy with top-k, a confusion matrix
built with bincount, per-class precision / recall / F1 (macro, micro, weighted), a binary AUROC, and
a MetricCollection that prints a table at the end of an epoch."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Metric(nn.Module):
    full_state_update = False

    def __init__(self):
        super().__init__()
        self._defaults, self._reductions = {}, {}

    def add_state(self, name, default, dist_reduce_fx="sum"):
        self.register_buffer(name, default.clone(), persistent=False)
        self._defaults[name] = default.clone()
        self._reductions[name] = dist_reduce_fx

    def reset(self):
        for name, d in self._defaults.items():
            setattr(self, name, d.clone())

    def merge_state(self, other):
        for name, fx in self._reductions.items():
            a, b = getattr(self, name), getattr(other, name)
            if fx == "sum":
                setattr(self, name, a + b)
            elif fx == "max":
                setattr(self, name, torch.maximum(a, b))
            elif fx == "cat":
                setattr(self, name, torch.cat([a, b]))
            else:
                raise ValueError(f"unknown reduction {fx!r}")

    def forward(self, *args):
        # batch value without disturbing the accumulated state
        saved = {n: getattr(self, n).clone() for n in self._defaults}
        self.reset()
        self.update(*args)
        val = self.compute()
        for n, v in saved.items():
            setattr(self, n, v)
        self.update(*args)
        return val


class MeanMetric(Metric):
    def __init__(self):
        super().__init__()
        self.add_state("total", torch.tensor(0.0, dtype=torch.float64))
        self.add_state("weight", torch.tensor(0.0, dtype=torch.float64))

    def update(self, value, weight=1.0):
        value = torch.as_tensor(value, dtype=torch.float64)
        weight = torch.broadcast_to(torch.as_tensor(weight, dtype=torch.float64), value.shape)
        self.total += (value * weight).sum()
        self.weight += weight.sum()

    def compute(self):
        return self.total / self.weight


class MaxMetric(Metric):
    def __init__(self):
        super().__init__()
        self.add_state("max_value", torch.tensor(-float("inf")), dist_reduce_fx="max")

    def update(self, value):
        self.max_value = torch.maximum(self.max_value, torch.as_tensor(value, dtype=torch.float32).max())

    def compute(self):
        return self.max_value


class Accuracy(Metric):
    def __init__(self, top_k=1):
        super().__init__()
        self.top_k = top_k
        self.add_state("correct", torch.tensor(0))
        self.add_state("total", torch.tensor(0))

    def update(self, preds, target):
        if preds.ndim != target.ndim + 1:
            raise ValueError(f"Expected preds of shape (N, C) and target (N,), got {tuple(preds.shape)} and {tuple(target.shape)}")
        topk = preds.topk(self.top_k, dim=1).indices
        self.correct += (topk == target.unsqueeze(1)).any(dim=1).sum()
        self.total += target.numel()

    def compute(self):
        return self.correct.float() / self.total


class ConfusionMatrix(Metric):
    def __init__(self, num_classes, normalize=None):
        super().__init__()
        self.num_classes, self.normalize = num_classes, normalize
        self.add_state("confmat", torch.zeros(num_classes, num_classes, dtype=torch.long))

    def update(self, preds, target):
        if preds.is_floating_point():
            preds = preds.argmax(dim=1)
        unique = target * self.num_classes + preds
        self.confmat += torch.bincount(unique, minlength=self.num_classes ** 2).reshape(self.num_classes, self.num_classes)

    def compute(self):
        cm = self.confmat
        if self.normalize == "true":
            return cm / cm.sum(dim=1, keepdim=True).clamp(min=1)
        if self.normalize == "pred":
            return cm / cm.sum(dim=0, keepdim=True).clamp(min=1)
        if self.normalize == "all":
            return cm / cm.sum()
        return cm


class F1Score(ConfusionMatrix):
    def __init__(self, num_classes, average="macro"):
        super().__init__(num_classes)
        self.average = average

    def compute(self):
        cm = self.confmat
        tp = cm.diagonal()
        fp = cm.sum(0) - tp
        fn = cm.sum(1) - tp
        if self.average == "micro":
            tp, fp, fn = tp.sum(), fp.sum(), fn.sum()
        precision = torch.where(tp + fp > 0, tp / (tp + fp), torch.zeros_like(tp, dtype=torch.float))
        recall = torch.where(tp + fn > 0, tp / (tp + fn), torch.zeros_like(tp, dtype=torch.float))
        f1 = torch.nan_to_num(2 * precision * recall / (precision + recall))
        if self.average in ("micro", "none"):
            return f1
        if self.average == "weighted":
            support = cm.sum(1).float()
            return (f1 * support).sum() / support.sum()
        return f1.mean()


class BinaryAUROC(Metric):
    def __init__(self):
        super().__init__()
        self.add_state("preds", torch.empty(0), dist_reduce_fx="cat")
        self.add_state("target", torch.empty(0, dtype=torch.long), dist_reduce_fx="cat")

    def update(self, preds, target):
        self.preds = torch.cat([self.preds, preds.detach().flatten()])
        self.target = torch.cat([self.target, target.flatten()])

    def compute(self):
        order = torch.argsort(self.preds, descending=True, stable=True)
        t = self.target[order].float()
        tps = torch.cumsum(t, 0)
        fps = torch.cumsum(1 - t, 0)
        tpr = torch.cat([torch.zeros(1), tps / tps[-1]])
        fpr = torch.cat([torch.zeros(1), fps / fps[-1]])
        return torch.trapezoid(tpr, fpr)


class MetricCollection(nn.ModuleDict):
    def __init__(self, metrics, prefix=""):
        super().__init__()
        # ModuleDict.__init__ would call our update(); fill it with ModuleDict's own
        nn.ModuleDict.update(self, metrics)
        self.prefix = prefix

    def update(self, *args):
        for m in self.values():
            m.update(*args)

    def compute(self):
        return {self.prefix + k: m.compute() for k, m in self.items()}

    def reset(self):
        for m in self.values():
            m.reset()


torch.manual_seed(3)
n_cls = 4
W = torch.randn(6, n_cls)
model = nn.Linear(6, n_cls)
opt = torch.optim.SGD(model.parameters(), lr=0.3)

collection = MetricCollection({
    "acc": Accuracy(), "acc_top2": Accuracy(top_k=2),
    "f1_macro": F1Score(n_cls), "f1_micro": F1Score(n_cls, "micro"), "f1_weighted": F1Score(n_cls, "weighted"),
}, prefix="val_")
print(collection)
loss_mean = MeanMetric()
worst = MaxMetric()
print(len(list(collection.buffers())), [n for n, _ in collection.named_buffers()][:3])
print("state_dict has no metric states:", list(collection.state_dict()))

for epoch in range(3):
    loss_mean.reset()
    for step in range(6):
        x = torch.randn(32, 6)
        y = (x @ W + 0.8 * torch.randn(32, n_cls)).argmax(1)
        loss = F.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        loss_mean.update(loss.detach(), weight=len(y))
        worst.update(loss.detach())
    collection.reset()
    with torch.no_grad():
        for _ in range(3):
            x = torch.randn(40, 6)
            y = (x @ W + 0.8 * torch.randn(40, n_cls)).argmax(1)
            collection.update(model(x), y)
    res = collection.compute()
    print(f"epoch {epoch} | loss {loss_mean.compute():.4f} | " + " | ".join(f"{k} {v:.4f}" for k, v in res.items()))
print("worst batch loss:", f"{worst.compute():.4f}", loss_mean.weight, loss_mean.total.dtype)

print("== confusion matrix ==")
cm = ConfusionMatrix(n_cls)
torch.manual_seed(5)
preds = torch.randint(0, n_cls, (50,))
target = torch.where(torch.rand(50) < 0.6, preds, torch.randint(0, n_cls, (50,)))
cm.update(preds, target)
print(cm.compute())
for norm in ("true", "pred", "all"):
    cm.normalize = norm
    print(norm, cm.compute())
f1n = F1Score(n_cls, "none")
batch_f1 = f1n(preds, target)
print("per-class f1:", batch_f1)
print("sklearn-style support:", f1n.confmat.sum(1), f1n.confmat.diagonal())
# forward() returns the batch value but keeps accumulating
f1n(preds[:20], target[:20])
print(f1n.confmat.sum().item(), f1n.compute())

print("== merge (as across ranks) ==")
a, b = Accuracy(), Accuracy()
a.update(torch.eye(n_cls)[preds[:25]], target[:25])
b.update(torch.eye(n_cls)[preds[25:]], target[25:])
full = Accuracy()
full.update(torch.eye(n_cls)[preds], target)
a.merge_state(b)
print(a.correct, a.total, a.compute(), full.compute())
m1, m2 = MaxMetric(), MaxMetric()
m1.update(torch.tensor([1.0, 3.0]))
m2.update(torch.tensor([2.5]))
m1.merge_state(m2)
print(m1.compute())

print("== AUROC ==")
torch.manual_seed(9)
scores = torch.rand(60)
labels = (scores + 0.35 * torch.randn(60) > 0.5).long()
auroc = BinaryAUROC()
for i in range(0, 60, 20):
    auroc.update(scores[i:i + 20], labels[i:i + 20])
print(auroc.preds.shape, auroc.target.dtype, f"{auroc.compute().item():.4f}")
# rank-based (Mann-Whitney) check of the same number
pos, neg = scores[labels == 1], scores[labels == 0]
u = (pos[:, None] > neg[None, :]).float().mean()
print(f"{u.item():.4f}", pos.numel(), neg.numel())
auroc.reset()
print(auroc.preds, auroc.target)

print("== errors ==")
try:
    Accuracy().update(torch.randn(4), torch.tensor([0, 1, 2, 3]))
except ValueError as e:
    print("ValueError:", e)
try:
    torch.bincount(torch.tensor([1, -1, 2]))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.bincount(torch.tensor([[1, 2]]))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.bincount(torch.tensor([1.0, 2.0]))
except RuntimeError as e:
    print("RuntimeError:", e)
print(torch.bincount(torch.tensor([0, 2, 2]), weights=torch.tensor([0.5, 1.0, 0.25])))
print(torch.bincount(torch.tensor([], dtype=torch.long), minlength=3))
print(torch.bincount(torch.tensor([1, 1, 3], dtype=torch.uint8), weights=torch.tensor([1, 2, 3], dtype=torch.int32)))
bad = MeanMetric()
bad._reductions["total"] = "mean"
try:
    bad.merge_state(MeanMetric())
except ValueError as e:
    print("ValueError:", e)
