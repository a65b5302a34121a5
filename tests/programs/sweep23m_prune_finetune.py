"""Iterative magnitude pruning with fine-tuning (the lottery-ticket / "Learning both Weights and
Connections" course recipe): global_unstructured with L1Unstructured over several modules, a
per-layer sparsity table, importance_scores, fine-tuning a few steps while the masks hold pruned
weights at zero, deepcopy and state_dict save/load of a pruned model, count_nonzero / to_sparse for
a size report, a fake 8-bit quantization of the survivors, and prune.remove before export."""
import copy
import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.nn.utils.prune as prune

torch.manual_seed(0)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3, padding=1)
        self.bn = nn.BatchNorm2d(4)
        self.fc1 = nn.Linear(4 * 4 * 4, 16)
        self.fc2 = nn.Linear(16, 3)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn(self.conv(x))), 2)
        return self.fc2(F.relu(self.fc1(torch.flatten(x, 1))))


X = torch.randn(48, 1, 8, 8)
Y = (X[:, 0, :4, :4].mean((1, 2)) > 0).long() + (X[:, 0, 4:, 4:].mean((1, 2)) > 0.2).long()


def train(model, steps, lr=0.05):
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    model.train()
    for _ in range(steps):
        opt.zero_grad()
        loss = F.cross_entropy(model(X), Y)
        loss.backward()
        opt.step()
    return loss.item()


@torch.no_grad()
def accuracy(model):
    model.eval()
    return (model(X).argmax(1) == Y).float().mean().item()


def report(model):
    total = zeros = 0
    for name, module in model.named_modules():
        if isinstance(module, (nn.Conv2d, nn.Linear)):
            w = module.weight
            z = int(torch.sum(w == 0))
            total += w.nelement()
            zeros += z
            print(f"  {name:5s} {tuple(w.shape)!s:15s} sparsity {100.0 * z / w.nelement():6.2f}%")
    print(f"  global sparsity: {100.0 * zeros / total:.2f}%")


model = Net()
print(f"dense: loss {train(model, 25):.3f} acc {accuracy(model):.3f}")
parameters_to_prune = [(model.conv, "weight"), (model.fc1, "weight"), (model.fc2, "weight")]

for rnd in range(3):
    prune.global_unstructured(parameters_to_prune, pruning_method=prune.L1Unstructured, amount=0.3)
    print(f"round {rnd}:")
    report(model)
    loss = train(model, 8, lr=0.02)
    print(f"  fine-tuned loss {loss:.3f} acc {accuracy(model):.3f}")
    # fine-tuning moves weight_orig but the mask keeps pruned weights at zero
    print("  pruned entries of fc1 still zero:", bool((model.fc1.weight[model.fc1.weight_mask == 0] == 0).all()))
    print("  weight_orig has grad:", model.fc1.weight_orig.grad is not None,
          "masked grad zero:", bool((model.fc1.weight_orig.grad[model.fc1.weight_mask == 0] == 0).all()))

print("hook types:", [type(h).__name__ for h in model.fc1._forward_pre_hooks.values()])
print("container methods:", [type(m).__name__ for m in next(iter(model.fc1._forward_pre_hooks.values()))])
print("state_dict keys:", [k for k in model.state_dict().keys() if "fc" in k or "conv" in k])

# importance scores: prune fc2 by |w| * |activation| instead of |w|
torch.manual_seed(5)
scores = model.fc2.weight.detach().abs() * torch.rand(16)
prune.l1_unstructured(model.fc2, "bias", amount=1, importance_scores=model.fc2.bias.detach() * 0 + torch.tensor([3.0, 1.0, 2.0]))
print("bias mask from importance scores:", model.fc2.bias_mask)
prune.l1_unstructured(model.fc2, "weight", amount=4, importance_scores=scores)
print("fc2 zeros after importance prune:", int((model.fc2.weight == 0).sum()))

# deepcopy and reload a pruned model
try:
    clone = copy.deepcopy(model)
except RuntimeError as e:
    print("deepcopy right after pruning:", str(e)[:80])
with torch.no_grad():     # a forward under no_grad refreshes weight = mask * orig as a leaf
    model(X[:2])
clone = copy.deepcopy(model)
print("deepcopy pruned:", prune.is_pruned(clone), "same acc:", accuracy(clone) == accuracy(model))
with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, "pruned.pt")
    torch.save(model.state_dict(), path)
    fresh = Net()
    target = [(fresh.conv, "weight"), (fresh.fc1, "weight"), (fresh.fc2, "weight"), (fresh.fc2, "bias")]
    for m, n in target:
        prune.identity(m, n)
    result = fresh.load_state_dict(torch.load(path))
    print("load into identity-pruned model:", result)
    print("masks equal:", torch.equal(fresh.fc1.weight_mask, model.fc1.weight_mask))
    try:
        Net().load_state_dict(torch.load(path))
    except RuntimeError as e:
        print("load into dense model fails:", str(e).splitlines()[0])
        print("missing keys line:", str(e).splitlines()[1].strip()[:60])

# make it permanent and export
for m, n in [(model.conv, "weight"), (model.fc1, "weight"), (model.fc2, "weight"), (model.fc2, "bias")]:
    prune.remove(m, n)
print("after remove, pruned?", prune.is_pruned(model))
print("keys:", list(model.state_dict().keys()))
report(model)
w = model.fc1.weight.detach()
print("count_nonzero:", torch.count_nonzero(w).item(), "of", w.numel())
print("per-row nonzero:", torch.count_nonzero(w, dim=1).tolist())
sp = w.to_sparse()
print("sparse nnz:", sp._nnz(), "layout:", sp.layout, "indices shape:", tuple(sp.indices().shape))
dense_bytes = w.numel() * w.element_size()
sparse_bytes = sp._nnz() * (w.element_size() + 2 * 8)
print(f"dense {dense_bytes} bytes, COO {sparse_bytes} bytes")

# checkpoint sizes: the dense state_dict against one whose pruned weights are stored as COO tensors
import io
dense_buf, sparse_buf = io.BytesIO(), io.BytesIO()
torch.save(model.state_dict(), dense_buf)
sparse_sd = {k: (v.to_sparse() if k.endswith("weight") and v.dim() > 1 else v) for k, v in model.state_dict().items()}
torch.save(sparse_sd, sparse_buf)
print("checkpoint bytes: dense", dense_buf.tell(), "sparse", sparse_buf.tell())
sparse_buf.seek(0)
restored = torch.load(sparse_buf)
print("restored layouts:", {k: str(v.layout) for k, v in restored.items() if k.endswith("weight")})
print("restored equal:", all(torch.equal(restored[k].to_dense(), v) for k, v in model.state_dict().items()))

# fake 8-bit quantization of the survivors
scale = w.abs().max() / 127
q = torch.clamp(torch.round(w / scale), -127, 127).to(torch.int8)
deq = q.float() * scale
print("int8 zeros preserved:", bool((q[w == 0] == 0).all()), "dtype:", q.dtype)
err = (deq - w).abs() / scale      # a rounding error: at most half a step, about a quarter on average
print("quantization error within half a step:", bool((err <= 0.5 + 1e-4).all()), f"mean {err.mean().item():.2f}")
print(f"acc after export: {accuracy(model):.3f}")
