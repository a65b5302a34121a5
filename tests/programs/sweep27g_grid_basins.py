"""Advent-of-Code style grid puzzles with tensors: low points and basins of a height map (flood fill
with repeated max_pool2d), connected components labelling by min-propagation, and a shortest path
by BFS waves on a bool grid."""
import torch
import torch.nn.functional as F

torch.manual_seed(0)

PUZZLE = """\
2199943210
3987894921
9856789892
8767896789
9899965678"""

grid = torch.tensor([[ord(c) - ord("0") for c in line] for line in PUZZLE.splitlines()])
print(grid)
print(grid.dtype, grid.shape)

# part 1: low points are strictly lower than all four neighbours
padded = F.pad(grid, (1, 1, 1, 1), value=10)
up, down = padded[:-2, 1:-1], padded[2:, 1:-1]
left, right = padded[1:-1, :-2], padded[1:-1, 2:]
low = (grid < up) & (grid < down) & (grid < left) & (grid < right)
print("low points:", low.nonzero().tolist())
print("risk:", (grid[low] + 1).sum().item())

# part 2: flood each basin (cells != 9) from its low point with a 4-neighbour max pool
open_cells = grid != 9
cross = torch.tensor([[0, 1, 0], [1, 1, 1], [0, 1, 0]], dtype=torch.float32).view(1, 1, 3, 3)
sizes = []
for r, c in low.nonzero().tolist():
    seed = torch.zeros_like(grid, dtype=torch.float32)
    seed[r, c] = 1.0
    while True:
        grown = (F.conv2d(seed[None, None], cross, padding=1)[0, 0] > 0) & open_cells
        grown = grown.float()
        if torch.equal(grown, seed):
            break
        seed = grown
    sizes.append(int(seed.sum()))
print("basin sizes:", sizes)
top3 = torch.tensor(sizes).topk(3).values
print("top3:", top3, "product:", top3.prod().item())

# connected components by propagating the minimum label through open cells (max_pool of -label)
labels = torch.arange(1, grid.numel() + 1, dtype=torch.float32).view_as(grid)
big = float(grid.numel() + 1)
labels = torch.where(open_cells, labels, torch.tensor(big))
steps = 0
while True:
    neg = -labels[None, None]
    pooled = -F.max_pool2d(neg, kernel_size=3, stride=1, padding=1)[0, 0]
    # max_pool2d looks at diagonals too; mask them out by pooling a cross with two 1-D pools
    h = -F.max_pool2d(neg, kernel_size=(1, 3), stride=1, padding=(0, 1))[0, 0]
    v = -F.max_pool2d(neg, kernel_size=(3, 1), stride=1, padding=(1, 0))[0, 0]
    new = torch.where(open_cells, torch.minimum(h, v), torch.tensor(big))
    steps += 1
    if torch.equal(new, labels):
        break
    labels = new
print("propagation steps:", steps)
ids, counts = torch.unique(labels[open_cells], return_counts=True)
print("components:", ids.long().tolist())
print("sizes sorted:", counts.sort(descending=True).values.tolist())
print("pooled (8-neighbour) differs:", bool((pooled != labels).any()))

# relabel to 0..k-1 with searchsorted
dense = torch.full_like(grid, -1)
dense[open_cells] = torch.searchsorted(ids, labels[open_cells])
print(dense)

# BFS waves on a maze from top-left to bottom-right using roll
maze = torch.rand(8, 8) > 0.22
maze[0, 0] = maze[-1, -1] = True
print(maze.int())
dist = torch.full(maze.shape, -1, dtype=torch.int64)
frontier = torch.zeros_like(maze)
frontier[0, 0] = True
seen = frontier.clone()
d = 0
while frontier.any():
    dist[frontier] = d
    nxt = torch.zeros_like(frontier)
    for shift, dim in ((1, 0), (-1, 0), (1, 1), (-1, 1)):
        moved = torch.roll(frontier, shifts=shift, dims=dim)
        # roll wraps around; cut the wrapped row/column
        if dim == 0:
            moved[0 if shift == 1 else -1, :] = False
        else:
            moved[:, 0 if shift == 1 else -1] = False
        nxt |= moved
    frontier = nxt & maze & ~seen
    seen |= frontier
    d += 1
print(dist)
print("distance to exit:", dist[-1, -1].item())
print("reachable:", seen.sum().item(), "of", maze.sum().item())
print("max distance at:", divmod(dist.argmax().item(), dist.shape[1]))
