"""A paper-reproduction style script for "On Calibration of Modern Neural Networks": an over-confident
classifier, the expected calibration error (ECE) with equal-width confidence bins, a reliability
table, temperature scaling fitted on held-out logits with LBFGS (plain and strong-Wolfe line search),
and MC-dropout uncertainty (predictive entropy and mutual information)."""
import torch
from torch import nn, optim
from torch.nn import functional as F

torch.manual_seed(11)


class _ECELoss(nn.Module):
    """Expected calibration error: sum_b |B_b|/n * |acc(B_b) - conf(B_b)| over equal-width bins."""

    def __init__(self, n_bins=10):
        super().__init__()
        bin_boundaries = torch.linspace(0, 1, n_bins + 1)
        self.bin_lowers = bin_boundaries[:-1]
        self.bin_uppers = bin_boundaries[1:]

    def forward(self, logits, labels):
        softmaxes = F.softmax(logits, dim=1)
        confidences, predictions = torch.max(softmaxes, 1)
        accuracies = predictions.eq(labels)
        ece = torch.zeros(1, device=logits.device)
        for bin_lower, bin_upper in zip(self.bin_lowers, self.bin_uppers):
            in_bin = confidences.gt(bin_lower.item()) * confidences.le(bin_upper.item())
            prop_in_bin = in_bin.float().mean()
            if prop_in_bin.item() > 0:
                accuracy_in_bin = accuracies[in_bin].float().mean()
                avg_confidence_in_bin = confidences[in_bin].mean()
                ece += torch.abs(avg_confidence_in_bin - accuracy_in_bin) * prop_in_bin
        return ece


def reliability_table(logits, labels, n_bins=5):
    conf, pred = logits.softmax(1).max(1)
    bins = torch.bucketize(conf, torch.linspace(0, 1, n_bins + 1)[1:-1], right=False)
    count = torch.bincount(bins, minlength=n_bins)
    acc = torch.zeros(n_bins).index_add_(0, bins, (pred == labels).float())
    avg_conf = torch.zeros(n_bins).scatter_reduce(0, bins, conf, reduce="mean", include_self=False)
    for b in range(n_bins):
        if count[b] > 0:
            print(f"  bin {b}: n={count[b].item():3d} acc={acc[b] / count[b]:.3f} conf={avg_conf[b]:.3f}")
        else:
            print(f"  bin {b}: empty")


# ---- an over-fitted classifier on noisy labels ---------------------------------------------------
n_classes, dim = 5, 10
W_true = torch.randn(dim, n_classes)
def sample(n):
    x = torch.randn(n, dim)
    y = (x @ W_true + 1.5 * torch.randn(n, n_classes)).argmax(1)
    return x, y


x_tr, y_tr = sample(200)
x_val, y_val = sample(150)
model = nn.Sequential(nn.Linear(dim, 64), nn.ReLU(), nn.Dropout(0.2), nn.Linear(64, n_classes))
opt = optim.Adam(model.parameters(), lr=1e-2)
for step in range(150):          # far too long: the network becomes over-confident
    opt.zero_grad()
    loss = F.cross_entropy(model(x_tr), y_tr)
    loss.backward()
    opt.step()
print(f"final train loss {loss.item():.2f}")

model.eval()
with torch.no_grad():
    val_logits = model(x_val)
ece_criterion = _ECELoss(n_bins=10)
nll_before = F.cross_entropy(val_logits, y_val).item()
ece_before = ece_criterion(val_logits, y_val).item()
print(f"Before temperature - NLL: {nll_before:.3f}, ECE: {ece_before:.3f}, "
      f"acc {(val_logits.argmax(1) == y_val).float().mean():.3f}")
reliability_table(val_logits, y_val)


class ModelWithTemperature(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model
        self.temperature = nn.Parameter(torch.ones(1) * 1.5)

    def forward(self, x):
        return self.temperature_scale(self.model(x))

    def temperature_scale(self, logits):
        temperature = self.temperature.unsqueeze(1).expand(logits.size(0), logits.size(1))
        return logits / temperature

    def set_temperature(self, logits, labels, **lbfgs_kwargs):
        nll_criterion = nn.CrossEntropyLoss()
        optimizer = optim.LBFGS([self.temperature], **lbfgs_kwargs)
        calls = []

        def closure():
            optimizer.zero_grad()
            loss = nll_criterion(self.temperature_scale(logits), labels)
            loss.backward()
            calls.append(loss.item())
            return loss

        optimizer.step(closure)
        return calls, optimizer


scaled = ModelWithTemperature(model)
print([n for n, _ in scaled.named_parameters()], scaled.temperature)
calls, lbfgs = scaled.set_temperature(val_logits, y_val, lr=0.01, max_iter=50)
print(f"LBFGS(lr=0.01): {len(calls)} closure calls, T = {scaled.temperature.item():.3f}")
print(sorted(lbfgs.state_dict()["state"][0].keys()))
print("func_evals", lbfgs.state[scaled.temperature]["func_evals"], "n_iter", lbfgs.state[scaled.temperature]["n_iter"])

scaled2 = ModelWithTemperature(model)
calls2, lbfgs2 = scaled2.set_temperature(val_logits, y_val, lr=1, max_iter=100, line_search_fn="strong_wolfe",
                                         tolerance_grad=1e-9, tolerance_change=1e-12)
print(f"LBFGS(strong_wolfe): {len(calls2)} calls, T = {scaled2.temperature.item():.3f}, "
      f"first/last NLL {calls2[0]:.4f} -> {calls2[-1]:.4f}")
print(lbfgs2)

with torch.no_grad():
    t_logits = scaled2.temperature_scale(val_logits)
print(f"After temperature - NLL: {F.cross_entropy(t_logits, y_val).item():.3f}, "
      f"ECE: {ece_criterion(t_logits, y_val).item():.3f}")
print("argmax unchanged:", torch.equal(t_logits.argmax(1), val_logits.argmax(1)))
reliability_table(t_logits, y_val)

# grid search as a sanity check on the LBFGS answer
temps = torch.linspace(0.5, 5.0, 46)
nlls = torch.stack([F.cross_entropy(val_logits / t, y_val) for t in temps])
print(f"grid best T = {temps[nlls.argmin()]:.1f}")


# ---- MC dropout ---------------------------------------------------------------------------------
def enable_dropout(m):
    for mod in m.modules():
        if isinstance(mod, nn.Dropout):
            mod.train()


model.eval()
enable_dropout(model)
print("training flags:", [(type(m).__name__, m.training) for m in model])
torch.manual_seed(0)
x_q = x_val[:6]
with torch.no_grad():
    mc = torch.stack([model(x_q).softmax(-1) for _ in range(30)])      # (T, N, C)
print(mc.shape)
mean_p = mc.mean(0)
pred_entropy = -(mean_p * mean_p.clamp_min(1e-12).log()).sum(-1)
exp_entropy = -(mc * mc.clamp_min(1e-12).log()).sum(-1).mean(0)
mutual_info = pred_entropy - exp_entropy
torch.set_printoptions(precision=3)
print("mean prob of pred class", mean_p.max(-1).values)
print("std  prob of pred class", mc.std(0).gather(1, mean_p.argmax(-1, keepdim=True)).squeeze(1))
print("predictive entropy", pred_entropy)
print("mutual information", mutual_info)
print("most uncertain sample:", pred_entropy.argmax().item(), "| labels", y_val[:6].tolist(),
      "| MC preds", mean_p.argmax(-1).tolist())
print("mc vs deterministic agree:", (mean_p.argmax(-1) == model.eval()(x_q).argmax(-1)).tolist())

try:
    optim.LBFGS([scaled.temperature], line_search_fn="armijo")
except Exception as e:
    print(type(e).__name__, e)
try:
    optim.LBFGS([scaled.temperature, scaled2.temperature]).step()
except Exception as e:
    print(type(e).__name__, e)
