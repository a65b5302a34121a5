"""PyTorch interview drills on dtypes: type promotion, casting and truncation, integer overflow and
wrap-around (uint8, int8, int16, int32), true / floor / trunc division and remainder / fmod on negative
numbers, bitwise and shift operators, integer pow, clamp and comparisons across dtypes, and the errors
torch raises for the classic mistakes -- each printing its result tensor."""
import torch

print("1. Type promotion table")
pairs = [(torch.uint8, torch.int8), (torch.int16, torch.int32), (torch.bool, torch.uint8),
         (torch.int64, torch.float16), (torch.float16, torch.float32), (torch.float32, torch.float64),
         (torch.int32, torch.complex64), (torch.float64, torch.complex64), (torch.uint8, torch.int16)]
for a, b in pairs:
    print(a, b, torch.promote_types(a, b), torch.result_type(torch.ones(1, dtype=a), torch.ones(1, dtype=b)))
print(torch.can_cast(torch.float32, torch.int32), torch.can_cast(torch.int32, torch.float32))
print((torch.tensor([1, 2], dtype=torch.uint8) + 1.5).dtype, (torch.tensor([1, 2], dtype=torch.int8) * 300).dtype)
print(torch.tensor([1, 2], dtype=torch.int16) + torch.tensor(100000))
print(torch.tensor([1.0], dtype=torch.float16) + torch.tensor(1.0, dtype=torch.float64))

print("2. Casting floats to integers truncates toward zero")
f = torch.tensor([-2.7, -0.5, 0.5, 1.5, 2.5, 3.99])
print(f.to(torch.int64), f.long(), f.int(), f.short())
print(f.round(), torch.round(f, decimals=1), f.floor(), f.ceil())
print(f.to(torch.uint8)[2:], f.bool())
print(torch.tensor([0.0, -0.0, 0.1, float("nan")]).bool())

print("3. Integer overflow and wrap-around")
u = torch.tensor([250, 5, 0], dtype=torch.uint8)
print(u + 10, u - 10, u * 2)
print(torch.tensor([127, -128], dtype=torch.int8) + 1)
print(torch.tensor([32767], dtype=torch.int16) + torch.tensor([1], dtype=torch.int16))
print(torch.tensor([2 ** 31 - 1], dtype=torch.int32) + 1)
print(torch.tensor([2 ** 62], dtype=torch.int64) * 4)
print(torch.tensor([300, -1, 256]).to(torch.uint8))
print(torch.tensor([200], dtype=torch.uint8).to(torch.int8))
print(torch.iinfo(torch.int16), torch.iinfo(torch.uint8).max, torch.iinfo(torch.int64).min)
try:
    torch.iinfo(torch.bool)
except TypeError as e:
    print("TypeError:", e)
print(torch.finfo(torch.float16))
print(torch.finfo(torch.float32).eps, torch.finfo(torch.float64).tiny, torch.finfo(torch.float16).max)
print(torch.tensor([60000.0, 70000.0, 1e-8]).half())
print(torch.tensor(65504.0, dtype=torch.float16) * 2)

print("4. Division: true, floor, trunc")
a = torch.tensor([7, -7, 7, -7])
b = torch.tensor([2, 2, -2, -2])
print(a / b)
print(a // b, torch.floor_divide(a, b))
w = torch.tensor([7.0, -7.0], requires_grad=True)
q = w // 2
print(q)
try:
    q.sum().backward()
except RuntimeError as e:
    print("RuntimeError:", e)
print(torch.div(a, b, rounding_mode="floor"), torch.div(a, b, rounding_mode="trunc"))
print(torch.tensor([7.5, -7.5]) // 2, torch.tensor([7.5, -7.5]) // -2.0)
print(torch.tensor([5, 6], dtype=torch.uint8) // 4, torch.tensor([5, 6], dtype=torch.int8) / 4)
print(torch.tensor([1.0, -1.0, 0.0]) / 0)
print(torch.tensor([1.0, -1.0, 0.0]) // 0)
print(torch.div(torch.tensor([1.0, -1.0]), 0.0, rounding_mode="trunc"))
try:
    torch.tensor([1, 2]) // 0
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.tensor([5]) % torch.tensor([0])
except RuntimeError as e:
    print("RuntimeError:", e)

print("5. remainder vs fmod on negatives")
x = torch.tensor([-3, -2, -1, 1, 2, 3])
print(x % 2, torch.remainder(x, 2), torch.fmod(x, 2))
print(torch.remainder(x, -2), torch.fmod(x, -2))
xf = torch.tensor([-3.5, -1.25, 1.25, 3.5])
print(xf % 2, torch.fmod(xf, 2), torch.remainder(xf, -1.5))
print(torch.remainder(torch.tensor([5.0, -5.0]), float("inf")))
print(torch.tensor([7], dtype=torch.int16) % torch.tensor([-3], dtype=torch.int16))
print(torch.tensor([-7, 7]) % 3.0)
print(divmod(17, 5), torch.tensor(17) // 5, torch.tensor(17) % 5)

print("6. Bitwise operations and shifts")
p = torch.tensor([0b1100, 0b1010, 255, -1])
q = torch.tensor([0b1010, 0b0110, 15, 1])
print(p & q, p | q, p ^ q, ~p)
print(torch.bitwise_and(p, 3), torch.bitwise_or(p, 16), torch.bitwise_xor(p, p), torch.bitwise_not(q))
print(p << 2, p >> 1, torch.bitwise_left_shift(q, 3), torch.bitwise_right_shift(p, torch.tensor([1, 2, 3, 4])))
print(torch.tensor([1, 128], dtype=torch.uint8) << 1, torch.tensor([-16], dtype=torch.int8) >> 2)
print(torch.tensor([True, False, True]) ^ torch.tensor([True, True, False]), ~torch.tensor([True, False]))
print(torch.tensor([True, False]) & torch.tensor([True, True]), torch.tensor([True]) | False)
bits = (torch.tensor([5, 12, 255], dtype=torch.uint8).unsqueeze(-1) >> torch.arange(7, -1, -1)) & 1
print(bits)
print((bits * (2 ** torch.arange(7, -1, -1))).sum(dim=1))
try:
    torch.tensor([1.0]) & torch.tensor([1.0])
except RuntimeError as e:
    print("RuntimeError:", e)

print("7. Integer powers and negative exponents")
print(torch.tensor([2, 3, 4]) ** 2, torch.tensor([2, 3]) ** torch.tensor([10, 3]))
print(torch.tensor([2], dtype=torch.int32) ** 31, torch.tensor([3], dtype=torch.uint8) ** 6)
print(2 ** torch.tensor([0, 1, 2, 10]), torch.pow(2.0, torch.tensor([-1, 2])))
print(torch.tensor([2, 4]) ** 0.5, torch.tensor([2, 4]) ** -1.0)
try:
    torch.tensor([2, 3]) ** -1
except RuntimeError as e:
    print("RuntimeError:", e)

print("8. abs, neg, sign, clamp on integer tensors")
s = torch.tensor([-128, -5, 0, 7], dtype=torch.int8)
print(s.abs(), -s, s.sign(), s.clamp(-10, 5), s.clamp(min=0))
print(torch.tensor([-3, 4]).sgn(), torch.tensor([3, 4], dtype=torch.uint8).clamp(max=3))
print(torch.clamp(torch.tensor([1, 5, 9]), torch.tensor([2, 2, 2]), torch.tensor([4, 4, 4])))
print(torch.tensor([1, 5, 9]).clamp(2.5, 6.5))

print("9. Comparisons and equality across dtypes")
print(torch.tensor([1, 2, 3]) == torch.tensor([1.0, 2.5, 3.0]))
print(torch.tensor([255], dtype=torch.uint8) == -1, torch.tensor([255], dtype=torch.uint8) > 254.5)
print(torch.equal(torch.tensor([1, 2]), torch.tensor([1, 2])), torch.tensor([1, 2]).eq(2))
print(torch.maximum(torch.tensor([1, 5]), torch.tensor([3.0, 2.0])), torch.minimum(torch.tensor([1, 5]), torch.tensor([3, 2])))
print(torch.isclose(torch.tensor([1.0, 1.0001, float("nan")]), torch.tensor([1.0, 1.0, float("nan")]), equal_nan=True))
print(torch.allclose(torch.tensor([1e-10]), torch.tensor([0.0])), torch.isin(torch.tensor([1, 2, 3, 4]), torch.tensor([2, 4])))

print("10. In-place ops cannot change dtype")
t = torch.tensor([1, 2, 3])
t += 2
print(t)
try:
    t += 0.5
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    t /= 2
except RuntimeError as e:
    print("RuntimeError:", e)
t2 = torch.tensor([1.5, 2.5])
t2 += torch.tensor([1, 2])
print(t2)
b = torch.tensor([1, 2, 3], dtype=torch.uint8)
b.mul_(100)
print(b)

print("11. Integer reductions promote to int64")
i8 = torch.tensor([100, 100, 100], dtype=torch.int8)
print(i8.sum(), i8.sum().dtype, i8.prod(), i8.cumsum(0), i8.sum(dtype=torch.int8))
print(torch.tensor([True, True, False]).sum(), torch.tensor([1, 2], dtype=torch.uint8).mean(dtype=torch.float32))
try:
    torch.tensor([1, 2, 3]).mean()
except RuntimeError as e:
    print("RuntimeError:", e)
print(torch.tensor([3, 4], dtype=torch.int32).float().norm(), torch.tensor([1, 2, 3]).double().var())

print("12. gcd, lcm and integer helpers")
print(torch.gcd(torch.tensor([12, 18, -9, 0]), torch.tensor([8, 27, 6, 5])))
print(torch.lcm(torch.tensor([4, 6, 0]), torch.tensor([6, 4, 3])))
print(torch.tensor([10, 11, 12]).bitwise_and(1).bool(), torch.tensor([2, 3, 5]).float().log2())
