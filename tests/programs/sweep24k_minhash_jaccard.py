"""MinHash and Jaccard similarity with plain tensors: shingle sets as boolean incidence rows,
exact Jaccard with logical_and / logical_or and sum, universal hashing (a*x + b) mod p with
coefficients from torch.randint under a torch.Generator, MinHash signatures via masked_fill + amin
over dims, LSH banding with a band hash, candidate pairs via triu_indices, and a permutation-based
MinHash with torch.randperm(generator=)."""
import itertools

import torch

torch.manual_seed(0)
torch.set_printoptions(precision=4)

docs = [
    "the cat sat on the mat",
    "the cat sat on a mat",
    "a dog sat on the log",
    "the quick brown fox",
    "the quick brown fox jumps",
    "information retrieval with minhash",
]
K = 3
shingles = [{d[i:i + K] for i in range(len(d) - K + 1)} for d in docs]
universe = sorted(set().union(*shingles))
idx = {s: i for i, s in enumerate(universe)}
U, D = len(universe), len(docs)
M = torch.zeros(D, U, dtype=torch.bool)
for r, S in enumerate(shingles):
    M[r, [idx[s] for s in S]] = True
print("universe", U, "set sizes", M.sum(1).tolist(), M.dtype)

inter = torch.logical_and(M.unsqueeze(1), M.unsqueeze(0)).sum(-1)
union = torch.logical_or(M.unsqueeze(1), M.unsqueeze(0)).sum(-1)
J = inter.float() / union.float()
print("inter dtype", inter.dtype)
print("exact jaccard\n", J)
Mf = M.float()
inter2 = Mf @ Mf.T
J2 = inter2 / (Mf.sum(1, keepdim=True) + Mf.sum(1) - inter2)
print("matmul form equal:", torch.allclose(J, J2))
print("xor distance", torch.logical_xor(M[0], M[1]).sum().item(), (M[0] ^ M[1]).sum().item(),
      (M[0] & ~M[1]).sum().item(), (M[0] | M[1]).any().item(), M.all(dim=0).sum().item())

# universal hashing min-hash
g = torch.Generator().manual_seed(42)
H = 64
p = 2_147_483_647
a = torch.randint(1, p, (H, 1), generator=g)
b = torch.randint(0, p, (H, 1), generator=g)
print("a", a[:4, 0].tolist(), "b", b[:4, 0].tolist())
x = torch.arange(U)
hv = (a * x + b) % p                               # (H, U)
big = torch.iinfo(torch.int64).max
sig = hv.unsqueeze(0).masked_fill(~M.unsqueeze(1), big).amin(dim=-1)   # (D, H)
print("sig", sig.shape, sig.dtype)
print(sig[:, :4])
est = (sig.unsqueeze(1) == sig.unsqueeze(0)).float().mean(-1)
print("estimated\n", est)
print("mean abs err", f"{(est - J).abs().mean().item():.4f}")
print("amin over two dims", hv.view(8, 8, U).amin(dim=(0, 2))[:4].tolist())
mn, mx = sig.aminmax()
print("aminmax", mn.item(), mx.item())
sv, si = hv.masked_fill(~M[0], big).min(dim=1)
print("argmin equals", torch.equal(sv, sig[0]), si[:5].tolist())

# LSH banding: 16 bands x 4 rows
bands, rows = 16, 4
B = sig.view(D, bands, rows)
band_hash = (B * torch.tensor([1, 31, 961, 29791])).sum(-1) % 1_000_003
iu = torch.triu_indices(D, D, offset=1)
same_band = (band_hash[iu[0]] == band_hash[iu[1]]).any(-1)
cands = iu[:, same_band].T.tolist()
print("candidate pairs", cands)
s = J[iu[0], iu[1]]
print("prob curve", [f"{1 - (1 - v ** rows) ** bands:.4f}" for v in s.tolist()[:5]])

# permutation minhash with randperm
g2 = torch.Generator().manual_seed(7)
perms = torch.stack([torch.randperm(U, generator=g2) for _ in range(32)])   # (32, U)
print("perm rows", perms[0, :8].tolist())
ranks = perms.unsqueeze(0).expand(D, -1, -1)
sig_p = torch.where(M.unsqueeze(1), ranks, torch.full_like(ranks, U)).amin(-1)
est_p = (sig_p[:, None] == sig_p[None]).float().mean(-1)
print("perm estimate row 0", est_p[0])
print("pairs by jaccard", [(i, j, round(J[i, j].item(), 4)) for i, j in itertools.combinations(range(D), 2)
                           if J[i, j] > 0.2])

# generator state round trip
st = g.get_state()
r1 = torch.randint(0, 100, (5,), generator=g)
g.set_state(st)
r2 = torch.randint(0, 100, (5,), generator=g)
print("state replay", r1.tolist(), torch.equal(r1, r2), g.initial_seed())
print("rand gen", torch.rand(3, generator=g), torch.randint(-5, 5, (2, 3), generator=g, dtype=torch.int32))
print("multinomial", torch.multinomial(J[0] + 1e-3, 3, generator=g).tolist())
