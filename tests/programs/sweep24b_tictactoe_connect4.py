"""Tic-tac-toe and connect-four as tensors, the way hobby repos write them: boards as int8 tensors
(1 = X / red, -1 = O / yellow, 0 = empty), win detection with a bank of conv2d kernels (rows, columns,
diagonals) and with Tensor.unfold windows, a minimax with alpha-beta pruning over tic-tac-toe boards,
and a greedy connect-four player that scores moves with the same convolution."""
import torch
import torch.nn.functional as F

torch.manual_seed(0)

SYMBOLS = {1: "X", -1: "O", 0: "."}


def show(board):
    rows = []
    for row in board.tolist():
        rows.append(" ".join(SYMBOLS[v] for v in row))
    return "\n".join(rows)


def win_kernels(k):
    """(4, 1, k, k) kernels: horizontal, vertical, diagonal, anti-diagonal lines of length k."""
    kernels = torch.zeros(4, 1, k, k)
    kernels[0, 0, k // 2, :] = 1
    kernels[1, 0, :, k // 2] = 1
    kernels[2, 0] = torch.eye(k)
    kernels[3, 0] = torch.eye(k).flip(1)
    return kernels


TTT_KERNELS = win_kernels(3)


def ttt_winner(board):
    x = board.to(torch.float32).view(1, 1, 3, 3)
    s = F.conv2d(x, TTT_KERNELS, padding=1)
    if (s == 3).any():
        return 1
    if (s == -3).any():
        return -1
    return 0


# a few boards, printed and judged
boards = [
    torch.tensor([[1, 1, 1], [0, -1, 0], [-1, 0, 0]], dtype=torch.int8),
    torch.tensor([[-1, 1, 0], [1, -1, 0], [1, 0, -1]], dtype=torch.int8),
    torch.tensor([[1, -1, 1], [1, -1, -1], [-1, 1, 1]], dtype=torch.int8),
]
for b in boards:
    print(show(b))
    print("winner:", SYMBOLS[ttt_winner(b)], "| empty:", int((b == 0).sum()), "| dtype:", b.dtype)
print(boards[0])
print(torch.stack(boards).abs().sum(dim=(1, 2)))

# minimax with alpha-beta pruning
nodes = 0


def minimax(board, player, alpha, beta):
    global nodes
    nodes += 1
    w = ttt_winner(board)
    if w != 0:
        return w * 10, None
    empty = torch.nonzero(board.flatten() == 0).flatten()
    if empty.numel() == 0:
        return 0, None
    best_move = None
    best = -100 if player == 1 else 100
    for idx in empty.tolist():
        child = board.clone()
        child.view(-1)[idx] = player
        score, _ = minimax(child, -player, alpha, beta)
        if player == 1 and score > best:
            best, best_move = score, idx
            alpha = max(alpha, score)
        elif player == -1 and score < best:
            best, best_move = score, idx
            beta = min(beta, score)
        if alpha >= beta:
            break
    return best, best_move


start = torch.tensor([[1, 0, -1], [0, 0, 0], [-1, 0, 1]], dtype=torch.int8)
score, move = minimax(start, 1, -100, 100)
print("minimax score", score, "move", divmod(move, 3), "nodes", nodes)

# play a game: X uses minimax, O plays random legal moves
board = torch.zeros(3, 3, dtype=torch.int8)
board[1, 1] = 1
player = -1
while ttt_winner(board) == 0 and (board == 0).any():
    if player == 1:
        _, move = minimax(board, 1, -100, 100)
    else:
        empty = (board.flatten() == 0).nonzero(as_tuple=True)[0]
        move = empty[torch.randint(len(empty), (1,))].item()
    board.view(-1)[move] = player
    player = -player
print(show(board))
print("result:", SYMBOLS[ttt_winner(board)])

# connect four: 6x7 board, gravity, win check with kernels of length 4 and unfold
ROWS, COLS = 6, 7
C4_KERNELS = torch.zeros(4, 1, 4, 4)
C4_KERNELS[0, 0, 0, :] = 1
C4_KERNELS[1, 0, :, 0] = 1
C4_KERNELS[2, 0] = torch.eye(4)
C4_KERNELS[3, 0] = torch.fliplr(torch.eye(4))


def c4_drop(board, col, player):
    column = board[:, col]
    free = (column == 0).nonzero()
    if free.numel() == 0:
        return None
    row = free.max().item()
    new = board.clone()
    new[row, col] = player
    return new


def c4_lines(board):
    x = board.float()[None, None]
    return F.conv2d(F.pad(x, (0, 3, 0, 3)), C4_KERNELS)


def c4_winner(board):
    s = c4_lines(board)
    if (s == 4).any():
        return 1
    if (s == -4).any():
        return -1
    return 0


def c4_winner_unfold(board):
    b = board.to(torch.int16)
    horiz = b.unfold(1, 4, 1).sum(-1)
    vert = b.unfold(0, 4, 1).sum(-1)
    wins = torch.cat([horiz.flatten(), vert.flatten()])
    return int(wins.max() == 4) - int(wins.min() == -4)


def c4_score(board, player):
    s = c4_lines(board) * player
    return (s == 3).sum().item() * 5 + (s == 2).sum().item() + (s == 4).sum().item() * 1000


board = torch.zeros(ROWS, COLS, dtype=torch.int8)
player = 1
history = []
for turn in range(30):
    legal = (board[0] == 0).nonzero().flatten()
    if player == 1:
        scores = torch.full((COLS,), -1e9)
        for c in legal.tolist():
            child = c4_drop(board, c, player)
            scores[c] = c4_score(child, player) - 0.01 * abs(c - 3)
        col = int(scores.argmax())
    else:
        weights = torch.tensor([1., 2., 3., 4., 3., 2., 1.])[legal]
        col = legal[torch.multinomial(weights, 1)].item()
    board = c4_drop(board, col, player)
    history.append(col)
    w = c4_winner(board)
    if w != 0:
        break
    player = -player
print("moves:", "".join(str(c) for c in history))
print(show(board))
print("conv winner:", SYMBOLS[c4_winner(board)], "unfold winner:", SYMBOLS[c4_winner_unfold(board)])
print("heights:", (board != 0).sum(0).tolist())
print(torch.where(board == 0, 0, torch.where(board > 0, 1, 2)).to(torch.uint8))
lines = c4_lines(board)
print(lines.shape, lines.amax(dim=(2, 3)).flatten().tolist(), lines.amin(dim=(0, 1, 2, 3)).item())
print(board.unfold(1, 4, 1).shape, board.to(torch.int16).unfold(0, 4, 2).sum(-1))
