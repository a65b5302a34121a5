"""Object detection utilities written in plain torch, in the style of DETR's util/box_ops.py and the
torchvision ops reference implementations: box format conversions, pairwise IoU and generalized IoU
by broadcasting, sigmoid focal loss, greedy NMS with a while loop over sorted scores, batched NMS by
coordinate offsets, and anchor-to-ground-truth matching with max/argmax over the IoU matrix."""
import torch
import torch.nn.functional as F

torch.manual_seed(0)


def box_cxcywh_to_xyxy(x):
    x_c, y_c, w, h = x.unbind(-1)
    b = [(x_c - 0.5 * w), (y_c - 0.5 * h), (x_c + 0.5 * w), (y_c + 0.5 * h)]
    return torch.stack(b, dim=-1)


def box_xyxy_to_cxcywh(x):
    x0, y0, x1, y1 = x.unbind(-1)
    b = [(x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0), (y1 - y0)]
    return torch.stack(b, dim=-1)


def box_area(boxes):
    return (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])


def box_iou(boxes1, boxes2):
    area1 = box_area(boxes1)
    area2 = box_area(boxes2)
    lt = torch.max(boxes1[:, None, :2], boxes2[:, :2])  # [N,M,2]
    rb = torch.min(boxes1[:, None, 2:], boxes2[:, 2:])  # [N,M,2]
    wh = (rb - lt).clamp(min=0)  # [N,M,2]
    inter = wh[:, :, 0] * wh[:, :, 1]  # [N,M]
    union = area1[:, None] + area2 - inter
    iou = inter / union
    return iou, union


def generalized_box_iou(boxes1, boxes2):
    assert (boxes1[:, 2:] >= boxes1[:, :2]).all()
    assert (boxes2[:, 2:] >= boxes2[:, :2]).all()
    iou, union = box_iou(boxes1, boxes2)
    lt = torch.min(boxes1[:, None, :2], boxes2[:, :2])
    rb = torch.max(boxes1[:, None, 2:], boxes2[:, 2:])
    wh = (rb - lt).clamp(min=0)  # [N,M,2]
    area = wh[:, :, 0] * wh[:, :, 1]
    return iou - (area - union) / area


def sigmoid_focal_loss(inputs, targets, num_boxes, alpha: float = 0.25, gamma: float = 2):
    prob = inputs.sigmoid()
    ce_loss = F.binary_cross_entropy_with_logits(inputs, targets, reduction="none")
    p_t = prob * targets + (1 - prob) * (1 - targets)
    loss = ce_loss * ((1 - p_t) ** gamma)
    if alpha >= 0:
        alpha_t = alpha * targets + (1 - alpha) * (1 - targets)
        loss = alpha_t * loss
    return loss.mean(1).sum() / num_boxes


def nms(boxes, scores, iou_threshold):
    """greedy NMS: keep the best box, drop every box overlapping it more than the threshold, repeat"""
    order = scores.argsort(descending=True)
    keep = []
    while order.numel() > 0:
        i = order[0]
        keep.append(i.item())
        if order.numel() == 1:
            break
        ious, _ = box_iou(boxes[i].unsqueeze(0), boxes[order[1:]])
        mask = ious.squeeze(0) <= iou_threshold
        order = order[1:][mask]
    return torch.tensor(keep, dtype=torch.int64)


def batched_nms(boxes, scores, idxs, iou_threshold):
    if boxes.numel() == 0:
        return torch.empty((0,), dtype=torch.int64, device=boxes.device)
    max_coordinate = boxes.max()
    offsets = idxs.to(boxes) * (max_coordinate + torch.tensor(1).to(boxes))
    boxes_for_nms = boxes + offsets[:, None]
    return nms(boxes_for_nms, scores, iou_threshold)


# --- conversions ------------------------------------------------------------------------------
cxcywh = torch.tensor([[0.5, 0.5, 0.2, 0.4], [0.3, 0.7, 0.1, 0.1], [0.25, 0.25, 0.5, 0.5]])
xyxy = box_cxcywh_to_xyxy(cxcywh)
print("xyxy:", xyxy)
print("roundtrip:", torch.allclose(box_xyxy_to_cxcywh(xyxy), cxcywh), box_xyxy_to_cxcywh(xyxy).dtype)
print("areas:", box_area(xyxy))
scale = torch.tensor([640, 480, 640, 480], dtype=torch.float32)
print("pixels:", (xyxy * scale).round().to(torch.int32))

# --- random boxes, IoU and GIoU ---------------------------------------------------------------
def random_boxes(n, size=100.0):
    xy = torch.rand(n, 2) * size
    wh = torch.rand(n, 2) * size / 3 + 1
    return torch.cat([xy, xy + wh], dim=1)


b1 = random_boxes(5)
b2 = random_boxes(4)
iou, union = box_iou(b1, b2)
giou = generalized_box_iou(b1, b2)
print("iou:", iou.shape, iou.round(decimals=4))
print("giou:", giou.round(decimals=4))
print("giou <= iou:", bool((giou <= iou + 1e-6).all()), "giou range ok:", bool(((giou >= -1) & (giou <= 1)).all()))
print("self iou diag:", torch.diagonal(box_iou(b1, b1)[0]).tolist())
print("union max:", f"{union.max().item():.2f}")

# giou loss with gradient (DETR's loss_boxes)
pred = torch.rand(6, 4) * 0.3 + torch.tensor([0.3, 0.3, 0.1, 0.1])
pred.requires_grad_(True)
tgt = torch.rand(6, 4) * 0.3 + torch.tensor([0.3, 0.3, 0.1, 0.1])
loss_bbox = F.l1_loss(pred, tgt, reduction="none").sum() / 6
loss_giou = (1 - torch.diag(generalized_box_iou(box_cxcywh_to_xyxy(pred), box_cxcywh_to_xyxy(tgt)))).sum() / 6
(5 * loss_bbox + 2 * loss_giou).backward()
print(f"loss_bbox {loss_bbox.item():.4f} loss_giou {loss_giou.item():.4f}")
print("pred grad:", pred.grad.round(decimals=3))
print("grad_fn:", type(loss_giou.grad_fn).__name__)

# --- focal loss -------------------------------------------------------------------------------
logits = torch.randn(4, 10, 3, requires_grad=True)
labels = torch.randint(0, 3, (4, 10))
onehot = F.one_hot(labels, 3).float()
print("one_hot:", onehot.shape, onehot.dtype, onehot[0, :3])
for gamma in (0.0, 1.0, 2.0):
    fl = sigmoid_focal_loss(logits, onehot, num_boxes=5, gamma=gamma)
    print(f"focal gamma={gamma}: {fl.item():.5f}")
fl = sigmoid_focal_loss(logits, onehot, num_boxes=5, alpha=-1)
fl.backward()
print("focal no alpha:", f"{fl.item():.5f}", "grad norm:", f"{logits.grad.norm().item():.5f}")

# --- NMS --------------------------------------------------------------------------------------
torch.manual_seed(1)
centers = torch.tensor([[20.0, 20.0], [60.0, 60.0], [30.0, 70.0]])
boxes = []
for c in centers:
    jitter = torch.randn(4, 2) * 3
    boxes.append(torch.cat([c - 10 + jitter, c + 10 + jitter], dim=1))
boxes = torch.cat(boxes)
scores = torch.rand(len(boxes))
print("boxes:", boxes.shape, "scores:", scores.round(decimals=3))
for thr in (0.3, 0.5, 0.7):
    keep = nms(boxes, scores, thr)
    print(f"nms thr={thr}: keep {keep.tolist()}")
classes = torch.tensor([0, 1, 0, 1, 0, 0, 1, 1, 2, 2, 2, 2])
keep = batched_nms(boxes, scores, classes, 0.5)
print("batched nms:", keep.tolist(), classes[keep].tolist())
print("sorted scores:", scores.sort(descending=True).values[:4].round(decimals=3), scores.argsort(descending=True)[:4])

# --- anchor matching --------------------------------------------------------------------------
ys, xs = torch.meshgrid(torch.arange(4, dtype=torch.float32), torch.arange(4, dtype=torch.float32), indexing="ij")
anchor_centers = torch.stack([xs, ys], dim=-1).reshape(-1, 2) * 25 + 12.5
anchors = torch.cat([anchor_centers - 15, anchor_centers + 15], dim=1)
gt = torch.tensor([[10.0, 10.0, 45.0, 40.0], [50.0, 55.0, 95.0, 98.0], [60.0, 5.0, 80.0, 30.0]])
gt_labels = torch.tensor([3, 7, 1])
match_quality, _ = box_iou(gt, anchors)  # [G, A]
matched_vals, matches = match_quality.max(dim=0)
print("anchors:", anchors.shape, "quality:", match_quality.shape)
print("matched vals:", matched_vals.round(decimals=3))
print("matches:", matches.tolist())
below = matched_vals < 0.3
between = (matched_vals >= 0.3) & (matched_vals < 0.5)
matches[below] = -1
matches[between] = -2
# allow low-quality matches: each gt keeps its best anchor(s)
highest_quality_foreach_gt, _ = match_quality.max(dim=1)
gt_pred_pairs = torch.where(match_quality == highest_quality_foreach_gt[:, None])
print("best per gt:", highest_quality_foreach_gt.round(decimals=3), gt_pred_pairs[1].tolist())
all_matches = match_quality.max(dim=0).indices
matches[gt_pred_pairs[1]] = all_matches[gt_pred_pairs[1]]
print("final matches:", matches.tolist())
fg = matches >= 0
cls_targets = torch.zeros(anchors.shape[0], dtype=torch.int64)
cls_targets[fg] = gt_labels[matches[fg]]
print("cls targets:", cls_targets.tolist(), "num fg:", int(fg.sum()), "ignored:", int((matches == -2).sum()))
# box regression targets (dx, dy, dw, dh) for the foreground anchors
a = box_xyxy_to_cxcywh(anchors[fg])
g = box_xyxy_to_cxcywh(gt[matches[fg]])
deltas = torch.stack([(g[:, 0] - a[:, 0]) / a[:, 2], (g[:, 1] - a[:, 1]) / a[:, 3],
                      torch.log(g[:, 2] / a[:, 2]), torch.log(g[:, 3] / a[:, 3])], dim=1)
print("deltas:", deltas.round(decimals=4))
print("smooth l1:", f"{F.smooth_l1_loss(deltas, torch.zeros_like(deltas), beta=1 / 9).item():.5f}")
print("argmax ties:", torch.tensor([[0.5, 0.5, 0.2], [0.1, 0.9, 0.9]]).argmax(dim=1).tolist(),
      torch.tensor([0.3, 0.7, 0.7]).max(dim=0))
