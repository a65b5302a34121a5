"""Online triplet mining in the style of the well-known "triplet loss and online triplet mining" blog
post / reid-strong-baseline: pairwise distance matrices (by the ||a||^2 - 2ab + ||b||^2 expansion, by
torch.cdist and by broadcasting), label-equality masks with the diagonal removed, batch-hard mining
(max over positives, min over negatives after adding the row max to the masked entries), batch-all
mining with a 3-D mask, soft-margin, nn.TripletMarginLoss / TripletMarginWithDistanceLoss, the
Hadsell contrastive loss, a PK batch sampler, and a tiny embedding net trained with it; then the
siamese-triplet repo's NumPy-driven selectors (itertools.combinations of anchor-positive pairs,
hardest / random-hard / semi-hard negatives chosen with np.argmax / np.where / np.random.choice,
torch.LongTensor of NumPy arrays, indexing tensors with NumPy arrays and scalars)."""
from itertools import combinations

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def pairwise_distances(embeddings, squared=False):
    dot = embeddings @ embeddings.t()
    square_norm = torch.diag(dot)
    distances = square_norm.unsqueeze(0) - 2.0 * dot + square_norm.unsqueeze(1)
    distances = torch.clamp(distances, min=0.0)
    if not squared:
        mask = distances.eq(0).float()
        distances = distances + mask * 1e-16
        distances = (1.0 - mask) * torch.sqrt(distances)
    return distances


def anchor_positive_mask(labels):
    indices_equal = torch.eye(labels.size(0), dtype=torch.bool, device=labels.device)
    indices_not_equal = ~indices_equal
    labels_equal = labels.unsqueeze(0) == labels.unsqueeze(1)
    return labels_equal & indices_not_equal


def anchor_negative_mask(labels):
    return ~(labels.unsqueeze(0) == labels.unsqueeze(1))


def triplet_mask(labels):
    eye = torch.eye(labels.size(0)).bool()
    ne = ~eye
    distinct = ne.unsqueeze(2) & ne.unsqueeze(1) & ne.unsqueeze(0)
    eq = labels.unsqueeze(0) == labels.unsqueeze(1)
    valid = eq.unsqueeze(2) & ~eq.unsqueeze(1)
    return valid & distinct


def batch_hard_triplet_loss(labels, embeddings, margin, squared=False):
    d = pairwise_distances(embeddings, squared=squared)
    mask_ap = anchor_positive_mask(labels).float()
    hardest_pos, _ = (mask_ap * d).max(1, keepdim=True)
    mask_an = anchor_negative_mask(labels).float()
    max_an, _ = d.max(1, keepdim=True)
    hardest_neg, _ = (d + max_an * (1.0 - mask_an)).min(1, keepdim=True)
    loss = F.relu(hardest_pos - hardest_neg + margin)
    return loss.mean(), hardest_pos.squeeze(1), hardest_neg.squeeze(1)


def batch_all_triplet_loss(labels, embeddings, margin, squared=False):
    d = pairwise_distances(embeddings, squared=squared)
    ap = d.unsqueeze(2)
    an = d.unsqueeze(1)
    loss = ap - an + margin
    mask = triplet_mask(labels).float()
    loss = mask * loss
    loss = loss.clamp(min=0.0)
    positive = torch.gt(loss, 1e-16).float()
    num_pos = positive.sum()
    num_valid = mask.sum()
    frac = num_pos / (num_valid + 1e-16)
    return loss.sum() / (num_pos + 1e-16), frac, int(num_valid.item())


torch.manual_seed(0)
labels = torch.tensor([0, 0, 1, 1, 2, 2, 0, 1])
emb = torch.randn(8, 5)
d_expand = pairwise_distances(emb)
d_cdist = torch.cdist(emb, emb)
d_bcast = (emb[:, None, :] - emb[None, :, :]).pow(2).sum(-1).sqrt()
print(d_expand.round(decimals=3))
print("diag", d_expand.diagonal(), d_cdist.diagonal().abs().max().item() < 1e-3)
print("agree", torch.allclose(d_expand, d_cdist, atol=1e-4), torch.allclose(d_bcast, d_cdist, atol=1e-5))
print("squared", pairwise_distances(emb, squared=True)[0, :4].round(decimals=3))
print(anchor_positive_mask(labels).int())
print(anchor_negative_mask(labels).sum(1), triplet_mask(labels).sum().item(), triplet_mask(labels).shape)

loss, hp, hn = batch_hard_triplet_loss(labels, emb, margin=0.5)
print(f"batch hard {loss.item():.4f}", hp.round(decimals=3), hn.round(decimals=3))
loss_all, frac, n_valid = batch_all_triplet_loss(labels, emb, margin=0.5)
print(f"batch all {loss_all.item():.4f} frac {frac.item():.4f} valid {n_valid}")

# the same batch-hard with masked_fill / where and cdist, as in reid code
dist = torch.cdist(emb, emb)
same = labels[:, None].eq(labels[None, :])
is_pos = same.clone().fill_diagonal_(False)
is_neg = ~same
dist_ap = dist.masked_fill(~is_pos, float("-inf")).max(dim=1).values
dist_an = dist.masked_fill(~is_neg, float("inf")).min(dim=1).values
ap_idx = torch.where(is_pos, dist, torch.full_like(dist, -1.0)).argmax(1)
an_idx = torch.where(is_neg, dist, torch.full_like(dist, 1e9)).argmin(1)
print("ap", dist_ap.round(decimals=3), ap_idx)
print("an", dist_an.round(decimals=3), an_idx)
y = torch.ones_like(dist_an)
print("ranking", F.margin_ranking_loss(dist_an, dist_ap, y, margin=0.3).round(decimals=4))
print("soft margin", F.soft_margin_loss(dist_an - dist_ap, y).round(decimals=4),
      F.softplus(dist_ap - dist_an).mean().round(decimals=4))
print("hardest via sort", dist.masked_fill(~is_pos, 0).sort(dim=1, descending=True)[1][:, 0])
print("topk neg", torch.topk(dist.masked_fill(~is_neg, float("inf")), k=2, dim=1, largest=False).indices)
print("mask counts", is_pos.sum(dim=1), is_pos.sum().item(), is_neg.float().mean().item())

# torch's triplet losses on explicit triplets
a, p, n = emb[ap_idx.new_tensor([0, 2, 4])], emb[ap_idx[[0, 2, 4]]], emb[an_idx[[0, 2, 4]]]
tml = nn.TripletMarginLoss(margin=1.0, p=2)
print(tml, f"{tml(a, p, n).item():.4f}")
print(nn.TripletMarginLoss(margin=0.2, p=1, swap=True, reduction="none")(a, p, n).round(decimals=4))
print(F.triplet_margin_loss(a, p, n, margin=0.5, eps=1e-6, reduction="sum").round(decimals=4))
cos_dist = lambda x, y: 1.0 - F.cosine_similarity(x, y)
twd = nn.TripletMarginWithDistanceLoss(distance_function=cos_dist, margin=0.3)
print(twd, f"{twd(a, p, n).item():.4f}")
twd2 = nn.TripletMarginWithDistanceLoss(distance_function=nn.PairwiseDistance(), swap=True, reduction="none")
print(twd2(a, p, n).round(decimals=4))
print(F.triplet_margin_with_distance_loss(a, p, n).round(decimals=4))
try:
    tml(a, p, n[:2])
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    F.triplet_margin_with_distance_loss(a, p, n, margin=-1.0)
except ValueError as e:
    print("ValueError:", e)


def contrastive_loss(x1, x2, same, margin=1.0):
    d = F.pairwise_distance(x1, x2, keepdim=True)
    return torch.mean(same * torch.pow(d, 2) + (1 - same) * torch.pow(torch.clamp(margin - d, min=0.0), 2))


pairs_same = (labels[:4] == labels[4:]).float().unsqueeze(1)
print("contrastive", f"{contrastive_loss(emb[:4], emb[4:], pairs_same).item():.4f}", pairs_same.t())
cel = nn.CosineEmbeddingLoss(margin=0.2)
print(cel, cel(emb[:4], emb[4:], pairs_same.squeeze(1) * 2 - 1).round(decimals=4))


# PK sampling + training an embedding net with batch-hard loss
class PKSampler(torch.utils.data.Sampler):
    def __init__(self, labels, p, k, n_batches, generator=None):
        self.labels, self.p, self.k, self.n_batches, self.g = labels, p, k, n_batches, generator
        self.classes = labels.unique()

    def __iter__(self):
        for _ in range(self.n_batches):
            cls = self.classes[torch.randperm(len(self.classes), generator=self.g)[: self.p]]
            batch = []
            for c in cls.tolist():
                idx = (self.labels == c).nonzero(as_tuple=True)[0]
                batch.extend(idx[torch.randperm(len(idx), generator=self.g)[: self.k]].tolist())
            yield batch

    def __len__(self):
        return self.n_batches


torch.manual_seed(1)
n_cls, per = 5, 6
centers = torch.randn(n_cls, 8) * 1.5
ys = torch.arange(n_cls).repeat_interleave(per)
xs = centers[ys] + torch.randn(n_cls * per, 8)
ds = torch.utils.data.TensorDataset(xs, ys)
g = torch.Generator().manual_seed(3)
loader = torch.utils.data.DataLoader(ds, batch_sampler=PKSampler(ys, p=3, k=4, n_batches=4, generator=g))
print("batches", len(loader), [b[1].tolist() for b in loader][0])

net = nn.Sequential(nn.Linear(8, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Linear(16, 4))
opt = torch.optim.Adam(net.parameters(), lr=1e-2)
for epoch in range(3):
    tot, n = 0.0, 0
    for xb, yb in loader:
        e = F.normalize(net(xb), p=2, dim=1)
        l, _, _ = batch_hard_triplet_loss(yb, e, margin=0.3)
        opt.zero_grad()
        l.backward()
        opt.step()
        tot, n = tot + l.item(), n + 1
    print(f"epoch {epoch} loss {tot / n:.4f}")

net.eval()
with torch.no_grad():
    e = F.normalize(net(xs), dim=1)
    dd = torch.cdist(e, e).fill_diagonal_(float("inf"))
    nn1 = dd.argmin(dim=1)
    acc = (ys[nn1] == ys).float().mean()
    print(f"recall@1 {acc.item():.4f}", e.norm(dim=1).sub(1).abs().max().item() < 1e-5)

# ---- siamese-triplet style selectors, driven by NumPy -------------------------------------------
np.random.seed(0)
torch.manual_seed(0)


def pdist(vectors):
    distance_matrix = -2 * vectors.mm(torch.t(vectors)) + vectors.pow(2).sum(dim=1).view(1, -1) + vectors.pow(2).sum(
        dim=1).view(-1, 1)
    return distance_matrix


def hardest_negative(loss_values):
    hard_negative = np.argmax(loss_values)
    return hard_negative if loss_values[hard_negative] > 0 else None


def random_hard_negative(loss_values):
    hard_negatives = np.where(loss_values > 0)[0]
    return np.random.choice(hard_negatives) if len(hard_negatives) > 0 else None


def semihard_negative(loss_values, margin):
    semihard_negatives = np.where(np.logical_and(loss_values < margin, loss_values > 0))[0]
    return np.random.choice(semihard_negatives) if len(semihard_negatives) > 0 else None


def get_triplets(embeddings, labels, margin, fn):
    embeddings = embeddings.cpu()
    distance_matrix = pdist(embeddings)
    distance_matrix = distance_matrix.cpu()
    labels = labels.cpu().data.numpy()
    triplets = []
    for label in set(labels):
        label_mask = (labels == label)
        label_indices = np.where(label_mask)[0]
        if len(label_indices) < 2:
            continue
        negative_indices = np.where(np.logical_not(label_mask))[0]
        anchor_positives = list(combinations(label_indices, 2))
        anchor_positives = np.array(anchor_positives)
        ap_distances = distance_matrix[anchor_positives[:, 0], anchor_positives[:, 1]]
        for anchor_positive, ap_distance in zip(anchor_positives, ap_distances):
            loss_values = ap_distance - distance_matrix[torch.LongTensor(np.array([anchor_positive[0]])),
                                                        torch.LongTensor(negative_indices)] + margin
            loss_values = loss_values.data.cpu().numpy()
            hard_negative = fn(loss_values)
            if hard_negative is not None:
                hard_negative = negative_indices[hard_negative]
                triplets.append([anchor_positive[0], anchor_positive[1], hard_negative])
    if len(triplets) == 0:
        triplets.append([anchor_positive[0], anchor_positive[1], negative_indices[0]])
    triplets = np.array(triplets)
    return torch.LongTensor(triplets)


emb = torch.randn(10, 4, requires_grad=True)
labels = torch.tensor([0, 0, 1, 1, 1, 2, 2, 0, 2, 1])
for name, fn in (("hardest", hardest_negative), ("random", random_hard_negative),
                 ("semihard", lambda lv: semihard_negative(lv, 1.0))):
    triplets = get_triplets(emb, labels, 1.0, fn)
    ap = (emb[triplets[:, 0]] - emb[triplets[:, 1]]).pow(2).sum(1)
    an = (emb[triplets[:, 0]] - emb[triplets[:, 2]]).pow(2).sum(1)
    losses = F.relu(ap - an + 1.0)
    print(name, triplets.shape, triplets[:3].tolist(), f"{losses.mean().item():.4f}", len(triplets))
losses.mean().backward()
print(emb.grad.abs().sum(1).round(decimals=4))
d = pdist(emb.detach())
print(d[np.array([0, 1]), np.array([2, 3])], d[torch.tensor([0, 1]), [2, 3]])
print(d[np.int64(2)], d[np.array(1)], d[[np.int64(0), np.int64(1)]].shape)
print(torch.LongTensor(np.array([[1, 2], [3, 4]])), torch.LongTensor([1, 2]).dtype, torch.FloatTensor(np.array([1.5])))
all_pairs = np.array(list(combinations(range(len(labels)), 2)))
all_pairs = torch.LongTensor(all_pairs)
positive_pairs = all_pairs[(labels[all_pairs[:, 0]] == labels[all_pairs[:, 1]]).nonzero()]
negative_pairs = all_pairs[(labels[all_pairs[:, 0]] != labels[all_pairs[:, 1]]).nonzero()]
print(positive_pairs.shape, negative_pairs.shape, positive_pairs[:2])
negative_distances = F.pairwise_distance(emb[negative_pairs[:, 0, 0]], emb[negative_pairs[:, 0, 1]]).detach().numpy()
top_negatives = np.argpartition(negative_distances, len(positive_pairs))[:len(positive_pairs)]
print(sorted(top_negatives.tolist())[:5], negative_distances.dtype)
t = torch.from_numpy(negative_distances)
print(t[top_negatives].shape, float(t.max()), int(np.int64(3) * torch.tensor(2)))
print(torch.tensor(np.float32(2.5)) * 2, np.float64(2.0) * torch.ones(2), torch.ones(2) * np.float32(3))
print((np.float32(2.0) * torch.ones(2)).dtype, (np.float64(2.0) + torch.ones(2)).dtype, type(np.float64(1) * torch.ones(1)))
