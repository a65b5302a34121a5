"""In the style of the "Introduction to PyTorch Tensors" notebook of the Introduction to PyTorch
series: creating tensors, random seeds, shapes and *_like, dtypes, math with scalars and tensors,
broadcasting (and its error), in-place ops, copying, numpy bridges and shape manipulation."""
import math

import numpy as np
import torch

x = torch.empty(3, 4)
print(type(x))
print(x.shape, x.dtype)

zeros = torch.zeros(2, 3)
print(zeros)
ones = torch.ones(2, 3)
print(ones)

torch.manual_seed(1729)
random = torch.rand(2, 3)
print(random)

torch.manual_seed(1729)
random1 = torch.rand(2, 3)
print(random1)
random2 = torch.rand(2, 3)
print(random2)
torch.manual_seed(1729)
random3 = torch.rand(2, 3)
print(random3)
print(torch.equal(random1, random3))

x = torch.empty(2, 2, 3)
print(x.shape)
empty_like_x = torch.empty_like(x)
print(empty_like_x.shape)
zeros_like_x = torch.zeros_like(x)
print(zeros_like_x.shape)
print(zeros_like_x)
ones_like_x = torch.ones_like(x)
print(ones_like_x)
rand_like_x = torch.rand_like(x)
print(rand_like_x)

some_constants = torch.tensor([[3.1415926, 2.71828], [1.61803, 0.0072897]])
print(some_constants)
some_integers = torch.tensor((2, 3, 5, 7, 11, 13, 17, 19))
print(some_integers)
more_integers = torch.tensor(((2, 4, 6), [3, 6, 9]))
print(more_integers)

a = torch.ones((2, 3), dtype=torch.int16)
print(a)
b = torch.rand((2, 3), dtype=torch.float64) * 20.
print(b)
c = b.to(torch.int32)
print(c)
print(b.half(), b.double().dtype, c.float().dtype, a.long().dtype)
print(torch.tensor([1.5, -2.5, 3.999]).int(), torch.tensor([0, 2, 0]).bool())
h = torch.rand((2, 3), dtype=torch.float16)
print(h)
print(torch.randn(4, 5, dtype=torch.float16))
print(torch.empty(3, 7, dtype=torch.float16).uniform_(-1, 1), (h * 1000).dtype)
print(torch.randn(2, 3) + h, (torch.randn(2, 3) + h).dtype)

ones = torch.zeros(2, 2) + 1
twos = torch.ones(2, 2) * 2
threes = (torch.ones(2, 2) * 7 - 1) / 2
fours = twos ** 2
sqrt2s = twos ** 0.5
print(ones)
print(twos)
print(threes)
print(fours)
print(sqrt2s)

powers2 = twos ** torch.tensor([[1, 2], [3, 4]])
print(powers2)
fives = ones + fours
print(fives)
dozens = threes * fours
print(dozens)

a = torch.rand(2, 3)
b = torch.rand(3, 2)
try:
    print(a * b)
except RuntimeError as e:
    print(type(e).__name__, e)

rand = torch.rand(2, 4)
doubled = rand * (torch.ones(1, 4) * 2)
print(rand)
print(doubled)

a = torch.ones(4, 3, 2)
b = a * torch.rand(3, 2)
print(b)
c = a * torch.rand(3, 1)
print(c)
d = a * torch.rand(1, 2)
print(d)

for shape in [(4, 3), (2, 3), (1,)]:
    try:
        a = torch.ones(4, 3, 2)
        print((a * torch.rand(*shape)).shape)
    except RuntimeError as e:
        print(type(e).__name__, e)

a = torch.ones(4, 3, 2)
try:
    b = a * torch.rand(2, 3)
except RuntimeError as e:
    print(type(e).__name__, e)
try:
    torch.ones(5, 1, 4) + torch.ones(3, 1, 1, 3)
except RuntimeError as e:
    print(type(e).__name__, e)
print((torch.ones(5, 1, 4, 1) + torch.ones(3, 1, 1)).shape)

a = torch.rand(2, 4) * 2 - 1
print('Common functions:')
print(torch.abs(a))
print(torch.ceil(a))
print(torch.floor(a))
print(torch.clamp(a, -0.5, 0.5))

angles = torch.tensor([0, math.pi / 4, math.pi / 2, 3 * math.pi / 4])
sines = torch.sin(angles)
inverses = torch.asin(sines)
print('\nSine and arcsine:')
print([f"{v:.4f}" for v in angles.tolist()])
print([f"{v:.4f}" for v in sines.tolist()])
print([f"{v:.4f}" for v in inverses.tolist()])

print('\nBitwise XOR:')
b = torch.tensor([1, 5, 11])
c = torch.tensor([2, 7, 10])
print(torch.bitwise_xor(b, c))

print('\nBroadcasted, element-wise equality comparison:')
d = torch.tensor([[1., 2.], [3., 4.]])
e = torch.ones(1, 2)
print(torch.eq(d, e))

print('\nReduction ops:')
print(torch.max(d))
print(torch.max(d).item())
print(torch.mean(d))
print(torch.std(d))
print(torch.prod(d))
print(torch.unique(torch.tensor([1, 2, 1, 2, 1, 2])))

v1 = torch.tensor([1., 0., 0.])
v2 = torch.tensor([0., 1., 0.])
m1 = torch.rand(2, 2)
m2 = torch.tensor([[3., 0.], [0., 3.]])
print('\nVectors & Matrices:')
print(torch.linalg.cross(v2, v1))
print(m1)
m3 = torch.linalg.matmul(m1, m2)
print(m3)
print(torch.linalg.svd(m3).S.round(decimals=4))

a = torch.tensor([0, math.pi / 4, math.pi / 2, 3 * math.pi / 4])
print('a:')
print(a)
print(torch.sin(a).round(decimals=4))
print(a)
print(torch.sin_(a).round(decimals=4))
print(a.round(decimals=4))

a = torch.ones(2, 2)
b = torch.rand(2, 2)
print('Before:')
print(a)
print(b)
print('\nAfter adding:')
print(a.add_(b))
print(a)
print(b)
print('\nAfter multiplying')
print(b.mul_(b))
print(b)

a = torch.rand(2, 2)
b = torch.rand(2, 2)
c = torch.zeros(2, 2)
old_id = id(c)
print(c)
d = torch.matmul(a, b, out=c)
print(c)
assert c is d
assert id(c) == old_id
torch.rand(2, 2, out=c)
print(c)
assert id(c) == old_id
e = torch.zeros(2, 2)
torch.add(a, b, out=e)
print(e, torch.equal(e, a + b))

a = torch.ones(2, 2)
b = a
a[0][1] = 561
print(b)

a = torch.ones(2, 2)
b = a.clone()
assert b is not a
print(torch.eq(a, b))
a[0][1] = 561
print(b)

a = torch.rand(2, 2, requires_grad=True)
print(a)
b = a.clone()
print(b)
c = a.detach().clone()
print(c)
print(a)

a = torch.rand(3, 226, 226)
b = a.unsqueeze(0)
print(a.shape)
print(b.shape)
c = torch.rand(1, 1, 1, 1, 1)
print(c)
a = torch.rand(1, 20)
print(a.shape)
print(a[0, :3])
b = a.squeeze(0)
print(b.shape)
print(b[:3])
c = torch.rand(2, 2)
print(c.shape)
d = c.squeeze(0)
print(d.shape)

a = torch.ones(4, 3, 2)
c = a * torch.rand(3, 1)
print(c.shape)
a = torch.ones(4, 3, 2)
b = torch.rand(3)
c = b.unsqueeze(1)
print(c.shape)
print(a * c)

batch_me = torch.rand(3, 226, 226)
print(batch_me.shape)
batch_me.unsqueeze_(0)
print(batch_me.shape)

output3d = torch.rand(6, 20, 20)
print(output3d.shape)
input1d = output3d.reshape(6 * 20 * 20)
print(input1d.shape)
print(torch.reshape(output3d, (6 * 20 * 20,)).shape)
print(input1d.view(-1, 400).shape, output3d.flatten(1).shape, output3d.is_contiguous())
try:
    output3d.transpose(0, 1).view(-1)
except RuntimeError as e:
    print(type(e).__name__, e)

numpy_array = np.ones((2, 3))
print(numpy_array)
pytorch_tensor = torch.from_numpy(numpy_array)
print(pytorch_tensor)
pytorch_rand = torch.rand(2, 3)
print(pytorch_rand)
numpy_rand = pytorch_rand.numpy()
print(numpy_rand.round(4), numpy_rand.dtype)
numpy_array[1, 1] = 23
print(pytorch_tensor)
pytorch_rand[1, 1] = 17
print(numpy_rand.round(4))
print(torch.as_tensor(numpy_array).dtype, torch.tensor(numpy_array.astype(np.float32)).dtype)
