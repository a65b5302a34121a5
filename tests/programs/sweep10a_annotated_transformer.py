"""The Annotated Transformer at toy size: clones via copy.deepcopy, subsequent_mask with triu,
masked_fill(mask == 0, -1e9), positional encoding buffer, label smoothing with KLDivLoss(sum),
the Noam schedule through LambdaLR, and greedy decoding on the copy task."""
import copy
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.optim.lr_scheduler import LambdaLR

torch.manual_seed(0)

def clones(module, N):
    return nn.ModuleList([copy.deepcopy(module) for _ in range(N)])

def subsequent_mask(size):
    return torch.triu(torch.ones((1, size, size)), diagonal=1).type(torch.uint8) == 0

def attention(query, key, value, mask=None, dropout=None):
    d_k = query.size(-1)
    scores = torch.matmul(query, key.transpose(-2, -1)) / math.sqrt(d_k)
    if mask is not None:
        scores = scores.masked_fill(mask == 0, -1e9)
    p_attn = dropout(scores.softmax(dim=-1))
    return torch.matmul(p_attn, value), p_attn

class MultiHeadedAttention(nn.Module):
    def __init__(self, h, d_model, dropout=0.0):
        super().__init__()
        self.d_k, self.h, self.attn = d_model // h, h, None
        self.linears, self.dropout = clones(nn.Linear(d_model, d_model), 4), nn.Dropout(p=dropout)

    def forward(self, query, key, value, mask=None):
        if mask is not None:
            mask = mask.unsqueeze(1)
        nb = query.size(0)
        query, key, value = [lin(x).view(nb, -1, self.h, self.d_k).transpose(1, 2)
                             for lin, x in zip(self.linears, (query, key, value))]
        x, self.attn = attention(query, key, value, mask=mask, dropout=self.dropout)
        x = x.transpose(1, 2).contiguous().view(nb, -1, self.h * self.d_k)
        return self.linears[-1](x)

class PositionalEncoding(nn.Module):
    def __init__(self, d_model, dropout, max_len=50):
        super().__init__()
        self.dropout = nn.Dropout(p=dropout)
        pe = torch.zeros(max_len, d_model)
        position = torch.arange(0, max_len).unsqueeze(1)
        div_term = torch.exp(torch.arange(0, d_model, 2) * -(math.log(10000.0) / d_model))
        pe[:, 0::2] = torch.sin(position * div_term)
        pe[:, 1::2] = torch.cos(position * div_term)
        self.register_buffer("pe", pe.unsqueeze(0))

    def forward(self, x):
        return self.dropout(x + self.pe[:, : x.size(1)].requires_grad_(False))

class Block(nn.Module):
    def __init__(self, d, h, ff, self_only=True):
        super().__init__()
        self.self_attn, self.src_attn = MultiHeadedAttention(h, d), None if self_only else MultiHeadedAttention(h, d)
        self.ff = nn.Sequential(nn.Linear(d, ff), nn.ReLU(), nn.Linear(ff, d))
        self.norms = clones(nn.LayerNorm(d, eps=1e-6), 3)

    def forward(self, x, mask, memory=None, src_mask=None):
        x = x + self.self_attn(*[self.norms[0](x)] * 3, mask)
        if self.src_attn is not None:
            x = x + self.src_attn(self.norms[1](x), memory, memory, src_mask)
        return x + self.ff(self.norms[2](x))

class EncoderDecoder(nn.Module):
    def __init__(self, V, d=16, h=2, ff=32, N=2):
        super().__init__()
        self.src_embed = nn.Sequential(nn.Embedding(V, d), PositionalEncoding(d, 0.0))
        self.tgt_embed = copy.deepcopy(self.src_embed)
        self.encoder, self.decoder = clones(Block(d, h, ff), N), clones(Block(d, h, ff, self_only=False), N)
        self.generator, self.d = nn.Linear(d, V), d

    def encode(self, src, src_mask):
        x = self.src_embed(src) * math.sqrt(self.d)
        return [x := layer(x, src_mask) for layer in self.encoder][-1]

    def decode(self, memory, src_mask, tgt, tgt_mask):
        x = self.tgt_embed(tgt) * math.sqrt(self.d)
        return [x := layer(x, tgt_mask, memory, src_mask) for layer in self.decoder][-1]

print(subsequent_mask(4), subsequent_mask(4).dtype)
pe, mha, q = PositionalEncoding(8, 0.1), MultiHeadedAttention(2, 8), torch.randn(2, 4, 8)
print(pe.pe.shape, pe.pe[0, :3, :4].round(decimals=4), list(dict(pe.named_buffers())), pe, pe.state_dict().keys(), mha)
out = mha(q, q, q, subsequent_mask(4))
print(out.shape, mha.attn.shape, mha.attn[0, 0].round(decimals=3), type(out.grad_fn).__name__)

class LabelSmoothing(nn.Module):
    def __init__(self, size, padding_idx, smoothing=0.0):
        super().__init__()
        self.criterion, self.padding_idx, self.size = nn.KLDivLoss(reduction="sum"), padding_idx, size
        self.confidence, self.smoothing = 1.0 - smoothing, smoothing

    def forward(self, x, target):
        true_dist = x.data.clone().fill_(self.smoothing / (self.size - 2))
        true_dist.scatter_(1, target.data.unsqueeze(1), self.confidence)
        true_dist[:, self.padding_idx] = 0
        if (mask := torch.nonzero(target.data == self.padding_idx)).dim() > 0:
            true_dist.index_fill_(0, mask.squeeze(), 0.0)
        self.true_dist = true_dist
        return self.criterion(x, true_dist.clone().detach())

crit = LabelSmoothing(5, 0, 0.4)
predict = torch.FloatTensor([[0, 0.2, 0.7, 0.1, 0]] * 5)
print(crit(predict.log(), torch.LongTensor([2, 1, 0, 3, 3])).item().__round__(4))
print(crit.true_dist)
smooth = torch.FloatTensor([[0.05, 0.2, 0.6, 0.1, 0.05]] * 5)
print(round(crit(smooth.log(), torch.LongTensor([2, 1, 0, 3, 3])).item(), 4))

def rate(step, model_size, factor, warmup):
    step = max(step, 1)
    return factor * (model_size ** (-0.5) * min(step ** (-0.5), step * warmup ** (-1.5)))

V, model = 8, EncoderDecoder(8)
_ = [nn.init.xavier_uniform_(p) for p in model.parameters() if p.dim() > 1]
print(sum(p.numel() for p in model.parameters()), len(list(model.buffers())))
lc, opt = LabelSmoothing(V, 0, 0.1), torch.optim.Adam(model.parameters(), lr=0.5, betas=(0.9, 0.98), eps=1e-9)
sched = LambdaLR(opt, lr_lambda=lambda step: rate(step, 16, 1.0, 20))
gen = torch.Generator().manual_seed(3)
for step in range(30):
    data = torch.randint(1, V, size=(16, 6), generator=gen)
    data[:, 0] = 1
    src, src_mask, tgt_in, tgt_y = data, (data != 0).unsqueeze(-2), data[:, :-1], data[:, 1:]
    tgt_mask = (tgt_in != 0).unsqueeze(-2) & subsequent_mask(tgt_in.size(-1)).type_as(src_mask.data)
    logp = F.log_softmax(model.generator(model.decode(model.encode(src, src_mask), src_mask, tgt_in, tgt_mask)), -1)
    ntok = (tgt_y != 0).data.sum()
    loss = lc(logp.contiguous().view(-1, V), tgt_y.contiguous().view(-1)) / ntok
    loss.backward(), opt.step(), opt.zero_grad(set_to_none=True), sched.step()
    if step % 10 == 0:
        print(step, f"{loss.item():.3f}", f"{sched.get_last_lr()[0]:.6f}", ntok, type(loss.grad_fn).__name__)

def greedy_decode(model, src, src_mask, max_len, start_symbol):
    memory = model.encode(src, src_mask)
    ys = torch.zeros(1, 1).fill_(start_symbol).type_as(src.data)
    for i in range(max_len - 1):
        out = model.decode(memory, src_mask, ys, subsequent_mask(ys.size(1)).type_as(src.data))
        _, next_word = torch.max(F.log_softmax(model.generator(out[:, -1]), dim=-1), dim=1)
        ys = torch.cat([ys, torch.zeros(1, 1).type_as(src.data).fill_(next_word.data[0])], dim=1)
    return ys

model.eval()
with torch.no_grad():
    ys = greedy_decode(model, torch.LongTensor([[1, 2, 3, 4, 5, 6]]), torch.ones(1, 1, 6), max_len=6, start_symbol=1)
print(ys, ys.shape, ys.dtype)
print(model.encoder[0].norms[0], model.decoder[1].ff)
