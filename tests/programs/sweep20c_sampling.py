"""Decoding strategies as the "how to generate text" tutorials write them, on a tiny character model:
greedy, temperature, top-k (topk then -inf fill, or the kth-value threshold), nucleus / top-p
(sort, softmax, cumsum, shift the mask right, scatter it back to vocabulary order), min-p, typical
sampling, with torch.multinomial driven by a seeded torch.Generator so that runs are reproducible."""
import torch
import torch.nn as nn
import torch.nn.functional as F


def top_k_filtering(logits, top_k, filter_value=-float("Inf")):
    top_k = min(top_k, logits.size(-1))
    indices_to_remove = logits < torch.topk(logits, top_k)[0][..., -1, None]
    return logits.masked_fill(indices_to_remove, filter_value)


def top_p_filtering(logits, top_p, filter_value=-float("Inf"), min_tokens_to_keep=1):
    sorted_logits, sorted_indices = torch.sort(logits, descending=True)
    cumulative_probs = torch.cumsum(F.softmax(sorted_logits, dim=-1), dim=-1)
    sorted_indices_to_remove = cumulative_probs > top_p
    sorted_indices_to_remove[..., 1:] = sorted_indices_to_remove[..., :-1].clone()
    sorted_indices_to_remove[..., 0] = 0
    sorted_indices_to_remove[..., :min_tokens_to_keep] = False
    indices_to_remove = sorted_indices_to_remove.scatter(1, sorted_indices, sorted_indices_to_remove)
    return logits.masked_fill(indices_to_remove, filter_value)


def top_p_ascending(logits, top_p, filter_value=-float("Inf")):
    # the HF TopPLogitsWarper way: ascending sort, remove the low tail whose mass is <= 1 - p
    sorted_logits, sorted_indices = torch.sort(logits, descending=False)
    cumulative_probs = sorted_logits.softmax(dim=-1).cumsum(dim=-1)
    sorted_indices_to_remove = cumulative_probs <= (1 - top_p)
    sorted_indices_to_remove[..., -1:] = 0
    indices_to_remove = sorted_indices_to_remove.scatter(1, sorted_indices, sorted_indices_to_remove)
    return logits.masked_fill(indices_to_remove, filter_value)


def min_p_filtering(logits, min_p):
    probs = torch.softmax(logits, dim=-1)
    top_probs, _ = probs.max(dim=-1, keepdim=True)
    return logits.masked_fill(probs < min_p * top_probs, -float("inf"))


def typical_filtering(logits, mass=0.9):
    normalized = torch.nn.functional.log_softmax(logits, dim=-1)
    p = torch.exp(normalized)
    ent = -(normalized * p).nansum(-1, keepdim=True)
    shifted_scores = torch.abs((-normalized) - ent)
    sorted_scores, sorted_indices = torch.sort(shifted_scores, descending=False)
    sorted_logits = logits.gather(-1, sorted_indices)
    cumulative_probs = sorted_logits.softmax(dim=-1).cumsum(dim=-1)
    last_ind = (cumulative_probs < mass).sum(dim=1)
    last_ind.clamp_(max=sorted_scores.shape[-1] - 1)
    sorted_indices_to_remove = sorted_scores > sorted_scores.gather(1, last_ind.view(-1, 1))
    indices_to_remove = sorted_indices_to_remove.scatter(1, sorted_indices, sorted_indices_to_remove)
    return logits.masked_fill(indices_to_remove, -float("inf"))


class CharLSTM(nn.Module):
    def __init__(self, vocab, emb=12, hidden=24):
        super().__init__()
        self.emb = nn.Embedding(vocab, emb)
        self.rnn = nn.LSTM(emb, hidden, batch_first=True)
        self.head = nn.Linear(hidden, vocab)

    def forward(self, x, state=None):
        h, state = self.rnn(self.emb(x), state)
        return self.head(h), state


text = "the quick brown fox jumps over the lazy dog. " * 6
chars = sorted(set(text))
stoi = {c: i for i, c in enumerate(chars)}
itos = {i: c for c, i in stoi.items()}
data = torch.tensor([stoi[c] for c in text], dtype=torch.long)
print("vocab", len(chars), "data", data.shape, data[:10].tolist())

torch.manual_seed(0)
model = CharLSTM(len(chars))
opt = torch.optim.Adam(model.parameters(), lr=2e-2)
for step in range(30):
    ix = torch.randint(0, len(data) - 17, (16,))
    xb = torch.stack([data[i:i + 16] for i in ix])
    yb = torch.stack([data[i + 1:i + 17] for i in ix])
    logits, _ = model(xb)
    loss = F.cross_entropy(logits.reshape(-1, len(chars)), yb.reshape(-1))
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 10 == 9:
        print(f"step {step + 1} loss {loss.item():.3f}")


@torch.no_grad()
def sample(model, prompt, n, strategy, generator, temperature=1.0, **kw):
    model.eval()
    x = torch.tensor([[stoi[c] for c in prompt]])
    logits, state = model(x)
    out = list(prompt)
    for _ in range(n):
        next_logits = logits[:, -1, :] / temperature
        if strategy == "greedy":
            nxt = torch.argmax(next_logits, dim=-1, keepdim=True)
        else:
            if strategy == "top_k":
                next_logits = top_k_filtering(next_logits, kw["k"])
            elif strategy == "top_p":
                next_logits = top_p_filtering(next_logits, kw["p"])
            elif strategy == "min_p":
                next_logits = min_p_filtering(next_logits, kw["p"])
            elif strategy == "typical":
                next_logits = typical_filtering(next_logits, kw["mass"])
            probs = F.softmax(next_logits, dim=-1)
            nxt = torch.multinomial(probs, num_samples=1, generator=generator)
        out.append(itos[nxt.item()])
        logits, state = model(nxt, state)
    return "".join(out)


g = torch.Generator().manual_seed(42)
print("greedy     ", repr(sample(model, "the ", 30, "greedy", g)))
for temp in (0.5, 1.0, 1.5):
    g.manual_seed(1234)
    print(f"temp {temp}   ", repr(sample(model, "the ", 30, "sample", g, temperature=temp)))
g.manual_seed(7)
print("top_k 3    ", repr(sample(model, "the ", 30, "top_k", g, k=3)))
g.manual_seed(7)
print("top_p 0.8  ", repr(sample(model, "the ", 30, "top_p", g, p=0.8)))
g.manual_seed(7)
print("min_p 0.1  ", repr(sample(model, "the ", 30, "min_p", g, p=0.1)))
g.manual_seed(7)
print("typical 0.9", repr(sample(model, "the ", 30, "typical", g, mass=0.9)))
print("generator state size", g.get_state().shape, g.initial_seed())

# the filters on a hand-made batch
logits = torch.tensor([[2.0, 1.0, 0.5, 0.0, -1.0, -3.0], [0.1, 0.2, 5.0, 0.3, 0.4, 0.0]])
print("top_k", top_k_filtering(logits, 2))
print("top_p", top_p_filtering(logits, 0.7))
print("top_p asc", top_p_ascending(logits, 0.7))
print("same kept", torch.equal(top_p_filtering(logits, 0.7).isinf(), top_p_ascending(logits, 0.7).isinf()))
print("min_p", min_p_filtering(logits, 0.2))
print("typical", typical_filtering(logits, 0.5))
sorted_logits, sorted_idx = torch.sort(logits, descending=True)
print("sorted", sorted_idx.tolist(), "argsort", logits.argsort(dim=-1, descending=True).tolist())
cum = sorted_logits.softmax(-1).cumsum(-1)
print("cumsum", cum.round(decimals=4))
print("searchsorted", torch.searchsorted(cum, torch.tensor([[0.7], [0.7]])).tolist())
print("kth value", torch.kthvalue(logits, 5, dim=-1).values.tolist())

# multinomial on its own: counts from many draws, with and without replacement
g = torch.Generator().manual_seed(0)
probs = torch.tensor([0.1, 0.2, 0.3, 0.4])
draws = torch.multinomial(probs, 2000, replacement=True, generator=g)
print("counts", torch.bincount(draws, minlength=4).tolist())
print("no replacement", torch.multinomial(probs, 4, generator=g).tolist())
print("batched", torch.multinomial(torch.tensor([[1.0, 0.0, 3.0], [0.0, 0.0, 1.0]]), 3, True, generator=g).tolist())
torch.manual_seed(3)
print("global rng", torch.multinomial(probs, 5, replacement=True).tolist(), torch.rand(2).round(decimals=4))
# Gumbel-max trick: argmax(logits - log(-log(u))) samples from softmax(logits)
u = torch.rand(4000, 4, generator=g)
gumbel = -torch.log(-torch.log(u))
idx = (torch.log(probs) + gumbel).argmax(-1)
print("gumbel-max counts", torch.bincount(idx, minlength=4).tolist())
q = torch.empty_like(probs).exponential_(1, generator=g)
print("exponential race", (probs / q).argmax().item(), q.round(decimals=4))
