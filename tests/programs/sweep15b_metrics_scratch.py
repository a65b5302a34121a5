"""A course notebook on evaluation metrics written from first principles with tensors: the
confusion matrix via bincount, precision / recall / F1 (micro, macro, weighted), ROC and
precision-recall curves with sort + cumsum (ties handled the way sklearn does), AUC by the
trapezoid rule and by the rank-sum (Mann-Whitney) formula, average precision, and torchmetrics-style
stateful metric classes with update / compute / reset that accumulate across batches."""
import torch
import torch.nn.functional as F

torch.manual_seed(7)
torch.set_printoptions(precision=4, sci_mode=False)

# ---- a synthetic "model": scores that are informative but noisy --------------------------------
n, C = 60, 4
target = torch.randint(0, C, (n,))
logits = 1.2 * F.one_hot(target, C).float() + torch.randn(n, C)
probs = logits.softmax(dim=-1)
preds = probs.argmax(dim=-1)
print("target[:12]", target[:12])
print("preds[:12] ", preds[:12])


# ---- confusion matrix ---------------------------------------------------------------------------
def confusion_matrix(preds, target, num_classes):
    idx = target * num_classes + preds
    return torch.bincount(idx, minlength=num_classes ** 2).reshape(num_classes, num_classes)


cm = confusion_matrix(preds, target, C)
print(cm, cm.dtype)
cm2 = torch.zeros(C, C, dtype=torch.long).index_put_((target, preds), torch.ones(n, dtype=torch.long),
                                                     accumulate=True)
print("index_put_ agrees:", torch.equal(cm, cm2))
print("normalised over true labels:\n", cm / cm.sum(dim=1, keepdim=True))

tp = cm.diag()
fp = cm.sum(0) - tp
fn = cm.sum(1) - tp
support = cm.sum(1)
precision = tp / (tp + fp).clamp(min=1)
recall = tp / (tp + fn)
f1 = torch.where(precision + recall > 0, 2 * precision * recall / (precision + recall), torch.zeros(()))
print("tp fp fn", tp.tolist(), fp.tolist(), fn.tolist())
print("precision", precision)
print("recall   ", recall)
print("f1       ", f1)
print(f"accuracy {tp.sum().item() / n:.4f} | macro F1 {f1.mean():.4f} | "
      f"weighted F1 {(f1 * support).sum() / support.sum():.4f} | micro F1 {tp.sum() / (tp.sum() + fp.sum()):.4f}")
print(f"balanced accuracy {recall.mean():.4f}")
# Matthews correlation (multiclass form)
t_sum, p_sum = cm.sum(1).double(), cm.sum(0).double()
c, s = cm.trace().double(), cm.sum().double()
mcc = (c * s - t_sum @ p_sum) / torch.sqrt((s ** 2 - p_sum @ p_sum) * (s ** 2 - t_sum @ t_sum))
print("MCC", mcc, mcc.dtype)


# ---- binary ROC / PR: class 0 vs rest -----------------------------------------------------------
def binary_clf_curve(scores, labels):
    desc = torch.argsort(scores, descending=True, stable=True)
    scores, labels = scores[desc], labels[desc]
    distinct = torch.nonzero(torch.diff(scores)).squeeze(1)
    thr_idx = torch.cat([distinct, torch.tensor([labels.numel() - 1])])
    tps = torch.cumsum(labels, dim=0)[thr_idx]
    fps = 1 + thr_idx - tps
    return fps, tps, scores[thr_idx]


def roc_curve(scores, labels):
    fps, tps, thr = binary_clf_curve(scores, labels)
    fps = torch.cat([torch.zeros(1, dtype=fps.dtype), fps])
    tps = torch.cat([torch.zeros(1, dtype=tps.dtype), tps])
    thr = torch.cat([torch.tensor([float("inf")]), thr])
    return fps / fps[-1], tps / tps[-1], thr


def precision_recall_curve(scores, labels):
    fps, tps, thr = binary_clf_curve(scores, labels)
    prec = tps / (tps + fps)
    rec = tps / tps[-1]
    # reverse so recall is decreasing, and append the (1, 0) end point
    return torch.cat([prec.flip(0), torch.ones(1)]), torch.cat([rec.flip(0), torch.zeros(1)]), thr.flip(0)


y_bin = (target == 0).long()
s_bin = probs[:, 0].round(decimals=1)        # coarse scores -> plenty of ties
fpr, tpr, thr = roc_curve(s_bin, y_bin)
print("thresholds", thr)
print("fpr", fpr)
print("tpr", tpr)
auc_trapz = torch.trapezoid(tpr, fpr)
print(f"ROC-AUC (trapezoid) {auc_trapz:.4f}")


def auc_rank(scores, labels):
    # Mann-Whitney U with average ranks for ties
    order = scores.argsort()
    ranks = torch.empty_like(scores)
    ranks[order] = torch.arange(1, len(scores) + 1, dtype=scores.dtype)
    uniq, inv, counts = torch.unique(scores, return_inverse=True, return_counts=True)
    mean_rank = torch.zeros_like(uniq).scatter_add_(0, inv, ranks) / counts
    ranks = mean_rank[inv]
    n_pos = labels.sum()
    n_neg = len(labels) - n_pos
    return (ranks[labels == 1].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


print(f"ROC-AUC (rank-sum)  {auc_rank(s_bin.double(), y_bin):.4f}")
prec, rec, pr_thr = precision_recall_curve(s_bin, y_bin)
print("precision", prec)
print("recall   ", rec)
ap = -torch.sum(torch.diff(rec) * prec[:-1])
print(f"average precision {ap:.4f}")
best = torch.argmax(2 * prec * rec / (prec + rec + 1e-12))
print(f"best F1 threshold {pr_thr[best.clamp(max=len(pr_thr) - 1)]:.2f} (index {best.item()})")
# one-vs-rest macro AUC over all classes with the un-rounded scores
aucs = torch.stack([torch.trapezoid(*roc_curve(probs[:, k], (target == k).long())[1::-1]) for k in range(C)])
print("OvR AUCs", aucs, f"macro {aucs.mean():.4f}")


# ---- torchmetrics-style accumulators ------------------------------------------------------------
class Metric:
    full_state_update = False

    def __init__(self):
        self._defaults = {}

    def add_state(self, name, default):
        self._defaults[name] = default.clone()
        setattr(self, name, default.clone())

    def reset(self):
        for k, v in self._defaults.items():
            setattr(self, k, v.clone())

    def __call__(self, *args):
        self.update(*args)
        return self

    def __repr__(self):
        return f"{type(self).__name__}({', '.join(f'{k}={getattr(self, k).tolist()}' for k in self._defaults)})"


class MulticlassConfusion(Metric):
    def __init__(self, num_classes):
        super().__init__()
        self.num_classes = num_classes
        self.add_state("confmat", torch.zeros(num_classes, num_classes, dtype=torch.long))

    @torch.no_grad()
    def update(self, logits, target):
        self.confmat += confusion_matrix(logits.argmax(-1), target, self.num_classes)

    def compute(self):
        tp = self.confmat.diag().float()
        return {"acc": tp.sum() / self.confmat.sum(),
                "macro_f1": (2 * tp / (self.confmat.sum(0) + self.confmat.sum(1)).clamp(min=1)).mean()}


class MeanMetric(Metric):
    def __init__(self):
        super().__init__()
        self.add_state("total", torch.tensor(0.0, dtype=torch.float64))
        self.add_state("weight", torch.tensor(0.0, dtype=torch.float64))

    def update(self, value, weight=1.0):
        value = torch.as_tensor(value, dtype=torch.float64)
        self.total += (value * weight).sum()
        self.weight += torch.as_tensor(weight, dtype=torch.float64).expand_as(value).sum()

    def compute(self):
        return self.total / self.weight


class BinnedAUROC(Metric):
    """Streaming AUROC with fixed thresholds (constant memory, like torchmetrics' thresholds=N)."""

    def __init__(self, thresholds=11):
        super().__init__()
        self.thresholds = torch.linspace(0, 1, thresholds)
        self.add_state("tps", torch.zeros(thresholds))
        self.add_state("fps", torch.zeros(thresholds))
        self.add_state("pos", torch.tensor(0.0))
        self.add_state("neg", torch.tensor(0.0))

    def update(self, scores, labels):
        above = scores.unsqueeze(0) >= self.thresholds.unsqueeze(1)     # (T, N)
        self.tps += (above & labels.bool()).sum(1)
        self.fps += (above & ~labels.bool()).sum(1)
        self.pos += labels.sum()
        self.neg += (1 - labels).sum()

    def compute(self):
        tpr = torch.cat([self.tps / self.pos, torch.zeros(1)])
        fpr = torch.cat([self.fps / self.neg, torch.zeros(1)])
        return -torch.trapezoid(tpr, fpr)


conf, loss_avg, bauc = MulticlassConfusion(C), MeanMetric(), BinnedAUROC(11)
for batch_logits, batch_target in zip(logits.split(16), target.split(16)):
    conf.update(batch_logits, batch_target)
    loss_avg.update(F.cross_entropy(batch_logits, batch_target, reduction="none"))
    bauc(batch_logits.softmax(-1)[:, 0], (batch_target == 0).long())
print(conf)
res = conf.compute()
print({k: round(v.item(), 4) for k, v in res.items()})
print(f"streaming mean CE {loss_avg.compute():.4f} vs full {F.cross_entropy(logits, target):.4f}")
print(f"binned AUROC {bauc.compute():.4f}", bauc.tps.tolist())
loss_avg.reset()
print(loss_avg, loss_avg.compute())
loss_avg.update(torch.tensor([1.0, 3.0]), weight=torch.tensor([3.0, 1.0]))
print(loss_avg, loss_avg.compute().item())

# mistakes students make
try:
    torch.bincount(torch.tensor([0, -1, 2]))
except RuntimeError as e:
    print(type(e).__name__, e)
try:
    torch.bincount(torch.tensor([[0, 1]]))
except RuntimeError as e:
    print(type(e).__name__, e)
try:
    torch.trapezoid(torch.ones(3), torch.ones(4))
except RuntimeError as e:
    print(type(e).__name__, e)
print(torch.bincount(torch.tensor([0, 1, 1, 3]), weights=torch.tensor([0.5, 1.0, 1.5, 2.0])))
print(torch.bincount(torch.tensor([], dtype=torch.long), minlength=3))
