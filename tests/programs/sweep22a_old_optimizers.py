"""Optimizers written the 0.4 way (as custom optimizer repos and blog posts wrote them before the
alpha=/value= keywords): p.data.add_(-lr, d_p), exp_avg.mul_(beta1).add_(1 - beta1, grad),
exp_avg_sq.addcmul_(1 - beta2, grad, grad), p.data.addcdiv_(-step_size, exp_avg, denom), with the
one deprecation warning torch gives for them; the torch.gels -> torch.linalg.lstsq fallback idiom,
probed with hasattr / except AttributeError; and the 2018 word_language_model example's training loop
(weight.new(...).zero_() hidden states, repackage_hidden, clip_grad_norm, manual SGD)."""
import math
import warnings

import torch
import torch.nn as nn
from torch.autograd import Variable
from torch.optim import Optimizer


class OldSGD(Optimizer):
    def __init__(self, params, lr=0.1, momentum=0.9, weight_decay=0.0):
        defaults = dict(lr=lr, momentum=momentum, weight_decay=weight_decay)
        super(OldSGD, self).__init__(params, defaults)

    def step(self, closure=None):
        loss = None
        if closure is not None:
            loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                d_p = p.grad.data
                if group["weight_decay"] != 0:
                    d_p.add_(group["weight_decay"], p.data)
                state = self.state[p]
                if "momentum_buffer" not in state:
                    buf = state["momentum_buffer"] = torch.zeros(p.data.size())
                    buf.mul_(group["momentum"]).add_(d_p)
                else:
                    buf = state["momentum_buffer"]
                    buf.mul_(group["momentum"]).add_(1, d_p)
                p.data.add_(-group["lr"], buf)
        return loss


class OldAdam(Optimizer):
    def __init__(self, params, lr=1e-2, betas=(0.9, 0.999), eps=1e-8):
        super(OldAdam, self).__init__(params, dict(lr=lr, betas=betas, eps=eps))

    def step(self, closure=None):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                grad = p.grad.data
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = 0
                    state["exp_avg"] = grad.new().resize_as_(grad).zero_()
                    state["exp_avg_sq"] = grad.new().resize_as_(grad).zero_()
                exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
                beta1, beta2 = group["betas"]
                state["step"] += 1
                exp_avg.mul_(beta1).add_(1 - beta1, grad)
                exp_avg_sq.mul_(beta2).addcmul_(1 - beta2, grad, grad)
                denom = exp_avg_sq.sqrt().add_(group["eps"])
                bias_correction1 = 1 - beta1 ** state["step"]
                bias_correction2 = 1 - beta2 ** state["step"]
                step_size = group["lr"] * math.sqrt(bias_correction2) / bias_correction1
                p.data.addcdiv_(-step_size, exp_avg, denom)


def train(opt_cls, **kw):
    torch.manual_seed(11)
    model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 1))
    x = torch.randn(32, 4)
    y = (x[:, :1] * 2 - x[:, 1:2]).sin()
    opt = opt_cls(model.parameters(), **kw)
    crit = nn.MSELoss()
    for it in range(25):
        inp, target = Variable(x), Variable(y, requires_grad=False)
        opt.zero_grad()
        loss = crit(model(inp), target)
        loss.backward()
        opt.step()
        if it % 8 == 0:
            print("  {} iter {:2d} loss {:.4f}".format(opt_cls.__name__, it, loss.item()))
    return model


with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    m1 = train(OldSGD, lr=0.05, momentum=0.9, weight_decay=1e-4)
    m2 = train(OldAdam, lr=0.02)
print("warnings recorded:", len(caught))
for w in caught:
    print(w.category.__name__, "|", str(w.message))

# the same arithmetic through the current keywords agrees exactly
a, g = torch.randn(5), torch.randn(5)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    print(torch.equal(a.clone().add_(-0.3, g), a.clone().add_(g, alpha=-0.3)),
          torch.equal(a.clone().addcmul_(0.1, g, g), a.clone().addcmul_(g, g, value=0.1)),
          torch.equal(torch.addcdiv(a, -0.5, g, a.abs() + 1), torch.addcdiv(a, g, a.abs() + 1, value=-0.5)),
          torch.equal(torch.add(a, 2, g), a + 2 * g), torch.equal(a.sub(3, g), torch.sub(a, g, alpha=3)))
try:
    a.add(g, 2)
except TypeError as e:
    print("TypeError:", e)

# least squares: the old torch.gels(B, A), as repos now guard it
A = torch.Tensor([[1, 1], [1, 2], [1, 3], [1, 4]])
B = torch.Tensor([[6], [5], [7], [10]])
print("has gels:", hasattr(torch, "gels"), "has lstsq:", hasattr(torch.linalg, "lstsq"))
try:
    X, _ = torch.gels(B, A)
except AttributeError as e:
    print("AttributeError:", e)
    X = torch.linalg.lstsq(A, B).solution
print("solution", torch.round(X.view(-1) * 1000) / 1000)
for name in ("gesv", "potrf", "trtrs", "btrifact"):
    try:
        getattr(torch, name)
    except AttributeError as e:
        print(e)

# legacy tensor constructors around the data
W = torch.FloatTensor(torch.Size([2, 3])).zero_()
W.copy_(torch.Tensor([[1, 2, 3], [4, 5, 6]]))
V = torch.Tensor(W)
V[0, 0] = 100
print(W[0], V.data_ptr() == W.data_ptr(), torch.LongTensor(torch.Size([3])).shape)
try:
    torch.FloatTensor(torch.LongTensor([1, 2]))
except TypeError as e:
    print("TypeError:", str(e)[:60])
for bad in [(2, 3.0), (2.5,), ([1, 2], 3)]:
    try:
        torch.Tensor(*bad)
    except TypeError as e:
        print("TypeError:", str(e).splitlines()[0])
p = nn.Parameter(torch.ones(2))
alias = torch.Tensor(p)
print(type(alias).__name__, alias.requires_grad, type(alias.grad_fn).__name__, p.new(2).shape, p.new([3, 4]))

# pytorch/examples word_language_model (2018): batchify, get_batch with volatile, init_hidden through
# weight.new(...).zero_(), repackage_hidden, clip_grad_norm and the manual p.data.add_(-lr, p.grad.data)
class RNNModel(nn.Module):
    def __init__(self, rnn_type, ntoken, ninp, nhid, nlayers, dropout=0.5):
        super(RNNModel, self).__init__()
        self.drop = nn.Dropout(dropout)
        self.encoder = nn.Embedding(ntoken, ninp)
        self.rnn = getattr(nn, rnn_type)(ninp, nhid, nlayers, dropout=dropout)
        self.decoder = nn.Linear(nhid, ntoken)
        self.rnn_type, self.nhid, self.nlayers = rnn_type, nhid, nlayers
        initrange = 0.1
        self.encoder.weight.data.uniform_(-initrange, initrange)
        self.decoder.bias.data.fill_(0)
        self.decoder.weight.data.uniform_(-initrange, initrange)

    def forward(self, input, hidden):
        emb = self.drop(self.encoder(input))
        output, hidden = self.rnn(emb, hidden)
        output = self.drop(output)
        decoded = self.decoder(output.view(output.size(0) * output.size(1), output.size(2)))
        return decoded.view(output.size(0), output.size(1), decoded.size(1)), hidden

    def init_hidden(self, bsz):
        weight = next(self.parameters()).data
        if self.rnn_type == "LSTM":
            return (Variable(weight.new(self.nlayers, bsz, self.nhid).zero_()),
                    Variable(weight.new(self.nlayers, bsz, self.nhid).zero_()))
        return Variable(weight.new(self.nlayers, bsz, self.nhid).zero_())


def repackage_hidden(h):
    if type(h) == Variable or isinstance(h, torch.Tensor):
        return Variable(h.data)
    return tuple(repackage_hidden(v) for v in h)


def batchify(data, bsz):
    nbatch = data.size(0) // bsz
    data = data.narrow(0, 0, nbatch * bsz)
    return data.view(bsz, -1).t().contiguous()


def get_batch(source, i, bptt=5, evaluation=False):
    seq_len = min(bptt, len(source) - 1 - i)
    data = Variable(source[i:i + seq_len], volatile=evaluation)
    target = Variable(source[i + 1:i + 1 + seq_len].view(-1))
    return data, target


torch.manual_seed(5)
ntokens = 12
corpus = torch.LongTensor([(3 * k + k // 5) % ntokens for k in range(130)])
train_data = batchify(corpus, 4)
print("train_data", train_data.size(), train_data.type())
criterion = nn.CrossEntropyLoss()
for rnn_type in ("LSTM", "GRU"):
    model = RNNModel(rnn_type, ntokens, 8, 10, 2, dropout=0.2)
    lr, total_loss = 2.0, 0.
    hidden = model.init_hidden(4)
    model.train()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for batch, i in enumerate(range(0, train_data.size(0) - 1, 5)):
            data, targets = get_batch(train_data, i)
            hidden = repackage_hidden(hidden)
            model.zero_grad()
            output, hidden = model(data, hidden)
            loss = criterion(output.view(-1, ntokens), targets)
            loss.backward()
            torch.nn.utils.clip_grad_norm(model.parameters(), 0.25)
            for p in model.parameters():
                p.data.add_(-lr, p.grad.data)
            total_loss += loss.data
        model.eval()
        data, targets = get_batch(train_data, 0, evaluation=True)
        output, _ = model(data, model.init_hidden(4))
        val = criterion(output.view(-1, ntokens), targets).item()
    cur_loss = total_loss.item() / (batch + 1)
    print("{} | {:3d} batches | loss {:5.2f} | ppl {:8.2f} | eval {:.3f}".format(
        rnn_type, batch + 1, cur_loss, math.exp(cur_loss), val))
