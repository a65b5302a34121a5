"""A training-loop book's "StepByStep" class built up chapter by chapter, at toy size: a linear
regression done with NumPy gradient descent, then tensors, autograd, closures that build a train step
and a val step, a mini-batch helper, then a reusable StepByStep class (set_seed, to(device), train
with a seed, losses, predict, save/load checkpoints, forward hooks that capture layer outputs, gradient
hooks that clip, a learning-rate range test), used on a binary classifier with BCEWithLogitsLoss and a
small CNN with a StepLR scheduler."""
import io
import pickle
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.utils.data import DataLoader, TensorDataset, random_split

torch.set_printoptions(precision=4, sci_mode=False)

true_b, true_w, N = 1, 2, 100
np.random.seed(42)
x = np.random.rand(N, 1)
y = true_b + true_w * x + 0.1 * np.random.randn(N, 1)
idx = np.arange(N)
np.random.shuffle(idx)
train_idx, val_idx = idx[:80], idx[80:]
x_train, y_train = x[train_idx], y[train_idx]

# ---- gradient descent in NumPy ----
np.random.seed(42)
b, w = np.random.randn(1), np.random.randn(1)
for _ in range(100):
    yhat = b + w * x_train
    error = yhat - y_train
    b_grad, w_grad = 2 * error.mean(), 2 * (x_train * error).mean()
    b, w = b - 0.1 * b_grad, w - 0.1 * w_grad
print(np.round(b, 4), np.round(w, 4))

# ---- the same with tensors and autograd ----
device = "cuda" if torch.cuda.is_available() else "cpu"
x_train_tensor = torch.as_tensor(x_train).float().to(device)
y_train_tensor = torch.as_tensor(y_train).float().to(device)
print(type(x_train), type(x_train_tensor), x_train_tensor.type(), x_train_tensor.dtype)
torch.manual_seed(42)
b = torch.randn(1, requires_grad=True, dtype=torch.float, device=device)
w = torch.randn(1, requires_grad=True, dtype=torch.float, device=device)
print(b, w)
for epoch in range(100):
    yhat = b + w * x_train_tensor
    loss = ((yhat - y_train_tensor) ** 2).mean()
    loss.backward()
    if epoch == 0:
        print(b.grad, w.grad, type(loss.grad_fn).__name__, yhat.requires_grad)
    with torch.no_grad():
        b -= 0.1 * b.grad
        w -= 0.1 * w.grad
    b.grad.zero_()
    w.grad.zero_()
print(b, w)
try:
    b.numpy()
except RuntimeError as e:
    print("RuntimeError:", e)
print(b.detach().cpu().numpy(), w.tolist())


def make_train_step_fn(model, loss_fn, optimizer):
    def perform_train_step_fn(x, y):
        model.train()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        return loss.item()
    return perform_train_step_fn


def make_val_step_fn(model, loss_fn):
    def perform_val_step_fn(x, y):
        model.eval()
        return loss_fn(model(x), y).item()
    return perform_val_step_fn


def mini_batch(device, data_loader, step_fn):
    losses = [step_fn(xb.to(device), yb.to(device)) for xb, yb in data_loader]
    return np.mean(losses)


torch.manual_seed(13)
x_tensor, y_tensor = torch.as_tensor(x).float(), torch.as_tensor(y).float()
dataset = TensorDataset(x_tensor, y_tensor)
train_data, val_data = random_split(dataset, [80, 20])
train_loader = DataLoader(train_data, batch_size=16, shuffle=True)
val_loader = DataLoader(val_data, batch_size=16)
model = nn.Sequential(nn.Linear(1, 1)).to(device)
optimizer = optim.SGD(model.parameters(), lr=0.1)
loss_fn = nn.MSELoss(reduction="mean")
train_step_fn = make_train_step_fn(model, loss_fn, optimizer)
val_step_fn = make_val_step_fn(model, loss_fn)
losses, val_losses = [], []
for epoch in range(30):
    losses.append(mini_batch(device, train_loader, train_step_fn))
    with torch.no_grad():
        val_losses.append(mini_batch(device, val_loader, val_step_fn))
print(model.state_dict())
print(f"{losses[-1]:.4f} {val_losses[-1]:.4f}")


class StepByStep:
    def __init__(self, model, loss_fn, optimizer):
        self.model, self.loss_fn, self.optimizer = model, loss_fn, optimizer
        self.device = "cuda" if torch.cuda.is_available() else "cpu"
        self.model.to(self.device)
        self.train_loader = self.val_loader = None
        self.losses, self.val_losses, self.learning_rates = [], [], []
        self.total_epochs = 0
        self.visualization, self.handles = {}, {}
        self.scheduler = None
        self.train_step_fn = self._make_train_step_fn()
        self.val_step_fn = self._make_val_step_fn()

    def to(self, device):
        try:
            self.device = device
            self.model.to(self.device)
        except RuntimeError:
            self.device = "cpu"
            self.model.to(self.device)

    def set_loaders(self, train_loader, val_loader=None):
        self.train_loader, self.val_loader = train_loader, val_loader

    def set_scheduler(self, scheduler):
        self.scheduler = scheduler

    def _make_train_step_fn(self):
        def step(x, y):
            self.model.train()
            loss = self.loss_fn(self.model(x), y)
            loss.backward()
            self.optimizer.step()
            self.optimizer.zero_grad()
            return loss.item()
        return step

    def _make_val_step_fn(self):
        def step(x, y):
            self.model.eval()
            return self.loss_fn(self.model(x), y).item()
        return step

    def _mini_batch(self, validation=False):
        loader, fn = (self.val_loader, self.val_step_fn) if validation else (self.train_loader, self.train_step_fn)
        if loader is None:
            return None
        return np.mean([fn(xb.to(self.device), yb.to(self.device)) for xb, yb in loader])

    @staticmethod
    def set_seed(seed=42):
        torch.backends.cudnn.deterministic = True
        torch.backends.cudnn.benchmark = False
        torch.manual_seed(seed)
        np.random.seed(seed)
        random.seed(seed)

    def train(self, n_epochs, seed=42):
        self.set_seed(seed)
        for _ in range(n_epochs):
            self.total_epochs += 1
            self.losses.append(self._mini_batch(validation=False))
            with torch.no_grad():
                val = self._mini_batch(validation=True)
                self.val_losses.append(val)
            if self.scheduler is not None:
                self.learning_rates.append(self.scheduler.get_last_lr()[0])
                self.scheduler.step()

    def save_checkpoint(self, f):
        torch.save({"epoch": self.total_epochs, "model_state_dict": self.model.state_dict(),
                    "optimizer_state_dict": self.optimizer.state_dict(), "loss": self.losses,
                    "val_loss": self.val_losses}, f)

    def load_checkpoint(self, f):
        try:
            checkpoint = torch.load(f)
        except pickle.UnpicklingError as e:
            # the losses are NumPy floats: torch.load's safe default refuses them
            print("UnpicklingError:", str(e).splitlines()[0])
            f.seek(0)
            checkpoint = torch.load(f, weights_only=False)
        self.model.load_state_dict(checkpoint["model_state_dict"])
        self.optimizer.load_state_dict(checkpoint["optimizer_state_dict"])
        self.total_epochs = checkpoint["epoch"]
        self.losses, self.val_losses = checkpoint["loss"], checkpoint["val_loss"]
        self.model.train()

    def predict(self, x):
        self.model.eval()
        y_hat = self.model(torch.as_tensor(x).float().to(self.device))
        self.model.train()
        return y_hat.detach().cpu().numpy()

    def count_parameters(self):
        return sum(p.numel() for p in self.model.parameters() if p.requires_grad)

    def attach_hooks(self, layers_to_hook):
        modules = list(self.model.named_modules())
        layer_names = {layer: name for name, layer in modules[1:]}

        def hook_fn(layer, inputs, outputs):
            name = layer_names[layer]
            values = outputs.detach().cpu().numpy()
            if self.visualization.get(name) is None:
                self.visualization[name] = values
            else:
                self.visualization[name] = np.concatenate([self.visualization[name], values])
        for name, layer in modules:
            if name in layers_to_hook:
                self.visualization[name] = None
                self.handles[name] = layer.register_forward_hook(hook_fn)

    def remove_hooks(self):
        for handle in self.handles.values():
            handle.remove()
        self.handles = {}

    def set_clip_backprop(self, clip_value):
        self.clip_handles = [p.register_hook(lambda grad: torch.clamp(grad, -clip_value, clip_value))
                             for p in self.model.parameters() if p.requires_grad]

    def lr_range_test(self, data_loader, end_lr, num_iter=10):
        previous = {"model": {k: v.clone() for k, v in self.model.state_dict().items()},
                    "optimizer": self.optimizer.state_dict()}
        start_lr = self.optimizer.state_dict()["param_groups"][0]["lr"]
        factor = (end_lr / start_lr) ** (1 / num_iter)
        scheduler = optim.lr_scheduler.LambdaLR(self.optimizer, lambda it: factor ** it)
        tracking = {"loss": [], "lr": []}
        it = 0
        while it < num_iter:
            for xb, yb in data_loader:
                self.model.train()
                loss = self.loss_fn(self.model(xb), yb)
                loss.backward()
                tracking["lr"].append(scheduler.get_last_lr()[0])
                tracking["loss"].append(loss.item())
                self.optimizer.step()
                scheduler.step()
                self.optimizer.zero_grad()
                it += 1
                if it == num_iter:
                    break
        self.optimizer.load_state_dict(previous["optimizer"])
        self.model.load_state_dict(previous["model"])
        return tracking


torch.manual_seed(42)
model = nn.Sequential()
model.add_module("linear", nn.Linear(1, 1))
sbs = StepByStep(model, nn.MSELoss(), optim.SGD(model.parameters(), lr=0.1))
sbs.set_loaders(train_loader, val_loader)
sbs.train(n_epochs=20)
print(sbs.model.state_dict(), sbs.total_epochs, sbs.count_parameters())
print(f"{sbs.losses[-1]:.4f} {sbs.val_losses[-1]:.4f}")
print(np.round(sbs.predict(np.array([[0.2], [0.8]])), 3))
buf = io.BytesIO()
sbs.save_checkpoint(buf)
buf.seek(0)
new_model = nn.Sequential()
new_model.add_module("linear", nn.Linear(1, 1))
sbs2 = StepByStep(new_model, nn.MSELoss(), optim.SGD(new_model.parameters(), lr=0.1))
sbs2.load_checkpoint(buf)
print(sbs2.total_epochs, new_model.state_dict())
sbs2.set_loaders(train_loader, val_loader)
sbs2.train(n_epochs=5)
print(sbs2.total_epochs, f"{sbs2.losses[-1]:.4f}")

# ---- binary classification with logits ----
torch.manual_seed(0)
X = torch.randn(120, 2)
Y = ((X[:, 0] + 0.5 * X[:, 1]) > 0.2).float().unsqueeze(1)
print(Y.mean(), Y.sum().item())
pos_weight = (Y == 0).sum() / (Y == 1).sum()
print(pos_weight)
ds = TensorDataset(X, Y)
tr, va = random_split(ds, [0.8, 0.2], generator=torch.Generator().manual_seed(42))
clf = nn.Sequential(nn.Linear(2, 1))
sbs = StepByStep(clf, nn.BCEWithLogitsLoss(pos_weight=pos_weight), optim.SGD(clf.parameters(), lr=0.5))
sbs.set_loaders(DataLoader(tr, batch_size=16, shuffle=True), DataLoader(va, batch_size=16))
sbs.train(10)
probs = torch.sigmoid(torch.as_tensor(sbs.predict(X[:6])))
print(probs.squeeze(), (probs >= 0.5).int().squeeze(), Y[:6].squeeze())
logits = clf(X)
print(f"{F.binary_cross_entropy(torch.sigmoid(logits), Y).item():.4f}",
      f"{F.binary_cross_entropy_with_logits(logits, Y).item():.4f}",
      f"{nn.BCELoss(reduction='sum')(torch.sigmoid(logits), Y).item():.3f}")

# ---- a small CNN, hooks, clipping, LR range test, scheduler ----
torch.manual_seed(17)
imgs = torch.zeros(60, 1, 6, 6)
labels = torch.randint(0, 3, (60,))
for i, lab in enumerate(labels.tolist()):
    if lab == 0:
        imgs[i, 0, :, 2] = 1
    elif lab == 1:
        imgs[i, 0, 2, :] = 1
    else:
        imgs[i, 0].fill_diagonal_(1)
imgs += 0.1 * torch.randn_like(imgs)
cnn = nn.Sequential()
cnn.add_module("conv1", nn.Conv2d(1, 4, kernel_size=3))
cnn.add_module("relu1", nn.ReLU())
cnn.add_module("maxp1", nn.MaxPool2d(kernel_size=2))
cnn.add_module("flatten", nn.Flatten())
cnn.add_module("fc1", nn.Linear(16, 10))
cnn.add_module("relu2", nn.ReLU())
cnn.add_module("fc2", nn.Linear(10, 3))
print(cnn)
cnn_loader = DataLoader(TensorDataset(imgs[:48], labels[:48]), batch_size=16, shuffle=True)
cnn_val = DataLoader(TensorDataset(imgs[48:], labels[48:]), batch_size=16)
opt = optim.SGD(cnn.parameters(), lr=0.05, momentum=0.9)
sbs = StepByStep(cnn, nn.CrossEntropyLoss(reduction="mean"), opt)
tracking = sbs.lr_range_test(cnn_loader, end_lr=1.0, num_iter=6)
print([f"{lr:.4f}" for lr in tracking["lr"]], [f"{v:.3f}" for v in tracking["loss"]])
print(opt.param_groups[0]["lr"], "lr restored")
sbs.set_scheduler(optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5))
sbs.set_clip_backprop(1.0)
sbs.set_loaders(cnn_loader, cnn_val)
sbs.train(6)
print([f"{v:.4f}" for v in sbs.losses], sbs.learning_rates)
sbs.attach_hooks(["conv1", "fc2"])
_ = sbs.predict(imgs[48:52])
sbs.remove_hooks()
print({k: v.shape for k, v in sbs.visualization.items()})
print(np.round(sbs.visualization["fc2"], 3))
for h in sbs.clip_handles:
    h.remove()
with torch.no_grad():
    acc = (cnn(imgs[48:]).argmax(1) == labels[48:]).float().mean()
print(f"val acc {acc.item():.3f}")
weights = cnn.conv1.weight.data.cpu().numpy()
print(weights.shape, np.round(weights[0, 0], 3))
