"""Tracing a model for deployment, as export scripts in production repos do: torch.jit.trace of a
small CNN in eval mode, torch.jit.is_tracing() branches, the TracerWarnings captured with
warnings.catch_warnings (a tensor turned into a Python bool or number, a trace that does not match the
Python function), check_inputs, then save/load of the trace in a temporary directory and a batch run."""
import os
import tempfile
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F

warnings.simplefilter("ignore", DeprecationWarning)
torch.manual_seed(0)


class SmallCNN(nn.Module):
    def __init__(self, n_classes=4):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(4)
        self.conv2 = nn.Conv2d(4, 8, 3, padding=1)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(8, n_classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)
        x = F.relu(self.conv2(x))
        x = self.pool(x).flatten(1)
        if torch.jit.is_tracing():
            return self.fc(x)
        return F.log_softmax(self.fc(x), dim=1)


def short(w):
    return f"{w.category.__name__}: {str(w.message).splitlines()[0][:90]}"


model = SmallCNN().eval()
example = torch.randn(2, 1, 8, 8)
print("eager is_tracing", torch.jit.is_tracing())
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    traced = torch.jit.trace(model, example)
print("warnings while tracing:", len(caught))
for w in caught:
    print(" ", short(w))
print(type(traced).__name__, traced.original_name, type(traced.conv1).__name__)
print(traced)

batch = torch.randn(5, 1, 8, 8)
with torch.no_grad():
    eager_out = model(batch)
    traced_out = traced(batch)
print("eager sums to 1", [round(v, 4) for v in eager_out.exp().sum(1).tolist()])
print("trace returns logits", torch.allclose(F.log_softmax(traced_out, 1), eager_out, atol=1e-6))
print([round(v, 4) for v in traced_out[0].tolist()])


# a function whose output depends on a Python bool taken from a tensor
def clip_if_large(x):
    if x.abs().max() > 1.5:
        return x.clamp(-1.5, 1.5)
    return x * 1.0


with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    f = torch.jit.trace(clip_if_large, torch.full((3,), 2.0))
print("bool warnings:", len(caught))
for w in caught:
    print(" ", short(w), w.category is torch.jit.TracerWarning)
print(f(torch.full((3,), 2.0)).tolist())


# a number taken from a tensor
def scale_by_count(x):
    n = x.size(0)
    k = int(x.sum())
    return x / n + k


with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    g = torch.jit.trace(scale_by_count, torch.ones(4))
print("int warnings:", len(caught))
for w in caught:
    print(" ", short(w))
print(g(torch.ones(4)).tolist())


# dropout left in training mode makes the check fail
drop_model = nn.Sequential(nn.Linear(6, 6), nn.Dropout(0.5))
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    torch.jit.trace(drop_model, torch.randn(3, 6))
print("dropout warnings:", len(caught))
for w in caught:
    print(" ", short(w))

# check_inputs with other batch sizes, and no warnings for the eval model
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    checked = torch.jit.trace(nn.Sequential(nn.Linear(6, 3), nn.Tanh()).eval(), torch.randn(2, 6),
                              check_inputs=[(torch.randn(4, 6),), (torch.randn(1, 6),)])
print("check_inputs warnings:", len(caught))

with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "cnn_traced.pt")
    traced.save(path)
    loaded = torch.jit.load(path, map_location="cpu")
    with torch.no_grad():
        print("loaded equal", torch.equal(loaded(batch), traced_out))
    print(type(loaded).__name__, loaded.original_name, loaded.training)
