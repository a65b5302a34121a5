"""A WaveRNN-flavoured vocoder head with a discretized mixture of logistics output, as in the
PixelCNN++ / Parallel WaveNet / WaveRNN "MOL" code: the log-likelihood of 16-bit samples under a
mixture of discretized logistics (softplus, log_sigmoid, logsumexp, torch.where on the edge bins),
sampling with the Gumbel-max trick and inverse-CDF logistic noise, the same logistic built from
torch.distributions transforms, float64 gradcheck of the loss, a GRUCell-driven sample loop, and
the 8+8 bit coarse/fine split of the original WaveRNN."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import Uniform, TransformedDistribution
from torch.distributions.transforms import SigmoidTransform, AffineTransform

torch.manual_seed(99)
NUM_CLASSES = 65536


def log_sum_exp(x):
    m, _ = torch.max(x, dim=-1)
    m2, _ = torch.max(x, dim=-1, keepdim=True)
    return m + torch.log(torch.sum(torch.exp(x - m2), dim=-1))


def discretized_mix_logistic_loss(y_hat, y, num_classes=NUM_CLASSES, log_scale_min=-7.0, reduce=True):
    """y_hat: (B, 3K, T) mixture logits, means, log scales; y: (B, T, 1) in [-1, 1]."""
    nr_mix = y_hat.size(1) // 3
    y_hat = y_hat.transpose(1, 2)
    logit_probs = y_hat[:, :, :nr_mix]
    means = y_hat[:, :, nr_mix:2 * nr_mix]
    log_scales = torch.clamp(y_hat[:, :, 2 * nr_mix:3 * nr_mix], min=log_scale_min)
    y = y.expand_as(means)
    centered_y = y - means
    inv_stdv = torch.exp(-log_scales)
    plus_in = inv_stdv * (centered_y + 1.0 / (num_classes - 1))
    cdf_plus = torch.sigmoid(plus_in)
    min_in = inv_stdv * (centered_y - 1.0 / (num_classes - 1))
    cdf_min = torch.sigmoid(min_in)
    log_cdf_plus = plus_in - F.softplus(plus_in)
    log_one_minus_cdf_min = -F.softplus(min_in)
    cdf_delta = cdf_plus - cdf_min
    mid_in = inv_stdv * centered_y
    log_pdf_mid = mid_in - log_scales - 2.0 * F.softplus(mid_in)
    inner_inner = torch.where(cdf_delta > 1e-5, torch.log(torch.clamp(cdf_delta, min=1e-12)),
                              log_pdf_mid - math.log((num_classes - 1) / 2))
    inner = torch.where(y > 0.999, log_one_minus_cdf_min, inner_inner)
    log_probs = torch.where(y < -0.999, log_cdf_plus, inner)
    log_probs = log_probs + F.log_softmax(logit_probs, -1)
    if reduce:
        return -torch.sum(log_sum_exp(log_probs))
    return -log_sum_exp(log_probs).unsqueeze(-1)


def sample_from_discretized_mix_logistic(y, log_scale_min=-7.0):
    nr_mix = y.size(1) // 3
    y = y.transpose(1, 2)
    logit_probs = y[:, :, :nr_mix]
    temp = logit_probs.data.new(logit_probs.size()).uniform_(1e-5, 1.0 - 1e-5)
    temp = logit_probs.data - torch.log(-torch.log(temp))
    _, argmax = temp.max(dim=-1)
    one_hot = F.one_hot(argmax, nr_mix).float()
    means = torch.sum(y[:, :, nr_mix:2 * nr_mix] * one_hot, dim=-1)
    log_scales = torch.clamp(torch.sum(y[:, :, 2 * nr_mix:3 * nr_mix] * one_hot, dim=-1), min=log_scale_min)
    u = means.data.new(means.size()).uniform_(1e-5, 1.0 - 1e-5)
    x = means + torch.exp(log_scales) * (torch.log(u) - torch.log(1. - u))
    return torch.clamp(torch.clamp(x, min=-1.), max=1.)


B, K, T = 2, 4, 50
y_hat = torch.randn(B, 3 * K, T)
y_hat[:, 2 * K:] = y_hat[:, 2 * K:] - 3.0
t = torch.linspace(0, 1, T)
target = (0.8 * torch.sin(2 * math.pi * 3 * t)).view(1, T, 1).repeat(B, 1, 1)
target[0, :3, 0] = torch.tensor([-1.0, 1.0, 0.9995])
loss = discretized_mix_logistic_loss(y_hat, target)
# (65536 bins: cdf_plus - cdf_min cancels, so the loss keeps fewer digits than its inputs)
print("MoL loss", f"{loss.item():.1f}", "per sample", f"{loss.item() / (B * T):.3f}")
per = discretized_mix_logistic_loss(y_hat, target, reduce=False)
print("unreduced", per.shape, [f"{v:.3f}" for v in per[0, :4, 0].tolist()])

torch.manual_seed(1)
samples = sample_from_discretized_mix_logistic(y_hat)
print("samples", samples.shape, f"{samples.min().item():.4f}", f"{samples.max().item():.4f}")

# the logistic as a transformed uniform: L = mu + s * logit(U)
mu, s = torch.tensor(0.25), torch.tensor(0.1)
logistic = TransformedDistribution(Uniform(0.0, 1.0), [SigmoidTransform().inv, AffineTransform(mu, s)])
xs = torch.tensor([-0.5, 0.0, 0.25, 0.6])
manual = -(xs - mu) / s - torch.log(s) - 2 * F.softplus(-(xs - mu) / s)
print("logistic log_prob", logistic.log_prob(xs), torch.allclose(logistic.log_prob(xs), manual, atol=1e-5))
torch.manual_seed(3)
draws = logistic.sample((4000,))
print("logistic mean/std", f"{draws.mean().item():.2f}", f"{draws.std().item():.2f}",
      "theory std", f"{(s * math.pi / math.sqrt(3)).item():.4f}")
print("cdf", logistic.cdf(torch.tensor([0.25])), "icdf", logistic.icdf(torch.tensor([0.5])))

# float64 gradient check of the loss w.r.t. the network outputs
yh64 = (torch.randn(1, 3 * 2, 5, dtype=torch.float64) * 0.5).requires_grad_()
tg64 = torch.rand(1, 5, 1, dtype=torch.float64) * 1.6 - 0.8
print("gradcheck", torch.autograd.gradcheck(lambda a: discretized_mix_logistic_loss(a, tg64, num_classes=256), (yh64,)))


class MOLRNN(nn.Module):
    def __init__(self, cond_dim=8, hidden=32, K=3):
        super().__init__()
        self.cell = nn.GRUCell(1 + cond_dim, hidden)
        self.fc = nn.Linear(hidden, 3 * K)

    def forward(self, x, cond, h=None):
        # teacher forcing over a (B, T) waveform, one GRUCell step at a time
        outs = []
        for i in range(x.shape[1]):
            h = self.cell(torch.cat([x[:, i:i + 1], cond[:, i]], dim=1), h)
            outs.append(self.fc(h))
        return torch.stack(outs, dim=2), h


model = MOLRNN()
cond = torch.randn(B, T, 8) * 0.1
wav = target.squeeze(-1)
prev = F.pad(wav[:, :-1], (1, 0))
opt = torch.optim.Adam(model.parameters(), lr=5e-3)
for it in range(6):
    out, _ = model(prev, cond)
    loss = discretized_mix_logistic_loss(out, target) / (B * T)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if it % 2 == 1:
        print(f"iter {it} nll/sample {loss.item():.2f}")
print("cell grads", [tuple(p.grad.shape) for p in model.cell.parameters()])

model.eval()
torch.manual_seed(11)
with torch.no_grad():
    x = torch.zeros(1, 1)
    h = None
    gen = []
    for i in range(20):
        h = model.cell(torch.cat([x, cond[:1, i]], dim=1), h)
        x = sample_from_discretized_mix_logistic(model.fc(h).unsqueeze(-1)).view(1, 1)
        gen.append(x.item())
gen = torch.tensor(gen)
print("generated", gen.shape, bool((gen.abs() <= 1).all()))


# WaveRNN's 16-bit split into coarse and fine 8-bit halves
def split_signal(x):
    unsigned = (x + 1.0) * 2 ** 15
    unsigned = unsigned.clamp(0, 2 ** 16 - 1).to(torch.int64)
    return unsigned // 256, unsigned % 256


def combine_signal(coarse, fine):
    return (coarse * 256 + fine).to(torch.float32) / 2 ** 15 - 1.0


c, f = split_signal(torch.tensor([-1.0, -0.5, 0.0, 0.3333, 0.99999, 1.0]))
print("coarse", c.tolist(), "fine", f.tolist())
print("recombined", combine_signal(c, f))
print("bit ops agree", torch.equal(c, torch.bitwise_right_shift(c * 256 + f, 8)), torch.equal(f, (c * 256 + f) & 255))

try:
    discretized_mix_logistic_loss(y_hat, target[:, :40])
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    logistic.log_prob(torch.tensor([[0.1, 0.2]]).T.expand(2, 3).contiguous().view(3, 2).t().view(6))
except RuntimeError as e:
    print("RuntimeError:", e)
