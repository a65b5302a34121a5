"""Toy sequence tasks from RNN course assignments: (1) the adding problem with an LSTM regressor,
(2) sequence reversal with a bidirectional GRU encoder and a GRU decoder (teacher forcing, then
greedy decoding), (3) parity classification with a learned initial state (nn.Parameter h0/c0
expanded over the batch, gradients reaching it), proj_size LSTM in float64, bias-free layers, and
gradient clipping by norm and by value."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(2024)


# ---------------- 1. adding problem ----------------
def adding_batch(n, T):
    vals = torch.rand(n, T)
    marks = torch.zeros(n, T)
    for b in range(n):
        i, j = torch.randperm(T)[:2].tolist()
        marks[b, i] = marks[b, j] = 1.0
    x = torch.stack([vals, marks], dim=2)
    return x, (vals * marks).sum(dim=1, keepdim=True)


class Adder(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(2, 12, batch_first=True)
        self.fc = nn.Linear(12, 1)

    def forward(self, x):
        out, (h, c) = self.lstm(x)
        return self.fc(out[:, -1, :])


adder = Adder()
opt = torch.optim.Adam(adder.parameters(), lr=0.02)
for step in range(30):
    x, y = adding_batch(16, 8)
    loss = F.mse_loss(adder(x), y)
    opt.zero_grad()
    loss.backward()
    total = nn.utils.clip_grad_norm_(adder.parameters(), max_norm=1.0)
    opt.step()
    if step % 10 == 0 or step == 29:
        print(f"adding step {step:2d} loss {loss.item():.4f} grad norm {total.item():.4f}")
x, y = adding_batch(4, 8)
with torch.no_grad():
    print(torch.cat([adder(x), y], dim=1).round(decimals=2))

# ---------------- 2. sequence reversal, seq2seq ----------------
V, SOS, L = 7, 0, 5  # tokens 1..6, 0 is start-of-sequence


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(V, 8)
        self.rnn = nn.GRU(8, 12, bidirectional=True)
        self.bridge = nn.Linear(24, 12)

    def forward(self, src):  # src: (L, N)
        out, h = self.rnn(self.emb(src))
        return out, torch.tanh(self.bridge(torch.cat([h[0], h[1]], dim=1))).unsqueeze(0)


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(V, 8)
        self.rnn = nn.GRU(8, 12)
        self.out = nn.Linear(12, V)

    def forward(self, tok, h):  # tok: (N,)
        o, h = self.rnn(self.emb(tok).unsqueeze(0), h)
        return self.out(o.squeeze(0)), h


enc, dec = Encoder(), Decoder()
params = list(enc.parameters()) + list(dec.parameters())
opt = torch.optim.Adam(params, lr=0.01)


def run(src, tgt=None, teacher_forcing=True):
    _, h = enc(src)
    tok = torch.full((src.size(1),), SOS, dtype=torch.long)
    logits = []
    for t in range(L):
        lg, h = dec(tok, h)
        logits.append(lg)
        tok = tgt[t] if teacher_forcing else lg.argmax(dim=1)
    return torch.stack(logits)


for step in range(40):
    src = torch.randint(1, V, (L, 16))
    tgt = src.flip(0)
    logits = run(src, tgt)
    loss = F.cross_entropy(logits.reshape(-1, V), tgt.reshape(-1))
    opt.zero_grad()
    loss.backward()
    nn.utils.clip_grad_value_(params, 0.5)
    opt.step()
    if step % 20 == 0 or step == 39:
        acc = (logits.argmax(-1) == tgt).float().mean().item()
        print(f"reverse step {step:2d} loss {loss.item():.4f} token acc {acc:.3f}")
with torch.no_grad():
    src = torch.randint(1, V, (L, 3))
    pred = run(src, teacher_forcing=False).argmax(-1)
print("src ", src.t().tolist())
print("pred", pred.t().tolist())

# ---------------- 3. parity with a learned initial state ----------------
class Parity(nn.Module):
    def __init__(self, hidden=6, layers=2):
        super().__init__()
        self.rnn = nn.LSTM(1, hidden, num_layers=layers, bias=False)
        self.h0 = nn.Parameter(torch.zeros(layers, 1, hidden))
        self.c0 = nn.Parameter(torch.zeros(layers, 1, hidden))
        self.head = nn.Linear(hidden, 2)

    def forward(self, bits):  # (T, N)
        n = bits.size(1)
        out, _ = self.rnn(bits.unsqueeze(-1), (self.h0.expand(-1, n, -1).contiguous(),
                                               self.c0.expand(-1, n, -1).contiguous()))
        return self.head(out[-1])


par = Parity()
print([n for n, _ in par.named_parameters()])
opt = torch.optim.RMSprop(par.parameters(), lr=0.01)
for step in range(20):
    bits = torch.randint(0, 2, (6, 32)).float()
    y = bits.sum(0).long() % 2
    loss = F.cross_entropy(par(bits), y)
    opt.zero_grad()
    loss.backward()
    if step == 0:
        print(f"h0 grad norm {par.h0.grad.norm().item():.5f} c0 grad norm {par.c0.grad.norm().item():.5f}")
    opt.step()
print(f"parity final loss {loss.item():.4f}")

# ---------------- 4. float64 projected LSTM and gradient flow ----------------
proj = nn.LSTM(3, 8, proj_size=3, num_layers=2, dtype=torch.float64)
xs = torch.randn(4, 2, 3, dtype=torch.float64, requires_grad=True)
out, (h, c) = proj(xs)
print(out.dtype, tuple(out.shape), tuple(h.shape), tuple(c.shape))
(out.sum() + c.pow(2).sum()).backward()
print("input grad", xs.grad[0].round(decimals=6))
print("weight_hr_l1 grad", proj.weight_hr_l1.grad.round(decimals=6))
print("dropout warning case:", nn.LSTM(3, 4, dropout=0.1, num_layers=1).dropout)
