"""Hopfield networks as course notebooks write them in PyTorch: bipolar patterns, Hebbian storage
by outer products with a zeroed diagonal, synchronous and asynchronous sign updates, the energy
-1/2 s^T W s + theta^T s, recall from corrupted cues, the storage-capacity experiment, the
pseudo-inverse (projection) rule, and the "modern" continuous Hopfield update softmax(beta X^T xi)."""
import torch
import torch.nn.functional as F


class HopfieldNetwork:
    def __init__(self, n):
        self.n = n
        self.W = torch.zeros(n, n)
        self.theta = torch.zeros(n)

    def train_hebbian(self, patterns):
        p = patterns.shape[0]
        rho = patterns.sum() / patterns.numel()
        W = torch.zeros(self.n, self.n)
        for x in patterns:
            t = x - rho
            W += torch.outer(t, t)
        W.fill_diagonal_(0)
        self.W = W / p

    def train_pseudo_inverse(self, patterns):
        X = patterns.t()
        self.W = X @ torch.linalg.pinv(X)
        self.W -= torch.diag(torch.diag(self.W))

    def energy(self, s):
        return -0.5 * s @ self.W @ s + torch.dot(self.theta, s)

    def update_sync(self, s, steps=10):
        e = self.energy(s)
        for i in range(steps):
            s = torch.sign(self.W @ s - self.theta)
            s[s == 0] = 1
            e_new = self.energy(s)
            if e_new == e:
                return s, i + 1
            e = e_new
        return s, steps

    def update_async(self, s, sweeps=5, generator=None):
        s = s.clone()
        energies = [self.energy(s).item()]
        for _ in range(sweeps):
            for i in torch.randperm(self.n, generator=generator):
                h = torch.dot(self.W[i], s) - self.theta[i]
                s[i] = 1.0 if h >= 0 else -1.0
            energies.append(self.energy(s).item())
        return s, energies


def corrupt(x, frac, generator=None):
    n = x.numel()
    idx = torch.randperm(n, generator=generator)[: int(frac * n)]
    y = x.clone()
    y[idx] *= -1
    return y


torch.manual_seed(0)
N, P = 64, 4
patterns = torch.where(torch.rand(P, N) > 0.5, 1.0, -1.0)
print("patterns", patterns.shape, patterns.dtype, patterns.sum(1).tolist())
print("overlaps", (patterns @ patterns.t() / N).round(decimals=3))

net = HopfieldNetwork(N)
net.train_hebbian(patterns)
print("W", net.W.shape, torch.allclose(net.W, net.W.t()), net.W.diagonal().abs().sum().item(),
      round(net.W.abs().max().item(), 4))
for k in range(P):
    e = net.energy(patterns[k]).item()
    print(f"pattern {k} energy {e:.2f} stable {torch.equal(torch.sign(net.W @ patterns[k]), patterns[k])}")

g = torch.Generator().manual_seed(3)
for frac in (0.1, 0.2, 0.3):
    cue = corrupt(patterns[0], frac, generator=g)
    rec, iters = net.update_sync(cue)
    overlap = (rec * patterns[0]).mean().item()
    print(f"sync frac {frac} hamming {(cue != patterns[0]).sum().item()} -> {(rec != patterns[0]).sum().item()} "
          f"iters {iters} overlap {overlap:.4f}")

cue = corrupt(patterns[1], 0.25, generator=g)
rec, energies = net.update_async(cue, sweeps=4, generator=g)
print("async energies", [round(e, 2) for e in energies])
print("energy non-increasing", all(b <= a + 1e-6 for a, b in zip(energies, energies[1:])))
print("async recovered", torch.equal(rec, patterns[1]), int((rec != patterns[1]).sum()))

# images: a 2-d 8x8 "letter" pattern, flattened, noisy cue, printed as text
letters = torch.tensor([
    [0, 1, 1, 1, 1, 1, 1, 0], [0, 1, 0, 0, 0, 0, 1, 0], [0, 1, 0, 0, 0, 0, 1, 0], [0, 1, 1, 1, 1, 1, 1, 0],
    [0, 1, 0, 0, 0, 0, 1, 0], [0, 1, 0, 0, 0, 0, 1, 0], [0, 1, 0, 0, 0, 0, 1, 0], [0, 0, 0, 0, 0, 0, 0, 0],
], dtype=torch.float32)
plus = torch.zeros(8, 8)
plus[3:5, :] = 1
plus[:, 3:5] = 1
imgs = torch.stack([letters, plus]).view(2, -1) * 2 - 1
net2 = HopfieldNetwork(64)
net2.train_hebbian(imgs)
noisy = corrupt(imgs[0], 0.15, generator=g)
out, it = net2.update_sync(noisy)
for row_in, row_out in zip(noisy.view(8, 8), out.view(8, 8)):
    print("".join("#" if v > 0 else "." for v in row_in), " ", "".join("#" if v > 0 else "." for v in row_out))
print("iters", it, "recalled", torch.equal(out, imgs[0]))

# capacity: fraction of stable patterns against the load P/N
torch.manual_seed(1)
for p in (2, 6, 12, 20):
    pats = torch.randint(0, 2, (p, 100)).float() * 2 - 1
    W = pats.t() @ pats  # integer-valued: the 1/N scale does not change a sign
    W.fill_diagonal_(0.0)
    stable = (torch.sign(pats @ W) == pats).all(dim=1).float().mean().item()
    bit_err = (torch.sign(pats @ W) != pats).float().mean().item()
    print(f"load {p / 100:.2f} stable {stable:.2f} bit errors {bit_err:.4f}")

# projection rule stores correlated patterns the Hebbian rule cannot
base = torch.where(torch.rand(32) > 0.5, 1.0, -1.0)
corr = torch.stack([corrupt(base, 0.2, generator=g) for _ in range(5)])
hop = HopfieldNetwork(32)
hop.train_hebbian(corr)
heb_ok = [torch.equal(torch.sign(hop.W @ c), c) for c in corr]
hop.train_pseudo_inverse(corr)
pinv_ok = [torch.equal(torch.sign(hop.W @ c), c) for c in corr]
print("hebbian", heb_ok, "pseudo-inverse", pinv_ok)
P_proj = corr.t() @ torch.linalg.pinv(corr.t())
print("projection", P_proj.shape, torch.allclose(P_proj @ corr.t(), corr.t(), atol=1e-4),
      round(torch.trace(P_proj).item(), 3), torch.linalg.matrix_rank(corr).item())

# modern Hopfield network (Ramsauer et al.): continuous states, one step retrieves
X = torch.randn(16, 10)  # columns are stored patterns
xi = X[:, 2] + 0.3 * torch.randn(16)
for beta in (0.5, 2.0, 8.0):
    p = F.softmax(beta * X.t() @ xi, dim=0)
    xi_new = X @ p
    lse = torch.logsumexp(beta * X.t() @ xi, dim=0) / beta
    energy = -lse + 0.5 * xi @ xi + torch.log(torch.tensor(10.0)) / beta + 0.5 * X.norm(dim=0).max() ** 2
    print(f"beta {beta} argmax {p.argmax().item()} p_max {p.max().item():.4f} "
          f"cos {F.cosine_similarity(xi_new, X[:, 2], dim=0).item():.4f} energy {energy.item():.4f}")
Q = torch.randn(3, 16)
retrieved = F.softmax(4.0 * Q @ X, dim=-1) @ X.t()
print("batched retrieval", retrieved.shape, torch.sign(torch.tensor([-2.0, 0.0, 3.0, -0.0])).tolist())
