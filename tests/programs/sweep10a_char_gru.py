"""A char-level RNN text generator: Embedding + GRU, truncated BPTT with hidden state detaching,
clip_grad_norm_ return values, temperature sampling with torch.multinomial from a Generator."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(42)
text = "hello world, hello torch. the quick brown fox jumps over the lazy dog. " * 4
chars = sorted(set(text))
stoi = {c: i for i, c in enumerate(chars)}
itos = {i: c for c, i in stoi.items()}
data = torch.tensor([stoi[c] for c in text], dtype=torch.long)
print(len(chars), repr("".join(chars)), data.shape, data.dtype, data[:12].tolist())


class CharRNN(nn.Module):
    def __init__(self, vocab, emb=12, hidden=24, layers=2, dropout=0.0):
        super().__init__()
        self.embed = nn.Embedding(vocab, emb)
        self.rnn = nn.GRU(emb, hidden, num_layers=layers, batch_first=True, dropout=dropout)
        self.head = nn.Linear(hidden, vocab)
        self.hidden, self.layers = hidden, layers

    def forward(self, x, h=None):
        out, h = self.rnn(self.embed(x), h)
        return self.head(out), h

    def init_hidden(self, batch):
        return torch.zeros(self.layers, batch, self.hidden)


model = CharRNN(len(chars))
print(model)
for name, p in model.named_parameters():
    print(name, tuple(p.shape), p.requires_grad)
print(model.rnn.weight_ih_l0.shape, model.rnn.all_weights[1][1].shape, len(model.rnn._flat_weights))
opt = torch.optim.Adam(model.parameters(), lr=0.01)

seq_len, batch = 16, 4
starts = torch.arange(0, len(data) - seq_len - 1, (len(data) - seq_len - 1) // batch)[:batch]
print(starts)
h = model.init_hidden(batch)
norms = []
for step in range(30):
    off = (step * seq_len) % (len(data) - seq_len * 2 - max(starts))
    idx = starts[:, None] + off + torch.arange(seq_len)
    xb, yb = data[idx], data[idx + 1]
    h = h.detach()
    logits, h = model(xb, h)
    loss = F.cross_entropy(logits.reshape(-1, len(chars)), yb.reshape(-1))
    opt.zero_grad()
    loss.backward()
    total = nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
    norms.append(total)
    opt.step()
    if step % 6 == 0:
        print(step, f"{loss.item():.3f}", type(total).__name__, total.dtype, total.shape, f"{total:.3f}",
              type(loss.grad_fn).__name__, h.shape, h.requires_grad, type(h.grad_fn).__name__)
print(torch.stack(norms).shape, f"{torch.stack(norms).max():.3f}")
t_inf = nn.utils.clip_grad_norm_(model.parameters(), max_norm=0.5, norm_type=float("inf"))
print(f"{t_inf:.4f}", max(p.grad.abs().max() for p in model.parameters()) <= 0.5 + 1e-6)
t_1 = nn.utils.clip_grad_norm_([p for p in model.parameters()], 2.0, norm_type=1)
print(f"{t_1:.3f}")
nn.utils.clip_grad_value_(model.parameters(), clip_value=0.01)
print(f"{model.head.weight.grad.abs().max():.4f}")
print(nn.utils.clip_grad_norm_([], 1.0), nn.utils.clip_grad_norm_([torch.zeros(2, requires_grad=True)], 1.0))
params = list(model.parameters())
vec = nn.utils.parameters_to_vector(params)
print(vec.shape, f"{vec.norm():.3f}")
nn.utils.vector_to_parameters(vec * 1.0, params)


def sample(model, prime, length, temperature=0.8, gen=None, top_k=None):
    model.eval()
    with torch.no_grad():
        x = torch.tensor([[stoi[c] for c in prime]])
        logits, h = model(x)
        out = list(prime)
        for _ in range(length):
            logit = logits[0, -1] / temperature
            if top_k is not None:
                v, _ = torch.topk(logit, top_k)
                logit = logit.masked_fill(logit < v[-1], float("-inf"))
            probs = F.softmax(logit, dim=-1)
            nxt = torch.multinomial(probs, num_samples=1, generator=gen)
            out.append(itos[nxt.item()])
            logits, h = model(nxt.view(1, 1), h)
    return "".join(out)


g = torch.Generator().manual_seed(7)
print(g.initial_seed(), type(g.get_state()).__name__, g.get_state().dtype, g.get_state().shape)
print(repr(sample(model, "hel", 20, gen=g)))
print(repr(sample(model, "the", 20, temperature=0.5, gen=g, top_k=3)))
state = g.get_state()
a = torch.multinomial(torch.tensor([0.1, 0.2, 0.3, 0.4]), 6, replacement=True, generator=g)
g.set_state(state)
b = torch.multinomial(torch.tensor([0.1, 0.2, 0.3, 0.4]), 6, replacement=True, generator=g)
print(a, torch.equal(a, b), torch.multinomial(torch.tensor([[0.0, 1.0, 0.0], [0.5, 0.0, 0.5]]), 2, generator=g))
try:
    torch.multinomial(torch.tensor([0.5, 0.5]), 3)
except RuntimeError as e:
    print(type(e).__name__, e)
try:
    torch.multinomial(torch.tensor([-0.5, 0.5]), 1)
except RuntimeError as e:
    print(type(e).__name__, e)

cell = nn.GRUCell(4, 5)
hc = torch.zeros(2, 5)
xs = torch.randn(3, 2, 4)
for t in range(3):
    hc = cell(xs[t], hc)
print(cell, hc.round(decimals=4), type(hc.grad_fn).__name__)
full, hn = nn.GRU(4, 5, bidirectional=True)(xs)
print(full.shape, hn.shape, torch.allclose(full[-1, :, :5], hn[0]), torch.allclose(full[0, :, 5:], hn[1]))
