"""DETR's set-prediction training step as a tutorial re-implements it: a tiny transformer decoder with
learned object queries, the Hungarian matcher (cost = class probability + L1 + GIoU, solved by a
small hand-written Hungarian algorithm), the set criterion with a down-weighted no-object class,
GIoU / DIoU losses, KL-loss box regression with predicted log-variances through
torch.distributions, and post-processing with Soft-NMS (Gaussian decay) and weighted box fusion."""
import itertools

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import Categorical, Laplace, Normal, kl_divergence

torch.manual_seed(5)
torch.set_printoptions(precision=4, sci_mode=False)

num_queries, num_classes, d_model = 6, 3, 16


def box_cxcywh_to_xyxy(x):
    cx, cy, w, h = x.unbind(-1)
    return torch.stack([cx - 0.5 * w, cy - 0.5 * h, cx + 0.5 * w, cy + 0.5 * h], dim=-1)


def generalized_box_iou(b1, b2):
    assert (b1[:, 2:] >= b1[:, :2]).all()
    area1 = (b1[:, 2] - b1[:, 0]) * (b1[:, 3] - b1[:, 1])
    area2 = (b2[:, 2] - b2[:, 0]) * (b2[:, 3] - b2[:, 1])
    lt = torch.max(b1[:, None, :2], b2[:, :2])
    rb = torch.min(b1[:, None, 2:], b2[:, 2:])
    wh = (rb - lt).clamp(min=0)
    inter = wh[..., 0] * wh[..., 1]
    union = area1[:, None] + area2 - inter
    iou = inter / union
    lt_c = torch.min(b1[:, None, :2], b2[:, :2])
    rb_c = torch.max(b1[:, None, 2:], b2[:, 2:])
    area_c = (rb_c - lt_c).clamp(min=0).prod(-1)
    return iou - (area_c - union) / area_c, iou


def diou(b1, b2):
    giou, iou = generalized_box_iou(b1, b2)
    c1 = (b1[:, None, :2] + b1[:, None, 2:]) / 2
    c2 = (b2[None, :, :2] + b2[None, :, 2:]) / 2
    rho2 = (c1 - c2).pow(2).sum(-1)
    enc = torch.max(b1[:, None, 2:], b2[:, 2:]) - torch.min(b1[:, None, :2], b2[:, :2])
    return iou - rho2 / enc.pow(2).sum(-1)


class TinyDETR(nn.Module):
    def __init__(self):
        super().__init__()
        self.backbone = nn.Sequential(nn.Conv2d(3, d_model, 4, stride=4), nn.GELU())
        self.query_embed = nn.Embedding(num_queries, d_model)
        self.decoder = nn.TransformerDecoder(
            nn.TransformerDecoderLayer(d_model, nhead=2, dim_feedforward=32, dropout=0.0, batch_first=True),
            num_layers=2)
        self.class_embed = nn.Linear(d_model, num_classes + 1)
        self.bbox_embed = nn.Sequential(nn.Linear(d_model, d_model), nn.ReLU(), nn.Linear(d_model, 4))
        self.logvar = nn.Linear(d_model, 4)

    def forward(self, img):
        mem = self.backbone(img).flatten(2).transpose(1, 2)        # B, HW, C
        q = self.query_embed.weight.unsqueeze(0).repeat(img.shape[0], 1, 1)
        hs = self.decoder(q, mem)
        return self.class_embed(hs), self.bbox_embed(hs).sigmoid(), self.logvar(hs)


model = TinyDETR()
print(model.decoder.layers[0].multihead_attn)
print(model.query_embed, model.class_embed)
n_params = sum(p.numel() for p in model.parameters() if p.requires_grad)
print("trainable parameters", n_params)

images = torch.randn(2, 3, 16, 16)
targets = [
    {"labels": torch.tensor([0, 2]), "boxes": torch.tensor([[0.3, 0.3, 0.2, 0.4], [0.7, 0.6, 0.3, 0.3]])},
    {"labels": torch.tensor([1, 1, 0]),
     "boxes": torch.tensor([[0.5, 0.5, 0.6, 0.5], [0.2, 0.8, 0.1, 0.2], [0.8, 0.2, 0.2, 0.2]])},
]


def hungarian(cost):
    """Minimum-cost assignment of rows to columns (rows <= cols), the O(n^3) potentials method."""
    n, m = cost.shape
    INF = float("inf")
    u = [0.0] * (n + 1)
    v = [0.0] * (m + 1)
    p = [0] * (m + 1)
    way = [0] * (m + 1)
    c = cost.tolist()
    for i in range(1, n + 1):
        p[0] = i
        j0 = 0
        minv = [INF] * (m + 1)
        used = [False] * (m + 1)
        while True:
            used[j0] = True
            i0, delta, j1 = p[j0], INF, 0
            for j in range(1, m + 1):
                if not used[j]:
                    cur = c[i0 - 1][j - 1] - u[i0] - v[j]
                    if cur < minv[j]:
                        minv[j], way[j] = cur, j0
                    if minv[j] < delta:
                        delta, j1 = minv[j], j
            for j in range(m + 1):
                if used[j]:
                    u[p[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while True:
            j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
            if j0 == 0:
                break
    rows, cols = [], []
    for j in range(1, m + 1):
        if p[j]:
            rows.append(p[j] - 1)
            cols.append(j - 1)
    return torch.as_tensor(rows, dtype=torch.int64), torch.as_tensor(cols, dtype=torch.int64)


@torch.no_grad()
def match(logits, boxes, targets, w_class=1.0, w_bbox=5.0, w_giou=2.0):
    bs, nq = logits.shape[:2]
    prob = logits.flatten(0, 1).softmax(-1)
    out_bbox = boxes.flatten(0, 1)
    tgt_ids = torch.cat([t["labels"] for t in targets])
    tgt_bbox = torch.cat([t["boxes"] for t in targets])
    cost_class = -prob[:, tgt_ids]
    cost_bbox = torch.cdist(out_bbox, tgt_bbox, p=1)
    cost_giou = -generalized_box_iou(box_cxcywh_to_xyxy(out_bbox), box_cxcywh_to_xyxy(tgt_bbox))[0]
    C = (w_bbox * cost_bbox + w_class * cost_class + w_giou * cost_giou).view(bs, nq, -1)
    sizes = [len(t["boxes"]) for t in targets]
    out = []
    for i, c in enumerate(C.split(sizes, -1)):
        cols, rows = hungarian(c[i].t())           # targets x queries
        order = rows.argsort()
        out.append((rows[order], cols[order]))
        brute = min(itertools.permutations(range(nq), sizes[i]),
                    key=lambda perm: sum(c[i][q, t].item() for t, q in enumerate(perm)))
        assert sorted(zip(brute, range(sizes[i]))) == sorted(zip(rows.tolist(), cols.tolist()))
    return out


empty_weight = torch.ones(num_classes + 1)
empty_weight[-1] = 0.1
print("empty_weight", empty_weight)
opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-4)
for step in range(4):
    logits, pboxes, logvar = model(images)
    indices = match(logits, pboxes, targets)
    if step == 0:
        print("matches", [(r.tolist(), c.tolist()) for r, c in indices])
    batch_idx = torch.cat([torch.full_like(src, i) for i, (src, _) in enumerate(indices)])
    src_idx = torch.cat([src for src, _ in indices])
    target_classes = torch.full(logits.shape[:2], num_classes, dtype=torch.int64)
    target_classes[batch_idx, src_idx] = torch.cat([t["labels"][j] for t, (_, j) in zip(targets, indices)])
    loss_ce = F.cross_entropy(logits.transpose(1, 2), target_classes, empty_weight)
    src_boxes = pboxes[batch_idx, src_idx]
    tgt_boxes = torch.cat([t["boxes"][j] for t, (_, j) in zip(targets, indices)], dim=0)
    n_boxes = tgt_boxes.shape[0]
    loss_l1 = F.l1_loss(src_boxes, tgt_boxes, reduction="none").sum() / n_boxes
    giou = torch.diag(generalized_box_iou(box_cxcywh_to_xyxy(src_boxes), box_cxcywh_to_xyxy(tgt_boxes))[0])
    loss_giou = (1 - giou).sum() / n_boxes
    # KL-loss: the prediction is a Gaussian around the box, the target a near-Dirac
    sigma = torch.exp(0.5 * logvar[batch_idx, src_idx])
    pred_dist = Normal(src_boxes, sigma)
    loss_nll = -pred_dist.log_prob(tgt_boxes).mean()
    loss = loss_ce + 5 * loss_l1 + 2 * loss_giou + 0.1 * loss_nll
    opt.zero_grad()
    loss.backward()
    opt.step()
    card = (logits.argmax(-1) != num_classes).sum(1)
    print(f"step {step}: ce {loss_ce.item():.4f} l1 {loss_l1.item():.4f} giou {loss_giou.item():.4f} "
          f"nll {loss_nll.item():.4f} cardinality {card.tolist()}")

probs = logits.detach().softmax(-1)
ent = Categorical(probs=probs).entropy()
print("class entropy per query\n", ent)
p_a = Normal(torch.tensor([0.5, 0.4]), torch.tensor([0.1, 0.2]))
p_b = Normal(torch.tensor([0.45, 0.5]), torch.tensor([0.15, 0.2]))
print("KL(N||N)", kl_divergence(p_a, p_b))
lap = Laplace(torch.tensor(0.0), torch.tensor(0.5))
print("laplace log_prob", lap.log_prob(torch.tensor([0.0, 0.5, -1.0])), lap.cdf(torch.tensor(0.25)))
print(pred_dist)
print("rsample grad", pred_dist.rsample().grad_fn.name())

# ---------------------------------------------------------------- post-processing
det_boxes = torch.tensor([[10.0, 10, 50, 50], [12, 12, 52, 52], [30, 30, 70, 70], [80, 80, 120, 110],
                          [11, 9, 49, 51], [82, 79, 119, 112]])
det_scores = torch.tensor([0.9, 0.85, 0.6, 0.8, 0.7, 0.3])


def soft_nms(boxes, scores, sigma=0.5, score_thr=0.05):
    scores = scores.clone()
    idxs = torch.arange(len(scores))
    keep, kept_scores = [], []
    while scores.numel():
        m = scores.argmax()
        keep.append(idxs[m].item())
        kept_scores.append(scores[m].item())
        ious = generalized_box_iou(boxes[m:m + 1], boxes)[1][0]
        scores = scores * torch.exp(-(ious ** 2) / sigma)
        mask = (torch.arange(len(scores)) != m) & (scores > score_thr)
        boxes, scores, idxs = boxes[mask], scores[mask], idxs[mask]
    return keep, kept_scores


keep, ks = soft_nms(det_boxes, det_scores)
print("soft-nms order", keep, [round(s, 4) for s in ks])
dm = diou(det_boxes, det_boxes)
print("DIoU matrix\n", dm)
print("DIoU-NMS suppress pairs", torch.triu((dm > 0.5).int(), diagonal=1).nonzero().tolist())


def weighted_box_fusion(boxes, scores, thr=0.55):
    order = scores.argsort(descending=True)
    clusters = []
    for i in order.tolist():
        for cl in clusters:
            fused = (scores[cl, None] * boxes[cl]).sum(0) / scores[cl].sum()
            if generalized_box_iou(fused[None], boxes[i:i + 1])[1].item() > thr:
                cl.append(i)
                break
        else:
            clusters.append([i])
    out = []
    for cl in clusters:
        w = scores[cl]
        out.append(torch.cat([(w[:, None] * boxes[cl]).sum(0) / w.sum(), w.mean().reshape(1)]))
    return torch.stack(out)


print("WBF\n", weighted_box_fusion(det_boxes, det_scores))
try:
    generalized_box_iou(torch.tensor([[5.0, 5, 1, 1]]), det_boxes)
except AssertionError:
    print("AssertionError: degenerate box")
try:
    Normal(torch.tensor([0.0]), torch.tensor([-1.0]))
except ValueError as e:
    print("ValueError:", e)
try:
    F.cross_entropy(torch.randn(2, 4, 3), torch.zeros(2, 3, dtype=torch.long), torch.ones(3))
except RuntimeError as e:
    print("RuntimeError:", e)

# ---------------------------------------------------------------- rotated boxes: angle from (cos, sin)
torch.manual_seed(9)
raw = torch.randn(5, 2, requires_grad=True)
unit = F.normalize(raw, dim=1)
theta = torch.where(unit[:, 0] >= 0, torch.asin(unit[:, 1].clamp(-0.999, 0.999)),
                    torch.sign(unit[:, 1]) * torch.acos(unit[:, 0].clamp(-0.999, 0.999)))
target_theta = torch.tensor([0.3, -1.2, 2.5, 0.0, -2.9])
diff = torch.atan2(torch.sin(theta - target_theta), torch.cos(theta - target_theta))
angle_loss = F.smooth_l1_loss(diff, torch.zeros_like(diff), beta=0.1)
angle_loss.backward()
print("theta", theta.detach(), "loss", round(angle_loss.item(), 4))
print("d loss / d raw", raw.grad)
area = torch.tensor([120.0, 900.0, 4.5, 2.0e4])
print("log-scale sizes", torch.log1p(area), torch.asinh(area / 100).round(decimals=4))
