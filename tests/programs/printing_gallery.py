"""A gallery of printed tensors: every dtype, odd shapes, big tensors, autograd reprs, print options."""
import math

import torch
import torch.nn as nn

torch.manual_seed(7)

dtypes = [torch.bool, torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64,
          torch.float16, torch.float32, torch.float64]
base = torch.tensor([[0.0, 1.5, -2.0], [3.25, 127.0, -128.0]])
for dt in dtypes:
    t = base.to(dt)
    print(dt, t.dtype.itemsize, t.dtype.is_floating_point, t.dtype.is_signed)
    print(t)
    print(t.shape, t.stride(), t.is_contiguous(), t.element_size(), t.nbytes)
    print(t.t(), t.t().is_contiguous(), t.t().stride())

print(torch.tensor(5), torch.tensor(-0.0), torch.tensor(2.5, dtype=torch.float64), torch.tensor(False))
print(torch.tensor(1e-12), torch.tensor(123456789.0), torch.tensor(7, dtype=torch.uint8))
for shape in [(0,), (0, 3), (2, 0), (2, 0, 4), (1, 1, 1)]:
    e = torch.zeros(shape)
    print(e, e.shape, e.numel(), e.stride())
print(torch.zeros(0, dtype=torch.int64), torch.ones(0, 2, dtype=torch.bool), torch.empty(3, 0).half())

# floats of mixed magnitude pick fixed or scientific notation
cases = [[1.0, 2.0, 3.0], [0.001, 1000.0], [1e-5, 1.0], [1e9, 1.0], [0.1, 0.02, 0.003],
         [-0.0, 0.0, 1.0], [float("nan"), 1.0, -1.0], [float("inf"), -float("inf"), 2.5], [1e-30, 1e30],
         [12345.678, 0.5], [100000000.0, 1.0], [99999999.0, 0.5], [float("nan")], [-1e-3, 5e-4]]
for c in cases:
    print(torch.tensor(c), torch.tensor(c, dtype=torch.float64), torch.tensor(c).half())
print(torch.tensor([1e5, -1e5, 65504.0]).half(), torch.tensor([70000.0]).half(), torch.tensor([6e-8]).half())
print(torch.tensor([-5, 100000, 3]), torch.tensor([-128, 127], dtype=torch.int8), torch.tensor([2 ** 62, -1]))
print(torch.tensor([[True, False], [False, True]]), torch.tensor([1, 0, 255], dtype=torch.uint8))

# big tensors are summarized with '...'
big = torch.randn(1001)
print(big)
print(torch.arange(10000).view(100, 100))
print(torch.randn(30, 40, 50)[:2, :12, :30].shape, torch.rand(4, 1200))
print(torch.arange(3000, dtype=torch.float64).view(3, 1000) / 7)
print(torch.linspace(-1e-4, 1e4, 2000))
print(torch.ones(1100, dtype=torch.bool), torch.arange(1001, dtype=torch.int8))

# autograd in the repr
w = torch.randn(3, requires_grad=True)
print(w)
print(w * 2, w.sum(), w.mean(), w.exp(), w[1:], w.view(3, 1), w.t(), w.relu(), w.double())
print(w.detach(), w.data, torch.randn(2, 2, requires_grad=True, dtype=torch.float64))
print(torch.tensor(3.0, requires_grad=True) ** 2, torch.zeros(0, requires_grad=True), torch.ones(2).requires_grad_())
with torch.no_grad():
    print(w * 2)
p = nn.Parameter(torch.randn(2, 3))
print(p)
print(repr(nn.Parameter(torch.arange(4.0), requires_grad=False)), p.shape, p.dtype, p.is_leaf)
print(nn.Linear(2, 2).weight.shape, nn.Parameter(torch.tensor(0.5)), p @ p.T)
b = nn.Linear(3, 2).bias
print(b.grad, b * 0, (b * 0).grad_fn.next_functions[0][0].__class__.__name__)

# finfo / iinfo / Size
for dt in (torch.float16, torch.float32, torch.float64):
    fi = torch.finfo(dt)
    print(fi)
    print(fi.bits, fi.eps, fi.max, fi.min, fi.tiny, fi.smallest_normal, fi.resolution, fi.dtype)
for dt in (torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64):
    ii = torch.iinfo(dt)
    print(ii, ii.bits, ii.min, ii.max, ii.dtype)
s = torch.Size([2, 3, 4])
print(s, repr(s), s[1:], s[-1], len(s), s.numel(), s + (5,), torch.Size([]), torch.Size([0]), tuple(s))
print(isinstance(s, tuple), s == torch.Size((2, 3, 4)), torch.zeros(s).shape, torch.Size([7]) * 2)
print(str(torch.float32), repr(torch.int64), torch.float, torch.double, torch.half, torch.long, torch.int, torch.short)
print(torch.get_default_dtype(), torch.tensor(1.0).dtype, torch.tensor(1).dtype, torch.tensor(True).dtype)

# print options: profiles, precision, sci_mode, linewidth, threshold, edgeitems
x = torch.tensor([[math.pi, -math.e, 1 / 3], [1e-3, 250.0, 2 / 7]])
torch.set_printoptions(precision=2)
print(x, x.double())
torch.set_printoptions(precision=6, sci_mode=True)
print(x)
torch.set_printoptions(precision=2, sci_mode=False)
print(x * 1e6, torch.tensor([1e-8, 1.0]))
torch.set_printoptions(profile="short")
print(x, torch.arange(2000.0))
torch.set_printoptions(profile="full")
print(torch.arange(1200).view(2, 600)[:, :40])
torch.set_printoptions(profile="default")
print(x, torch.arange(1200))
torch.set_printoptions(linewidth=40)
print(torch.randn(3, 12), torch.arange(30))
torch.set_printoptions(linewidth=200, threshold=20, edgeitems=4)
print(torch.arange(100).view(10, 10), torch.randn(25))
torch.set_printoptions(threshold=10, edgeitems=1)
print(torch.arange(24).view(2, 3, 4), torch.zeros(12, dtype=torch.bool))
torch.set_printoptions(profile="default")
print(torch.randn(2, 4) * 1000, torch.randn(3).half())
print(f"{torch.tensor([1.5, 2.5])}", str(torch.tensor([0.5])), "%s" % torch.arange(3), [torch.tensor(1.0)])
print({"loss": torch.tensor(0.25), "acc": torch.tensor([0.5, 0.75])}, (torch.tensor(1), torch.tensor([2])))
