"""A blog-post walk-through of "bag of tricks" regularisation for image classifiers: mixup and
CutMix written from scratch with torch.distributions.Beta and torch.randperm, soft-target cross
entropy, a hand-written focal loss checked against cross entropy, and SGD with Nesterov momentum under
CosineAnnealingWarmRestarts, all on tiny synthetic 'images'."""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import Beta

torch.manual_seed(0)
torch.set_printoptions(precision=4)

# ---- data: 3 classes of 1x8x8 patterns (a bar, a cross, a blob) plus noise -----------------------
def make_images(n):
    labels = torch.randint(0, 3, (n,))
    imgs = torch.zeros(n, 1, 8, 8)
    imgs[labels == 0, :, 3:5, :] = 1.0
    imgs[labels == 1, :, 3:5, :] = 1.0
    imgs[labels == 1, :, :, 3:5] = 1.0
    imgs[labels == 2, :, 2:6, 2:6] = 1.0
    return imgs + 0.3 * torch.randn_like(imgs), labels


x_train, y_train = make_images(96)
x_val, y_val = make_images(48)
print(x_train.shape, y_train[:10], torch.bincount(y_train))

# ---- the Beta distribution behind mixup ------------------------------------------------------------
beta = Beta(torch.tensor([0.4]), torch.tensor([0.4]))
print(beta, beta.batch_shape, beta.event_shape)
lams = beta.sample((5,))
print("lambda samples", lams.squeeze(), lams.shape)
print("mean", beta.mean, "variance", beta.variance)
print("log_prob(0.5)", beta.log_prob(torch.tensor([0.5])), "entropy", beta.entropy())
print("U-shaped:", beta.log_prob(torch.tensor([0.05])) > beta.log_prob(torch.tensor([0.5])))


def mixup(x, y, alpha=0.4, n_classes=3):
    lam = Beta(alpha, alpha).sample().item()
    index = torch.randperm(x.size(0))
    mixed = lam * x + (1 - lam) * x[index, :]
    y1 = F.one_hot(y, n_classes).float()
    return mixed, lam * y1 + (1 - lam) * y1[index], lam


def rand_bbox(size, lam):
    W, H = size[2], size[3]
    cut_rat = math.sqrt(1.0 - lam)
    cut_w, cut_h = int(W * cut_rat), int(H * cut_rat)
    cx = torch.randint(W, (1,)).item()
    cy = torch.randint(H, (1,)).item()
    bbx1, bby1 = np.clip(cx - cut_w // 2, 0, W), np.clip(cy - cut_h // 2, 0, H)
    bbx2, bby2 = np.clip(cx + cut_w // 2, 0, W), np.clip(cy + cut_h // 2, 0, H)
    return int(bbx1), int(bby1), int(bbx2), int(bby2)


def cutmix(x, y, alpha=1.0, n_classes=3):
    lam = torch.distributions.beta.Beta(torch.tensor(alpha), torch.tensor(alpha)).sample()
    index = torch.randperm(x.size(0))
    x1, y1_, x2, y2_ = rand_bbox(x.size(), lam.item())
    x = x.clone()
    x[:, :, x1:x2, y1_:y2_] = x[index, :, x1:x2, y1_:y2_]
    # adjust lambda to the exact pixel ratio
    lam = 1 - ((x2 - x1) * (y2_ - y1_) / (x.size(-1) * x.size(-2)))
    y1 = F.one_hot(y, n_classes).float()
    return x, lam * y1 + (1 - lam) * y1[index], lam


torch.manual_seed(1)
xm, ym, lam = mixup(x_train[:4], y_train[:4])
print(f"mixup lam={lam:.4f}", ym, ym.sum(1))
xc, yc, lam_c = cutmix(x_train[:4], y_train[:4])
print(f"cutmix lam={lam_c:.4f}", yc)
print("pixels changed per image:", (xc != x_train[:4]).flatten(1).sum(1).tolist())


def soft_cross_entropy(logits, soft_targets):
    return torch.sum(-soft_targets * F.log_softmax(logits, dim=-1), dim=-1).mean()


# soft-target CE == F.cross_entropy with probability targets
logits = torch.randn(4, 3, requires_grad=True)
a = soft_cross_entropy(logits, ym)
b = F.cross_entropy(logits, ym)
print("soft CE", a, b, torch.allclose(a, b))


class FocalLoss(nn.Module):
    """FL(p_t) = -alpha_t (1 - p_t)^gamma log(p_t)  (Lin et al., 2017)."""

    def __init__(self, gamma=2.0, alpha=None, reduction="mean"):
        super().__init__()
        self.gamma = gamma
        self.register_buffer("alpha", alpha)
        self.reduction = reduction

    def forward(self, logits, target):
        logp = F.log_softmax(logits, dim=1)
        logp_t = logp.gather(1, target.unsqueeze(1)).squeeze(1)
        p_t = logp_t.exp()
        loss = -((1 - p_t) ** self.gamma) * logp_t
        if self.alpha is not None:
            loss = loss * self.alpha[target]
        return loss.mean() if self.reduction == "mean" else loss

    def extra_repr(self):
        return f"gamma={self.gamma}, reduction={self.reduction!r}"


fl0 = FocalLoss(gamma=0.0)
t = torch.tensor([0, 2, 1, 1])
print(fl0, "gamma=0 equals CE:", torch.allclose(fl0(logits, t), F.cross_entropy(logits, t)))
fl = FocalLoss(gamma=2.0, alpha=torch.tensor([0.25, 0.5, 0.25]), reduction="none")
per = fl(logits, t)
print(fl, per, per.grad_fn.name(), per.grad_fn.next_functions[0][0].name())
per.sum().backward()
print("focal grad", logits.grad)
print("buffers:", [(k, v.tolist()) for k, v in fl.named_buffers()], list(fl.state_dict()))

# ---- training with mixup / cutmix and warm restarts ------------------------------------------------
class SmallNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(inplace=True), nn.AdaptiveAvgPool2d(1))
        self.head = nn.Linear(16, 3)

    def forward(self, x):
        return self.head(torch.flatten(self.features(x), 1))


torch.manual_seed(3)
net = SmallNet()
opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9, nesterov=True, weight_decay=5e-4)
sched = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=4, T_mult=2, eta_min=1e-3)
print(opt)
lrs = []
batches = 4
for epoch in range(12):
    net.train()
    perm = torch.randperm(len(x_train))
    total = 0.0
    for i in range(batches):
        idx = perm[i * 24:(i + 1) * 24]
        xb, yb = x_train[idx], y_train[idx]
        r = torch.rand(1).item()
        if r < 0.4:
            xb, tb, _ = mixup(xb, yb)
        elif r < 0.8:
            xb, tb, _ = cutmix(xb, yb)
        else:
            tb = F.one_hot(yb, 3).float()
        loss = soft_cross_entropy(net(xb), tb)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step(epoch + (i + 1) / batches)     # fractional epochs, as in the docs' example
        total += loss.item()
    lrs.append(opt.param_groups[0]["lr"])
    if epoch % 3 == 2:
        net.eval()
        with torch.no_grad():
            acc = (net(x_val).argmax(1) == y_val).float().mean()
        print(f"epoch {epoch:2d} loss {total / batches:.3f} val acc {acc:.3f} T_cur={sched.T_cur:.2f} T_i={sched.T_i}")
print("lr at epoch ends:", [f"{v:.4f}" for v in lrs])
print(sched.state_dict()["T_0"], sched.state_dict()["T_mult"], sched.last_epoch == 12, sched.get_last_lr()[0] > 0)

try:
    torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=0)
except ValueError as e:
    print(type(e).__name__, e)
try:
    torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=1.5)
except ValueError as e:
    print(type(e).__name__, e)
try:
    Beta(torch.tensor([-1.0]), torch.tensor([1.0]))
except ValueError as e:
    print(type(e).__name__, str(e).split(" but found")[0])
