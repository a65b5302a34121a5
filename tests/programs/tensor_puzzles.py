"""Tensor puzzles: rebuild built-ins from arange, broadcasting, where and indexing, then check them."""
import torch

torch.manual_seed(0)


def arange(i):
    return torch.tensor(range(i))


def where(q, a, b):
    return q * a + ~q * b


def ones(i):
    return where(arange(i) >= 0, 1, 0)


def sum_(a):
    return ones(a.shape[0]) @ a[:, None]


def outer(a, b):
    return a[:, None] * b[None, :]


def diag(a):
    return a[arange(a.shape[0]), arange(a.shape[0])]


def eye(j):
    return where(arange(j)[:, None] == arange(j), 1, 0)


def triu(j):
    return where(arange(j)[:, None] <= arange(j), 1, 0)


def cumsum(a):
    return triu(a.shape[0]).T @ a


def diff(a, i):
    return a[1:i] - a[:i - 1]


def vstack(a, b):
    return where(arange(2)[:, None] == 0, a, b)


def roll(a, i):
    return a[(arange(i) + 1) % i]


def flip(a, i):
    return a[i - arange(i) - 1]


def compress(g, v, i):
    return where(g, v, 0) @ where(g[:, None] & (cumsum(1 * g) - 1)[:, None] == arange(i), 1, 0)


def pad_to(a, i, j):
    return a @ where(arange(i)[:, None] == arange(j), 1, 0)


def sequence_mask(values, length):
    return where(length[:, None] > arange(values.shape[1]), values, 0)


def bincount(a, j):
    return ones(a.shape[0]) @ eye(j)[a]


def scatter_add(values, link, j):
    return values @ eye(j)[link]


a = torch.randint(-5, 10, (6,))
b = torch.randint(0, 4, (4,))
print(a, b, ones(5), ones(5).dtype)
print(sum_(a), a.sum(), sum_(a).shape)
print(outer(a, b), torch.equal(outer(a, b), torch.outer(a, b)))
m = torch.randint(0, 9, (4, 4))
print(m)
print(diag(m), torch.diagonal(m), torch.equal(diag(m), torch.diag(m)))
print(eye(4), torch.equal(eye(4), torch.eye(4, dtype=torch.long)))
print(triu(4), torch.equal(triu(4), torch.ones(4, 4, dtype=torch.long).triu()))
print(cumsum(a), torch.cumsum(a, 0))
print(diff(a, 6), torch.diff(a))
print(vstack(a[:4], b), torch.vstack([a[:4], b]))
print(roll(a, 6), torch.roll(a, -1))
print(flip(a, 6), torch.flip(a, [0]), a.flip(0).is_contiguous())
g = a > 0
print(g, compress(g, a, 6), a[g])
print(pad_to(b, 4, 7), torch.nn.functional.pad(b, (0, 3)))
values = torch.randint(1, 9, (3, 5))
length = torch.tensor([2, 5, 0])
print(sequence_mask(values, length))
print(torch.arange(5)[None, :] < length[:, None])
idx = torch.tensor([0, 3, 3, 1, 0, 3])
print(bincount(idx, 5), torch.bincount(idx, minlength=5))
v = torch.arange(6) * 10
print(scatter_add(v, idx, 5), torch.zeros(5, dtype=torch.long).scatter_add_(0, idx, v))

# fancy indexing and masks
x = torch.arange(20).view(4, 5)
print(x[[0, 2, 3], [1, 1, 4]], x[[0, 2]][:, [1, 3]], x[1:, [0, -1]])
print(x[torch.tensor([[0, 1], [2, 3]])].shape, x[:, None, 1:3].shape, x[..., ::2])
print(x[x % 3 == 0], (x % 3 == 0).nonzero(), (x % 3 == 0).nonzero(as_tuple=True))
rows = torch.tensor([True, False, True, False])
print(x[rows], x[rows, 2], x[rows][:, [0, 4]])
y = x.clone().float()
y[y > 10] = -1.0
y[0, [1, 2]] = torch.tensor([0.5, 0.25])
print(y)
z = torch.zeros(3, 4)
z.index_put_((torch.tensor([0, 2, 0]), torch.tensor([1, 3, 1])), torch.tensor(1.5), accumulate=True)
print(z)
z.index_put_((torch.tensor([1]),), torch.tensor([9.0, 8.0, 7.0, 6.0]))
print(z)
print(torch.zeros(5).index_add_(0, torch.tensor([0, 4, 4]), torch.tensor([1.0, 2.0, 3.0])))
print(torch.zeros(2, 3, dtype=torch.int32).index_fill_(1, torch.tensor([0, 2]), -7))
print(x.masked_fill(x > 15, 0), x.masked_select(x < 4), torch.where(x > 9, x, -x))

# gather / scatter along a dim
scores = torch.randn(4, 6)
print(scores)
top = scores.argmax(dim=1, keepdim=True)
print(top, scores.gather(1, top), torch.take_along_dim(scores, top, dim=1))
order = scores.argsort(dim=1, descending=True)
print(torch.take_along_dim(scores, order[:, :2], dim=1), scores.topk(2, dim=1).values)
print(torch.take_along_dim(scores, scores.argmax()), scores.max())
print(torch.gather(x, 0, torch.tensor([[3, 2, 1, 0, 0]])))
onehot = torch.zeros(4, 6).scatter_(1, top, 1.0)
print(onehot, onehot.dtype, onehot.stride())
print(torch.zeros(3, 5).scatter(1, torch.tensor([[0, 1], [2, 2], [4, 0]]), 2.0, reduce="add"))
src = torch.arange(1, 11).view(2, 5).float()
print(torch.zeros(3, 5).scatter_(0, torch.tensor([[0, 1, 2, 0, 0], [2, 0, 0, 1, 2]]), src))
print(torch.full((3,), -1.0).scatter_reduce(0, torch.tensor([0, 0, 2, 2]), torch.tensor([3.0, 1.0, 5.0, 4.0]),
                                          reduce="amax", include_self=False))
print(torch.take(x, torch.tensor([0, 7, 19])), x.t().reshape(-1)[:6], x.t().is_contiguous(), x.t().stride())
print(x.unfold(1, 2, 2), x.unfold(1, 2, 2).stride(), x.narrow(1, 1, 3).stride(), x[:, 1:4].storage_offset())
for bad in (lambda: x[10], lambda: x[rows[:3]], lambda: x.gather(1, torch.tensor([[7]])), lambda: x[[0, 1], [0, 1, 2]],
            lambda: z.index_put_((torch.tensor([0]),), torch.tensor([1, 2, 3, 4])), lambda: x.view(3, 7),
            lambda: x.t().view(-1), lambda: torch.take_along_dim(scores, top.float(), dim=1)):
    try:
        bad()
    except (IndexError, RuntimeError) as e:
        print(type(e).__name__, e)
