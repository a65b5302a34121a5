"""A region proposal network's training targets, following torchvision's detection/_utils.py and
rpn.py written out in a tutorial: multi-level anchor generation with cell anchors shifted over each
feature map, the Matcher with low-quality matches allowed, the balanced positive/negative sampler with
randperm from a seeded Generator, the BoxCoder (encode/decode with weights and the log(1000/16)
clamp), proposal filtering (clip, remove small, score threshold, top-k per level, batched NMS by
offsets), ATSS adaptive matching with cdist and mean+std thresholds, a custom autograd.Function
smooth-L1 checked with gradcheck, and the RPN losses with a prior-initialised objectness bias."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(11)
torch.set_printoptions(precision=4, sci_mode=False)


def generate_cell_anchors(scales, aspect_ratios, dtype=torch.float32):
    scales = torch.as_tensor(scales, dtype=dtype)
    aspect_ratios = torch.as_tensor(aspect_ratios, dtype=dtype)
    h_ratios = torch.sqrt(aspect_ratios)
    w_ratios = 1 / h_ratios
    ws = (w_ratios[:, None] * scales[None, :]).view(-1)
    hs = (h_ratios[:, None] * scales[None, :]).view(-1)
    base = torch.stack([-ws, -hs, ws, hs], dim=1) / 2
    return base.round()


def grid_anchors(cell, grid_size, stride):
    gh, gw = grid_size
    shifts_x = torch.arange(0, gw, dtype=torch.int32) * stride
    shifts_y = torch.arange(0, gh, dtype=torch.int32) * stride
    shift_y, shift_x = torch.meshgrid(shifts_y, shifts_x, indexing="ij")
    shift_x = shift_x.reshape(-1)
    shift_y = shift_y.reshape(-1)
    shifts = torch.stack((shift_x, shift_y, shift_x, shift_y), dim=1)
    return (shifts.view(-1, 1, 4) + cell.view(1, -1, 4)).reshape(-1, 4)


image_size = (64, 80)
levels = [((8, 10), 8, (16,)), ((4, 5), 16, (32,)), ((2, 3), 32, (64,))]
ratios = (0.5, 1.0, 2.0)
anchors_per_level = []
for grid, stride, scales in levels:
    cell = generate_cell_anchors(scales, ratios)
    a = grid_anchors(cell, grid, stride)
    anchors_per_level.append(a)
    print(f"stride {stride}: cell anchors\n{cell}\n  grid anchors {tuple(a.shape)} dtype {a.dtype}")
anchors = torch.cat(anchors_per_level)
num_per_level = [a.shape[0] for a in anchors_per_level]
print("anchors", anchors.shape, num_per_level)
print(anchors[100:103])

gt_boxes = torch.tensor([[5.0, 6.0, 30.0, 40.0], [40.0, 10.0, 75.0, 30.0], [20.0, 30.0, 60.0, 62.0]])


def box_iou(a, b):
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    lt = torch.max(a[:, None, :2], b[:, :2])
    rb = torch.min(a[:, None, 2:], b[:, 2:])
    wh = (rb - lt).clamp(min=0)
    inter = wh[:, :, 0] * wh[:, :, 1]
    return inter / (area_a[:, None] + area_b - inter)


class Matcher:
    BELOW_LOW_THRESHOLD = -1
    BETWEEN_THRESHOLDS = -2

    def __init__(self, high, low, allow_low_quality_matches=False):
        self.high, self.low, self.allow = high, low, allow_low_quality_matches

    def __call__(self, quality):                       # gt x anchors
        matched_vals, matches = quality.max(dim=0)
        all_matches = matches.clone() if self.allow else None
        below = matched_vals < self.low
        between = (matched_vals >= self.low) & (matched_vals < self.high)
        matches[below] = self.BELOW_LOW_THRESHOLD
        matches[between] = self.BETWEEN_THRESHOLDS
        if self.allow:
            highest, _ = quality.max(dim=1)
            gt_pred_pairs = torch.where(quality == highest[:, None])
            upd = gt_pred_pairs[1]
            matches[upd] = all_matches[upd]
        return matches


match_quality = box_iou(gt_boxes, anchors)
matcher = Matcher(0.7, 0.3, allow_low_quality_matches=True)
matched_idxs = matcher(match_quality)
print("max IoU per gt", match_quality.max(dim=1).values)
print("matched counts: fg", int((matched_idxs >= 0).sum()), "bg", int((matched_idxs == -1).sum()),
      "ignored", int((matched_idxs == -2).sum()))
labels = (matched_idxs >= 0).to(torch.float32)
labels[matched_idxs == Matcher.BELOW_LOW_THRESHOLD] = 0.0
labels[matched_idxs == Matcher.BETWEEN_THRESHOLDS] = -1.0
matched_gt = gt_boxes[matched_idxs.clamp(min=0)]


def balanced_sample(labels, batch_size_per_image, positive_fraction, generator):
    positive = torch.where(labels >= 1)[0]
    negative = torch.where(labels == 0)[0]
    num_pos = min(positive.numel(), int(batch_size_per_image * positive_fraction))
    num_neg = min(negative.numel(), batch_size_per_image - num_pos)
    perm1 = torch.randperm(positive.numel(), generator=generator)[:num_pos]
    perm2 = torch.randperm(negative.numel(), generator=generator)[:num_neg]
    pos_mask = torch.zeros_like(labels, dtype=torch.uint8)
    neg_mask = torch.zeros_like(labels, dtype=torch.uint8)
    pos_mask[positive[perm1]] = 1
    neg_mask[negative[perm2]] = 1
    return pos_mask, neg_mask


g = torch.Generator().manual_seed(5)
pos_mask, neg_mask = balanced_sample(labels, 32, 0.25, g)
print("sampled pos", pos_mask.sum().item(), "neg", neg_mask.sum().item(), pos_mask.dtype)
sampled_pos = torch.where(pos_mask)[0]
sampled = torch.where(torch.logical_or(pos_mask, neg_mask))[0]
print("sampled positive anchors", sampled_pos.tolist())


class BoxCoder:
    def __init__(self, weights, bbox_xform_clip=math.log(1000.0 / 16)):
        self.weights = weights
        self.clip = bbox_xform_clip

    def encode(self, reference, proposals):
        wx, wy, ww, wh = self.weights
        pw = proposals[:, 2] - proposals[:, 0]
        ph = proposals[:, 3] - proposals[:, 1]
        px = proposals[:, 0] + 0.5 * pw
        py = proposals[:, 1] + 0.5 * ph
        gw = reference[:, 2] - reference[:, 0]
        gh = reference[:, 3] - reference[:, 1]
        gx = reference[:, 0] + 0.5 * gw
        gy = reference[:, 1] + 0.5 * gh
        return torch.stack((wx * (gx - px) / pw, wy * (gy - py) / ph,
                            ww * torch.log(gw / pw), wh * torch.log(gh / ph)), dim=1)

    def decode(self, codes, boxes):
        boxes = boxes.to(codes.dtype)
        widths = boxes[:, 2] - boxes[:, 0]
        heights = boxes[:, 3] - boxes[:, 1]
        ctr_x = boxes[:, 0] + 0.5 * widths
        ctr_y = boxes[:, 1] + 0.5 * heights
        wx, wy, ww, wh = self.weights
        dx = codes[:, 0::4] / wx
        dy = codes[:, 1::4] / wy
        dw = torch.clamp(codes[:, 2::4] / ww, max=self.clip)
        dh = torch.clamp(codes[:, 3::4] / wh, max=self.clip)
        pcx = dx * widths[:, None] + ctr_x[:, None]
        pcy = dy * heights[:, None] + ctr_y[:, None]
        pw = torch.exp(dw) * widths[:, None]
        ph = torch.exp(dh) * heights[:, None]
        c_to_c_h = torch.tensor(0.5, dtype=pcy.dtype) * ph
        c_to_c_w = torch.tensor(0.5, dtype=pcx.dtype) * pw
        return torch.stack((pcx - c_to_c_w, pcy - c_to_c_h, pcx + c_to_c_w, pcy + c_to_c_h), dim=2).flatten(1)


coder = BoxCoder((1.0, 1.0, 1.0, 1.0))
targets = coder.encode(matched_gt[sampled_pos], anchors[sampled_pos])
print("regression targets\n", targets[:4])
round_trip = coder.decode(targets, anchors[sampled_pos])
print("round trip max err small:", bool((round_trip - matched_gt[sampled_pos]).abs().max() < 1e-3))
coder_rcnn = BoxCoder((10.0, 10.0, 5.0, 5.0))
print("rcnn-weighted targets", coder_rcnn.encode(gt_boxes, anchors[sampled_pos[:3]]))
print("huge dw clamped:", coder.decode(torch.tensor([[0.0, 0.0, 10.0, -10.0]]), anchors[:1]))

# ---------------------------------------------------------------- RPN head
class RPNHead(nn.Module):
    def __init__(self, ch, na):
        super().__init__()
        self.conv = nn.Conv2d(ch, ch, 3, padding=1)
        self.cls_logits = nn.Conv2d(ch, na, 1)
        self.bbox_pred = nn.Conv2d(ch, na * 4, 1)
        for layer in self.children():
            nn.init.normal_(layer.weight, std=0.01)
            nn.init.constant_(layer.bias, 0)
        prior = 0.01
        nn.init.constant_(self.cls_logits.bias, -math.log((1 - prior) / prior))

    def forward(self, feats):
        logits, regs = [], []
        for f in feats:
            t = F.relu(self.conv(f))
            logits.append(self.cls_logits(t))
            regs.append(self.bbox_pred(t))
        return logits, regs


def permute_and_flatten(layer, n, a, c, h, w):
    return layer.view(n, -1, c, h, w).permute(0, 3, 4, 1, 2).reshape(n, -1, c)


head = RPNHead(6, len(ratios))
print("objectness bias", head.cls_logits.bias)
feats = [torch.randn(1, 6, *lv[0]) for lv in levels]
obj, reg = head(feats)
obj_flat = torch.cat([permute_and_flatten(o, 1, 3, 1, *o.shape[-2:]) for o in obj], dim=1).flatten(0, -2)
reg_flat = torch.cat([permute_and_flatten(r, 1, 3, 4, *r.shape[-2:]) for r in reg], dim=1).reshape(-1, 4)
print("objectness", obj_flat.shape, "deltas", reg_flat.shape)


class SmoothL1(torch.autograd.Function):
    """|x| - beta/2 beyond beta, x^2 / (2 beta) inside."""

    @staticmethod
    def forward(ctx, diff, beta):
        ctx.save_for_backward(diff)
        ctx.beta = beta
        n = diff.abs()
        return torch.where(n < beta, 0.5 * n ** 2 / beta, n - 0.5 * beta)

    @staticmethod
    def backward(ctx, grad):
        diff, = ctx.saved_tensors
        g = torch.where(diff.abs() < ctx.beta, diff / ctx.beta, diff.sign())
        return grad * g, None


d = torch.randn(6, dtype=torch.float64, requires_grad=True)
print("gradcheck SmoothL1:", torch.autograd.gradcheck(lambda t: SmoothL1.apply(t, 0.3), (d,)))
ours = SmoothL1.apply(reg_flat[sampled_pos] - targets, 1 / 9).sum()
ref = F.smooth_l1_loss(reg_flat[sampled_pos], targets, beta=1 / 9, reduction="sum")
print(f"custom smooth-l1 {ours.item():.4f} vs F {ref.item():.4f}", ours.grad_fn.name())
box_loss = ref / sampled.numel()
obj_loss = F.binary_cross_entropy_with_logits(obj_flat[sampled, 0], labels[sampled])
(obj_loss + box_loss).backward()
print(f"rpn losses: objectness {obj_loss.item():.4f} box {box_loss.item():.4f}")
print("grad norms", [f"{p.grad.norm().item():.4f}" for p in head.parameters()])

# ---------------------------------------------------------------- proposals
with torch.no_grad():
    proposals = coder.decode(reg_flat.detach(), anchors).view(-1, 4)
    scores = obj_flat.detach().view(-1).sigmoid()
    levels_idx = torch.cat([torch.full((n,), i, dtype=torch.int64) for i, n in enumerate(num_per_level)])
    top_idx = []
    offset = 0
    for n in num_per_level:
        _, idx = scores[offset:offset + n].topk(min(20, n))
        top_idx.append(idx + offset)
        offset += n
    top_idx = torch.cat(top_idx)
    boxes, sc, lv = proposals[top_idx], scores[top_idx], levels_idx[top_idx]
    boxes[:, 0::2] = boxes[:, 0::2].clamp(min=0, max=image_size[1])
    boxes[:, 1::2] = boxes[:, 1::2].clamp(min=0, max=image_size[0])
    ws, hs = boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]
    keep = torch.where((ws >= 1e-3) & (hs >= 1e-3))[0]
    boxes, sc, lv = boxes[keep], sc[keep], lv[keep]
    max_coord = boxes.max()
    off = lv.to(boxes) * (max_coord + 1)
    b_for_nms = boxes + off[:, None]
    order = sc.argsort(descending=True)
    suppressed = torch.zeros(len(order), dtype=torch.bool)
    ious = box_iou(b_for_nms[order], b_for_nms[order])
    keep_list = []
    for i in range(len(order)):
        if suppressed[i]:
            continue
        keep_list.append(order[i].item())
        suppressed |= ious[i] > 0.7
    print("proposals before/after nms", len(order), len(keep_list), "per level",
          torch.bincount(lv[keep_list], minlength=3).tolist())

# ---------------------------------------------------------------- ATSS matching
anchor_ctr = (anchors[:, :2] + anchors[:, 2:]) / 2
gt_ctr = (gt_boxes[:, :2] + gt_boxes[:, 2:]) / 2
dist = torch.cdist(gt_ctr, anchor_ctr)
print("cdist", dist.shape, dist.dtype)
candidates = []
start = 0
for n in num_per_level:
    _, top = dist[:, start:start + n].topk(min(9, n), dim=1, largest=False)
    candidates.append(top + start)
    start += n
candidates = torch.cat(candidates, dim=1)
cand_iou = match_quality.gather(1, candidates)
std, mean = torch.std_mean(cand_iou, dim=1)
thr = mean + std
print("ATSS mean", mean, "std", std)
is_pos = cand_iou >= thr[:, None]
ctr_in = []
for gi in range(len(gt_boxes)):
    c = anchor_ctr[candidates[gi]]
    inside = torch.stack([c[:, 0] - gt_boxes[gi, 0], c[:, 1] - gt_boxes[gi, 1],
                          gt_boxes[gi, 2] - c[:, 0], gt_boxes[gi, 3] - c[:, 1]], 1).amin(1) > 0.01
    ctr_in.append(inside)
is_pos = is_pos & torch.stack(ctr_in)
print("ATSS positives per gt", is_pos.sum(1).tolist())
iou_inf = torch.full_like(match_quality, -math.inf)
flat_idx = (candidates + torch.arange(len(gt_boxes))[:, None] * anchors.shape[0])[is_pos]
iou_inf.view(-1)[flat_idx] = match_quality.view(-1)[flat_idx]
best, who = iou_inf.max(0)
who[best == -math.inf] = -1
print("ATSS assigned anchors", torch.nonzero(who >= 0).flatten().tolist(), who[who >= 0].tolist())
print("kthvalue", torch.kthvalue(cand_iou, 3, dim=1).values)
