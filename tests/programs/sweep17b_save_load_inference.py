"""In the style of the "Save and Load the Model" page and the "Saving and loading a general checkpoint"
recipe: state_dict round trips, whole-model pickling with weights_only=False, a checkpoint dict with
the optimizer state, strict=False loading with its missing and unexpected keys, the size-mismatch
error, map_location, and inference in eval mode matching before and after."""
import io
import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

torch.manual_seed(0)


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.bn = nn.BatchNorm2d(16)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)
        self.drop = nn.Dropout(0.3)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.bn(self.conv2(x))))
        x = x.view(-1, 16 * 5 * 5)
        x = F.relu(self.fc1(x))
        x = self.drop(F.relu(self.fc2(x)))
        x = self.fc3(x)
        return x


net = Net()
print(net)
optimizer = optim.SGD(net.parameters(), lr=0.001, momentum=0.9)
print("Optimizer's state_dict:")
for var_name in optimizer.state_dict():
    print(var_name, "\t", optimizer.state_dict()[var_name])
x = torch.randn(8, 3, 32, 32)
y = torch.randint(0, 10, (8,))
for step in range(3):
    optimizer.zero_grad()
    loss = F.cross_entropy(net(x), y)
    loss.backward()
    optimizer.step()
    print(step, f"{loss.item():.4f}")

print("Model's state_dict:")
for param_tensor in net.state_dict():
    print(param_tensor, "\t", net.state_dict()[param_tensor].size())
sd = optimizer.state_dict()
print(sd['param_groups'])
print(sd['state'][11]['momentum_buffer'].round(decimals=3))
print(sorted(sd['state'].keys()), list(sd['state'][0].keys()), sd['state'][0]['momentum_buffer'].shape)

net.eval()
with torch.no_grad():
    ref = net(x)
print(ref.argmax(1))

with tempfile.TemporaryDirectory() as tmp:
    PATH = os.path.join(tmp, 'model_weights.pth')
    torch.save(net.state_dict(), PATH)
    model = Net()
    result = model.load_state_dict(torch.load(PATH, weights_only=True))
    print(result)
    print(type(result).__name__, result.missing_keys, result.unexpected_keys)
    model.eval()
    with torch.no_grad():
        out = model(x)
    print(torch.equal(out, ref))
    model.train()
    with torch.no_grad():
        out_train = model(x)
    print(torch.equal(out_train, ref))

    PATH = os.path.join(tmp, 'model.pth')
    torch.save(net, PATH)
    model = torch.load(PATH, weights_only=False)
    print(type(model).__name__, model.training)
    with torch.no_grad():
        print(torch.equal(model(x), ref))
    try:
        torch.load(PATH, weights_only=True)
    except Exception as e:
        print(type(e).__name__, str(e).splitlines()[0])

    EPOCH = 5
    PATH = os.path.join(tmp, 'model.pt')
    LOSS = 0.4
    torch.save({
        'epoch': EPOCH,
        'model_state_dict': net.state_dict(),
        'optimizer_state_dict': optimizer.state_dict(),
        'loss': LOSS,
    }, PATH)
    model = Net()
    optimizer2 = optim.SGD(model.parameters(), lr=0.5, momentum=0.1)
    checkpoint = torch.load(PATH, weights_only=True)
    print(sorted(checkpoint.keys()))
    model.load_state_dict(checkpoint['model_state_dict'])
    optimizer2.load_state_dict(checkpoint['optimizer_state_dict'])
    epoch = checkpoint['epoch']
    loss = checkpoint['loss']
    print(epoch, loss, optimizer2.param_groups[0]['lr'], optimizer2.param_groups[0]['momentum'])
    print(torch.equal(optimizer2.state[model.fc3.bias]['momentum_buffer'],
                      optimizer.state[net.fc3.bias]['momentum_buffer']))
    model.train()
    net.train()
    torch.manual_seed(5)
    optimizer2.zero_grad()
    l2 = F.cross_entropy(model(x), y)
    l2.backward()
    optimizer2.step()
    torch.manual_seed(5)
    optimizer.zero_grad()
    l1 = F.cross_entropy(net(x), y)
    l1.backward()
    optimizer.step()
    print(f"{l1.item():.4f} {l2.item():.4f}", torch.equal(model.fc1.weight, net.fc1.weight))

    PATH = os.path.join(tmp, 'ckpt_cpu.pt')
    torch.save(net.state_dict(), PATH)
    sd = torch.load(PATH, map_location=torch.device('cpu'), weights_only=True)
    print(sd['fc3.bias'].device, sd['bn.num_batches_tracked'])
    sd = torch.load(PATH, map_location='cpu')
    print(list(sd.keys())[:4])
    sd = torch.load(PATH, map_location=lambda storage, loc: storage)
    print(sd['conv1.weight'].shape)
    sd = torch.load(PATH, map_location={'cuda:0': 'cpu'})
    print(sd['fc2.bias'].dtype)


class NetB(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.head = nn.Linear(120, 2)


netB = NetB()
before = netB.fc1.weight.clone()
res = netB.load_state_dict(net.state_dict(), strict=False)
print(res.missing_keys)
print(res.unexpected_keys)
print(torch.equal(netB.fc1.weight, net.fc1.weight), torch.equal(before, netB.fc1.weight))
try:
    netB.load_state_dict(net.state_dict())
except RuntimeError as e:
    print(type(e).__name__, e)

small = nn.Linear(10, 3)
try:
    small.load_state_dict(nn.Linear(10, 4).state_dict())
except RuntimeError as e:
    print(type(e).__name__, e)
try:
    small.load_state_dict({'weight': torch.zeros(3, 10)})
except RuntimeError as e:
    print(type(e).__name__, e)
try:
    nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 3)).load_state_dict(
        nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 4)).state_dict(), strict=False)
except RuntimeError as e:
    print(type(e).__name__, e)

buf = io.BytesIO()
torch.save({'net': net.state_dict(), 'step': 3, 'names': ['a', 'b'], 't': torch.arange(4)}, buf)
buf.seek(0)
ck = torch.load(buf)
print(ck['step'], ck['names'], ck['t'], len(ck['net']))
print(ck['net']['bn.running_var'][:4].round(decimals=4))
print(net.bn.running_var[:4].round(decimals=4))

shared = torch.arange(10.)
buf = io.BytesIO()
torch.save([shared[:5], shared[5:], shared.view(2, 5)], buf)
buf.seek(0)
a, b, c = torch.load(buf)
a[0] = 100.
print(b, c[0, 0].item(), a.untyped_storage().data_ptr() == c.untyped_storage().data_ptr())

net.eval()
with torch.no_grad():
    p1 = F.softmax(net(x[:2]), dim=1)
    p2 = F.softmax(net(x[:2]), dim=1)
print(torch.equal(p1, p2), p1.argmax(1), [f"{v:.4f}" for v in p1[0].tolist()])
net.train()
with torch.no_grad():
    torch.manual_seed(1)
    d1 = net(x[:2])
    torch.manual_seed(2)
    d2 = net(x[:2])
print(torch.equal(d1, d2))
