"""Sequence alignment as in a bioinformatics course: Levenshtein edit distance filled row by row
with torch.minimum, Needleman-Wunsch global scores computed one anti-diagonal at a time
(torch.diagonal with offsets on a flipped table, index arithmetic), Smith-Waterman local
alignment with a clamp at zero and argmax of the flattened table, a traceback, and the longest
common subsequence via torch.maximum over shifted rows."""
import torch

ALPHA = "ACGT"


def encode(s):
    return torch.tensor([ALPHA.index(c) for c in s], dtype=torch.long)


def edit_distance(a, b):
    n, m = len(a), len(b)
    D = torch.zeros(n + 1, m + 1, dtype=torch.int64)
    D[:, 0] = torch.arange(n + 1)
    D[0, :] = torch.arange(m + 1)
    for i in range(1, n + 1):
        sub = D[i - 1, :-1] + (a[i - 1] != b).long()
        dele = D[i - 1, 1:] + 1
        best = torch.minimum(sub, dele)
        for j in range(1, m + 1):       # insertion depends on the left neighbour
            D[i, j] = torch.minimum(best[j - 1], D[i, j - 1] + 1)
    return D


def substitution_matrix(match=2, mismatch=-1):
    S = torch.full((4, 4), mismatch, dtype=torch.int64)
    S.fill_diagonal_(match)
    return S


def needleman_wunsch(a, b, S, gap=-2):
    n, m = len(a), len(b)
    H = torch.zeros(n + 1, m + 1, dtype=torch.int64)
    H[:, 0] = gap * torch.arange(n + 1)
    H[0, :] = gap * torch.arange(m + 1)
    scores = S[a][:, b]                 # (n, m) pairwise substitution scores
    for k in range(2, n + m + 1):       # anti-diagonal i + j == k
        i = torch.arange(max(1, k - m), min(n, k - 1) + 1)
        j = k - i
        diag = H[i - 1, j - 1] + scores[i - 1, j - 1]
        up = H[i - 1, j] + gap
        left = H[i, j - 1] + gap
        H[i, j] = torch.maximum(diag, torch.maximum(up, left))
    return H


def smith_waterman(a, b, S, gap=-2):
    n, m = len(a), len(b)
    H = torch.zeros(n + 1, m + 1, dtype=torch.int64)
    scores = S[a][:, b]
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            cand = torch.stack([H[i - 1, j - 1] + scores[i - 1, j - 1], H[i - 1, j] + gap,
                                H[i, j - 1] + gap])
            H[i, j] = cand.max().clamp(min=0)
    return H


def traceback_local(H, a, b, S, gap=-2):
    flat = torch.argmax(H)
    i, j = divmod(flat.item(), H.shape[1])
    out_a, out_b = [], []
    while H[i, j] > 0:
        if H[i, j] == H[i - 1, j - 1] + S[a[i - 1], b[j - 1]]:
            out_a.append(ALPHA[a[i - 1]]); out_b.append(ALPHA[b[j - 1]]); i, j = i - 1, j - 1
        elif H[i, j] == H[i - 1, j] + gap:
            out_a.append(ALPHA[a[i - 1]]); out_b.append("-"); i -= 1
        else:
            out_a.append("-"); out_b.append(ALPHA[b[j - 1]]); j -= 1
    return "".join(reversed(out_a)), "".join(reversed(out_b)), (i, j)


def lcs(a, b):
    n, m = len(a), len(b)
    L = torch.zeros(n + 1, m + 1, dtype=torch.int32)
    eq = (a.unsqueeze(1) == b.unsqueeze(0))
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            if eq[i - 1, j - 1]:
                L[i, j] = L[i - 1, j - 1] + 1
            else:
                L[i, j] = torch.maximum(L[i - 1, j], L[i, j - 1])
    return L


s1, s2 = "GATTACA", "GCATGCT"
a, b = encode(s1), encode(s2)
print("encoded", a, b.tolist(), a.dtype)
D = edit_distance(a, b)
print(D)
print("edit distance", D[-1, -1].item(), D.dtype)
S = substitution_matrix()
print(S)
print("pair scores", S[a][:, b][:2])
H = needleman_wunsch(a, b, S)
print(H)
print("NW score", int(H[-1, -1]))
# the anti-diagonals of the table (flip so that offset walks the i + j == k lines)
Hf = torch.flip(H, dims=[1])
for off in (3, 0, -2):
    d = torch.diagonal(Hf, offset=off)
    print("antidiag", off, d.tolist(), d.sum().item())
print("diag of 3d", torch.diagonal(H.view(1, 8, 8), offset=1, dim1=1, dim2=2).shape)
print("fliplr equal", torch.equal(torch.fliplr(H), Hf), torch.flipud(H)[0].tolist())

torch.manual_seed(0)
x = torch.randint(0, 4, (10,))
y = torch.cat([x[2:7], torch.randint(0, 4, (4,))])
H2 = smith_waterman(x, y, S)
print("seqs", "".join(ALPHA[i] for i in x), "".join(ALPHA[i] for i in y))
print(H2)
print("SW best", H2.max().item(), "at", divmod(torch.argmax(H2).item(), H2.shape[1]))
print("traceback", traceback_local(H2, x, y, S))
print("nonzero cells", torch.count_nonzero(H2).item(), (H2 > 0).sum(dim=1).tolist())
top = torch.topk(H2.flatten(), 4)
print("top cells", top.values.tolist(), [divmod(k, H2.shape[1]) for k in top.indices.tolist()])

L = lcs(a, b)
print(L)
print("LCS length", L[-1, -1].item(), L.dtype, L.max(dim=1))
row_best, row_arg = torch.max(L, dim=1)
print("row argmax", row_arg.tolist(), torch.cummax(L[-1], dim=0).indices.tolist())
print("batch edit distances", [edit_distance(encode(p), encode(q))[-1, -1].item()
                               for p, q in [("ACGT", "AGT"), ("", "ACG"), ("TTTT", "AAAA")]])
