"""A tensor-puzzles style indexing workout: advanced indexing, gather/scatter/scatter_reduce in all
modes, index_put_ with accumulate, take_along_dim, unique (dim, inverse, counts), unique_consecutive,
bucketize/searchsorted, nonzero(as_tuple), masked_select, diff, cummax, block_diag, cartesian_prod."""
import torch

torch.manual_seed(0)
x = torch.arange(24).reshape(4, 6)
print(x[[0, 2], [1, 3]], x[[[0], [3]], [1, 5]], x[1:, [0, -1]], x[x % 5 == 0], x[:, None, 2].shape)
print(x[torch.tensor([True, False, True, False])], x[..., ::2][1], x[torch.tensor([[0, 1], [2, 3]])].shape)
y = x.clone()
y[y > 20] = -1
y[0, [1, 2]] = torch.tensor([100, 200])
y[[1, 1, 2], [0, 0, 5]] = 7
print(y)
try:
    x[4]
except IndexError as e:
    print(type(e).__name__, e)
try:
    x[torch.tensor([True, False])]
except IndexError as e:
    print(type(e).__name__, e)

src = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
idx = torch.tensor([[0, 0, 2], [1, 2, 2]])
print(torch.gather(src, 1, idx), src.gather(0, torch.tensor([[1, 0, 1]])))
z = torch.zeros(2, 4).scatter_(1, torch.tensor([[0, 3], [1, 1]]), torch.tensor([[9.0, 8.0], [7.0, 6.0]]))
print(z, torch.zeros(3).scatter(0, torch.tensor([0, 2, 0]), 5.0), torch.zeros(3).scatter_add(0, torch.tensor([0, 2, 0]), torch.ones(3)))
print(torch.zeros(2, 3).scatter_(1, torch.tensor([[1], [2]]), 2.5, reduce="add"),
      torch.ones(2, 3).scatter(1, torch.tensor([[1, 1], [2, 0]]), torch.full((2, 2), 3.0), reduce="multiply"))
base = torch.tensor([10.0, 20.0, 30.0, 40.0])
vals = torch.tensor([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
sidx = torch.tensor([0, 0, 1, 1, 1, 3])
for reduce in ["sum", "prod", "mean", "amax", "amin"]:
    for include_self in (True, False):
        r = base.scatter_reduce(0, sidx, vals, reduce=reduce, include_self=include_self)
        print(reduce, include_self, r)
ii = torch.tensor([[0, 1, 0], [2, 2, 1]])
print(torch.zeros(2, 3, dtype=torch.long).scatter_reduce(1, ii, torch.tensor([[5, 6, 7], [1, 2, 3]]), "amax"))
print(torch.ones(2, 3).scatter_reduce(1, ii, torch.arange(6.0).view(2, 3), "mean", include_self=False))
w = torch.randn(4, requires_grad=True)
out = torch.zeros(3).scatter_reduce(0, torch.tensor([0, 1, 1, 2]), w, "sum")
out2 = torch.zeros(3).scatter_reduce(0, torch.tensor([0, 1, 1, 2]), w, "amax", include_self=False)
(out.sum() + (out2 * torch.tensor([1.0, 2.0, 3.0])).sum()).backward()
print(type(out.grad_fn).__name__, w.grad)
for bad in (lambda: base.scatter_reduce(0, sidx, vals, reduce="max"), lambda: base.scatter_(0, sidx, vals[:2]),
            lambda: base.scatter_add(0, sidx[:2], vals[:2].double()), lambda: torch.zeros(3).index_put_((torch.tensor([5]),), vals[0]),
            lambda: torch.take_along_dim(src, torch.tensor([[0]]), dim=5), lambda: torch.masked_select(x, torch.ones(2, 1).bool())):
    try:
        print(bad())
    except (RuntimeError, IndexError) as e:
        print(type(e).__name__, e)

t = torch.zeros(3, 3)
t.index_put_((torch.tensor([0, 0, 2]), torch.tensor([1, 1, 2])), torch.tensor([1.0, 2.0, 3.0]), accumulate=True)
print(t)
t.index_put_((torch.tensor([1]),), torch.tensor(9.0))
print(t, torch.zeros(4).index_put((torch.tensor([1, 1]),), torch.tensor([2.0, 5.0]), accumulate=True))
print(torch.zeros(5).index_add_(0, torch.tensor([0, 4, 0]), torch.tensor([1.0, 2.0, 3.0]), alpha=2),
      torch.zeros(2, 3).index_fill_(1, torch.tensor([0, 2]), -1.0), torch.arange(6.0).index_copy(0, torch.tensor([5, 0]), torch.tensor([50.0, 0.5])))

m = torch.tensor([[3.0, 1.0, 2.0], [0.5, 2.5, 1.5]])
order = m.argsort(dim=1)
print(torch.take_along_dim(m, order, dim=1), torch.take_along_dim(m, m.argmax(), dim=None) if False else torch.take_along_dim(m, torch.tensor([0, 5])))
print(torch.take_along_dim(m, m.argmax(dim=1, keepdim=True), dim=1), torch.take(m, torch.tensor([[0, 4]])))

u = torch.tensor([3, 1, 2, 3, 1, 1, 5])
vals_, inv, cnt = torch.unique(u, return_inverse=True, return_counts=True)
print(vals_, inv, cnt, torch.unique(u, sorted=True).dtype)
rows = torch.tensor([[1, 2], [3, 4], [1, 2], [0, 9], [3, 4]])
ur, ri, rc = torch.unique(rows, dim=0, return_inverse=True, return_counts=True)
print(ur, ri, rc)
print(torch.unique(rows, dim=1), torch.unique(torch.tensor([2.0, float("nan"), 2.0])))
print(torch.unique_consecutive(torch.tensor([1, 1, 2, 2, 3, 1, 1, 2]), return_inverse=True, return_counts=True))
print(torch.unique_consecutive(rows[[0, 2, 2, 1, 1, 0]], dim=0, return_inverse=True, return_counts=True))
print(torch.unique_consecutive(rows.t(), dim=1), torch.tensor([4, 4, 1]).unique_consecutive(return_counts=True))

bounds = torch.tensor([1.0, 3.0, 5.0, 7.0])
q = torch.tensor([[0.5, 1.0, 3.5], [5.0, 7.0, 9.0]])
print(torch.bucketize(q, bounds), torch.bucketize(q, bounds, right=True), torch.bucketize(q, bounds, out_int32=True).dtype)
print(torch.searchsorted(bounds, q), torch.searchsorted(bounds, q, side="right"), torch.searchsorted(bounds, 3.0))
print(torch.searchsorted(torch.tensor([[1, 3, 5], [2, 4, 6]]), torch.tensor([[3], [3]]), right=True))
print(torch.searchsorted(torch.tensor([5.0, 1.0, 3.0]), torch.tensor([2.0]), sorter=torch.tensor([1, 2, 0])))
try:
    torch.searchsorted(bounds, q, side="left", right=True)
except RuntimeError as e:
    print(type(e).__name__, e)

mask = torch.tensor([[True, False, True], [False, False, True]])
print(torch.nonzero(mask), torch.nonzero(mask, as_tuple=True), mask.nonzero().shape, torch.argwhere(mask).dtype)
print(torch.masked_select(m, mask), m.masked_select(torch.tensor([True, False, True])), torch.count_nonzero(mask, dim=0))
print(torch.where(mask), torch.where(mask, m, -m))

d = torch.tensor([1, 4, 9, 16, 25])
print(torch.diff(d, n=7), torch.diff(torch.tensor([True, False, False])), torch.diff(d), torch.diff(d, n=2), torch.diff(d, prepend=torch.tensor([0])), torch.diff(m, dim=0), torch.diff(m, append=m[:, :1]))
cm = torch.cummax(torch.tensor([1.0, 3.0, 2.0, 3.0, 5.0, 0.0]), dim=0)
print(cm, torch.cummin(torch.tensor([[4, 2, 5], [1, 3, 0]]), dim=1).indices, torch.cumsum(d, 0), torch.cumprod(torch.tensor([1.0, 2.0, 3.0]), 0))
print(torch.logcumsumexp(torch.tensor([0.0, 0.0, 0.0]), 0).round(decimals=4))

print(torch.block_diag(torch.ones(2, 2), torch.tensor([[5]]), torch.arange(3).view(1, 3)))
print(torch.block_diag(torch.tensor([1.0, 2.0]), torch.tensor(3.0)).dtype, torch.block_diag())
print(torch.cartesian_prod(torch.tensor([1, 2]), torch.tensor([3, 4, 5])), torch.cartesian_prod(torch.tensor([7, 8])))
print(torch.combinations(torch.tensor([1, 2, 3])), torch.combinations(torch.tensor([1, 2]), with_replacement=True))
print(torch.tril_indices(3, 3), torch.triu_indices(3, 4, offset=1), torch.meshgrid(torch.arange(2), torch.arange(3), indexing="ij")[1])
print(torch.repeat_interleave(torch.tensor([1, 2]), torch.tensor([3, 1])), torch.repeat_interleave(torch.tensor([2, 0, 1])))
for bad in (lambda: torch.diff(torch.tensor(3)), lambda: torch.block_diag(torch.ones(2, 2, 2)), lambda: torch.cartesian_prod(),
            lambda: torch.cartesian_prod(torch.tensor([1, 2]), torch.tensor([1.5])), lambda: torch.flip(x, [0, -2])):
    try:
        print(bad())
    except RuntimeError as e:
        print(type(e).__name__, e)

# puzzles: ones, sum, outer, diag, eye, triu, cumsum, diff, vstack, roll, flip, compress, pad_to, sequence_mask
i = torch.arange(5)
print(torch.where(i[:, None] <= i, 1, 0), (i[:, None] == i).int(), m[i[:2], i[:2]])
def compress(g, v, n):
    dest = torch.where(g, torch.cumsum(g.long(), 0) - 1, n)
    return torch.zeros(n + 1, dtype=v.dtype).scatter_(0, dest, v)[:n]
print(compress(torch.tensor([False, True, True, False]), torch.tensor([5, 6, 7, 8]), 4))
lengths = torch.tensor([1, 3, 2])
print(torch.arange(4)[None, :] < lengths[:, None], torch.roll(i, 2), torch.roll(x[:2], shifts=(1, -1), dims=(0, 1)))
h = torch.histc(torch.tensor([1.0, 2.0, 1.0, 4.0]), bins=4, min=0, max=4)
print(h, torch.bincount(torch.tensor([0, 1, 1, 3]), weights=torch.tensor([0.5, 1.0, 1.0, 2.0]), minlength=5))
