"""Course notebook on regularisation: label smoothing in CrossEntropyLoss (checked by hand, with
class weights and ignore_index), an L2 penalty added by hand vs SGD weight_decay (identical), L1
penalty and the resulting sparsity, Adam's L2 vs AdamW's decoupled decay, max-norm constraints via
torch.renorm and clip_grad_norm_ / clip_grad_value_, and early stopping on a validation split with
the best state_dict restored; statistics printed per epoch."""
import copy

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

print("=== label smoothing ===")
logits = torch.randn(5, 4, requires_grad=True)
target = torch.tensor([0, 3, 1, 1, 2])
for eps in [0.0, 0.1, 0.3]:
    loss = nn.CrossEntropyLoss(label_smoothing=eps)(logits, target)
    logp = F.log_softmax(logits, dim=1)
    hand = ((1 - eps) * F.nll_loss(logp, target) - eps * logp.mean(1).mean())
    print(f"eps={eps}: loss={loss.item():.5f} hand={hand.item():.5f}")
w = torch.tensor([1.0, 2.0, 0.5, 1.0])
ce = nn.CrossEntropyLoss(weight=w, label_smoothing=0.2)
print(ce, f"{ce(logits, target).item():.5f}")
print("ignore_index", f"{F.cross_entropy(logits, torch.tensor([0, -100, 1, 1, 2]), label_smoothing=0.1).item():.5f}")
print("sum", f"{F.cross_entropy(logits, target, label_smoothing=0.1, reduction='sum').item():.4f}")
print("none", F.cross_entropy(logits, target, label_smoothing=0.1, reduction="none").detach().numpy().round(4).tolist())
soft = F.one_hot(target, 4).float() * 0.9 + 0.025
print("soft targets", f"{F.cross_entropy(logits, soft).item():.5f}", f"{F.cross_entropy(logits, soft, label_smoothing=0.1).item():.5f}")
F.cross_entropy(logits, target, label_smoothing=0.1).backward()
print("grad row 0", logits.grad[0].numpy().round(4).tolist())
try:
    nn.CrossEntropyLoss(label_smoothing=1.5)(logits, target)
except RuntimeError as e:
    print("RuntimeError:", e)

print("=== data ===")
torch.manual_seed(1)
X = torch.randn(120, 10)
true_w = torch.zeros(10)
true_w[:3] = torch.tensor([2.0, -1.5, 1.0])
yv = X @ true_w + 0.3 * torch.randn(120)
Xtr, ytr, Xva, yva = X[:90], yv[:90], X[90:], yv[90:]


def fit(opt_name, penalty=None, lam=0.0, wd=0.0, epochs=40, lr=0.05):
    torch.manual_seed(2)
    model = nn.Linear(10, 1)
    if opt_name == "sgd":
        opt = torch.optim.SGD(model.parameters(), lr=lr, weight_decay=wd)
    elif opt_name == "adam":
        opt = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=wd)
    else:
        opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=wd)
    for _ in range(epochs):
        pred = model(Xtr).squeeze(1)
        loss = F.mse_loss(pred, ytr)
        if penalty == "l2":
            loss = loss + lam / 2 * model.weight.pow(2).sum()
        elif penalty == "l1":
            loss = loss + lam * model.weight.abs().sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        val = F.mse_loss(model(Xva).squeeze(1), yva).item()
    return model, val


m_hand, v_hand = fit("sgd", "l2", lam=0.1)
m_wd, v_wd = fit("sgd", wd=0.1)
print(f"SGD l2 by hand val={v_hand:.4f}  weight_decay val={v_wd:.4f}")
print("weights close:", torch.allclose(m_hand.weight, m_wd.weight, atol=1e-6),
      "bias differs (wd also decays bias):", not torch.allclose(m_hand.bias, m_wd.bias, atol=1e-6))
print("w", m_wd.weight.detach().squeeze().numpy().round(3).tolist())
for lam in [0.0, 0.05, 0.2]:
    m, v = fit("sgd", "l1", lam=lam)
    print(f"L1 lam={lam}: val={v:.4f} |w|<0.02: {(m.weight.abs() < 0.02).sum().item()} "
          f"l1={m.weight.abs().sum().item():.3f}")
ma, va = fit("adam", wd=0.1)
mw, vw = fit("adamw", wd=0.1)
print(f"Adam(wd) val={va:.4f} norm={ma.weight.norm().item():.4f}  AdamW val={vw:.4f} norm={mw.weight.norm().item():.4f}")
print("AdamW default weight_decay", torch.optim.AdamW([nn.Parameter(torch.zeros(1))]).defaults["weight_decay"])

print("=== max-norm ===")
torch.manual_seed(3)
W = torch.randn(4, 6) * 2
r = torch.renorm(W, p=2, dim=0, maxnorm=1.0)
print("row norms before", W.norm(dim=1).numpy().round(4).tolist())
print("row norms after ", r.norm(dim=1).numpy().round(4).tolist())
print("renorm dim=1 p=1", torch.renorm(W, 1, 1, 2.0).abs().sum(0).numpy().round(4).tolist())
small = W * 0.05
print("untouched when below:", torch.equal(torch.renorm(small, 2, 0, 1.0), small))
layer = nn.Linear(6, 4)
with torch.no_grad():
    layer.weight.copy_(W)
    layer.weight.renorm_(2, 0, 1.5)
print("in-place renorm_", layer.weight.detach().norm(dim=1).numpy().round(4).tolist())

net = nn.Sequential(nn.Linear(6, 8), nn.Tanh(), nn.Linear(8, 1))
out = net(torch.randn(16, 6) * 10).pow(2).mean()
out.backward()
total = nn.utils.clip_grad_norm_(net.parameters(), max_norm=1.0)
after = torch.norm(torch.stack([p.grad.norm() for p in net.parameters()]))
print(f"clip_grad_norm_: total before={total.item():.4f} after={after.item():.4f}")
total_inf = nn.utils.clip_grad_norm_(net.parameters(), max_norm=0.1, norm_type="inf")
print(f"inf-norm before={total_inf.item():.4f} max after={max(p.grad.abs().max().item() for p in net.parameters()):.4f}")
nn.utils.clip_grad_value_(net.parameters(), 0.01)
print("clip value max", max(p.grad.abs().max().item() for p in net.parameters()))
print("get_total_norm", f"{nn.utils.get_total_norm([p.grad for p in net.parameters()]).item():.5f}")

print("=== early stopping ===")
torch.manual_seed(4)
Xc = torch.randn(80, 2)
yc = ((Xc[:, 0] * Xc[:, 1]) > 0).long()
flip = torch.rand(80) < 0.2
yc[flip] = 1 - yc[flip]
perm = torch.randperm(80)
tr_idx, va_idx = perm[:60], perm[60:]
model = nn.Sequential(nn.Linear(2, 32), nn.ReLU(), nn.Dropout(0.2), nn.Linear(32, 2))
opt = torch.optim.AdamW(model.parameters(), lr=0.05, weight_decay=1e-2)
crit = nn.CrossEntropyLoss(label_smoothing=0.05)
best, best_state, bad, patience = float("inf"), None, 0, 4
for epoch in range(40):
    model.train()
    for b in range(0, 60, 20):
        idx = tr_idx[b:b + 20]
        loss = crit(model(Xc[idx]), yc[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()
    with torch.no_grad():
        vl = crit(model(Xc[va_idx]), yc[va_idx]).item()
        acc = (model(Xc[va_idx]).argmax(1) == yc[va_idx]).float().mean().item()
    print(f"epoch {epoch:2d} train {loss.item():.4f} val {vl:.4f} acc {acc:.3f}")
    if vl < best - 1e-4:
        best, best_state, bad = vl, copy.deepcopy(model.state_dict()), 0
    else:
        bad += 1
        if bad >= patience:
            print(f"early stop at epoch {epoch}, best val {best:.4f}")
            break
model.load_state_dict(best_state)
model.eval()
with torch.no_grad():
    print(f"restored val {crit(model(Xc[va_idx]), yc[va_idx]).item():.4f}")
