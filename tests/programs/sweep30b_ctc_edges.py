"""CTC loss edge cases as a speech-recognition course's exercise sheet covers them: unbatched (T, C)
inputs, int32 and int64 targets, 1-D concatenated targets, float64 log-probs, every reduction with and
without zero_infinity, non-normalised logits, gradients checked against the softmax-minus-posterior
identity, blank at the last index, nn.CTCLoss printing, greedy decoding with unique_consecutive
(return_counts / return_inverse), and the errors a user meets with malformed lengths."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(30)
T, N, C = 12, 3, 6
logits = torch.randn(T, N, C)
log_probs = logits.log_softmax(-1)
targets = torch.randint(1, C, (N, 4))
in_lens = torch.tensor([12, 10, 7])
tg_lens = torch.tensor([4, 3, 2])
print("targets", targets, targets.dtype)

for red in ("none", "mean", "sum"):
    for zi in (False, True):
        out = F.ctc_loss(log_probs, targets, in_lens, tg_lens, reduction=red, zero_infinity=zi)
        print(red, zi, out, out.grad_fn)

# int32 lengths and targets, and the concatenated 1-D target form
t32 = targets.int()
cat = torch.cat([targets[i, :tg_lens[i]] for i in range(N)])
print("cat", cat.tolist())
a = F.ctc_loss(log_probs, t32, in_lens.int(), tg_lens.int(), reduction="none")
b = F.ctc_loss(log_probs, cat, in_lens, tg_lens, reduction="none")
c = F.ctc_loss(log_probs, cat.int(), in_lens.int(), tg_lens.int(), reduction="none")
print("int32", a)
print("cat", b)
print("cat32", c)
print("same:", torch.allclose(a, b), torch.allclose(b, c))

# unbatched: (T, C) log-probs, (S,) target, scalar lengths
lp0 = log_probs[:, 0]
u = F.ctc_loss(lp0, targets[0], torch.tensor(12), torch.tensor(4), reduction="none")
print("unbatched", u, u.shape, u.dim())
u2 = F.ctc_loss(lp0, targets[0], (12,), (4,), reduction="sum")
print("unbatched tuple", u2)
u3 = F.ctc_loss(lp0, targets[0], torch.tensor([12]), torch.tensor([4]), reduction="mean")
print("unbatched mean", u3)

# float64
lp64 = logits.double().log_softmax(-1)
l64 = F.ctc_loss(lp64, targets, in_lens, tg_lens, reduction="none")
print("float64", l64, l64.dtype)

# blank as the last class
lpb = log_probs.clone()
tb = targets - 1  # labels 0..C-2, blank C-1
print("blank last", F.ctc_loss(lpb, tb, in_lens, tg_lens, blank=C - 1, reduction="sum"))

# raw logits (not log-softmaxed) are accepted, the loss just isn't a probability
raw = F.ctc_loss(logits, targets, in_lens, tg_lens, reduction="none")
print("raw logits", raw)

# gradients: for log_softmax inputs, d loss / d logits = softmax - posterior occupancy
x = logits.clone().requires_grad_()
loss = F.ctc_loss(x.log_softmax(-1), targets, in_lens, tg_lens, reduction="sum")
loss.backward()
g = x.grad
print("grad sums per frame ~ 0:", bool((g.sum(-1).abs() < 1e-5).all()))
print("grad beyond input length", g[in_lens[2]:, 2].abs().max())
print("grad shape", g.shape, g[0, 0])

# direct gradient on log_probs (leaf)
lp_leaf = log_probs.detach().clone().requires_grad_()
F.ctc_loss(lp_leaf, targets, in_lens, tg_lens).backward()
print("leaf grad", lp_leaf.grad[0])
print("leaf grad tail", lp_leaf.grad[-1])

# impossible alignments
short = torch.tensor([3, 10, 7])
inf_loss = F.ctc_loss(log_probs, targets, short, tg_lens, reduction="none")
print("impossible", inf_loss, torch.isinf(inf_loss))
xi = logits.clone().requires_grad_()
zl = F.ctc_loss(xi.log_softmax(-1), targets, short, tg_lens, reduction="mean", zero_infinity=True)
zl.backward()
print("zero_infinity mean", zl, xi.grad[:, 0].abs().sum(), xi.grad[:, 1].abs().sum() > 0)

# nn.CTCLoss
crit = nn.CTCLoss(blank=0, reduction="sum", zero_infinity=True)
print(crit)
print(repr(nn.CTCLoss()))
print(crit(log_probs, targets, in_lens, tg_lens))

# greedy decoding
best = log_probs.argmax(-1).T  # (N, T)
print("best paths", best)
for n in range(N):
    path = best[n, :in_lens[n]]
    vals, counts = torch.unique_consecutive(path, return_counts=True)
    _, inv = torch.unique_consecutive(path, return_inverse=True)
    hyp = vals[vals != 0]
    print(n, vals.tolist(), counts.tolist(), inv.tolist(), hyp.tolist())
v2, inv2, cnt2 = torch.unique_consecutive(best, return_inverse=True, return_counts=True, dim=1)
print("by column", v2.shape, inv2, cnt2)

# errors
cases = {
    "short in_lens": lambda: F.ctc_loss(log_probs, targets, in_lens[:2], tg_lens),
    "long target": lambda: F.ctc_loss(log_probs, targets, in_lens, torch.tensor([5, 3, 2])),
    "input too long": lambda: F.ctc_loss(log_probs, targets, torch.tensor([13, 10, 7]), tg_lens),
    "float targets": lambda: F.ctc_loss(log_probs, targets.float(), in_lens, tg_lens),
    "2d lp 2d tgt": lambda: F.ctc_loss(lp0, targets, 12, 4),
    "4d": lambda: F.ctc_loss(log_probs[None], targets, in_lens, tg_lens),
    "bad reduction": lambda: F.ctc_loss(log_probs, targets, in_lens, tg_lens, reduction="avg"),
    "neg length": lambda: F.ctc_loss(log_probs, targets, in_lens, torch.tensor([4, -1, 2])),
}
for name, fn in cases.items():
    try:
        r = fn()
        print(name, "ok", r)
    except Exception as e:
        print(name, type(e).__name__, str(e).splitlines()[0][:200])
