"""In the style of PyTorch's "fusing convolution and batch norm using custom Function" tutorial.

A learner writes a convolution and a batch norm as autograd Functions whose backward passes are
written by hand (the convolution's through torch.nn.grad), checks them with gradcheck in double
precision, fuses the two into one Function that saves less for backward, and trains a tiny net
built from it next to the unfused nn version."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.autograd.function import once_differentiable

torch.manual_seed(0)


def convolution_backward(grad_out, X, weight):
    grad_input = F.conv2d(X.transpose(0, 1), grad_out.transpose(0, 1)).transpose(0, 1)
    grad_X = F.conv_transpose2d(grad_out, weight)
    return grad_X, grad_input


class Conv2D(torch.autograd.Function):
    @staticmethod
    def forward(ctx, X, weight):
        ctx.save_for_backward(X, weight)
        return F.conv2d(X, weight)

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_out):
        X, weight = ctx.saved_tensors
        return convolution_backward(grad_out, X, weight)


weight = torch.rand(5, 3, 3, 3, requires_grad=True, dtype=torch.double)
X = torch.rand(2, 3, 5, 5, requires_grad=True, dtype=torch.double)
print("conv gradcheck:", torch.autograd.gradcheck(Conv2D.apply, (X, weight)))

# the same gradients from torch.nn.grad
out = F.conv2d(X, weight)
go = torch.randn_like(out)
gx = torch.nn.grad.conv2d_input(X.shape, weight, go)
gw = torch.nn.grad.conv2d_weight(X, weight.shape, go)
mx, mw = convolution_backward(go, X, weight)
print("nn.grad agrees:", torch.allclose(gx, mx), torch.allclose(gw, mw), gx.shape, gw.shape)
try:
    torch.nn.grad.conv2d_input(X.shape, weight, go[:, :4])
except RuntimeError as e:
    print("RuntimeError:", e)


def unsqueeze_all(t):
    return t[None, :, None, None]


def batch_norm_backward(grad_out, X, sum, sqrt_var, N, eps):
    tmp = ((X - unsqueeze_all(sum) / N) * grad_out).sum(dim=(0, 2, 3))
    tmp *= -1
    d_denom = tmp / (sqrt_var + eps) ** 2
    d_var = d_denom / (2 * sqrt_var)
    d_mean_dx = grad_out / unsqueeze_all(sqrt_var + eps)
    d_mean_dx = unsqueeze_all(-d_mean_dx.sum(dim=(0, 2, 3)) / N)
    grad_input = X * unsqueeze_all(d_var * N)
    grad_input += unsqueeze_all(-d_var * sum)
    grad_input *= 2 / ((N - 1) * N)
    grad_input += d_mean_dx
    grad_input *= unsqueeze_all(sqrt_var + eps)
    grad_input += grad_out
    grad_input /= unsqueeze_all(sqrt_var + eps)
    return grad_input


class BatchNorm(torch.autograd.Function):
    @staticmethod
    def forward(ctx, X, eps=1e-3):
        sum = X.sum(dim=(0, 2, 3))
        var = X.var(unbiased=True, dim=(0, 2, 3))
        N = X.numel() / X.size(1)
        sqrt_var = torch.sqrt(var)
        ctx.save_for_backward(X)
        ctx.eps = eps
        ctx.sum = sum
        ctx.N = N
        ctx.sqrt_var = sqrt_var
        mean = sum / N
        denom = sqrt_var + eps
        out = X - unsqueeze_all(mean)
        out /= unsqueeze_all(denom)
        return out

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_out):
        X, = ctx.saved_tensors
        return batch_norm_backward(grad_out, X, ctx.sum, ctx.sqrt_var, ctx.N, ctx.eps)


a = torch.rand(1, 2, 3, 4, requires_grad=True, dtype=torch.double)
print("bn gradcheck:", torch.autograd.gradcheck(BatchNorm.apply, (a,), fast_mode=False))


class FusedConvBN2DFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, X, conv_weight, eps=1e-3):
        assert X.ndim == 4
        ctx.save_for_backward(X, conv_weight)
        X = F.conv2d(X, conv_weight)
        sum = X.sum(dim=(0, 2, 3))
        var = X.var(unbiased=True, dim=(0, 2, 3))
        N = X.numel() / X.size(1)
        sqrt_var = torch.sqrt(var)
        ctx.eps = eps
        ctx.sum = sum
        ctx.N = N
        ctx.sqrt_var = sqrt_var
        mean = sum / N
        denom = sqrt_var + eps
        out = X - unsqueeze_all(mean)
        out /= unsqueeze_all(denom)
        return out

    @staticmethod
    def backward(ctx, grad_out):
        X, conv_weight, = ctx.saved_tensors
        X_conv_out = F.conv2d(X, conv_weight)        # recomputed: saves memory
        grad_out = batch_norm_backward(grad_out, X_conv_out, ctx.sum, ctx.sqrt_var, ctx.N, ctx.eps)
        grad_X, grad_input = convolution_backward(grad_out, X, conv_weight)
        return grad_X, grad_input, None, None, None, None, None


weight = torch.rand(5, 3, 3, 3, requires_grad=True, dtype=torch.double)
X = torch.rand(2, 3, 4, 4, requires_grad=True, dtype=torch.double)
print("fused gradcheck:", torch.autograd.gradcheck(FusedConvBN2DFunction.apply, (X, weight)))
y = FusedConvBN2DFunction.apply(X, weight)
print(type(y.grad_fn).__name__, y.shape, y.dtype)


class FusedConvBN(nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size, exp_avg_factor=0.1, eps=1e-3):
        super().__init__()
        weight_shape = (out_channels, in_channels, kernel_size, kernel_size)
        self.conv_weight = nn.Parameter(torch.empty(*weight_shape))
        nn.init.kaiming_uniform_(self.conv_weight, nonlinearity="linear")
        self.eps = eps

    def forward(self, X):
        return FusedConvBN2DFunction.apply(X, self.conv_weight, self.eps)


def make_net(fused):
    torch.manual_seed(1)
    if fused:
        block1, block2 = FusedConvBN(1, 8, 3), FusedConvBN(8, 8, 3)
    else:
        block1 = nn.Sequential(nn.Conv2d(1, 8, 3, bias=False), nn.BatchNorm2d(8, affine=False, eps=1e-3))
        block2 = nn.Sequential(nn.Conv2d(8, 8, 3, bias=False), nn.BatchNorm2d(8, affine=False, eps=1e-3))
    return nn.Sequential(block1, nn.ReLU(), block2, nn.ReLU(), nn.Flatten(), nn.Linear(8 * 8 * 8, 3))


torch.manual_seed(2)
data = torch.randn(32, 1, 12, 12)
target = torch.randint(0, 3, (32,))
for fused in (False, True):
    net = make_net(fused)
    print(net[0])
    opt = torch.optim.SGD(net.parameters(), lr=0.05)
    for step in range(15):
        opt.zero_grad()
        loss = F.cross_entropy(net(data), target)
        loss.backward()
        opt.step()
        if step % 7 == 0:
            print(f"fused={fused} step {step} loss {loss.item():.4f}")
    print("params:", sum(p.numel() for p in net.parameters()))
