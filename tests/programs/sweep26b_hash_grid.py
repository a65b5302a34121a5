"""Multi-resolution hash encoding (Instant-NGP style) in plain PyTorch: integer spatial hashing,
trilinear interpolation, and fitting a 3D signal with a tiny MLP on top."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)
PRIMES = torch.tensor([1, 2654435761, 805459861], dtype=torch.int64)
print("primes", PRIMES, PRIMES.dtype)


def spatial_hash(coords, log2_table):
    """coords: (..., 3) int64 grid vertices -> (...,) indices in [0, 2**log2_table)."""
    x = coords * PRIMES
    h = torch.bitwise_xor(torch.bitwise_xor(x[..., 0], x[..., 1]), x[..., 2])
    return h & ((1 << log2_table) - 1)


c = torch.tensor([[0, 0, 0], [1, 2, 3], [7, 7, 7], [123, 456, 789]])
print("products", c * PRIMES)
print("hash", spatial_hash(c, 10), spatial_hash(c, 14).dtype)
print("xor op", c[:, 0] ^ c[:, 1], (c[:, 1] | c[:, 2]), (c >> 1)[1], (c << 2)[3])
print("overflow wraps", torch.tensor([2 ** 62], dtype=torch.int64) * 4, torch.tensor([3037000500]) ** 2)
print("remainder", torch.remainder(torch.tensor([-7, 7, -1]), 4), torch.fmod(torch.tensor([-7, 7, -1]), 4))
print("floor_divide", torch.floor_divide(torch.tensor([-7, 7]), 2), torch.tensor([-7, 7]) // 2)

OFFSETS = torch.tensor([[i, j, k] for i in (0, 1) for j in (0, 1) for k in (0, 1)], dtype=torch.int64)
print("corner offsets", OFFSETS.shape, OFFSETS.sum(0))


class HashEncoding(nn.Module):
    def __init__(self, n_levels=4, feat_dim=2, log2_table=10, base_res=4, max_res=32):
        super().__init__()
        self.n_levels = n_levels
        self.log2_table = log2_table
        b = math.exp((math.log(max_res) - math.log(base_res)) / (n_levels - 1))
        self.register_buffer("resolutions", torch.floor(base_res * b ** torch.arange(n_levels, dtype=torch.float64)).long())
        self.tables = nn.Parameter(torch.empty(n_levels, 2 ** log2_table, feat_dim).uniform_(-1e-4, 1e-4))

    def forward(self, x):
        feats = []
        for lvl in range(self.n_levels):
            res = self.resolutions[lvl]
            xs = x * res
            x0 = torch.floor(xs)
            frac = xs - x0
            corners = x0.long().unsqueeze(-2) + OFFSETS                      # (N, 8, 3)
            idx = spatial_hash(corners, self.log2_table)                    # (N, 8)
            f = self.tables[lvl][idx]                                       # (N, 8, F)
            w = torch.where(OFFSETS.bool(), frac.unsqueeze(-2), 1 - frac.unsqueeze(-2)).prod(-1)
            feats.append((w.unsqueeze(-1) * f).sum(-2))
        return torch.cat(feats, -1)


enc = HashEncoding()
print(enc)
print("resolutions", enc.resolutions, enc.resolutions.dtype)
print("table", tuple(enc.tables.shape), enc.tables.dtype, f"{enc.tables.abs().max().item():.6f}")

pts = torch.rand(6, 3)
x0 = torch.floor(pts * 8)
frac = torch.frac(pts * 8)
print("frac matches", torch.allclose(frac, pts * 8 - x0))
w = torch.where(OFFSETS.bool(), frac.unsqueeze(-2), 1 - frac.unsqueeze(-2)).prod(-1)
print("trilinear weights sum to 1", torch.allclose(w.sum(-1), torch.ones(6)), w.shape)

# collisions per level: how many distinct table slots are hit by a dense grid
g = torch.stack(torch.meshgrid(*[torch.arange(16)] * 3, indexing="ij"), -1).reshape(-1, 3)
for log2 in (8, 10, 12):
    h = spatial_hash(g, log2)
    used = torch.unique(h)
    counts = torch.bincount(h, minlength=2 ** log2)
    print(f"T=2^{log2}: {g.shape[0]} vertices -> {used.numel()} slots, max load {counts.max().item()}, "
          f"empty {(counts == 0).sum().item()}")
_, inverse, cnt = torch.unique(spatial_hash(g[:20], 6), return_inverse=True, return_counts=True)
print("unique inverse", inverse, cnt)

# fit a 3D function with encoding + tiny MLP
def target_fn(p):
    return torch.sin(6 * p[:, 0]) * torch.cos(4 * p[:, 1]) + (p[:, 2] - 0.5) ** 2


model = nn.Sequential()
model.add_module("enc", enc)
model.add_module("mlp", nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 1)))
print(model)
opt = torch.optim.Adam([
    {"params": model.enc.parameters(), "lr": 1e-2, "eps": 1e-15},
    {"params": model.mlp.parameters(), "lr": 1e-2, "weight_decay": 1e-6},
])
print("param groups", len(opt.param_groups), [g["lr"] for g in opt.param_groups], opt.param_groups[0]["eps"])
test_pts = torch.rand(256, 3)
test_y = target_fn(test_pts)
for step in range(60):
    p = torch.rand(256, 3)
    y = target_fn(p)
    pred = model(p).squeeze(-1)
    loss = F.mse_loss(pred, y)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    if step == 0:
        gt = model.enc.tables.grad
        touched = (gt.abs().sum(-1) > 0).sum(1)
        print("slots touched per level", touched)
    opt.step()
    if step % 20 == 19:
        with torch.no_grad():
            test_loss = F.mse_loss(model(test_pts).squeeze(-1), test_y)
        print(f"step {step + 1} train {loss.item():.4f} test {test_loss.item():.4f}")

# index errors on a hash table lookup are surfaced as IndexError
try:
    enc.tables[0][torch.tensor([1 << 10])]
except IndexError as e:
    print("IndexError:", e)
try:
    torch.bitwise_xor(torch.tensor([1.5]), torch.tensor([2]))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.tensor([1.0]) << 2
except RuntimeError as e:
    print("RuntimeError:", e)
print(torch.tensor([5], dtype=torch.uint8) ^ torch.tensor([3]), torch.tensor([True, False]) ^ torch.tensor([True, True]))
print(torch.tensor([-8], dtype=torch.int32) >> 1, torch.bitwise_left_shift(torch.tensor([1], dtype=torch.int16), 3))
