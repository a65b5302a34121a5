"""MMD two-sample test as in the reference notebooks of kernel two-sample testing papers:
biased and unbiased MMD^2 estimates with a Gaussian kernel (median heuristic bandwidth), a
permutation test driven by torch.randperm, multiple bandwidths, and the linear-time estimate."""
import torch


def pairwise_sq(X, Y):
    return torch.cdist(X, Y, p=2.0) ** 2


def gaussian_kernel(X, Y, bandwidth):
    return torch.exp(-pairwise_sq(X, Y) / (2 * bandwidth ** 2))


def median_heuristic(Z):
    D = torch.cdist(Z, Z)
    rows, cols = torch.triu_indices(Z.shape[0], Z.shape[0], 1)
    return D[rows, cols].median()


def mmd2_biased(X, Y, bw):
    Kxx, Kyy, Kxy = gaussian_kernel(X, X, bw), gaussian_kernel(Y, Y, bw), gaussian_kernel(X, Y, bw)
    return Kxx.mean() + Kyy.mean() - 2 * Kxy.mean()


def mmd2_unbiased(X, Y, bw):
    m, n = X.shape[0], Y.shape[0]
    Kxx, Kyy, Kxy = gaussian_kernel(X, X, bw), gaussian_kernel(Y, Y, bw), gaussian_kernel(X, Y, bw)
    sxx = (Kxx.sum() - Kxx.diagonal().sum()) / (m * (m - 1))
    syy = (Kyy.sum() - torch.diagonal(Kyy).sum()) / (n * (n - 1))
    return sxx + syy - 2 * Kxy.mean()


def permutation_test(X, Y, bw, n_perm=100, stat=mmd2_unbiased):
    observed = stat(X, Y, bw)
    Z = torch.cat([X, Y], 0)
    m = X.shape[0]
    count = 0
    null = torch.empty(n_perm)
    for i in range(n_perm):
        perm = torch.randperm(Z.shape[0])
        null[i] = stat(Z[perm[:m]], Z[perm[m:]], bw)
        count += int(null[i] >= observed)
    return observed, (count + 1) / (n_perm + 1), null


torch.manual_seed(42)
m = 30
P = torch.randn(m, 2)
Q_same = torch.randn(m, 2)
Q_shift = torch.randn(m, 2) + torch.tensor([0.8, 0.0])
Q_scale = torch.randn(m, 2) * torch.tensor([1.0, 2.0])

bw = median_heuristic(torch.cat([P, Q_shift]))
print(f"median heuristic bandwidth {bw.item():.4f}")
for name, Q in [("same", Q_same), ("shift", Q_shift), ("scale", Q_scale)]:
    b = mmd2_biased(P, Q, bw).item()
    u = mmd2_unbiased(P, Q, bw).item()
    obs, pval, null = permutation_test(P, Q, bw, n_perm=60)
    print(f"{name:5s} biased {b:.4f} unbiased {u:+.4f} p-value {pval:.3f} null mean {null.mean().item():+.4f}"
          f" null q95 {torch.quantile(null, 0.95).item():.4f}")

print("reject at 5%:", [round(permutation_test(P, Q, bw, 40)[1], 3) < 0.05 for Q in (Q_same, Q_shift)])

bws = bw * torch.tensor([0.25, 0.5, 1.0, 2.0, 4.0])
vals = torch.stack([mmd2_biased(P, Q_scale, b) for b in bws])
print("multi-bandwidth", vals.round(decimals=4), "best", vals.argmax().item())


def mmd_linear(X, Y, bw):
    h = (gaussian_kernel(X[0::2], X[1::2], bw).diagonal() + gaussian_kernel(Y[0::2], Y[1::2], bw).diagonal()
         - gaussian_kernel(X[0::2], Y[1::2], bw).diagonal() - gaussian_kernel(X[1::2], Y[0::2], bw).diagonal())
    return h.mean(), h.std()


mu, sd = mmd_linear(P, Q_shift, bw)
print(f"linear-time MMD {mu.item():.4f} +- {sd.item():.4f}")

# a learnable bandwidth maximising the test power proxy
log_bw = torch.tensor(bw.log().item(), requires_grad=True)
opt = torch.optim.SGD([log_bw], lr=0.5)
for it in range(5):
    est = mmd2_unbiased(P, Q_scale, log_bw.exp())
    (-est).backward()
    opt.step()
    opt.zero_grad()
    print(f"iter {it} bw {log_bw.exp().item():.4f} mmd2 {est.item():.5f}")
