"""Region-of-interest feature extraction written by hand, as a detection course notebook builds it
before reaching for torchvision.ops: RoIAlign with F.affine_grid + F.grid_sample, the same RoIAlign by
explicit bilinear interpolation with gather, RoI max pooling with adaptive_max_pool2d, FPN level
assignment (torchvision's LevelMapper: floor(4 + log2(sqrt(area) / 224))), a tiny FPN top-down pass
with F.interpolate, and a box head trained for a few steps on the pooled features."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(31)
torch.set_printoptions(precision=4, sci_mode=False)

# ---------------------------------------------------------------- feature map and boxes
N, C, H, W = 2, 3, 12, 16
stride = 8.0
feat = torch.randn(N, C, H, W)
# boxes in image coordinates (x1, y1, x2, y2), with a batch index column as torchvision's rois
rois = torch.tensor([
    [0, 8.0, 8.0, 72.0, 56.0],
    [0, 30.5, 12.25, 90.0, 80.0],
    [1, 0.0, 0.0, 127.0, 95.0],
    [1, 40.0, 24.0, 60.0, 50.0],
    [1, 100.0, 60.0, 126.0, 90.0],
])
print("rois", rois.shape, rois.dtype)
out_h, out_w = 3, 4


def roi_align_grid_sample(features, rois, output_size, spatial_scale, aligned=True):
    """RoIAlign with one sample per bin centre, through affine_grid/grid_sample."""
    oh, ow = output_size
    n, c, h, w = features.shape
    batch_idx = rois[:, 0].long()
    boxes = rois[:, 1:] * spatial_scale
    if aligned:
        boxes = boxes - 0.5
    x1, y1, x2, y2 = boxes.unbind(dim=1)
    # map pixel coordinates to [-1, 1] with align_corners=False: x_norm = (2x + 1) / w - 1
    cx = (x1 + x2) / 2
    cy = (y1 + y2) / 2
    bw = (x2 - x1).clamp(min=1e-3)
    bh = (y2 - y1).clamp(min=1e-3)
    theta = torch.zeros(rois.shape[0], 2, 3, dtype=features.dtype)
    theta[:, 0, 0] = bw / w
    theta[:, 0, 2] = (2 * cx + 1) / w - 1
    theta[:, 1, 1] = bh / h
    theta[:, 1, 2] = (2 * cy + 1) / h - 1
    grid = F.affine_grid(theta, [rois.shape[0], c, oh, ow], align_corners=False)
    return F.grid_sample(features[batch_idx], grid, mode="bilinear", padding_mode="zeros",
                         align_corners=False), grid


pooled, grid = roi_align_grid_sample(feat, rois, (out_h, out_w), 1 / stride)
print("grid", grid.shape, "corners", grid[0, 0, 0], grid[0, -1, -1])
print("pooled", pooled.shape)
print(pooled[0, 0])
print(pooled[3].mean(dim=(1, 2)))


def bilinear(features_b, ys, xs):
    """Sample a (C, H, W) map at float coordinates (ys, xs), zero outside as torchvision does."""
    c, h, w = features_b.shape
    valid = (ys > -1) & (ys < h) & (xs > -1) & (xs < w)
    ys = ys.clamp(min=0)
    xs = xs.clamp(min=0)
    y0 = ys.floor().long().clamp(max=h - 1)
    x0 = xs.floor().long().clamp(max=w - 1)
    y1 = (y0 + 1).clamp(max=h - 1)
    x1 = (x0 + 1).clamp(max=w - 1)
    ys = torch.where(y0 >= h - 1, y0.to(ys.dtype), ys)
    xs = torch.where(x0 >= w - 1, x0.to(xs.dtype), xs)
    ly = ys - y0
    lx = xs - x0
    hy, hx = 1 - ly, 1 - lx
    flat = features_b.reshape(c, -1)

    def at(yy, xx):
        idx = (yy * w + xx).reshape(1, -1).expand(c, -1)
        return flat.gather(1, idx).reshape(c, *yy.shape)

    val = hy * hx * at(y0, x0) + hy * lx * at(y0, x1) + ly * hx * at(y1, x0) + ly * lx * at(y1, x1)
    return val * valid


def roi_align_manual(features, rois, output_size, spatial_scale, sampling_ratio=2):
    oh, ow = output_size
    outs = []
    for r in rois:
        b = int(r[0].item())
        x1, y1, x2, y2 = (r[1:] * spatial_scale - 0.5).tolist()
        bin_h = (y2 - y1) / oh
        bin_w = (x2 - x1) / ow
        iy = (torch.arange(oh * sampling_ratio, dtype=features.dtype) + 0.5) / sampling_ratio
        ix = (torch.arange(ow * sampling_ratio, dtype=features.dtype) + 0.5) / sampling_ratio
        ys = y1 + iy * bin_h
        xs = x1 + ix * bin_w
        gy, gx = torch.meshgrid(ys, xs, indexing="ij")
        samples = bilinear(features[b], gy, gx)                     # C, oh*s, ow*s
        samples = samples.reshape(-1, oh, sampling_ratio, ow, sampling_ratio)
        outs.append(samples.mean(dim=(2, 4)))
    return torch.stack(outs)


manual = roi_align_manual(feat, rois, (out_h, out_w), 1 / stride, sampling_ratio=2)
print("manual", manual.shape)
print(manual[0, 0])
single = roi_align_manual(feat, rois, (out_h, out_w), 1 / stride, sampling_ratio=1)
print("sampling_ratio=1 vs grid_sample max |diff| <", (single - pooled).abs().max().item() < 1e-5)

# ---------------------------------------------------------------- RoI max pooling
def roi_pool(features, rois, output_size, spatial_scale):
    outs = []
    for r in rois:
        b = int(r[0])
        x1, y1, x2, y2 = torch.round(r[1:] * spatial_scale).int().tolist()
        x2, y2 = max(x2, x1 + 1), max(y2, y1 + 1)
        crop = features[b, :, y1:y2 + 1, x1:x2 + 1]
        outs.append(F.adaptive_max_pool2d(crop, output_size))
    return torch.stack(outs)


rp = roi_pool(feat, rois, (2, 2), 1 / stride)
print("roi_pool", rp.shape)
print(rp[:, 0])
crop = feat[0, :, 1:7, 1:9]
vals, idx = F.adaptive_max_pool2d(crop.unsqueeze(0), (2, 3), return_indices=True)
print("argmax indices", idx[0, 0], idx.dtype)

# ---------------------------------------------------------------- FPN level mapping
def map_levels(boxes, k_min=2, k_max=5, canonical_scale=224, canonical_level=4, eps=1e-6):
    area = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    s = torch.sqrt(area)
    target = torch.floor(canonical_level + torch.log2(s / canonical_scale + eps))
    target = torch.clamp(target, min=k_min, max=k_max)
    return (target.to(torch.int64) - k_min)


big = torch.tensor([[0, 0, 32, 32], [0, 0, 100, 80], [10, 10, 300, 260], [0, 0, 600, 700],
                    [5, 5, 9, 9]], dtype=torch.float32)
levels = map_levels(big)
print("levels", levels, levels.dtype)
for lvl in levels.unique(sorted=True):
    members = torch.nonzero(levels == lvl).squeeze(1)
    print(f"  level P{int(lvl) + 2}: boxes {members.tolist()}")

# ---------------------------------------------------------------- FPN top-down
c3 = torch.randn(1, 8, 16, 16)
c4 = torch.randn(1, 16, 8, 8)
c5 = torch.randn(1, 32, 4, 4)
lateral = nn.ModuleList([nn.Conv2d(ch, 8, 1) for ch in (8, 16, 32)])
smooth = nn.ModuleList([nn.Conv2d(8, 8, 3, padding=1) for _ in range(3)])
print(lateral)
inner = lateral[2](c5)
results = [smooth[2](inner)]
for feat_c, lat, sm in zip([c4, c3], [lateral[1], lateral[0]], [smooth[1], smooth[0]]):
    top = F.interpolate(inner, size=feat_c.shape[-2:], mode="nearest")
    inner = lat(feat_c) + top
    results.insert(0, sm(inner))
for i, p in enumerate(results):
    print(f"P{i + 3}", tuple(p.shape), f"{p.std().item():.4f}")
up_bilinear = F.interpolate(c5[:, :2], scale_factor=2, mode="bilinear", align_corners=False)
print("bilinear x2", up_bilinear.shape, f"{up_bilinear.abs().sum().item():.3f}")
p6 = F.max_pool2d(results[-1], kernel_size=1, stride=2)
print("P6 (max_pool k=1 s=2)", p6.shape)

# ---------------------------------------------------------------- box head on pooled features
rois_feat = roi_align_grid_sample(results[0].expand(2, -1, -1, -1).contiguous(),
                                  rois, (4, 4), 1 / 8)[0].detach()
head = nn.Sequential(nn.Flatten(), nn.Linear(8 * 16, 32), nn.ReLU(), nn.Linear(32, 4 + 3))
opt = torch.optim.SGD(head.parameters(), lr=0.05, momentum=0.9, weight_decay=1e-4)
labels = torch.tensor([1, 2, 0, 1, 2])
reg_t = torch.randn(5, 4) * 0.1
for step in range(6):
    out = head(rois_feat)
    cls_logits, deltas = out[:, :3], out[:, 3:]
    loss_cls = F.cross_entropy(cls_logits, labels)
    fg = labels > 0
    loss_reg = F.smooth_l1_loss(deltas[fg], reg_t[fg], beta=1 / 9, reduction="sum") / labels.numel()
    loss = loss_cls + loss_reg
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 2 == 0:
        print(f"step {step} cls {loss_cls.item():.4f} reg {loss_reg.item():.4f}")
print("loss grad_fn", loss.grad_fn.name())

# ---------------------------------------------------------------- gradient flows back to the map
feat_g = feat.clone().requires_grad_(True)
pooled_g, _ = roi_align_grid_sample(feat_g, rois, (2, 2), 1 / stride)
pooled_g.sum().backward()
print("grad mass per image", feat_g.grad.sum(dim=(1, 2, 3)))
print("nonzero grad cells", int((feat_g.grad != 0).sum()))
print(pooled_g.grad_fn.name(), [type(f).__name__ for f, _ in pooled_g.grad_fn.next_functions])

for mode, pad, ac in [("nearest", "zeros", False), ("bilinear", "border", True),
                      ("bilinear", "reflection", False), ("bicubic", "zeros", False),
                      ("nearest", "reflection", True)]:
    s = F.grid_sample(feat[:1], grid[:1] * 1.3, mode=mode, padding_mode=pad, align_corners=ac)
    print(f"grid_sample {mode:8s} {pad:10s} align={ac!s:5s} sum {s.sum().item():.4f}")
try:
    F.grid_sample(feat, grid[:, :, :, :1], align_corners=False)
except RuntimeError as e:
    print("RuntimeError:", str(e).split("\n")[0])
try:
    F.affine_grid(torch.zeros(2, 3, 3), [2, 3, 4, 4], align_corners=False)
except (RuntimeError, ValueError) as e:
    print(type(e).__name__ + ":", e)
