"""Handwriting generation in the style of Graves (2013): online strokes as (dx, dy, pen) offsets,
an LSTM with a mixture density output of bivariate Gaussians with correlation rho plus a Bernoulli
end-of-stroke, the loss written by hand and checked against torch.distributions (MixtureSameFamily
over MultivariateNormal with scale_tril), sampling with a temperature/bias, and strokes turned back
into absolute coordinates with cumsum."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.distributions as D

torch.manual_seed(13)


def synth_strokes(n_pts=40):
    # a cursive "loop" letter: a sum of two circles, lifted once
    t = torch.linspace(0, 2 * math.pi, n_pts)
    x = torch.cos(t) * 2 + 0.5 * torch.cos(3 * t) + 0.1 * torch.randn(n_pts)
    y = torch.sin(t) * 3 + 0.5 * torch.sin(2 * t) + 0.1 * torch.randn(n_pts)
    xy = torch.stack([x, y], 1)
    d = torch.diff(xy, dim=0, prepend=xy[:1])
    pen = torch.zeros(n_pts, 1)
    pen[n_pts // 2] = 1
    pen[-1] = 1
    return torch.cat([d, pen], 1)


batch = torch.stack([synth_strokes() for _ in range(6)])       # (N, T, 3)
print("strokes", batch.shape, "pen lifts per sample", batch[..., 2].sum(1).tolist())
std, mean = torch.std_mean(batch[..., :2].reshape(-1, 2), dim=0)
print("offset mean", mean, "std", std)
batch[..., :2] = (batch[..., :2] - mean) / std
x_in, x_out = batch[:, :-1], batch[:, 1:]


class MDNRNN(nn.Module):
    def __init__(self, hidden=32, K=5):
        super().__init__()
        self.K = K
        self.lstm = nn.LSTM(3, hidden, num_layers=2, batch_first=True, dropout=0.0)
        self.head = nn.Linear(hidden, 1 + 6 * K)

    def forward(self, x, state=None):
        h, state = self.lstm(x, state)
        p = self.head(h)
        e_logit, pi_logit, mu, log_sig, rho_raw = torch.split(p, [1, self.K, 2 * self.K, 2 * self.K, self.K], -1)
        mu = mu.unflatten(-1, (self.K, 2))
        sig = log_sig.unflatten(-1, (self.K, 2)).exp()
        return e_logit.squeeze(-1), pi_logit, mu, sig, torch.tanh(rho_raw), state


def graves_nll(out, target):
    e_logit, pi_logit, mu, sig, rho = out
    x = target[..., :2].unsqueeze(-2)
    z = (x - mu) / sig
    zx, zy = z.unbind(-1)
    one_m = 1 - rho.pow(2)
    log_n = (-(zx ** 2 + zy ** 2 - 2 * rho * zx * zy) / (2 * one_m)
             - torch.log(2 * math.pi * sig.prod(-1) * one_m.sqrt()))
    log_mix = torch.logsumexp(F.log_softmax(pi_logit, -1) + log_n, -1)
    bce = F.binary_cross_entropy_with_logits(e_logit, target[..., 2], reduction="none")
    return (-log_mix + bce).mean()


def as_distribution(out):
    e_logit, pi_logit, mu, sig, rho = out
    sx, sy = sig.unbind(-1)
    L = torch.zeros(*sig.shape[:-1], 2, 2)
    L[..., 0, 0] = sx
    L[..., 1, 0] = rho * sy
    L[..., 1, 1] = sy * torch.sqrt(1 - rho ** 2)
    comp = D.MultivariateNormal(mu, scale_tril=L)
    mix = D.MixtureSameFamily(D.Categorical(logits=pi_logit), comp)
    return mix, D.Bernoulli(logits=e_logit)


model = MDNRNN()
print(model)
out = model(x_in)[:5]
hand = graves_nll(out, x_out)
mix, pen = as_distribution(out)
lib = (-mix.log_prob(x_out[..., :2]) - pen.log_prob(x_out[..., 2])).mean()
print("hand nll", f"{hand.item():.4f}", "library nll", f"{lib.item():.4f}",
      "agree", torch.allclose(hand, lib, atol=1e-4))
print("mixture", mix.batch_shape, mix.event_shape, "pen", pen.batch_shape)
print(D.Categorical(logits=out[1][0, 0]))

opt = torch.optim.RMSprop(model.parameters(), lr=3e-3, alpha=0.95, eps=1e-4, momentum=0.9, centered=True)
for it in range(20):
    opt.zero_grad()
    loss = graves_nll(model(x_in)[:5], x_out)
    loss.backward()
    for p in model.parameters():
        p.grad.clamp_(-10, 10)
    opt.step()
    if it % 5 == 0:
        print(f"iter {it:2d} nll {loss.item():.4f}")

# sampling with a bias (Graves' "b"): sharper mixture weights and smaller variances
model.eval()
gen = torch.Generator().manual_seed(99)


@torch.no_grad()
def sample(n_steps=25, bias=1.0):
    x = torch.zeros(1, 1, 3)
    state = None
    pts = []
    for _ in range(n_steps):
        e_logit, pi_logit, mu, sig, rho, state = model(x, state)
        pi = F.softmax(pi_logit * (1 + bias), -1)[0, 0]
        k = torch.multinomial(pi, 1, generator=gen).item()
        s = sig[0, 0, k] * math.exp(-bias)
        r = rho[0, 0, k]
        z = torch.randn(2, generator=gen)
        dx = mu[0, 0, k, 0] + s[0] * z[0]
        dy = mu[0, 0, k, 1] + s[1] * (r * z[0] + torch.sqrt(1 - r ** 2) * z[1])
        lift = torch.bernoulli(torch.sigmoid(e_logit[0, 0]), generator=gen)
        x = torch.stack([dx, dy, lift]).view(1, 1, 3)
        pts.append(x.view(3))
    return torch.stack(pts)


s = sample()
coords = torch.cumsum(s[:, :2] * std + mean, 0)
print("sampled", s.shape, "pen lifts", int(s[:, 2].sum()))
print("bounding box", coords.amin(0).round(decimals=2), coords.amax(0).round(decimals=2))
strokes = torch.tensor_split(coords, (s[:, 2] == 1).nonzero().squeeze(1) + 1)
print("stroke lengths", [len(t) for t in strokes])

# distribution sampling shapes and properties
mix1, pen1 = as_distribution(tuple(o[:1, :3] for o in out))
torch.manual_seed(5)
smp = mix1.sample((4,))
print("mixture sample", smp.shape, "log_prob", mix1.log_prob(smp).shape)
print("pen mean", pen1.mean, "entropy", pen1.entropy())
print("mixture mean\n", mix1.mean)
print("mixture variance\n", mix1.variance)
comp = mix1.component_distribution
print("component covariance [0,0,0]\n", comp.covariance_matrix[0, 0, 0])
kl = D.kl_divergence(D.Categorical(logits=out[1][0, 0]), D.Categorical(logits=out[1][0, 1]))
print("KL between consecutive mixture weights", f"{kl.item():.4f}")
# step-by-step generation with an LSTMCell: the state is the pair (h, c)
cell = nn.LSTMCell(3, 8)
h = c = torch.zeros(1, 8)
for step in range(3):
    h, c = cell(s[step:step + 1], (h, c))
print("cell state", h.shape, c.shape, f"{h.abs().sum().item():.4f}")
try:
    cell(s[:1], (h,))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    cell(s[:1], h)
except TypeError as e:
    print("TypeError:", e)
try:
    D.MultivariateNormal(torch.zeros(2), scale_tril=torch.tensor([[1.0, 0.0], [0.5, -1.0]]))
except ValueError as e:
    print("ValueError:", str(e)[:120])
try:
    D.MixtureSameFamily(D.Categorical(logits=torch.zeros(3)), D.Normal(torch.zeros(4), torch.ones(4)))
except ValueError as e:
    print("ValueError:", e)
