"""Unsupervised learning with spike-timing-dependent plasticity, as in Diehl & Cook style notebooks
(and BindsNET / Norse's STDP examples): Poisson input spike trains, a layer of LIF neurons with
lateral inhibition (winner-take-all via topk / scatter), exponentially decaying pre/post traces,
pair-based STDP weight updates under torch.no_grad with clamp_ and column normalisation, and the
resulting receptive fields and spike statistics."""
import torch


torch.manual_seed(7)
n_in, n_out, T, dt = 16, 4, 60, 1.0
tau_pre, tau_post, tau_mem = 20.0, 20.0, 10.0
a_plus, a_minus = 0.02, 0.021
w_max = 1.0

# four input patterns: overlapping blocks of 'bright' inputs
patterns = torch.zeros(4, n_in)
for k in range(4):
    patterns[k, k * 4:(k + 1) * 4] = 0.6
    patterns[k, ((k + 1) % 4) * 4] = 0.3
patterns += 0.02
print(patterns)

W = torch.rand(n_in, n_out) * 0.3 + 0.1
W.requires_grad_(False)
print("W0 column sums:", W.sum(0).round(decimals=4))


def poisson(rates, steps, gen=None):
    return torch.bernoulli(rates.expand(steps, -1), generator=gen)


def run_trial(x_rates, W, learn=True, inhibit=True):
    v = torch.zeros(n_out)
    theta = torch.ones(n_out)
    x_pre = torch.zeros(n_in)
    x_post = torch.zeros(n_out)
    spikes_in = poisson(x_rates, T)
    out = torch.zeros(T, n_out)
    decay_mem = torch.exp(torch.tensor(-dt / tau_mem))
    for t in range(T):
        s_in = spikes_in[t]
        v = decay_mem * v + s_in @ W
        fired = v >= theta
        if inhibit and fired.sum() > 1:
            winner = torch.topk(torch.where(fired, v, torch.full_like(v, -1e9)), 1).indices
            fired = torch.zeros_like(fired).scatter_(0, winner, True)
        s_out = fired.float()
        v = torch.where(fired, torch.zeros_like(v), v)
        if inhibit and fired.any():
            v = v - 0.5 * (1 - s_out)
            v.clamp_(min=-1.0)
        x_pre.mul_(1 - dt / tau_pre).add_(s_in)
        x_post.mul_(1 - dt / tau_post).add_(s_out)
        if learn:
            with torch.no_grad():
                dw = a_plus * torch.outer(x_pre, s_out) - a_minus * torch.outer(s_in, x_post)
                W += dw * (w_max - W) * W.gt(0)
                W.clamp_(0.0, w_max)
        out[t] = s_out
    return spikes_in, out


for epoch in range(6):
    order = torch.randperm(4)
    counts = torch.zeros(4, n_out, dtype=torch.int64)
    for k in order.tolist():
        s_in, s_out = run_trial(patterns[k], W)
        counts[k] = s_out.sum(0).long()
    with torch.no_grad():
        W.div_(W.sum(0, keepdim=True)).mul_(3.0)
    print(f"epoch {epoch} order={order.tolist()} out spikes={counts.sum().item()} "
          f"|W|={W.norm().item():.4f}")
    print(counts)

print("final W (transposed):")
print(W.t())
print("preferred input block per neuron:", W.view(4, 4, n_out).sum(1).argmax(0).tolist())

# spike statistics on a held-out presentation without learning
torch.manual_seed(99)
W_before = W.clone()
s_in, s_out = run_trial(patterns[2], W, learn=False)
print("weights untouched:", torch.equal(W, W_before))
print("input rates:", s_in.mean(0).round(decimals=3))
print("output spike counts:", s_out.sum(0))
first = torch.where(s_out.any(0), s_out.argmax(0), torch.full((n_out,), -1))
print("first spike times:", first)
isi = [torch.diff(s_out[:, j].nonzero().squeeze(1)) for j in range(n_out)]
print("ISIs:", [i.tolist() for i in isi])
print("cumulative output:", s_out.sum(1).cumsum(0)[::10])

# an STDP window computed analytically
dts = torch.arange(-40, 41, 10, dtype=torch.float32)
window = torch.where(dts > 0, a_plus * torch.exp(-dts / tau_pre), -a_minus * torch.exp(dts / tau_post))
print(torch.stack([dts, window * 100]).T)
print(f"area LTP={window[dts > 0].sum().item():.5f}, LTD={window[dts < 0].sum().item():.5f}")

try:
    torch.outer(torch.ones(2, 2), torch.ones(3))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    W.clamp_(min=torch.tensor([0.0, 0.1]))
except RuntimeError as e:
    print("RuntimeError:", e)
