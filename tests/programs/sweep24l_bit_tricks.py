"""Bit-manipulation tricks with integer tensors, interview-prep style: popcount through a 256-entry
uint8 lookup table applied byte by byte (shifts and & 0xFF), Kernighan's x & (x - 1) loop,
lowest set bit x & -x, torch.bitwise_and/or/xor/not, << and >> on negative int64 (arithmetic
shift), bit reversal, Gray codes, subset enumeration with bit masks, and torch.iinfo limits."""
import torch

torch.manual_seed(5)

table = torch.zeros(256, dtype=torch.uint8)
for i in range(1, 256):
    table[i] = table[i >> 1] + (i & 1)
print("table[:16]:", table[:16].tolist(), table.dtype)


def popcount64(x):
    total = torch.zeros_like(x)
    for shift in range(0, 64, 8):
        byte = (x >> shift) & 0xFF
        total += table[byte].long()
    return total


x = torch.randint(-(2 ** 40), 2 ** 40, (8,))
print("x:", x.tolist())
pc = popcount64(x)
print("popcount:", pc.tolist())
print("check:", [bin(v & (2 ** 64 - 1)).count("1") for v in x.tolist()])


def kernighan(x):
    count = torch.zeros_like(x)
    x = x.clone()
    while bool((x != 0).any()):
        nz = x != 0
        count += nz.long()
        x = torch.where(nz, x & (x - 1), x)
    return count


small = torch.randint(0, 1000, (10,))
print("kernighan:", kernighan(small).tolist(), popcount64(small).tolist())
print("lowest bit:", (small & -small).tolist())
print("power of two:", ((small & (small - 1)) == 0).tolist())

a = torch.tensor([12, -7, 255, 0, -1], dtype=torch.int64)
b = torch.tensor([10, 3, 15, -1, 2 ** 40], dtype=torch.int64)
print("and:", torch.bitwise_and(a, b), a & 6)
print("or: ", torch.bitwise_or(a, b), 1 | a)
print("xor:", torch.bitwise_xor(a, b), a ^ b)
print("not:", torch.bitwise_not(a), ~a)
print("shl:", a << 3, torch.bitwise_left_shift(a, torch.tensor([0, 1, 2, 62, 63])))
print("shr:", a >> 2, torch.bitwise_right_shift(a, 63), -17 >> torch.tensor([1, 2, 3]))
print("int32:", torch.tensor([-8, 8], dtype=torch.int32) >> 1, torch.tensor([1], dtype=torch.int32) << 31)
u = torch.tensor([0b10110000, 255, 1], dtype=torch.uint8)
print("uint8:", u >> 4, u << 1, ~u, u ^ 0xF0)
bools = torch.tensor([True, False, True])
print("bool ops:", bools & torch.tensor([True, True, False]), bools ^ True, ~bools, bools | False)
a8 = torch.tensor([100, -100], dtype=torch.int8)
print("int8:", a8 << 1, a8 >> 1, a8 & 0x0F)


def reverse_bits(x, width):
    out = torch.zeros_like(x)
    for i in range(width):
        out |= ((x >> i) & 1) << (width - 1 - i)
    return out


k = torch.arange(16)
print("bit reverse:", reverse_bits(k, 4).tolist())
gray = k ^ (k >> 1)
print("gray:", gray.tolist())
inv = gray.clone()
shift = gray >> 1
while bool(shift.any()):
    inv ^= shift
    shift = shift >> 1
print("gray inverse ok:", torch.equal(inv, k))
bits = (k[:, None] >> torch.arange(3, -1, -1)) & 1
print(bits[:6])
print("from bits:", (bits * (2 ** torch.arange(3, -1, -1))).sum(1).tolist())

items = torch.tensor([3, 5, 8, 13])
masks = torch.arange(1 << items.numel())
member = ((masks[:, None] >> torch.arange(items.numel())) & 1).bool()
sums = (member * items).sum(1)
print("subset sums:", sums.tolist())
target = 16
hit = torch.nonzero(sums == target).flatten()
print("subsets summing to", target, [items[member[m]].tolist() for m in hit.tolist()])

for dt in (torch.int8, torch.uint8, torch.int16, torch.int32, torch.int64):
    info = torch.iinfo(dt)
    print(dt, info.min, info.max, info.bits, info.dtype)
print(torch.iinfo(torch.int32))
m = torch.tensor([torch.iinfo(torch.int32).max], dtype=torch.int32)
print("int32 wrap:", m + 1, (m + 1).dtype, m.to(torch.int16), torch.tensor([300]).to(torch.uint8))
print(torch.tensor([-1]).to(torch.uint8), torch.tensor([255], dtype=torch.uint8).to(torch.int8))
h = torch.tensor([0x1234_5678_9ABC_DEF0])
print("bytes:", [((h >> (8 * i)) & 0xFF).item() for i in range(8)])
print(hex(int(h)), torch.tensor([5, 3]).bitwise_xor_(torch.tensor([1, 1])), torch.tensor(6).bitwise_and(3))
