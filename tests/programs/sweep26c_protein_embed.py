"""Protein sequence embeddings: tokenisation, padding, masked pooling, a GRU and a tiny transformer."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence, pack_padded_sequence, pad_packed_sequence

torch.manual_seed(11)
AA = "ACDEFGHIKLMNPQRSTVWY"
PAD = 0
vocab = {a: i + 1 for i, a in enumerate(AA)}

proteins = ["MKTAYIAKQR", "GSHMLEDPVA", "MKV", "WYFHKLLPQRSTAC", "ACDE"]
toks = [torch.tensor([vocab[c] for c in p]) for p in proteins]
lengths = torch.tensor([len(t) for t in toks])
batch = pad_sequence(toks, batch_first=True, padding_value=PAD)
print(batch)
mask = batch != PAD
print("mask dtype", mask.dtype, "lengths", lengths, mask.sum(1))
print("arange mask equal", torch.equal(mask, torch.arange(batch.shape[1])[None, :] < lengths[:, None]))

emb = nn.Embedding(len(AA) + 1, 8, padding_idx=PAD)
print(emb)
print("pad row is zero", emb.weight[PAD].abs().sum().item())
E = emb(batch)
print("embedded", E.shape, E.grad_fn.name())
mean_pool = (E * mask.unsqueeze(-1)).sum(1) / mask.sum(1, keepdim=True)
print("mean pool", mean_pool.shape)
max_pool = E.masked_fill(~mask.unsqueeze(-1), float("-inf")).max(1).values
print("max pool finite", torch.isfinite(max_pool).all().item())
loss = mean_pool.pow(2).sum() + max_pool.sum()
loss.backward()
print("grad on pad row", emb.weight.grad[PAD].abs().sum().item())
print("grad rows nonzero", (emb.weight.grad.abs().sum(1) > 0).sum().item())

# amino-acid composition and physico-chemical features
hydro = torch.tensor([1.8, 2.5, -3.5, -3.5, 2.8, -0.4, -3.2, 4.5, -3.9, 3.8,
                      1.9, -3.5, -1.6, -3.5, -4.5, -0.8, -0.7, 4.2, -0.9, -1.3])
hyd_table = torch.cat([torch.zeros(1), hydro])
h = hyd_table[batch]
print("mean hydropathy", ((h * mask).sum(1) / lengths).round(decimals=3))
comp = torch.zeros(len(proteins), len(AA) + 1).scatter_add_(1, batch, torch.ones_like(batch, dtype=torch.float))
comp = comp[:, 1:] / lengths[:, None]
print("composition row sums", comp.sum(1).round(decimals=4))
window = F.avg_pool1d(h.unsqueeze(1), kernel_size=3, stride=1).squeeze(1)
print("hydropathy window", window.shape)
print(window[3])

# GRU over packed sequences
gru = nn.GRU(8, 6, batch_first=True, bidirectional=True)
packed = pack_padded_sequence(E.detach(), lengths, batch_first=True, enforce_sorted=False)
print("packed batch sizes", packed.batch_sizes)
out, hN = gru(packed)
unpacked, lens = pad_packed_sequence(out, batch_first=True)
print("gru out", unpacked.shape, lens, hN.shape)
print("padded positions zero", unpacked[2, 3:].abs().sum().item())
seq_repr = torch.cat([hN[0], hN[1]], dim=1)
print("seq repr", seq_repr.shape)

# transformer encoder with key padding mask
enc_layer = nn.TransformerEncoderLayer(d_model=8, nhead=2, dim_feedforward=16, dropout=0.0, batch_first=True)
encoder = nn.TransformerEncoder(enc_layer, num_layers=2, enable_nested_tensor=False)
encoder.eval()
with torch.no_grad():
    z = encoder(E.detach(), src_key_padding_mask=~mask)
print("encoder", z.shape, torch.isfinite(z).all().item())
pooled = (z * mask.unsqueeze(-1)).sum(1) / lengths.unsqueeze(1)
sim = F.cosine_similarity(pooled.unsqueeze(1), pooled.unsqueeze(0), dim=-1)
print("similarity diag", sim.diagonal().round(decimals=4))
print("most similar pair", torch.triu(sim, diagonal=1).argmax().item())

# masked language modelling objective (BERT-style) for proteins
head = nn.Linear(8, len(AA) + 1)
mlm_mask = (torch.rand(batch.shape) < 0.3) & mask
inputs = batch.masked_fill(mlm_mask, len(AA))
targets = batch.masked_fill(~mlm_mask, -100)
logits = head(emb(inputs))
mlm = F.cross_entropy(logits.view(-1, len(AA) + 1), targets.view(-1), ignore_index=-100)
print("masked tokens", mlm_mask.sum().item(), f"mlm loss {mlm.item():.4f}", mlm.grad_fn.name())
ppl = torch.exp(mlm)
print(f"perplexity {ppl.item():.3f}")
ls = F.cross_entropy(logits.view(-1, len(AA) + 1), targets.view(-1), label_smoothing=0.1)
print(f"label smoothed {ls.item():.4f}")

try:
    emb(torch.tensor([[25]]))
except Exception as e:
    print(type(e).__name__, e)
try:
    pack_padded_sequence(E, lengths, batch_first=True)
except Exception as e:
    print(type(e).__name__, e)
try:
    nn.Embedding(5, 3, padding_idx=7)
except Exception as e:
    print(type(e).__name__, e)
