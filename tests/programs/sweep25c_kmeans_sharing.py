"""Deep-Compression style weight sharing: prune, cluster with k-means, fine-tune the centroids.

Magnitude pruning (by hand and with torch.nn.utils.prune), k-means on the surviving weights with a
linear initialization, shared-weight reconstruction, centroid gradients aggregated with index_add_ /
scatter_reduce, Huffman code lengths of the cluster indices, and the resulting compression ratio.
"""
import heapq

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.nn.utils.prune as prune

torch.manual_seed(5)

# a small regression net to compress
X = torch.randn(256, 12)
Y = torch.sin(X[:, :3].sum(1, keepdim=True)) + 0.05 * torch.randn(256, 1)
net = nn.Sequential(nn.Linear(12, 24), nn.ReLU(), nn.Linear(24, 1))
opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
for _ in range(200):
    opt.zero_grad()
    F.mse_loss(net(X), Y).backward()
    opt.step()
with torch.no_grad():
    base = F.mse_loss(net(X), Y).item()
print(f"baseline mse {base:.4f}")

# 1. magnitude pruning: keep the largest 50% of fc1
fc1 = net[0]
prune.l1_unstructured(fc1, name="weight", amount=0.5)
print(sorted(n for n, _ in fc1.named_buffers()), [n for n, _ in fc1.named_parameters()])
mask = fc1.weight_mask
print("kept", int(mask.sum().item()), "of", mask.numel())
thr = fc1.weight_orig.detach().abs().flatten().kthvalue(mask.numel() // 2).values
print("manual mask agrees:", torch.equal((fc1.weight_orig.abs() > thr).float(), mask))
prune.remove(fc1, "weight")
print("after remove:", [n for n, _ in fc1.named_parameters()], "zeros", int((fc1.weight == 0).sum()))


# 2. k-means on the non-zero weights
def kmeans_1d(values, k, iters=25):
    centroids = torch.linspace(values.min().item(), values.max().item(), k)
    for _ in range(iters):
        assign = torch.cdist(values[:, None], centroids[:, None]).argmin(dim=1)
        sums = torch.zeros(k).index_add_(0, assign, values)
        counts = torch.bincount(assign, minlength=k).float()
        centroids = torch.where(counts > 0, sums / counts.clamp(min=1), centroids)
    return centroids, assign


w = fc1.weight.detach()
nz = w != 0
vals = w[nz]
k = 8
centroids, assign = kmeans_1d(vals, k)
print("centroids", centroids)
print("cluster sizes", torch.bincount(assign, minlength=k).tolist())

shared = torch.zeros_like(w)
shared[nz] = centroids[assign]
print("distinct values:", torch.unique(shared).numel())
with torch.no_grad():
    fc1.weight.copy_(shared)
    mse_shared = F.mse_loss(net(X), Y).item()
print(f"after sharing mse {mse_shared:.4f}")

# 3. fine-tune the centroids: dL/dc_k = sum of dL/dw over the weights in cluster k
idx = torch.full(w.shape, -1, dtype=torch.long)
idx[nz] = assign
c = centroids.clone()
for step in range(40):
    net.zero_grad()
    F.mse_loss(net(X), Y).backward()
    g = fc1.weight.grad[nz]
    gc = torch.zeros(k).scatter_reduce(0, assign, g, reduce="sum")
    c -= 0.02 * gc
    with torch.no_grad():
        new_w = torch.zeros_like(w)
        new_w[nz] = c[assign]
        fc1.weight.copy_(new_w)
with torch.no_grad():
    mse_ft = F.mse_loss(net(X), Y).item()
print(f"after centroid fine-tuning mse {mse_ft:.4f} (improved: {mse_ft < mse_shared})")
print("mean |grad| per cluster", torch.zeros(k).scatter_reduce(0, assign, g.abs(), reduce="mean",
                                                               include_self=False))

# 4. Huffman code lengths of the cluster indices
vals_u, counts = torch.unique(assign, return_counts=True)
heap = [(int(cnt), i, (int(v),)) for i, (v, cnt) in enumerate(zip(vals_u, counts))]
heapq.heapify(heap)
lengths = {int(v): 0 for v in vals_u}
uid = len(heap)
while len(heap) > 1:
    c1, _, s1 = heapq.heappop(heap)
    c2, _, s2 = heapq.heappop(heap)
    for sym in s1 + s2:
        lengths[sym] += 1
    heapq.heappush(heap, (c1 + c2, uid, s1 + s2))
    uid += 1
print("code lengths", lengths)
huff_bits = sum(lengths[int(v)] * int(cnt) for v, cnt in zip(vals_u, counts))
probs = counts.float() / counts.sum()
entropy = -(probs * torch.log2(probs)).sum().item()
print(f"avg bits/weight {huff_bits / len(assign):.3f} entropy {entropy:.3f} fixed {torch.tensor(k).log2().item():.0f}")

# 5. storage: CSR-ish relative indices (4 bits) + huffman codes + fp32 codebook
dense_bits = w.numel() * 32
rows, cols = nz.nonzero(as_tuple=True)
flat_pos = rows * w.shape[1] + cols
gaps = torch.diff(flat_pos, prepend=torch.tensor([-1]))
print("max index gap", gaps.max().item(), "gaps > 15:", int((gaps > 15).sum()))
index_bits = 4 * (len(gaps) + int((gaps > 15).sum()))
comp_bits = huff_bits + index_bits + k * 32
print(f"compression ratio {dense_bits / comp_bits:.2f}x")

# 6. the same clustering, vectorised differently: bucketize against midpoints
mids = (centroids[1:] + centroids[:-1]) / 2
assign2 = torch.bucketize(vals, mids)
print("bucketize agrees with argmin:", torch.equal(assign2, kmeans_1d(vals, k)[1]))
print(fc1)
