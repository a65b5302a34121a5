"""Replicating the ViT paper the way a learner course does, scaled down: patching an image with
Conv2d + Flatten, class token and position embedding, the MSA and MLP blocks, a transformer encoder
block checked against nn.TransformerEncoderLayer, the whole ViT, parameter counts, a short training
loop on synthetic striped images, and predictions with inference_mode."""
import torch
from torch import nn

torch.manual_seed(42)
height, width, color_channels, patch_size = 32, 32, 3, 8
number_of_patches = int((height * width) / patch_size ** 2)
print(f"Number of patches (N) with image height (H={height}), width (W={width}) and patch size (P={patch_size}): "
      f"{number_of_patches}")
embedding_layer_input_shape = (height, width, color_channels)
embedding_layer_output_shape = (number_of_patches, patch_size ** 2 * color_channels)
print(f"Input shape (single 2D image): {embedding_layer_input_shape}")
print(f"Output shape (single 2D image flattened into patches): {embedding_layer_output_shape}")

image = torch.rand(3, height, width)
image_permuted = image.permute(1, 2, 0)
img_size = 32
num_patches = img_size / patch_size
assert img_size % patch_size == 0, "Image size must be divisible by patch size"
print(f"Number of patches per row: {num_patches}\nNumber of patches per column: {num_patches}\n"
      f"Total patches: {num_patches * num_patches}\nPatch size: {patch_size} pixels x {patch_size} pixels")
print(image_permuted[:patch_size, :, :].shape, image_permuted[:patch_size, :patch_size, :].mean().round(decimals=4))
for i, patch in enumerate(range(0, img_size, patch_size)):
    print(i, patch, image_permuted[:patch_size, patch:patch + patch_size, :].shape)

conv2d = nn.Conv2d(in_channels=3, out_channels=48, kernel_size=patch_size, stride=patch_size, padding=0)
print(conv2d)
image_out_of_conv = conv2d(image.unsqueeze(0))
print(image_out_of_conv.shape)
single_feature_map = image_out_of_conv[:, 0, :, :]
print(single_feature_map.round(decimals=3), single_feature_map.requires_grad)
flatten = nn.Flatten(start_dim=2, end_dim=3)
print(flatten)
image_out_of_conv_flattened = flatten(image_out_of_conv)
print(f"Flattened image feature map shape: {image_out_of_conv_flattened.shape}")
image_out_of_conv_flattened_reshaped = image_out_of_conv_flattened.permute(0, 2, 1)
print(f"Patch embedding sequence shape: {image_out_of_conv_flattened_reshaped.shape} -> "
      f"[batch_size, num_patches, embedding_size]")
print(image_out_of_conv_flattened_reshaped.is_contiguous(), image_out_of_conv_flattened_reshaped.stride())


class PatchEmbedding(nn.Module):
    def __init__(self, in_channels: int = 3, patch_size: int = 8, embedding_dim: int = 48):
        super().__init__()
        self.patch_size = patch_size
        self.patcher = nn.Conv2d(in_channels=in_channels, out_channels=embedding_dim, kernel_size=patch_size,
                                 stride=patch_size, padding=0)
        self.flatten = nn.Flatten(start_dim=2, end_dim=3)

    def forward(self, x):
        image_resolution = x.shape[-1]
        assert image_resolution % self.patch_size == 0, \
            f"Input image size must be divisble by patch size, image shape: {image_resolution}, patch size: {self.patch_size}"
        x_patched = self.patcher(x)
        x_flattened = self.flatten(x_patched)
        return x_flattened.permute(0, 2, 1)


torch.manual_seed(42)
patchify = PatchEmbedding(in_channels=3, patch_size=8, embedding_dim=48)
print(f"Input image shape: {image.unsqueeze(0).shape}")
patch_embedded_image = patchify(image.unsqueeze(0))
print(f"Output patch embedding shape: {patch_embedded_image.shape}")
try:
    patchify(torch.rand(1, 3, 30, 30))
except AssertionError as e:
    print("AssertionError:", e)
batch_size = patch_embedded_image.shape[0]
embedding_dimension = patch_embedded_image.shape[-1]
class_token = nn.Parameter(torch.ones(batch_size, 1, embedding_dimension), requires_grad=True)
print(class_token[:, :, :10], f"Class token shape: {class_token.shape}")
patch_embedded_image_with_class_embedding = torch.cat((class_token, patch_embedded_image), dim=1)
print(f"Sequence of patch embeddings with class token prepended shape: "
      f"{patch_embedded_image_with_class_embedding.shape} -> [batch_size, number_of_patches, embedding_dimension]")
print(patch_embedded_image_with_class_embedding.grad_fn.__class__.__name__)
position_embedding = nn.Parameter(torch.ones(1, number_of_patches + 1, embedding_dimension), requires_grad=True)
print(position_embedding[:, :3, :6], position_embedding.shape)
patch_and_position_embedding = patch_embedded_image_with_class_embedding + position_embedding
print(patch_and_position_embedding[0, :2, :6].round(decimals=4), patch_and_position_embedding.shape)


class MultiheadSelfAttentionBlock(nn.Module):
    def __init__(self, embedding_dim: int = 48, num_heads: int = 4, attn_dropout: float = 0):
        super().__init__()
        self.layer_norm = nn.LayerNorm(normalized_shape=embedding_dim)
        self.multihead_attn = nn.MultiheadAttention(embed_dim=embedding_dim, num_heads=num_heads,
                                                    dropout=attn_dropout, batch_first=True)

    def forward(self, x):
        x = self.layer_norm(x)
        attn_output, _ = self.multihead_attn(query=x, key=x, value=x, need_weights=False)
        return attn_output


class MLPBlock(nn.Module):
    def __init__(self, embedding_dim: int = 48, mlp_size: int = 96, dropout: float = 0.1):
        super().__init__()
        self.layer_norm = nn.LayerNorm(normalized_shape=embedding_dim)
        self.mlp = nn.Sequential(
            nn.Linear(in_features=embedding_dim, out_features=mlp_size),
            nn.GELU(),
            nn.Dropout(p=dropout),
            nn.Linear(in_features=mlp_size, out_features=embedding_dim),
            nn.Dropout(p=dropout),
        )

    def forward(self, x):
        return self.mlp(self.layer_norm(x))


class TransformerEncoderBlock(nn.Module):
    def __init__(self, embedding_dim: int = 48, num_heads: int = 4, mlp_size: int = 96, mlp_dropout: float = 0.1,
                 attn_dropout: float = 0):
        super().__init__()
        self.msa_block = MultiheadSelfAttentionBlock(embedding_dim=embedding_dim, num_heads=num_heads,
                                                     attn_dropout=attn_dropout)
        self.mlp_block = MLPBlock(embedding_dim=embedding_dim, mlp_size=mlp_size, dropout=mlp_dropout)

    def forward(self, x):
        x = self.msa_block(x) + x
        x = self.mlp_block(x) + x
        return x


torch.manual_seed(42)
multihead_self_attention_block = MultiheadSelfAttentionBlock(embedding_dim=48, num_heads=4)
patched_image_through_msa_block = multihead_self_attention_block(patch_and_position_embedding)
print(f"Input shape of MSA block: {patch_and_position_embedding.shape}")
print(f"Output shape MSA block: {patched_image_through_msa_block.shape}")
print(multihead_self_attention_block)
mlp_block = MLPBlock(embedding_dim=48, mlp_size=96, dropout=0.1)
patched_image_through_mlp_block = mlp_block(patched_image_through_msa_block)
print(f"Input shape of MLP block: {patched_image_through_msa_block.shape}")
print(f"Output shape MLP block: {patched_image_through_mlp_block.shape}")
transformer_encoder_block = TransformerEncoderBlock()
print(transformer_encoder_block)
torch_transformer_encoder_layer = nn.TransformerEncoderLayer(d_model=48, nhead=4, dim_feedforward=96, dropout=0.1,
                                                             activation="gelu", batch_first=True, norm_first=True)
print(torch_transformer_encoder_layer)
count = lambda m: sum(p.numel() for p in m.parameters())
print(count(transformer_encoder_block), count(torch_transformer_encoder_layer))
print([n for n, _ in torch_transformer_encoder_layer.named_parameters()])
mha = torch_transformer_encoder_layer.self_attn
print(mha.in_proj_weight.shape, mha.out_proj, mha.batch_first, mha.head_dim, mha._qkv_same_embed_dim)
torch_transformer_encoder_layer.eval()
with torch.inference_mode():
    out_layer = torch_transformer_encoder_layer(patch_and_position_embedding)
print(out_layer.shape, out_layer[0, 0, :5].round(decimals=3))
x = patch_and_position_embedding.detach()
attn_out, attn_weights = mha(x, x, x)
print(attn_weights.shape, attn_weights.sum(-1)[0, :3].round(decimals=4), attn_out.shape)
_, per_head = mha(x, x, x, average_attn_weights=False)
print(per_head.shape, torch.allclose(per_head.mean(1), attn_weights, atol=1e-6))


class ViT(nn.Module):
    def __init__(self, img_size: int = 32, in_channels: int = 3, patch_size: int = 8, num_transformer_layers: int = 2,
                 embedding_dim: int = 48, mlp_size: int = 96, num_heads: int = 4, attn_dropout: float = 0,
                 mlp_dropout: float = 0.1, embedding_dropout: float = 0.1, num_classes: int = 3):
        super().__init__()
        assert img_size % patch_size == 0, \
            f"Image size must be divisible by patch size, image size: {img_size}, patch size: {patch_size}."
        self.num_patches = (img_size * img_size) // patch_size ** 2
        self.class_embedding = nn.Parameter(data=torch.randn(1, 1, embedding_dim), requires_grad=True)
        self.position_embedding = nn.Parameter(data=torch.randn(1, self.num_patches + 1, embedding_dim),
                                               requires_grad=True)
        self.embedding_dropout = nn.Dropout(p=embedding_dropout)
        self.patch_embedding = PatchEmbedding(in_channels=in_channels, patch_size=patch_size,
                                              embedding_dim=embedding_dim)
        self.transformer_encoder = nn.Sequential(*[
            TransformerEncoderBlock(embedding_dim=embedding_dim, num_heads=num_heads, mlp_size=mlp_size,
                                    mlp_dropout=mlp_dropout) for _ in range(num_transformer_layers)])
        self.classifier = nn.Sequential(nn.LayerNorm(normalized_shape=embedding_dim),
                                        nn.Linear(in_features=embedding_dim, out_features=num_classes))

    def forward(self, x):
        batch_size = x.shape[0]
        class_token = self.class_embedding.expand(batch_size, -1, -1)
        x = self.patch_embedding(x)
        x = torch.cat((class_token, x), dim=1)
        x = self.position_embedding + x
        x = self.embedding_dropout(x)
        x = self.transformer_encoder(x)
        x = self.classifier(x[:, 0])
        return x


torch.manual_seed(42)
vit = ViT(num_classes=3)
print(vit.classifier, vit.num_patches, vit.class_embedding.shape)
print(f"ViT params: {count(vit):,}", sum(p.numel() for p in vit.parameters() if p.requires_grad))
for name, p in list(vit.named_parameters())[:6]:
    print(name, tuple(p.shape), p.requires_grad)
print(len(vit.state_dict()), list(vit.state_dict())[-4:])
random_image_tensor = torch.randn(1, 3, 32, 32)
vit.eval()
with torch.inference_mode():
    print(vit(random_image_tensor).round(decimals=3))


def make_data(n, seed):
    """Images of 3 classes: horizontal stripes, vertical stripes, or noise."""
    g = torch.Generator().manual_seed(seed)
    X = torch.rand(n, 3, 32, 32, generator=g) * 0.3
    y = torch.randint(0, 3, (n,), generator=g)
    stripes = (torch.arange(32) // 4 % 2).float()
    X[y == 0] += stripes.view(1, 1, 32, 1)
    X[y == 1] += stripes.view(1, 1, 1, 32)
    return X, y


X_train, y_train = make_data(48, 0)
X_test, y_test = make_data(24, 1)
print(X_train.shape, torch.bincount(y_train), y_test[:8])
train_loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(X_train, y_train), batch_size=16,
                                           shuffle=True, generator=torch.Generator().manual_seed(0))
optimizer = torch.optim.Adam(params=vit.parameters(), lr=1e-3, betas=(0.9, 0.999), weight_decay=0.1)
print(optimizer.defaults["betas"], optimizer.defaults["weight_decay"], optimizer.defaults["amsgrad"])
loss_fn = torch.nn.CrossEntropyLoss()
torch.manual_seed(42)
for epoch in range(3):
    vit.train()
    tot, correct = 0.0, 0
    for X, y in train_loader:
        y_pred = vit(X)
        loss = loss_fn(y_pred, y)
        tot += loss.item()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        correct += (y_pred.argmax(dim=1) == y).sum().item()
    vit.eval()
    with torch.inference_mode():
        test_logits = vit(X_test)
        test_loss = loss_fn(test_logits, y_test)
        test_acc = (test_logits.argmax(1) == y_test).float().mean()
    print(f"Epoch: {epoch + 1} | train_loss: {tot / len(train_loader):.3f} | train_acc: {correct / len(X_train):.3f} | "
          f"test_loss: {test_loss:.3f} | test_acc: {test_acc:.3f}")
with torch.inference_mode():
    probs = torch.softmax(vit(X_test[:4]), dim=1)
print(probs.round(decimals=2), probs.argmax(dim=1), y_test[:4], probs.requires_grad)
print(vit.position_embedding.grad.shape, vit.class_embedding.grad.abs().sum() > 0)
