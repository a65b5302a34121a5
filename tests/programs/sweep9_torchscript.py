"""TorchScript tutorial style: script and trace a small model, run it, save it, load it back, freeze it."""
import io
import os
import tempfile
import warnings

import torch
import torch.nn as nn

warnings.simplefilter("ignore")
torch.manual_seed(0)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 8)
        self.bn = nn.BatchNorm1d(8)
        self.drop = nn.Dropout(0.25)
        self.head = nn.Sequential(nn.ReLU(), nn.Linear(8, 3))
        self.scale = 2.0

    def forward(self, x):
        h = self.drop(self.bn(self.fc1(x)))
        return self.head(h) * self.scale


def show(tag, t):
    print(tag, [round(v, 4) for v in t.detach().flatten().tolist()])


model = Net()
x = torch.randn(5, 4)

# a few training steps through the scripted module: it shares the parameters with the model
scripted = torch.jit.script(model)
print(scripted)
print(type(scripted).__name__, scripted.original_name, scripted.head.original_name, scripted.training)
opt = torch.optim.SGD(scripted.parameters(), lr=0.1)
for step in range(3):
    opt.zero_grad()
    loss = scripted(x).pow(2).mean()
    loss.backward()
    opt.step()
    print(f"step {step} loss {loss.item():.4f}")
print("shared weights", scripted.fc1.weight is model.fc1.weight)
print("running mean", [round(v, 4) for v in model.bn.running_mean.tolist()])

scripted.eval()
print("training", scripted.training, model.training, scripted.head[1].training)
show("scripted eval", scripted(x))

# tracing runs the model with the example input (BatchNorm counts every run)
model.eval()
traced = torch.jit.trace(model, torch.randn(2, 4))
print(traced)
print(type(traced).__name__, type(traced.fc1).__name__)
show("traced", traced(x))
print("same as eager", torch.allclose(traced(x), model(x)))


def add_relu(a, b):
    return torch.relu(a + b)


f = torch.jit.script(add_relu)
print(type(f).__name__, f.name)
show("script fn", f(x, -x.flip(0)))
g = torch.jit.trace(add_relu, (x, x))
show("trace fn", g(x, x * 0.5))

# save and load: to a buffer and to a file, with an extra file
buf = io.BytesIO()
torch.jit.save(scripted, buf)
buf.seek(0)
loaded = torch.jit.load(buf)
print(loaded)
show("loaded", loaded(x))
print("state dict equal", all(torch.equal(a, b) for a, b in zip(loaded.state_dict().values(),
                                                              scripted.state_dict().values())))
print(list(loaded.state_dict().keys()))
with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, "traced.pt")
    traced.save(path)
    extra = {"note.txt": ""}
    again = torch.jit.load(path, map_location="cpu", _extra_files=extra)
    print(type(again).__name__, again.original_name)
    show("loaded trace", again(x))

frozen = torch.jit.freeze(scripted)
print(frozen, len(list(frozen.parameters())))
show("frozen", frozen(x))
fast = torch.jit.optimize_for_inference(torch.jit.script(model))
print("optimized close", torch.allclose(fast(x), model(x), atol=1e-5))
try:
    torch.jit.freeze(torch.jit.script(Net()))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.jit.trace(model, (x, 3))
except RuntimeError as e:
    print("RuntimeError:", e)
