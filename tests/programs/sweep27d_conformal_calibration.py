"""Calibration and distribution-free uncertainty, in the style of the "gentle introduction to
conformal prediction" notebooks and the temperature-scaling reference code: a classifier's logits
calibrated with a temperature fitted by LBFGS (strong Wolfe line search), expected calibration error
from bucketized confidences (scatter_add_, index_add_, scatter_reduce), split conformal prediction
sets (LAC and adaptive APS scores, quantile with finite-sample correction and its interpolation
modes), and conformalized quantile regression with a pinball loss."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(21)
K, d = 4, 5
protos = torch.randn(K, d) * 1.3


def sample(n):
    yy = torch.randint(0, K, (n,))
    return protos[yy] + torch.randn(n, d), yy


x_tr, y_tr = sample(400)
x_cal, y_cal = sample(300)
x_te, y_te = sample(300)

model = nn.Sequential(nn.Linear(d, 64), nn.GELU(), nn.Linear(64, K))
opt = torch.optim.SGD(model.parameters(), lr=0.5, momentum=0.9)
for ep in range(150):                                          # overfits on purpose: overconfident
    loss = F.cross_entropy(model(x_tr), y_tr)
    opt.zero_grad()
    loss.backward()
    opt.step()
print(f"train loss {loss.item():.4f}")
model.eval()
with torch.no_grad():
    logits_cal, logits_te = model(x_cal), model(x_te)
print("test accuracy", (logits_te.argmax(1) == y_te).float().mean().item())


def ece(probs, labels, n_bins=10):
    conf, pred = probs.max(1)
    correct = (pred == labels).float()
    edges = torch.linspace(0, 1, n_bins + 1)
    b = torch.bucketize(conf, edges[1:-1])
    count = torch.zeros(n_bins).scatter_add_(0, b, torch.ones_like(conf))
    conf_sum = torch.zeros(n_bins).index_add_(0, b, conf)
    acc_sum = torch.zeros(n_bins).index_add_(0, b, correct)
    gap = (conf_sum - acc_sum).abs()
    mean_conf = torch.zeros(n_bins).scatter_reduce(0, b, conf, reduce="mean", include_self=False)
    return (gap.sum() / len(labels)).item(), count, mean_conf


e_before, counts, mean_conf = ece(F.softmax(logits_te, 1), y_te)
print(f"ECE before {e_before:.4f}")
print("bin counts", counts.long().tolist())
print("mean conf per bin", mean_conf)

# --- temperature scaling ---------------------------------------------------------------------
temperature = nn.Parameter(torch.ones(1) * 1.5)
print(temperature)
lbfgs = torch.optim.LBFGS([temperature], lr=0.1, max_iter=50, line_search_fn="strong_wolfe")
n_evals = 0


def closure():
    global n_evals
    n_evals += 1
    lbfgs.zero_grad()
    l = F.cross_entropy(logits_cal / temperature, y_cal)
    l.backward()
    return l


nll_before = F.cross_entropy(logits_cal, y_cal).item()
lbfgs.step(closure)
print(f"NLL before {nll_before:.4f} after {F.cross_entropy(logits_cal / temperature, y_cal).item():.4f}")
print(f"T = {temperature.item():.2f}; closure evaluated more than once: {n_evals > 1}")
print("optimizer state keys:", sorted(lbfgs.state[temperature].keys())[:4])
with torch.no_grad():
    p_te = F.softmax(logits_te / temperature, 1)
print(f"ECE after {ece(p_te, y_te)[0]:.4f}")
print(torch.max(p_te[:3], dim=1))

# --- split conformal classification ---------------------------------------------------------------
alpha = 0.1
p_cal = F.softmax(logits_cal / temperature.detach(), 1)
n = len(y_cal)
q_level = math.ceil((n + 1) * (1 - alpha)) / n
lac_scores = 1 - p_cal.gather(1, y_cal[:, None]).squeeze(1)
for mode in ["higher", "linear", "nearest"]:
    qhat = torch.quantile(lac_scores, q_level, interpolation=mode)
    sets = p_te >= 1 - qhat
    cov = sets[torch.arange(len(y_te)), y_te].float().mean().item()
    print(f"LAC [{mode}] qhat {qhat.item():.3f} coverage {cov:.3f} mean size {sets.sum(1).float().mean().item():.3f}")

# adaptive prediction sets (randomized APS)
srt, order = p_cal.sort(1, descending=True)
cums = srt.cumsum(1)
rank = order.argsort(1).gather(1, y_cal[:, None]).squeeze(1)
u = torch.rand(n)
aps_scores = cums.gather(1, rank[:, None]).squeeze(1) - u * srt.gather(1, rank[:, None]).squeeze(1)
qhat = torch.quantile(aps_scores, q_level, interpolation="higher")
srt_te, ord_te = p_te.sort(1, descending=True)
cum_te = srt_te.cumsum(1)
include = (cum_te - torch.rand(len(y_te), 1) * srt_te) <= qhat
include[:, 0] = True                                          # never return an empty set
sets_aps = torch.zeros_like(include).scatter(1, ord_te, include)
cov = sets_aps[torch.arange(len(y_te)), y_te].float().mean()
print(f"APS qhat {qhat.item():.4f} coverage {cov.item():.3f} sizes {torch.bincount(sets_aps.sum(1), minlength=K + 1).tolist()}")
print("first sets:\n", sets_aps[:4])

# --- conformalized quantile regression --------------------------------------------------------------
torch.manual_seed(4)
xr = torch.rand(600, 1) * 4
yr = xr.squeeze(1) * 0.5 + torch.randn(600) * (0.2 + 0.3 * xr.squeeze(1))
tr, cal, te = torch.split(torch.arange(600), [300, 150, 150])
quantiles = torch.tensor([0.05, 0.95])


def pinball(pred, target, q):
    diff = target.unsqueeze(1) - pred
    return torch.maximum(q * diff, (q - 1) * diff).mean()


qnet = nn.Sequential(nn.Linear(1, 32), nn.ReLU(), nn.Linear(32, 2))
opt = torch.optim.RMSprop(qnet.parameters(), lr=1e-2)
for it in range(250):
    loss = pinball(qnet(xr[tr]), yr[tr], quantiles)
    opt.zero_grad()
    loss.backward()
    opt.step()
print(f"pinball {loss.item():.4f}")
with torch.no_grad():
    pc, pt = qnet(xr[cal]), qnet(xr[te])
scores = torch.maximum(pc[:, 0] - yr[cal], yr[cal] - pc[:, 1])
qh = torch.quantile(scores, min(1.0, math.ceil(151 * 0.9) / 150), interpolation="higher")
lo, hi = pt[:, 0] - qh, pt[:, 1] + qh
raw_cov = ((yr[te] >= pt[:, 0]) & (yr[te] <= pt[:, 1])).float().mean().item()
cqr_cov = ((yr[te] >= lo) & (yr[te] <= hi)).float().mean().item()
print(f"raw coverage {raw_cov:.3f} CQR coverage {cqr_cov:.3f} width {(hi - lo).mean().item():.3f}")
print(torch.aminmax(hi - lo))
band = torch.empty(0)
torch.quantile(hi - lo, torch.tensor([0.1, 0.5, 0.9]), out=band)      # written into a reusable buffer
print("width deciles:", band)

for bad in [lambda: torch.quantile(scores, torch.tensor([[0.1, 0.9]])),
            lambda: torch.quantile(scores, torch.tensor([0.5]).double()),
            lambda: torch.quantile(torch.empty(0), 0.5),
            lambda: torch.quantile(scores, 0.5, out=torch.empty((), dtype=torch.float64)),
            lambda: torch.nanquantile(scores, 0.5, interpolation="mid"),
            lambda: torch.bucketize(torch.rand(3), torch.rand(2, 2)),
            lambda: torch.zeros(4).scatter_reduce(0, torch.tensor([0, 1]), torch.ones(2), reduce="avg")]:
    try:
        r = bad()
        print("ok:", r)
    except RuntimeError as e:
        print("RuntimeError:", e)
