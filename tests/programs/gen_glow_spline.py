"""Flow building blocks in the style of Glow and neural spline flows: ActNorm with data-dependent
init, an invertible 1x1 convolution (slogdet, and its LU-decomposed form), squeeze via
pixel_unshuffle, rational-quadratic splines (searchsorted, cumsum, F.pad, gather), and
TransformedDistribution with torch.distributions.transforms."""
import math
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import Normal, TransformedDistribution, Uniform
from torch.distributions import transforms as T

torch.manual_seed(21)
random.seed(21)
np.random.seed(21)


class ActNorm(nn.Module):
    def __init__(self, num_features):
        super().__init__()
        self.loc = nn.Parameter(torch.zeros(1, num_features, 1, 1))
        self.logs = nn.Parameter(torch.zeros(1, num_features, 1, 1))
        self.register_buffer("initialized", torch.tensor(0, dtype=torch.uint8))

    @torch.no_grad()
    def initialize(self, x):
        mean = x.mean(dim=(0, 2, 3), keepdim=True)
        std = x.std(dim=(0, 2, 3), keepdim=True)
        self.loc.data.copy_(-mean)
        self.logs.data.copy_(torch.log(1 / (std + 1e-6)))
        self.initialized.fill_(1)

    def forward(self, x):
        if self.initialized.item() == 0:
            self.initialize(x)
        _, _, h, w = x.shape
        y = (x + self.loc) * torch.exp(self.logs)
        return y, h * w * torch.sum(self.logs)


class InvConv2d(nn.Module):
    def __init__(self, c):
        super().__init__()
        q, _ = torch.linalg.qr(torch.randn(c, c))
        self.weight = nn.Parameter(q.unsqueeze(2).unsqueeze(3))

    def forward(self, x):
        _, _, h, w = x.shape
        out = F.conv2d(x, self.weight)
        logdet = h * w * torch.slogdet(self.weight.squeeze().double())[1].float()
        return out, logdet

    def reverse(self, y):
        return F.conv2d(y, self.weight.squeeze().inverse().unsqueeze(2).unsqueeze(3))


class InvConv2dLU(nn.Module):
    def __init__(self, c):
        super().__init__()
        w = torch.linalg.qr(torch.randn(c, c))[0]
        P, L, U = torch.linalg.lu(w)
        s = torch.diag(U)
        self.register_buffer("w_p", P)
        self.register_buffer("u_mask", torch.triu(torch.ones(c, c), 1))
        self.register_buffer("l_mask", self.u_mask.T.clone())
        self.register_buffer("s_sign", torch.sign(s))
        self.register_buffer("l_eye", torch.eye(c))
        self.w_l = nn.Parameter(L)
        self.w_s = nn.Parameter(torch.log(torch.abs(s)))
        self.w_u = nn.Parameter(torch.triu(U, 1))

    def calc_weight(self):
        weight = self.w_p @ (self.w_l * self.l_mask + self.l_eye) @ \
            ((self.w_u * self.u_mask) + torch.diag(self.s_sign * torch.exp(self.w_s)))
        return weight.unsqueeze(2).unsqueeze(3)

    def forward(self, x):
        _, _, h, w = x.shape
        return F.conv2d(x, self.calc_weight()), h * w * torch.sum(self.w_s)


x = torch.randn(16, 3, 4, 4) * 2 + 1
actnorm = ActNorm(3)
y, ld = actnorm(x)
print("actnorm init:", actnorm.initialized.item(), f"mean {y.mean().item():.4f} std {y.std().item():.3f} logdet {ld.item():.3f}")
squeezed = F.pixel_unshuffle(y, 2)
print("squeeze:", squeezed.shape, torch.equal(F.pixel_shuffle(squeezed, 2), y))
conv = InvConv2d(12)
z, ld1 = conv(squeezed)
print(f"1x1 conv logdet {ld1.item():.4f}", "inverse ok:", torch.allclose(conv.reverse(z), squeezed, atol=1e-5))
lu = InvConv2dLU(12)
z2, ld2 = lu(squeezed)
w = lu.calc_weight().squeeze()
print("LU logdet matches slogdet:", torch.allclose(ld2 / 4, torch.linalg.slogdet(w)[1], atol=1e-4))
print("|det| ~ 1:", f"{torch.det(w).abs().item():.4f}")
(z2.pow(2).sum() - ld2).backward()
print("grads:", [tuple(p.grad.shape) for p in lu.parameters()])
sign, logabsdet = torch.linalg.slogdet(torch.tensor([[2.0, 1.0], [1.0, 3.0]], requires_grad=True))
print(sign, logabsdet)


DEFAULT_MIN_BIN_WIDTH = DEFAULT_MIN_BIN_HEIGHT = DEFAULT_MIN_DERIVATIVE = 1e-3


def searchsorted(bin_locations, inputs, eps=1e-6):
    bin_locations[..., -1] += eps
    return torch.sum(inputs[..., None] >= bin_locations, dim=-1) - 1


def rational_quadratic_spline(inputs, unnormalized_widths, unnormalized_heights, unnormalized_derivatives,
                              left=0.0, right=1.0, bottom=0.0, top=1.0):
    num_bins = unnormalized_widths.shape[-1]
    widths = F.softmax(unnormalized_widths, dim=-1)
    widths = DEFAULT_MIN_BIN_WIDTH + (1 - DEFAULT_MIN_BIN_WIDTH * num_bins) * widths
    cumwidths = torch.cumsum(widths, dim=-1)
    cumwidths = F.pad(cumwidths, pad=(1, 0), mode="constant", value=0.0)
    cumwidths = (right - left) * cumwidths + left
    cumwidths[..., 0] = left
    cumwidths[..., -1] = right
    widths = cumwidths[..., 1:] - cumwidths[..., :-1]
    derivatives = DEFAULT_MIN_DERIVATIVE + F.softplus(unnormalized_derivatives)
    heights = F.softmax(unnormalized_heights, dim=-1)
    heights = DEFAULT_MIN_BIN_HEIGHT + (1 - DEFAULT_MIN_BIN_HEIGHT * num_bins) * heights
    cumheights = torch.cumsum(heights, dim=-1)
    cumheights = F.pad(cumheights, pad=(1, 0), mode="constant", value=0.0)
    cumheights = (top - bottom) * cumheights + bottom
    cumheights[..., 0] = bottom
    cumheights[..., -1] = top
    heights = cumheights[..., 1:] - cumheights[..., :-1]

    bin_idx = searchsorted(cumwidths, inputs)[..., None]
    input_cumwidths = cumwidths.gather(-1, bin_idx)[..., 0]
    input_bin_widths = widths.gather(-1, bin_idx)[..., 0]
    input_cumheights = cumheights.gather(-1, bin_idx)[..., 0]
    delta = heights / widths
    input_delta = delta.gather(-1, bin_idx)[..., 0]
    input_derivatives = derivatives.gather(-1, bin_idx)[..., 0]
    input_derivatives_plus_one = derivatives[..., 1:].gather(-1, bin_idx)[..., 0]
    input_heights = heights.gather(-1, bin_idx)[..., 0]

    theta = (inputs - input_cumwidths) / input_bin_widths
    theta_one_minus_theta = theta * (1 - theta)
    numerator = input_heights * (input_delta * theta.pow(2) + input_derivatives * theta_one_minus_theta)
    denominator = input_delta + ((input_derivatives + input_derivatives_plus_one - 2 * input_delta)
                                 * theta_one_minus_theta)
    outputs = input_cumheights + numerator / denominator
    derivative_numerator = input_delta.pow(2) * (input_derivatives_plus_one * theta.pow(2)
                                                 + 2 * input_delta * theta_one_minus_theta
                                                 + input_derivatives * (1 - theta).pow(2))
    logabsdet = torch.log(derivative_numerator) - 2 * torch.log(denominator)
    return outputs, logabsdet


K = 5
params = nn.Parameter(torch.randn(3 * K + 1) * 0.5)
u = torch.rand(400)
target = torch.distributions.Beta(torch.tensor(2.0), torch.tensor(5.0))
data = target.sample((400,))
opt = torch.optim.Adam([params], lr=5e-2)
for step in range(100):
    w_, h_, d_ = params[:K], params[K:2 * K], params[2 * K:]
    xin = data.clamp(1e-4, 1 - 1e-4)
    out, lad = rational_quadratic_spline(xin, w_.expand(400, K), h_.expand(400, K), d_.expand(400, K + 1))
    # the spline maps data to a uniform base: log p(x) = log u(f(x)) + log|f'(x)| = log|f'(x)|
    nll = -lad.mean()
    opt.zero_grad()
    nll.backward()
    opt.step()
    if step % 25 == 0:
        print(f"spline step {step:3d}  nll {nll.item():.2f}")
print("monotone:", bool((torch.diff(out[torch.argsort(xin)]) >= 0).all()))
print(f"true nll {-target.log_prob(xin).mean().item():.2f}")
print(torch.searchsorted(torch.tensor([0.0, 0.25, 0.5, 1.0]), torch.tensor([0.1, 0.5, 0.9]), right=True))
print(torch.bucketize(torch.tensor([0.1, 0.5, 0.9]), torch.tensor([0.0, 0.25, 0.5, 1.0])))

# distributions.transforms: a logistic distribution, a log-normal, an affine-tanh squashed Gaussian
logistic = TransformedDistribution(Uniform(0.0, 1.0), [T.SigmoidTransform().inv, T.AffineTransform(loc=1.0, scale=2.0)])
pts = torch.tensor([-1.0, 0.0, 1.0, 3.0])
print(logistic.log_prob(pts))
lognormal = TransformedDistribution(Normal(0.0, 0.5), [T.ExpTransform()])
print(lognormal.log_prob(torch.tensor([0.5, 1.0, 2.0])))
print(torch.distributions.LogNormal(0.0, 0.5).log_prob(torch.tensor([0.5, 1.0, 2.0])))
squash = TransformedDistribution(Normal(torch.zeros(2), torch.ones(2)),
                                 T.ComposeTransform([T.AffineTransform(0.5, 2.0), T.TanhTransform(cache_size=1)]))
a = squash.rsample((3,))
print(a.shape, bool((a.abs() < 1).all()), squash.log_prob(a).shape)
print(T.AffineTransform(1.0, 2.0).log_abs_det_jacobian(pts, 2 * pts + 1))
st = T.StickBreakingTransform()
simplex = st(torch.tensor([0.3, -0.2, 1.0]))
print(simplex, simplex.sum().item())
print(st.inv(simplex))
print(T.SoftmaxTransform()(torch.tensor([1.0, 2.0, 3.0])))
