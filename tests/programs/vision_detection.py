"""Object-detection basics from a course notebook, without torchvision: box format conversions, pairwise
IoU / GIoU, anchor generation with meshgrid, anchor matching, box encoding/decoding, hand-written NMS,
sigmoid focal loss, smooth-L1 box regression, and a tiny single-shot detector head trained for a few
steps on synthetic squares."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)
torch.set_printoptions(precision=3)


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
    wh = (rb - lt).clamp(min=0)
    area = wh[:, :, 0] * wh[:, :, 1]
    return iou - (area - union) / area


a = torch.tensor([[0.0, 0.0, 2.0, 2.0], [1.0, 1.0, 3.0, 3.0], [4.0, 4.0, 5.0, 6.0]])
b = torch.tensor([[1.0, 1.0, 2.0, 2.0], [0.0, 0.0, 2.0, 2.0]])
iou, union = box_iou(a, b)
print(iou)
print(union)
print(generalized_box_iou(a, b))
print(box_xyxy_to_cxcywh(a))
print(torch.allclose(box_cxcywh_to_xyxy(box_xyxy_to_cxcywh(a)), a))
try:
    generalized_box_iou(a.flip(-1), b)
except AssertionError:
    print("degenerate boxes rejected")

# ---- anchors ------------------------------------------------------------------------------------------------
def make_anchors(feat_h, feat_w, stride, sizes=(8.0, 16.0), ratios=(0.5, 1.0, 2.0)):
    shifts_x = (torch.arange(0, feat_w, dtype=torch.float32) + 0.5) * stride
    shifts_y = (torch.arange(0, feat_h, dtype=torch.float32) + 0.5) * stride
    shift_y, shift_x = torch.meshgrid(shifts_y, shifts_x, indexing="ij")
    shift_x = shift_x.reshape(-1)
    shift_y = shift_y.reshape(-1)
    shifts = torch.stack((shift_x, shift_y, shift_x, shift_y), dim=1)
    scales = torch.as_tensor(sizes)
    aspect_ratios = torch.as_tensor(ratios)
    h_ratios = torch.sqrt(aspect_ratios)
    w_ratios = 1 / h_ratios
    ws = (w_ratios[:, None] * scales[None, :]).view(-1)
    hs = (h_ratios[:, None] * scales[None, :]).view(-1)
    base_anchors = torch.stack([-ws, -hs, ws, hs], dim=1) / 2
    return (shifts.view(-1, 1, 4) + base_anchors.view(1, -1, 4)).reshape(-1, 4)


anchors = make_anchors(4, 4, stride=8)
print(anchors.shape, anchors[:3])
print(anchors[::6].round(decimals=2)[:4])


def encode(matched, anchors, weights=(10.0, 10.0, 5.0, 5.0)):
    wx, wy, ww, wh = weights
    aw, ah = anchors[:, 2] - anchors[:, 0], anchors[:, 3] - anchors[:, 1]
    ax, ay = anchors[:, 0] + 0.5 * aw, anchors[:, 1] + 0.5 * ah
    gw, gh = matched[:, 2] - matched[:, 0], matched[:, 3] - matched[:, 1]
    gx, gy = matched[:, 0] + 0.5 * gw, matched[:, 1] + 0.5 * gh
    return torch.stack([wx * (gx - ax) / aw, wy * (gy - ay) / ah, ww * torch.log(gw / aw), wh * torch.log(gh / ah)], 1)


def decode(deltas, anchors, weights=(10.0, 10.0, 5.0, 5.0), clip=4.135):
    wx, wy, ww, wh = weights
    aw, ah = anchors[:, 2] - anchors[:, 0], anchors[:, 3] - anchors[:, 1]
    ax, ay = anchors[:, 0] + 0.5 * aw, anchors[:, 1] + 0.5 * ah
    dx, dy = deltas[:, 0] / wx, deltas[:, 1] / wy
    dw, dh = (deltas[:, 2] / ww).clamp(max=clip), (deltas[:, 3] / wh).clamp(max=clip)
    cx, cy = dx * aw + ax, dy * ah + ay
    w, h = torch.exp(dw) * aw, torch.exp(dh) * ah
    return torch.stack([cx - 0.5 * w, cy - 0.5 * h, cx + 0.5 * w, cy + 0.5 * h], dim=1)


gt = torch.tensor([[3.0, 3.0, 13.0, 11.0], [16.0, 14.0, 30.0, 30.0]])
ious, _ = box_iou(anchors, gt)
best_iou, best_gt = ious.max(dim=1)
labels = torch.full((len(anchors),), -1, dtype=torch.int64)  # -1: ignore
labels[best_iou < 0.3] = 0
labels[best_iou >= 0.5] = 1
# make sure every gt box gets its best anchor
best_anchor_per_gt = ious.argmax(dim=0)
labels[best_anchor_per_gt] = 1
best_gt[best_anchor_per_gt] = torch.arange(len(gt))
print("positives:", (labels == 1).sum().item(), "negatives:", (labels == 0).sum().item(),
      "ignored:", (labels == -1).sum().item())
pos = torch.where(labels == 1)[0]
print(pos, best_gt[pos])
targets = encode(gt[best_gt[pos]], anchors[pos])
print(targets)
print(torch.allclose(decode(targets, anchors[pos]), gt[best_gt[pos]], atol=1e-4))

# ---- NMS by hand -----------------------------------------------------------------------------------------------
def nms(boxes, scores, iou_threshold):
    order = scores.argsort(descending=True)
    keep = []
    while order.numel() > 0:
        i = order[0].item()
        keep.append(i)
        if order.numel() == 1:
            break
        ious, _ = box_iou(boxes[i].unsqueeze(0), boxes[order[1:]])
        mask = ious[0] <= iou_threshold
        order = order[1:][mask]
    return torch.tensor(keep, dtype=torch.long)


def batched_nms(boxes, scores, idxs, iou_threshold):
    # the coordinate trick: offset boxes of each class so they never overlap
    max_coordinate = boxes.max()
    offsets = idxs.to(boxes) * (max_coordinate + torch.tensor(1).to(boxes))
    return nms(boxes + offsets[:, None], scores, iou_threshold)


boxes = torch.tensor([[0, 0, 10, 10], [1, 1, 11, 11], [20, 20, 30, 30], [0, 0, 9, 10], [21, 19, 30, 31.0]])
scores = torch.tensor([0.9, 0.8, 0.7, 0.95, 0.6])
cls = torch.tensor([0, 0, 1, 1, 1])
print(nms(boxes, scores, 0.5), batched_nms(boxes, scores, cls, 0.5))
print(scores.sort(descending=True), scores.topk(2))
keep = nms(boxes, scores, 0.5)
print(boxes[keep], scores[keep].tolist())

# ---- losses -----------------------------------------------------------------------------------------------------
def sigmoid_focal_loss(inputs, targets, alpha: float = 0.25, gamma: float = 2, reduction: str = "none"):
    p = torch.sigmoid(inputs)
    ce_loss = F.binary_cross_entropy_with_logits(inputs, targets, reduction="none")
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = ce_loss * ((1 - p_t) ** gamma)
    if alpha >= 0:
        alpha_t = alpha * targets + (1 - alpha) * (1 - targets)
        loss = alpha_t * loss
    if reduction == "mean":
        loss = loss.mean()
    elif reduction == "sum":
        loss = loss.sum()
    return loss


logits = torch.tensor([[2.0, -1.0], [-0.5, 0.3], [0.0, 4.0]], requires_grad=True)
tgt = torch.tensor([[1.0, 0.0], [0.0, 0.0], [0.0, 1.0]])
fl = sigmoid_focal_loss(logits, tgt, reduction="sum")
fl.backward()
print(fl, logits.grad)
print(sigmoid_focal_loss(logits.detach(), tgt))
reg = torch.tensor([[0.1, -0.2, 1.5, 0.0]], requires_grad=True)
sl1 = F.smooth_l1_loss(reg, torch.zeros(1, 4), beta=1.0 / 9, reduction="sum")
sl1.backward()
print(sl1, reg.grad, F.l1_loss(reg, torch.ones(1, 4)), F.huber_loss(reg, torch.zeros(1, 4), delta=0.5))
giou_loss = 1 - torch.diag(generalized_box_iou(a[:2], b))
print(giou_loss)

# ---- a tiny single-shot detector head ---------------------------------------------------------------------------------
def make_scene(n, size=32):
    imgs = torch.zeros(n, 1, size, size)
    boxes = []
    for i in range(n):
        w, h = torch.randint(6, 14, (2,)).tolist()
        x0 = torch.randint(0, size - w, (1,)).item()
        y0 = torch.randint(0, size - h, (1,)).item()
        imgs[i, 0, y0:y0 + h, x0:x0 + w] = 1.0
        boxes.append(torch.tensor([[x0, y0, x0 + w, y0 + h]], dtype=torch.float32))
    return imgs + 0.1 * torch.randn_like(imgs), boxes


class TinySSD(nn.Module):
    def __init__(self, num_anchors):
        super().__init__()
        self.backbone = nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(inplace=True), nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(inplace=True), nn.MaxPool2d(2),
            nn.Conv2d(16, 16, 3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(2))
        self.cls_head = nn.Conv2d(16, num_anchors, 3, padding=1)
        self.box_head = nn.Conv2d(16, num_anchors * 4, 3, padding=1)
        prior = 0.01
        nn.init.constant_(self.cls_head.bias, -torch.log(torch.tensor((1 - prior) / prior)).item())
        nn.init.normal_(self.box_head.weight, std=0.01)
        nn.init.zeros_(self.box_head.bias)

    def forward(self, x):
        f = self.backbone(x)
        n = x.shape[0]
        cls = self.cls_head(f).permute(0, 2, 3, 1).reshape(n, -1)
        box = self.box_head(f).permute(0, 2, 3, 1).reshape(n, -1, 4)
        return cls, box


imgs, gts = make_scene(16)
anchors = make_anchors(4, 4, stride=8)
model = TinySSD(num_anchors=6)
print(f"cls bias {model.cls_head.bias[0].item():.4f}")
cls_out, box_out = model(imgs)
print(cls_out.shape, box_out.shape, len(anchors))
opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-4)
for step in range(8):
    cls_out, box_out = model(imgs)
    cls_losses, box_losses = [], []
    for i, g in enumerate(gts):
        ious, _ = box_iou(anchors, g)
        best, idx = ious.max(1)
        target = (best >= 0.4).float()
        target[ious.argmax(0)] = 1.0
        valid = best < 0.3
        valid |= target.bool()
        cls_losses.append(sigmoid_focal_loss(cls_out[i][valid], target[valid], reduction="sum") / target.sum().clamp(min=1))
        p = target.bool()
        box_losses.append(F.smooth_l1_loss(box_out[i][p], encode(g[idx[p]], anchors[p]), beta=1 / 9))
    loss = torch.stack(cls_losses).mean() + torch.stack(box_losses).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 2 == 1:
        print(f"step {step + 1}: loss {loss.item():.2f}")

model.eval()
with torch.no_grad():
    cls_out, box_out = model(imgs[:2])
    for i in range(2):
        probs = cls_out[i].sigmoid()
        top = probs.topk(3)
        dets = decode(box_out[i][top.indices], anchors[top.indices])
        keep = nms(dets, top.values, 0.5)
        print(f"image {i}: {len(keep)} boxes kept, scores sorted: "
              f"{bool((top.values[:-1] >= top.values[1:]).all())}, box shape {tuple(dets[keep].shape)}")
