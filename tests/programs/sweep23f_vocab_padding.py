"""Course-notebook text preprocessing without torchtext: a regex tokenizer, a Counter vocabulary with
special tokens (<pad>, <unk>, <bos>, <eos>), numericalization, pad_sequence with batch_first, padding_value
and padding_side, attention masks from lengths, one-hot targets via F.one_hot and n-gram windows via
Tensor.unfold, all printed batch by batch."""
import re
from collections import Counter

import torch
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence

torch.manual_seed(0)

corpus = [
    "The cat sat on the mat.",
    "A dog chased the cat!",
    "The mat was red, the dog was brown.",
    "Cats and dogs: friends or foes?",
    "the end",
]


def tokenize(text):
    return re.findall(r"[a-z]+|[^\sa-z]", text.lower())


tokens = [tokenize(s) for s in corpus]
for t in tokens:
    print(t)

counter = Counter(tok for sent in tokens for tok in sent)
print("most common:", counter.most_common(5))
specials = ["<pad>", "<unk>", "<bos>", "<eos>"]
min_freq = 2
itos = specials + sorted(w for w, c in counter.items() if c >= min_freq)
stoi = {w: i for i, w in enumerate(itos)}
PAD, UNK, BOS, EOS = (stoi[s] for s in specials)
print("vocab size:", len(itos))
print("itos:", itos)


def numericalize(sent):
    ids = [BOS] + [stoi.get(tok, UNK) for tok in sent] + [EOS]
    return torch.tensor(ids, dtype=torch.long)


# a common slip: padding the raw id lists instead of tensors
try:
    pad_sequence([[stoi.get(tok, UNK) for tok in sent] for sent in tokens])
except TypeError as e:
    print("TypeError:", e)

seqs = [numericalize(s) for s in tokens]
lengths = torch.tensor([len(s) for s in seqs])
print("lengths:", lengths, lengths.dtype)

padded = pad_sequence(seqs, batch_first=True, padding_value=PAD)
print("batch_first padded:", padded.shape)
print(padded)
time_major = pad_sequence(seqs)
print("time-major shape:", time_major.shape, time_major.dtype)
left = pad_sequence(seqs, batch_first=True, padding_value=-1, padding_side="left")
print("left padded:")
print(left)

mask = torch.arange(padded.size(1))[None, :] < lengths[:, None]
print("mask:")
print(mask)
print("mask matches:", torch.equal(mask, padded != PAD))
print("tokens kept:", mask.sum().item(), "pad fraction:", round(1 - mask.float().mean().item(), 4))

# key padding mask in the nn.MultiheadAttention convention (True = ignore)
kpm = padded.eq(PAD)
print("key_padding_mask row 4:", kpm[4].tolist())
scores = torch.randn(len(seqs), padded.size(1))
scores = scores.masked_fill(kpm, float("-inf"))
attn = scores.softmax(dim=-1)
print("attn rows sum:", attn.sum(-1).round(decimals=4))
print("attn on pads:", attn.masked_select(kpm).abs().sum().item())

# decode back
for row, n in zip(padded, lengths):
    words = [itos[i] for i in row[:n].tolist()]
    print(" ".join(words))

# one-hot targets (shifted by one for a language model)
targets = padded[:, 1:]
oh = F.one_hot(targets, num_classes=len(itos))
print("one_hot:", oh.shape, oh.dtype, oh.sum().item())
print(oh[4, :3])
print(F.one_hot(torch.tensor([3, 0, 1])))

# n-gram windows with unfold
trigrams = padded.unfold(dimension=1, size=3, step=1)
print("trigrams:", trigrams.shape)
print(trigrams[0])
bigrams = padded[1].unfold(0, 2, 2)
print("non-overlapping bigrams:", bigrams.tolist())
ngram_hash = (trigrams * torch.tensor([1, 31, 961])).sum(-1) % 97
print("hashed trigrams:")
print(ngram_hash)
valid_ngrams = (trigrams != PAD).all(-1)
print("valid trigram counts:", valid_ngrams.sum(1).tolist())

# bag of words counts with scatter_add_
bow = torch.zeros(len(seqs), len(itos), dtype=torch.long)
bow.scatter_add_(1, padded, torch.ones_like(padded))
bow[:, PAD] = 0
print("bag of words:")
print(bow)
tf = bow.float() / bow.sum(1, keepdim=True)
df = (bow > 0).sum(0).float()
idf = torch.log((1 + len(seqs)) / (1 + df)) + 1
tfidf = F.normalize(tf * idf, dim=1)
print("tfidf norms:", tfidf.norm(dim=1).round(decimals=4))
print("similarity:")
print((tfidf @ tfidf.T).round(decimals=3))
