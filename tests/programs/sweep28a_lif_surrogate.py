"""snnTorch tutorial 5 style: a leaky integrate-and-fire layer stepped over time, with a custom
autograd.Function spike (fast-sigmoid surrogate gradient), a two-layer fully connected SNN trained
with backpropagation through time on synthetic rate-coded data, membrane and spike recordings
stacked over time and printed, spike counts and firing rates, and a few error cases."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class FastSigmoid(torch.autograd.Function):
    """Heaviside forward, d/dU = 1 / (slope * |U| + 1)^2 backward (Zenke & Ganguli's SuperSpike)."""

    @staticmethod
    def forward(ctx, mem, slope=25.0):
        ctx.save_for_backward(mem)
        ctx.slope = slope
        return (mem > 0).float()

    @staticmethod
    def backward(ctx, grad_output):
        (mem,) = ctx.saved_tensors
        grad = grad_output / (ctx.slope * torch.abs(mem) + 1.0) ** 2
        return grad, None


spike_fn = FastSigmoid.apply


class Leaky(nn.Module):
    def __init__(self, beta, threshold=1.0, reset_mechanism="subtract"):
        super().__init__()
        self.register_buffer("beta", torch.as_tensor(beta))
        self.threshold = threshold
        self.reset_mechanism = reset_mechanism

    def init_leaky(self):
        return torch.zeros(0)

    def forward(self, input_, mem):
        if mem.numel() == 0:
            mem = torch.zeros_like(input_)
        reset = (mem - self.threshold > 0).float().detach()
        if self.reset_mechanism == "subtract":
            mem = self.beta * mem + input_ - reset * self.threshold
        elif self.reset_mechanism == "zero":
            mem = (self.beta * mem + input_) * (1 - reset)
        else:
            raise ValueError(f"reset_mechanism must be 'subtract' or 'zero', got {self.reset_mechanism!r}")
        spk = spike_fn(mem - self.threshold)
        return spk, mem

    def extra_repr(self):
        return f"beta={self.beta.item():.2f}, threshold={self.threshold}, reset={self.reset_mechanism}"


# --- a single neuron driven by a step current ---------------------------------------------------
lif = Leaky(beta=0.8)
print(lif)
cur = torch.cat([torch.zeros(5), torch.full((20,), 0.35), torch.zeros(5)])
mem = lif.init_leaky()
mem_rec, spk_rec = [], []
for t in range(cur.shape[0]):
    spk, mem = lif(cur[t], mem)
    mem_rec.append(mem)
    spk_rec.append(spk)
mem_rec = torch.stack(mem_rec)
spk_rec = torch.stack(spk_rec)
print(mem_rec)
print("spike times:", spk_rec.nonzero().flatten().tolist())
print("spike count:", int(spk_rec.sum()), "rate:", f"{spk_rec.mean().item():.4f}")

zero_lif = Leaky(beta=0.8, reset_mechanism="zero")
mem = zero_lif.init_leaky()
trace = []
for t in range(cur.shape[0]):
    spk, mem = zero_lif(cur[t], mem)
    trace.append(mem)
print(torch.stack(trace)[4:16])

try:
    Leaky(0.9, reset_mechanism="none")(torch.ones(2), torch.zeros(2))
except ValueError as e:
    print("ValueError:", e)

# --- surrogate gradient checks --------------------------------------------------------------------
u = torch.linspace(-1, 1, 9, requires_grad=True)
s = spike_fn(u)
print(s, s.grad_fn.__class__.__name__)
s.sum().backward()
print(u.grad)
u64 = torch.randn(6, dtype=torch.double, requires_grad=True)
print("spike requires grad:", spike_fn(u64).requires_grad, spike_fn(u64).dtype)


# --- a fully connected SNN trained with BPTT --------------------------------------------------------
class Net(nn.Module):
    def __init__(self, num_inputs=20, num_hidden=32, num_outputs=3, beta=0.9):
        super().__init__()
        self.fc1 = nn.Linear(num_inputs, num_hidden)
        self.lif1 = Leaky(beta)
        self.fc2 = nn.Linear(num_hidden, num_outputs)
        self.lif2 = Leaky(beta)

    def forward(self, x):
        mem1 = self.lif1.init_leaky()
        mem2 = self.lif2.init_leaky()
        spk2_rec, mem2_rec = [], []
        for step in range(x.size(0)):
            cur1 = self.fc1(x[step])
            spk1, mem1 = self.lif1(cur1, mem1)
            cur2 = self.fc2(spk1)
            spk2, mem2 = self.lif2(cur2, mem2)
            spk2_rec.append(spk2)
            mem2_rec.append(mem2)
        return torch.stack(spk2_rec, dim=0), torch.stack(mem2_rec, dim=0)


torch.manual_seed(0)
num_steps, batch = 15, 24
protos = torch.rand(3, 20)
targets = torch.arange(batch) % 3
probs = (protos[targets] * 0.8).clamp(0.05, 0.95)
data = torch.bernoulli(probs.unsqueeze(0).expand(num_steps, -1, -1))
print("data:", tuple(data.shape), data.dtype, f"mean={data.mean().item():.4f}")

net = Net()
print(net)
print(sum(p.numel() for p in net.parameters()), "parameters")
opt = torch.optim.Adam(net.parameters(), lr=5e-3, betas=(0.9, 0.999))
loss_fn = nn.CrossEntropyLoss()

for epoch in range(8):
    spk_out, mem_out = net(data)
    loss = torch.zeros((1,), dtype=torch.float)
    for step in range(num_steps):
        loss += loss_fn(mem_out[step], targets)
    opt.zero_grad()
    loss.backward()
    opt.step()
    acc = (spk_out.sum(0).argmax(1) == targets).float().mean()
    print(f"epoch {epoch}: loss {loss.item():.4f}  acc {acc.item():.4f}  spikes {int(spk_out.sum())}")

print(loss.grad_fn.name(), mem_out.grad_fn.name(), spk_out.grad_fn.name())
with torch.no_grad():
    spk_out, mem_out = net(data)
    counts = spk_out.sum(0)
    print(counts[:6])
    print("firing rate per class neuron:", (counts.mean(0) / num_steps).round(decimals=4))
    print(F.softmax(mem_out[-1][:4], dim=1))
print("fc1 grad norm:", f"{net.fc1.weight.grad.norm().item():.4f}")
print(net.state_dict()["lif1.beta"], list(net.state_dict().keys()))
