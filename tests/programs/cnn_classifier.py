"""A small CNN on random images: Conv2d, BatchNorm2d, MaxPool2d, Dropout, Adam, StepLR, checkpoints."""
import io
import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.optim.lr_scheduler import StepLR
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(1)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")


class Net(nn.Module):
    def __init__(self, num_classes=4):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.conv2 = nn.Conv2d(8, 16, kernel_size=3, stride=1)
        self.pool = nn.MaxPool2d(2, 2)
        self.dropout1 = nn.Dropout(0.25)
        self.dropout2 = nn.Dropout2d(0.1)
        self.fc1 = nn.Linear(16 * 3 * 3, 32)
        self.fc2 = nn.Linear(32, num_classes)

    def forward(self, x):
        x = self.pool(F.relu(self.bn1(self.conv1(x))))
        x = self.dropout2(x)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = self.dropout1(x)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = self.fc2(x)
        return F.log_softmax(x, dim=1)


images = torch.randn(96, 3, 16, 16)
labels = torch.randint(0, 4, (96,))
images[labels == 1, 0] += 1.0
images[labels == 2, 1] -= 1.0
images[labels == 3, :, :8] += 0.5
train_ds = TensorDataset(images[:64], labels[:64])
test_ds = TensorDataset(images[64:], labels[64:])
train_loader = DataLoader(train_ds, batch_size=16, shuffle=True)
test_loader = DataLoader(test_ds, batch_size=16, shuffle=False)

model = Net().to(device)
print(model)
n_params = sum(p.numel() for p in model.parameters() if p.requires_grad)
print(f"trainable parameters: {n_params:,}")
optimizer = optim.Adam(model.parameters(), lr=1e-2, weight_decay=1e-4)
scheduler = StepLR(optimizer, step_size=2, gamma=0.5)


def train(model, device, train_loader, optimizer, epoch):
    model.train()
    for batch_idx, (data, target) in enumerate(train_loader):
        data, target = data.to(device), target.to(device)
        optimizer.zero_grad()
        output = model(data)
        loss = F.nll_loss(output, target)
        loss.backward()
        optimizer.step()
        if batch_idx % 2 == 0:
            print('Train Epoch: {} [{}/{} ({:.0f}%)]\tLoss: {:.4f}'.format(
                epoch, batch_idx * len(data), len(train_loader.dataset),
                100. * batch_idx / len(train_loader), loss.item()))


def test(model, device, test_loader):
    model.eval()
    test_loss = 0
    correct = 0
    with torch.no_grad():
        for data, target in test_loader:
            data, target = data.to(device), target.to(device)
            output = model(data)
            test_loss += F.nll_loss(output, target, reduction='sum').item()
            pred = output.argmax(dim=1, keepdim=True)
            correct += pred.eq(target.view_as(pred)).sum().item()
    test_loss /= len(test_loader.dataset)
    print('\nTest set: Average loss: {:.4f}, Accuracy: {}/{} ({:.0f}%)\n'.format(
        test_loss, correct, len(test_loader.dataset),
        100. * correct / len(test_loader.dataset)))


for epoch in range(1, 4):
    train(model, device, train_loader, optimizer, epoch)
    test(model, device, test_loader)
    scheduler.step()
    print("lr", scheduler.get_last_lr())

print(model.bn1.running_mean.shape, model.bn1.num_batches_tracked)
print(f"{model.bn1.running_var.mean().item():.4f}")

# the CIFAR-tutorial style loop: criterion + running loss + SGD momentum
criterion = nn.CrossEntropyLoss()
net = nn.Sequential(
    nn.Conv2d(3, 6, 5), nn.ReLU(), nn.MaxPool2d(2, 2),
    nn.Conv2d(6, 16, 3), nn.ReLU(), nn.AdaptiveAvgPool2d((1, 1)),
    nn.Flatten(), nn.Linear(16, 4))
sgd = optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
for epoch in range(2):
    running_loss = 0.0
    for i, data in enumerate(train_loader, 0):
        inputs, lbls = data
        sgd.zero_grad()
        outputs = net(inputs)
        loss = criterion(outputs, lbls)
        loss.backward()
        sgd.step()
        running_loss += loss.item()
        if i % 2 == 1:
            print(f'[{epoch + 1}, {i + 1:5d}] loss: {running_loss / 2:.3f}')
            running_loss = 0.0

correct_pred = {c: 0 for c in range(4)}
total_pred = {c: 0 for c in range(4)}
with torch.no_grad():
    for data in test_loader:
        inputs, lbls = data
        outputs = net(inputs)
        _, predictions = torch.max(outputs, 1)
        for label, prediction in zip(lbls, predictions):
            if label == prediction:
                correct_pred[label.item()] += 1
            total_pred[label.item()] += 1
for c, n in correct_pred.items():
    print(f'Accuracy for class: {c} is {100 * float(n) / max(total_pred[c], 1):.1f} %')

# checkpoint: model + optimizer + scheduler, reload and continue
with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, "ckpt.pt")
    torch.save({"epoch": 3, "model_state_dict": model.state_dict(),
                "optimizer_state_dict": optimizer.state_dict(),
                "scheduler": scheduler.state_dict(), "loss": 0.5}, path)
    ckpt = torch.load(path)
    model2 = Net()
    model2.load_state_dict(ckpt["model_state_dict"])
    opt2 = optim.Adam(model2.parameters(), lr=1e-2)
    opt2.load_state_dict(ckpt["optimizer_state_dict"])
    sch2 = StepLR(opt2, step_size=2, gamma=0.5)
    sch2.load_state_dict(ckpt["scheduler"])
    print(ckpt["epoch"], ckpt["loss"], sch2.get_last_lr(), opt2.param_groups[0]["lr"])
    print(opt2.state_dict()["state"][0]["step"], sorted(opt2.state_dict()["param_groups"][0].keys()))
    model2.eval()
    model.eval()
    x = images[:4]
    print(torch.allclose(model(x), model2(x)))
    buf = io.BytesIO()
    torch.save(model, buf)
    buf.seek(0)
    m3 = torch.load(buf, weights_only=False)
    print(type(m3).__name__, torch.equal(m3.fc2.weight, model.fc2.weight))

# inference on one image
model.eval()
with torch.no_grad():
    img = images[0].unsqueeze(0)
    probs = torch.exp(model(img))
    conf, cls = probs.max(1)
    print(f"class {cls.item()} with confidence {conf.item():.3f}")
    print(probs.sum(dim=1).round(decimals=4))
