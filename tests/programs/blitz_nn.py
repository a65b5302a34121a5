"""The 60-minute blitz, "Neural Networks": a LeNet-style Net, its parameters, backward with an
explicit gradient, MSELoss, walking the autograd graph backwards, and the update rule by hand and
with torch.optim."""
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

torch.manual_seed(0)


class Net(nn.Module):

    def __init__(self):
        super(Net, self).__init__()
        # 1 input image channel, 6 output channels, 5x5 square convolution kernel
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        # an affine operation: y = Wx + b
        self.fc1 = nn.Linear(16 * 5 * 5, 120)  # 5*5 from image dimension
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, input):
        # Convolution layer C1: 1 input image channel, 6 output channels, 5x5 kernel, RELU
        c1 = F.relu(self.conv1(input))
        # Subsampling layer S2: 2x2 grid, purely functional
        s2 = F.max_pool2d(c1, (2, 2))
        c3 = F.relu(self.conv2(s2))
        # a square window can be given as a single number
        s4 = F.max_pool2d(c3, 2)
        s4 = torch.flatten(s4, 1)
        f5 = F.relu(self.fc1(s4))
        f6 = F.relu(self.fc2(f5))
        output = self.fc3(f6)
        return output


net = Net()
print(net)

params = list(net.parameters())
print(len(params))
print(params[0].size())  # conv1's .weight
print([tuple(p.size()) for p in params])
print(sum(p.numel() for p in params))
print(net.conv1.bias)
print(net.fc3.bias.is_leaf, net.fc3.bias.grad_fn, net.fc3.bias.requires_grad)

input = torch.randn(1, 1, 32, 32)
out = net(input)
print(out)

net.zero_grad()
out.backward(torch.randn(1, 10))
print(net.conv1.bias.grad)
print(net.fc3.weight.grad.shape, f"{net.fc3.weight.grad.abs().sum().item():.4f}")

# Loss function
output = net(input)
target = torch.randn(10)  # a dummy target, for example
target = target.view(1, -1)  # make it the same shape as output
criterion = nn.MSELoss()

loss = criterion(output, target)
print(loss)

print(type(loss.grad_fn).__name__, loss.grad_fn.name(), output.is_leaf, output.requires_grad)  # MSELoss
print(type(loss.grad_fn.next_functions[0][0]).__name__)  # Linear
print(type(loss.grad_fn.next_functions[0][0].next_functions[0][0]).__name__)  # ReLU
print([type(f).__name__ if f is not None else None for f, _ in loss.grad_fn.next_functions])

# walk the chain back to the input, following the activations (not the weights' AccumulateGrad)
fn, names = loss.grad_fn, []
while fn is not None:
    names.append(type(fn).__name__)
    print(f"{names[-1]:>34}:", [(type(f).__name__ if f is not None else None, i) for f, i in fn.next_functions])
    nxt = [f for f, _ in fn.next_functions
           if f is not None and type(f).__name__ not in ("AccumulateGrad", "TBackward0")]
    fn = nxt[0] if nxt else None
print(" <- ".join(names))

# count the AccumulateGrad leaves reachable from the loss
seen, stack, leaves = set(), [loss.grad_fn], []
while stack:
    fn = stack.pop()
    if fn is None or id(fn) in seen:
        continue
    seen.add(id(fn))
    if type(fn).__name__ == "AccumulateGrad":
        leaves.append(tuple(fn.variable.shape))
    stack.extend(f for f, _ in fn.next_functions)
print(len(leaves), sorted(leaves))

# Backprop
net.zero_grad()  # zeroes the gradient buffers of all parameters
print('conv1.bias.grad before backward')
print(net.conv1.bias.grad)
loss.backward()
print('conv1.bias.grad after backward')
print(net.conv1.bias.grad)

# Update the weights by hand: weight = weight - learning_rate * gradient
learning_rate = 0.01
before = net.conv1.weight.detach().clone()
for f in net.parameters():
    f.data.sub_(f.grad.data * learning_rate)
print(torch.allclose(net.conv1.weight, before - learning_rate * net.conv1.weight.grad))
print(f"{criterion(net(input), target).item():.4f}")

# with torch.optim
optimizer = optim.SGD(net.parameters(), lr=0.01)
for step in range(5):
    optimizer.zero_grad()  # zero the gradient buffers
    output = net(input)
    loss = criterion(output, target)
    loss.backward()
    optimizer.step()  # Does the update
    print(step, f"{loss.item():.4f}", net.conv1.bias.grad is not None)
print(net(input))

# a mini-batch: nn.Conv2d takes nSamples x nChannels x Height x Width; unsqueeze(0) adds a fake batch
single = torch.randn(1, 32, 32)
print(net(single.unsqueeze(0)).shape)
batch = torch.randn(4, 1, 32, 32)
targets = torch.randn(4, 10)
optimizer = optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
for step in range(10):
    optimizer.zero_grad()
    loss = criterion(net(batch), targets)
    loss.backward()
    optimizer.step()
    if step % 3 == 0:
        print(step, f"{loss.item():.4f}")
print(optimizer.state[net.fc3.bias]["momentum_buffer"])
print({k: type(v).__name__ for k, v in net.state_dict().items()})
