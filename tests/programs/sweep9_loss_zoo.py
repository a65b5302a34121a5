"""A tour of less common losses as course notebooks show them: Huber, PoissonNLL, GaussianNLL,
MultiLabelSoftMargin, MarginRanking, CosineEmbedding, HingeEmbedding, TripletMarginWithDistance,
a hand-written focal loss and a label-smoothed CE, plus nn.Bilinear; reprs, grads and a tiny fit."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(11)

pred = torch.randn(6, requires_grad=True)
target = torch.randn(6) * 2
for crit in [nn.HuberLoss(delta=0.5), nn.SmoothL1Loss(beta=0.5), nn.L1Loss(reduction="sum"),
             nn.HuberLoss(reduction="none", delta=2.0)]:
    out = crit(pred, target)
    print(crit, out.detach().round(decimals=4), out.grad_fn.name())

rate_log = torch.randn(5, requires_grad=True)
counts = torch.poisson(torch.full((5,), 3.0))
pn = nn.PoissonNLLLoss()
print(pn, counts, round(pn(rate_log, counts).item(), 4))
print(round(nn.PoissonNLLLoss(log_input=False, full=True)(rate_log.exp(), counts).item(), 4))

mu = torch.randn(4, 2, requires_grad=True)
var = torch.rand(4, 2) + 0.1
yt = torch.randn(4, 2)
gn = nn.GaussianNLLLoss()
loss = gn(mu, yt, var)
print(gn, round(loss.item(), 4), loss.grad_fn.name())
print(F.gaussian_nll_loss(mu, yt, var[:, :1], full=True, reduction="none").detach().round(decimals=4))
loss.backward()
print(mu.grad.round(decimals=4))

logits = torch.randn(3, 4, requires_grad=True)
multi = torch.tensor([[1, 0, 1, 0], [0, 0, 0, 1], [1, 1, 0, 0]], dtype=torch.float)
mls = nn.MultiLabelSoftMarginLoss(weight=torch.tensor([1.0, 2.0, 1.0, 0.5]))
print(mls, round(mls(logits, multi).item(), 4), round(F.binary_cross_entropy_with_logits(logits, multi).item(), 4))

x1, x2 = torch.randn(5), torch.randn(5)
yr = torch.tensor([1, -1, 1, 1, -1], dtype=torch.float)
print(nn.MarginRankingLoss(margin=0.2)(x1, x2, yr).item().__round__(4))
e1, e2 = torch.randn(5, 8), torch.randn(5, 8)
print(nn.CosineEmbeddingLoss(margin=0.1), round(nn.CosineEmbeddingLoss(margin=0.1)(e1, e2, yr).item(), 4))
dist = F.pairwise_distance(e1, e2)
print(dist.round(decimals=4), round(nn.HingeEmbeddingLoss(margin=3.0)(dist, yr).item(), 4))

anchor, pos, neg = torch.randn(4, 8, requires_grad=True), torch.randn(4, 8), torch.randn(4, 8)
tm = nn.TripletMarginLoss(margin=1.0, p=2, swap=True)
cos_dist = lambda a, b: 1.0 - F.cosine_similarity(a, b)
tmd = nn.TripletMarginWithDistanceLoss(distance_function=cos_dist, margin=0.5)
print(tm, round(tm(anchor, pos, neg).item(), 4))
print(round(tmd(anchor, pos, neg).item(), 4), tmd(anchor, pos, neg).grad_fn.name())


def focal_loss(inputs, targets, alpha=0.25, gamma=2.0, reduction="mean"):
    ce_loss = F.cross_entropy(inputs, targets, reduction="none")
    pt = torch.exp(-ce_loss)
    loss = alpha * (1 - pt) ** gamma * ce_loss
    return loss.mean() if reduction == "mean" else loss


def sigmoid_focal_loss(inputs, targets, alpha=0.25, gamma=2):
    p = torch.sigmoid(inputs)
    ce = F.binary_cross_entropy_with_logits(inputs, targets, reduction="none")
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = ce * ((1 - p_t) ** gamma)
    alpha_t = alpha * targets + (1 - alpha) * (1 - targets)
    return (alpha_t * loss).sum() / targets.shape[0]


cls_logits = torch.randn(6, 3, requires_grad=True)
cls_t = torch.tensor([0, 2, 1, 1, 0, 2])
fl = focal_loss(cls_logits, cls_t)
print(round(fl.item(), 4), fl.grad_fn.name(), focal_loss(cls_logits, cls_t, reduction="none").detach().round(decimals=4))
print(round(sigmoid_focal_loss(logits, multi).item(), 4))
for eps in (0.0, 0.1, 0.3):
    print(eps, round(F.cross_entropy(cls_logits, cls_t, label_smoothing=eps).item(), 4))
soft = F.one_hot(cls_t, 3).float() * 0.9 + 0.1 / 3
print(round(F.cross_entropy(cls_logits, soft).item(), 4), round(F.cross_entropy(cls_logits, cls_t, label_smoothing=0.1).item(), 4))

bil = nn.Bilinear(3, 4, 2)
print(bil, bil.weight.shape, bil.bias.shape)
u, v = torch.randn(5, 3), torch.randn(5, 4)
out = bil(u, v)
manual = torch.einsum("bi,oij,bj->bo", u, bil.weight, v) + bil.bias
print(out.shape, out.grad_fn.name(), (out - manual).abs().max().item() < 1e-5)

# ---- a tiny fit: heteroscedastic regression with GaussianNLL ---------------------------------------
X = torch.linspace(-2, 2, 64).unsqueeze(1)
Y = torch.sin(2 * X) + (0.1 + 0.3 * X.abs()) * torch.randn_like(X)
net = nn.Sequential(nn.Linear(1, 32), nn.Tanh(), nn.Linear(32, 2))
opt = torch.optim.Adam(net.parameters(), lr=0.02)
for step in range(60):
    out = net(X)
    mean, logvar = out[:, :1], out[:, 1:]
    loss = gn(mean, Y, logvar.exp())
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 15 == 0:
        print(f"step {step:2d} nll {loss.item():.4f} huber {F.huber_loss(mean, Y).item():.4f}")
with torch.no_grad():
    sd = net(torch.tensor([[0.0], [1.8]]))[:, 1].exp().sqrt()
print(sd.round(decimals=2))
