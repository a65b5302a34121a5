"""An "efficient KAN" (Kolmogorov-Arnold network) in the style of the widely copied efficient-kan
repository: a registered grid buffer, B-spline bases by broadcasting comparisons and the Cox-de Boor
recursion, curve2coeff by least squares, base weights through SiLU plus scaled spline weights,
kaiming_uniform_ init with a=sqrt(5)*scale, the L1 + entropy regularisation loss, and fitting a
toy two-variable function with LBFGS-free Adam steps."""
import math

import torch
import torch.nn.functional as F


class KANLinear(torch.nn.Module):
    def __init__(self, in_features, out_features, grid_size=5, spline_order=3, scale_noise=0.1,
                 scale_base=1.0, scale_spline=1.0, enable_standalone_scale_spline=True,
                 base_activation=torch.nn.SiLU, grid_eps=0.02, grid_range=[-1, 1]):
        super(KANLinear, self).__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.grid_size = grid_size
        self.spline_order = spline_order

        h = (grid_range[1] - grid_range[0]) / grid_size
        grid = ((torch.arange(-spline_order, grid_size + spline_order + 1) * h + grid_range[0])
                .expand(in_features, -1).contiguous())
        self.register_buffer("grid", grid)

        self.base_weight = torch.nn.Parameter(torch.Tensor(out_features, in_features))
        self.spline_weight = torch.nn.Parameter(torch.Tensor(out_features, in_features, grid_size + spline_order))
        if enable_standalone_scale_spline:
            self.spline_scaler = torch.nn.Parameter(torch.Tensor(out_features, in_features))

        self.scale_noise = scale_noise
        self.scale_base = scale_base
        self.scale_spline = scale_spline
        self.enable_standalone_scale_spline = enable_standalone_scale_spline
        self.base_activation = base_activation()
        self.grid_eps = grid_eps
        self.reset_parameters()

    def reset_parameters(self):
        torch.nn.init.kaiming_uniform_(self.base_weight, a=math.sqrt(5) * self.scale_base)
        with torch.no_grad():
            noise = ((torch.rand(self.grid_size + 1, self.in_features, self.out_features) - 1 / 2)
                     * self.scale_noise / self.grid_size)
            self.spline_weight.data.copy_(
                (self.scale_spline if not self.enable_standalone_scale_spline else 1.0)
                * self.curve2coeff(self.grid.T[self.spline_order: -self.spline_order], noise))
            if self.enable_standalone_scale_spline:
                torch.nn.init.kaiming_uniform_(self.spline_scaler, a=math.sqrt(5) * self.scale_spline)

    def b_splines(self, x: torch.Tensor):
        assert x.dim() == 2 and x.size(1) == self.in_features
        grid: torch.Tensor = self.grid  # (in_features, grid_size + 2 * spline_order + 1)
        x = x.unsqueeze(-1)
        bases = ((x >= grid[:, :-1]) & (x < grid[:, 1:])).to(x.dtype)
        for k in range(1, self.spline_order + 1):
            bases = ((x - grid[:, : -(k + 1)]) / (grid[:, k:-1] - grid[:, : -(k + 1)]) * bases[:, :, :-1]) + (
                (grid[:, k + 1:] - x) / (grid[:, k + 1:] - grid[:, 1:(-k)]) * bases[:, :, 1:])
        assert bases.size() == (x.size(0), self.in_features, self.grid_size + self.spline_order)
        return bases.contiguous()

    def curve2coeff(self, x: torch.Tensor, y: torch.Tensor):
        assert x.dim() == 2 and x.size(1) == self.in_features
        assert y.size() == (x.size(0), self.in_features, self.out_features)
        A = self.b_splines(x).transpose(0, 1)  # (in_features, batch_size, grid_size + spline_order)
        B = y.transpose(0, 1)  # (in_features, batch_size, out_features)
        solution = torch.linalg.lstsq(A, B).solution  # (in_features, grid_size + spline_order, out_features)
        result = solution.permute(2, 0, 1)
        assert result.size() == (self.out_features, self.in_features, self.grid_size + self.spline_order)
        return result.contiguous()

    @property
    def scaled_spline_weight(self):
        return self.spline_weight * (
            self.spline_scaler.unsqueeze(-1) if self.enable_standalone_scale_spline else 1.0)

    def forward(self, x: torch.Tensor):
        assert x.size(-1) == self.in_features
        original_shape = x.shape
        x = x.reshape(-1, self.in_features)
        base_output = F.linear(self.base_activation(x), self.base_weight)
        spline_output = F.linear(self.b_splines(x).view(x.size(0), -1),
                                 self.scaled_spline_weight.view(self.out_features, -1))
        output = base_output + spline_output
        output = output.reshape(*original_shape[:-1], self.out_features)
        return output

    def regularization_loss(self, regularize_activation=1.0, regularize_entropy=1.0):
        l1_fake = self.spline_weight.abs().mean(-1)
        regularization_loss_activation = l1_fake.sum()
        p = l1_fake / regularization_loss_activation
        regularization_loss_entropy = -torch.sum(p * p.log())
        return (regularize_activation * regularization_loss_activation
                + regularize_entropy * regularization_loss_entropy)

    def extra_repr(self):
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"grid_size={self.grid_size}, spline_order={self.spline_order}")


class KAN(torch.nn.Module):
    def __init__(self, layers_hidden, grid_size=5, spline_order=3, **kw):
        super(KAN, self).__init__()
        self.layers = torch.nn.ModuleList()
        for in_features, out_features in zip(layers_hidden, layers_hidden[1:]):
            self.layers.append(KANLinear(in_features, out_features, grid_size=grid_size,
                                         spline_order=spline_order, **kw))

    def forward(self, x: torch.Tensor):
        for layer in self.layers:
            x = layer(x)
        return x

    def regularization_loss(self, regularize_activation=1.0, regularize_entropy=1.0):
        return sum(layer.regularization_loss(regularize_activation, regularize_entropy)
                   for layer in self.layers)


torch.manual_seed(0)
layer = KANLinear(2, 3, grid_size=4)
print(layer)
print("grid", layer.grid.shape, layer.grid.dtype, layer.grid[0].round(decimals=4))
xs = torch.tensor([[-1.0, -0.3], [0.0, 0.25], [0.5, 0.999]])
bases = layer.b_splines(xs)
print("bases", bases.shape, bases[1].round(decimals=4))
print("partition of unity", bases.sum(-1).round(decimals=5))
cmp = (xs.unsqueeze(-1) >= layer.grid[:, :-1]) & (xs.unsqueeze(-1) < layer.grid[:, 1:])
print("order-0 support", cmp.dtype, cmp.shape, cmp[0, 0].int().tolist(), cmp.sum().item())
print("spline_weight", layer.spline_weight.shape, layer.spline_weight.abs().max().item() < 0.1)
print("scaled", layer.scaled_spline_weight.shape, layer.scaled_spline_weight.grad_fn.name())
print("sd", {k: tuple(v.shape) for k, v in layer.state_dict().items()})

# least squares recovers the coefficients of a spline curve
coef = torch.randn(2, 7, 1)
xg = torch.linspace(-0.99, 0.99, 20).unsqueeze(1).repeat(1, 2)
yg = torch.einsum("bik,iko->bio", layer.b_splines(xg), coef)
single = KANLinear(2, 1, grid_size=4)
rec = single.curve2coeff(xg, yg)
print("curve2coeff", rec.shape, torch.allclose(rec.permute(1, 2, 0), coef, atol=1e-4))

torch.manual_seed(1)


def target(x):
    return torch.exp(torch.sin(math.pi * x[:, [0]]) + x[:, [1]] ** 2)


x_train = torch.rand(256, 2) * 2 - 1
y_train = target(x_train)
x_test = torch.rand(64, 2) * 2 - 1
y_test = target(x_test)
print("data", x_train.shape, y_train.shape, y_train.mean().item().__round__(4))

model = KAN([2, 5, 1], grid_size=5)
print(model)
print("params", sum(p.numel() for p in model.parameters()),
      "trainable", sum(p.numel() for p in model.parameters() if p.requires_grad),
      "buffers", [n for n, _ in model.named_buffers()])
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
for step in range(25):
    optimizer.zero_grad()
    pred = model(x_train)
    mse = F.mse_loss(pred, y_train)
    reg = model.regularization_loss()
    loss = mse + 1e-4 * reg
    loss.backward()
    optimizer.step()
    if step % 5 == 0 or step == 24:
        print(f"step {step:2d} mse {mse.item():.4f} reg {reg.item():.4f} loss {loss.item():.4f}")
with torch.no_grad():
    test_mse = F.mse_loss(model(x_test), y_test).item()
print(f"test mse {test_mse:.4f}")
out = model(torch.zeros(2, 3, 2))
print("batched", out.shape, out.grad_fn.name())
print("grads", [(n, p.grad.abs().sum().item() > 0) for n, p in model.named_parameters()][:3])
w = model.layers[0].spline_weight
print("l1_fake", w.abs().mean(-1).shape, w.abs().mean(-1)[0].round(decimals=4))
try:
    model(torch.zeros(4, 3))
except AssertionError:
    print("AssertionError on wrong in_features")


# grid refinement as in efficient-kan's update_grid: adaptive grid from sorted samples
@torch.no_grad()
def update_grid(layer, x, margin=0.01):
    batch = x.size(0)
    splines = layer.b_splines(x).permute(1, 0, 2)  # (in, batch, coeff)
    orig_coeff = layer.scaled_spline_weight.permute(1, 2, 0)  # (in, coeff, out)
    unreduced_spline_output = torch.bmm(splines, orig_coeff).permute(1, 0, 2)  # (batch, in, out)
    x_sorted = torch.sort(x, dim=0)[0]
    grid_adaptive = x_sorted[torch.linspace(0, batch - 1, layer.grid_size + 1, dtype=torch.int64)]
    uniform_step = (x_sorted[-1] - x_sorted[0] + 2 * margin) / layer.grid_size
    grid_uniform = (torch.arange(layer.grid_size + 1, dtype=torch.float32).unsqueeze(1) * uniform_step
                    + x_sorted[0] - margin)
    grid = layer.grid_eps * grid_uniform + (1 - layer.grid_eps) * grid_adaptive
    grid = torch.concatenate([
        grid[:1] - uniform_step * torch.arange(layer.spline_order, 0, -1).unsqueeze(1),
        grid,
        grid[-1:] + uniform_step * torch.arange(1, layer.spline_order + 1).unsqueeze(1)], dim=0)
    layer.grid.copy_(grid.T)
    layer.spline_weight.data.copy_(layer.curve2coeff(x, unreduced_spline_output))
    return unreduced_spline_output


lay0 = model.layers[0]
x_in = x_train[:64]
before = lay0(x_in).detach()
uso = update_grid(lay0, x_in)
after = lay0(x_in).detach()
print("update_grid", uso.shape, lay0.grid.shape, lay0.grid[0, :4].round(decimals=3))
print("refit error small", (before - after).abs().max().item() < 0.05)
print("linspace int64", torch.linspace(0, 63, 6, dtype=torch.int64).tolist(), torch.sort(x_in, dim=0)[1][:2].tolist())
sol = torch.linalg.lstsq(torch.randn(2, 6, 3), torch.randn(2, 6, 1))
print("lstsq", type(sol).__name__, sol.solution.shape, sol.residuals.shape, sol.rank.shape, sol.singular_values.shape)
# (LAPACK sgelsy in float32 in torch, so the exact solution 1 comes out a few ulps off: rounded)
exact = torch.linalg.lstsq(torch.tensor([[1.0, 0.0], [0.0, 2.0], [1.0, 1.0]]), torch.tensor([[1.0], [2.0], [2.0]]))
print(exact.solution.round(decimals=4))
