"""The NumPy bridge and dtype rules: shared memory, copies, dtype mapping, type promotion, casting errors."""
import numpy as np
import torch

torch.manual_seed(3)
np.random.seed(3)

# from_numpy and .numpy() share memory; torch.tensor copies; as_tensor shares when it can
a = np.arange(6, dtype=np.float32).reshape(2, 3)
t = torch.from_numpy(a)
a[0, 0] = 100.0
print(t, t.dtype, t.shape, t.stride(), t.is_contiguous())
t[1] *= -1
print(a)
c = torch.tensor(a)
a[0, 1] = -7.0
print(c[0], t[0])
s = torch.as_tensor(a)
s.add_(1)
print(a[0], torch.as_tensor(a, dtype=torch.float64).dtype, np.shares_memory(a, s.numpy()))
n = t.numpy()
n[1, 2] = 0.5
print(t, n.dtype, n.shape, n.strides, type(n).__name__)
at = torch.from_numpy(a.T)
print(at, at.stride(), at.is_contiguous(), at.contiguous().stride(), torch.from_numpy(a[:, ::2]).stride())
print(torch.from_numpy(np.ascontiguousarray(a[::-1])), torch.tensor(a[::-1].copy()).flip(0))
r = torch.randn(2, 2, requires_grad=True)
try:
    r.numpy()
except RuntimeError as e:
    print("RuntimeError:", e)
print(r.detach().numpy().shape, r.detach().numpy().dtype, torch.ones(2).numpy().tolist())

# dtype mapping in both directions
for npdt in [np.bool_, np.uint8, np.int8, np.int16, np.int32, np.int64, np.float16, np.float32, np.float64]:
    x = torch.from_numpy(np.array([1, 0, 2], dtype=npdt))
    print(np.dtype(npdt).name, "->", x.dtype, "->", x.numpy().dtype, x)
print(torch.tensor(np.float64(2.5)), torch.tensor(np.int32(7)), torch.tensor([np.float32(1.5), 2]).dtype)
print(torch.tensor(np.array(3.0)), torch.from_numpy(np.array(3)).shape, torch.tensor([1.0, 2]).numpy().dtype)
print(torch.tensor([1, 2.5]).dtype, torch.tensor([True, 2]).dtype, torch.tensor([[1], [2]]).dtype,
      torch.tensor(3.0, dtype=torch.int32), torch.tensor([1.7, -1.7]).int(), torch.tensor([300]).byte())
print(torch.zeros(2, dtype=torch.int16).numpy().dtype, torch.arange(3).numpy().dtype, torch.rand(1).double().numpy().dtype)
print(torch.tensor(np.arange(4)).sum(), np.asarray(torch.arange(4.0)).mean(), np.array(torch.tensor([[1, 2]])).shape)

# type promotion
i = torch.tensor([1, 2, 3])
f = torch.tensor([0.5, 1.5, 2.5])
u8 = torch.tensor([200, 100, 50], dtype=torch.uint8)
i8 = torch.tensor([-100, 100, 50], dtype=torch.int8)
b = torch.tensor([True, False, True])
print(i + 1.5, (i + 1.5).dtype, i * 2, (i * 2).dtype, i / 2, (i / 2).dtype)
print(u8 + i8, (u8 + i8).dtype, u8 + 100, (u8 + 100).dtype, u8 + u8, i8 * 2)
print(b + b, (b + b).dtype, b * 2, b.sum(), b.float().mean(), b & torch.tensor([False, True, True]), ~b)
print(i + f, f.double() + i, f.half() + i, (f.half() + 2.0).dtype, (f.half() + torch.tensor(2.0)).dtype)
print(i.int() + i, (i.int() + i).dtype, torch.tensor(2, dtype=torch.int64) + torch.ones(2, dtype=torch.int16))
print((torch.tensor(2.0, dtype=torch.float64) * torch.ones(2)).dtype, (torch.tensor([2.0]).double() * torch.ones(2)).dtype)
print(torch.ones(2, dtype=torch.int8) + 1000, (i8 + torch.tensor(1000)).dtype, b + 1.5, (b + 1).dtype)
for x, y in [(torch.int32, torch.float16), (torch.uint8, torch.int8), (torch.bool, torch.int16),
             (torch.int64, torch.float32), (torch.float16, torch.float64), (torch.uint8, torch.bool)]:
    print(x, y, torch.promote_types(x, y), torch.can_cast(x, y), torch.can_cast(y, x))
print(torch.result_type(i, 1.0), torch.result_type(u8, -1), torch.result_type(f.half(), i),
      torch.result_type(2, 3.0), torch.result_type(torch.tensor(2.0), i), torch.result_type(b, True))

# integer division
n = torch.tensor([7, -7, 7, -7])
d = torch.tensor([2, 2, -2, -2])
print(n / d, torch.true_divide(n, d), torch.div(n, d), n // d, torch.floor_divide(n, d))
print(torch.div(n, d, rounding_mode="trunc"), torch.div(n, d, rounding_mode="floor"), n % d, torch.fmod(n, d),
      torch.remainder(n, d))
print(torch.div(n.float(), 2, rounding_mode="floor"), torch.div(n.double(), 0.5, rounding_mode="trunc"), n.float() // 3)
print(torch.tensor([5.0, -5.0, 0.0]) / 0, torch.tensor([1, -1]) / 0, torch.tensor([0.0]) / 0, -torch.tensor([0.0]))
try:
    torch.tensor([1, 2]) // torch.tensor([0, 1])
except RuntimeError as e:
    print("RuntimeError:", e)
print(torch.tensor([2, 3]) ** 2, torch.tensor([2, 3]) ** 0.5, 2 ** torch.tensor([1, 2]), torch.tensor([4]) ** -1.0)

# in-place ops keep the dtype, and refuse to widen it
for name, op in [("int += float", lambda: i.clone().__iadd__(0.5)), ("int *= float tensor", lambda: i.clone().mul_(f)),
                 ("int /= int", lambda: i.clone().div_(2)), ("bool += 1", lambda: b.clone().add_(1)),
                 ("uint8 -= int8", lambda: u8.clone().sub_(i8)), ("float += int", lambda: f.clone().add_(i)),
                 ("int //= 2", lambda: i.clone().floor_divide_(2)), ("int.div_(floor)", lambda: i.clone().div_(2, rounding_mode="floor")),
                 ("half += float64", lambda: f.half().add_(f.double())), ("int.pow_(0.5)", lambda: i.clone().pow_(0.5)),
                 ("out= int", lambda: torch.add(f, f, out=torch.empty(3, dtype=torch.long)))]:
    try:
        res = op()
        print(name, "ok", res, res.dtype)
    except RuntimeError as e:
        print(name, "RuntimeError:", e)
k = torch.zeros(3, dtype=torch.long)
k[0] = 2.9
k[1:] = torch.tensor([-1.5, 7.9])
print(k, torch.zeros(2).copy_(torch.tensor([1, 2])), torch.zeros(2, dtype=torch.uint8).fill_(-1))
print(torch.tensor([1.5, 2.5]).type(torch.int32), torch.arange(3).to(torch.float16), torch.tensor([0, 3]).bool())
print(torch.tensor([250], dtype=torch.uint8) + torch.tensor([10], dtype=torch.uint8), torch.tensor([-1]).to(torch.uint8))
