"""Tensor basics in the style of the 60-minute blitz."""
import numpy as np
import torch

torch.manual_seed(42)

data = [[1, 2], [3, 4]]
x_data = torch.tensor(data)
print(x_data)
np_array = np.array(data)
x_np = torch.from_numpy(np_array)
print(x_np)
x_ones = torch.ones_like(x_data)
print(f"Ones Tensor: \n {x_ones} \n")
x_rand = torch.rand_like(x_data, dtype=torch.float)
print(f"Random Tensor: \n {x_rand} \n")

shape = (2, 3,)
rand_tensor = torch.rand(shape)
ones_tensor = torch.ones(shape)
zeros_tensor = torch.zeros(shape)
print(f"Random Tensor: \n {rand_tensor} \n")
print(f"Ones Tensor: \n {ones_tensor} \n")
print(f"Zeros Tensor: \n {zeros_tensor}")

tensor = torch.rand(3, 4)
print(f"Shape of tensor: {tensor.shape}")
print(f"Datatype of tensor: {tensor.dtype}")
print(f"Device tensor is stored on: {tensor.device}")

tensor = torch.ones(4, 4)
print(f"First row: {tensor[0]}")
print(f"First column: {tensor[:, 0]}")
print(f"Last column: {tensor[..., -1]}")
tensor[:, 1] = 0
print(tensor)

t1 = torch.cat([tensor, tensor, tensor], dim=1)
print(t1)
print(t1.shape, torch.cat([tensor, tensor]).size())

y1 = tensor @ tensor.T
y2 = tensor.matmul(tensor.T)
y3 = torch.rand_like(y1)
torch.matmul(tensor, tensor.T, out=y3)
print(y1, y2.equal(y3))

z1 = tensor * tensor
z2 = tensor.mul(tensor)
z3 = torch.rand_like(tensor)
torch.mul(tensor, tensor, out=z3)
print(z1, torch.equal(z2, z3))

agg = tensor.sum()
agg_item = agg.item()
print(agg_item, type(agg_item))

print(f"{tensor} \n")
tensor.add_(5)
print(tensor)

t = torch.ones(5)
print(f"t: {t}")
n = t.numpy()
print(f"n: {n}")
t.add_(1)
print(f"t: {t}")
print(f"n: {n}")
n = np.ones(5)
t = torch.from_numpy(n)
np.add(n, 1, out=n)
print(f"t: {t}")
print(f"n: {n}")

# more creation and dtype juggling
print(torch.arange(10))
print(torch.arange(1, 4, 0.5))
print(torch.linspace(0, 1, steps=5))
print(torch.logspace(0, 2, steps=3))
print(torch.eye(3))
print(torch.full((2, 3), 7))
print(torch.full((2, 2), 1.5, dtype=torch.float64))
print(torch.empty(2, 3).shape)
print(torch.zeros(2, 3, dtype=torch.int32))
print(torch.tensor([1.5, 2.5]).int(), torch.tensor([1, 0, 2]).bool())
print(torch.tensor([True, False]).float().dtype, torch.tensor(3).double())
x = torch.randn(4, 4)
y = x.view(16)
z = x.view(-1, 8)
print(x.size(), y.size(), z.size())
print(x.reshape(2, 8).stride(), x.t().is_contiguous(), x.t().contiguous().is_contiguous())
x = torch.randn(1)
print(x)
print(x.item())
a = torch.randn(2, 3)
print(a.to(torch.float64))
print(a.numel(), a.dim(), a.ndim, len(a))
print(torch.is_tensor(a), torch.numel(a))

# indexing and slicing
m = torch.arange(24).reshape(2, 3, 4)
print(m[1, 2, 3], m[:, 1], m[0, :, ::2], m[..., 1:3].shape)
print(m[m > 20])
print(m[:, [0, 2]])
print(m[0][torch.tensor([True, False, True])])
idx = torch.tensor([0, 1, 1])
print(m[0, idx, idx])
m2 = m.clone()
m2[m2 % 2 == 0] = -1
print(m2)
print(m.unsqueeze(0).shape, m.squeeze().shape, m[None, :, None].shape)
print(torch.tensor([[1, 2], [3, 4]]).flip(0), torch.tensor([3, 1, 2]).sort())
v, i = torch.max(torch.tensor([[1, 5, 2], [7, 3, 4]]), dim=1)
print(v, i)
print(torch.tensor([1.0, 2.0, 3.0]).mean(), torch.tensor([1.0, 2.0, 3.0]).std())
print(torch.tensor([[1., 2.], [3., 4.]]).sum(0), torch.tensor([[1., 2.], [3., 4.]]).prod(1))
print(torch.zeros(3).fill_(2.5), torch.ones(2, 2).mul_(3).sub_(1).div_(2))
