"""Deep-compression style weight sharing (Han et al.): k-means on a layer's weights with linear, random
and density-based (quantile) centroid initialisation, cdist / argmin assignment, centroid updates with
scatter_add_ / index_add_ / bincount / scatter_reduce, codebook fine-tuning where each centroid's
gradient is the sum of its weights' gradients, the storage cost with Huffman-like entropy of the
indices (unique / histc / log2), and the int8 index tensors that hold the code."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(11)

layer = nn.Linear(12, 8)
W = layer.weight.detach().clone()
w = W.flatten()
print("weights:", w.shape, w.dtype, f"min {w.min().item():.4f} max {w.max().item():.4f}")


def init_centroids(w, k, how):
    if how == "linear":
        return torch.linspace(w.min().item(), w.max().item(), k)
    if how == "random":
        g = torch.Generator().manual_seed(5)
        return w[torch.randperm(w.numel(), generator=g)[:k]].sort().values
    if how == "density":
        return torch.quantile(w, torch.linspace(0, 1, k + 2)[1:-1])
    raise ValueError(how)


def kmeans(w, k, how, iters=15):
    c = init_centroids(w, k, how)
    for _ in range(iters):
        d = torch.cdist(w[:, None], c[:, None])          # (n, k)
        idx = d.argmin(dim=1)
        sums = torch.zeros(k).scatter_add_(0, idx, w)
        counts = torch.bincount(idx, minlength=k).float()
        c = torch.where(counts > 0, sums / counts.clamp(min=1), c)
    return c, idx


for how in ("linear", "random", "density"):
    c, idx = kmeans(w, 8, how)
    wq = c[idx]
    err = (wq - w).pow(2).mean().sqrt()
    print(f"{how:8s} centroids {c}")
    print(f"{how:8s} rmse {err.item():.5f} used {idx.unique().numel()} clusters")

c, idx = kmeans(w, 8, "linear")
counts = torch.bincount(idx, minlength=8)
print("counts:", counts, counts.dtype)
print("index_add_ sums:", torch.zeros(8).index_add_(0, idx, w))
print("scatter_reduce mean:", torch.zeros(8).scatter_reduce(0, idx, w, reduce="mean", include_self=False))
print("scatter_reduce amax:", torch.full((8,), -1.0).scatter_reduce(0, idx, w, reduce="amax"))
vals, inv, cnt = torch.unique(idx, sorted=True, return_inverse=True, return_counts=True)
print("unique:", vals, cnt, torch.equal(vals[inv], idx))
p = cnt.float() / cnt.sum()
entropy = -(p * torch.log2(p)).sum()
print(f"index entropy: {entropy.item():.4f} bits (fixed code: {math.ceil(math.log2(8))} bits)")
hist = torch.histc(w, bins=6, min=-0.3, max=0.3)
print("histc:", hist)
bounds = (c[1:] + c[:-1]) / 2
idx_b = torch.bucketize(w, bounds)
print("bucketize agrees with argmin:", torch.equal(idx_b, idx), idx_b.dtype)
code = idx.to(torch.uint8).view(W.shape)
print("code:\n", code[:3])
print("code dtype/bytes:", code.dtype, code.element_size() * code.numel(), "vs", W.element_size() * W.numel())
bits = idx.numel() * 3 + c.numel() * 32
print(f"compression: {W.numel() * 32 / bits:.3f}x")

# fine-tune the shared weights: gradient of each centroid is the sum of its members' gradients
codebook = nn.Parameter(c.clone())
x = torch.randn(40, 12)
target = layer(x).detach() + 0.05 * torch.randn(40, 8)
opt = torch.optim.SGD([codebook], lr=0.01)
for step in range(25):
    opt.zero_grad()
    Wq = codebook[idx].view(W.shape)
    out = F.linear(x, Wq, layer.bias.detach())
    loss = F.mse_loss(out, target)
    loss.backward()
    if step == 0:
        print("codebook grad:", codebook.grad)
        print("Wq grad_fn:", Wq.grad_fn.name(), Wq.grad_fn.next_functions[0][0].name())
        # the same via manual scatter of the dense gradient
        Wd = codebook[idx].view(W.shape).detach().requires_grad_()
        F.mse_loss(F.linear(x, Wd, layer.bias.detach()), target).backward()
        manual = torch.zeros(8).index_add_(0, idx, Wd.grad.flatten())
        print("manual matches:", torch.allclose(manual, codebook.grad, atol=1e-6))
    opt.step()
    if step % 8 == 0:
        print(f"step {step:2d} loss {loss.item():.5f}")
print("tuned codebook:", codebook.data)

# masked weight sharing after pruning: zeros stay a dedicated cluster
mask = w.abs() > w.abs().median()
nz = w[mask]
c2, idx2 = kmeans(nz, 4, "density")
full_idx = torch.zeros_like(w, dtype=torch.long)
full_idx[mask] = idx2 + 1
book = torch.cat([torch.zeros(1), c2])
rebuilt = book[full_idx].view(W.shape)
print("kept:", int(mask.sum()), "sparsity:", f"{(rebuilt == 0).float().mean().item():.4f}")
print("rebuilt rows 0-1:\n", rebuilt[:2])
print("masked_scatter:", torch.zeros(6).masked_scatter(torch.tensor([1, 0, 1, 0, 1, 1], dtype=torch.bool),
                                                     torch.arange(1.0, 5.0)))

try:
    torch.bincount(torch.tensor([1, -1, 2]))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.zeros(4).scatter_add_(0, torch.tensor([0, 5]), torch.ones(2))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.zeros(4).scatter_reduce(0, torch.tensor([0, 1]), torch.ones(2), reduce="median")
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.histc(torch.arange(5), bins=3)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.cdist(torch.randn(3, 2), torch.randn(4, 3))
except RuntimeError as e:
    print("RuntimeError:", e)
