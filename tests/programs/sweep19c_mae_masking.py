"""Masked autoencoder pre-training in the style of the MAE reference code: 2-D sin-cos position
embeddings built with numpy (np.meshgrid / np.einsum / np.concatenate) and copied in with
``torch.from_numpy(...).float().unsqueeze(0)``, ``random_masking`` (noise = torch.rand, argsort
twice, torch.gather with an index built by unsqueeze(-1).repeat, the binary mask unshuffled by
gather), patchify / unpatchify with reshape and ``torch.einsum('nchpwq->nhwpqc')``, a tiny ViT
encoder and decoder with mask tokens, the normalised-pixel loss averaged over masked patches only,
xavier init of flattened patch-embed conv weights, and a few AdamW steps with a cosine lr."""
import math

import numpy as np
import torch
import torch.nn as nn


def get_1d_sincos_pos_embed_from_grid(embed_dim, pos):
    assert embed_dim % 2 == 0
    omega = np.arange(embed_dim // 2, dtype=np.float64)
    omega /= embed_dim / 2.
    omega = 1. / 10000 ** omega
    pos = pos.reshape(-1)
    out = np.einsum('m,d->md', pos, omega)
    emb_sin = np.sin(out)
    emb_cos = np.cos(out)
    return np.concatenate([emb_sin, emb_cos], axis=1)


def get_2d_sincos_pos_embed(embed_dim, grid_size, cls_token=False):
    grid_h = np.arange(grid_size, dtype=np.float32)
    grid_w = np.arange(grid_size, dtype=np.float32)
    grid = np.meshgrid(grid_w, grid_h)
    grid = np.stack(grid, axis=0)
    grid = grid.reshape([2, 1, grid_size, grid_size])
    emb_h = get_1d_sincos_pos_embed_from_grid(embed_dim // 2, grid[0])
    emb_w = get_1d_sincos_pos_embed_from_grid(embed_dim // 2, grid[1])
    pos_embed = np.concatenate([emb_h, emb_w], axis=1)
    if cls_token:
        pos_embed = np.concatenate([np.zeros([1, embed_dim]), pos_embed], axis=0)
    return pos_embed


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
        return self.proj(x).flatten(2).transpose(1, 2)


class Block(nn.Module):
    def __init__(self, dim, num_heads, mlp_ratio=2.0):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = nn.MultiheadAttention(dim, num_heads, batch_first=True)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        hidden = int(dim * mlp_ratio)
        self.mlp = nn.Sequential(nn.Linear(dim, hidden), nn.GELU(), nn.Linear(hidden, dim))

    def forward(self, x):
        h = self.norm1(x)
        x = x + self.attn(h, h, h, need_weights=False)[0]
        return x + self.mlp(self.norm2(x))


class MaskedAutoencoderViT(nn.Module):
    def __init__(self, img_size=16, patch_size=4, in_chans=3, embed_dim=32, depth=2, num_heads=4,
                 decoder_embed_dim=24, decoder_depth=1, decoder_num_heads=4, norm_pix_loss=True):
        super().__init__()
        self.patch_embed = PatchEmbed(img_size, patch_size, in_chans, embed_dim)
        num_patches = self.patch_embed.num_patches
        self.cls_token = nn.Parameter(torch.zeros(1, 1, embed_dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, num_patches + 1, embed_dim), requires_grad=False)
        self.blocks = nn.ModuleList([Block(embed_dim, num_heads) for _ in range(depth)])
        self.norm = nn.LayerNorm(embed_dim)
        self.decoder_embed = nn.Linear(embed_dim, decoder_embed_dim, bias=True)
        self.mask_token = nn.Parameter(torch.zeros(1, 1, decoder_embed_dim))
        self.decoder_pos_embed = nn.Parameter(torch.zeros(1, num_patches + 1, decoder_embed_dim), requires_grad=False)
        self.decoder_blocks = nn.ModuleList([Block(decoder_embed_dim, decoder_num_heads) for _ in range(decoder_depth)])
        self.decoder_norm = nn.LayerNorm(decoder_embed_dim)
        self.decoder_pred = nn.Linear(decoder_embed_dim, patch_size ** 2 * in_chans, bias=True)
        self.norm_pix_loss = norm_pix_loss
        self.initialize_weights()

    def initialize_weights(self):
        pos_embed = get_2d_sincos_pos_embed(self.pos_embed.shape[-1], int(self.patch_embed.num_patches ** .5),
                                            cls_token=True)
        self.pos_embed.data.copy_(torch.from_numpy(pos_embed).float().unsqueeze(0))
        decoder_pos_embed = get_2d_sincos_pos_embed(self.decoder_pos_embed.shape[-1],
                                                    int(self.patch_embed.num_patches ** .5), cls_token=True)
        self.decoder_pos_embed.data.copy_(torch.from_numpy(decoder_pos_embed).float().unsqueeze(0))
        w = self.patch_embed.proj.weight.data
        torch.nn.init.xavier_uniform_(w.view([w.shape[0], -1]))
        torch.nn.init.normal_(self.cls_token, std=.02)
        torch.nn.init.normal_(self.mask_token, std=.02)
        self.apply(self._init_weights)

    def _init_weights(self, m):
        if isinstance(m, nn.Linear):
            torch.nn.init.xavier_uniform_(m.weight)
            if isinstance(m, nn.Linear) and m.bias is not None:
                nn.init.constant_(m.bias, 0)
        elif isinstance(m, nn.LayerNorm):
            nn.init.constant_(m.bias, 0)
            nn.init.constant_(m.weight, 1.0)

    def patchify(self, imgs):
        p = self.patch_embed.patch_size[0]
        assert imgs.shape[2] == imgs.shape[3] and imgs.shape[2] % p == 0
        h = w = imgs.shape[2] // p
        x = imgs.reshape(shape=(imgs.shape[0], 3, h, p, w, p))
        x = torch.einsum('nchpwq->nhwpqc', x)
        return x.reshape(shape=(imgs.shape[0], h * w, p ** 2 * 3))

    def unpatchify(self, x):
        p = self.patch_embed.patch_size[0]
        h = w = int(x.shape[1] ** .5)
        assert h * w == x.shape[1]
        x = x.reshape(shape=(x.shape[0], h, w, p, p, 3))
        x = torch.einsum('nhwpqc->nchpwq', x)
        return x.reshape(shape=(x.shape[0], 3, h * p, h * p))

    def random_masking(self, x, mask_ratio):
        N, L, D = x.shape
        len_keep = int(L * (1 - mask_ratio))
        noise = torch.rand(N, L, device=x.device)
        ids_shuffle = torch.argsort(noise, dim=1)
        ids_restore = torch.argsort(ids_shuffle, dim=1)
        ids_keep = ids_shuffle[:, :len_keep]
        x_masked = torch.gather(x, dim=1, index=ids_keep.unsqueeze(-1).repeat(1, 1, D))
        mask = torch.ones([N, L], device=x.device)
        mask[:, :len_keep] = 0
        mask = torch.gather(mask, dim=1, index=ids_restore)
        return x_masked, mask, ids_restore

    def forward_encoder(self, x, mask_ratio):
        x = self.patch_embed(x)
        x = x + self.pos_embed[:, 1:, :]
        x, mask, ids_restore = self.random_masking(x, mask_ratio)
        cls_token = self.cls_token + self.pos_embed[:, :1, :]
        cls_tokens = cls_token.expand(x.shape[0], -1, -1)
        x = torch.cat((cls_tokens, x), dim=1)
        for blk in self.blocks:
            x = blk(x)
        return self.norm(x), mask, ids_restore

    def forward_decoder(self, x, ids_restore):
        x = self.decoder_embed(x)
        mask_tokens = self.mask_token.repeat(x.shape[0], ids_restore.shape[1] + 1 - x.shape[1], 1)
        x_ = torch.cat([x[:, 1:, :], mask_tokens], dim=1)
        x_ = torch.gather(x_, dim=1, index=ids_restore.unsqueeze(-1).repeat(1, 1, x.shape[2]))
        x = torch.cat([x[:, :1, :], x_], dim=1)
        x = x + self.decoder_pos_embed
        for blk in self.decoder_blocks:
            x = blk(x)
        x = self.decoder_norm(x)
        x = self.decoder_pred(x)
        return x[:, 1:, :]

    def forward_loss(self, imgs, pred, mask):
        target = self.patchify(imgs)
        if self.norm_pix_loss:
            mean = target.mean(dim=-1, keepdim=True)
            var = target.var(dim=-1, keepdim=True)
            target = (target - mean) / (var + 1.e-6) ** .5
        loss = (pred - target) ** 2
        loss = loss.mean(dim=-1)
        return (loss * mask).sum() / mask.sum()

    def forward(self, imgs, mask_ratio=0.75):
        latent, mask, ids_restore = self.forward_encoder(imgs, mask_ratio)
        pred = self.forward_decoder(latent, ids_restore)
        loss = self.forward_loss(imgs, pred, mask)
        return loss, pred, mask


pe = get_2d_sincos_pos_embed(8, 2, cls_token=True)
print("pos embed:", pe.shape, pe.dtype, np.round(pe[1:3], 4).tolist())
torch.manual_seed(0)
model = MaskedAutoencoderViT()
print(model.patch_embed, model.decoder_pred)
print("pos_embed:", model.pos_embed.requires_grad, model.pos_embed.dtype, model.pos_embed[0, 2, :4])
print("trainable:", sum(p.numel() for p in model.parameters() if p.requires_grad),
      "frozen:", sum(p.numel() for p in model.parameters() if not p.requires_grad))
w = model.patch_embed.proj.weight
bound = math.sqrt(6.0 / (w.shape[0] + w[0].numel()))
print("xavier bound:", round(bound, 4), bool(w.abs().max() <= bound), round(model.cls_token.std().item(), 2))

imgs = torch.randn(2, 3, 16, 16)
patches = model.patchify(imgs)
print("patchify:", patches.shape, torch.equal(model.unpatchify(patches), imgs))
print("patch 1 first pixels:", patches[0, 1, :6], imgs[0, :, 0, 4:6].t().flatten())
try:
    model.patch_embed(torch.randn(1, 3, 12, 12))
except AssertionError as e:
    print("AssertionError:", e)

torch.manual_seed(1)
x = torch.arange(2 * 6 * 3, dtype=torch.float32).reshape(2, 6, 3)
x_masked, mask, ids_restore = model.random_masking(x, mask_ratio=0.5)
print("x_masked:", x_masked[..., 0], "\nmask:", mask, "\nids_restore:", ids_restore)
print("kept patches are unmasked:", torch.equal(torch.gather(mask, 1, ids_restore.argsort(1)[:, :3]),
                                                 torch.zeros(2, 3)), mask.dtype, ids_restore.dtype)
print("repeat index:", ids_restore.unsqueeze(-1).repeat(1, 1, 3).shape,
      ids_restore.unsqueeze(-1).repeat(1, 1, 3).stride(), ids_restore.unsqueeze(-1).expand(-1, -1, 3).stride())

# synthetic images: smooth gradients plus stripes
yy, xx = torch.meshgrid(torch.arange(16.), torch.arange(16.), indexing="ij")
base = torch.stack([torch.sin(xx / 3), torch.cos(yy / 4), torch.sin((xx + yy) / 5)])
data = base[None] + 0.1 * torch.randn(12, 3, 16, 16)
data[::2, :, ::4] += 1.0

param_groups = [{"params": [p for n, p in model.named_parameters() if p.requires_grad and p.ndim > 1],
                 "weight_decay": 0.05},
                {"params": [p for n, p in model.named_parameters() if p.requires_grad and p.ndim <= 1],
                 "weight_decay": 0.0}]
optimizer = torch.optim.AdamW(param_groups, lr=1.5e-3, betas=(0.9, 0.95))
total_steps, warmup = 8, 2


def adjust_learning_rate(optimizer, epoch, lr=1.5e-3, min_lr=1e-5):
    if epoch < warmup:
        lr = lr * epoch / warmup
    else:
        lr = min_lr + (lr - min_lr) * 0.5 * (1. + math.cos(math.pi * (epoch - warmup) / (total_steps - warmup)))
    for param_group in optimizer.param_groups:
        if "lr_scale" in param_group:
            param_group["lr"] = lr * param_group["lr_scale"]
        else:
            param_group["lr"] = lr
    return lr


model.train()
for step in range(total_steps):
    lr = adjust_learning_rate(optimizer, step + 1)
    samples = data[torch.randperm(12)[:4]]
    loss, pred, mask = model(samples, mask_ratio=0.75)
    loss_value = loss.item()
    if not math.isfinite(loss_value):
        raise SystemExit(f"Loss is {loss_value}, stopping training")
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    print(f"step {step} lr {lr:.6f} loss {loss_value:.4f} masked {int(mask.sum().item())} "
          f"pos_embed grad {model.pos_embed.grad}")

print("pred:", pred.shape, mask.shape, mask.sum(1).tolist())
model.eval()
with torch.no_grad():
    torch.manual_seed(5)
    loss, pred, mask = model(data[:2], mask_ratio=0.75)
    y = model.unpatchify(pred)
    m = mask.unsqueeze(-1).repeat(1, 1, model.patch_embed.patch_size[0] ** 2 * 3)
    m = model.unpatchify(m)
    im_masked = data[:2] * (1 - m)
    im_paste = data[:2] * (1 - m) + y * m
print("eval loss:", round(loss.item(), 3), y.shape, m.shape, m[0, 0, ::4, ::4])
print("visible pixels kept:", torch.equal(im_paste * (1 - m), im_masked * (1 - m)), round(im_paste.std().item(), 3))
print("no masking:", model(data[:2], mask_ratio=0.0)[2].sum().item(), model.random_masking(x, 0.0)[0].shape)
