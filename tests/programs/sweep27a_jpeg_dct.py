"""JPEG-style transform coding of a synthetic grayscale image: 8x8 block DCT-II as a matrix,
quantization with the standard luminance table, zigzag scan, run-length coding of zeros,
and reconstruction with PSNR at several quality factors."""
import math

import torch

torch.manual_seed(0)
torch.set_printoptions(precision=4, sci_mode=False)


def dct_matrix(n=8, dtype=torch.float32):
    k = torch.arange(n, dtype=dtype).unsqueeze(1)
    i = torch.arange(n, dtype=dtype).unsqueeze(0)
    c = torch.cos(math.pi * (2 * i + 1) * k / (2 * n))
    c[0, :] *= 1 / math.sqrt(2)
    return c * math.sqrt(2 / n)


D = dct_matrix()
print("D is orthonormal:", torch.allclose(D @ D.T, torch.eye(8), atol=1e-6))
print("first DCT row:", D[0])
print("second DCT row:", D[1])

# synthetic 32x32 image: smooth gradient + a bright disk + a little noise, uint8
yy, xx = torch.meshgrid(torch.arange(32.0), torch.arange(32.0), indexing="ij")
img = 90 + 3 * xx + 1.5 * yy
img = torch.where((xx - 20) ** 2 + (yy - 12) ** 2 < 36, torch.full_like(img, 230.0), img)
img = img + 4 * torch.randn(32, 32)
img_u8 = img.round().clamp(0, 255).to(torch.uint8)
print("image dtype/shape:", img_u8.dtype, tuple(img_u8.shape))
print("image min/max:", img_u8.min().item(), img_u8.max().item())
print("top-left block:\n", img_u8[:8, :8])

# level shift then split into 8x8 blocks with unfold
x = img_u8.to(torch.float32) - 128
blocks = x.unfold(0, 8, 8).unfold(1, 8, 8)          # (4, 4, 8, 8)
print("blocks shape:", blocks.shape, "contiguous:", blocks.is_contiguous())
coef = D @ blocks @ D.T
print("DC coefficients:\n", coef[..., 0, 0])
print("first block coefficients:\n", coef[0, 0])

Q50 = torch.tensor([
    [16, 11, 10, 16, 24, 40, 51, 61],
    [12, 12, 14, 19, 26, 58, 60, 55],
    [14, 13, 16, 24, 40, 57, 69, 56],
    [14, 17, 22, 29, 51, 87, 80, 62],
    [18, 22, 37, 56, 68, 109, 103, 77],
    [24, 35, 55, 64, 81, 104, 113, 92],
    [49, 64, 78, 87, 103, 121, 120, 101],
    [72, 92, 95, 98, 112, 100, 103, 99]], dtype=torch.int32)


def quality_table(q):
    s = 5000 / q if q < 50 else 200 - 2 * q
    t = torch.floor((Q50 * s + 50) / 100)
    return t.clamp(1, 255).to(torch.int32)


for q in (10, 50, 90):
    print(f"Q{q} table row 0:", quality_table(q)[0].tolist())


def zigzag_indices(n=8):
    order = sorted(((i, j) for i in range(n) for j in range(n)),
                   key=lambda p: (p[0] + p[1], p[1] if (p[0] + p[1]) % 2 == 0 else p[0]))
    return torch.tensor([i * n + j for i, j in order], dtype=torch.long)


zz = zigzag_indices()
print("zigzag first 16:", zz[:16].tolist())
inv_zz = torch.empty_like(zz)
inv_zz[zz] = torch.arange(64)
print("inverse zigzag ok:", torch.equal(zz[inv_zz], torch.arange(64)))


def rle(seq):
    out, run = [], 0
    for v in seq.tolist():
        if v == 0:
            run += 1
        else:
            out.append((run, v))
            run = 0
    out.append("EOB")
    return out


for q in (10, 50, 90):
    T = quality_table(q).to(torch.float32)
    qc = torch.round(coef / T).to(torch.int16)
    flat = qc.reshape(4, 4, 64)[..., zz]
    nz = (flat != 0).sum().item()
    print(f"quality {q}: nonzero coefficients {nz} / {flat.numel()}")
    if q == 50:
        print("quantized block (0,0):\n", qc[0, 0])
        print("zigzag of block (0,0):", flat[0, 0, :20].tolist())
        print("RLE of block (0,0):", rle(flat[0, 0]))
    deq = qc.to(torch.float32) * T
    rec_blocks = D.T @ deq @ D
    rec = rec_blocks.permute(0, 2, 1, 3).reshape(32, 32) + 128
    rec_u8 = rec.round().clamp(0, 255).to(torch.uint8)
    mse = ((rec_u8.float() - img_u8.float()) ** 2).mean()
    psnr = 10 * torch.log10(255.0 ** 2 / mse)
    print(f"quality {q}: mse {mse.item():.3f}  psnr {psnr.item():.2f} dB")
    # symbol histogram entropy (bits/coef) as a crude rate estimate
    vals, counts = torch.unique(qc, return_counts=True)
    p = counts.double() / counts.sum()
    H = -(p * torch.log2(p)).sum()
    print(f"quality {q}: {vals.numel()} distinct symbols, entropy {H.item():.4f} bits")

# integer wraparound of naive uint8 arithmetic, the classic bug in decoders
a = torch.tensor([250, 10, 128], dtype=torch.uint8)
b = torch.tensor([10, 20, 200], dtype=torch.uint8)
print("uint8 a+b wraps:", a + b)
print("uint8 a-b wraps:", a - b)
print("int16 a-b:", a.to(torch.int16) - b.to(torch.int16))
print("uint8 * 2:", a * 2, (a * 2).dtype)
print("uint8 + 1.5:", a + 1.5)
print("int16 to uint8:", torch.tensor([-1, 256, 300, 127], dtype=torch.int16).to(torch.uint8))
try:
    torch.tensor([1, 2], dtype=torch.uint8).sub_(torch.tensor([0.5, 0.5]))
except RuntimeError as e:
    print("RuntimeError:", e)
