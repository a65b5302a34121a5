"""Exponential smoothing models, the way a forecasting course implements them in PyTorch: simple
exponential smoothing with torch.lerp, Holt's linear trend (damped), and additive Holt-Winters with
seasonal states, written as nn.Modules whose smoothing constants are sigmoid-constrained parameters
(with an extra_repr), fitted to the one-step squared error by LBFGS and by SGD with a scheduler,
parameters_to_vector, state_dict round trips, residual quantiles and empirical forecast intervals."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils import parameters_to_vector, vector_to_parameters

torch.manual_seed(4271)

m = 12
n = 8 * m
t = torch.arange(n, dtype=torch.float32)
season_true = 3.0 * torch.sin(2 * torch.pi * t / m) + 1.5 * torch.cos(4 * torch.pi * t / m)
y = 50.0 + 0.3 * t + season_true + torch.randn(n)
train, test = y[:-m], y[-m:]
print("train", train.shape, "test", test.shape, "first", train[:4])


def ses(x, alpha):
    s = x[0]
    out = [s]
    for v in x[1:]:
        s = torch.lerp(s, v, alpha)
        out.append(s)
    return torch.stack(out)


for a in (0.1, 0.5, 0.9):
    sm = ses(train, torch.tensor(a))
    sse = (train[1:] - sm[:-1]).pow(2).sum()
    print(f"SES alpha={a}: last level {sm[-1].item():.3f}  one-step SSE {sse.item():.1f}")

# the same recursion as a weighted sum: weights alpha (1-alpha)^k, checked with conv1d
alpha = 0.3
k = torch.arange(20, dtype=torch.float32)
wts = alpha * (1 - alpha) ** k
print("weights sum", f"{wts.sum().item():.4f}", wts[:4])
ew = F.conv1d(train.view(1, 1, -1), wts.flip(0).view(1, 1, -1))
print("conv1d smoothing", ew.shape, ew[0, 0, :3].round(decimals=2))


class Holt(nn.Module):
    def __init__(self, damped=False):
        super().__init__()
        self.logit_alpha = nn.Parameter(torch.tensor(0.0))
        self.logit_beta = nn.Parameter(torch.tensor(-2.0))
        self.logit_phi = nn.Parameter(torch.tensor(3.0), requires_grad=damped)
        self.damped = damped

    def extra_repr(self):
        return f"damped={self.damped}"

    def forward(self, x):
        a, b = torch.sigmoid(self.logit_alpha), torch.sigmoid(self.logit_beta)
        phi = 0.8 + 0.2 * torch.sigmoid(self.logit_phi) if self.damped else torch.ones(())
        level, trend = x[0], x[1] - x[0]
        preds = []
        for v in x[1:]:
            pred = level + phi * trend
            preds.append(pred)
            new_level = a * v + (1 - a) * pred
            trend = b * (new_level - level) + (1 - b) * phi * trend
            level = new_level
        self.last = (level.detach(), trend.detach(), phi.detach())
        return torch.stack(preds)


for damped in (False, True):
    holt = Holt(damped)
    print(holt)
    opt = torch.optim.LBFGS([p for p in holt.parameters() if p.requires_grad], lr=0.5, max_iter=30)

    def closure():
        opt.zero_grad()
        loss = F.mse_loss(holt(train), train[1:])
        loss.backward()
        return loss

    for _ in range(2):
        opt.step(closure)
    with torch.no_grad():
        mse = F.mse_loss(holt(train), train[1:])
    lv, tr, ph = holt.last
    h = torch.arange(1, m + 1, dtype=torch.float32)
    steps = torch.cumsum(ph ** h, 0)
    fc = lv + steps * tr
    print(f"  mse {mse.item():.3f} alpha {torch.sigmoid(holt.logit_alpha).item():.3f} "
          f"beta {torch.sigmoid(holt.logit_beta).item():.3f} phi {ph.item():.3f}")
    print("  test RMSE", f"{(fc - test).pow(2).mean().sqrt().item():.3f}")
    print("  grads", [None if p.grad is None else tuple(p.grad.shape) for p in holt.parameters()])


class HoltWinters(nn.Module):
    def __init__(self, period):
        super().__init__()
        self.period = period
        self.raw = nn.Parameter(torch.tensor([-1.0, -3.0, -2.0]))     # alpha, beta, gamma
        self.register_buffer("init_season", torch.zeros(period))

    def extra_repr(self):
        return f"period={self.period}"

    def forward(self, x):
        a, b, g = torch.sigmoid(self.raw).unbind()
        p = self.period
        level = x[:p].mean()
        trend = (x[p:2 * p].mean() - x[:p].mean()) / p
        season = list((x[:p] - level).unbind())
        preds = []
        for i in range(p, len(x)):
            s = season[i - p]
            pred = level + trend + s
            preds.append(pred)
            new_level = a * (x[i] - s) + (1 - a) * (level + trend)
            trend = b * (new_level - level) + (1 - b) * trend
            season.append(g * (x[i] - new_level) + (1 - g) * s)
            level = new_level
        self.state = (level.detach(), trend.detach(), torch.stack(season[-p:]).detach())
        return torch.stack(preds)

    def forecast(self, h):
        level, trend, season = self.state
        steps = torch.arange(1, h + 1, dtype=level.dtype)
        return level + steps * trend + season.repeat((h + self.period - 1) // self.period)[:h]


hw = HoltWinters(m)
print(hw)
print("state_dict keys", list(hw.state_dict().keys()), hw.init_season.shape)
opt = torch.optim.SGD(hw.parameters(), lr=0.5, momentum=0.5)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=10, gamma=0.5)
for epoch in range(30):
    opt.zero_grad()
    loss = F.mse_loss(hw(train), train[m:])
    loss.backward()
    torch.nn.utils.clip_grad_norm_(hw.parameters(), max_norm=5.0)
    opt.step()
    sched.step()
    if epoch % 10 == 0:
        print(f"epoch {epoch:2d} mse {loss.item():.3f} lr {sched.get_last_lr()[0]:.3f}")
vec = parameters_to_vector(hw.parameters())
print("parameters_to_vector", vec.shape, "smoothing", torch.sigmoid(vec).round(decimals=2))
copy = HoltWinters(m)
vector_to_parameters(vec.detach().clone(), copy.parameters())
copy.load_state_dict(hw.state_dict())
print("copy equal", torch.equal(copy.raw, hw.raw))

with torch.no_grad():
    fitted = hw(train)
    resid = train[m:] - fitted
    fc = hw.forecast(m)
print("residual mean", f"{resid.mean().item():.3f}", "std", f"{resid.std().item():.3f}")
q = torch.quantile(resid, torch.tensor([0.1, 0.5, 0.9]))
print("residual quantiles", q.round(decimals=3))
print("quantile interpolations", [round(torch.quantile(resid, 0.25, interpolation=i).item(), 3)
                                  for i in ("linear", "lower", "higher", "midpoint", "nearest")])
lo, hi = fc + q[0], fc + q[2]
cover = ((test >= lo) & (test <= hi)).float().mean()
print("forecast", fc[:6].round(decimals=2))
print("test    ", test[:6].round(decimals=2))
print("80% interval coverage", f"{cover.item():.3f}", "MAPE", f"{((fc - test).abs() / test).mean().item() * 100:.2f}%")
errs = torch.stack([fc - test, (fc - test).abs()], dim=1)
print("errors table\n", errs[:4])

try:
    torch.quantile(resid, 1.5)
except RuntimeError as err:
    print("RuntimeError:", err)
try:
    torch.quantile(resid.double(), torch.tensor([0.5]))
except RuntimeError as err:
    print("RuntimeError:", err)
try:
    hw.load_state_dict({"raw": torch.zeros(3)})
except RuntimeError as err:
    print("RuntimeError:", str(err).splitlines()[0])
