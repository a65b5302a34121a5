"""Dynamic time warping as taught in speech / time-series courses: a pairwise cost matrix with
torch.cdist, hard DTW filled row by row with torch.minimum over the three predecessor cells,
a vectorised anti-diagonal version, backtracking of the warping path into a Python list, and
soft-DTW (Cuturi & Blondel) whose smooth min is -gamma * logsumexp(-x / gamma), differentiated
through autograd to get the expected alignment matrix."""
import torch
import torch.nn.functional as F

torch.manual_seed(0)


def cost_matrix(x, y):
    # squared Euclidean distance between every frame pair
    return torch.cdist(x, y, p=2) ** 2


def dtw(D):
    n, m = D.shape
    R = torch.full((n + 1, m + 1), float("inf"), dtype=D.dtype)
    R[0, 0] = 0.0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            best = torch.minimum(torch.minimum(R[i - 1, j], R[i, j - 1]), R[i - 1, j - 1])
            R[i, j] = D[i - 1, j - 1] + best
    return R


def dtw_antidiagonal(D):
    """Fill the table one anti-diagonal at a time: cells with i + j == k are independent."""
    n, m = D.shape
    R = torch.full((n + 1, m + 1), float("inf"), dtype=D.dtype)
    R[0, 0] = 0.0
    for k in range(2, n + m + 1):
        i = torch.arange(max(1, k - m), min(n, k - 1) + 1)
        j = k - i
        prev = torch.stack([R[i - 1, j], R[i, j - 1], R[i - 1, j - 1]])
        R[i, j] = D[i - 1, j - 1] + prev.min(dim=0).values
    return R


def backtrack(R):
    i, j = R.shape[0] - 1, R.shape[1] - 1
    path = [(i - 1, j - 1)]
    while (i, j) != (1, 1):
        cands = torch.stack([R[i - 1, j - 1], R[i - 1, j], R[i, j - 1]])
        step = torch.argmin(cands).item()
        if step == 0:
            i, j = i - 1, j - 1
        elif step == 1:
            i = i - 1
        else:
            j = j - 1
        path.append((i - 1, j - 1))
    return path[::-1]


def softmin(a, b, c, gamma):
    stacked = torch.stack([a, b, c], dim=-1)
    return -gamma * torch.logsumexp(-stacked / gamma, dim=-1)


def soft_dtw(D, gamma=0.1):
    """Batched soft-DTW over the anti-diagonals; D is (B, n, m)."""
    B, n, m = D.shape
    R = [[None] * (m + 2) for _ in range(n + 2)]
    inf = torch.full((B,), float("inf"), dtype=D.dtype)
    for i in range(n + 1):
        for j in range(m + 1):
            R[i][j] = inf
    R[0][0] = torch.zeros(B, dtype=D.dtype)
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            R[i][j] = D[:, i - 1, j - 1] + softmin(R[i - 1][j - 1], R[i - 1][j], R[i][j - 1], gamma)
    return R[n][m]


t = torch.linspace(0, 2 * torch.pi, 9)
x = torch.stack([torch.sin(t), torch.cos(t)], dim=1)
y = torch.stack([torch.sin(t[::2] + 0.3), torch.cos(t[::2] + 0.3)], dim=1)
D = cost_matrix(x, y)
print("cost", D.shape, D.round(decimals=3)[:3])
R = dtw(D)
R2 = dtw_antidiagonal(D)
print("dtw distance", round(R[-1, -1].item(), 4), "antidiag equal", torch.allclose(R, R2))
print("inf cells", torch.isinf(R).sum().item(), R[0, :3], R[1:4, 1:4].round(decimals=3))
path = backtrack(R)
print("path", path)
print("path len", len(path), "cost along path", round(sum(D[i, j].item() for i, j in path), 4))

# warping mask as an int table
mask = torch.zeros(D.shape, dtype=torch.int64)
idx = torch.tensor(path)
mask[idx[:, 0], idx[:, 1]] = 1
print(mask)
print("diag offsets", [torch.diagonal(R[1:, 1:], offset=k).shape[0] for k in range(-2, 3)])

# soft-DTW on a batch, gradient = expected alignment
torch.manual_seed(1)
a = torch.randn(3, 6, 2)
b = torch.randn(3, 5, 2, requires_grad=True)
Db = torch.cdist(a, b) ** 2
for gamma in (1.0, 0.1, 0.01):
    sd = soft_dtw(Db, gamma)
    print(f"gamma={gamma} soft-dtw", [round(v, 4) for v in sd.tolist()])
Dd = Db.detach().requires_grad_(True)
loss = soft_dtw(Dd, gamma=0.5).sum()
loss.backward()
E = Dd.grad
print("alignment", E.shape, E[0].round(decimals=3))
print("row sums >= 1", (E.sum(-1) >= 1 - 1e-5).all().item(), "min", round(E.min().item(), 6))
sd = soft_dtw(torch.cdist(a, b) ** 2, gamma=0.5)
sd.sum().backward()
print("grad wrt y", b.grad.shape, b.grad[0].round(decimals=3))
print("grad_fn", sd.grad_fn.__class__.__name__)

# fit y to x with soft-DTW as the loss
torch.manual_seed(2)
target = torch.sin(torch.linspace(0, 3, 8)).unsqueeze(-1).unsqueeze(0)
pred = torch.zeros(1, 6, 1, requires_grad=True)
opt = torch.optim.SGD([pred], lr=0.1)
for step in range(10):
    opt.zero_grad()
    l = soft_dtw(torch.cdist(pred, target) ** 2, gamma=0.1).sum()
    l.backward()
    opt.step()
    if step % 3 == 0:
        print(f"step {step} loss {l.item():.4f}")
print("fitted", pred.detach().flatten().round(decimals=3))
print("softmin", softmin(torch.tensor(1.0), torch.tensor(2.0), torch.tensor(float("inf")), 1.0))
print(F.softmin(torch.tensor([1.0, 2.0, 3.0]), dim=0).round(decimals=4))

# the same recursion written into a table in place, reading rows through views taken up front
def soft_dtw_table(D, gamma):
    n, m = D.shape
    R = torch.full((n + 1, m + 1), float("inf"), dtype=D.dtype)
    R[0, 0] = 0.0
    for i in range(1, n + 1):
        prev, cur = R[i - 1], R[i]
        for j in range(1, m + 1):
            r = torch.stack([prev[j - 1], prev[j], cur[j - 1]])
            R[i, j] = D[i - 1, j - 1] - gamma * torch.logsumexp(-r / gamma, dim=0)
    return R


Dt = (torch.cdist(a[0], b[0].detach()) ** 2).requires_grad_(True)
Rt = soft_dtw_table(Dt, 0.5)
print("table", Rt.grad_fn.__class__.__name__, Rt[1:, 1:].round(decimals=3))
Rt[-1, -1].backward()
Dl = Dt.detach().clone().requires_grad_(True)
soft_dtw(Dl.unsqueeze(0), 0.5).sum().backward()
print("same value", torch.allclose(Rt[-1, -1], soft_dtw(Dt.detach().unsqueeze(0), 0.5)[0]),
      "same alignment", torch.allclose(Dt.grad, Dl.grad, atol=1e-6))
print("table alignment", Dt.grad.round(decimals=3))
