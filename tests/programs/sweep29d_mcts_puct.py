"""Monte Carlo tree search with PUCT on tic-tac-toe: a fixed 'prior' network, Dirichlet noise at
the root, visit counts turned into a policy with a temperature, and sampling with Categorical."""
import torch
import torch.nn as nn
from torch.distributions import Categorical, Dirichlet

torch.manual_seed(3)
LINES = torch.tensor([[0, 1, 2], [3, 4, 5], [6, 7, 8], [0, 3, 6],
                      [1, 4, 7], [2, 5, 8], [0, 4, 8], [2, 4, 6]])


def winner(b):
    s = b[LINES].sum(1)
    return int((s == 3).any()) - int((s == -3).any())


class Prior(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(18, 32), nn.Tanh())
        self.policy = nn.Linear(32, 9)
        self.value = nn.Linear(32, 1)

    def forward(self, board):
        x = torch.cat([(board == 1).float(), (board == -1).float()], dim=-1)
        h = self.body(x)
        return self.policy(h), torch.tanh(self.value(h)).squeeze(-1)


net = Prior()
print(net)
print("parameters:", sum(p.numel() for p in net.parameters()))


class Node:
    def __init__(self, prior):
        self.P = prior
        self.N = torch.zeros(9)
        self.W = torch.zeros(9)
        self.children = {}


@torch.no_grad()
def evaluate(board, player):
    logits, v = net((board * player).unsqueeze(0))
    logits = logits[0].masked_fill(board != 0, float("-inf"))
    return torch.softmax(logits, dim=0), float(v[0])


def select(node, c_puct=1.5):
    total = node.N.sum()
    Q = torch.where(node.N > 0, node.W / node.N.clamp(min=1), torch.zeros(()))
    U = c_puct * node.P * torch.sqrt(total + 1) / (1 + node.N)
    score = (Q + U).masked_fill(node.P == 0, float("-inf"))
    return int(torch.argmax(score))


def simulate(node, board, player):
    w = winner(board)
    if w != 0:
        return -1.0        # the previous player just won
    if (board != 0).all():
        return 0.0
    a = select(node)
    board[a] = player
    if a not in node.children:
        prior, v = evaluate(board, -player)
        node.children[a] = Node(prior)
        w = winner(board)
        value = -v if w == 0 else 1.0
        if w == 0 and (board != 0).all():
            value = 0.0
    else:
        value = -simulate(node.children[a], board, -player)
    board[a] = 0
    node.N[a] += 1
    node.W[a] += value
    return value


def search(board, player, sims=60, noise=True):
    prior, _ = evaluate(board, player)
    if noise:
        legal = board == 0
        eta = Dirichlet(torch.full((int(legal.sum()),), 0.3)).sample()
        mixed = prior.clone()
        mixed[legal] = 0.75 * prior[legal] + 0.25 * eta
        prior = mixed
    root = Node(prior)
    for _ in range(sims):
        simulate(root, board.clone(), player)
    return root


board = torch.tensor([1, 0, 0, 0, -1, 0, 0, 0, 0])
root = search(board, 1)
print("visits:", root.N.long())
print("Q:", (root.W / root.N.clamp(min=1)).round(decimals=3))


def policy_from_visits(N, temperature):
    if temperature == 0:
        pi = torch.zeros_like(N)
        pi[N.argmax()] = 1.0
        return pi
    x = N ** (1.0 / temperature)
    return x / x.sum()


for t in (0, 0.5, 1.0):
    print(f"T={t}:", policy_from_visits(root.N, t))

dist = Categorical(probs=policy_from_visits(root.N, 1.0))
samples = dist.sample((500,))
print("sample histogram:", torch.bincount(samples, minlength=9))
print(f"entropy {dist.entropy().item():.4f}")
print("log_prob of best:", dist.log_prob(root.N.argmax()).exp())

# play one whole self-play game, recording (state, pi, z)
history = []
board = torch.zeros(9, dtype=torch.long)
player = 1
while winner(board) == 0 and (board == 0).any():
    r = search(board, player, sims=40)
    pi = policy_from_visits(r.N, 1.0 if len(history) < 3 else 0)
    history.append((board.clone() * player, pi, player))
    move = int(Categorical(probs=pi).sample())
    board[move] = player
    player = -player
z = winner(board)
print(board.view(3, 3))
print("result:", z, "plies:", len(history))
states = torch.stack([h[0] for h in history])
pis = torch.stack([h[1] for h in history])
zs = torch.tensor([z * h[2] for h in history], dtype=torch.float32)
print(states.shape, states.dtype, pis.shape, zs)
print("pi rows sum to one:", torch.allclose(pis.sum(1), torch.ones(len(history))))

try:
    Dirichlet(torch.tensor([0.3, -1.0, 0.3]), validate_args=True)
except ValueError as e:
    print("ValueError:", e)
try:
    Categorical(probs=torch.tensor([0.5, -0.5]))
except ValueError as e:
    print("ValueError:", e)
