"""Entropy coding and vector quantization for transform coding: symbol statistics with bincount
and histc, Huffman code lengths, an arithmetic-coder interval table with cumsum/searchsorted,
Karhunen-Loeve transform via eigh, reverse water-filling bit allocation, and a k-means
(Linde-Buzo-Gray) codebook for 2x2 image patches."""
import heapq
import math

import torch
import torch.nn.functional as F

torch.manual_seed(4)
torch.set_printoptions(precision=4, sci_mode=False)

# Laplacian-ish quantized DCT coefficients
lap = torch.distributions.Laplace(torch.tensor(0.0), torch.tensor(2.0))
coeffs = lap.sample((4000,))
sym = torch.round(coeffs).clamp(-8, 8).to(torch.int64)
print("symbols:", sym[:12].tolist(), sym.dtype)
shifted = sym + 8
counts = torch.bincount(shifted, minlength=17)
print("counts:", counts.tolist())
p = counts.double() / counts.sum()
nz = p > 0
H = -(p[nz] * torch.log2(p[nz])).sum()
print(f"empirical entropy: {H.item():.4f} bits/symbol")
hist = torch.histc(coeffs, bins=10, min=-5, max=5)
print("histc:", hist)
h2 = torch.histogram(coeffs, bins=torch.linspace(-5, 5, 6))
print("histogram:", h2.hist, h2.bin_edges)
print("weighted bincount:", torch.bincount(torch.tensor([0, 1, 1, 3]), weights=torch.tensor([0.5, 1.0, 2.0, 0.25])))


def huffman_lengths(freqs):
    heap = [(f, i, [i]) for i, f in enumerate(freqs) if f > 0]
    heapq.heapify(heap)
    lengths = [0] * len(freqs)
    uid = len(freqs)
    while len(heap) > 1:
        f1, _, a = heapq.heappop(heap)
        f2, _, b = heapq.heappop(heap)
        for s in a + b:
            lengths[s] += 1
        heapq.heappush(heap, (f1 + f2, uid, a + b))
        uid += 1
    return torch.tensor(lengths)


L = huffman_lengths(counts.tolist())
print("huffman lengths:", L.tolist())
avg = (p * L.double()).sum()
kraft = torch.pow(2.0, -L[counts > 0].double()).sum()
print(f"huffman average {avg.item():.4f} bits, kraft sum {kraft.item():.4f}, redundancy {(avg - H).item():.4f}")

# arithmetic coding interval table (integer frequencies, 16-bit precision)
freq = counts.clamp_min(1)
cdf = torch.cat([torch.zeros(1, dtype=torch.int64), torch.cumsum(freq, 0)])
scale = (cdf * 65535 // cdf[-1]).to(torch.int32)
print("scaled cdf:", scale.tolist())
targets = torch.tensor([0, 1000, 30000, 32768, 50000, 65534], dtype=torch.int32)
dec = torch.searchsorted(scale, targets, right=True) - 1
print("decoded symbols:", (dec - 8).tolist())
print("bucketize:", torch.bucketize(torch.tensor([-2.5, 0.0, 0.5, 7.0]), torch.tensor([-1.0, 0.0, 1.0])))
msg = sym[:64]
ideal = -torch.log2(p[msg + 8]).sum()
print(f"ideal code length of 64 symbols: {ideal.item():.2f} bits")

# KLT of correlated 4-sample blocks (AR(1) source, rho = 0.9)
rho = 0.9
idx = torch.arange(4)
R = rho ** (idx.view(-1, 1) - idx.view(1, -1)).abs().double()
print("AR(1) covariance:\n", R)
evals, evecs = torch.linalg.eigh(R)
print("eigenvalues:", evals)
order = evals.argsort(descending=True)
evals, evecs = evals[order], evecs[:, order]
evecs = evecs * torch.sign(evecs[0]).unsqueeze(0)
print("KLT basis (columns):\n", evecs)
chol = torch.linalg.cholesky(R)
x = (chol @ torch.randn(4, 5000, dtype=torch.float64)).T
y = x @ evecs
cov_y = torch.cov(y.T)
print("decorrelated diag:", cov_y.diagonal())
print("max off-diagonal:", f"{(cov_y - torch.diag(cov_y.diagonal())).abs().max().item():.4f}")
gain = R.diagonal().mean() / evals.prod() ** (1 / 4)
print(f"coding gain: {10 * torch.log10(gain).item():.3f} dB")


def water_fill(var, D):
    """Reverse water-filling: the level theta with sum(min(theta, var)) = D, by bisection."""
    lo, hi = torch.tensor(0.0, dtype=var.dtype), var.max()
    for _ in range(60):
        mid = (lo + hi) / 2
        if torch.minimum(mid, var).sum() > D:
            hi = mid
        else:
            lo = mid
    d = torch.minimum(lo, var)
    bits = 0.5 * torch.log2(var / d)
    return d, bits


for D in (0.4, 1.0, 2.0):
    d, bits = water_fill(evals, D)
    print(f"D={D}: distortions {[round(v, 4) for v in d.tolist()]}  bits {[round(v, 3) for v in bits.tolist()]}")

# LBG / k-means vector quantizer for 2x2 patches of a synthetic image
yy, xx = torch.meshgrid(torch.linspace(0, 1, 32), torch.linspace(0, 1, 32), indexing="ij")
img = 0.5 + 0.4 * torch.sin(6 * xx) * torch.cos(4 * yy) + 0.05 * torch.randn(32, 32)
patches = F.unfold(img.view(1, 1, 32, 32), kernel_size=2, stride=2)[0].T   # (256, 4)
print("patches:", patches.shape)
K = 8
code = patches[torch.randperm(patches.size(0))[:K]].clone()
for it in range(10):
    d2 = torch.cdist(patches, code) ** 2
    assign = d2.argmin(dim=1)
    new = torch.zeros_like(code).index_add_(0, assign, patches)
    n = torch.bincount(assign, minlength=K).unsqueeze(1)
    code = torch.where(n > 0, new / n.clamp_min(1), code)
    if it % 3 == 0:
        print(f"iter {it}: distortion {d2.min(dim=1).values.mean().item():.5f}  used {int((n > 0).sum())}")
rec_patches = code[assign]
rec = F.fold(rec_patches.T.unsqueeze(0), output_size=(32, 32), kernel_size=2, stride=2)[0, 0]
mse = F.mse_loss(rec, img)
print(f"VQ rate {math.log2(K) / 4:.3f} bpp, psnr {(-10 * torch.log10(mse)).item():.2f} dB")
usage = torch.bincount(assign, minlength=K)
print("codeword usage:", sorted(usage.tolist()))
pu = usage[usage > 0].float() / usage.sum()
print(f"index entropy {(-(pu * pu.log2()).sum()).item():.4f} bits")
print("assign dtype:", assign.dtype, "rec dtype:", rec.dtype)

try:
    torch.bincount(torch.tensor([1, -1, 2]))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.bincount(torch.tensor([1.0, 2.0]))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.searchsorted(torch.tensor([3, 1, 2]).float(), torch.tensor([1, 2]))
except RuntimeError as e:
    print("RuntimeError:", e)
