"""Lecture notes "Python numbers vs PyTorch numbers": integer division and modulo compared side by
side with Python's // and % and math.fmod, torch.div rounding modes on ints and floats, integer
division by zero, wraparound in int8/int16/uint8 (abs, neg, sums, products, casts), round half to even
(float32, float16, float64, decimals), ceil/floor/trunc/frac of negatives, and printing an
integer "table" built from these ops."""
import math

import torch

a = torch.tensor([7, -7, 7, -7, 0, 5])
b = torch.tensor([2, 2, -2, -2, 3, -5])
print("a // b       ", a // b, [x // y for x, y in zip(a.tolist(), b.tolist())])
print("a % b        ", a % b, [x % y for x, y in zip(a.tolist(), b.tolist())])
print("fmod         ", torch.fmod(a, b), [int(math.fmod(x, y)) for x, y in zip(a.tolist(), b.tolist())])
print("remainder    ", torch.remainder(a, b), a.remainder(3), torch.remainder(-7, b))
print("a / b        ", a / b)
print("trunc        ", torch.div(a, b, rounding_mode="trunc"), torch.div(a, 2, rounding_mode="trunc"))
print("floor        ", torch.div(a, b, rounding_mode="floor"), torch.floor_divide(a, b))
print("floats       ", torch.div(a.float(), b, rounding_mode="floor"), torch.fmod(a.float(), 2.5),
      torch.remainder(a.float(), -2.5))
print("mixed        ", torch.tensor([7.5, -7.5]) // 2, torch.tensor([-0.0, 0.0]) // 1, -7.5 // 2, -7.5 % 2)
print("neg zero     ", torch.div(torch.tensor([-1.0, 1.0]), torch.tensor([3.0, -3.0]), rounding_mode="trunc"),
      torch.tensor([-1.0]) % 1, torch.fmod(torch.tensor([-1.0]), 1))
print("small ints   ", torch.tensor([-7], dtype=torch.int8) // 2, torch.tensor([200], dtype=torch.uint8) // 3,
      torch.tensor([-128], dtype=torch.int8) // -1, torch.tensor([-7], dtype=torch.int16) % 4)
for f in [lambda: torch.tensor([1, 2]) // 0, lambda: torch.tensor([1, 2]) % torch.tensor([0, 1]),
          lambda: torch.div(torch.tensor([5]), 0, rounding_mode="trunc"), lambda: torch.fmod(torch.tensor([5]), 0)]:
    try:
        print("ok", f())
    except RuntimeError as e:
        print("RuntimeError:", e)
print(torch.tensor([1.0, -1.0, 0.0]) / 0, torch.tensor([5]) / 0, torch.tensor([5.0]) // 0, torch.tensor([5.0]) % 0)
print(torch.tensor([3], dtype=torch.uint8) / torch.tensor([2], dtype=torch.uint8), torch.true_divide(torch.tensor(7), 2))

print("== wraparound ==")
i8 = torch.tensor([-128, -1, 0, 1, 127], dtype=torch.int8)
print(i8.abs(), -i8, i8 * -1, i8 + 1, i8 - 1, i8 * 2)
print(i8.sum(), i8.sum(dtype=torch.int8), i8.cumsum(0), i8.cumsum(0, dtype=torch.int8), i8.prod())
u8 = torch.tensor([0, 1, 128, 255], dtype=torch.uint8)
print(-u8, u8 + 1, u8 - 1, u8 * 3, u8 // 2, u8 >> 1, u8 << 1, ~u8)
print(torch.tensor([300, -1, 256, 1000]).to(torch.uint8), torch.tensor([200, 128, 255]).to(torch.int8))
print(torch.tensor([40000, -40000, 70000]).short(), torch.tensor([2 ** 31, 2 ** 32 + 5]).int())
i16 = torch.arange(1, 9, dtype=torch.int16)
print(i16.prod(), i16.cumprod(0), i16.cumprod(0).dtype, (i16 * 5000), torch.tensor(2 ** 62) * 4)
print(torch.tensor([250], dtype=torch.uint8) + torch.tensor([10], dtype=torch.uint8),
      torch.tensor([250], dtype=torch.uint8) + torch.tensor([10], dtype=torch.int8))
print(torch.tensor([100], dtype=torch.int8).pow(2), torch.tensor([3], dtype=torch.int8) ** 5, torch.tensor([2]) ** 63)
print(torch.tensor([1e10, -1e10, 3.9, -3.9]).long(), torch.tensor([3.9, -3.9, 255.9]).to(torch.uint8)[:2])
print(torch.tensor([1]) + 2 ** 63, torch.tensor([1.0]) * (2 ** 64 - 1))
for big in [2 ** 64, -2 ** 63 - 1, 2 ** 100]:
    for op in [lambda: torch.tensor([1]) + big, lambda: torch.tensor([1.0]) * big, lambda: torch.zeros(1).fill_(big)]:
        try:
            op()
        except OverflowError as e:
            print(f"{big:.3e} OverflowError: {e}")

print("== rounding ==")
r = torch.tensor([0.5, 1.5, 2.5, 3.5, -0.5, -1.5, -2.5, 2.4999, 2.5001])
print(torch.round(r), [round(v) for v in r.tolist()], r.half().round(), r.double().round())
d = torch.tensor([1.005, 2.675, 0.125, 0.375, -1.2345, 123.456, 1e-5])
print(torch.round(d, decimals=2), torch.round(d, decimals=1), torch.round(d, decimals=0))
print(torch.round(torch.tensor([1234.5678, -1250.0, 1350.0]), decimals=-2), torch.round(d.double(), decimals=3))
print([round(v, 2) for v in d.tolist()])
print(torch.round(torch.tensor([7, -7, 15])), torch.tensor([7, -7, 15]).round_())
for dec in [0, -1]:
    try:
        torch.tensor([15, 25, -35]).round(decimals=dec)
    except NotImplementedError as e:
        print("NotImplementedError:", e)
print(torch.tensor([15, 25, -35]).float().round(decimals=-1), torch.round(torch.tensor([2.5, 3.5]), decimals=0))
n = torch.tensor([-2.5, -1.7, -0.2, 0.2, 1.7, 2.5])
print(n.floor(), n.ceil(), n.trunc(), n.frac(), n.sign(), n.fix())
print(n.long(), n.floor().long(), torch.floor_divide(n, 1), n.round().int())
print(torch.tensor([0.1 + 0.2]) == 0.3, torch.tensor([0.1 + 0.2], dtype=torch.float64) == 0.3,
      torch.isclose(torch.tensor([0.1 + 0.2], dtype=torch.float64), torch.tensor([0.3], dtype=torch.float64)))

print("== a multiplication table mod 7 ==")
k = torch.arange(1, 8)
table = torch.outer(k, k) % 7
print(table)
print(table.to(torch.int8).sum(0), torch.bincount(table.flatten()), (table == 1).nonzero()[:4].tolist())
