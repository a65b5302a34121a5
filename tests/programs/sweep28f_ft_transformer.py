"""FT-Transformer (Gorishniy et al., "Revisiting Deep Learning Models for Tabular Data") for a small
regression table: a feature tokenizer (per-feature weight and bias for numeric columns, an offset
embedding for categorical ones), a [CLS] token, a pre-norm nn.TransformerEncoder with a ReGLU
feed-forward, missing features masked with key_padding_mask, AdamW with no decay on tokenizer / norm
parameters, a warm-up + cosine schedule, and per-feature attention from the CLS token."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(11)
N, N_NUM = 300, 4
CARDS = [3, 6]
x_num = torch.randn(N, N_NUM)
x_cat = torch.stack([torch.randint(0, c, (N,)) for c in CARDS], 1)
missing = torch.rand(N, N_NUM) < 0.08
y = (x_num[:, 0] * 2 - x_num[:, 1] * x_num[:, 2] + torch.tensor([0.5, -1.0, 0.0])[x_cat[:, 0]]
     + 0.3 * x_cat[:, 1].float().sqrt() + 0.1 * torch.randn(N))
x_num = x_num.masked_fill(missing, 0.0)
y_mean, y_std = y[:240].mean(), y[:240].std()
y_n = (y - y_mean) / y_std
print("missing per column", missing.sum(0).tolist(), "target", f"{y_mean.item():.4f} {y_std.item():.4f}")


class ReGLU(nn.Module):
    def forward(self, x):
        a, b = x.chunk(2, dim=-1)
        return a * F.relu(b)


class FeatureTokenizer(nn.Module):
    def __init__(self, n_num, cards, d):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(n_num, d))
        self.bias = nn.Parameter(torch.empty(n_num, d))
        self.register_buffer("offsets", torch.tensor([0] + cards[:-1]).cumsum(0))
        self.cat = nn.Embedding(sum(cards), d)
        self.cat_bias = nn.Parameter(torch.empty(len(cards), d))
        for p in (self.weight, self.bias, self.cat_bias):
            nn.init.kaiming_uniform_(p, a=math.sqrt(5))

    def forward(self, xn, xc):
        num_tok = self.weight[None] * xn[..., None] + self.bias[None]
        cat_tok = self.cat(xc + self.offsets[None]) + self.cat_bias[None]
        return torch.cat([num_tok, cat_tok], dim=1)


class FTTransformer(nn.Module):
    def __init__(self, n_num, cards, d=16, heads=4, layers=2):
        super().__init__()
        self.tok = FeatureTokenizer(n_num, cards, d)
        self.cls = nn.Parameter(torch.zeros(1, 1, d))
        nn.init.trunc_normal_(self.cls, std=0.02)
        layer = nn.TransformerEncoderLayer(d, heads, dim_feedforward=32, dropout=0.1, batch_first=True,
                                           norm_first=True, activation=F.gelu)
        self.encoder = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        self.head = nn.Sequential(nn.LayerNorm(d), nn.ReLU(), nn.Linear(d, 1))

    def forward(self, xn, xc, miss=None):
        t = self.tok(xn, xc)
        t = torch.cat([self.cls.expand(t.shape[0], -1, -1), t], dim=1)
        pad = None
        if miss is not None:
            pad = torch.cat([torch.zeros(miss.shape[0], 1, dtype=torch.bool), miss,
                             torch.zeros(miss.shape[0], len(CARDS), dtype=torch.bool)], 1)
        h = self.encoder(t, src_key_padding_mask=pad)
        return self.head(h[:, 0]).squeeze(-1)


model = FTTransformer(N_NUM, CARDS)
print(model.tok)
print("encoder layer 0 ff", model.encoder.layers[0].linear1, model.encoder.layers[0].norm_first)
print("offsets buffer", model.tok.offsets, [n for n, _ in model.named_buffers()])
print("cls", model.cls.shape, "params", sum(p.numel() for p in model.parameters()))
rg = ReGLU()
print("reglu", rg(torch.tensor([[1.0, -2.0, 0.5, 3.0]])), rg)

decay, skip = [], []
for n, p in model.named_parameters():
    (skip if (n.startswith("tok") or "norm" in n or n.endswith(".bias") or n == "cls") else decay).append(p)
print("decay tensors", len(decay), "no-decay tensors", len(skip))
opt = torch.optim.AdamW([{"params": decay, "weight_decay": 1e-4}, {"params": skip, "weight_decay": 0.0}],
                        lr=3e-3, betas=(0.9, 0.98))
total, warm = 60, 6
sched = torch.optim.lr_scheduler.LambdaLR(
    opt, lambda s: (s + 1) / warm if s < warm else 0.5 * (1 + math.cos(math.pi * (s - warm) / (total - warm))))

lrs = []
for step in range(total):
    model.train()
    b = torch.randint(0, 240, (48,))
    pred = model(x_num[b], x_cat[b], missing[b])
    loss = F.mse_loss(pred, y_n[b])
    opt.zero_grad()
    loss.backward()
    gn = nn.utils.clip_grad_norm_(model.parameters(), 1.0, norm_type=2.0)
    opt.step()
    sched.step()
    lrs.append(sched.get_last_lr()[0])
    if step % 15 == 14:
        print(f"step {step + 1} mse {loss.item():.3f} |g| {min(gn.item(), 1e9):.3f} lr {lrs[-1]:.6f}")
print("lr warmup", [round(v, 6) for v in lrs[:warm]], "final", round(lrs[-1], 8))

model.eval()
with torch.no_grad():
    pr = model(x_num[240:], x_cat[240:], missing[240:]) * y_std + y_mean
    rmse = F.mse_loss(pr, y[240:]).sqrt()
    r2 = 1 - ((pr - y[240:]) ** 2).sum() / ((y[240:] - y[240:].mean()) ** 2).sum()
    print(f"test rmse {rmse.item():.3f} r2 {r2.item():.3f}")

    # attention of the CLS token over features in the last layer
    layer = model.encoder.layers[-1]
    t = model.tok(x_num[240:250], x_cat[240:250])
    t = torch.cat([model.cls.expand(10, -1, -1), t], 1)
    h = model.encoder.layers[0](t)
    hn = layer.norm1(h)
    _, attn = layer.self_attn(hn, hn, hn, need_weights=True, average_attn_weights=False)
    print("attn", attn.shape, "rows sum to one", torch.allclose(attn.sum(-1), torch.ones(10, 4, 7)))
    imp = attn[:, :, 0, 1:].mean(dim=(0, 1))
    print("feature importance (CLS attention)", imp.round(decimals=3))
    print("ranking", imp.argsort(descending=True).tolist())
    q = hn @ layer.self_attn.in_proj_weight[:16].T + layer.self_attn.in_proj_bias[:16]
    k = hn @ layer.self_attn.in_proj_weight[16:32].T + layer.self_attn.in_proj_bias[16:32]
    v = hn @ layer.self_attn.in_proj_weight[32:].T + layer.self_attn.in_proj_bias[32:]
    split = lambda z: z.view(10, 7, 4, 4).transpose(1, 2)
    o = F.scaled_dot_product_attention(split(q), split(k), split(v))
    manual = (split(q) @ split(k).transpose(-2, -1) / 2.0).softmax(-1)
    print("sdpa matches manual", torch.allclose(o, manual @ split(v), atol=1e-5), o.shape)
    print("manual matches module", torch.allclose(manual, attn, atol=1e-5))

flat = nn.utils.parameters_to_vector(model.parameters())
print("flat params", flat.shape, flat.dtype)
sd = model.state_dict()
print("state_dict keys", len(sd), list(sd)[:5])
try:
    nn.TransformerEncoderLayer(18, 4)
except AssertionError as e:
    print("AssertionError:", e)
try:
    model(x_num[:4], x_cat[:4], missing[:4, :3])
except AssertionError as e:
    print("AssertionError:", str(e).split("\n")[0])
try:
    model.tok(x_num[:2], x_cat[:2].float())
except RuntimeError as e:
    print("RuntimeError:", str(e).split("\n")[0])
