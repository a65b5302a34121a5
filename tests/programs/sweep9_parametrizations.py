"""The parametrizations tutorial: torch.nn.utils.parametrize with hand-written Symmetric, SkewSymmetric,
MatrixExponential and NoiseParametrization classes, right_inverse, caching, removal, and the built-in
orthogonal / weight_norm / spectral_norm parametrizations."""
import torch
import torch.nn as nn
import torch.nn.utils.parametrize as P
from torch.nn.utils import parametrizations

torch.manual_seed(0)


class Symmetric(nn.Module):
    def forward(self, X):
        return X.triu() + X.triu(1).transpose(-1, -2)


class SkewSymmetric(nn.Module):
    def forward(self, X):
        A = X.triu(1)
        return A - A.transpose(-1, -2)


class MatrixExponential(nn.Module):
    def forward(self, X):
        return torch.matrix_exp(X)


class CayleyMap(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.register_buffer("Id", torch.eye(n))

    def forward(self, X):
        return torch.linalg.solve(self.Id - X, self.Id + X)


layer = nn.Linear(3, 3)
P.register_parametrization(layer, "weight", Symmetric())
A = layer.weight
print(torch.allclose(A, A.T), A.grad_fn.name())
print(layer)
print(layer.parametrizations)
print(layer.parametrizations.weight.original.shape, P.is_parametrized(layer), P.is_parametrized(layer, "bias"))
print([name for name, _ in layer.named_parameters()])
print(type(layer).__name__, type(layer).__mro__[1].__name__)

layer = nn.Linear(3, 3)
P.register_parametrization(layer, "weight", SkewSymmetric())
P.register_parametrization(layer, "weight", CayleyMap(3))
X = layer.weight
print(torch.dist(X.T @ X, torch.eye(3)) < 1e-5, len(layer.parametrizations.weight))
print(layer.parametrizations.weight)

layer_orthogonal = nn.Linear(3, 3)
P.register_parametrization(layer_orthogonal, "weight", SkewSymmetric())
P.register_parametrization(layer_orthogonal, "weight", MatrixExponential())
Q = layer_orthogonal.weight
print(torch.dist(Q.T @ Q, torch.eye(3)) < 1e-5)


class NoisyParametrization(nn.Module):
    def forward(self, X):
        print("Computing the Parametrization")
        return X


class Symmetric2(nn.Module):
    def forward(self, X):
        return X.triu() + X.triu(1).transpose(-1, -2)

    def right_inverse(self, A):
        return A.triu()


layer = nn.Linear(4, 4)
P.register_parametrization(layer, "weight", NoisyParametrization())
print("Here, layer.weight is recomputed every time we call it")
foo = layer.weight + layer.weight.T
bar = layer.weight.sum()
with P.cached():
    print("Here, it is computed just the first time layer.weight is called")
    foo = layer.weight + layer.weight.T
    bar = layer.weight.sum()

layer = nn.Linear(3, 3)
P.register_parametrization(layer, "weight", Symmetric2())
X = torch.rand(3, 3)
X = X + X.T
layer.weight = X
print(torch.allclose(layer.weight, X), torch.allclose(layer.parametrizations.weight.original, X.triu()))
print(layer.parametrizations.weight.original.round(decimals=4))

layer = nn.Linear(3, 3)
print("Before:")
print(layer)
print(layer.weight.round(decimals=4))
P.register_parametrization(layer, "weight", Symmetric())
print("\nParametrized:")
print(layer.weight.round(decimals=4))
P.remove_parametrizations(layer, "weight")
print("\nAfter. Weight has skew-symmetric values but it is unconstrained:")
print(layer)
print(layer.weight.round(decimals=4))

layer = nn.Linear(3, 3)
P.register_parametrization(layer, "weight", Symmetric())
P.remove_parametrizations(layer, "weight", leave_parametrized=False)
print(layer.weight.requires_grad, type(layer.weight).__name__)

# ---- built-in parametrizations ------------------------------------------------------------------------
orth = parametrizations.orthogonal(nn.Linear(4, 4))
W = orth.weight
print(torch.dist(W.T @ W, torch.eye(4)).item() < 1e-5, orth.parametrizations.weight[0].__class__.__name__)
wn = parametrizations.weight_norm(nn.Linear(5, 2))
print(wn.parametrizations.weight.original0.shape, wn.parametrizations.weight.original1.shape)
print(torch.allclose(wn.weight.norm(dim=1), wn.parametrizations.weight.original0.squeeze()))
sn = parametrizations.spectral_norm(nn.Linear(6, 4))
sigma_before = torch.linalg.matrix_norm(sn.weight.detach(), ord=2)
for _ in range(10):
    sn(torch.randn(2, 6))
print(round(torch.linalg.matrix_norm(sn.weight.detach(), ord=2).item(), 2), sigma_before.item() < 1.5)
print(sorted(sn.state_dict().keys()))
opt = torch.optim.SGD(wn.parameters(), lr=0.1)
loss = wn(torch.ones(3, 5)).pow(2).sum()
loss.backward()
opt.step()
print(loss.item().__round__(4), [p.grad.shape for p in wn.parameters()])
