"""Transfer-learning idioms: a 'pretrained' backbone restored from a state_dict in memory, frozen
layers, a new head, optimizer param groups with their own learning rates, lr schedulers stepped
by hand, parameter vectors, and unfreezing part of the backbone later on."""
import io
import math

import torch
from torch import nn, optim
from torch.nn.utils import parameters_to_vector, vector_to_parameters
from torch.optim import lr_scheduler

torch.manual_seed(0)


class SmallNet(nn.Module):
    """A tiny ResNet-like classifier: features (conv stack) + fc head."""

    def __init__(self, num_classes=10):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 8, 3, padding=1, bias=False),
            nn.BatchNorm2d(8),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1),
            nn.ReLU(inplace=True),
            nn.AdaptiveAvgPool2d((1, 1)),
        )
        self.fc = nn.Linear(16, num_classes)

    def forward(self, x):
        return self.fc(torch.flatten(self.features(x), 1))


# "pretraining": a few steps on 10 classes, then the weights go to an in-memory checkpoint
pre = SmallNet()
opt = optim.SGD(pre.parameters(), lr=0.05, momentum=0.9)
xs, ys = torch.randn(32, 3, 8, 8), torch.randint(0, 10, (32,))
for _ in range(5):
    opt.zero_grad()
    loss = nn.functional.cross_entropy(pre(xs), ys)
    loss.backward()
    opt.step()
print(f"pretrain loss {loss.item():.4f}")
buffer = io.BytesIO()
torch.save(pre.state_dict(), buffer)
print(list(pre.state_dict().keys()))
print(pre.state_dict()["features.1.num_batches_tracked"])

buffer.seek(0)
state = torch.load(buffer, weights_only=True)
model = SmallNet()
result = model.load_state_dict(state)
print(result)
print(all(torch.equal(a, b) for a, b in zip(model.state_dict().values(), pre.state_dict().values())))

# load into a model with a different head: strict=False reports what did not fit
other = SmallNet(num_classes=4)
state_no_fc = {k: v for k, v in state.items() if not k.startswith("fc.")}
print(other.load_state_dict(state_no_fc, strict=False))
try:
    other.load_state_dict(state)
except RuntimeError as e:
    print(type(e).__name__, str(e).splitlines()[0])

# ---- feature extraction: freeze everything, replace the head
for param in model.parameters():
    param.requires_grad_(False)
num_ftrs = model.fc.in_features
model.fc = nn.Linear(num_ftrs, 4)
print(model.fc)
print([name for name, p in model.named_parameters() if p.requires_grad])
trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
total = sum(p.numel() for p in model.parameters())
print(f"trainable {trainable} / {total}")

x, y = torch.randn(16, 3, 8, 8), torch.randint(0, 4, (16,))
out = model(x)
print(out.requires_grad, type(out.grad_fn).__name__)
nn.functional.cross_entropy(out, y).backward()
print({name: p.grad is not None for name, p in model.named_parameters()})

optimizer = optim.SGD(filter(lambda p: p.requires_grad, model.parameters()), lr=0.1, momentum=0.9)
print(len(optimizer.param_groups), len(optimizer.param_groups[0]["params"]))
exp_lr = lr_scheduler.StepLR(optimizer, step_size=3, gamma=0.5)
model.train()
for epoch in range(6):
    optimizer.zero_grad()
    loss = nn.functional.cross_entropy(model(x), y)
    loss.backward()
    optimizer.step()
    exp_lr.step()
    print(epoch, f"{loss.item():.4f}", exp_lr.get_last_lr())
print(torch.equal(model.features[0].weight, pre.features[0].weight))
print(f"{model.features[1].running_mean.abs().sum().item():.4f}",
      model.features[1].num_batches_tracked.item())  # train mode: BN statistics still move

# ---- fine-tuning with discriminative learning rates
model = SmallNet()
model.load_state_dict(state)
model.fc = nn.Linear(16, 4)
backbone = [p for n, p in model.named_parameters() if not n.startswith("fc.")]
decay, no_decay = [], []
for name, p in model.named_parameters():
    (no_decay if name.endswith("bias") or ".1." in name else decay).append(name)
print(decay)
print(no_decay)
optimizer = optim.SGD([
    {"params": backbone, "lr": 1e-3},
    {"params": model.fc.parameters()},
], lr=1e-2, momentum=0.9, weight_decay=1e-4)
for i, g in enumerate(optimizer.param_groups):
    print(i, len(g["params"]), g["lr"], g["momentum"], g["weight_decay"], sorted(k for k in g if k != "params"))
optimizer.add_param_group({"params": [nn.Parameter(torch.zeros(2))], "lr": 0.5, "momentum": 0.0})
print([(g["lr"], g["momentum"], g["initial_lr"] if "initial_lr" in g else None) for g in optimizer.param_groups])
optimizer.param_groups.pop()

vec = parameters_to_vector(model.parameters())
print(vec.shape, f"{vec.norm().item():.4f}", vec.requires_grad, type(vec.grad_fn).__name__)
print(f"{parameters_to_vector(model.fc.parameters()).norm(p=1).item():.4f}")

# freeze the first conv block for two steps, then unfreeze it
model.features[0].requires_grad_(False)
model.features[1].requires_grad_(False)
print([n for n, p in model.named_parameters() if not p.requires_grad])
before = parameters_to_vector(model.features.parameters()).detach().clone()
for step in range(6):
    if step == 2:
        for p in model.features[:2].parameters():
            p.requires_grad = True
        print("unfrozen:", all(p.requires_grad for p in model.parameters()))
    optimizer.zero_grad()
    loss = nn.functional.cross_entropy(model(x), y)
    loss.backward()
    grads = [n for n, p in model.named_parameters() if p.grad is not None]
    optimizer.step()
    moved = (parameters_to_vector(model.features.parameters()) - before).abs().max().item()
    print(step, f"{loss.item():.4f}", len(grads), f"{moved:.6f}", len(optimizer.state))
print(f"{parameters_to_vector(model.parameters()).norm().item():.4f}")

# vector_to_parameters writes a flat vector back into the parameters
head = nn.Linear(3, 2)
vector_to_parameters(torch.arange(8.0), head.parameters())
print(head.weight, head.bias)

# ---- learning-rate schedules over a short run
def trajectory(make, steps, groups=1):
    p = [nn.Parameter(torch.ones(2)) for _ in range(groups)]
    opt = optim.SGD([{"params": [q]} for q in p], lr=0.1, momentum=0.9)
    sched = make(opt)
    lrs = [sched.get_last_lr()]
    for _ in range(steps):
        opt.zero_grad()
        sum((q ** 2).sum() for q in p).backward()
        opt.step()
        sched.step()
        lrs.append(sched.get_last_lr())
    return lrs, opt


lrs, _ = trajectory(lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=8, eta_min=0.001), 10)
print("cosine", [f"{v[0]:.5f}" for v in lrs])
lrs, opt = trajectory(lambda o: lr_scheduler.OneCycleLR(o, max_lr=0.4, total_steps=12), 11)
print("onecycle", [f"{v[0]:.5f}" for v in lrs])
print("momentum", f"{opt.param_groups[0]['momentum']:.4f}",
      sorted(k for k in opt.param_groups[0] if "lr" in k or "momentum" in k))
lrs, _ = trajectory(lambda o: lr_scheduler.LambdaLR(o, lr_lambda=[lambda e: 0.9 ** e, lambda e: 1 / (e + 1)]), 6,
                    groups=2)
print("lambda", [[f"{v:.5f}" for v in pair] for pair in lrs])
warmup = 3
lrs, _ = trajectory(lambda o: lr_scheduler.LambdaLR(
    o, lambda e: (e + 1) / warmup if e < warmup else 0.5 * (1 + math.cos(math.pi * (e - warmup) / 5))), 8)
print("warmup-cosine", [f"{v[0]:.5f}" for v in lrs])
lrs, opt = trajectory(lambda o: lr_scheduler.OneCycleLR(o, max_lr=[0.3, 0.03], epochs=2, steps_per_epoch=4,
                                                          anneal_strategy="linear", pct_start=0.25), 7, groups=2)
print("onecycle-linear", [[f"{v:.5f}" for v in pair] for pair in lrs])
print(sorted(opt.param_groups[1]))

# ---- more fine-tuning idioms
try:
    other.load_state_dict(state)
except RuntimeError as e:
    print(str(e))
try:
    optim.SGD([{"params": model.fc.parameters()}, {"params": [model.fc.bias]}], lr=0.1)
except ValueError as e:
    print(type(e).__name__, e)
try:
    optim.SGD(filter(lambda p: False, model.parameters()), lr=0.1)
except ValueError as e:
    print(type(e).__name__, e)

# a backbone without its head: nn.Sequential over children()
body = nn.Sequential(*list(model.children())[:-1])
print(len(body), [type(m).__name__ for m in body[0]])
print(body(x).shape, torch.flatten(body(x), 1).shape)
print([name for name, _ in model.named_children()], len(list(model.modules())))

# load only the backbone: strip the "features." prefix
fresh = SmallNet()
sub = {k[len("features."):]: v for k, v in state.items() if k.startswith("features.")}
print(fresh.features.load_state_dict(sub))
print(torch.equal(fresh.features[4].bias, pre.features[4].bias))


# keep BatchNorm in eval mode while the rest trains
def set_bn_eval(m):
    if isinstance(m, nn.modules.batchnorm._BatchNorm):
        m.eval()


fresh.train()
fresh.apply(set_bn_eval)
print([(type(m).__name__, m.training) for m in fresh.modules()][:4])
n_before = fresh.features[1].num_batches_tracked.item()
fresh(x)
print(n_before, fresh.features[1].num_batches_tracked.item())
print(fresh.requires_grad_(False) is fresh, any(p.requires_grad for p in fresh.parameters()))

# ReduceLROnPlateau and a manual lr change
optimizer = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
plateau = lr_scheduler.ReduceLROnPlateau(optimizer, mode="min", factor=0.5, patience=1)
for val_loss in [1.0, 0.9, 0.95, 0.97, 0.96, 0.5, 0.6, 0.7, 0.8]:
    plateau.step(val_loss)
    print(f"{val_loss:.2f}", [g["lr"] for g in optimizer.param_groups], plateau.num_bad_epochs)
print(sorted(plateau.state_dict()))
for g in optimizer.param_groups:
    g["lr"] = 0.01
sched = lr_scheduler.CosineAnnealingLR(optimizer, T_max=4)
print(sorted(sched.state_dict()), sched.base_lrs, optimizer.param_groups[0]["initial_lr"])

optimizer.zero_grad()
nn.functional.cross_entropy(model(x), y).backward()
total_norm = nn.utils.clip_grad_norm_(model.parameters(), max_norm=0.1)
print(f"{total_norm.item():.4f}", f"{parameters_to_vector([p.grad for p in model.parameters()]).norm().item():.4f}")
sd = optimizer.state_dict()
optimizer.step()
sd = optimizer.state_dict()
print(sorted(sd), sorted(sd["param_groups"][0]), list(sd["state"])[:3], sorted(sd["state"][0]))

with torch.inference_mode():
    logits = model(x)
print(logits.requires_grad, logits.is_inference(), logits.argmax(1))
probs = torch.softmax(logits, dim=1)
top_p, top_class = probs.topk(2, dim=1)
print(top_p[:3], top_class[:3])

# an "old" checkpoint: a plain dict (no version metadata) without num_batches_tracked still loads strictly
old_ckpt = {k: v.clone() for k, v in state.items() if not k.endswith("num_batches_tracked")}
legacy = SmallNet()
print(legacy.load_state_dict(old_ckpt), legacy.features[1].num_batches_tracked)
print(type(state).__name__, getattr(state, "_metadata", {}).get("features.1"))
