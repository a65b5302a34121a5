"""Course code, model compression: prune a LeNet-style network as the PyTorch pruning tutorial does
(random, L1, structured Ln, global, a custom method), look at the weight_orig / weight_mask layout and
the sparsity, fine-tune the pruned model, then make the pruning permanent with prune.remove."""
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.nn.utils.prune as prune

torch.manual_seed(0)


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 3)
        self.conv2 = nn.Conv2d(6, 16, 3)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.view(-1, int(x.nelement() / x.shape[0]))
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


# synthetic "digits": the class decides where a bright square sits
X = torch.randn(64, 1, 28, 28) * 0.3
y = torch.randint(0, 10, (64,))
for i in range(64):
    r, c = divmod(int(y[i]), 5)
    X[i, 0, 4 + 10 * r:12 + 10 * r, 2 + 5 * c:6 + 5 * c] += 1.0


def train(model, steps, lr=0.1):
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    for step in range(steps):
        idx = torch.arange(step * 16, step * 16 + 16) % 64
        loss = F.cross_entropy(model(X[idx]), y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 6 == 0 or step == steps - 1:
            print(f"  step {step:2d} loss {loss.item():.4f}")


def accuracy(model):
    with torch.no_grad():
        return (model(X).argmax(1) == y).float().mean().item()


def sparsity(t):
    return 100.0 * float(torch.sum(t == 0)) / float(t.nelement())


model = LeNet()
print("training the dense model")
train(model, 24)
print(f"dense accuracy {accuracy(model):.4f}")

# ---------------------------------------------------------------- one layer, step by step
module = model.conv1
print([name for name, _ in module.named_parameters()], [name for name, _ in module.named_buffers()])
prune.random_unstructured(module, name="weight", amount=0.3)
print([name for name, _ in module.named_parameters()], [name for name, _ in module.named_buffers()])
print("weight is a parameter:", isinstance(module.weight, nn.Parameter), "grad_fn:", type(module.weight.grad_fn).__name__)
print(module.weight_mask[0])
print(f"conv1.weight sparsity {sparsity(module.weight):.2f}%")
print("hooks:", [type(h).__name__ for h in module._forward_pre_hooks.values()])

prune.l1_unstructured(module, name="bias", amount=3)
print(module.bias_mask, module.bias)

# iterative pruning: the second method only prunes what the first left
prune.ln_structured(module, name="weight", amount=0.5, n=2, dim=0)
print(module.weight_mask.sum(dim=(1, 2, 3)))
hook = [h for h in module._forward_pre_hooks.values() if h._tensor_name == "weight"][0]
print(type(hook).__name__, [type(m).__name__ for m in hook])
print(list(model.state_dict().keys()))

# ---------------------------------------------------------------- the whole model, layer by layer
for name, m in model.named_modules():
    if isinstance(m, nn.Conv2d) and name != "conv1":
        prune.l1_unstructured(m, name="weight", amount=0.2)
    elif isinstance(m, nn.Linear):
        prune.l1_unstructured(m, name="weight", amount=0.4)
print(sorted(dict(model.named_buffers()).keys()))
print(f"pruned accuracy {accuracy(model):.4f}")

print("fine-tuning the pruned model")
train(model, 12, lr=0.02)
for name in ("conv1", "conv2", "fc1", "fc2", "fc3"):
    print(f"  {name}.weight sparsity {sparsity(getattr(model, name).weight):.2f}%")

# ---------------------------------------------------------------- make it permanent
for name in ("conv1", "conv2", "fc1", "fc2", "fc3"):
    prune.remove(getattr(model, name), "weight")
prune.remove(model.conv1, "bias")
print("pruned after remove:", prune.is_pruned(model))
print(list(model.state_dict().keys()))
print(f"after remove: conv1 {sparsity(model.conv1.weight):.2f}% fc1 {sparsity(model.fc1.weight):.2f}%, "
      f"accuracy {accuracy(model):.4f}")

# ---------------------------------------------------------------- global pruning of a fresh model
torch.manual_seed(1)
model = LeNet()
train(model, 12)
parameters_to_prune = [(model.conv1, "weight"), (model.conv2, "weight"), (model.fc1, "weight"),
                       (model.fc2, "weight"), (model.fc3, "weight")]
prune.global_unstructured(parameters_to_prune, pruning_method=prune.L1Unstructured, amount=0.2)
total = 0
for m, name in parameters_to_prune:
    print(f"Sparsity in {name} of {type(m).__name__}({m.weight.shape[0]}): {sparsity(m.weight):.2f}%")
    total += int(torch.sum(m.weight == 0))
print(f"Global sparsity: {100.0 * total / sum(m.weight.nelement() for m, _ in parameters_to_prune):.2f}%")


# ---------------------------------------------------------------- a pruning method of one's own
class FooBarPruningMethod(prune.BasePruningMethod):
    """Prune every other entry in a tensor"""
    PRUNING_TYPE = "unstructured"

    def compute_mask(self, t, default_mask):
        mask = default_mask.clone()
        mask.view(-1)[::2] = 0
        return mask


FooBarPruningMethod.apply(model.fc3, "bias")
print(model.fc3.bias_mask)
torch.manual_seed(2)
prune.random_structured(model.fc2, "weight", amount=0.25, dim=1)
print(f"fc2 after random_structured: {sparsity(model.fc2.weight):.2f}%, dead inputs "
      f"{int((model.fc2.weight_mask.sum(0) == 0).sum())}")
print(f"final loss {F.cross_entropy(model(X), y).item():.4f}")
