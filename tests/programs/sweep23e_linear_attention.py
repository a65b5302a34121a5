"""Linear attention ("Transformers are RNNs", Katharopoulos et al.) re-implemented in plain torch:
the elu(x)+1 feature map, the non-causal form with a key-value summary, the causal form with
cumulative sums of outer products, the equivalent recurrent (RNN) form with a running state,
a chunked causal form, a check against masked quadratic attention, and a small training loop."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(2)


def elu_feature_map(x):
    return F.elu(x) + 1


def linear_attention(q, k, v, eps=1e-6):
    # q, k: (B, H, L, D); v: (B, H, L, M)
    q, k = elu_feature_map(q), elu_feature_map(k)
    kv = torch.einsum("bhld,bhlm->bhdm", k, v)
    z = 1 / (torch.einsum("bhld,bhd->bhl", q, k.sum(dim=2)) + eps)
    return torch.einsum("bhld,bhdm,bhl->bhlm", q, kv, z)


def causal_linear_attention(q, k, v, eps=1e-6):
    q, k = elu_feature_map(q), elu_feature_map(k)
    kv = torch.einsum("bhld,bhlm->bhldm", k, v).cumsum(dim=2)
    k_cum = k.cumsum(dim=2)
    num = torch.einsum("bhld,bhldm->bhlm", q, kv)
    den = torch.einsum("bhld,bhld->bhl", q, k_cum).unsqueeze(-1) + eps
    return num / den


def recurrent_linear_attention(q, k, v, eps=1e-6):
    q, k = elu_feature_map(q), elu_feature_map(k)
    B, H, L, D = q.shape
    M = v.shape[-1]
    S = q.new_zeros(B, H, D, M)
    Z = q.new_zeros(B, H, D)
    outs = []
    for t in range(L):
        S = S + k[:, :, t, :, None] * v[:, :, t, None, :]
        Z = Z + k[:, :, t]
        num = (q[:, :, t, :, None] * S).sum(dim=-2)
        den = (q[:, :, t] * Z).sum(-1, keepdim=True) + eps
        outs.append(num / den)
    return torch.stack(outs, dim=2)


def chunked_causal(q, k, v, chunk=4, eps=1e-6):
    q, k = elu_feature_map(q), elu_feature_map(k)
    B, H, L, D = q.shape
    S = torch.zeros(B, H, D, v.shape[-1], dtype=q.dtype)
    Z = torch.zeros(B, H, D, dtype=q.dtype)
    out = []
    tri = torch.tril(torch.ones(chunk, chunk))
    for qc, kc, vc in zip(q.split(chunk, 2), k.split(chunk, 2), v.split(chunk, 2)):
        intra = (qc @ kc.transpose(-1, -2)) * tri[: qc.shape[2], : qc.shape[2]]
        num = intra @ vc + qc @ S
        den = intra.sum(-1) + torch.einsum("bhld,bhd->bhl", qc, Z)
        out.append(num / (den[..., None] + eps))
        S = S + kc.transpose(-1, -2) @ vc
        Z = Z + kc.sum(dim=2)
    return torch.cat(out, dim=2)


def quadratic_causal(q, k, v, eps=1e-6):
    q, k = elu_feature_map(q), elu_feature_map(k)
    A = q @ k.transpose(-2, -1)
    L = q.shape[2]
    A = A.masked_fill(torch.triu(torch.ones(L, L, dtype=torch.bool), diagonal=1), 0.0)
    return (A @ v) / (A.sum(-1, keepdim=True) + eps)


B, H, L, D = 2, 2, 10, 4
q, k, v = torch.randn(B, H, L, D), torch.randn(B, H, L, D), torch.randn(B, H, L, 3)
print("feature map min", elu_feature_map(torch.tensor([-20.0, -1.0, 0.0, 2.0])))
out_nc = linear_attention(q, k, v)
print("non-causal", out_nc.shape, out_nc[0, 0, :3].round(decimals=4))
A = elu_feature_map(q) @ elu_feature_map(k).transpose(-2, -1)
ref_nc = (A / A.sum(-1, keepdim=True)) @ v
print("non-causal == quadratic:", torch.allclose(out_nc, ref_nc, atol=1e-5))
c1 = causal_linear_attention(q, k, v)
c2 = recurrent_linear_attention(q, k, v)
c3 = chunked_causal(q, k, v)
c4 = quadratic_causal(q, k, v)
print("causal cumsum == recurrent:", torch.allclose(c1, c2, atol=1e-5))
print("chunked == quadratic:", torch.allclose(c3, c4, atol=1e-5), torch.allclose(c1, c4, atol=1e-5))
print("causal row", c1[1, 1, -1].round(decimals=4))
print("first position = v[0]:", torch.allclose(c1[:, :, 0], v[:, :, 0], atol=1e-5))

# gradients flow through cumsum / einsum
qg = q.clone().requires_grad_()
kg = k.clone().requires_grad_()
vg = v.clone().requires_grad_()
y = causal_linear_attention(qg, kg, vg)
y.square().mean().backward()
print("grad norms", f"{qg.grad.norm().item():.4f} {kg.grad.norm().item():.4f} {vg.grad.norm().item():.4f}")
qg2 = q.clone().requires_grad_()
quadratic_causal(qg2, k, v).square().mean().backward()
print("grad match:", torch.allclose(qg.grad, qg2.grad, atol=1e-5))
print(y.grad_fn.name() if hasattr(y.grad_fn, "name") else type(y.grad_fn).__name__)

# cumsum in float64 vs float32 (why some repos upcast)
long_k = elu_feature_map(torch.randn(1, 1, 512, 2))
diff = (long_k.cumsum(2) - long_k.double().cumsum(2).float()).abs().max()
print("cumsum fp32 drift small:", diff.item() < 1e-2, long_k.double().cumsum(2).dtype)
print("cumsum dtype arg:", torch.cumsum(torch.ones(3, dtype=torch.int32), 0, dtype=torch.float64))
print("cumprod/cummax", torch.cumprod(torch.tensor([1., 2., 3.]), 0), torch.cummax(torch.tensor([1., 3., 2.]), 0))


class LinearAttentionLayer(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.to_qkv = nn.Linear(d, 3 * d, bias=False)
        self.out = nn.Linear(d, d)
        self.norm = nn.LayerNorm(d)

    def forward(self, x):
        b, n, d = x.shape
        qkv = self.to_qkv(self.norm(x)).chunk(3, dim=-1)
        q, k, v = map(lambda t: t.reshape(b, n, self.heads, -1).permute(0, 2, 1, 3), qkv)
        o = causal_linear_attention(q, k, v)
        o = o.permute(0, 2, 1, 3).reshape(b, n, d)
        return x + self.out(o)


model = nn.Sequential(LinearAttentionLayer(8, 2), LinearAttentionLayer(8, 2), nn.Linear(8, 1))
print(model)
print("params", sum(p.numel() for p in model.parameters()))
xs = torch.randn(16, 12, 8)
ys = xs[..., :1].cumsum(1) / torch.arange(1, 13).view(1, -1, 1)   # running mean: causal target
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
for ep in range(6):
    pred = model(xs)
    loss = F.mse_loss(pred, ys)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
    if ep % 2 == 1:
        print(f"epoch {ep} mse {loss.item():.4f}")
