"""Bilateral filtering and template matching from a computer-vision homework: patches with F.unfold
(and Tensor.unfold), spatial x range weights, fold back overlapping patches with F.fold and a
normaliser, median filter via unfold + median, normalised cross-correlation template matching with
conv2d on mean-subtracted windows (box sums from conv2d with a ones kernel), argmax to location,
sub-pixel refinement by a parabola fit, and gradients of the NCC score w.r.t. the template."""
import torch
import torch.nn.functional as F

torch.manual_seed(0)
H, W = 24, 28
yy, xx = torch.meshgrid(torch.arange(H, dtype=torch.float32), torch.arange(W, dtype=torch.float32), indexing="ij")
clean = (xx > 13).float() * 0.6 + 0.2 + 0.2 * torch.exp(-((yy - 8) ** 2 + (xx - 6) ** 2) / 10)
noisy = (clean + 0.08 * torch.randn(H, W)).clamp(0, 1)
print("psnr noisy", f"{(10 * torch.log10(1 / (noisy - clean).pow(2).mean())).item():.3f}")


def bilateral(img, k=5, sigma_s=2.0, sigma_r=0.15):
    r = k // 2
    x = F.pad(img[None, None], (r, r, r, r), mode="reflect")
    patches = F.unfold(x, kernel_size=k)                        # (1, k*k, H*W)
    center = img.reshape(1, 1, -1)
    off = torch.arange(k, dtype=torch.float32) - r
    spatial = torch.exp(-(off[:, None] ** 2 + off[None, :] ** 2) / (2 * sigma_s ** 2)).reshape(1, -1, 1)
    rng = torch.exp(-(patches - center) ** 2 / (2 * sigma_r ** 2))
    w = spatial * rng
    out = (w * patches).sum(1) / w.sum(1)
    return out.reshape(img.shape)


def median(img, k=3):
    r = k // 2
    x = F.pad(img[None, None], (r, r, r, r), mode="replicate")[0, 0]
    win = x.unfold(0, k, 1).unfold(1, k, 1)                    # (H, W, k, k)
    return win.reshape(*img.shape, -1).median(dim=-1).values


bil = bilateral(noisy)
med = median(noisy)
gauss = bilateral(noisy, sigma_r=1e3)
for name, out in [("bilateral", bil), ("median", med), ("gaussian", gauss)]:
    mse = (out - clean).pow(2).mean()
    edge_sharp = (out[:, 15] - out[:, 12]).mean()
    print(f"{name:9s} psnr {(10 * torch.log10(1 / mse)).item():.3f} edge step {edge_sharp.item():.4f}")

# overlapping patch denoising: average patches back with fold
patches = F.unfold(noisy[None, None], kernel_size=4, stride=2)
print("patches", patches.shape)
shrunk = patches - patches.mean(1, keepdim=True)
shrunk = torch.where(shrunk.abs() < 0.1, torch.zeros_like(shrunk), shrunk) + patches.mean(1, keepdim=True)
summed = F.fold(shrunk, (H, W), kernel_size=4, stride=2)
norm = F.fold(torch.ones_like(shrunk), (H, W), kernel_size=4, stride=2)
print("fold normaliser", norm[0, 0, :3, :6])
recon = (summed / norm)[0, 0]
print("patch denoise psnr", f"{(10 * torch.log10(1 / (recon - clean).pow(2).mean())).item():.3f}")

# ---- template matching with normalised cross-correlation
scene = torch.rand(1, 1, 32, 32) * 0.3
tmpl = torch.zeros(7, 7)
tmpl[1:6, 3] = 1
tmpl[3, 1:6] = 1                                              # a plus sign
scene[0, 0, 18:25, 9:16] += tmpl
scene[0, 0, 4:11, 20:27] += 0.6 * tmpl.flip(0)


def ncc_map(scene, tmpl, eps=1e-6):
    kh, kw = tmpl.shape
    n = kh * kw
    t = tmpl - tmpl.mean()
    t = t / t.norm()
    ones = torch.ones(1, 1, kh, kw)
    s1 = F.conv2d(scene, ones)
    s2 = F.conv2d(scene ** 2, ones)
    var = (s2 - s1 ** 2 / n).clamp(min=0)
    num = F.conv2d(scene, t[None, None])
    return num / (var.sqrt() + eps)


score = ncc_map(scene, tmpl)
print("score map", tuple(score.shape), f"max {score.max().item():.4f}", f"min {score.min().item():.4f}")
best = score.flatten().argmax()
by, bx = divmod(best.item(), score.shape[-1])
print("best match at", (by, bx))
vals, idx = score.flatten().topk(3)
print("top-3", vals.round(decimals=3), [(i // score.shape[-1], i % score.shape[-1]) for i in idx.tolist()])
c, l, r = score[0, 0, by, bx], score[0, 0, by, bx - 1], score[0, 0, by, bx + 1]
print("subpixel dx", f"{(0.5 * (l - r) / (l - 2 * c + r)).item():.4f}")

# unfold-based NCC must agree
win = F.unfold(scene, tmpl.shape)
win = win - win.mean(1, keepdim=True)
ncc2 = (win * (tmpl - tmpl.mean()).reshape(1, -1, 1)).sum(1) / (win.norm(dim=1) * (tmpl - tmpl.mean()).norm() + 1e-6)
print("unfold agrees:", torch.allclose(ncc2.reshape(score.shape), score, atol=1e-4))

t_param = tmpl.clone().requires_grad_()
s = ncc_map(scene, t_param)[0, 0, by, bx]
s.backward()
print("d score / d template", tuple(t_param.grad.shape), f"{t_param.grad.abs().sum().item():.4f}")
print(t_param.grad[3].mul(100).round(decimals=2))
