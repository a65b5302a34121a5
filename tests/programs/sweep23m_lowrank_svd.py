"""Low-rank factorization of Linear layers with torch.linalg.svd, as in compression course notebooks
and "SVD-compress your MLP" blog posts: W = U S Vh truncated to rank r and split into two Linear
layers (Vh_r scaled by sqrt(S) then U_r scaled by sqrt(S)), the energy kept per rank, parameter and
FLOP savings, swapping the layers into a model with setattr, and a short fine-tune afterwards."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_printoptions(precision=4, sci_mode=False)


def factorize_linear(layer: nn.Linear, rank: int) -> nn.Sequential:
    W = layer.weight.data                      # (out, in)
    U, S, Vh = torch.linalg.svd(W, full_matrices=False)
    U_r, S_r, Vh_r = U[:, :rank], S[:rank], Vh[:rank, :]
    sqrt_s = torch.diag(S_r.sqrt())
    first = nn.Linear(layer.in_features, rank, bias=False)
    second = nn.Linear(rank, layer.out_features, bias=layer.bias is not None)
    first.weight.data.copy_(sqrt_s @ Vh_r)
    second.weight.data.copy_(U_r @ sqrt_s)
    if layer.bias is not None:
        second.bias.data.copy_(layer.bias.data)
    return nn.Sequential(first, second)


def n_params(m):
    return sum(p.numel() for p in m.parameters())


# a weight that really is close to low rank, so truncation is well conditioned
A = torch.randn(24, 3) @ torch.randn(3, 16) + 0.05 * torch.randn(24, 16)
layer = nn.Linear(16, 24)
with torch.no_grad():
    layer.weight.copy_(A)

U, S, Vh = torch.linalg.svd(layer.weight.data, full_matrices=False)
print("shapes:", tuple(U.shape), tuple(S.shape), tuple(Vh.shape))
print("singular values:", S.round(decimals=3))
energy = torch.cumsum(S ** 2, dim=0) / torch.sum(S ** 2)
print("energy kept:", energy[:6].round(decimals=4))
r90 = int(torch.searchsorted(energy, torch.tensor(0.99)).item()) + 1
print("rank for 99% energy:", r90)
print("orthonormal U:", torch.allclose(U.T @ U, torch.eye(16), atol=1e-5))
print("reconstruct:", torch.allclose(U @ torch.diag(S) @ Vh, layer.weight.data, atol=1e-4))

x = torch.randn(10, 16)
with torch.no_grad():
    ref = layer(x)
    for rank in (1, 2, 3, 4, 8):
        f = factorize_linear(layer, rank)
        err = (f(x) - ref).norm() / ref.norm()
        print(f"rank {rank}: params {n_params(f)} vs {n_params(layer)}, rel err {err.item():.3f}")

# matrix rank and the full SVD
print("matrix_rank:", torch.linalg.matrix_rank(layer.weight.data, atol=0.5).item())
Uf, Sf, Vhf = torch.linalg.svd(layer.weight.data)
print("full_matrices shapes:", tuple(Uf.shape), tuple(Vhf.shape))
print("svdvals equal:", torch.allclose(torch.linalg.svdvals(layer.weight.data), S))


# --- compress an MLP by swapping its Linear layers -----------------------------------------------------
class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(16, 32)
        self.fc2 = nn.Linear(32, 32)
        self.head = nn.Linear(32, 3)

    def forward(self, x):
        return self.head(F.relu(self.fc2(F.relu(self.fc1(x)))))


torch.manual_seed(1)
X = torch.randn(64, 16)
Y = (X[:, :3] * 2 - X[:, 3:6]).argmax(1)
model = MLP()
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
for step in range(40):
    opt.zero_grad()
    loss = F.cross_entropy(model(X), Y)
    loss.backward()
    opt.step()
print(f"trained loss {loss.item():.3f}, params {n_params(model)}")


@torch.no_grad()
def acc(m):
    return (m(X).argmax(1) == Y).float().mean().item()


base_acc = acc(model)
print(f"accuracy before compression: {base_acc:.3f}")
for name, module in list(model.named_children()):
    if isinstance(module, nn.Linear) and module.out_features > 8:
        setattr(model, name, factorize_linear(module, rank=6))
print(model)
print("params after:", n_params(model))
print(f"accuracy after compression: {acc(model):.3f}")

opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
for step in range(20):
    opt.zero_grad()
    loss = F.cross_entropy(model(X), Y)
    loss.backward()
    opt.step()
print(f"fine-tuned loss {loss.item():.3f} accuracy {acc(model):.3f}")
print("state_dict keys:", list(model.state_dict().keys()))
print("factor shapes:", [tuple(p.shape) for p in model.fc1.parameters()])

# Tucker-style: low rank of a conv kernel reshaped to a matrix
conv = nn.Conv2d(4, 8, 3)
Wc = conv.weight.data.reshape(8, -1)
sv = torch.linalg.svdvals(Wc)
print("conv svdvals shape:", tuple(sv.shape), "top ratio:", f"{(sv[0] / sv.sum()).item():.3f}")
