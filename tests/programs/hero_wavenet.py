"""A WaveNet-style hierarchical character model in the style of from-scratch lecture series: hand-written
``Embedding``, ``FlattenConsecutive``, ``Linear``, ``BatchNorm1d`` (over dims (0, 1) for 3-d input),
``Tanh`` and ``Sequential`` classes that fuse characters two at a time."""
import random

import torch
import torch.nn.functional as F

rng = random.Random(2024)
syl = ["ar", "bo", "ce", "di", "en", "fo", "ga", "hi", "ia", "jo", "ku", "le", "mo", "ny", "ol", "pe", "ra"]
words = ["".join(rng.choice(syl) for _ in range(rng.randint(1, 4))) for _ in range(300)]
chars = sorted(set("".join(words)))
stoi = {s: i + 1 for i, s in enumerate(chars)}
stoi["."] = 0
itos = {i: s for s, i in stoi.items()}
vocab_size = len(itos)
block_size = 8


def build_dataset(words):
    X, Y = [], []
    for w in words:
        context = [0] * block_size
        for ch in w + ".":
            ix = stoi[ch]
            X.append(context)
            Y.append(ix)
            context = context[1:] + [ix]
    return torch.tensor(X), torch.tensor(Y)


random.seed(42)
random.shuffle(words)
n1, n2 = int(0.8 * len(words)), int(0.9 * len(words))
Xtr, Ytr = build_dataset(words[:n1])
Xdev, Ydev = build_dataset(words[n1:n2])
Xte, Yte = build_dataset(words[n2:])
print(vocab_size, Xtr.shape, Xdev.shape, Xte.shape)
for x, y in zip(Xtr[:5], Ytr[:5]):
    print("".join(itos[ix.item()] for ix in x), "-->", itos[y.item()])


class Linear:
    def __init__(self, fan_in, fan_out, bias=True):
        self.weight = torch.randn((fan_in, fan_out)) / fan_in**0.5  # note: kaiming init
        self.bias = torch.zeros(fan_out) if bias else None

    def __call__(self, x):
        self.out = x @ self.weight
        if self.bias is not None:
            self.out += self.bias
        return self.out

    def parameters(self):
        return [self.weight] + ([] if self.bias is None else [self.bias])


class BatchNorm1d:
    def __init__(self, dim, eps=1e-5, momentum=0.1):
        self.eps = eps
        self.momentum = momentum
        self.training = True
        self.gamma = torch.ones(dim)
        self.beta = torch.zeros(dim)
        self.running_mean = torch.zeros(dim)
        self.running_var = torch.ones(dim)

    def __call__(self, x):
        if self.training:
            if x.ndim == 2:
                dim = 0
            elif x.ndim == 3:
                dim = (0, 1)
            xmean = x.mean(dim, keepdim=True)
            xvar = x.var(dim, keepdim=True)
        else:
            xmean = self.running_mean
            xvar = self.running_var
        xhat = (x - xmean) / torch.sqrt(xvar + self.eps)
        self.out = self.gamma * xhat + self.beta
        if self.training:
            with torch.no_grad():
                self.running_mean = (1 - self.momentum) * self.running_mean + self.momentum * xmean
                self.running_var = (1 - self.momentum) * self.running_var + self.momentum * xvar
        return self.out

    def parameters(self):
        return [self.gamma, self.beta]


class Tanh:
    def __call__(self, x):
        self.out = torch.tanh(x)
        return self.out

    def parameters(self):
        return []


class Embedding:
    def __init__(self, num_embeddings, embedding_dim):
        self.weight = torch.randn((num_embeddings, embedding_dim))

    def __call__(self, IX):
        self.out = self.weight[IX]
        return self.out

    def parameters(self):
        return [self.weight]


class FlattenConsecutive:
    def __init__(self, n):
        self.n = n

    def __call__(self, x):
        B, T, C = x.shape
        x = x.view(B, T // self.n, C * self.n)
        if x.shape[1] == 1:
            x = x.squeeze(1)
        self.out = x
        return self.out

    def parameters(self):
        return []


class Sequential:
    def __init__(self, layers):
        self.layers = layers

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        self.out = x
        return self.out

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]


torch.manual_seed(42)
# shapes first: what the flattening does to a batch of 4
e = torch.randn(4, 8, 10)
print(torch.cat([e[:, ::2, :], e[:, 1::2, :]], dim=2).shape)
print((e.view(4, 4, 20) == torch.cat([e[:, ::2, :], e[:, 1::2, :]], dim=2)).all())
print(e.view(4, -1).shape, e.view(4, 2, 40).shape, e.view(4, 1, 80).squeeze(1).shape)
print(e.mean((0, 1), keepdim=True).shape, e.var((0, 1), keepdim=True).shape, e.mean(0, keepdim=True).shape)
print(torch.randn(4, 80) @ torch.randn(80, 200) is not None, (torch.randn(4, 5, 80) @ torch.randn(80, 200)).shape)

n_embd = 10
n_hidden = 48
model = Sequential([
    Embedding(vocab_size, n_embd),
    FlattenConsecutive(2), Linear(n_embd * 2, n_hidden, bias=False), BatchNorm1d(n_hidden), Tanh(),
    FlattenConsecutive(2), Linear(n_hidden * 2, n_hidden, bias=False), BatchNorm1d(n_hidden), Tanh(),
    FlattenConsecutive(2), Linear(n_hidden * 2, n_hidden, bias=False), BatchNorm1d(n_hidden), Tanh(),
    Linear(n_hidden, vocab_size),
])
with torch.no_grad():
    model.layers[-1].weight *= 0.1  # last layer make less confident
parameters = model.parameters()
print(sum(p.nelement() for p in parameters))
for p in parameters:
    p.requires_grad = True

ix = torch.randint(0, Xtr.shape[0], (4,))
Xb, Yb = Xtr[ix], Ytr[ix]
logits = model(Xb)
print(Xb.shape, Xb)
for layer in model.layers:
    print(layer.__class__.__name__, ":", tuple(layer.out.shape))
print(model.layers[3].running_mean.shape)

max_steps = 60
batch_size = 32
lossi = []
for i in range(max_steps):
    ix = torch.randint(0, Xtr.shape[0], (batch_size,))
    Xb, Yb = Xtr[ix], Ytr[ix]
    logits = model(Xb)
    loss = F.cross_entropy(logits, Yb)
    for p in parameters:
        p.grad = None
    loss.backward()
    lr = 0.1 if i < 45 else 0.01
    for p in parameters:
        p.data += -lr * p.grad
    if i % 10 == 0:
        print(f"{i:7d}/{max_steps:7d}: {loss.item():.4f}")
    lossi.append(loss.log10().item())
print(torch.tensor(lossi).view(-1, 20).mean(1).shape)

for layer in model.layers:
    layer.training = False


@torch.no_grad()
def split_loss(split):
    x, y = {"train": (Xtr, Ytr), "val": (Xdev, Ydev), "test": (Xte, Yte)}[split]
    logits = model(x)
    loss = F.cross_entropy(logits, y)
    print(split, f"{loss.item():.3f}")


split_loss("train")
split_loss("val")

for _ in range(5):
    out = []
    context = [0] * block_size
    while True:
        logits = model(torch.tensor([context]))
        probs = F.softmax(logits, dim=1)
        ix = torch.multinomial(probs, num_samples=1).item()
        context = context[1:] + [ix]
        out.append(ix)
        if ix == 0 or len(out) > 15:
            break
    print("".join(itos[i] for i in out))

# the same network with torch.nn building blocks: BatchNorm1d wants (N, C, L), hence the transposes
torch.manual_seed(42)
emb = torch.nn.Embedding(vocab_size, n_embd)
lin = torch.nn.Linear(n_embd * 2, n_hidden, bias=False)
bn = torch.nn.BatchNorm1d(n_hidden)
h = lin(emb(Xtr[:16]).view(16, 4, 2 * n_embd))
out = bn(h.transpose(1, 2)).transpose(1, 2)
print(out.shape, f"{out.mean().abs().item():.4f}", f"{out.std().item():.3f}", bn.running_mean.shape)
print(bn.num_batches_tracked, f"{bn.running_var.mean().item():.4f}")
