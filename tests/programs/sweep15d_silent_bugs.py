"""Blog post style: "Seven silent bugs in PyTorch training loops (and how to catch them)".

Each bug runs without an exception but gives wrong numbers; the post shows the symptom, a check
that exposes it (unit tests on shapes, gradient comparisons, overfitting one batch), and the fix.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(3)
torch.set_printoptions(precision=4, sci_mode=False)

X = torch.randn(32, 5)
true_w = torch.tensor([[1.5], [-2.0], [0.5], [0.0], [1.0]])
y = X @ true_w + 0.1 * torch.randn(32, 1)
labels = (y.squeeze(1) > 0).long()


def make_model(p_drop=0.0):
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(5, 16), nn.ReLU(), nn.Dropout(p_drop), nn.Linear(16, 1))


# Bug 1: broadcasting in the loss ---------------------------------------------------
print("## 1. (N, 1) - (N,) broadcasting")
pred = make_model()(X)
target_flat = y.squeeze(1)
diff = pred - target_flat
print("pred", tuple(pred.shape), "target", tuple(target_flat.shape), "-> diff", tuple(diff.shape))
wrong = ((pred - target_flat) ** 2).mean()
right = ((pred.squeeze(1) - target_flat) ** 2).mean()
print(f"wrong loss {wrong.item():.4f} vs right loss {right.item():.4f}")
try:
    torch.testing.assert_close(pred, target_flat)
except AssertionError as e:
    print("assert_close catches it:", str(e).splitlines()[0])

# Bug 2: forgetting zero_grad --------------------------------------------------------
print("\n## 2. gradients accumulate")
model = make_model()
opt = torch.optim.SGD(model.parameters(), lr=0.01)
norms = []
for step in range(3):
    loss = F.mse_loss(model(X), y)
    loss.backward()                      # no opt.zero_grad()
    norms.append(model[0].weight.grad.norm().item())
print("grad norm without zero_grad:", [f"{n:.4f}" for n in norms])
model.zero_grad(set_to_none=True)
print("after zero_grad(set_to_none=True):", model[0].weight.grad)
model.zero_grad(set_to_none=False) if False else None
F.mse_loss(model(X), y).backward()
g1 = model[0].weight.grad.clone()
F.mse_loss(model(X), y).backward()
print("two backward passes == 2x grad:", torch.allclose(model[0].weight.grad, 2 * g1))

# Bug 3: softmax before CrossEntropyLoss -------------------------------------------------
print("\n## 3. double softmax")
torch.manual_seed(1)
clf = nn.Linear(5, 2)
logits = clf(X)
ce = nn.CrossEntropyLoss()
print(f"CE(logits) {ce(logits, labels).item():.4f}  CE(softmax(logits)) {ce(logits.softmax(-1), labels).item():.4f}")
print(f"NLL(log_softmax) == CE: {torch.allclose(F.nll_loss(F.log_softmax(logits, 1), labels), ce(logits, labels))}")
grad_a = torch.autograd.grad(ce(logits, labels), clf.weight, retain_graph=True)[0]
grad_b = torch.autograd.grad(ce(logits.softmax(-1), labels), clf.weight)[0]
print(f"grad norm ratio (double softmax / correct): {(grad_b.norm() / grad_a.norm()).item():.4f}")
print("softmax on the wrong dim sums to:", logits.softmax(dim=0).sum(dim=1)[:3], "vs", logits.softmax(1).sum(1)[:3])

# Bug 4: eval/train mode ----------------------------------------------------------------
print("\n## 4. forgetting model.eval()")
model = make_model(p_drop=0.5)
with torch.no_grad():
    a, b = model(X[:4]), model(X[:4])
print("train mode, same input, same output?", torch.equal(a, b))
model.eval()
with torch.no_grad():
    a, b = model(X[:4]), model(X[:4])
print("eval mode:", torch.equal(a, b), "training flags:", [m.training for m in model])
bn = nn.BatchNorm1d(5)
bn(X)
print("running_mean after one train batch:", bn.running_mean)
bn.eval()
before = bn.running_mean.clone()
bn(X * 100)
print("eval does not update stats:", torch.equal(before, bn.running_mean), int(bn.num_batches_tracked))
bn.train()
try:
    bn(X[:1])
except ValueError as e:
    print(type(e).__name__, e)

# Bug 5: accumulating the graph ---------------------------------------------------------
print("\n## 5. total_loss += loss keeps the graph alive")
model = make_model()
total, total_item = 0.0, 0.0
for xb, yb in DataLoader(TensorDataset(X, y), batch_size=8):
    loss = F.mse_loss(model(xb), yb)
    total += loss
    total_item += loss.item()
print("total is a", type(total).__name__, "with grad_fn", type(total.grad_fn).__name__)
print(f"same value: {abs(total.item() - total_item) < 1e-4}; use .item() -> {type(total_item).__name__}")

# Bug 6: detach in the wrong place --------------------------------------------------------
print("\n## 6. a detached branch gets no gradient")
enc = nn.Linear(5, 3)
dec = nn.Linear(3, 1)
z = enc(X).detach()
F.mse_loss(dec(z), y).backward()
print("encoder grad:", enc.weight.grad, "| decoder grad is set:", dec.weight.grad is not None)
z = enc(X)
with torch.no_grad():
    out = dec(z)
print("output under no_grad requires_grad:", out.requires_grad)
try:
    F.mse_loss(out, y).backward()
except RuntimeError as e:
    print(type(e).__name__, e)
params_with_no_grad = [n for n, p in enc.named_parameters() if p.grad is None]
print("parameters that never got a gradient:", params_with_no_grad)

# Bug 7: in-place ReLU on a value autograd needs --------------------------------------------
print("\n## 7. in-place activations")
t = torch.randn(4, requires_grad=True)
s = torch.sigmoid(t)
F.relu(s, inplace=True)
try:
    s.sum().backward()
except RuntimeError as e:
    print(type(e).__name__, e)
u = t * 2
F.relu_(u)
u.sum().backward()
print("relu_ after mul is fine:", t.grad)
print("version counters:", t._version, u._version)
v = t.detach()
v.zero_()
print("detach shares storage -> t changed too:", t)

# the universal check: overfit one batch ---------------------------------------------------
print("\n## overfit a single batch")
model = make_model()
opt = torch.optim.Adam(model.parameters(), lr=0.05)
xb, yb = X[:8], y[:8]
for it in range(60):
    opt.zero_grad()
    loss = F.mse_loss(model(xb), yb)
    loss.backward()
    opt.step()
    if it % 20 == 0 or it == 59:
        print(f"iter {it:2d} loss {loss.item():.4f}")
print("can overfit:", loss.item() < 0.05)
