"""PyTorch drills on reductions and ordering: sum/mean/std/amax with dim and keepdim, argmax ties,
sort (stable, descending), topk, kthvalue, mode and median on ties and nan, quantile, cumulative ops
(cumsum, cumprod, cummax, logcumsumexp), moving averages three ways, diff, and einsum puzzles (trace,
transpose, outer, batched matmul, bilinear forms), each checked against the explicit version."""
import torch

torch.manual_seed(7)

print("1. Reductions with dim and keepdim")
X = torch.arange(24, dtype=torch.float32).view(2, 3, 4)
print(X.sum(), X.sum(dim=0), X.sum(dim=(0, 2)), X.sum(dim=-1, keepdim=True).shape)
print(X.mean(dim=1), X.mean(dim=1, keepdim=True))
print(X.amax(dim=(1, 2)), X.amin(dim=-1))
print(X.std(dim=2), X.var(dim=2, unbiased=False), X.std(dim=2, correction=0))
print(torch.std_mean(X, dim=0))
print(torch.var_mean(X[0], dim=1, keepdim=True))
print(X.prod(dim=2), X.logsumexp(dim=2))
print(X.norm(dim=2), X.norm(p=1, dim=0), torch.linalg.vector_norm(X, ord=float("inf"), dim=(0, 1)))
print(X.max(dim=1), X.min(dim=2, keepdim=True).indices)
print(torch.aminmax(X, dim=0))
buf = torch.empty(2)
torch.linalg.vector_norm(X, dim=(1, 2), out=buf)
print(buf, torch.linalg.qr(torch.eye(2) * 2, out=(torch.empty(2, 2), torch.empty(2, 2))).R)

print("2. argmax/argmin with ties returns the first occurrence")
t = torch.tensor([[1, 3, 3, 2], [4, 4, 0, 4]])
print(t.argmax(dim=1), t.argmin(dim=1), t.argmax(), t.max(dim=1))
print(torch.tensor([1.0, float("nan"), 3.0, float("nan")]).argmax(), torch.tensor([2.0, float("nan")]).max())

print("3. sort: stable, descending, with ties")
v = torch.tensor([3, 1, 2, 3, 1, 2, 3])
print(v.sort())
print(v.sort(stable=True, descending=True))
print(torch.sort(torch.tensor([[0.5, -1.0, 2.0], [3.0, 3.0, -3.0]]), dim=1, descending=True))
vals, idx = torch.empty(7, dtype=torch.int64), torch.empty(7, dtype=torch.int64)
print(torch.sort(v, out=(vals, idx)), vals.equal(v.sort().values))
print(torch.max(torch.tensor([[1, 3, 3, 2], [4, 4, 0, 4]]), dim=1, out=(torch.empty(2, dtype=torch.int64),
                                                                   torch.empty(2, dtype=torch.int64))))
print(torch.argsort(v, stable=True), torch.msort(torch.tensor([[3, 1], [1, 2], [2, 0]])))
print(torch.sort(torch.tensor([2.0, float("nan"), -float("inf"), 1.0, float("inf")])))

print("4. topk and kthvalue")
w = torch.tensor([5, 1, 5, 3, 1, 4])
print(torch.topk(w, 3), torch.topk(w, 2, largest=False, sorted=True))
print(torch.topk(torch.tensor([[1.0, 9.0, 3.0], [8.0, 2.0, 7.0]]), k=2, dim=1))
print(torch.kthvalue(w, 2), torch.kthvalue(w, 5))
print(torch.kthvalue(torch.tensor([[3.0, 1.0, 2.0], [6.0, 6.0, 4.0]]), 2, dim=1, keepdim=True))

print("5. mode and median with ties")
m = torch.tensor([[1, 2, 2, 3, 3], [4, 4, 5, 5, 6]])
print(torch.mode(m, dim=1))
print(torch.mode(torch.tensor([7, 7, 1, 1, 9])))
print(torch.median(torch.tensor([1, 2, 3, 4])), torch.median(torch.tensor([4.0, 1.0, 3.0, 2.0, 5.0])))
print(torch.median(m, dim=1))
print(torch.median(torch.tensor([1.0, float("nan"), 2.0])), torch.nanmedian(torch.tensor([1.0, float("nan"), 2.0])))
print(torch.quantile(torch.tensor([1.0, 2.0, 3.0, 4.0]), torch.tensor([0.25, 0.5, 0.9])))
print(torch.quantile(torch.tensor([1.0, 2.0, 3.0, 4.0]), 0.5, interpolation="lower"))
print(torch.quantile(torch.tensor([[1.0, 5.0], [2.0, 7.0]]), 0.5, dim=0, keepdim=True))
print(torch.nanmean(torch.tensor([1.0, float("nan"), 3.0])), torch.nansum(torch.tensor([float("nan"), 2.0])))
readings = torch.tensor([2.0, float("nan"), 2.0, 5.0, float("nan"), 5.0, 1.0, 5.0, float("nan"), 2.0])
print(torch.mode(readings), torch.mode(readings.view(2, 5), dim=1))
print(torch.mode(torch.cat([readings, readings.flip(0), torch.full((5,), 7.0)])))

print("6. Cumulative operations")
c = torch.tensor([1, 2, 3, 4, 5])
print(c.cumsum(0), c.cumprod(0), torch.cumsum(c, dim=0, dtype=torch.float64))
print(torch.cummax(torch.tensor([1, 3, 2, 5, 4, 5]), dim=0))
print(torch.cummin(torch.tensor([5.0, 3.0, 4.0, 1.0, 2.0]), dim=0))
print(torch.logcumsumexp(torch.tensor([0.0, 0.0, 0.0, 0.0]), dim=0))
print(torch.arange(12).view(3, 4).cumsum(dim=1))
print(torch.tensor([True, False, True, True]).cumsum(0))
try:
    torch.quantile(torch.tensor([1.0, 2.0]), 0.5, interpolation="median")
except RuntimeError as e:
    print("RuntimeError:", e)
print(torch.diff(torch.tensor([1, 4, 9, 16])), torch.diff(c, n=2), torch.diff(c, prepend=torch.tensor([0])))
try:
    torch.diff(c, prepend=torch.tensor([[0]]))
except RuntimeError as e:
    print("RuntimeError:", e)
print(torch.cumulative_trapezoid(torch.tensor([1.0, 2.0, 3.0])), torch.trapezoid(torch.tensor([1.0, 2.0, 3.0])))

print("7. Moving average three ways")
series = torch.arange(10, dtype=torch.float32)


def moving_average_cumsum(a, n=3):
    ret = torch.cumsum(a, dim=0)
    ret[n:] = ret[n:] - ret[:-n]
    return ret[n - 1:] / n


print(moving_average_cumsum(series))
print(series.unfold(0, 3, 1).mean(dim=1))
print(torch.nn.functional.avg_pool1d(series.view(1, 1, -1), 3, stride=1).flatten())
print(torch.nn.functional.conv1d(series.view(1, 1, -1), torch.full((1, 1, 3), 1 / 3)).flatten().round(decimals=4))

print("8. einsum puzzles")
A = torch.arange(6.0).view(2, 3)
B = torch.arange(12.0).view(3, 4)
S = torch.arange(9.0).view(3, 3)
a = torch.tensor([1.0, 2.0, 3.0])
b = torch.tensor([4.0, 5.0])
print(torch.einsum("ii", S), torch.trace(S))
print(torch.einsum("ii->i", S), torch.einsum("ij->ji", A))
print(torch.einsum("ij->", A), torch.einsum("ij->j", A), torch.einsum("ij->i", A))
print(torch.einsum("ij,jk->ik", A, B))
print(torch.einsum("i,j->ij", a, b))
print(torch.einsum("i,i->", a, a), torch.dot(a, a))
print(torch.einsum("ij,ij->ij", A, A))
print(torch.einsum("ij,j->i", A, a))
bA = torch.arange(12.0).view(2, 2, 3)
bB = torch.arange(12.0).view(2, 3, 2)
print(torch.einsum("bij,bjk->bik", bA, bB), torch.bmm(bA, bB).equal(torch.einsum("bij,bjk->bik", bA, bB)))
print(torch.einsum("...ij->...ji", bA).shape, torch.einsum("b i j -> b j", bA))
print(torch.einsum("i,ij,j->", b, A, a), b @ A @ a)
print(torch.einsum(bA, [0, 1, 2], [0, 2]))
print(torch.einsum("ii->", torch.eye(4, dtype=torch.int64) * 3))
try:
    torch.einsum("ij,jk->ik", A, A)
except RuntimeError as e:
    print("RuntimeError:", e)

print("9. Sum over the last two axes at once; mean of subsets by index")
R = torch.randint(0, 10, (3, 4, 3, 4))
print(R.sum(dim=(-2, -1)))
D = torch.rand(20)
S_idx = torch.randint(0, 4, (20,))
sums = torch.zeros(4).index_add_(0, S_idx, D)
counts = torch.bincount(S_idx, minlength=4)
print((sums / counts).round(decimals=3), counts)
votes = torch.randint(0, 3, (500,))
weights = torch.randn(500)
print(torch.bincount(votes, weights=weights), torch.bincount(votes, weights=weights.half()))
print(torch.bincount(votes, weights=weights.double()).float())

print("10. Rank-based tricks")
r = torch.tensor([40, 10, 30, 20])
print(r.argsort().argsort(), torch.empty_like(r).scatter_(0, r.argsort(), torch.arange(4)))
print(torch.sort(r).indices.flip(0)[:2], r.max(), r.sum(dtype=torch.int32))
print(torch.histc(torch.tensor([1.0, 2.0, 1.0, 4.0, 2.5]), bins=4, min=0, max=4))
h = torch.histogram(torch.tensor([1.0, 2.0, 1.0, 4.0]), bins=3)
print(h.hist, h.bin_edges)
P = torch.tensor([[0.0, 1.0], [3.0, 4.0]], requires_grad=True)
Q = torch.tensor([[1.0, 1.0], [0.0, 2.0]])
print(torch.dist(P, Q), torch.dist(P, Q, p=1), torch.dist(P, Q, p=float("inf")), torch.dist(P, Q, p=0))
print(torch.block_diag(P, Q[0], torch.tensor(5.0)))
d0 = torch.dist(P, Q, p=0)
d0.backward()
print(P.grad)
torch.dist(P, Q).backward()
print(P.grad.round(decimals=4))
print(torch.cov(torch.tensor([[0.0, 1.0, 2.0], [2.0, 1.0, 0.0]])), torch.corrcoef(torch.tensor([[0.0, 1.0, 2.0], [1.0, 3.0, 2.0]])))
