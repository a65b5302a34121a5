"""Course-assignment edge and corner detection in plain tensor ops: separable Gaussian blur with
conv2d (reflect padding through F.pad), Sobel gradients, Canny (magnitude, atan2 direction quantised
to 4 bins, non-maximum suppression with gathered neighbours, double threshold and hysteresis by
iterated max_pool2d dilation), and the Harris corner response with max_pool2d non-maximum
suppression and topk on the flattened response."""
import math

import torch
import torch.nn.functional as F

torch.manual_seed(0)


def make_image(h=32, w=32):
    img = torch.zeros(h, w)
    img[6:20, 5:15] = 0.8          # a bright rectangle
    yy, xx = torch.meshgrid(torch.arange(h, dtype=torch.float32), torch.arange(w, dtype=torch.float32),
                            indexing="ij")
    disk = ((yy - 22) ** 2 + (xx - 22) ** 2) <= 36
    img = torch.where(disk, torch.tensor(0.5), img)
    img = img + 0.02 * torch.randn(h, w)
    return img.clamp(0, 1)


def gaussian_1d(sigma, radius=None):
    radius = radius or int(math.ceil(3 * sigma))
    x = torch.arange(-radius, radius + 1, dtype=torch.float32)
    k = torch.exp(-x.pow(2) / (2 * sigma ** 2))
    return k / k.sum()


def blur(img, sigma):
    k = gaussian_1d(sigma)
    r = k.numel() // 2
    x = img[None, None]
    x = F.pad(x, (r, r, r, r), mode="reflect")
    x = F.conv2d(x, k.view(1, 1, 1, -1))
    x = F.conv2d(x, k.view(1, 1, -1, 1))
    return x[0, 0]


SOBEL_X = torch.tensor([[-1., 0., 1.], [-2., 0., 2.], [-1., 0., 1.]]) / 8.0
SOBEL_Y = SOBEL_X.t().contiguous()


def sobel(img):
    x = F.pad(img[None, None], (1, 1, 1, 1), mode="replicate")
    w = torch.stack([SOBEL_X, SOBEL_Y])[:, None]
    g = F.conv2d(x, w)[0]
    return g[0], g[1]


def canny(img, low=0.04, high=0.16, sigma=1.0):
    smooth = blur(img, sigma)
    gx, gy = sobel(smooth)
    mag = torch.hypot(gx, gy)
    theta = torch.atan2(gy, gx)
    angle = torch.rad2deg(theta) % 180.0
    q = torch.round(angle / 45.0).long() % 4          # 0: horizontal, 1: 45, 2: vertical, 3: 135
    offsets = torch.tensor([[0, 1], [1, 1], [1, 0], [1, -1]])
    H, W = mag.shape
    padded = F.pad(mag[None, None], (1, 1, 1, 1))[0, 0]
    ii, jj = torch.meshgrid(torch.arange(H), torch.arange(W), indexing="ij")
    dy, dx = offsets[q, 0], offsets[q, 1]
    n1 = padded[ii + 1 + dy, jj + 1 + dx]
    n2 = padded[ii + 1 - dy, jj + 1 - dx]
    nms = torch.where((mag >= n1) & (mag >= n2), mag, torch.zeros_like(mag))
    strong = nms >= high
    weak = (nms >= low) & ~strong
    edges = strong.clone()
    for it in range(50):
        grown = F.max_pool2d(edges[None, None].float(), 3, stride=1, padding=1)[0, 0].bool()
        new = edges | (grown & weak)
        if torch.equal(new, edges):
            break
        edges = new
    return mag, q, nms, strong, weak, edges, it


def harris(img, k=0.05, sigma=1.0):
    gx, gy = sobel(img)
    ixx, iyy, ixy = blur(gx * gx, sigma), blur(gy * gy, sigma), blur(gx * gy, sigma)
    det = ixx * iyy - ixy ** 2
    trace = ixx + iyy
    return det - k * trace ** 2


img = make_image()
print("image", tuple(img.shape), f"mean={img.mean().item():.4f}", f"max={img.max().item():.4f}")
g = gaussian_1d(1.0)
print("gaussian taps", g.numel(), g.round(decimals=4))
mag, q, nms, strong, weak, edges, iters = canny(img)
print("magnitude max", f"{mag.max().item():.4f}", "direction histogram", torch.bincount(q.flatten(), minlength=4))
print("nms nonzero", int((nms > 0).sum()), "strong", int(strong.sum()), "weak", int(weak.sum()))
print("hysteresis iterations", iters, "edge pixels", int(edges.sum()))
print(edges[4:22, 3:17].int())
rows = edges.any(dim=1).nonzero().flatten()
print("edge rows", rows.min().item(), rows.max().item())

R = harris(img)
print("harris range", f"{R.min().item():.6f}", f"{R.max().item():.6f}")
peaks = F.max_pool2d(R[None, None], kernel_size=5, stride=1, padding=2)[0, 0]
corner_mask = (R == peaks) & (R > 0.1 * R.max())
ys, xs = corner_mask.nonzero(as_tuple=True)
print("corners (y, x):", list(zip(ys.tolist(), xs.tolist())))
vals, idx = R.flatten().topk(4)
print("top-4 response", vals.mul(1e4).round(decimals=2), "at", torch.stack([idx // R.shape[1], idx % R.shape[1]], 1).tolist())
pooled, where = F.max_pool2d(R[None, None], 8, return_indices=True)
print("block maxima", pooled.shape, where[0, 0])
print("angle of edge at (6, 10):", f"{torch.rad2deg(torch.atan2(*sobel(blur(img, 1.0))[::-1])[6, 10]).item():.2f}")
