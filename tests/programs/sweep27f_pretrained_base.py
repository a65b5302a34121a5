"""A PreTrainedModel-style base class as in Hugging Face transformers model files: a dataclass config,
_init_weights applied through Module.apply in post_init, tied input / output embeddings, get / set
input embeddings, resize_token_embeddings copying the old rows, printing the model and counting its
parameters, renaming state_dict keys from an "old checkpoint" and loading with strict=False."""
import math
from collections import OrderedDict
from dataclasses import dataclass, field, asdict

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class TinyConfig:
    vocab_size: int = 32
    hidden_size: int = 16
    num_hidden_layers: int = 2
    num_attention_heads: int = 4
    intermediate_size: int = 32
    max_position_embeddings: int = 24
    layer_norm_eps: float = 1e-5
    initializer_range: float = 0.02
    hidden_dropout_prob: float = 0.0
    tie_word_embeddings: bool = True
    pad_token_id: int = 0
    architectures: list = field(default_factory=lambda: ["TinyForMaskedLM"])


class TinySelfAttention(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.num_heads = config.num_attention_heads
        self.head_dim = config.hidden_size // config.num_attention_heads
        self.query = nn.Linear(config.hidden_size, config.hidden_size)
        self.key = nn.Linear(config.hidden_size, config.hidden_size)
        self.value = nn.Linear(config.hidden_size, config.hidden_size)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)

    def transpose_for_scores(self, x):
        new_shape = x.size()[:-1] + (self.num_heads, self.head_dim)
        return x.view(new_shape).permute(0, 2, 1, 3)

    def forward(self, hidden_states, attention_mask=None):
        q = self.transpose_for_scores(self.query(hidden_states))
        k = self.transpose_for_scores(self.key(hidden_states))
        v = self.transpose_for_scores(self.value(hidden_states))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_dim)
        if attention_mask is not None:
            scores = scores + attention_mask
        probs = self.dropout(nn.functional.softmax(scores, dim=-1))
        ctx = torch.matmul(probs, v).permute(0, 2, 1, 3).contiguous()
        return ctx.view(ctx.size()[:-2] + (self.num_heads * self.head_dim,)), probs


class TinyLayer(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.attention = TinySelfAttention(config)
        self.attn_out = nn.Linear(config.hidden_size, config.hidden_size)
        self.ln1 = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.intermediate = nn.Linear(config.hidden_size, config.intermediate_size)
        self.output = nn.Linear(config.intermediate_size, config.hidden_size)
        self.ln2 = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)

    def forward(self, x, attention_mask=None):
        ctx, probs = self.attention(x, attention_mask)
        x = self.ln1(x + self.attn_out(ctx))
        x = self.ln2(x + self.output(F.gelu(self.intermediate(x))))
        return x, probs


class TinyPreTrainedModel(nn.Module):
    config_class = TinyConfig
    base_model_prefix = "tiny"
    _keys_to_ignore_on_load_missing = [r"position_ids"]

    def __init__(self, config):
        super().__init__()
        self.config = config

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

    def post_init(self):
        self.apply(self._init_weights)
        self.tie_weights()

    def get_input_embeddings(self):
        raise NotImplementedError

    def get_output_embeddings(self):
        return None

    def tie_weights(self):
        out = self.get_output_embeddings()
        if out is not None and self.config.tie_word_embeddings:
            out.weight = self.get_input_embeddings().weight

    def num_parameters(self, only_trainable=False, exclude_embeddings=False):
        seen, total = set(), 0
        for name, p in self.named_parameters():
            if only_trainable and not p.requires_grad:
                continue
            if exclude_embeddings and "embeddings" in name:
                continue
            if id(p) not in seen:
                seen.add(id(p))
                total += p.numel()
        return total

    def resize_token_embeddings(self, new_num_tokens):
        old = self.get_input_embeddings()
        old_num, dim = old.weight.shape
        new = nn.Embedding(new_num_tokens, dim, padding_idx=old.padding_idx)
        self._init_weights(new)
        n = min(old_num, new_num_tokens)
        with torch.no_grad():
            new.weight[:n, :] = old.weight[:n, :]
        self.set_input_embeddings(new)
        out = self.get_output_embeddings()
        if out is not None:
            old_bias = out.bias
            out.out_features = new_num_tokens
            out.bias = nn.Parameter(torch.zeros(new_num_tokens))
            with torch.no_grad():
                out.bias[:n] = old_bias[:n]
        self.config.vocab_size = new_num_tokens
        self.tie_weights()
        return new


class TinyModel(TinyPreTrainedModel):
    def __init__(self, config):
        super().__init__(config)
        self.word_embeddings = nn.Embedding(config.vocab_size, config.hidden_size, padding_idx=config.pad_token_id)
        self.position_embeddings = nn.Embedding(config.max_position_embeddings, config.hidden_size)
        self.register_buffer("position_ids", torch.arange(config.max_position_embeddings).expand((1, -1)),
                             persistent=False)
        self.emb_ln = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.layer = nn.ModuleList([TinyLayer(config) for _ in range(config.num_hidden_layers)])
        self.post_init()

    def get_input_embeddings(self):
        return self.word_embeddings

    def set_input_embeddings(self, value):
        self.word_embeddings = value

    def forward(self, input_ids, attention_mask=None):
        bsz, seq_len = input_ids.shape
        if attention_mask is None:
            attention_mask = torch.ones(bsz, seq_len, dtype=torch.long)
        ext = attention_mask[:, None, None, :].to(torch.float32)
        ext = (1.0 - ext) * torch.finfo(torch.float32).min
        pos = self.position_ids[:, :seq_len]
        x = self.emb_ln(self.word_embeddings(input_ids) + self.position_embeddings(pos))
        all_attn = ()
        for layer in self.layer:
            x, probs = layer(x, ext)
            all_attn = all_attn + (probs,)
        return x, all_attn


class TinyForMaskedLM(TinyPreTrainedModel):
    def __init__(self, config):
        super().__init__(config)
        self.tiny = TinyModel(config)
        self.transform = nn.Linear(config.hidden_size, config.hidden_size)
        self.decoder = nn.Linear(config.hidden_size, config.vocab_size)
        self.post_init()

    def get_input_embeddings(self):
        return self.tiny.get_input_embeddings()

    def set_input_embeddings(self, value):
        self.tiny.set_input_embeddings(value)

    def get_output_embeddings(self):
        return self.decoder

    def forward(self, input_ids, attention_mask=None, labels=None):
        h, attn = self.tiny(input_ids, attention_mask)
        logits = self.decoder(F.gelu(self.transform(h)))
        loss = None
        if labels is not None:
            loss = F.cross_entropy(logits.view(-1, self.config.vocab_size), labels.view(-1))
        return OrderedDict(loss=loss, logits=logits, attentions=attn)


torch.manual_seed(0)
config = TinyConfig()
print(asdict(config))
model = TinyForMaskedLM(config)
print(model)
print("total params:", model.num_parameters())
print("trainable, no embeddings:", model.num_parameters(only_trainable=True, exclude_embeddings=True))
print("tied:", model.decoder.weight is model.tiny.word_embeddings.weight,
      model.decoder.weight.data_ptr() == model.get_input_embeddings().weight.data_ptr())
print("pad row is zero:", bool((model.get_input_embeddings().weight[0] == 0).all()))
print("ln weight:", model.tiny.emb_ln.weight[:4], "bias sum:", model.tiny.emb_ln.bias.sum().item())
print("decoder bias:", model.decoder.bias.abs().max().item())
print("linear std ~", f"{model.tiny.layer[0].intermediate.weight.std().item():.3f}")

# a masked LM forward, labels at -100 ignored
input_ids = torch.tensor([[2, 5, 7, 9, 11, 0, 0], [3, 4, 6, 8, 10, 12, 14]])
attention_mask = (input_ids != config.pad_token_id).long()
labels = torch.full_like(input_ids, -100)
labels[0, 2] = 7
labels[1, 4] = 10
labels[1, 6] = 14
out = model(input_ids, attention_mask=attention_mask, labels=labels)
print("keys:", list(out.keys()))
print("logits:", tuple(out["logits"].shape), out["logits"].dtype)
print(f"loss: {out['loss'].item():.4f}  (ln 32 = {math.log(32):.4f})")
print("attn on padding:", out["attentions"][0][0, :, :, 5:].max().item())
print("attn rows sum to 1:", torch.allclose(out["attentions"][1].sum(-1), torch.ones(2, 4, 7)))

out["loss"].backward()
print("embedding grad rows nonzero:", (model.get_input_embeddings().weight.grad.abs().sum(1) > 0).sum().item())
print("pad grad row:", f"{model.get_input_embeddings().weight.grad[0].abs().sum().item():.4f}")
print("decoder.weight.grad is embedding grad:",
      model.decoder.weight.grad is model.tiny.word_embeddings.weight.grad)

# resize the vocabulary: old rows are kept, new ones initialised
model.zero_grad(set_to_none=True)
old_rows = model.get_input_embeddings().weight[:32].detach().clone()
new_emb = model.resize_token_embeddings(40)
print(new_emb)
print("kept old rows:", torch.equal(new_emb.weight[:32], old_rows))
print("decoder:", model.decoder, "bias shape", tuple(model.decoder.bias.shape))
print("still tied:", model.decoder.weight is new_emb.weight)
print("config.vocab_size =", model.config.vocab_size, "params now", model.num_parameters())
out = model(torch.tensor([[35, 39, 2]]))
print("new logits shape:", tuple(out["logits"].shape), out["loss"])

# shrink again
small = model.resize_token_embeddings(30)
print("shrunk:", small.weight.shape, torch.equal(small.weight, old_rows[:30]))

# state dict round trip with old-style key names
sd = model.state_dict()
print("num keys:", len(sd), "position_ids in sd:", "tiny.position_ids" in sd)
print([k for k in sd if k.startswith("tiny.layer.0.")][:6])
old_style = OrderedDict()
for k, v in sd.items():
    nk = k.replace("ln1.weight", "ln1.gamma").replace("ln1.bias", "ln1.beta")
    nk = nk.replace("tiny.", "bert.")
    old_style[nk] = v.clone()
old_style["cls.predictions.extra"] = torch.zeros(3)


def rename_legacy(state_dict, prefix):
    renamed = OrderedDict()
    for k, v in state_dict.items():
        k = k.replace(".gamma", ".weight").replace(".beta", ".bias")
        if k.startswith("bert."):
            k = prefix + "." + k[len("bert."):]
        renamed[k] = v
    return renamed


torch.manual_seed(1)
fresh = TinyForMaskedLM(TinyConfig(vocab_size=30))
res = fresh.load_state_dict(old_style, strict=False)
print("missing:", len(res.missing_keys), res.missing_keys[:3])
print("unexpected:", res.unexpected_keys[:3])
res = fresh.load_state_dict(rename_legacy(old_style, "tiny"), strict=False)
print(res)
print("same weights:", all(torch.equal(a, b) for a, b in zip(fresh.state_dict().values(), model.state_dict().values())))
try:
    fresh.load_state_dict(rename_legacy(old_style, "tiny"))
except RuntimeError as e:
    print("strict load:", str(e).splitlines()[0])
bad = rename_legacy(old_style, "tiny")
bad.pop("cls.predictions.extra")
bad["tiny.word_embeddings.weight"] = torch.zeros(31, 16)
try:
    fresh.load_state_dict(bad)
except RuntimeError as e:
    print("shape mismatch:", str(e).strip().splitlines()[-1].strip())

# freeze embeddings and count trainable parameters
for p in fresh.tiny.word_embeddings.parameters():
    p.requires_grad_(False)
print("trainable:", fresh.num_parameters(only_trainable=True), "of", fresh.num_parameters())
named = [(n, tuple(p.shape)) for n, p in fresh.named_parameters() if "layer.1" in n]
print(named[:4])
print("buffers:", [(n, b.shape, b.dtype) for n, b in fresh.named_buffers()])

# save_pretrained / from_pretrained in miniature: a checkpoint in memory, its shapes read on the meta
# device first (no data), then the weights loaded into a model built on the meta device
import io
buffer = io.BytesIO()
torch.save({"state_dict": fresh.state_dict(), "config": asdict(fresh.config)}, buffer)
buffer.seek(0)
shapes = torch.load(buffer, map_location="meta", weights_only=True)
print("on meta:", shapes["state_dict"]["tiny.word_embeddings.weight"],
      shapes["state_dict"]["tiny.layer.0.ln1.weight"].device, shapes["config"]["vocab_size"])
for bad in ["cuda:0", "cpu:0", "mps", "xla", "cuda0"]:
    buffer.seek(0)
    try:
        torch.load(buffer, map_location=bad, weights_only=True)
    except RuntimeError as e:
        print(f"map_location={bad!r}:", str(e).split(". If")[0])
buffer.seek(0)
ckpt = torch.load(buffer, map_location=torch.device("cpu"), weights_only=True)
with torch.device("meta"):
    empty = TinyForMaskedLM(TinyConfig(**ckpt["config"]))
print("meta model params:", empty.num_parameters(), empty.decoder.weight.is_meta)
res = empty.load_state_dict(ckpt["state_dict"], assign=True, strict=False)
empty.tie_weights()
print(res.missing_keys, res.unexpected_keys, empty.decoder.weight is empty.tiny.word_embeddings.weight)
print("buffers still meta:", [n for n, b in empty.named_buffers() if b.is_meta])
empty.tiny.register_buffer("position_ids", torch.arange(24).expand((1, -1)), persistent=False)
ids = torch.tensor([[2, 3, 4]])
print("same logits:", torch.equal(empty(ids)["logits"], fresh(ids)["logits"]))
