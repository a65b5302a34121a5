"""Mandelbrot and Julia sets with complex64 tensors (escape-time counts printed as ASCII art), as in
the "PyTorch as a NumPy replacement" fractal demos, plus Conway's Game of Life stepped with a 3x3
conv2d kernel over a torus (F.pad mode='circular'), glider and blinker patterns."""
import torch
import torch.nn.functional as F

torch.manual_seed(0)
CHARS = " .:-=+*#%@"


def mandelbrot(width=48, height=18, max_iter=30):
    xs = torch.linspace(-2.2, 0.8, width)
    ys = torch.linspace(-1.2, 1.2, height)
    Y, X = torch.meshgrid(ys, xs, indexing="ij")
    c = torch.complex(X, Y)
    z = torch.zeros_like(c)
    counts = torch.zeros(c.shape, dtype=torch.int64)
    for _ in range(max_iter):
        z = torch.where(z.abs() <= 2, z * z + c, z)
        counts += (z.abs() <= 2).long()
    return counts, z


def julia(c0=complex(-0.8, 0.156), width=48, height=16, max_iter=25):
    x = torch.linspace(-1.6, 1.6, width, dtype=torch.float32)
    y = torch.linspace(-1.0, 1.0, height, dtype=torch.float32)
    z = x[None, :] + 1j * y[:, None]
    print("julia grid dtype:", z.dtype, tuple(z.shape))
    escaped = torch.zeros(z.shape, dtype=torch.bool)
    n = torch.zeros(z.shape, dtype=torch.int32)
    for i in range(max_iter):
        z = z * z + c0
        newly = (z.real ** 2 + z.imag ** 2 > 4) & ~escaped
        n[newly] = i
        escaped |= newly
        z[escaped] = 0
    n[~escaped] = max_iter
    return n


def to_ascii(counts, max_iter):
    idx = (counts.float() / max_iter * (len(CHARS) - 1)).round().long().clamp(0, len(CHARS) - 1)
    return "\n".join("".join(CHARS[v] for v in row.tolist()) for row in idx)


counts, z = mandelbrot()
print(to_ascii(counts, 30))
print("inside:", int((counts == 30).sum()), "mean count:", f"{counts.float().mean().item():.4f}")
print("z dtype:", z.dtype, "max |z| inside:", f"{z.abs()[counts == 30].max().item():.3f}")
print("angle sample:", torch.angle(z[9, 30:34]).round(decimals=3))
hist = torch.bincount(counts.flatten(), minlength=31)
print("histogram head:", hist[:8].tolist())

n = julia()
print(to_ascii(n, 25))
print("julia unique:", torch.unique(n).numel(), "sum:", n.sum().item())

# ---- Game of Life ------------------------------------------------------------------------------
KERNEL = torch.tensor([[1., 1., 1.], [1., 0., 1.], [1., 1., 1.]]).view(1, 1, 3, 3)


def life_step(board):
    x = board.float().unsqueeze(0).unsqueeze(0)
    x = F.pad(x, (1, 1, 1, 1), mode="circular")
    neighbours = F.conv2d(x, KERNEL).squeeze(0).squeeze(0)
    born = (neighbours == 3) & (board == 0)
    survive = ((neighbours == 2) | (neighbours == 3)) & (board == 1)
    return (born | survive).to(torch.uint8)


def show(board):
    return "\n".join("".join("#" if v else "." for v in row) for row in board.tolist())


board = torch.zeros(10, 12, dtype=torch.uint8)
board[1, 2] = 1
board[2, 3] = 1
board[3, 1:4] = 1          # glider
board[6, 8:11] = 1         # blinker
print(show(board))
for gen in range(1, 25):
    board = life_step(board)
    if gen % 8 == 0:
        print(f"generation {gen}: population {int(board.sum())}")
        print(show(board))
print(board.dtype, board.sum(dim=1))

torch.manual_seed(1)
soup = (torch.rand(16, 16) < 0.35).to(torch.uint8)
pops = []
for _ in range(30):
    soup = life_step(soup)
    pops.append(int(soup.sum()))
print("soup populations:", pops)
print("alive rows:", soup.nonzero()[:5].tolist())
print(torch.nn.functional.pad(torch.arange(6.).view(1, 2, 3), (1, 2), mode="circular"))
