"""d2l.ai "Builders' Guide": lazy initialization, custom layers, parameter access, sharing and init."""
import torch
from torch import nn
from torch.nn import functional as F

torch.manual_seed(0)

# ---- lazy initialization: shapes are inferred at the first forward pass -------------------------
net = nn.Sequential(nn.LazyLinear(8), nn.ReLU(), nn.LazyLinear(3))
print(net)
print(net[0].weight)
print(type(net[0].weight).__name__, net[0].has_uninitialized_params())
X = torch.rand(2, 5)
out = net(X)
print(net)
print(type(net[0].weight).__name__, net[0].weight.shape, net[0].in_features)
print([(name, tuple(p.shape)) for name, p in net.named_parameters()])
print(out.shape, out.grad_fn.__class__.__name__)

cnn = nn.Sequential(nn.LazyConv2d(4, kernel_size=3, padding=1), nn.LazyBatchNorm2d(), nn.ReLU(),
                    nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.LazyLinear(2))
print(cnn)
y = cnn(torch.randn(3, 2, 6, 6))
print(cnn)
print(y.shape, cnn[1].running_mean.shape, cnn[1].num_batches_tracked)
print(round(y.abs().sum().item(), 4))


# ---- parameter access ------------------------------------------------------------------------
print(net[2].state_dict().keys())
print(type(net[2].bias), net[2].bias.data.shape, net[2].weight.grad is None)
print(*[(name, param.shape) for name, param in net.named_parameters()], sep="\n")


# ---- initialization ----------------------------------------------------------------------------
def init_normal(module):
    if type(module) == nn.Linear:
        nn.init.normal_(module.weight, mean=0, std=0.01)
        nn.init.zeros_(module.bias)


def init_constant(module):
    if type(module) == nn.Linear:
        nn.init.constant_(module.weight, 1)
        nn.init.zeros_(module.bias)


def my_init(module):
    if type(module) == nn.Linear:
        print("Init", *[(name, param.shape) for name, param in module.named_parameters()][0])
        nn.init.uniform_(module.weight, -10, 10)
        module.weight.data *= module.weight.data.abs() >= 5


mlp = nn.Sequential(nn.Linear(4, 6), nn.ReLU(), nn.Linear(6, 1))
mlp.apply(init_normal)
print(mlp[0].weight.data[0], mlp[0].bias.data[0])
mlp.apply(init_constant)
print(mlp[0].weight.data[0], mlp[0].bias.data[0])
mlp.apply(my_init)
print(mlp[0].weight[:2])
mlp[0].weight.data[:] += 1
mlp[0].weight.data[0, 0] = 42
print(mlp[0].weight.data[0])
nn.init.xavier_uniform_(mlp[0].weight)
nn.init.kaiming_normal_(mlp[2].weight, nonlinearity="relu")
print(mlp[0].weight.std().item() < 1, round(mlp[2].weight.norm().item(), 4))

# ---- tied parameters -----------------------------------------------------------------------
shared = nn.LazyLinear(8)
tied = nn.Sequential(nn.LazyLinear(8), nn.ReLU(), shared, nn.ReLU(), shared, nn.ReLU(), nn.LazyLinear(1))
tied(X)
print(tied[2].weight.data[0] == tied[4].weight.data[0])
tied[2].weight.data[0, 0] = 100
print(tied[2].weight.data[0] == tied[4].weight.data[0])
print(len(list(tied.parameters())), sum(p.numel() for p in tied.parameters()))


# ---- custom layers ---------------------------------------------------------------------------
class CenteredLayer(nn.Module):
    def forward(self, X):
        return X - X.mean()


class MyLinear(nn.Module):
    def __init__(self, in_units, units):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(in_units, units))
        self.bias = nn.Parameter(torch.randn(units,))

    def forward(self, X):
        linear = torch.matmul(X, self.weight.data) + self.bias.data
        return F.relu(linear)


layer = CenteredLayer()
print(layer(torch.tensor([1.0, 2, 3, 4, 5])))
seq = nn.Sequential(nn.Linear(8, 128), CenteredLayer())
Y = seq(torch.rand(4, 8))
print(abs(Y.mean().item()) < 1e-6)
linear = MyLinear(5, 3)
print(linear.weight)
print(linear(torch.rand(2, 5)))
net2 = nn.Sequential(MyLinear(64, 8), MyLinear(8, 1))
print(net2(torch.rand(2, 64)).shape)
print(net2)

# ---- lazy module errors and misc ----------------------------------------------------------------
lz = nn.LazyLinear(4)
try:
    lz.weight.sum()
except Exception as e:
    print(type(e).__name__, str(e)[:80])
print(nn.LazyLinear(4, bias=False))
print(nn.LazyConv1d(3, 2).__class__.__name__, nn.LazyBatchNorm1d().__class__.__name__)
