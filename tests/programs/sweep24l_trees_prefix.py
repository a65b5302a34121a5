"""Range-query data structures in int64 tensors, as in competitive-programming notes: a Fenwick
(binary indexed) tree using i & -i, an iterative bottom-up segment tree for range sums and range
minima, prefix sums with cumsum and F.pad, and a 2-D summed-area table (cumsum over both dims,
padded with a zero row/column) answering rectangle queries; cummax/cummin running records."""
import torch
import torch.nn.functional as F

torch.manual_seed(3)


class Fenwick:
    def __init__(self, n):
        self.n = n
        self.tree = torch.zeros(n + 1, dtype=torch.long)

    def add(self, i, delta):
        i += 1
        while i <= self.n:
            self.tree[i] += delta
            i += i & -i

    def prefix(self, i):
        s = torch.tensor(0)
        i += 1
        while i > 0:
            s = s + self.tree[i]
            i -= i & -i
        return s


class SegTree:
    def __init__(self, values, op, identity):
        n = 1
        while n < values.numel():
            n *= 2
        self.n, self.op, self.identity = n, op, identity
        self.t = torch.full((2 * n,), identity, dtype=values.dtype)
        self.t[n:n + values.numel()] = values
        for level_start in reversed([2 ** k for k in range(n.bit_length() - 1)]):
            idx = torch.arange(level_start, 2 * level_start)
            self.t[idx] = op(self.t[2 * idx], self.t[2 * idx + 1])

    def update(self, i, v):
        i += self.n
        self.t[i] = v
        i //= 2
        while i >= 1:
            self.t[i] = self.op(self.t[2 * i], self.t[2 * i + 1])
            i //= 2

    def query(self, lo, hi):  # [lo, hi)
        res = torch.tensor(self.identity, dtype=self.t.dtype)
        lo += self.n
        hi += self.n
        while lo < hi:
            if lo & 1:
                res = self.op(res, self.t[lo])
                lo += 1
            if hi & 1:
                hi -= 1
                res = self.op(res, self.t[hi])
            lo //= 2
            hi //= 2
        return res


a = torch.randint(-20, 50, (11,))
print("a:", a.tolist())
fw = Fenwick(a.numel())
for i, v in enumerate(a.tolist()):
    fw.add(i, v)
print("fenwick tree:", fw.tree)
print("prefix sums:", [fw.prefix(i).item() for i in range(a.numel())])
print("cumsum:     ", torch.cumsum(a, 0).tolist())
fw.add(4, 100)
print("after add:", fw.prefix(10), fw.prefix(3))

st = SegTree(a, torch.add, 0)
mt = SegTree(a, torch.minimum, torch.iinfo(torch.int64).max)
print("seg sums:", st.t[1:4])
print("seg min leaves:", mt.t[mt.n:])
queries = torch.randint(0, a.numel(), (5, 2)).sort(dim=1).values
for lo, hi in queries.tolist():
    hi += 1
    print(f"[{lo},{hi}) sum={st.query(lo, hi).item()} min={mt.query(lo, hi).item()}",
          a[lo:hi].sum().item(), a[lo:hi].min().item())
mt.update(2, -99)
print("min after update:", mt.query(0, 11), mt.t[1].dtype)

p = F.pad(torch.cumsum(a, dim=0), (1, 0))
print("padded prefix:", p)
print("range sums via prefix:", (p[queries[:, 1] + 1] - p[queries[:, 0]]).tolist())
print("cummax:", torch.cummax(a, 0).values.tolist(), torch.cummax(a, 0).indices.tolist())
print("cummin:", torch.cummin(a, dim=0))

img = torch.randint(0, 10, (5, 6), dtype=torch.int32)
print(img)
sat = img.cumsum(0).cumsum(1)
print("sat dtype:", sat.dtype)
sat = F.pad(sat, (1, 0, 1, 0))
print(sat)


def rect(r0, c0, r1, c1):
    return sat[r1 + 1, c1 + 1] - sat[r0, c1 + 1] - sat[r1 + 1, c0] + sat[r0, c0]


for r0, c0, r1, c1 in [(0, 0, 4, 5), (1, 2, 3, 4), (2, 2, 2, 2)]:
    print(rect(r0, c0, r1, c1).item(), img[r0:r1 + 1, c0:c1 + 1].sum().item())
box = sat[3:, 3:] - sat[:-3, 3:] - sat[3:, :-3] + sat[:-3, :-3]
print("3x3 box sums:\n", box)
pooled = F.avg_pool2d(img[None].double(), 3, stride=1, divisor_override=1)[0]
print(torch.equal(pooled.long(), box.long()))
print(torch.cumsum(img, dim=1, dtype=torch.int16).dtype, img.cumprod(0)[-1])
print(torch.logcumsumexp(torch.arange(5.0), 0))
