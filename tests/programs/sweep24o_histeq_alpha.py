"""Histogram equalization, contrast stretching and alpha compositing of RGBA uint8 images, as in
image-processing course labs: bincount(minlength=256) histograms, cumsum CDF lookup tables
applied with gather/index_select, CLAHE-style clipped histograms, percentile contrast
stretching with torch.quantile, Porter-Duff 'over' compositing with premultiplied alpha in
integer arithmetic ((a * b + 127) // 255), and the errors beginners hit with uint8 tensors."""
import torch

torch.manual_seed(5)

# low-contrast grayscale image: values squeezed into [60, 140)
img = (torch.randn(16, 16) * 12 + 100).clamp(60, 139).round().to(torch.uint8)
print("min/max", img.min().item(), img.max().item())

hist = torch.bincount(img.flatten(), minlength=256)
print("hist len", hist.shape[0], "nonzero bins", (hist > 0).sum().item(), "peak", hist.argmax().item())
cdf = hist.cumsum(0)
print("cdf dtype", cdf.dtype, "last", cdf[-1].item())
cdf_min = cdf[cdf > 0].min()
lut = ((cdf - cdf_min).float() / (cdf[-1] - cdf_min).float() * 255).round().clamp(0, 255).to(torch.uint8)
eq = lut[img.long()]
print("equalized min/max", eq.min().item(), eq.max().item())
print(eq[:4, :8])
eq2 = torch.gather(lut, 0, img.flatten().long()).view(16, 16)
print("gather == indexing:", torch.equal(eq, eq2))
new_hist = torch.histc(eq.float(), bins=8, min=0, max=255)
print("equalized histc", new_hist.long().tolist())

# clipped histogram (CLAHE-like, global)
clip = 6
clipped = hist.clamp(max=clip)
excess = (hist - clipped).sum()
clipped = clipped + excess // 256
rem = int(excess % 256)
clipped[:rem] += 1
print("excess", excess.item(), "rem", rem, "sum preserved", clipped.sum().item() == hist.sum().item())
lut2 = (clipped.cumsum(0).double() * 255 / clipped.sum()).floor().to(torch.uint8)
print("clahe-ish row", lut2[img[0].long()])

# percentile contrast stretch
f = img.float()
lo, hi = torch.quantile(f, torch.tensor([0.02, 0.98]))
print(f"p2={lo.item():.2f} p98={hi.item():.2f}")
stretched = ((f - lo) / (hi - lo) * 255).clamp(0, 255).round().byte()
print(stretched[:3, :8])
print("quantile modes", [round(torch.quantile(f[0], 0.3, interpolation=m).item(), 3)
                         for m in ("linear", "lower", "higher", "midpoint", "nearest")])
print("nanquantile", torch.nanquantile(torch.tensor([1.0, float("nan"), 3.0, 7.0]), 0.5).item())
print("median", f.median().item(), f[0].median(0), torch.quantile(f, 0.5, dim=1)[:4])

# alpha compositing: RGBA foreground over RGB background
fg = torch.randint(0, 256, (4, 3, 3), dtype=torch.uint8)
fg[3] = torch.tensor([[0, 128, 255], [255, 64, 0], [200, 255, 10]], dtype=torch.uint8)
bg = torch.full((3, 3, 3), 40, dtype=torch.uint8)
bg[1] = 200
alpha = fg[3:].float() / 255
out_f = fg[:3].float() * alpha + bg.float() * (1 - alpha)
print("float over\n", out_f.round().to(torch.uint8)[0])
a = fg[3:].to(torch.int32)
out_i = (fg[:3].int() * a + bg.int() * (255 - a) + 127) // 255
print("int over\n", out_i.to(torch.uint8)[0])
print("int vs float max diff", (out_i - out_f.round().int()).abs().max().item())
pre = (fg[:3].to(torch.int32) * a).div(255, rounding_mode="floor").to(torch.uint8)
print("premultiplied\n", pre[1])
lerp = torch.lerp(bg.float(), fg[:3].float(), alpha)
print("lerp matches", torch.allclose(lerp, out_f, atol=1e-4))

# search-based lookups
edges = torch.tensor([0, 64, 128, 192, 256])
print("bucketize", torch.bucketize(img[0].long(), edges, right=True))
print("searchsorted", torch.searchsorted(edges, img[1, :6].long()))
print("cummax", img[2, :8].cummax(0).values)

# errors beginners hit
for name, fn in [
    ("uint8 mul_ float", lambda: img.clone().mul_(1.5)),
    ("int div zero", lambda: torch.div(img, 0, rounding_mode="floor")),
    ("bincount float", lambda: torch.bincount(img.float().flatten())),
    ("bincount negative", lambda: torch.bincount(torch.tensor([1, -1, 2]))),
    ("quantile uint8", lambda: torch.quantile(img, 0.5)),
    ("quantile q>1", lambda: torch.quantile(f, 1.5)),
    ("histc int", lambda: torch.histc(img, bins=4)),
    ("mean uint8", lambda: img.mean()),
]:
    try:
        r = fn()
        print(name, "ok", r.dtype)
    except Exception as e:
        print(name, type(e).__name__, str(e).split("\n")[0])
print("true div by zero", (img[0, :3] / 0).tolist(), (img[0, :3].int() // 1).tolist())
