"""A tiny U-Net for binary segmentation of synthetic "cells" (blog-post style): DoubleConv blocks,
ConvTranspose2d up-sampling, torch.cat skip connections, Dice + BCEWithLogits loss, sigmoid thresholds,
IoU / pixel accuracy metrics, and a prediction printed as ASCII art."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
np.random.seed(0)


def make_blobs(n, size=16):
    """Images with 1-2 bright discs on noise; the mask marks the discs."""
    yy, xx = torch.meshgrid(torch.arange(size), torch.arange(size), indexing="ij")
    imgs = torch.zeros(n, 1, size, size)
    masks = torch.zeros(n, 1, size, size)
    for i in range(n):
        for _ in range(np.random.randint(1, 3)):
            cy, cx = np.random.randint(3, size - 3, size=2)
            r = np.random.uniform(2.0, 4.0)
            disc = ((yy - cy) ** 2 + (xx - cx) ** 2).float() <= r ** 2
            masks[i, 0][disc] = 1.0
        imgs[i] = masks[i] * 0.8 + 0.3 * torch.randn(1, size, size)
    return imgs, masks


class DoubleConv(nn.Module):
    """(conv => BN => ReLU) * 2"""

    def __init__(self, in_ch, out_ch, mid_ch=None):
        super().__init__()
        if not mid_ch:
            mid_ch = out_ch
        self.double_conv = nn.Sequential(
            nn.Conv2d(in_ch, mid_ch, kernel_size=3, padding=1, bias=False),
            nn.BatchNorm2d(mid_ch),
            nn.ReLU(inplace=True),
            nn.Conv2d(mid_ch, out_ch, kernel_size=3, padding=1, bias=False),
            nn.BatchNorm2d(out_ch),
            nn.ReLU(inplace=True),
        )

    def forward(self, x):
        return self.double_conv(x)


class Down(nn.Module):
    def __init__(self, in_ch, out_ch):
        super().__init__()
        self.maxpool_conv = nn.Sequential(nn.MaxPool2d(2), DoubleConv(in_ch, out_ch))

    def forward(self, x):
        return self.maxpool_conv(x)


class Up(nn.Module):
    def __init__(self, in_ch, out_ch, bilinear=False):
        super().__init__()
        if bilinear:
            self.up = nn.Upsample(scale_factor=2, mode="bilinear", align_corners=True)
            self.conv = DoubleConv(in_ch, out_ch, in_ch // 2)
        else:
            self.up = nn.ConvTranspose2d(in_ch, in_ch // 2, kernel_size=2, stride=2)
            self.conv = DoubleConv(in_ch, out_ch)

    def forward(self, x1, x2):
        x1 = self.up(x1)
        # input is CHW; pad in case the sizes do not divide evenly
        diffY = x2.size()[2] - x1.size()[2]
        diffX = x2.size()[3] - x1.size()[3]
        x1 = F.pad(x1, [diffX // 2, diffX - diffX // 2, diffY // 2, diffY - diffY // 2])
        x = torch.cat([x2, x1], dim=1)
        return self.conv(x)


class UNet(nn.Module):
    def __init__(self, n_channels=1, n_classes=1, base=4, bilinear=False):
        super().__init__()
        self.inc = DoubleConv(n_channels, base)
        self.down1 = Down(base, base * 2)
        self.down2 = Down(base * 2, base * 4)
        factor = 2 if bilinear else 1
        self.down3 = Down(base * 4, base * 8 // factor)
        self.up1 = Up(base * 8, base * 4 // factor, bilinear)
        self.up2 = Up(base * 4, base * 2 // factor, bilinear)
        self.up3 = Up(base * 2, base, bilinear)
        self.outc = nn.Conv2d(base, n_classes, kernel_size=1)

    def forward(self, x):
        x1 = self.inc(x)
        x2 = self.down1(x1)
        x3 = self.down2(x2)
        x4 = self.down3(x3)
        x = self.up1(x4, x3)
        x = self.up2(x, x2)
        x = self.up3(x, x1)
        return self.outc(x)


def dice_coeff(pred, target, eps=1e-6):
    inter = (pred * target).sum(dim=(1, 2, 3))
    union = pred.sum(dim=(1, 2, 3)) + target.sum(dim=(1, 2, 3))
    return ((2 * inter + eps) / (union + eps)).mean()


class DiceBCELoss(nn.Module):
    def __init__(self, weight=0.5):
        super().__init__()
        self.bce = nn.BCEWithLogitsLoss()
        self.weight = weight

    def forward(self, logits, target):
        probs = torch.sigmoid(logits)
        return self.weight * self.bce(logits, target) + (1 - self.weight) * (1 - dice_coeff(probs, target))


def iou_score(logits, target, threshold=0.5):
    pred = (torch.sigmoid(logits) > threshold).float()
    inter = (pred * target).sum((1, 2, 3))
    union = ((pred + target) > 0).float().sum((1, 2, 3))
    return (inter / union.clamp(min=1)).mean().item()


imgs, masks = make_blobs(24)
print("images:", imgs.shape, imgs.dtype, "masks:", masks.shape, masks.unique())
print(f"foreground fraction: {masks.mean().item():.4f}")

model = UNet(base=4)
n_params = sum(p.numel() for p in model.parameters() if p.requires_grad)
print(f"UNet with {n_params:,} trainable parameters")
print(model.up1)
with torch.no_grad():
    out = model(imgs[:2])
print("logits:", out.shape, out.dtype)

criterion = DiceBCELoss()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2, weight_decay=1e-5)
train_x, train_y = imgs[:16], masks[:16]
val_x, val_y = imgs[16:], masks[16:]

for epoch in range(12):
    model.train()
    perm = torch.randperm(len(train_x))
    epoch_loss = 0.0
    for i in range(0, len(train_x), 8):
        idx = perm[i:i + 8]
        xb, yb = train_x[idx], train_y[idx]
        optimizer.zero_grad(set_to_none=True)
        logits = model(xb)
        loss = criterion(logits, yb)
        loss.backward()
        optimizer.step()
        epoch_loss += loss.item() * xb.size(0)
    if epoch % 3 == 2:
        model.eval()
        with torch.no_grad():
            v = model(val_x)
            print(f"epoch {epoch + 1:2d}  train loss {epoch_loss / len(train_x):.3f}  "
                  f"val IoU {iou_score(v, val_y):.2f}")

# ---- inspecting predictions --------------------------------------------------------------------
model.eval()
with torch.no_grad():
    logits = model(val_x)
probs = logits.sigmoid()
print("prob range ok:", bool(probs.min() >= 0), bool(probs.max() <= 1))
for t in (0.3, 0.5, 0.7):
    pred = (probs > t).to(torch.uint8)
    print(f"threshold {t}: dtype {pred.dtype}, predicted fg pixels {pred.sum().item() > 0}")
pred = torch.where(probs > 0.5, 1, 0)
print(pred.dtype, pred.shape)
acc = (pred == val_y.long()).float().mean()
print(f"pixel accuracy > 0.5: {acc.item() > 0.5}")

# per-image dice, as a list
dices = [f"{dice_coeff(pred[i:i + 1].float(), val_y[i:i + 1]).item():.1f}" for i in range(len(val_y))]
print(len(dices), "per-image dice values computed")

# ASCII-art of the ground truth
mask0 = val_y[0, 0].numpy().astype(np.int64)
for row in mask0[::2]:
    print("".join("#" if v else "." for v in row[::2]))

# ---- the bilinear variant and odd input sizes -------------------------------------------------
torch.manual_seed(1)
unet_b = UNet(base=4, bilinear=True)
print(type(unet_b.up1.up).__name__, unet_b.up1.up)
odd = torch.randn(1, 1, 20, 20)
print("bilinear unet on 20x20:", unet_b(odd).shape)
up = Up(8, 4)
x1, x2 = torch.randn(1, 8, 3, 3), torch.randn(1, 4, 7, 7)
print("padded skip:", up(x1, x2).shape)
cat = torch.cat([torch.ones(1, 2, 2, 2), torch.zeros(1, 1, 2, 2)], 1)
print(cat.shape, cat[0, :, 0, 0])
try:
    torch.cat([torch.ones(1, 2, 4, 4), torch.ones(1, 2, 3, 3)], dim=1)
except RuntimeError as e:
    print("cat error:", e)

# ---- the loss pieces by hand ----------------------------------------------------------------------
lg = torch.tensor([[[[2.0, -1.0], [0.5, -3.0]]]], requires_grad=True)
tg = torch.tensor([[[[1.0, 0.0], [1.0, 0.0]]]])
bce = F.binary_cross_entropy_with_logits(lg, tg, pos_weight=torch.tensor([2.0]))
bce.backward()
print(bce, lg.grad)
l2 = criterion(lg, tg)
print(f"{l2.item():.6f}", type(l2.grad_fn).__name__, l2.grad_fn.next_functions[0][0].name())
print(F.binary_cross_entropy(torch.sigmoid(lg), tg, reduction="none"))
