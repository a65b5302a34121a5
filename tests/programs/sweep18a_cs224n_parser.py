"""A neural transition-based dependency parser, in the style of an NLP course assignment: partial
parses with SHIFT/LEFT-ARC/RIGHT-ARC, minibatch parsing, a feed-forward model whose embedding lookup
is written with ``index_select``/``gather`` on a feature matrix, ``xavier_uniform_`` init, dropout,
cross-entropy and Adam, a minibatch training loop and UAS computed in plain Python."""
import math
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class PartialParse:
    def __init__(self, sentence):
        self.sentence = sentence
        self.stack = ["ROOT"]
        self.buffer = list(sentence)
        self.dependencies = []

    def parse_step(self, transition):
        if transition == "S":
            self.stack.append(self.buffer.pop(0))
        elif transition == "LA":
            dep = self.stack.pop(-2)
            self.dependencies.append((self.stack[-1], dep))
        elif transition == "RA":
            dep = self.stack.pop()
            self.dependencies.append((self.stack[-1], dep))

    def parse(self, transitions):
        for t in transitions:
            self.parse_step(t)
        return self.dependencies


def minibatch_parse(sentences, model, batch_size):
    partial_parses = [PartialParse(s) for s in sentences]
    unfinished = partial_parses[:]
    while unfinished:
        batch = unfinished[:batch_size]
        transitions = model.predict(batch)
        for pp, t in zip(batch, transitions):
            pp.parse_step(t)
        unfinished = [pp for pp in unfinished if len(pp.buffer) > 0 or len(pp.stack) > 1]
    return [pp.dependencies for pp in partial_parses]


print(PartialParse(["parse", "this", "sentence"]).parse(["S", "S", "S", "LA", "RA", "RA"]))


class ParserModel(nn.Module):
    def __init__(self, embeddings, n_features=6, hidden_size=32, n_classes=3, dropout_prob=0.5):
        super().__init__()
        self.n_features, self.n_classes, self.dropout_prob = n_features, n_classes, dropout_prob
        self.embed_size = embeddings.shape[1]
        self.hidden_size = hidden_size
        self.embeddings = nn.Parameter(torch.tensor(embeddings))
        self.embed_to_hidden_weight = nn.Parameter(torch.empty(self.embed_size * self.n_features, self.hidden_size))
        nn.init.xavier_uniform_(self.embed_to_hidden_weight)
        self.embed_to_hidden_bias = nn.Parameter(torch.empty(self.hidden_size))
        nn.init.uniform_(self.embed_to_hidden_bias)
        self.dropout = nn.Dropout(p=self.dropout_prob)
        self.hidden_to_logits_weight = nn.Parameter(torch.empty(self.hidden_size, self.n_classes))
        nn.init.xavier_uniform_(self.hidden_to_logits_weight)
        self.hidden_to_logits_bias = nn.Parameter(torch.empty(self.n_classes))
        nn.init.uniform_(self.hidden_to_logits_bias)

    def embedding_lookup(self, w):
        x = torch.index_select(self.embeddings, 0, w.reshape(-1))
        return x.view(w.shape[0], -1)

    def embedding_lookup_gather(self, w):
        idx = w.reshape(-1, 1).expand(-1, self.embed_size)
        return torch.gather(self.embeddings, 0, idx).view(w.shape[0], -1)

    def forward(self, w):
        x = self.embedding_lookup(w)
        h = F.relu(torch.matmul(x, self.embed_to_hidden_weight) + self.embed_to_hidden_bias)
        return torch.matmul(self.dropout(h), self.hidden_to_logits_weight) + self.hidden_to_logits_bias


# a synthetic treebank: projective trees over a tiny vocabulary, each word attached to a nearby head
rng = random.Random(224)
vocab = ["<NULL>", "<ROOT>", "<UNK>"] + [f"w{i}" for i in range(20)]
tok2id = {w: i for i, w in enumerate(vocab)}


def random_tree(n):
    heads = [0] * (n + 1)
    root = rng.randint(1, n)
    heads[root] = 0

    def build(lo, hi, head):
        if lo >= hi:
            return
        mid = rng.randint(lo, hi - 1)
        heads[mid] = head
        build(lo, mid, mid)
        build(mid + 1, hi, mid)

    build(1, root, root)
    build(root + 1, n + 1, root)
    words = [f"w{(7 * h + 3 * i) % 20}" for i, h in enumerate(heads)][1:]
    return words, heads


def oracle(words, heads):
    """Arc-standard transitions that rebuild a projective tree."""
    n = len(words)
    stack, buf, deps, trans = [0], list(range(1, n + 1)), set(), []
    feats = []
    while buf or len(stack) > 1:
        feats.append(features(stack, buf, words))
        if len(stack) > 2 and heads[stack[-2]] == stack[-1]:
            trans.append(0)
            deps.add(stack.pop(-2))
        elif len(stack) > 1 and heads[stack[-1]] == stack[-2] and all(
                heads[j] != stack[-1] or j in deps for j in range(1, n + 1)):
            trans.append(1)
            deps.add(stack.pop())
        else:
            trans.append(2)
            stack.append(buf.pop(0))
    return feats, trans


def features(stack, buf, words):
    ids = lambda idxs: [tok2id["<ROOT>"] if i == 0 else tok2id.get(words[i - 1], tok2id["<UNK>"]) for i in idxs]
    s = ids(stack[-3:])
    b = ids(buf[:3])
    return [tok2id["<NULL>"]] * (3 - len(s)) + s + b + [tok2id["<NULL>"]] * (3 - len(b))


train_set = [random_tree(rng.randint(3, 7)) for _ in range(150)]
dev_set = [random_tree(rng.randint(3, 7)) for _ in range(30)]
X, Y = [], []
for words, heads in train_set:
    f, t = oracle(words, heads)
    X += f
    Y += t
X = torch.tensor(X)
Y = torch.tensor(Y)
print("instances", X.shape, Y.bincount().tolist(), X.dtype)

np.random.seed(0)
torch.manual_seed(0)
embeddings = np.random.normal(0, 0.9, (len(vocab), 10)).astype("float32")
model = ParserModel(embeddings)
print(model)
print([(n, tuple(p.shape)) for n, p in model.named_parameters()])
w = X[:4]
print("lookup agree:", torch.equal(model.embedding_lookup(w), model.embedding_lookup_gather(w)),
      model.embedding_lookup(w).shape, model.embedding_lookup(w).grad_fn.name())
print("xavier bound", f"{math.sqrt(6 / (60 + 32)):.4f}", f"{model.embed_to_hidden_weight.abs().max().item():.4f}")

optimizer = torch.optim.Adam(model.parameters(), lr=0.005)
loss_func = nn.CrossEntropyLoss()


class ModelWrapper:
    def __init__(self, model):
        self.model = model

    def predict(self, partial_parses):
        feats = []
        for pp in partial_parses:
            stack = [0 if s == "ROOT" else s for s in pp.stack]
            feats.append(features(stack, pp.buffer, pp.sentence_words))
        with torch.no_grad():
            logits = self.model(torch.tensor(feats))
        legal = []
        for pp in partial_parses:
            legal.append([len(pp.stack) > 2, len(pp.stack) > 1, len(pp.buffer) > 0])
        logits = logits.masked_fill(~torch.tensor(legal), float("-inf"))
        return [["LA", "RA", "S"][i] for i in logits.argmax(dim=1).tolist()]


def uas(dataset, model):
    model.eval()
    sentences = []
    for words, _ in dataset:
        sentences.append(list(range(1, len(words) + 1)))
    parses = []
    wrapper = ModelWrapper(model)
    pps = [PartialParse(s) for s in sentences]
    for pp, (words, _) in zip(pps, dataset):
        pp.sentence_words = words
    unfinished = pps[:]
    while unfinished:
        batch = unfinished[:16]
        for pp, t in zip(batch, wrapper.predict(batch)):
            pp.parse_step(t)
        unfinished = [pp for pp in unfinished if pp.buffer or len(pp.stack) > 1]
    correct = total = 0
    for pp, (words, heads) in zip(pps, dataset):
        pred = {d: (0 if h == "ROOT" else h) for h, d in pp.dependencies}
        for i in range(1, len(words) + 1):
            correct += int(pred.get(i, -1) == heads[i])
            total += 1
    return correct / total


print(f"UAS before training: {100 * uas(dev_set, model):.2f}")
batch_size = 64
n = X.shape[0]
for epoch in range(5):
    model.train()
    perm = torch.randperm(n)
    loss_meter = 0.0
    n_batches = math.ceil(n / batch_size)
    for i in range(n_batches):
        idx = perm[i * batch_size:(i + 1) * batch_size]
        optimizer.zero_grad()
        logits = model(X[idx])
        loss = loss_func(logits, Y[idx])
        loss.backward()
        optimizer.step()
        loss_meter += loss.item()
    dev_uas = uas(dev_set, model)
    print(f"Epoch {epoch + 1}: average train loss {loss_meter / n_batches:.3f}, dev UAS {100 * dev_uas:.2f}")
model.eval()
with torch.no_grad():
    probs = F.softmax(model(X[:3]), dim=-1)
print(probs.round(decimals=3), Y[:3])
print(f"train acc {(model(X).argmax(1) == Y).float().mean().item():.4f}")
