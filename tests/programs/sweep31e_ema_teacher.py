"""EMA of weights for a small conv classifier, three ways: AveragedModel with
get_ema_multi_avg_fn and use_buffers=True (so BatchNorm statistics are averaged too), a
hand-written Polyak update with torch._foreach_lerp_ and a warm-up decay schedule, and the
per-tensor get_ema_avg_fn.  We compare the three, look at bias correction of an EMA started at
zero, and evaluate the EMA model as a teacher."""
import copy
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn, get_ema_avg_fn

torch.manual_seed(7)
N = 64
x = torch.randn(N, 1, 8, 8)
labels = (x[:, 0, 2:6, 2:6].mean((1, 2)) > 0).long()


class SmallCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3, padding=1, bias=False)  # BatchNorm follows
        self.bn = nn.BatchNorm2d(4)
        self.head = nn.Linear(4 * 4 * 4, 2)

    def forward(self, x):
        h = F.max_pool2d(F.relu(self.bn(self.conv(x))), 2)
        return self.head(h.flatten(1))


student = SmallCNN()
ema_multi = AveragedModel(student, multi_avg_fn=get_ema_multi_avg_fn(0.9), use_buffers=True)
ema_single = AveragedModel(student, avg_fn=get_ema_avg_fn(0.9), use_buffers=True)
ema_hand = copy.deepcopy(student).requires_grad_(False)
print(ema_multi.module.bn)
print("hand-made copy trainable:", any(p.requires_grad for p in ema_hand.parameters()))

opt = torch.optim.AdamW(student.parameters(), lr=3e-3, weight_decay=1e-2)
warm_decays = []
for step in range(12):
    idx = torch.randperm(N)[:16]
    opt.zero_grad()
    loss = F.cross_entropy(student(x[idx]), labels[idx])
    loss.backward()
    opt.step()
    ema_multi.update_parameters(student)
    ema_single.update_parameters(student)
    # warm-up decay as in many EMA implementations: small decay while the average is young
    decay = min(0.9, (1 + step) / (10 + step))
    warm_decays.append(round(decay, 4))
    with torch.no_grad():
        src = list(student.parameters()) + list(student.buffers())
        dst = list(ema_hand.parameters()) + list(ema_hand.buffers())
        fl_src = [s for s in src if s.is_floating_point()]
        fl_dst = [d for d in dst if d.is_floating_point()]
        if step == 0:
            torch._foreach_copy_(fl_dst, fl_src)
        else:
            torch._foreach_lerp_(fl_dst, fl_src, 1 - decay)
        ema_hand.bn.num_batches_tracked.copy_(student.bn.num_batches_tracked)
    if step % 3 == 0:
        print(f"step {step:2d} loss {loss.item():.4f} n_averaged {ema_multi.n_averaged.item()}")

print("warm-up decays:", warm_decays)
print("multi vs single:", all(torch.allclose(a, b, atol=1e-6) for a, b in
                              zip(ema_multi.state_dict().values(), ema_single.state_dict().values())))
print("num_batches_tracked student/ema:", student.bn.num_batches_tracked, ema_multi.module.bn.num_batches_tracked,
      ema_single.module.bn.num_batches_tracked)
print("ema running_mean:", ema_multi.module.bn.running_mean)
print("ema running_var:", ema_single.module.bn.running_var)
print("hand bn bias:", ema_hand.bn.bias)
print("ema bn bias:", ema_multi.module.bn.bias)

# the EMA as a teacher: soft targets at temperature 2
for m in (student, ema_multi, ema_hand):
    m.eval()
with torch.no_grad():
    t_logits = ema_multi(x)
    s_logits = student(x)
    soft = F.softmax(t_logits / 2.0, dim=1)
    kd = F.kl_div(F.log_softmax(s_logits / 2.0, dim=1), soft, reduction="batchmean") * 4.0
    acc = {name: (m(x).argmax(1) == labels).float().mean().item()
           for name, m in [("student", student), ("ema", ema_multi), ("hand", ema_hand)]}
print(f"distillation loss {kd.item():.4f}")
print({k: round(v, 4) for k, v in acc.items()})
print("teacher probs:", soft[:3])

# bias correction: an EMA started at zero underestimates, divide by 1 - decay**t
torch.manual_seed(0)
signal = 2.0 + 0.3 * torch.randn(20)
avg = torch.zeros(())
for t, v in enumerate(signal, start=1):
    avg.lerp_(v, 0.2)
    if t in (1, 5, 20):
        print(f"t={t:2d} raw {avg.item():.4f} corrected {(avg / (1 - 0.8 ** t)).item():.4f}")

# lerp with a tensor weight (a per-parameter decay) and the out= form
a = torch.zeros(4)
b = torch.arange(4.0)
w = torch.tensor([0.0, 0.25, 0.5, 1.0])
print(torch.lerp(a, b, w), a.lerp(b, 0.5))
out = torch.empty(4)
torch.lerp(a, b, w, out=out)
print(out)
print(torch._foreach_lerp([a, b], [b, a], 0.25))
print(torch._foreach_lerp([a, b], [b, a], [w, w]))
# an EMA over half-precision shadows stays in its dtype
h = torch.zeros(3, dtype=torch.float16)
h.lerp_(torch.tensor([1.0, 2.0, 3.0], dtype=torch.float16), 0.1)
print(h)
try:
    torch.zeros(3).lerp_(torch.ones(3, dtype=torch.float64), 0.5)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch._foreach_lerp_([torch.zeros(2)], [torch.ones(2), torch.ones(2)], 0.5)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    get_ema_multi_avg_fn(-0.1)
except ValueError as e:
    print("ValueError:", e)
