"""The 'how to save memory by fusing the optimizer step into the backward pass' tutorial: one
optimizer per parameter, Tensor.register_post_accumulate_grad_hook running step() and zero_grad()
as soon as each gradient is accumulated, compared step for step with the ordinary loop (Adam and
SGD with momentum), the order the hooks fire in, grads left as None, per-parameter LR schedulers,
gradient accumulation over micro-batches with the hook, and removing the hooks."""
import copy

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)


class TinyConvNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3, padding=1)
        self.bn = nn.BatchNorm2d(4)
        self.fc1 = nn.Linear(4 * 4 * 4, 16)
        self.fc2 = nn.Linear(16, 5)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn(self.conv(x))), 2)
        return self.fc2(F.relu(self.fc1(x.flatten(1))))


model = TinyConvNet()
reference = copy.deepcopy(model)
names = {p: n for n, p in model.named_parameters()}
data = [(torch.randn(6, 1, 8, 8), torch.randint(0, 5, (6,))) for _ in range(4)]

# the ordinary loop: backward fills every .grad, then one optimizer steps them all
ref_opt = torch.optim.Adam(reference.parameters(), lr=1e-2, foreach=False)
for x, y in data:
    loss = F.cross_entropy(reference(x), y)
    loss.backward()
    ref_opt.step()
    ref_opt.zero_grad()
print("reference loss:", f"{loss.item():.4f}")

# optimizer in backward: one Adam per parameter, stepped by the hook
optimizer_dict = {p: torch.optim.Adam([p], lr=1e-2, foreach=False) for p in model.parameters()}
fired = []


def optimizer_hook(parameter) -> None:
    fired.append(names[parameter])
    optimizer_dict[parameter].step()
    optimizer_dict[parameter].zero_grad()


handles = [p.register_post_accumulate_grad_hook(optimizer_hook) for p in model.parameters()]
for i, (x, y) in enumerate(data):
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    if i == 0:
        print("hook order:", fired)
        print("grads after backward:", [p.grad for p in model.parameters()][:2])
print("fused loss:    ", f"{loss.item():.4f}", "hooks fired", len(fired), "times")
same = all(torch.allclose(a, b, atol=1e-6) for a, b in zip(model.parameters(), reference.parameters()))
print("same parameters as the ordinary loop:", same)
print("exact:", all(torch.equal(a, b) for a, b in zip(model.parameters(), reference.parameters())))
st = optimizer_dict[model.fc2.bias].state[model.fc2.bias]
print("fc2.bias state:", sorted(st), st["step"], st["exp_avg"].shape)
print(optimizer_dict[model.fc2.weight].state_dict()["param_groups"])

# removing the hooks gives back the ordinary behaviour: grads stay after backward
for h in handles:
    h.remove()
loss = F.cross_entropy(model(data[0][0]), data[0][1])
loss.backward()
print("after remove:", model.fc2.bias.grad is not None, model.fc2.bias.grad.shape, len(fired))
model.zero_grad(set_to_none=True)

# SGD with momentum and a scheduler per parameter; accumulate two micro-batches before stepping
torch.manual_seed(1)
net = nn.Sequential(nn.Linear(6, 8), nn.Tanh(), nn.Linear(8, 1))
twin = copy.deepcopy(net)
opts = {p: torch.optim.SGD([p], lr=0.1, momentum=0.9) for p in net.parameters()}
scheds = {p: torch.optim.lr_scheduler.StepLR(opts[p], step_size=2, gamma=0.5) for p in net.parameters()}
counts = {p: 0 for p in net.parameters()}
ACCUM = 2


def accumulate_then_step(p):
    counts[p] += 1
    if counts[p] % ACCUM == 0:
        opts[p].step()
        opts[p].zero_grad()
        scheds[p].step()


for p in net.parameters():
    p.register_post_accumulate_grad_hook(accumulate_then_step)

twin_opt = torch.optim.SGD(twin.parameters(), lr=0.1, momentum=0.9)
twin_sched = torch.optim.lr_scheduler.StepLR(twin_opt, step_size=2, gamma=0.5)
xs, ys = torch.randn(8, 4, 6), torch.randn(8, 4, 1)
for i in range(8):
    loss = F.mse_loss(net(xs[i]), ys[i]) / ACCUM
    loss.backward()
    (F.mse_loss(twin(xs[i]), ys[i]) / ACCUM).backward()
    if (i + 1) % ACCUM == 0:
        twin_opt.step()
        twin_opt.zero_grad()
        twin_sched.step()
        print(f"update {(i + 1) // ACCUM}: lr {scheds[net[0].weight].get_last_lr()[0]:.4f} "
              f"vs {twin_sched.get_last_lr()[0]:.4f}, loss {2 * loss.item():.4f}")
print("accumulated fused == ordinary:",
      all(torch.allclose(a, b, atol=1e-6) for a, b in zip(net.parameters(), twin.parameters())))
print(net[2].weight.round(decimals=4))
