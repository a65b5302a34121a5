"""DeepSurv-style Cox proportional hazards in plain torch, as in survival-analysis course notebooks:
synthetic exponential survival times with random right censoring, the negative partial
log-likelihood computed by sorting by time descending (argsort(descending=True)) and taking
torch.logcumsumexp of the risk scores over the risk sets, masked by the event indicator; Breslow
ties handled by hand; linear and MLP risk models trained with Adam and L2 penalty; Harrell's
concordance index with broadcasting comparisons; baseline cumulative hazard and survival curves."""
import torch
import torch.nn as nn

torch.manual_seed(0)
n, p = 200, 4
X = torch.randn(n, p)
beta_true = torch.tensor([0.8, -0.5, 0.0, 0.3])
risk_true = X @ beta_true
T_event = torch.distributions.Exponential(0.1 * torch.exp(risk_true)).sample()
C = torch.distributions.Exponential(torch.full((n,), 0.05)).sample()
time = torch.minimum(T_event, C)
event = (T_event <= C).float()
print("events", int(event.sum().item()), "censored", int((1 - event).sum().item()),
      f"median time {time.median().item():.3f}")
time_r = torch.round(time * 2) / 2  # create ties
print("ties", time_r.numel() - torch.unique(time_r).numel())


def cox_ph_loss(log_h, durations, events, eps=1e-7):
    order = torch.argsort(durations, descending=True)
    log_h, events = log_h[order], events[order]
    log_cumsum_h = torch.logcumsumexp(log_h, dim=0)
    return -(log_h - log_cumsum_h).mul(events).sum() / events.sum().clamp_min(eps)


def cox_breslow_ties(log_h, durations, events):
    # risk set for each subject: everyone with duration >= own duration
    at_risk = (durations.unsqueeze(0) >= durations.unsqueeze(1)).float()
    log_denominator = torch.log((at_risk * log_h.exp().unsqueeze(0)).sum(1))
    return -((log_h - log_denominator) * events).sum() / events.sum()


def concordance_index(risk, durations, events):
    t_i, t_j = durations.unsqueeze(1), durations.unsqueeze(0)
    comparable = (t_i < t_j) & (events.unsqueeze(1) == 1)
    r_i, r_j = risk.unsqueeze(1), risk.unsqueeze(0)
    concordant = (r_i > r_j) & comparable
    tied = (r_i == r_j) & comparable
    return ((concordant.sum() + 0.5 * tied.sum()) / comparable.sum()).item()


print(f"oracle c-index {concordance_index(risk_true, time, event):.4f}")
print(f"random c-index {concordance_index(torch.zeros(n), time, event):.4f}")
with torch.no_grad():
    print(f"loss at truth {cox_ph_loss(risk_true, time, event).item():.4f}",
          f"breslow {cox_breslow_ties(risk_true, time, event).item():.4f}",
          f"ties sort {cox_ph_loss(risk_true, time_r, event).item() > 0}")

linear = nn.Linear(p, 1, bias=False)
nn.init.zeros_(linear.weight)
opt = torch.optim.Adam(linear.parameters(), lr=0.05)
for it in range(150):
    loss = cox_ph_loss(linear(X).squeeze(-1), time, event) + 1e-3 * linear.weight.pow(2).sum()
    opt.zero_grad()
    loss.backward()
    opt.step()
    if it % 50 == 0 or it == 149:
        print(f"linear it {it:3d} loss {loss.item():.4f}")
print("beta hat", linear.weight.detach().squeeze().round(decimals=2))
print(f"linear c-index {concordance_index(linear(X).detach().squeeze(-1), time, event):.4f}")

# check the logcumsumexp gradient against the quadratic-risk-set formula
lh = risk_true.clone().requires_grad_(True)
g1, = torch.autograd.grad(cox_ph_loss(lh, time, event), lh)
g2, = torch.autograd.grad(cox_breslow_ties(lh, time, event), lh)
print("grad agree", torch.allclose(g1, g2, atol=1e-5), g1[:4].round(decimals=4))


class DeepSurv(nn.Module):
    def __init__(self, d_in, hidden=16, dropout=0.1):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(d_in, hidden), nn.SELU(), nn.Dropout(dropout),
                                 nn.Linear(hidden, hidden), nn.SELU(), nn.Linear(hidden, 1, bias=False))

    def forward(self, x):
        return self.net(x).squeeze(-1)


torch.manual_seed(1)
perm = torch.randperm(n)
tr, va = perm[:150], perm[150:]
model = DeepSurv(p)
opt = torch.optim.AdamW(model.parameters(), lr=1e-2, weight_decay=1e-3)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=40, gamma=0.5)
best = (float("inf"), -1)
for epoch in range(100):
    model.train()
    loss = cox_ph_loss(model(X[tr]), time[tr], event[tr])
    opt.zero_grad()
    loss.backward()
    opt.step()
    sched.step()
    model.eval()
    with torch.no_grad():
        vloss = cox_ph_loss(model(X[va]), time[va], event[va]).item()
    if vloss < best[0]:
        best = (vloss, epoch)
    if epoch % 25 == 0:
        print(f"deepsurv epoch {epoch:3d} train {loss.item():.4f} val {vloss:.4f}")
print(f"best val {best[0]:.4f} at {best[1]}")
model.eval()
with torch.no_grad():
    risk = model(X)
    print(f"deepsurv c-index train {concordance_index(risk[tr], time[tr], event[tr]):.4f}",
          f"val {concordance_index(risk[va], time[va], event[va]):.4f}")

    # Breslow estimator of the baseline cumulative hazard
    order = torch.argsort(time)
    t_sorted, e_sorted, h_sorted = time[order], event[order], risk[order].exp()
    at_risk = torch.flip(torch.cumsum(torch.flip(h_sorted, [0]), 0), [0])
    H0 = torch.cumsum(e_sorted / at_risk, 0)
    print("H0", H0[[0, 49, 99, 149, 199]].round(decimals=4))
    grid = torch.tensor([1.0, 5.0, 10.0, 20.0])
    idx = torch.searchsorted(t_sorted, grid, right=True) - 1
    H0_grid = torch.where(idx >= 0, H0[idx.clamp_min(0)], torch.zeros_like(grid))
    S = torch.exp(-H0_grid.unsqueeze(0) * risk[:3].exp().unsqueeze(1))
    print("S(t|x)", S.round(decimals=3))
    print("monotone", bool((S[:, 1:] <= S[:, :-1]).all()))
    groups = (risk > risk.median()).long()
    print("high/low risk events", torch.bincount(groups, weights=event).tolist(), torch.bincount(groups).tolist())
