"""Metric learning: a siamese embedding net trained with TripletMarginWithDistanceLoss, distances via
pairwise_distance / cosine_similarity / cdist, contrastive loss by hand, top-k retrieval and recall@k."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(21)
n_cls, per, dim = 4, 10, 6
centers = torch.randn(n_cls, dim) * 2
labels = torch.arange(n_cls).repeat_interleave(per)
feats = centers[labels] + 1.6 * torch.randn(n_cls * per, dim)
print(feats.shape, labels[:12], labels.bincount())

a, b = torch.randn(3, 5), torch.randn(3, 5)
print(F.pairwise_distance(a, b).round(decimals=4), F.pairwise_distance(a, b, p=1).round(decimals=4))
print(F.pairwise_distance(a, b, keepdim=True).shape, F.pairwise_distance(a[0], b[0]).shape)
print(F.pairwise_distance(a, b, p=float("inf")).round(decimals=4), nn.PairwiseDistance(p=3, eps=1e-4))
print(F.cosine_similarity(a, b).round(decimals=4), F.cosine_similarity(a, b, dim=0).round(decimals=4))
print(F.cosine_similarity(a[:, None], b[None], dim=-1).round(decimals=4), nn.CosineSimilarity(dim=1, eps=1e-6))
print(F.cosine_similarity(torch.zeros(1, 3), torch.ones(1, 3)), F.normalize(a, dim=1).norm(dim=1).round(decimals=4))
print(torch.cdist(a, b).round(decimals=4))
print(torch.cdist(a, b, p=1).round(decimals=4), torch.cdist(a[None], b[None], p=0).shape)
print(torch.cdist(a, a, compute_mode="donot_use_mm_for_euclid_dist").diagonal())
try:
    torch.cdist(a, torch.randn(3, 4))
except RuntimeError as e:
    print(type(e).__name__, e)


class EmbedNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(dim, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Linear(16, 4))

    def forward(self, x):
        return F.normalize(self.net(x), p=2, dim=1)


model = EmbedNet()
print(model)
loss_fn = nn.TripletMarginWithDistanceLoss(distance_function=nn.PairwiseDistance(), margin=0.5)
cos_loss = nn.TripletMarginWithDistanceLoss(distance_function=lambda x, y: 1.0 - F.cosine_similarity(x, y),
                                            margin=0.2, swap=True, reduction="sum")
print(loss_fn, cos_loss.margin, cos_loss.swap, cos_loss.reduction)
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
g = torch.Generator().manual_seed(1)
for step in range(40):
    anc = torch.randint(0, len(labels), (16,), generator=g)
    pos = torch.empty_like(anc)
    neg = torch.empty_like(anc)
    for k, i in enumerate(anc.tolist()):
        same = (labels == labels[i]).nonzero().squeeze(1)
        diff = (labels != labels[i]).nonzero().squeeze(1)
        pos[k] = same[torch.randint(len(same), (1,), generator=g)]
        neg[k] = diff[torch.randint(len(diff), (1,), generator=g)]
    ea, ep, en = model(feats[anc]), model(feats[pos]), model(feats[neg])
    loss = loss_fn(ea, ep, en) + 0.1 * cos_loss(ea, ep, en)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 10 == 0:
        print(step, f"{loss.item():.3f}", type(loss.grad_fn).__name__)


def contrastive_loss(x1, x2, same, margin=1.0):
    d = F.pairwise_distance(x1, x2)
    return (same * d.pow(2) + (1 - same) * F.relu(margin - d).pow(2)).mean()


model.eval()
with torch.no_grad():
    emb = model(feats)
    print(emb.shape, f"{emb.norm(dim=1).mean():.4f}")
    print(f"{contrastive_loss(emb[:20], emb[20:], (labels[:20] == labels[20:]).float()).item():.3f}")
    dists = torch.cdist(emb, emb)
    dists.fill_diagonal_(float("inf"))
    vals, idx = torch.topk(dists, k=3, dim=1, largest=False)
    print(vals[:3].round(decimals=3), idx[:3])
    hit = (labels[idx] == labels[:, None])
    print(hit.shape, f"{hit[:, 0].float().mean():.3f}", f"{hit.any(dim=1).float().mean():.3f}")
    sims = emb @ emb.t()
    top = sims.topk(4, dim=1)
    print(type(top).__name__, top.values.shape, top.indices[:2], (top.indices[:, 0] == torch.arange(len(emb))).all())
    v, i = torch.topk(torch.tensor([1.0, 3.0, 3.0, 2.0]), 2, sorted=True)
    print(v, i, torch.topk(torch.tensor([[1, 5, 2], [7, 0, 7]]), 1), torch.kthvalue(torch.tensor([4.0, 1.0, 3.0]), 2))
    per_class = torch.stack([emb[labels == c].mean(0) for c in range(n_cls)])
    proto = F.cosine_similarity(emb[:, None, :], per_class[None], dim=-1)
    print(proto.shape, f"{(proto.argmax(1) == labels).float().mean():.3f}", proto.argmax(1)[::5])
try:
    torch.topk(torch.arange(3.0), 5)
except RuntimeError as e:
    print(type(e).__name__, e)
x1 = torch.randn(4, 3, requires_grad=True)
x2 = torch.randn(4, 3)
out = F.pairwise_distance(x1, x2).sum() + F.cosine_similarity(x1, x2).sum() + torch.cdist(x1, x2).sum()
out.backward()
print(type(out.grad_fn).__name__, x1.grad.round(decimals=3))
print(type(F.pairwise_distance(x1, x2).grad_fn).__name__, type(F.cosine_similarity(x1, x2).grad_fn).__name__,
      type(torch.cdist(x1, x2).grad_fn).__name__)
