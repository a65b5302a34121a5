"""A small VQ-VAE on synthetic 8x8 "images": conv encoder / ConvTranspose2d decoder, a vector
quantizer (cdist + argmin, straight-through estimator, commitment loss) and an EMA codebook."""
import io
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(3)
random.seed(3)
np.random.seed(3)


def make_images(n):
    """Blobs and bars on an 8x8 canvas, one channel."""
    imgs = torch.zeros(n, 1, 8, 8)
    kinds = torch.randint(0, 3, (n,))
    pos = torch.randint(1, 6, (n, 2))
    for i in range(n):
        r, c = pos[i].tolist()
        if kinds[i] == 0:
            imgs[i, 0, r - 1:r + 2, c - 1:c + 2] = 1.0
        elif kinds[i] == 1:
            imgs[i, 0, r, :] = 1.0
        else:
            imgs[i, 0, :, c] = 1.0
    return imgs + 0.05 * torch.randn_like(imgs), kinds


class VectorQuantizer(nn.Module):
    def __init__(self, num_embeddings, embedding_dim, commitment_cost):
        super().__init__()
        self._embedding_dim = embedding_dim
        self._num_embeddings = num_embeddings
        self._embedding = nn.Embedding(num_embeddings, embedding_dim)
        self._embedding.weight.data.uniform_(-1 / num_embeddings, 1 / num_embeddings)
        self._commitment_cost = commitment_cost

    def forward(self, inputs):
        inputs = inputs.permute(0, 2, 3, 1).contiguous()        # BCHW -> BHWC
        input_shape = inputs.shape
        flat_input = inputs.view(-1, self._embedding_dim)
        distances = (torch.sum(flat_input ** 2, dim=1, keepdim=True)
                     + torch.sum(self._embedding.weight ** 2, dim=1)
                     - 2 * torch.matmul(flat_input, self._embedding.weight.t()))
        encoding_indices = torch.argmin(distances, dim=1).unsqueeze(1)
        encodings = torch.zeros(encoding_indices.shape[0], self._num_embeddings, device=inputs.device)
        encodings.scatter_(1, encoding_indices, 1)
        quantized = torch.matmul(encodings, self._embedding.weight).view(input_shape)
        e_latent_loss = F.mse_loss(quantized.detach(), inputs)
        q_latent_loss = F.mse_loss(quantized, inputs.detach())
        loss = q_latent_loss + self._commitment_cost * e_latent_loss
        quantized = inputs + (quantized - inputs).detach()
        avg_probs = torch.mean(encodings, dim=0)
        perplexity = torch.exp(-torch.sum(avg_probs * torch.log(avg_probs + 1e-10)))
        return loss, quantized.permute(0, 3, 1, 2).contiguous(), perplexity, encoding_indices


class VectorQuantizerEMA(nn.Module):
    def __init__(self, num_embeddings, embedding_dim, commitment_cost, decay, epsilon=1e-5):
        super().__init__()
        self.embedding_dim, self.num_embeddings = embedding_dim, num_embeddings
        self.commitment_cost, self.decay, self.epsilon = commitment_cost, decay, epsilon
        embed = torch.randn(num_embeddings, embedding_dim)
        self.register_buffer("embed", embed)
        self.register_buffer("cluster_size", torch.zeros(num_embeddings))
        self.register_buffer("embed_avg", embed.clone())

    def forward(self, z):
        z_perm = z.permute(0, 2, 3, 1)
        flat = z_perm.reshape(-1, self.embedding_dim)
        dist = torch.cdist(flat, self.embed)
        idx = dist.argmin(dim=1)
        onehot = F.one_hot(idx, self.num_embeddings).type(flat.dtype)
        zq = self.embed[idx].view_as(z_perm)
        if self.training:
            with torch.no_grad():
                self.cluster_size.mul_(self.decay).add_(onehot.sum(0), alpha=1 - self.decay)
                embed_sum = onehot.t() @ flat
                self.embed_avg.mul_(self.decay).add_(embed_sum, alpha=1 - self.decay)
                n = self.cluster_size.sum()
                cluster_size = (self.cluster_size + self.epsilon) / (n + self.num_embeddings * self.epsilon) * n
                self.embed.copy_(self.embed_avg / cluster_size.unsqueeze(1))
        commit = F.mse_loss(z_perm, zq.detach())
        zq = z_perm + (zq - z_perm).detach()
        return zq.permute(0, 3, 1, 2), self.commitment_cost * commit, idx


class VQVAE(nn.Module):
    def __init__(self, quantizer, d=4):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Conv2d(1, 16, 4, stride=2, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
            nn.Conv2d(16, d, 3, padding=1))
        self.quantizer = quantizer
        self.decoder = nn.Sequential(
            nn.Conv2d(d, 16, 3, padding=1), nn.GroupNorm(4, 16), nn.ReLU(),
            nn.ConvTranspose2d(16, 1, 4, stride=2, padding=1))

    def forward(self, x):
        z = self.encoder(x)
        out = self.quantizer(z)
        return self.decoder(out[1] if isinstance(self.quantizer, VectorQuantizer) else out[0]), out


images, kinds = make_images(192)
print(images.shape, kinds.bincount())
loader = DataLoader(TensorDataset(images, kinds), batch_size=32, shuffle=True, drop_last=True)

vq = VQVAE(VectorQuantizer(num_embeddings=16, embedding_dim=4, commitment_cost=0.25))
print(vq.quantizer)
opt = torch.optim.Adam(vq.parameters(), lr=3e-3, amsgrad=False)
for epoch in range(6):
    recon_total, perp_total = 0.0, 0.0
    for x, _ in loader:
        x_rec, (vq_loss, _, perplexity, _) = vq(x)
        recon = F.mse_loss(x_rec, x)
        loss = recon + vq_loss
        opt.zero_grad()
        loss.backward()
        opt.step()
        recon_total += recon.item()
        perp_total += perplexity.item()
    if epoch % 2 == 1:
        print(f"[vq] epoch {epoch}  recon {recon_total / len(loader):.3f}  perplexity {perp_total / len(loader):.1f}")

ema = VQVAE(VectorQuantizerEMA(16, 4, commitment_cost=0.25, decay=0.9))
opt2 = torch.optim.Adam(ema.parameters(), lr=3e-3)
for epoch in range(6):
    total = 0.0
    for x, _ in loader:
        x_rec, (zq, commit, idx) = ema(x)
        loss = F.mse_loss(x_rec, x) + commit
        opt2.zero_grad()
        loss.backward()
        opt2.step()
        total += loss.item()
    if epoch % 2 == 1:
        print(f"[ema] epoch {epoch}  loss {total / len(loader):.3f}  codes used {idx.unique().numel()}")
print("cluster sizes sum %.1f" % ema.quantizer.cluster_size.sum().item())
print("buffers:", [name for name, _ in ema.named_buffers()])

# codebook with a norm constraint: rows looked up are renormalised in place to max_norm
codebook = nn.Embedding(16, 4, max_norm=1.0)
looked = codebook(torch.tensor([[0, 3], [3, 7]]))
print(looked.norm(dim=-1), codebook.weight.norm(dim=1)[:8])

# straight-through: the gradient of the quantized output w.r.t. the encoder output is the identity
z = torch.randn(2, 4, 2, 2, requires_grad=True)
ema.quantizer.eval()
zq, _, _ = ema.quantizer(z)
zq.sum().backward()
print(z.grad.unique(), zq.grad_fn.name(), zq.grad_fn.next_functions[0][0].name())

# checkpoint round trip through a BytesIO
buf = io.BytesIO()
torch.save({"model": ema.state_dict(), "opt": opt2.state_dict()}, buf)
buf.seek(0)
ckpt = torch.load(buf)
restored = VQVAE(VectorQuantizerEMA(16, 4, 0.25, 0.9))
print(restored.load_state_dict(ckpt["model"]))
print(sorted(ckpt["opt"]["state"].keys())[:4], ckpt["opt"]["param_groups"][0]["betas"])
ema.eval()
restored.eval()
with torch.no_grad():
    a, (_, _, ia) = ema(images[:8])
    b, (_, _, ib) = restored(images[:8])
print("same after reload:", torch.equal(a, b), torch.equal(ia, ib))
with torch.no_grad():
    codes = restored.quantizer(restored.encoder(images[:2]))[2].view(2, 4, 4)
print(codes.shape, codes.dtype)
