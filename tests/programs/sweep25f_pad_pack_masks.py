"""Padding, truncation, packing and attention masks for a batch of token ids."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence, pack_padded_sequence, pad_packed_sequence
from torch.nn.utils.rnn import unpad_sequence, pack_sequence, unpack_sequence

torch.manual_seed(1)
PAD, BOS, EOS, UNK = 0, 1, 2, 3
sentences = ["the cat sat", "a dog ran off quickly today", "hi", "the bird sang a long song"]
words = sorted({w for s in sentences for w in s.split()})
stoi = {w: i + 4 for i, w in enumerate(words)}
seqs = [torch.tensor([BOS] + [stoi.get(w, UNK) for w in s.split()] + [EOS]) for s in sentences]
lengths = torch.tensor([len(s) for s in seqs])
print("lengths", lengths)

batch = pad_sequence(seqs, batch_first=True, padding_value=PAD)
print(batch)
left = pad_sequence(seqs, batch_first=True, padding_value=PAD, padding_side="left")
print(left)
tmaj = pad_sequence(seqs)
print(tmaj.shape)

max_len = 5
trunc = [s[:max_len] for s in seqs]
trunc = torch.stack([F.pad(s, (0, max_len - s.numel()), value=PAD) for s in trunc])
print(trunc)
print(F.pad(trunc, (1, 1), mode="constant", value=-1)[:2])

mask = torch.arange(batch.size(1))[None, :] < lengths[:, None]
print(mask.int())
print(torch.equal(mask, batch != PAD))
attn = mask[:, None, None, :] & mask[:, None, :, None]
print(attn.shape, attn.sum(dim=(-1, -2)).flatten())
causal = torch.tril(torch.ones(batch.size(1), batch.size(1), dtype=torch.bool))
scores = torch.randn(4, batch.size(1), batch.size(1))
scores = scores.masked_fill(~(causal & mask[:, None, :]), float("-inf"))
p = torch.softmax(scores, dim=-1)
print(p[2])
print(torch.nan_to_num(p[2], nan=0.0).sum(-1))

emb = nn.Embedding(len(stoi) + 4, 6, padding_idx=PAD)
print(emb)
x = emb(batch)
print(x.shape, x[2, 3:].abs().sum().item())
sorted_len, order = lengths.sort(descending=True)
packed = pack_padded_sequence(x[order], sorted_len, batch_first=True)
print(packed.batch_sizes, packed.data.shape)
packed2 = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
print(packed2.sorted_indices, packed2.unsorted_indices)
gru = nn.GRU(6, 4, batch_first=True)
out, h = gru(packed2)
unpacked, ulens = pad_packed_sequence(out, batch_first=True, padding_value=0.0)
print(unpacked.shape, ulens)
print(h.squeeze(0))
print(unpacked[2].abs().sum(-1))
print(torch.allclose(unpacked[torch.arange(4), ulens - 1], h[0]))
back = unpad_sequence(batch, lengths, batch_first=True)
print([b.tolist() for b in back])
ps = pack_sequence(seqs, enforce_sorted=False)
print(ps.data)
print([u.tolist() for u in unpack_sequence(ps)])

oh = F.one_hot(trunc, num_classes=len(stoi) + 4)
print(oh.shape, oh.dtype, oh.sum(-1))
try:
    F.one_hot(trunc, num_classes=5)
except Exception as e:
    print(type(e).__name__, e)
try:
    F.one_hot(torch.tensor([-1, 2]))
except Exception as e:
    print(type(e).__name__, e)
try:
    F.one_hot(torch.tensor([1.0, 2.0]))
except Exception as e:
    print(type(e).__name__, e)
try:
    emb(torch.tensor([[1, 99]]))
except Exception as e:
    print(type(e).__name__, e)
try:
    pack_padded_sequence(x, lengths, batch_first=True)
except Exception as e:
    print(type(e).__name__, e)
try:
    pad_sequence([torch.ones(2, 3), torch.ones(2, 4)])
except Exception as e:
    print(type(e).__name__, e)
