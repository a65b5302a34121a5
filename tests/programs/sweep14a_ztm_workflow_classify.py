"""The course workflow, then classification: a straight-line dataset, a model built from
nn.Parameter, train/test loops with inference_mode, state_dict save/load into a temp folder, then
circles-style binary classification (BCEWithLogitsLoss, sigmoid/round, accuracy) and a blob-style
multi-class model (CrossEntropyLoss, softmax/argmax), printing what learners print."""
import math
import os
import tempfile
from pathlib import Path

import torch
from torch import nn

# ---- 01 workflow: data ----
weight = 0.7
bias = 0.3
start, end, step = 0, 1, 0.02
X = torch.arange(start, end, step).unsqueeze(dim=1)
y = weight * X + bias
print(X[:10], y[:10])
print(len(X), len(y), X.shape, X.dtype)
train_split = int(0.8 * len(X))
X_train, y_train = X[:train_split], y[:train_split]
X_test, y_test = X[train_split:], y[train_split:]
print(len(X_train), len(y_train), len(X_test), len(y_test))


class LinearRegressionModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.weights = nn.Parameter(torch.randn(1, dtype=torch.float), requires_grad=True)
        self.bias = nn.Parameter(torch.randn(1, dtype=torch.float), requires_grad=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.weights * x + self.bias


torch.manual_seed(42)
model_0 = LinearRegressionModel()
print(model_0)
print(list(model_0.parameters()))
print(model_0.state_dict())
with torch.inference_mode():
    y_preds = model_0(X_test)
print(f"Number of testing samples: {len(X_test)}")
print(f"Number of predictions made: {len(y_preds)}")
print(f"Predicted values:\n{y_preds}")
print(y_preds.requires_grad, y_preds.grad_fn, y_test - y_preds)

loss_fn = nn.L1Loss()
optimizer = torch.optim.SGD(params=model_0.parameters(), lr=0.01)
print(loss_fn, optimizer)
epochs = 100
train_loss_values, test_loss_values, epoch_count = [], [], []
for epoch in range(epochs):
    model_0.train()
    y_pred = model_0(X_train)
    loss = loss_fn(y_pred, y_train)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    model_0.eval()
    with torch.inference_mode():
        test_pred = model_0(X_test)
        test_loss = loss_fn(test_pred, y_test.type(torch.float))
        if epoch % 10 == 0:
            epoch_count.append(epoch)
            train_loss_values.append(loss.detach().numpy())
            test_loss_values.append(test_loss.numpy())
            print(f"Epoch: {epoch} | MAE Train Loss: {loss:.4f} | MAE Test Loss: {test_loss:.4f} ")
print(type(train_loss_values[0]).__name__, train_loss_values[0].dtype, len(test_loss_values))
print("The model learned the following values for weights and bias:")
print({k: v.round(decimals=3) for k, v in model_0.state_dict().items()})
print("\nAnd the original values for weights and bias are:")
print(f"weights: {weight}, bias: {bias}")

with tempfile.TemporaryDirectory() as tmp:
    MODEL_PATH = Path(tmp) / "models"
    MODEL_PATH.mkdir(parents=True, exist_ok=True)
    MODEL_SAVE_PATH = MODEL_PATH / "01_pytorch_workflow_model_0.pth"
    print(f"Saving model to: {MODEL_SAVE_PATH.name}")
    torch.save(obj=model_0.state_dict(), f=MODEL_SAVE_PATH)
    print(MODEL_SAVE_PATH.exists(), sorted(os.listdir(MODEL_PATH)))
    loaded_model_0 = LinearRegressionModel()
    print(loaded_model_0.load_state_dict(torch.load(f=MODEL_SAVE_PATH)))
    loaded_model_0.eval()
    with torch.inference_mode():
        loaded_model_preds = loaded_model_0(X_test)
        model_0.eval()
        y_preds = model_0(X_test)
    print(y_preds == loaded_model_preds)
    sd = torch.load(MODEL_SAVE_PATH, weights_only=True)
    print(type(sd).__name__, list(sd.keys()), sd["weights"].requires_grad)


class LinearRegressionModelV2(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear_layer = nn.Linear(in_features=1, out_features=1)

    def forward(self, x):
        return self.linear_layer(x)


torch.manual_seed(42)
model_1 = LinearRegressionModelV2()
print(model_1, model_1.state_dict())
print(next(model_1.parameters()).device)
optimizer = torch.optim.SGD(params=model_1.parameters(), lr=0.01)
for epoch in range(300):
    model_1.train()
    loss = loss_fn(model_1(X_train), y_train)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    model_1.eval()
    with torch.inference_mode():
        test_loss = loss_fn(model_1(X_test), y_test)
    if epoch % 100 == 0:
        print(f"Epoch: {epoch} | Train loss: {loss:.5f} | Test loss: {test_loss:.5f}")
print({k: v.round(decimals=4) for k, v in model_1.state_dict().items()})


# ---- 02 classification: circles made by hand ----
def make_circles(n, noise, factor, seed):
    g = torch.Generator().manual_seed(seed)
    n_out = n // 2
    n_in = n - n_out
    lin_out = torch.linspace(0, 2 * math.pi, n_out + 1)[:-1]
    lin_in = torch.linspace(0, 2 * math.pi, n_in + 1)[:-1]
    outer = torch.stack([torch.cos(lin_out), torch.sin(lin_out)], dim=1)
    inner = torch.stack([torch.cos(lin_in), torch.sin(lin_in)], dim=1) * factor
    Xc = torch.cat([outer, inner])
    yc = torch.cat([torch.zeros(n_out), torch.ones(n_in)])
    perm = torch.randperm(n, generator=g)
    Xc = Xc + noise * torch.randn(Xc.shape, generator=g)
    return Xc[perm], yc[perm]


n_samples = 400
X, y = make_circles(n_samples, noise=0.03, factor=0.5, seed=42)
print(f"First 5 X features:\n{X[:5].round(decimals=4)}")
print(f"\nFirst 5 y labels:\n{y[:5]}")
X_sample, y_sample = X[0], y[0]
print(f"Values for one sample of X: {X_sample.round(decimals=4)} and the same for y: {y_sample}")
print(f"Shapes for one sample of X: {X_sample.shape} and the same for y: {y_sample.shape}")
print(X.dtype, y.dtype, y.unique(return_counts=True))
X_train, X_test = X[:320], X[320:]
y_train, y_test = y[:320], y[320:]
print(len(X_train), len(X_test), len(y_train), len(y_test))

device = "cuda" if torch.cuda.is_available() else "cpu"
print(device)


class CircleModelV0(nn.Module):
    def __init__(self):
        super().__init__()
        self.layer_1 = nn.Linear(in_features=2, out_features=5)
        self.layer_2 = nn.Linear(in_features=5, out_features=1)

    def forward(self, x):
        return self.layer_2(self.layer_1(x))


torch.manual_seed(42)
model_0 = CircleModelV0().to(device)
print(model_0)
model_0 = nn.Sequential(nn.Linear(in_features=2, out_features=5), nn.Linear(in_features=5, out_features=1)).to(device)
print(model_0)
print(model_0.state_dict().keys())
with torch.inference_mode():
    untrained_preds = model_0(X_test.to(device))
print(f"Length of predictions: {len(untrained_preds)}, Shape: {untrained_preds.shape}")
print(f"Length of test samples: {len(y_test)}, Shape: {y_test.shape}")
print(f"\nFirst 10 predictions:\n{untrained_preds[:10].round(decimals=4)}")
print(f"\nFirst 10 test labels:\n{y_test[:10]}")

loss_fn = nn.BCEWithLogitsLoss()
optimizer = torch.optim.SGD(params=model_0.parameters(), lr=0.1)


def accuracy_fn(y_true, y_pred):
    correct = torch.eq(y_true, y_pred).sum().item()
    acc = (correct / len(y_pred)) * 100
    return acc


model_0.eval()
with torch.inference_mode():
    y_logits = model_0(X_test.to(device))[:5]
print(y_logits.round(decimals=4))
y_pred_probs = torch.sigmoid(y_logits)
print(y_pred_probs.round(decimals=4), torch.round(y_pred_probs))
y_preds = torch.round(y_pred_probs)
y_pred_labels = torch.round(torch.sigmoid(model_0(X_test.to(device))[:5]))
print(torch.eq(y_preds.squeeze(), y_pred_labels.squeeze()))
print(y_preds.squeeze(), y_pred_labels.requires_grad)


class CircleModelV2(nn.Module):
    def __init__(self):
        super().__init__()
        self.layer_1 = nn.Linear(in_features=2, out_features=10)
        self.layer_2 = nn.Linear(in_features=10, out_features=10)
        self.layer_3 = nn.Linear(in_features=10, out_features=1)
        self.relu = nn.ReLU()

    def forward(self, x):
        return self.layer_3(self.relu(self.layer_2(self.relu(self.layer_1(x)))))


torch.manual_seed(42)
model_3 = CircleModelV2().to(device)
print(model_3)
optimizer = torch.optim.SGD(model_3.parameters(), lr=0.1)
torch.manual_seed(42)
epochs = 500
X_train, y_train = X_train.to(device), y_train.to(device)
X_test, y_test = X_test.to(device), y_test.to(device)
for epoch in range(epochs):
    model_3.train()
    y_logits = model_3(X_train).squeeze()
    y_pred = torch.round(torch.sigmoid(y_logits))
    loss = loss_fn(y_logits, y_train)
    acc = accuracy_fn(y_true=y_train, y_pred=y_pred)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    model_3.eval()
    with torch.inference_mode():
        test_logits = model_3(X_test).squeeze()
        test_pred = torch.round(torch.sigmoid(test_logits))
        test_loss = loss_fn(test_logits, y_test)
        test_acc = accuracy_fn(y_true=y_test, y_pred=test_pred)
    if epoch % 100 == 0:
        print(f"Epoch: {epoch} | Loss: {loss:.4f}, Accuracy: {acc:.2f}% | Test Loss: {test_loss:.4f}, Test Accuracy: {test_acc:.2f}%")
model_3.eval()
with torch.inference_mode():
    y_preds = torch.round(torch.sigmoid(model_3(X_test))).squeeze()
print(y_preds[:10], y[:10])
try:
    loss_fn(model_3(X_test), y_test)
except ValueError as e:
    print("ValueError:", e)

A = torch.arange(-10, 10, 1, dtype=torch.float32)
print(A.dtype, torch.relu(A), torch.maximum(torch.tensor(0), A))
print(torch.sigmoid(A).round(decimals=4), (1 / (1 + torch.exp(-A))).round(decimals=4))


# ---- multi-class: blobs ----
def make_blobs(n, centers, std, seed):
    g = torch.Generator().manual_seed(seed)
    k = centers.shape[0]
    labels = torch.randint(0, k, (n,), generator=g)
    pts = centers[labels] + std * torch.randn(n, centers.shape[1], generator=g)
    return pts, labels


NUM_CLASSES, NUM_FEATURES, RANDOM_SEED = 4, 2, 42
centers = torch.tensor([[-5.0, 5.0], [5.0, 5.0], [-5.0, -5.0], [4.0, -6.0]])
X_blob, y_blob = make_blobs(300, centers, 1.5, RANDOM_SEED)
print(X_blob[:5].round(decimals=3), y_blob[:5], X_blob.dtype, y_blob.dtype)
X_blob_train, X_blob_test = X_blob[:240], X_blob[240:]
y_blob_train, y_blob_test = y_blob[:240], y_blob[240:]


class BlobModel(nn.Module):
    def __init__(self, input_features, output_features, hidden_units=8):
        super().__init__()
        self.linear_layer_stack = nn.Sequential(
            nn.Linear(in_features=input_features, out_features=hidden_units),
            nn.Linear(in_features=hidden_units, out_features=hidden_units),
            nn.Linear(in_features=hidden_units, out_features=output_features),
        )

    def forward(self, x):
        return self.linear_layer_stack(x)


torch.manual_seed(RANDOM_SEED)
model_4 = BlobModel(input_features=NUM_FEATURES, output_features=NUM_CLASSES, hidden_units=8).to(device)
print(model_4)
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model_4.parameters(), lr=0.1)
print(model_4(X_blob_train.to(device))[:5].round(decimals=4))
print(model_4(X_blob_train.to(device))[0].shape, NUM_CLASSES)
y_logits = model_4(X_blob_test.to(device))
y_pred_probs = torch.softmax(y_logits, dim=1)
print(y_logits[:5].round(decimals=4))
print(y_pred_probs[:5].round(decimals=4))
print(torch.sum(y_pred_probs[0]).round(decimals=4), torch.max(y_pred_probs[0]).round(decimals=4),
      torch.argmax(y_pred_probs[0]))
try:
    loss_fn(y_logits, y_blob_test.float())
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    loss_fn(y_logits, y_blob_test.int())
except RuntimeError as e:
    print("RuntimeError:", e)
torch.manual_seed(42)
for epoch in range(100):
    model_4.train()
    y_logits = model_4(X_blob_train)
    y_pred = torch.softmax(y_logits, dim=1).argmax(dim=1)
    loss = loss_fn(y_logits, y_blob_train)
    acc = accuracy_fn(y_true=y_blob_train, y_pred=y_pred)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    model_4.eval()
    with torch.inference_mode():
        test_logits = model_4(X_blob_test)
        test_pred = torch.softmax(test_logits, dim=1).argmax(dim=1)
        test_loss = loss_fn(test_logits, y_blob_test)
        test_acc = accuracy_fn(y_true=y_blob_test, y_pred=test_pred)
    if epoch % 10 == 0:
        print(f"Epoch: {epoch} | Loss: {loss:.5f}, Acc: {acc:.2f}% | Test Loss: {test_loss:.5f}, Test Acc: {test_acc:.2f}%")
model_4.eval()
with torch.inference_mode():
    y_logits = model_4(X_blob_test)
y_pred_probs = torch.softmax(y_logits, dim=1)
y_preds = y_pred_probs.argmax(dim=1)
print(f"Predictions: {y_preds[:10]}\nLabels: {y_blob_test[:10]}")
print(f"Test accuracy: {accuracy_fn(y_true=y_blob_test, y_pred=y_preds)}%")
conf = torch.zeros(NUM_CLASSES, NUM_CLASSES, dtype=torch.int64)
for t, p in zip(y_blob_test, y_preds):
    conf[t, p] += 1
print(conf, conf.diag().sum() / conf.sum())
print(torch.bincount(y_preds, minlength=NUM_CLASSES), (y_preds == y_blob_test).float().mean())
