"""Detection evaluation as in a course's "how mAP is computed" notebook: greedy matching of score-sorted
detections to ground truth per class and image, true/false positive flags accumulated with cumsum,
the precision envelope by a reversed cummax, VOC 11-point and COCO 101-point interpolated AP with
searchsorted, area-under-curve AP with trapezoid, AP over IoU thresholds 0.50:0.95, a confusion
matrix with index_put_(accumulate=True) and bincount, and per-class summaries with unique/scatter_reduce."""
import torch

torch.manual_seed(2024)
torch.set_printoptions(precision=4, sci_mode=False)

num_images, num_classes = 6, 3


def rand_boxes(n, scale=100.0):
    xy = torch.rand(n, 2) * scale * 0.7
    wh = torch.rand(n, 2) * scale * 0.3 + 5
    return torch.cat([xy, xy + wh], dim=1)


gts, preds = [], []
for img in range(num_images):
    ng = int(torch.randint(1, 5, ()).item())
    gb = rand_boxes(ng)
    gl = torch.randint(0, num_classes, (ng,))
    gts.append({"boxes": gb, "labels": gl})
    # detections: jittered copies of gts plus random false positives
    jit = gb + torch.randn_like(gb) * 4
    fp = rand_boxes(3)
    pb = torch.cat([jit, fp])
    pl = torch.cat([gl, torch.randint(0, num_classes, (3,))])
    ps = torch.cat([torch.rand(ng) * 0.5 + 0.5, torch.rand(3) * 0.6])
    preds.append({"boxes": pb, "labels": pl, "scores": ps})

print("gt per image", [g["labels"].tolist() for g in gts])
print("scores image 0", preds[0]["scores"])


def box_iou(a, b):
    area_a = (a[:, 2] - a[:, 0]).clamp(min=0) * (a[:, 3] - a[:, 1]).clamp(min=0)
    area_b = (b[:, 2] - b[:, 0]).clamp(min=0) * (b[:, 3] - b[:, 1]).clamp(min=0)
    lt = torch.max(a[:, None, :2], b[:, :2])
    rb = torch.min(a[:, None, 2:], b[:, 2:])
    wh = (rb - lt).clamp(min=0)
    inter = wh[..., 0] * wh[..., 1]
    return inter / (area_a[:, None] + area_b - inter)


def match_class(cls, iou_thr):
    """Returns (scores, tp flags) over all images for one class, and the number of gts."""
    all_scores, all_tp, n_gt = [], [], 0
    for g, p in zip(gts, preds):
        gmask = g["labels"] == cls
        pmask = p["labels"] == cls
        gb = g["boxes"][gmask]
        pb, ps = p["boxes"][pmask], p["scores"][pmask]
        n_gt += int(gmask.sum())
        order = torch.argsort(ps, descending=True, stable=True)
        pb, ps = pb[order], ps[order]
        tp = torch.zeros(len(ps), dtype=torch.bool)
        if len(gb) and len(pb):
            ious = box_iou(pb, gb)
            taken = torch.zeros(len(gb), dtype=torch.bool)
            for d in range(len(pb)):
                row = ious[d].masked_fill(taken, -1.0)
                best, j = row.max(dim=0)
                if best >= iou_thr:
                    tp[d] = True
                    taken[j] = True
        all_scores.append(ps)
        all_tp.append(tp)
    return torch.cat(all_scores), torch.cat(all_tp), n_gt


def precision_recall(scores, tp, n_gt):
    order = scores.argsort(descending=True, stable=True)
    tp = tp[order]
    tpc = torch.cumsum(tp, dim=0)
    fpc = torch.cumsum(~tp, dim=0)
    recall = tpc / max(n_gt, 1)
    precision = tpc / (tpc + fpc).clamp(min=1)
    return precision, recall, tpc.dtype


def ap_voc11(precision, recall):
    ap = 0.0
    for t in torch.linspace(0, 1, 11):
        p = precision[recall >= t]
        ap += (p.max().item() if p.numel() else 0.0) / 11
    return ap


def ap_coco101(precision, recall):
    env = precision.flip(0).cummax(dim=0).values.flip(0)
    rec_thrs = torch.linspace(0, 1, 101, dtype=torch.float64)
    inds = torch.searchsorted(recall.double(), rec_thrs, side="left")
    q = torch.zeros(101, dtype=env.dtype)
    valid = inds < len(env)
    q[valid] = env[inds[valid]]
    return q.mean().item(), env


def ap_area(precision, recall):
    mrec = torch.cat([torch.tensor([0.0]), recall, torch.tensor([1.0])])
    mpre = torch.cat([torch.tensor([1.0]), precision, torch.tensor([0.0])])
    mpre = torch.flip(torch.cummax(torch.flip(mpre, [0]), 0)[0], [0])
    x = torch.linspace(0, 1, 101)
    idx = torch.searchsorted(mrec, x, right=False).clamp(max=len(mpre) - 1)
    return torch.trapezoid(mpre[idx], x).item()


for cls in range(num_classes):
    s, tp, ng = match_class(cls, 0.5)
    prec, rec, dt = precision_recall(s, tp, ng)
    ap11 = ap_voc11(prec, rec)
    ap101, env = ap_coco101(prec, rec)
    print(f"class {cls}: dets {len(s)} gts {ng} tp {int(tp.sum())} cumsum dtype {dt}")
    print("  precision", prec)
    print("  recall   ", rec)
    print("  envelope ", env)
    print(f"  AP11 {ap11:.4f}  AP101 {ap101:.4f}  AUC {ap_area(prec, rec):.4f}")

iou_thrs = torch.arange(0.5, 0.96, 0.05)
print("IoU thresholds", iou_thrs, iou_thrs.dtype, len(iou_thrs))
aps = torch.zeros(len(iou_thrs), num_classes, dtype=torch.float64)
for ti, thr in enumerate(iou_thrs.tolist()):
    for cls in range(num_classes):
        s, tp, ng = match_class(cls, thr)
        prec, rec, _ = precision_recall(s, tp, ng)
        aps[ti, cls] = ap_coco101(prec, rec)[0]
print("AP table\n", aps)
print(f"mAP@0.5 {aps[0].mean().item():.4f}  mAP@0.75 {aps[5].mean().item():.4f}  "
      f"mAP@[.5:.95] {aps.mean().item():.4f}")
print("best threshold per class", aps.argmax(dim=0), aps.max(dim=0))

# ---------------------------------------------------------------- confusion matrix
conf = torch.zeros(num_classes + 1, num_classes + 1, dtype=torch.int64)
for g, p in zip(gts, preds):
    keep = p["scores"] > 0.25
    pb, pl = p["boxes"][keep], p["labels"][keep]
    ious = box_iou(g["boxes"], pb)
    matched_pred = torch.zeros(len(pb), dtype=torch.bool)
    best_iou, best_j = ious.max(dim=1) if len(pb) else (torch.zeros(len(g["boxes"])), torch.zeros(len(g["boxes"]), dtype=torch.long))
    hit = best_iou > 0.45
    rows = g["labels"]
    cols = torch.where(hit, pl[best_j], torch.full_like(rows, num_classes))
    conf.index_put_((rows, cols), torch.ones_like(rows), accumulate=True)
    matched_pred[best_j[hit]] = True
    bg = pl[~matched_pred]
    conf[num_classes].index_add_(0, bg, torch.ones_like(bg))
print("confusion (rows gt, cols pred, last = background)\n", conf)
print("per-class recall", (conf.diag()[:num_classes] / conf[:num_classes].sum(1)).round(decimals=3))

all_labels = torch.cat([p["labels"] for p in preds])
all_scores = torch.cat([p["scores"] for p in preds])
print("bincount", torch.bincount(all_labels, minlength=5))
print("weighted bincount", torch.bincount(all_labels, weights=all_scores).round(decimals=3))
u, inv, cnt = torch.unique(all_labels, return_inverse=True, return_counts=True)
print("unique", u, cnt, inv[:8])
best = torch.zeros(num_classes).scatter_reduce(0, all_labels, all_scores, reduce="amax", include_self=False)
mean = torch.zeros(num_classes).scatter_reduce(0, all_labels, all_scores, reduce="mean", include_self=False)
print("max score per class", best, "mean", mean)
hist = torch.histc(all_scores, bins=5, min=0, max=1)
print("score histogram", hist)
edges = torch.tensor([0.25, 0.5, 0.75])
print("bucketize", torch.bucketize(all_scores[:8], edges), torch.bucketize(all_scores[:8], edges, right=True))
print("isin", torch.isin(all_labels[:10], torch.tensor([0, 2])))
srt, idx = all_scores.sort(descending=True)
print("top5", srt[:5], idx[:5])
print(torch.max(all_scores.view(-1, 1)[:6], dim=0))
print(all_scores.topk(3, largest=False))
try:
    torch.searchsorted(torch.tensor([3.0, 1.0, 2.0]), torch.tensor([1.5]), sorter=torch.tensor([1, 2]))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.bincount(torch.tensor([-1, 2]))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.histc(torch.tensor([1, 2, 3]), bins=3)
except RuntimeError as e:
    print("RuntimeError:", e)
