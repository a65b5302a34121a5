"""The unknown-thermometer chapters of a deep-learning book: fit t_c = w * t_u + b by hand (analytic
gradients, broadcasting), then with autograd (params.grad, zero_, no_grad updates, requires_grad
checks), then with torch.optim (dir(optim) names, SGD and Adam, train/val split with randperm),
then with nn.Linear and an nn.Sequential with an OrderedDict of named layers."""
from collections import OrderedDict

import torch
import torch.nn as nn
import torch.optim as optim

torch.set_printoptions(edgeitems=2, linewidth=75)

t_c = [0.5, 14.0, 15.0, 28.0, 11.0, 8.0, 3.0, -4.0, 6.0, 13.0, 21.0]
t_u = [35.7, 55.9, 58.2, 81.9, 56.3, 48.9, 33.9, 21.8, 48.4, 60.4, 68.4]
t_c = torch.tensor(t_c)
t_u = torch.tensor(t_u)
print(t_c, t_u)


def model(t_u, w, b):
    return w * t_u + b


def loss_fn(t_p, t_c):
    squared_diffs = (t_p - t_c) ** 2
    return squared_diffs.mean()


w = torch.ones(())
b = torch.zeros(())
t_p = model(t_u, w, b)
print(t_p, w, b, w.shape, w.dim())
loss = loss_fn(t_p, t_c)
print(loss)

x = torch.ones(())
y = torch.ones(3, 1)
z = torch.ones(1, 3)
a = torch.ones(2, 1, 1)
print(f"shapes: x: {x.shape}, y: {y.shape}")
print(f"        z: {z.shape}, a: {a.shape}")
print("x * y:", (x * y).shape)
print("y * z:", (y * z).shape)
print("y * z * a:", (y * z * a).shape)
try:
    torch.ones(2, 3) * torch.ones(3, 2)
except RuntimeError as e:
    print("RuntimeError:", e)

delta = 0.1
loss_rate_of_change_w = (loss_fn(model(t_u, w + delta, b), t_c) - loss_fn(model(t_u, w - delta, b), t_c)) / (2.0 * delta)
learning_rate = 1e-2
w = w - learning_rate * loss_rate_of_change_w
loss_rate_of_change_b = (loss_fn(model(t_u, w, b + delta), t_c) - loss_fn(model(t_u, w, b - delta), t_c)) / (2.0 * delta)
b = b - learning_rate * loss_rate_of_change_b
print(f"{w.item():.3f} {b.item():.4f}")


def dloss_fn(t_p, t_c):
    dsq_diffs = 2 * (t_p - t_c) / t_p.size(0)
    return dsq_diffs


def dmodel_dw(t_u, w, b):
    return t_u


def dmodel_db(t_u, w, b):
    return 1.0


def grad_fn(t_u, t_c, t_p, w, b):
    dloss_dtp = dloss_fn(t_p, t_c)
    dloss_dw = dloss_dtp * dmodel_dw(t_u, w, b)
    dloss_db = dloss_dtp * dmodel_db(t_u, w, b)
    return torch.stack([dloss_dw.sum(), dloss_db.sum()])


def training_loop(n_epochs, learning_rate, params, t_u, t_c, print_params=True):
    for epoch in range(1, n_epochs + 1):
        w, b = params
        t_p = model(t_u, w, b)
        loss = loss_fn(t_p, t_c)
        grad = grad_fn(t_u, t_c, t_p, w, b)
        params = params - learning_rate * grad
        if epoch in {1, 2, 3, 10, 11, 99, 100, 4000, 5000}:
            print("Epoch %d, Loss %f" % (epoch, float(loss)))
            if print_params:
                print("    Params:", params.round(decimals=4))
                print("    Grad:  ", grad.round(decimals=3))
        if not torch.isfinite(loss).all():
            print("    diverged:", loss)
            break
    return params


training_loop(n_epochs=100, learning_rate=1e-2, params=torch.tensor([1.0, 0.0]), t_u=t_u, t_c=t_c)
training_loop(n_epochs=100, learning_rate=1e-4, params=torch.tensor([1.0, 0.0]), t_u=t_u, t_c=t_c)
t_un = 0.1 * t_u
training_loop(n_epochs=100, learning_rate=1e-2, params=torch.tensor([1.0, 0.0]), t_u=t_un, t_c=t_c)
params = training_loop(n_epochs=1500, learning_rate=1e-2, params=torch.tensor([1.0, 0.0]), t_u=t_un, t_c=t_c,
                       print_params=False)
print(params.round(decimals=3))
t_p = model(t_un, *params)
print(t_p.round(decimals=2))

# autograd
params = torch.tensor([1.0, 0.0], requires_grad=True)
print(params.grad is None, params.requires_grad, params.is_leaf)
loss = loss_fn(model(t_u, *params), t_c)
print(type(loss.grad_fn).__name__, loss.requires_grad, loss.is_leaf)
loss.backward()
print(params.grad)
loss = loss_fn(model(t_u, *params), t_c)
loss.backward()
print(params.grad)
if params.grad is not None:
    params.grad.zero_()
print(params.grad)


def training_loop_ag(n_epochs, learning_rate, params, t_u, t_c):
    for epoch in range(1, n_epochs + 1):
        if params.grad is not None:
            params.grad.zero_()
        t_p = model(t_u, *params)
        loss = loss_fn(t_p, t_c)
        loss.backward()
        with torch.no_grad():
            params -= learning_rate * params.grad
        if epoch % 500 == 0:
            print("Epoch %d, Loss %.4f" % (epoch, float(loss)))
    return params


params = training_loop_ag(n_epochs=800, learning_rate=1e-2,
                          params=torch.tensor([1.0, 0.0], requires_grad=True), t_u=t_un, t_c=t_c)
print(params.round(decimals=3), params.requires_grad, params.grad.round(decimals=4))
try:
    p = torch.tensor([1.0, 0.0], requires_grad=True)
    p -= 0.1
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    p = torch.tensor([1.0, 0.0], requires_grad=True)
    loss_fn(model(t_un, *p), t_c).backward()
    loss_fn(model(t_un, *p), t_c)
    p.grad = None
    l = loss_fn(model(t_un, *p), t_c)
    l.backward()
    l.backward()
except RuntimeError as e:
    print("RuntimeError:", str(e).split(".")[0])

# optimizers
print([name for name in dir(optim) if not name.startswith("_")])
params = torch.tensor([1.0, 0.0], requires_grad=True)
learning_rate = 1e-5
optimizer = optim.SGD([params], lr=learning_rate)
print(optimizer)
t_p = model(t_u, *params)
loss = loss_fn(t_p, t_c)
loss.backward()
optimizer.step()
print(params)
params = torch.tensor([1.0, 0.0], requires_grad=True)
learning_rate = 1e-2
optimizer = optim.SGD([params], lr=learning_rate)
t_p = model(t_un, *params)
loss = loss_fn(t_p, t_c)
optimizer.zero_grad()
loss.backward()
optimizer.step()
print(params, optimizer.state_dict())


def training_loop_opt(n_epochs, optimizer, params, t_u, t_c, every=500):
    for epoch in range(1, n_epochs + 1):
        t_p = model(t_u, *params)
        loss = loss_fn(t_p, t_c)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if epoch % every == 0:
            print("Epoch %d, Loss %.4f" % (epoch, float(loss)))
    return params


params = torch.tensor([1.0, 0.0], requires_grad=True)
optimizer = optim.SGD([params], lr=1e-2)
print(training_loop_opt(1500, optimizer, params, t_un, t_c).detach().round(decimals=3))
params = torch.tensor([1.0, 0.0], requires_grad=True)
optimizer = optim.Adam([params], lr=1e-1)
print(optimizer)
print(training_loop_opt(1000, optimizer, params, t_u, t_c).detach().round(decimals=3))
print(sorted(optimizer.state_dict()["state"][0].keys()), optimizer.state_dict()["state"][0]["step"])
print(optimizer.param_groups[0]["lr"], optimizer.param_groups[0]["betas"], len(optimizer.param_groups))

# train/validation split
torch.manual_seed(1)
n_samples = t_u.shape[0]
n_val = int(0.2 * n_samples)
shuffled_indices = torch.randperm(n_samples)
train_indices = shuffled_indices[:-n_val]
val_indices = shuffled_indices[-n_val:]
print(train_indices, val_indices)
train_t_u, train_t_c = t_u[train_indices], t_c[train_indices]
val_t_u, val_t_c = t_u[val_indices], t_c[val_indices]
train_t_un, val_t_un = 0.1 * train_t_u, 0.1 * val_t_u


def training_loop_val(n_epochs, optimizer, params, train_t_u, val_t_u, train_t_c, val_t_c):
    for epoch in range(1, n_epochs + 1):
        train_loss = loss_fn(model(train_t_u, *params), train_t_c)
        with torch.no_grad():
            val_loss = loss_fn(model(val_t_u, *params), val_t_c)
            assert val_loss.requires_grad is False
        optimizer.zero_grad()
        train_loss.backward()
        optimizer.step()
        if epoch <= 3 or epoch % 500 == 0:
            print(f"Epoch {epoch}, Training loss {train_loss.item():.4f}, Validation loss {val_loss.item():.4f}")
    return params


params = torch.tensor([1.0, 0.0], requires_grad=True)
optimizer = optim.SGD([params], lr=1e-2)
print(training_loop_val(1000, optimizer, params, train_t_un, val_t_un, train_t_c, val_t_c).detach().round(decimals=3))


def calc_forward(t_u, t_c, is_train):
    with torch.set_grad_enabled(is_train):
        t_p = model(t_u, *params)
        loss = loss_fn(t_p, t_c)
    return loss


print(calc_forward(train_t_un, train_t_c, True).requires_grad, calc_forward(val_t_un, val_t_c, False).requires_grad)

# nn.Linear and nn.Sequential
t_c = t_c.unsqueeze(1)
t_u = t_u.unsqueeze(1)
print(t_u.shape)
train_t_un = 0.1 * t_u[train_indices]
val_t_un = 0.1 * t_u[val_indices]
train_t_c, val_t_c = t_c[train_indices], t_c[val_indices]
torch.manual_seed(0)
linear_model = nn.Linear(1, 1)
print(linear_model(val_t_un).detach().round(decimals=4))
print(linear_model.weight, linear_model.bias)
x = torch.ones(1)
print(linear_model(x))
x = torch.ones(10, 1)
print(linear_model(x))
try:
    linear_model(torch.ones(2, 3))
except RuntimeError as e:
    print("RuntimeError:", e)
optimizer = optim.SGD(linear_model.parameters(), lr=1e-2)
print(list(linear_model.parameters()))


def training_loop_nn(n_epochs, optimizer, model, loss_fn, t_u_train, t_u_val, t_c_train, t_c_val, every=1000, digits=4):
    for epoch in range(1, n_epochs + 1):
        t_p_train = model(t_u_train)
        loss_train = loss_fn(t_p_train, t_c_train)
        t_p_val = model(t_u_val)
        loss_val = loss_fn(t_p_val, t_c_val)
        optimizer.zero_grad()
        loss_train.backward()
        optimizer.step()
        if epoch == 1 or epoch % every == 0:
            print(f"Epoch {epoch}, Training loss {loss_train.item():.{digits}f}, Validation loss "
                  f"{loss_val.item():.{digits}f}")


training_loop_nn(1000, optimizer, linear_model, nn.MSELoss(), train_t_un, val_t_un, train_t_c, val_t_c,
                 every=500)
print()
print(linear_model.weight.detach().round(decimals=3), linear_model.bias.detach().round(decimals=3))

seq_model = nn.Sequential(nn.Linear(1, 13), nn.Tanh(), nn.Linear(13, 1))
print(seq_model)
print([param.shape for param in seq_model.parameters()])
for name, param in seq_model.named_parameters():
    print(name, param.shape)
seq_model = nn.Sequential(OrderedDict([
    ("hidden_linear", nn.Linear(1, 8)),
    ("hidden_activation", nn.Tanh()),
    ("output_linear", nn.Linear(8, 1)),
]))
print(seq_model)
for name, param in seq_model.named_parameters():
    print(name, param.shape)
print(seq_model.output_linear.bias, seq_model[0], seq_model[-1].out_features, len(seq_model))
optimizer = optim.SGD(seq_model.parameters(), lr=1e-3)
# (a matrix product's last bit differs between BLAS builds, and this small tanh net amplifies it:
# print few digits, after few epochs)
training_loop_nn(500, optimizer, seq_model, nn.MSELoss(), train_t_un, val_t_un, train_t_c, val_t_c, every=250,
                 digits=2)
print("output", seq_model(val_t_un).detach().round(decimals=1))
print("answer", val_t_c)
print("hidden", seq_model.hidden_linear.weight.grad.round(decimals=1))
t_range = torch.arange(20.0, 90.0).unsqueeze(1)
print(seq_model(0.1 * t_range).detach()[::10].round(decimals=1).squeeze())
print(seq_model[1:], seq_model[:1](torch.ones(1, 1)).shape)
