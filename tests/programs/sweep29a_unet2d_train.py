"""A course-style 2D U-Net for multi-class segmentation of synthetic 'organ' blobs:
skip connections, transposed convolutions, soft Dice + weighted cross-entropy, per-class metrics."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
NUM_CLASSES = 3


def make_batch(n, size=32):
    yy, xx = torch.meshgrid(torch.arange(size, dtype=torch.float32),
                            torch.arange(size, dtype=torch.float32), indexing="ij")
    images, labels = [], []
    for _ in range(n):
        cy, cx = torch.randint(8, size - 8, (2,)).tolist()
        r = torch.randint(4, 8, (1,)).item()
        disk = ((yy - cy) ** 2 + (xx - cx) ** 2) <= r ** 2
        ring = (((yy - cy) ** 2 + (xx - cx) ** 2) <= (r + 3) ** 2) & ~disk
        lab = torch.zeros(size, size, dtype=torch.long)
        lab[ring] = 1
        lab[disk] = 2
        img = lab.float() * 0.8 + 0.3 * torch.randn(size, size)
        images.append(img.unsqueeze(0))
        labels.append(lab)
    return torch.stack(images), torch.stack(labels)


class DoubleConv(nn.Sequential):
    def __init__(self, cin, cout):
        super().__init__(
            nn.Conv2d(cin, cout, 3, padding=1, bias=False),
            nn.BatchNorm2d(cout),
            nn.ReLU(inplace=True),
            nn.Conv2d(cout, cout, 3, padding=1, bias=False),
            nn.BatchNorm2d(cout),
            nn.ReLU(inplace=True),
        )


class UNet(nn.Module):
    def __init__(self, in_ch=1, n_classes=NUM_CLASSES, base=8):
        super().__init__()
        self.enc1 = DoubleConv(in_ch, base)
        self.enc2 = DoubleConv(base, base * 2)
        self.bottleneck = DoubleConv(base * 2, base * 4)
        self.pool = nn.MaxPool2d(2)
        self.up2 = nn.ConvTranspose2d(base * 4, base * 2, kernel_size=2, stride=2)
        self.dec2 = DoubleConv(base * 4, base * 2)
        self.up1 = nn.ConvTranspose2d(base * 2, base, kernel_size=2, stride=2)
        self.dec1 = DoubleConv(base * 2, base)
        self.head = nn.Conv2d(base, n_classes, kernel_size=1)

    def forward(self, x):
        e1 = self.enc1(x)
        e2 = self.enc2(self.pool(e1))
        b = self.bottleneck(self.pool(e2))
        d2 = self.up2(b)
        if d2.shape[-2:] != e2.shape[-2:]:
            d2 = F.interpolate(d2, size=e2.shape[-2:], mode="bilinear", align_corners=False)
        d2 = self.dec2(torch.cat([d2, e2], dim=1))
        d1 = self.up1(d2)
        d1 = self.dec1(torch.cat((d1, e1), 1))
        return self.head(d1)


def soft_dice_loss(logits, target, eps=1e-5):
    probs = logits.softmax(dim=1)
    onehot = F.one_hot(target, num_classes=probs.shape[1]).permute(0, 3, 1, 2).to(probs.dtype)
    dims = (0, 2, 3)
    inter = torch.sum(probs * onehot, dims)
    denom = torch.sum(probs, dims) + torch.sum(onehot, dims)
    dice = (2 * inter + eps) / (denom + eps)
    return 1 - dice.mean(), dice


model = UNet()
print(model.up2)
print(model.enc1)
n_params = sum(p.numel() for p in model.parameters() if p.requires_grad)
print("trainable parameters:", n_params)

x, y = make_batch(4)
print("batch:", x.shape, x.dtype, y.shape, y.dtype)
counts = torch.bincount(y.flatten(), minlength=NUM_CLASSES)
print("voxel counts per class:", counts)
freq = counts.float() / counts.sum()
class_weights = (1.0 / (freq + 1e-6))
class_weights = class_weights / class_weights.sum() * NUM_CLASSES
print("class weights:", class_weights)

ce = nn.CrossEntropyLoss(weight=class_weights)
opt = torch.optim.Adam(model.parameters(), lr=1e-2, betas=(0.9, 0.99))
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)

for step in range(6):
    model.train()
    opt.zero_grad()
    logits = model(x)
    dl, per_class = soft_dice_loss(logits, y)
    loss = dl + ce(logits, y)
    loss.backward()
    gnorm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=5.0)
    opt.step()
    sched.step()
    print(f"step {step}: loss={loss.item():.3f} dice={[round(d, 2) for d in per_class.tolist()]} "
          f"lr={sched.get_last_lr()[0]:.4f} grad_fn={loss.grad_fn.name()}")

model.eval()
with torch.no_grad():
    xt, yt = make_batch(2)
    pred = model(xt).argmax(dim=1)
print("pred:", pred.shape, pred.dtype)

# per-class confusion matrix via bincount
cm = torch.bincount(yt.flatten() * NUM_CLASSES + pred.flatten(),
                    minlength=NUM_CLASSES ** 2).reshape(NUM_CLASSES, NUM_CLASSES)
print("confusion matrix:\n", cm)
tp = cm.diag()
fp = cm.sum(0) - tp
fn = cm.sum(1) - tp
print(f"{'class':>6} {'dice':>7} {'iou':>7} {'sens':>7}")
for c in range(NUM_CLASSES):
    d = (2 * tp[c]) / (2 * tp[c] + fp[c] + fn[c]).clamp(min=1)
    iou = tp[c] / (tp[c] + fp[c] + fn[c]).clamp_min(1)
    sens = tp[c].float() / max(1, (tp[c] + fn[c]).item())
    print(f"{c:>6} {d.item():7.3f} {iou.item():7.3f} {sens.item():7.3f}")

print("bn running mean:", model.enc1[1].running_mean[:4])
print("num_batches_tracked:", model.enc1[1].num_batches_tracked)
print(model.head.weight.grad.shape, model.up1.weight.shape)
