"""Schelling segregation on a torus and Nagel-Schreckenberg traffic on a ring road."""
import torch
import torch.nn.functional as F

torch.manual_seed(4)

# --- Schelling ----------------------------------------------------------------
L = 14
cells = torch.multinomial(torch.tensor([0.1, 0.45, 0.45]), L * L, replacement=True).view(L, L).to(torch.int8)
print("population:", torch.bincount(cells.flatten().long()).tolist(), cells.dtype)


def similar_fraction(c):
    a = (c == 1).float()[None, None]
    b = (c == 2).float()[None, None]
    ones = torch.ones(1, 1, 3, 3)
    ones[0, 0, 1, 1] = 0
    na = F.conv2d(F.pad(a, (1, 1, 1, 1), mode="circular"), ones)[0, 0]
    nb = F.conv2d(F.pad(b, (1, 1, 1, 1), mode="circular"), ones)[0, 0]
    same = torch.where(c == 1, na, nb)
    total = na + nb
    return torch.where(total > 0, same / total, torch.ones_like(total))


threshold = 0.5
for sweep in range(8):
    frac = similar_fraction(cells)
    unhappy = (frac < threshold) & (cells != 0)
    movers = unhappy.flatten().nonzero().squeeze(1)
    empties = (cells.flatten() == 0).nonzero().squeeze(1)
    k = min(len(movers), len(empties))
    if k == 0:
        break
    movers = movers[torch.randperm(len(movers))[:k]]
    dest = empties[torch.randperm(len(empties))[:k]]
    flat = cells.flatten().clone()
    flat[dest] = flat[movers]
    flat[movers] = 0
    cells = flat.view(L, L)
    happy = similar_fraction(cells)[cells != 0]
    print(f"sweep {sweep}: moved {k:3d}, mean similarity {happy.mean().item():.4f}, "
          f"unhappy {int((happy < threshold).sum())}")

print("final map:")
for row in cells[:6]:
    print(" " + "".join(" XO"[v] for v in row.tolist()))
segregation = F.avg_pool2d((cells == 1).float()[None], 2, stride=2)[0]
print("block purity (2x2 avg pool):")
print(segregation[:3, :4])
print("blocks fully X:", int((segregation == 1).sum()), "of", segregation.numel())

# --- Nagel-Schreckenberg ------------------------------------------------------
ROAD, CARS, VMAX, P_SLOW = 60, 18, 5, 0.3
x = torch.sort(torch.randperm(ROAD)[:CARS]).values
v = torch.randint(0, VMAX + 1, (CARS,))
print("positions:", x.tolist())
print("speeds:  ", v.tolist(), v.dtype)
flow = 0
spacetime = []
for t in range(40):
    gap = torch.remainder(torch.roll(x, -1) - x - 1, ROAD)      # empty cells ahead
    v = torch.minimum(v + 1, torch.full_like(v, VMAX))            # accelerate
    v = torch.minimum(v, gap)                                     # brake
    slow = torch.rand(CARS) < P_SLOW
    v = torch.where(slow & (v > 0), v - 1, v)                     # random slowdown
    passed = (x + v) >= ROAD
    flow += int(passed.sum())
    x = (x + v) % ROAD
    order = torch.argsort(x)
    x, v = x[order], v[order]
    row = torch.full((ROAD,), -1, dtype=torch.int64)
    row[x] = v
    spacetime.append(row)
    if t % 10 == 9:
        print(f"t={t + 1}: mean v={v.float().mean().item():.3f} stopped={int((v == 0).sum())} jams={int(torch.diff(x).eq(1).sum())}")
st = torch.stack(spacetime)
print("flow per step:", f"{flow / 40:.3f}")
print("last rows of the spacetime diagram:")
for row in st[-4:]:
    print(" " + "".join("." if s < 0 else str(s) for s in row.tolist()))
speeds = st[st >= 0]
print("speed histogram:", torch.bincount(speeds, minlength=VMAX + 1).tolist())
print("density-speed:", torch.div(speeds.sum(), len(st), rounding_mode="floor").item(),
      torch.div(speeds.sum(), len(st), rounding_mode="trunc").item(), (speeds.sum() / len(st)).item())
edges = torch.tensor([0, 1, 3, 5])
print("speed classes:", torch.bincount(torch.bucketize(speeds, edges, right=True)).tolist())
print("searchsorted:", torch.searchsorted(x, torch.tensor([0, 30, 59])).tolist())

occupancy = torch.zeros(ROAD, dtype=torch.int32)
occupancy.index_add_(0, x, torch.ones(CARS, dtype=torch.int32))
print("occupancy sum:", occupancy.sum().item(), occupancy.dtype)
counts = torch.zeros(6, dtype=torch.int64).scatter_add_(0, v, torch.ones_like(v))
print("scatter_add counts:", counts.tolist())
windows = (st >= 0).long().unfold(1, 10, 10).sum(-1)
print("cars per 10-cell segment (last step):", windows[-1].tolist())

try:
    torch.minimum(v, torch.tensor(2.0))
    print("minimum int/float ok:", torch.minimum(v, torch.tensor(2.0)).dtype)
except RuntimeError as e:
    print("minimum error:", e)
try:
    occupancy.index_add_(0, x, torch.ones(CARS))
except RuntimeError as e:
    print("index_add error:", e)
try:
    torch.multinomial(torch.tensor([0.2, 0.8]), 3)
except RuntimeError as e:
    print("multinomial error:", e)
