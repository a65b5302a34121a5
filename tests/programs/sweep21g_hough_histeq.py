"""Hough line transform and histogram equalisation as in an intro-to-vision course: edge points from
a synthetic image, rho/theta voting with index_put_(accumulate=True), index_add_ and scatter_add_
(all three must agree), peak picking with topk and max_pool2d suppression; then global histogram
equalisation with histc + cumsum + gather on uint8 images, a per-tile (CLAHE-like) variant with
clipping, and bucketize/searchsorted histogram matching."""
import math

import torch
import torch.nn.functional as F

torch.manual_seed(0)
H = W = 40

# ---- synthetic binary edge image: two lines and some noise points
edge = torch.zeros(H, W, dtype=torch.bool)
t = torch.arange(W)
edge[10, 3:35] = True                                   # horizontal line y=10
diag = torch.arange(5, 35)
edge[diag, diag] = True                                 # diagonal y=x
noise = torch.randint(0, H * W, (25,))
edge.view(-1)[noise] = True
ys, xs = edge.nonzero(as_tuple=True)
print("edge points", ys.numel())

n_theta = 180
thetas = torch.deg2rad(torch.arange(-90, 90, 180 / n_theta, dtype=torch.float64))
diag_len = int(math.ceil(math.hypot(H, W)))
rhos = torch.arange(-diag_len, diag_len + 1)
print("theta bins", thetas.numel(), "rho bins", rhos.numel(), thetas.dtype)

cos_t, sin_t = torch.cos(thetas), torch.sin(thetas)
rho = xs[:, None].double() * cos_t + ys[:, None].double() * sin_t         # (P, T)
rho_idx = torch.round(rho).long() + diag_len
theta_idx = torch.arange(n_theta).expand_as(rho_idx)

acc1 = torch.zeros(rhos.numel(), n_theta, dtype=torch.int64)
acc1.index_put_((rho_idx.flatten(), theta_idx.flatten()), torch.ones(rho_idx.numel(), dtype=torch.int64),
                accumulate=True)
acc2 = torch.zeros(rhos.numel() * n_theta, dtype=torch.int64)
acc2.index_add_(0, (rho_idx * n_theta + theta_idx).flatten(), torch.ones(rho_idx.numel(), dtype=torch.int64))
acc2 = acc2.view(rhos.numel(), n_theta)
acc3 = torch.zeros(rhos.numel(), n_theta).scatter_add_(0, rho_idx, torch.ones(rho_idx.shape))
print("accumulators agree:", torch.equal(acc1, acc2), torch.equal(acc1.float(), acc3), acc1.sum().item())

peaks = F.max_pool2d(acc3[None, None], 5, stride=1, padding=2)[0, 0]
is_peak = (acc3 == peaks) & (acc3 >= 15)
votes, flat = torch.where(is_peak, acc3, torch.zeros_like(acc3)).flatten().topk(2)
r_i, t_i = flat // n_theta, flat % n_theta
for v, ri, ti in zip(votes.tolist(), r_i.tolist(), t_i.tolist()):
    print(f"line: rho={rhos[ri].item():+d} theta={math.degrees(thetas[ti].item()):+.1f} deg votes={int(v)}")

# ---- histogram equalisation on a low-contrast uint8 image
img = (torch.rand(H, W) * 60 + 80).to(torch.uint8)
img[:20] += 30
print("image", img.dtype, img.min().item(), img.max().item())
hist = torch.histc(img.float(), bins=256, min=0, max=255)
print("histc", hist.dtype, hist.sum().item(), hist.nonzero().min().item(), hist.nonzero().max().item())
cnt = torch.bincount(img.flatten().long(), minlength=256)
print("bincount matches histc:", torch.equal(cnt.float(), hist))
cdf = hist.cumsum(0)
cdf_min = cdf[cdf > 0].min()
lut = ((cdf - cdf_min) / (cdf[-1] - cdf_min) * 255).round().clamp(0, 255).to(torch.uint8)
eq = lut.gather(0, img.flatten().long()).view(H, W)
print("equalised range", eq.min().item(), eq.max().item(), "mean", f"{eq.float().mean().item():.3f}")
print(lut[75:145:5])
eq_hist = torch.histc(eq.float(), bins=8, min=0, max=256)
print("coarse histogram after", eq_hist)

# ---- CLAHE-like: clip each tile's histogram and redistribute the excess
tiles = img.unfold(0, 20, 20).unfold(1, 20, 20).reshape(4, 400)
tile_hist = torch.zeros(4, 256).scatter_add_(1, tiles.long(), torch.ones(4, 400))
clip = 4.0
excess = (tile_hist - clip).clamp(min=0).sum(1, keepdim=True)
tile_hist = tile_hist.clamp(max=clip) + excess / 256
tile_cdf = tile_hist.cumsum(1) / tile_hist.sum(1, keepdim=True)
tile_eq = (tile_cdf.gather(1, tiles.long()) * 255).to(torch.uint8)
print("tile means", tile_eq.float().mean(1).round(decimals=2), "excess", excess.flatten())

# ---- histogram matching to a reference via searchsorted
ref = (torch.randn(H, W) * 30 + 128).clamp(0, 255).to(torch.uint8)
ref_cdf = torch.bincount(ref.flatten().long(), minlength=256).cumsum(0).double() / ref.numel()
src_cdf = cnt.cumsum(0).double() / img.numel()
mapping = torch.searchsorted(ref_cdf, src_cdf).clamp(max=255)
matched = mapping[img.long()]
print("matched", matched.dtype, f"{matched.double().mean().item():.3f}", f"{matched.double().std().item():.3f}")
print("bucketize", torch.bucketize(torch.tensor([0.1, 0.5, 0.9], dtype=torch.float64), ref_cdf, right=True))

# joint histogram of (intensity, equalised intensity) pairs, as used for mutual-information registration
pairs = torch.stack([img.flatten().float(), eq.flatten().float()], 1) / 255
joint = torch.histogramdd(pairs, bins=[4, 5])
print("joint hist", joint.hist.int().tolist())
print("edges", [e.tolist() for e in joint.bin_edges])
p = joint.hist / joint.hist.sum()
mi = (p * (p / (p.sum(1, keepdim=True) * p.sum(0, keepdim=True))).clamp(min=1e-12).log()).sum()
print(f"mutual information {mi.item():.4f}")
