"""Knowledge distillation in the style of the PyTorch "Knowledge Distillation Tutorial" and Hinton et
al. course code: a wide teacher trained on synthetic data, a small student trained with
soft-target loss F.kl_div(log_softmax(s/T), softmax(t/T), reduction='batchmean') * T*T plus
cross-entropy, a cosine-embedding hidden-state variant, and parameter counts of both."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(42)

N, D, C = 96, 8, 4
X = torch.randn(N, D)
W_true = torch.randn(D, C)
y = (X @ W_true + 0.3 * torch.randn(N, C)).argmax(dim=1)


class Teacher(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Linear(D, 64), nn.ReLU(), nn.Dropout(0.1), nn.Linear(64, 32), nn.ReLU())
        self.classifier = nn.Linear(32, C)

    def forward(self, x):
        return self.classifier(self.features(x))


class Student(nn.Module):
    def __init__(self, hidden=8):
        super().__init__()
        self.features = nn.Sequential(nn.Linear(D, hidden), nn.ReLU())
        self.classifier = nn.Linear(hidden, C)

    def forward(self, x):
        return self.classifier(self.features(x))


def count_params(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def train(model, epochs, lr=0.05):
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    crit = nn.CrossEntropyLoss()
    model.train()
    for epoch in range(epochs):
        for i in range(0, N, 32):
            opt.zero_grad()
            loss = crit(model(X[i:i + 32]), y[i:i + 32])
            loss.backward()
            opt.step()
    return loss.item()


@torch.no_grad()
def accuracy(model):
    model.eval()
    return (model(X).argmax(1) == y).float().mean().item()


def distillation_loss(student_logits, teacher_logits, labels, T=2.0, alpha=0.5):
    soft = F.kl_div(F.log_softmax(student_logits / T, dim=1), F.softmax(teacher_logits / T, dim=1),
                    reduction="batchmean") * (T * T)
    hard = F.cross_entropy(student_logits, labels)
    return alpha * soft + (1.0 - alpha) * hard, soft, hard


teacher = Teacher()
student_plain = Student()
torch.manual_seed(7)
student_kd = Student()
print("teacher params:", count_params(teacher), "student params:", count_params(student_kd))
print(f"compression ratio: {count_params(teacher) / count_params(student_kd):.2f}x")

train(teacher, 8)
print(f"teacher acc: {accuracy(teacher):.4f}")
train(student_plain, 8)
print(f"student (no KD) acc: {accuracy(student_plain):.4f}")

teacher.eval()
opt = torch.optim.Adam(student_kd.parameters(), lr=1e-2)
for epoch in range(6):
    student_kd.train()
    running = 0.0
    for i in range(0, N, 32):
        xb, yb = X[i:i + 32], y[i:i + 32]
        with torch.no_grad():
            t_logits = teacher(xb)
        s_logits = student_kd(xb)
        loss, soft, hard = distillation_loss(s_logits, t_logits, yb, T=4.0, alpha=0.7)
        opt.zero_grad()
        loss.backward()
        opt.step()
        running += loss.item()
    if epoch % 2 == 0:
        print(f"epoch {epoch}: loss {running / 3:.3f} soft {soft.item():.3f} hard {hard.item():.3f}")
print(f"student (KD) acc: {accuracy(student_kd):.4f}")

# the reduction variants of kl_div that tutorials warn about
s = torch.tensor([[1.0, 2.0, 0.5, -1.0], [0.0, 0.3, 0.2, 0.1]])
t = torch.tensor([[0.5, 2.5, 0.0, -0.5], [1.0, 0.0, 0.0, 0.0]])
ls, pt = F.log_softmax(s / 2.0, dim=-1), F.softmax(t / 2.0, dim=-1)
for red in ("batchmean", "sum", "mean", "none"):
    v = F.kl_div(ls, pt, reduction=red)
    print(red, v.round(decimals=5) if red == "none" else f"{v.item():.5f}")
print("log_target:", f"{F.kl_div(ls, pt.log(), reduction='batchmean', log_target=True).item():.5f}")
print("nn.KLDivLoss:", f"{nn.KLDivLoss(reduction='batchmean')(ls, pt).item():.5f}")
# the hand-written form people check it against
manual = (pt * (pt.log() - ls)).sum() / s.size(0)
print("manual:", f"{manual.item():.5f}")

# hidden-state matching with CosineEmbeddingLoss (the tutorial's second recipe)
torch.manual_seed(3)
proj = nn.Linear(8, 32)
cos_loss = nn.CosineEmbeddingLoss()
h_s = proj(student_kd.features(X[:16]))
h_t = teacher.features(X[:16]).detach()
cl = cos_loss(h_s, h_t, torch.ones(16))
cl.backward()
print(f"cosine loss: {cl.item():.4f}  proj grad norm: {proj.weight.grad.norm().item():.4f}")
# mse on logits: the other common variant
mse = F.mse_loss(student_kd(X[:16]), teacher(X[:16]))
print(f"logit mse: {mse.item():.4f}")
with torch.no_grad():
    agree = (student_kd(X).argmax(1) == teacher(X).argmax(1)).sum().item()
print("student agrees with teacher on", agree, "of", N)
