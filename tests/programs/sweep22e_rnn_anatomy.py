"""Anatomy of torch.nn's recurrent layers, as a course notebook walks through it: nn.RNN (tanh and
relu), nn.GRU and nn.LSTM with several layers, bidirectional, proj_size, batch_first both ways,
explicit (h0, c0), unbatched 2-D inputs, parameter names and shapes, all_weights,
flatten_parameters, module reprs, and the error messages for wrong input and hidden sizes."""
import torch
import torch.nn as nn

torch.manual_seed(0)


def show_params(name, m):
    print(f"== {name}: {m}")
    for pname, p in m.named_parameters():
        print(f"  {pname:24s} {tuple(p.shape)} requires_grad={p.requires_grad}")
    print("  _flat_weights_names:", m._flat_weights_names[:4], "... total", len(m._flat_weights_names))
    print("  all_weights:", [[tuple(w.shape) for w in layer] for layer in m.all_weights])


rnn_tanh = nn.RNN(input_size=4, hidden_size=3, num_layers=2)
rnn_relu = nn.RNN(4, 3, nonlinearity="relu", bias=False, batch_first=True)
gru = nn.GRU(4, 5, num_layers=2, bidirectional=True, dropout=0.25)
lstm = nn.LSTM(4, 6, num_layers=2, bidirectional=True, proj_size=2, batch_first=True)
for name, m in [("rnn_tanh", rnn_tanh), ("rnn_relu", rnn_relu), ("gru", gru), ("lstm", lstm)]:
    show_params(name, m)

print("mode/nonlinearity:", rnn_tanh.mode, rnn_relu.mode, rnn_relu.nonlinearity, gru.mode, lstm.mode)
print("num params:", [sum(p.numel() for p in m.parameters()) for m in (rnn_tanh, rnn_relu, gru, lstm)])
k = 1.0 / 3 ** 0.5
print("init bound ok:", all(p.abs().max().item() <= k for p in rnn_tanh.parameters()))

# sequence-first inputs and explicit initial states
x = torch.randn(7, 2, 4)
h0 = torch.zeros(2, 2, 3)
out, hn = rnn_tanh(x, h0)
print("rnn out", tuple(out.shape), "hn", tuple(hn.shape))
print("last step == top hidden:", torch.allclose(out[-1], hn[-1]))
print(out[-1].detach().round(decimals=4))

xb = x.transpose(0, 1).contiguous()
out_r, hn_r = rnn_relu(xb)
print("relu out", tuple(out_r.shape), "non-negative:", bool((out_r >= 0).all()), hn_r.round(decimals=4))

gru.eval()
out_g, hn_g = gru(x)
print("gru out", tuple(out_g.shape), "hn", tuple(hn_g.shape))
print("fwd half matches hn[-2]:", torch.allclose(out_g[-1, :, :5], hn_g[-2]))
print("bwd half matches hn[-1]:", torch.allclose(out_g[0, :, 5:], hn_g[-1]))
print(hn_g[-1].detach().round(decimals=4))

h0 = torch.randn(4, 2, 2)
c0 = torch.randn(4, 2, 6)
out_l, (hn_l, cn_l) = lstm(xb, (h0, c0))
print("lstm out", tuple(out_l.shape), "hn", tuple(hn_l.shape), "cn", tuple(cn_l.shape))
print(out_l[:, -1].detach().round(decimals=4))
print(cn_l.sum(dim=2).detach().round(decimals=4))

# unbatched (2-D) inputs
x1 = torch.randn(5, 4)
o1, h1 = rnn_tanh(x1)
print("unbatched rnn", tuple(o1.shape), tuple(h1.shape))
o1, (h1, c1) = lstm(x1)
print("unbatched lstm", tuple(o1.shape), tuple(h1.shape), tuple(c1.shape))
o1b, _ = lstm(x1.unsqueeze(0))
print("same as batch of one:", torch.allclose(o1, o1b[0]))
o1, h1 = gru(x1, torch.zeros(4, 5))
print("unbatched gru", tuple(o1.shape), tuple(h1.shape), h1.sum().item() != 0)

# flatten_parameters / weights are plain Parameters that can be edited in place
lstm.flatten_parameters()
with torch.no_grad():
    rnn_tanh.weight_hh_l0.zero_()
    rnn_tanh.bias_hh_l0.fill_(0.5)
print("edited:", rnn_tanh.all_weights[0][1].abs().sum().item(), rnn_tanh.all_weights[0][3].tolist())
print("state_dict keys:", list(lstm.state_dict().keys())[:6])

# error messages a student meets
def attempt(label, fn):
    try:
        fn()
        print(label, "ok")
    except Exception as e:  # noqa: BLE001
        print(label, type(e).__name__ + ":", e)


attempt("wrong input size", lambda: rnn_tanh(torch.randn(7, 2, 5)))
attempt("wrong h0 shape", lambda: rnn_tanh(torch.randn(7, 2, 4), torch.zeros(1, 2, 3)))
attempt("wrong h0 batch", lambda: gru(torch.randn(7, 2, 4), torch.zeros(4, 3, 5)))
attempt("lstm wrong c0", lambda: lstm(xb, (h0, torch.randn(4, 2, 2))))
attempt("lstm wrong h0 proj", lambda: lstm(xb, (torch.randn(4, 2, 6), c0)))
attempt("4-D input", lambda: gru(torch.randn(1, 7, 2, 4)))
attempt("unbatched with 3-D h0", lambda: rnn_tanh(torch.randn(5, 4), torch.zeros(2, 1, 3)))
attempt("lstm h0 not tuple", lambda: lstm(xb, h0))
attempt("bad nonlinearity", lambda: nn.RNN(4, 3, nonlinearity="sigmoid"))
attempt("proj_size too big", lambda: nn.LSTM(4, 3, proj_size=3))
attempt("proj_size on GRU", lambda: nn.GRU(4, 3, proj_size=2))
attempt("dropout out of range", lambda: nn.LSTM(4, 3, dropout=1.5))
attempt("hidden_size 0", lambda: nn.GRU(4, 0))
