"""The bigram language model again, now as a one-layer neural net trained by gradient descent, in the
style of from-scratch lecture series: one-hot inputs, a 27x27 weight matrix, a hand-written softmax,
``W.grad = None`` and ``W.data += -lr * W.grad``."""
import random

import torch
import torch.nn.functional as F

rng = random.Random(7)
parts = ["ma", "ri", "on", "el", "la", "ja", "ke", "vi", "ta", "no", "sa", "by", "qu", "ix", "ew"]
words = ["".join(rng.choice(parts) for _ in range(rng.randint(1, 3))) for _ in range(300)]
chars = [chr(ord("a") + i) for i in range(26)]
stoi = {s: i + 1 for i, s in enumerate(chars)}
stoi["."] = 0
itos = {i: s for s, i in stoi.items()}

# the training set of bigrams (x, y)
xs, ys = [], []
for w in words[:1]:
    chs = ["."] + list(w) + ["."]
    for ch1, ch2 in zip(chs, chs[1:]):
        xs.append(stoi[ch1])
        ys.append(stoi[ch2])
xs = torch.tensor(xs)
ys = torch.tensor(ys)
print(words[0], xs, ys)

xenc = F.one_hot(xs, num_classes=27).float()
print(xenc.shape, xenc.dtype)
print(xenc[:, :8])
print(F.one_hot(torch.tensor([3, 0, 4]))), print(F.one_hot(torch.tensor([[1], [2]]), 4).shape)

g = torch.Generator().manual_seed(2147483647)
W = torch.randn((27, 27), generator=g)
print(W[:2, :5])
logits = xenc @ W                       # log-counts
counts = logits.exp()                   # equivalent to N
probs = counts / counts.sum(1, keepdims=True)
print(probs.shape, probs[0].sum().item() - 1.0 < 1e-6)
print(probs[0, :6])

nlls = torch.zeros(5)
for i in range(5):
    x = xs[i].item()
    y = ys[i].item()
    p = probs[i, y]
    logp = torch.log(p)
    nll = -logp
    nlls[i] = nll
    print(f"bigram {itos[x]}{itos[y]}: prob {p.item():.4f} nll {nll.item():.4f}")
print("average nll", f"{nlls.mean().item():.4f}")

# the whole dataset
xs, ys = [], []
for w in words:
    chs = ["."] + list(w) + ["."]
    for ch1, ch2 in zip(chs, chs[1:]):
        xs.append(stoi[ch1])
        ys.append(stoi[ch2])
xs = torch.tensor(xs)
ys = torch.tensor(ys)
num = xs.nelement()
print("number of examples:", num)

g = torch.Generator().manual_seed(2147483647)
W = torch.randn((27, 27), generator=g, requires_grad=True)
print(W.requires_grad, W.is_leaf, W.grad)

for k in range(30):
    # forward pass
    xenc = F.one_hot(xs, num_classes=27).float()
    logits = xenc @ W
    counts = logits.exp()
    probs = counts / counts.sum(1, keepdims=True)
    loss = -probs[torch.arange(num), ys].log().mean() + 0.01 * (W**2).mean()
    if k % 5 == 0 or k == 29:
        print(k, f"{loss.item():.4f}")
    # backward pass
    W.grad = None
    loss.backward()
    # update
    W.data += -50 * W.grad
print(type(loss.grad_fn).__name__, loss.grad_fn.next_functions[0][0].__class__.__name__)
print(f"{W.grad.abs().max().item():.4f}", W.grad.shape, W.grad.dtype)

# the learned weights against the count-based table
N = torch.zeros((27, 27), dtype=torch.int32)
for a, b in zip(xs.tolist(), ys.tolist()):
    N[a, b] += 1
P = (N + 1).float()
P /= P.sum(1, keepdims=True)
count_nll = -P[xs, ys].log().mean()
print("counts nll", f"{count_nll.item():.4f}")
print("rows agree on argmax:", (W.argmax(1) == P.argmax(1))[1:6].tolist())

# sample from the neural net model
g = torch.Generator().manual_seed(2147483647)
for i in range(5):
    out = []
    ix = 0
    while True:
        xenc = F.one_hot(torch.tensor([ix]), num_classes=27).float()
        logits = xenc @ W
        counts = logits.exp()
        p = counts / counts.sum(1, keepdims=True)
        ix = torch.multinomial(p, num_samples=1, replacement=True, generator=g).item()
        out.append(itos[ix])
        if ix == 0 or len(out) > 20:
            break
    print("".join(out))

# cross_entropy gives the same loss as the manual softmax
logits = F.one_hot(xs, num_classes=27).float() @ W
manual = -(logits.exp() / logits.exp().sum(1, keepdims=True))[torch.arange(num), ys].log().mean()
print(f"{F.cross_entropy(logits, ys).item():.4f}", f"{manual.item():.4f}")
print(torch.multinomial(torch.tensor([[0.1, 0.9], [0.8, 0.2]]), 3, replacement=True, generator=g))
print(torch.multinomial(torch.tensor([1.0, 2.0, 3.0, 4.0]), 4, generator=g))
