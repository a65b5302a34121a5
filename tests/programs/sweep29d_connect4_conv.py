"""Connect four: gravity drops with cumsum, win detection with conv2d kernels and unfold,
a one-ply batched lookahead with a heuristic, and a depth-limited minimax."""
import torch
import torch.nn.functional as F

torch.manual_seed(1)
ROWS, COLS = 6, 7

kernels = torch.zeros(4, 1, 4, 4)
kernels[0, 0, 0, :] = 1          # horizontal
kernels[1, 0, :, 0] = 1          # vertical
kernels[2, 0] = torch.eye(4)     # diagonal
kernels[3, 0] = torch.eye(4).flip(1)  # anti-diagonal
print(kernels.squeeze(1)[2:])


def drop(board, col, player):
    column = board[:, col]
    empties = (column == 0).to(torch.int64)
    n = int(empties.sum())
    if n == 0:
        raise ValueError(f"column {col} is full")
    board[n - 1, col] = player
    return n - 1


def legal_mask(board):
    return board[0] == 0


def wins(boards, player):
    """boards: (B, 6, 7) float -> (B,) bool, player has four in a row."""
    x = (boards == player).float().unsqueeze(1)
    x = F.pad(x, (0, 3, 0, 3))
    resp = F.conv2d(x, kernels)
    return (resp >= 4).flatten(1).any(dim=1)


def heuristic(boards, player):
    x = boards.unsqueeze(1)
    windows = F.unfold(F.pad(x, (0, 3, 0, 3)), kernel_size=4)  # (B, 16, L)
    B = boards.shape[0]
    score = torch.zeros(B)
    for mask in kernels.view(4, 16):
        idx = mask.nonzero().flatten()
        lines = windows[:, idx, :]           # (B, 4, L)
        mine = (lines == player).sum(1)
        theirs = (lines == -player).sum(1)
        clean = theirs == 0
        score += torch.where(clean & (mine == 3), 5.0, 0.0).sum(1)
        score += torch.where(clean & (mine == 2), 2.0, 0.0).sum(1)
        foe_clean = mine == 0
        score -= torch.where(foe_clean & (theirs == 3), 4.0, 0.0).sum(1)
    center = (boards[:, :, COLS // 2] == player).sum(1).float() * 3
    return score + center


board = torch.zeros(ROWS, COLS)
moves = [3, 3, 4, 2, 5, 6, 2, 4, 1]
player = 1.0
for c in moves:
    drop(board, c, player)
    player = -player
print(board.to(torch.int8))
print("legal:", legal_mask(board))
print("heights:", (board != 0).sum(0))
print("X wins?", wins(board.unsqueeze(0), 1.0).item(), "O wins?", wins(board.unsqueeze(0), -1.0).item())

# batched one-ply lookahead for player +1
children = board.unsqueeze(0).repeat(COLS, 1, 1)
legal = legal_mask(board)
for c in range(COLS):
    if legal[c]:
        drop(children[c], c, 1.0)
h = heuristic(children, 1.0)
h = h.masked_fill(~legal, float("-inf"))
print("child heuristics:", h)
win_now = wins(children, 1.0)
print("immediate wins:", win_now.nonzero().flatten().tolist())


def minimax(b, depth, player, alpha=-1e9, beta=1e9):
    if wins(b.unsqueeze(0), -player).item():
        return -1000.0 - depth, None
    legal = legal_mask(b)
    if depth == 0 or not legal.any():
        return float(heuristic(b.unsqueeze(0), player)[0]), None
    best, best_col = -1e9, None
    order = torch.argsort(torch.abs(torch.arange(COLS) - 3), stable=True)
    for c in order.tolist():
        if not legal[c]:
            continue
        child = b.clone()
        drop(child, c, player)
        v, _ = minimax(child, depth - 1, -player, -beta, -alpha)
        v = -v
        if v > best:
            best, best_col = v, c
        alpha = max(alpha, v)
        if alpha >= beta:
            break
    return best, best_col


val, col = minimax(board, 2, 1.0)
print(f"minimax value {val:.1f} column {col}")

try:
    full = torch.ones(ROWS, COLS)
    drop(full, 0, 1.0)
except ValueError as e:
    print("error:", e)

# vertical win check via unfold on a 1-D column
col = torch.tensor([0., 0., -1., -1., -1., -1.])
runs = col.unfold(0, 4, 1)
print(runs)
print("four in column:", (runs.sum(1) == -4).any().item())
print(torch.stack([board.eq(1).sum(), board.eq(-1).sum(), board.eq(0).sum()]))
print(F.max_pool2d((board == 1).float().unsqueeze(0), 2).squeeze(0))
