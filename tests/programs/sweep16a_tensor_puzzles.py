"""Tensor puzzles in the style of srush's Tensor-Puzzles: re-implement ones, sum, outer, diag, eye,
triu, cumsum, diff, vstack, roll, flip, compress, pad_to, sequence_mask, bincount, scatter_add,
flatten, linspace, heaviside, repeat and bucketize using only arange, broadcasting, where and
indexing, each checked against torch's own function; then one-hot, histc, gather/scatter and
masked_fill exercises."""
import torch

torch.manual_seed(0)


def arange(i):
    return torch.tensor(range(i))


def where(q, a, b):
    return (q * a) + (~q) * b


def ones(i):
    return (arange(i) >= 0) * 1


def sum_(a):
    return ones(a.shape[0]) @ a[:, None]


def outer(a, b):
    return a[:, None] * b[None, :]


def diag(a):
    return a[arange(a.shape[0]), arange(a.shape[0])]


def eye(j):
    return (arange(j)[:, None] == arange(j)) * 1


def triu(j):
    return (arange(j)[:, None] <= arange(j)) * 1


def cumsum(a):
    return triu(a.shape[0]).T @ a


def diff(a, i):
    return a[arange(i)] - where(arange(i) > 0, a[arange(i) - 1], 0)


def vstack(a, b):
    return where(arange(2)[:, None] == ones(a.shape[0]), b, a)


def roll(a, i):
    return a[(arange(i) + 1) % i]


def flip(a, i):
    return a[i - arange(i) - 1]


def compress(g, v, i):
    return where(g, v, 0) @ (cumsum(g * 1) - 1 == arange(i)[:, None]).T * 1 if False else \
        (where(g, v, 0)[:, None] * ((cumsum(g * 1) - 1)[:, None] == arange(i)) * g[:, None]).sum(0)


def pad_to(a, i, j):
    return a @ ((arange(i)[:, None] == arange(j)) * 1)


def sequence_mask(values, length):
    return where(length[:, None] > arange(values.shape[1]), values, 0)


def bincount(a, j):
    return ones(a.shape[0]) @ eye(j)[a]


def scatter_add(values, link, j):
    return values @ eye(j)[link]


def flatten(a, i, j):
    return a[arange(i * j) // j, arange(i * j) % j]


def linspace(i, j, n):
    return i + (j - i) * arange(n) / max(1, n - 1)


def heaviside(a, b):
    return where(a == 0, b, a > 0)


def repeat(a, d):
    return ones(d)[:, None] @ a[None]


def bucketize(v, boundaries):
    return ((v[:, None] >= boundaries) * 1) @ ones(boundaries.shape[0])


a = torch.randint(-5, 6, (6,))
b = torch.randint(0, 4, (6,))
print("a", a, "b", b)
print("ones", ones(4), torch.equal(ones(4), torch.ones(4, dtype=torch.long)))
print("sum", sum_(a), a.sum(), sum_(a).shape)
print("outer", outer(a[:3], b[:3]), torch.equal(outer(a, b), torch.outer(a, b)))
m = torch.randint(0, 9, (4, 4))
print("diag", diag(m), torch.equal(diag(m), torch.diag(m)))
print("eye", torch.equal(eye(4), torch.eye(4, dtype=torch.long)), eye(3).dtype)
print("triu", triu(3), torch.equal(triu(5), torch.ones(5, 5, dtype=torch.long).triu()))
print("cumsum", cumsum(a), torch.cumsum(a, 0))
print("diff", diff(a, 6), torch.diff(a, prepend=torch.zeros(1, dtype=a.dtype)))
print("vstack", vstack(a, b))
print("roll", roll(a, 6), torch.roll(a, -1))
print("flip", flip(a, 6), torch.flip(a, (0,)), a.flip(0).is_contiguous())
g = torch.tensor([True, False, True, True, False, False])
print("compress", compress(g, a, 6), a[g])
print("pad_to", pad_to(a, 6, 8), pad_to(a, 6, 3))
vals = torch.randint(1, 9, (3, 5))
lengths = torch.tensor([2, 5, 0])
print("sequence_mask", sequence_mask(vals, lengths))
print("bincount", bincount(b, 5), torch.bincount(b, minlength=5))
w = torch.randint(1, 4, (6,))
print("scatter_add", scatter_add(w, b, 4), torch.zeros(4, dtype=torch.long).scatter_add_(0, b, w))
print("flatten", flatten(m[:2, :3], 2, 3), m[:2, :3].flatten())
print("linspace", linspace(0, 1, 5), torch.linspace(0, 1, 5), linspace(-1.0, 1.0, 1))
x = torch.tensor([-1.5, 0.0, 2.0, 0.0])
print("heaviside", heaviside(x, torch.tensor(0.5)), torch.heaviside(x, torch.tensor(0.5)))
print("repeat", repeat(a[:3], 2), a[:3].repeat(2, 1), a[:3].tile(2), a[:3].tile(2, 1).shape)
bounds = torch.tensor([1, 3, 5, 7])
v = torch.tensor([0, 1, 2, 6, 7, 9])
for l, r in [(torch.ones(2, 3).bool(), torch.ones(3, dtype=torch.long)), (torch.ones(3), torch.ones(3, 2, dtype=torch.long)),
             (torch.ones(3, dtype=torch.long), torch.ones(3)), (torch.ones(2, 3), torch.ones(3, 2).double()),
             (torch.ones(2, 2, 3), torch.ones(3, dtype=torch.int))]:
    try:
        l @ r
    except RuntimeError as e:
        print(type(e).__name__, e)
print("bucketize", bucketize(v, bounds), torch.bucketize(v, bounds, right=True))

# ---- one-hot, histc, bincount with weights ---------------------------------------------------------
labels = torch.tensor([0, 2, 1, 2, 3])
oh = torch.nn.functional.one_hot(labels)
print(oh, oh.dtype, torch.nn.functional.one_hot(labels, num_classes=6).shape)
print(torch.eye(4)[labels])
print(torch.zeros(5, 4).scatter_(1, labels[:, None], 1.0))
try:
    torch.nn.functional.one_hot(labels, num_classes=3)
except RuntimeError as e:
    print(type(e).__name__, e)
try:
    torch.nn.functional.one_hot(labels.float())
except RuntimeError as e:
    print(type(e).__name__, e)
try:
    torch.nn.functional.one_hot(torch.tensor([-1, 0]))
except RuntimeError as e:
    print(type(e).__name__, e)
data = torch.tensor([0.1, 0.5, 0.5, 0.9, 1.2, -0.3, 0.75])
print(torch.histc(data, bins=4, min=0, max=1), torch.histc(data, bins=3))
print(torch.histogram(data, bins=4, range=(0.0, 1.0)))
print(torch.bincount(b, weights=torch.linspace(0, 1, 6)), torch.bincount(torch.tensor([], dtype=torch.long)))
try:
    torch.bincount(torch.tensor([1, -1]))
except RuntimeError as e:
    print(type(e).__name__, e)
try:
    torch.histc(torch.tensor([1, 2, 3]), bins=3)
except RuntimeError as e:
    print(type(e).__name__, e)

# ---- gather / scatter / masked_fill --------------------------------------------------------------
scores = torch.randn(4, 5)
idx = scores.argmax(dim=1, keepdim=True)
print(idx.squeeze(1), scores.gather(1, idx).squeeze(1).sub(scores.max(1).values).abs().max())
top2 = scores.topk(2, dim=1).indices
print(top2, torch.zeros_like(scores).scatter(1, top2, 1.0).sum(1))
print(torch.zeros(3, 5).scatter_(0, torch.tensor([[0, 1, 2, 0, 0], [2, 0, 0, 1, 2]]), torch.ones(2, 5)))
print(torch.full((2, 4), 2.0).scatter_(1, torch.tensor([[2], [3]]), 1.23, reduce="multiply"))
print(torch.zeros(6).scatter_reduce(0, b, torch.arange(6.0), reduce="amax", include_self=False))
try:
    scores.gather(1, idx.int())
except RuntimeError as e:
    print(type(e).__name__, e)
try:
    scores.gather(1, torch.tensor([[5]]))
except RuntimeError as e:
    print(type(e).__name__, e)
try:
    scores.gather(0, torch.tensor([0, 1]))
except RuntimeError as e:
    print(type(e).__name__, e)
mask = torch.ones(4, 4).tril().bool()
att = torch.randn(4, 4).masked_fill(~mask, float("-inf"))
print(att.softmax(-1).round(decimals=3))
print(torch.arange(12).reshape(3, 4).masked_fill(torch.tensor([True, False, True, False]), -1))
try:
    torch.arange(12).reshape(3, 4).masked_fill(torch.tensor([1, 0, 1, 0]), -1)
except RuntimeError as e:
    print(type(e).__name__, e)
try:
    torch.ones(3).masked_fill(torch.ones(3).bool(), torch.tensor([1.0, 2.0]))
except RuntimeError as e:
    print(type(e).__name__, e)
print(torch.where(scores > 0, scores, torch.zeros(())).count_nonzero(), torch.where(scores > 1))

# ---- the same puzzles with gradients ----------------------------------------------------------------
w = torch.randn(3, 2, requires_grad=True)
r = w.repeat_interleave(2, dim=0)
t = w.tile(2, 1)
print(r.grad_fn.name(), r.grad_fn.next_functions[0][0].name(), t.grad_fn.name(), r.is_contiguous(), r)
(r.pow(2).sum() + (t * torch.arange(12.).view(6, 2)).sum()).backward()
print(w.grad.round(decimals=4))
sq = torch.randn(4, 4, requires_grad=True)
tr = sq.trace()
print(tr, torch.autograd.grad(tr, sq)[0].diag(), torch.arange(9, dtype=torch.int32).view(3, 3).trace())
buf = torch.zeros(4).copy_(sq[0])
print(buf.grad_fn.name(), torch.ones(3, 1).expand(3, 4).clone().stride(), torch.ones(2, 3).t().unsqueeze(0).expand(4, 3, 2).clone().stride())
