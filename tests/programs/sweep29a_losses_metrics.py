"""Segmentation losses and metrics written by hand: Tversky, focal, generalized Dice,
boundary extraction with max-pooling, Hausdorff distance via cdist, and intensity normalisation."""
import torch
import torch.nn.functional as F

torch.manual_seed(3)
torch.set_printoptions(precision=4)

B, C, H, W = 2, 3, 24, 24
logits = torch.randn(B, C, H, W, requires_grad=True)
target = torch.randint(0, C, (B, H, W))
target[:, :4, :] = 255  # an unlabelled border that the losses must ignore


def tversky_loss(logits, target, alpha=0.3, beta=0.7, ignore_index=255, smooth=1.0):
    valid = (target != ignore_index)
    t = target.masked_fill(~valid, 0)
    p = torch.softmax(logits, dim=1) * valid.unsqueeze(1)
    oh = F.one_hot(t, C).movedim(-1, 1).float() * valid.unsqueeze(1)
    tp = (p * oh).sum(dim=(2, 3))
    fp = (p * (1 - oh)).sum(dim=(2, 3))
    fn = ((1 - p) * oh).sum(dim=(2, 3))
    tv = (tp + smooth) / (tp + alpha * fp + beta * fn + smooth)
    return (1 - tv).mean()


def focal_loss(logits, target, gamma=2.0, ignore_index=255):
    logp = F.log_softmax(logits, dim=1)
    ce = F.nll_loss(logp, target, reduction="none", ignore_index=ignore_index)
    pt = torch.exp(-ce)
    loss = (1 - pt) ** gamma * ce
    mask = target != ignore_index
    return loss[mask].mean()


def generalized_dice(logits, target, ignore_index=255, eps=1e-6):
    valid = target.ne(ignore_index)
    t = torch.where(valid, target, torch.zeros_like(target))
    p = logits.softmax(1)
    oh = torch.zeros_like(p).scatter_(1, t.unsqueeze(1), 1.0)
    p = p * valid[:, None]
    oh = oh * valid[:, None]
    w = 1.0 / (oh.sum(dim=(0, 2, 3)) ** 2 + eps)
    num = 2 * (w * (p * oh).sum(dim=(0, 2, 3))).sum()
    den = (w * (p + oh).sum(dim=(0, 2, 3))).sum()
    return 1 - num / den


losses = {
    "tversky": tversky_loss(logits, target),
    "focal": focal_loss(logits, target),
    "gdice": generalized_dice(logits, target),
    "ce_ls": F.cross_entropy(logits, target, ignore_index=255, label_smoothing=0.1),
    "ce_w": F.cross_entropy(logits, target, weight=torch.tensor([0.2, 1.0, 2.0]), ignore_index=255),
}
for name, l in losses.items():
    g, = torch.autograd.grad(l, logits, retain_graph=True)
    print(f"{name:8s} {l.item():.4f} grad|.|={g.abs().sum().item():.4f} fn={type(l.grad_fn).__name__}")
print("grad on ignored pixels is zero:",
      torch.autograd.grad(losses["focal"], logits)[0][:, :, :4].abs().max().item() == 0.0)

# binary case: BCE with logits and pos_weight, soft dice on sigmoid
bl = torch.randn(B, 1, H, W, requires_grad=True)
bt = (torch.rand(B, 1, H, W) > 0.8).float()
bce = F.binary_cross_entropy_with_logits(bl, bt, pos_weight=torch.tensor([4.0]))
bce_none = F.binary_cross_entropy_with_logits(bl, bt, reduction="none")
print("bce:", round(bce.item(), 4), bce_none.shape, bce_none.grad_fn.name())
prob = torch.sigmoid(bl)
bce2 = F.binary_cross_entropy(prob, bt)
print("bce via probs:", f"{bce2.item():.4f}", bce2.grad_fn.name(), bce2.grad_fn.next_functions[0][0].name())
(bce + bce2).backward()
print("grad stats:", f"{bl.grad.mean().item():.6f}", f"{bl.grad.std().item():.6f}")

# boundaries by morphological erosion: x - erode(x), erode = -maxpool(-x)
mask = torch.zeros(1, 1, 16, 16)
mask[..., 3:10, 4:12] = 1
mask[..., 11:14, 2:5] = 1
pred_mask = torch.roll(mask, shifts=(1, -2), dims=(2, 3))
pred_mask[..., 0, :] = 0


def boundary(m):
    eroded = -F.max_pool2d(-m, kernel_size=3, stride=1, padding=1)
    return (m - eroded).clamp_(0, 1)


bg, bp = boundary(mask), boundary(pred_mask)
print("boundary pixels:", int(bg.sum()), int(bp.sum().item()))
pg = torch.nonzero(bg[0, 0]).float()
pp = bp[0, 0].nonzero(as_tuple=False).to(torch.float32)
d = torch.cdist(pg, pp)
print("cdist:", d.shape, d.dtype)
hd = torch.max(d.min(dim=1).values.max(), d.min(dim=0).values.max())
print("Hausdorff:", f"{hd.item():.4f}")
d_gp = d.min(1).values
hd95 = torch.quantile(torch.cat([d_gp, d.amin(0)]), 0.95)
print("HD95:", f"{hd95.item():.4f}", "ASSD:", f"{torch.cat([d_gp, d.amin(0)]).mean().item():.4f}")
print("cdist p=1 max:", torch.cdist(pg, pp, p=1).max().item())
print("kthvalue:", torch.kthvalue(d_gp, 3).values, torch.kthvalue(d_gp.unique(), 2))
print("topk:", d_gp.topk(3, largest=True, sorted=True).values)

# intensity normalisation as in MONAI's ScaleIntensityRangePercentiles
ct = torch.randn(2, 20, 20) * 300 + 40
ct[0, 0, :5] = 3000.0
lo, hi = torch.quantile(ct.flatten(), torch.tensor([0.01, 0.99])).unbind()
print("percentiles:", f"{lo.item():.2f}", f"{hi.item():.2f}")
norm = ((ct.clamp(lo, hi) - lo) / (hi - lo))
print("normalised range:", norm.min().item(), norm.max().item(), norm.dtype)
q = torch.quantile(ct, 0.5, dim=1, keepdim=True, interpolation="nearest")
print("median per row:", q.shape, torch.equal(q, ct.median(dim=1, keepdim=True).values))
nz = ct.clone()
nz[nz < 0] = float("nan")
print("nanmean/nanmedian:", f"{nz.nanmean().item():.2f}", f"{nz.nanmedian().item():.2f}")
print("nanquantile:", torch.nanquantile(nz[1, 0], 0.25).isnan().item())
z = (ct - ct.mean(dim=(1, 2), keepdim=True)) / ct.std(dim=(1, 2), keepdim=True, unbiased=True)
print("z-score:", z.mean(dim=(1, 2)).abs().max().item() < 1e-5, f"{z.std().item():.4f}")
try:
    torch.quantile(ct.flatten(), 1.5)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.quantile(ct.long(), 0.5)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    F.one_hot(torch.tensor([0, 3]), num_classes=3)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    F.cross_entropy(logits, target.float())
except RuntimeError as e:
    print("RuntimeError:", str(e)[:80])
