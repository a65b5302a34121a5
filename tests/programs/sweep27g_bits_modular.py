"""Advent-of-Code style bit and number puzzles with tensors: the binary diagnostic (bit columns,
gamma/epsilon, oxygen/CO2 filtering), popcount by SWAR bit tricks, xor checksums, bitmask
memory with shifts, modular arithmetic with negative numbers (remainder vs fmod vs floor_divide),
the Chinese remainder theorem for bus schedules, a big int64 sum and its overflow."""
import torch

torch.manual_seed(5)

REPORT = """\
00100
11110
10110
10111
10101
01111
00111
11100
10000
11001
00010
01010"""

bits = torch.tensor([[int(c) for c in row] for row in REPORT.splitlines()], dtype=torch.int64)
width = bits.shape[1]
weights = torch.tensor([1 << (width - 1 - i) for i in range(width)])
print("weights:", weights)
ones = bits.sum(0)
most = (2 * ones >= bits.shape[0]).long()
gamma = (most * weights).sum()
epsilon = gamma ^ ((1 << width) - 1)
print("gamma:", gamma.item(), "epsilon:", epsilon.item(), "power:", (gamma * epsilon).item())
values = (bits << torch.arange(width - 1, -1, -1)).sum(1)
print("values:", values.tolist())


def rating(keep_most):
    rows = bits
    for i in range(width):
        if rows.shape[0] == 1:
            break
        c = rows[:, i].sum()
        bit = int(2 * c >= rows.shape[0]) if keep_most else int(2 * c < rows.shape[0])
        rows = rows[rows[:, i] == bit]
    return int((rows[0] * weights).sum())


o2, co2 = rating(True), rating(False)
print("oxygen:", o2, "co2:", co2, "life support:", o2 * co2)

# popcount with the SWAR trick on int64 (values stay below 2**62 to keep shifts non-negative)
x = torch.randint(0, 2**40, (8,), dtype=torch.int64)
m1, m2, m4 = 0x5555555555555555, 0x3333333333333333, 0x0F0F0F0F0F0F0F0F
c = x - ((x >> 1) & m1)
c = (c & m2) + ((c >> 2) & m2)
c = (c + (c >> 4)) & m4
pop = (c * 0x0101010101010101) >> 56
naive = torch.stack([(x >> k) & 1 for k in range(41)]).sum(0)
print("x:", x.tolist())
print("popcount:", pop.tolist(), "matches:", torch.equal(pop & 0xFF, naive))
print("parity by xor fold:", torch.stack([(x >> k) & 1 for k in range(41)]).sum(0).remainder(2).tolist())
print("bitwise_and/or/xor:", torch.bitwise_and(x, 0xFF).tolist(), torch.bitwise_or(x[:2], 1).tolist(),
      torch.bitwise_xor(x[0], x[1]).item())
print("left_shift:", torch.bitwise_left_shift(torch.tensor([1, 3, 5]), torch.tensor([0, 4, 60])))
print("right_shift neg:", torch.bitwise_right_shift(torch.tensor([-16, -1, 7]), 2))
print("bitwise_not:", torch.bitwise_not(torch.tensor([0, -1, 5], dtype=torch.int16)))
try:
    torch.bitwise_and(torch.tensor([1.5]), torch.tensor([1.0]))
except RuntimeError as e:
    print("float bitwise:", e)

# knot-hash style dense hash: xor-reduce blocks of 16
sparse = torch.randperm(256)
dense = sparse.view(16, 16)
acc = dense[:, 0].clone()
for k in range(1, 16):
    acc ^= dense[:, k]
print("dense hash:", "".join(f"{v:02x}" for v in acc.tolist()))

# bitmask memory: mask with X keeps the value bit, 0/1 overwrite
mask = "XXXXXXXXXXXXXXXXXXXXXXXXXXXXX1XXXX0X"
and_mask = int(mask.replace("X", "1"), 2)
or_mask = int(mask.replace("X", "0"), 2)
vals = torch.tensor([11, 101, 0])
print("masked:", ((vals & and_mask) | or_mask).tolist())

# modular arithmetic with negatives: Python-style remainder vs C-style fmod
a = torch.tensor([-7, -3, 0, 3, 7])
print("remainder:", torch.remainder(a, 5), a % 5)
print("fmod:", torch.fmod(a, 5))
print("floor_divide:", torch.floor_divide(a, 5), a // 5)
print("div trunc:", torch.div(a, 5, rounding_mode="trunc"), "div:", torch.div(a, 2))
print("remainder neg divisor:", torch.remainder(a, -3), torch.fmod(a, -3))
print("float remainder:", torch.remainder(torch.tensor([-7.5, 7.5]), 2))
try:
    torch.remainder(a, 0)
except RuntimeError as e:
    print("int mod zero:", e)
print("float mod zero:", torch.remainder(torch.tensor([1.0, -1.0]), 0.0))
# dial puzzle: rotate left/right by amounts on a 100-position dial starting at 50
moves = torch.tensor([-68, -30, 48, -5, 60, -55, -1, -99, 14, -82])
pos = (50 + moves.cumsum(0)).remainder(100)
print("positions:", pos.tolist(), "times at 0:", (pos == 0).sum().item())

# bus schedules: earliest bus and the Chinese remainder theorem on int64
buses = "7,13,x,x,59,x,31,19"
ids = torch.tensor([int(b) for b in buses.split(",") if b != "x"])
offs = torch.tensor([i for i, b in enumerate(buses.split(",")) if b != "x"])
depart = 939
wait = (-depart) % ids
best = wait.argmin()
print("wait:", wait.tolist(), "answer:", (ids[best] * wait[best]).item())
t, step = 0, 1
for bus, off in zip(ids.tolist(), offs.tolist()):
    cand = t + step * torch.arange(bus)
    hit = torch.remainder(cand + off, bus) == 0
    t = int(cand[hit][0])
    step *= bus
print("earliest timestamp:", t, "check:", torch.remainder(t + offs, ids).tolist())
print("lcm of all buses:", ids.tolist(), end=" ")
acc_lcm = ids[0]
for b in ids[1:]:
    acc_lcm = torch.lcm(acc_lcm, b)
print("=", acc_lcm.item())
print("lcm/gcd:", torch.lcm(ids[:2], ids[3:]).tolist(), torch.gcd(torch.tensor([12, 18, -8]), torch.tensor([8, 27, 6])).tolist())
print("lcm wraps:", torch.lcm(torch.tensor([2**40, 6]), torch.tensor([2**40 - 1, -4])))
for fn in (torch.lcm, torch.bitwise_xor, torch.remainder, torch.logical_and):
    try:
        fn(ids[:3], ids[3:])
    except RuntimeError as e:
        print(fn.__name__, "mismatch:", e)
try:
    torch.isin(torch.tensor([True, False]), ids)
except RuntimeError as e:
    print("isin bool:", e)

# big sums and overflow of int64
big = torch.full((4,), 2**62, dtype=torch.int64)
print("wrapped sum:", big.sum().item(), big.sum().dtype)
print("int32 sum promotes:", torch.full((3,), 2**30, dtype=torch.int32).sum(), torch.full((3,), 2**30, dtype=torch.int32).sum().dtype)
print("uint8 wraps:", torch.tensor([250, 10], dtype=torch.uint8) + 10)
print("cumsum int8:", torch.tensor([100, 100, 100], dtype=torch.int8).cumsum(0))
print("prod int:", torch.arange(1, 21).prod().item(), torch.arange(1, 22).prod().item())
digits = torch.tensor([int(d) for d in "1122"])
print("captcha:", (digits * (digits == digits.roll(-1))).sum().item(), (digits * (digits == digits.roll(2))).sum().item())
