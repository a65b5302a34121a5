"""Tensor plumbing from 0.4-era repos: the legacy typed constructors (torch.FloatTensor(3, 4),
torch.LongTensor([...]), torch.Tensor(list)), x.new(...), .type() strings and conversions,
resize_/resize_as_, expand_as/view_as, index_copy_/index_put_/index_add_/index_fill_,
masked_fill_ with a ByteTensor mask, torch.set_default_tensor_type and the cuda guard."""
import warnings

import torch

torch.manual_seed(3)
use_cuda = torch.cuda.is_available()
device = torch.device("cuda" if use_cuda else "cpu")
print("cuda:", use_cuda, device, torch.cuda.device_count())

a = torch.FloatTensor(3, 4).zero_()
b = torch.LongTensor([1, 2, 3])
c = torch.Tensor([[1, 2], [3, 4]])
d = torch.DoubleTensor(2).fill_(1.5)
e = torch.ByteTensor([0, 1, 1, 0])
f = torch.IntTensor(2, 3).fill_(7)
g = torch.Tensor()
h = torch.FloatTensor(torch.Size([2, 2])).fill_(0)
for name, t in [("a", a), ("b", b), ("c", c), ("d", d), ("e", e), ("f", f), ("g", g), ("h", h)]:
    print(name, t.type(), t.dtype, tuple(t.size()), t.dim(), t.numel())
print(c, g, e)
print(torch.Tensor(2, 3).shape, torch.LongTensor(4).shape, torch.FloatTensor([[1.5]]).item())
print(torch.HalfTensor([1, 2]).type(), torch.ShortTensor([1]).type(), torch.CharTensor([1]).type(), torch.BoolTensor([True]).type())
if use_cuda:
    a = a.cuda()
    b = b.cuda()
print(a.is_cuda, a.device, isinstance(a, torch.FloatTensor), isinstance(b, torch.FloatTensor), isinstance(b, torch.LongTensor))

# new(...) and friends
x = torch.randn(2, 3)
print(x.new(2).zero_(), x.new([1, 2]), x.new(2, 2).fill_(3).type(), x.new().numel(), x.new(torch.Size([1, 2])).shape)
print(b.new([5, 6]).dtype, x.new_tensor([1, 2]), x.new_zeros(2), b.new_ones(3), x.new_full((2,), 9))
print(x.data.new(x.size()).fill_(1).sum().item())

# type conversions
y = torch.arange(6).view(2, 3)
print(y.type(), y.type(torch.FloatTensor).type(), y.float().type(), y.type("torch.DoubleTensor").dtype)
print(y.type(torch.ByteTensor), y.double().type(torch.IntTensor).type(), y.long().type(), y.short(), y.char().type())
print(y.type_as(x), x.type_as(y))
print(y.float().long().byte().bool().type(), torch.FloatTensor([2.7, -2.7]).long(), torch.FloatTensor([2.7, -1]).byte())

# resize
r = torch.arange(12).float()
r.resize_(3, 4)
print(r)
r.resize_(2, 2)
print(r, r.is_contiguous(), r.stride())
s = torch.zeros(5)
s.resize_as_(torch.ones(2, 3))
print(s.shape, s.view(-1)[:2])
z = torch.FloatTensor(2)
z.resize_(0)
print(z, z.shape)

# expand_as / view_as
bias = torch.Tensor([1, 2, 3])
m = torch.zeros(2, 3)
print(bias.expand_as(m) + m, bias.view(1, 3).expand_as(m).stride(), torch.arange(6.).view_as(m))
print(bias.unsqueeze(0).expand(4, 3).contiguous().view(-1))

# index ops
t = torch.zeros(5, 3)
idx = torch.LongTensor([0, 4, 2])
src = torch.Tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
t.index_copy_(0, idx, src)
print(t)
t.index_add_(0, torch.LongTensor([1, 1]), torch.ones(2, 3))
print(t[1])
t.index_fill_(1, torch.LongTensor([2]), -1)
print(t)
u = torch.zeros(3, 3)
u.index_put_((torch.LongTensor([0, 1, 2]), torch.LongTensor([2, 1, 0])), torch.Tensor([10, 20, 30]))
u.index_put_((torch.LongTensor([0, 0]), torch.LongTensor([0, 0])), torch.Tensor([1, 2]), accumulate=True)
print(u)
mask = torch.ByteTensor([[1, 0, 0], [0, 1, 0], [0, 0, 0]])
with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter("always")
    try:
        u.masked_fill_(mask, -5)
    except RuntimeError as err:
        print("RuntimeError:", str(err).splitlines()[0])
    print(u.masked_fill(mask.bool(), -5))
    print(u[mask.bool()], u.masked_select(mask.bool()))
    print(torch.index_select(src, 1, torch.LongTensor([2, 0])), src.gather(1, torch.LongTensor([[0], [1], [2]])))
    print(src.scatter_(1, torch.LongTensor([[0], [0], [0]]), 0.5))
for m_ in w:
    print(m_.category.__name__, str(m_.message))

# default tensor type
with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter("always")
    torch.set_default_tensor_type(torch.DoubleTensor)
    print(torch.Tensor([1, 2]).type(), torch.zeros(2).dtype, torch.get_default_dtype(), torch.tensor([1.5]).dtype)
    print(torch.FloatTensor([1]).type(), torch.randn(2).type())
    torch.set_default_tensor_type("torch.FloatTensor")
    print(torch.Tensor([1, 2]).type(), torch.get_default_dtype())
for m_ in w:
    print(m_.category.__name__, str(m_.message)[:120])
print(torch.is_tensor(a), torch.is_storage(a.storage()) if hasattr(a, "storage") else None, torch.numel(a))

# the legacy type objects themselves, and the `dtype = torch.cuda.FloatTensor if ... else` idiom
dtype = torch.cuda.FloatTensor if use_cuda else torch.FloatTensor
ltype = torch.cuda.LongTensor if use_cuda else torch.LongTensor
print(type(torch.FloatTensor), dtype, dtype.dtype, ltype.dtype, dtype.is_cuda, torch.cuda.FloatTensor.is_cuda, dtype.layout)
print(isinstance(torch.ones(2), torch.cuda.FloatTensor), torch.randn(2, 2).type(dtype).type(), torch.zeros(3).type(ltype))
print(torch.FloatTensor.zero_(torch.ones(2)), torch.LongTensor.is_sparse)
try:
    torch.ones(2).type(torch.cuda.FloatTensor)
except RuntimeError as e:
    print("RuntimeError:", str(e)[:60])
try:
    torch.cuda.FloatTensor(2, 2)
except TypeError as e:
    print("TypeError:", e)
with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter("always")
    src = torch.arange(4.)
    cp = torch.ones(1, dtype=torch.int64).new_tensor(src)
    print(cp, cp.dtype)
for m_ in w:
    print(m_.category.__name__, str(m_.message))
