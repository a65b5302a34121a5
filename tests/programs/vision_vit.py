"""A tiny Vision Transformer (blog-post style): patch embedding by a strided Conv2d and by unfold, a class
token and learnt position embeddings, trunc_normal_ init through model.apply, stochastic depth (DropPath)
with bernoulli_, pre-norm encoder blocks (hand-written and nn.TransformerEncoderLayer(norm_first=True)),
attention maps, AdamW with a warmup + cosine LambdaLR, and parameter groups without weight decay."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(11)


def drop_path(x, drop_prob: float = 0.0, training: bool = False, scale_by_keep: bool = True):
    if drop_prob == 0.0 or not training:
        return x
    keep_prob = 1 - drop_prob
    shape = (x.shape[0],) + (1,) * (x.ndim - 1)  # work with diff dim tensors, not just 2D ConvNets
    random_tensor = x.new_empty(shape).bernoulli_(keep_prob)
    if keep_prob > 0.0 and scale_by_keep:
        random_tensor.div_(keep_prob)
    return x * random_tensor


class DropPath(nn.Module):
    def __init__(self, drop_prob=0.0, scale_by_keep=True):
        super().__init__()
        self.drop_prob = drop_prob
        self.scale_by_keep = scale_by_keep

    def forward(self, x):
        return drop_path(x, self.drop_prob, self.training, self.scale_by_keep)

    def extra_repr(self):
        return f"drop_prob={round(self.drop_prob, 3):0.3f}"


class PatchEmbed(nn.Module):
    def __init__(self, img_size=16, patch_size=4, in_chans=3, embed_dim=32):
        super().__init__()
        self.img_size = (img_size, img_size)
        self.patch_size = (patch_size, patch_size)
        self.grid_size = (img_size // patch_size, img_size // patch_size)
        self.num_patches = self.grid_size[0] * self.grid_size[1]
        self.proj = nn.Conv2d(in_chans, embed_dim, kernel_size=patch_size, stride=patch_size)

    def forward(self, x):
        B, C, H, W = x.shape
        assert H == self.img_size[0] and W == self.img_size[1], \
            f"Input image size ({H}*{W}) doesn't match model ({self.img_size[0]}*{self.img_size[1]})."
        x = self.proj(x).flatten(2).transpose(1, 2)  # BCHW -> BNC
        return x


class Attention(nn.Module):
    def __init__(self, dim, num_heads=4, qkv_bias=True, attn_drop=0.0, proj_drop=0.0):
        super().__init__()
        self.num_heads = num_heads
        head_dim = dim // num_heads
        self.scale = head_dim ** -0.5
        self.qkv = nn.Linear(dim, dim * 3, bias=qkv_bias)
        self.attn_drop = nn.Dropout(attn_drop)
        self.proj = nn.Linear(dim, dim)
        self.proj_drop = nn.Dropout(proj_drop)
        self.last_attn = None

    def forward(self, x):
        B, N, C = x.shape
        qkv = self.qkv(x).reshape(B, N, 3, self.num_heads, C // self.num_heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.unbind(0)
        attn = (q @ k.transpose(-2, -1)) * self.scale
        attn = attn.softmax(dim=-1)
        self.last_attn = attn.detach()
        attn = self.attn_drop(attn)
        x = (attn @ v).transpose(1, 2).reshape(B, N, C)
        return self.proj_drop(self.proj(x))


class Mlp(nn.Module):
    def __init__(self, in_features, hidden_features, act_layer=nn.GELU, drop=0.0):
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden_features)
        self.act = act_layer()
        self.fc2 = nn.Linear(hidden_features, in_features)
        self.drop = nn.Dropout(drop)

    def forward(self, x):
        return self.drop(self.fc2(self.drop(self.act(self.fc1(x)))))


class Block(nn.Module):
    def __init__(self, dim, num_heads, mlp_ratio=2.0, drop_path=0.0, norm_layer=nn.LayerNorm):
        super().__init__()
        self.norm1 = norm_layer(dim)
        self.attn = Attention(dim, num_heads=num_heads)
        self.drop_path = DropPath(drop_path) if drop_path > 0.0 else nn.Identity()
        self.norm2 = norm_layer(dim)
        self.mlp = Mlp(dim, int(dim * mlp_ratio))

    def forward(self, x):
        x = x + self.drop_path(self.attn(self.norm1(x)))
        x = x + self.drop_path(self.mlp(self.norm2(x)))
        return x


class VisionTransformer(nn.Module):
    def __init__(self, img_size=16, patch_size=4, in_chans=3, num_classes=4, embed_dim=32, depth=3, num_heads=4,
                 drop_path_rate=0.1):
        super().__init__()
        self.patch_embed = PatchEmbed(img_size, patch_size, in_chans, embed_dim)
        num_patches = self.patch_embed.num_patches
        self.cls_token = nn.Parameter(torch.zeros(1, 1, embed_dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, num_patches + 1, embed_dim))
        dpr = [x.item() for x in torch.linspace(0, drop_path_rate, depth)]  # stochastic depth decay rule
        self.blocks = nn.Sequential(*[Block(embed_dim, num_heads, drop_path=dpr[i]) for i in range(depth)])
        self.norm = nn.LayerNorm(embed_dim, eps=1e-6)
        self.head = nn.Linear(embed_dim, num_classes)
        nn.init.trunc_normal_(self.pos_embed, std=0.02)
        nn.init.trunc_normal_(self.cls_token, std=0.02)
        self.apply(self._init_weights)

    def _init_weights(self, m):
        if isinstance(m, nn.Linear):
            nn.init.trunc_normal_(m.weight, std=0.02)
            if isinstance(m, nn.Linear) and m.bias is not None:
                nn.init.constant_(m.bias, 0)
        elif isinstance(m, nn.LayerNorm):
            nn.init.constant_(m.bias, 0)
            nn.init.constant_(m.weight, 1.0)

    @torch.jit.ignore
    def no_weight_decay(self):
        return {"pos_embed", "cls_token"}

    def forward_features(self, x):
        x = self.patch_embed(x)
        cls_token = self.cls_token.expand(x.shape[0], -1, -1)
        x = torch.cat((cls_token, x), dim=1)
        x = x + self.pos_embed
        x = self.blocks(x)
        return self.norm(x)

    def forward(self, x):
        x = self.forward_features(x)
        return self.head(x[:, 0])


model = VisionTransformer()
print(model.blocks[1])
print([type(b.drop_path).__name__ for b in model.blocks], [repr(b.drop_path) for b in model.blocks])
print(f"{sum(p.numel() for p in model.parameters()):,} params", model.patch_embed.num_patches)
print(f"pos_embed std {model.pos_embed.std().item():.3f}, max |w| <= 0.04: {model.head.weight.abs().max().item() <= 0.04}")
w = torch.empty(1000)
nn.init.trunc_normal_(w, mean=0.0, std=1.0, a=-2.0, b=2.0)
print(f"{w.min().item():.4f} {w.max().item():.4f} {w.mean().item():.4f}", w[:4])

# ---- patches two ways ----------------------------------------------------------------------------------------
img = torch.randn(2, 3, 16, 16)
patches = F.unfold(img, kernel_size=4, stride=4).transpose(1, 2)  # (B, N, C*p*p)
manual = img.unfold(2, 4, 4).unfold(3, 4, 4).permute(0, 2, 3, 1, 4, 5).reshape(2, 16, 48)
print(patches.shape, torch.allclose(patches, manual))
lin = model.patch_embed.proj.weight.reshape(32, -1)
via_linear = patches @ lin.t() + model.patch_embed.proj.bias
print(torch.allclose(via_linear, model.patch_embed(img), atol=1e-5))
try:
    model.patch_embed(torch.randn(1, 3, 12, 12))
except AssertionError as e:
    print("AssertionError:", e)

# ---- drop path ---------------------------------------------------------------------------------------------------
x = torch.ones(6, 3, 2)
dp = DropPath(0.5)
print(dp, dp(x)[:, 0, 0])
dp.eval()
print(torch.equal(dp(x), x))
t = torch.empty(4, 1, 1).bernoulli_(0.7)
print(t.flatten(), torch.empty(3).bernoulli_(torch.tensor([0.0, 1.0, 0.5])))
print(x.new_empty((2, 1)).shape, x.new_zeros(2).dtype, x.new_full((2,), 3).dtype, x.new_tensor([1, 2]).dtype)

# ---- attention maps ----------------------------------------------------------------------------------------------
model.eval()
with torch.no_grad():
    logits = model(img)
attn = model.blocks[-1].attn.last_attn
print(logits.shape, attn.shape, torch.allclose(attn.sum(-1), torch.ones(2, 4, 17)))
cls_attn = attn[:, :, 0, 1:].mean(1).reshape(2, 4, 4)
print(cls_attn.shape, f"{cls_attn.sum().item():.4f}")
print(F.interpolate(cls_attn[:, None], scale_factor=4, mode="nearest").shape)

# rollout (Abnar & Zuidema), with hooks collecting every block's attention
maps = []
hooks = [b.attn.register_forward_hook(lambda m, i, o: maps.append(m.last_attn)) for b in model.blocks]
with torch.no_grad():
    model(img[:1])
for h in hooks:
    h.remove()
result = torch.eye(17)
for a in maps:
    a = a.mean(1)[0]
    a = a + torch.eye(17)
    a = a / a.sum(dim=-1, keepdim=True)
    result = a @ result
print(len(maps), result.shape, f"{result[0, 1:].sum().item():.4f}")

# ---- the built-in encoder layer, pre-norm ----------------------------------------------------------------------------
enc_layer = nn.TransformerEncoderLayer(d_model=32, nhead=4, dim_feedforward=64, dropout=0.0, activation="gelu",
                                       batch_first=True, norm_first=True)
encoder = nn.TransformerEncoder(enc_layer, num_layers=2, enable_nested_tensor=False)
tokens = model.patch_embed(img)
with torch.no_grad():
    out = encoder(tokens)
print(out.shape, enc_layer.norm_first, enc_layer.activation_relu_or_gelu if hasattr(enc_layer, "activation_relu_or_gelu") else None)
print(encoder.layers[0].self_attn.batch_first, len(encoder.layers))

# ---- training: AdamW, no decay for norms / biases / embeddings, warmup + cosine ---------------------------------
def make_data(n):
    y = torch.randint(0, 4, (n,))
    x = torch.randn(n, 3, 16, 16) * 0.3
    for c in range(4):
        r, q = divmod(c, 2)
        x[y == c, :, r * 8:(r + 1) * 8, q * 8:(q + 1) * 8] += 1.0   # a bright quadrant per class
    return x, y


torch.manual_seed(12)
model = VisionTransformer(drop_path_rate=0.1)
xs, ys = make_data(64)
skip = model.no_weight_decay()
decay, no_decay = [], []
for name, p in model.named_parameters():
    if not p.requires_grad:
        continue
    if p.ndim <= 1 or name.endswith(".bias") or name in skip:
        no_decay.append(p)
    else:
        decay.append(p)
print(len(decay), len(no_decay))
optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": 0.05}, {"params": no_decay, "weight_decay": 0.0}],
                              lr=3e-3, betas=(0.9, 0.999))
total_steps, warmup = 20, 4


def lr_lambda(step):
    if step < warmup:
        return float(step + 1) / float(warmup)
    progress = float(step - warmup) / float(max(1, total_steps - warmup))
    return 0.5 * (1.0 + math.cos(math.pi * progress))


scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda)
criterion = nn.CrossEntropyLoss(label_smoothing=0.1)
for step in range(total_steps):
    model.train()
    idx = torch.randperm(64)[:16]
    loss = criterion(model(xs[idx]), ys[idx])
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    grad_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
    scheduler.step()
    if step % 5 == 4:
        print(f"step {step + 1:2d} loss {loss.item():.2f} lr {scheduler.get_last_lr()[0]:.6f} "
              f"grad-norm finite {torch.isfinite(grad_norm).item()}")
print([g["lr"] for g in optimizer.param_groups] == scheduler.get_last_lr(), optimizer.param_groups[1]["weight_decay"])
model.eval()
with torch.inference_mode():
    acc = (model(xs).argmax(-1) == ys).float().mean().item()
print(f"train accuracy > 0.25: {acc > 0.25}")
