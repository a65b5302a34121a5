"""A 2018-era MNIST-style CNN script (pytorch/examples and course assignments of that time), on
synthetic digits: Variable wrappers, the `if use_cuda: model.cuda()` guard, legacy init functions
without the trailing underscore (nn.init.xavier_uniform, nn.init.constant, nn.init.normal,
nn.init.kaiming_normal), F.sigmoid/F.tanh, F.upsample/F.upsample_bilinear/upsample_nearest,
implicit-dim softmax, clip_grad_norm, volatile evaluation and the deprecation warnings these print."""
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.autograd import Variable

torch.manual_seed(7)
use_cuda = torch.cuda.is_available()
records = []


def note(ws):
    for w in ws:
        line = "{}: {}".format(w.category.__name__, str(w.message))
        if line not in records:
            records.append(line)
            print("  warn", line)


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 4, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(4, 8, kernel_size=3)
        self.conv2_drop = nn.Dropout2d()
        self.fc1 = nn.Linear(8 * 3 * 3, 16)
        self.fc2 = nn.Linear(16, 3)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal(m.weight)
                nn.init.constant(m.bias, 0.1)
            elif isinstance(m, nn.Linear):
                nn.init.xavier_uniform(m.weight, gain=nn.init.calculate_gain("relu"))
                nn.init.normal(m.bias, std=0.01)

    def forward(self, x):
        x = F.relu(F.max_pool2d(self.conv1(x), 2))
        x = F.relu(F.max_pool2d(self.conv2_drop(self.conv2(x)), 1))
        x = x.view(-1, 8 * 3 * 3)
        x = F.tanh(self.fc1(x))
        x = F.dropout(x, training=self.training)
        return F.log_softmax(self.fc2(x))


def make_digits(n):
    imgs = torch.zeros(n, 1, 10, 10)
    labels = torch.LongTensor(n).random_(0, 3)
    for i in range(n):
        k = labels[i].item()
        if k == 0:
            imgs[i, 0, 2:8, 4:6] = 1
        elif k == 1:
            imgs[i, 0, 4:6, 2:8] = 1
        else:
            imgs[i, 0, 2:8, 2:8] = 0.5
    imgs += 0.1 * torch.randn(imgs.size())
    return imgs, labels


with warnings.catch_warnings(record=True) as ws:
    warnings.simplefilter("always")
    model = Net()
note(ws)
if use_cuda:
    model.cuda()
print(model)
print("params:", sum(p.numel() for p in model.parameters()))
print("conv1 bias", model.conv1.bias.data, "fc2 |w| %.3f" % model.fc2.weight.data.abs().mean())

optimizer = optim.SGD(model.parameters(), lr=0.05, momentum=0.5)
train_x, train_y = make_digits(48)
test_x, test_y = make_digits(24)

for epoch in range(1, 4):
    model.train()
    for batch_idx in range(3):
        data = train_x[batch_idx * 16:(batch_idx + 1) * 16]
        target = train_y[batch_idx * 16:(batch_idx + 1) * 16]
        if use_cuda:
            data, target = data.cuda(), target.cuda()
        data, target = Variable(data), Variable(target)
        optimizer.zero_grad()
        with warnings.catch_warnings(record=True) as ws:
            warnings.simplefilter("always")
            output = model(data)
            loss = F.nll_loss(output, target)
            loss.backward()
            total = nn.utils.clip_grad_norm(model.parameters(), 5.0)
        note(ws)
        optimizer.step()
        if batch_idx % 2 == 0:
            print("Train Epoch: {} [{}/{} ({:.0f}%)]\tLoss: {:.4f}\tgrad norm: {}".format(
                epoch, batch_idx * len(data), len(train_x), 100. * batch_idx / 3, loss.item(),
                type(total).__name__))
    model.eval()
    test_loss, correct = 0, 0
    with warnings.catch_warnings(record=True) as ws:
        warnings.simplefilter("always")
        data, target = Variable(test_x, volatile=True), Variable(test_y)
        output = model(data)
        test_loss += F.nll_loss(output, target, size_average=False).item()
        pred = output.data.max(1, keepdim=True)[1]
        correct += pred.eq(target.data.view_as(pred)).long().cpu().sum()
    note(ws)
    test_loss /= len(test_x)
    print("Test set: Average loss: {:.4f}, Accuracy: {}/{} ({:.0f}%)".format(
        test_loss, correct, len(test_x), 100. * correct / len(test_x)))

# activations and upsampling through the deprecated functional names
x = Variable(torch.linspace(-2, 2, 8).view(1, 1, 2, 4))
with warnings.catch_warnings(record=True) as ws:
    warnings.simplefilter("always")
    print(F.sigmoid(x).data.view(-1)[:3], F.tanh(x).data.view(-1)[-3:])
    print(F.upsample(x, scale_factor=2, mode="nearest").size(), F.upsample_nearest(x, size=(4, 8)).sum().item())
    up = F.upsample_bilinear(x, scale_factor=2)
    print(up.size(), torch.round(up[0, 0, :, :3] * 1000))
    up2 = F.upsample(x, size=(3, 5), mode="bilinear")
    print(torch.round(up2 * 1000))
    print(F.softmax(torch.Tensor([[1, 2, 3]])), F.log_softmax(torch.Tensor([1, 2])), F.softmin(torch.Tensor([[0, 1]])))
    print(nn.Softmax()(torch.Tensor([[1, 1]])), torch.sigmoid(torch.Tensor([0])), torch.tanh(torch.Tensor([0])))
    u = nn.Upsample(scale_factor=2, mode="bilinear")
    print(u, torch.round(u(x)[0, 0, 0] * 1000))
    w = torch.empty(3, 5)
    nn.init.uniform(w, -1, 1)
    nn.init.xavier_normal(w)
    nn.init.kaiming_uniform(w, mode="fan_out")
    nn.init.orthogonal(w)
    nn.init.sparse(w, 0.4)
    nn.init.eye_(w)
    nn.init.dirac_(torch.empty(2, 2, 3))
    print(w)
note(ws)
