"""A small T5 written in the style of the HuggingFace reference: ``T5LayerNorm`` by hand (no mean
subtraction, no bias: ``variance = x.pow(2).mean(-1, keepdim=True); x * torch.rsqrt(variance +
eps)``), relative position buckets (``torch.log``, ``torch.where``, ``torch.min`` with
``torch.full_like``, ``.to(torch.long)``), the bias computed by an Embedding and permuted to heads,
attention without the 1/sqrt(d) scaling, a gated-GELU feed-forward (``gelu_new``), a decoder with a
causal mask built by torch.tril and cross-attention over the encoder, ``_shift_right`` with the
decoder start token, teacher-forced training with ignore_index=-100, and greedy decoding with
argmax and torch.cat one token at a time."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class T5Config:
    def __init__(self, vocab_size=24, d_model=32, d_kv=8, d_ff=48, num_layers=1, num_heads=4,
                 relative_attention_num_buckets=8, relative_attention_max_distance=16, layer_norm_epsilon=1e-6,
                 initializer_factor=1.0, pad_token_id=0, eos_token_id=1, decoder_start_token_id=0):
        self.__dict__.update({k: v for k, v in locals().items() if k != "self"})


class NewGELUActivation(nn.Module):
    def forward(self, input):
        return 0.5 * input * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (input + 0.044715 * torch.pow(input, 3.0))))


class T5LayerNorm(nn.Module):
    def __init__(self, hidden_size, eps=1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(hidden_size))
        self.variance_epsilon = eps

    def forward(self, hidden_states):
        variance = hidden_states.to(torch.float32).pow(2).mean(-1, keepdim=True)
        hidden_states = hidden_states * torch.rsqrt(variance + self.variance_epsilon)
        if self.weight.dtype in [torch.float16, torch.bfloat16]:
            hidden_states = hidden_states.to(self.weight.dtype)
        return self.weight * hidden_states

    def extra_repr(self):
        return f"{tuple(self.weight.shape)}, eps={self.variance_epsilon}"


class T5DenseGatedActDense(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.wi_0 = nn.Linear(config.d_model, config.d_ff, bias=False)
        self.wi_1 = nn.Linear(config.d_model, config.d_ff, bias=False)
        self.wo = nn.Linear(config.d_ff, config.d_model, bias=False)
        self.dropout = nn.Dropout(0.0)
        self.act = NewGELUActivation()

    def forward(self, hidden_states):
        hidden_gelu = self.act(self.wi_0(hidden_states))
        hidden_linear = self.wi_1(hidden_states)
        hidden_states = self.dropout(hidden_gelu * hidden_linear)
        return self.wo(hidden_states)


class T5Attention(nn.Module):
    def __init__(self, config, has_relative_attention_bias=False, is_decoder=False):
        super().__init__()
        self.is_decoder = is_decoder
        self.has_relative_attention_bias = has_relative_attention_bias
        self.relative_attention_num_buckets = config.relative_attention_num_buckets
        self.relative_attention_max_distance = config.relative_attention_max_distance
        self.d_model = config.d_model
        self.key_value_proj_dim = config.d_kv
        self.n_heads = config.num_heads
        self.inner_dim = self.n_heads * self.key_value_proj_dim
        self.q = nn.Linear(self.d_model, self.inner_dim, bias=False)
        self.k = nn.Linear(self.d_model, self.inner_dim, bias=False)
        self.v = nn.Linear(self.d_model, self.inner_dim, bias=False)
        self.o = nn.Linear(self.inner_dim, self.d_model, bias=False)
        if self.has_relative_attention_bias:
            self.relative_attention_bias = nn.Embedding(self.relative_attention_num_buckets, self.n_heads)

    @staticmethod
    def _relative_position_bucket(relative_position, bidirectional=True, num_buckets=32, max_distance=128):
        relative_buckets = 0
        if bidirectional:
            num_buckets //= 2
            relative_buckets += (relative_position > 0).to(torch.long) * num_buckets
            relative_position = torch.abs(relative_position)
        else:
            relative_position = -torch.min(relative_position, torch.zeros_like(relative_position))
        max_exact = num_buckets // 2
        is_small = relative_position < max_exact
        relative_position_if_large = max_exact + (
            torch.log(relative_position.float() / max_exact)
            / math.log(max_distance / max_exact)
            * (num_buckets - max_exact)
        ).to(torch.long)
        relative_position_if_large = torch.min(
            relative_position_if_large, torch.full_like(relative_position_if_large, num_buckets - 1)
        )
        relative_buckets += torch.where(is_small, relative_position, relative_position_if_large)
        return relative_buckets

    def compute_bias(self, query_length, key_length, device=None):
        if device is None:
            device = self.relative_attention_bias.weight.device
        context_position = torch.arange(query_length, dtype=torch.long, device=device)[:, None]
        memory_position = torch.arange(key_length, dtype=torch.long, device=device)[None, :]
        relative_position = memory_position - context_position
        relative_position_bucket = self._relative_position_bucket(
            relative_position, bidirectional=(not self.is_decoder),
            num_buckets=self.relative_attention_num_buckets, max_distance=self.relative_attention_max_distance)
        values = self.relative_attention_bias(relative_position_bucket)
        values = values.permute([2, 0, 1]).unsqueeze(0)
        return values

    def forward(self, hidden_states, mask=None, key_value_states=None, position_bias=None):
        batch_size, seq_length = hidden_states.shape[:2]
        is_cross = key_value_states is not None
        kv = key_value_states if is_cross else hidden_states
        key_length = kv.shape[1]

        def shape(states):
            return states.view(batch_size, -1, self.n_heads, self.key_value_proj_dim).transpose(1, 2)

        def unshape(states):
            return states.transpose(1, 2).contiguous().view(batch_size, -1, self.inner_dim)

        query_states = shape(self.q(hidden_states))
        key_states = shape(self.k(kv))
        value_states = shape(self.v(kv))
        scores = torch.matmul(query_states, key_states.transpose(3, 2))
        if position_bias is None:
            if not self.has_relative_attention_bias:
                position_bias = torch.zeros((1, self.n_heads, seq_length, key_length), device=scores.device,
                                            dtype=scores.dtype)
            else:
                position_bias = self.compute_bias(seq_length, key_length, device=scores.device)
            if mask is not None:
                position_bias = position_bias + mask
        scores += position_bias
        attn_weights = nn.functional.softmax(scores.float(), dim=-1).type_as(scores)
        attn_output = unshape(torch.matmul(attn_weights, value_states))
        return self.o(attn_output), position_bias, attn_weights


class T5Block(nn.Module):
    def __init__(self, config, is_decoder, has_relative_attention_bias):
        super().__init__()
        self.is_decoder = is_decoder
        self.self_attn = T5Attention(config, has_relative_attention_bias, is_decoder)
        self.ln_self = T5LayerNorm(config.d_model, eps=config.layer_norm_epsilon)
        if is_decoder:
            self.cross_attn = T5Attention(config, False, is_decoder)
            self.ln_cross = T5LayerNorm(config.d_model, eps=config.layer_norm_epsilon)
        self.ff = T5DenseGatedActDense(config)
        self.ln_ff = T5LayerNorm(config.d_model, eps=config.layer_norm_epsilon)

    def forward(self, h, mask, position_bias=None, enc=None, enc_mask=None, enc_bias=None):
        a, position_bias, _ = self.self_attn(self.ln_self(h), mask=mask, position_bias=position_bias)
        h = h + a
        cross_w = None
        if self.is_decoder:
            a, enc_bias, cross_w = self.cross_attn(self.ln_cross(h), mask=enc_mask, key_value_states=enc,
                                                   position_bias=enc_bias)
            h = h + a
        h = h + self.ff(self.ln_ff(h))
        return h, position_bias, enc_bias, cross_w


def extended_mask(mask, dtype=torch.float32):
    return (1.0 - mask[:, None, None, :].to(dtype)) * torch.finfo(dtype).min


class T5ForConditionalGeneration(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.config = config
        self.shared = nn.Embedding(config.vocab_size, config.d_model)
        self.encoder = nn.ModuleList([T5Block(config, False, i == 0) for i in range(config.num_layers)])
        self.enc_norm = T5LayerNorm(config.d_model, eps=config.layer_norm_epsilon)
        self.decoder = nn.ModuleList([T5Block(config, True, i == 0) for i in range(config.num_layers)])
        self.dec_norm = T5LayerNorm(config.d_model, eps=config.layer_norm_epsilon)
        self.lm_head = nn.Linear(config.d_model, config.vocab_size, bias=False)
        self.apply(self._init_weights)

    def _init_weights(self, module):
        factor = self.config.initializer_factor
        d_model, d_kv, n_heads = self.config.d_model, self.config.d_kv, self.config.num_heads
        if isinstance(module, T5LayerNorm):
            module.weight.data.fill_(factor * 1.0)
        elif isinstance(module, T5ForConditionalGeneration):
            module.shared.weight.data.normal_(mean=0.0, std=factor * 1.0)
            module.lm_head.weight.data.normal_(mean=0.0, std=factor * 1.0)
        elif isinstance(module, T5DenseGatedActDense):
            module.wi_0.weight.data.normal_(mean=0.0, std=factor * (d_model ** -0.5))
            module.wi_1.weight.data.normal_(mean=0.0, std=factor * (d_model ** -0.5))
            module.wo.weight.data.normal_(mean=0.0, std=factor * (self.config.d_ff ** -0.5))
        elif isinstance(module, T5Attention):
            module.q.weight.data.normal_(mean=0.0, std=factor * ((d_model * d_kv) ** -0.5))
            module.k.weight.data.normal_(mean=0.0, std=factor * (d_model ** -0.5))
            module.v.weight.data.normal_(mean=0.0, std=factor * (d_model ** -0.5))
            module.o.weight.data.normal_(mean=0.0, std=factor * ((n_heads * d_kv) ** -0.5))
            if module.has_relative_attention_bias:
                module.relative_attention_bias.weight.data.normal_(mean=0.0, std=factor * (d_model ** -0.5))

    def _shift_right(self, input_ids):
        shifted_input_ids = input_ids.new_zeros(input_ids.shape)
        shifted_input_ids[..., 1:] = input_ids[..., :-1].clone()
        shifted_input_ids[..., 0] = self.config.decoder_start_token_id
        shifted_input_ids.masked_fill_(shifted_input_ids == -100, self.config.pad_token_id)
        return shifted_input_ids

    def encode(self, input_ids, attention_mask):
        h = self.shared(input_ids)
        mask = extended_mask(attention_mask)
        bias = None
        for blk in self.encoder:
            h, bias, _, _ = blk(h, mask, bias)
        return self.enc_norm(h)

    def decode(self, dec_ids, enc, enc_attention_mask):
        T = dec_ids.shape[1]
        causal = torch.tril(torch.ones(T, T, dtype=torch.long))
        mask = (1.0 - causal[None, None].float()) * torch.finfo(torch.float32).min
        enc_mask = extended_mask(enc_attention_mask)
        h = self.shared(dec_ids)
        bias = enc_bias = None
        cross = None
        for blk in self.decoder:
            h, bias, enc_bias, cross = blk(h, mask, bias, enc, enc_mask, enc_bias)
        h = self.dec_norm(h) * (self.config.d_model ** -0.5)
        return self.lm_head(h), cross

    def forward(self, input_ids, attention_mask, labels):
        enc = self.encode(input_ids, attention_mask)
        logits, _ = self.decode(self._shift_right(labels), enc, attention_mask)
        loss = F.cross_entropy(logits.view(-1, logits.size(-1)), labels.view(-1), ignore_index=-100)
        return loss, logits


rel = torch.arange(-20, 21)
print("bidir buckets:", T5Attention._relative_position_bucket(rel, True, 8, 16).tolist())
print("causal buckets:", T5Attention._relative_position_bucket(rel, False, 8, 16).tolist())
print("default buckets:", T5Attention._relative_position_bucket(torch.tensor([[-200, -64, -9, 0, 7, 100]])).tolist())
large = 4 + (torch.log(torch.tensor([5., 9., 15.]) / 4) / math.log(16 / 4) * 4)
print("log part:", large, large.to(torch.long), torch.full_like(large.to(torch.long), 7).dtype)

torch.manual_seed(0)
config = T5Config()
model = T5ForConditionalGeneration(config)
print(model.decoder[0])
print(model.enc_norm, model.encoder[0].self_attn.relative_attention_bias)
bias = model.encoder[0].self_attn.compute_bias(3, 5)
print("bias:", bias.shape, bias[0, 0].round(decimals=3))
print("decoder bias:", model.decoder[0].self_attn.compute_bias(4, 4)[0, 1].round(decimals=3))
ln = T5LayerNorm(4)
x = torch.tensor([[1.0, -2.0, 3.0, 0.5]])
print("t5 ln:", ln(x).round(decimals=4), F.rms_norm(x, (4,), eps=1e-6).round(decimals=4))
print("gelu_new:", NewGELUActivation()(torch.linspace(-3, 3, 7)).round(decimals=4),
      F.gelu(torch.linspace(-3, 3, 7), approximate="tanh").round(decimals=4))

# copy task: target = reversed source, then eos (1); pad 0
g = torch.Generator().manual_seed(5)
B, S = 6, 5
src = torch.randint(2, config.vocab_size, (B, S), generator=g)
lengths = torch.tensor([5, 4, 5, 3, 5, 4])
attention_mask = (torch.arange(S)[None] < lengths[:, None]).long()
src = src * attention_mask
labels = torch.full((B, S + 1), -100, dtype=torch.long)
for i in range(B):
    n = int(lengths[i])
    labels[i, :n] = src[i, :n].flip(0)
    labels[i, n] = config.eos_token_id
print("src:", src[1].tolist(), "labels:", labels[1].tolist(), "shifted:", model._shift_right(labels)[1].tolist())

optimizer = torch.optim.Adafactor(model.parameters(), lr=1e-2)
for step in range(10):
    loss, logits = model(src, attention_mask, labels)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if step % 2 == 1:
        print(f"step {step} loss {loss.item():.4f} logits {tuple(logits.shape)}")

state = optimizer.state[model.shared.weight]
print("adafactor state:", sorted(state.keys()), [tuple(v.shape) for k, v in sorted(state.items()) if k != "step"])

model.eval()
with torch.no_grad():
    enc = model.encode(src, attention_mask)
    dec = torch.full((B, 1), config.decoder_start_token_id, dtype=torch.long)
    finished = torch.zeros(B, dtype=torch.bool)
    for _ in range(S + 1):
        logits, cross = model.decode(dec, enc, attention_mask)
        next_token = logits[:, -1, :].argmax(dim=-1)
        next_token = torch.where(finished, torch.full_like(next_token, config.pad_token_id), next_token)
        dec = torch.cat([dec, next_token[:, None]], dim=-1)
        finished |= next_token == config.eos_token_id
        if finished.all():
            break
print("generated:", dec.shape, dec[:2].tolist())
print("cross attn:", cross.shape, cross[3, 0, -1].round(decimals=3), cross.sum(-1).round(decimals=4).unique())
print("token acc:", round(((dec[:, 1:labels.shape[1] + 1] == labels[:, :dec.shape[1] - 1]).float().mean()).item(), 3))
