"""Video clip classification in the style of the C3D / R(2+1)D tutorials: clips arrive as
(N, T, C, H, W) from a dataset and are permuted to (N, C, T, H, W); a C3D-like stem, an R(2+1)D
block that factorizes a 3x3x3 convolution into a (1,3,3) spatial and a (3,1,1) temporal conv with
the intermediate width from the paper's formula, a residual shortcut with a strided 1x1x1 conv,
AdaptiveAvgPool3d + Linear head, channels_last_3d memory format, and SGD with momentum."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(1)


class SpatioTemporalConv(nn.Module):
    """(2+1)D convolution: spatial (1,k,k) conv, BN + ReLU, then temporal (k,1,1) conv."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0):
        super().__init__()
        kernel_size = nn.modules.utils._triple(kernel_size)
        stride = nn.modules.utils._triple(stride)
        padding = nn.modules.utils._triple(padding)
        spatial_kernel = (1, kernel_size[1], kernel_size[2])
        spatial_stride = (1, stride[1], stride[2])
        spatial_padding = (0, padding[1], padding[2])
        temporal_kernel = (kernel_size[0], 1, 1)
        temporal_stride = (stride[0], 1, 1)
        temporal_padding = (padding[0], 0, 0)
        mid = int(math.floor((kernel_size[0] * kernel_size[1] * kernel_size[2] * in_channels * out_channels) /
                             (kernel_size[1] * kernel_size[2] * in_channels + kernel_size[0] * out_channels)))
        self.spatial_conv = nn.Conv3d(in_channels, mid, spatial_kernel, stride=spatial_stride,
                                      padding=spatial_padding, bias=False)
        self.bn = nn.BatchNorm3d(mid)
        self.relu = nn.ReLU()
        self.temporal_conv = nn.Conv3d(mid, out_channels, temporal_kernel, stride=temporal_stride,
                                       padding=temporal_padding, bias=False)

    def forward(self, x):
        x = self.relu(self.bn(self.spatial_conv(x)))
        return self.temporal_conv(x)


class ResBlock(nn.Module):
    def __init__(self, in_channels, out_channels, downsample=False):
        super().__init__()
        stride = 2 if downsample else 1
        self.conv1 = SpatioTemporalConv(in_channels, out_channels, 3, stride=stride, padding=1)
        self.bn1 = nn.BatchNorm3d(out_channels)
        self.conv2 = SpatioTemporalConv(out_channels, out_channels, 3, padding=1)
        self.bn2 = nn.BatchNorm3d(out_channels)
        self.shortcut = None
        if downsample or in_channels != out_channels:
            self.shortcut = nn.Sequential(
                nn.Conv3d(in_channels, out_channels, 1, stride=stride, bias=False),
                nn.BatchNorm3d(out_channels))

    def forward(self, x):
        res = x if self.shortcut is None else self.shortcut(x)
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + res)


class TinyR21D(nn.Module):
    def __init__(self, num_classes=4):
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv3d(3, 8, kernel_size=(3, 3, 3), padding=(1, 1, 1)),
            nn.ReLU(inplace=True),
            nn.MaxPool3d(kernel_size=(1, 2, 2), stride=(1, 2, 2)),
        )
        self.layer1 = ResBlock(8, 8)
        self.layer2 = ResBlock(8, 12, downsample=True)
        self.pool = nn.AdaptiveAvgPool3d(1)
        self.dropout = nn.Dropout(p=0.2)
        self.fc = nn.Linear(12, num_classes)

    def forward(self, x):
        x = self.stem(x)
        x = self.layer1(x)
        x = self.layer2(x)
        x = self.pool(x).flatten(1)
        return self.fc(self.dropout(x))


def make_clips(n, t=6, h=12, w=12):
    """Clips where the class is the direction a bright square moves in."""
    clips = torch.zeros(n, t, 3, h, w)
    labels = torch.randint(0, 4, (n,))
    for i in range(n):
        y0, x0 = torch.randint(3, 6, (2,)).tolist()
        dy, dx = [(0, 1), (0, -1), (1, 0), (-1, 0)][labels[i].item()]
        for f in range(t):
            yy, xx = y0 + dy * f, x0 + dx * f
            clips[i, f, :, max(yy, 0):yy + 3, max(xx, 0):xx + 3] = 1.0
    clips += 0.1 * torch.randn_like(clips)
    return clips, labels


clips, labels = make_clips(8)
print("dataset clips (N, T, C, H, W):", list(clips.shape))
x = clips.permute(0, 2, 1, 3, 4).contiguous()
print("model input (N, C, T, H, W):", list(x.shape), "contiguous:", x.is_contiguous())
back = x.transpose(1, 2)
print("round trip equal:", torch.equal(back, clips), "stride", back.stride())

model = TinyR21D()
print(model.layer1.conv1)
print("mid channels:", model.layer1.conv1.spatial_conv.out_channels, model.layer2.conv1.spatial_conv.out_channels)
print("params:", sum(p.numel() for p in model.parameters()))

xc = x.to(memory_format=torch.channels_last_3d)
print("channels_last_3d:", xc.is_contiguous(memory_format=torch.channels_last_3d), xc.is_contiguous(), xc.stride())
model_cl = TinyR21D().to(memory_format=torch.channels_last_3d)
print("weight channels_last_3d:", model_cl.stem[0].weight.is_contiguous(memory_format=torch.channels_last_3d))

opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=1e-4)
for epoch in range(3):
    model.train()
    perm = torch.randperm(8)
    total = 0.0
    for b in range(2):
        idx = perm[b * 4:(b + 1) * 4]
        out = model(x[idx])
        loss = F.cross_entropy(out, labels[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item()
    print(f"epoch {epoch} loss {total / 2:.4f}")

model.eval()
with torch.no_grad():
    logits = model(x)
    probs = logits.softmax(-1)
    print("pred", logits.argmax(1).tolist(), "labels", labels.tolist())
    print("probs row 0", probs[0].round(decimals=3))
    feats = model.layer2(model.layer1(model.stem(x)))
    print("feature map", tuple(feats.shape))
    print("temporal mean", feats.mean(dim=(1, 3, 4)).round(decimals=3))
