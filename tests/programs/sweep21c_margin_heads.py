"""Face-recognition margin heads in the style of insightface / arcface-pytorch / CosFace repos:
ArcMarginProduct (F.normalize of features and weights, cos(theta + m) through sqrt(1 - cos^2) with the
th / mm "easy margin" fallback, one_hot via scatter_, scale s), AddMarginProduct (CosFace),
SphereFace's multiplicative angular margin with the Chebyshev cos(m theta) and k = floor(m theta / pi),
an acos/cos-with-clamp ArcFace, a CenterLoss module trained by its own SGD optimizer with its
gradient rescaled by 1 / alpha, and extra_repr's of the heads."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn import Parameter


class ArcMarginProduct(nn.Module):
    def __init__(self, in_features, out_features, s=30.0, m=0.50, easy_margin=False):
        super().__init__()
        self.in_features, self.out_features, self.s, self.m = in_features, out_features, s, m
        self.weight = Parameter(torch.FloatTensor(out_features, in_features))
        nn.init.xavier_uniform_(self.weight)
        self.easy_margin = easy_margin
        self.cos_m, self.sin_m = math.cos(m), math.sin(m)
        self.th = math.cos(math.pi - m)
        self.mm = math.sin(math.pi - m) * m

    def forward(self, input, label):
        cosine = F.linear(F.normalize(input), F.normalize(self.weight))
        sine = torch.sqrt((1.0 - torch.pow(cosine, 2)).clamp(0, 1))
        phi = cosine * self.cos_m - sine * self.sin_m
        if self.easy_margin:
            phi = torch.where(cosine > 0, phi, cosine)
        else:
            phi = torch.where(cosine > self.th, phi, cosine - self.mm)
        one_hot = torch.zeros(cosine.size(), device=input.device)
        one_hot.scatter_(1, label.view(-1, 1).long(), 1)
        output = (one_hot * phi) + ((1.0 - one_hot) * cosine)
        return output * self.s

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, s={self.s}, m={self.m}"


class AddMarginProduct(nn.Module):
    def __init__(self, in_features, out_features, s=30.0, m=0.40):
        super().__init__()
        self.s, self.m = s, m
        self.in_features, self.out_features = in_features, out_features
        self.weight = Parameter(torch.empty(out_features, in_features))
        nn.init.xavier_uniform_(self.weight)

    def forward(self, input, label):
        cosine = F.linear(F.normalize(input), F.normalize(self.weight))
        phi = cosine - self.m
        one_hot = torch.zeros_like(cosine).scatter_(1, label.view(-1, 1), 1.0)
        return self.s * torch.where(one_hot.bool(), phi, cosine)

    def __repr__(self):
        return (self.__class__.__name__ + "(" + "in_features=" + str(self.in_features) + ", out_features="
                + str(self.out_features) + ", s=" + str(self.s) + ", m=" + str(self.m) + ")")


class SphereProduct(nn.Module):
    def __init__(self, in_features, out_features, m=4):
        super().__init__()
        self.in_features, self.out_features, self.m = in_features, out_features, m
        self.base, self.gamma, self.power, self.LambdaMin, self.iter = 1000.0, 0.12, 1, 5.0, 0
        self.weight = Parameter(torch.FloatTensor(out_features, in_features))
        nn.init.xavier_uniform_(self.weight)
        self.mlambda = [lambda x: x ** 0, lambda x: x ** 1, lambda x: 2 * x ** 2 - 1,
                        lambda x: 4 * x ** 3 - 3 * x, lambda x: 8 * x ** 4 - 8 * x ** 2 + 1]

    def forward(self, input, label):
        self.iter += 1
        self.lamb = max(self.LambdaMin, self.base * (1 + self.gamma * self.iter) ** (-1 * self.power))
        cos_theta = F.linear(F.normalize(input), F.normalize(self.weight)).clamp(-1, 1)
        cos_m_theta = self.mlambda[self.m](cos_theta)
        theta = cos_theta.data.acos()
        k = (self.m * theta / 3.14159265).floor()
        phi_theta = ((-1.0) ** k) * cos_m_theta - 2 * k
        NormOfFeature = torch.norm(input, 2, 1)
        one_hot = torch.zeros(cos_theta.size()).scatter_(1, label.view(-1, 1), 1)
        output = (one_hot * (phi_theta - cos_theta) / (1 + self.lamb)) + cos_theta
        output *= NormOfFeature.view(-1, 1)
        return output


class ArcFaceAcos(nn.Module):
    """theta = acos(clamp(cos)), add the margin to the target angle, back through cos."""

    def __init__(self, emb, n_cls, s=16.0, m=0.3, eps=1e-7):
        super().__init__()
        self.W = nn.Parameter(torch.randn(emb, n_cls) * 0.1)
        self.s, self.m, self.eps = s, m, eps

    def forward(self, x, y):
        logits = F.normalize(x, dim=1) @ F.normalize(self.W, dim=0)
        theta = torch.acos(torch.clamp(logits, -1.0 + self.eps, 1.0 - self.eps))
        target = torch.cos(theta + self.m)
        oh = F.one_hot(y, num_classes=logits.size(1)).to(logits.dtype)
        return self.s * (oh * target + (1 - oh) * logits)


class CenterLoss(nn.Module):
    def __init__(self, num_classes, feat_dim):
        super().__init__()
        self.num_classes = num_classes
        self.centers = nn.Parameter(torch.randn(num_classes, feat_dim))

    def forward(self, x, labels):
        batch_size = x.size(0)
        distmat = torch.pow(x, 2).sum(dim=1, keepdim=True).expand(batch_size, self.num_classes) + \
            torch.pow(self.centers, 2).sum(dim=1, keepdim=True).expand(self.num_classes, batch_size).t()
        distmat.addmm_(x, self.centers.t(), beta=1, alpha=-2)
        classes = torch.arange(self.num_classes).long()
        labels = labels.unsqueeze(1).expand(batch_size, self.num_classes)
        mask = labels.eq(classes.expand(batch_size, self.num_classes))
        dist = distmat * mask.float()
        return dist.clamp(min=1e-12, max=1e+12).sum() / batch_size


torch.manual_seed(0)
feats = torch.randn(6, 8)
labels = torch.tensor([0, 1, 2, 3, 1, 0])
arc = ArcMarginProduct(8, 4, s=30.0, m=0.5)
print(arc)
out = arc(feats, labels)
print("arc", out.shape, out.round(decimals=3))
print("arc easy", ArcMarginProduct(8, 4, easy_margin=True)(feats, labels)[0].round(decimals=3))
cos = nn.CosineSimilarity()
print("th/mm", round(arc.th, 6), round(arc.mm, 6), f"{F.cross_entropy(out, labels).item():.4f}")
add = AddMarginProduct(8, 4, s=10.0, m=0.35)
print(add, add(feats, labels).round(decimals=3)[:2])
sph = SphereProduct(8, 4, m=4)
o = sph(feats, labels)
print(sph.lamb, o.round(decimals=3)[:2])
print("k", (4 * F.linear(F.normalize(feats), F.normalize(sph.weight)).acos() / 3.14159265).floor()[:2])
ac = ArcFaceAcos(8, 4)
print("acos head", ac(feats, labels).round(decimals=3)[:2])
oh = torch.zeros(3, 5).scatter_(1, torch.tensor([[1], [4], [0]]), 1)
print(oh, F.one_hot(torch.tensor([1, 4, 0]), 5))
print(torch.zeros(2, 4).scatter_(1, torch.tensor([[3], [1]]), 2.5, reduce="add"))
print(torch.zeros(2, 4).scatter(1, torch.tensor([[3], [1]]), torch.tensor([[7.0], [8.0]])))
w = torch.randn(4, 8)
print("normalize", F.normalize(w).norm(dim=1).round(decimals=5), F.normalize(w, dim=0).norm(dim=0).round(decimals=5))
print(F.normalize(torch.zeros(2, 3)), F.normalize(torch.tensor([[3.0, 4.0]]), p=1))
print("acos edge", torch.acos(torch.tensor([1.0, -1.0, 1.0000001, 0.5])), torch.tensor([1.5, -2.0]).clamp(-1, 1).acos())

# training: backbone + ArcFace head + center loss with its own optimizer
torch.manual_seed(1)
n_cls, per = 4, 8
protos = torch.randn(n_cls, 10) * 1.2
y = torch.arange(n_cls).repeat(per)
x = protos[y] + 0.7 * torch.randn(n_cls * per, 10)
backbone = nn.Sequential(nn.Linear(10, 16), nn.PReLU(), nn.Linear(16, 6), nn.BatchNorm1d(6))
head = ArcMarginProduct(6, n_cls, s=8.0, m=0.2)
center_loss = CenterLoss(num_classes=n_cls, feat_dim=6)
print(backbone[1], list(center_loss.state_dict()))
alpha, weight_cent = 0.5, 0.01
optimizer = torch.optim.SGD([{"params": backbone.parameters()}, {"params": head.parameters(), "weight_decay": 5e-4}],
                            lr=0.05, momentum=0.9, weight_decay=5e-4)
optimizer_centloss = torch.optim.SGD(center_loss.parameters(), lr=alpha)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=3, gamma=0.5)
criterion = nn.CrossEntropyLoss()
for epoch in range(6):
    perm = torch.randperm(len(x))
    tot = 0.0
    for i in range(0, len(x), 16):
        idx = perm[i:i + 16]
        f = backbone(x[idx])
        logits = head(f, y[idx])
        loss_x = criterion(logits, y[idx])
        loss_c = center_loss(f, y[idx])
        loss = loss_x + weight_cent * loss_c
        optimizer.zero_grad()
        optimizer_centloss.zero_grad()
        loss.backward()
        optimizer.step()
        for param in center_loss.parameters():
            param.grad.data *= (1.0 / weight_cent)
        optimizer_centloss.step()
        tot += loss.item()
    scheduler.step()
    print(f"epoch {epoch} loss {tot / 2:.4f} lr {scheduler.get_last_lr()[0]:.4f}")

backbone.eval()
with torch.no_grad():
    f = F.normalize(backbone(x))
    cos_logits = F.linear(f, F.normalize(head.weight))
    acc = (cos_logits.argmax(1) == y).float().mean().item()
    theta = torch.rad2deg(torch.acos(cos_logits.gather(1, y[:, None]).clamp(-1, 1)))
print(f"acc {acc:.4f} mean target angle {theta.mean().item():.2f}")
print("centers", center_loss.centers.shape, center_loss.centers.grad.abs().sum().item() > 0)
sim = f @ f.t()
same = y[:, None] == y[None]
print(f"intra {sim[same].mean().item():.4f} inter {sim[~same].mean().item():.4f}")
