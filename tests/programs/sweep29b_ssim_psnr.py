"""SSIM, MS-SSIM and PSNR written from scratch with a Gaussian window and grouped convolution, then
used as a differentiable loss to restore a noisy image."""
import torch
import torch.nn as nn
import torch.nn.functional as F


def gaussian_window(size=11, sigma=1.5, channels=3, dtype=torch.float32):
    coords = torch.arange(size, dtype=dtype) - size // 2
    g = torch.exp(-coords ** 2 / (2 * sigma ** 2))
    g = g / g.sum()
    win2d = torch.outer(g, g)
    return win2d.expand(channels, 1, size, size).contiguous()


def ssim(x, y, window, data_range=1.0, reduce=True, full=False):
    c = x.shape[1]
    c1, c2 = (0.01 * data_range) ** 2, (0.03 * data_range) ** 2
    mu_x = F.conv2d(x, window, groups=c)
    mu_y = F.conv2d(y, window, groups=c)
    sxx = F.conv2d(x * x, window, groups=c) - mu_x.pow(2)
    syy = F.conv2d(y * y, window, groups=c) - mu_y.pow(2)
    sxy = F.conv2d(x * y, window, groups=c) - mu_x * mu_y
    cs_map = (2 * sxy + c2) / (sxx + syy + c2)
    ssim_map = (2 * mu_x * mu_y + c1) / (mu_x ** 2 + mu_y ** 2 + c1) * cs_map
    if full:
        return ssim_map.flatten(2).mean(-1), cs_map.flatten(2).mean(-1)
    return ssim_map.mean() if reduce else ssim_map.mean(dim=(1, 2, 3))


def ms_ssim(x, y, weights, window):
    values = []
    for i, _ in enumerate(weights):
        s, cs = ssim(x, y, window, full=True)
        values.append(cs if i < len(weights) - 1 else s)
        x, y = F.avg_pool2d(x, 2), F.avg_pool2d(y, 2)
    stacked = torch.stack(values, dim=0).clamp_min(1e-6)
    return torch.prod(stacked ** weights.view(-1, 1, 1), dim=0).mean()


def psnr(x, y, data_range=1.0):
    mse = F.mse_loss(x, y, reduction="none").mean(dim=(1, 2, 3))
    return 10 * torch.log10(data_range ** 2 / mse)


torch.manual_seed(0)
# a smooth synthetic "image": sums of sinusoids plus a disc
yy, xx = torch.meshgrid(torch.linspace(0, 1, 48), torch.linspace(0, 1, 48), indexing="ij")
base = 0.5 + 0.25 * torch.sin(6 * xx) * torch.cos(4 * yy)
disc = ((xx - 0.6) ** 2 + (yy - 0.4) ** 2 < 0.05).float() * 0.2
img = torch.stack([base + disc, base, base - disc]).unsqueeze(0).clamp(0, 1)
print("image:", img.shape, img.dtype, f"mean={img.mean():.4f}")

win = gaussian_window()
print("window sums:", win.sum(dim=(1, 2, 3)))
print("SSIM(img, img) =", f"{ssim(img, img, win).item():.4f}")
for sigma in [0.02, 0.05, 0.1, 0.2]:
    noisy = (img + sigma * torch.randn_like(img)).clamp(0.0, 1.0)
    print(f"noise {sigma:.2f}: PSNR {psnr(img, noisy).item():7.3f} dB   SSIM {ssim(img, noisy, win).item():.4f}")

blurred = F.avg_pool2d(F.pad(img, (1, 1, 1, 1), mode="reflect"), 3, stride=1)
print("blur:", f"{psnr(img, blurred).item():.3f}", f"{ssim(img, blurred, win).item():.4f}")
weights = torch.tensor([0.0448, 0.2856, 0.3001, 0.2363, 0.1333])
small_win = gaussian_window(size=5, sigma=1.0)
print("MS-SSIM blur:", f"{ms_ssim(img, blurred, weights[:3] / weights[:3].sum(), small_win).item():.4f}")
batch = torch.cat([img, blurred, 1 - img])
print("per-image SSIM:", ssim(batch, img.expand(3, -1, -1, -1), win, reduce=False))
print("per-image PSNR:", psnr(batch, img.expand_as(batch)))

# restoration: optimise an image to maximise SSIM + keep close in L1
noisy = (img + 0.15 * torch.randn_like(img)).clamp(0, 1)
restored = nn.Parameter(noisy.clone())
opt = torch.optim.Adam([restored], lr=0.01)
for step in range(41):
    opt.zero_grad()
    loss = 1 - ssim(restored, noisy, win) * 0.0 - ssim(F.avg_pool2d(restored, 3, 1, 1), restored, win) \
        + F.l1_loss(restored, noisy)
    loss.backward()
    opt.step()
    with torch.no_grad():
        restored.clamp_(0, 1)
    if step % 10 == 0:
        print(f"step {step:2d} loss {loss.item():.4f} grad-norm {restored.grad.norm():.4f}")
print("before:", f"{psnr(img, noisy).item():.3f}", "after:", f"{psnr(img, restored.detach()).item():.3f}")
print(loss.grad_fn.name(), type(loss.grad_fn).__name__)

# gradient of SSIM w.r.t. the input, float64 check against finite differences
x = img[:, :, :16, :16].double().requires_grad_()
w64 = gaussian_window(size=7, sigma=1.5, dtype=torch.float64)
y = (img[:, :, :16, :16] * 0.9).double()
print("gradcheck:", torch.autograd.gradcheck(lambda t: ssim(t, y, w64), (x,), eps=1e-6, atol=1e-5))

try:
    ssim(img, img, gaussian_window(channels=2))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    ssim(img[:, :, :8, :8], img[:, :, :8, :8], win)
except RuntimeError as e:
    print("RuntimeError:", e)

# evaluation mode switch as training scripts write it
is_train = False
ctx = torch.set_grad_enabled(is_train)
print(ctx, torch.is_grad_enabled())
scores = ssim(restored, img, win, reduce=False)
print("requires grad under set_grad_enabled(False):", scores.requires_grad)
torch.set_grad_enabled(True)
with torch.set_grad_enabled(is_train):
    print("inside with:", ssim(restored, img, win).requires_grad)
print("after with:", ssim(restored, img, win).requires_grad)
try:
    torch.set_grad_enabled(0)
except TypeError as e:
    print("TypeError:", e)
