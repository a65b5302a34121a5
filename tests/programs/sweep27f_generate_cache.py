"""A GPT-2 style causal LM with a past_key_values cache of (key, value) tuples and a generate() loop in
the manner of Hugging Face's generation utilities: greedy search, top-k / top-p (nucleus) warpers,
temperature, repetition penalty, min-length and EOS handling with unfinished_sequences, left-padded
batches with position ids from the attention mask, and a check that cached decoding reproduces the
full-sequence logits."""
import math
from dataclasses import dataclass
from typing import Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class GPTConfig:
    vocab_size: int = 20
    n_positions: int = 32
    n_embd: int = 16
    n_layer: int = 2
    n_head: int = 2
    eos_token_id: int = 1
    pad_token_id: int = 0


@dataclass
class CausalLMOutputWithPast:
    logits: torch.Tensor = None
    past_key_values: Optional[Tuple[Tuple[torch.Tensor]]] = None


class Conv1D(nn.Module):
    """GPT-2's transposed linear layer: weight is [nx, nf]."""

    def __init__(self, nf, nx):
        super().__init__()
        self.nf = nf
        self.weight = nn.Parameter(torch.empty(nx, nf))
        self.bias = nn.Parameter(torch.zeros(nf))
        nn.init.normal_(self.weight, std=0.02)

    def forward(self, x):
        size_out = x.size()[:-1] + (self.nf,)
        x = torch.addmm(self.bias, x.view(-1, x.size(-1)), self.weight)
        return x.view(size_out)

    def extra_repr(self):
        return f"nf={self.nf}, nx={self.weight.shape[0]}"


class GPTAttention(nn.Module):
    def __init__(self, config):
        super().__init__()
        n = config.n_positions
        self.register_buffer("bias", torch.tril(torch.ones((n, n), dtype=torch.bool)).view(1, 1, n, n),
                             persistent=False)
        self.register_buffer("masked_bias", torch.tensor(-1e4), persistent=False)
        self.n_head = config.n_head
        self.head_dim = config.n_embd // config.n_head
        self.c_attn = Conv1D(3 * config.n_embd, config.n_embd)
        self.c_proj = Conv1D(config.n_embd, config.n_embd)

    def _split_heads(self, t):
        return t.view(t.size()[:-1] + (self.n_head, self.head_dim)).permute(0, 2, 1, 3)

    def _merge_heads(self, t):
        t = t.permute(0, 2, 1, 3).contiguous()
        return t.view(t.size()[:-2] + (self.n_head * self.head_dim,))

    def _attn(self, q, k, v, attention_mask):
        w = torch.matmul(q, k.transpose(-1, -2)) / torch.full([], v.size(-1) ** 0.5, dtype=q.dtype)
        q_len, k_len = q.size(-2), k.size(-2)
        causal = self.bias[:, :, k_len - q_len:k_len, :k_len]
        mask_value = torch.full([], torch.finfo(w.dtype).min, dtype=w.dtype)
        w = torch.where(causal, w.to(w.dtype), mask_value)
        if attention_mask is not None:
            w = w + attention_mask
        w = nn.functional.softmax(w, dim=-1)
        return torch.matmul(w, v)

    def forward(self, x, layer_past=None, attention_mask=None, use_cache=False):
        q, k, v = self.c_attn(x).split(self.head_dim * self.n_head, dim=2)
        q, k, v = self._split_heads(q), self._split_heads(k), self._split_heads(v)
        if layer_past is not None:
            past_key, past_value = layer_past
            k = torch.cat((past_key, k), dim=-2)
            v = torch.cat((past_value, v), dim=-2)
        present = (k, v) if use_cache else None
        out = self.c_proj(self._merge_heads(self._attn(q, k, v, attention_mask)))
        return out, present


class GPTBlock(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.ln_1 = nn.LayerNorm(config.n_embd)
        self.attn = GPTAttention(config)
        self.ln_2 = nn.LayerNorm(config.n_embd)
        self.mlp = nn.Sequential(Conv1D(4 * config.n_embd, config.n_embd), nn.GELU(approximate="tanh"),
                                 Conv1D(config.n_embd, 4 * config.n_embd))

    def forward(self, x, layer_past=None, attention_mask=None, use_cache=False):
        a, present = self.attn(self.ln_1(x), layer_past, attention_mask, use_cache)
        x = x + a
        return x + self.mlp(self.ln_2(x)), present


class GPTLMHeadModel(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.config = config
        self.wte = nn.Embedding(config.vocab_size, config.n_embd)
        self.wpe = nn.Embedding(config.n_positions, config.n_embd)
        self.h = nn.ModuleList([GPTBlock(config) for _ in range(config.n_layer)])
        self.ln_f = nn.LayerNorm(config.n_embd)
        self.lm_head = nn.Linear(config.n_embd, config.vocab_size, bias=False)
        self.lm_head.weight = self.wte.weight
        for name, p in self.named_parameters():
            if name.endswith("c_proj.weight"):
                nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * config.n_layer))

    def forward(self, input_ids, past_key_values=None, attention_mask=None, position_ids=None, use_cache=True):
        bsz, seq_len = input_ids.shape
        past_len = 0 if past_key_values is None else past_key_values[0][0].size(-2)
        if past_key_values is None:
            past_key_values = tuple([None] * len(self.h))
        if position_ids is None:
            position_ids = torch.arange(past_len, past_len + seq_len, dtype=torch.long).unsqueeze(0)
        if attention_mask is not None:
            attention_mask = attention_mask.view(bsz, -1)[:, None, None, :].to(dtype=self.wte.weight.dtype)
            attention_mask = (1.0 - attention_mask) * torch.finfo(self.wte.weight.dtype).min
        x = self.wte(input_ids) + self.wpe(position_ids)
        presents = () if use_cache else None
        for block, layer_past in zip(self.h, past_key_values):
            x, present = block(x, layer_past, attention_mask, use_cache)
            if use_cache:
                presents = presents + (present,)
        return CausalLMOutputWithPast(logits=self.lm_head(self.ln_f(x)), past_key_values=presents)


class RepetitionPenaltyLogitsProcessor:
    def __init__(self, penalty):
        self.penalty = penalty

    def __call__(self, input_ids, scores):
        score = torch.gather(scores, 1, input_ids)
        score = torch.where(score < 0, score * self.penalty, score / self.penalty)
        return scores.scatter(1, input_ids, score)


class MinLengthLogitsProcessor:
    def __init__(self, min_length, eos_token_id):
        self.min_length, self.eos_token_id = min_length, eos_token_id

    def __call__(self, input_ids, scores):
        if input_ids.shape[-1] < self.min_length:
            scores = scores.clone()
            scores[:, self.eos_token_id] = -float("inf")
        return scores


class TemperatureLogitsWarper:
    def __init__(self, temperature):
        self.temperature = temperature

    def __call__(self, input_ids, scores):
        return scores / self.temperature


class TopKLogitsWarper:
    def __init__(self, top_k, filter_value=-float("inf")):
        self.top_k, self.filter_value = top_k, filter_value

    def __call__(self, input_ids, scores):
        top_k = min(self.top_k, scores.size(-1))
        indices_to_remove = scores < torch.topk(scores, top_k)[0][..., -1, None]
        return scores.masked_fill(indices_to_remove, self.filter_value)


class TopPLogitsWarper:
    def __init__(self, top_p, filter_value=-float("inf"), min_tokens_to_keep=1):
        self.top_p, self.filter_value, self.min_tokens_to_keep = top_p, filter_value, min_tokens_to_keep

    def __call__(self, input_ids, scores):
        sorted_logits, sorted_indices = torch.sort(scores, descending=False)
        cumulative_probs = sorted_logits.softmax(dim=-1).cumsum(dim=-1)
        sorted_indices_to_remove = cumulative_probs <= (1 - self.top_p)
        sorted_indices_to_remove[..., -self.min_tokens_to_keep:] = 0
        indices_to_remove = sorted_indices_to_remove.scatter(1, sorted_indices, sorted_indices_to_remove)
        return scores.masked_fill(indices_to_remove, self.filter_value)


class LogitsProcessorList(list):
    def __call__(self, input_ids, scores):
        for p in self:
            scores = p(input_ids, scores)
        return scores


@torch.no_grad()
def generate(model, input_ids, attention_mask=None, max_new_tokens=6, do_sample=False, processors=None,
             warpers=None, generator=None):
    cfg = model.config
    processors = processors or LogitsProcessorList()
    warpers = warpers or LogitsProcessorList()
    if attention_mask is None:
        attention_mask = torch.ones_like(input_ids)
    unfinished = torch.ones(input_ids.shape[0], dtype=torch.long)
    past = None
    cur = input_ids
    for _ in range(max_new_tokens):
        position_ids = attention_mask.long().cumsum(-1) - 1
        position_ids.masked_fill_(attention_mask == 0, 1)
        if past is not None:
            position_ids = position_ids[:, -1:]
        out = model(cur, past_key_values=past, attention_mask=attention_mask, position_ids=position_ids)
        past = out.past_key_values
        scores = processors(input_ids, out.logits[:, -1, :])
        if do_sample:
            scores = warpers(input_ids, scores)
            probs = nn.functional.softmax(scores, dim=-1)
            next_tokens = torch.multinomial(probs, num_samples=1, generator=generator).squeeze(1)
        else:
            next_tokens = torch.argmax(scores, dim=-1)
        next_tokens = next_tokens * unfinished + cfg.pad_token_id * (1 - unfinished)
        input_ids = torch.cat([input_ids, next_tokens[:, None]], dim=-1)
        attention_mask = torch.cat([attention_mask, attention_mask.new_ones((attention_mask.shape[0], 1))], dim=-1)
        unfinished = unfinished & (next_tokens != cfg.eos_token_id).long()
        cur = next_tokens[:, None]
        if unfinished.max() == 0:
            break
    return input_ids


torch.manual_seed(0)
config = GPTConfig()
model = GPTLMHeadModel(config).eval()
print(model.h[0])
print("params:", sum(p.numel() for p in model.parameters()), "buffers:", [n for n, _ in model.named_buffers()][:2])

ids = torch.tensor([[5, 7, 9, 11, 3]])
full = model(ids, use_cache=False).logits
print("use_cache=False past:", model(ids, use_cache=False).past_key_values)

# incremental decoding reproduces the full forward
out = model(ids[:, :3])
past = out.past_key_values
print("cache:", len(past), len(past[0]), tuple(past[0][0].shape))
step_logits = [out.logits]
for t in range(3, 5):
    out = model(ids[:, t:t + 1], past_key_values=past)
    past = out.past_key_values
    step_logits.append(out.logits)
inc = torch.cat(step_logits, dim=1)
print("cache shape now:", tuple(past[1][1].shape))
print("cached == full:", torch.allclose(inc, full, atol=1e-5))
print("last logits:", full[0, -1, :6])

# greedy
print("greedy:", generate(model, ids, max_new_tokens=6))

# logits processors on a fixed score row
scores = torch.tensor([[2.0, -1.0, 0.5, 3.0, -2.0, 1.0]])
prev = torch.tensor([[3, 4, 3]])
print("rep penalty:", RepetitionPenaltyLogitsProcessor(2.0)(prev, scores))
print("min length:", MinLengthLogitsProcessor(5, 1)(prev, scores))
print("top-k 3:", TopKLogitsWarper(3)(prev, scores))
print("top-p 0.8:", TopPLogitsWarper(0.8)(prev, scores))
print("top-p 0.1 keep 2:", TopPLogitsWarper(0.1, min_tokens_to_keep=2)(prev, scores))
print("temperature 0.5:", TemperatureLogitsWarper(0.5)(prev, scores))
print("probs after top-k:", F.softmax(TopKLogitsWarper(2)(prev, scores), dim=-1))

# sampling with processors and warpers
gen = torch.Generator().manual_seed(123)
processors = LogitsProcessorList([MinLengthLogitsProcessor(8, config.eos_token_id),
                                  RepetitionPenaltyLogitsProcessor(1.3)])
warpers = LogitsProcessorList([TemperatureLogitsWarper(0.7), TopKLogitsWarper(8), TopPLogitsWarper(0.9)])
batch = torch.tensor([[0, 0, 4, 6], [2, 8, 10, 12]])
mask = torch.tensor([[0, 0, 1, 1], [1, 1, 1, 1]])
sampled = generate(model, batch, attention_mask=mask, max_new_tokens=8, do_sample=True,
                   processors=processors, warpers=warpers, generator=gen)
print("sampled:\n", sampled)

# left padding gives the same next-token logits as the unpadded prompt
pos = mask.cumsum(-1) - 1
pos.masked_fill_(mask == 0, 1)
padded = model(batch, attention_mask=mask, position_ids=pos).logits[0, -1]
plain = model(torch.tensor([[4, 6]])).logits[0, -1]
print("left pad matches:", torch.allclose(padded, plain, atol=1e-5))

# a model whose EOS is very likely: sequences finish and are padded
def force_eos(input_ids, scores):
    scores = scores.clone()
    step = input_ids.shape[-1]
    rows = torch.tensor([step == 3, False, step == 4])
    scores[rows, config.eos_token_id] = scores.max() + 10.0
    return scores


greedy_eos = generate(model, torch.tensor([[5, 6], [7, 8], [9, 10]]), max_new_tokens=5,
                      processors=LogitsProcessorList([force_eos, RepetitionPenaltyLogitsProcessor(5.0)]))
print("with eos:\n", greedy_eos)
finished = (greedy_eos == config.eos_token_id).any(dim=1)
print("finished:", finished, "lengths:", (greedy_eos != config.pad_token_id).sum(1))

# beam-free scoring: sequence log-likelihood of the greedy continuation
with torch.no_grad():
    logits = model(greedy_eos, use_cache=False).logits
logp = F.log_softmax(logits[:, :-1], dim=-1).gather(-1, greedy_eos[:, 1:, None]).squeeze(-1)
print("seq logp:", logp.sum(-1))
print("perplexity:", [f"{v:.1f}" for v in torch.exp(-logp.mean(-1)).tolist()])
try:
    model(torch.tensor([[1, 2, 40]]))
except IndexError as e:
    print("IndexError:", e)

# pipelines run generation under inference_mode: results are inference tensors, and even an
# enable_grad block inside records no graph
with torch.inference_mode():
    out_ids = generate(model, torch.tensor([[5, 6, 7]]), max_new_tokens=3)
    logits = model(out_ids, use_cache=False).logits
    print("inference:", out_ids.is_inference(), logits.is_inference(), logits.requires_grad,
          torch.is_inference_mode_enabled(), torch.is_grad_enabled())
    with torch.enable_grad():
        probe = model(out_ids, use_cache=False).logits
        print("enable_grad inside inference_mode:", torch.is_grad_enabled(), probe.requires_grad, probe.grad_fn)
try:
    logits.sum().backward()
except RuntimeError as e:
    print("RuntimeError:", str(e).split(".")[0])
try:
    logits.mul_(2)
except RuntimeError as e:
    print("RuntimeError:", str(e).split(".")[0])
fresh = logits.clone()
print("clone is normal:", fresh.is_inference(), fresh.mul_(2).shape)
