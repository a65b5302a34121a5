"""A HuggingFace-style BERT encoder written from scratch: a config object, BertEmbeddings with
``position_ids`` / ``token_type_ids`` buffers built by ``torch.arange(...).expand((1, -1))``, the
extended attention mask ``(1.0 - mask) * torch.finfo(dtype).min``, self-attention with
transpose_for_scores, GELU intermediate, LayerNorm(eps=1e-12), ``_init_weights`` applied by
``model.apply``, a masked-LM head tied to the word embeddings, AdamW with no-decay groups and
``get_linear_schedule_with_warmup`` written with LambdaLR; a few steps printing loss and lr."""
import math

import torch
from torch import nn
from torch.nn import CrossEntropyLoss
from torch.optim.lr_scheduler import LambdaLR


class BertConfig:
    model_type = "bert"

    def __init__(self, vocab_size=40, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                 intermediate_size=64, hidden_act="gelu", hidden_dropout_prob=0.1,
                 attention_probs_dropout_prob=0.1, max_position_embeddings=24, type_vocab_size=2,
                 initializer_range=0.02, layer_norm_eps=1e-12, pad_token_id=0):
        self.vocab_size = vocab_size
        self.hidden_size = hidden_size
        self.num_hidden_layers = num_hidden_layers
        self.num_attention_heads = num_attention_heads
        self.intermediate_size = intermediate_size
        self.hidden_act = hidden_act
        self.hidden_dropout_prob = hidden_dropout_prob
        self.attention_probs_dropout_prob = attention_probs_dropout_prob
        self.max_position_embeddings = max_position_embeddings
        self.type_vocab_size = type_vocab_size
        self.initializer_range = initializer_range
        self.layer_norm_eps = layer_norm_eps
        self.pad_token_id = pad_token_id


ACT2FN = {"gelu": nn.GELU(), "relu": nn.ReLU(), "gelu_new": nn.GELU(approximate="tanh")}


class BertEmbeddings(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.word_embeddings = nn.Embedding(config.vocab_size, config.hidden_size, padding_idx=config.pad_token_id)
        self.position_embeddings = nn.Embedding(config.max_position_embeddings, config.hidden_size)
        self.token_type_embeddings = nn.Embedding(config.type_vocab_size, config.hidden_size)
        self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)
        self.register_buffer(
            "position_ids", torch.arange(config.max_position_embeddings).expand((1, -1)), persistent=False
        )
        self.register_buffer(
            "token_type_ids", torch.zeros(self.position_ids.size(), dtype=torch.long), persistent=False
        )

    def forward(self, input_ids=None, token_type_ids=None, position_ids=None, past_key_values_length=0):
        input_shape = input_ids.size()
        seq_length = input_shape[1]
        if position_ids is None:
            position_ids = self.position_ids[:, past_key_values_length: seq_length + past_key_values_length]
        if token_type_ids is None:
            buffered_token_type_ids = self.token_type_ids[:, :seq_length]
            token_type_ids = buffered_token_type_ids.expand(input_shape[0], seq_length)
        inputs_embeds = self.word_embeddings(input_ids)
        embeddings = inputs_embeds + self.token_type_embeddings(token_type_ids)
        embeddings += self.position_embeddings(position_ids)
        embeddings = self.LayerNorm(embeddings)
        return self.dropout(embeddings)


class BertSelfAttention(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.num_attention_heads = config.num_attention_heads
        self.attention_head_size = int(config.hidden_size / config.num_attention_heads)
        self.all_head_size = self.num_attention_heads * self.attention_head_size
        self.query = nn.Linear(config.hidden_size, self.all_head_size)
        self.key = nn.Linear(config.hidden_size, self.all_head_size)
        self.value = nn.Linear(config.hidden_size, self.all_head_size)
        self.dropout = nn.Dropout(config.attention_probs_dropout_prob)

    def transpose_for_scores(self, x):
        new_x_shape = x.size()[:-1] + (self.num_attention_heads, self.attention_head_size)
        x = x.view(new_x_shape)
        return x.permute(0, 2, 1, 3)

    def forward(self, hidden_states, attention_mask=None, output_attentions=False):
        query_layer = self.transpose_for_scores(self.query(hidden_states))
        key_layer = self.transpose_for_scores(self.key(hidden_states))
        value_layer = self.transpose_for_scores(self.value(hidden_states))
        attention_scores = torch.matmul(query_layer, key_layer.transpose(-1, -2))
        attention_scores = attention_scores / math.sqrt(self.attention_head_size)
        if attention_mask is not None:
            attention_scores = attention_scores + attention_mask
        attention_probs = nn.functional.softmax(attention_scores, dim=-1)
        attention_probs = self.dropout(attention_probs)
        context_layer = torch.matmul(attention_probs, value_layer)
        context_layer = context_layer.permute(0, 2, 1, 3).contiguous()
        new_context_layer_shape = context_layer.size()[:-2] + (self.all_head_size,)
        context_layer = context_layer.view(new_context_layer_shape)
        return (context_layer, attention_probs) if output_attentions else (context_layer,)


class BertSelfOutput(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.hidden_size)
        self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)

    def forward(self, hidden_states, input_tensor):
        hidden_states = self.dropout(self.dense(hidden_states))
        return self.LayerNorm(hidden_states + input_tensor)


class BertLayer(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.attention = nn.ModuleDict({"self": BertSelfAttention(config), "output": BertSelfOutput(config)})
        self.intermediate = nn.Sequential(nn.Linear(config.hidden_size, config.intermediate_size),
                                          ACT2FN[config.hidden_act])
        self.output_dense = nn.Linear(config.intermediate_size, config.hidden_size)
        self.output_norm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)

    def forward(self, hidden_states, attention_mask=None, output_attentions=False):
        self_outputs = self.attention["self"](hidden_states, attention_mask, output_attentions)
        attention_output = self.attention["output"](self_outputs[0], hidden_states)
        intermediate_output = self.intermediate(attention_output)
        layer_output = self.output_norm(self.dropout(self.output_dense(intermediate_output)) + attention_output)
        return (layer_output,) + self_outputs[1:]


class BertPreTrainedModel(nn.Module):
    def _init_weights(self, module):
        if isinstance(module, nn.Linear):
            module.weight.data.normal_(mean=0.0, std=self.config.initializer_range)
            if module.bias is not None:
                module.bias.data.zero_()
        elif isinstance(module, nn.Embedding):
            module.weight.data.normal_(mean=0.0, std=self.config.initializer_range)
            if module.padding_idx is not None:
                module.weight.data[module.padding_idx].zero_()
        elif isinstance(module, nn.LayerNorm):
            module.bias.data.zero_()
            module.weight.data.fill_(1.0)

    def get_extended_attention_mask(self, attention_mask, input_shape, dtype=torch.float32):
        if attention_mask.dim() == 3:
            extended_attention_mask = attention_mask[:, None, :, :]
        elif attention_mask.dim() == 2:
            extended_attention_mask = attention_mask[:, None, None, :]
        else:
            raise ValueError(f"Wrong shape for input_ids (shape {input_shape}) or attention_mask "
                             f"(shape {attention_mask.shape})")
        extended_attention_mask = extended_attention_mask.to(dtype=dtype)
        extended_attention_mask = (1.0 - extended_attention_mask) * torch.finfo(dtype).min
        return extended_attention_mask


class BertForMaskedLM(BertPreTrainedModel):
    _tied_weights_keys = ["cls.decoder.weight"]

    def __init__(self, config):
        super().__init__()
        self.config = config
        self.embeddings = BertEmbeddings(config)
        self.encoder = nn.ModuleList([BertLayer(config) for _ in range(config.num_hidden_layers)])
        self.transform = nn.Sequential(nn.Linear(config.hidden_size, config.hidden_size), ACT2FN[config.hidden_act],
                                       nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps))
        self.decoder = nn.Linear(config.hidden_size, config.vocab_size, bias=False)
        self.bias = nn.Parameter(torch.zeros(config.vocab_size))
        self.decoder.bias = self.bias
        self.apply(self._init_weights)
        self.decoder.weight = self.embeddings.word_embeddings.weight

    def forward(self, input_ids, attention_mask=None, token_type_ids=None, labels=None, output_attentions=False):
        input_shape = input_ids.size()
        if attention_mask is None:
            attention_mask = torch.ones(input_shape, device=input_ids.device)
        ext = self.get_extended_attention_mask(attention_mask, input_shape)
        hidden = self.embeddings(input_ids=input_ids, token_type_ids=token_type_ids)
        all_attn = ()
        for layer in self.encoder:
            outs = layer(hidden, ext, output_attentions)
            hidden = outs[0]
            if output_attentions:
                all_attn = all_attn + (outs[1],)
        prediction_scores = self.decoder(self.transform(hidden))
        loss = None
        if labels is not None:
            loss_fct = CrossEntropyLoss()
            loss = loss_fct(prediction_scores.view(-1, self.config.vocab_size), labels.view(-1))
        return loss, prediction_scores, all_attn


def get_linear_schedule_with_warmup(optimizer, num_warmup_steps, num_training_steps, last_epoch=-1):
    def lr_lambda(current_step: int):
        if current_step < num_warmup_steps:
            return float(current_step) / float(max(1, num_warmup_steps))
        return max(0.0, float(num_training_steps - current_step) / float(max(1, num_training_steps - num_warmup_steps)))

    return LambdaLR(optimizer, lr_lambda, last_epoch)


torch.manual_seed(0)
config = BertConfig()
model = BertForMaskedLM(config)
emb = model.embeddings
print(emb.position_ids.shape, emb.position_ids.is_contiguous(), emb.position_ids.stride(), emb.position_ids[:, :6])
print(emb.token_type_ids.dtype, emb.token_type_ids.shape, list(model.state_dict().keys())[:6])
print("buffers:", [n for n, _ in model.named_buffers()])
print(model.encoder[0])
print("tied:", model.decoder.weight is model.embeddings.word_embeddings.weight, model.decoder.bias is model.bias)
print("pad row zero:", bool((emb.word_embeddings.weight[0] == 0).all()),
      "ln:", emb.LayerNorm, emb.LayerNorm.weight[:3], emb.LayerNorm.bias[:3])
print("std:", round(model.encoder[0].attention["self"].query.weight.std().item(), 2),
      "bias sum:", model.encoder[1].output_dense.bias.abs().sum().item())
n_params = sum(p.numel() for p in model.parameters())
print("params:", n_params, "trainable:", sum(p.numel() for p in model.parameters() if p.requires_grad))

print(torch.finfo(torch.float32).min, torch.finfo(torch.float16).min, torch.finfo(torch.bfloat16).min)
mask = torch.tensor([[1, 1, 1, 0], [1, 1, 0, 0]])
ext = model.get_extended_attention_mask(mask, mask.shape)
print(ext.shape, ext.dtype, ext[1, 0, 0])
print(model.get_extended_attention_mask(mask, mask.shape, torch.float16)[0])
try:
    model.get_extended_attention_mask(torch.ones(2), (2,))
except ValueError as e:
    print("ValueError:", e)

# synthetic MLM data: random tokens 5.., [CLS]=1, [SEP]=2, [MASK]=3, padding 0
B, T = 8, 12
g = torch.Generator().manual_seed(1234)
input_ids = torch.randint(5, config.vocab_size, (B, T), generator=g)
input_ids[:, 0] = 1
lengths = torch.randint(7, T + 1, (B,), generator=g)
attention_mask = (torch.arange(T)[None, :] < lengths[:, None]).long()
input_ids = input_ids.masked_fill(attention_mask == 0, 0)
input_ids[torch.arange(B), lengths - 1] = 2
token_type_ids = (torch.arange(T)[None, :] >= (lengths[:, None] // 2)).long() * attention_mask
labels = input_ids.clone()
probability_matrix = torch.full(labels.shape, 0.15)
special = (input_ids < 5)
probability_matrix.masked_fill_(special, value=0.0)
masked_indices = torch.bernoulli(probability_matrix, generator=g).bool()
labels[~masked_indices] = -100
indices_replaced = torch.bernoulli(torch.full(labels.shape, 0.8), generator=g).bool() & masked_indices
input_ids[indices_replaced] = 3
indices_random = torch.bernoulli(torch.full(labels.shape, 0.5), generator=g).bool() & masked_indices & ~indices_replaced
random_words = torch.randint(5, config.vocab_size, labels.shape, dtype=torch.long, generator=g)
input_ids[indices_random] = random_words[indices_random]
print("ids:", input_ids[0].tolist(), "types:", token_type_ids[0].tolist())
print("mask:", attention_mask.sum(1).tolist(), "masked:", masked_indices.sum().item(), "labels:", labels[0].tolist())

no_decay = ["bias", "LayerNorm.weight", "output_norm.weight"]
optimizer_grouped_parameters = [
    {"params": [p for n, p in model.named_parameters() if not any(nd in n for nd in no_decay)], "weight_decay": 0.01},
    {"params": [p for n, p in model.named_parameters() if any(nd in n for nd in no_decay)], "weight_decay": 0.0},
]
print("groups:", [len(g_["params"]) for g_ in optimizer_grouped_parameters])
optimizer = torch.optim.AdamW(optimizer_grouped_parameters, lr=5e-3, eps=1e-8)
num_steps = 8
scheduler = get_linear_schedule_with_warmup(optimizer, num_warmup_steps=3, num_training_steps=num_steps)
print("initial lr:", scheduler.get_last_lr(), optimizer.param_groups[0]["initial_lr"])

model.train()
for step in range(num_steps):
    loss, scores, _ = model(input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids, labels=labels)
    loss.backward()
    gnorm = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
    scheduler.step()
    optimizer.zero_grad()
    print(f"step {step} loss {loss.item():.4f} gnorm {gnorm.item():.3f} lr {scheduler.get_last_lr()[0]:.6f}")

print("scores:", scores.shape, scores.dtype, scores.grad_fn.name())
model.eval()
with torch.no_grad():
    loss, scores, attns = model(input_ids, attention_mask=attention_mask, labels=labels, output_attentions=True)
print("eval loss:", round(loss.item(), 3), len(attns), attns[0].shape)
print("attn on padding:", attns[0][1, 0, 0, lengths[1]:].max().item(), attns[0][1, 0, 0].sum().round(decimals=4).item())
preds = scores.argmax(-1)
sel = labels != -100
print("masked acc:", round((preds[sel] == labels[sel]).float().mean().item(), 2))
print("state:", sorted(optimizer.state_dict()["state"][0].keys()), scheduler.state_dict()["last_epoch"],
      scheduler.state_dict()["_step_count"])
print(model.decoder.weight.data_ptr() == model.embeddings.word_embeddings.weight.data_ptr())
