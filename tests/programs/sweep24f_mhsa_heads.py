"""Multi-head self-attention with every head split/merge idiom people write without einops:
view+transpose, reshape+permute of a fused qkv, unflatten/flatten, einsum 'bhid,bhjd->bhij' and
'bhij,bhjd->bhid', chunk vs unbind, the merge via transpose().contiguous().view() and via
rearrange-style flatten, checked against each other and against nn.MultiheadAttention, then a few
training steps with gradients flowing through einsum."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
B, N, D, H = 2, 5, 12, 3
hd = D // H


def info(tag, t):
    print(f"{tag:<36} {str(tuple(t.shape)):<16} {str(t.stride()):<18} contig={t.is_contiguous()}")


class Attention(nn.Module):
    def __init__(self, dim, heads, style):
        super().__init__()
        self.heads, self.style = heads, style
        self.scale = (dim // heads) ** -0.5
        self.qkv = nn.Linear(dim, dim * 3, bias=False)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x, verbose=False):
        b, n, d = x.shape
        h = self.heads
        if self.style == "timm":
            qkv = self.qkv(x).reshape(b, n, 3, h, d // h).permute(2, 0, 3, 1, 4)
            if verbose:
                info("qkv reshape+permute", qkv)
            q, k, v = qkv.unbind(0)
            attn = (q @ k.transpose(-2, -1)) * self.scale
            out = attn.softmax(dim=-1) @ v
            out = out.transpose(1, 2).reshape(b, n, d)
        elif self.style == "lucidrains":
            q, k, v = self.qkv(x).chunk(3, dim=-1)
            q, k, v = (t.unflatten(-1, (h, -1)).transpose(1, 2) for t in (q, k, v))
            if verbose:
                info("q after unflatten+transpose", q)
            dots = torch.einsum("bhid,bhjd->bhij", q, k) * self.scale
            attn = dots.softmax(dim=-1)
            out = torch.einsum("bhij,bhjd->bhid", attn, v)
            if verbose:
                info("einsum out", out)
            out = out.permute(0, 2, 1, 3).flatten(2)
        else:   # "view"
            q, k, v = self.qkv(x).split(d, dim=-1)
            q = q.view(b, n, h, -1).transpose(1, 2)
            k = k.view(b, n, h, -1).transpose(1, 2)
            v = v.view(b, n, h, -1).transpose(1, 2)
            attn = F.scaled_dot_product_attention(q, k, v)
            if verbose:
                info("sdpa out", attn)
            merged = attn.transpose(1, 2)
            if verbose:
                info("transpose(1, 2)", merged)
                info(".contiguous()", merged.contiguous())
            out = merged.contiguous().view(b, n, d)
        return self.proj(out)


x = torch.randn(B, N, D)
models = {s: Attention(D, H, s) for s in ["timm", "lucidrains", "view"]}
for s in ["lucidrains", "view"]:
    models[s].load_state_dict(models["timm"].state_dict())
outs = {s: m(x, verbose=True) for s, m in models.items()}
for s, o in outs.items():
    info(f"output {s}", o)
print("timm vs lucidrains:", torch.allclose(outs["timm"], outs["lucidrains"], atol=1e-6))
print("timm vs sdpa:", torch.allclose(outs["timm"], outs["view"], atol=1e-6))

mha = nn.MultiheadAttention(D, H, bias=False, batch_first=True)
with torch.no_grad():
    mha.in_proj_weight.copy_(models["timm"].qkv.weight)
    mha.out_proj.weight.copy_(models["timm"].proj.weight)
    models["timm"].proj.bias.zero_()
ref, w = mha(x, x, x, need_weights=True, average_attn_weights=False)
print("vs nn.MultiheadAttention:", torch.allclose(ref, models["timm"](x), atol=1e-6), tuple(w.shape))
print("weights rows sum to 1:", torch.allclose(w.sum(-1), torch.ones(B, H, N)))

print("-- head split by hand, printed --")
t = torch.arange(B * N * D, dtype=torch.float32).view(B, N, D)
heads = t.view(B, N, H, hd).transpose(1, 2)
info("view(b,n,h,d).transpose(1,2)", heads)
print(heads[0, 1])
merged = heads.transpose(1, 2).reshape(B, N, D)
print("merge == original:", torch.equal(merged, t), merged.is_contiguous(), merged._base is not None)
merged2 = heads.permute(0, 2, 1, 3).flatten(-2)
print("flatten merge is a copy:", merged2.is_contiguous(), merged2.data_ptr() == t.data_ptr())
heads_first = t.view(B, N, H, hd).permute(2, 0, 1, 3)
info("'(h b) n d' prep permute", heads_first)
hb = heads_first.reshape(H * B, N, hd)
info("'(h b) n d'", hb)
print("head 1 batch 0 equal:", torch.equal(hb[1 * B + 0], t[0, :, hd:2 * hd]))
print(torch.einsum("bhnd->bnhd", heads).flatten(2).equal(t))
print(torch.einsum("bhnd,bhmd->bhnm", heads[:, :, :2], heads[:, :, :2]).shape)

print("-- causal mask via einsum scores --")
q = torch.randn(1, H, N, hd)
k = torch.randn(1, H, N, hd)
s = torch.einsum("bhqd,bhkd->bhqk", q, k) / math.sqrt(hd)
mask = torch.ones(N, N, dtype=torch.bool).tril()
s = s.masked_fill(~mask, float("-inf"))
p = s.softmax(-1)
print(p[0, 0].round(decimals=3))
print("upper triangle zero:", bool((p.triu(1) == 0).all()))
ref = F.scaled_dot_product_attention(q, k, torch.eye(N).expand(1, H, N, N), is_causal=True)
print("matches sdpa causal:", torch.allclose(ref, p, atol=1e-6))

print("-- train a little --")
torch.manual_seed(1)
model = Attention(D, H, "lucidrains")
head = nn.Linear(D, 2)
opt = torch.optim.Adam(list(model.parameters()) + list(head.parameters()), lr=1e-2)
xs = torch.randn(16, N, D)
ys = (xs[:, 0, 0] > 0).long()
for step in range(25):
    logits = head(model(xs).mean(1))
    loss = F.cross_entropy(logits, ys)
    opt.zero_grad()
    loss.backward()
    if step % 6 == 0:
        gn = model.qkv.weight.grad.norm().item()
        print(f"step {step:2d} loss {loss.item():.4f} |grad qkv| {gn:.4f}")
    opt.step()
print("final acc:", (head(model(xs).mean(1)).argmax(1) == ys).float().mean().item())
