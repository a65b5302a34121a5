"""Implement-it-yourself interview exercises, each checked against nn / F with torch.allclose and
autograd.grad: softmax and log-softmax (stable), cross-entropy with label smoothing, BatchNorm1d
(train and eval, running stats), LayerNorm, Conv2d through unfold + matmul, multi-head attention
against nn.MultiheadAttention, Dropout's scaling, and the nn.init functions' statistics."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)


def check(name, mine, ref, atol=1e-5):
    print(f"{name:<22} allclose={torch.allclose(mine, ref, atol=atol)}  shape={tuple(mine.shape)}  "
          f"maxdiff<1e-4={bool((mine - ref).abs().max() < 1e-4)}")


# ---- softmax / log_softmax / cross-entropy -----------------------------------------------------
def my_softmax(x, dim=-1):
    z = x - x.max(dim=dim, keepdim=True).values
    e = z.exp()
    return e / e.sum(dim=dim, keepdim=True)


def my_log_softmax(x, dim=-1):
    return x - x.logsumexp(dim=dim, keepdim=True)


def my_cross_entropy(logits, target, label_smoothing=0.0, ignore_index=-100):
    logp = my_log_softmax(logits)
    n_cls = logits.shape[-1]
    keep = target != ignore_index
    safe = target.clamp(min=0)
    nll = -logp.gather(1, safe[:, None]).squeeze(1)
    smooth = -logp.mean(-1)
    loss = (1 - label_smoothing) * nll + label_smoothing * smooth
    return (loss * keep).sum() / keep.sum()


x = torch.randn(5, 7, requires_grad=True)
y = torch.tensor([1, 0, 6, -100, 3])
check("softmax", my_softmax(x), F.softmax(x, dim=-1))
check("log_softmax", my_log_softmax(x), F.log_softmax(x, dim=1))
big = torch.tensor([[1000.0, 1001.0, 999.0]])
print("naive", (big.exp() / big.exp().sum()).tolist(), "stable", my_softmax(big).round(decimals=4).tolist())
for ls in (0.0, 0.1):
    mine = my_cross_entropy(x, y, ls)
    ref = F.cross_entropy(x, y, label_smoothing=ls)
    g_mine, = torch.autograd.grad(mine, x)
    g_ref, = torch.autograd.grad(ref, x)
    print(f"CE ls={ls}: {mine.item():.4f} vs {ref.item():.4f}", ref.grad_fn.name(), torch.allclose(g_mine, g_ref, atol=1e-6))
print(F.cross_entropy(x, y, reduction="none").detach().round(decimals=4))
print(type(F.nll_loss(F.log_softmax(x, 1), y, reduction="sum").grad_fn).__name__)
try:
    F.cross_entropy(x, torch.tensor([1, 0, 7, 2, 3]))
except IndexError as e:
    print(type(e).__name__, e)
try:
    F.cross_entropy(x, y.float()[:, None])
except RuntimeError as e:
    print(type(e).__name__, e)


for bad_target in [y.float()[:, None], y[:, None], torch.zeros(5, 2), torch.zeros(1, 5, 2)]:
    try:
        F.cross_entropy(x if bad_target.ndim < 3 else x[None], bad_target)
    except (RuntimeError, ValueError) as e:
        print(type(e).__name__, e)
try:
    F.nll_loss(x[0], torch.tensor([1, 2]))
except ValueError as e:
    print(type(e).__name__, e)
half_logits = (x.detach()[:2] * 3).half()
print(F.log_softmax(half_logits, dim=-1), F.cross_entropy(x.detach().half().float(), y).item() > 0)


# ---- hand-written linear vs F.linear, and the dtype mistakes ----------------------------------------
W = torch.randn(3, 7)
bvec = torch.randn(3)
print(torch.allclose(x.detach() @ W.T + bvec, F.linear(x, W, bvec)), torch.addmm(bvec, x.detach(), W.t()).shape)
for args in [(x.detach().double(), W, bvec), (x.detach(), W, bvec.double()), (x.detach().long(), W), (x.detach()[0].double(), W),
             (x.detach() > 0, W > 0, bvec > 0)]:
    try:
        F.linear(*args)
    except (RuntimeError, NotImplementedError) as e:
        print(type(e).__name__, e)
for f in [lambda: torch.addmm(bvec.double(), x.detach(), W.t()), lambda: torch.addmv(bvec, W, x.detach()[0].double()),
          lambda: torch.mv(W.long(), x.detach()[0]), lambda: torch.addmv(torch.zeros(4), W, x.detach()[0])]:
    try:
        f()
    except RuntimeError as e:
        print(type(e).__name__, e)


# ---- BatchNorm1d ----------------------------------------------------------------------------------
class MyBatchNorm1d(nn.Module):
    def __init__(self, num_features, eps=1e-5, momentum=0.1):
        super().__init__()
        self.eps, self.momentum = eps, momentum
        self.weight = nn.Parameter(torch.ones(num_features))
        self.bias = nn.Parameter(torch.zeros(num_features))
        self.register_buffer("running_mean", torch.zeros(num_features))
        self.register_buffer("running_var", torch.ones(num_features))
        self.register_buffer("num_batches_tracked", torch.tensor(0, dtype=torch.long))

    def forward(self, x):
        if self.training:
            mean = x.mean(0)
            var = x.var(0, unbiased=False)
            n = x.shape[0]
            with torch.no_grad():
                self.running_mean.mul_(1 - self.momentum).add_(self.momentum * mean)
                self.running_var.mul_(1 - self.momentum).add_(self.momentum * var * n / (n - 1))
                self.num_batches_tracked += 1
        else:
            mean, var = self.running_mean, self.running_var
        return (x - mean) / torch.sqrt(var + self.eps) * self.weight + self.bias


mine, ref = MyBatchNorm1d(4), nn.BatchNorm1d(4)
print(ref, [k for k in ref.state_dict()], mine.state_dict().keys() == ref.state_dict().keys())
xb = torch.randn(8, 4) * 3 + 1
xb.requires_grad_(True)
for step in range(3):
    out_m, out_r = mine(xb), ref(xb)
check("batchnorm train", out_m, out_r)
gm = torch.autograd.grad(out_m.pow(2).sum(), (xb, mine.weight))
gr = torch.autograd.grad(out_r.pow(2).sum(), (xb, ref.weight))
print("bn grads", [torch.allclose(a, b, atol=1e-4) for a, b in zip(gm, gr)], out_r.grad_fn.name())
check("running_mean", mine.running_mean, ref.running_mean)
check("running_var", mine.running_var, ref.running_var)
print(ref.num_batches_tracked, mine.num_batches_tracked)
mine.eval(); ref.eval()
check("batchnorm eval", mine(xb), ref(xb))
try:
    nn.BatchNorm1d(4)(torch.randn(1, 4))
except ValueError as e:
    print(type(e).__name__, e)
try:
    nn.BatchNorm1d(4)(torch.randn(2, 5))
except RuntimeError as e:
    print(type(e).__name__, e)


# ---- LayerNorm ----------------------------------------------------------------------------------
def my_layer_norm(x, w, b, eps=1e-5):
    mu = x.mean(-1, keepdim=True)
    var = ((x - mu) ** 2).mean(-1, keepdim=True)
    return (x - mu) * torch.rsqrt(var + eps) * w + b


ln = nn.LayerNorm(6)
with torch.no_grad():
    ln.weight.uniform_(0.5, 1.5)
    ln.bias.normal_()
xl = torch.randn(2, 3, 6, requires_grad=True)
check("layernorm", my_layer_norm(xl, ln.weight, ln.bias), ln(xl))
g1 = torch.autograd.grad(my_layer_norm(xl, ln.weight, ln.bias).sum(), (xl, ln.weight, ln.bias))
g2 = torch.autograd.grad(ln(xl).sum(), (xl, ln.weight, ln.bias))
print("ln grads", [torch.allclose(a, b, atol=1e-5) for a, b in zip(g1, g2)], ln(xl).grad_fn.name())
print(ln, nn.LayerNorm([3, 6], elementwise_affine=False), nn.RMSNorm(6))
try:
    ln(torch.randn(2, 5))
except RuntimeError as e:
    print(type(e).__name__, e)


# ---- Conv2d via unfold ---------------------------------------------------------------------------
def my_conv2d(x, w, b, stride=1, padding=0):
    n, c, h, wd = x.shape
    oc, _, kh, kw = w.shape
    cols = F.unfold(x, (kh, kw), stride=stride, padding=padding)          # (n, c*kh*kw, L)
    out = w.view(oc, -1) @ cols + b[:, None]
    oh = (h + 2 * padding - kh) // stride + 1
    ow = (wd + 2 * padding - kw) // stride + 1
    return out.view(n, oc, oh, ow)


conv = nn.Conv2d(3, 5, 3, stride=2, padding=1)
xc = torch.randn(2, 3, 7, 7, requires_grad=True)
check("conv2d", my_conv2d(xc, conv.weight, conv.bias, 2, 1), conv(xc))
ga = torch.autograd.grad(my_conv2d(xc, conv.weight, conv.bias, 2, 1).sum(), (xc, conv.weight))
gb = torch.autograd.grad(conv(xc).sum(), (xc, conv.weight))
print("conv grads", [torch.allclose(a, b, atol=1e-4) for a, b in zip(ga, gb)], conv(xc).grad_fn.name())
print(conv, conv.weight.shape, F.unfold(xc, 3).shape, F.unfold(xc, 3, dilation=2).grad_fn.name())
try:
    conv(torch.randn(2, 4, 7, 7))
except RuntimeError as e:
    print(type(e).__name__, e)
try:
    F.unfold(torch.randn(3, 7, 7), 3)
except (RuntimeError, NotImplementedError) as e:
    print(type(e).__name__, e)


# ---- multi-head attention --------------------------------------------------------------------------
def my_mha(q, k, v, mha, attn_mask=None):
    E, H = mha.embed_dim, mha.num_heads
    d = E // H
    wq, wk, wv = mha.in_proj_weight.chunk(3)
    bq, bk, bv = mha.in_proj_bias.chunk(3)
    B, L, _ = q.shape
    S = k.shape[1]
    Q = F.linear(q, wq, bq).view(B, L, H, d).transpose(1, 2)
    K = F.linear(k, wk, bk).view(B, S, H, d).transpose(1, 2)
    V = F.linear(v, wv, bv).view(B, S, H, d).transpose(1, 2)
    scores = Q @ K.transpose(-2, -1) / math.sqrt(d)
    if attn_mask is not None:
        scores = scores.masked_fill(attn_mask, float("-inf"))
    attn = scores.softmax(-1)
    out = (attn @ V).transpose(1, 2).reshape(B, L, E)
    return mha.out_proj(out), attn.mean(1)


mha = nn.MultiheadAttention(8, 2, batch_first=True)
q = torch.randn(2, 4, 8)
kv = torch.randn(2, 5, 8)
out_ref, w_ref = mha(q, kv, kv)
out_mine, w_mine = my_mha(q, kv, kv, mha)
check("mha out", out_mine, out_ref)
check("mha weights", w_mine, w_ref)
causal = torch.ones(4, 4, dtype=torch.bool).triu(1)
out_ref2, _ = mha(q, q, q, attn_mask=causal, need_weights=False)
check("mha causal", my_mha(q, q, q, mha, causal)[0], out_ref2)
print(mha, [n for n, _ in mha.named_parameters()], out_ref.grad_fn.name())
sdpa = F.scaled_dot_product_attention(q[:, None], kv[:, None], kv[:, None], is_causal=False)
print(sdpa.shape, torch.allclose(sdpa[:, 0], (q @ kv.transpose(1, 2) / math.sqrt(8)).softmax(-1) @ kv, atol=1e-6))
try:
    nn.MultiheadAttention(8, 3)
except AssertionError as e:
    print(type(e).__name__, e)
try:
    mha(q, kv, kv, attn_mask=torch.ones(3, 3, dtype=torch.bool))
except RuntimeError as e:
    print(type(e).__name__, e)

# ---- dropout and init ---------------------------------------------------------------------------
drop = nn.Dropout(0.25)
ones = torch.ones(1000)
kept = drop(ones)
print(drop, kept.unique().tolist(), (kept == 0).sum().item(), drop.eval()(ones).equal(ones))
w = torch.empty(256, 128)
for fn, kw in [(nn.init.xavier_uniform_, {}), (nn.init.xavier_normal_, {"gain": 2.0}),
               (nn.init.kaiming_uniform_, {"a": math.sqrt(5)}), (nn.init.kaiming_normal_, {"mode": "fan_out", "nonlinearity": "relu"}),
               (nn.init.trunc_normal_, {"std": 0.02}), (nn.init.orthogonal_, {}), (nn.init.uniform_, {"a": -0.1, "b": 0.1})]:
    fn(w, **kw)
    print(f"{fn.__name__:<18} mean={w.mean().item():+.3f} std={w.std().item():.4f} max={w.abs().max().item():.3f}")
print(nn.init.calculate_gain("leaky_relu", 0.2), nn.init.calculate_gain("tanh"), nn.init.calculate_gain("selu"))
print(torch.allclose(w[:2] @ w[:2].T, w[:2] @ w[:2].T), nn.init.eye_(torch.empty(2, 3)), nn.init.constant_(torch.empty(2), 0.3))
print(nn.init.dirac_(torch.empty(2, 2, 3)).sum(), nn.init.zeros_(torch.empty(3)).requires_grad)
try:
    nn.init.xavier_uniform_(torch.empty(5))
except ValueError as e:
    print(type(e).__name__, e)
try:
    nn.init.calculate_gain("swish")
except ValueError as e:
    print(type(e).__name__, e)
