"""A blog-post lesson on PyTorch type promotion: the category rule (bool < int < float < complex),
Python scalars and 0-d tensors that do not promote n-d tensors of the same category, a printed
promotion table built with torch.promote_types, torch.result_type on tensor/scalar mixes,
torch.can_cast, in-place ops that refuse to downcast, and the dtype of comparisons, where and
reductions of bool/int tensors."""
import torch

dtypes = [torch.bool, torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64,
          torch.float16, torch.float32, torch.float64, torch.complex64, torch.complex128]
short = {d: str(d)[6:] for d in dtypes}

print("== promote_types table ==")
print("       " + " ".join(f"{short[d]:>10}" for d in dtypes))
for a in dtypes:
    row = [short[torch.promote_types(a, b)] for b in dtypes]
    print(f"{short[a]:>10}" + " ".join(f"{r:>10}" for r in row))

print("== scalars do not promote within a category ==")
i8 = torch.tensor([1, 2, 3], dtype=torch.int8)
f16 = torch.tensor([1.0, 2.0], dtype=torch.float16)
for expr, val in [("i8 + 1", i8 + 1), ("i8 + 1.0", i8 + 1.0), ("i8 + True", i8 + True),
                  ("i8 * 1j", i8 * 1j), ("f16 + 1e5", f16 + 1e5), ("f16 * 2", f16 * 2),
                  ("i8 + tensor(1000)", i8 + torch.tensor(1000)),
                  ("i8 + tensor(1.5)", i8 + torch.tensor(1.5)),
                  ("f16 + tensor(1., f64)", f16 + torch.tensor(1.0, dtype=torch.float64)),
                  ("f16 + tensor([1.], f64)", f16 + torch.tensor([1.0], dtype=torch.float64)),
                  ("bool + bool", torch.tensor([True, False]) + torch.tensor([True, True])),
                  ("bool * 3", torch.tensor([True, False]) * 3),
                  ("uint8 - int8", torch.tensor([1], dtype=torch.uint8) - torch.tensor([2], dtype=torch.int8))]:
    print(f"{expr:>24} -> {val.dtype}: {val}")

print("== result_type ==")
t_int = torch.arange(3)
t_f = torch.zeros(2)
print(torch.result_type(t_int, 2.5), torch.result_type(t_int, 5), torch.result_type(t_f, 2))
print(torch.result_type(2, 3.0), torch.result_type(True, 2), torch.result_type(1j, t_f))
print(torch.result_type(torch.tensor(1, dtype=torch.int32), t_int),
      torch.result_type(torch.tensor(1.0, dtype=torch.float64), torch.tensor([1], dtype=torch.int32)),
      torch.result_type(torch.tensor(True), torch.tensor([1], dtype=torch.uint8)))

print("== can_cast ==")
for a, b in [(torch.float64, torch.float32), (torch.float32, torch.int32), (torch.int64, torch.int8),
             (torch.int8, torch.uint8), (torch.uint8, torch.bool), (torch.bool, torch.float16),
             (torch.complex64, torch.float64), (torch.float16, torch.complex64), (torch.int32, torch.float16)]:
    print(f"{short[a]} -> {short[b]}: {torch.can_cast(a, b)}")

print("== in-place ops keep the left dtype ==")
x = torch.tensor([1, 2, 3])
x += 2
print(x, x.dtype)
try:
    x += 0.5
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    x.mul_(torch.tensor([1.5, 1.5, 1.5]))
except RuntimeError as e:
    print("RuntimeError:", e)
y = torch.tensor([1.0, 2.0], dtype=torch.float16)
y += torch.tensor([1.0, 1.0], dtype=torch.float64)
print(y, y.dtype)
z = torch.zeros(3, dtype=torch.uint8)
z.add_(300)
print(z)
b = torch.tensor([True, False])
try:
    b.add_(1)
except RuntimeError as e:
    print("RuntimeError:", e)
w = torch.zeros(3)
for name, op in [("w += 1j", lambda: w.add_(1j)), ("w *= complex tensor", lambda: w.mul_(torch.ones(3, dtype=torch.complex64))),
                 ("add(out=float)", lambda: torch.add(w, torch.tensor([1j]), out=torch.empty(3)))]:
    try:
        op()
    except RuntimeError as e:
        print(name, "-> RuntimeError:", e)
print(torch.can_cast(torch.complex128, torch.complex64), torch.can_cast(torch.complex64, torch.int64),
      torch.can_cast(float, int), torch.promote_types(int, float), torch.promote_types(bool, torch.uint8))
for bad in [lambda: torch.result_type(torch.ones(1), "1.0"), lambda: torch.promote_types(torch.float32, "float64"),
            lambda: torch.can_cast(torch.ones(1), torch.float32)]:
    try:
        bad()
    except TypeError as e:
        print("TypeError:", str(e).splitlines()[0])

print("== comparisons, where, reductions ==")
a = torch.tensor([1, 2, 3], dtype=torch.int16)
print((a > 1.5).dtype, (a == torch.tensor([1.0, 2.5, 3.0])), torch.eq(a, 2))
print(torch.where(a > 1, a, 0.5), torch.where(a > 1, a, torch.tensor(7, dtype=torch.int64)))
bt = torch.tensor([True, True, False])
print(bt.sum(), bt.sum().dtype, bt.float().mean(), bt.prod(), bt.cumsum(0))
print(a.sum().dtype, a.prod().dtype, a.float().mean().dtype, a.max().dtype, torch.mean(a.double()))
print(torch.tensor([1, 2], dtype=torch.int8).sum(dtype=torch.int8), a.to(torch.uint8).cumprod(0))
try:
    a.mean()
except RuntimeError as e:
    print("RuntimeError:", e)
print(torch.tensor([3, 4]) / torch.tensor([2, 2]), torch.tensor([3, 4]) // 2, (torch.tensor([3]) / 2).dtype)
print(torch.tensor([2]) ** 0.5, torch.tensor([2]) ** 2, 2 ** torch.tensor([3]), 2.0 ** torch.tensor([3]))
print(torch.tensor([1, 2]) + torch.tensor([0.5j, 1j]), torch.tensor([1.5]) * torch.tensor([2], dtype=torch.complex128))
