"""Abelian sandpile toppling and the Drossel-Schwabl forest-fire model."""
import torch
import torch.nn.functional as F

torch.manual_seed(3)

# --- abelian sandpile -------------------------------------------------------
N = 11
grid = torch.zeros(N, N, dtype=torch.int32)
grid[N // 2, N // 2] = 300
neigh = torch.tensor([[0, 1, 0], [1, 0, 1], [0, 1, 0]], dtype=torch.float32).view(1, 1, 3, 3)


def topple(g):
    rounds = 0
    total_topples = torch.zeros_like(g, dtype=torch.int64)
    while (g >= 4).any():
        unstable = (g >= 4).to(g.dtype)
        total_topples += unstable
        incoming = F.conv2d(unstable.float()[None, None], neigh, padding=1)[0, 0].to(g.dtype)
        g = g - 4 * unstable + incoming          # grains leaving the border are lost
        rounds += 1
    return g, rounds, total_topples


stable, rounds, topples = topple(grid)
print("rounds:", rounds, "grains left:", stable.sum().item(), "dtype:", stable.dtype)
print(stable)
print("height counts:", torch.bincount(stable.flatten().long(), minlength=4).tolist())
print("most toppled site:", topples.max().item(), "total avalanche size:", topples.sum().item())
print("symmetric:", torch.equal(stable, stable.flip(0)), torch.equal(stable, stable.T))

# random drops: avalanche size distribution
g = torch.randint(0, 4, (N, N), dtype=torch.int32)
sizes = []
for k in range(60):
    i, j = torch.randint(0, N, (2,)).tolist()
    g[i, j] += 1
    g, r, tp = topple(g)
    sizes.append(int(tp.sum()))
sizes = torch.tensor(sizes)
print("avalanche sizes:", sizes[:20].tolist())
print("mean size:", f"{sizes.float().mean().item():.3f}", "largest:", sizes.max().item(),
      "zeros:", (sizes == 0).sum().item())
print("size quantiles:", torch.quantile(sizes.float(), torch.tensor([0.5, 0.9, 0.99])))

# --- forest fire ------------------------------------------------------------
EMPTY, TREE, FIRE = 0, 1, 2
M = 20
forest = torch.where(torch.rand(M, M) < 0.55, TREE, EMPTY).to(torch.uint8)
forest[M // 2, M // 2] = FIRE
p_grow, p_light = 0.03, 0.0005
print("forest dtype:", forest.dtype, "trees:", (forest == TREE).sum().item())
burnt_total = 0
for t in range(30):
    burning = forest == FIRE
    # von Neumann neighbourhood with torch.roll (periodic)
    nb_fire = torch.zeros_like(burning)
    for shift, dim in [(1, 0), (-1, 0), (1, 1), (-1, 1)]:
        nb_fire |= torch.roll(burning, shift, dim)
    r = torch.rand(M, M)
    ignite = (forest == TREE) & (nb_fire | (r < p_light))
    grow = (forest == EMPTY) & (r < p_grow)
    burnt_total += burning.sum().item()
    forest = torch.where(burning, torch.tensor(EMPTY, dtype=torch.uint8), forest)
    forest = torch.where(ignite, torch.tensor(FIRE, dtype=torch.uint8), forest)
    forest[grow] = TREE
    if t % 6 == 5:
        c = torch.bincount(forest.flatten(), minlength=3)
        print(f"t={t + 1:2d} empty={c[0].item():3d} trees={c[1].item():3d} fire={c[2].item():3d}")
print("burnt cells:", burnt_total)
print("forest corner:")
print(forest[:5, :8])
density = forest.eq(TREE).float().mean(dim=1)
print("row densities:", density[:6])
print("densest row:", density.argmax().item(), "sorted:", torch.sort(density, descending=True, stable=True).indices[:5].tolist())
print("uint8 arithmetic wraps:", (forest[:1, :6] - 3).tolist())
print("cumulative trees per row:", forest.eq(TREE).sum(1).cumsum(0)[-1].item())

try:
    torch.roll(forest, (1, 2), (0,))
except RuntimeError as e:
    print("roll error:", e)
try:
    torch.bincount(torch.tensor([-1, 2]))
except RuntimeError as e:
    print("bincount error:", e)
