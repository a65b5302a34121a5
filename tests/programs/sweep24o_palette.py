"""Palette quantization as in color-quantization tutorials: nearest-color mapping with
torch.cdist + argmin against a fixed web palette, k-means color quantization (a few Lloyd
iterations with scatter_add_/index_add_ and bincount), median-cut via sort/argsort on the
widest channel with recursive splitting, and the palette image stored as uint8 indices."""
import torch

torch.manual_seed(11)

H, W = 8, 10
# synthetic image: 4 blobs of color plus noise, float in [0, 1], HWC layout
centers = torch.tensor([[0.9, 0.1, 0.1], [0.1, 0.8, 0.2], [0.2, 0.2, 0.9], [0.9, 0.9, 0.8]])
labels = torch.randint(0, 4, (H, W))
img = (centers[labels] + 0.06 * torch.randn(H, W, 3)).clamp(0, 1)
img_u8 = (img * 255).round().to(torch.uint8)
print("image (R channel)\n", img_u8[..., 0])

# 1. fixed 8-color palette (corners of the RGB cube)
palette = torch.tensor([[r, g, b] for r in (0, 255) for g in (0, 255) for b in (0, 255)], dtype=torch.uint8)
pixels = img_u8.reshape(-1, 3).float()
d = torch.cdist(pixels, palette.float())
idx = d.argmin(dim=1)
print("palette indices\n", idx.view(H, W).to(torch.uint8))
print("palette usage", torch.bincount(idx, minlength=8).tolist())
quant = palette[idx].view(H, W, 3)
mse = ((quant.float() - img_u8.float()) ** 2).mean()
print(f"fixed palette PSNR {10 * torch.log10(255.0 ** 2 / mse).item():.2f} dB")

# 2. k-means with k=4
k = 4
X = img.reshape(-1, 3)
perm = torch.randperm(X.shape[0])[:k]
C = X[perm].clone()
for it in range(6):
    assign = torch.cdist(X, C).argmin(1)
    sums = torch.zeros(k, 3).index_add_(0, assign, X)
    counts = torch.bincount(assign, minlength=k).float()
    C = torch.where(counts[:, None] > 0, sums / counts.clamp(min=1)[:, None], C)
    inertia = ((X - C[assign]) ** 2).sum()
    print(f"iter {it} inertia {inertia.item():.4f} sizes {counts.long().tolist()}")
order = C.sum(1).argsort()
print("kmeans palette (8-bit, sorted by brightness)\n", (C[order] * 255).round().to(torch.uint8))

sums2 = torch.zeros(k, 3).scatter_add_(0, assign[:, None].expand(-1, 3), X)
print("scatter_add matches index_add:", torch.allclose(sums, sums2))


# 3. median cut
def median_cut(px, depth):
    boxes = [px]
    for _ in range(depth):
        new_boxes = []
        for box in boxes:
            ranges = box.max(0).values - box.min(0).values
            ch = int(ranges.argmax())
            vals, order = box[:, ch].sort(stable=True)
            half = box.shape[0] // 2
            new_boxes += [box[order[:half]], box[order[half:]]]
        boxes = new_boxes
    return torch.stack([b.float().mean(0) for b in boxes])


mc = median_cut(img_u8.reshape(-1, 3), 3)
mc_u8 = mc.round().to(torch.uint8)
print("median cut palette\n", mc_u8)
mc_idx = torch.cdist(pixels, mc).argmin(1)
recon = mc_u8[mc_idx]
err = (recon.int() - img_u8.reshape(-1, 3).int()).abs()
print("max abs err per channel", err.max(0).values.tolist(), "mean", f"{err.float().mean().item():.3f}")
print("unique colors before", torch.unique(img_u8.reshape(-1, 3), dim=0).shape[0],
      "after", torch.unique(recon, dim=0).shape[0])

# palette lookup via index_select on a uint8 index image
index_img = mc_idx.view(H, W).to(torch.uint8)
rgb = mc_u8.index_select(0, index_img.flatten().long()).view(H, W, 3).permute(2, 0, 1)
print(rgb.shape, rgb.dtype, rgb[1, :2])
hist = torch.histc(index_img.float(), bins=8, min=0, max=7)
print("histc", hist.long().tolist())
print("mode color", torch.mode(index_img.flatten().long()).values.item(),
      torch.bincount(index_img.flatten()).argmax().item())
