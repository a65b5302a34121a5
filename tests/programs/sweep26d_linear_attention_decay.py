"""Linear attention with decays: RWKV-style time mixing, RetNet's chunkwise form and
the equivalence of the parallel (masked) and recurrent formulations.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_printoptions(precision=4)

B, T, H, D = 2, 8, 2, 4

q = torch.randn(B, H, T, D)
k = torch.randn(B, H, T, D)
v = torch.randn(B, H, T, D)
gamma = 1 - 2.0 ** (-5 - torch.arange(H, dtype=torch.float32))
print("per-head decay gamma:", gamma)

# parallel form: (Q K^T * D) V with D[n,m] = gamma^(n-m) for n >= m
idx = torch.arange(T)
diff = (idx[:, None] - idx[None, :]).float()
decay_mask = torch.where(diff >= 0, gamma.view(H, 1, 1) ** diff, torch.zeros(()))
print("decay mask head 0 (first 4x4):\n", decay_mask[0, :4, :4])
scores = q @ k.transpose(-1, -2) / math.sqrt(D)
out_parallel = (scores * decay_mask) @ v

# recurrent form: S_n = gamma S_{n-1} + k_n^T v_n ; o_n = q_n S_n
S = torch.zeros(B, H, D, D)
outs = []
for n in range(T):
    S = gamma.view(1, H, 1, 1) * S + torch.einsum("bhd,bhe->bhde", k[:, :, n], v[:, :, n])
    outs.append(torch.einsum("bhd,bhde->bhe", q[:, :, n], S) / math.sqrt(D))
out_recurrent = torch.stack(outs, dim=2)
print("parallel == recurrent:", torch.allclose(out_parallel, out_recurrent, atol=1e-5))

# chunkwise form (chunk size 4)
C = 4
S = torch.zeros(B, H, D, D)
chunks = []
inner_mask = decay_mask[:, :C, :C]
pos = torch.arange(1, C + 1, dtype=torch.float32)
for c0 in range(0, T, C):
    qc, kc, vc = q[:, :, c0:c0 + C], k[:, :, c0:c0 + C], v[:, :, c0:c0 + C]
    inner = ((qc @ kc.mT / math.sqrt(D)) * inner_mask) @ vc
    cross = (qc @ S) * (gamma.view(H, 1) ** pos).unsqueeze(-1) / math.sqrt(D)
    chunks.append(inner + cross)
    kdec = kc * (gamma.view(H, 1) ** (C - pos)).unsqueeze(-1)
    S = (gamma ** C).view(1, H, 1, 1) * S + kdec.mT @ vc
out_chunk = torch.cat(chunks, dim=2)
print("chunkwise == parallel:", torch.allclose(out_chunk, out_parallel, atol=1e-5))
print("out[0, 0, :3]:\n", out_parallel[0, 0, :3])


class RWKVTimeMix(nn.Module):
    """WKV with per-channel decay w and bonus u, computed in a numerically safe way."""

    def __init__(self, d):
        super().__init__()
        self.time_decay = nn.Parameter(torch.linspace(-1.0, 1.0, d))
        self.time_first = nn.Parameter(torch.full((d,), 0.5))
        self.time_mix_k = nn.Parameter(torch.rand(1, 1, d))
        self.time_mix_v = nn.Parameter(torch.rand(1, 1, d))
        self.time_mix_r = nn.Parameter(torch.rand(1, 1, d))
        self.time_shift = nn.ZeroPad2d((0, 0, 1, -1))
        self.key = nn.Linear(d, d, bias=False)
        self.value = nn.Linear(d, d, bias=False)
        self.receptance = nn.Linear(d, d, bias=False)
        self.output = nn.Linear(d, d, bias=False)

    def wkv(self, k, v):
        w = -torch.exp(self.time_decay)
        u = self.time_first
        Bsz, T, d = k.shape
        aa = torch.zeros(Bsz, d)
        bb = torch.zeros(Bsz, d)
        pp = torch.full((Bsz, d), -1e38)
        out = []
        for t in range(T):
            kt, vt = k[:, t], v[:, t]
            ww = u + kt
            p = torch.maximum(pp, ww)
            e1 = torch.exp(pp - p)
            e2 = torch.exp(ww - p)
            out.append((e1 * aa + e2 * vt) / (e1 * bb + e2))
            ww = pp + w
            p = torch.maximum(ww, kt)
            e1 = torch.exp(ww - p)
            e2 = torch.exp(kt - p)
            aa = e1 * aa + e2 * vt
            bb = e1 * bb + e2
            pp = p
        return torch.stack(out, dim=1)

    def wkv_naive(self, k, v):
        w = -torch.exp(self.time_decay)
        T = k.shape[1]
        t_idx = torch.arange(T)
        rel = (t_idx[:, None] - 1 - t_idx[None, :]).float()  # t-1-i
        logits = rel[None, :, :, None] * w + k[:, None, :, :]  # (B, t, i, d)
        logits = logits.masked_fill((rel < 0)[None, :, :, None], float("-inf"))
        diag = (self.time_first + k).unsqueeze(2)  # (B, t, 1, d)
        all_logits = torch.cat([logits, diag], dim=2)
        weights = torch.softmax(all_logits, dim=2)
        vals = torch.cat([v[:, None].expand(-1, T, -1, -1), v.unsqueeze(2)], dim=2)
        return (weights * vals).sum(2)

    def forward(self, x):
        xx = self.time_shift(x)
        xk = x * self.time_mix_k + xx * (1 - self.time_mix_k)
        xv = x * self.time_mix_v + xx * (1 - self.time_mix_v)
        xr = x * self.time_mix_r + xx * (1 - self.time_mix_r)
        k, v, r = self.key(xk), self.value(xv), torch.sigmoid(self.receptance(xr))
        return self.output(r * self.wkv(k, v)), (k, v)


tm = RWKVTimeMix(6)
print(tm)
x = torch.randn(2, 7, 6)
y, (kk, vv) = tm(x)
print("rwkv out:", y.shape, type(y.grad_fn).__name__)
print("stable wkv == softmax form:", torch.allclose(tm.wkv(kk, vv), tm.wkv_naive(kk, vv), atol=1e-5))
print("time shift row 0 zero:", bool((tm.time_shift(x)[:, 0] == 0).all()), "row1==x0:", torch.equal(tm.time_shift(x)[:, 1], x[:, 0]))
y.square().mean().backward()
print("decay grad:", tm.time_decay.grad)
print("bonus grad:", tm.time_first.grad)

# gated linear attention with data-dependent decay, cumulative log-decay trick
g = F.logsigmoid(torch.randn(B, T, D))  # log decay per step
cum = torch.cumsum(g, dim=1)
q2, k2, v2 = torch.randn(B, T, D), torch.randn(B, T, D), torch.randn(B, T, D)
qd = q2 * torch.exp(cum)
kd = k2 * torch.exp(-cum)
att = torch.tril(qd @ kd.mT)
o_par = att @ v2
Sg = torch.zeros(B, D, D)
o_rec = []
for t in range(T):
    Sg = torch.exp(g[:, t]).unsqueeze(-1) * Sg + k2[:, t, :, None] * v2[:, t, None, :]
    o_rec.append(torch.bmm(q2[:, t, None, :], Sg).squeeze(1))
o_rec = torch.stack(o_rec, 1)
print("gated parallel == recurrent:", torch.allclose(o_par, o_rec, atol=1e-4))
print("log-decay min:", f"{cum.min().item():.4f}")
print("ELU+1 feature map:", (F.elu(torch.tensor([-2.0, 0.0, 1.5])) + 1))

# causal linear attention normalizer (Katharopoulos et al.)
phi_q, phi_k = F.elu(q2) + 1, F.elu(k2) + 1
kv = torch.einsum("btd,bte->btde", phi_k, v2).cumsum(1)
z = 1.0 / (torch.einsum("btd,btd->bt", phi_q, phi_k.cumsum(1)) + 1e-6)
o_lin = torch.einsum("btd,btde,bt->bte", phi_q, kv, z)
A_full = (phi_q @ phi_k.mT).tril()
o_ref = (A_full / A_full.sum(-1, keepdim=True)) @ v2
print("linear attention causal ok:", torch.allclose(o_lin, o_ref, atol=1e-5))
print("o_lin[0, -1]:", o_lin[0, -1])

try:
    torch.einsum("btd,bte->btde", phi_k, v2[:, :, :3].mT)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.tril(torch.ones(3))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    scores.masked_fill(torch.ones(T, T), 0.0)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.bmm(torch.randn(2, 3, 4), torch.randn(3, 4, 5))
except RuntimeError as e:
    print("RuntimeError:", e)
