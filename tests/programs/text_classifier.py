"""Bag-of-words text classification: vocabulary, EmbeddingBag with offsets, padding and pretrained vectors."""
import collections
import re

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence, pack_padded_sequence
from torch.utils.data import DataLoader

torch.manual_seed(3)
POS = ["great movie loved it", "wonderful acting and a great plot", "i loved the music", "best film this year",
       "a joy to watch", "brilliant and moving story", "great fun", "loved every minute"]
NEG = ["terrible movie hated it", "boring plot and bad acting", "i hated the music", "worst film this year",
       "a waste of time", "dull and slow story", "bad fun", "hated every minute"]
data = [(1, s) for s in POS] + [(0, s) for s in NEG]


def tokenize(s):
    return re.findall(r"\w+", s.lower())


counter = collections.Counter(tok for _, s in data for tok in tokenize(s))
specials = ["<pad>", "<unk>"]
itos = specials + [w for w, c in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])) if c >= 1]
stoi = {w: i for i, w in enumerate(itos)}
PAD, UNK = stoi["<pad>"], stoi["<unk>"]
print(len(itos), itos[:8], counter.most_common(3))


def encode(s):
    return [stoi.get(tok, UNK) for tok in tokenize(s)]


def collate_bag(batch):
    labels, texts, offsets = [], [], [0]
    for label, s in batch:
        ids = torch.tensor(encode(s), dtype=torch.int64)
        labels.append(label)
        texts.append(ids)
        offsets.append(ids.size(0))
    offsets = torch.tensor(offsets[:-1]).cumsum(dim=0)
    return torch.tensor(labels), torch.cat(texts), offsets


class BagModel(nn.Module):
    def __init__(self, vocab, dim, classes):
        super().__init__()
        self.embedding = nn.EmbeddingBag(vocab, dim, mode="mean")
        self.fc = nn.Linear(dim, classes)
        self.init_weights()

    def init_weights(self):
        initrange = 0.5
        self.embedding.weight.data.uniform_(-initrange, initrange)
        self.fc.weight.data.uniform_(-initrange, initrange)
        self.fc.bias.data.zero_()

    def forward(self, text, offsets):
        return self.fc(self.embedding(text, offsets))


model = BagModel(len(itos), 16, 2)
print(model)
loader = DataLoader(data, batch_size=4, shuffle=True, collate_fn=collate_bag)
labels, text, offsets = next(iter(loader))
print(labels, text.shape, offsets)
opt = torch.optim.SGD(model.parameters(), lr=2.0)
sched = torch.optim.lr_scheduler.StepLR(opt, 1, gamma=0.9)
for epoch in range(6):
    total_acc, total_count, total_loss = 0, 0, 0.0
    for labels, text, offsets in loader:
        opt.zero_grad()
        logits = model(text, offsets)
        loss = F.cross_entropy(logits, labels)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 0.1)
        opt.step()
        total_acc += (logits.argmax(1) == labels).sum().item()
        total_count += labels.size(0)
        total_loss += loss.item()
    sched.step()
    print(f"epoch {epoch} acc {total_acc / total_count:.3f} loss {total_loss:.4f}")

with torch.no_grad():
    for s in ["loved the acting", "hated the plot", "unknown words here"]:
        ids = torch.tensor(encode(s))
        p = F.softmax(model(ids, torch.tensor([0])), dim=1)
        print(s, ids.tolist(), p.argmax().item(), f"{p.max().item():.3f}")

# EmbeddingBag modes, 2-D input, per_sample_weights, padding_idx
bag_sum = nn.EmbeddingBag(10, 3, mode="sum")
bag_max = nn.EmbeddingBag(10, 3, mode="max")
inp2d = torch.tensor([[1, 2, 4], [4, 3, 9]])
print(bag_sum(inp2d), bag_max(inp2d))
flat = torch.tensor([1, 2, 4, 5, 4, 3, 2, 9])
offs = torch.tensor([0, 4])
w = torch.rand(8)
print(bag_sum(flat, offs, per_sample_weights=w))
bag_pad = nn.EmbeddingBag(10, 3, mode="mean", padding_idx=0)
print(bag_pad(torch.tensor([[0, 2, 0], [0, 0, 0]])))
print(F.embedding_bag(flat, bag_sum.weight, offs, mode="mean"))
bag_sum(flat, offs).pow(2).sum().backward()
print(bag_sum.weight.grad)

# sequences: pad_sequence, a padded Embedding, mean over real tokens, pretrained vectors
seqs = [torch.tensor(encode(s)) for s in ["great fun", "a waste of time", "loved it"]]
padded = pad_sequence(seqs, batch_first=True, padding_value=PAD)
lengths = torch.tensor([len(s) for s in seqs])
print(padded, lengths)
print(pad_sequence(seqs).shape, pad_sequence(seqs, padding_side="left", batch_first=True)[0])
emb = nn.Embedding(len(itos), 4, padding_idx=PAD)
print(emb.weight[PAD], emb.padding_idx)
vecs = emb(padded)
mask = (padded != PAD).unsqueeze(-1).float()
mean_vecs = (vecs * mask).sum(1) / mask.sum(1)
print(mean_vecs.shape, torch.allclose(mean_vecs[2], emb(seqs[2]).mean(0)))
mean_vecs.sum().backward()
print(emb.weight.grad[PAD], emb.weight.grad.abs().sum(1)[:6])
packed = pack_padded_sequence(vecs, lengths, batch_first=True, enforce_sorted=False)
print(packed.batch_sizes, packed.sorted_indices)

pretrained = torch.randn(len(itos), 5)
frozen = nn.Embedding.from_pretrained(pretrained, freeze=True, padding_idx=PAD)
tuned = nn.Embedding.from_pretrained(pretrained, freeze=False)
print(frozen.weight.requires_grad, tuned.weight.requires_grad, frozen(torch.tensor([3]))[0, :3])
print(torch.equal(frozen.weight, pretrained), frozen)
bag_pre = nn.EmbeddingBag.from_pretrained(pretrained[:6], mode="sum")
print(bag_pre(torch.tensor([[1, 2], [3, 5]])), bag_pre)
sparse_emb = nn.Embedding(6, 2, max_norm=1.0)
out = sparse_emb(torch.tensor([1, 1, 2]))
print(sparse_emb.weight.norm(dim=1)[:3], out.norm(dim=1))
