"""Linear and logistic regression the way introductory course notebooks write them."""
import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(2)

# --- linear regression, fully manual ---------------------------------------------------------------
X = torch.randn(100, 3)
true_w = torch.tensor([[2.0], [-3.4], [1.5]])
true_b = 4.2
y = X @ true_w + true_b + 0.01 * torch.randn(100, 1)
w = torch.normal(0, 0.01, size=(3, 1), requires_grad=True)
b = torch.zeros(1, requires_grad=True)
print(w.shape, b, X[0], y[0])


def linreg(X, w, b):
    return torch.matmul(X, w) + b


def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def sgd(params, lr, batch_size):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()


def data_iter(batch_size, features, labels):
    num_examples = len(features)
    indices = list(range(num_examples))
    perm = torch.randperm(num_examples).tolist()
    indices = [indices[i] for i in perm]
    for i in range(0, num_examples, batch_size):
        batch_indices = torch.tensor(indices[i: min(i + batch_size, num_examples)])
        yield features[batch_indices], labels[batch_indices]


lr, num_epochs, batch_size = 0.03, 3, 10
for epoch in range(num_epochs):
    for Xb, yb in data_iter(batch_size, X, y):
        l = squared_loss(linreg(Xb, w, b), yb)
        l.sum().backward()
        sgd([w, b], lr, batch_size)
    with torch.no_grad():
        train_l = squared_loss(linreg(X, w, b), y)
        print(f'epoch {epoch + 1}, loss {float(train_l.mean()):.5f}')
print(f'error in estimating w: {(true_w - w.reshape(true_w.shape)).squeeze()}')
print(f'error in estimating b: {true_b - b}')

# --- the same with nn.Linear and a closed-form check -----------------------------------------------
net = nn.Sequential(nn.Linear(3, 1))
net[0].weight.data.normal_(0, 0.01)
net[0].bias.data.fill_(0)
loss = nn.MSELoss()
trainer = torch.optim.SGD(net.parameters(), lr=0.03)
for epoch in range(3):
    for i in range(0, 100, 10):
        l = loss(net(X[i:i + 10]), y[i:i + 10])
        trainer.zero_grad()
        l.backward()
        trainer.step()
    l = loss(net(X), y)
    print(f'epoch {epoch + 1}, loss {l:f}')
Xa = torch.cat([X, torch.ones(100, 1)], dim=1)
sol = torch.linalg.lstsq(Xa, y).solution
print(sol.squeeze().round(decimals=2))
pinv = torch.linalg.pinv(Xa) @ y
print(torch.allclose(sol, pinv, atol=1e-4))
normal_eq = torch.linalg.solve(Xa.T @ Xa, Xa.T @ y)
print(normal_eq.flatten().round(decimals=2))

# --- logistic regression with numpy data, manual weights and BCE -----------------------------------
rng = np.random.RandomState(0)
pts = rng.randn(200, 2).astype(np.float32)
labels = (pts[:, 0] + 0.5 * pts[:, 1] > 0).astype(np.float32)
Xt = torch.from_numpy(pts)
yt = torch.from_numpy(labels).unsqueeze(1)
print(Xt.dtype, yt.shape, yt.sum())
W = torch.zeros(2, 1, requires_grad=True)
B = torch.zeros(1, requires_grad=True)
criterion = nn.BCELoss()
for epoch in range(100):
    y_pred = torch.sigmoid(Xt @ W + B)
    loss_val = criterion(y_pred, yt)
    loss_val.backward()
    with torch.no_grad():
        W -= 0.5 * W.grad
        B -= 0.5 * B.grad
        W.grad.zero_()
        B.grad.zero_()
    if (epoch + 1) % 25 == 0:
        print(f'epoch: {epoch+1}, loss = {loss_val.item():.4f}')
with torch.no_grad():
    y_predicted = torch.sigmoid(Xt @ W + B)
    y_predicted_cls = y_predicted.round()
    acc = y_predicted_cls.eq(yt).sum() / float(yt.shape[0])
    print(f'accuracy: {acc.item():.4f}')
    print(W.T, B)


class LogisticRegression(nn.Module):
    def __init__(self, n_input_features):
        super(LogisticRegression, self).__init__()
        self.linear = nn.Linear(n_input_features, 1)

    def forward(self, x):
        return torch.sigmoid(self.linear(x))


model = LogisticRegression(2)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=True)
crit = nn.BCEWithLogitsLoss(pos_weight=torch.tensor([1.5]))
for epoch in range(50):
    logits = model.linear(Xt)
    l = crit(logits, yt)
    optimizer.zero_grad()
    l.backward()
    optimizer.step()
    if epoch % 10 == 9:
        print('epoch {:02d} loss {:.4f}'.format(epoch + 1, l.item()))
pred = (model(Xt) > 0.5).float()
print("accuracy", (pred == yt).float().mean().item())
print(f"{model.linear.weight.detach().numpy().round(3).tolist()}")

# --- softmax regression written out by hand ---------------------------------------------------------
num_inputs, num_outputs = 4, 3
Xs = torch.randn(60, num_inputs)
ys = torch.argmax(Xs[:, :3], dim=1)
Ws = torch.normal(0, 0.01, size=(num_inputs, num_outputs), requires_grad=True)
bs = torch.zeros(num_outputs, requires_grad=True)


def softmax(X):
    X_exp = torch.exp(X)
    partition = X_exp.sum(1, keepdim=True)
    return X_exp / partition


def cross_entropy(y_hat, y):
    return -torch.log(y_hat[range(len(y_hat)), y])


def accuracy(y_hat, y):
    if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(axis=1)
    cmp = y_hat.type(y.dtype) == y
    return float(cmp.type(y.dtype).sum())


X_prob = softmax(torch.normal(0, 1, (2, 5)))
print(X_prob, X_prob.sum(1))
for epoch in range(20):
    y_hat = softmax(Xs @ Ws + bs)
    l = cross_entropy(y_hat, ys).mean()
    l.backward()
    with torch.no_grad():
        Ws -= 0.5 * Ws.grad
        bs -= 0.5 * bs.grad
        Ws.grad.zero_()
        bs.grad.zero_()
print(f"loss {l.item():.4f} acc {accuracy(softmax(Xs @ Ws + bs), ys) / len(ys):.3f}")
