"""Course notebook: what the dropout layers actually do. Dropout, Dropout1d/2d/3d, AlphaDropout and
FeatureAlphaDropout masks under torch.manual_seed in train vs eval mode, the 1/(1-p) rescaling, the
kept fraction over many draws, functional forms with training=False, inplace dropout, p=0 and p=1,
self-normalising nets (SELU + AlphaDropout) keeping mean/std, and MC-dropout averaging at test time."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
x = torch.ones(2, 8)

print("=== Dropout ===")
drop = nn.Dropout(p=0.5)
print(drop, drop.training)
torch.manual_seed(3)
print(drop(x))
drop.eval()
print("eval is identity:", torch.equal(drop(x), x))
drop.train()
for p in [0.0, 0.2, 0.8, 1.0]:
    torch.manual_seed(7)
    out = nn.Dropout(p)(torch.ones(1000))
    print(f"p={p}: kept={(out != 0).float().mean().item():.3f} values={sorted(set(out.tolist()))[:3]}")
torch.manual_seed(5)
y = torch.arange(1., 9.)
F.dropout(y, 0.25, training=True, inplace=True)
print("inplace", y)
print("functional, training=False", F.dropout(torch.ones(4), 0.5, training=False))
try:
    nn.Dropout(1.5)
except ValueError as e:
    print("ValueError:", e)

print("=== channel dropout ===")
torch.manual_seed(11)
seq = torch.ones(2, 4, 3)
print("Dropout1d\n", nn.Dropout1d(0.5)(seq)[:, :, 0])
img = torch.ones(2, 5, 2, 2)
torch.manual_seed(11)
out = nn.Dropout2d(0.4)(img)
print("Dropout2d channel kept\n", (out[:, :, 0, 0] != 0).int())
print("whole channels:", torch.equal(out.amax((2, 3)), out.amin((2, 3))))
vol = torch.ones(1, 6, 2, 2, 2)
torch.manual_seed(11)
out3 = nn.Dropout3d(0.5)(vol)
print("Dropout3d scales", out3.flatten(2)[0, :, 0].tolist())
print(nn.Dropout2d(0.3), nn.Dropout3d(0.3, inplace=True))
print("unbatched Dropout1d", nn.Dropout1d(0.5)(torch.ones(4, 3)).shape)

print("=== alpha dropout ===")
torch.manual_seed(2)
z = torch.randn(4000)
for p in [0.1, 0.3, 0.5]:
    torch.manual_seed(2)
    o = nn.AlphaDropout(p)(z)
    print(f"AlphaDropout p={p}: mean={o.mean().item():.2f} std={o.std().item():.2f} "
          f"distinct dropped={o[o.ne(z)].unique().numel()}")
torch.manual_seed(4)
a = nn.AlphaDropout(0.5)(torch.zeros(8))
print("alpha dropped value", a.numpy().round(4).tolist())
torch.manual_seed(4)
fa = nn.FeatureAlphaDropout(0.5)(torch.zeros(2, 4, 3))
print("FeatureAlphaDropout", fa[:, :, 0].numpy().round(4).tolist())
ad = nn.AlphaDropout(0.2)
ad.eval()
print("alpha eval identity", torch.equal(ad(z), z), ad)

print("=== SELU self-normalising net ===")
torch.manual_seed(0)
layers = []
for _ in range(4):
    lin = nn.Linear(64, 64)
    nn.init.normal_(lin.weight, std=(1 / 64) ** 0.5)
    nn.init.zeros_(lin.bias)
    layers += [lin, nn.SELU(), nn.AlphaDropout(0.1)]
snn = nn.Sequential(*layers)
h = torch.randn(256, 64)
with torch.no_grad():
    for i, layer in enumerate(snn):
        h = layer(h)
        if isinstance(layer, nn.AlphaDropout):
            print(f"after block {i // 3}: mean={h.mean().item():.2f} std={h.std().item():.2f}")

print("=== MC dropout ===")
torch.manual_seed(1)
net = nn.Sequential(nn.Linear(3, 32), nn.ReLU(), nn.Dropout(0.3), nn.Linear(32, 1))
xq = torch.tensor([[0.5, -1.0, 2.0], [0.0, 0.0, 0.0]])
net.eval()
print("deterministic", net(xq).detach().squeeze().numpy().round(4).tolist())
net.train()
with torch.no_grad():
    samples = torch.stack([net(xq) for _ in range(50)])
print("MC mean", samples.mean(0).squeeze().numpy().round(4).tolist(),
      "MC std", samples.std(0).squeeze().numpy().round(4).tolist())
print("training flags", [m.training for m in net])
