"""STDP in plain torch, as in Norse / BindsNET-style tutorials: Poisson input spikes, a layer of LIF
neurons, exponential pre- and post-synaptic traces decayed and bumped in place under torch.no_grad,
pair-based weight updates with outer products (torch.outer / torch.ger-style einsum), clamped
weights, lateral inhibition via a winner-take-all mask, and weight / trace summaries."""
import torch

torch.manual_seed(11)
n_in, n_out, T = 12, 4, 40
dt, tau_pre, tau_post = 1.0, 20.0, 20.0
a_plus, a_minus = 0.01, 0.012
w_max = 1.0

rates = torch.linspace(0.05, 0.4, n_in)
inputs = torch.rand(T, n_in) < rates          # bool raster
print(inputs.dtype, inputs.sum(0))

W = torch.rand(n_in, n_out) * 0.3
W.requires_grad_(False)
pre_trace = torch.zeros(n_in)
post_trace = torch.zeros(n_out)
mem = torch.zeros(n_out)
thr, beta = 0.6, 0.9
decay_pre = torch.exp(torch.tensor(-dt / tau_pre))
decay_post = torch.exp(torch.tensor(-dt / tau_post))
print(f"decays {decay_pre.item():.6f} {decay_post.item():.6f}")

out_spikes = torch.zeros(T, n_out, dtype=torch.int64)
with torch.no_grad():
    for t in range(T):
        x = inputs[t].float()
        pre_trace.mul_(decay_pre).add_(x)
        mem = beta * mem + x @ W
        spk = (mem > thr).float()
        if spk.sum() > 1:                       # winner-take-all: keep the largest membrane
            winner = torch.argmax(mem * spk)
            spk = torch.zeros_like(spk)
            spk[winner] = 1.0
        mem[spk.bool()] = 0.0                   # reset to zero
        post_trace.mul_(decay_post).add_(spk)
        # potentiation on post spikes, depression on pre spikes
        W += a_plus * torch.outer(pre_trace, spk)
        W -= a_minus * torch.einsum("i,j->ij", x, post_trace)
        W.clamp_(0.0, w_max)
        out_spikes[t] = spk.long()

print(out_spikes.T)
print("counts:", out_spikes.sum(0), "rates:", out_spikes.float().mean(0))
print("pre trace:", pre_trace.round(decimals=4))
print("post trace:", post_trace.round(decimals=4))
print("W:", W.round(decimals=3))
print("W col sums:", W.sum(0).round(decimals=3), "max", f"{W.max().item():.4f}")

# trace-based STDP on a batch with addcmul_ / lerp_, and a weight-dependent (multiplicative) rule
torch.manual_seed(5)
B = 3
pre = (torch.rand(T, B, n_in) < 0.2).float()
post = (torch.rand(T, B, n_out) < 0.1).float()
xp = torch.zeros(B, n_in)
xq = torch.zeros(B, n_out)
W2 = torch.full((n_in, n_out), 0.5)
with torch.no_grad():
    for t in range(T):
        xp.lerp_(pre[t], 1 - decay_pre.item())
        xq.mul_(decay_post).addcmul_(post[t], torch.ones_like(post[t]))
        dw = a_plus * torch.bmm(xp.unsqueeze(2), post[t].unsqueeze(1)).mean(0) * (w_max - W2) \
            - a_minus * torch.bmm(pre[t].unsqueeze(2), xq.unsqueeze(1)).mean(0) * W2
        W2.add_(dw)
print(W2.round(decimals=4)[:4])
print(xp.round(decimals=4))
print(f"mean w {W2.mean().item():.5f} std {W2.std().item():.5f}")

# spike-timing window
dts = torch.arange(-5, 6, dtype=torch.float32)
window = torch.where(dts > 0, a_plus * torch.exp(-dts / tau_pre), -a_minus * torch.exp(dts / tau_post))
window[dts == 0] = 0
print((window * 1000).round(decimals=3))
