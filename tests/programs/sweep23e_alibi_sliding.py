"""ALiBi and local attention as written in long-context paper re-implementations: the
get_slopes recipe (including the non-power-of-two head count), the bias built from a
distance matrix and added to scores, sliding-window masks built as band matrices with
torch.ones().tril/triu and as unfold-based local windows over padded keys, all checked
against each other and against F.scaled_dot_product_attention with bool and float masks."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(1)


def get_slopes(n_heads):
    def get_slopes_power_of_2(n):
        start = 2 ** (-2 ** -(math.log2(n) - 3))
        ratio = start
        return [start * ratio ** i for i in range(n)]

    if math.log2(n_heads).is_integer():
        return get_slopes_power_of_2(n_heads)
    closest = 2 ** math.floor(math.log2(n_heads))
    return (get_slopes_power_of_2(closest)
            + get_slopes(2 * closest)[0::2][: n_heads - closest])


for h in (4, 6, 8):
    print(h, [round(s, 6) for s in get_slopes(h)])

n_heads, T, hd = 6, 8, 4
slopes = torch.Tensor(get_slopes(n_heads))
print("slopes", slopes)
context = torch.arange(T)[:, None]
memory = torch.arange(T)[None, :]
relative = memory - context
print(relative)
alibi = slopes[:, None, None] * relative.abs().neg()[None]
print("alibi shape", alibi.shape, alibi.dtype)
print(alibi[0].round(decimals=3))
# BLOOM-style: slopes * arange, broadcast over query rows
alibi_bloom = slopes[:, None] * torch.arange(T)[None, :].float()
print("bloom row", alibi_bloom[-1])

q = torch.randn(2, n_heads, T, hd)
k = torch.randn(2, n_heads, T, hd)
v = torch.randn(2, n_heads, T, hd)
causal = torch.ones(T, T, dtype=torch.bool).tril()
scores = q @ k.transpose(-2, -1) / math.sqrt(hd) + alibi
scores = scores.masked_fill(~causal, float("-inf"))
w = scores.softmax(-1)
out_alibi = w @ v
print("alibi weights h0\n", w[0, 0].round(decimals=3))
print("alibi weights h5 row7", w[0, 5, 7].round(decimals=3))
float_mask = alibi.masked_fill(~causal, float("-inf"))
sd = F.scaled_dot_product_attention(q, k, v, attn_mask=float_mask)
print("sdpa float mask matches:", torch.allclose(sd, out_alibi, atol=1e-5))
# bloom bias differs from symmetric alibi by a per-row constant -> identical softmax
sb = (q @ k.transpose(-2, -1) / math.sqrt(hd) + alibi_bloom[None, :, None, :]).masked_fill(~causal, -1e9)
print("bloom == alibi:", torch.allclose(sb.softmax(-1), w, atol=1e-5))

# sliding-window band mask
window = 3
band = torch.ones(T, T, dtype=torch.bool).tril().triu(-(window - 1))
print(band.int())
band2 = (relative <= 0) & (relative > -window)
print("band equal:", torch.equal(band, band2))
s = q @ k.transpose(-2, -1) * hd ** -0.5
w_band = s.masked_fill(~band, float("-inf")).softmax(dim=-1)
out_band = w_band @ v
sd_band = F.scaled_dot_product_attention(q, k, v, attn_mask=band)
print("sdpa bool band matches:", torch.allclose(sd_band, out_band, atol=1e-5))
print("band out", out_band[1, 2, 5].round(decimals=4))

# unfold-based local attention: each query sees the previous `window` keys
kp = F.pad(k, (0, 0, window - 1, 0))
vp = F.pad(v, (0, 0, window - 1, 0))
k_win = kp.unfold(2, window, 1)          # (B, H, T, hd, window)
v_win = vp.unfold(2, window, 1)
print("unfold shapes", tuple(k_win.shape), k_win.stride())
s_loc = torch.einsum("bhtd,bhtdw->bhtw", q, k_win) * hd ** -0.5
pad_mask = torch.arange(window)[None, :] < (window - 1 - torch.arange(T))[:, None]
print(pad_mask.int())
s_loc = s_loc.masked_fill(pad_mask, float("-inf"))
w_loc = F.softmax(s_loc, dim=-1)
out_loc = torch.einsum("bhtw,bhtdw->bhtd", w_loc, v_win)
print("unfold == band:", torch.allclose(out_loc, out_band, atol=1e-5))
print("local weights", w_loc[0, 0, :4].round(decimals=3))

# blockwise local attention with view into chunks
chunk = 4
qc = q.view(2, n_heads, T // chunk, chunk, hd)
kc = k.view(2, n_heads, T // chunk, chunk, hd)
vc = v.view(2, n_heads, T // chunk, chunk, hd)
blk = torch.tril(torch.ones(chunk, chunk)).bool()
sc = torch.einsum("bhnid,bhnjd->bhnij", qc, kc) / math.sqrt(hd)
sc = sc.masked_fill(blk.logical_not(), torch.finfo(sc.dtype).min)
oc = sc.softmax(-1) @ vc
print("chunked out", oc.reshape(2, n_heads, T, hd)[0, 0, :, 0].round(decimals=4))
print("finfo min", torch.finfo(torch.float32).min)


class AlibiBlock(nn.Module):
    def __init__(self, d, h):
        super().__init__()
        self.h = h
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)
        self.register_buffer("slopes", torch.tensor(get_slopes(h)), persistent=False)

    def forward(self, x):
        B, L, D = x.shape
        q, k, v = self.qkv(x).split(D, dim=2)
        q, k, v = (t.view(B, L, self.h, D // self.h).transpose(1, 2) for t in (q, k, v))
        pos = torch.arange(L, device=x.device)
        bias = -(pos[None, :] - pos[:, None]).abs() * self.slopes.view(-1, 1, 1)
        bias = bias.masked_fill(pos[None, :] > pos[:, None], float("-inf"))
        y = F.scaled_dot_product_attention(q, k, v, attn_mask=bias)
        return self.proj(y.transpose(1, 2).reshape(B, L, D))


blockm = AlibiBlock(12, 3)
print(blockm)
print("buffers", [n for n, _ in blockm.named_buffers()], list(blockm.state_dict().keys()))
opt = torch.optim.Adam(blockm.parameters(), lr=3e-3)
xb = torch.randn(4, T, 12)
target = xb.roll(1, dims=1)
for it in range(4):
    loss = F.mse_loss(blockm(xb), target)
    opt.zero_grad()
    loss.backward()
    opt.step()
    print(f"it {it} loss {loss.item():.4f}")
