"""A YOLOv3-style detection head, as in a from-scratch YOLO tutorial: the raw head output reshaped to
(batch, anchors, grid, grid, 5 + classes), decoded with sigmoid offsets plus a meshgrid of cell
indices and exp-scaled anchor sizes, confidence thresholding with boolean masks, target building by
best-anchor matching on width/height IoU with index_put_, the YOLO loss (BCE with logits on
objectness and classes, MSE on offsets, CIoU on boxes), a few Adam steps, and class-aware NMS."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)

num_classes = 3
img_size = 64
anchors = torch.tensor([[10.0, 13.0], [16.0, 30.0], [33.0, 23.0]])
na = anchors.shape[0]
G = 8
stride = img_size / G


class YoloHead(nn.Module):
    def __init__(self, in_ch, na, nc):
        super().__init__()
        self.na, self.nc = na, nc
        self.conv = nn.Sequential(
            nn.Conv2d(in_ch, 16, 3, padding=1, bias=False),
            nn.BatchNorm2d(16),
            nn.LeakyReLU(0.1, inplace=True),
            nn.Conv2d(16, na * (5 + nc), 1),
        )

    def forward(self, x):
        b, _, gh, gw = x.shape
        p = self.conv(x)
        return p.view(b, self.na, 5 + self.nc, gh, gw).permute(0, 1, 3, 4, 2).contiguous()


head = YoloHead(4, na, num_classes)
print(head)
print("parameters:", sum(p.numel() for p in head.parameters()))
x = torch.randn(2, 4, G, G)
raw = head(x)
print("raw", tuple(raw.shape), raw.is_contiguous())


def make_grid(nx, ny):
    yv, xv = torch.meshgrid(torch.arange(ny), torch.arange(nx), indexing="ij")
    return torch.stack((xv, yv), 2).view(1, 1, ny, nx, 2).float()


grid = make_grid(G, G)
print("grid", grid.shape, grid[0, 0, 1, :3])
anchor_grid = (anchors / stride).view(1, na, 1, 1, 2)


def decode(p):
    xy = (torch.sigmoid(p[..., :2]) + grid) * stride
    wh = torch.exp(p[..., 2:4]) * anchor_grid * stride
    conf = torch.sigmoid(p[..., 4:5])
    cls = torch.sigmoid(p[..., 5:])
    return torch.cat((xy, wh, conf, cls), -1).view(p.shape[0], -1, 5 + num_classes)


with torch.no_grad():
    head.eval()
    det = decode(head(x))
    head.train()
print("decoded", det.shape, det.requires_grad)
print(det[0, :3])


def xywh2xyxy(b):
    out = b.clone()
    out[..., 0] = b[..., 0] - b[..., 2] / 2
    out[..., 1] = b[..., 1] - b[..., 3] / 2
    out[..., 2] = b[..., 0] + b[..., 2] / 2
    out[..., 3] = b[..., 1] + b[..., 3] / 2
    return out


def box_iou(a, b):
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    lt = torch.maximum(a[:, None, :2], b[None, :, :2])
    rb = torch.minimum(a[:, None, 2:], b[None, :, 2:])
    inter = (rb - lt).clamp(min=0).prod(2)
    return inter / (area_a[:, None] + area_b[None] - inter)


def nms(boxes, scores, thr):
    order = scores.argsort(descending=True)
    keep = []
    while order.numel() > 0:
        i = order[0]
        keep.append(i)
        if order.numel() == 1:
            break
        ious = box_iou(boxes[i].unsqueeze(0), boxes[order[1:]]).squeeze(0)
        order = order[1:][ious <= thr]
    return torch.stack(keep) if keep else torch.empty(0, dtype=torch.long)


def non_max_suppression(pred, conf_thres=0.5, iou_thres=0.45, max_det=10):
    out = [torch.zeros((0, 6))] * pred.shape[0]
    for i, xi in enumerate(pred):
        xi = xi[xi[:, 4] > conf_thres]
        if not xi.shape[0]:
            continue
        xi[:, 5:] *= xi[:, 4:5]
        box = xywh2xyxy(xi[:, :4])
        conf, j = xi[:, 5:].max(1, keepdim=True)
        d = torch.cat((box, conf, j.float()), 1)[conf.view(-1) > conf_thres]
        offsets = d[:, 5:6] * 4096
        k = nms(d[:, :4] + offsets, d[:, 4], iou_thres)[:max_det]
        out[i] = d[k]
    return out


dets = non_max_suppression(det, conf_thres=0.3)
for i, d in enumerate(dets):
    print(f"image {i}: {d.shape[0]} detections")
    print(d[:4].round(decimals=2))

# ---------------------------------------------------------------- targets
# (image, class, cx, cy, w, h) in pixels
targets = torch.tensor([
    [0, 1, 20.0, 18.0, 14.0, 20.0],
    [0, 0, 44.0, 40.0, 30.0, 24.0],
    [1, 2, 9.0, 50.0, 12.0, 12.0],
    [1, 1, 33.0, 33.0, 18.0, 34.0],
])


def wh_iou(wh1, wh2):
    wh1 = wh1[:, None]
    wh2 = wh2[None]
    inter = torch.min(wh1, wh2).prod(2)
    return inter / (wh1.prod(2) + wh2.prod(2) - inter)


def build_targets(targets):
    obj_mask = torch.zeros(2, na, G, G, dtype=torch.bool)
    noobj_mask = torch.ones(2, na, G, G, dtype=torch.bool)
    tx = torch.zeros(2, na, G, G)
    ty = torch.zeros_like(tx)
    tw = torch.zeros_like(tx)
    th = torch.zeros_like(tx)
    tcls = torch.zeros(2, na, G, G, num_classes)
    tbox = torch.zeros(2, na, G, G, 4)
    gxy = targets[:, 2:4] / stride
    gwh = targets[:, 4:6] / stride
    ious = wh_iou(anchors / stride, gwh)                 # na x nt
    best_ious, best_n = ious.max(0)
    b, labels = targets[:, :2].long().t()
    gx, gy = gxy.t()
    gi, gj = gxy.long().t()
    obj_mask[b, best_n, gj, gi] = True
    noobj_mask[b, best_n, gj, gi] = False
    for k, anchor_ious in enumerate(ious.t()):
        noobj_mask[b[k], anchor_ious > 0.5, gj[k], gi[k]] = False
    tx[b, best_n, gj, gi] = gx - gx.floor()
    ty[b, best_n, gj, gi] = gy - gy.floor()
    tw[b, best_n, gj, gi] = torch.log(gwh[:, 0] / (anchors[best_n][:, 0] / stride) + 1e-16)
    th[b, best_n, gj, gi] = torch.log(gwh[:, 1] / (anchors[best_n][:, 1] / stride) + 1e-16)
    tcls.index_put_((b, best_n, gj, gi, labels), torch.tensor(1.0))
    tbox[b, best_n, gj, gi] = targets[:, 2:6]
    return obj_mask, noobj_mask, tx, ty, tw, th, tcls, tbox, best_ious


obj_mask, noobj_mask, tx, ty, tw, th, tcls, tbox, best_ious = build_targets(targets)
print("best anchor IoUs", best_ious)
print("obj cells", obj_mask.sum().item(), "noobj cells", noobj_mask.sum().item())
print("positive indices", obj_mask.nonzero().tolist())
print("tw at positives", tw[obj_mask])


def bbox_ciou(b1, b2, eps=1e-7):
    (x1, y1, w1, h1), (x2, y2, w2, h2) = b1.chunk(4, -1), b2.chunk(4, -1)
    b1_x1, b1_x2, b1_y1, b1_y2 = x1 - w1 / 2, x1 + w1 / 2, y1 - h1 / 2, y1 + h1 / 2
    b2_x1, b2_x2, b2_y1, b2_y2 = x2 - w2 / 2, x2 + w2 / 2, y2 - h2 / 2, y2 + h2 / 2
    inter = (torch.min(b1_x2, b2_x2) - torch.max(b1_x1, b2_x1)).clamp(0) * \
            (torch.min(b1_y2, b2_y2) - torch.max(b1_y1, b2_y1)).clamp(0)
    union = w1 * h1 + w2 * h2 - inter + eps
    iou = inter / union
    cw = torch.max(b1_x2, b2_x2) - torch.min(b1_x1, b2_x1)
    ch = torch.max(b1_y2, b2_y2) - torch.min(b1_y1, b2_y1)
    c2 = cw ** 2 + ch ** 2 + eps
    rho2 = ((b2_x1 + b2_x2 - b1_x1 - b1_x2) ** 2 + (b2_y1 + b2_y2 - b1_y1 - b1_y2) ** 2) / 4
    v = (4 / math.pi ** 2) * (torch.atan(w2 / h2) - torch.atan(w1 / h1)).pow(2)
    with torch.no_grad():
        alpha = v / (v - iou + (1 + eps))
    return iou - (rho2 / c2 + v * alpha)


bce = nn.BCEWithLogitsLoss(pos_weight=torch.tensor([1.5]))
bce_cls = nn.BCEWithLogitsLoss(reduction="mean")
opt = torch.optim.Adam(head.parameters(), lr=1e-2, betas=(0.9, 0.999))
sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda e: 0.5 ** e)
for step in range(5):
    p = head(x)
    pxy = torch.sigmoid(p[..., :2])
    pwh = p[..., 2:4]
    loss_xy = F.mse_loss(pxy[..., 0][obj_mask], tx[obj_mask]) + F.mse_loss(pxy[..., 1][obj_mask], ty[obj_mask])
    loss_wh = F.mse_loss(pwh[..., 0][obj_mask], tw[obj_mask]) + F.mse_loss(pwh[..., 1][obj_mask], th[obj_mask])
    pbox = torch.cat(((pxy + grid) * stride, torch.exp(pwh).clamp(max=1e3) * anchor_grid * stride), -1)
    ciou = bbox_ciou(pbox[obj_mask], tbox[obj_mask])
    loss_box = (1.0 - ciou).mean()
    tobj = torch.zeros_like(p[..., 4])
    tobj[obj_mask] = ciou.detach().clamp(0).squeeze(-1).type(tobj.dtype)
    loss_obj = bce(p[..., 4], tobj)
    loss_cls = bce_cls(p[..., 5:][obj_mask], tcls[obj_mask])
    loss = loss_xy + loss_wh + 0.05 * loss_box + loss_obj + 0.5 * loss_cls
    opt.zero_grad(set_to_none=True)
    loss.backward()
    gnorm = nn.utils.clip_grad_norm_(head.parameters(), max_norm=10.0)
    opt.step()
    sched.step()
    print(f"step {step}: loss {loss.item():.4f} box {loss_box.item():.4f} obj {loss_obj.item():.4f} "
          f"cls {loss_cls.item():.4f} |g| {gnorm.item():.3f} lr {sched.get_last_lr()[0]:.5f}")

print("bn running_mean", head.conv[1].running_mean[:4])
print("bn num_batches_tracked", head.conv[1].num_batches_tracked)
print(head.conv[1].state_dict().keys())

# ---------------------------------------------------------------- CenterNet-style peak decoding
heat = torch.zeros(1, num_classes, 16, 16)


def gaussian2d(radius, sigma):
    m = torch.arange(-radius, radius + 1, dtype=torch.float32)
    y, x = m.view(-1, 1), m.view(1, -1)
    h = torch.exp(-(x * x + y * y) / (2 * sigma * sigma))
    h[h < torch.finfo(h.dtype).eps * h.max()] = 0
    return h


def draw_gaussian(hm, cx, cy, radius):
    g = gaussian2d(radius, sigma=(2 * radius + 1) / 6)
    H, W = hm.shape
    left, right = min(cx, radius), min(W - cx, radius + 1)
    top, bottom = min(cy, radius), min(H - cy, radius + 1)
    region = hm[cy - top:cy + bottom, cx - left:cx + right]
    torch.maximum(region, g[radius - top:radius + bottom, radius - left:radius + right], out=region)


draw_gaussian(heat[0, 0], 4, 5, 2)
draw_gaussian(heat[0, 1], 11, 9, 3)
draw_gaussian(heat[0, 0], 14, 14, 2)
draw_gaussian(heat[0, 2], 0, 15, 1)
heat = heat + 0.01 * torch.rand_like(heat)
hmax = F.max_pool2d(heat, 3, stride=1, padding=1)
keep = (hmax == heat).float()
peaks = heat * keep
scores, inds = torch.topk(peaks.view(1, -1), k=5)
clses = torch.div(inds, 16 * 16, rounding_mode="floor")
pix = inds % (16 * 16)
ys = torch.div(pix, 16, rounding_mode="trunc").float()
xs = (pix % 16).float()
print("peaks", scores.round(decimals=3), clses, ys, xs)
print("int // int", (inds // 16).dtype, "floor_divide", torch.floor_divide(inds, 7)[0, :3])

# ---------------------------------------------------------------- half-precision inference (YOLOv5 decode)
with torch.no_grad():
    head.eval()
    ph = head(x).half()
    gh, ah = grid.half(), anchor_grid.half()
    xy = (ph[..., :2].sigmoid() * 2 - 0.5 + gh) * stride
    wh = (ph[..., 2:4].sigmoid() * 2) ** 2 * ah * stride
    conf = ph[..., 4:5].sigmoid() * ph[..., 5:].sigmoid().amax(-1, keepdim=True)
    boxes = torch.cat([xy - wh / 2, xy + wh / 2], -1).view(2, -1, 4)
    # undo a letterbox resize: gain 0.7, padding (3.3, 1.7)
    gain, pad = 0.7, (3.3, 1.7)
    boxes[..., [0, 2]] -= pad[0]
    boxes[..., [1, 3]] -= pad[1]
    boxes /= gain
    boxes = boxes.clamp(min=0.1, max=90.0)
    boxes_t = boxes - torch.tensor(0.3)
    ratio = boxes * torch.tensor(0.3)
    print("half boxes", boxes.dtype, boxes[0, :3])
    print("half sums", f"{boxes.float().sum().item():.2f}", f"{boxes_t.float().sum().item():.2f}",
          f"{ratio.float().sum().item():.2f}")
    print("half conf", conf.view(2, -1)[:, :4])
    print("1 - conf", (1 - conf).view(2, -1)[0, :4], torch.rsub(conf, 0.9).view(2, -1)[0, :2])
    cells = torch.remainder(boxes[0, :4], 6.3)
    print("remainder", cells, torch.fmod(boxes[0, :2], 6.3))
    # a ModelEMA-style update of half weights: v = d * v + (1 - d) * p
    ema = {k: v.detach().clone().half() for k, v in head.state_dict().items() if v.dtype.is_floating_point}
    d = 0.9
    for step in range(3):
        for k, v in head.state_dict().items():
            if k in ema:
                ema[k].mul_(d).add_(v.half() * 1.01, alpha=1 - d)
    print("ema", ema["conv.3.bias"][:4])
    ema_b = ema["conv.3.bias"].clone()
    ema_b.addcmul_(ema_b, ema_b, value=0.3).addcdiv_(ema_b, ema_b.abs() + 1, value=-0.7)
    print("addcmul/addcdiv", ema_b[:4])
