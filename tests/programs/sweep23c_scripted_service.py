"""A self-contained scripted inference service, as production repos package one: preprocessing,
the model and postprocessing in one nn.Module that is scripted, with label names in a registered
buffer-free attribute, torch.jit.Attribute / annotate, List[Tensor] inputs, @torch.jit.ignore
helpers, metadata saved through _extra_files, a load in a temporary directory and a serving loop
under torch.inference_mode that checks every request against the eager model."""
import io
import json
import os
import tempfile
import warnings
from typing import List, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

warnings.simplefilter("ignore", DeprecationWarning)
torch.manual_seed(0)


class Normalize(nn.Module):
    def __init__(self, mean: List[float], std: List[float]):
        super().__init__()
        self.register_buffer("mean", torch.tensor(mean).view(1, -1))
        self.register_buffer("std", torch.tensor(std).view(1, -1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return (x - self.mean) / self.std


class Backbone(nn.Module):
    def __init__(self, d_in: int, d_hidden: int, n_out: int):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(d_in, d_hidden), nn.Linear(d_hidden, d_hidden)])
        self.out = nn.Linear(d_hidden, n_out)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in self.layers:
            x = F.gelu(layer(x))
        return self.out(x)


class Service(nn.Module):
    def __init__(self, labels: List[str]):
        super().__init__()
        self.pre = Normalize([0.5, -0.2, 0.1, 0.0], [1.5, 0.8, 1.0, 2.0])
        self.net = Backbone(4, 10, len(labels))
        self.labels = labels
        self.threshold = 0.4

    def forward(self, requests: List[torch.Tensor]) -> Tuple[torch.Tensor, torch.Tensor]:
        batch = torch.stack(requests)
        logits = self.net(self.pre(batch))
        probs = F.softmax(logits, dim=-1)
        conf, idx = probs.max(dim=-1)
        return conf, idx

    @torch.jit.export
    def decode(self, idx: torch.Tensor, conf: torch.Tensor) -> List[str]:
        names = torch.jit.annotate(List[str], [])
        for i in range(idx.size(0)):
            if float(conf[i]) < self.threshold:
                names.append("unknown")
            else:
                names.append(self.labels[int(idx[i])])
        return names

    @torch.jit.ignore
    def describe(self) -> str:
        return json.dumps({"labels": self.labels, "threshold": self.threshold})


service = Service(["spam", "ham", "promo"]).eval()
scripted = torch.jit.script(service)
print(scripted)
print(scripted.net.layers[0])
print("labels", scripted.labels, "threshold", scripted.threshold)
print(scripted.describe())
print("buffers", [name for name, _ in scripted.named_buffers()])
print("params", [(name, tuple(p.shape)) for name, p in scripted.named_parameters()][:3])

reqs = [torch.randn(4) for _ in range(5)]
conf, idx = scripted(reqs)
print("conf", [round(v, 4) for v in conf.tolist()])
print("decode", scripted.decode(idx, conf))

meta = {"version": "1.2.0", "labels": service.labels}
buf = io.BytesIO()
torch.jit.save(scripted, buf, _extra_files={"meta.json": json.dumps(meta)})
print("buffer bytes > 0", buf.getbuffer().nbytes > 0)

with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "service.pt")
    with open(path, "wb") as fh:
        fh.write(buf.getvalue())
    extra = {"meta.json": ""}
    restored = torch.jit.load(path, _extra_files=extra)
    info = json.loads(extra["meta.json"])
    print("meta", info["version"], info["labels"], type(extra["meta.json"]).__name__)
    missing = {"absent.txt": "default"}
    torch.jit.load(path, _extra_files=missing)
    print("missing extra file", missing)

mismatches = 0
served = []
with torch.inference_mode():
    for step in range(4):
        chunk = [torch.randn(4) for _ in range(3)]
        c1, i1 = restored(chunk)
        c2, i2 = service(chunk)
        mismatches += int(not torch.equal(i1, i2)) + int(not torch.equal(c1, c2))
        served.extend(restored.decode(i1, c1))
print("served", served)
print("mismatches", mismatches)

# a freshly scripted copy, switched to eval and given a lower threshold on the script module itself:
# its exported method reads the script module's attribute
lenient = torch.jit.script(Service(["spam", "ham", "promo"]))
lenient.eval()
lenient.threshold = 0.3
c3, i3 = lenient(reqs)
print("lenient", lenient.training, lenient.threshold, lenient.decode(i3, c3))

# the scripted module converts dtypes like the eager one
double = torch.jit.script(Service(["a", "b"])).double()
c, i = double([torch.randn(4, dtype=torch.float64)])
print(c.dtype, i.dtype, double.pre.mean.dtype)
try:
    scripted.missing_method()
except AttributeError as e:
    print("AttributeError:", e)
