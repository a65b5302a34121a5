"""A GPT-2 reference training script in the style of llm.c's train_gpt2.py / build-nanogpt, scaled down
to run in seconds on the CPU: weight tying, scaled residual init via a NANOGPT_SCALE_INIT attribute,
decay/no-decay parameter groups, AdamW with betas (0.9, 0.95), warmup + cosine learning rate,
gradient accumulation, bf16 autocast around the forward, flash attention through
F.scaled_dot_product_attention, and top-k sampling with a seeded generator."""
import inspect
import math
from dataclasses import dataclass

import torch
import torch.nn as nn
from torch.nn import functional as F


class CausalSelfAttention(nn.Module):
    def __init__(self, config):
        super().__init__()
        assert config.n_embd % config.n_head == 0
        self.c_attn = nn.Linear(config.n_embd, 3 * config.n_embd)
        self.c_proj = nn.Linear(config.n_embd, config.n_embd)
        self.c_proj.NANOGPT_SCALE_INIT = 1
        self.n_head = config.n_head
        self.n_embd = config.n_embd

    def forward(self, x):
        B, T, C = x.size()
        qkv = self.c_attn(x)
        q, k, v = qkv.split(self.n_embd, dim=2)
        k = k.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        q = q.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        v = v.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        y = y.transpose(1, 2).contiguous().view(B, T, C)
        return self.c_proj(y)


class MLP(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.c_fc = nn.Linear(config.n_embd, 4 * config.n_embd)
        self.gelu = nn.GELU(approximate="tanh")
        self.c_proj = nn.Linear(4 * config.n_embd, config.n_embd)
        self.c_proj.NANOGPT_SCALE_INIT = 1

    def forward(self, x):
        return self.c_proj(self.gelu(self.c_fc(x)))


class Block(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.ln_1 = nn.LayerNorm(config.n_embd)
        self.attn = CausalSelfAttention(config)
        self.ln_2 = nn.LayerNorm(config.n_embd)
        self.mlp = MLP(config)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        x = x + self.mlp(self.ln_2(x))
        return x


@dataclass
class GPTConfig:
    block_size: int = 16
    vocab_size: int = 50
    n_layer: int = 2
    n_head: int = 2
    n_embd: int = 32


class GPT(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.config = config
        self.transformer = nn.ModuleDict(dict(
            wte=nn.Embedding(config.vocab_size, config.n_embd),
            wpe=nn.Embedding(config.block_size, config.n_embd),
            h=nn.ModuleList([Block(config) for _ in range(config.n_layer)]),
            ln_f=nn.LayerNorm(config.n_embd),
        ))
        self.lm_head = nn.Linear(config.n_embd, config.vocab_size, bias=False)
        self.transformer.wte.weight = self.lm_head.weight  # weight sharing scheme
        self.apply(self._init_weights)

    def _init_weights(self, module):
        if isinstance(module, nn.Linear):
            std = 0.02
            if hasattr(module, "NANOGPT_SCALE_INIT"):
                std *= (2 * self.config.n_layer) ** -0.5
            torch.nn.init.normal_(module.weight, mean=0.0, std=std)
            if module.bias is not None:
                torch.nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Embedding):
            torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)

    def forward(self, idx, targets=None):
        B, T = idx.size()
        assert T <= self.config.block_size, f"Cannot forward sequence of length {T}, block size is only {self.config.block_size}"
        pos = torch.arange(0, T, dtype=torch.long, device=idx.device)
        pos_emb = self.transformer.wpe(pos)
        tok_emb = self.transformer.wte(idx)
        x = tok_emb + pos_emb
        for block in self.transformer.h:
            x = block(x)
        x = self.transformer.ln_f(x)
        logits = self.lm_head(x)
        loss = None
        if targets is not None:
            loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))
        return logits, loss

    def configure_optimizers(self, weight_decay, learning_rate, device_type):
        param_dict = {pn: p for pn, p in self.named_parameters()}
        param_dict = {pn: p for pn, p in param_dict.items() if p.requires_grad}
        decay_params = [p for n, p in param_dict.items() if p.dim() >= 2]
        nodecay_params = [p for n, p in param_dict.items() if p.dim() < 2]
        optim_groups = [
            {"params": decay_params, "weight_decay": weight_decay},
            {"params": nodecay_params, "weight_decay": 0.0},
        ]
        num_decay_params = sum(p.numel() for p in decay_params)
        num_nodecay_params = sum(p.numel() for p in nodecay_params)
        print(f"num decayed parameter tensors: {len(decay_params)}, with {num_decay_params:,} parameters")
        print(f"num non-decayed parameter tensors: {len(nodecay_params)}, with {num_nodecay_params:,} parameters")
        fused_available = "fused" in inspect.signature(torch.optim.AdamW).parameters
        use_fused = fused_available and device_type == "cuda"
        print(f"fused available: {fused_available}, using fused AdamW: {use_fused}")
        return torch.optim.AdamW(optim_groups, lr=learning_rate, betas=(0.9, 0.95), eps=1e-8, fused=use_fused)


class DataLoaderLite:
    def __init__(self, tokens, B, T):
        self.B, self.T = B, T
        self.tokens = tokens
        print(f"loaded {len(self.tokens)} tokens, 1 epoch = {len(self.tokens) // (B * T)} batches")
        self.current_position = 0

    def next_batch(self):
        B, T = self.B, self.T
        buf = self.tokens[self.current_position: self.current_position + B * T + 1]
        x = (buf[:-1]).view(B, T)
        y = (buf[1:]).view(B, T)
        self.current_position += B * T
        if self.current_position + (B * T + 1) > len(self.tokens):
            self.current_position = 0
        return x, y


torch.manual_seed(1337)
device = "cpu"
device_type = "cuda" if device.startswith("cuda") else "cpu"
# bf16 autocast is switched on where it pays (a GPU); on this CPU run it is switched off, as in llm.c's
# script (glasstorch refuses an *enabled* bf16 region: it has no bfloat16 dtype, docs/differences.md)
use_amp = device_type == "cuda"
config = GPTConfig()
# a "text": a noisy repeating pattern over 50 token ids
pattern = torch.tensor([3, 7, 1, 9, 4, 4, 12, 30, 2, 8, 15, 7])
tokens = pattern.repeat(60)
noise = torch.rand(tokens.shape) < 0.1
tokens = torch.where(noise, torch.randint(0, config.vocab_size, tokens.shape), tokens)
print("tokens:", tokens.shape, tokens.dtype, tokens[:14].tolist())

total_batch_size = 128
B, T = 4, 16
grad_accum_steps = total_batch_size // (B * T)
print(f"total desired batch size: {total_batch_size}, calculated gradient accumulation steps: {grad_accum_steps}")
train_loader = DataLoaderLite(tokens, B=B, T=T)

torch.manual_seed(1337)
model = GPT(config)
model.to(device)
print(model.transformer.h[0])
print("tied:", model.transformer.wte.weight is model.lm_head.weight,
      model.transformer.wte.weight.data_ptr() == model.lm_head.weight.data_ptr())
n_params = sum(p.numel() for p in model.parameters())
print("parameters (tied counted once):", n_params)
print("c_proj std:", f"{model.transformer.h[0].attn.c_proj.weight.std().item():.4f}",
      "c_fc std:", f"{model.transformer.h[0].mlp.c_fc.weight.std().item():.4f}")

max_lr = 6e-3
min_lr = max_lr * 0.1
warmup_steps = 3
max_steps = 12


def get_lr(it):
    if it < warmup_steps:
        return max_lr * (it + 1) / warmup_steps
    if it > max_steps:
        return min_lr
    decay_ratio = (it - warmup_steps) / (max_steps - warmup_steps)
    assert 0 <= decay_ratio <= 1
    coeff = 0.5 * (1.0 + math.cos(math.pi * decay_ratio))
    return min_lr + coeff * (max_lr - min_lr)


print("lrs:", [f"{get_lr(i):.2e}" for i in (0, 2, 3, 7, 12, 13)])
optimizer = model.configure_optimizers(weight_decay=0.1, learning_rate=6e-4, device_type=device_type)
print("groups:", [(len(g["params"]), g["weight_decay"], g["betas"], g["fused"]) for g in optimizer.param_groups])

with torch.autocast(device_type=device_type, dtype=torch.bfloat16, enabled=use_amp):
    logits, loss = model(*train_loader.next_batch())
print("autocast logits:", logits.dtype, torch.is_autocast_enabled(device_type), torch.get_autocast_dtype("cpu"), logits.shape, "loss:", loss.dtype, f"{loss.item():.2f}")
train_loader.current_position = 0

for step in range(max_steps):
    model.train()
    optimizer.zero_grad()
    loss_accum = 0.0
    for micro_step in range(grad_accum_steps):
        x, y = train_loader.next_batch()
        x, y = x.to(device), y.to(device)
        with torch.autocast(device_type=device_type, dtype=torch.bfloat16, enabled=use_amp):
            logits, loss = model(x, y)
        loss = loss / grad_accum_steps
        loss_accum += loss.detach()
        loss.backward()
    norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    lr = get_lr(step)
    for param_group in optimizer.param_groups:
        param_group["lr"] = lr
    optimizer.step()
    tokens_processed = train_loader.B * train_loader.T * grad_accum_steps
    print(f"step {step:4d} | loss: {loss_accum.item():.3f} | lr {lr:.4e} | norm: {norm:.4f} | "
          f"tokens: {tokens_processed} | {type(norm).__name__} {norm.dtype} {loss_accum.dtype}")

print("wte grad is lm_head grad:", model.lm_head.weight.grad is model.transformer.wte.weight.grad)
st = optimizer.state[model.lm_head.weight]
print("state keys:", sorted(st), st["step"], st["exp_avg"].dtype)

# validation without autocast
model.eval()
with torch.no_grad():
    x, y = train_loader.next_batch()
    logits, loss = model(x, y)
    print("val loss (fp32):", f"{loss.item():.1f}", logits.dtype)
    acc = (logits.argmax(-1) == y).float().mean()
    print("val next-token acc > 0.3:", acc.item() > 0.3)

# generation with top-k sampling
num_return_sequences = 3
max_length = 14
xgen = torch.tensor([3, 7, 1], dtype=torch.long).unsqueeze(0).repeat(num_return_sequences, 1)
sample_rng = torch.Generator(device=device)
sample_rng.manual_seed(42)
while xgen.size(1) < max_length:
    with torch.no_grad():
        logits, loss = model(xgen)
        logits = logits[:, -1, :]
        probs = F.softmax(logits, dim=-1)
        topk_probs, topk_indices = torch.topk(probs, 5, dim=-1)
        ix = torch.multinomial(topk_probs, 1, generator=sample_rng)
        xcol = torch.gather(topk_indices, -1, ix)
        xgen = torch.cat((xgen, xcol), dim=1)
print("topk shapes:", topk_probs.shape, topk_indices.shape, ix.shape, ix.dtype)
for i in range(num_return_sequences):
    print(f"sample {i}:", xgen[i, :max_length].tolist())
print("generator state size:", sample_rng.get_state().shape, sample_rng.initial_seed())

# state dict with tied weights: both names present, sharing storage
sd = model.state_dict()
print("sd keys:", len(sd), [k for k in sd if "wte" in k or "lm_head" in k])
sd_keys_hf = [k for k in sd.keys() if not k.endswith(".attn.bias")]
transposed = ["attn.c_attn.weight", "attn.c_proj.weight", "mlp.c_fc.weight", "mlp.c_proj.weight"]
print("would transpose:", sum(any(k.endswith(w) for w in transposed) for k in sd_keys_hf))
