"""Swin Transformer window attention in the style of the official repository and its many copies:
window_partition / window_reverse with view, permute and contiguous, a relative position bias table
indexed by a buffer built from meshgrid + flatten + broadcasting, cyclic shift with torch.roll, the
shifted-window attention mask built from slices and masked_fill, trunc_normal_ init, PatchMerging,
and a few training steps of a tiny two-block stage on random images."""
import torch
import torch.nn as nn
import torch.nn.functional as F


def window_partition(x, window_size):
    B, H, W, C = x.shape
    x = x.view(B, H // window_size, window_size, W // window_size, window_size, C)
    windows = x.permute(0, 1, 3, 2, 4, 5).contiguous().view(-1, window_size, window_size, C)
    return windows


def window_reverse(windows, window_size, H, W):
    B = int(windows.shape[0] / (H * W / window_size / window_size))
    x = windows.view(B, H // window_size, W // window_size, window_size, window_size, -1)
    x = x.permute(0, 1, 3, 2, 4, 5).contiguous().view(B, H, W, -1)
    return x


class Mlp(nn.Module):
    def __init__(self, in_features, hidden_features=None, out_features=None, act_layer=nn.GELU, drop=0.):
        super().__init__()
        out_features = out_features or in_features
        hidden_features = hidden_features or in_features
        self.fc1 = nn.Linear(in_features, hidden_features)
        self.act = act_layer()
        self.fc2 = nn.Linear(hidden_features, out_features)
        self.drop = nn.Dropout(drop)

    def forward(self, x):
        return self.drop(self.fc2(self.drop(self.act(self.fc1(x)))))


class WindowAttention(nn.Module):
    def __init__(self, dim, window_size, num_heads, qkv_bias=True, qk_scale=None, attn_drop=0., proj_drop=0.):
        super().__init__()
        self.dim = dim
        self.window_size = window_size  # Wh, Ww
        self.num_heads = num_heads
        head_dim = dim // num_heads
        self.scale = qk_scale or head_dim ** -0.5

        self.relative_position_bias_table = nn.Parameter(
            torch.zeros((2 * window_size[0] - 1) * (2 * window_size[1] - 1), num_heads))
        coords_h = torch.arange(self.window_size[0])
        coords_w = torch.arange(self.window_size[1])
        coords = torch.stack(torch.meshgrid([coords_h, coords_w], indexing="ij"))  # 2, Wh, Ww
        coords_flatten = torch.flatten(coords, 1)  # 2, Wh*Ww
        relative_coords = coords_flatten[:, :, None] - coords_flatten[:, None, :]  # 2, Wh*Ww, Wh*Ww
        relative_coords = relative_coords.permute(1, 2, 0).contiguous()  # Wh*Ww, Wh*Ww, 2
        relative_coords[:, :, 0] += self.window_size[0] - 1
        relative_coords[:, :, 1] += self.window_size[1] - 1
        relative_coords[:, :, 0] *= 2 * self.window_size[1] - 1
        relative_position_index = relative_coords.sum(-1)  # Wh*Ww, Wh*Ww
        self.register_buffer("relative_position_index", relative_position_index)

        self.qkv = nn.Linear(dim, dim * 3, bias=qkv_bias)
        self.attn_drop = nn.Dropout(attn_drop)
        self.proj = nn.Linear(dim, dim)
        self.proj_drop = nn.Dropout(proj_drop)
        nn.init.trunc_normal_(self.relative_position_bias_table, std=.02)
        self.softmax = nn.Softmax(dim=-1)

    def forward(self, x, mask=None):
        B_, N, C = x.shape
        qkv = self.qkv(x).reshape(B_, N, 3, self.num_heads, C // self.num_heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        q = q * self.scale
        attn = (q @ k.transpose(-2, -1))
        relative_position_bias = self.relative_position_bias_table[self.relative_position_index.view(-1)].view(
            self.window_size[0] * self.window_size[1], self.window_size[0] * self.window_size[1], -1)
        relative_position_bias = relative_position_bias.permute(2, 0, 1).contiguous()  # nH, Wh*Ww, Wh*Ww
        attn = attn + relative_position_bias.unsqueeze(0)
        if mask is not None:
            nW = mask.shape[0]
            attn = attn.view(B_ // nW, nW, self.num_heads, N, N) + mask.unsqueeze(1).unsqueeze(0)
            attn = attn.view(-1, self.num_heads, N, N)
        attn = self.softmax(attn)
        attn = self.attn_drop(attn)
        x = (attn @ v).transpose(1, 2).reshape(B_, N, C)
        x = self.proj_drop(self.proj(x))
        return x

    def extra_repr(self) -> str:
        return f'dim={self.dim}, window_size={self.window_size}, num_heads={self.num_heads}'


class SwinTransformerBlock(nn.Module):
    def __init__(self, dim, input_resolution, num_heads, window_size=4, shift_size=0, mlp_ratio=2.):
        super().__init__()
        self.dim, self.input_resolution = dim, input_resolution
        self.window_size, self.shift_size = window_size, shift_size
        self.norm1 = nn.LayerNorm(dim)
        self.attn = WindowAttention(dim, window_size=(window_size, window_size), num_heads=num_heads)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = Mlp(in_features=dim, hidden_features=int(dim * mlp_ratio))
        if self.shift_size > 0:
            H, W = self.input_resolution
            img_mask = torch.zeros((1, H, W, 1))  # 1 H W 1
            h_slices = (slice(0, -self.window_size), slice(-self.window_size, -self.shift_size),
                        slice(-self.shift_size, None))
            w_slices = (slice(0, -self.window_size), slice(-self.window_size, -self.shift_size),
                        slice(-self.shift_size, None))
            cnt = 0
            for h in h_slices:
                for w in w_slices:
                    img_mask[:, h, w, :] = cnt
                    cnt += 1
            mask_windows = window_partition(img_mask, self.window_size)  # nW, window_size, window_size, 1
            mask_windows = mask_windows.view(-1, self.window_size * self.window_size)
            attn_mask = mask_windows.unsqueeze(1) - mask_windows.unsqueeze(2)
            attn_mask = attn_mask.masked_fill(attn_mask != 0, float(-100.0)).masked_fill(attn_mask == 0, float(0.0))
        else:
            attn_mask = None
        self.register_buffer("attn_mask", attn_mask)

    def forward(self, x):
        H, W = self.input_resolution
        B, L, C = x.shape
        assert L == H * W, "input feature has wrong size"
        shortcut = x
        x = self.norm1(x).view(B, H, W, C)
        if self.shift_size > 0:
            shifted_x = torch.roll(x, shifts=(-self.shift_size, -self.shift_size), dims=(1, 2))
        else:
            shifted_x = x
        x_windows = window_partition(shifted_x, self.window_size).view(-1, self.window_size * self.window_size, C)
        attn_windows = self.attn(x_windows, mask=self.attn_mask)
        attn_windows = attn_windows.view(-1, self.window_size, self.window_size, C)
        shifted_x = window_reverse(attn_windows, self.window_size, H, W)
        if self.shift_size > 0:
            x = torch.roll(shifted_x, shifts=(self.shift_size, self.shift_size), dims=(1, 2))
        else:
            x = shifted_x
        x = shortcut + x.view(B, H * W, C)
        return x + self.mlp(self.norm2(x))

    def extra_repr(self) -> str:
        return (f"dim={self.dim}, input_resolution={self.input_resolution}, "
                f"window_size={self.window_size}, shift_size={self.shift_size}")


class PatchMerging(nn.Module):
    def __init__(self, input_resolution, dim, norm_layer=nn.LayerNorm):
        super().__init__()
        self.input_resolution, self.dim = input_resolution, dim
        self.reduction = nn.Linear(4 * dim, 2 * dim, bias=False)
        self.norm = norm_layer(4 * dim)

    def forward(self, x):
        H, W = self.input_resolution
        B, L, C = x.shape
        x = x.view(B, H, W, C)
        x0 = x[:, 0::2, 0::2, :]
        x1 = x[:, 1::2, 0::2, :]
        x2 = x[:, 0::2, 1::2, :]
        x3 = x[:, 1::2, 1::2, :]
        x = torch.cat([x0, x1, x2, x3], -1).view(B, -1, 4 * C)
        return self.reduction(self.norm(x))


class TinySwin(nn.Module):
    def __init__(self, img_size=16, patch_size=2, in_chans=3, embed_dim=16, num_classes=5):
        super().__init__()
        res = img_size // patch_size
        self.patch_embed = nn.Conv2d(in_chans, embed_dim, kernel_size=patch_size, stride=patch_size)
        self.blocks = nn.Sequential(
            SwinTransformerBlock(embed_dim, (res, res), num_heads=2, window_size=4, shift_size=0),
            SwinTransformerBlock(embed_dim, (res, res), num_heads=2, window_size=4, shift_size=2))
        self.merge = PatchMerging((res, res), embed_dim)
        self.norm = nn.LayerNorm(2 * embed_dim)
        self.head = nn.Linear(2 * embed_dim, num_classes)
        self.apply(self._init_weights)

    def _init_weights(self, m):
        if isinstance(m, nn.Linear):
            nn.init.trunc_normal_(m.weight, std=.02)
            if m.bias is not None:
                nn.init.constant_(m.bias, 0)
        elif isinstance(m, nn.LayerNorm):
            nn.init.constant_(m.bias, 0)
            nn.init.constant_(m.weight, 1.0)

    def no_weight_decay_keywords(self):
        return {'relative_position_bias_table'}

    def forward(self, x):
        x = self.patch_embed(x).flatten(2).transpose(1, 2)  # B Ph*Pw C
        x = self.merge(self.blocks(x))
        x = self.norm(x)
        x = torch.flatten(F.adaptive_avg_pool1d(x.transpose(1, 2), 1), 1)
        return self.head(x)


torch.manual_seed(0)
x = torch.arange(2 * 8 * 8 * 3, dtype=torch.float32).view(2, 8, 8, 3)
win = window_partition(x, 4)
print("windows", win.shape, win.is_contiguous(), win[1, 0, :, 0].tolist())
back = window_reverse(win, 4, 8, 8)
print("reverse ok", torch.equal(back, x), back.shape)
rolled = torch.roll(x, shifts=(-2, -2), dims=(1, 2))
print("roll", rolled[0, 0, :4, 0].tolist(), torch.roll(torch.arange(6), 2).tolist(),
      torch.roll(torch.arange(6).view(2, 3), 1).tolist())

attn = WindowAttention(8, (3, 3), 2)
print(attn)
print("rel index", attn.relative_position_index.shape, attn.relative_position_index.dtype,
      attn.relative_position_index[0].tolist(), attn.relative_position_index.max().item())
grid_i, grid_j = torch.meshgrid(torch.arange(2), torch.arange(3), indexing="xy")
print("meshgrid xy", grid_i.shape, grid_i.tolist(), grid_j.tolist())
print("bias table", attn.relative_position_bias_table.shape,
      attn.relative_position_bias_table.abs().max().item() <= 0.04)

blk = SwinTransformerBlock(16, (8, 8), num_heads=2, window_size=4, shift_size=2)
print(blk)
print("attn_mask", blk.attn_mask.shape, blk.attn_mask.unique().tolist(),
      (blk.attn_mask == -100).sum(dim=(1, 2)).tolist())
print(blk.attn_mask[3, :5, :5])
print("buffers", [(n, tuple(b.shape)) for n, b in blk.named_buffers()])
out = blk(torch.randn(2, 64, 16))
print("block", out.shape, out.grad_fn.name())

model = TinySwin()
print("params", sum(p.numel() for p in model.parameters()))
print("state keys", len(model.state_dict()), [k for k in model.state_dict() if "index" in k or "mask" in k])
skip = model.no_weight_decay_keywords()
decay = [p for n, p in model.named_parameters() if not (p.ndim == 1 or any(s in n for s in skip))]
no_decay = [p for n, p in model.named_parameters() if p.ndim == 1 or any(s in n for s in skip)]
print("groups", len(decay), len(no_decay))
opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.05}, {"params": no_decay, "weight_decay": 0.}],
                        lr=2e-3)
torch.manual_seed(2)
imgs = torch.randn(6, 3, 16, 16)
labels = torch.randint(0, 5, (6,))
crit = nn.CrossEntropyLoss(label_smoothing=0.1)
for step in range(5):
    logits = model(imgs)
    loss = crit(logits, labels)
    opt.zero_grad()
    loss.backward()
    opt.step()
    print(f"step {step} loss {loss.item():.4f} acc {(logits.argmax(1) == labels).float().mean().item():.3f}")
tbl = model.blocks[1].attn.relative_position_bias_table
print("table grad", tbl.grad.shape, tbl.grad.abs().sum().item() > 0, logits.shape)
print(logits[0].detach().round(decimals=3))

# Swin V2 pieces: cosine attention with a clamped learnable logit scale, log-spaced continuous
# relative coordinates fed to a small MLP (cpb), 16 * sigmoid on the bias, and F.pad to a window multiple
import numpy as np

torch.manual_seed(5)
num_heads, ws = 2, (3, 3)
logit_scale = nn.Parameter(torch.log(10 * torch.ones((num_heads, 1, 1))), requires_grad=True)
cpb_mlp = nn.Sequential(nn.Linear(2, 32, bias=True), nn.ReLU(inplace=True), nn.Linear(32, num_heads, bias=False))
relative_coords_h = torch.arange(-(ws[0] - 1), ws[0], dtype=torch.float32)
relative_coords_w = torch.arange(-(ws[1] - 1), ws[1], dtype=torch.float32)
relative_coords_table = torch.stack(torch.meshgrid([relative_coords_h, relative_coords_w], indexing="ij")).permute(
    1, 2, 0).contiguous().unsqueeze(0)  # 1, 2*Wh-1, 2*Ww-1, 2
relative_coords_table[:, :, :, 0] /= (ws[0] - 1)
relative_coords_table[:, :, :, 1] /= (ws[1] - 1)
relative_coords_table *= 8
relative_coords_table = torch.sign(relative_coords_table) * torch.log2(
    torch.abs(relative_coords_table) + 1.0) / np.log2(8)
print("coords table", relative_coords_table.shape, relative_coords_table[0, 0, :3, 1].round(decimals=4))
q, k = torch.randn(4, num_heads, 9, 4), torch.randn(4, num_heads, 9, 4)
attn = (F.normalize(q, dim=-1) @ F.normalize(k, dim=-1).transpose(-2, -1))
ls = torch.clamp(logit_scale, max=torch.log(torch.tensor(1. / 0.01))).exp()
attn = attn * ls
table = cpb_mlp(relative_coords_table).view(-1, num_heads)
rpi = WindowAttention(4, ws, num_heads).relative_position_index
bias = table[rpi.view(-1)].view(9, 9, -1).permute(2, 0, 1).contiguous()
attn = attn + (16 * torch.sigmoid(bias)).unsqueeze(0)
print("v2 attn", attn.shape, attn.grad_fn.name(), ls.flatten().round(decimals=3),
      attn.softmax(-1)[0, 0, 0, :4].round(decimals=4))
attn.sum().backward()
print("logit_scale grad", logit_scale.grad.flatten().round(decimals=3), cpb_mlp[0].weight.grad.shape)
xp = torch.randn(1, 7, 5, 4)
pad_b, pad_r = (4 - 7 % 4) % 4, (4 - 5 % 4) % 4
xpad = F.pad(xp, (0, 0, 0, pad_r, 0, pad_b))
print("pad", xpad.shape, xpad[0, -1, -1].tolist(), window_partition(xpad, 4).shape, xpad[:, :7, :5].is_contiguous())
