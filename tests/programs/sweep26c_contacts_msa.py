"""Contact maps from 3D coordinates, MSA profiles, entropy, coevolution and GC-skew analysis."""
import math
import torch
import torch.nn.functional as F
from torch.distributions import Categorical, Dirichlet, Normal, MultivariateNormal

torch.manual_seed(5)

# --- a random-walk C-alpha trace (3.8 A bonds) ---
L = 24
steps = F.normalize(torch.randn(L - 1, 3), dim=1) * 3.8
coords = torch.cat([torch.zeros(1, 3), steps.cumsum(0)])
D = torch.cdist(coords, coords)
print("distance matrix", D.shape, f"max {D.max().item():.3f}")
print("bond lengths ok", torch.allclose(D.diagonal(1), torch.full((L - 1,), 3.8), atol=1e-4))
contacts = (D < 8.0) & (torch.arange(L)[:, None] - torch.arange(L)[None, :]).abs().ge(6)
print("contacts", contacts.sum().item() // 2)
iu = torch.triu_indices(L, L, offset=6)
print("triu pairs", iu.shape)
pred = torch.sigmoid(-(D - 8.0) + 0.5 * torch.randn(L, L))
pred = 0.5 * (pred + pred.T)
scores = pred[iu[0], iu[1]]
truth = contacts[iu[0], iu[1]]
k = L // 5
top = scores.topk(k).indices
print(f"top-L/5 precision {truth[top].float().mean().item():.3f}")
rg = ((coords - coords.mean(0)) ** 2).sum(1).mean().sqrt()
print(f"radius of gyration {rg.item():.3f}")

# Kabsch superposition with SVD
R_true = torch.linalg.qr(torch.randn(3, 3)).Q
if torch.linalg.det(R_true) < 0:
    R_true[:, 0] = -R_true[:, 0]
moved = coords @ R_true.T + torch.tensor([1.0, -2.0, 0.5])
P = coords - coords.mean(0)
Q = moved - moved.mean(0)
U, S, Vh = torch.linalg.svd(P.T @ Q)
d = torch.sign(torch.linalg.det(Vh.T @ U.T))
Dm = torch.diag(torch.tensor([1.0, 1.0, d.item()]))
R = Vh.T @ Dm @ U.T
rmsd = ((P @ R.T - Q) ** 2).sum(1).mean().sqrt()
print(f"RMSD after superposition {rmsd.item():.4f}", torch.allclose(R, R_true, atol=1e-4))

# torsion-like angle through atan2
b1, b2, b3 = coords[1:-2] - coords[:-3], coords[2:-1] - coords[1:-2], coords[3:] - coords[2:-1]
n1 = torch.linalg.cross(b1, b2)
n2 = torch.linalg.cross(b2, b3)
m1 = torch.linalg.cross(n1, F.normalize(b2, dim=1))
tors = torch.atan2((m1 * n2).sum(1), (n1 * n2).sum(1))
print("torsions", tors.shape, f"{torch.rad2deg(tors).abs().mean().item():.2f}")

# --- an MSA of 30 sequences, 12 columns, 21 states (20 aa + gap) ---
Q_STATES = 21
cons = torch.randint(0, 20, (12,))
msa = cons.repeat(30, 1)
noise = torch.rand(30, 12) < torch.linspace(0.05, 0.8, 12)
msa[noise] = torch.randint(0, Q_STATES, (int(noise.sum()),))
oh = F.one_hot(msa, Q_STATES).float()
profile = oh.mean(0)
print("profile", profile.shape, profile.sum(1)[:3].round(decimals=4))
H = Categorical(probs=profile).entropy()
print("entropy per column", H)
H2 = -(torch.special.xlogy(profile, profile)).sum(1)
print("manual entropy equal", torch.allclose(H, H2))
print("most conserved", H.argsort()[:3].tolist(), "gap fraction", (msa == 20).float().mean(0)[-3:])

# sequence weighting at 80% identity
ident = (msa[:, None, :] == msa[None, :, :]).float().mean(-1)
w = 1.0 / (ident >= 0.8).sum(1).float()
print(f"Neff {w.sum().item():.3f}")
# pseudocount + coevolution (covariance of one-hot), APC corrected Frobenius norm
fi = (w[:, None, None] * oh).sum(0) / w.sum()
fi = 0.9 * fi + 0.1 / Q_STATES
X = oh.reshape(30, -1) - fi.reshape(1, -1)
C = (X.T * w) @ X / w.sum()
C = C.reshape(12, Q_STATES, 12, Q_STATES).permute(0, 2, 1, 3)
fn = torch.linalg.matrix_norm(C[..., :20, :20], ord="fro")
fn = fn * (1 - torch.eye(12))
apc = fn - fn.sum(0, keepdim=True) * fn.sum(1, keepdim=True) / fn.sum()
print("coevolution", apc.shape, f"{apc.abs().sum().item():.4f}")

# Dirichlet prior sampling of columns and log-likelihood
prior = Dirichlet(torch.full((4,), 0.5))
cols = prior.sample((3,))
print("dirichlet rows sum", cols.sum(1))
print("log_prob", prior.log_prob(cols).shape, prior.concentration)
mvn = MultivariateNormal(torch.zeros(3), covariance_matrix=torch.eye(3) * 2)
print(f"mvn entropy {mvn.entropy().item():.4f}", Normal(0.0, 1.0).cdf(torch.tensor(1.96)).round(decimals=4))

# --- GC content and GC skew on a 600 bp genome with a sliding window ---
genome = torch.multinomial(torch.tensor([0.3, 0.2, 0.2, 0.3]), 600, replacement=True)
genome[300:] = torch.multinomial(torch.tensor([0.2, 0.35, 0.25, 0.2]), 300, replacement=True)
is_g = (genome == 2).float()
is_c = (genome == 1).float()
gc = F.avg_pool1d((is_g + is_c)[None, None], kernel_size=50, stride=25).flatten()
print("GC windows", gc.numel())
print(gc)
g_w = F.avg_pool1d(is_g[None, None], 50, 25).flatten()
c_w = F.avg_pool1d(is_c[None, None], 50, 25).flatten()
skew = (g_w - c_w) / (g_w + c_w).clamp_min(1e-6)
print("cumulative skew argmin", skew.cumsum(0).argmin().item())
# periodicity via FFT of AA/TT dinucleotides (nucleosome 10 bp signal)
aa = ((genome[:-1] == 0) & (genome[1:] == 0)).float()
spec = torch.fft.rfft(aa - aa.mean()).abs() ** 2
freqs = torch.fft.rfftfreq(aa.numel())
print("spectrum", spec.shape, freqs[:3])
print("dominant period", f"{1.0 / freqs[1:][spec[1:].argmax()].item():.2f}")
print("CpG obs/exp", round(((genome[:-1] == 1) & (genome[1:] == 2)).sum().item() * len(genome) / (is_c.sum() * is_g.sum()).item(), 4))

# robust centring of per-column conservation scores: median and var_mean are differentiable
cons_score = torch.tensor([1.0, 2.0, 2.0, 3.0, 2.0, 5.0, 0.5], requires_grad=True)
med = cons_score.median()
v, mu = torch.var_mean(cons_score)
lo, hi = torch.aminmax(cons_score)
loss = (med - 1.0) ** 2 + v + 0.1 * (hi - lo)
loss.backward()
print("median", med.item(), "mean", f"{mu.item():.4f}", "grad", cons_score.grad)
print(med.grad_fn.name(), v.grad_fn.name(), hi.grad_fn.name())
cons_score.grad = None
(-cons_score.max()).backward()
print("max grad", cons_score.grad)
cons_score.grad = None
(-cons_score.nanmedian()).backward()
print("nanmedian grad", cons_score.grad)

try:
    Categorical(probs=torch.tensor([0.5, -0.1, 0.6]))
except Exception as e:
    print(type(e).__name__, str(e).split(" found invalid")[0])
try:
    torch.cdist(coords, coords[:, :2])
except Exception as e:
    print(type(e).__name__, e)
try:
    torch.linalg.cross(b1[:, :2], b2[:, :2])
except Exception as e:
    print(type(e).__name__, e)
