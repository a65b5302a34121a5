"""Adversarial training (Madry PGD) against TRADES (KL between clean and adversarial predictions) on a
small MLP with BatchNorm and Dropout: eval/train switching, kl_div, clip_grad_norm_, schedulers, SWA."""
import copy
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.optim.lr_scheduler import MultiStepLR
from torch.optim.swa_utils import AveragedModel
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(2024)
N, D = 256, 12
w_true = torch.randn(D, 3)
X = torch.rand(N, D)
y = (X @ w_true + 0.3 * torch.randn(N, 3)).argmax(1)
print("class counts:", torch.bincount(y, minlength=3).tolist())
loader = DataLoader(TensorDataset(X, y), batch_size=64, shuffle=True)


def make_model():
    return nn.Sequential(
        nn.Linear(D, 48), nn.BatchNorm1d(48), nn.ReLU(), nn.Dropout(0.1),
        nn.Linear(48, 3),
    )


def pgd(model, x, labels, eps=0.05, alpha=0.02, steps=5):
    was_training = model.training
    model.eval()
    delta = torch.zeros_like(x).uniform_(-eps, eps)
    for _ in range(steps):
        delta.requires_grad_(True)
        loss = F.cross_entropy(model(x + delta), labels)
        g, = torch.autograd.grad(loss, delta)
        delta = (delta + alpha * g.sign()).clamp(-eps, eps).detach()
    model.train(was_training)
    return (x + delta).clamp(0, 1)


def trades_adv(model, x, eps=0.05, alpha=0.02, steps=5):
    model.eval()
    with torch.no_grad():
        p_nat = F.softmax(model(x), dim=1)
    x_adv = x + 0.001 * torch.randn_like(x)
    for _ in range(steps):
        x_adv.requires_grad_(True)
        loss_kl = F.kl_div(F.log_softmax(model(x_adv), dim=1), p_nat, reduction="sum")
        grad = torch.autograd.grad(loss_kl, [x_adv])[0]
        x_adv = x_adv.detach() + alpha * torch.sign(grad.detach())
        x_adv = torch.min(torch.max(x_adv, x - eps), x + eps).clamp(0.0, 1.0)
    model.train()
    return x_adv.detach()


def evaluate(model, name):
    model.eval()
    with torch.no_grad():
        clean = (model(X).argmax(1) == y).float().mean().item()
    adv = (model(pgd(model, X, y, steps=10)).argmax(1) == y).float().mean().item()
    print(f"{name:>8}: clean {clean:.4f}  robust {adv:.4f}  training={model.training}")
    return clean, adv


results = {}
for method in ["standard", "madry", "trades"]:
    torch.manual_seed(1)
    model = make_model()
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4, nesterov=True)
    sched = MultiStepLR(opt, milestones=[4, 6], gamma=0.1)
    swa = AveragedModel(model)
    beta = 6.0
    for epoch in range(8):
        model.train()
        tot, n = 0.0, 0
        for xb, yb in loader:
            if method == "madry":
                xb_in = pgd(model, xb, yb)
                loss = F.cross_entropy(model(xb_in), yb)
            elif method == "trades":
                x_adv = trades_adv(model, xb)
                logits = model(xb)
                loss_nat = F.cross_entropy(logits, yb)
                loss_rob = F.kl_div(F.log_softmax(model(x_adv), dim=1), F.softmax(logits, dim=1),
                                    reduction="batchmean")
                loss = loss_nat + beta * loss_rob
            else:
                loss = F.cross_entropy(model(xb), yb)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            gn = nn.utils.clip_grad_norm_(model.parameters(), max_norm=5.0)
            opt.step()
            tot += loss.item() * xb.size(0)
            n += xb.size(0)
        sched.step()
        if epoch >= 5:
            swa.update_parameters(model)
        if epoch % 3 == 0:
            print(f"[{method}] epoch {epoch} loss {tot / n:.3f} lr {sched.get_last_lr()[0]:.4g}")
    results[method] = evaluate(model, method)
    print("   bn running_mean[:3]", model[1].running_mean[:3], "batches", model[1].num_batches_tracked.item())
    print("   swa n_averaged", swa.n_averaged)

print(f"{'method':>10} {'clean':>7} {'robust':>7}")
for k, (c, r) in results.items():
    print(f"{k:>10} {c:7.4f} {r:7.4f}")

# kl_div conventions
p = torch.tensor([[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]])
q = torch.tensor([[0.3, 0.3, 0.4], [0.2, 0.2, 0.6]])
for red in ["none", "sum", "mean", "batchmean"]:
    print(red, F.kl_div(q.log(), p, reduction=red))
print("log_target", F.kl_div(q.log(), p.log(), reduction="batchmean", log_target=True))
print(nn.KLDivLoss(reduction="batchmean")(q.log(), p))
state = copy.deepcopy(model.state_dict())
print(list(state.keys()))
print({k: tuple(v.shape) for k, v in swa.state_dict().items() if "bn" not in k}.get("n_averaged"))
try:
    F.kl_div(q.log(), p[:, :2], reduction="batchmean")
except RuntimeError as e:
    print("RuntimeError:", e)
