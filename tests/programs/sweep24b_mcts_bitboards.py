"""Bitboards and Monte-Carlo tree search, hobby-engine style: connect-four positions as two int64
bitboards (one per player) with the classic shift-and-AND win test, popcounts by bit tricks,
torch.bitwise_* ops and << / >> on int64 tensors, then a tiny MCTS on tic-tac-toe whose statistics
(visit counts, value sums, priors) live in tensors: UCB scores with torch.sqrt / torch.log, argmax
with ties, Dirichlet root noise, and a visit-count policy with temperature."""
import math

import torch

torch.manual_seed(4)

H, W = 6, 7
H1 = H + 1  # one sentinel bit per column


def bit_index(row, col):
    return col * H1 + row


def to_bitboard(board, player):
    """board: (H, W) int8 with 1 / -1; row 0 is the bottom."""
    rows, cols = torch.nonzero(board == player, as_tuple=True)
    bits = torch.ones_like(rows, dtype=torch.int64) << (cols * H1 + rows)
    return bits.sum()


def has_won(bb):
    for shift in (1, H1, H1 - 1, H1 + 1):    # vertical, horizontal, two diagonals
        m = bb & (bb >> shift)
        if (m & (m >> (2 * shift))) != 0:
            return True
    return False


def popcount(x):
    x = x - ((x >> 1) & 0x5555555555555555)
    x = (x & 0x3333333333333333) + ((x >> 2) & 0x3333333333333333)
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0F
    return (x * 0x0101010101010101) >> 56


board = torch.zeros(H, W, dtype=torch.int8)
heights = torch.zeros(W, dtype=torch.int64)
player = 1
cols_played = []
for turn in range(24):
    legal = (heights < H).nonzero().flatten()
    col = legal[torch.randint(len(legal), (1,))].item()
    board[heights[col], col] = player
    heights[col] += 1
    cols_played.append(col)
    if has_won(to_bitboard(board, player)):
        break
    player = -player
print("columns:", cols_played)
print(board.flip(0))
red, yellow = to_bitboard(board, 1), to_bitboard(board, -1)
print("red bb:", red.item(), hex(red.item()), "yellow bb:", yellow.item())
print("winner:", "red" if has_won(red) else "yellow" if has_won(yellow) else "none")
print("overlap:", (red & yellow).item(), "occupied:", (red | yellow).item(), "xor:", torch.bitwise_xor(red, yellow))
print("popcounts:", popcount(red).item(), popcount(yellow).item(), int((board != 0).sum()))

both = torch.stack([red, yellow])
print(both, both.dtype)
print(popcount(both), torch.bitwise_not(both) & ((1 << (H1 * W)) - 1))
bits = (both[:, None] >> torch.arange(H1 * W)) & 1
print(bits.shape, bits.sum(1), bits.dtype)
grid = bits.view(2, W, H1)[:, :, :H].transpose(1, 2).flip(1)
print(grid[0] - grid[1])
print(torch.equal((grid[0] - grid[1]).to(torch.int8), board.flip(0)))
print(torch.bitwise_left_shift(torch.tensor([1, 3, 5], dtype=torch.int64), torch.tensor([62, 2, 0])))
print(torch.tensor([-16, 16, 255], dtype=torch.int64) >> 2, torch.tensor([7], dtype=torch.int16) << 3)
print(torch.tensor([0b1011, 0b0110], dtype=torch.uint8) & 0b0011, torch.tensor([5, 9], dtype=torch.int8) ^ 3,
      ~torch.tensor([0, 1, 127], dtype=torch.int8), torch.tensor([0xF0], dtype=torch.uint8) | 0x0F)

# ---------- MCTS on tic-tac-toe ----------
LINES = torch.tensor([[0, 1, 2], [3, 4, 5], [6, 7, 8], [0, 3, 6], [1, 4, 7], [2, 5, 8], [0, 4, 8], [2, 4, 6]])


def winner(state):
    s = state[LINES].sum(1)
    if (s == 3).any():
        return 1
    if (s == -3).any():
        return -1
    return 0


class Node:
    def __init__(self, state, to_play, prior):
        self.state = state
        self.to_play = to_play
        self.N = torch.zeros(9)
        self.W = torch.zeros(9)
        self.P = prior
        self.children = {}


def uniform_prior(state):
    legal = (state == 0).float()
    return legal / legal.sum()


def ucb(node, c=1.4):
    total = node.N.sum()
    q = torch.where(node.N > 0, node.W / node.N.clamp(min=1), torch.zeros(9))
    explore = c * node.P * torch.sqrt(total + 1) / (1 + node.N)
    score = q + explore
    return score.masked_fill(node.state != 0, float("-inf"))


def ucb1(node, c=math.sqrt(2)):
    total = node.N.sum().clamp(min=1)
    score = node.W / node.N + c * torch.sqrt(torch.log(total) / node.N)
    score = torch.nan_to_num(score, nan=float("inf"), posinf=float("inf"))
    return score.masked_fill(node.state != 0, float("-inf"))


def rollout(state, to_play):
    state = state.clone()
    while True:
        w = winner(state)
        if w != 0:
            return w
        empty = (state == 0).nonzero().flatten()
        if empty.numel() == 0:
            return 0
        state[empty[torch.randint(empty.numel(), (1,))]] = to_play
        to_play = -to_play


def search(root, sims, score_fn):
    for _ in range(sims):
        node, path = root, []
        while True:
            scores = score_fn(node)
            best = scores.max()
            ties = (scores == best).nonzero().flatten()
            a = ties[torch.randint(len(ties), (1,))].item()
            path.append((node, a))
            if a not in node.children:
                child_state = node.state.clone()
                child_state[a] = node.to_play
                w = winner(child_state)
                if w == 0 and (child_state == 0).any():
                    child = Node(child_state, -node.to_play, uniform_prior(child_state))
                    node.children[a] = child
                    value = rollout(child_state, -node.to_play)
                else:
                    value = w
                break
            node = node.children[a]
            w = winner(node.state)
            if w != 0 or not (node.state == 0).any():
                value = w
                break
        for n, a in path:
            n.N[a] += 1
            n.W[a] += value * n.to_play


start = torch.tensor([1, 0, 0, 0, -1, 0, 0, 0, 0], dtype=torch.int8)
prior = uniform_prior(start)
alpha = torch.full((9,), 0.3)
noise = torch.distributions.Dirichlet(alpha).sample()
legal = start == 0
noisy = torch.where(legal, 0.75 * prior + 0.25 * noise, torch.zeros(()))
noisy = noisy / noisy.sum()
print("noise:", noise.round(decimals=3))
print("noisy prior:", noisy.round(decimals=3))
root = Node(start, 1, noisy)
search(root, 60, ucb)
print("visits:", root.N.to(torch.int64).tolist(), "total", int(root.N.sum()))
print("Q:", (root.W / root.N.clamp(min=1)).round(decimals=2))
for temp in (1.0, 0.5):
    pi = root.N ** (1 / temp)
    pi = pi / pi.sum()
    print(f"pi(T={temp}):", pi.round(decimals=3), "sampled:", torch.multinomial(pi, 3, replacement=True).tolist())
print("best move:", root.N.argmax().item(), "top2:", torch.topk(root.N, 2).indices.tolist())

root2 = Node(start, 1, uniform_prior(start))
search(root2, 40, ucb1)
print("ucb1 visits:", root2.N.int(), root2.N.argmax().item())
print("ucb1 scores:", ucb1(root2).round(decimals=3))
print(torch.tensor([2., 5., 5., 1.]).argmax().item(), torch.tensor([[3, 3], [1, 4]]).argmax(1).tolist(),
      torch.max(torch.tensor([1, 7, 7]), 0))
