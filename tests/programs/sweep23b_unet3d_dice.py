"""A tiny 3-D U-Net for volumetric segmentation, in the style of the many medical-imaging tutorials:
double-conv blocks (Conv3d + BatchNorm3d + ReLU), MaxPool3d down, ConvTranspose3d up with skip
concatenation along the channel axis, a soft-Dice + cross-entropy loss, per-class Dice and IoU
metrics on argmax predictions, and a few Adam steps on synthetic spheres."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)


class DoubleConv(nn.Module):
    def __init__(self, in_ch, out_ch):
        super().__init__()
        self.block = nn.Sequential(
            nn.Conv3d(in_ch, out_ch, kernel_size=3, padding=1, bias=False),
            nn.BatchNorm3d(out_ch),
            nn.ReLU(inplace=True),
            nn.Conv3d(out_ch, out_ch, kernel_size=3, padding=1, bias=False),
            nn.BatchNorm3d(out_ch),
            nn.ReLU(inplace=True),
        )

    def forward(self, x):
        return self.block(x)


class UNet3D(nn.Module):
    def __init__(self, in_channels=1, n_classes=3, base=4):
        super().__init__()
        self.enc1 = DoubleConv(in_channels, base)
        self.pool1 = nn.MaxPool3d(2)
        self.enc2 = DoubleConv(base, base * 2)
        self.pool2 = nn.MaxPool3d(kernel_size=2, stride=2)
        self.bottleneck = DoubleConv(base * 2, base * 4)
        self.up2 = nn.ConvTranspose3d(base * 4, base * 2, kernel_size=2, stride=2)
        self.dec2 = DoubleConv(base * 4, base * 2)
        self.up1 = nn.ConvTranspose3d(base * 2, base, kernel_size=2, stride=2)
        self.dec1 = DoubleConv(base * 2, base)
        self.head = nn.Conv3d(base, n_classes, kernel_size=1)

    def forward(self, x):
        e1 = self.enc1(x)
        e2 = self.enc2(self.pool1(e1))
        b = self.bottleneck(self.pool2(e2))
        d2 = self.up2(b)
        d2 = self.dec2(torch.cat([d2, e2], dim=1))
        d1 = self.up1(d2)
        d1 = self.dec1(torch.cat((e1, d1), 1))
        return self.head(d1)


def make_volume(n, size=8):
    zz, yy, xx = torch.meshgrid(torch.arange(size), torch.arange(size), torch.arange(size), indexing="ij")
    vols, labels = [], []
    for i in range(n):
        c = torch.randint(2, size - 2, (3,))
        d = ((zz - c[0]) ** 2 + (yy - c[1]) ** 2 + (xx - c[2]) ** 2).float().sqrt()
        lab = torch.zeros(size, size, size, dtype=torch.long)
        lab[d < 3.5] = 1
        lab[d < 1.8] = 2
        vol = lab.float() * 0.8 + 0.3 * torch.randn(size, size, size)
        vols.append(vol.unsqueeze(0))
        labels.append(lab)
    return torch.stack(vols), torch.stack(labels)


def soft_dice_loss(logits, target, n_classes, eps=1e-5):
    probs = F.softmax(logits, dim=1)
    one_hot = F.one_hot(target, n_classes).permute(0, 4, 1, 2, 3).float()
    dims = (0, 2, 3, 4)
    inter = torch.sum(probs * one_hot, dims)
    card = torch.sum(probs + one_hot, dims)
    dice = (2.0 * inter + eps) / (card + eps)
    return 1.0 - dice.mean(), dice


def per_class_metrics(pred, target, n_classes):
    dices, ious = [], []
    for c in range(n_classes):
        p = pred == c
        t = target == c
        inter = (p & t).sum().item()
        union = (p | t).sum().item()
        total = p.sum().item() + t.sum().item()
        dices.append(2 * inter / total if total > 0 else float("nan"))
        ious.append(inter / union if union > 0 else float("nan"))
    return dices, ious


x, y = make_volume(4)
print("volumes", tuple(x.shape), x.dtype, "labels", tuple(y.shape), y.dtype)
print("class voxel counts", torch.bincount(y.flatten(), minlength=3).tolist())

model = UNet3D()
print(model.up2)
print(model.enc1.block)
n_params = sum(p.numel() for p in model.parameters() if p.requires_grad)
print("parameters:", n_params)
for name, p in list(model.named_parameters())[:4]:
    print(f"  {name:28s} {tuple(p.shape)}")

opt = torch.optim.Adam(model.parameters(), lr=1e-2)
ce = nn.CrossEntropyLoss()
for step in range(4):
    model.train()
    opt.zero_grad()
    logits = model(x)
    dl, dice = soft_dice_loss(logits, y, 3)
    loss = ce(logits, y) + dl
    loss.backward()
    opt.step()
    print(f"step {step} loss {loss.item():.4f} dice {[round(v, 3) for v in dice.tolist()]}")

model.eval()
with torch.no_grad():
    out = model(x)
    print("out", tuple(out.shape), out.dtype, out.requires_grad)
    pred = out.argmax(dim=1)
    d, iou = per_class_metrics(pred, y, 3)
    print("pred counts", torch.bincount(pred.flatten(), minlength=3).tolist())
    print("dice", [f"{v:.3f}" for v in d])
    print("iou", [f"{v:.3f}" for v in iou])
print("running_mean", model.enc1.block[1].running_mean.round(decimals=3))
print("num_batches_tracked", model.enc1.block[1].num_batches_tracked)
