"""A NumPy-to-torch translation table, worked through: the NumPy-like names torch has, memory shared
by from_numpy and .numpy(), dtype promotion between NumPy scalars, 0-d arrays and tensors, indexing
tensors with NumPy index and mask arrays, as_tensor's copy rules and np.asarray of a tensor."""
import numpy as np
import torch

torch.manual_seed(0)
rng = np.random.default_rng(0)

print("-- numpy-like names")
x = torch.tensor([-1.5, -0.25, 0.0, 0.5, 2.0])
print(torch.clip(x, -1, 1), torch.absolute(x), torch.negative(x))
u = torch.tensor([-0.5, 0.0, 0.5])
print(torch.arccos(u), torch.arcsin(u), torch.arctan(u))
print(torch.arccosh(torch.tensor([1.0, 2.0])), torch.arcsinh(u), torch.arctanh(u))
print(torch.arctan2(torch.tensor([1.0, -1.0]), torch.tensor([-1.0, -1.0])))
print(torch.multiply(x, 2), torch.divide(x, 2), torch.subtract(x, 1), torch.true_divide(x, 4))
print(torch.greater(x, 0), torch.less_equal(x, 0), torch.not_equal(x, 0))
print(torch.fix(x), torch.trunc(x), torch.round(torch.tensor([0.5, 1.5, 2.5])))
print(torch.concatenate([x, x]).shape, torch.concat([x[:2], x[3:]]))
print(torch.swapaxes(torch.ones(2, 3), 0, 1).shape, torch.moveaxis(torch.ones(2, 3, 4), 0, -1).shape)
print(torch.expand_dims if hasattr(torch, "expand_dims") else "no expand_dims")
print(torch.ravel(torch.arange(6).view(2, 3)), torch.flip(torch.arange(4), [0]), torch.fliplr(torch.eye(2)))
print(torch.diff(torch.tensor([1, 4, 9, 16])), torch.cumsum(torch.arange(5), 0), torch.cumprod(torch.arange(1, 5), 0))
print(torch.outer(torch.arange(3), torch.arange(2)), torch.inner(torch.ones(3), torch.arange(3.)))
print(torch.logspace(0, 2, 3), torch.linspace(0, 1, 5), torch.arange(0, 1, 0.25))
print(torch.allclose(torch.ones(2), torch.ones(2) + 1e-9), torch.isclose(x, x + 1e-3, atol=1e-2))
print(torch.nan_to_num(torch.tensor([float("nan"), float("inf"), -float("inf"), 1.0])))
print(torch.amax(torch.arange(6).view(2, 3), 1), torch.amin(torch.arange(6).view(2, 3), 0))
print(torch.var(x, unbiased=False).item() == torch.var(x, correction=0).item(), torch.std(x, correction=0))
print(torch.heaviside(x, torch.tensor(0.5)), torch.sign(x), torch.signbit(torch.tensor([-0.0, 0.0])))
print(torch.deg2rad(torch.tensor([180.0])), torch.rad2deg(torch.tensor([np.pi])))
print(torch.count_nonzero(x), torch.trace(torch.arange(9.).view(3, 3)), torch.tril(torch.ones(3, 3)).sum())
print(torch.atleast_2d(torch.tensor(1.0)).shape, torch.atleast_3d(torch.ones(2)).shape)
print(torch.histogram(x, bins=2))
print(torch.round(torch.tensor([1.2345, 2.5]), decimals=2), torch.around if hasattr(torch, "around") else "no around")
print(torch.isin(torch.tensor([1, 2, 3]), torch.tensor([2, 5])), torch.isneginf(torch.tensor([-float("inf"), 0.0])))
print(torch.float_power(torch.tensor([2, 3]), 2), torch.floor_divide(torch.tensor([7, -7]), 2))
print(torch.remainder(torch.tensor([7, -7]), 3), torch.fmod(torch.tensor([7, -7]), 3))

print("-- from_numpy shares memory")
a = np.arange(6, dtype=np.float32).reshape(2, 3)
t = torch.from_numpy(a)
a[0, 0] = 100
print(t[0, 0].item(), t.dtype)
t[1, 2] = -5
print(a[1, 2], a.dtype)
t.add_(1)
print(a)
b = np.arange(6.)[::2]
print(torch.from_numpy(b), torch.from_numpy(b).stride())
for dt in [np.float16, np.float64, np.int8, np.uint8, np.int16, np.int32, np.int64, np.bool_, np.complex64]:
    print(dt.__name__, torch.from_numpy(np.zeros(2, dtype=dt)).dtype)
try:
    torch.from_numpy(np.array(["a", "b"])).dtype
    print("str ok")
except TypeError as e:
    print("TypeError", e)
try:
    torch.from_numpy([1, 2])
except TypeError as e:
    print("TypeError", e)

print("-- .numpy() of views")
base = torch.arange(12.).view(3, 4)
v = base[:, 1].numpy()
print(v, v.strides, v.flags["C_CONTIGUOUS"], v.flags["WRITEABLE"])
v[0] = 99
print(base[0, 1].item())
tv = base.t().numpy()
print(tv.shape, tv.strides)
print(base[1:, ::2].numpy().strides, base.view(-1)[::3].numpy())
n = torch.ones(2, requires_grad=True)
try:
    n.numpy()
except RuntimeError as e:
    print("RuntimeError", e)
print(n.detach().numpy(), n.numpy(force=True))
print(torch.tensor(3.5).numpy(), torch.tensor(3.5).numpy().shape, type(torch.tensor(2).numpy()).__name__)

print("-- numpy scalars and 0-d arrays with tensors")
f32 = torch.tensor([1.0, 2.0])
i64 = torch.tensor([1, 2])
for s in [np.float64(1.5), np.float32(1.5), np.int64(2), np.int32(2), np.bool_(True), np.float16(0.5)]:
    print(type(s).__name__, (f32 * s).dtype, (i64 * s).dtype, (s * i64).dtype, (i64 + s))
print((np.float64(2.0) * f32).dtype, type(np.float64(2.0) * f32).__name__)
print((f32 * np.array(2.0)).dtype, (i64 * np.array(2.5)).dtype)
print(torch.tensor(np.float64(3.0)).dtype, torch.tensor(np.array(3, dtype=np.int32)).dtype)
print(torch.tensor([np.float32(1.0), np.float32(2.0)]).dtype, torch.tensor(np.array([1, 2], dtype=np.int16)).dtype)
print(torch.full((2,), np.float32(1.5)).dtype, torch.zeros(int(np.int64(3))).shape)
print(f32[np.int64(1)], i64.reshape(np.int64(2), 1).shape, torch.ones(np.int32(2), 2).shape)
print(torch.arange(np.int64(4)), torch.tensor(1.0).pow(np.float64(2)).dtype)
print(i64 == np.int64(2), (i64 < np.float64(1.5)))

print("-- indexing by numpy arrays")
m = torch.arange(20).view(4, 5)
print(m[np.array([0, 2])], m[np.array([3, 1]), np.array([4, 0])])
print(m[np.array([True, False, True, False])])
print(m[:, np.array([1, 3])], m[np.array([[0], [3]]), np.array([0, 4])])
msk = np.array([[True, False, False, False, True]] * 4)
print(m[msk])
m2 = m.clone()
m2[np.array([0, 1]), np.array([0, 1])] = -1
m2[np.arange(4) % 2 == 0, 2] = 77
print(m2)
print(m[np.int64(2)], m[np.array(1)], m[..., np.array([-1])].shape)
print(m[torch.from_numpy(np.array([1, 0]))])

print("-- as_tensor copy semantics")
src = np.array([1.0, 2.0, 3.0])
at = torch.as_tensor(src)
src[0] = -1
print(at, at.dtype)
at32 = torch.as_tensor(src, dtype=torch.float32)
src[1] = -2
print(at32)
tt = torch.tensor(src)
src[2] = -3
print(tt)
base_t = torch.ones(3)
print(torch.as_tensor(base_t) is base_t, torch.as_tensor(base_t, dtype=torch.float64) is base_t)
print(torch.asarray(src).dtype, torch.asarray([1, 2]).dtype, torch.asarray(src, copy=True).data_ptr() != 0)
sh = torch.asarray(src)
src[0] = 10
print(sh[0].item())
print(torch.as_tensor([[1, 2], [3, 4]]), torch.as_tensor((1.5, 2)))

print("-- np.asarray(tensor) and numpy functions on tensors")
tt = torch.tensor([[1.5, 2.5], [3.5, 4.5]])
arr = np.asarray(tt)
print(arr.dtype, arr.shape, type(arr).__name__)
arr[0, 0] = 0
print(tt[0, 0].item())
print(np.array(torch.tensor([1, 2])).dtype, np.asarray(torch.tensor(True)), np.array(tt, dtype=np.float64).dtype)
print(np.mean(np.asarray(tt)), np.sum(tt.numpy(), axis=0))
print(np.allclose(tt.numpy(), np.asarray(tt)), float(np.float32(tt.sum())))
print(np.concatenate([tt.numpy(), tt.numpy()]).shape, np.stack([t.numpy() for t in tt]).shape)

print("-- round trips")
r = rng.standard_normal((3, 2)).astype(np.float32)
rt = torch.from_numpy(r)
back = rt.numpy()
print(back is r, np.shares_memory(back, r), rt.mean().item() == np.float32(r.mean()) or "summation differs")
print(torch.from_numpy(r.T.copy()).is_contiguous(), torch.from_numpy(r.T).is_contiguous(), torch.from_numpy(r.T).stride())
print(torch.tensor(r.tolist()).dtype, torch.tensor(r, dtype=torch.float64).dtype)
print(rt.double().numpy().dtype, rt.long().numpy().dtype, rt.half().numpy().dtype, rt.bool().numpy().dtype)
