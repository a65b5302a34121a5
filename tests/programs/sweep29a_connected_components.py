"""Post-processing of a predicted segmentation: connected components by iterative max-pool
label propagation (2D and 3D), keep-largest-component, hole filling and per-lesion statistics."""
import torch
import torch.nn.functional as F

torch.manual_seed(11)

mask = torch.zeros(20, 20, dtype=torch.bool)
mask[2:6, 2:7] = True
mask[8:15, 10:18] = True
mask[16:19, 1:4] = True
mask[10, 2] = True
mask[11:14, 12:15] = False       # a hole inside the big blob
print(mask.sum(), mask.dtype, mask.any(), mask.all())


def connected_components(m, connectivity=8, max_iter=100):
    h, w = m.shape
    labels = torch.arange(1, h * w + 1, dtype=torch.float32).reshape(1, 1, h, w)
    labels = labels * m.float()
    for it in range(max_iter):
        if connectivity == 8:
            prop = F.max_pool2d(labels, 3, stride=1, padding=1)
        else:
            prop = torch.maximum(F.max_pool2d(labels, (3, 1), 1, (1, 0)),
                                 F.max_pool2d(labels, (1, 3), 1, (0, 1)))
        new = prop * m
        if torch.equal(new, labels):
            break
        labels = new
    return labels[0, 0].long(), it


labels, iters = connected_components(mask)
uniq, inverse, counts = torch.unique(labels, sorted=True, return_inverse=True, return_counts=True)
print("iterations:", iters, "components:", uniq.numel() - 1)
print("component sizes:", counts[1:])
relabel = inverse.reshape(labels.shape)
print(relabel[8:12, 0:6])
print("dtype:", relabel.dtype, inverse.shape)
labels4, it4 = connected_components(mask, connectivity=4)
print("4-connectivity components:", torch.unique(labels4).numel() - 1)

largest = counts[1:].argmax() + 1
keep = relabel == largest
print("largest:", largest.item(), keep.sum().item())
ys, xs = torch.where(keep)
print("bbox:", ys.min().item(), ys.max().item(), xs.min().item(), xs.max().item())
print("centroid:", torch.stack([ys.float().mean(), xs.float().mean()]))

# hole filling: flood the background from the border; what is not reached is a hole
bg = (~keep).float().reshape(1, 1, 20, 20)
seed = torch.zeros_like(bg)
seed[..., 0, :] = seed[..., -1, :] = 1
seed[..., :, 0] = 1
seed[..., :, -1] = 1
seed *= bg
for _ in range(60):
    nxt = F.max_pool2d(seed, 3, 1, 1) * bg
    if torch.equal(nxt, seed):
        break
    seed = nxt
filled = keep | (seed[0, 0] == 0)
print("filled extra pixels:", (filled & ~keep).count_nonzero().item())
print(filled.int()[10:15, 9:19])

# per-lesion statistics on an intensity image
img = torch.rand(20, 20) * 100
n = int(relabel.max()) + 1
sums = torch.zeros(n).index_add_(0, relabel.flatten(), img.flatten())
cnt = torch.bincount(relabel.flatten(), minlength=n)
print("mean intensity per label:", (sums / cnt).round(decimals=2))
mx = torch.full((n,), float("-inf")).scatter_reduce(0, relabel.flatten(), img.flatten(), reduce="amax")
print("max per label:", mx.round(decimals=2))
mn = torch.zeros(n).scatter_reduce(0, relabel.flatten(), img.flatten(), reduce="amin", include_self=False)
print("min per label:", mn.round(decimals=2))
mean2 = torch.zeros(n).scatter_reduce(0, relabel.flatten(), img.flatten(), reduce="mean", include_self=False)
print("mean via scatter_reduce:", torch.allclose(mean2, sums / cnt))

# 3D components with max_pool3d, removing small components
vol = torch.rand(1, 1, 8, 10, 10) > 0.85
print("3D foreground voxels:", vol.sum().item())
lab = torch.arange(1, vol.numel() + 1, dtype=torch.float64).view(vol.shape) * vol
for i in range(50):
    nxt = F.max_pool3d(lab, kernel_size=3, stride=1, padding=1) * vol
    if (nxt == lab).all():
        break
    lab = nxt
ids, sizes = lab[lab > 0].unique(return_counts=True)
print("3D components:", ids.numel(), "sizes histogram:", torch.bincount(sizes)[1:])
small = ids[sizes < 3]
cleaned = vol & ~torch.isin(lab, small)
print("kept voxels:", cleaned.sum().item(), cleaned.dtype, cleaned.shape)
print("unique_consecutive:", torch.unique_consecutive(torch.tensor([0, 0, 1, 1, 1, 2, 0, 0]), return_counts=True))
pooled, idx = F.max_pool2d(img[None, None], 2, return_indices=True)
print("unpool:", F.max_unpool2d(pooled, idx, 2).count_nonzero().item(), idx.dtype, idx[0, 0, 0, :4])
try:
    torch.unique(labels, dim=5)
except IndexError as e:
    print("IndexError:", e)
try:
    F.max_pool2d(mask[None].float(), 3, padding=2)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    F.max_pool2d(mask[None, None], 3)
except RuntimeError as e:
    print("RuntimeError:", e)
