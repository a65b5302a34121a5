"""A denoising autoencoder on synthetic 8x8 images: Conv2d encoder, ConvTranspose2d and Upsample
decoders, binary_cross_entropy on sigmoid outputs, clamp-ed noise, state_dict through io.BytesIO."""
import io
from collections import OrderedDict

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)


def make_images(n, gen):
    imgs = torch.zeros(n, 1, 8, 8)
    pos = torch.randint(0, 5, (n, 2), generator=gen)
    for k in range(n):
        r, c = pos[k].tolist()
        if k % 2 == 0:
            imgs[k, 0, r:r + 3, c:c + 3] = 1.0
        else:
            imgs[k, 0, r + 1, c:c + 4] = 1.0
            imgs[k, 0, r:r + 4, c + 1] = 1.0
    return imgs


gen = torch.Generator().manual_seed(0)
clean = make_images(32, gen)
noisy = torch.clamp(clean + 0.3 * torch.randn(clean.shape, generator=gen), 0.0, 1.0)
print(clean.shape, clean.sum().item(), f"{noisy.mean():.4f}", noisy.min().item(), noisy.max().item())
print(clean[1, 0].int())
print(torch.clamp(torch.tensor([-2.0, 0.5, 3.0]), min=0.0), torch.tensor([-2.0, 0.5, 3.0]).clamp(max=1.0),
      torch.clamp(torch.tensor([1, 5, 9]), 2, 6), torch.clip(torch.tensor([0.2, 1.7]), torch.tensor([0.5, 0.0]), torch.tensor([1.0, 1.0])))


class ConvAE(nn.Module):
    def __init__(self, upsample=False):
        super().__init__()
        self.encoder = nn.Sequential(OrderedDict([
            ("conv1", nn.Conv2d(1, 8, 3, stride=2, padding=1)),
            ("act1", nn.ReLU()),
            ("conv2", nn.Conv2d(8, 16, 3, stride=2, padding=1)),
            ("act2", nn.ReLU()),
        ]))
        if upsample:
            self.decoder = nn.Sequential(
                nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(16, 8, 3, padding=1), nn.ReLU(),
                nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False), nn.Conv2d(8, 1, 3, padding=1),
                nn.Sigmoid())
        else:
            self.decoder = nn.Sequential(
                nn.ConvTranspose2d(16, 8, 3, stride=2, padding=1, output_padding=1), nn.ReLU(),
                nn.ConvTranspose2d(8, 1, 3, stride=2, padding=1, output_padding=1), nn.Sigmoid())

    def forward(self, x):
        z = self.encoder(x)
        return self.decoder(z), z


for upsample in (False, True):
    torch.manual_seed(5)
    ae = ConvAE(upsample)
    print(ae)
    print(sum(p.numel() for p in ae.parameters()), ae.encoder.conv2.weight.shape, ae.decoder[0])
    opt = torch.optim.Adam(ae.parameters(), lr=1e-2)
    for epoch in range(12):
        perm = torch.randperm(32)
        for i in range(0, 32, 8):
            idx = perm[i:i + 8]
            out, z = ae(noisy[idx])
            loss = F.binary_cross_entropy(out, clean[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        if epoch % 4 == 3:
            print(upsample, epoch, f"{loss.item():.3f}", z.shape, out.shape, type(loss.grad_fn).__name__,
                  type(out.grad_fn).__name__)
    with torch.no_grad():
        rec, _ = ae(noisy[:2])
    print((rec[0, 0] > 0.5).int().sum().item(), rec[0, 0, 3].round(decimals=2))
    print(f"{F.mse_loss(rec, clean[:2]).item():.3f}", f"{F.binary_cross_entropy(rec, clean[:2], reduction='sum').item():.2f}")

buf = io.BytesIO()
torch.save(ae.state_dict(), buf)
print(buf.tell() > 0, list(ae.state_dict().keys())[:4])
buf.seek(0)
state = torch.load(buf, weights_only=True)
print(type(state).__name__, len(state), state["encoder.conv1.weight"].shape, state["decoder.1.bias"].dtype)
fresh = ConvAE(upsample=True)
print(fresh.load_state_dict(state))
with torch.no_grad():
    print(torch.equal(fresh(noisy[:4])[0], ae(noisy[:4])[0]))
bad = dict(state)
bad.pop("decoder.4.bias")
bad["extra"] = torch.zeros(1)
res = fresh.load_state_dict(bad, strict=False)
print(res.missing_keys, res.unexpected_keys)
try:
    fresh.load_state_dict(bad)
except RuntimeError as e:
    print(type(e).__name__, e)
try:
    ConvAE(upsample=False).load_state_dict(state)
except RuntimeError as e:
    print(type(e).__name__, e)

buf2 = io.BytesIO()
torch.save({"model": ae.state_dict(), "opt": opt.state_dict(), "epoch": 12, "noise": noisy[:1]}, buf2)
buf2.seek(0)
ck = torch.load(buf2)
print(sorted(ck), ck["epoch"], ck["opt"]["param_groups"][0]["lr"], len(ck["opt"]["state"]), ck["noise"].shape)
opt2 = torch.optim.Adam(fresh.parameters(), lr=0.5)
opt2.load_state_dict(ck["opt"])
print(opt2.param_groups[0]["lr"], opt2.state[fresh.decoder[1].weight]["exp_avg"].shape,
      opt2.state[fresh.decoder[1].weight]["step"])

ct = nn.ConvTranspose2d(2, 3, kernel_size=(2, 3), stride=(2, 1), padding=(0, 1), dilation=1, groups=1, bias=False)
x = torch.randn(1, 2, 3, 4, requires_grad=True)
y = ct(x)
print(ct, y.shape, ct(x, output_size=(7, 4)).shape, type(y.grad_fn).__name__)
y.sum().backward()
print(x.grad.shape, f"{x.grad.abs().sum():.3f}")
try:
    F.binary_cross_entropy(torch.tensor([1.5]), torch.tensor([1.0]))
except RuntimeError as e:
    print(type(e).__name__, e)
try:
    ct(x, output_size=(9, 9))
except ValueError as e:
    print(type(e).__name__, e)
print(F.binary_cross_entropy(torch.tensor([0.0, 1.0]), torch.tensor([1.0, 0.0])),
      F.binary_cross_entropy(torch.tensor([0.2, 0.9]), torch.tensor([0.0, 1.0]), weight=torch.tensor([2.0, 1.0])))
