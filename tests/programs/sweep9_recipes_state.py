"""PyTorch recipes: defining a network, what is a state_dict, saving/loading a general checkpoint,
warmstarting a model from a different model, and zeroing out gradients."""
import io
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

torch.manual_seed(1)


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, 1)
        self.conv2 = nn.Conv2d(4, 8, 3, 1)
        self.dropout1 = nn.Dropout2d(0.25)
        self.dropout2 = nn.Dropout(0.5)
        self.fc1 = nn.Linear(8 * 4 * 4, 32)
        self.fc2 = nn.Linear(32, 10)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        x = F.max_pool2d(x, 2)
        x = self.dropout1(x)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = self.dropout2(x)
        return F.log_softmax(self.fc2(x), dim=1)


my_nn = Net()
print(my_nn)
random_data = torch.rand((1, 1, 12, 12))
result = my_nn(random_data)
print(result.shape, type(result.grad_fn).__name__)
print(torch.exp(result).sum().item() > 0.999)

# ---- what is a state_dict -----------------------------------------------------------------------
optimizer = optim.SGD(my_nn.parameters(), lr=0.001, momentum=0.9)
print("Model's state_dict:")
for param_tensor in my_nn.state_dict():
    print(param_tensor, "\t", my_nn.state_dict()[param_tensor].size())
print("Optimizer's state_dict:")
for var_name in optimizer.state_dict():
    print(var_name, "\t", optimizer.state_dict()[var_name])

# ---- zeroing out gradients ---------------------------------------------------------------------
X = torch.rand(16, 1, 12, 12)
y = torch.randint(0, 10, (16,))
criterion = nn.NLLLoss()
for epoch in range(3):
    running_loss = 0.0
    for i in range(4):
        inputs, labels = X[i * 4:(i + 1) * 4], y[i * 4:(i + 1) * 4]
        optimizer.zero_grad()
        loss = criterion(my_nn(inputs), labels)
        loss.backward()
        optimizer.step()
        running_loss += loss.item()
    print(f"[{epoch + 1}] loss: {running_loss / 4:.4f}")
print(my_nn.fc2.bias.grad is None)
optimizer.zero_grad(set_to_none=False)
print(my_nn.fc2.bias.grad)
optimizer.zero_grad()
print(my_nn.fc2.bias.grad)
print(optimizer.state_dict()["state"][0]["momentum_buffer"].shape)

# ---- saving & loading a general checkpoint ---------------------------------------------------------
buf = io.BytesIO()
torch.save({"epoch": 3, "model_state_dict": my_nn.state_dict(), "optimizer_state_dict": optimizer.state_dict(),
            "loss": loss}, buf)
buf.seek(0)
model = Net()
opt2 = optim.SGD(model.parameters(), lr=0.5)
checkpoint = torch.load(buf, weights_only=True)
print(sorted(checkpoint.keys()), checkpoint["epoch"], type(checkpoint["loss"]).__name__)
print(model.load_state_dict(checkpoint["model_state_dict"]))
opt2.load_state_dict(checkpoint["optimizer_state_dict"])
print(opt2.param_groups[0]["lr"], opt2.param_groups[0]["momentum"], len(opt2.state))
print(checkpoint["loss"])
model.eval()
print(torch.equal(model(random_data), my_nn.eval()(random_data)))
print(model.training, model.fc1.training)

# ---- warmstarting model using parameters from a different model -----------------------------------
class NetB(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, 1)
        self.conv2 = nn.Conv2d(4, 8, 3, 1)
        self.fc1 = nn.Linear(8 * 4 * 4, 32)
        self.head = nn.Linear(32, 3)
        self.register_buffer("scale", torch.ones(3))

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv2(F.relu(self.conv1(x)))), 2)
        return self.head(F.relu(self.fc1(torch.flatten(x, 1)))) * self.scale


netB = NetB()
buf = io.BytesIO()
torch.save(my_nn.state_dict(), buf)
buf.seek(0)
res = netB.load_state_dict(torch.load(buf), strict=False)
print(res)
print(res.missing_keys, res.unexpected_keys)
print(torch.equal(netB.conv1.weight, my_nn.conv1.weight), torch.equal(netB.fc1.bias, my_nn.fc1.bias))
try:
    netB.load_state_dict(my_nn.state_dict())
except RuntimeError as e:
    print(str(e))
bad = dict(my_nn.state_dict())
bad["fc1.weight"] = torch.zeros(5, 5)
try:
    netB.load_state_dict(bad, strict=False)
except RuntimeError as e:
    print(str(e))
# rename keys to load into another layout
renamed = {k.replace("fc2", "head"): v for k, v in my_nn.state_dict().items()}
renamed = {k: v for k, v in renamed.items() if not k.startswith("head")}
print(netB.load_state_dict(renamed, strict=False))
out = netB(random_data)
print(out.shape, out.grad_fn.name())
sd = netB.state_dict()
print(list(sd.keys()))
print(sd["scale"], sd._metadata[""], sd._metadata["conv1"])
print(sum(p.numel() for p in netB.parameters() if p.requires_grad))
