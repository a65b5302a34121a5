"""Optimizing a trained model for CPU inference, as deployment guides show it: Conv-BatchNorm blocks
scripted and frozen with torch.jit.freeze (parameters folded into constants), optimize_for_inference,
preserved attributes, torch.compile(model, backend="eager") as a wrapper (its _orig_mod, state_dict
keys, compiled functions), and a timing-free comparison of all of them against eager outputs."""
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F

warnings.simplefilter("ignore")
torch.manual_seed(0)


class ConvBNReLU(nn.Sequential):
    def __init__(self, cin, cout, stride=1):
        super().__init__(
            nn.Conv2d(cin, cout, 3, stride, 1, bias=False),
            nn.BatchNorm2d(cout),
            nn.ReLU(inplace=True),
        )


class TinyNet(nn.Module):
    def __init__(self, num_classes=3):
        super().__init__()
        self.stem = ConvBNReLU(3, 8, stride=2)
        self.block = ConvBNReLU(8, 8)
        self.head = nn.Linear(8, num_classes)
        self.version = 2

    def forward(self, x):
        x = self.stem(x)
        x = x + self.block(x)
        x = F.adaptive_avg_pool2d(x, 1).flatten(1)
        return self.head(x)


model = TinyNet()
# give BatchNorm non-trivial statistics
model.train()
with torch.no_grad():
    for _ in range(3):
        model(torch.randn(4, 3, 8, 8))
model.eval()
print("running_var", [round(v, 3) for v in model.stem[1].running_var[:4].tolist()])

x = torch.randn(2, 3, 8, 8)
with torch.no_grad():
    ref = model(x)
print("eager", [round(v, 4) for v in ref[0].tolist()])

scripted = torch.jit.script(model)
try:
    torch.jit.freeze(torch.jit.script(TinyNet()))
except RuntimeError as e:
    print("RuntimeError:", e)
frozen = torch.jit.freeze(scripted)
print(type(frozen).__name__, frozen.original_name)
print("frozen params", len(list(frozen.parameters())), "buffers", len(list(frozen.buffers())),
      "children", len(list(frozen.children())))
print("has training", hasattr(frozen, "training"), "has head", hasattr(frozen, "head"))
out = frozen(x)
print("frozen close", torch.allclose(out, ref, atol=1e-5), "requires_grad", out.requires_grad)

kept = torch.jit.freeze(scripted, preserved_attrs=["version"])
print("preserved version", kept.version)

fast = torch.jit.optimize_for_inference(torch.jit.script(model))
print("optimize_for_inference close", torch.allclose(fast(x), ref, atol=1e-5))
traced_fast = torch.jit.optimize_for_inference(torch.jit.trace(model, x))
print("traced + optimized close", torch.allclose(traced_fast(x), ref, atol=1e-5))

# torch.compile with the eager backend just wraps the module
compiled = torch.compile(model, backend="eager")
print(type(compiled).__name__, compiled._orig_mod is model)
print(list(compiled.state_dict().keys())[:3])
with torch.no_grad():
    print("compiled equal", torch.equal(compiled(x), ref))
print("training", compiled.training, model.training)
compiled.train()
print("after train()", compiled.training, model.training)
compiled.eval()


@torch.compile(backend="eager")
def postprocess(logits, temperature: float = 1.0):
    probs = torch.softmax(logits / temperature, dim=-1)
    return probs.max(dim=-1)


conf, label = postprocess(ref, temperature=0.5)
print("labels", label.tolist(), [round(v, 4) for v in conf.tolist()])
print("is_compiling", torch.compiler.is_compiling())

# gradients still flow through the compiled wrapper
compiled.train()
opt = torch.optim.SGD(compiled.parameters(), lr=0.05, momentum=0.9)
target = torch.tensor([0, 2])
for step in range(3):
    opt.zero_grad()
    loss = F.cross_entropy(compiled(x), target)
    loss.backward()
    opt.step()
    print(f"step {step} loss {loss.item():.4f}")
print("head grad norm", round(model.head.weight.grad.norm().item(), 4))
