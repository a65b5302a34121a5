"""makemore part 3 (Karpathy): a character MLP with a hand-written BatchNorm1d, kaiming-scaled init,
a torch.Generator, @torch.no_grad split_loss, activation statistics, and sampling with
temperature and top-k via torch.multinomial."""
import torch
import torch.nn.functional as F

words = ["emma", "olivia", "ava", "isabella", "sophia", "mia", "amelia", "harper", "evelyn", "abigail",
         "emily", "ella", "elizabeth", "camila", "luna", "sofia", "avery", "mila", "aria", "scarlett"]
chars = sorted(list(set("".join(words))))
stoi = {s: i + 1 for i, s in enumerate(chars)}
stoi["."] = 0
itos = {i: s for s, i in stoi.items()}
vocab_size = len(itos)
print(vocab_size, "".join(chars))

block_size = 3


def build_dataset(words):
    X, Y = [], []
    for w in words:
        context = [0] * block_size
        for ch in w + ".":
            ix = stoi[ch]
            X.append(context)
            Y.append(ix)
            context = context[1:] + [ix]
    X = torch.tensor(X)
    Y = torch.tensor(Y)
    print(X.shape, Y.shape, X.dtype)
    return X, Y


Xtr, Ytr = build_dataset(words[:16])
Xdev, Ydev = build_dataset(words[16:])

n_embd, n_hidden = 6, 32
g = torch.Generator().manual_seed(2147483647)
C = torch.randn((vocab_size, n_embd), generator=g)
W1 = torch.randn((n_embd * block_size, n_hidden), generator=g) * (5 / 3) / ((n_embd * block_size) ** 0.5)
W2 = torch.randn((n_hidden, vocab_size), generator=g) * 0.01
b2 = torch.randn(vocab_size, generator=g) * 0
bngain = torch.ones((1, n_hidden))
bnbias = torch.zeros((1, n_hidden))
bnmean_running = torch.zeros((1, n_hidden))
bnstd_running = torch.ones((1, n_hidden))
parameters = [C, W1, W2, b2, bngain, bnbias]
print(sum(p.nelement() for p in parameters))
for p in parameters:
    p.requires_grad = True

max_steps, batch_size = 60, 16
lossi = []
for i in range(max_steps):
    ix = torch.randint(0, Xtr.shape[0], (batch_size,), generator=g)
    Xb, Yb = Xtr[ix], Ytr[ix]
    emb = C[Xb]
    embcat = emb.view(emb.shape[0], -1)
    hpreact = embcat @ W1
    bnmeani = hpreact.mean(0, keepdim=True)
    bnstdi = hpreact.std(0, keepdim=True)
    hpreact = bngain * (hpreact - bnmeani) / bnstdi + bnbias
    with torch.no_grad():
        bnmean_running = 0.999 * bnmean_running + 0.001 * bnmeani
        bnstd_running = 0.999 * bnstd_running + 0.001 * bnstdi
    h = torch.tanh(hpreact)
    logits = h @ W2 + b2
    loss = F.cross_entropy(logits, Yb)
    for p in parameters:
        p.grad = None
    loss.backward()
    lr = 0.1 if i < 40 else 0.01
    for p in parameters:
        p.data += -lr * p.grad
    if i % 10 == 0:
        print(f"{i:7d}/{max_steps:7d}: {loss.item():.4f}")
    lossi.append(loss.log10().item())

print(emb.shape, embcat.shape, type(hpreact.grad_fn).__name__, h.grad_fn.name())
print(f"saturated: {(h.abs() > 0.97).float().mean().item():.4f}")
print(bnmean_running.shape, round(bnstd_running.mean().item(), 4))
print(torch.tensor(lossi).view(-1, 10).mean(1))


@torch.no_grad()
def split_loss(split):
    x, y = {"train": (Xtr, Ytr), "val": (Xdev, Ydev)}[split]
    emb = C[x]
    embcat = emb.view(emb.shape[0], -1)
    hpreact = embcat @ W1
    hpreact = bngain * (hpreact - bnmean_running) / bnstd_running + bnbias
    h = torch.tanh(hpreact)
    logits = h @ W2 + b2
    loss = F.cross_entropy(logits, y)
    print(split, f"{loss.item():.4f}", loss.requires_grad)


split_loss("train")
split_loss("val")

# calibrate the batch norm at the end of training
with torch.no_grad():
    hpre = C[Xtr].view(Xtr.shape[0], -1) @ W1
    bnmean = hpre.mean(0, keepdim=True)
    bnstd = hpre.std(0, keepdim=True)
print(f"{(bnmean - bnmean_running).abs().max().item():.4f}")

g = torch.Generator().manual_seed(2147483647 + 10)
for temperature, top_k in [(1.0, None), (0.5, None), (1.0, 5)]:
    out_names = []
    for _ in range(4):
        out = []
        context = [0] * block_size
        while True:
            emb = C[torch.tensor([context])]
            hpre = emb.view(1, -1) @ W1
            hpre = bngain * (hpre - bnmean) / bnstd + bnbias
            logits = (torch.tanh(hpre) @ W2 + b2) / temperature
            if top_k is not None:
                v, _ = torch.topk(logits, top_k)
                logits[logits < v[:, [-1]]] = -float("Inf")
            probs = F.softmax(logits, dim=1)
            ix = torch.multinomial(probs, num_samples=1, generator=g).item()
            context = context[1:] + [ix]
            out.append(ix)
            if ix == 0 or len(out) > 12:
                break
        out_names.append("".join(itos[i] for i in out))
    print(temperature, top_k, out_names)
print(g.initial_seed(), g.get_state().shape, g.get_state().dtype)
