"""super_resolution in the style of pytorch/examples (ESPCN: sub-pixel convolution with PixelShuffle,
orthogonal init scaled by calculate_gain('relu')), trained on synthetic low/high resolution pairs with
PSNR reporting and whole-model checkpoints; then the "Warmstarting a model" and "Zeroing out gradients"
recipes (load_state_dict(strict=False) into a different network, missing/unexpected keys)."""
import math
import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.nn.init as init
import torch.optim as optim
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(123)


class Net(nn.Module):
    def __init__(self, upscale_factor):
        super(Net, self).__init__()
        self.relu = nn.ReLU()
        self.conv1 = nn.Conv2d(1, 16, (5, 5), (1, 1), (2, 2))
        self.conv2 = nn.Conv2d(16, 16, (3, 3), (1, 1), (1, 1))
        self.conv3 = nn.Conv2d(16, 8, (3, 3), (1, 1), (1, 1))
        self.conv4 = nn.Conv2d(8, upscale_factor ** 2, (3, 3), (1, 1), (1, 1))
        self.pixel_shuffle = nn.PixelShuffle(upscale_factor)
        self._initialize_weights()

    def forward(self, x):
        x = self.relu(self.conv1(x))
        x = self.relu(self.conv2(x))
        x = self.relu(self.conv3(x))
        x = self.pixel_shuffle(self.conv4(x))
        return x

    def _initialize_weights(self):
        init.orthogonal_(self.conv1.weight, init.calculate_gain('relu'))
        init.orthogonal_(self.conv2.weight, init.calculate_gain('relu'))
        init.orthogonal_(self.conv3.weight, init.calculate_gain('relu'))
        init.orthogonal_(self.conv4.weight)


# --- synthetic images: smooth blobs; the input is the downsampled image --------------------------------
UPSCALE = 2


def make_images(n, size=16):
    yy, xx = torch.meshgrid(torch.linspace(-1, 1, size), torch.linspace(-1, 1, size), indexing="ij")
    c = torch.rand(n, 3, 2) * 2 - 1
    w = torch.rand(n, 3) * 0.3 + 0.1
    img = torch.zeros(n, 1, size, size)
    for k in range(3):
        d2 = (xx - c[:, k, 0, None, None]) ** 2 + (yy - c[:, k, 1, None, None]) ** 2
        img[:, 0] += torch.exp(-d2 / (2 * w[:, k, None, None] ** 2))
    img = img.clamp(0, 1)
    low = F.interpolate(img, scale_factor=1 / UPSCALE, mode="bicubic", align_corners=False).clamp(0, 1)
    return low, img


train_low, train_high = make_images(48)
test_low, test_high = make_images(16)
print("train", train_low.shape, train_high.shape, f"{train_high.mean().item():.4f}")
print("gain relu", init.calculate_gain("relu"), "leaky", round(init.calculate_gain("leaky_relu", 0.2), 6),
      "tanh", init.calculate_gain("tanh"), "selu", init.calculate_gain("selu"))

training_data_loader = DataLoader(TensorDataset(train_low, train_high), batch_size=8, shuffle=True)
testing_data_loader = DataLoader(TensorDataset(test_low, test_high), batch_size=8, shuffle=False)

model = Net(upscale_factor=UPSCALE)
print(model)
w = model.conv2.weight.view(16, -1)
print("orthogonal rows:", torch.allclose(w @ w.t(), 2 * torch.eye(16), atol=1e-4),
      f"{model.conv1.weight.norm().item():.4f}", f"{model.conv4.weight.norm().item():.4f}")
criterion = nn.MSELoss()
optimizer = optim.Adam(model.parameters(), lr=0.01)

ps = nn.PixelShuffle(2)
x = torch.arange(16.).view(1, 4, 2, 2)
print(ps(x))
print(nn.PixelUnshuffle(2)(ps(x)).equal(x), ps, nn.PixelUnshuffle(3))


def train(epoch):
    epoch_loss = 0
    for iteration, batch in enumerate(training_data_loader, 1):
        input, target = batch[0], batch[1]
        optimizer.zero_grad()
        loss = criterion(model(input), target)
        epoch_loss += loss.item()
        loss.backward()
        optimizer.step()
        if iteration % 3 == 0:
            print("===> Epoch[{}]({}/{}): Loss: {:.4f}".format(epoch, iteration, len(training_data_loader),
                                                                loss.item()))
    print("===> Epoch {} Complete: Avg. Loss: {:.4f}".format(epoch, epoch_loss / len(training_data_loader)))


def test():
    avg_psnr = 0
    with torch.no_grad():
        for batch in testing_data_loader:
            input, target = batch[0], batch[1]
            prediction = model(input)
            mse = criterion(prediction, target)
            psnr = 10 * math.log10(1 / mse.item())
            avg_psnr += psnr
    print("===> Avg. PSNR: {:.3f} dB".format(avg_psnr / len(testing_data_loader)))


tmp = tempfile.mkdtemp()
for epoch in range(1, 5):
    train(epoch)
    test()
    model_out_path = os.path.join(tmp, "model_epoch_{}.pth".format(epoch))
    torch.save(model, model_out_path)
    print("Checkpoint saved to {}".format(os.path.basename(model_out_path)))

# super_resolve.py: load the whole pickled model and upscale one image
loaded = torch.load(os.path.join(tmp, "model_epoch_4.pth"), weights_only=False)
print(type(loaded).__name__, loaded.training, loaded.conv4)
out = loaded(test_low[:1]).detach()
print(out.shape, out.clamp(0, 1).mul(255).round()[0, 0, :3, :6])
bicubic = F.interpolate(test_low[:1], scale_factor=UPSCALE, mode="bicubic", align_corners=False)
print("model vs bicubic mse: {:.5f} {:.5f}".format(F.mse_loss(out, test_high[:1]).item(),
                                                   F.mse_loss(bicubic, test_high[:1]).item()))

# --- Warmstarting a model using parameters from a different model -----------------------------------------
class NetB(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 5, padding=2)
        self.conv2 = nn.Conv2d(16, 16, 3, padding=1)
        self.head = nn.Conv2d(16, 9, 3, padding=1)
        self.pixel_shuffle = nn.PixelShuffle(3)

    def forward(self, x):
        return self.pixel_shuffle(self.head(F.relu(self.conv2(F.relu(self.conv1(x))))))


path = os.path.join(tmp, "netA.pth")
torch.save(model.state_dict(), path)
netB = NetB()
result = netB.load_state_dict(torch.load(path, weights_only=True), strict=False)
print(result)
print("missing", result.missing_keys, "unexpected", result.unexpected_keys)
print("conv1 copied:", torch.equal(netB.conv1.weight, model.conv1.weight))
try:
    NetB().load_state_dict(torch.load(path, weights_only=True))
except RuntimeError as e:
    print("strict load:", e)
print(netB(test_low[:2]).shape)

# --- Zeroing out gradients ---------------------------------------------------------------------------------
optB = optim.SGD(netB.parameters(), lr=0.001, momentum=0.9)
target = F.interpolate(test_high[:4], size=(24, 24), mode="bilinear", align_corners=False)
for step in range(3):
    optB.zero_grad(set_to_none=False)
    print("grads zero:", all(bool((p.grad == 0).all()) for p in netB.parameters() if p.grad is not None),
          sum(p.grad is None for p in netB.parameters()))
    loss = F.mse_loss(netB(test_low[:4]), target)
    loss.backward()
    print(f"step {step} loss {loss.item():.5f} grad norm {netB.head.weight.grad.norm().item():.5f}")
    optB.step()
optB.zero_grad()
print([p.grad for p in netB.parameters()][:2])
