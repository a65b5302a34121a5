"""Sudoku constraint propagation with a one-hot (9, 9, 9) candidate tensor (row / column / box
eliminations with any/all/sum over axes, naked and hidden singles, a tiny backtracking search on the
cell with fewest candidates), then N-queens: random permutations from torch.randperm, itertools
permutations, diagonal conflicts via broadcasting and torch.diagonal / trace on one-hot boards."""
import itertools

import torch

torch.manual_seed(7)

PUZZLE = """
53..7....
6..195...
.98....6.
8...6...3
4..8.3..1
7...2...6
.6....28.
...419..5
....8..79
"""


def parse(text):
    rows = [r for r in text.strip().splitlines()]
    return torch.tensor([[0 if ch == "." else int(ch) for ch in r] for r in rows], dtype=torch.uint8)


def show(grid):
    out = []
    for i, row in enumerate(grid.tolist()):
        if i and i % 3 == 0:
            out.append("------+-------+------")
        cells = [str(v) if v else "." for v in row]
        out.append(" | ".join(" ".join(cells[j:j + 3]) for j in range(0, 9, 3)))
    return "\n".join(out)


def candidates_from(grid):
    """cand[r, c, d] is True when digit d+1 may go in cell (r, c)."""
    given = torch.nn.functional.one_hot(grid.long(), 10)[..., 1:].bool()
    filled = given.any(-1)
    row_used = given.any(1)                     # (9 rows, 9 digits)
    col_used = given.any(0)                     # (9 cols, 9 digits)
    box_used = given.view(3, 3, 3, 3, 9).any(dim=1).any(dim=2)  # (3, 3, 9)
    box_used = box_used.repeat_interleave(3, 0).repeat_interleave(3, 1)
    cand = ~(row_used[:, None, :] | col_used[None, :, :] | box_used)
    cand[filled] = False
    return cand | given


def propagate(grid):
    grid = grid.clone()
    rounds = 0
    while True:
        rounds += 1
        cand = candidates_from(grid)
        empty = grid == 0
        counts = cand.sum(-1)
        if (empty & (counts == 0)).any():
            return grid, False, rounds
        naked = empty & (counts == 1)
        placed = 0
        if naked.any():
            digits = cand.float().argmax(-1).to(torch.uint8) + 1
            grid = torch.where(naked, digits, grid)
            placed += int(naked.sum())
        else:
            # hidden singles in rows: a digit with exactly one place left in a row
            open_cand = cand & empty[..., None]
            per_row = open_cand.sum(1)                       # (row, digit)
            r, d = torch.nonzero(per_row == 1, as_tuple=True)
            for ri, di in zip(r.tolist(), d.tolist()):
                c = open_cand[ri, :, di].nonzero()[0, 0].item()
                if grid[ri, c] == 0:
                    grid[ri, c] = di + 1
                    placed += 1
        if placed == 0:
            return grid, bool((grid != 0).all()), rounds


def valid(grid):
    g = torch.nn.functional.one_hot(grid.long(), 10)[..., 1:]
    rows = (g.sum(1) == 1).all()
    cols = (g.sum(0) == 1).all()
    boxes = (g.reshape(3, 3, 3, 3, 9).sum(dim=(1, 3)) == 1).all()
    return bool(rows & cols & boxes)


calls = 0


def solve(grid):
    global calls
    calls += 1
    grid, ok, _ = propagate(grid)
    if ok:
        return grid
    cand = candidates_from(grid)
    counts = cand.sum(-1).masked_fill(grid != 0, 10)
    if (counts == 0).any():
        return None
    cell = counts.flatten().argmin().item()
    r, c = divmod(cell, 9)
    for d in torch.nonzero(cand[r, c]).flatten().tolist():
        trial = grid.clone()
        trial[r, c] = d + 1
        res = solve(trial)
        if res is not None:
            return res
    return None


grid = parse(PUZZLE)
print(show(grid))
cand = candidates_from(grid)
print("givens:", int((grid > 0).sum()), "candidates:", int(cand[grid == 0].sum()), cand.dtype, cand.shape)
print("candidate counts row 0:", cand.sum(-1)[0].tolist())
solved, ok, rounds = propagate(grid)
print("propagation solved:", ok, "rounds:", rounds)
print(show(solved))
print("valid:", valid(solved), "row sums:", solved.sum(1, dtype=torch.int32).tolist())

hard = solved.clone()
hard[torch.rand(9, 9) < 0.6] = 0
hard[0, :] = 0
print("blanks:", int((hard == 0).sum()))
res = solve(hard)
print("search calls:", calls, "valid:", valid(res), "same:", torch.equal(res, solved))
print(res[:3])


# ---- N-queens ----
def conflicts(perm):
    """perm[i] = column of the queen in row i; count attacking pairs on diagonals."""
    n = perm.numel()
    rows = torch.arange(n)
    dr = rows[:, None] - rows[None, :]
    dc = perm[:, None] - perm[None, :]
    attack = (dr.abs() == dc.abs()) & (dr != 0)
    return int(attack.triu().sum())


def board_of(perm):
    n = perm.numel()
    b = torch.zeros(n, n, dtype=torch.int8)
    b[torch.arange(n), perm] = 1
    return b


def conflicts_diag(board):
    n = board.shape[0]
    total = 0
    for k in range(-n + 1, n):
        d = torch.diagonal(board, offset=k).sum().item()
        a = torch.diagonal(board.flip(1), offset=k).sum().item()
        total += max(d - 1, 0) + max(a - 1, 0)
    return total


n = 6
solutions = []
for p in itertools.permutations(range(n)):
    perm = torch.tensor(p)
    if conflicts(perm) == 0:
        solutions.append(perm)
print(f"{n}-queens solutions:", len(solutions), [s.tolist() for s in solutions])
b = board_of(solutions[0])
print(b)
print("trace:", b.trace().item(), "anti:", b.flip(1).trace().item(), "diag conflicts:", conflicts_diag(b))

# random restarts with randperm + min-conflicts swaps for 8 queens
n = 8
best = None
for restart in range(20):
    perm = torch.randperm(n)
    for _ in range(40):
        c = conflicts(perm)
        if c == 0:
            break
        i, j = torch.randint(n, (2,)).tolist()
        swapped = perm.clone()
        swapped[[i, j]] = swapped[[j, i]]
        if conflicts(swapped) <= c:
            perm = swapped
    if conflicts(perm) == 0:
        best = perm
        break
print("restarts:", restart, "perm:", best.tolist() if best is not None else None)
if best is not None:
    qb = board_of(best)
    print("\n".join(" ".join("Q" if v else "." for v in row) for row in qb.tolist()))
    print("rows ok:", bool((qb.sum(1) == 1).all()), "cols ok:", bool((qb.sum(0) == 1).all()),
          "diag conflicts:", conflicts_diag(qb))
    print(torch.argwhere(qb).T)
