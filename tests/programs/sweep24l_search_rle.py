"""Binary search and run-length encoding with tensors: torch.searchsorted (right=, side=, sorter=,
out_int32=), torch.bucketize (right=, out_int32=True) for histogram binning, lower/upper bound
counting, unique_consecutive(return_inverse=True, return_counts=True, dim=) for RLE encode and
repeat_interleave decode, top-k via topk/kthvalue/msort, and counting sort with bincount."""
import torch

torch.manual_seed(7)

xs = torch.randint(0, 20, (15,)).sort().values
print("sorted:", xs.tolist())
q = torch.tensor([-1, 0, 5, 7, 19, 25])
lo = torch.searchsorted(xs, q)
hi = torch.searchsorted(xs, q, right=True)
print("lower_bound:", lo)
print("upper_bound:", hi)
print("count:", (hi - lo).tolist())
print("side=right:", torch.searchsorted(xs, q, side="right", out_int32=True))
print("scalar:", torch.searchsorted(xs, 7), torch.searchsorted(xs, 7, right=True).item())

unsorted = torch.randint(0, 30, (10,))
order = torch.argsort(unsorted)
print("unsorted:", unsorted.tolist(), "sorter:", order.tolist())
print("with sorter:", torch.searchsorted(unsorted, torch.tensor([3, 10, 29]), sorter=order))
rows = torch.randint(0, 10, (3, 6)).sort(dim=-1).values
print(rows)
print(torch.searchsorted(rows, torch.tensor([[2, 5], [0, 9], [4, 4]]), side="left"))
fb = torch.linspace(0, 1, 6)
vals = torch.rand(8)
print("float search:", torch.searchsorted(fb, vals).tolist())

boundaries = torch.tensor([0, 10, 20, 50, 100])
scores = torch.randint(-5, 110, (12,))
b = torch.bucketize(scores, boundaries)
br = torch.bucketize(scores, boundaries, right=True, out_int32=True)
print("scores:", scores.tolist())
print("bucketize:", b, b.dtype)
print("right:", br, br.dtype)
print("hist:", torch.bincount(b, minlength=boundaries.numel() + 1).tolist())
print(torch.bucketize(torch.tensor(42), boundaries))

# run-length encoding
s = torch.tensor([3, 3, 3, 1, 1, 7, 7, 7, 7, 3, 3, 0])
vals, inv, counts = torch.unique_consecutive(s, return_inverse=True, return_counts=True)
print("values:", vals.tolist(), "counts:", counts.tolist())
print("inverse:", inv)
dec = torch.repeat_interleave(vals, counts)
print("decoded ok:", torch.equal(dec, s))
starts = torch.cat([torch.zeros(1, dtype=torch.long), counts.cumsum(0)[:-1]])
print("run starts:", starts.tolist(), "longest run:", counts.max().item(), "value", vals[counts.argmax()].item())
grid = torch.tensor([[1, 2], [1, 2], [3, 4], [3, 4], [3, 4], [1, 2]])
u, ginv, gc = torch.unique_consecutive(grid, return_inverse=True, return_counts=True, dim=0)
print(u, ginv, gc)
print(torch.unique_consecutive(grid.T, dim=1))
print(torch.unique_consecutive(torch.tensor([2.5, 2.5, -1.0, -1.0, 2.5])))
print(torch.unique(s, sorted=True, return_counts=True))
print(torch.unique(grid, dim=0, return_inverse=True))

# top-k / heap emulation
data = torch.randint(0, 100, (12,))
print("data:", data.tolist())
tv, ti = torch.topk(data, 4)
print("top4:", tv.tolist(), ti.tolist())
print("bottom3:", torch.topk(data, 3, largest=False, sorted=True))
kv = torch.kthvalue(data, 5)
print("5th smallest:", kv.values.item(), kv.indices.item())
print("msort:", torch.msort(data))
m2 = torch.randint(0, 9, (4, 3))
print(torch.msort(m2))
print(torch.kthvalue(m2, 2, dim=0, keepdim=True))
heap = torch.empty(0, dtype=torch.long)
for x in data.tolist():
    heap = torch.cat([heap, torch.tensor([x])])
    if heap.numel() > 3:
        heap = heap.topk(3).values
print("running top3:", heap.tolist())
print(torch.sort(data, descending=True, stable=True))
print(torch.argsort(torch.tensor([2, 1, 2, 1, 0]), stable=True))

# counting sort
keys = torch.randint(0, 6, (14,))
cnt = torch.bincount(keys)
print("counts:", cnt, cnt.dtype)
csorted = torch.repeat_interleave(torch.arange(cnt.numel()), cnt)
print("counting sort:", csorted.tolist(), torch.equal(csorted, keys.sort().values))
w = torch.linspace(0.5, 2.0, 14)
print("weighted:", torch.bincount(keys, weights=w, minlength=8))
print(torch.repeat_interleave(torch.tensor([[1, 2], [3, 4]]), torch.tensor([1, 2]), dim=0))
try:
    torch.repeat_interleave(3)
except TypeError as e:
    print("TypeError:", e)
print(torch.repeat_interleave(torch.tensor([2, 0, 1])), torch.tensor([5, 6]).repeat_interleave(2))
print(torch.histc(keys.float(), bins=6, min=0, max=6))
