"""Training plumbing from Hugging Face style model files and Trainer code: a ModelOutput class (an
OrderedDict dataclass that also indexes like a tuple and drops None fields), shifted-label causal LM
loss with ignore_index=-100, gradient checkpointing through torch.utils.checkpoint, AdamW with
no-decay parameter groups for biases and LayerNorm weights, a linear warmup / decay LambdaLR,
clip_grad_norm_, gradient accumulation, and a sequence-classification head pooling the last
non-padding token."""
import math
from collections import OrderedDict
from dataclasses import dataclass, fields
from typing import Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.utils.checkpoint
from torch.optim.lr_scheduler import LambdaLR


class ModelOutput(OrderedDict):
    def __post_init__(self):
        for f in fields(self):
            v = getattr(self, f.name)
            if v is not None:
                self[f.name] = v

    def __getitem__(self, k):
        if isinstance(k, str):
            return dict(self.items())[k]
        return self.to_tuple()[k]

    def __setattr__(self, name, value):
        if name in self.keys() and value is not None:
            super().__setitem__(name, value)
        super().__setattr__(name, value)

    def to_tuple(self):
        return tuple(self[k] for k in self.keys())


@dataclass
class BaseModelOutput(ModelOutput):
    last_hidden_state: torch.Tensor = None
    hidden_states: Optional[Tuple[torch.Tensor, ...]] = None


@dataclass
class CausalLMOutput(ModelOutput):
    loss: Optional[torch.Tensor] = None
    logits: torch.Tensor = None
    hidden_states: Optional[Tuple[torch.Tensor, ...]] = None


@dataclass
class SequenceClassifierOutput(ModelOutput):
    loss: Optional[torch.Tensor] = None
    logits: torch.Tensor = None


class Block(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.norm = nn.LayerNorm(d)
        self.attn = nn.MultiheadAttention(d, 2, batch_first=True)
        self.norm2 = nn.LayerNorm(d)
        self.fc1 = nn.Linear(d, 2 * d)
        self.fc2 = nn.Linear(2 * d, d)
        self.act = nn.SiLU()

    def forward(self, x, causal_mask):
        h = self.norm(x)
        a, _ = self.attn(h, h, h, attn_mask=causal_mask, need_weights=False)
        x = x + a
        return x + self.fc2(self.act(self.fc1(self.norm2(x))))


class TinyDecoder(nn.Module):
    supports_gradient_checkpointing = True

    def __init__(self, vocab=24, d=16, n_layers=3, max_len=16):
        super().__init__()
        self.embed = nn.Embedding(vocab, d)
        self.pos = nn.Parameter(torch.zeros(1, max_len, d))
        self.layers = nn.ModuleList([Block(d) for _ in range(n_layers)])
        self.final_norm = nn.LayerNorm(d)
        self.gradient_checkpointing = False

    def gradient_checkpointing_enable(self):
        self.gradient_checkpointing = True

    def forward(self, input_ids, output_hidden_states=False):
        L = input_ids.size(1)
        causal = torch.triu(torch.ones(L, L, dtype=torch.bool), diagonal=1)
        x = self.embed(input_ids) + self.pos[:, :L]
        all_hidden = () if output_hidden_states else None
        for layer in self.layers:
            if output_hidden_states:
                all_hidden = all_hidden + (x,)
            if self.gradient_checkpointing and self.training:
                x = torch.utils.checkpoint.checkpoint(layer, x, causal, use_reentrant=False)
            else:
                x = layer(x, causal)
        x = self.final_norm(x)
        if output_hidden_states:
            all_hidden = all_hidden + (x,)
        return BaseModelOutput(last_hidden_state=x, hidden_states=all_hidden)


class TinyForCausalLM(nn.Module):
    def __init__(self, vocab=24, d=16):
        super().__init__()
        self.model = TinyDecoder(vocab, d)
        self.lm_head = nn.Linear(d, vocab, bias=False)
        self.vocab = vocab

    def forward(self, input_ids, labels=None, output_hidden_states=False, return_dict=True):
        out = self.model(input_ids, output_hidden_states=output_hidden_states)
        logits = self.lm_head(out.last_hidden_state)
        loss = None
        if labels is not None:
            shift_logits = logits[..., :-1, :].contiguous()
            shift_labels = labels[..., 1:].contiguous()
            loss = nn.CrossEntropyLoss()(shift_logits.view(-1, self.vocab), shift_labels.view(-1))
        if not return_dict:
            output = (logits,) + ((out.hidden_states,) if output_hidden_states else ())
            return ((loss,) + output) if loss is not None else output
        return CausalLMOutput(loss=loss, logits=logits, hidden_states=out.hidden_states)


class TinyForSequenceClassification(nn.Module):
    def __init__(self, vocab=24, d=16, num_labels=3, pad_token_id=0):
        super().__init__()
        self.model = TinyDecoder(vocab, d)
        self.score = nn.Linear(d, num_labels, bias=False)
        self.num_labels, self.pad_token_id = num_labels, pad_token_id

    def forward(self, input_ids, labels=None):
        hidden = self.model(input_ids).last_hidden_state
        logits = self.score(hidden)
        # index of the last non-pad token; argmax of the first pad token minus one, modulo length
        seq_lengths = torch.eq(input_ids, self.pad_token_id).int().argmax(-1) - 1
        seq_lengths = seq_lengths % input_ids.shape[-1]
        pooled = logits[torch.arange(input_ids.shape[0]), seq_lengths]
        loss = None
        if labels is not None:
            if labels.dtype in (torch.long, torch.int):
                loss = F.cross_entropy(pooled.view(-1, self.num_labels), labels.view(-1))
            else:
                loss = F.binary_cross_entropy_with_logits(pooled, labels)
        return SequenceClassifierOutput(loss=loss, logits=pooled)


def get_linear_schedule_with_warmup(optimizer, num_warmup_steps, num_training_steps):
    def lr_lambda(current_step):
        if current_step < num_warmup_steps:
            return float(current_step) / float(max(1, num_warmup_steps))
        return max(0.0, float(num_training_steps - current_step) / float(max(1, num_training_steps - num_warmup_steps)))
    return LambdaLR(optimizer, lr_lambda)


def get_cosine_schedule_with_warmup(optimizer, num_warmup_steps, num_training_steps, num_cycles=0.5):
    def lr_lambda(step):
        if step < num_warmup_steps:
            return float(step) / float(max(1, num_warmup_steps))
        progress = float(step - num_warmup_steps) / float(max(1, num_training_steps - num_warmup_steps))
        return max(0.0, 0.5 * (1.0 + math.cos(math.pi * float(num_cycles) * 2.0 * progress)))
    return LambdaLR(optimizer, lr_lambda)


# ModelOutput behaviour
o = CausalLMOutput(logits=torch.ones(2))
print(type(o).__name__, list(o.keys()), len(o), o[0], o["logits"], o.loss)
o.loss = torch.tensor(0.5)
print(list(o.keys()), o.to_tuple())
try:
    o["hidden_states"]
except KeyError as e:
    print("KeyError:", e)

torch.manual_seed(0)
model = TinyForCausalLM()
input_ids = torch.randint(1, 24, (4, 10))
labels = input_ids.clone()
labels[:, :3] = -100
labels[0, 7:] = -100
out = model(input_ids, labels=labels, output_hidden_states=True)
print("loss:", f"{out.loss.item():.4f}", "hidden states:", len(out.hidden_states), out.logits.shape)
tup = model(input_ids, labels=labels, return_dict=False)
print("tuple output:", len(tup), torch.equal(tup[0], out.loss), torch.equal(tup[1], out.logits))
valid = (labels[:, 1:] != -100).sum()
manual = F.cross_entropy(out.logits[:, :-1].reshape(-1, 24), labels[:, 1:].reshape(-1), reduction="sum") / valid
print("manual mean over valid tokens:", torch.allclose(manual, out.loss), valid.item())

# gradient checkpointing: same loss and same gradients
out.loss.backward()
ref_grads = {n: p.grad.clone() for n, p in model.named_parameters()}
model.zero_grad()
model.model.gradient_checkpointing_enable()
model.train()
out_ckpt = model(input_ids, labels=labels)
out_ckpt.loss.backward()
print("ckpt loss equal:", torch.allclose(out_ckpt.loss, out.loss))
print("ckpt grads close:", all(torch.allclose(ref_grads[n], p.grad, atol=1e-6) for n, p in model.named_parameters()))
print("grad_fn:", type(out_ckpt.loss.grad_fn).__name__)

# AdamW with no-decay groups
no_decay = ["bias", "norm.weight", "norm2.weight", "final_norm.weight"]
groups = [
    {"params": [p for n, p in model.named_parameters() if not any(nd in n for nd in no_decay)], "weight_decay": 0.01},
    {"params": [p for n, p in model.named_parameters() if any(nd in n for nd in no_decay)], "weight_decay": 0.0},
]
print("group sizes:", [len(g["params"]) for g in groups], [sum(p.numel() for p in g["params"]) for g in groups])
optimizer = torch.optim.AdamW(groups, lr=3e-3, betas=(0.9, 0.98), eps=1e-6)
scheduler = get_linear_schedule_with_warmup(optimizer, num_warmup_steps=3, num_training_steps=12)
print(optimizer)

accum = 2
model.zero_grad()
lrs, losses = [], []
for step in range(24):
    ids = torch.randint(1, 24, (4, 10))
    ids[:, 1::2] = (ids[:, 0::2] + 1) % 24
    loss = model(ids, labels=ids).loss / accum
    loss.backward()
    if (step + 1) % accum == 0:
        norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad(set_to_none=True)
        lrs.append(scheduler.get_last_lr()[0])
        losses.append(loss.item() * accum)
print("lrs:", [round(x, 6) for x in lrs])
print("losses:", [f"{x:.3f}" for x in losses[::3]])
print("grad is None after zero_grad:", all(p.grad is None for p in model.parameters()))
print("state keys:", list(optimizer.state_dict()["state"][0].keys()), optimizer.state_dict()["state"][0]["step"])
print("decay group weight norm:", f"{torch.linalg.vector_norm(groups[0]['params'][0]).item():.3f}")

cos_opt = torch.optim.SGD([nn.Parameter(torch.zeros(1))], lr=1.0)
cos = get_cosine_schedule_with_warmup(cos_opt, 2, 10)
cos_lrs = []
for _ in range(10):
    cos_opt.step()
    cos.step()
    cos_lrs.append(round(cos.get_last_lr()[0], 4))
print("cosine:", cos_lrs)
print(cos.state_dict()["last_epoch"], cos.state_dict()["_step_count"])

# sequence classification with right padding
torch.manual_seed(1)
clf = TinyForSequenceClassification()
batch = torch.tensor([[5, 6, 7, 0, 0], [8, 9, 10, 11, 12], [3, 0, 0, 0, 0]])
res = clf(batch, labels=torch.tensor([0, 2, 1]))
print("pooled logits:", res.logits.shape, f"{res.loss.item():.3f}")
seq_lengths = torch.eq(batch, 0).int().argmax(-1) - 1
print("seq lengths:", seq_lengths, seq_lengths % 5)
multi = clf(batch, labels=torch.tensor([[1.0, 0.0, 1.0], [0.0, 0.0, 1.0], [1.0, 1.0, 0.0]]))
print("multi-label loss:", f"{multi.loss.item():.4f}", multi.loss.grad_fn.name())
res.loss.backward()
print("score grad norm > 0:", clf.score.weight.grad.norm().item() > 0)
try:
    clf(batch, labels=torch.tensor([0, 3, 1]))
except IndexError as e:
    print("IndexError:", e)
