"""In the style of the "Learn the Basics" Transforms, Build the Neural Network and Optimization pages:
a Lambda-like one-hot target transform with scatter_, a ToTensor-like image transform, the
NeuralNetwork of Flatten and Sequential, softmax and argmax predictions, named parameters, and the
train_loop/test_loop pair with the page's loss and accuracy formatting."""
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(0)


class Lambda:
    def __init__(self, lambd):
        self.lambd = lambd

    def __call__(self, x):
        return self.lambd(x)

    def __repr__(self):
        return "Lambda()"


class ToTensor:
    def __call__(self, pic):
        return torch.from_numpy(pic).unsqueeze(0).float().div(255)


target_transform = Lambda(lambda y: torch.zeros(10, dtype=torch.float).scatter_(0, torch.tensor(y), value=1))
print(target_transform(3))
print(target_transform(torch.tensor(9)))
print(torch.zeros(2, 10).scatter_(1, torch.tensor([[1], [8]]), 1.0))
print(torch.zeros(3, 5).scatter_(1, torch.tensor([[0, 1], [2, 3], [4, 0]]), torch.ones(3, 2), reduce='add'))
print(torch.nn.functional.one_hot(torch.tensor([0, 3, 9]), num_classes=10))


class FakeFashionMNIST(Dataset):
    def __init__(self, n, train, transform=None, target_transform=None):
        g = torch.Generator().manual_seed(0 if train else 1)
        self.targets = torch.randint(0, 10, (n,), generator=g)
        noise = torch.randint(0, 60, (n, 28, 28), generator=g)
        col = torch.arange(28)
        band = ((col[None, :] // 3) == self.targets[:, None]).to(torch.int64) * 180
        self.data = (noise + band[:, None, :]).to(torch.uint8)
        self.transform = transform
        self.target_transform = target_transform

    def __len__(self):
        return len(self.targets)

    def __getitem__(self, idx):
        img, label = self.data[idx].numpy(), int(self.targets[idx])
        if self.transform:
            img = self.transform(img)
        if self.target_transform:
            label = self.target_transform(label)
        return img, label


ds = FakeFashionMNIST(8, True, transform=ToTensor(), target_transform=target_transform)
img, label = ds[0]
print(img.shape, img.dtype, f"{img.max().item():.4f}", label)
print(ds.data.dtype, ds.data[0, 0, :12])

device = "cpu"
print(f"Using {device} device")


class NeuralNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(28 * 28, 512),
            nn.ReLU(),
            nn.Linear(512, 512),
            nn.ReLU(),
            nn.Linear(512, 10),
        )

    def forward(self, x):
        x = self.flatten(x)
        logits = self.linear_relu_stack(x)
        return logits


model = NeuralNetwork().to(device)
print(model)

X = torch.rand(1, 28, 28, device=device)
logits = model(X)
pred_probab = nn.Softmax(dim=1)(logits)
y_pred = pred_probab.argmax(1)
print(f"Predicted class: {y_pred}")
print(pred_probab.round(decimals=4))

input_image = torch.rand(3, 28, 28)
print(input_image.size())
flatten = nn.Flatten()
flat_image = flatten(input_image)
print(flat_image.size())
layer1 = nn.Linear(in_features=28 * 28, out_features=20)
hidden1 = layer1(flat_image)
print(hidden1.size())
print(f"Before ReLU: {hidden1.round(decimals=4)}\n\n")
hidden1 = nn.ReLU()(hidden1)
print(f"After ReLU: {hidden1.round(decimals=4)}")

seq_modules = nn.Sequential(
    flatten,
    layer1,
    nn.ReLU(),
    nn.Linear(20, 10)
)
input_image = torch.rand(3, 28, 28)
logits = seq_modules(input_image)
softmax = nn.Softmax(dim=1)
pred_probab = softmax(logits)
print(pred_probab.round(decimals=4))
print(pred_probab.sum(dim=1).round(decimals=4))
print(seq_modules)
print(seq_modules[1], len(seq_modules), seq_modules[-2:])

print(f"Model structure: {model}\n\n")
for name, param in model.named_parameters():
    print(f"Layer: {name} | Size: {param.size()} | Values : {param[:2].round(decimals=4)} \n")

learning_rate = 1e-3
batch_size = 64
epochs = 3

training_data = FakeFashionMNIST(640, True, transform=ToTensor())
test_data = FakeFashionMNIST(192, False, transform=ToTensor())
train_dataloader = DataLoader(training_data, batch_size=batch_size, shuffle=True,
                              generator=torch.Generator().manual_seed(3))
test_dataloader = DataLoader(test_data, batch_size=batch_size)
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)


def train_loop(dataloader, model, loss_fn, optimizer):
    size = len(dataloader.dataset)
    model.train()
    for batch, (X, y) in enumerate(dataloader):
        pred = model(X)
        loss = loss_fn(pred, y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        if batch % 2 == 0:
            loss, current = loss.item(), batch * batch_size + len(X)
            print(f"loss: {loss:>7f}  [{current:>5d}/{size:>5d}]")


def test_loop(dataloader, model, loss_fn):
    model.eval()
    size = len(dataloader.dataset)
    num_batches = len(dataloader)
    test_loss, correct = 0, 0
    with torch.no_grad():
        for X, y in dataloader:
            pred = model(X)
            test_loss += loss_fn(pred, y).item()
            correct += (pred.argmax(1) == y).type(torch.float).sum().item()
    test_loss /= num_batches
    correct /= size
    print(f"Test Error: \n Accuracy: {(100*correct):>0.1f}%, Avg loss: {test_loss:>8f} \n")


for t in range(epochs):
    print(f"Epoch {t+1}\n-------------------------------")
    train_loop(train_dataloader, model, loss_fn, optimizer)
    test_loop(test_dataloader, model, loss_fn)
optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
for t in range(2):
    print(f"Epoch {t+4} (lr=0.5)\n-------------------------------")
    train_loop(train_dataloader, model, loss_fn, optimizer)
    test_loop(test_dataloader, model, loss_fn)
print("Done!")
