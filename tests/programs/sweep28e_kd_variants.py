"""Knowledge distillation variants from a course notebook: Hinton's temperature-scaled KL (kl_div on
log-probabilities with reduction='batchmean' and log_target=True/False), soft-target cross entropy
(cross_entropy with probability targets and label smoothing), FitNets hint loss with a regressor,
attention transfer on feature maps, the Categorical KL of torch.distributions, a cosine feature loss,
and a short training loop with SGD (nesterov) and a cosine LR schedule."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import Categorical, kl_divergence

torch.manual_seed(7)

N, D, C = 16, 10, 4
X = torch.randn(N, D)
y = (X[:, :C].argmax(dim=1))


class Teacher(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(D, 32), nn.Tanh(), nn.Linear(32, 16), nn.Tanh())
        self.head = nn.Linear(16, C)

    def forward(self, x):
        h = self.body(x)
        return self.head(h), h


class Student(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(D, 8), nn.ReLU())
        self.head = nn.Linear(8, C)
        self.regressor = nn.Linear(8, 16, bias=False)   # FitNets hint regressor

    def forward(self, x):
        h = self.body(x)
        return self.head(h), h


teacher, student = Teacher(), Student()
teacher.eval()
count = lambda m: sum(p.numel() for p in m.parameters())
print("teacher params:", count(teacher), "student params:", count(student))
print(f"compression ratio: {count(teacher) / count(student):.3f}")

with torch.no_grad():
    t_logits, t_hint = teacher(X)
s_logits, s_hint = student(X)

for T in (1.0, 2.0, 4.0):
    p_s = F.log_softmax(s_logits / T, dim=1)
    p_t = F.softmax(t_logits / T, dim=1)
    lp_t = F.log_softmax(t_logits / T, dim=1)
    kd = F.kl_div(p_s, p_t, reduction="batchmean") * T * T
    kd_log = F.kl_div(p_s, lp_t, reduction="batchmean", log_target=True) * T * T
    kd_sum = F.kl_div(p_s, p_t, reduction="sum")
    kd_none = F.kl_div(p_s, lp_t, reduction="none", log_target=True)
    ce_soft = F.cross_entropy(s_logits / T, p_t) * T * T
    print(f"T={T}: kd={kd.item():.4f} kd_log={kd_log.item():.4f} sum={kd_sum.item():.4f} "
          f"ce_soft={ce_soft.item():.4f} none shape={tuple(kd_none.shape)} {kd_none.grad_fn.name()}")

d_s = Categorical(logits=s_logits.detach() / 2)
d_t = Categorical(logits=t_logits / 2)
kl = kl_divergence(d_t, d_s)
print("Categorical KL:", kl[:4])
print(f"mean KL: {kl.mean().item():.4f}  entropy teacher: {d_t.entropy().mean().item():.4f}")
print("teacher probs row 0:", d_t.probs[0])

print("label smoothing CE:", [round(F.cross_entropy(s_logits, y, label_smoothing=ls).item(), 4)
                               for ls in (0.0, 0.1, 0.3)])
print("nn.KLDivLoss:", nn.KLDivLoss(reduction="batchmean", log_target=True))
print("nn.CrossEntropyLoss:", nn.CrossEntropyLoss(label_smoothing=0.1))

# FitNets hint and attention transfer on fake feature maps
hint = F.mse_loss(student.regressor(s_hint), t_hint)
print(f"hint loss: {hint.item():.4f}")
fs = torch.randn(2, 8, 5, 5, requires_grad=True)
ft = torch.randn(2, 16, 5, 5)


def attention(f):
    a = f.pow(2).mean(dim=1).flatten(1)
    return F.normalize(a, p=2, dim=1)


at = (attention(fs) - attention(ft)).pow(2).mean()
at.backward()
print(f"attention transfer: {at.item():.6f}  grad norm: {fs.grad.norm().item():.6f}")
print("at grad_fn:", at.grad_fn.name(), at.grad_fn.next_functions[0][0].name())
cos = nn.CosineEmbeddingLoss(margin=0.2)
print(f"cosine loss: {cos(student.regressor(s_hint), t_hint, torch.ones(N)).item():.4f}")
print(f"cosine sim : {F.cosine_similarity(student.regressor(s_hint), t_hint).mean().item():.4f}")

# training loop
opt = torch.optim.SGD(student.parameters(), lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-4)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=20, eta_min=0.001)
T, alpha, beta = 3.0, 0.7, 0.1
for epoch in range(20):
    opt.zero_grad()
    s_logits, s_hint = student(X)
    soft = F.kl_div(F.log_softmax(s_logits / T, 1), F.log_softmax(t_logits / T, 1),
                    reduction="batchmean", log_target=True) * T * T
    hard = F.cross_entropy(s_logits, y)
    loss = alpha * soft + (1 - alpha) * hard + beta * F.mse_loss(student.regressor(s_hint), t_hint)
    loss.backward()
    gn = nn.utils.clip_grad_norm_(student.parameters(), max_norm=5.0)
    opt.step()
    sched.step()
    if epoch % 5 == 4:
        print(f"epoch {epoch + 1:2d} loss={loss.item():.4f} soft={soft.item():.4f} hard={hard.item():.4f} "
              f"gnorm={gn.item():.4f} lr={sched.get_last_lr()[0]:.5f}")

with torch.no_grad():
    s_logits, _ = student(X)
    agree = (s_logits.argmax(1) == t_logits.argmax(1)).float().mean()
    acc = (s_logits.argmax(1) == y).float().mean()
print(f"teacher agreement: {agree.item():.4f}  accuracy: {acc.item():.4f}")
print("opt state keys:", sorted(opt.state_dict()["state"][0].keys()), opt.state_dict()["param_groups"][0]["nesterov"])

try:
    F.kl_div(torch.randn(3, 4), torch.randn(4, 3))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    F.cross_entropy(torch.randn(3, 4), torch.rand(3, 5))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.optim.SGD(student.parameters(), lr=0.1, nesterov=True)
except ValueError as e:
    print("ValueError:", e)
try:
    Categorical(probs=torch.tensor([0.5, -0.1, 0.6]))
except ValueError as e:
    print("ValueError:", str(e)[:80])
