"""Norse-style functional spiking networks: NamedTuple parameters and states, a pure
``lif_feed_forward_step`` / ``lif_recurrent_step`` / ``li_step`` (leaky-integrator readout), the
SuperSpike and triangle surrogates as new-style autograd.Functions (``setup_context``) checked with
gradcheck, a Poisson encoder built on torch.distributions, a recurrent SNN classifier over a
DataLoader with max-over-time decoding and log_softmax + NLL, AdamW, and a state_dict round trip."""
import io
from typing import NamedTuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset


class LIFParameters(NamedTuple):
    tau_syn_inv: torch.Tensor = torch.as_tensor(1.0 / 5e-3)
    tau_mem_inv: torch.Tensor = torch.as_tensor(1.0 / 1e-2)
    v_leak: torch.Tensor = torch.as_tensor(0.0)
    v_th: torch.Tensor = torch.as_tensor(1.0)
    v_reset: torch.Tensor = torch.as_tensor(0.0)
    alpha: float = 100.0


class LIFState(NamedTuple):
    z: torch.Tensor
    v: torch.Tensor
    i: torch.Tensor


class LIState(NamedTuple):
    v: torch.Tensor
    i: torch.Tensor


class SuperSpike(torch.autograd.Function):
    @staticmethod
    def forward(input_tensor, alpha):
        return torch.heaviside(input_tensor, torch.as_tensor(0.0, dtype=input_tensor.dtype))

    @staticmethod
    def setup_context(ctx, inputs, output):
        input_tensor, alpha = inputs
        ctx.save_for_backward(input_tensor)
        ctx.save_for_forward(input_tensor)
        ctx.alpha = alpha

    @staticmethod
    def backward(ctx, grad_output):
        (inp,) = ctx.saved_tensors
        return grad_output / (ctx.alpha * torch.abs(inp) + 1.0).pow(2), None

    @staticmethod
    def jvp(ctx, input_tangent, _):
        (inp,) = ctx.saved_tensors
        return input_tangent / (ctx.alpha * torch.abs(inp) + 1.0).pow(2)


class ForwardOnlySpike(torch.autograd.Function):
    """A spike for forward-gradient training: it never needs a backward, only a jvp (boxcar surrogate)."""

    @staticmethod
    def forward(v, width):
        return (v > 0).to(v.dtype)

    @staticmethod
    def setup_context(ctx, inputs, output):
        v, width = inputs
        ctx.save_for_forward(v)
        ctx.width = width

    @staticmethod
    def jvp(ctx, v_t, _):
        (v,) = ctx.saved_tensors
        return v_t * (v.abs() < ctx.width).to(v.dtype) / (2 * ctx.width)


class Triangle(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, alpha):
        ctx.save_for_backward(x)
        ctx.alpha = alpha
        return x.gt(0).to(x.dtype)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        grad = grad_output * ctx.alpha * torch.relu(1 - ctx.alpha * x.abs())
        return grad, None


def lif_feed_forward_step(input_tensor, state, p=LIFParameters(), dt=1e-3):
    dv = dt * p.tau_mem_inv * ((p.v_leak - state.v) + state.i)
    v_decayed = state.v + dv
    di = -dt * p.tau_syn_inv * state.i
    i_decayed = state.i + di
    z_new = SuperSpike.apply(v_decayed - p.v_th, p.alpha)
    v_new = (1 - z_new.detach()) * v_decayed + z_new.detach() * p.v_reset
    i_new = i_decayed + input_tensor
    return z_new, LIFState(z_new, v_new, i_new)


def lif_recurrent_step(input_tensor, state, w_in, w_rec, p=LIFParameters(), dt=1e-3):
    z, s = lif_feed_forward_step(torch.zeros_like(state.i), state, p, dt)
    i_new = s.i + F.linear(input_tensor, w_in) + F.linear(state.z, w_rec)
    return z, LIFState(z, s.v, i_new)


def li_step(input_tensor, state, w, p=LIFParameters(), dt=1e-3):
    dv = dt * p.tau_mem_inv * ((p.v_leak - state.v) + state.i)
    v_new = state.v + dv
    di = -dt * p.tau_syn_inv * state.i
    i_new = state.i + di + F.linear(input_tensor, w)
    return v_new, LIState(v_new, i_new)


# --- surrogate functions -------------------------------------------------------------------------------
x = torch.tensor([-0.3, -0.01, 0.0, 0.01, 0.3], dtype=torch.float64, requires_grad=True)
for fn, alpha in ((SuperSpike, 100.0), (Triangle, 0.3)):
    z = fn.apply(x, alpha)
    (g,) = torch.autograd.grad(z.sum(), x)
    print(fn.__name__, z.detach(), g, z.grad_fn.__class__.__name__)
print(p := LIFParameters())
print(p._replace(v_th=torch.tensor(0.5)).v_th, p._fields)

# --- a single LIF neuron driven by a constant current ---------------------------------------------------
state = LIFState(torch.zeros(3), torch.zeros(3), torch.zeros(3))
inp = torch.tensor([0.05, 0.1, 0.3])
zs, vs = [], []
for t in range(60):
    z, state = lif_feed_forward_step(inp, state)
    zs.append(z)
    vs.append(state.v)
zs, vs = torch.stack(zs), torch.stack(vs)
print("spike counts:", zs.sum(0), "first spikes:", zs.argmax(0))
print(vs[::6])


# --- Poisson encoding with torch.distributions -----------------------------------------------------------
class PoissonEncoder(nn.Module):
    def __init__(self, seq_length, f_max=100.0, dt=1e-3):
        super().__init__()
        self.seq_length, self.f_max, self.dt = seq_length, f_max, dt

    def forward(self, x):
        probs = (x * self.f_max * self.dt).clamp(0, 1)
        return torch.distributions.Bernoulli(probs=probs).sample((self.seq_length,))

    def extra_repr(self):
        return f"seq_length={self.seq_length}, f_max={self.f_max}, dt={self.dt}"


torch.manual_seed(5)
enc = PoissonEncoder(40, f_max=400.0)
print(enc)
n_feat, n_cls, n_samples = 12, 3, 48
centers = torch.rand(n_cls, n_feat)
y = torch.randint(0, n_cls, (n_samples,))
xs = (centers[y] + 0.1 * torch.randn(n_samples, n_feat)).clamp(0, 1)
spikes = enc(xs)
print(spikes.shape, spikes.dtype, f"rate={spikes.mean().item():.4f}")
dist = torch.distributions.Bernoulli(probs=torch.tensor([0.1, 0.5]))
print(dist, dist.entropy(), dist.log_prob(torch.tensor([1.0, 0.0])))


# --- recurrent SNN classifier -------------------------------------------------------------------------------
class SNNClassifier(nn.Module):
    def __init__(self, n_in, n_hidden, n_out, p=LIFParameters(alpha=50.0)):
        super().__init__()
        self.w_in = nn.Parameter(torch.randn(n_hidden, n_in) * (2 / n_hidden) ** 0.5)
        self.w_rec = nn.Parameter(torch.randn(n_hidden, n_hidden) * (1 / n_hidden) ** 0.5)
        self.w_out = nn.Parameter(torch.randn(n_out, n_hidden) * (2 / n_out) ** 0.5)
        self.p = p
        self.n_hidden = n_hidden

    def forward(self, x):
        T, B, _ = x.shape
        zeros = lambda n: torch.zeros(B, n, dtype=x.dtype)
        s = LIFState(zeros(self.n_hidden), zeros(self.n_hidden), zeros(self.n_hidden))
        so = LIState(zeros(self.w_out.shape[0]), zeros(self.w_out.shape[0]))
        voltages = []
        hidden_spikes = 0
        for t in range(T):
            z, s = lif_recurrent_step(x[t] * 5.0, s, self.w_in, self.w_rec, self.p)
            hidden_spikes = hidden_spikes + z.sum()
            v, so = li_step(z, so, self.w_out, self.p)
            voltages.append(v)
        voltages = torch.stack(voltages)
        m, _ = torch.max(voltages, 0)
        return F.log_softmax(m, dim=1), hidden_spikes


torch.manual_seed(1)
# float64 so that the BLAS's summation order cannot move a membrane across the threshold
model = SNNClassifier(n_feat, 24, n_cls).double()
print(model, model.w_in.dtype)
spikes = spikes.double()
ds = TensorDataset(spikes.transpose(0, 1), y)
loader = DataLoader(ds, batch_size=16, shuffle=True, generator=torch.Generator().manual_seed(2))
opt = torch.optim.AdamW(model.parameters(), lr=2e-2, weight_decay=1e-2)
for epoch in range(5):
    tot, correct, nspk = 0.0, 0, 0.0
    for xb, yb in loader:
        xb = xb.transpose(0, 1)
        out, hs = model(xb)
        loss = F.nll_loss(out, yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
        tot += loss.item() * yb.numel()
        correct += (out.argmax(1) == yb).sum().item()
        nspk += hs.item()
    print(f"epoch {epoch}: loss={tot / n_samples:.4f} acc={correct / n_samples:.4f} hidden spikes={int(nspk)}")

buf = io.BytesIO()
torch.save(model.state_dict(), buf)
buf.seek(0)
sd = torch.load(buf)
clone = SNNClassifier(n_feat, 24, n_cls).to(torch.float64)
print(clone.load_state_dict(sd))
with torch.no_grad():
    a, _ = model(spikes[:, :5])
    b, _ = clone(spikes[:, :5])
print(torch.equal(a, b), a.exp().sum(1))
print({k: tuple(v.shape) for k, v in sd.items()})

# --- forward gradients (Baydin et al. 2022): a jvp along a random direction instead of backprop ---------
import torch.autograd.forward_ad as fwAD

v0 = torch.tensor([-0.4, -0.05, 0.02, 0.3], dtype=torch.float64)
with fwAD.dual_level():
    dual = fwAD.make_dual(v0, torch.ones_like(v0))
    for fn, arg in ((SuperSpike, 100.0), (ForwardOnlySpike, 0.1)):
        primal, tangent = fwAD.unpack_dual(fn.apply(dual, arg))
        print(fn.__name__, primal, tangent)
out, tangent = torch.func.jvp(lambda v: SuperSpike.apply(v - 0.1, 10.0) * v, (v0,), (torch.ones_like(v0),))
print("func.jvp:", out, tangent)
print("gradcheck (forward AD):", torch.autograd.gradcheck(lambda v: SuperSpike.apply(v, 100.0) * 0 + v.sin(),
                                                         (v0.clone().requires_grad_(),), check_forward_ad=True))


def readout_loss(w, x_seq, target):
    v = torch.zeros(x_seq.shape[1], w.shape[0], dtype=w.dtype)
    count = torch.zeros_like(v)
    for t in range(x_seq.shape[0]):
        v = 0.9 * v + x_seq[t] @ w.T
        z = ForwardOnlySpike.apply(v - 1.0, 0.5)
        v = v - z.detach()
        count = count + z
    return F.cross_entropy(count, target)


torch.manual_seed(4)
w = 0.3 * torch.randn(n_cls, n_feat, dtype=torch.float64)
x_seq = spikes[:20, :16]
for step in range(6):
    direction = torch.randn_like(w)
    loss, dloss = torch.func.jvp(lambda w_: readout_loss(w_, x_seq, y[:16]), (w,), (direction,))
    w = w - 0.5 * dloss * direction
    print(f"forward-gradient step {step}: loss={loss.item():.4f} directional derivative={dloss.item():.4f}")

try:
    with fwAD.dual_level():
        fwAD.unpack_dual(ForwardOnlySpike.apply(fwAD.make_dual(v0, torch.ones(4, dtype=torch.float64)), 0.1) + 1)
        ForwardOnlySpike.apply(v0.clone().requires_grad_(), 0.1).sum().backward()
except NotImplementedError as e:
    print("NotImplementedError:", e)

try:
    clone.load_state_dict({"w_in": torch.zeros(3, 3)})
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.heaviside(torch.tensor([1.0]), torch.tensor([0]))
except RuntimeError as e:
    print("RuntimeError:", e)
