"""Semi-supervised learning: pseudo-labelling (Lee 2013) and FixMatch-style consistency (Sohn et al.),
written like the minimal reimplementations: a few labelled and many unlabelled synthetic "images",
weak augmentation by hand (random flips with torch.flip, pad-and-crop translation via F.pad and
random offsets), strong augmentation by hand (noise, brightness / contrast jitter, cutout masks),
interleave / de-interleave of the joint batch for BatchNorm, confidence-threshold masks on
softmax(weak).max(), hard pseudo-labels, ramped unlabelled loss weight, an EMA teacher model
(copy.deepcopy + lerp_), and Mean-Teacher / Pi-model consistency with MSE between softmaxes."""
import copy
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
C, H = 3, 8
protos = torch.randn(C, 1, H, H)
def sample(n):
    y = torch.randint(0, C, (n,))
    return protos[y] + 0.8 * torch.randn(n, 1, H, H), y

x_lab, y_lab = sample(12)
x_unl, y_unl_true = sample(96)
x_test, y_test = sample(60)
print("labelled per class", torch.bincount(y_lab, minlength=C).tolist(), x_unl.shape)


def weak_aug(x):
    flip = torch.rand(x.size(0)) < 0.5
    x = torch.where(flip[:, None, None, None], torch.flip(x, dims=[3]), x)
    padded = F.pad(x, (2, 2, 2, 2), mode="reflect")
    out = torch.empty_like(x)
    dx, dy = torch.randint(0, 5, (x.size(0),)), torch.randint(0, 5, (x.size(0),))
    for i in range(x.size(0)):
        out[i] = padded[i, :, dy[i]:dy[i] + H, dx[i]:dx[i] + H]
    return out


def cutout(x, size=3):
    n = x.size(0)
    cy, cx = torch.randint(0, H, (n,)), torch.randint(0, H, (n,))
    ys = torch.arange(H).view(1, H, 1)
    xs = torch.arange(H).view(1, 1, H)
    mask = ((ys - cy.view(-1, 1, 1)).abs() <= size // 2) & ((xs - cx.view(-1, 1, 1)).abs() <= size // 2)
    return x.masked_fill(mask.unsqueeze(1), 0.0)


def strong_aug(x):
    x = weak_aug(x)
    b = (torch.rand(x.size(0), 1, 1, 1) - 0.5) * 0.8
    c = 1 + (torch.rand(x.size(0), 1, 1, 1) - 0.5)
    mean = x.mean(dim=(1, 2, 3), keepdim=True)
    x = (x - mean) * c + mean + b
    x = x + 0.3 * torch.randn_like(x)
    return cutout(x).clamp(-4, 4)


def interleave(x, size):
    s = list(x.shape)
    return x.reshape([-1, size] + s[1:]).transpose(0, 1).reshape([-1] + s[1:])


def de_interleave(x, size):
    s = list(x.shape)
    return x.reshape([size, -1] + s[1:]).transpose(0, 1).reshape([-1] + s[1:])


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8, momentum=0.001),
                                      nn.LeakyReLU(0.1), nn.MaxPool2d(2),
                                      nn.Conv2d(8, 16, 3, padding=1), nn.BatchNorm2d(16, momentum=0.001),
                                      nn.LeakyReLU(0.1), nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.fc = nn.Linear(16, C)

    def forward(self, x):
        return self.fc(self.features(x))


class ModelEMA:
    def __init__(self, model, decay=0.99):
        self.ema = copy.deepcopy(model)
        self.ema.eval()
        self.decay = decay
        self.param_keys = [k for k, _ in self.ema.named_parameters()]
        self.buffer_keys = [k for k, _ in self.ema.named_buffers()]
        for p in self.ema.parameters():
            p.requires_grad_(False)

    def update(self, model):
        with torch.no_grad():
            msd, esd = model.state_dict(), self.ema.state_dict()
            for k in self.param_keys:
                esd[k].copy_(esd[k] * self.decay + (1. - self.decay) * msd[k].detach())
            for k in self.buffer_keys:
                esd[k].copy_(msd[k])


@torch.no_grad()
def accuracy(model, x, y):
    was = model.training
    model.eval()
    acc = (model(x).argmax(1) == y).float().mean().item()
    model.train(was)
    return acc


# check interleave round trip
z = torch.arange(24).view(12, 2)
print("interleave", interleave(z, 3)[:4].tolist(), torch.equal(de_interleave(interleave(z, 3), 3), z))

model = Net()
ema = ModelEMA(model)
no_decay = ["bias", "bn"]
grouped = [{"params": [p for n, p in model.named_parameters() if not any(nd in n for nd in no_decay)],
            "weight_decay": 5e-4},
           {"params": [p for n, p in model.named_parameters() if any(nd in n for nd in no_decay)],
            "weight_decay": 0.0}]
print("groups", [len(g["params"]) for g in grouped])
optimizer = torch.optim.SGD(grouped, lr=0.03, momentum=0.9, nesterov=True)
total_steps, warmup = 9, 2


def get_cosine_schedule_with_warmup(optimizer, num_warmup_steps, num_training_steps, num_cycles=7. / 16.):
    def _lr_lambda(current_step):
        if current_step < num_warmup_steps:
            return float(current_step) / float(max(1, num_warmup_steps))
        no_progress = float(current_step - num_warmup_steps) / float(max(1, num_training_steps - num_warmup_steps))
        return max(0., math.cos(math.pi * num_cycles * no_progress))
    return torch.optim.lr_scheduler.LambdaLR(optimizer, _lr_lambda, -1)


scheduler = get_cosine_schedule_with_warmup(optimizer, warmup, total_steps)
mu, threshold, lambda_u, T = 3, 0.45, 1.0, 1.0
bs = 6
model.train()
for step in range(total_steps):
    li = torch.randint(0, len(x_lab), (bs,))
    ui = torch.randint(0, len(x_unl), (bs * mu,))
    inputs_x, targets_x = weak_aug(x_lab[li]), y_lab[li]
    inputs_u_w, inputs_u_s = weak_aug(x_unl[ui]), strong_aug(x_unl[ui])
    inputs = interleave(torch.cat((inputs_x, inputs_u_w, inputs_u_s)), 2 * mu + 1)
    logits = model(inputs)
    logits = de_interleave(logits, 2 * mu + 1)
    logits_x = logits[:bs]
    logits_u_w, logits_u_s = logits[bs:].chunk(2)
    del logits
    Lx = F.cross_entropy(logits_x, targets_x, reduction="mean")
    pseudo_label = torch.softmax(logits_u_w.detach() / T, dim=-1)
    max_probs, targets_u = torch.max(pseudo_label, dim=-1)
    mask = max_probs.ge(threshold).float()
    Lu = (F.cross_entropy(logits_u_s, targets_u, reduction="none") * mask).mean()
    loss = Lx + lambda_u * Lu
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    scheduler.step()
    ema.update(model)
    if step % 3 == 2:
        pl_acc = (targets_u == y_unl_true[ui])[mask.bool()].float().mean().item() if mask.sum() > 0 else float("nan")
        print(f"step {step:2d} lr {scheduler.get_last_lr()[0]:.5f} Lx {Lx.item():.4f} Lu {Lu.item():.4f} "
              f"mask {mask.mean().item():.3f} pl_acc {pl_acc:.3f}")
print(f"student acc {accuracy(model, x_test, y_test):.3f} ema acc {accuracy(ema.ema, x_test, y_test):.3f}")
print("ema frozen", all(not p.requires_grad for p in ema.ema.parameters()), ema.ema.training,
      ema.ema.features[1].num_batches_tracked)
print("bn running mean", ema.ema.features[1].running_mean[:3].round(decimals=3))

# classic pseudo-labelling with a ramped weight alpha(t)
def alpha_weight(epoch, T1=2, T2=6, af=3.0):
    if epoch < T1:
        return 0.0
    elif epoch > T2:
        return af
    return ((epoch - T1) / (T2 - T1)) * af


torch.manual_seed(1)
pl_model = nn.Sequential(nn.Flatten(), nn.Linear(H * H, 32), nn.ReLU(), nn.Linear(32, C))
opt = torch.optim.Adam(pl_model.parameters(), lr=3e-3)
for epoch in range(8):
    pl_model.train()
    opt.zero_grad()
    sup = F.cross_entropy(pl_model(x_lab), y_lab)
    with torch.no_grad():
        pl_model.eval()
        out_u = pl_model(x_unl)
        pseudo = out_u.argmax(1)
        conf = F.softmax(out_u, 1).amax(1)
        pl_model.train()
    keep = conf > 0.6
    unsup = F.cross_entropy(pl_model(x_unl[keep]), pseudo[keep]) if keep.any() else torch.tensor(0.)
    loss = sup + alpha_weight(epoch) * unsup
    loss.backward()
    opt.step()
    print(f"pl epoch {epoch} alpha {alpha_weight(epoch):.2f} sup {sup.item():.4f} unsup {unsup.item():.4f} "
          f"kept {int(keep.sum())} acc {accuracy(pl_model, x_test, y_test):.3f}")

# Pi-model / Mean-Teacher consistency between two stochastic views
torch.manual_seed(2)
student = nn.Sequential(nn.Flatten(), nn.Linear(H * H, 16), nn.ReLU(), nn.Dropout(0.2), nn.Linear(16, C))
teacher = copy.deepcopy(student)
for p in teacher.parameters():
    p.detach_()
opt = torch.optim.SGD(student.parameters(), lr=0.05)
for step in range(5):
    xb = x_unl[step * 8:(step + 1) * 8]
    s_out = F.softmax(student(weak_aug(xb)), dim=1)
    with torch.no_grad():
        t_out = F.softmax(teacher(weak_aug(xb)), dim=1)
    cons = F.mse_loss(s_out, t_out, reduction="sum") / xb.size(0)
    kl = F.kl_div(F.log_softmax(student(xb), 1), t_out, reduction="batchmean")
    (cons + 0.1 * kl).backward()
    opt.step()
    opt.zero_grad()
    alpha = min(1 - 1 / (step + 1), 0.95)
    for ema_p, p in zip(teacher.parameters(), student.parameters()):
        ema_p.data.mul_(alpha).add_(p.data, alpha=1 - alpha)
    print(f"mt step {step} cons {cons.item():.5f} kl {kl.item():.5f} alpha {alpha:.3f}")
print("teacher leaf", teacher[1].weight.is_leaf, teacher[1].weight.requires_grad)
w = torch.zeros(3)
w.lerp_(torch.ones(3), 0.25)
print("lerp", w, torch.lerp(torch.zeros(2), torch.tensor([2., 4.]), torch.tensor([0.5, 0.25])))
print("ge mask", torch.tensor([0.69, 0.7, 0.71]).ge(0.7), torch.tensor([0.2, 0.9]).gt(0.5).float().mean())
print("flip", torch.flip(torch.arange(6).view(1, 2, 3), [2]).tolist(), torch.arange(4).view(2, 2).fliplr().tolist())
print("pad", F.pad(torch.arange(9.).view(1, 1, 3, 3), (1, 1, 1, 1), mode="reflect")[0, 0, 0].tolist())
try:
    F.pad(torch.arange(9.).view(1, 1, 3, 3), (3, 3, 3, 3), mode="reflect")
except RuntimeError as e:
    print("RuntimeError:", e)
