"""A two-tier SampleRNN on a synthetic waveform, as in the SampleRNN PyTorch ports: linear quantisation
to 256 levels, a frame-level GRU over non-overlapping frames (Tensor.unfold) whose output is upsampled
with a learned ConvTranspose1d, a sample-level MLP over an embedding of the previous samples, teacher
forced training with RMSprop and a StepLR schedule, and autoregressive sampling with a hidden state."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(31)
Q = 256
FRAME = 4


def linear_quantize(x, q_levels=Q):
    eps = 1e-2
    x = x - x.min(dim=-1, keepdim=True).values
    x = x / x.max(dim=-1, keepdim=True).values
    x = x * (q_levels - eps) + eps / 2
    return x.long()


def linear_dequantize(q, q_levels=Q):
    return q.float() / (q_levels / 2) - 1


n = 516
t = torch.linspace(0, 1, n)
wave = torch.sin(2 * math.pi * 7 * t) * torch.exp(-2.0 * t) + 0.05 * torch.sin(2 * math.pi * 40 * t)
batch = torch.stack([wave, 0.5 * wave.flip(0), torch.roll(wave, 37)])
qb = linear_quantize(batch)
print("quantised", qb.shape, qb.dtype, qb[:, :6].tolist())
print("levels used", [int(torch.unique(r).numel()) for r in qb])
print("dequantised range", f"{linear_dequantize(qb).min():.4f}", f"{linear_dequantize(qb).max():.4f}")


class FrameTier(nn.Module):
    def __init__(self, frame_size, dim):
        super().__init__()
        self.frame_size = frame_size
        self.input_expand = nn.Conv1d(frame_size, dim, 1)
        self.rnn = nn.GRU(dim, dim, batch_first=True)
        self.upsample = nn.ConvTranspose1d(dim, dim, frame_size, stride=frame_size)
        nn.init.uniform_(self.upsample.weight, -math.sqrt(3 / dim), math.sqrt(3 / dim))
        nn.init.constant_(self.upsample.bias, 0)

    def forward(self, prev_samples, h0=None):
        # (B, T) -> frames (B, T // F, F)
        frames = prev_samples.unfold(1, self.frame_size, self.frame_size)
        x = self.input_expand(frames.transpose(1, 2)).transpose(1, 2)
        out, h = self.rnn(x, h0)
        up = self.upsample(out.transpose(1, 2)).transpose(1, 2)
        return up, h


class SampleTier(nn.Module):
    def __init__(self, frame_size, dim, q_levels=Q):
        super().__init__()
        self.embedding = nn.Embedding(q_levels, 8)
        self.input = nn.Conv1d(8, dim, frame_size, bias=False)
        self.mlp = nn.Sequential(nn.ReLU(), nn.Linear(dim, dim), nn.ReLU(), nn.Linear(dim, q_levels))

    def forward(self, prev_q, cond):
        e = self.embedding(prev_q).transpose(1, 2)           # (B, 8, T + F - 1)
        x = self.input(e).transpose(1, 2) + cond
        return F.log_softmax(self.mlp(x), dim=-1)


class SampleRNN(nn.Module):
    def __init__(self, dim=32):
        super().__init__()
        self.frame = FrameTier(FRAME, dim)
        self.sample = SampleTier(FRAME, dim)

    def forward(self, q):
        # q has FRAME context samples, T targets: the frame tier sees the context frames,
        # the sample tier predicts each sample from the FRAME samples before it
        frame_in = linear_dequantize(q[:, :-FRAME]) * 2
        cond, _ = self.frame(frame_in)
        return self.sample(q[:, :-1], cond)


model = SampleRNN()
print(model)
print("gru weights", [tuple(p.shape) for p in model.frame.rnn.parameters()])
inp = qb
target = qb[:, FRAME:]
out = model(inp)
print("log-probs", out.shape, out.grad_fn.name(), f"{out.exp().sum(-1).mean():.4f}")

opt = torch.optim.RMSprop(model.parameters(), lr=2e-3, alpha=0.9)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=8, gamma=0.5)
for epoch in range(16):
    opt.zero_grad()
    out = model(inp)
    loss = F.nll_loss(out.reshape(-1, Q), target.reshape(-1))
    loss.backward()
    gn = nn.utils.clip_grad_value_(model.parameters(), 0.5)
    opt.step()
    sched.step()
    if epoch % 4 == 3:
        nats = loss.item()
        print(f"epoch {epoch + 1:2d} nll {nats:.3f} bits/sample {nats / math.log(2):.3f} lr {sched.get_last_lr()[0]:.5f}")
print("clip_grad_value_ returns", gn)
print("rmsprop state keys", sorted(opt.state[model.sample.embedding.weight].keys()))

# sampling: the GRU state carries across frames, each frame's samples are drawn one by one
model.eval()
torch.manual_seed(5)
gen = qb[:1, :FRAME].clone()
h = None
with torch.no_grad():
    for f in range(6):
        frame_in = linear_dequantize(gen[:, -FRAME:]) * 2
        cond, h = model.frame(frame_in, h)
        for i in range(FRAME):
            logp = model.sample(gen[:, -FRAME:], cond[:, i:i + 1])
            nxt = torch.distributions.Categorical(logits=logp[:, -1]).sample()
            gen = torch.cat([gen, nxt[:, None]], dim=1)
print("generated", gen.shape, "hidden", tuple(h.shape), h.dtype)
print("samples in range", bool(((gen >= 0) & (gen < Q)).all()))
print("first frame", gen[0, :FRAME])

try:
    qb.float().unfold(1, 8, 0)
except RuntimeError as e:
    print("unfold:", e)
try:
    model.frame.rnn(torch.randn(2, 3, 5))
except RuntimeError as e:
    print("gru:", e)
try:
    model.sample.embedding(torch.tensor([[256]]))
except IndexError as e:
    print("embedding:", e)
