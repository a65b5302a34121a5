"""The 2048 game on a 4x4 tensor, blog-post style: every move is a left-merge after rotating the board
(torch.rot90 / torch.flip / transpose), rows are compacted with a stable argsort of the zero mask and
merged with masks and cumsum, new tiles spawn with torch.multinomial over the empty cells under
manual_seed, and boards print as int16 / log2 uint8 tensors."""
import torch

torch.manual_seed(2048)


def compact(rows):
    """Slide the non-zero tiles of every row to the left (stable)."""
    order = torch.sort((rows == 0).to(torch.int8), dim=1, stable=True).indices
    return torch.gather(rows, 1, order)


def merge_left(board):
    b = compact(board)
    gained = 0
    for c in range(3):
        same = (b[:, c] == b[:, c + 1]) & (b[:, c] != 0)
        b[:, c] = torch.where(same, b[:, c] * 2, b[:, c])
        b[:, c + 1] = torch.where(same, torch.zeros_like(b[:, c + 1]), b[:, c + 1])
        gained += int((b[:, c] * same).sum())
    return compact(b), gained


def merge_left_cumsum(board):
    """The same move, vectorised: pair equal neighbours with a parity trick on the cumsum of run starts."""
    b = compact(board)
    nz = b != 0
    eq_prev = torch.zeros_like(nz)
    eq_prev[:, 1:] = (b[:, 1:] == b[:, :-1]) & nz[:, 1:]
    run_start = ~eq_prev & nz
    run_id = torch.cumsum(run_start.to(torch.int64), dim=1)
    pos_in_run = torch.arange(4).expand(b.shape[0], 4) - torch.cummax(
        torch.where(run_start, torch.arange(4).expand(b.shape[0], 4), torch.zeros(1, dtype=torch.int64)), dim=1
    ).values
    absorbed = nz & (pos_in_run % 2 == 1)
    doubler = torch.zeros_like(nz)
    doubler[:, :-1] = absorbed[:, 1:]
    out = torch.where(doubler, b * 2, b)
    out = out.masked_fill(absorbed, 0)
    return compact(out), run_id


ROT = {"left": 0, "up": 1, "right": 2, "down": 3}


def move(board, direction):
    k = ROT[direction]
    rotated = torch.rot90(board, k, dims=(0, 1))
    merged, gained = merge_left(rotated.clone())
    return torch.rot90(merged, -k, dims=(0, 1)), gained


def move_flip(board, direction):
    """Alternative formulation with flip/transposes, as many repos write it."""
    if direction == "left":
        b, _ = merge_left(board.clone())
    elif direction == "right":
        b, _ = merge_left(torch.flip(board, dims=[1]))
        b = torch.flip(b, dims=[1])
    elif direction == "up":
        b, _ = merge_left(board.t().contiguous())
        b = b.t()
    else:
        b, _ = merge_left(board.T.flip(1))
        b = b.flip(1).T
    return b


def spawn(board):
    empty = (board.flatten() == 0).float()
    if empty.sum() == 0:
        return board
    idx = torch.multinomial(empty, 1).item()
    value = 2 if torch.rand(1).item() < 0.9 else 4
    board = board.clone(memory_format=torch.contiguous_format)  # rot90 results are transposed views
    board.view(-1)[idx] = value
    return board


def show(board):
    return "\n".join("".join(f"{v:>5}" if v else "    ." for v in row) for row in board.tolist())


row_tests = torch.tensor([[2, 2, 2, 2], [4, 0, 4, 8], [0, 0, 2, 2], [2, 4, 8, 16], [8, 8, 0, 8]],
                         dtype=torch.int16)
print(merge_left(row_tests.clone())[0])
vec, run_id = merge_left_cumsum(row_tests.clone())
print(vec)
print(run_id)
print(torch.equal(vec, merge_left(row_tests.clone())[0]))

board = torch.zeros(4, 4, dtype=torch.int16)
board = spawn(spawn(board))
print(show(board))
score = 0
moves = []
for step in range(40):
    candidates = []
    for d in ["left", "up", "right", "down"]:
        nb, g = move(board, d)
        assert torch.equal(nb, move_flip(board, d)), d
        if not torch.equal(nb, board):
            candidates.append((g + int((nb == 0).sum()), d, nb, g))
    if not candidates:
        break
    best = max(c[0] for c in candidates)
    ties = [c for c in candidates if c[0] == best]
    pick = ties[torch.randint(len(ties), (1,)).item()]
    _, d, board, g = pick
    score += g
    moves.append(d[0])
    board = spawn(board)
print("moves:", "".join(moves))
print(show(board))
print("score:", score, "max tile:", board.max().item(), "sum:", board.sum().item(), board.sum().dtype)
logs = torch.where(board > 0, torch.log2(board.float()), torch.tensor(0.0)).to(torch.uint8)
print(logs)
print(torch.bincount(logs.flatten().long(), minlength=8))
print(board.unique(sorted=True, return_counts=True))
print(torch.rot90(board, 1).flip(0).equal(board.t()), torch.rot90(board, 2, [1, 0]).equal(board.flip(0, 1)))
corner = board.flatten().argmax()
print("max at", divmod(corner.item(), 4), "monotone rows:", (board.diff(dim=1) <= 0).all(dim=1).tolist())
print(board.to(torch.float32).mean().item(), board.float().std().round(decimals=3))
