"""Feature extraction and Grad-CAM: forward / full backward hooks, autograd.grad of a class score, CAM upsampling."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(5)


class SmallCNN(nn.Module):
    def __init__(self, num_classes=3):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(inplace=True),
            nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(inplace=True),
            nn.Conv2d(16, 16, 3, padding=1), nn.ReLU(),
        )
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(16, num_classes)

    def forward(self, x):
        x = self.features(x)
        x = self.avgpool(x)
        x = torch.flatten(x, 1)
        return self.fc(x)


model = SmallCNN()
x = torch.randn(8, 3, 16, 16)
y = torch.randint(0, 3, (8,))
x[y == 1, :, :8, :8] += 2.0
x[y == 2, :, 8:, 8:] += 2.0
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
for it in range(15):
    opt.zero_grad()
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    opt.step()
print(f"train loss {loss.item():.4f}")
model.eval()

# 1. feature extraction with forward hooks
activation = {}


def get_activation(name):
    def hook(model, input, output):
        activation[name] = output.detach()
    return hook


handles = [model.features[2].register_forward_hook(get_activation("relu1")),
           model.features[7].register_forward_hook(get_activation("conv3_out")),
           model.avgpool.register_forward_hook(get_activation("pool"))]
with torch.no_grad():
    out = model(x[:2])
for k, v in activation.items():
    print(k, tuple(v.shape), v.requires_grad)
for h in handles:
    h.remove()
print("hooks left", len(model.features[2]._forward_hooks), len(model._forward_hooks))


# 2. Grad-CAM with a forward hook and a full backward hook
class GradCAM:
    def __init__(self, model, target_layer):
        self.model = model
        self.gradients = None
        self.activations = None
        self.h1 = target_layer.register_forward_hook(self.save_activation)
        self.h2 = target_layer.register_full_backward_hook(self.save_gradient)

    def save_activation(self, module, input, output):
        self.activations = output

    def save_gradient(self, module, grad_input, grad_output):
        self.gradients = grad_output[0]

    def __call__(self, x, class_idx=None):
        logits = self.model(x)
        if class_idx is None:
            class_idx = logits.argmax(dim=1)
        self.model.zero_grad()
        score = logits.gather(1, class_idx.view(-1, 1)).sum()
        score.backward()
        weights = self.gradients.mean(dim=(2, 3), keepdim=True)
        cam = F.relu((weights * self.activations).sum(dim=1, keepdim=True))
        cam = F.interpolate(cam, size=x.shape[-2:], mode="bilinear", align_corners=False)
        b = cam.shape[0]
        flat = cam.view(b, -1)
        cam_min = flat.min(dim=1, keepdim=True)[0]
        cam_max = flat.max(dim=1, keepdim=True)[0]
        cam = ((flat - cam_min) / (cam_max - cam_min + 1e-8)).view_as(cam)
        return cam.detach(), class_idx

    def remove(self):
        self.h1.remove()
        self.h2.remove()


cam_layer = model.features[7]
gc = GradCAM(model, cam_layer)
cams, cls = gc(x[:4].clone().requires_grad_(True))
print("cam", tuple(cams.shape), cams.dtype, "classes", cls.tolist())
print("gradients", tuple(gc.gradients.shape), "activations", tuple(gc.activations.shape))
print("cam range", round(cams.min().item(), 4), round(cams.max().item(), 4))
quad = cams[:, 0].unfold(1, 8, 8).unfold(2, 8, 8).mean(dim=(-1, -2))
print("hottest quadrant", quad.flatten(1).argmax(1).tolist())
gc.remove()
print(cam_layer._forward_hooks, cam_layer._backward_hooks)

# 3. the same with torch.autograd.grad instead of hooks (no .grad left on parameters)
feats = model.features(x[:4])
logits = model.fc(torch.flatten(model.avgpool(feats), 1))
score = logits[torch.arange(4), cls].sum()
grads, = torch.autograd.grad(score, feats)
alpha = F.adaptive_avg_pool2d(grads, 1)
cam2 = F.relu((alpha * feats).sum(1, keepdim=True))
cam2 = F.interpolate(cam2, scale_factor=2, mode="bilinear", align_corners=False)
cam2 = cam2 / (cam2.amax(dim=(2, 3), keepdim=True) + 1e-8)
print("autograd.grad cam", tuple(cam2.shape), cam2.requires_grad, cam2.grad_fn.name())
print("same map", torch.allclose(cam2.detach(), cams, atol=1e-5), model.fc.weight.grad is None)

# 4. saliency map: gradient of the score w.r.t. the input pixels
img = x[:1].clone().requires_grad_()
s = model(img)[0, cls[0]]
s.backward()
saliency, _ = img.grad.data.abs().max(dim=1)
print("saliency", tuple(saliency.shape), f"{saliency.sum().item() / saliency.numel() > 0}")

# 5. backward hooks see grad_input / grad_output of a plain module
seen = []
relu = model.features[8]
h = relu.register_full_backward_hook(lambda m, gi, go: seen.append((type(m).__name__, len(gi), len(go), tuple(go[0].shape))))
hp = relu.register_full_backward_pre_hook(lambda m, go: seen.append(("pre", len(go))))
model(x[:2]).sum().backward()
print(seen)
h.remove()
hp.remove()
with torch.no_grad():
    up = F.interpolate(torch.arange(16.).view(1, 1, 4, 4), size=(6, 6), mode="bilinear", align_corners=False)
    print(up[0, 0, :2])
    print(F.interpolate(torch.arange(4.).view(1, 1, 2, 2), scale_factor=2, mode="nearest")[0, 0])
