"""A spatial transformer network in front of a small glyph classifier, as the PyTorch STN tutorial
builds it for handwritten digits: a localisation net whose last layer starts at the identity
transform, affine_grid + grid_sample (bilinear / nearest / bicubic, every padding mode, both
align_corners), synthetic distorted glyphs made with the same warp, and a few SGD steps."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)

# synthetic "handwritten" strokes: thick lines drawn on a 16x16 canvas
H = W = 16
yy, xx = torch.meshgrid(torch.linspace(-1, 1, H), torch.linspace(-1, 1, W), indexing="ij")


def stroke(x0, y0, x1, y1, width=0.18):
    # distance from each pixel to the segment, turned into a soft ink value
    p = torch.stack([xx, yy], -1)
    a = torch.tensor([x0, y0])
    b = torch.tensor([x1, y1])
    ab = b - a
    t = ((p - a) @ ab / ab.dot(ab)).clamp(0, 1)
    d = (p - (a + t.unsqueeze(-1) * ab)).norm(dim=-1)
    return torch.sigmoid((width - d) * 25)


def glyph(k):
    if k == 0:
        return torch.maximum(stroke(-0.5, -0.6, 0.5, -0.6), stroke(0.0, -0.6, 0.0, 0.7))   # "T"
    if k == 1:
        return torch.maximum(stroke(-0.5, -0.6, -0.5, 0.6), stroke(-0.5, 0.6, 0.5, 0.6))   # "L"
    return torch.maximum(stroke(-0.5, -0.6, 0.5, 0.6), stroke(0.5, -0.6, -0.5, 0.6))       # "X"


clean = torch.stack([glyph(k) for k in range(3)]).unsqueeze(1)
print("clean glyphs", clean.shape, f"{clean.mean().item():.4f}")


def random_affine(n, max_rot=0.4, max_shift=0.2):
    ang = (torch.rand(n) * 2 - 1) * max_rot
    scale = 1 + (torch.rand(n) - 0.5) * 0.3
    shift = (torch.rand(n, 2) * 2 - 1) * max_shift
    cos, sin = torch.cos(ang) * scale, torch.sin(ang) * scale
    theta = torch.stack([torch.stack([cos, -sin, shift[:, 0]], 1),
                         torch.stack([sin, cos, shift[:, 1]], 1)], 1)
    return theta


labels = torch.arange(3).repeat(6)
theta_true = random_affine(len(labels))
grid = F.affine_grid(theta_true, (len(labels), 1, H, W), align_corners=False)
data = F.grid_sample(clean[labels], grid, mode="bilinear", padding_mode="zeros", align_corners=False)
data = data + 0.05 * torch.randn_like(data)
print("distorted", data.shape, "grid", grid.shape, grid.dtype)
print("theta[0]\n", theta_true[0])

# every sampling mode on the same warp
for mode in ("bilinear", "nearest", "bicubic"):
    for pad in ("zeros", "border", "reflection"):
        for ac in (False, True):
            g = F.affine_grid(theta_true[:2], (2, 1, H, W), align_corners=ac)
            out = F.grid_sample(clean[:2], g, mode=mode, padding_mode=pad, align_corners=ac)
            print(f"{mode:8s} {pad:10s} {str(ac):5s} sum {out.sum().item():9.3f} max {out.max().item():.4f}")

# the identity transform reproduces the image with align_corners=True
ident = torch.tensor([[1.0, 0, 0], [0, 1.0, 0]]).expand(3, 2, 3)
g = F.affine_grid(ident, clean.shape, align_corners=True)
print("identity round trip", torch.allclose(F.grid_sample(clean, g, align_corners=True), clean, atol=1e-6))


class STNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.localization = nn.Sequential(
            nn.Conv2d(1, 4, kernel_size=5), nn.MaxPool2d(2, stride=2), nn.ReLU(True),
            nn.Conv2d(4, 6, kernel_size=3), nn.MaxPool2d(2, stride=2), nn.ReLU(True),
        )
        self.fc_loc = nn.Sequential(nn.Linear(6 * 2 * 2, 16), nn.ReLU(True), nn.Linear(16, 3 * 2))
        self.fc_loc[2].weight.data.zero_()
        self.fc_loc[2].bias.data.copy_(torch.tensor([1, 0, 0, 0, 1, 0], dtype=torch.float))
        self.conv = nn.Conv2d(1, 8, 3, padding=1)
        self.drop = nn.Dropout2d(0.1)
        self.head = nn.Linear(8 * 4 * 4, 3)

    def stn(self, x):
        xs = self.localization(x)
        xs = xs.view(-1, 6 * 2 * 2)
        theta = self.fc_loc(xs).view(-1, 2, 3)
        grid = F.affine_grid(theta, x.size(), align_corners=False)
        return F.grid_sample(x, grid, align_corners=False), theta

    def forward(self, x):
        x, theta = self.stn(x)
        x = F.max_pool2d(F.relu(self.drop(self.conv(x))), 4)
        return F.log_softmax(self.head(x.flatten(1)), dim=1), theta


net = STNet()
print(net)
with torch.no_grad():
    _, th = net(data[:2])
print("initial theta is identity:", torch.equal(th, ident[:2]))

opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-4)
for epoch in range(12):
    net.train()
    opt.zero_grad()
    out, th = net(data)
    loss = F.nll_loss(out, labels)
    loss.backward()
    opt.step()
    if epoch % 3 == 0:
        print(f"epoch {epoch} nll {loss.item():.4f} |theta-I| {(th - ident[:1]).abs().mean().item():.4f}")

net.eval()
with torch.no_grad():
    out, th = net(data)
pred = out.argmax(1)
print("accuracy", (pred == labels).float().mean().item())
print("confusion\n", torch.bincount(labels * 3 + pred, minlength=9).view(3, 3))

# gradients flow into theta and the grid
theta = theta_true[:1].clone().requires_grad_(True)
img = clean[:1].clone().requires_grad_(True)
g = F.affine_grid(theta, (1, 1, H, W), align_corners=False)
o = F.grid_sample(img, g, mode="bilinear", padding_mode="border", align_corners=False)
(o * torch.linspace(0, 1, W)).sum().backward()
print("grad_fn", g.grad_fn.name(), o.grad_fn.name())
print("d/dtheta\n", theta.grad)
print("d/dimg sum", f"{img.grad.sum().item():.4f}")

# a 3-D affine grid and a rotation by exactly 90 degrees
c, s = math.cos(math.pi / 2), math.sin(math.pi / 2)
rot = torch.tensor([[[c, -s, 0.0], [s, c, 0.0]]])
r = F.grid_sample(clean[:1], F.affine_grid(rot, (1, 1, H, W), align_corners=True), align_corners=True)
print("rot90 matches rot90:", torch.allclose(r[0, 0], torch.rot90(clean[0, 0], 1, (0, 1)), atol=1e-5)
      or torch.allclose(r[0, 0], torch.rot90(clean[0, 0], -1, (0, 1)), atol=1e-5))
g3 = F.affine_grid(torch.eye(3, 4).unsqueeze(0), (1, 1, 2, 3, 4), align_corners=False)
print("3-D grid", g3.shape)
print(g3[0, 0])

for bad in [lambda: F.affine_grid(torch.zeros(1, 3, 3), (1, 1, 4, 4), align_corners=False),
            lambda: F.affine_grid(torch.zeros(1, 2, 3), (1, 1, 4), align_corners=False),
            lambda: F.grid_sample(clean, torch.zeros(3, 4, 4, 3), align_corners=False),
            lambda: F.grid_sample(clean, torch.zeros(3, 4, 4, 2), mode="area", align_corners=False),
            lambda: F.grid_sample(clean, torch.zeros(3, 4, 4, 2), padding_mode="wrap", align_corners=False)]:
    try:
        bad()
    except (ValueError, RuntimeError, NotImplementedError) as e:
        print(type(e).__name__ + ":", e)
