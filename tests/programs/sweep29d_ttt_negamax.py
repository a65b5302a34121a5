"""Tic-tac-toe solved with negamax + alpha-beta over int8 tensor boards, with a symmetry-aware
transposition table (rot90 / flip canonical forms)."""
import torch

torch.manual_seed(0)

LINES = torch.tensor([[0, 1, 2], [3, 4, 5], [6, 7, 8],
                      [0, 3, 6], [1, 4, 7], [2, 5, 8],
                      [0, 4, 8], [2, 4, 6]], dtype=torch.long)
SYMBOLS = {1: "X", -1: "O", 0: "."}


def show(board):
    b = board.view(3, 3)
    for r in range(3):
        print(" ".join(SYMBOLS[int(v)] for v in b[r]))


def winner(board):
    sums = board[LINES].sum(dim=1, dtype=torch.int32)
    if (sums == 3).any():
        return 1
    if (sums == -3).any():
        return -1
    return 0


def legal_moves(board):
    return torch.nonzero(board == 0, as_tuple=False).flatten()


def canonical(board):
    b = board.view(3, 3)
    variants = []
    for k in range(4):
        r = torch.rot90(b, k, dims=(0, 1))
        variants.append(r.flatten())
        variants.append(torch.flip(r, dims=[1]).flatten())
    stacked = torch.stack(variants)
    # the lexicographically largest variant, using base-3 encoding
    codes = ((stacked + 1).to(torch.int64) * (3 ** torch.arange(8, -1, -1))).sum(dim=1)
    return int(codes.max())


table = {}
nodes = [0]


def negamax(board, player, alpha, beta):
    nodes[0] += 1
    w = winner(board)
    if w != 0:
        return w * player
    moves = legal_moves(board)
    if moves.numel() == 0:
        return 0
    key = (canonical(board), player)
    if key in table:
        return table[key]
    alpha0 = alpha
    best = -2
    for m in moves.tolist():
        board[m] = player
        score = -negamax(board, -player, -beta, -alpha)
        board[m] = 0
        best = max(best, score)
        alpha = max(alpha, score)
        if alpha >= beta:
            break
    if alpha0 < best < beta:      # only exact values are safe to reuse
        table[key] = best
    return best


empty = torch.zeros(9, dtype=torch.int8)
print("empty board value:", negamax(empty.clone(), 1, -2, 2))
print("table entries:", len(table), "nodes:", nodes[0])

# a mid-game position: X to move can win
pos = torch.tensor([1, -1, 0, 0, 1, 0, -1, 0, 0], dtype=torch.int8)
show(pos)
scores = torch.full((9,), -9, dtype=torch.int8)
for m in legal_moves(pos).tolist():
    b = pos.clone()
    b[m] = 1
    table.clear()
    scores[m] = -negamax(b, -1, -2, 2)
print("move scores:", scores)
best = torch.argmax(scores.to(torch.float32))
print("best move:", best.item(), "at row/col", divmod(best.item(), 3))
print("mask of winning moves:", (scores == 1).to(torch.uint8))

# symmetries of one position
b = pos.view(3, 3)
print(torch.rot90(b))
print(torch.fliplr(b))
print(torch.flipud(b).t().contiguous().view(-1))
print("canonical code:", canonical(pos), "dtype", pos.dtype, "sum", pos.sum(), pos.sum().dtype)

# random playouts: X random vs O random, count outcomes
results = torch.zeros(3, dtype=torch.int64)
g = torch.Generator().manual_seed(7)
for game in range(200):
    board = torch.zeros(9, dtype=torch.int8)
    player = 1
    while True:
        moves = legal_moves(board)
        if moves.numel() == 0:
            results[1] += 1
            break
        pick = moves[torch.randint(len(moves), (1,), generator=g)]
        board[pick] = player
        w = winner(board)
        if w != 0:
            results[1 - w] += 1
            break
        player = -player
print("X wins / draws / O wins:", results.tolist())
print("freq:", results.float() / results.sum())
print(torch.bincount(torch.tensor([0, 2, 2, 1, 0, 2]), minlength=4))

# batched evaluation with torch.func.vmap: a vectorised winner works, a data-dependent one does not
batch = torch.stack([pos, torch.tensor([1, 1, 1, -1, -1, 0, 0, 0, 0], dtype=torch.int8),
                     torch.tensor([-1, 1, 0, -1, 1, 0, -1, 0, 1], dtype=torch.int8)])


def line_winner(b):
    sums = b[LINES].sum(1, dtype=torch.int32)
    return (sums == 3).any().to(torch.int8) - (sums == -3).any().to(torch.int8)


print("vmapped winners:", torch.func.vmap(line_winner)(batch))
print("empty squares:", torch.func.vmap(lambda b: (b == 0).sum())(batch))
try:
    torch.func.vmap(legal_moves)(batch)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.func.vmap(lambda b: b * 2 if b.sum() > 0 else b)(batch)
except RuntimeError as e:
    print("RuntimeError:", e)
