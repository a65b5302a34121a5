"""Transformer encoder for multivariate time series: sinusoidal positional-encoding buffer,
batch_first encoder, padding masks for variable-length sequences, a causal mask for next-step
prediction, and masked mean pooling for classification."""
import math
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence

torch.manual_seed(3)
random.seed(3)
np.random.seed(3)


class PositionalEncoding(nn.Module):
    def __init__(self, d_model, max_len=200, dropout=0.1):
        super().__init__()
        self.dropout = nn.Dropout(p=dropout)
        position = torch.arange(max_len).unsqueeze(1)
        div_term = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
        pe = torch.zeros(max_len, d_model)
        pe[:, 0::2] = torch.sin(position * div_term)
        pe[:, 1::2] = torch.cos(position * div_term)
        self.register_buffer("pe", pe.unsqueeze(0))

    def forward(self, x):
        return self.dropout(x + self.pe[:, :x.size(1)])


pe = PositionalEncoding(8, max_len=6, dropout=0.0)
print(pe.pe[0, :3])
print("buffers:", [n for n, _ in pe.named_buffers()], "params:", len(list(pe.parameters())))

mask = nn.Transformer.generate_square_subsequent_mask(5)
print(mask)
print(torch.triu(torch.ones(4, 4, dtype=torch.bool), diagonal=1))


class TSTransformer(nn.Module):
    def __init__(self, n_features, d_model=32, nhead=4, layers=2, n_classes=2):
        super().__init__()
        self.inp = nn.Linear(n_features, d_model)
        self.pos = PositionalEncoding(d_model, dropout=0.1)
        layer = nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward=64, dropout=0.1, batch_first=True,
                                           norm_first=True, activation="gelu")
        self.encoder = nn.TransformerEncoder(layer, num_layers=layers, enable_nested_tensor=False)
        self.cls = nn.Linear(d_model, n_classes)
        self.next_step = nn.Linear(d_model, n_features)

    def forward(self, x, pad_mask=None, causal=False):
        h = self.pos(self.inp(x) * math.sqrt(self.inp.out_features))
        attn_mask = nn.Transformer.generate_square_subsequent_mask(x.size(1)) if causal else None
        h = self.encoder(h, mask=attn_mask, src_key_padding_mask=pad_mask)
        return h

    def classify(self, x, pad_mask):
        h = self(x, pad_mask)
        keep = (~pad_mask).unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1).clamp(min=1)
        return self.cls(pooled)


def make_sequence(label):
    n = random.randint(12, 30)
    tt = torch.linspace(0, 1, n)
    freq = 2.0 if label == 0 else 5.0
    a = torch.sin(2 * math.pi * freq * tt + random.random() * 6.28)
    b = torch.cos(2 * math.pi * freq * tt) * 0.5 + 0.2 * torch.randn(n)
    return torch.stack([a, b], dim=-1)


labels = [i % 2 for i in range(96)]
random.shuffle(labels)
seqs = [make_sequence(lab) for lab in labels]
lengths = torch.tensor([len(s) for s in seqs])
print("length stats:", lengths.min().item(), lengths.max().item(), f"{lengths.float().mean().item():.2f}")
X = pad_sequence(seqs, batch_first=True, padding_value=0.0)
pad_mask = torch.arange(X.size(1)).unsqueeze(0) >= lengths.unsqueeze(1)
Y = torch.tensor(labels)
print("padded:", tuple(X.shape), "pad fraction:", f"{pad_mask.float().mean().item():.3f}")
print(pad_mask[:2, 10:])

model = TSTransformer(2)
print(model.encoder.layers[0])
n_params = sum(p.numel() for p in model.parameters())
print("params:", n_params)
opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=0.01)
warmup = 4
sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / warmup))

for epoch in range(5):
    model.train()
    perm = torch.randperm(len(X))
    tot, correct = 0.0, 0
    for i in range(0, len(X), 16):
        idx = perm[i:i + 16]
        logits = model.classify(X[idx], pad_mask[idx])
        loss = F.cross_entropy(logits, Y[idx])
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        tot += loss.item() * len(idx)
        correct += (logits.argmax(-1) == Y[idx]).sum().item()
    print(f"epoch {epoch}: loss {tot / len(X):.3f} acc {correct / len(X):.2f} lr {sched.get_last_lr()[0]:.4f}")

# next-step forecasting with a causal mask, sharing the encoder
model.train()
opt2 = torch.optim.Adam(list(model.parameters()), lr=1e-3)
full = torch.stack([make_sequence(0)[:12] for _ in range(32)])
for step in range(8):
    h = model(full[:, :-1], causal=True)
    pred = model.next_step(h)
    loss = F.mse_loss(pred, full[:, 1:])
    opt2.zero_grad()
    loss.backward()
    opt2.step()
    if step % 2 == 1:
        print(f"forecast step {step}: mse {loss.item():.3f}")

# causality check: with dropout off, future inputs do not change past outputs
model.eval()
with torch.no_grad():
    a = model(full[:2], causal=True)
    changed = full[:2].clone()
    changed[:, 8:] = 9.0
    b = model(changed, causal=True)
    print("past unchanged:", torch.allclose(a[:, :8], b[:, :8], atol=1e-5), "future changed:",
          not torch.allclose(a[:, 8:], b[:, 8:]))
    # padding positions must not influence the pooled class output
    x1 = X[:1, :lengths[0]]
    m1 = torch.zeros(1, x1.size(1), dtype=torch.bool)
    x2 = torch.cat([x1, torch.full((1, 5, 2), 100.0)], dim=1)
    m2 = torch.cat([m1, torch.ones(1, 5, dtype=torch.bool)], dim=1)
    l1, l2 = model.classify(x1, m1), model.classify(x2, m2)
    print("padding ignored:", torch.allclose(l1, l2, atol=1e-4))
    probs = model.classify(X, pad_mask).softmax(-1)
    print(f"eval acc {(probs.argmax(-1) == Y).float().mean().item():.2f}")
    conf, _ = probs.max(-1)
    print("confidence quartiles:", [f"{q:.2f}" for q in torch.quantile(conf, torch.tensor([0.25, 0.5, 0.75])).tolist()])

    # attention weights of the first layer, averaged over heads
    layer0 = model.encoder.layers[0]
    src = model.pos(model.inp(full[:1]) * math.sqrt(32))
    src = layer0.norm1(src)
    _, w = layer0.self_attn(src, src, src, need_weights=True, average_attn_weights=True,
                            attn_mask=nn.Transformer.generate_square_subsequent_mask(12))
    print("attn shape:", tuple(w.shape), "rows sum to 1:", torch.allclose(w.sum(-1), torch.ones(1, 12)))
    print("upper triangle zero:", bool((torch.triu(w[0], diagonal=1) == 0).all()))
    print(w[0, :3, :3].round(decimals=2))
