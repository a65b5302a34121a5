"""Group-by aggregations on a synthetic sales table, done with torch tensors instead of pandas, in
the style of the "pandas groupby in pure PyTorch" answers: scatter_add_ / scatter_reduce (sum, mean,
amax, amin, prod, with and without include_self), segment_reduce over sorted runs, index_add_,
bincount with weights and minlength, torch.unique(return_inverse, return_counts, dim=0) for multi-key
groups, and a store x month pivot table built with index_put_(accumulate=True), printed as a table."""
import torch

torch.manual_seed(0)

n_rows = 60
n_stores, n_months = 4, 3
store = torch.randint(0, n_stores, (n_rows,))
month = torch.randint(0, n_months, (n_rows,))
units = torch.randint(1, 9, (n_rows,))
price = torch.round(torch.rand(n_rows) * 2000) / 100 + 1.0
revenue = units.to(torch.float32) * price

print("first rows:")
print(torch.stack([store.float(), month.float(), units.float(), price], dim=1)[:5])

# --- groupby(store).sum() with scatter_add_ --------------------------------------------------
rev_by_store = torch.zeros(n_stores).scatter_add_(0, store, revenue)
units_by_store = torch.zeros(n_stores, dtype=torch.long).scatter_add_(0, store, units)
counts = torch.bincount(store, minlength=n_stores)
print("counts", counts, counts.dtype)
print("units by store", units_by_store)
print("revenue by store", rev_by_store.round(decimals=2))

# --- scatter_reduce with every reduction ---------------------------------------------------------
for reduce in ["sum", "mean", "amax", "amin", "prod"]:
    for include_self in [True, False]:
        base = torch.full((n_stores,), 1.0)
        out = base.scatter_reduce(0, store, price, reduce=reduce, include_self=include_self)
        if reduce == "prod":
            out = out.log()
        print(f"{reduce:5s} include_self={include_self!s:5s}", [f"{v:.3f}" for v in out.tolist()])

# integer scatter_reduce mean rounds toward zero (floor division in torch)
imean = torch.zeros(n_stores, dtype=torch.long).scatter_reduce(0, store, units, "mean", include_self=False)
print("integer mean units", imean)
imean2 = torch.ones(n_stores, dtype=torch.long).scatter_reduce(0, store, units, "mean")
print("integer mean units incl self", imean2)

# 2-D scatter_reduce: per-store max of (units, price) columns
table = torch.stack([units.float(), price], dim=1)
idx2 = store.unsqueeze(1).expand(-1, 2)
col_max = torch.zeros(n_stores, 2).scatter_reduce(0, idx2, table, reduce="amax", include_self=False)
print("column max per store\n", col_max)

# --- index_add_ and bincount with weights --------------------------------------------------------
acc = torch.zeros(n_stores, 2)
acc.index_add_(0, store, table)
print("index_add sums\n", acc.round(decimals=2))
acc2 = torch.zeros(n_stores, 2).index_add(0, store, table, alpha=0.5)
print("index_add alpha\n", acc2.round(decimals=2))
w = torch.bincount(store, weights=revenue, minlength=n_stores)
print("bincount weighted", w.dtype, [f"{v:.2f}" for v in w.tolist()])
wd = torch.bincount(store, weights=revenue.double())
print("bincount weighted double", wd.dtype)

mean_price = torch.zeros(n_stores).index_add_(0, store, price) / counts
print("mean price", [f"{v:.4f}" for v in mean_price.tolist()])

# --- sort by key, then segment_reduce over the runs ---------------------------------------------
order_s = torch.argsort(store, stable=True)
price_sorted = price[order_s]
for reduce in ["sum", "mean", "max", "min"]:
    seg = torch.segment_reduce(price_sorted, reduce, lengths=counts)
    print(f"segment_reduce {reduce:4s}", [f"{v:.3f}" for v in seg.tolist()])
p_req = price_sorted.clone().requires_grad_()
torch.segment_reduce(p_req, "max", lengths=counts, initial=0.0).sum().backward()
print("argmax rows via the max gradient", order_s[p_req.grad.nonzero().flatten()])

# --- multi-key groups with unique(dim=0) ---------------------------------------------------------
keys = torch.stack([store, month], dim=1)
uniq, inverse, cnt = torch.unique(keys, dim=0, return_inverse=True, return_counts=True)
print("unique keys", uniq.shape, inverse.shape, cnt.sum().item())
print(uniq[:6])
print(cnt)
group_rev = torch.zeros(len(uniq)).index_add_(0, inverse, revenue)
print(f"{'store':>5} {'month':>5} {'n':>3} {'revenue':>9}")
for (s, m), c, r in zip(uniq.tolist(), cnt.tolist(), group_rev.tolist()):
    print(f"{s:5d} {m:5d} {c:3d} {r:9.2f}")

vals, inv = torch.unique(units, sorted=True, return_inverse=True)
print("unique units", vals, inv[:10])
v2, c2 = torch.unique(units, return_counts=True)
print("value counts", dict(zip(v2.tolist(), c2.tolist())))
uc, ic, cc = torch.unique_consecutive(torch.sort(store).values, return_inverse=True, return_counts=True)
print("unique_consecutive", uc, cc, ic[:8])

# --- pivot table: store x month, index_put_ with accumulate --------------------------------------
pivot = torch.zeros(n_stores, n_months)
pivot.index_put_((store, month), revenue, accumulate=True)
npivot = torch.zeros(n_stores, n_months, dtype=torch.long)
npivot.index_put_((store, month), torch.ones_like(store), accumulate=True)
print("pivot counts\n", npivot)
print("pivot revenue\n", pivot.round(decimals=1))
print("row totals", pivot.sum(1).round(decimals=1), "col totals", pivot.sum(0).round(decimals=1))
share = pivot / pivot.sum(dim=1, keepdim=True)
print("share of month per store\n", share.round(decimals=3))
print("best month per store", pivot.argmax(dim=1), "best store per month", pivot.argmax(dim=0))

# --- transform: subtract group mean (groupby().transform('mean')) --------------------------------
gmean = torch.zeros(n_stores).scatter_reduce(0, store, price, "mean", include_self=False)
demeaned = price - gmean[store]
print("demeaned max abs", f"{demeaned.abs().max().item():.4f}")
print("rank within store (cumcount)")
order = torch.argsort(store, stable=True)
sorted_store = store[order]
first = torch.ones_like(sorted_store, dtype=torch.bool)
first[1:] = sorted_store[1:] != sorted_store[:-1]
start = torch.cummax(torch.where(first, torch.arange(n_rows), 0), 0).values
cumcount = torch.empty_like(store)
cumcount[order] = torch.arange(n_rows) - start
print(cumcount[:15])
