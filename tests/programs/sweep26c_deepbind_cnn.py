"""A DeepBind-style CNN motif finder on synthetic sequences with a planted motif."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)

MOTIF = torch.tensor([0, 1, 2, 2, 3, 0])  # ACGGTA
N, L = 96, 40


def make_data(n):
    seqs = torch.randint(0, 4, (n, L))
    labels = torch.rand(n) < 0.5
    starts = torch.randint(0, L - len(MOTIF), (n,))
    for i in labels.nonzero().flatten().tolist():
        s = starts[i].item()
        seqs[i, s:s + len(MOTIF)] = MOTIF
    x = F.one_hot(seqs, 4).transpose(1, 2).to(torch.float32)
    return x, labels.float()


class DeepBind(nn.Module):
    def __init__(self, n_filters=8, width=6):
        super().__init__()
        self.conv = nn.Conv1d(4, n_filters, width, bias=True)
        self.pool = nn.AdaptiveMaxPool1d(1)
        self.drop = nn.Dropout(0.2)
        self.fc = nn.Sequential(nn.Linear(n_filters, 16), nn.ReLU(), nn.Linear(16, 1))

    def forward(self, x):
        h = F.relu(self.conv(x))
        h = self.pool(h).squeeze(-1)
        return self.fc(self.drop(h)).squeeze(-1)


x_train, y_train = make_data(N)
x_test, y_test = make_data(32)
print("train", x_train.shape, "positives", int(y_train.sum().item()))

model = DeepBind()
print(model)
n_params = sum(p.numel() for p in model.parameters())
print("parameters", n_params)
for name, p in model.named_parameters():
    print(name, tuple(p.shape), p.requires_grad)

opt = torch.optim.Adam(model.parameters(), lr=0.02, weight_decay=1e-4)
loss_fn = nn.BCEWithLogitsLoss(pos_weight=torch.tensor(1.2))
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=10, gamma=0.5)

for epoch in range(30):
    model.train()
    perm = torch.randperm(N)
    total = 0.0
    for b in range(0, N, 32):
        idx = perm[b:b + 32]
        opt.zero_grad()
        logits = model(x_train[idx])
        loss = loss_fn(logits, y_train[idx])
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), max_norm=5.0)
        opt.step()
        total += loss.item() * len(idx)
    sched.step()
    if epoch % 10 == 9:
        print(f"epoch {epoch + 1} loss {total / N:.3f} lr {sched.get_last_lr()[0]:.4f}")

model.eval()
with torch.no_grad():
    logits = model(x_test)
    probs = torch.sigmoid(logits)
    pred = (probs > 0.5).float()
    acc = (pred == y_test).float().mean()
    print(f"test accuracy {acc.item():.2f}")
    tp = ((pred == 1) & (y_test == 1)).sum().item()
    fp = ((pred == 1) & (y_test == 0)).sum().item()
    fn_ = ((pred == 0) & (y_test == 1)).sum().item()
    print("tp fp fn", tp, fp, fn_)
    # AUROC by rank statistic
    order = torch.argsort(probs, descending=True)
    ranks = torch.empty_like(order)
    ranks[order] = torch.arange(len(order))
    pos = y_test.bool()
    n_pos, n_neg = pos.sum().item(), (~pos).sum().item()
    print("n_pos n_neg", n_pos, n_neg)
    auc = ((ranks[~pos].unsqueeze(0) > ranks[pos].unsqueeze(1)).float().sum() / (n_pos * n_neg))
    print(f"AUROC {auc.item():.3f}")

# filter interpretation: which filter fires most on the planted motif
motif_x = F.one_hot(MOTIF, 4).T.unsqueeze(0).float()
with torch.no_grad():
    act = model.conv(motif_x).squeeze()
print("activation shape", act.shape)
W = model.conv.weight.detach()
print("filter weight shape", W.shape)
cons = W.argmax(dim=1)
print("filter consensus dtype", cons.dtype, cons.shape)

# saliency: gradient of logit w.r.t. input one-hot
xs = x_test[:2].clone().requires_grad_(True)
out = model(xs).sum()
out.backward()
sal = (xs.grad * xs).sum(1)
print("saliency shape", sal.shape, xs.grad.shape)
print("grad_fn", type(out.grad_fn).__name__, out.grad_fn.next_functions[0][0].name())

state = model.state_dict()
print(list(state.keys()))
m2 = DeepBind()
print(m2.load_state_dict(state))
try:
    m2.load_state_dict({"conv.weight": state["conv.weight"]})
except Exception as e:
    print(type(e).__name__, str(e).splitlines()[0])
try:
    loss_fn(logits, y_test[:5])
except Exception as e:
    print(type(e).__name__, e)
