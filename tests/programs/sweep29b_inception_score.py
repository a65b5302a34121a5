"""Inception Score from a toy classifier's softmax outputs: KL(p(y|x) || p(y)), split statistics,
and the same quantity through torch.distributions."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import Categorical, kl_divergence


class TinyClassifier(nn.Module):
    def __init__(self, n_classes=10):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(inplace=True),
            nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.head = nn.Linear(16, n_classes)

    def forward(self, x):
        return self.head(self.features(x))


def inception_score(probs, splits=5, eps=1e-12):
    scores = []
    for part in probs.chunk(splits):
        py = part.mean(dim=0, keepdim=True)
        kl = part * (torch.log(part + eps) - torch.log(py + eps))
        scores.append(kl.sum(dim=1).mean().exp())
    scores = torch.stack(scores)
    return scores.mean(), scores.std()


torch.manual_seed(0)
model = TinyClassifier()
print(model)
print("parameters:", sum(p.numel() for p in model.parameters()))
model.eval()
images = torch.rand(100, 3, 16, 16) * 2 - 1
with torch.no_grad():
    logits = model(images) * 8.0
probs = F.softmax(logits, dim=1)
print("rows sum to one:", torch.allclose(probs.sum(1), torch.ones(100)))
m, s = inception_score(probs)
print(f"IS (toy model)  = {m:.4f} +- {s:.4f}")

# extremes: one-hot predictions over all classes give IS = n_classes, uniform gives 1
onehot = F.one_hot(torch.arange(100) % 10, num_classes=10).float()
print("IS one-hot:", [round(v.item(), 3) for v in inception_score(onehot)])
uniform = torch.full((100, 10), 0.1)
print("IS uniform:", [round(v.item(), 3) for v in inception_score(uniform)])

# same thing with distributions and F.kl_div
sharp = F.softmax(torch.randn(200, 10) * 3, dim=-1)
cond = Categorical(probs=sharp)
marg = Categorical(probs=sharp.mean(0).expand(200, 10))
kl = kl_divergence(cond, marg)
print("kl shape:", kl.shape, "IS =", f"{kl.mean().exp():.4f}")
kl2 = F.kl_div(sharp.mean(0, keepdim=True).log().expand_as(sharp), sharp, reduction="none").sum(1)
print("kl_div agrees:", torch.allclose(kl, kl2, atol=1e-6))
kl3 = F.kl_div(sharp.mean(0).log().expand_as(sharp), sharp, reduction="batchmean")
print(f"batchmean = {kl3:.4f}, IS = {torch.exp(kl3):.4f}")
print("entropies:", f"{cond.entropy().mean():.4f}", f"{marg.entropy()[0]:.4f}")
print("mutual info = H(y) - E H(y|x):", f"{(marg.entropy()[0] - cond.entropy().mean()):.4f}")

# log-space computation from logits
logp = torch.randn(200, 10).log_softmax(dim=1)
log_py = torch.logsumexp(logp, dim=0) - torch.log(torch.tensor(200.0))
is_log = (logp.exp() * (logp - log_py)).sum(1).mean().exp()
print(f"IS from log-probs = {is_log:.4f}")
print("top classes:", probs.argmax(1).bincount(minlength=10))
vals, idx = probs.topk(3, dim=1)
print(vals[:2], idx[:2], sep="\n")

try:
    Categorical(probs=torch.tensor([[0.5, -0.5]]))
except ValueError as e:
    print("ValueError:", e)
try:
    F.softmax(torch.randn(3, 4), dim=2)
except IndexError as e:
    print("IndexError:", e)
