"""Initialisation and optimisation, in the style of a university deep learning tutorial: constant,
constant-variance, Xavier and Kaiming initialisation compared by per-layer activation and gradient
standard deviations, then hand-written SGD, SGD with momentum and Adam classes checked against
``torch.optim`` on a function with pathological curvature."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class Identity(nn.Module):
    def forward(self, x):
        return x


class BaseNetwork(nn.Module):
    def __init__(self, act_fn, input_size=100, num_classes=10, hidden_sizes=(128, 96, 96, 64, 64, 32)):
        super().__init__()
        layers = []
        sizes = [input_size] + list(hidden_sizes)
        for i in range(1, len(sizes)):
            layers += [nn.Linear(sizes[i - 1], sizes[i]), act_fn]
        layers += [nn.Linear(sizes[-1], num_classes)]
        self.layers = nn.ModuleList(layers)

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


torch.manual_seed(42)
inputs = torch.randn(256, 100)
targets = torch.randint(0, 10, (256,))


def weight_and_activation_stats(net, tag):
    acts = {}
    x = inputs
    with torch.no_grad():
        for i, layer in enumerate(net.layers):
            x = layer(x)
            if isinstance(layer, nn.Linear):
                acts[i] = x.std().item()
    net.zero_grad()
    F.cross_entropy(net(inputs), targets).backward()
    grads = [p.grad.std().item() for n, p in net.named_parameters() if n.endswith("weight")]
    print(f"{tag:18s} act std:", " ".join(f"{v:.3g}" for v in acts.values()))
    # a constant init leaves only round-off in the lower layers' gradients: print that as ~0
    print(f"{'':18s} grad std:", " ".join(f"{v:.3g}" if v > 1e-10 else "~0" for v in grads))


def const_init(model, fill=0.005):
    for name, param in model.named_parameters():
        param.data.fill_(fill)


def const_variance_init(model, std=0.01):
    for name, param in model.named_parameters():
        param.data.normal_(std=std)


def xavier_init(model):
    for name, param in model.named_parameters():
        if name.endswith(".bias"):
            param.data.fill_(0)
        else:
            bound = math.sqrt(6) / math.sqrt(param.shape[0] + param.shape[1])
            param.data.uniform_(-bound, bound)


def kaiming_init(model):
    for name, param in model.named_parameters():
        if name.endswith(".bias"):
            param.data.fill_(0)
        elif name.startswith("layers.0"):
            param.data.normal_(0, 1 / math.sqrt(param.shape[1]))
        else:
            param.data.normal_(0, math.sqrt(2) / math.sqrt(param.shape[1]))


for tag, init, act in [("constant", const_init, Identity()), ("const var 0.01", const_variance_init, Identity()),
                       ("const var 0.1", lambda m: const_variance_init(m, 0.1), Identity()),
                       ("xavier", xavier_init, Identity()), ("xavier tanh", xavier_init, nn.Tanh()),
                       ("kaiming relu", kaiming_init, nn.ReLU())]:
    torch.manual_seed(1)
    net = BaseNetwork(act)
    init(net)
    weight_and_activation_stats(net, tag)

torch.manual_seed(3)
lin = nn.Linear(64, 32)
nn.init.kaiming_normal_(lin.weight, nonlinearity="relu")
print("kaiming_normal_ std", f"{lin.weight.std().item():.2f}", nn.init.calculate_gain("relu"),
      nn.init.calculate_gain("tanh"), f"{nn.init.calculate_gain('leaky_relu', 0.2):.4f}")
nn.init.xavier_normal_(lin.weight, gain=nn.init.calculate_gain("tanh"))
print("xavier_normal_ std", f"{lin.weight.std().item():.2f}")


class OptimizerTemplate:
    def __init__(self, params, lr):
        self.params = list(params)
        self.lr = lr

    def zero_grad(self):
        for p in self.params:
            if p.grad is not None:
                p.grad.detach_()
                p.grad.zero_()

    @torch.no_grad()
    def step(self):
        for p in self.params:
            if p.grad is None:
                continue
            self.update_param(p)

    def update_param(self, p):
        raise NotImplementedError


class SGD(OptimizerTemplate):
    def update_param(self, p):
        p.add_(-self.lr * p.grad)


class SGDMomentum(OptimizerTemplate):
    def __init__(self, params, lr, momentum=0.0):
        super().__init__(params, lr)
        self.momentum = momentum
        self.param_momentum = {p: torch.zeros_like(p.data) for p in self.params}

    def update_param(self, p):
        self.param_momentum[p] = (1 - self.momentum) * p.grad + self.momentum * self.param_momentum[p]
        p.add_(-self.lr * self.param_momentum[p])


class Adam(OptimizerTemplate):
    def __init__(self, params, lr, beta1=0.9, beta2=0.999, eps=1e-8):
        super().__init__(params, lr)
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.param_step = {p: 0 for p in self.params}
        self.param_momentum = {p: torch.zeros_like(p.data) for p in self.params}
        self.param_2nd_momentum = {p: torch.zeros_like(p.data) for p in self.params}

    def update_param(self, p):
        self.param_step[p] += 1
        self.param_momentum[p] = (1 - self.beta1) * p.grad + self.beta1 * self.param_momentum[p]
        self.param_2nd_momentum[p] = (1 - self.beta2) * (p.grad) ** 2 + self.beta2 * self.param_2nd_momentum[p]
        bias_correction_1 = 1 - self.beta1 ** self.param_step[p]
        bias_correction_2 = 1 - self.beta2 ** self.param_step[p]
        p_2nd_mom = self.param_2nd_momentum[p] / bias_correction_2
        p_mom = self.param_momentum[p] / bias_correction_1
        p_lr = self.lr / (torch.sqrt(p_2nd_mom) + self.eps)
        p.add_(-p_lr * p_mom)


def pathological_curve_loss(w1, w2):
    x1_loss = torch.tanh(w1) ** 2 + 0.01 * torch.abs(w1)
    x2_loss = torch.sigmoid(w2)
    return x1_loss + x2_loss


def train_curve(optimizer_func, n_iters=100, start=(5.0, 5.0)):
    weights = nn.Parameter(torch.tensor(start), requires_grad=True)
    optimizer = optimizer_func([weights])
    path = []
    for _ in range(n_iters):
        loss = pathological_curve_loss(weights[0], weights[1])
        path.append(weights.data.clone())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return torch.stack(path, dim=0)


for tag, fn in [("SGD", lambda p: SGD(p, lr=10)), ("SGDMom", lambda p: SGDMomentum(p, lr=10, momentum=0.9)),
                ("Adam", lambda p: Adam(p, lr=1))]:
    path = train_curve(fn)
    print(f"{tag:7s} end {path[-1].numpy().round(3).tolist()} min loss "
          f"{pathological_curve_loss(path[:, 0], path[:, 1]).min().item():.4f}")
    print("  ", path[::25].round(decimals=3))

# the same update rules, against the library optimisers
for tag, mine, theirs in [
        ("sgd", lambda p: SGD(p, lr=0.3), lambda p: torch.optim.SGD(p, lr=0.3)),
        ("momentum", lambda p: SGDMomentum(p, lr=0.3, momentum=0.0),
         lambda p: torch.optim.SGD(p, lr=0.3, momentum=0.0)),
        ("adam", lambda p: Adam(p, lr=0.1), lambda p: torch.optim.Adam(p, lr=0.1))]:
    a = train_curve(mine, n_iters=30, start=(2.0, -1.0))
    b = train_curve(theirs, n_iters=30, start=(2.0, -1.0))
    print(f"{tag:9s} close: {torch.allclose(a, b, atol=1e-4)} last {b[-1].numpy().round(4).tolist()}")

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(100, 64), nn.ReLU(), nn.Linear(64, 10))
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
for step in range(30):
    opt.zero_grad()
    loss = F.cross_entropy(model(inputs), targets)
    loss.backward()
    opt.step()
    if step % 10 == 0:
        print(f"step {step:2d} loss {loss.item():.4f}")
print(opt.state_dict()["param_groups"][0]["betas"], sorted(opt.state[model[0].weight].keys()),
      opt.state[model[0].weight]["step"])
