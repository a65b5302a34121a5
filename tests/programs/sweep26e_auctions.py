"""Auction theory simulations as a mechanism-design notebook writes them: first-price and
second-price sealed-bid auctions with uniform private values (torch.rand), winners and prices from
sort / topk, revenue equivalence, the symmetric first-price equilibrium bid (n-1)/n * v, a grid
search for the best response bid shading, reserve prices, a uniform-price multi-unit auction with
kthvalue, and bidder surplus distributions summarised with quantile and histc."""
import torch

torch.manual_seed(2024)
torch.set_printoptions(precision=4)

n_auctions, n_bidders = 20000, 4
values = torch.rand(n_auctions, n_bidders, dtype=torch.float64)
print("values dtype/shape", values.dtype, tuple(values.shape))

# second price: truthful bidding is dominant
bids = values.clone()
top2 = torch.topk(bids, k=2, dim=1)
winner = top2.indices[:, 0]
price_2nd = top2.values[:, 1]
print("second price revenue", f"{price_2nd.mean().item():.4f}", "theory", f"{(n_bidders - 1) / (n_bidders + 1):.4f}")

# first price: equilibrium shading b(v) = (n-1)/n v
b1 = values * (n_bidders - 1) / n_bidders
price_1st, win1 = b1.max(dim=1)
print("first price revenue ", f"{price_1st.mean().item():.4f}")
print("same winner in both formats:", torch.equal(winner, win1))
surplus = torch.zeros_like(values)
surplus.scatter_(1, win1.unsqueeze(1), (values.gather(1, win1.unsqueeze(1)) - price_1st.unsqueeze(1)))
print("mean surplus per bidder", surplus.mean(0))
print("win frequency", torch.bincount(win1, minlength=n_bidders) / n_auctions)

# best response of bidder 0 when the others shade at (n-1)/n
shades = torch.linspace(0.5, 1.0, 11, dtype=torch.float64)
others = b1[:, 1:].amax(dim=1)
v0 = values[:, 0:1]
my_bids = v0 * shades                      # (auctions, shades)
wins = my_bids > others.unsqueeze(1)
util = torch.where(wins, v0 - my_bids, torch.zeros((), dtype=torch.float64)).mean(0)
best = util.argmax()
print("utility by shading\n", util)
print(f"best shade {shades[best].item():.2f} (theory {(n_bidders - 1) / n_bidders:.2f})")

# reserve prices in the second-price auction
for r in [0.0, 0.25, 0.5, 0.75]:
    top = values.max(dim=1).values
    second = values.sort(dim=1, descending=True).values[:, 1]
    sold = top >= r
    rev = torch.where(sold, torch.clamp(second, min=r), torch.tensor(0.0, dtype=torch.float64))
    print(f"reserve {r:.2f}: sold {sold.double().mean().item():.3f} revenue {rev.mean().item():.4f}")

# uniform-price auction of k units with unit demand: price = (k+1)-th highest bid
k = 2
vals = torch.rand(8, 6)
sorted_vals, order = vals.sort(dim=1, descending=True)
clearing = torch.kthvalue(vals, vals.shape[1] - k, dim=1).values
print("clearing prices", clearing)
print("check vs sort", torch.equal(clearing, sorted_vals[:, k]))
alloc = torch.zeros_like(vals, dtype=torch.bool)
alloc.scatter_(1, order[:, :k], True)
print("allocation of auction 0", alloc[0].int())
print("units sold per auction", alloc.sum(dim=1))

# summaries of the first-price winner's surplus
ws = (values.max(dim=1).values - price_1st).float()
q = torch.quantile(ws, torch.tensor([0.1, 0.5, 0.9]))
print("winner surplus quantiles", q)
print("histogram", torch.histc(ws, bins=5, min=0, max=0.25))
print("surplus stats: mean", f"{ws.mean().item():.4f}", "std", f"{ws.std().item():.4f}")

# all-pay auction bids b(v) = (n-1)/n v^n, revenue again (n-1)/(n+1)
b_allpay = (n_bidders - 1) / n_bidders * values.pow(n_bidders)
print("all-pay revenue", f"{b_allpay.sum(dim=1).mean().item():.4f}")

# ties broken at random by a tiny jitter; tie detection with unique_consecutive
disc = torch.randint(0, 5, (6, 4))
print("discrete bids\n", disc)
mx = disc.max(dim=1, keepdim=True).values
ties = (disc == mx).sum(dim=1)
print("number tied at the top", ties)
jitter = torch.rand(disc.shape)
print("tie-broken winners", (disc + 1e-3 * jitter).argmax(dim=1))
print("unique sorted bids of row 0", torch.unique_consecutive(disc[0].sort().values))

try:
    torch.topk(values[:3], k=5, dim=1)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.kthvalue(vals, 0, dim=1)
except (RuntimeError, IndexError) as e:
    print(type(e).__name__ + ":", e)
try:
    torch.quantile(ws, 1.5)
except RuntimeError as e:
    print("RuntimeError:", e)
