"""Spatial transformer networks (after the official STN tutorial, on synthetic digits): a localisation net
whose last layer starts at the identity transform, F.affine_grid / F.grid_sample, warping images with
hand-built rotation/translation matrices, 3-D (volumetric) grids, gradient flow into theta, and
visualising the learnt transform as ASCII art."""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

torch.manual_seed(7)
np.random.seed(7)


def make_glyphs(n, size=12):
    """Crosses (class 0) and squares (class 1), randomly shifted and rotated."""
    imgs = torch.zeros(n, 1, size, size)
    labels = torch.randint(0, 2, (n,))
    c = size // 2
    for i in range(n):
        if labels[i] == 0:
            imgs[i, 0, c - 3:c + 3, c - 1:c + 1] = 1.0
            imgs[i, 0, c - 1:c + 1, c - 3:c + 3] = 1.0
        else:
            imgs[i, 0, c - 3:c + 3, c - 3:c + 3] = 1.0
            imgs[i, 0, c - 2:c + 2, c - 2:c + 2] = 0.0
    angle = (torch.rand(n) - 0.5) * math.pi / 3
    shift = (torch.rand(n, 2) - 0.5) * 0.4
    cos, sin = torch.cos(angle), torch.sin(angle)
    theta = torch.stack([torch.stack([cos, -sin, shift[:, 0]], 1), torch.stack([sin, cos, shift[:, 1]], 1)], 1)
    grid = F.affine_grid(theta, imgs.size(), align_corners=False)
    return F.grid_sample(imgs, grid, align_corners=False), labels, theta


x, y, theta_true = make_glyphs(64)
print(x.shape, y[:10].tolist(), theta_true.shape, theta_true.dtype)
print(theta_true[0])
print(f"mean pixel {x.mean().item():.4f}, max {x.max().item():.4f}")


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, kernel_size=3)
        self.conv2 = nn.Conv2d(6, 8, kernel_size=3)
        self.conv2_drop = nn.Dropout2d()
        self.fc1 = nn.Linear(8 * 1 * 1, 16)
        self.fc2 = nn.Linear(16, 2)

        # spatial transformer localisation network
        self.localization = nn.Sequential(
            nn.Conv2d(1, 4, kernel_size=3),
            nn.MaxPool2d(2, stride=2),
            nn.ReLU(True),
            nn.Conv2d(4, 6, kernel_size=3),
            nn.MaxPool2d(2, stride=2),
            nn.ReLU(True),
        )
        # regressor for the 3 * 2 affine matrix
        self.fc_loc = nn.Sequential(nn.Linear(6 * 1 * 1, 16), nn.ReLU(True), nn.Linear(16, 3 * 2))
        # initialise the weights/bias with the identity transformation
        self.fc_loc[2].weight.data.zero_()
        self.fc_loc[2].bias.data.copy_(torch.tensor([1, 0, 0, 0, 1, 0], dtype=torch.float))

    def stn(self, x):
        xs = self.localization(x)
        xs = xs.view(-1, 6 * 1 * 1)
        theta = self.fc_loc(xs)
        theta = theta.view(-1, 2, 3)
        grid = F.affine_grid(theta, x.size())
        x = F.grid_sample(x, grid)
        return x, theta

    def forward(self, x):
        x, theta = self.stn(x)
        x = F.relu(F.max_pool2d(self.conv1(x), 2))
        x = F.relu(F.max_pool2d(self.conv2_drop(self.conv2(x)), 2))
        x = x.view(-1, 8 * 1 * 1)
        x = F.relu(self.fc1(x))
        x = F.dropout(x, training=self.training)
        x = self.fc2(x)
        return F.log_softmax(x, dim=1)


model = Net()
print(model.fc_loc)
print(model.fc_loc[2].bias, model.fc_loc[2].weight.abs().sum())
with torch.no_grad():
    warped, theta = model.stn(x[:2])
print(theta[0], torch.allclose(warped, x[:2], atol=1e-5))

optimizer = optim.SGD(model.parameters(), lr=0.05, momentum=0.9)


def train(epoch):
    model.train()
    for batch_idx in range(0, 64, 16):
        data, target = x[batch_idx:batch_idx + 16], y[batch_idx:batch_idx + 16]
        optimizer.zero_grad()
        output = model(data)
        loss = F.nll_loss(output, target)
        loss.backward()
        optimizer.step()
        if batch_idx % 32 == 0:
            print("Train Epoch: {} [{}/{} ({:.0f}%)]\tLoss: {:.4f}".format(
                epoch, batch_idx, 64, 100.0 * batch_idx / 64, loss.item()))


def test():
    with torch.no_grad():
        model.eval()
        test_loss = 0
        correct = 0
        output = model(x)
        test_loss += F.nll_loss(output, y, reduction="sum").item()
        pred = output.max(1, keepdim=True)[1]
        correct += pred.eq(y.view_as(pred)).sum().item()
        test_loss /= len(x)
        print("Test set: Average loss: {:.2f}, Accuracy: {}/{} ({:.0f}%)".format(
            test_loss, correct, len(x), 100.0 * correct / len(x)) if False else
            f"Test set: {len(x)} samples, loss is finite: {math.isfinite(test_loss)}, correct is int: {type(correct)}")


for epoch in range(1, 4):
    train(epoch)
test()

with torch.no_grad():
    _, theta = model.stn(x[:4])
print(theta.shape, theta.requires_grad, bool(torch.isfinite(theta).all()))

# ---- warping by hand ---------------------------------------------------------------------------------------
img = torch.zeros(1, 1, 7, 7)
img[0, 0, 1:3, 1:6] = 1.0  # a horizontal bar near the top


def show(t):
    for row in t[0, 0]:
        print("".join("#" if v > 0.5 else ("+" if v > 0.1 else ".") for v in row.tolist()))


def rotation(deg, tx=0.0, ty=0.0):
    a = math.radians(deg)
    return torch.tensor([[[math.cos(a), -math.sin(a), tx], [math.sin(a), math.cos(a), ty]]], dtype=torch.float32)


show(img)
print()
for deg, mode, pad in [(90, "nearest", "zeros"), (45, "bilinear", "border"), (0, "bilinear", "reflection")]:
    grid = F.affine_grid(rotation(deg, 0.0, 0.3 if deg == 0 else 0.0), img.shape, align_corners=False)
    out = F.grid_sample(img, grid, mode=mode, padding_mode=pad, align_corners=False)
    print(deg, mode, pad, f"{out.sum().item():.4f}")
    show(out)
scale = torch.tensor([[[2.0, 0.0, 0.0], [0.0, 2.0, 0.0]]])
zoom_out = F.grid_sample(img, F.affine_grid(scale, (1, 1, 7, 7), align_corners=True), align_corners=True)
print(zoom_out[0, 0, 3])
flip = torch.tensor([[[-1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]])
print(torch.equal(F.grid_sample(img, F.affine_grid(flip, img.size(), align_corners=True), mode="nearest",
                                align_corners=True), img.flip(-1)))

# identity grid by hand equals affine_grid's
H, W = 3, 4
ys = torch.linspace(-1, 1, H)
xs = torch.linspace(-1, 1, W)
gy, gx = torch.meshgrid(ys, xs, indexing="ij")
manual = torch.stack((gx, gy), dim=-1).unsqueeze(0)
eye = torch.eye(2, 3).unsqueeze(0)
print(torch.allclose(manual, F.affine_grid(eye, (1, 1, H, W), align_corners=True)))
print(F.affine_grid(eye, (1, 1, H, W), align_corners=False)[0, :, :, 0])

# a non-square output size and a grid that falls outside the image
big = F.affine_grid(eye.repeat(2, 1, 1), (2, 3, 5, 2), align_corners=False)
print(big.shape, big[1, 4])
outside = torch.full((1, 2, 2, 2), 1.5)
print(F.grid_sample(torch.ones(1, 1, 3, 3), outside, align_corners=False).flatten(),
      F.grid_sample(torch.ones(1, 1, 3, 3), outside, padding_mode="border", align_corners=False).flatten())

# ---- gradients flow into theta (a differentiable image registration) -----------------------------------------
target = F.grid_sample(img, F.affine_grid(rotation(20, 0.1, -0.1), img.shape, align_corners=False),
                       align_corners=False)
theta = torch.eye(2, 3).unsqueeze(0).clone().requires_grad_(True)
opt = torch.optim.Adam([theta], lr=0.05)
for step in range(30):
    warped = F.grid_sample(img, F.affine_grid(theta, img.shape, align_corners=False), align_corners=False)
    loss = F.mse_loss(warped, target)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 10 == 0:
        print(f"registration step {step}: loss {loss.item():.4f}", theta.grad.abs().sum() > 0)
print(warped.grad_fn.name(), theta.grad.shape)

# ---- 3-D grids -------------------------------------------------------------------------------------------------
vol = torch.arange(2 * 3 * 4, dtype=torch.float32).view(1, 1, 2, 3, 4)
eye3 = torch.eye(3, 4).unsqueeze(0)
g3 = F.affine_grid(eye3, vol.shape, align_corners=True)
print(g3.shape, torch.allclose(F.grid_sample(vol, g3, align_corners=True), vol))
swap = torch.tensor([[[0.0, 1.0, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0]]])
print(F.grid_sample(vol, F.affine_grid(swap, (1, 1, 2, 3, 3), align_corners=True), align_corners=True,
                    mode="nearest")[0, 0, 0])

# ---- mistakes people make --------------------------------------------------------------------------------------
for bad in [lambda: F.affine_grid(torch.eye(2, 3), (1, 1, 4, 4)),
            lambda: F.affine_grid(torch.eye(2, 3).unsqueeze(0), (1, 1, 4)),
            lambda: F.affine_grid(torch.eye(2, 3).unsqueeze(0), (1, 1, 2, 4, 4)),
            lambda: F.grid_sample(img, torch.zeros(1, 7, 7, 3)),
            lambda: F.grid_sample(img, torch.zeros(2, 7, 7, 2)),
            lambda: F.grid_sample(img, torch.zeros(1, 7, 7, 2), mode="bicubic", padding_mode="wrap"),
            lambda: F.grid_sample(img, torch.zeros(1, 7, 7, 2), mode="area")]:
    try:
        bad()
    except (ValueError, RuntimeError) as e:
        print(type(e).__name__ + ":", e)
