"""Color-space conversions as in image-processing course notebooks: RGB <-> HSV and HSL written
with max/min/argmax and torch.where, RGB <-> YCbCr (BT.601) with a 3x3 matrix via einsum and
tensordot, sRGB gamma (piecewise pow with torch.where), XYZ and CIE Lab with a cube-root
function, deltaE between images, and round trips checked with max abs error."""
import torch

torch.manual_seed(0)


def rgb_to_hsv(img, eps=1e-8):
    r, g, b = img.unbind(dim=-3)
    maxc, argmax = img.max(dim=-3)
    minc = img.min(dim=-3).values
    v = maxc
    delta = maxc - minc
    s = torch.where(maxc > 0, delta / (maxc + eps), torch.zeros_like(maxc))
    deltac = torch.where(delta == 0, torch.ones_like(delta), delta)
    rc = (maxc - r) / deltac
    gc = (maxc - g) / deltac
    bc = (maxc - b) / deltac
    h = torch.stack([bc - gc, 2.0 + rc - bc, 4.0 + gc - rc], dim=-3)
    h = torch.gather(h, dim=-3, index=argmax.unsqueeze(-3)).squeeze(-3)
    h = (h / 6.0) % 1.0
    h = torch.where(delta == 0, torch.zeros_like(h), h)
    return torch.stack([h, s, v], dim=-3)


def hsv_to_rgb(img):
    h, s, v = img.unbind(dim=-3)
    i = torch.floor(h * 6.0)
    f = h * 6.0 - i
    i = i.to(torch.int64) % 6
    p = v * (1.0 - s)
    q = v * (1.0 - s * f)
    t = v * (1.0 - s * (1.0 - f))
    mask = i.unsqueeze(-3) == torch.arange(6).view(-1, 1, 1)
    a1 = torch.stack((v, q, p, p, t, v), dim=-3)
    a2 = torch.stack((t, v, v, q, p, p), dim=-3)
    a3 = torch.stack((p, p, t, v, v, q), dim=-3)
    a4 = torch.stack((a1, a2, a3), dim=-4)
    return torch.einsum("...ijk,...xijk->...xjk", mask.to(img.dtype), a4)


def rgb_to_hsl(img):
    maxc, _ = img.max(dim=0)
    minc, _ = img.min(dim=0)
    l = (maxc + minc) / 2
    d = maxc - minc
    s = torch.where(d == 0, torch.zeros_like(l), d / (1 - (2 * l - 1).abs()).clamp(min=1e-6))
    return torch.stack([rgb_to_hsv(img)[0], s, l])


def hsl_to_rgb(hsl):
    h, s, l = hsl
    c = (1 - (2 * l - 1).abs()) * s
    hp = h * 6
    x = c * (1 - (hp.remainder(2) - 1).abs())
    m = l - c / 2
    z = torch.zeros_like(h)
    sector = hp.floor().long().clamp(0, 5)
    table = torch.stack([
        torch.stack([c, x, z]), torch.stack([x, c, z]), torch.stack([z, c, x]),
        torch.stack([z, x, c]), torch.stack([x, z, c]), torch.stack([c, z, x])])
    idx = sector.unsqueeze(0).unsqueeze(0).expand(1, 3, *sector.shape)
    rgb = table.gather(0, idx).squeeze(0)
    return rgb + m


YCBCR = torch.tensor([[0.299, 0.587, 0.114],
                      [-0.168736, -0.331264, 0.5],
                      [0.5, -0.418688, -0.081312]])


def rgb_to_ycbcr(img):
    ycc = torch.einsum("ij,jhw->ihw", YCBCR, img)
    return ycc + torch.tensor([0.0, 0.5, 0.5]).view(3, 1, 1)


def ycbcr_to_rgb(ycc):
    inv = torch.linalg.inv(YCBCR)
    shifted = ycc - torch.tensor([0.0, 0.5, 0.5])[:, None, None]
    return torch.tensordot(inv, shifted, dims=([1], [0]))


def srgb_to_linear(c):
    return torch.where(c <= 0.04045, c / 12.92, torch.pow((c + 0.055) / 1.055, 2.4))


def linear_to_srgb(c):
    return torch.where(c <= 0.0031308, 12.92 * c, 1.055 * c.clamp(min=1e-12) ** (1 / 2.4) - 0.055)


RGB2XYZ = torch.tensor([[0.412453, 0.357580, 0.180423],
                        [0.212671, 0.715160, 0.072169],
                        [0.019334, 0.119193, 0.950227]])
WHITE = torch.tensor([0.950456, 1.0, 1.088754])


def rgb_to_lab(img):
    lin = srgb_to_linear(img)
    xyz = torch.einsum("ij,...jhw->...ihw", RGB2XYZ, lin)
    xyz = xyz / WHITE.view(3, 1, 1)
    eps = 6.0 / 29.0
    f = torch.where(xyz > eps ** 3, xyz.pow(1.0 / 3.0), xyz / (3 * eps ** 2) + 4.0 / 29.0)
    fx, fy, fz = f[0], f[1], f[2]
    L = 116.0 * fy - 16.0
    a = 500.0 * (fx - fy)
    b = 200.0 * (fy - fz)
    return torch.stack([L, a, b], dim=0)


def lab_to_rgb(lab):
    L, a, b = lab.unbind(0)
    fy = (L + 16.0) / 116.0
    fx = fy + a / 500.0
    fz = fy - b / 200.0
    f = torch.stack([fx, fy, fz])
    eps = 6.0 / 29.0
    xyz = torch.where(f > eps, f ** 3, 3 * eps ** 2 * (f - 4.0 / 29.0))
    xyz = xyz * WHITE[:, None, None]
    lin = torch.einsum("ij,jhw->ihw", torch.linalg.inv(RGB2XYZ), xyz)
    return linear_to_srgb(lin.clamp(0, 1))


img = torch.rand(3, 6, 8)
img[:, 0, 0] = torch.tensor([0.5, 0.5, 0.5])  # gray pixel: zero saturation
img[:, 0, 1] = torch.tensor([1.0, 0.0, 0.0])
img[:, 0, 2] = torch.tensor([0.0, 0.0, 0.0])

hsv = rgb_to_hsv(img)
print("hsv shape", tuple(hsv.shape), hsv.dtype)
print("hue of first row", (hsv[0, 0] * 360).round().to(torch.int64).tolist())
print("sat of first row", (hsv[1, 0] * 100).round().to(torch.int64).tolist())
back = hsv_to_rgb(hsv)
print(f"hsv round trip err < 1e-5: {bool((back - img).abs().max() < 1e-5)}")

hsl = rgb_to_hsl(img)
print("lightness", (hsl[2] * 255).round().to(torch.uint8)[:2])
back = hsl_to_rgb(hsl)
print(f"hsl round trip err < 1e-4: {bool((back - img).abs().max() < 1e-4)}")

ycc = rgb_to_ycbcr(img)
print("Y channel (8-bit)\n", (ycc[0] * 255).round().to(torch.uint8)[:3])
print(f"Cb mean {ycc[1].mean().item():.4f}  Cr mean {ycc[2].mean().item():.4f}")
back = ycbcr_to_rgb(ycc)
print(f"ycbcr round trip err < 1e-5: {bool((back - img).abs().max() < 1e-5)}")

lab = rgb_to_lab(img)
print("L range", f"{lab[0].min().item():.3f}", f"{lab[0].max().item():.3f}")
print("Lab of red", [round(v, 2) for v in lab[:, 0, 1].tolist()])
back = lab_to_rgb(lab)
print(f"lab round trip err < 1e-3: {bool((back - img).abs().max() < 1e-3)}")

img2 = (img + 0.05 * torch.randn_like(img)).clamp(0, 1)
dE = (rgb_to_lab(img2) - lab).pow(2).sum(0).sqrt()
print(f"mean deltaE {dE.mean().item():.3f}, pixels with dE>5: {(dE > 5).sum().item()}")

batch = torch.rand(2, 3, 4, 4, dtype=torch.float64)
hsv_b = rgb_to_hsv(batch)
print(hsv_b.dtype, f"{(hsv_to_rgb(hsv_b) - batch).abs().max().item() < 1e-12}")
print("inverse YCbCr matrix\n", torch.linalg.inv(YCBCR))
print("solve for white", torch.linalg.solve(YCBCR, torch.tensor([1.0, 0.0, 0.0])))
img_u8 = (img * 255).round().to(torch.uint8)
try:
    torch.tensordot(torch.tensor([0.299, 0.587, 0.114]), img_u8, dims=1)
except RuntimeError as e:
    print("tensordot on uint8:", e)
gray = torch.tensordot(torch.tensor([0.299, 0.587, 0.114]), img, dims=1)
print("gray\n", (gray * 255).to(torch.uint8)[:2])
