"""Minesweeper and the 15-puzzle with tensors: mines placed with torch.randperm / bernoulli, neighbour
counts with F.pad + conv2d (and with avg_pool2d / unfold as cross-checks), flood-fill reveal with
max_pool2d dilation of the zero region, then a 15-puzzle: shuffled by random legal moves, the blank
found with argwhere/nonzero, rows slid with torch.roll, Manhattan distances and inversion parity."""
import torch
import torch.nn.functional as F

torch.manual_seed(15)

H, W, MINES = 8, 10, 12
flat = torch.zeros(H * W, dtype=torch.bool)
flat[torch.randperm(H * W)[:MINES]] = True
mines = flat.view(H, W)
print("mines:", int(mines.sum()), mines.dtype)

kernel = torch.ones(1, 1, 3, 3)
kernel[0, 0, 1, 1] = 0
padded = F.pad(mines.float()[None, None], (1, 1, 1, 1), mode="constant", value=0)
counts = F.conv2d(padded, kernel).squeeze().to(torch.uint8)
counts_same = F.conv2d(mines.float()[None, None], kernel, padding="same").squeeze().to(torch.uint8)
print(torch.equal(counts, counts_same))
pooled = F.avg_pool2d(mines.float()[None], 3, stride=1, padding=1, count_include_pad=True) * 9
pooled = (pooled.squeeze(0) - mines.float()).round().to(torch.uint8)
print(torch.equal(counts, pooled))
cols = F.unfold(mines.float()[None, None], kernel_size=3, padding=1)   # (1, 9, H*W)
unf = (cols.sum(1) - mines.float().flatten()).view(H, W).to(torch.uint8)
print(torch.equal(counts, unf))


def show_field(mines, counts, revealed=None):
    lines = []
    for r in range(H):
        row = ""
        for c in range(W):
            if revealed is not None and not revealed[r, c]:
                row += "#"
            elif mines[r, c]:
                row += "*"
            else:
                row += str(counts[r, c].item()) if counts[r, c] else "."
        lines.append(row)
    return "\n".join(lines)


print(show_field(mines, counts))
print(counts)
print("histogram:", torch.bincount(counts[~mines].long(), minlength=9).tolist())


def reveal(start, mines, counts):
    revealed = torch.zeros(H, W, dtype=torch.bool)
    revealed[start] = True
    zero = (counts == 0) & ~mines
    steps = 0
    while True:
        steps += 1
        frontier = revealed & zero
        grown = F.max_pool2d(frontier.float()[None, None], 3, stride=1, padding=1).squeeze().bool()
        new = (revealed | grown) & ~mines
        if torch.equal(new, revealed):
            return revealed, steps
        revealed = new


safe_zero = torch.argwhere((counts == 0) & ~mines)
start = tuple(safe_zero[torch.randint(len(safe_zero), ()).item()].tolist())
revealed, steps = reveal(start, mines, counts)
print("start:", start, "steps:", steps, "revealed:", int(revealed.sum()), "of", H * W - MINES)
print(show_field(mines, counts, revealed))
border = revealed & (counts > 0)
print("border cells:", border.sum().item(), "sum of border numbers:", counts[border].sum().item(),
      counts[border].dtype)

# ---------- 15 puzzle ----------
N = 4
GOAL = torch.cat([torch.arange(1, N * N), torch.tensor([0])]).view(N, N)
MOVES = {"U": (-1, 0), "D": (1, 0), "L": (0, -1), "R": (0, 1)}


def blank(board):
    r, c = (board == 0).nonzero()[0].tolist()
    return r, c


def step(board, m):
    r, c = blank(board)
    dr, dc = MOVES[m]
    nr, nc = r + dr, c + dc
    if not (0 <= nr < N and 0 <= nc < N):
        return None
    b = board.clone()
    b[r, c], b[nr, nc] = board[nr, nc], board[r, c]
    return b


def manhattan(board):
    tiles = board.flatten()
    pos = torch.arange(N * N)
    target = (tiles - 1) % (N * N)
    mask = tiles != 0
    dr = (pos // N - target // N).abs()
    dc = (pos % N - target % N).abs()
    return int(((dr + dc) * mask).sum())


def solvable(board):
    tiles = board.flatten()
    tiles = tiles[tiles != 0]
    inv = int((tiles[:, None] > tiles[None, :]).triu(diagonal=1).sum())
    r, _ = blank(board)
    return (inv + (N - r)) % 2 == 1, inv


def show(board):
    return "\n".join(" ".join(f"{v:2d}" if v else " _" for v in row) for row in board.tolist())


board = GOAL.clone()
names = list(MOVES)
path = []
for _ in range(40):
    m = names[torch.randint(4, (1,)).item()]
    nb = step(board, m)
    if nb is not None:
        board = nb
        path.append(m)
print("scramble:", "".join(path))
print(show(board))
print("manhattan:", manhattan(board), "solvable/inversions:", solvable(board), "blank:", blank(board))
print("misplaced:", int(((board != GOAL) & (board != 0)).sum()))

# greedy descent on manhattan distance with a tabu of the last board
prev = None
for it in range(25):
    options = []
    for m in names:
        nb = step(board, m)
        if nb is not None and (prev is None or not torch.equal(nb, prev)):
            options.append((manhattan(nb), m, nb))
    options.sort(key=lambda o: (o[0], o[1]))
    prev, board = board, options[0][2]
    if manhattan(board) == 0:
        break
print("after", it + 1, "greedy moves: manhattan", manhattan(board))
print(show(board))

# torch.roll as the "slide a whole row" move of the rotation-puzzle variant
rot = GOAL.clone()
rot[1] = torch.roll(rot[1], shifts=1)
rot[:, 2] = torch.roll(rot[:, 2], shifts=-1, dims=0)
print(rot)
print(torch.roll(GOAL, shifts=(1, -1), dims=(0, 1)))
print(torch.roll(GOAL, 3))
print((rot == GOAL).sum(dim=0), torch.nonzero(rot != GOAL, as_tuple=False).tolist())
