"""Activation functions as ``nn.Module`` classes with a config dict, in the style of a university deep
learning tutorial: their gradients via autograd on a ``linspace``, per-layer gradient-flow statistics
of a deep network, and counts of dead neurons."""
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.utils.data as data


class ActivationFunction(nn.Module):
    def __init__(self):
        super().__init__()
        self.name = self.__class__.__name__
        self.config = {"name": self.name}


class Sigmoid(ActivationFunction):
    def forward(self, x):
        return 1 / (1 + torch.exp(-x))


class Tanh(ActivationFunction):
    def forward(self, x):
        x_exp, neg_x_exp = torch.exp(x), torch.exp(-x)
        return (x_exp - neg_x_exp) / (x_exp + neg_x_exp)


class ReLU(ActivationFunction):
    def forward(self, x):
        return x * (x > 0).float()


class LeakyReLU(ActivationFunction):
    def __init__(self, alpha=0.1):
        super().__init__()
        self.config["alpha"] = alpha

    def forward(self, x):
        return torch.where(x > 0, x, self.config["alpha"] * x)


class ELU(ActivationFunction):
    def forward(self, x):
        return torch.where(x > 0, x, torch.exp(x) - 1)


class Swish(ActivationFunction):
    def forward(self, x):
        return x * torch.sigmoid(x)


act_fn_by_name = {"sigmoid": Sigmoid, "tanh": Tanh, "relu": ReLU, "leakyrelu": LeakyReLU, "elu": ELU,
                  "swish": Swish}


def get_grads(act_fn, x):
    x = x.clone().requires_grad_()
    out = act_fn(x)
    out.sum().backward()
    return x.grad


torch.manual_seed(42)
x = torch.linspace(-5, 5, 11)
for name, cls in act_fn_by_name.items():
    act = cls()
    y = act(x)
    g = get_grads(act, x)
    print(f"{name:10s}", act.config, y.grad_fn is None)
    print("  y ", y.round(decimals=3))
    print("  dy", g.round(decimals=3))
    ref = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": F.relu, "leakyrelu": lambda t: F.leaky_relu(t, 0.1),
           "elu": F.elu, "swish": F.silu}[name]
    print("  matches builtin:", torch.allclose(y, ref(x), atol=1e-6), torch.allclose(g, get_grads(ref, x), atol=1e-6))
print(repr(Swish()), LeakyReLU(0.2).config)
# the built-in counterparts, listed by name
for fn in (torch.sigmoid, torch.tanh, torch.relu, F.logsigmoid, F.softsign, torch.arctan, torch.erf, torch.clip):
    y = fn(x, -1, 1) if fn is torch.clip else fn(x)
    print(f"{fn.__name__:12s}", y[::5].round(decimals=3))


def second_derivative(act_fn, x):
    x = x.clone().requires_grad_()
    (dy,) = torch.autograd.grad(act_fn(x).sum(), x, create_graph=True)
    (d2y,) = torch.autograd.grad(dy.sum(), x)
    return d2y


x2 = torch.linspace(-2, 2, 9)
prelu = nn.PReLU(init=0.2)
for name, fn in [("sigmoid", Sigmoid()), ("swish", Swish()), ("elu", nn.ELU()), ("gelu", nn.GELU()),
                 ("prelu", lambda t: prelu(t) ** 2), ("glu", lambda t: F.glu(torch.stack([t, t.flip(0)], 1), 1)),
                 ("pool", lambda t: F.avg_pool1d((t ** 3)[None], 3, 1, 1))]:
    print(f"d2 {name:8s}", second_derivative(fn, x2).round(decimals=3))


class BaseNetwork(nn.Module):
    def __init__(self, act_fn, input_size=64, num_classes=10, hidden_sizes=(64, 48, 48, 32, 32)):
        super().__init__()
        layers = []
        layer_sizes = [input_size] + list(hidden_sizes)
        for layer_index in range(1, len(layer_sizes)):
            layers += [nn.Linear(layer_sizes[layer_index - 1], layer_sizes[layer_index]), act_fn]
        layers += [nn.Linear(layer_sizes[-1], num_classes)]
        self.layers = nn.Sequential(*layers)
        self.config = {"act_fn": act_fn.config, "input_size": input_size, "num_classes": num_classes,
                       "hidden_sizes": hidden_sizes}

    def forward(self, x):
        x = x.view(x.size(0), -1)
        return self.layers(x)


# synthetic "images": 8x8 with a class-dependent bright stripe
g = torch.Generator().manual_seed(0)
labels = torch.randint(0, 10, (512,), generator=g)
imgs = torch.randn(512, 1, 8, 8, generator=g) * 0.5
imgs[torch.arange(512), 0, labels % 8, :] += 1.0
imgs[torch.arange(512), 0, :, labels // 2] += 0.5
dataset = data.TensorDataset(imgs, labels)
loader = data.DataLoader(dataset, batch_size=256, shuffle=False)


def visualize_gradients(net):
    net.eval()
    small = data.DataLoader(dataset, batch_size=256, shuffle=False)
    imgs_, labels_ = next(iter(small))
    net.zero_grad()
    preds = net(imgs_)
    loss = F.cross_entropy(preds, labels_)
    loss.backward()
    grads = {name: params.grad.data.view(-1) for name, params in net.named_parameters() if "weight" in name}
    net.zero_grad()
    return grads


for name, cls in act_fn_by_name.items():
    torch.manual_seed(42)
    net = BaseNetwork(act_fn=cls())
    grads = visualize_gradients(net)
    stats = [f"{k.split('.')[1]}:{v.abs().mean().item():.2e}/{v.std().item():.2e}" for k, v in grads.items()]
    print(f"{name:10s}", " ".join(stats))


@torch.no_grad()
def measure_number_dead_neurons(net):
    neurons_dead = [torch.ones(layer.weight.shape[0], dtype=torch.bool)
                    for layer in net.layers[:-1] if isinstance(layer, nn.Linear)]
    net.eval()
    for imgs_, _ in loader:
        layer_index = 0
        x = imgs_.view(imgs_.size(0), -1)
        for layer in net.layers[:-1]:
            x = layer(x)
            if isinstance(layer, ActivationFunction):
                neurons_dead[layer_index] = torch.logical_and(neurons_dead[layer_index], (x == 0).all(dim=0))
                layer_index += 1
    number_neurons_dead = [t.sum().item() for t in neurons_dead]
    print("Number of dead neurons:", number_neurons_dead)
    print("In percentage:", ", ".join([f"{(100.0 * num_dead / tens.shape[0]):4.2f}%"
                                       for tens, num_dead in zip(neurons_dead, number_neurons_dead)]))


def train(net, epochs=3, lr=0.5):
    opt = torch.optim.SGD(net.parameters(), lr=lr, momentum=0.9)
    for epoch in range(epochs):
        net.train()
        total = 0.0
        for x, y in loader:
            opt.zero_grad()
            loss = F.cross_entropy(net(x), y)
            loss.backward()
            opt.step()
            total += loss.item() * x.shape[0]
        net.eval()
        with torch.no_grad():
            acc = (net(imgs).argmax(-1) == labels).float().mean()
        print(f"  epoch {epoch} loss {total / len(dataset):.3f} acc {acc.item():.4f}")


torch.manual_seed(7)
net_relu = BaseNetwork(act_fn=ReLU())
measure_number_dead_neurons(net_relu)
train(net_relu)
measure_number_dead_neurons(net_relu)

torch.manual_seed(7)
net_deep = BaseNetwork(act_fn=ReLU(), hidden_sizes=[32] * 8)
for m in net_deep.modules():
    if isinstance(m, nn.Linear):
        nn.init.normal_(m.weight, std=0.2)
        nn.init.constant_(m.bias, -0.3)
measure_number_dead_neurons(net_deep)
print(net_deep.config["hidden_sizes"], sum(p.numel() for p in net_deep.parameters()))
print(net_deep.layers[:4])
