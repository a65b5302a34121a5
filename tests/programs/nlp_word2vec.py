"""word2vec from scratch: vocabulary with collections.Counter, subsampling of frequent words,
skip-gram pairs, negative sampling from the unigram distribution raised to 3/4 with
torch.multinomial, a two-embedding SGNS model scored with bmm + logsigmoid, plus a CBOW variant
with EmbeddingBag, and nearest neighbours by cosine similarity."""
import random
from collections import Counter

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.utils.data import DataLoader, Dataset

random.seed(0)
np.random.seed(0)
torch.manual_seed(0)

corpus = """the king rules the kingdom and the queen rules the kingdom
the man walks to the city and the woman walks to the city
a king is a man and a queen is a woman
the prince is the son of the king and the princess is the daughter of the queen
the dog chases the cat and the cat chases the mouse
a dog is an animal and a cat is an animal""".split()

word_counts = Counter(corpus)
sorted_vocab = sorted(word_counts, key=word_counts.get, reverse=True)
int_to_vocab = {ii: word for ii, word in enumerate(sorted_vocab)}
vocab_to_int = {word: ii for ii, word in int_to_vocab.items()}
int_words = [vocab_to_int[word] for word in corpus]
print(len(corpus), len(sorted_vocab), sorted_vocab[:6], int_words[:10])

# subsampling (Mikolov): drop frequent words with probability 1 - sqrt(t / f)
threshold = 1e-2
total_count = len(int_words)
freqs = {word: count / total_count for word, count in Counter(int_words).items()}
p_drop = {word: 1 - np.sqrt(threshold / freqs[word]) for word in Counter(int_words)}
train_words = [word for word in int_words if random.random() < (1 - p_drop[word])]
print(len(train_words), f"{p_drop[vocab_to_int['the']]:.4f}")


def get_target(words, idx, window_size=2):
    R = np.random.randint(1, window_size + 1)
    start = idx - R if (idx - R) > 0 else 0
    stop = idx + R
    return list(words[start:idx] + words[idx + 1:stop + 1])


def get_batches(words, batch_size, window_size=2):
    n_batches = len(words) // batch_size
    words = words[:n_batches * batch_size]
    for idx in range(0, len(words), batch_size):
        x, y = [], []
        batch = words[idx:idx + batch_size]
        for ii in range(len(batch)):
            batch_x = batch[ii]
            batch_y = get_target(batch, ii, window_size)
            y.extend(batch_y)
            x.extend([batch_x] * len(batch_y))
        yield x, y


x, y = next(get_batches(int_words, 8))
print(x[:8], y[:8])

# the noise distribution: unigram^(3/4), normalised
word_freqs = np.array(sorted(freqs.values(), reverse=True))
unigram_dist = word_freqs / word_freqs.sum()
noise_dist = torch.from_numpy(unigram_dist ** 0.75 / np.sum(unigram_dist ** 0.75))
print(noise_dist.dtype, noise_dist.shape, f"{noise_dist.sum().item():.6f}", f"{noise_dist[0].item():.5f}")


class SkipGramNeg(nn.Module):
    def __init__(self, n_vocab, n_embed, noise_dist=None):
        super().__init__()
        self.n_vocab = n_vocab
        self.n_embed = n_embed
        self.noise_dist = noise_dist
        self.in_embed = nn.Embedding(n_vocab, n_embed)
        self.out_embed = nn.Embedding(n_vocab, n_embed)
        self.in_embed.weight.data.uniform_(-1, 1)
        self.out_embed.weight.data.uniform_(-1, 1)

    def forward_input(self, input_words):
        return self.in_embed(input_words)

    def forward_output(self, output_words):
        return self.out_embed(output_words)

    def forward_noise(self, batch_size, n_samples):
        if self.noise_dist is None:
            noise_dist = torch.ones(self.n_vocab)
        else:
            noise_dist = self.noise_dist
        noise_words = torch.multinomial(noise_dist, batch_size * n_samples, replacement=True)
        device = "cuda" if self.out_embed.weight.is_cuda else "cpu"
        noise_words = noise_words.to(device)
        noise_vectors = self.out_embed(noise_words).view(batch_size, n_samples, self.n_embed)
        return noise_vectors


class NegativeSamplingLoss(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, input_vectors, output_vectors, noise_vectors):
        batch_size, embed_size = input_vectors.shape
        input_vectors = input_vectors.view(batch_size, embed_size, 1)
        output_vectors = output_vectors.view(batch_size, 1, embed_size)
        out_loss = torch.bmm(output_vectors, input_vectors).sigmoid().log()
        out_loss = out_loss.squeeze()
        noise_loss = torch.bmm(noise_vectors.neg(), input_vectors).sigmoid().log()
        noise_loss = noise_loss.squeeze().sum(1)
        return -(out_loss + noise_loss).mean()


embedding_dim = 16
model = SkipGramNeg(len(vocab_to_int), embedding_dim, noise_dist=noise_dist)
criterion = NegativeSamplingLoss()
optimizer = optim.Adam(model.parameters(), lr=0.01)
print(model)

steps = 0
for e in range(3):
    for input_words, target_words in get_batches(train_words, 16):
        steps += 1
        inputs, targets = torch.LongTensor(input_words), torch.LongTensor(target_words)
        input_vectors = model.forward_input(inputs)
        output_vectors = model.forward_output(targets)
        noise_vectors = model.forward_noise(inputs.shape[0], 5)
        loss = criterion(input_vectors, output_vectors, noise_vectors)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    print(f"Epoch: {e + 1}/3 Loss: {loss.item():.4f} steps {steps}")
print(noise_vectors.shape, noise_vectors.grad_fn.name(), loss.grad_fn.name())


# the same loss written the other common way: pos/neg scores with F.logsigmoid and a custom Dataset
class SkipGramDataset(Dataset):
    def __init__(self, words, window=2):
        self.pairs = [(c, words[j]) for i, c in enumerate(words)
                      for j in range(max(0, i - window), min(len(words), i + window + 1)) if j != i]

    def __len__(self):
        return len(self.pairs)

    def __getitem__(self, idx):
        return torch.tensor(self.pairs[idx][0]), torch.tensor(self.pairs[idx][1])


class SGNS(nn.Module):
    def __init__(self, vocab_size, dim):
        super().__init__()
        self.center = nn.Embedding(vocab_size, dim, sparse=False)
        self.context = nn.Embedding(vocab_size, dim)
        initrange = 0.5 / dim
        nn.init.uniform_(self.center.weight, -initrange, initrange)
        nn.init.constant_(self.context.weight, 0)

    def forward(self, c, o, neg):
        v = self.center(c)                                # (B, D)
        u = self.context(o)                               # (B, D)
        u_neg = self.context(neg)                         # (B, K, D)
        pos = torch.mul(v, u).sum(dim=1)
        pos = F.logsigmoid(torch.clamp(pos, max=10, min=-10))
        neg_score = torch.bmm(u_neg, v.unsqueeze(2)).squeeze(2)
        neg_score = F.logsigmoid(-torch.clamp(neg_score, max=10, min=-10)).sum(1)
        return -(pos + neg_score).mean()


ds = SkipGramDataset(int_words)
print(len(ds), ds[0], ds[0][0].dtype, ds[0][0].shape)
g = torch.Generator()
g.manual_seed(3)
loader = DataLoader(ds, batch_size=32, shuffle=True, generator=g, drop_last=True)
sgns = SGNS(len(vocab_to_int), embedding_dim)
opt = optim.SGD(sgns.parameters(), lr=1.0)
for epoch in range(2):
    total = 0.0
    for c, o in loader:
        neg = torch.multinomial(noise_dist, c.size(0) * 4, replacement=True).view(c.size(0), 4)
        loss = sgns(c, o, neg)
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item()
    print(f"epoch {epoch} avg loss {total / len(loader):.4f} batches {len(loader)}")
print(neg.shape, neg.dtype, sgns.center.weight.grad.abs().sum(1).nonzero().numel() > 0)
print(F.logsigmoid(torch.tensor([-100.0, -10.0, 0.0, 10.0, 20.0])))
print(torch.clamp(torch.tensor([-20.0, 3.0, 20.0]), max=10, min=-10))


# nearest neighbours by cosine similarity (the "similarity" function of the course)
def cosine_similarity(embedding, valid_size=4, valid_window=10):
    embed_vectors = embedding.weight
    magnitudes = embed_vectors.pow(2).sum(dim=1).sqrt().unsqueeze(0)
    valid_examples = np.array(random.sample(range(valid_window), valid_size // 2))
    valid_examples = np.append(valid_examples, random.sample(range(10, 10 + valid_window), valid_size // 2))
    valid_examples = torch.LongTensor(valid_examples)
    valid_vectors = embedding(valid_examples)
    similarities = torch.mm(valid_vectors, embed_vectors.t()) / magnitudes
    return valid_examples, similarities


valid_examples, valid_similarities = cosine_similarity(model.in_embed)
_, closest_idxs = valid_similarities.topk(4)
print(valid_examples, valid_similarities.shape, closest_idxs.shape, closest_idxs[:, 0].tolist() == valid_examples.tolist())
emb = F.normalize(model.in_embed.weight.detach(), dim=1)
print(f"{emb.norm(dim=1).min().item():.4f}", emb.shape)
sims = emb @ emb[vocab_to_int['king']]
print(F.cosine_similarity(emb[:3], emb[vocab_to_int['king']].unsqueeze(0)).shape,
      torch.allclose(sims[:3], F.cosine_similarity(emb[:3], emb[vocab_to_int['king']].unsqueeze(0)), atol=1e-6))

# CBOW with nn.EmbeddingBag(mode='mean') over flat context lists and offsets
class CBOW(nn.Module):
    def __init__(self, vocab_size, dim):
        super().__init__()
        self.bag = nn.EmbeddingBag(vocab_size, dim, mode='mean')
        self.out = nn.Linear(dim, vocab_size)

    def forward(self, flat, offsets):
        return self.out(self.bag(flat, offsets))


torch.manual_seed(5)
cbow = CBOW(len(vocab_to_int), 8)
print(cbow)
contexts = [int_words[i - 2:i] + int_words[i + 1:i + 3] for i in range(2, len(int_words) - 2)]
centers = torch.tensor([int_words[i] for i in range(2, len(int_words) - 2)])
flat = torch.tensor([w for ctx in contexts for w in ctx])
offsets = torch.tensor([0] + [len(c) for c in contexts[:-1]]).cumsum(dim=0)
print(flat.shape, offsets[:5], offsets.dtype)
opt = optim.Adam(cbow.parameters(), lr=0.05)
for step in range(30):
    logits = cbow(flat, offsets)
    loss = F.cross_entropy(logits, centers)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 10 == 0:
        print(f"cbow step {step} loss {loss.item():.4f}")
pred = logits.argmax(1)
print(f"acc {(pred == centers).float().mean().item():.3f}", logits.shape, cbow.bag.weight.grad.shape)
print([int_to_vocab[i] for i in pred[:6].tolist()])
vec = cbow.bag.weight.detach().numpy()
print(type(vec).__name__, vec.dtype, vec.shape, np.isfinite(vec).all())
