"""Advent-of-Code style cellular automata with tensors: seating rules (conv2d neighbour counts on a
float grid, after an int grid is refused), Conway cubes in 3-D (conv3d), flashing octopuses (int
energy levels with in-place updates) and a 1-D rule-90 automaton with xor and roll."""
import torch
import torch.nn.functional as F

torch.manual_seed(27)

SEATS = """\
L.LL.LL.LL
LLLLLLL.LL
L.L.L..L..
LLLL.LL.LL
L.LL.LL.LL
L.LLLLL.LL
..L.L.....
LLLLLLLLLL
L.LLLLLL.L
L.LLLLL.LL"""

chars = torch.tensor([[ord(c) for c in row] for row in SEATS.splitlines()], dtype=torch.uint8)
seat = chars == ord("L")
print("seats:", seat.sum().item(), "floor:", (chars == ord(".")).sum().item())
kernel = torch.ones(1, 1, 3, 3)
kernel[0, 0, 1, 1] = 0

try:
    F.conv2d(seat.long()[None, None], kernel.long(), padding=1)
except RuntimeError as e:
    print("int conv2d:", e)
try:
    F.conv2d(seat[None, None], kernel, padding=1)
except RuntimeError as e:
    print("bool conv2d:", e)

occ = torch.zeros_like(seat)
rounds = 0
while True:
    n = F.conv2d(occ.float()[None, None], kernel, padding=1)[0, 0].to(torch.int64)
    new = seat & torch.where(occ, n < 4, n == 0)
    rounds += 1
    if torch.equal(new, occ):
        break
    occ = new
print("rounds:", rounds, "occupied:", occ.sum().item())
render = torch.where(occ, ord("#"), torch.where(seat, ord("L"), ord(".")))
print(render.dtype)
for row in render.tolist():
    print("".join(map(chr, row)))

# Conway cubes: 6 cycles in 3-D with a padded conv3d
start = """\
.#.
..#
###"""
plane = torch.tensor([[c == "#" for c in row] for row in start.splitlines()])
cycles = 6
size = plane.shape[0] + 2 * cycles
cube = torch.zeros(2 * cycles + 1, size, size, dtype=torch.bool)
cube[cycles, cycles:cycles + 3, cycles:cycles + 3] = plane
k3 = torch.ones(1, 1, 3, 3, 3, dtype=torch.float64)
k3[0, 0, 1, 1, 1] = 0
counts = []
for _ in range(cycles):
    nb = F.conv3d(cube.double()[None, None], k3, padding=1)[0, 0]
    cube = (cube & ((nb == 2) | (nb == 3))) | (~cube & (nb == 3))
    counts.append(int(cube.sum()))
print("active per cycle:", counts)
zs = cube.any(dim=2).any(dim=1).nonzero().flatten()
print("occupied layers:", zs.tolist(), "symmetric:", torch.equal(cube, cube.flip(0)))

# flashing octopuses: energy grows, >9 flash and feed neighbours once per step
energy = torch.randint(0, 10, (6, 6))
print(energy)
flashes = 0
first_sync = None
ones = torch.ones(1, 1, 3, 3)
for step in range(1, 101):
    energy += 1
    flashed = torch.zeros_like(energy, dtype=torch.bool)
    while True:
        ready = (energy > 9) & ~flashed
        if not ready.any():
            break
        flashed |= ready
        bump = F.conv2d(ready.float()[None, None], ones, padding=1)[0, 0].long()
        energy.add_(bump)
    energy.masked_fill_(flashed, 0)
    flashes += int(flashed.sum())
    if step == 10:
        print("after 10 steps:\n", energy, sep="")
        print("flashes so far:", flashes)
    if first_sync is None and bool(flashed.all()):
        first_sync = step
print("flashes after 100:", flashes, "first sync:", first_sync)
print("energy histogram:", torch.bincount(energy.flatten(), minlength=10).tolist())

# rule 90: each cell becomes left xor right
row = torch.zeros(31, dtype=torch.uint8)
row[15] = 1
for _ in range(16):
    print("".join("#" if v else "." for v in row.tolist()))
    row = torch.bitwise_xor(torch.roll(row, 1), torch.roll(row, -1))
print("live after 16:", row.sum(), row.sum().dtype)
