"""Classic (pre-deep-learning) speech course code in torch: template keyword spotting by dynamic time
warping over torch.cdist distances with backtracking, a left-to-right Gaussian HMM (MixtureSameFamily
emissions from torch.distributions) scored with the forward algorithm and decoded with Viterbi, CTC
forced alignment by Viterbi over the blank-extended trellis, LPC analysis via the autocorrelation
method (Toeplitz matrix from as_strided, torch.linalg.solve / cholesky) and pitch estimation from the
FFT autocorrelation."""
import math

import torch
import torch.distributions as D
import torch.nn.functional as F

torch.manual_seed(21)
torch.set_printoptions(precision=4)

# ---------------------------------------------------------------- DTW template matching
D_FEAT = 6
protos = torch.randn(3, 5, D_FEAT)              # 3 keywords, 5 "phone" states each


def render(word, length, noise=0.3):
    idx = torch.sort(torch.randint(0, 5, (length,))).values
    return protos[word, idx] + noise * torch.randn(length, D_FEAT)


def dtw(a, b):
    cost = torch.cdist(a, b)                     # (Ta, Tb) Euclidean
    Ta, Tb = cost.shape
    acc = torch.full((Ta + 1, Tb + 1), math.inf)
    acc[0, 0] = 0.0
    for i in range(1, Ta + 1):
        for j in range(1, Tb + 1):
            best = torch.min(torch.stack([acc[i - 1, j], acc[i, j - 1], acc[i - 1, j - 1]]))
            acc[i, j] = cost[i - 1, j - 1] + best
    # backtrack
    i, j, path = Ta, Tb, []
    while i > 0 and j > 0:
        path.append((i - 1, j - 1))
        step = torch.argmin(torch.stack([acc[i - 1, j - 1], acc[i - 1, j], acc[i, j - 1]])).item()
        i, j = (i - 1, j - 1) if step == 0 else (i - 1, j) if step == 1 else (i, j - 1)
    return acc[Ta, Tb] / (Ta + Tb), path[::-1]


templates = [render(w, 12) for w in range(3)]
queries = [(w, render(w, int(torch.randint(9, 16, ())))) for w in (0, 1, 2, 1)]
for w, q in queries:
    scores = torch.stack([dtw(q, tpl)[0] for tpl in templates])
    print("query", w, "len", len(q), "scores", scores, "->", scores.argmin().item())
d, path = dtw(queries[0][1], templates[0])
print("path", len(path), path[:4], path[-2:])
print("cdist p=1", torch.cdist(templates[0][:3], templates[1][:2], p=1))
print("cdist p=inf", torch.cdist(templates[0][:3], templates[1][:2], p=float("inf")))
cos = F.normalize(templates[0], dim=-1) @ F.normalize(templates[1], dim=-1).T
print("cosine", cos.shape, f"{cos.max():.4f}", f"{cos.min():.4f}")

# ---------------------------------------------------------------- Gaussian HMM
S, K = 4, 2                                      # states, mixture components
trans = torch.tensor([[0.6, 0.4, 0.0, 0.0],
                      [0.0, 0.7, 0.3, 0.0],
                      [0.0, 0.0, 0.8, 0.2],
                      [0.0, 0.0, 0.0, 1.0]])
log_trans = trans.log()
log_init = torch.tensor([1.0, 0.0, 0.0, 0.0]).log()
means = torch.randn(S, K, D_FEAT) * 2
scales = torch.rand(S, K, D_FEAT) + 0.5
mix = D.Categorical(logits=torch.randn(S, K))
comp = D.Independent(D.Normal(means, scales), 1)
gmm = D.MixtureSameFamily(mix, comp)
print(gmm.batch_shape, gmm.event_shape, comp.batch_shape, comp.event_shape)
true_states = torch.tensor([0] * 3 + [1] * 4 + [2] * 5 + [3] * 3)
obs = means[true_states, 0] + 0.3 * torch.randn(len(true_states), D_FEAT)
log_b = gmm.log_prob(obs[:, None, :])            # (T, S)
print("emission log-probs", log_b.shape, log_b[0])


def forward_alg(log_b):
    alpha = log_init + log_b[0]
    for t in range(1, len(log_b)):
        alpha = torch.logsumexp(alpha[:, None] + log_trans, dim=0) + log_b[t]
    return torch.logsumexp(alpha, 0)


def viterbi(log_b):
    delta = log_init + log_b[0]
    back = []
    for t in range(1, len(log_b)):
        scores = delta[:, None] + log_trans
        best, arg = scores.max(0)
        back.append(arg)
        delta = best + log_b[t]
    state = int(delta.argmax())
    path = [state]
    for arg in reversed(back):
        state = int(arg[state])
        path.append(state)
    return delta.max(), path[::-1]


ll = forward_alg(log_b)
vs, vpath = viterbi(log_b)
print(f"forward log-lik {ll.item():.3f} viterbi {vs.item():.3f}", "path", vpath)
print("path == truth:", vpath == true_states.tolist())
samples = gmm.sample((3,))
print("samples", samples.shape, gmm.mean.shape, gmm.variance.shape)
mvn = D.MultivariateNormal(means[0, 0], scale_tril=torch.diag(scales[0, 0]))
print("mvn == independent normal:", torch.allclose(mvn.log_prob(obs[:3]), comp.log_prob(obs[:3, None, None])[:, 0, 0]))
print(f"entropy {mvn.entropy():.4f}", mvn)

# ---------------------------------------------------------------- CTC forced alignment
C, T = 5, 14
lp = torch.randn(T, C).log_softmax(-1)
target = torch.tensor([2, 3, 3, 1])
ext = torch.zeros(2 * len(target) + 1, dtype=torch.long)
ext[1::2] = target
L = len(ext)
trellis = torch.full((T, L), -math.inf)
bp = torch.zeros(T, L, dtype=torch.long)
trellis[0, :2] = lp[0, ext[:2]]
skip_ok = torch.cat([torch.tensor([False, False]), (ext[2:] != 0) & (ext[2:] != ext[:-2])])
for t in range(1, T):
    stay = trellis[t - 1]
    prev = F.pad(trellis[t - 1, :-1], (1, 0), value=-math.inf)
    prev2 = torch.where(skip_ok, F.pad(trellis[t - 1, :-2], (2, 0), value=-math.inf), torch.tensor(-math.inf))
    cand = torch.stack([stay, prev, prev2])
    best, arg = cand.max(0)
    trellis[t] = best + lp[t].gather(0, ext)
    bp[t] = arg
s = L - 1 if trellis[-1, -1] > trellis[-1, -2] else L - 2
align = [s]
for t in range(T - 1, 0, -1):
    s = s - bp[t, s].item()
    align.append(s)
align = align[::-1]
labels = ext[torch.tensor(align)]
print("alignment states", align)
print("frame labels", labels.tolist(), "collapsed", [x for x in torch.unique_consecutive(labels).tolist() if x])
print(f"best path score {max(trellis[-1, -1], trellis[-1, -2]).item():.4f}",
      f"ctc loss {F.ctc_loss(lp, target, (T,), (4,), reduction='sum').item():.4f}")

# ---------------------------------------------------------------- LPC and pitch
sr, n = 8000, 400
tt = torch.arange(n, dtype=torch.float64) / sr
f0 = 125.0
src = sum(torch.cos(2 * math.pi * f0 * k * tt) for k in range(1, 20))
b = torch.tensor([1.0], dtype=torch.float64)
# an all-pole "vocal tract": y[n] = x[n] + 1.3 y[n-1] - 0.8 y[n-2] (a resonance), by recursion
a1, a2 = 1.3, -0.8
y = torch.zeros(n, dtype=torch.float64)
for i in range(n):
    y[i] = src[i] + (a1 * y[i - 1] if i >= 1 else 0.0) + (a2 * y[i - 2] if i >= 2 else 0.0)
y = y * torch.hamming_window(n, periodic=False, dtype=torch.float64)
order = 4
r = torch.stack([(y[:n - k] * y[k:]).sum() for k in range(order + 1)])
rr = torch.cat([r.flip(0)[:-1], r])
R = rr.as_strided((order, order), (1, 1), storage_offset=1).flip(0)     # Hankel, flipped: Toeplitz
print("toeplitz symmetric:", torch.equal(R, R.T), R.shape)
a = torch.linalg.solve(R, r[1:])
Lc = torch.linalg.cholesky(R)
a_chol = torch.cholesky_solve(r[1:, None], Lc).squeeze(1)
print("lpc", a.round(decimals=3), torch.allclose(a, a_chol))
err = r[0] - a @ r[1:]
print(f"prediction gain {10 * torch.log10(r[0] / err).item():.2f} dB")
roots = torch.linalg.eigvals(torch.cat([a[None], torch.eye(order - 1, order, dtype=torch.float64)]))
mags = roots.abs()
print("pole radii", mags.sort(descending=True).values.round(decimals=3))
# pitch from the autocorrelation (FFT, zero-padded to avoid wrap-around)
Y = torch.fft.rfft(src, n=2 * n)
ac = torch.fft.irfft(Y.abs() ** 2, n=2 * n)[:n]
lo, hi = sr // 400, sr // 60
lag = torch.argmax(ac[lo:hi]) + lo
print("pitch lag", lag.item(), f"f0 {sr / lag.item():.1f} Hz", f"ac peak ratio {(ac[lag] / ac[0]).item():.4f}")
