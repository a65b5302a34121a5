"""A tiny transformer language model: positional encoding buffer, causal masks, TransformerEncoder."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor

torch.manual_seed(0)


class PositionalEncoding(nn.Module):
    def __init__(self, d_model: int, dropout: float = 0.1, max_len: int = 64):
        super().__init__()
        self.dropout = nn.Dropout(p=dropout)
        position = torch.arange(max_len).unsqueeze(1)
        div_term = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
        pe = torch.zeros(max_len, 1, d_model)
        pe[:, 0, 0::2] = torch.sin(position * div_term)
        pe[:, 0, 1::2] = torch.cos(position * div_term)
        self.register_buffer('pe', pe)

    def forward(self, x: Tensor) -> Tensor:
        x = x + self.pe[:x.size(0)]
        return self.dropout(x)


def generate_square_subsequent_mask(sz: int) -> Tensor:
    return torch.triu(torch.ones(sz, sz) * float('-inf'), diagonal=1)


class TransformerModel(nn.Module):
    def __init__(self, ntoken, d_model, nhead, d_hid, nlayers, dropout=0.1):
        super().__init__()
        self.model_type = 'Transformer'
        self.pos_encoder = PositionalEncoding(d_model, dropout)
        encoder_layers = nn.TransformerEncoderLayer(d_model, nhead, d_hid, dropout)
        self.transformer_encoder = nn.TransformerEncoder(encoder_layers, nlayers, enable_nested_tensor=False)
        self.embedding = nn.Embedding(ntoken, d_model)
        self.d_model = d_model
        self.linear = nn.Linear(d_model, ntoken)
        self.init_weights()

    def init_weights(self) -> None:
        initrange = 0.1
        self.embedding.weight.data.uniform_(-initrange, initrange)
        self.linear.bias.data.zero_()
        self.linear.weight.data.uniform_(-initrange, initrange)

    def forward(self, src: Tensor, src_mask: Tensor = None) -> Tensor:
        src = self.embedding(src) * math.sqrt(self.d_model)
        src = self.pos_encoder(src)
        if src_mask is None:
            src_mask = nn.Transformer.generate_square_subsequent_mask(len(src))
        output = self.transformer_encoder(src, src_mask)
        output = self.linear(output)
        return output


print(generate_square_subsequent_mask(4))
print(torch.equal(generate_square_subsequent_mask(5), nn.Transformer.generate_square_subsequent_mask(5)))

ntokens = 20
data = torch.arange(200) % ntokens  # a repeating sequence is easy to learn


def batchify(data: Tensor, bsz: int) -> Tensor:
    seq_len = data.size(0) // bsz
    data = data[:seq_len * bsz]
    data = data.view(bsz, seq_len).t().contiguous()
    return data


train_data = batchify(data, 4)
print(train_data.shape)
bptt = 12


def get_batch(source: Tensor, i: int):
    seq_len = min(bptt, len(source) - 1 - i)
    data = source[i:i + seq_len]
    target = source[i + 1:i + 1 + seq_len].reshape(-1)
    return data, target


model = TransformerModel(ntokens, 16, 2, 32, 2, 0.1)
print(sum(p.numel() for p in model.parameters()))
criterion = nn.CrossEntropyLoss()
lr = 1.0
optimizer = torch.optim.SGD(model.parameters(), lr=lr)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, 1.0, gamma=0.95)

for epoch in range(2):
    model.train()
    total_loss = 0.
    for batch, i in enumerate(range(0, train_data.size(0) - 1, bptt)):
        data, targets = get_batch(train_data, i)
        output = model(data)
        output_flat = output.view(-1, ntokens)
        loss = criterion(output_flat, targets)
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 0.5)
        optimizer.step()
        total_loss += loss.item()
    cur_loss = total_loss / (batch + 1)
    print(f'| epoch {epoch:3d} | lr {scheduler.get_last_lr()[0]:02.2f} | loss {cur_loss:5.2f} | '
          f'ppl {math.exp(cur_loss):8.2f}')
    scheduler.step()

model.eval()
with torch.no_grad():
    data, targets = get_batch(train_data, 0)
    out = model(data)
    print(out.shape, f"{criterion(out.view(-1, ntokens), targets).item():.3f}")

# attention by hand and via nn.MultiheadAttention / F.scaled_dot_product_attention
q = torch.randn(2, 5, 8)
k = torch.randn(2, 5, 8)
v = torch.randn(2, 5, 8)
scores = q @ k.transpose(-2, -1) / math.sqrt(q.size(-1))
causal = torch.triu(torch.ones(5, 5, dtype=torch.bool), diagonal=1)
scores = scores.masked_fill(causal, float('-inf'))
attn = F.softmax(scores, dim=-1)
manual = attn @ v
print(attn[0])
sdpa = F.scaled_dot_product_attention(q, k, v, is_causal=True)
print(torch.allclose(manual, sdpa, atol=1e-6))
mask = torch.tril(torch.ones(5, 5)) == 0
print(mask)

mha = nn.MultiheadAttention(embed_dim=8, num_heads=2, batch_first=True)
out, weights = mha(q, k, v, attn_mask=causal)
print(out.shape, weights.shape)
print(weights[0].sum(-1))
out2, _ = mha(q, q, q, key_padding_mask=torch.tensor([[False] * 4 + [True], [False] * 5]))
print(f"{out2.abs().mean().item():.4f}")

dec_layer = nn.TransformerDecoderLayer(d_model=8, nhead=2, dim_feedforward=16, batch_first=True,
                                       norm_first=True)
dec = nn.TransformerDecoder(dec_layer, num_layers=1)
y = dec(q, k, tgt_mask=nn.Transformer.generate_square_subsequent_mask(5), tgt_is_causal=True)
print(y.shape, y.grad_fn.__class__.__name__)
ln = nn.LayerNorm(8)
print(ln(q).mean(-1).abs().max() < 1e-5)
print(model.pos_encoder.pe.shape, [n for n, _ in model.named_buffers()])
print(model.transformer_encoder.layers[0].self_attn.in_proj_weight.shape)

# GPT-style head with a registered causal mask and -inf fill
class Head(nn.Module):
    def __init__(self, n_embd, head_size, block_size):
        super().__init__()
        self.key = nn.Linear(n_embd, head_size, bias=False)
        self.query = nn.Linear(n_embd, head_size, bias=False)
        self.value = nn.Linear(n_embd, head_size, bias=False)
        self.register_buffer('tril', torch.tril(torch.ones(block_size, block_size)))

    def forward(self, x):
        B, T, C = x.shape
        k = self.key(x)
        q = self.query(x)
        wei = q @ k.transpose(-2, -1) * k.shape[-1] ** -0.5
        wei = wei.masked_fill(self.tril[:T, :T] == 0, float('-inf'))
        wei = F.softmax(wei, dim=-1)
        return wei @ self.value(x)


head = Head(8, 4, 10)
o = head(torch.randn(3, 6, 8))
print(o.shape)
o.sum().backward()
print(f"{head.key.weight.grad.norm().item():.4f}")
