"""A Llama / Mistral style decoder as in Hugging Face modeling files: RMSNorm computed in float32 and cast
back, rotary embeddings from an inv_freq buffer (rotate_half form, checked against Meta's complex
polar form), grouped-query attention with repeat_kv, SwiGLU MLP, a DynamicCache-like class, T5
relative position buckets, a LoRA-wrapped projection with merge / unmerge, and the errors a user hits
when a config does not divide evenly."""
import math
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class LlamaConfig:
    vocab_size: int = 48
    hidden_size: int = 32
    intermediate_size: int = 64
    num_hidden_layers: int = 2
    num_attention_heads: int = 4
    num_key_value_heads: int = 2
    rms_norm_eps: float = 1e-6
    rope_theta: float = 10000.0
    max_position_embeddings: int = 64


class LlamaRMSNorm(nn.Module):
    def __init__(self, hidden_size, eps=1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(hidden_size))
        self.variance_epsilon = eps

    def forward(self, hidden_states):
        input_dtype = hidden_states.dtype
        hidden_states = hidden_states.to(torch.float32)
        variance = hidden_states.pow(2).mean(-1, keepdim=True)
        hidden_states = hidden_states * torch.rsqrt(variance + self.variance_epsilon)
        return self.weight * hidden_states.to(input_dtype)

    def extra_repr(self):
        return f"{tuple(self.weight.shape)}, eps={self.variance_epsilon}"


class LlamaRotaryEmbedding(nn.Module):
    def __init__(self, dim, base=10000.0):
        super().__init__()
        inv_freq = 1.0 / (base ** (torch.arange(0, dim, 2, dtype=torch.int64).float() / dim))
        self.register_buffer("inv_freq", inv_freq, persistent=False)

    @torch.no_grad()
    def forward(self, x, position_ids):
        inv_freq_expanded = self.inv_freq[None, :, None].float().expand(position_ids.shape[0], -1, 1)
        position_ids_expanded = position_ids[:, None, :].float()
        freqs = (inv_freq_expanded.float() @ position_ids_expanded.float()).transpose(1, 2)
        emb = torch.cat((freqs, freqs), dim=-1)
        return emb.cos().to(dtype=x.dtype), emb.sin().to(dtype=x.dtype)


def rotate_half(x):
    x1 = x[..., : x.shape[-1] // 2]
    x2 = x[..., x.shape[-1] // 2:]
    return torch.cat((-x2, x1), dim=-1)


def apply_rotary_pos_emb(q, k, cos, sin, unsqueeze_dim=1):
    cos = cos.unsqueeze(unsqueeze_dim)
    sin = sin.unsqueeze(unsqueeze_dim)
    return (q * cos) + (rotate_half(q) * sin), (k * cos) + (rotate_half(k) * sin)


def repeat_kv(hidden_states, n_rep):
    batch, num_key_value_heads, slen, head_dim = hidden_states.shape
    if n_rep == 1:
        return hidden_states
    hidden_states = hidden_states[:, :, None, :, :].expand(batch, num_key_value_heads, n_rep, slen, head_dim)
    return hidden_states.reshape(batch, num_key_value_heads * n_rep, slen, head_dim)


class DynamicCache:
    def __init__(self):
        self.key_cache, self.value_cache = [], []

    def update(self, key_states, value_states, layer_idx):
        if len(self.key_cache) <= layer_idx:
            self.key_cache.append(key_states)
            self.value_cache.append(value_states)
        else:
            self.key_cache[layer_idx] = torch.cat([self.key_cache[layer_idx], key_states], dim=-2)
            self.value_cache[layer_idx] = torch.cat([self.value_cache[layer_idx], value_states], dim=-2)
        return self.key_cache[layer_idx], self.value_cache[layer_idx]

    def get_seq_length(self, layer_idx=0):
        return 0 if len(self.key_cache) <= layer_idx else self.key_cache[layer_idx].shape[-2]

    def __len__(self):
        return len(self.key_cache)


class LlamaAttention(nn.Module):
    def __init__(self, config, layer_idx):
        super().__init__()
        self.layer_idx = layer_idx
        self.head_dim = config.hidden_size // config.num_attention_heads
        if self.head_dim * config.num_attention_heads != config.hidden_size:
            raise ValueError(f"hidden_size must be divisible by num_heads (got `hidden_size`: {config.hidden_size}"
                             f" and `num_heads`: {config.num_attention_heads}).")
        self.num_heads = config.num_attention_heads
        self.num_key_value_heads = config.num_key_value_heads
        self.num_key_value_groups = self.num_heads // self.num_key_value_heads
        self.q_proj = nn.Linear(config.hidden_size, self.num_heads * self.head_dim, bias=False)
        self.k_proj = nn.Linear(config.hidden_size, self.num_key_value_heads * self.head_dim, bias=False)
        self.v_proj = nn.Linear(config.hidden_size, self.num_key_value_heads * self.head_dim, bias=False)
        self.o_proj = nn.Linear(self.num_heads * self.head_dim, config.hidden_size, bias=False)

    def forward(self, hidden_states, position_embeddings, attention_mask=None, past_key_value=None):
        bsz, q_len, _ = hidden_states.size()
        q = self.q_proj(hidden_states).view(bsz, q_len, -1, self.head_dim).transpose(1, 2)
        k = self.k_proj(hidden_states).view(bsz, q_len, -1, self.head_dim).transpose(1, 2)
        v = self.v_proj(hidden_states).view(bsz, q_len, -1, self.head_dim).transpose(1, 2)
        cos, sin = position_embeddings
        q, k = apply_rotary_pos_emb(q, k, cos, sin)
        if past_key_value is not None:
            k, v = past_key_value.update(k, v, self.layer_idx)
        k = repeat_kv(k, self.num_key_value_groups)
        v = repeat_kv(v, self.num_key_value_groups)
        attn_weights = torch.matmul(q, k.transpose(2, 3)) / math.sqrt(self.head_dim)
        if attention_mask is not None:
            attn_weights = attn_weights + attention_mask[:, :, :, : k.shape[-2]]
        attn_weights = nn.functional.softmax(attn_weights, dim=-1, dtype=torch.float32).to(q.dtype)
        attn_output = torch.matmul(attn_weights, v).transpose(1, 2).contiguous()
        return self.o_proj(attn_output.reshape(bsz, q_len, -1)), attn_weights


class LlamaMLP(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.gate_proj = nn.Linear(config.hidden_size, config.intermediate_size, bias=False)
        self.up_proj = nn.Linear(config.hidden_size, config.intermediate_size, bias=False)
        self.down_proj = nn.Linear(config.intermediate_size, config.hidden_size, bias=False)
        self.act_fn = nn.SiLU()

    def forward(self, x):
        return self.down_proj(self.act_fn(self.gate_proj(x)) * self.up_proj(x))


class LlamaDecoderLayer(nn.Module):
    def __init__(self, config, layer_idx):
        super().__init__()
        self.self_attn = LlamaAttention(config, layer_idx)
        self.mlp = LlamaMLP(config)
        self.input_layernorm = LlamaRMSNorm(config.hidden_size, eps=config.rms_norm_eps)
        self.post_attention_layernorm = LlamaRMSNorm(config.hidden_size, eps=config.rms_norm_eps)

    def forward(self, x, position_embeddings, attention_mask=None, past_key_value=None):
        h, w = self.self_attn(self.input_layernorm(x), position_embeddings, attention_mask, past_key_value)
        x = x + h
        return x + self.mlp(self.post_attention_layernorm(x)), w


class LlamaForCausalLM(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.config = config
        self.embed_tokens = nn.Embedding(config.vocab_size, config.hidden_size)
        self.layers = nn.ModuleList([LlamaDecoderLayer(config, i) for i in range(config.num_hidden_layers)])
        self.norm = LlamaRMSNorm(config.hidden_size, eps=config.rms_norm_eps)
        self.rotary_emb = LlamaRotaryEmbedding(config.hidden_size // config.num_attention_heads, config.rope_theta)
        self.lm_head = nn.Linear(config.hidden_size, config.vocab_size, bias=False)
        self.apply(self._init_weights)

    def _init_weights(self, module):
        if isinstance(module, nn.Linear):
            nn.init.trunc_normal_(module.weight, std=0.05, a=-0.1, b=0.1)
        elif isinstance(module, nn.Embedding):
            module.weight.data.normal_(mean=0.0, std=0.5)

    def forward(self, input_ids, past_key_values=None, use_cache=False):
        past_len = past_key_values.get_seq_length() if past_key_values is not None else 0
        bsz, seq_len = input_ids.shape
        cache_position = torch.arange(past_len, past_len + seq_len)
        position_ids = cache_position.unsqueeze(0).expand(bsz, -1)
        x = self.embed_tokens(input_ids)
        min_dtype = torch.finfo(x.dtype).min
        causal_mask = torch.full((seq_len, past_len + seq_len), fill_value=min_dtype, dtype=x.dtype)
        causal_mask = torch.triu(causal_mask, diagonal=1 + past_len) if seq_len > 1 else causal_mask * 0
        causal_mask = causal_mask[None, None, :, :].expand(bsz, 1, -1, -1)
        pos_emb = self.rotary_emb(x, position_ids)
        attn = []
        for layer in self.layers:
            x, w = layer(x, pos_emb, causal_mask, past_key_values)
            attn.append(w)
        return self.lm_head(self.norm(x)), attn


def precompute_freqs_cis(dim, end, theta=10000.0):
    freqs = 1.0 / (theta ** (torch.arange(0, dim, 2)[: (dim // 2)].float() / dim))
    t = torch.arange(end, device=freqs.device, dtype=torch.float32)
    freqs = torch.outer(t, freqs)
    return torch.polar(torch.ones_like(freqs), freqs)


def apply_rotary_emb_complex(xq, freqs_cis):
    xq_ = torch.view_as_complex(xq.float().reshape(*xq.shape[:-1], -1, 2))
    xq_out = torch.view_as_real(xq_ * freqs_cis[None, :, None, :]).flatten(3)
    return xq_out.type_as(xq)


def relative_position_bucket(relative_position, bidirectional=True, num_buckets=8, max_distance=16):
    relative_buckets = 0
    if bidirectional:
        num_buckets //= 2
        relative_buckets += (relative_position > 0).to(torch.long) * num_buckets
        relative_position = torch.abs(relative_position)
    else:
        relative_position = -torch.min(relative_position, torch.zeros_like(relative_position))
    max_exact = num_buckets // 2
    is_small = relative_position < max_exact
    rel_if_large = max_exact + (
        torch.log(relative_position.float() / max_exact) / math.log(max_distance / max_exact) * (num_buckets - max_exact)
    ).to(torch.long)
    rel_if_large = torch.min(rel_if_large, torch.full_like(rel_if_large, num_buckets - 1))
    relative_buckets += torch.where(is_small, relative_position, rel_if_large)
    return relative_buckets


class LoraLinear(nn.Module):
    def __init__(self, base, r=2, alpha=4):
        super().__init__()
        self.base = base
        self.lora_A = nn.Linear(base.in_features, r, bias=False)
        self.lora_B = nn.Linear(r, base.out_features, bias=False)
        nn.init.kaiming_uniform_(self.lora_A.weight, a=math.sqrt(5))
        nn.init.zeros_(self.lora_B.weight)
        self.scaling = alpha / r
        self.merged = False
        base.weight.requires_grad_(False)

    def forward(self, x):
        out = self.base(x)
        if not self.merged:
            out = out + self.lora_B(self.lora_A(x)) * self.scaling
        return out

    @torch.no_grad()
    def merge(self):
        self.base.weight += (self.lora_B.weight @ self.lora_A.weight) * self.scaling
        self.merged = True

    @torch.no_grad()
    def unmerge(self):
        self.base.weight -= (self.lora_B.weight @ self.lora_A.weight) * self.scaling
        self.merged = False


torch.manual_seed(0)
config = LlamaConfig()
model = LlamaForCausalLM(config)
print(model.layers[0])
print("rotary inv_freq:", model.rotary_emb.inv_freq)
print("state_dict has inv_freq:", any("inv_freq" in k for k in model.state_dict()))
print("trunc normal within bounds:", model.lm_head.weight.abs().max().item() <= 0.1)

# RMSNorm in float64 and float16 keeps the input dtype where the weight allows it
norm = LlamaRMSNorm(8)
x = torch.randn(2, 8)
print(norm(x).dtype, norm(x.double()).dtype, norm(x.half()).dtype)
print("rms of output:", norm(x).pow(2).mean(-1).sqrt())
print("vs F.rms_norm:", torch.allclose(norm(x), F.rms_norm(x, (8,), norm.weight, eps=1e-6), atol=1e-6))

# rotate_half rotary vs complex rotary: same rotation, different pairing of features
head_dim = 8
q = torch.randn(1, 5, 2, head_dim)
cos, sin = LlamaRotaryEmbedding(head_dim)(q, torch.arange(5)[None])
print("cos/sin:", cos.shape, sin.dtype)
q_half, _ = apply_rotary_pos_emb(q.transpose(1, 2), q.transpose(1, 2), cos, sin)
freqs_cis = precompute_freqs_cis(head_dim, 5)
print("freqs_cis:", freqs_cis.dtype, freqs_cis.shape, freqs_cis[1, :2])
perm = torch.cat([torch.arange(0, head_dim, 2), torch.arange(1, head_dim, 2)])
q_interleaved = q[..., perm.argsort()]
q_complex = apply_rotary_emb_complex(q_interleaved, freqs_cis)[..., perm]
print("two rotary forms agree:", torch.allclose(q_half.transpose(1, 2), q_complex, atol=1e-5))
print("norms preserved:", torch.allclose(q.norm(dim=-1), q_half.transpose(1, 2).norm(dim=-1), atol=1e-5))
dots = (q_half[0, 0, 1] * q_half[0, 0, 3]).sum(), (q_half[0, 0, 2] * q_half[0, 0, 4]).sum()
print("relative property needs equal vectors:", f"{dots[0].item():.4f}", f"{dots[1].item():.4f}")

# repeat_kv == repeat_interleave on the head axis
kv = torch.randn(2, 2, 3, 4)
print("repeat_kv matches repeat_interleave:", torch.equal(repeat_kv(kv, 3), torch.repeat_interleave(kv, 3, dim=1)))
print(repeat_kv(kv, 2).shape, repeat_kv(kv, 2).is_contiguous())

# full forward vs cached decoding
ids = torch.randint(0, config.vocab_size, (2, 7))
logits, attn = model(ids)
print("logits:", logits.shape, "attn:", attn[0].shape, attn[0].dtype)
print("causal: upper attn zero:", attn[1][0, 0].triu(1).abs().max().item())
cache = DynamicCache()
l1, _ = model(ids[:, :4], past_key_values=cache)
steps = [l1]
for t in range(4, 7):
    lt, _ = model(ids[:, t:t + 1], past_key_values=cache)
    steps.append(lt)
print("cache layers:", len(cache), "seq len:", cache.get_seq_length(), tuple(cache.key_cache[0].shape))
print("cached decoding matches:", torch.allclose(torch.cat(steps, 1), logits, atol=1e-5))
print("next tokens:", logits[:, -1].argmax(-1), F.log_softmax(logits[:, -1], -1).max(-1).values)

# a training step in float64 checks gradients flow through rotary and GQA
model64 = LlamaForCausalLM(config).double()
logits64, _ = model64(ids)
loss = F.cross_entropy(logits64[:, :-1].reshape(-1, config.vocab_size), ids[:, 1:].reshape(-1))
loss.backward()
print("loss64:", f"{loss.item():.6f}", loss.dtype)
print("k_proj grad shape:", model64.layers[0].self_attn.k_proj.weight.grad.shape)
print("rms weight grad:", model64.norm.weight.grad[:4])
print("no grad for inv_freq buffer:", model64.rotary_emb.inv_freq.requires_grad, model64.rotary_emb.inv_freq.dtype)

# T5 relative position buckets
ctx = torch.arange(6)[:, None]
mem = torch.arange(6)[None, :]
print(relative_position_bucket(mem - ctx))
print(relative_position_bucket(torch.tensor([-40, -9, -3, 0, 5, 20]), bidirectional=False))

# LoRA adapter around q_proj
torch.manual_seed(3)
lora = LoraLinear(nn.Linear(8, 8, bias=False))
xin = torch.randn(3, 8)
print("starts as base:", torch.equal(lora(xin), lora.base(xin)))
opt = torch.optim.SGD([p for p in lora.parameters() if p.requires_grad], lr=0.1)
for _ in range(5):
    opt.zero_grad()
    loss = (lora(xin) - 1.0).pow(2).mean()
    loss.backward()
    opt.step()
print("lora loss:", f"{loss.item():.4f}", "trainable:", sum(p.numel() for p in lora.parameters() if p.requires_grad))
before = lora(xin)
lora.merge()
print("merged matches:", torch.allclose(lora(xin), before, atol=1e-6), lora.base.weight.requires_grad)
lora.unmerge()
print("unmerged matches:", torch.allclose(lora(xin), before, atol=1e-6))

# configuration errors
try:
    LlamaAttention(LlamaConfig(hidden_size=30), 0)
except ValueError as e:
    print("ValueError:", e)
try:
    repeat_kv(torch.randn(1, 3, 2, 4), 2).view(1, 4, 2, 4)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.view_as_complex(torch.randn(2, 3))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    apply_rotary_pos_emb(torch.randn(1, 2, 5, 8), torch.randn(1, 2, 5, 8), cos[:, :4], sin[:, :4])
except RuntimeError as e:
    print("RuntimeError:", e)

# device handling as in from_pretrained(device_map=...) helpers and the fp32 upcast in flash-attention code
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
print("device:", device, repr(device), device.type, device.index)
for spec in ["cpu", "cpu:0", "cuda:1", "meta", 0, "cuda:01", "cpu ", "gpu", ""]:
    try:
        d = torch.device(spec)
        print(f"{spec!r:>9} ->", repr(d), "| autocast available:", torch.amp.is_autocast_available(d.type))
    except RuntimeError as e:
        print(f"{spec!r:>9} -> RuntimeError:", e)
print("index form:", torch.device("cuda", 3), torch.device(type="xpu", index=0))
try:
    torch.device("cuda:1", 1)
except RuntimeError as e:
    print("RuntimeError:", e)
target_dtype = torch.get_autocast_dtype("cuda") if torch.is_autocast_enabled() else model.lm_head.weight.dtype
print("target dtype for attention:", target_dtype, "autocast cpu dtype:", torch.get_autocast_dtype("cpu"))
with torch.autocast(device_type=device.type, enabled=False):
    print("inside disabled autocast:", torch.is_autocast_enabled(device.type), model(ids[:1, :3])[0].dtype)
with torch.autocast(device_type="xpu", dtype=torch.float16):
    print("xpu autocast region on cpu tensors:", torch.is_autocast_enabled("xpu"), model(ids[:1, :3])[0].dtype)
