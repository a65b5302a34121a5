"""DINO-style self-distillation in the style of the reference training script: a student network
and a teacher made by ``copy.deepcopy`` with ``requires_grad_(False)`` (``p.requires_grad = False``),
a DINOHead with a weight-normalised last layer (``nn.utils.weight_norm`` with ``weight_g`` filled
with 1 and frozen), multi-crop augmentation by random crops resized with F.interpolate, the DINO
loss (student temperature log_softmax against centred, sharpened teacher softmax, skipping the
same-view pairs, the center buffer updated with momentum), cosine schedules for lr / weight decay /
teacher momentum computed with numpy and indexed per iteration, gradient clipping per parameter,
``cancel_gradients_last_layer`` during the first epoch, and the EMA update both as a zip loop and
with ``torch._foreach_mul_`` / ``torch._foreach_add_``."""
import copy
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def cosine_scheduler(base_value, final_value, epochs, niter_per_ep, warmup_epochs=0, start_warmup_value=0):
    warmup_schedule = np.array([])
    warmup_iters = warmup_epochs * niter_per_ep
    if warmup_epochs > 0:
        warmup_schedule = np.linspace(start_warmup_value, base_value, warmup_iters)
    iters = np.arange(epochs * niter_per_ep - warmup_iters)
    schedule = final_value + 0.5 * (base_value - final_value) * (1 + np.cos(np.pi * iters / len(iters)))
    schedule = np.concatenate((warmup_schedule, schedule))
    assert len(schedule) == epochs * niter_per_ep
    return schedule


def trunc_normal_(tensor, mean=0., std=1., a=-2., b=2.):
    return nn.init.trunc_normal_(tensor, mean=mean, std=std, a=a, b=b)


class DINOHead(nn.Module):
    def __init__(self, in_dim, out_dim, use_bn=False, norm_last_layer=True, nlayers=3, hidden_dim=32,
                 bottleneck_dim=16):
        super().__init__()
        nlayers = max(nlayers, 1)
        layers = [nn.Linear(in_dim, hidden_dim)]
        if use_bn:
            layers.append(nn.BatchNorm1d(hidden_dim))
        layers.append(nn.GELU())
        for _ in range(nlayers - 2):
            layers.append(nn.Linear(hidden_dim, hidden_dim))
            if use_bn:
                layers.append(nn.BatchNorm1d(hidden_dim))
            layers.append(nn.GELU())
        layers.append(nn.Linear(hidden_dim, bottleneck_dim))
        self.mlp = nn.Sequential(*layers)
        self.apply(self._init_weights)
        self.last_layer = nn.utils.weight_norm(nn.Linear(bottleneck_dim, out_dim, bias=False))
        self.last_layer.weight_g.data.fill_(1)
        if norm_last_layer:
            self.last_layer.weight_g.requires_grad = False

    def _init_weights(self, m):
        if isinstance(m, nn.Linear):
            trunc_normal_(m.weight, std=.02)
            if isinstance(m, nn.Linear) and m.bias is not None:
                nn.init.constant_(m.bias, 0)

    def forward(self, x):
        x = self.mlp(x)
        x = nn.functional.normalize(x, dim=-1, p=2)
        return self.last_layer(x)


class Backbone(nn.Module):
    """A tiny convnet standing in for the ViT: conv -> BN -> ReLU -> global average pool."""

    def __init__(self, embed_dim=24):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(inplace=True),
                                      nn.Conv2d(16, embed_dim, 3, padding=1, stride=2), nn.ReLU(inplace=True))
        self.embed_dim = embed_dim

    def forward(self, x):
        return F.adaptive_avg_pool2d(self.features(x), 1).flatten(1)


class MultiCropWrapper(nn.Module):
    def __init__(self, backbone, head):
        super().__init__()
        self.backbone = backbone
        self.head = head

    def forward(self, x):
        if not isinstance(x, list):
            x = [x]
        idx_crops = torch.cumsum(torch.unique_consecutive(
            torch.tensor([inp.shape[-1] for inp in x]),
            return_counts=True,
        )[1], 0)
        start_idx, output = 0, torch.empty(0).to(x[0].device)
        for end_idx in idx_crops:
            _out = self.backbone(torch.cat(x[start_idx: end_idx]))
            if isinstance(_out, tuple):
                _out = _out[0]
            output = torch.cat((output, _out))
            start_idx = end_idx
        return self.head(output)


class DINOLoss(nn.Module):
    def __init__(self, out_dim, ncrops, warmup_teacher_temp, teacher_temp, warmup_teacher_temp_epochs, nepochs,
                 student_temp=0.1, center_momentum=0.9):
        super().__init__()
        self.student_temp = student_temp
        self.center_momentum = center_momentum
        self.ncrops = ncrops
        self.register_buffer("center", torch.zeros(1, out_dim))
        self.teacher_temp_schedule = np.concatenate((
            np.linspace(warmup_teacher_temp, teacher_temp, warmup_teacher_temp_epochs),
            np.ones(nepochs - warmup_teacher_temp_epochs) * teacher_temp
        ))

    def forward(self, student_output, teacher_output, epoch):
        student_out = student_output / self.student_temp
        student_out = student_out.chunk(self.ncrops)
        temp = self.teacher_temp_schedule[epoch]
        teacher_out = F.softmax((teacher_output - self.center) / temp, dim=-1)
        teacher_out = teacher_out.detach().chunk(2)
        total_loss = 0
        n_loss_terms = 0
        for iq, q in enumerate(teacher_out):
            for v in range(len(student_out)):
                if v == iq:
                    continue
                loss = torch.sum(-q * F.log_softmax(student_out[v], dim=-1), dim=-1)
                total_loss += loss.mean()
                n_loss_terms += 1
        total_loss /= n_loss_terms
        self.update_center(teacher_output)
        return total_loss

    @torch.no_grad()
    def update_center(self, teacher_output):
        batch_center = torch.sum(teacher_output, dim=0, keepdim=True)
        batch_center = batch_center / len(teacher_output)
        self.center = self.center * self.center_momentum + batch_center * (1 - self.center_momentum)


def random_resized_crop(img, size, scale, gen):
    _, H, W = img.shape
    area = H * W * (scale[0] + (scale[1] - scale[0]) * torch.rand(1, generator=gen).item())
    side = max(2, min(H, int(round(math.sqrt(area)))))
    top = torch.randint(0, H - side + 1, (1,), generator=gen).item()
    left = torch.randint(0, W - side + 1, (1,), generator=gen).item()
    crop = img[:, top:top + side, left:left + side]
    out = F.interpolate(crop.unsqueeze(0), size=(size, size), mode="bilinear", align_corners=False)
    if torch.rand(1, generator=gen).item() < 0.5:
        out = torch.flip(out, dims=[3])
    return out.squeeze(0)


def multi_crop(batch, gen, n_local=2):
    g1 = torch.stack([random_resized_crop(im, 12, (0.4, 1.0), gen) for im in batch])
    g2 = torch.stack([random_resized_crop(im, 12, (0.4, 1.0), gen) for im in batch])
    locs = [torch.stack([random_resized_crop(im, 6, (0.05, 0.4), gen) for im in batch]) for _ in range(n_local)]
    return [g1, g2] + locs


def clip_gradients(model, clip):
    norms = []
    for name, p in model.named_parameters():
        if p.grad is not None:
            param_norm = p.grad.data.norm(2)
            norms.append(param_norm.item())
            clip_coef = clip / (param_norm + 1e-6)
            if clip_coef < 1:
                p.grad.data.mul_(clip_coef)
    return norms


def cancel_gradients_last_layer(epoch, model, freeze_last_layer):
    if epoch >= freeze_last_layer:
        return
    for n, p in model.named_parameters():
        if "last_layer" in n:
            p.grad = None


torch.manual_seed(0)
out_dim = 20
student = MultiCropWrapper(Backbone(), DINOHead(24, out_dim))
teacher = MultiCropWrapper(Backbone(), DINOHead(24, out_dim))
teacher.load_state_dict(student.state_dict())
for p in teacher.parameters():
    p.requires_grad = False
try:
    copy.deepcopy(student)
except RuntimeError as e:
    print("deepcopy:", str(e)[:80])
teacher_copy = copy.deepcopy(student.backbone).requires_grad_(False)
print(student.head)
print("head keys:", [k for k in student.head.state_dict() if "last_layer" in k])
print("weight_g:", student.head.last_layer.weight_g.shape, student.head.last_layer.weight_g.requires_grad,
      student.head.last_layer.weight_v.requires_grad, student.head.last_layer.weight_g[:3, 0])
print("deepcopy:", all(torch.equal(a, b) for a, b in zip(teacher_copy.parameters(), student.backbone.parameters())),
      any(p.requires_grad for p in teacher_copy.parameters()), teacher_copy.features[0].weight is
      student.backbone.features[0].weight)
print("trunc std:", round(student.head.mlp[0].weight.std().item(), 3),
      bool(student.head.mlp[0].weight.abs().max() <= 2.0))

epochs, niter_per_ep = 3, 3
lr_schedule = cosine_scheduler(5e-3, 1e-5, epochs, niter_per_ep, warmup_epochs=1)
wd_schedule = cosine_scheduler(0.04, 0.4, epochs, niter_per_ep)
momentum_schedule = cosine_scheduler(0.9, 1, epochs, niter_per_ep)
print("lr:", np.round(lr_schedule, 6).tolist())
print("wd:", np.round(wd_schedule, 4).tolist(), "m:", np.round(momentum_schedule, 4).tolist())

dino_loss = DINOLoss(out_dim, 4, warmup_teacher_temp=0.04, teacher_temp=0.07, warmup_teacher_temp_epochs=2,
                     nepochs=epochs)
print("temps:", dino_loss.teacher_temp_schedule.tolist(), dino_loss.center.shape)

params_groups = [{"params": [p for n, p in student.named_parameters() if p.requires_grad and not
                             (n.endswith(".bias") or len(p.shape) == 1)]},
                 {"params": [p for n, p in student.named_parameters() if p.requires_grad and
                             (n.endswith(".bias") or len(p.shape) == 1)], "weight_decay": 0.}]
optimizer = torch.optim.AdamW(params_groups)
print("groups:", [len(g["params"]) for g in optimizer.param_groups], optimizer.defaults["weight_decay"])

yy, xx = torch.meshgrid(torch.linspace(0, 1, 16), torch.linspace(0, 1, 16), indexing="ij")
data = torch.stack([torch.stack([torch.sin(6 * xx + k), torch.cos(5 * yy - k), xx * yy * k / 4]) for k in range(8)])
data = data + 0.05 * torch.randn_like(data)
gen = torch.Generator().manual_seed(42)
crops = multi_crop(data[:4], gen)
print("crops:", [tuple(c.shape) for c in crops], torch.unique_consecutive(torch.tensor([c.shape[-1] for c in crops]),
                                                                          return_counts=True))

for epoch in range(epochs):
    for it in range(niter_per_ep):
        step = niter_per_ep * epoch + it
        for i, param_group in enumerate(optimizer.param_groups):
            param_group["lr"] = lr_schedule[step]
            if i == 0:
                param_group["weight_decay"] = wd_schedule[step]
        images = multi_crop(data[torch.randperm(8, generator=gen)[:4]], gen)
        teacher_output = teacher(images[:2])
        student_output = student(images)
        loss = dino_loss(student_output, teacher_output, epoch)
        if not math.isfinite(loss.item()):
            raise SystemExit(f"Loss is {loss.item()}, stopping training")
        optimizer.zero_grad()
        norms = clip_gradients(student, 3.0)
        loss.backward()
        norms = clip_gradients(student, 3.0)
        cancel_gradients_last_layer(epoch, student, 1)
        optimizer.step()
        with torch.no_grad():
            m = momentum_schedule[step]
            if epoch % 2 == 0:
                for param_q, param_k in zip(student.parameters(), teacher.parameters()):
                    param_k.data.mul_(m).add_((1 - m) * param_q.detach().data)
            else:
                names_q, params_q, names_k, params_k = [], [], [], []
                for name_q, param_q in student.named_parameters():
                    names_q.append(name_q)
                    params_q.append(param_q)
                for name_k, param_k in teacher.named_parameters():
                    names_k.append(name_k)
                    params_k.append(param_k)
                names_common = list(set(names_q) & set(names_k))
                params_q = [param_q for name_q, param_q in zip(names_q, params_q) if name_q in names_common]
                params_k = [param_k for name_k, param_k in zip(names_k, params_k) if name_k in names_common]
                torch._foreach_mul_(params_k, m)
                torch._foreach_add_(params_k, params_q, alpha=1 - m)
        last = student.head.last_layer.weight_v.grad
        print(f"ep {epoch} it {it} loss {loss.item():.4f} lr {optimizer.param_groups[0]['lr']:.6f} "
              f"wd {optimizer.param_groups[0]['weight_decay']:.4f} m {m:.4f} center {dino_loss.center.norm().item():.4f} "
              f"last_layer grad {'None' if last is None else 'set'} nnorms {len(norms)}")

print("student_output:", student_output.shape, teacher_output.shape, teacher_output.requires_grad)
diff = sum((pq - pk).abs().sum().item() for pq, pk in zip(student.parameters(), teacher.parameters()))
print("teacher differs from student:", diff > 0, "bn buffers equal:",
      torch.equal(student.backbone.features[1].running_mean, teacher.backbone.features[1].running_mean))
print("teacher bn tracked:", teacher.backbone.features[1].num_batches_tracked.item(),
      student.backbone.features[1].num_batches_tracked.item())
print("weight_g still ones:", torch.equal(student.head.last_layer.weight_g, torch.ones(out_dim, 1)))
student.eval()
teacher.eval()
with torch.no_grad():
    f_s = F.normalize(student.backbone(data), dim=1)
    f_t = F.normalize(teacher.backbone(data), dim=1)
    sim = f_s @ f_t.T
print("knn top1 agree:", (sim.argmax(1) == torch.arange(8)).sum().item(), sim.shape, round(sim.diag().mean().item(), 2))
p = torch.tensor([[1.0, 2.0, 3.0]])
print("foreach:", torch._foreach_mul([p, p * 2], 0.5), torch._foreach_add([p], [p], alpha=0.25))
# timm-style EMA with lerp and a grad-norm with _foreach_norm
ema_params = [q.detach().clone() for q in student.head.mlp.parameters()]
torch._foreach_lerp_(ema_params, [q.detach() for q in student.head.mlp.parameters()], 0.5)
grads = [q.grad for q in student.parameters() if q.grad is not None]
norms = torch._foreach_norm(grads, 2.0)
total = torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g_) for g_ in grads]), 2.0)
print("foreach norm:", len(norms), round(torch.stack(norms).norm().item(), 3), round(total.item(), 3),
      torch.stack(norms).shape, norms[0].dtype)
clip_coef = torch.clamp(1.0 / (total + 1e-6), max=1.0)
torch._foreach_mul_(grads, clip_coef)
print("clipped:", round(torch.stack(torch._foreach_norm(grads)).norm().item(), 4))
print("foreach sqrt/addcmul:", torch._foreach_sqrt([p.abs()])[0], torch._foreach_addcmul([p], [p], [p], value=0.5)[0])
