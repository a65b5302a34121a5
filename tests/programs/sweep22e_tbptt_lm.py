"""Word-level language model in the style of the PyTorch word_language_model example: a token
stream batchified into columns, get_batch windows of bptt steps, an Embedding -> 2-layer LSTM with
dropout -> tied Linear decoder, the hidden state carried across batches and detached
(repackage_hidden) for truncated BPTT, clip_grad_norm_, plain SGD with lr annealing, eval with
perplexity, and a GRU/RNN_TANH variant switched by a string as the example does."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(1111)
VOCAB = 12

# synthetic corpus: a noisy counting pattern, so the model can learn something
stream = []
g = torch.Generator().manual_seed(5)
for _ in range(70):
    start = int(torch.randint(0, VOCAB, (1,), generator=g))
    stream.extend(((start + k) % VOCAB) for k in range(int(torch.randint(3, 8, (1,), generator=g))))
data = torch.tensor(stream, dtype=torch.long)
print("tokens:", data.numel(), data[:12].tolist())


def batchify(d, bsz):
    nbatch = d.size(0) // bsz
    d = d.narrow(0, 0, nbatch * bsz)
    return d.view(bsz, -1).t().contiguous()


train_data = batchify(data[:300], 4)
val_data = batchify(data[300:], 2)
print("train", tuple(train_data.shape), "val", tuple(val_data.shape))
BPTT = 7


def get_batch(source, i):
    seq_len = min(BPTT, len(source) - 1 - i)
    return source[i:i + seq_len], source[i + 1:i + 1 + seq_len].reshape(-1)


class RNNModel(nn.Module):
    def __init__(self, rnn_type, ntoken, ninp, nhid, nlayers, dropout=0.2, tie_weights=False):
        super().__init__()
        self.ntoken = ntoken
        self.drop = nn.Dropout(dropout)
        self.encoder = nn.Embedding(ntoken, ninp)
        if rnn_type in ["LSTM", "GRU"]:
            self.rnn = getattr(nn, rnn_type)(ninp, nhid, nlayers, dropout=dropout)
        else:
            nonlinearity = {"RNN_TANH": "tanh", "RNN_RELU": "relu"}[rnn_type]
            self.rnn = nn.RNN(ninp, nhid, nlayers, nonlinearity=nonlinearity, dropout=dropout)
        self.decoder = nn.Linear(nhid, ntoken)
        if tie_weights:
            self.decoder.weight = self.encoder.weight
        self.init_weights()
        self.rnn_type, self.nhid, self.nlayers = rnn_type, nhid, nlayers

    def init_weights(self):
        initrange = 0.1
        nn.init.uniform_(self.encoder.weight, -initrange, initrange)
        nn.init.zeros_(self.decoder.bias)
        nn.init.uniform_(self.decoder.weight, -initrange, initrange)

    def forward(self, input, hidden):
        emb = self.drop(self.encoder(input))
        output, hidden = self.rnn(emb, hidden)
        output = self.drop(output)
        decoded = self.decoder(output).view(-1, self.ntoken)
        return F.log_softmax(decoded, dim=1), hidden

    def init_hidden(self, bsz):
        weight = next(self.parameters())
        if self.rnn_type == "LSTM":
            return (weight.new_zeros(self.nlayers, bsz, self.nhid),
                    weight.new_zeros(self.nlayers, bsz, self.nhid))
        return weight.new_zeros(self.nlayers, bsz, self.nhid)


def repackage_hidden(h):
    if isinstance(h, torch.Tensor):
        return h.detach()
    return tuple(repackage_hidden(v) for v in h)


criterion = nn.NLLLoss()


def evaluate(model, source, bsz):
    model.eval()
    total = 0.0
    hidden = model.init_hidden(bsz)
    with torch.no_grad():
        for i in range(0, source.size(0) - 1, BPTT):
            x, y = get_batch(source, i)
            out, hidden = model(x, hidden)
            hidden = repackage_hidden(hidden)
            total += len(x) * criterion(out, y).item()
    return total / (len(source) - 1)


def train_model(rnn_type, epochs, lr, tie=False):
    torch.manual_seed(42)
    model = RNNModel(rnn_type, VOCAB, 10, 10, 2, dropout=0.2, tie_weights=tie)
    print(model)
    for epoch in range(1, epochs + 1):
        model.train()
        hidden = model.init_hidden(4)
        total_loss, norms = 0.0, []
        for batch, i in enumerate(range(0, train_data.size(0) - 1, BPTT)):
            x, y = get_batch(train_data, i)
            model.zero_grad()
            hidden = repackage_hidden(hidden)
            out, hidden = model(x, hidden)
            loss = criterion(out, y)
            loss.backward()
            norms.append(torch.nn.utils.clip_grad_norm_(model.parameters(), 0.25).item())
            for p in model.parameters():
                p.data.add_(p.grad, alpha=-lr)
            total_loss += loss.item()
        val = evaluate(model, val_data, 2)
        print(f"| {rnn_type:8s} epoch {epoch} | batches {batch + 1} | lr {lr:.2f} | train loss "
              f"{total_loss / (batch + 1):.3f} | max grad norm {max(norms):.3f} | valid loss {val:.3f} | "
              f"valid ppl {math.exp(val):6.1f}")
        lr /= 2.0
    hid = hidden[0] if isinstance(hidden, tuple) else hidden
    print("  hidden requires_grad:", hid.requires_grad, "grad_fn:", type(hid.grad_fn).__name__,
          "after repackage:", repackage_hidden(hidden)[0].grad_fn)
    return model


lstm_model = train_model("LSTM", 2, 20.0, tie=False)
train_model("GRU", 1, 20.0)
train_model("RNN_TANH", 2, 5.0)
train_model("RNN_RELU", 1, 2.0)
tied = RNNModel("LSTM", VOCAB, 10, 10, 1, dropout=0.0, tie_weights=True)
print("tied:", tied.decoder.weight is tied.encoder.weight, len(list(tied.parameters())))

# generate from the LSTM model, greedy
lstm_model.eval()
hidden = lstm_model.init_hidden(1)
inp = torch.tensor([[3]])
words = [3]
with torch.no_grad():
    for _ in range(10):
        out, hidden = lstm_model(inp, hidden)
        word = int(out[-1].argmax())
        words.append(word)
        inp.fill_(word)
print("generated:", words)
