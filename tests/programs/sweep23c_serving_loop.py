"""Serving loop in the style of deployment tutorials: an image-classifier-like MLP put in eval mode,
batch prediction under torch.no_grad and torch.inference_mode with softmax + topk, inference tensors
(is_inference, the error when one is saved for backward, clone to escape), a state_dict exported to a
plain dict of lists (as for a JSON config), and the model rebuilt from it."""
import json

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

CLASSES = ["cat", "dog", "bird", "fish", "frog"]


class Classifier(nn.Module):
    def __init__(self, in_dim=12, hidden=16, n_classes=5, p=0.2):
        super().__init__()
        self.features = nn.Sequential(
            nn.Linear(in_dim, hidden, bias=False),  # BatchNorm follows: no bias
            nn.BatchNorm1d(hidden),
            nn.ReLU(inplace=True),
            nn.Dropout(p),
        )
        self.classifier = nn.Linear(hidden, n_classes)

    def forward(self, x):
        return self.classifier(self.features(x))


model = Classifier()
# a quick "training" so that BatchNorm has running statistics
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
X = torch.randn(64, 12)
y = (X[:, :5].argmax(1))
for epoch in range(5):
    opt.zero_grad()
    loss = F.cross_entropy(model(X), y)
    loss.backward()
    opt.step()
    print(f"epoch {epoch} loss {loss.item():.4f}")

model.eval()
print("training flags", model.training, model.features[3].training)


def predict(model, batch, k=3):
    with torch.no_grad():
        logits = model(batch)
        probs = F.softmax(logits, dim=1)
        top_p, top_i = probs.topk(k, dim=1)
    return logits, top_p, top_i


requests = torch.randn(6, 12)
logits, top_p, top_i = predict(model, requests)
print("requires_grad", logits.requires_grad, logits.grad_fn)
for row, (p, i) in enumerate(zip(top_p, top_i)):
    labels = [CLASSES[j] for j in i.tolist()]
    print(row, labels, [round(v, 3) for v in p.tolist()])

# a mini-batched serving loop with inference_mode
loader = torch.split(torch.randn(10, 12), 4)
preds = []
with torch.inference_mode():
    for batch in loader:
        out = model(batch)
        preds.append(out.argmax(dim=1))
        print("batch", tuple(batch.shape), "is_inference", out.is_inference(), out.requires_grad)
preds = torch.cat(preds)
print("preds", preds.tolist(), preds.is_inference(), torch.is_inference_mode_enabled())

# inference tensors cannot be used in autograd later
with torch.inference_mode():
    feats = model.features(requests)
w = torch.ones(16, requires_grad=True)
try:
    (feats * w).sum().backward()
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    feats.add_(1)
except RuntimeError as e:
    print("RuntimeError:", e)
normal = feats.clone()
print("clone is_inference", normal.is_inference())
(normal * w).sum().backward()
print("grad", [round(v, 3) for v in w.grad[:4].tolist()])

# inference_mode as a decorator, and disabled inference_mode
@torch.inference_mode()
def serve(x):
    return F.softmax(model(x), dim=-1)


out = serve(requests[:2])
print("decorated", out.is_inference(), [round(v, 4) for v in out.sum(1).tolist()])
with torch.inference_mode(mode=False):
    z = model(requests[:2])
print("mode=False", z.is_inference(), z.requires_grad)

# export to a plain dict of lists and back
exported = {k: v.tolist() for k, v in model.state_dict().items()}
print(sorted(exported.keys()))
print("num_batches_tracked", exported["features.1.num_batches_tracked"])
text = json.dumps(exported)
restored = Classifier()
restored.load_state_dict({k: torch.tensor(v) for k, v in json.loads(text).items()})
restored.eval()
with torch.no_grad():
    same = torch.equal(restored(requests), model(requests))
print("restored identical", same)
print("dtypes", sorted({str(v.dtype) for v in restored.state_dict().values()}))
print("param count", sum(p.numel() for p in model.parameters()))
