"""FGSM and PGD adversarial attacks on a small trained classifier: input.grad, sign, clamp, accuracy under attack."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
device = "cpu"

# synthetic "images" in [0, 1]: class decides which quadrant is bright
N = 256
X = torch.rand(N, 1, 8, 8) * 0.5
y = torch.randint(0, 4, (N,))
for c in range(4):
    r, q = divmod(c, 2)
    X[y == c, :, r * 4:(r + 1) * 4, q * 4:(q + 1) * 4] += 0.5
X = X.clamp(0, 1)
train_loader = DataLoader(TensorDataset(X[:192], y[:192]), batch_size=32, shuffle=True)
test_loader = DataLoader(TensorDataset(X[192:], y[192:]), batch_size=64)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
        self.fc = nn.Linear(16 * 2 * 2, 4)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc(x.flatten(1))


model = Net().to(device)
print(model)
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
for epoch in range(4):
    model.train()
    total = 0.0
    for data, target in train_loader:
        opt.zero_grad()
        loss = F.cross_entropy(model(data), target)
        loss.backward()
        opt.step()
        total += loss.item() * data.size(0)
    print(f"epoch {epoch} loss {total / 192:.4f}")


def fgsm_attack(image, epsilon, data_grad):
    sign_data_grad = data_grad.sign()
    perturbed_image = image + epsilon * sign_data_grad
    perturbed_image = torch.clamp(perturbed_image, 0, 1)
    return perturbed_image


def pgd_attack(model, images, labels, eps=0.3, alpha=2 / 255 * 10, iters=5):
    ori_images = images.data
    images = images.clone().detach()
    for i in range(iters):
        images.requires_grad = True
        outputs = model(images)
        model.zero_grad()
        cost = nn.CrossEntropyLoss()(outputs, labels)
        cost.backward()
        adv_images = images + alpha * images.grad.sign()
        eta = torch.clamp(adv_images - ori_images, min=-eps, max=eps)
        images = torch.clamp(ori_images + eta, min=0, max=1).detach_()
    return images


def test(model, loader, epsilon):
    correct = 0
    adv_examples = []
    model.eval()
    for data, target in loader:
        data.requires_grad_()
        output = model(data)
        init_pred = output.max(1, keepdim=True)[1]
        loss = F.nll_loss(F.log_softmax(output, dim=1), target)
        model.zero_grad()
        loss.backward()
        data_grad = data.grad.data
        perturbed = fgsm_attack(data, epsilon, data_grad)
        output = model(perturbed)
        final_pred = output.max(1, keepdim=True)[1]
        correct += final_pred.eq(target.view_as(final_pred)).sum().item()
        if len(adv_examples) < 2:
            flips = (final_pred.squeeze(1) != init_pred.squeeze(1)).nonzero()
            if flips.numel() > 0:
                i = flips[0, 0].item()
                adv_examples.append((init_pred[i].item(), final_pred[i].item(),
                                     perturbed[i].squeeze().detach().cpu().numpy().shape))
    final_acc = correct / float(len(loader.dataset))
    print(f"Epsilon: {epsilon}\tTest Accuracy = {correct} / {len(loader.dataset)} = {final_acc:.4f}")
    return final_acc, adv_examples


accuracies = []
examples = []
for eps in [0, 0.05, 0.1, 0.2, 0.3]:
    acc, ex = test(model, test_loader, eps)
    accuracies.append(acc)
    examples.append(ex)
print("first adversarial examples:", examples[2])

correct_clean = correct_adv = 0
with torch.no_grad():
    for data, target in test_loader:
        correct_clean += (model(data).argmax(1) == target).sum().item()
for data, target in test_loader:
    adv = pgd_attack(model, data, target, eps=0.2)
    with torch.no_grad():
        pred = model(adv).argmax(dim=1)
        correct_adv += (pred == target).sum().item()
        linf = (adv - data).abs().amax(dim=(1, 2, 3))
print(f"clean acc {correct_clean / 64:.4f}  PGD acc {correct_adv / 64:.4f}")
print("max perturbation", round(linf.max().item(), 4), "min pixel", adv.min().item() >= 0, "max pixel", adv.max().item() <= 1)
print(adv.dtype, adv.requires_grad, adv.grad_fn, adv.is_leaf)

# adversarial training step with a perturbation tensor as the leaf
delta = torch.zeros_like(X[:32], requires_grad=True)
loss = F.cross_entropy(model(X[:32] + delta), y[:32])
grad, = torch.autograd.grad(loss, [delta])
delta = (0.1 * grad.sign()).clamp_(-0.1, 0.1)
print("delta", delta.shape, delta.abs().max().item(), grad.abs().sum().item() > 0)
model.train()
opt.zero_grad()
adv_loss = F.cross_entropy(model((X[:32] + delta).clamp(0, 1)), y[:32])
adv_loss.backward()
opt.step()
print(f"adv training loss {adv_loss.item():.4f}", adv_loss.grad_fn.name())
