"""Blog post "Numerically stable tricks every deep learning engineer should know": catastrophic
cancellation in (1 - cos x) and (sqrt(x+1) - sqrt(x)), log1p / expm1 versus the naive forms, a naive
and a max-shifted log-sum-exp against torch.logsumexp, naive softmax overflow, softplus by hand versus
F.softplus, log_softmax, BCE-with-logits from scratch versus F.binary_cross_entropy_with_logits,
sigmoid/logsigmoid at extremes and their gradients, Kahan summation in float32 and float16, and the
variance one-pass formula failing on large offsets."""
import math

import torch
import torch.nn.functional as F

torch.manual_seed(0)

print("== cancellation ==")
x = torch.tensor([1e-1, 1e-3, 1e-4, 1e-5], dtype=torch.float32)
naive = 1 - torch.cos(x)
stable = 2 * torch.sin(x / 2) ** 2
print("naive :", naive)
print("stable:", stable)
print("exact :", (1 - torch.cos(x.double())))
big = torch.tensor([1e2, 1e4, 1e6, 1e7])
print(torch.sqrt(big + 1) - torch.sqrt(big), 1 / (torch.sqrt(big + 1) + torch.sqrt(big)))

print("== log1p / expm1 ==")
small = torch.tensor([1e-3, 1e-6, 1e-8, 1e-10])
print(torch.log(1 + small), torch.log1p(small))
print(torch.exp(small) - 1, torch.expm1(small))
print(torch.log1p(torch.tensor([-1.0, -0.5, 0.0, 1.0])), torch.expm1(torch.tensor([0.0, 100.0, -100.0])))
print(torch.special.log1p(torch.tensor([1e-7], dtype=torch.float64)), torch.special.expm1(torch.tensor([1e-9])))

print("== log-sum-exp ==")
logits = torch.tensor([[1000.0, 1001.0, 1002.0], [-1000.0, -1001.0, -1002.0], [1.0, 2.0, 3.0]])
naive_lse = torch.log(torch.exp(logits).sum(dim=1))
m = logits.max(dim=1, keepdim=True).values
shifted = (m + torch.log(torch.exp(logits - m).sum(dim=1, keepdim=True))).squeeze(1)
print("naive  :", naive_lse)
print("shifted:", shifted)
print("torch  :", torch.logsumexp(logits, dim=1), torch.logsumexp(logits, dim=1, keepdim=True).shape)
print(torch.logsumexp(torch.tensor([-float("inf"), -float("inf")]), 0),
      torch.logsumexp(torch.tensor([float("inf"), 1.0]), 0), torch.logsumexp(torch.tensor([]), 0))
print(torch.exp(logits) / torch.exp(logits).sum(1, keepdim=True))
print(torch.softmax(logits, dim=1), F.log_softmax(logits, dim=1))

print("== softplus ==")
z = torch.tensor([-100.0, -20.0, -1.0, 0.0, 1.0, 20.0, 30.0, 100.0])
print("naive :", torch.log(1 + torch.exp(z)))
print("stable:", torch.clamp(z, min=0) + torch.log1p(torch.exp(-z.abs())))
print("F     :", F.softplus(z), F.softplus(z, beta=2.0, threshold=5.0))
print(torch.nn.Softplus(beta=0.5)(z))

print("== sigmoid / BCE with logits ==")
s = torch.tensor([-100.0, -30.0, -10.0, 0.0, 10.0, 30.0, 100.0], requires_grad=True)
print(torch.sigmoid(s), F.logsigmoid(s), torch.log(torch.sigmoid(s)))
F.logsigmoid(s).sum().backward()
print(s.grad)
y = torch.tensor([1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.0])
logit = s.detach()
naive_bce = -(y * torch.log(torch.sigmoid(logit)) + (1 - y) * torch.log(1 - torch.sigmoid(logit)))
stable_bce = torch.clamp(logit, min=0) - logit * y + torch.log1p(torch.exp(-logit.abs()))
print(naive_bce)
print(stable_bce)
print(F.binary_cross_entropy_with_logits(logit, y, reduction="none"))
print(F.binary_cross_entropy(torch.sigmoid(logit), y, reduction="none"))
print(F.binary_cross_entropy_with_logits(logit, y).item() == stable_bce.mean().item())

print("== Kahan summation ==")


def kahan_sum(values):
    total = torch.zeros((), dtype=values.dtype)
    c = torch.zeros((), dtype=values.dtype)
    for v in values:
        yk = v - c
        t = total + yk
        c = (t - total) - yk
        total = t
    return total


def naive_sum(values):
    total = torch.zeros((), dtype=values.dtype)
    for v in values:
        total = total + v
    return total


vals = torch.full((2000,), 0.1, dtype=torch.float16)
print("half naive:", naive_sum(vals), "kahan:", kahan_sum(vals), "exact:", 2000 * 0.1)
vals32 = torch.cat([torch.tensor([1e8]), torch.ones(1000)])
print("f32 naive:", naive_sum(vals32).item(), "kahan:", kahan_sum(vals32).item(), "f64:", vals32.double().sum().item())
print(math.fsum([1e8] + [1.0] * 1000), sum([0.1] * 10), math.fsum([0.1] * 10))

print("== variance with a large offset ==")
data = torch.randn(1000) + 1e4
one_pass = (data ** 2).mean() - data.mean() ** 2
two_pass = ((data - data.mean()) ** 2).mean()
print(f"one-pass {one_pass.item():.1f} (float32 garbage) two-pass {two_pass.item():.3f} "
      f"torch.var {data.var(unbiased=False).item():.3f} float64 {data.double().var(unbiased=False).item():.3f}")
print(torch.tensor(1e8) + 1 - 1e8, torch.tensor(1e8, dtype=torch.float64) + 1 - 1e8, torch.tensor(16777217.0).long())
