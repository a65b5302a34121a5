"""CS231n-assignment style: a linear SVM written three ways -- a hand-rolled multiclass hinge (structured)
loss with a vectorised gradient checked against autograd, nn.MultiMarginLoss (p=1 and p=2, class
weights, margins), and a binary soft-margin SVM with a hinge on labels in {-1, +1}; plus an RBF kernel
SVM trained in the dual-free "kernel expansion" form and the other margin losses a learner meets."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(231)
torch.set_printoptions(precision=4)

# ---------------------------------------------------------------- toy data: 3 gaussian blobs
N, D, C = 90, 2, 3
centers = torch.tensor([[0.0, 2.0], [-2.0, -1.0], [2.0, -1.0]])
y = torch.arange(C).repeat_interleave(N // C)
X = centers[y] + 0.8 * torch.randn(N, D)
print("X:", X.shape, X.dtype, " y:", y.shape, y.dtype, " counts:", torch.bincount(y).tolist())


def svm_loss_naive(W, X, y, reg):
    dW = torch.zeros_like(W)
    loss = 0.0
    for i in range(X.shape[0]):
        scores = X[i] @ W
        correct = scores[y[i]]
        for j in range(W.shape[1]):
            if j == y[i]:
                continue
            margin = scores[j] - correct + 1
            if margin > 0:
                loss += margin
                dW[:, j] += X[i]
                dW[:, y[i]] -= X[i]
    loss /= X.shape[0]
    dW /= X.shape[0]
    loss += reg * torch.sum(W * W)
    dW += 2 * reg * W
    return loss, dW


def svm_loss_vectorized(W, X, y, reg):
    n = X.shape[0]
    scores = X.mm(W)
    correct = scores[torch.arange(n), y].view(-1, 1)
    margins = (scores - correct + 1).clamp(min=0)
    margins[torch.arange(n), y] = 0
    loss = margins.sum() / n + reg * (W * W).sum()
    binary = (margins > 0).to(X.dtype)
    binary[torch.arange(n), y] = -binary.sum(dim=1)
    dW = X.t().mm(binary) / n + 2 * reg * W
    return loss, dW


Xb = torch.cat([X, torch.ones(N, 1)], dim=1)             # bias trick
W = 0.01 * torch.randn(D + 1, C, dtype=torch.float64)
Xd = Xb.double()
l1, g1 = svm_loss_naive(W, Xd[:20], y[:20], 0.05)
l2, g2 = svm_loss_vectorized(W, Xd[:20], y[:20], 0.05)
print(f"naive loss {l1:.6f}  vectorized loss {l2:.6f}")
print("gradient difference:", torch.linalg.norm(g1 - g2, ord="fro").item() < 1e-12)
Wg = W.clone().requires_grad_()
la, _ = svm_loss_vectorized(Wg, Xd[:20], y[:20], 0.05)
la.backward()
print("autograd agrees:", torch.allclose(Wg.grad, g2), "grad_fn:", la.grad_fn.name())
print("gradcheck:", torch.autograd.gradcheck(lambda w: svm_loss_vectorized(w, Xd[:20], y[:20], 0.05)[0],
                                             (Wg.detach().clone().requires_grad_(),)))

# compare with nn.MultiMarginLoss: it averages over classes too, so scale by C
mm = nn.MultiMarginLoss()
print(mm, mm.p, mm.margin, mm.weight, mm.reduction)
scores = Xd[:20] @ W
print(f"MultiMarginLoss * C = {mm(scores, y[:20]).item() * C:.6f}  (data loss {(l2 - 0.05 * (W * W).sum()).item():.6f})")

# ---------------------------------------------------------------- SGD training of the linear SVM
torch.manual_seed(0)
W = (0.001 * torch.randn(D + 1, C)).requires_grad_()
optimizer = torch.optim.SGD([W], lr=0.5, momentum=0.9)
for it in range(60):
    idx = torch.randint(0, N, (32,))
    loss = F.multi_margin_loss(Xb[idx] @ W, y[idx]) + 1e-3 * W.pow(2).sum()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if it % 20 == 0:
        print(f"iter {it:2d} loss {loss.item():.4f}")
with torch.no_grad():
    pred = (Xb @ W).argmax(dim=1)
    print(f"train accuracy {(pred == y).float().mean().item():.3f}")

# ---------------------------------------------------------------- MultiMarginLoss options
torch.manual_seed(1)
s = torch.randn(4, 3, requires_grad=True)
t = torch.tensor([0, 2, 1, 2])
for kw in [dict(), dict(p=2), dict(margin=0.5), dict(weight=torch.tensor([1.0, 2.0, 0.5])),
           dict(reduction="sum"), dict(reduction="none"), dict(p=2, margin=2.0, reduction="none")]:
    crit = nn.MultiMarginLoss(**kw)
    out = crit(s, t)
    g, = torch.autograd.grad(out.sum(), s)
    print(kw, "->", out.detach(), "grad row0:", g[0])
try:
    nn.MultiMarginLoss(p=3)
except ValueError as e:
    print(type(e).__name__, e)
for bad_target in (torch.tensor([0, 3, 1, 2]), torch.tensor([0, 2, 1]), t.float(), t.view(2, 2)):
    try:
        F.multi_margin_loss(s, bad_target)
    except RuntimeError as e:
        print(type(e).__name__, e)
try:
    nn.MultiMarginLoss(weight=torch.ones(4))(s, t)
except RuntimeError as e:
    print(type(e).__name__, e)
print("1d input:", F.multi_margin_loss(torch.tensor([0.1, 0.8, 0.4]), torch.tensor(1)))

# multilabel margin loss: targets padded with -1
ml = nn.MultiLabelMarginLoss()
xin = torch.tensor([[0.1, 0.2, 0.4, 0.8], [0.3, -0.1, 0.5, 0.2]], requires_grad=True)
tgt = torch.tensor([[3, 0, -1, 1], [2, -1, 0, 0]])
lm = ml(xin, tgt)
lm.backward()
print("MultiLabelMarginLoss:", lm, xin.grad)

# ---------------------------------------------------------------- binary soft-margin SVM (Pegasos style)
torch.manual_seed(3)
n2 = 60
yb = torch.where(torch.rand(n2) < 0.5, -1.0, 1.0)
Xs = torch.randn(n2, 2) + 1.5 * yb[:, None]
model = nn.Linear(2, 1)
opt = torch.optim.SGD(model.parameters(), lr=0.1, weight_decay=0.01)
for epoch in range(30):
    for xb, tb in zip(Xs.split(20), yb.split(20)):
        margin = tb * model(xb).squeeze(-1)
        loss = torch.mean(torch.clamp(1 - margin, min=0))
        opt.zero_grad()
        loss.backward()
        opt.step()
    if epoch % 10 == 9:
        print(f"epoch {epoch + 1} hinge {loss.item():.4f}")
with torch.no_grad():
    m = yb * model(Xs).squeeze(1)
    sv = (m <= 1 + 1e-6).nonzero().squeeze(1)
    print(f"accuracy {(torch.sign(model(Xs)).squeeze() == yb).float().mean():.3f}, support vectors {sv.numel()}")
    w = model.weight.squeeze()
    print(f"margin width 2/||w|| = {2 / w.norm():.3f}")
try:   # the classic shape slip: model output (N, 1) against labels (N,)
    F.soft_margin_loss(model(Xs), yb)
except RuntimeError as e:
    print(type(e).__name__, e)
print("fixed with squeeze:", F.soft_margin_loss(model(Xs).squeeze(1), yb).item() > 0)
print("HingeEmbeddingLoss:", F.hinge_embedding_loss(torch.tensor([0.2, 1.5, 0.3]), torch.tensor([1.0, -1.0, -1.0])))
print("soft margin:", nn.SoftMarginLoss()(torch.tensor([0.5, -2.0, 1.0]), torch.tensor([1.0, -1.0, -1.0])))
print("squared hinge:", F.relu(1 - yb[:5] * model(Xs[:5]).squeeze(1)).pow(2).detach())

# ---------------------------------------------------------------- RBF kernel SVM, primal in alpha
torch.manual_seed(4)
theta = torch.rand(80) * 6.2832
r = torch.where(torch.arange(80) < 40, 1.0, 2.5) + 0.15 * torch.randn(80)
Xr = torch.stack([r * torch.cos(theta), r * torch.sin(theta)], dim=1)
yr = torch.where(torch.arange(80) < 40, 1.0, -1.0)
gamma = 0.5
K = torch.exp(-gamma * torch.cdist(Xr, Xr).pow(2))
print("kernel:", K.shape, f"diag {K.diagonal().mean():.1f}", "symmetric:", torch.allclose(K, K.T))
alpha = torch.zeros(80, requires_grad=True)
bias = torch.zeros(1, requires_grad=True)
opt = torch.optim.Adam([alpha, bias], lr=0.05)
C_reg = 1.0
for step in range(150):
    f = K @ alpha + bias
    loss = 0.5 * alpha @ K @ alpha + C_reg * F.relu(1 - yr * f).sum()
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 50 == 0:
        print(f"kernel step {step:3d} objective {loss.item():.3f}")
with torch.no_grad():
    f = K @ alpha + bias
    print(f"kernel SVM train accuracy {(f.sign() == yr).float().mean():.3f}")
    grid = torch.stack(torch.meshgrid(torch.linspace(-3, 3, 5), torch.linspace(-3, 3, 5), indexing="xy"), -1)
    Kg = torch.exp(-gamma * torch.cdist(grid.reshape(-1, 2), Xr) ** 2)
    print((Kg @ alpha + bias).reshape(5, 5).sign().int())
