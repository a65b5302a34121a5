"""CLIP-style contrastive training on synthetic paired "image" and "text" features, in the style of
the OpenAI CLIP / open_clip training code: ``logit_scale = nn.Parameter(torch.ones([]) *
np.log(1 / 0.07))``, an image tower (a tiny patch-conv ViT with class token and
``attn_mask`` causal text transformer taking the EOT token by ``argmax``), L2-normalised features,
``logits_per_image = logit_scale.exp() * image_features @ text_features.t()``, the symmetric cross
entropy with ``labels = torch.arange(n)``, ``logit_scale.clamp_(0, math.log(100))`` under no_grad,
top-k retrieval accuracies and a zero-shot classifier built from class prompts."""
import math
from collections import OrderedDict

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


class LayerNorm(nn.LayerNorm):
    """Subclass torch's LayerNorm to handle fp16 (by casting to float32 and back)."""

    def forward(self, x: torch.Tensor):
        orig_type = x.dtype
        ret = super().forward(x.type(torch.float32))
        return ret.type(orig_type)


class QuickGELU(nn.Module):
    def forward(self, x: torch.Tensor):
        return x * torch.sigmoid(1.702 * x)


class ResidualAttentionBlock(nn.Module):
    def __init__(self, d_model: int, n_head: int, attn_mask: torch.Tensor = None):
        super().__init__()
        self.attn = nn.MultiheadAttention(d_model, n_head)
        self.ln_1 = LayerNorm(d_model)
        self.mlp = nn.Sequential(OrderedDict([
            ("c_fc", nn.Linear(d_model, d_model * 4)),
            ("gelu", QuickGELU()),
            ("c_proj", nn.Linear(d_model * 4, d_model)),
        ]))
        self.ln_2 = LayerNorm(d_model)
        self.attn_mask = attn_mask

    def attention(self, x: torch.Tensor):
        self.attn_mask = self.attn_mask.to(dtype=x.dtype, device=x.device) if self.attn_mask is not None else None
        return self.attn(x, x, x, need_weights=False, attn_mask=self.attn_mask)[0]

    def forward(self, x: torch.Tensor):
        x = x + self.attention(self.ln_1(x))
        x = x + self.mlp(self.ln_2(x))
        return x


class Transformer(nn.Module):
    def __init__(self, width: int, layers: int, heads: int, attn_mask: torch.Tensor = None):
        super().__init__()
        self.width = width
        self.layers = layers
        self.resblocks = nn.Sequential(*[ResidualAttentionBlock(width, heads, attn_mask) for _ in range(layers)])

    def forward(self, x: torch.Tensor):
        return self.resblocks(x)


class VisionTransformer(nn.Module):
    def __init__(self, input_resolution, patch_size, width, layers, heads, output_dim):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels=3, out_channels=width, kernel_size=patch_size, stride=patch_size, bias=False)
        scale = width ** -0.5
        self.class_embedding = nn.Parameter(scale * torch.randn(width))
        self.positional_embedding = nn.Parameter(scale * torch.randn((input_resolution // patch_size) ** 2 + 1, width))
        self.ln_pre = LayerNorm(width)
        self.transformer = Transformer(width, layers, heads)
        self.ln_post = LayerNorm(width)
        self.proj = nn.Parameter(scale * torch.randn(width, output_dim))

    def forward(self, x: torch.Tensor):
        x = self.conv1(x)
        x = x.reshape(x.shape[0], x.shape[1], -1)
        x = x.permute(0, 2, 1)
        x = torch.cat([self.class_embedding.to(x.dtype) + torch.zeros(x.shape[0], 1, x.shape[-1], dtype=x.dtype,
                                                                       device=x.device), x], dim=1)
        x = x + self.positional_embedding.to(x.dtype)
        x = self.ln_pre(x)
        x = x.permute(1, 0, 2)  # NLD -> LND
        x = self.transformer(x)
        x = x.permute(1, 0, 2)  # LND -> NLD
        x = self.ln_post(x[:, 0, :])
        return x @ self.proj


class CLIP(nn.Module):
    def __init__(self, embed_dim, image_resolution, vision_layers, vision_width, vision_patch_size,
                 context_length, vocab_size, transformer_width, transformer_heads, transformer_layers):
        super().__init__()
        self.context_length = context_length
        self.visual = VisionTransformer(image_resolution, vision_patch_size, vision_width, vision_layers,
                                        vision_width // 16, embed_dim)
        self.transformer = Transformer(width=transformer_width, layers=transformer_layers, heads=transformer_heads,
                                       attn_mask=self.build_attention_mask())
        self.vocab_size = vocab_size
        self.token_embedding = nn.Embedding(vocab_size, transformer_width)
        self.positional_embedding = nn.Parameter(torch.empty(self.context_length, transformer_width))
        self.ln_final = LayerNorm(transformer_width)
        self.text_projection = nn.Parameter(torch.empty(transformer_width, embed_dim))
        self.logit_scale = nn.Parameter(torch.ones([]) * np.log(1 / 0.07))
        self.initialize_parameters()

    def initialize_parameters(self):
        nn.init.normal_(self.token_embedding.weight, std=0.02)
        nn.init.normal_(self.positional_embedding, std=0.01)
        proj_std = (self.transformer.width ** -0.5) * ((2 * self.transformer.layers) ** -0.5)
        attn_std = self.transformer.width ** -0.5
        fc_std = (2 * self.transformer.width) ** -0.5
        for block in self.transformer.resblocks:
            nn.init.normal_(block.attn.in_proj_weight, std=attn_std)
            nn.init.normal_(block.attn.out_proj.weight, std=proj_std)
            nn.init.normal_(block.mlp.c_fc.weight, std=fc_std)
            nn.init.normal_(block.mlp.c_proj.weight, std=proj_std)
        nn.init.normal_(self.text_projection, std=self.transformer.width ** -0.5)

    def build_attention_mask(self):
        mask = torch.empty(self.context_length, self.context_length)
        mask.fill_(float("-inf"))
        mask.triu_(1)  # zero out the lower diagonal
        return mask

    @property
    def dtype(self):
        return self.visual.conv1.weight.dtype

    def encode_image(self, image):
        return self.visual(image.type(self.dtype))

    def encode_text(self, text):
        x = self.token_embedding(text).type(self.dtype)
        x = x + self.positional_embedding.type(self.dtype)
        x = x.permute(1, 0, 2)
        x = self.transformer(x)
        x = x.permute(1, 0, 2)
        x = self.ln_final(x).type(self.dtype)
        x = x[torch.arange(x.shape[0]), text.argmax(dim=-1)] @ self.text_projection
        return x

    def forward(self, image, text):
        image_features = self.encode_image(image)
        text_features = self.encode_text(text)
        image_features = image_features / image_features.norm(dim=1, keepdim=True)
        text_features = text_features / text_features.norm(dim=1, keepdim=True)
        logit_scale = self.logit_scale.exp()
        logits_per_image = logit_scale * image_features @ text_features.t()
        logits_per_text = logits_per_image.t()
        return logits_per_image, logits_per_text


torch.manual_seed(7)
np.random.seed(7)
model = CLIP(embed_dim=16, image_resolution=8, vision_layers=1, vision_width=32, vision_patch_size=4,
             context_length=6, vocab_size=20, transformer_width=32, transformer_heads=2, transformer_layers=1)
print(model.transformer.resblocks[0].attn_mask)
print(model.visual.transformer.resblocks[0])
print("logit_scale:", model.logit_scale, model.logit_scale.shape, model.logit_scale.dtype, model.dtype)
print("params:", f"{np.sum([int(np.prod(p.shape)) for p in model.parameters()]):,}")
print("init std:", round(model.token_embedding.weight.std().item(), 2), round(model.text_projection.std().item(), 2))

# paired synthetic data: class k -> an image with a colour/position pattern and a "caption" of tokens
n_classes = 6


def make_image(k, n):
    img = torch.randn(n, 3, 8, 8) * 0.3
    img[:, k % 3, (k // 3) * 4:(k // 3) * 4 + 4, :] += 1.5
    return img


def make_text(k, n):
    t = torch.zeros(n, 6, dtype=torch.long)
    t[:, 0] = 1  # SOT
    t[:, 1] = 2 + k
    t[:, 2] = 10 + torch.randint(0, 3, (n,))
    t[:, 3] = 19  # EOT has the largest id, found by argmax
    return t


labels_all = torch.arange(n_classes).repeat_interleave(4)
images = torch.cat([make_image(int(k), 1) for k in labels_all])
texts = torch.cat([make_text(int(k), 1) for k in labels_all])
print("data:", images.shape, texts.shape, texts[:3].tolist(), texts.argmax(dim=-1)[:4])

optimizer = torch.optim.Adam(model.parameters(), lr=3e-3, betas=(0.9, 0.98), eps=1e-6, weight_decay=0.2)
loss_img = nn.CrossEntropyLoss()
loss_txt = nn.CrossEntropyLoss()
perm_gen = torch.Generator().manual_seed(3)
for step in range(8):
    idx = torch.randperm(len(labels_all), generator=perm_gen)[:n_classes]
    # one pair per class so that the diagonal is the only positive
    idx = torch.stack([torch.nonzero(labels_all == k).flatten()[step % 4] for k in range(n_classes)])
    logits_per_image, logits_per_text = model(images[idx], texts[idx])
    ground_truth = torch.arange(len(idx), dtype=torch.long)
    total_loss = (loss_img(logits_per_image, ground_truth) + loss_txt(logits_per_text, ground_truth)) / 2
    optimizer.zero_grad()
    total_loss.backward()
    optimizer.step()
    with torch.no_grad():
        model.logit_scale.clamp_(0, math.log(100))
    acc_i = (logits_per_image.argmax(dim=-1) == ground_truth).float().mean()
    acc_t = (logits_per_text.argmax(dim=-1) == ground_truth).float().mean()
    print(f"step {step} loss {total_loss.item():.4f} acc_i {acc_i.item():.3f} acc_t {acc_t.item():.3f} "
          f"scale {model.logit_scale.exp().item():.3f}")

print("logits:", logits_per_image.shape, logits_per_image.grad_fn.name(), logits_per_text.is_contiguous())

# open_clip style loss with explicit normalize and a clamped scale that hit its bound
with torch.no_grad():
    model.logit_scale.fill_(5.0)
    model.logit_scale.clamp_(0, math.log(100))
print("clamped:", model.logit_scale.item() == math.log(100), round(model.logit_scale.item(), 5))


def clip_loss(image_features, text_features, logit_scale):
    image_features = F.normalize(image_features, dim=-1)
    text_features = F.normalize(text_features, dim=-1)
    logits_per_image = logit_scale * image_features @ text_features.T
    logits_per_text = logit_scale * text_features @ image_features.T
    labels = torch.arange(logits_per_image.shape[0], device=image_features.device, dtype=torch.long)
    return (F.cross_entropy(logits_per_image, labels) + F.cross_entropy(logits_per_text, labels)) / 2


feats_i = torch.randn(5, 16, requires_grad=True)
feats_t = torch.randn(5, 16, requires_grad=True)
scale = torch.tensor(1 / 0.07, requires_grad=True)
l = clip_loss(feats_i, feats_t, scale)
l.backward()
print("clip_loss:", round(l.item(), 4), round(scale.grad.item(), 4), feats_i.grad.norm(dim=1).round(decimals=3))
print("perfect pairs:", round(clip_loss(feats_i.detach(), feats_i.detach(), 100.0).item(), 6))

# zero-shot classification from class prompts and retrieval accuracy
model.eval()
with torch.no_grad():
    image_features = model.encode_image(images)
    prompts = torch.cat([make_text(k, 1) for k in range(n_classes)])
    text_features = model.encode_text(prompts)
    image_features /= image_features.norm(dim=-1, keepdim=True)
    text_features /= text_features.norm(dim=-1, keepdim=True)
    similarity = (100.0 * image_features @ text_features.T).softmax(dim=-1)
    values, indices = similarity[0].topk(3)
    print("top3 for image 0:", indices.tolist(), values.round(decimals=2))
    pred = similarity.argmax(dim=-1)
    print("zero-shot acc:", round((pred == labels_all).float().mean().item(), 3))
    top_k = similarity.topk(2, dim=-1).indices
    print("top2 acc:", round((top_k == labels_all[:, None]).any(dim=-1).float().mean().item(), 3))
    print("feature norms:", image_features.norm(dim=-1)[:3].round(decimals=4), text_features.dtype)

# half precision image tower: LayerNorm casts through float32
model_half = CLIP(embed_dim=16, image_resolution=8, vision_layers=1, vision_width=32, vision_patch_size=4,
                  context_length=6, vocab_size=20, transformer_width=32, transformer_heads=2, transformer_layers=1)
ln = LayerNorm(4)
xh = torch.randn(2, 4).half()
print("ln half:", ln(xh).dtype, ln(xh).round(decimals=2))
print("quickgelu:", QuickGELU()(torch.linspace(-2, 2, 5)).round(decimals=4))
