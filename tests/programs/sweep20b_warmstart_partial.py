"""'Warmstarting a model using parameters from a different model', the forum way: a checkpoint
saved from a DataParallel-wrapped classifier ('module.' prefixes) loaded into a wider model with a
new head, torch.nn.modules.utils.consume_prefix_in_state_dict_if_present, filtering keys whose
shapes differ, load_state_dict(strict=False) and its missing/unexpected keys, the full strict=True
error text, then freezing the transferred layers and fine-tuning only the rest."""
import io

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.modules.utils import consume_prefix_in_state_dict_if_present

torch.manual_seed(0)


class NetA(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2))
        self.classifier = nn.Linear(4 * 4 * 4, 10)
        self.register_buffer("calls", torch.zeros(()), persistent=False)

    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))


class NetB(nn.Module):
    """Same feature extractor, one extra block, and a 3-way head."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2))
        self.extra = nn.Sequential(nn.Conv2d(4, 4, 1), nn.ReLU())
        self.classifier = nn.Linear(4 * 4 * 4, 3)

    def forward(self, x):
        return self.classifier(torch.flatten(self.extra(self.features(x)), 1))


netA = NetA()
optA = torch.optim.SGD(netA.parameters(), lr=0.1, momentum=0.9)
x, y = torch.randn(16, 1, 8, 8), torch.randint(0, 10, (16,))
for _ in range(3):
    optA.zero_grad()
    F.cross_entropy(netA(x), y).backward()
    optA.step()

# a checkpoint as DataParallel writes it: every key prefixed with 'module.'
sd = {"module." + k: v for k, v in netA.state_dict().items()}
buf = io.BytesIO()
torch.save(sd, buf)
buf.seek(0)
loaded = torch.load(buf, weights_only=True)
print(list(loaded)[:4])

netB = NetB()
before = netB.extra[0].weight.clone()
try:
    netB.load_state_dict(loaded)
except RuntimeError as e:
    print("RuntimeError:", e)

consume_prefix_in_state_dict_if_present(loaded, "module.")
print(list(loaded)[:4], type(loaded).__name__)
try:
    netB.load_state_dict(loaded)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    netB.load_state_dict(loaded, strict=False)
except RuntimeError as e:
    print("strict=False still refuses shapes:", str(e).splitlines()[1].strip())

# keep only the tensors whose names and shapes match
model_dict = netB.state_dict()
pretrained = {k: v for k, v in loaded.items() if k in model_dict and v.shape == model_dict[k].shape}
skipped = sorted(set(loaded) - set(pretrained))
print("transfer:", sorted(pretrained))
print("skipped:", skipped)
result = netB.load_state_dict(pretrained, strict=False)
print(result)
print("missing:", result.missing_keys)
print("unexpected:", result.unexpected_keys)
print(result.missing_keys == ["extra.0.weight", "extra.0.bias", "classifier.weight", "classifier.bias"])
print("transferred conv equal:", torch.equal(netB.features[0].weight, netA.features[0].weight),
      "bn stats:", torch.equal(netB.features[1].running_var, netA.features[1].running_var),
      netB.features[1].num_batches_tracked.item())
print("untouched extra layer:", torch.equal(netB.extra[0].weight, before))

# the recipe's other way: update the model's own dict, then a strict load
model_dict.update(pretrained)
print(netB.load_state_dict(model_dict))

# freeze what was transferred, fine-tune the rest
for name, p in netB.named_parameters():
    if name.startswith("features."):
        p.requires_grad_(False)
trainable = [n for n, p in netB.named_parameters() if p.requires_grad]
print("trainable:", trainable)
netB.features.eval()
opt = torch.optim.Adam((p for p in netB.parameters() if p.requires_grad), lr=1e-2)
y3 = y % 3
frozen = netB.features[0].weight.clone()
for epoch in range(4):
    opt.zero_grad()
    loss = F.cross_entropy(netB(x), y3)
    loss.backward()
    opt.step()
    print(f"epoch {epoch}: loss {loss.item():.4f}")
print("frozen unchanged:", torch.equal(frozen, netB.features[0].weight), netB.features[0].weight.grad)
print(netB.classifier.bias.round(decimals=3))
# a second round trip keeps the frozen flags? (state_dict holds no requires_grad)
again = NetB()
print(again.load_state_dict(netB.state_dict()), [p.requires_grad for p in again.features.parameters()])
print(sum(p.numel() for p in netB.parameters() if p.requires_grad), sum(p.numel() for p in netB.parameters()))
