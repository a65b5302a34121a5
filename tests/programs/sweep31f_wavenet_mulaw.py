"""A small WaveNet on 8-bit mu-law audio, in the style of the classic PyTorch WaveNet reimplementations:
mu-law companding and quantisation to 256 classes, a stack of dilated causal Conv1d layers with gated
tanh * sigmoid units, 1x1 residual and skip projections, a cross-entropy training loop with Adam and
gradient clipping, and sample-by-sample generation from a receptive-field buffer."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)


def mu_law_encode(x, quantization_channels=256):
    mu = quantization_channels - 1.0
    x = torch.clamp(x, -1.0, 1.0)
    x_mu = torch.sign(x) * torch.log1p(mu * torch.abs(x)) / math.log1p(mu)
    return ((x_mu + 1) / 2 * mu + 0.5).to(torch.int64)


def mu_law_decode(x_mu, quantization_channels=256):
    mu = quantization_channels - 1.0
    x = (x_mu.to(torch.float32) / mu) * 2 - 1.0
    return torch.sign(x) * (torch.exp(torch.abs(x) * math.log1p(mu)) - 1.0) / mu


sr = 4000
t = torch.arange(0, 800, dtype=torch.float32) / sr
wave = 0.6 * torch.sin(2 * math.pi * 220 * t) + 0.3 * torch.sin(2 * math.pi * 550 * t + 0.4)
wave = wave + 0.01 * torch.randn_like(wave)
q = mu_law_encode(wave)
print("quantised", q.dtype, q.shape, q[:12].tolist(), q.min().item(), q.max().item())
back = mu_law_decode(q)
err = (back - wave.clamp(-1, 1)).abs()
print("round trip max err", f"{err.max():.4f}", "mean", f"{err.mean():.5f}")
print("histogram top bins", torch.bincount(q, minlength=256).topk(3).indices.sort().values.tolist())
print("mu-law of extremes", mu_law_encode(torch.tensor([-1.5, -1.0, 0.0, 1.0, 2.0])))


class CausalConv1d(nn.Conv1d):
    def __init__(self, in_ch, out_ch, kernel_size, dilation=1, **kw):
        super().__init__(in_ch, out_ch, kernel_size, dilation=dilation, padding=0, **kw)
        self.left_pad = (kernel_size - 1) * dilation

    def forward(self, x):
        return super().forward(F.pad(x, (self.left_pad, 0)))


class ResidualBlock(nn.Module):
    def __init__(self, res_ch, skip_ch, dilation):
        super().__init__()
        self.dilated = CausalConv1d(res_ch, 2 * res_ch, 2, dilation=dilation)
        self.res = nn.Conv1d(res_ch, res_ch, 1)
        self.skip = nn.Conv1d(res_ch, skip_ch, 1)

    def forward(self, x):
        h = self.dilated(x)
        filt, gate = h.chunk(2, dim=1)
        z = torch.tanh(filt) * torch.sigmoid(gate)
        return (x + self.res(z)) * math.sqrt(0.5), self.skip(z)


class WaveNet(nn.Module):
    def __init__(self, n_classes=256, res_ch=16, skip_ch=32, layers=4, stacks=2):
        super().__init__()
        self.n_classes = n_classes
        self.causal = CausalConv1d(n_classes, res_ch, 2)
        self.blocks = nn.ModuleList(
            [ResidualBlock(res_ch, skip_ch, 2 ** i) for _ in range(stacks) for i in range(layers)])
        self.post = nn.Sequential(nn.ReLU(), nn.Conv1d(skip_ch, skip_ch, 1), nn.ReLU(),
                                  nn.Conv1d(skip_ch, n_classes, 1))

    @property
    def receptive_field(self):
        return 1 + sum(b.dilated.left_pad for b in self.blocks) + self.causal.left_pad

    def forward(self, x):
        x = F.one_hot(x, self.n_classes).transpose(1, 2).float()
        h = self.causal(x)
        skips = 0
        for block in self.blocks:
            h, s = block(h)
            skips = skips + s
        return self.post(skips)


model = WaveNet()
print(model.blocks[0])
print("receptive field", model.receptive_field)
n_params = sum(p.numel() for p in model.parameters())
print("params", n_params, "trainable", sum(p.numel() for p in model.parameters() if p.requires_grad))
print([name for name, _ in model.named_parameters()][:6])

seg = 128
starts = torch.arange(0, q.numel() - seg - 1, 96)
x_batch = torch.stack([q[s:s + seg] for s in starts.tolist()])
y_batch = torch.stack([q[s + 1:s + seg + 1] for s in starts.tolist()])
print("batch", x_batch.shape, y_batch.shape)

logits = model(x_batch)
print("logits", logits.shape, logits.dtype)
# causality check: the output at step t must not depend on inputs after t
probe = x_batch[:1].clone()
out_a = model(probe)
probe[0, 100:] = 0
out_b = model(probe)
print("causal", torch.equal(out_a[..., :100], out_b[..., :100]), torch.equal(out_a, out_b))

opt = torch.optim.Adam(model.parameters(), lr=3e-3)
for step in range(20):
    opt.zero_grad()
    logits = model(x_batch)
    rf = model.receptive_field
    loss = F.cross_entropy(logits[:, :, rf:], y_batch[:, rf:])
    loss.backward()
    total = nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    if step % 5 == 0 or step == 19:
        with torch.no_grad():
            acc = (logits.argmax(1) == y_batch)[:, rf:].float().mean()
        print(f"step {step:2d} loss {loss.item():.3f} acc {acc.item():.3f}")

print("grad fn", loss.grad_fn.name(), "clip total finite", bool(torch.isfinite(total)))

# generation: keep a buffer of the last receptive-field samples and feed it back one step at a time
model.eval()
torch.manual_seed(123)
rf = model.receptive_field
buf = q[:rf].clone().unsqueeze(0)
generated = []
with torch.no_grad():
    for i in range(40):
        logits = model(buf)[:, :, -1]
        probs = F.softmax(logits / 0.8, dim=1)
        nxt = torch.multinomial(probs, 1)
        generated.append(nxt.item())
        buf = torch.cat([buf[:, 1:], nxt], dim=1)
print("buffer", buf.shape, buf.dtype)
gen = torch.tensor(generated)
print("generated", len(generated), "range", gen.min().item(), gen.max().item())
audio = mu_law_decode(gen)
print("decoded audio", audio.shape, audio.dtype, f"{audio.abs().max():.4f}")

# greedy decoding with the distribution API instead of multinomial
with torch.no_grad():
    last = model(q[:rf].unsqueeze(0))[:, :, -1]
dist = torch.distributions.Categorical(logits=last)
print("entropy", f"{dist.entropy().item():.3f}", "mode", dist.probs.argmax(-1).tolist())
print("log_prob of target", f"{dist.log_prob(q[rf:rf + 1]).item():.3f}")

try:
    model(q[:10].float().unsqueeze(0))
except Exception as e:
    print(type(e).__name__, e)
try:
    F.one_hot(torch.tensor([3, 300]), 256)
except Exception as e:
    print(type(e).__name__, e)
try:
    mu_law_decode(torch.tensor([1, 2])).view(3)
except Exception as e:
    print(type(e).__name__, e)
