"""A course lesson ("dealing with class imbalance and plateaus") in the fast.ai spirit of checking every
formula by hand: WeightedRandomSampler with and without replacement, SubsetRandomSampler and
random_split with generators, CrossEntropyLoss's weight / label_smoothing / ignore_index worked out
by hand, BCEWithLogitsLoss pos_weight, torchvision-style sigmoid focal loss, and the
ReduceLROnPlateau and CosineAnnealingWarmRestarts schedules printed epoch by epoch."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import (BatchSampler, ConcatDataset, DataLoader, Subset, SubsetRandomSampler,
                              TensorDataset, WeightedRandomSampler, random_split)

torch.manual_seed(42)
torch.set_printoptions(precision=4)

# ---- samplers ---------------------------------------------------------------------------------
labels = torch.tensor([0] * 12 + [1] * 3 + [2] * 1)
class_count = torch.bincount(labels)
weights = 1.0 / class_count.float()
sample_weights = weights[labels]
print("class_count", class_count, "sample weights", sample_weights.unique())

g = torch.Generator().manual_seed(0)
wrs = WeightedRandomSampler(sample_weights, num_samples=24, replacement=True, generator=g)
drawn = list(wrs)
print(len(wrs), drawn)
print("drawn per class", torch.bincount(labels[drawn], minlength=3).tolist())
wrs_nr = WeightedRandomSampler(sample_weights.tolist(), num_samples=6, replacement=False,
                               generator=torch.Generator().manual_seed(1))
print("without replacement", list(wrs_nr), wrs_nr.weights.dtype, wrs_nr.replacement)
try:
    list(WeightedRandomSampler([1.0, 1.0], num_samples=3, replacement=False))
except RuntimeError as e:
    print(type(e).__name__, e)
try:
    WeightedRandomSampler([1.0, 1.0], num_samples=2, replacement="no")
except ValueError as e:
    print(type(e).__name__, e)

srs = SubsetRandomSampler(torch.arange(10, 16), generator=torch.Generator().manual_seed(3))
print("SubsetRandomSampler", list(srs), len(srs))
print("in batches", list(BatchSampler(srs, batch_size=4, drop_last=False)))

ds = TensorDataset(torch.arange(16).float().unsqueeze(1), labels)
train_ds, val_ds = random_split(ds, [0.75, 0.25], generator=torch.Generator().manual_seed(42))
print(type(train_ds).__name__, len(train_ds), len(val_ds), val_ds.indices)
nested = Subset(train_ds, [0, 1, 2])
print("nested subset", [int(nested[i][0]) for i in range(3)], [train_ds.indices[i] for i in range(3)])
both = ConcatDataset([val_ds, nested])
print("concat", len(both), both.cumulative_sizes, both[5][1])
try:
    random_split(ds, [10, 10])
except ValueError as e:
    print(type(e).__name__, e)

dl = DataLoader(ds, batch_size=8, sampler=wrs)
for xb, yb in dl:
    print("batch", xb.squeeze(1).long().tolist(), yb.tolist())

# ---- cross entropy, by hand -------------------------------------------------------------------
logits = torch.randn(5, 3, requires_grad=True)
target = torch.tensor([0, 2, 1, -100, 2])
w = torch.tensor([0.2, 1.0, 3.0])
eps = 0.1
loss = F.cross_entropy(logits, target, weight=w, label_smoothing=eps, ignore_index=-100)
keep = target != -100
logp = F.log_softmax(logits[keep], dim=1)
t = target[keep]
nll = -(w[t] * logp.gather(1, t[:, None]).squeeze(1)).sum() / w[t].sum()
smooth = -(logp * w).sum(1).sum() / w[t].sum() / 3
by_hand = (1 - eps) * nll + eps * smooth
print(f"F.cross_entropy {loss.item():.5f} by hand {by_hand.item():.5f}", type(loss.grad_fn).__name__)
print(F.cross_entropy(logits, target, weight=w, reduction="none", label_smoothing=eps))
print(F.cross_entropy(logits, target, reduction="sum", ignore_index=-100))
loss.backward()
print("grad rows of ignored sample are zero:", logits.grad[3].abs().sum().item() == 0.0)
print(logits.grad)
# probability targets with smoothing
soft = torch.tensor([[0.7, 0.2, 0.1]]).expand(2, 3)
print(F.cross_entropy(logits[:2].detach(), soft, label_smoothing=0.2))
try:
    F.cross_entropy(logits, target, weight=torch.ones(4))
except RuntimeError as e:
    print(type(e).__name__, e)
try:
    F.cross_entropy(logits, torch.tensor([0, 1, 2, 3, 1]))
except IndexError as e:
    print(type(e).__name__, e)

# ---- binary imbalance: pos_weight and focal loss ------------------------------------------------
z = torch.randn(8)
y = torch.tensor([1.0, 0, 0, 0, 0, 0, 1, 0])
pos_weight = (y == 0).sum() / (y == 1).sum()
crit = nn.BCEWithLogitsLoss(pos_weight=pos_weight)
print(crit, pos_weight, f"{crit(z, y).item():.5f}")
manual = -(pos_weight * y * F.logsigmoid(z) + (1 - y) * F.logsigmoid(-z)).mean()
print(f"manual {manual.item():.5f}")
# multi-label: one pos_weight per label column, broadcast over the batch
Z, Y = torch.randn(6, 3), (torch.rand(6, 3) < torch.tensor([0.5, 0.2, 0.1])).float()
pw = ((Y == 0).sum(0) / Y.sum(0).clamp(min=1)).clamp(max=10)
print("per-label pos_weight", pw, nn.BCEWithLogitsLoss(pos_weight=pw, reduction="none")(Z, Y).sum(0))
for bad in (torch.ones(6), torch.ones(2, 6, 3)):
    try:
        nn.BCEWithLogitsLoss(pos_weight=bad)(Z, Y)
    except RuntimeError as e:
        print(type(e).__name__, e)
try:
    F.binary_cross_entropy_with_logits(Z, Y, weight=torch.ones(6))
except RuntimeError as e:
    print(type(e).__name__, e)


def sigmoid_focal_loss(inputs, targets, alpha=0.25, gamma=2.0, reduction="none"):
    p = torch.sigmoid(inputs)
    ce_loss = F.binary_cross_entropy_with_logits(inputs, targets, reduction="none")
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = ce_loss * ((1 - p_t) ** gamma)
    if alpha >= 0:
        alpha_t = alpha * targets + (1 - alpha) * (1 - targets)
        loss = alpha_t * loss
    if reduction == "mean":
        loss = loss.mean()
    elif reduction == "sum":
        loss = loss.sum()
    return loss


print(sigmoid_focal_loss(z, y))
print(f"{sigmoid_focal_loss(z, y, reduction='mean').item():.5f}",
      f"{sigmoid_focal_loss(z, y, gamma=0.0, alpha=-1, reduction='mean').item():.5f}",
      f"{F.binary_cross_entropy_with_logits(z, y).item():.5f}")

# ---- ReduceLROnPlateau, epoch by epoch ----------------------------------------------------------
model = nn.Linear(3, 1)
opt = torch.optim.SGD([{"params": [model.weight]}, {"params": [model.bias], "lr": 0.5}], lr=1.0)
plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="max", factor=0.3, patience=1, threshold=0.01,
                                                     threshold_mode="abs", cooldown=1, min_lr=[0.05, 0.1])
val_f1 = [0.50, 0.60, 0.605, 0.61, 0.70, 0.69, 0.70, 0.705, 0.70, 0.70, 0.70]
for epoch, score in enumerate(val_f1):
    plateau.step(score)
    print(f"epoch {epoch} f1 {score:.3f} lrs {[round(gr['lr'], 4) for gr in opt.param_groups]} "
          f"best {plateau.best:.3f} bad {plateau.num_bad_epochs} cooldown {plateau.cooldown_counter}")
sd = plateau.state_dict()
print(sorted(k for k in sd if not k.startswith("_")), sd["mode"], sd["min_lrs"], plateau.get_last_lr())
try:
    torch.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=1.0)
except ValueError as e:
    print(type(e).__name__, e)
try:
    torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="median")
except ValueError as e:
    print(type(e).__name__, e)
try:
    torch.optim.lr_scheduler.ReduceLROnPlateau(opt, min_lr=[0.1])
except ValueError as e:
    print(type(e).__name__, e)

# ---- CosineAnnealingWarmRestarts ------------------------------------------------------------------
opt2 = torch.optim.AdamW(model.parameters(), lr=0.01)
cawr = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt2, T_0=3, T_mult=2, eta_min=1e-4)
sched_lrs = []
for epoch in range(12):
    opt2.step()
    cawr.step()
    sched_lrs.append(cawr.get_last_lr()[0])
print([f"{v:.5f}" for v in sched_lrs])
print("restarts at", [i for i in range(1, 12) if sched_lrs[i] > sched_lrs[i - 1]], cawr.T_i, cawr.T_cur)
cawr.step(20)          # jump to an explicit epoch
print(cawr.last_epoch, cawr.T_i, cawr.T_cur, f"{opt2.param_groups[0]['lr']:.5f}")
print({k: v for k, v in cawr.state_dict().items() if k in ("T_0", "T_i", "T_mult", "eta_min", "T_cur")})
