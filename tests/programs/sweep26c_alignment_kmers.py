"""Sequence alignment with tensor dynamic programming and k-mer spectra."""
import torch
import torch.nn.functional as F

torch.manual_seed(3)
ALPHA = "ACGT"


def to_idx(s):
    return torch.tensor([ALPHA.index(c) for c in s])


a = "GATTACAGATTACA"
b = "GCATGCAGTTAC"
ia, ib = to_idx(a), to_idx(b)

# substitution matrix: +2 match, -1 mismatch
S = torch.full((4, 4), -1.0)
S.fill_diagonal_(2.0)
sub = S[ia][:, ib]
print("substitution slice", sub.shape)
print(sub[:4, :6])

# Needleman-Wunsch, anti-diagonal wavefront
gap = -2.0
n, m = len(a), len(b)
H = torch.zeros(n + 1, m + 1)
H[:, 0] = torch.arange(n + 1) * gap
H[0, :] = torch.arange(m + 1) * gap
for i in range(1, n + 1):
    diag = H[i - 1, :-1] + sub[i - 1]
    up = H[i - 1, 1:] + gap
    best = torch.maximum(diag, up)
    row = torch.empty(m)
    left = H[i, 0]
    for j in range(m):
        left = torch.max(best[j], left + gap)
        row[j] = left
    H[i, 1:] = row
print("NW score", H[-1, -1].item())
print(H[:5, :5])

# Smith-Waterman with linear gap, vectorised over rows, clamp at zero
Hs = torch.zeros(n + 1, m + 1)
for i in range(1, n + 1):
    cand = torch.stack([Hs[i - 1, :-1] + sub[i - 1], Hs[i - 1, 1:] + gap, torch.zeros(m)])
    rowmax = cand.amax(0)
    for j in range(m):
        rowmax[j] = max(rowmax[j].item(), Hs[i, j].item() + gap)
        Hs[i, j + 1] = rowmax[j]
score = Hs.max()
pos = (Hs == score).nonzero()
print("SW score", score.item(), "end cells", pos.tolist())
idx = torch.argmax(Hs)
print("first max", divmod(idx.item(), m + 1), torch.unravel_index(idx, Hs.shape))

# soft (differentiable) alignment score via logsumexp DP
sub_p = sub.clone().requires_grad_(True)
temp = 0.5
V = [torch.zeros(m + 1)]
for i in range(1, n + 1):
    prev = V[-1]
    row = [torch.tensor(i * gap)]
    for j in range(1, m + 1):
        opts = torch.stack([prev[j - 1] + sub_p[i - 1, j - 1], prev[j] + gap, row[j - 1] + gap])
        row.append(temp * torch.logsumexp(opts / temp, 0))
    V.append(torch.stack(row))
soft = V[-1][-1]
soft.backward()
print(f"soft NW score {soft.item():.4f}")
print("expected alignment (grad) row sums", sub_p.grad.sum(1))
print("grad total", f"{sub_p.grad.sum().item():.4f}")

# k-mer counting with unfold
seq = torch.randint(0, 4, (200,))
k = 3
kmers = seq.unfold(0, k, 1)
print("kmers", kmers.shape, kmers.stride())
codes = (kmers * (4 ** torch.arange(k - 1, -1, -1))).sum(1)
spectrum = torch.bincount(codes, minlength=4 ** k)
print("spectrum size", spectrum.shape, spectrum.sum().item())
uniq, counts = torch.unique(codes, return_counts=True)
print("distinct", uniq.numel(), "max count", counts.max().item())
top = torch.topk(counts, 5, sorted=True)
names = ["".join(ALPHA[(c // 4 ** p) % 4] for p in range(k - 1, -1, -1)) for c in uniq[top.indices].tolist()]
print("top kmers", list(zip(names, top.values.tolist())))
u2, inv = torch.unique(kmers, dim=0, return_inverse=True)
print("unique rows", u2.shape, inv[:10])
print("consecutive", torch.unique_consecutive(seq[:20]))

# k-mer spectrum distance between two sequences
seq2 = seq.clone()
seq2[50:80] = torch.randint(0, 4, (30,))
spec2 = torch.bincount((seq2.unfold(0, k, 1) * torch.tensor([16, 4, 1])).sum(1), minlength=64)
p1 = spectrum.float() / spectrum.sum()
p2 = spec2.float() / spec2.sum()
print(f"L1 {torch.dist(p1, p2, 1).item():.4f} cos {F.cosine_similarity(p1, p2, dim=0).item():.4f}")
js_m = 0.5 * (p1 + p2)
kl = F.kl_div(js_m.log(), p1, reduction="sum") * 0.5 + F.kl_div(js_m.log(), p2, reduction="sum") * 0.5
print("JS with empty bins", kl.isnan().item())
js = 0.5 * (torch.special.xlogy(p1, p1 / js_m).nansum() + torch.special.xlogy(p2, p2 / js_m).nansum())
print(f"Jensen-Shannon {js.item():.4f}", torch.special.entr(p1).sum().round(decimals=4))
print(torch.histc(spectrum.float(), bins=5, min=0, max=10))

try:
    torch.bincount(torch.tensor([1, -1, 2]))
except Exception as e:
    print(type(e).__name__, e)
try:
    seq.unfold(0, 300, 1)
except Exception as e:
    print(type(e).__name__, e)
try:
    torch.bincount(torch.tensor([[1, 2]]))
except Exception as e:
    print(type(e).__name__, e)
