"""Low-rank compression of trained layers, as in the SVD / Tucker chapters of compression courses:
truncated SVD of an nn.Linear into two smaller Linears (energy-based rank choice), a Conv2d split into a
k x 1 and 1 x k pair via the SVD of its reshaped kernel, a 1x1 'channel' factorisation, torch.svd_lowrank
and pca_lowrank, matrix_rank / svdvals / nuclear norms, the Eckart-Young error, and fine-tuning the
factors with Adam."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)


def n_params(m):
    return sum(p.numel() for p in m.parameters())


# a Linear whose weight is nearly low-rank: rank-4 signal plus noise
lin = nn.Linear(24, 16)
with torch.no_grad():
    A, B = torch.randn(16, 4), torch.randn(4, 24)
    lin.weight.copy_(A @ B / 4 + 0.01 * torch.randn(16, 24))

W = lin.weight.detach()
U, S, Vh = torch.linalg.svd(W, full_matrices=False)
print("U, S, Vh shapes:", U.shape, S.shape, Vh.shape)
print("singular values:", S[:6])
print("svdvals equal:", torch.allclose(torch.linalg.svdvals(W), S))
energy = torch.cumsum(S ** 2, 0) / (S ** 2).sum()
print("energy:", energy[:6])
rank = int(torch.searchsorted(energy, torch.tensor(0.999)).item()) + 1
print("rank for 99.9% energy:", rank, " matrix_rank(atol=0.1):", torch.linalg.matrix_rank(W, atol=0.1).item())
print(f"nuclear norm: {torch.linalg.matrix_norm(W, ord='nuc').item():.4f}  "
      f"spectral: {torch.linalg.matrix_norm(W, ord=2).item():.4f}  fro: {torch.linalg.norm(W).item():.4f}")


def factorize(layer, r):
    U, S, Vh = torch.linalg.svd(layer.weight.detach(), full_matrices=False)
    first = nn.Linear(layer.in_features, r, bias=False)
    second = nn.Linear(r, layer.out_features, bias=layer.bias is not None)
    sq = S[:r].sqrt()
    with torch.no_grad():
        first.weight.copy_(sq[:, None] * Vh[:r])
        second.weight.copy_(U[:, :r] * sq)
        if layer.bias is not None:
            second.bias.copy_(layer.bias)
    return nn.Sequential(first, second)


x = torch.randn(32, 24)
y_full = lin(x)
for r in (1, 2, 4, 8):
    low = factorize(lin, r)
    err = (low(x) - y_full).norm() / y_full.norm()
    w_err = torch.linalg.matrix_norm(low[1].weight @ low[0].weight - W)
    ey = S[r:].pow(2).sum().sqrt()
    print(f"rank {r}: params {n_params(low):4d} vs {n_params(lin)}  rel err {err.item():.4f}  "
          f"||W-W_r||={w_err.item():.4f}  eckart-young={ey.item():.4f}")
low = factorize(lin, 4)
print(low)

# randomized SVD and PCA
U2, S2, V2 = torch.svd_lowrank(W, q=6, niter=4)
print("svd_lowrank shapes:", U2.shape, S2.shape, V2.shape)
print("svd_lowrank top-4 close:", torch.allclose(S2[:4], S[:4], rtol=1e-3))
Up, Sp, Vp = torch.pca_lowrank(W, q=4, center=True)
print("pca shapes:", Up.shape, Sp.shape, Vp.shape)
Wc = W - W.mean(dim=0, keepdim=True)
print("pca top-4 close to centred svd:", torch.allclose(Sp, torch.linalg.svdvals(Wc)[:4], rtol=1e-3))

# spatial separation of a 3x3 conv: (Cout, Cin, k, k) -> (Cout*k? no) per-pair rank-1 kernels
conv = nn.Conv2d(3, 6, 3, padding=1, bias=True)
with torch.no_grad():
    col = torch.randn(6, 3, 3, 1)
    row = torch.randn(6, 3, 1, 3)
    conv.weight.copy_(col * row + 0.001 * torch.randn(6, 3, 3, 3))
K = conv.weight.detach()
Uk, Sk, Vk = torch.linalg.svd(K)         # batched over (Cout, Cin)
print("batched svd:", Uk.shape, Sk.shape, Vk.shape)
print("rank-1 energy per kernel (min):", f"{(Sk[..., 0] ** 2 / (Sk ** 2).sum(-1)).min().item():.4f}")
vert = (Uk[..., :, :1] * Sk[..., None, :1])           # (6, 3, 3, 1)
horz = Vk[..., :1, :]                                   # (6, 3, 1, 3)
print("vert/horz:", vert.shape, horz.shape)
approx = vert @ horz
print(f"kernel rel err: {((approx - K).norm() / K.norm()).item():.4f}")

img = torch.randn(2, 3, 8, 8)
ref = conv(img)
# run as a grouped vertical conv followed by a horizontal conv that sums over input channels
v_conv = nn.Conv2d(3, 18, (3, 1), padding=(1, 0), groups=3, bias=False)
h_conv = nn.Conv2d(18, 6, (1, 3), padding=(0, 1), bias=True)
with torch.no_grad():
    v_conv.weight.copy_(vert.permute(1, 0, 2, 3).reshape(18, 1, 3, 1))
    hw = torch.zeros(6, 18, 1, 3)
    for o in range(6):
        for c in range(3):
            hw[o, c * 6 + o] = horz[o, c]
    h_conv.weight.copy_(hw)
    h_conv.bias.copy_(conv.bias)
sep = nn.Sequential(v_conv, h_conv)
out = sep(img)
print(f"separable conv rel err: {((out - ref).norm() / ref.norm()).item():.4f}")
print(sep)
print("params:", n_params(conv), "->", n_params(sep))

# fine-tune the low-rank factors against the original layer
# (SGD, not Adam: the SVD factors are a stationary point for the first layer, whose gradient is
# rounding noise that Adam's normalisation would turn into full-size steps)
low2 = factorize(lin, 2)
opt = torch.optim.SGD(low2.parameters(), lr=0.05, momentum=0.9)
for step in range(30):
    opt.zero_grad()
    loss = F.mse_loss(low2(x), y_full.detach())
    loss.backward()
    opt.step()
    if step % 10 == 0:
        print(f"step {step:2d} mse {loss.item():.5f}")
print(f"final mse {F.mse_loss(low2(x), y_full).item():.5f}")

try:
    torch.linalg.svd(torch.randn(3))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.svd_lowrank(W, q=30)
except (ValueError, RuntimeError) as e:
    print(type(e).__name__, e)
try:
    torch.linalg.matrix_norm(W, ord=3)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.linalg.svd(torch.randint(0, 3, (3, 3)))
except RuntimeError as e:
    print("RuntimeError:", e)
