"""Multi-head attention written from scratch, in the style of a university deep learning tutorial on
Transformers: ``scaled_dot_product`` with a mask, a fused qkv projection with Xavier init, a
``PositionalEncoding`` buffer, a warmup-cosine scheduler as an ``_LRScheduler`` subclass, and a
sequence-reversal task trained for a few steps with the attention maps printed rounded."""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
import torch.utils.data as data


def scaled_dot_product(q, k, v, mask=None):
    d_k = q.size()[-1]
    attn_logits = torch.matmul(q, k.transpose(-2, -1))
    attn_logits = attn_logits / math.sqrt(d_k)
    if mask is not None:
        attn_logits = attn_logits.masked_fill(mask == 0, -9e15)
    attention = F.softmax(attn_logits, dim=-1)
    values = torch.matmul(attention, v)
    return values, attention


torch.manual_seed(42)
seq_len, d_k = 3, 2
q, k, v = torch.randn(3, seq_len, d_k).unbind(0)
values, attention = scaled_dot_product(q, k, v)
print("Q\n", q, "\nK\n", k, "\nV\n", v)
print("Values\n", values.round(decimals=4), "\nAttention\n", attention.round(decimals=4))
causal = torch.tril(torch.ones(seq_len, seq_len))
_, att_masked = scaled_dot_product(q, k, v, mask=causal)
print(att_masked.round(decimals=4))
print(torch.allclose(F.scaled_dot_product_attention(q, k, v, is_causal=True),
                     scaled_dot_product(q, k, v, mask=causal)[0], atol=1e-6))


def expand_mask(mask):
    assert mask.ndim >= 2, "Mask must be at least 2-dimensional with seq_length x seq_length"
    if mask.ndim == 3:
        mask = mask.unsqueeze(1)
    while mask.ndim < 4:
        mask = mask.unsqueeze(0)
    return mask


class MultiheadAttention(nn.Module):
    def __init__(self, input_dim, embed_dim, num_heads):
        super().__init__()
        assert embed_dim % num_heads == 0, "Embedding dimension must be 0 modulo number of heads."
        self.embed_dim, self.num_heads = embed_dim, num_heads
        self.head_dim = embed_dim // num_heads
        self.qkv_proj = nn.Linear(input_dim, 3 * embed_dim)
        self.o_proj = nn.Linear(embed_dim, embed_dim)
        self._reset_parameters()

    def _reset_parameters(self):
        nn.init.xavier_uniform_(self.qkv_proj.weight)
        self.qkv_proj.bias.data.fill_(0)
        nn.init.xavier_uniform_(self.o_proj.weight)
        self.o_proj.bias.data.fill_(0)

    def forward(self, x, mask=None, return_attention=False):
        batch_size, seq_length, _ = x.size()
        if mask is not None:
            mask = expand_mask(mask)
        qkv = self.qkv_proj(x)
        qkv = qkv.reshape(batch_size, seq_length, self.num_heads, 3 * self.head_dim)
        qkv = qkv.permute(0, 2, 1, 3)
        q, k, v = qkv.chunk(3, dim=-1)
        values, attention = scaled_dot_product(q, k, v, mask=mask)
        values = values.permute(0, 2, 1, 3)
        values = values.reshape(batch_size, seq_length, self.embed_dim)
        o = self.o_proj(values)
        return (o, attention) if return_attention else o


class EncoderBlock(nn.Module):
    def __init__(self, input_dim, num_heads, dim_feedforward, dropout=0.0):
        super().__init__()
        self.self_attn = MultiheadAttention(input_dim, input_dim, num_heads)
        self.linear_net = nn.Sequential(nn.Linear(input_dim, dim_feedforward), nn.Dropout(dropout),
                                        nn.ReLU(inplace=True), nn.Linear(dim_feedforward, input_dim))
        self.norm1 = nn.LayerNorm(input_dim)
        self.norm2 = nn.LayerNorm(input_dim)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x, mask=None):
        attn_out = self.self_attn(x, mask=mask)
        x = x + self.dropout(attn_out)
        x = self.norm1(x)
        linear_out = self.linear_net(x)
        x = x + self.dropout(linear_out)
        x = self.norm2(x)
        return x


class TransformerEncoder(nn.Module):
    def __init__(self, num_layers, **block_args):
        super().__init__()
        self.layers = nn.ModuleList([EncoderBlock(**block_args) for _ in range(num_layers)])

    def forward(self, x, mask=None):
        for layer in self.layers:
            x = layer(x, mask=mask)
        return x

    def get_attention_maps(self, x, mask=None):
        attention_maps = []
        for layer in self.layers:
            _, attn_map = layer.self_attn(x, mask=mask, return_attention=True)
            attention_maps.append(attn_map)
            x = layer(x)
        return attention_maps


class PositionalEncoding(nn.Module):
    def __init__(self, d_model, max_len=5000):
        super().__init__()
        pe = torch.zeros(max_len, d_model)
        position = torch.arange(0, max_len, dtype=torch.float).unsqueeze(1)
        div_term = torch.exp(torch.arange(0, d_model, 2).float() * (-math.log(10000.0) / d_model))
        pe[:, 0::2] = torch.sin(position * div_term)
        pe[:, 1::2] = torch.cos(position * div_term)
        pe = pe.unsqueeze(0)
        self.register_buffer("pe", pe, persistent=False)

    def forward(self, x):
        return x + self.pe[:, : x.size(1)]


enc = PositionalEncoding(d_model=8, max_len=16)
print(enc.pe.shape, list(enc.state_dict().keys()), [n for n, _ in enc.named_buffers()])
print(enc.pe[0, :4].round(decimals=3))


class CosineWarmupScheduler(optim.lr_scheduler._LRScheduler):
    def __init__(self, optimizer, warmup, max_iters):
        self.warmup = warmup
        self.max_num_iters = max_iters
        super().__init__(optimizer)

    def get_lr(self):
        lr_factor = self.get_lr_factor(epoch=self.last_epoch)
        return [base_lr * lr_factor for base_lr in self.base_lrs]

    def get_lr_factor(self, epoch):
        lr_factor = 0.5 * (1 + np.cos(np.pi * epoch / self.max_num_iters))
        if epoch <= self.warmup:
            lr_factor *= epoch * 1.0 / self.warmup
        return lr_factor


p = nn.Parameter(torch.empty(4, 4))
optimizer = optim.Adam([p], lr=1e-3)
lr_scheduler = CosineWarmupScheduler(optimizer=optimizer, warmup=10, max_iters=50)
lrs = []
for _ in range(50):
    lrs.append(lr_scheduler.get_last_lr()[0])
    optimizer.step()
    lr_scheduler.step()
print("lr curve", [f"{x:.2e}" for x in lrs[::7]], type(lrs[3]).__name__)
lambda_sched = optim.lr_scheduler.LambdaLR(
    optim.SGD([p], lr=0.5), lr_lambda=lambda e: min(1.0, (e + 1) / 4) * 0.5 * (1 + math.cos(math.pi * e / 20)))
lam = []
for _ in range(8):
    lam.append(round(lambda_sched.get_last_lr()[0], 5))
    lambda_sched.optimizer.step()
    lambda_sched.step()
print("lambda lr", lam, lambda_sched.state_dict()["last_epoch"])


class ReverseDataset(data.Dataset):
    def __init__(self, num_categories, seq_len, size, seed):
        super().__init__()
        self.num_categories, self.seq_len, self.size = num_categories, seq_len, size
        self.data = torch.randint(self.num_categories, size=(self.size, self.seq_len),
                                  generator=torch.Generator().manual_seed(seed))

    def __len__(self):
        return self.size

    def __getitem__(self, idx):
        inp_data = self.data[idx]
        labels = torch.flip(inp_data, dims=(0,))
        return inp_data, labels


class ReversePredictor(nn.Module):
    def __init__(self, input_dim, model_dim, num_classes, num_heads, num_layers, lr, warmup, max_iters, dropout=0.0,
                 input_dropout=0.0):
        super().__init__()
        self.hparams = dict(input_dim=input_dim, model_dim=model_dim, num_classes=num_classes, num_heads=num_heads,
                            num_layers=num_layers, lr=lr, warmup=warmup, max_iters=max_iters)
        self.input_net = nn.Sequential(nn.Dropout(input_dropout), nn.Linear(input_dim, model_dim))
        self.positional_encoding = PositionalEncoding(d_model=model_dim)
        self.transformer = TransformerEncoder(num_layers=num_layers, input_dim=model_dim,
                                              dim_feedforward=2 * model_dim, num_heads=num_heads, dropout=dropout)
        self.output_net = nn.Sequential(nn.Linear(model_dim, model_dim), nn.LayerNorm(model_dim), nn.ReLU(inplace=True),
                                        nn.Dropout(dropout), nn.Linear(model_dim, num_classes))

    def forward(self, x, mask=None, add_positional_encoding=True):
        x = self.input_net(x)
        if add_positional_encoding:
            x = self.positional_encoding(x)
        x = self.transformer(x, mask=mask)
        return self.output_net(x)

    @torch.no_grad()
    def get_attention_maps(self, x, mask=None, add_positional_encoding=True):
        x = self.input_net(x)
        if add_positional_encoding:
            x = self.positional_encoding(x)
        return self.transformer.get_attention_maps(x, mask=mask)

    def configure_optimizers(self):
        optimizer = optim.Adam(self.parameters(), lr=self.hparams["lr"])
        self.lr_scheduler = CosineWarmupScheduler(optimizer, warmup=self.hparams["warmup"],
                                                  max_iters=self.hparams["max_iters"])
        return optimizer

    def _calculate_loss(self, batch):
        inp_data, labels = batch
        inp_data = F.one_hot(inp_data, num_classes=self.hparams["num_classes"]).float()
        preds = self.forward(inp_data, add_positional_encoding=True)
        loss = F.cross_entropy(preds.view(-1, preds.size(-1)), labels.view(-1))
        acc = (preds.argmax(dim=-1) == labels).float().mean()
        return loss, acc


torch.manual_seed(42)
train_loader = data.DataLoader(ReverseDataset(6, 8, 256, seed=0), batch_size=64, shuffle=True, drop_last=True,
                               generator=torch.Generator().manual_seed(1))
val_set = ReverseDataset(6, 8, 64, seed=1)
model = ReversePredictor(input_dim=6, model_dim=16, num_heads=2, num_classes=6, num_layers=1, dropout=0.1,
                         lr=5e-3, warmup=4, max_iters=24)
optimizer = model.configure_optimizers()
print(sum(p.numel() for p in model.parameters()), "parameters")
for epoch in range(6):
    model.train()
    for batch in train_loader:
        loss, acc = model._calculate_loss(batch)
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
        optimizer.step()
        model.lr_scheduler.step()
    model.eval()
    with torch.no_grad():
        vloss, vacc = model._calculate_loss((val_set.data, torch.flip(val_set.data, dims=(1,))))
    print(f"epoch {epoch} train {loss.item():.3f} val {vloss.item():.3f} acc {vacc.item():.4f} "
          f"lr {optimizer.param_groups[0]['lr']:.3e}")

inp = F.one_hot(val_set.data[:1], num_classes=6).float()
attention_maps = model.get_attention_maps(inp)
print(len(attention_maps), attention_maps[0].shape)
print(attention_maps[0][0, 0].round(decimals=2))
print("rows sum to 1:", torch.allclose(attention_maps[0].sum(-1), torch.ones(1, 2, 8)))
mha = MultiheadAttention(4, 8, 2)
pad_mask = torch.tensor([[1, 1, 1, 0]]).bool()[:, None, :].expand(1, 4, 4)
_, att = mha(torch.randn(1, 4, 4), mask=pad_mask, return_attention=True)
print(att[0, 1].round(decimals=3), att.grad_fn.name())
try:
    MultiheadAttention(4, 6, 4)
except AssertionError as e:
    print("AssertionError:", e)
