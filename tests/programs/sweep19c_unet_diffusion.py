"""A tiny Stable-Diffusion-style UNet trained as a DDPM noise predictor: sinusoidal timestep
embeddings (exp / arange / cat of sin and cos, flip_sin_to_cos), ResnetBlocks with GroupNorm +
SiLU + Conv2d and the time embedding injected with ``[:, :, None, None]``, a spatial self-attention
block (reshape / permute / baddbmm, and F.scaled_dot_product_attention checked against it),
Downsample by a strided conv and Upsample by F.interpolate(scale_factor=2, mode="nearest"), skip
connections with torch.cat, a linear beta schedule with cumprod, ``extract`` by gather, q_sample,
a few AdamW steps on the noise MSE with EMA weights, and one DDPM sampling step."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def get_timestep_embedding(timesteps, embedding_dim, flip_sin_to_cos=False, downscale_freq_shift=1,
                           scale=1, max_period=10000):
    assert len(timesteps.shape) == 1, "Timesteps should be a 1d-array"
    half_dim = embedding_dim // 2
    exponent = -math.log(max_period) * torch.arange(start=0, end=half_dim, dtype=torch.float32,
                                                    device=timesteps.device)
    exponent = exponent / (half_dim - downscale_freq_shift)
    emb = torch.exp(exponent)
    emb = timesteps[:, None].float() * emb[None, :]
    emb = scale * emb
    emb = torch.cat([torch.sin(emb), torch.cos(emb)], dim=-1)
    if flip_sin_to_cos:
        emb = torch.cat([emb[:, half_dim:], emb[:, :half_dim]], dim=-1)
    if embedding_dim % 2 == 1:
        emb = torch.nn.functional.pad(emb, (0, 1, 0, 0))
    return emb


class TimestepEmbedding(nn.Module):
    def __init__(self, in_channels, time_embed_dim):
        super().__init__()
        self.linear_1 = nn.Linear(in_channels, time_embed_dim)
        self.act = nn.SiLU()
        self.linear_2 = nn.Linear(time_embed_dim, time_embed_dim)

    def forward(self, sample):
        return self.linear_2(self.act(self.linear_1(sample)))


class ResnetBlock2D(nn.Module):
    def __init__(self, in_channels, out_channels, temb_channels, groups=8, eps=1e-6):
        super().__init__()
        self.norm1 = nn.GroupNorm(num_groups=groups, num_channels=in_channels, eps=eps, affine=True)
        self.conv1 = nn.Conv2d(in_channels, out_channels, kernel_size=3, stride=1, padding=1)
        self.time_emb_proj = nn.Linear(temb_channels, out_channels)
        self.norm2 = nn.GroupNorm(num_groups=groups, num_channels=out_channels, eps=eps, affine=True)
        self.dropout = nn.Dropout(0.0)
        self.conv2 = nn.Conv2d(out_channels, out_channels, kernel_size=3, stride=1, padding=1)
        self.nonlinearity = nn.SiLU()
        self.conv_shortcut = None
        if in_channels != out_channels:
            self.conv_shortcut = nn.Conv2d(in_channels, out_channels, kernel_size=1, stride=1, padding=0)

    def forward(self, input_tensor, temb):
        hidden_states = self.nonlinearity(self.norm1(input_tensor))
        hidden_states = self.conv1(hidden_states)
        temb = self.time_emb_proj(self.nonlinearity(temb))[:, :, None, None]
        hidden_states = hidden_states + temb
        hidden_states = self.nonlinearity(self.norm2(hidden_states))
        hidden_states = self.conv2(self.dropout(hidden_states))
        if self.conv_shortcut is not None:
            input_tensor = self.conv_shortcut(input_tensor)
        return (input_tensor + hidden_states) / 1.0


class AttnBlock(nn.Module):
    def __init__(self, channels, groups=8, use_sdpa=False):
        super().__init__()
        self.group_norm = nn.GroupNorm(groups, channels, eps=1e-6)
        self.to_q = nn.Linear(channels, channels)
        self.to_k = nn.Linear(channels, channels)
        self.to_v = nn.Linear(channels, channels)
        self.to_out = nn.ModuleList([nn.Linear(channels, channels), nn.Dropout(0.0)])
        self.scale = channels ** -0.5
        self.use_sdpa = use_sdpa

    def forward(self, hidden_states):
        residual = hidden_states
        batch, channel, height, width = hidden_states.shape
        hidden_states = self.group_norm(hidden_states)
        hidden_states = hidden_states.view(batch, channel, height * width).transpose(1, 2)
        q, k, v = self.to_q(hidden_states), self.to_k(hidden_states), self.to_v(hidden_states)
        if self.use_sdpa:
            hidden_states = F.scaled_dot_product_attention(q[:, None], k[:, None], v[:, None])[:, 0]
        else:
            baddbmm_input = torch.empty(q.shape[0], q.shape[1], k.shape[1], dtype=q.dtype, device=q.device)
            attention_scores = torch.baddbmm(baddbmm_input, q, k.transpose(-1, -2), beta=0, alpha=self.scale)
            attention_probs = attention_scores.softmax(dim=-1)
            hidden_states = torch.bmm(attention_probs, v)
        hidden_states = self.to_out[1](self.to_out[0](hidden_states))
        hidden_states = hidden_states.transpose(-1, -2).reshape(batch, channel, height, width)
        return hidden_states + residual


class Downsample2D(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, stride=2, padding=1)

    def forward(self, x):
        return self.conv(x)


class Upsample2D(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, hidden_states, output_size=None):
        if output_size is None:
            hidden_states = F.interpolate(hidden_states, scale_factor=2.0, mode="nearest")
        else:
            hidden_states = F.interpolate(hidden_states, size=output_size, mode="nearest")
        return self.conv(hidden_states)


class TinyUNet(nn.Module):
    def __init__(self, in_channels=3, block_out_channels=(16, 32), temb_in=16, use_sdpa=False):
        super().__init__()
        c0, c1 = block_out_channels
        self.temb_in = temb_in
        temb_ch = c0 * 4
        self.time_embedding = TimestepEmbedding(temb_in, temb_ch)
        self.conv_in = nn.Conv2d(in_channels, c0, kernel_size=3, padding=(1, 1))
        self.down0 = ResnetBlock2D(c0, c0, temb_ch)
        self.downsample = Downsample2D(c0)
        self.down1 = ResnetBlock2D(c0, c1, temb_ch)
        self.mid_res = ResnetBlock2D(c1, c1, temb_ch)
        self.mid_attn = AttnBlock(c1, use_sdpa=use_sdpa)
        self.up1 = ResnetBlock2D(c1 + c1, c1, temb_ch)
        self.upsample = Upsample2D(c1)
        self.up0 = ResnetBlock2D(c1 + c0, c0, temb_ch)
        self.conv_norm_out = nn.GroupNorm(num_groups=8, num_channels=c0, eps=1e-5)
        self.conv_act = nn.SiLU()
        self.conv_out = nn.Conv2d(c0, in_channels, kernel_size=3, padding=1)

    def forward(self, sample, timestep):
        if not torch.is_tensor(timestep):
            timestep = torch.tensor([timestep], dtype=torch.long, device=sample.device)
        elif len(timestep.shape) == 0:
            timestep = timestep[None].to(sample.device)
        timesteps = timestep.expand(sample.shape[0])
        t_emb = get_timestep_embedding(timesteps, self.temb_in, flip_sin_to_cos=True, downscale_freq_shift=0)
        emb = self.time_embedding(t_emb.to(dtype=sample.dtype))
        sample = self.conv_in(sample)
        h0 = self.down0(sample, emb)
        h1 = self.down1(self.downsample(h0), emb)
        mid = self.mid_attn(self.mid_res(h1, emb))
        u = self.up1(torch.cat([mid, h1], dim=1), emb)
        u = self.upsample(u)
        u = self.up0(torch.cat([u, h0], dim=1), emb)
        return self.conv_out(self.conv_act(self.conv_norm_out(u)))


torch.manual_seed(0)
emb = get_timestep_embedding(torch.tensor([0, 1, 10, 999]), 8)
print(emb.shape, emb.round(decimals=4))
print(get_timestep_embedding(torch.arange(3), 7, flip_sin_to_cos=True, downscale_freq_shift=0).round(decimals=4))
try:
    get_timestep_embedding(torch.zeros(2, 2), 8)
except AssertionError as e:
    print("AssertionError:", e)

model = TinyUNet()
print(model.down1)
print(model.mid_attn.group_norm, model.upsample)
print("params:", sum(p.numel() for p in model.parameters()))

x = torch.randn(2, 3, 8, 8)
print("shapes:", model.conv_in(x).shape, model.downsample(model.conv_in(x)).shape,
      F.interpolate(torch.arange(4.).view(1, 1, 2, 2), scale_factor=2, mode="nearest")[0, 0])
up = F.interpolate(torch.randn(1, 2, 3, 5), size=(6, 9), mode="nearest")
print(up.shape, Upsample2D(2)(torch.randn(1, 2, 3, 3), output_size=(5, 7)).shape)

# the attention block: baddbmm path and SDPA path agree
attn = AttnBlock(32)
attn2 = AttnBlock(32, use_sdpa=True)
attn2.load_state_dict(attn.state_dict())
h = torch.randn(2, 32, 4, 4)
a1, a2 = attn(h), attn2(h)
print("attn:", a1.shape, torch.allclose(a1, a2, atol=1e-5), a1[0, 0, 0].round(decimals=3))
b = torch.baddbmm(torch.full((1, 2, 2), float("nan")), torch.ones(1, 2, 3), torch.ones(1, 3, 2), beta=0, alpha=0.5)
print("baddbmm beta=0 ignores nan:", b)

# DDPM schedule
num_train_timesteps = 100
betas = torch.linspace(1e-4, 0.02, num_train_timesteps, dtype=torch.float32)
alphas = 1.0 - betas
alphas_cumprod = torch.cumprod(alphas, dim=0)
alphas_cumprod_prev = F.pad(alphas_cumprod[:-1], (1, 0), value=1.0)
sqrt_alphas_cumprod = torch.sqrt(alphas_cumprod)
sqrt_one_minus_alphas_cumprod = torch.sqrt(1.0 - alphas_cumprod)
posterior_variance = betas * (1.0 - alphas_cumprod_prev) / (1.0 - alphas_cumprod)
print("betas:", betas[:3], betas[-1].item())
print("abar:", alphas_cumprod[[0, 49, 99]].round(decimals=5), posterior_variance[:3].round(decimals=7))


def extract(a, t, x_shape):
    batch_size = t.shape[0]
    out = a.gather(-1, t.cpu())
    return out.reshape(batch_size, *((1,) * (len(x_shape) - 1))).to(t.device)


def q_sample(x_start, t, noise=None):
    if noise is None:
        noise = torch.randn_like(x_start)
    sqrt_alphas_cumprod_t = extract(sqrt_alphas_cumprod, t, x_start.shape)
    sqrt_one_minus_alphas_cumprod_t = extract(sqrt_one_minus_alphas_cumprod, t, x_start.shape)
    return sqrt_alphas_cumprod_t * x_start + sqrt_one_minus_alphas_cumprod_t * noise


t = torch.tensor([0, 50, 99])
print("extract:", extract(sqrt_alphas_cumprod, t, (3, 3, 8, 8)).shape,
      extract(sqrt_alphas_cumprod, t, (3, 3, 8, 8)).flatten().round(decimals=4))

# synthetic "images": smooth blobs in [-1, 1]
yy, xx = torch.meshgrid(torch.linspace(-1, 1, 8), torch.linspace(-1, 1, 8), indexing="ij")
centers = torch.rand(16, 2) * 1.2 - 0.6
blobs = torch.exp(-((xx[None] - centers[:, 0, None, None]) ** 2 + (yy[None] - centers[:, 1, None, None]) ** 2) / 0.2)
data = (blobs[:, None].repeat(1, 3, 1, 1) * torch.tensor([1.0, 0.5, -0.5])[None, :, None, None]) * 2 - 1
print("data:", data.shape, round(data.mean().item(), 4), round(data.min().item(), 4), round(data.max().item(), 4))

ema = TinyUNet()
ema.load_state_dict(model.state_dict())
ema.requires_grad_(False)
optimizer = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-2)
for step in range(6):
    idx = torch.randint(0, data.shape[0], (4,))
    x_start = data[idx]
    t = torch.randint(0, num_train_timesteps, (x_start.shape[0],), device=x_start.device).long()
    noise = torch.randn_like(x_start)
    x_noisy = q_sample(x_start, t, noise)
    predicted_noise = model(x_noisy, t)
    loss = F.mse_loss(noise, predicted_noise)
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()
    with torch.no_grad():
        for p_ema, p in zip(ema.parameters(), model.parameters()):
            p_ema.mul_(0.9).add_(p, alpha=0.1)
    print(f"step {step} t={t.tolist()} loss {loss.item():.4f}")

print("grad none after zero_grad(set_to_none):", model.conv_in.weight.grad is not None)
sd = ema.state_dict()
print("ema keys:", len(sd), list(sd)[:3], sd["mid_attn.to_q.weight"].requires_grad)


@torch.no_grad()
def p_sample(model, x, t, t_index):
    betas_t = extract(betas, t, x.shape)
    sqrt_one_minus_alphas_cumprod_t = extract(sqrt_one_minus_alphas_cumprod, t, x.shape)
    sqrt_recip_alphas_t = extract(torch.sqrt(1.0 / alphas), t, x.shape)
    model_mean = sqrt_recip_alphas_t * (x - betas_t * model(x, t) / sqrt_one_minus_alphas_cumprod_t)
    if t_index == 0:
        return model_mean
    posterior_variance_t = extract(posterior_variance, t, x.shape)
    noise = torch.randn_like(x)
    return model_mean + torch.sqrt(posterior_variance_t) * noise


img = torch.randn(2, 3, 8, 8)
for i in reversed(range(97, 100)):
    img = p_sample(ema, img, torch.full((2,), i, dtype=torch.long), i)
    print("sample", i, img.shape, round(img.std().item(), 3))
img = p_sample(ema, img, torch.zeros(2, dtype=torch.long), 0)
print("final:", img.clamp(-1, 1).shape, round(img.abs().mean().item(), 3), img.requires_grad)
print("scalar timestep:", model(img, 5).shape, model(img, torch.tensor(7)).shape)
