"""fast_neural_style in the style of pytorch/examples: a TransformerNet (ReflectionPad2d convolutions,
InstanceNorm2d with affine=True, residual blocks, nearest-neighbour upsampling), a frozen VGG-like loss
network returning a namedtuple of features, gram matrices, content + style losses with normalize_batch,
Adam, then the saved state_dict reloaded (with running-stat keys deleted, as stylize() does) for eval."""
import os
import re
import tempfile
from collections import namedtuple

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(42)


class ConvLayer(torch.nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size, stride):
        super(ConvLayer, self).__init__()
        reflection_padding = kernel_size // 2
        self.reflection_pad = torch.nn.ReflectionPad2d(reflection_padding)
        self.conv2d = torch.nn.Conv2d(in_channels, out_channels, kernel_size, stride)

    def forward(self, x):
        out = self.reflection_pad(x)
        out = self.conv2d(out)
        return out


class ResidualBlock(torch.nn.Module):
    def __init__(self, channels):
        super(ResidualBlock, self).__init__()
        self.conv1 = ConvLayer(channels, channels, kernel_size=3, stride=1)
        self.in1 = torch.nn.InstanceNorm2d(channels, affine=True)
        self.conv2 = ConvLayer(channels, channels, kernel_size=3, stride=1)
        self.in2 = torch.nn.InstanceNorm2d(channels, affine=True)
        self.relu = torch.nn.ReLU()

    def forward(self, x):
        residual = x
        out = self.relu(self.in1(self.conv1(x)))
        out = self.in2(self.conv2(out))
        out = out + residual
        return out


class UpsampleConvLayer(torch.nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size, stride, upsample=None):
        super(UpsampleConvLayer, self).__init__()
        self.upsample = upsample
        reflection_padding = kernel_size // 2
        self.reflection_pad = torch.nn.ReflectionPad2d(reflection_padding)
        self.conv2d = torch.nn.Conv2d(in_channels, out_channels, kernel_size, stride)

    def forward(self, x):
        x_in = x
        if self.upsample:
            x_in = torch.nn.functional.interpolate(x_in, mode='nearest', scale_factor=self.upsample)
        out = self.reflection_pad(x_in)
        out = self.conv2d(out)
        return out


class TransformerNet(torch.nn.Module):
    def __init__(self):
        super(TransformerNet, self).__init__()
        self.conv1 = ConvLayer(3, 8, kernel_size=9, stride=1)
        self.in1 = torch.nn.InstanceNorm2d(8, affine=True)
        self.conv2 = ConvLayer(8, 16, kernel_size=3, stride=2)
        self.in2 = torch.nn.InstanceNorm2d(16, affine=True)
        self.res1 = ResidualBlock(16)
        self.res2 = ResidualBlock(16)
        self.deconv1 = UpsampleConvLayer(16, 8, kernel_size=3, stride=1, upsample=2)
        self.in4 = torch.nn.InstanceNorm2d(8, affine=True)
        self.deconv3 = ConvLayer(8, 3, kernel_size=9, stride=1)
        self.relu = torch.nn.ReLU()

    def forward(self, X):
        y = self.relu(self.in1(self.conv1(X)))
        y = self.relu(self.in2(self.conv2(y)))
        y = self.res1(y)
        y = self.res2(y)
        y = self.relu(self.in4(self.deconv1(y)))
        y = self.deconv3(y)
        return y


class Vgg16(torch.nn.Module):
    """A tiny stand-in for torchvision's vgg16().features, cut into slices the same way."""

    def __init__(self, requires_grad=False):
        super(Vgg16, self).__init__()
        features = nn.Sequential(
            nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(inplace=True), nn.Conv2d(8, 8, 3, padding=1), nn.ReLU(inplace=True),
            nn.MaxPool2d(2, 2), nn.Conv2d(8, 12, 3, padding=1), nn.ReLU(inplace=True),
            nn.MaxPool2d(2, 2), nn.Conv2d(12, 16, 3, padding=1), nn.ReLU(inplace=True))
        self.slice1 = torch.nn.Sequential()
        self.slice2 = torch.nn.Sequential()
        self.slice3 = torch.nn.Sequential()
        for x in range(4):
            self.slice1.add_module(str(x), features[x])
        for x in range(4, 7):
            self.slice2.add_module(str(x), features[x])
        for x in range(7, 10):
            self.slice3.add_module(str(x), features[x])
        if not requires_grad:
            for param in self.parameters():
                param.requires_grad = False

    def forward(self, X):
        h = self.slice1(X)
        h_relu1_2 = h
        h = self.slice2(h)
        h_relu2_2 = h
        h = self.slice3(h)
        h_relu3_3 = h
        vgg_outputs = namedtuple("VggOutputs", ['relu1_2', 'relu2_2', 'relu3_3'])
        out = vgg_outputs(h_relu1_2, h_relu2_2, h_relu3_3)
        return out


def gram_matrix(y):
    (b, ch, h, w) = y.size()
    features = y.view(b, ch, w * h)
    features_t = features.transpose(1, 2)
    gram = features.bmm(features_t) / (ch * h * w)
    return gram


def normalize_batch(batch):
    # normalize using imagenet mean and std
    mean = batch.new_tensor([0.485, 0.456, 0.406]).view(-1, 1, 1)
    std = batch.new_tensor([0.229, 0.224, 0.225]).view(-1, 1, 1)
    batch = batch.div_(255.0)
    return (batch - mean) / std


# --- synthetic "dataset" of images in [0, 255] and a striped style image ------------------------------------
images = (torch.rand(12, 3, 16, 16) * 255).round()
yy, xx = torch.meshgrid(torch.arange(16.), torch.arange(16.), indexing="ij")
style = torch.stack([127.5 + 127.5 * torch.sin((xx + yy) / 2.0), 127.5 + 127.5 * torch.cos(xx / 3.0),
                     torch.full((16, 16), 60.0)]).unsqueeze(0)
print("style", style.shape, f"{style.mean().item():.3f}")

transformer = TransformerNet()
print(transformer.res1)
print(sum(p.numel() for p in transformer.parameters()), "parameters")
optimizer = torch.optim.Adam(transformer.parameters(), 1e-2)
mse_loss = torch.nn.MSELoss()

vgg = Vgg16(requires_grad=False)
print(vgg.slice2, all(not p.requires_grad for p in vgg.parameters()))
style = style.repeat(4, 1, 1, 1)
features_style = vgg(normalize_batch(style.clone()))
gram_style = [gram_matrix(y) for y in features_style]
print(type(features_style).__name__, features_style._fields, [tuple(g.shape) for g in gram_style])
print("gram symmetric:", all(torch.allclose(g, g.transpose(1, 2)) for g in gram_style),
      [f"{g.mean().item():.4f}" for g in gram_style])

content_weight, style_weight = 1e1, 1e5
for e in range(3):
    transformer.train()
    agg_content_loss = 0.
    agg_style_loss = 0.
    count = 0
    for batch_id in range(3):
        x = images[batch_id * 4:(batch_id + 1) * 4].clone()
        n_batch = len(x)
        count += n_batch
        optimizer.zero_grad()

        y = transformer(x)

        y = normalize_batch(y)
        x = normalize_batch(x)

        features_y = vgg(y)
        features_x = vgg(x)

        content_loss = content_weight * mse_loss(features_y.relu2_2, features_x.relu2_2)

        style_loss = 0.
        for ft_y, gm_s in zip(features_y, gram_style):
            gm_y = gram_matrix(ft_y)
            style_loss += mse_loss(gm_y, gm_s[:n_batch, :, :])
        style_loss *= style_weight

        total_loss = content_loss + style_loss
        total_loss.backward()
        optimizer.step()

        agg_content_loss += content_loss.item()
        agg_style_loss += style_loss.item()
        print("Epoch {}:\t[{}/{}]\tcontent: {:.4f}\tstyle: {:.4f}\ttotal: {:.4f}".format(
            e + 1, count, len(images), agg_content_loss / (batch_id + 1), agg_style_loss / (batch_id + 1),
            (agg_content_loss + agg_style_loss) / (batch_id + 1)))

print(transformer.in1.weight.grad is not None, vgg.slice1[0].weight.grad)
print(transformer.in1, transformer.in1.running_mean, transformer.in1.track_running_stats)

# --- save, reload as stylize() does, and run in eval mode ----------------------------------------------------
tmp = tempfile.mkdtemp()
save_model_path = os.path.join(tmp, "epoch_2.model")
transformer.eval()
torch.save(transformer.state_dict(), save_model_path)
state_dict = torch.load(save_model_path)
# remove saved deprecated running_* keys in InstanceNorm from the checkpoint
for k in list(state_dict.keys()):
    if re.search(r'in\d+\.running_(mean|var)$', k):
        del state_dict[k]
print(len(state_dict), list(state_dict)[:4])
style_model = TransformerNet()
style_model.load_state_dict(state_dict)
style_model.eval()
with torch.no_grad():
    output = style_model(images[:1]).cpu()
img = output[0].clone().clamp(0, 255).numpy()
img = img.transpose(1, 2, 0).astype("uint8")
print(output.shape, img.shape, img.dtype, img[0, :4].tolist())

inorm = nn.InstanceNorm2d(3, affine=True, track_running_stats=True)
z = torch.randn(2, 3, 5, 5) * 3 + 1
o = inorm(z)
print(inorm, inorm.running_mean.round(decimals=4), inorm.num_batches_tracked)
print(o.mean(dim=(2, 3)).abs().max() < 1e-5, o.var(dim=(2, 3), unbiased=False).round(decimals=3))
inorm.eval()
print(inorm(z)[0, 0, 0].round(decimals=4))
print(nn.ReflectionPad2d((1, 2, 0, 1))(torch.arange(6.).view(1, 1, 2, 3)))
print(F.interpolate(torch.arange(4.).view(1, 1, 2, 2), scale_factor=2, mode="nearest"))
