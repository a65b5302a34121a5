"""Course assignment "implement the recurrent layer yourself": RNNCell / GRUCell / LSTMCell loops
over time, with the weights copied from nn.RNN / nn.GRU / nn.LSTM (multi-layer, bidirectional,
proj_size by hand), compared with the full layers in output and gradients; unbatched cells, the
cells' error messages, and inter-layer dropout in train vs eval mode."""
import torch
import torch.nn as nn

torch.manual_seed(3)
T, B, I, H = 6, 3, 4, 5


def copy_cell(cell, layer, suffix):
    with torch.no_grad():
        cell.weight_ih.copy_(getattr(layer, "weight_ih_" + suffix))
        cell.weight_hh.copy_(getattr(layer, "weight_hh_" + suffix))
        cell.bias_ih.copy_(getattr(layer, "bias_ih_" + suffix))
        cell.bias_hh.copy_(getattr(layer, "bias_hh_" + suffix))


x = torch.randn(T, B, I)

# --- RNN (relu), 2 layers ---
rnn = nn.RNN(I, H, num_layers=2, nonlinearity="relu")
cells = [nn.RNNCell(I, H, nonlinearity="relu"), nn.RNNCell(H, H, nonlinearity="relu")]
for k, c in enumerate(cells):
    copy_cell(c, rnn, f"l{k}")
print(cells[0], cells[1])
inp = x
for c in cells:
    h = torch.zeros(B, H)
    outs = []
    for t in range(T):
        h = c(inp[t], h)
        outs.append(h)
    inp = torch.stack(outs)
ref, hn = rnn(x)
print("rnn relu max diff < 1e-6:", (ref - inp).abs().max().item() < 1e-6)
print(ref[-1].detach().round(decimals=4))

# --- bidirectional GRU ---
gru = nn.GRU(I, H, bidirectional=True)
fw, bw = nn.GRUCell(I, H), nn.GRUCell(I, H)
copy_cell(fw, gru, "l0")
copy_cell(bw, gru, "l0_reverse")
hf, hb = torch.zeros(B, H), torch.zeros(B, H)
of, ob = [], [None] * T
for t in range(T):
    hf = fw(x[t], hf)
    of.append(hf)
for t in reversed(range(T)):
    hb = bw(x[t], hb)
    ob[t] = hb
mine = torch.cat([torch.stack(of), torch.stack(ob)], dim=2)
ref, hn = gru(x)
print("gru bi max diff < 1e-6:", (ref - mine).abs().max().item() < 1e-6)
print("hn == (last fwd, first bwd):", torch.allclose(hn[0], hf, atol=1e-6), torch.allclose(hn[1], hb, atol=1e-6))

# gradients agree too
g_ref = torch.autograd.grad(ref.pow(2).sum(), gru.weight_hh_l0_reverse)[0]
g_mine = torch.autograd.grad(mine.pow(2).sum(), bw.weight_hh)[0]
print("grad diff < 1e-5:", (g_ref - g_mine).abs().max().item() < 1e-5, f"{g_ref.norm().item():.4f}")

# --- LSTM with projection, by hand ---
lstm = nn.LSTM(I, H, proj_size=2, batch_first=True)
xb = x.transpose(0, 1)
h, c = torch.zeros(B, 2), torch.zeros(B, H)
outs = []
for t in range(T):
    gates = xb[:, t] @ lstm.weight_ih_l0.T + lstm.bias_ih_l0 + h @ lstm.weight_hh_l0.T + lstm.bias_hh_l0
    i, f, g, o = gates.chunk(4, dim=1)
    c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    h = (torch.sigmoid(o) * torch.tanh(c)) @ lstm.weight_hr_l0.T
    outs.append(h)
mine = torch.stack(outs, dim=1)
ref, (hn, cn) = lstm(xb)
print("lstm proj max diff < 1e-6:", (ref - mine).abs().max().item() < 1e-6, tuple(ref.shape))
print(ref[:, -1].detach().round(decimals=4), cn[0].detach().round(decimals=4))

# --- LSTMCell loop against nn.LSTM, plus (h, c) given ---
lstm2 = nn.LSTM(I, H)
cell = nn.LSTMCell(I, H)
copy_cell(cell, lstm2, "l0")
h0, c0 = torch.randn(B, H), torch.randn(B, H)
h, c = h0, c0
for t in range(T):
    h, c = cell(x[t], (h, c))
ref, (hn, cn) = lstm2(x, (h0.unsqueeze(0), c0.unsqueeze(0)))
print("lstm cell loop:", torch.allclose(hn[0], h, atol=1e-6), torch.allclose(cn[0], c, atol=1e-6))
print(h.detach().round(decimals=4))

# unbatched cells
u = cell(x[0, 0])
print("unbatched LSTMCell:", [tuple(t.shape) for t in u])
print("unbatched GRUCell:", tuple(fw(x[0, 0], torch.zeros(H)).shape))
print("no hidden:", tuple(nn.RNNCell(I, H)(x[0]).shape))


def attempt(label, fn):
    try:
        fn()
        print(label, "ok")
    except Exception as e:  # noqa: BLE001
        print(label, type(e).__name__ + ":", e)


attempt("cell wrong input", lambda: fw(torch.randn(B, I + 1)))
attempt("cell wrong hidden", lambda: fw(x[0], torch.zeros(B, H + 1)))
attempt("cell batch mismatch", lambda: fw(x[0], torch.zeros(B + 1, H)))
attempt("cell 3-D input", lambda: cell(x))
attempt("cell 1-D with 2-D hidden", lambda: fw(x[0, 0], torch.zeros(1, H)))
attempt("rnncell bad nonlinearity", lambda: nn.RNNCell(I, H, nonlinearity="gelu")(x[0]))

# --- inter-layer dropout: random in train mode, deterministic in eval ---
deep = nn.LSTM(I, H, num_layers=3, dropout=0.5)
torch.manual_seed(11)
a, _ = deep(x)
torch.manual_seed(11)
b, _ = deep(x)
c_, _ = deep(x)
print("train same seed equal:", torch.equal(a, b), "different seed equal:", torch.equal(a, c_))
print(a[-1].detach().round(decimals=4))
deep.eval()
e1, _ = deep(x)
e2, _ = deep(x)
print("eval deterministic:", torch.equal(e1, e2))
print(e1[-1].detach().round(decimals=4))
single = nn.GRU(I, H, dropout=0.3)  # warns: dropout needs num_layers > 1
print(single.dropout, single.num_layers)

# --- weight-dropped recurrent weights (AWD-LSTM): a wrapper that re-sets the weight each forward, and
# the same with torch.nn.utils.parametrize; the layer re-reads its weights at every call ---
import torch.nn.functional as F
from torch.nn.utils import parametrize


class WeightDrop(nn.Module):
    def __init__(self, module, weights, dropout=0.0):
        super().__init__()
        self.module, self.weights, self.dropout = module, weights, dropout
        for name_w in weights:
            w = getattr(module, name_w)
            del module._parameters[name_w]
            module.register_parameter(name_w + "_raw", nn.Parameter(w.data))

    def _setweights(self):
        for name_w in self.weights:
            raw_w = getattr(self.module, name_w + "_raw")
            setattr(self.module, name_w, F.dropout(raw_w, p=self.dropout, training=self.training))

    def forward(self, *args):
        self._setweights()
        return self.module.forward(*args)


class DropConnect(nn.Module):
    def __init__(self, p):
        super().__init__()
        self.p = p

    def forward(self, w):
        return F.dropout(w, self.p, self.training)


torch.manual_seed(5)
wd = WeightDrop(nn.LSTM(I, H), ["weight_hh_l0"], dropout=0.5)
print([n for n, _ in wd.named_parameters()])
o1, _ = wd(x)
o2, _ = wd(x)
o1.sum().backward()
print("weight drop:", torch.equal(o1, o2), f"{o1.sum().item():.4f} {o2.sum().item():.4f}",
      f"raw grad {wd.module.weight_hh_l0_raw.grad.abs().sum().item():.4f}")
pg = nn.GRU(I, H, num_layers=2)
parametrize.register_parametrization(pg, "weight_hh_l0", DropConnect(0.5))
parametrize.register_parametrization(pg, "weight_hh_l1", DropConnect(0.5))
print(pg)
outs = [pg(x)[0][-1].sum().item() for _ in range(3)]
print("parametrized drop:", [f"{v:.4f}" for v in outs], f"{torch.rand(1).item():.4f}")
pg.eval()
print("eval:", f"{pg(x)[0][-1].sum().item():.4f}", f"{pg(x)[0][-1].sum().item():.4f}")
