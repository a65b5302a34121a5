"""Conditional computation: sparsely-gated mixture of experts with top-k routing, capacity
limits, load-balancing loss, Gumbel-softmax hard routing and early exit."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.func import stack_module_state, functional_call, vmap, grad

torch.manual_seed(11)

D_MODEL, N_EXP, TOP_K = 6, 4, 2


class Expert(nn.Module):
    def __init__(self, d, hidden=12):
        super().__init__()
        self.w1 = nn.Linear(d, hidden)
        self.w2 = nn.Linear(hidden, d)

    def forward(self, x):
        return self.w2(F.gelu(self.w1(x), approximate="tanh"))


class TopKMoE(nn.Module):
    def __init__(self, d, n_exp, k, noisy=True):
        super().__init__()
        self.k, self.noisy = k, noisy
        self.gate = nn.Linear(d, n_exp, bias=False)
        self.noise = nn.Linear(d, n_exp, bias=False)
        self.experts = nn.ModuleList([Expert(d) for _ in range(n_exp)])

    def forward(self, x):
        logits = self.gate(x)
        if self.noisy and self.training:
            logits = logits + torch.randn_like(logits) * F.softplus(self.noise(x))
        top_v, top_i = logits.topk(self.k, dim=-1)
        masked = torch.full_like(logits, float("-inf")).scatter(-1, top_i, top_v)
        gates = masked.softmax(-1)
        out = torch.zeros_like(x)
        for e, expert in enumerate(self.experts):
            idx = (top_i == e).any(-1).nonzero(as_tuple=True)[0]
            if idx.numel() == 0:
                continue
            out.index_add_(0, idx, gates[idx, e, None] * expert(x[idx]))
        # Switch-style load-balancing loss
        importance = gates.sum(0)
        load = F.one_hot(top_i[:, 0], num_classes=logits.size(-1)).float().mean(0)
        aux = logits.size(-1) * (load * gates.mean(0)).sum()
        return out, gates, aux, importance


moe = TopKMoE(D_MODEL, N_EXP, TOP_K)
print(moe)
tokens = torch.randn(10, D_MODEL)
moe.eval()
out, gates, aux, imp = moe(tokens)
print("gates:\n", gates)
print("nonzeros per token:", (gates > 0).sum(-1).tolist())
print("tokens per expert:", torch.bincount(gates.argmax(-1), minlength=N_EXP).tolist())
print("importance:", imp)
print(f"aux loss {aux.item():.4f}", out.grad_fn.name())

# reference: dense computation weighted by the sparse gates
dense = torch.stack([ex(tokens) for ex in moe.experts], dim=1)      # (T, E, D)
ref = (gates.unsqueeze(-1) * dense).sum(1)
print("sparse == dense-weighted:", torch.allclose(out, ref, atol=1e-6))

# --- vectorised experts with torch.func.stack_module_state + vmap
params, buffers = stack_module_state(list(moe.experts))
print({k: tuple(v.shape) for k, v in params.items()})
base = Expert(D_MODEL).to("meta")
all_out = vmap(lambda p, b, xx: functional_call(base, (p, b), (xx,)), in_dims=(0, 0, None))(params, buffers, tokens)
print("vmap experts == loop:", torch.allclose(all_out.transpose(0, 1), dense, atol=1e-6))

# --- capacity-limited routing (Switch Transformer): tokens beyond capacity are dropped
capacity = 3
top1 = gates.argmax(-1)
one_hot = F.one_hot(top1, N_EXP)
position = torch.cumsum(one_hot, dim=0) * one_hot - 1
keep = (position < capacity) & (one_hot.bool())
print("position in expert buffer:\n", position.max(-1).values)
print("kept tokens:", keep.any(-1).int().tolist())
dispatch = torch.zeros(N_EXP, capacity, D_MODEL)
e_idx, slot = keep.nonzero(as_tuple=True)[1], position[keep]
tok_idx = keep.nonzero(as_tuple=True)[0]
dispatch[e_idx, slot] = tokens[tok_idx]
print("dispatch buffer filled rows:", (dispatch.abs().sum(-1) > 0).sum(-1).tolist())

# --- training: the gate learns to send tokens to the expert matching a hidden cluster
moe.train()
centers = torch.randn(N_EXP, D_MODEL) * 3
opt = torch.optim.RMSprop(moe.parameters(), lr=0.01, alpha=0.9)
for step in range(40):
    cl = torch.randint(0, N_EXP, (32,))
    xb = centers[cl] + torch.randn(32, D_MODEL) * 0.5
    yb = torch.roll(xb, shifts=1, dims=1)
    o, g, aux, _ = moe(xb)
    loss = F.mse_loss(o, yb) + 0.01 * aux
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 10 == 9:
        print(f"step {step + 1} loss {loss.item():.3f} aux {aux.item():.3f}")
moe.eval()
with torch.no_grad():
    cl = torch.arange(N_EXP).repeat_interleave(5)
    _, g, _, _ = moe(centers[cl] + torch.randn(20, D_MODEL) * 0.5)
    print("routing purity per cluster:", [round(v, 2) for v in
          torch.stack([g[cl == c].argmax(-1).bincount(minlength=N_EXP).max() / 5.0 for c in range(N_EXP)]).tolist()])

# --- hard routing with Gumbel-softmax (straight-through)
logits = torch.randn(5, N_EXP, requires_grad=True)
torch.manual_seed(3)
hard = F.gumbel_softmax(logits, tau=0.5, hard=True)
print("hard one-hot:\n", hard)
print("rows sum:", hard.sum(-1))
print(hard.grad_fn.name())
(hard * torch.arange(N_EXP).float()).sum().backward()
print("straight-through grad is nonzero:", bool(logits.grad.abs().sum() > 0))
soft = F.gumbel_softmax(logits.detach(), tau=10.0)
print("high temperature is near uniform:", bool((soft - 0.25).abs().max() < 0.2))

# straight-through estimator by hand: argmax forward, softmax backward
probs = logits.softmax(-1)
st = F.one_hot(probs.argmax(-1), N_EXP).to(probs.dtype) - probs.detach() + probs
print("ST forward is one-hot:", torch.equal(st.detach(), F.one_hot(logits.argmax(-1), N_EXP).float()))
g_st = torch.autograd.grad((st * torch.linspace(0, 1, N_EXP)).sum(), logits)[0]
print("ST grad:\n", g_st)

# --- early exit: per-sample conditional depth with a confidence threshold
blocks = nn.ModuleList([nn.Sequential(nn.Linear(D_MODEL, D_MODEL), nn.ReLU()) for _ in range(3)])
exits = nn.ModuleList([nn.Linear(D_MODEL, 3) for _ in range(3)])
h = torch.randn(8, D_MODEL)
active = torch.ones(8, dtype=torch.bool)
decided = torch.full((8,), -1, dtype=torch.long)
depth = torch.zeros(8, dtype=torch.int32)
with torch.no_grad():
    for i, (blk, ex) in enumerate(zip(blocks, exits)):
        h = torch.where(active[:, None], blk(h), h)
        conf, cls = ex(h).softmax(-1).max(-1)
        done = active & ((conf > 0.4) | (i == len(blocks) - 1))
        decided[done] = cls[done]
        depth.masked_fill_(done, i + 1)
        active &= ~done
print("exit depth:", depth.tolist(), depth.dtype)
print("all decided:", bool((decided >= 0).all()), "mean depth", depth.float().mean().item())

# --- per-example gradients of the gate (torch.func.grad + vmap)
gp = {k: v.detach() for k, v in moe.gate.named_parameters()}
def gate_loss(p, x, t):
    return F.cross_entropy(functional_call(moe.gate, p, (x[None],)), t[None])
pe = vmap(grad(gate_loss), in_dims=(None, 0, 0))(gp, tokens[:4], torch.tensor([0, 1, 2, 3]))
print("per-example grads:", tuple(pe["weight"].shape))
print("sum of per-example == batch grad:", torch.allclose(
    pe["weight"].mean(0), torch.func.grad(lambda p: F.cross_entropy(functional_call(moe.gate, p, (tokens[:4],)), torch.tensor([0, 1, 2, 3])))(gp)["weight"], atol=1e-6))

# errors
try:
    tokens.topk(7, dim=-1)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    out.index_add_(0, torch.tensor([0, 11]), torch.ones(2, D_MODEL))
except (IndexError, RuntimeError) as e:
    print(type(e).__name__ + ":", e)
try:
    F.one_hot(torch.tensor([0, 4]), N_EXP)
except RuntimeError as e:
    print("RuntimeError:", e)

# accumulating expert usage into a shared counter inside vmap is refused (use out-of-place ops)
usage = torch.zeros(N_EXP)
try:
    vmap(lambda g: usage.add_(g))(gates.detach())
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    vmap(lambda g: usage.mul_(g))(gates.detach())
except RuntimeError as e:
    print("RuntimeError:", str(e)[:60])
print("usage untouched:", usage)
print("usage out of place:", vmap(lambda g: usage + g)(gates.detach()).sum(0))
