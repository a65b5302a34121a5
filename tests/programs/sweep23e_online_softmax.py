"""Flash-attention style blockwise attention in plain torch, as in tutorials that explain the
algorithm: online softmax with a running max and running denominator, the rescaling of the
accumulator, the saved logsumexp used to recompute the probabilities in the backward pass,
a causal variant that skips fully-masked blocks, checks against a plain softmax and
F.scaled_dot_product_attention, and a custom autograd.Function whose gradients are compared
with autograd's."""
import math

import torch
import torch.nn.functional as F

torch.manual_seed(4)
torch.set_printoptions(precision=4)


def online_softmax(x):
    m = torch.tensor(float("-inf"))
    d = torch.tensor(0.0)
    for xi in x:
        m_new = torch.maximum(m, xi)
        d = d * torch.exp(m - m_new) + torch.exp(xi - m_new)
        m = m_new
    return torch.exp(x - m) / d, m, d


x = torch.randn(10) * 3
p, m, d = online_softmax(x)
print("online softmax == softmax:", torch.allclose(p, torch.softmax(x, 0), atol=1e-6))
print("max", round(m.item(), 4), "lse", round((m + d.log()).item(), 4), round(torch.logsumexp(x, 0).item(), 4))
big = torch.tensor([1000.0, 1001.0, 1002.0])
print("naive overflow", torch.exp(big) / torch.exp(big).sum(), "stable", torch.softmax(big, 0))


def flash_forward(q, k, v, block_q=4, block_k=3, causal=False):
    B, H, N, D = q.shape
    scale = 1.0 / math.sqrt(D)
    o = torch.zeros_like(q)
    lse = torch.full((B, H, N), float("-inf"))
    for i in range(0, N, block_q):
        qi = q[:, :, i:i + block_q] * scale
        acc = torch.zeros_like(qi)
        row_max = torch.full(qi.shape[:-1], float("-inf"))
        row_sum = torch.zeros(qi.shape[:-1])
        for j in range(0, N, block_k):
            if causal and j > i + qi.shape[2] - 1:
                break                                  # block entirely above the diagonal
            kj, vj = k[:, :, j:j + block_k], v[:, :, j:j + block_k]
            s = qi @ kj.transpose(-2, -1)
            if causal:
                qpos = torch.arange(i, i + qi.shape[2])[:, None]
                kpos = torch.arange(j, j + kj.shape[2])[None, :]
                s = s.masked_fill(kpos > qpos, float("-inf"))
            new_max = torch.maximum(row_max, s.amax(dim=-1))
            p = torch.exp(s - new_max[..., None])
            alpha = torch.exp(row_max - new_max)
            row_sum = alpha * row_sum + p.sum(-1)
            acc = acc * alpha[..., None] + p @ vj
            row_max = new_max
        o[:, :, i:i + block_q] = acc / row_sum[..., None]
        lse[:, :, i:i + block_q] = row_max + torch.log(row_sum)
    return o, lse


def reference(q, k, v, causal=False):
    s = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if causal:
        n = q.shape[2]
        s = s.masked_fill(torch.ones(n, n, dtype=torch.bool).triu(1), float("-inf"))
    return torch.softmax(s, dim=-1) @ v, torch.logsumexp(s, dim=-1)


q, k, v = (torch.randn(2, 2, 10, 8) for _ in range(3))
for causal in (False, True):
    o, lse = flash_forward(q, k, v, causal=causal)
    o_ref, lse_ref = reference(q, k, v, causal)
    sd = F.scaled_dot_product_attention(q, k, v, is_causal=causal)
    print(f"causal={causal}: out {torch.allclose(o, o_ref, atol=1e-5)} lse {torch.allclose(lse, lse_ref, atol=1e-5)}"
          f" sdpa {torch.allclose(sd, o_ref, atol=1e-5)}")
    print("  lse[0,0]", lse[0, 0].round(decimals=3))
print("max abs err", (o - o_ref).abs().max().item() < 1e-5)


class FlashAttention(torch.autograd.Function):
    @staticmethod
    def forward(ctx, q, k, v, causal):
        o, lse = flash_forward(q, k, v, causal=causal)
        ctx.save_for_backward(q, k, v, o, lse)
        ctx.causal = causal
        return o

    @staticmethod
    def backward(ctx, do):
        q, k, v, o, lse = ctx.saved_tensors
        scale = 1.0 / math.sqrt(q.shape[-1])
        s = q @ k.transpose(-2, -1) * scale
        if ctx.causal:
            n = q.shape[2]
            s = s.masked_fill(torch.triu(torch.ones(n, n, dtype=torch.bool), 1), float("-inf"))
        p = torch.exp(s - lse[..., None])               # recompute probabilities from the lse
        dv = p.transpose(-2, -1) @ do
        dp = do @ v.transpose(-2, -1)
        delta = (do * o).sum(-1, keepdim=True)
        ds = p * (dp - delta)
        dq = ds @ k * scale
        dk = ds.transpose(-2, -1) @ q * scale
        return dq, dk, dv, None


qa, ka, va = (t.clone().requires_grad_(True) for t in (q, k, v))
qb, kb, vb = (t.clone().requires_grad_(True) for t in (q, k, v))
out_a = FlashAttention.apply(qa, ka, va, True)
out_b = reference(qb, kb, vb, True)[0]
print(out_a.grad_fn.__class__.__name__, type(out_b.grad_fn).__name__)
g = torch.randn_like(out_a)
out_a.backward(g)
out_b.backward(g)
for name, a, b in (("dq", qa, qb), ("dk", ka, kb), ("dv", va, vb)):
    print(name, torch.allclose(a.grad, b.grad, atol=1e-4), f"{a.grad.norm().item():.3f}")

# double-precision gradcheck of the custom function on a tiny problem
qd, kd, vd = (torch.randn(1, 1, 5, 4, dtype=torch.float64, requires_grad=True) for _ in range(3))


def flash64(q, k, v):
    return FlashAttention.apply(q, k, v, True)


torch.set_default_dtype(torch.float64)
print("gradcheck:", torch.autograd.gradcheck(flash64, (qd, kd, vd), eps=1e-6, atol=1e-4))
torch.set_default_dtype(torch.float32)

# split-KV (flash-decoding): combine partial results with their logsumexps
qd1 = torch.randn(1, 2, 1, 8)
parts = []
for kk, vv in zip(k[:1].split(4, dim=2), v[:1].split(4, dim=2)):
    parts.append(reference(qd1, kk, vv))
outs = torch.stack([o for o, _ in parts])
lses = torch.stack([l for _, l in parts])
w = torch.softmax(lses, dim=0)
combined = (w[..., None] * outs).sum(0)
full, full_lse = reference(qd1, k[:1], v[:1])
print("split-kv combine:", torch.allclose(combined, full, atol=1e-5),
      torch.allclose(torch.logsumexp(lses, 0), full_lse, atol=1e-5))
print("weights per split", w[:, 0, :, 0].T)

# attention entropy from the lse: H = lse - sum p*s
s = q @ k.transpose(-2, -1) / math.sqrt(8)
pr = s.softmax(-1)
H1 = torch.logsumexp(s, -1) - (pr * s).sum(-1)
H2 = -(pr * pr.log()).sum(-1)
print("entropy identity:", torch.allclose(H1, H2, atol=1e-4), H1.mean(dim=(0, 2)))
print("log_softmax vs log(softmax):", torch.allclose(F.log_softmax(s, -1), pr.log(), atol=1e-5))
