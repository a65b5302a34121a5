"""An MLP character language model (an embedding table, a tanh hidden layer, a softmax output) in the
style of from-scratch lecture series: context windows, ``C[X]``, ``emb.view(-1, 30)``, minibatches from
``torch.randint``, a learning-rate search over ``10**lre``, train/dev/test splits and sampling."""
import random

import torch
import torch.nn.functional as F

rng = random.Random(1234)
onsets = ["b", "d", "k", "l", "m", "n", "r", "s", "t", "v", "z", "sh", "ch", ""]
vowels = ["a", "e", "i", "o", "u", "ay", "ee"]
words = []
for _ in range(300):
    w = "".join(rng.choice(onsets) + rng.choice(vowels) for _ in range(rng.randint(1, 3)))
    words.append(w)
print(len(words), words[:6])

chars = sorted(list(set("".join(words))))
stoi = {s: i + 1 for i, s in enumerate(chars)}
stoi["."] = 0
itos = {i: s for s, i in stoi.items()}
vocab_size = len(itos)
print(vocab_size, "".join(chars))

block_size = 3  # context length: how many characters we take to predict the next one


def build_dataset(words):
    X, Y = [], []
    for w in words:
        context = [0] * block_size
        for ch in w + ".":
            ix = stoi[ch]
            X.append(context)
            Y.append(ix)
            context = context[1:] + [ix]  # crop and append
    X = torch.tensor(X)
    Y = torch.tensor(Y)
    print(X.shape, Y.shape)
    return X, Y


# a first look at one word's examples
X, Y = build_dataset(words[:2])
for x, y in zip(X.tolist(), Y.tolist()):
    print("".join(itos[i] for i in x), "--->", itos[y])

random.seed(42)
random.shuffle(words)
n1 = int(0.8 * len(words))
n2 = int(0.9 * len(words))
Xtr, Ytr = build_dataset(words[:n1])
Xdev, Ydev = build_dataset(words[n1:n2])
Xte, Yte = build_dataset(words[n2:])

# embedding lookups
C = torch.randn((vocab_size, 2))
print(C[5].shape, F.one_hot(torch.tensor(5), num_classes=vocab_size).float() @ C == C[5])
print(C[[5, 6, 7]].shape, C[torch.tensor([5, 6, 7, 7, 7])].shape, C[X].shape, C[X][1, 2].shape)
emb = C[X]
print(torch.cat([emb[:, 0, :], emb[:, 1, :], emb[:, 2, :]], 1).shape)
print(torch.cat(torch.unbind(emb, 1), 1).shape)
a = torch.arange(18)
print(a.view(2, 9), a.view(3, 3, 2).shape, a.storage().size() if hasattr(a, "storage") else None)
print(emb.view(-1, 6).shape, (emb.view(-1, 6) == torch.cat(torch.unbind(emb, 1), 1)).all())

g = torch.Generator().manual_seed(2147483647)  # for reproducibility
C = torch.randn((vocab_size, 10), generator=g)
W1 = torch.randn((30, 200), generator=g) * (5 / 3) / (30**0.5)
b1 = torch.randn(200, generator=g) * 0.01
W2 = torch.randn((200, vocab_size), generator=g) * 0.01
b2 = torch.randn(vocab_size, generator=g) * 0
parameters = [C, W1, b1, W2, b2]
print(sum(p.nelement() for p in parameters))  # number of parameters in total
for p in parameters:
    p.requires_grad = True

# learning-rate search: exponentially spaced candidates
lre = torch.linspace(-3, 0, 1000)
lrs = 10**lre
print(lre[:3], lre[-3:], lrs[::250])
print(lrs.dtype, f"{lrs[500].item():.6f}")

lri, lossi, stepi = [], [], []
torch.manual_seed(42)
for i in range(200):
    # minibatch construct
    ix = torch.randint(0, Xtr.shape[0], (32,))
    if i == 0:
        print(ix)
    # forward pass
    emb = C[Xtr[ix]]  # (32, 3, 10)
    h = torch.tanh(emb.view(-1, 30) @ W1 + b1)  # (32, 200)
    logits = h @ W2 + b2  # (32, 27)
    loss = F.cross_entropy(logits, Ytr[ix])
    # backward pass
    for p in parameters:
        p.grad = None
    loss.backward()
    # update
    lr = 0.1 if i < 150 else 0.01
    for p in parameters:
        p.data += -lr * p.grad
    stepi.append(i)
    lossi.append(loss.log10().item())
    if i % 40 == 0:
        print(f"{i:4d} {loss.item():.4f}")
print(len(lossi), f"{sum(lossi[-20:]) / 20:.3f}")


@torch.no_grad()  # this decorator disables gradient tracking
def split_loss(split):
    x, y = {
        "train": (Xtr, Ytr),
        "val": (Xdev, Ydev),
        "test": (Xte, Yte),
    }[split]
    emb = C[x]
    embcat = emb.view(emb.shape[0], -1)
    h = torch.tanh(embcat @ W1 + b1)
    logits = h @ W2 + b2
    loss = F.cross_entropy(logits, y)
    print(split, f"{loss.item():.3f}", loss.requires_grad)


split_loss("train")
split_loss("val")
split_loss("test")

# the manual softmax and cross_entropy agree, and cross_entropy survives large logits
logits = torch.tensor([-2, -3, 0, 5]) + 100
counts = logits.exp()
print(counts, (counts / counts.sum()))
print(F.softmax(logits.float(), 0), F.cross_entropy(logits.float()[None], torch.tensor([3])))

# sample from the model
g = torch.Generator().manual_seed(2147483647 + 10)
for _ in range(6):
    out = []
    context = [0] * block_size
    while True:
        emb = C[torch.tensor([context])]  # (1, block_size, d)
        h = torch.tanh(emb.view(1, -1) @ W1 + b1)
        logits = h @ W2 + b2
        probs = F.softmax(logits, dim=1)
        ix = torch.multinomial(probs, num_samples=1, generator=g).item()
        context = context[1:] + [ix]
        out.append(ix)
        if ix == 0 or len(out) > 15:
            break
    print("".join(itos[i] for i in out))

# 2-d embedding picture, as numbers: which letters sit close together
with torch.no_grad():
    d = torch.cdist(C[1:6], C[1:6])
print(d.shape, (d.diagonal() == 0).all().item())
print(torch.randint(0, 10, (8,), generator=g), torch.randint(5, (2, 3)))
