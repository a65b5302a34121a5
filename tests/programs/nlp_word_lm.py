"""A word-level language model after pytorch/examples' word_language_model: a Dictionary / Corpus,
batchify + get_batch with bptt, an LSTM RNNModel with tied weights, repackage_hidden, manual SGD
updates on p.data, lr annealing, perplexity, torch.save of the whole model and a reload, and an
adaptive softmax head (nn.AdaptiveLogSoftmaxWithLoss) for the large-vocabulary case."""
import math
import os
import tempfile
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(1111)


class Dictionary(object):
    def __init__(self):
        self.word2idx = {}
        self.idx2word = []

    def add_word(self, word):
        if word not in self.word2idx:
            self.idx2word.append(word)
            self.word2idx[word] = len(self.idx2word) - 1
        return self.word2idx[word]

    def __len__(self):
        return len(self.idx2word)


class Corpus(object):
    def __init__(self, texts):
        self.dictionary = Dictionary()
        self.train = self.tokenize(texts[0])
        self.valid = self.tokenize(texts[1])

    def tokenize(self, lines):
        for line in lines:
            for word in line.split() + ['<eos>']:
                self.dictionary.add_word(word)
        idss = []
        for line in lines:
            words = line.split() + ['<eos>']
            ids = []
            for word in words:
                ids.append(self.dictionary.word2idx[word])
            idss.append(torch.tensor(ids).type(torch.int64))
        return torch.cat(idss)


g = torch.Generator().manual_seed(0)
words = "the cat sat on mat dog ran to park a bird flew over tree and sang song".split()
lines = [" ".join(words[i] for i in torch.randint(len(words), (int(torch.randint(4, 9, (1,), generator=g)),),
                                                 generator=g).tolist()) for _ in range(60)]
corpus = Corpus((lines[:50], lines[50:]))
ntokens = len(corpus.dictionary)
print(ntokens, corpus.train.shape, corpus.valid.shape, corpus.train[:10], corpus.dictionary.idx2word[:5])


def batchify(data, bsz):
    nbatch = data.size(0) // bsz
    data = data.narrow(0, 0, nbatch * bsz)
    data = data.view(bsz, -1).t().contiguous()
    return data


eval_batch_size = 4
train_data = batchify(corpus.train, 8)
val_data = batchify(corpus.valid, eval_batch_size)
print(train_data.shape, val_data.shape, train_data.is_contiguous(), train_data[:2])
bptt = 10


def get_batch(source, i):
    seq_len = min(bptt, len(source) - 1 - i)
    data = source[i:i + seq_len]
    target = source[i + 1:i + 1 + seq_len].view(-1)
    return data, target


class RNNModel(nn.Module):
    """Container module with an encoder, a recurrent module, and a decoder."""

    def __init__(self, rnn_type, ntoken, ninp, nhid, nlayers, dropout=0.5, tie_weights=False):
        super(RNNModel, self).__init__()
        self.ntoken = ntoken
        self.drop = nn.Dropout(dropout)
        self.encoder = nn.Embedding(ntoken, ninp)
        if rnn_type in ['LSTM', 'GRU']:
            self.rnn = getattr(nn, rnn_type)(ninp, nhid, nlayers, dropout=dropout)
        else:
            try:
                nonlinearity = {'RNN_TANH': 'tanh', 'RNN_RELU': 'relu'}[rnn_type]
            except KeyError as e:
                raise ValueError("""An invalid option for `--model` was supplied,
                                 options are ['LSTM', 'GRU', 'RNN_TANH' or 'RNN_RELU']""") from e
            self.rnn = nn.RNN(ninp, nhid, nlayers, nonlinearity=nonlinearity, dropout=dropout)
        self.decoder = nn.Linear(nhid, ntoken)
        if tie_weights:
            if nhid != ninp:
                raise ValueError('When using the tied flag, nhid must be equal to emsize')
            self.decoder.weight = self.encoder.weight
        self.init_weights()
        self.rnn_type = rnn_type
        self.nhid = nhid
        self.nlayers = nlayers

    def init_weights(self):
        initrange = 0.1
        nn.init.uniform_(self.encoder.weight, -initrange, initrange)
        nn.init.zeros_(self.decoder.bias)
        nn.init.uniform_(self.decoder.weight, -initrange, initrange)

    def forward(self, input, hidden):
        emb = self.drop(self.encoder(input))
        output, hidden = self.rnn(emb, hidden)
        output = self.drop(output)
        decoded = self.decoder(output)
        decoded = decoded.view(-1, self.ntoken)
        return F.log_softmax(decoded, dim=1), hidden

    def init_hidden(self, bsz):
        weight = next(self.parameters())
        if self.rnn_type == 'LSTM':
            return (weight.new_zeros(self.nlayers, bsz, self.nhid),
                    weight.new_zeros(self.nlayers, bsz, self.nhid))
        else:
            return weight.new_zeros(self.nlayers, bsz, self.nhid)


def repackage_hidden(h):
    """Wraps hidden states in new Tensors, to detach them from their history."""
    if isinstance(h, torch.Tensor):
        return h.detach()
    else:
        return tuple(repackage_hidden(v) for v in h)


criterion = nn.NLLLoss()


def evaluate(model, data_source):
    model.eval()
    total_loss = 0.
    hidden = model.init_hidden(eval_batch_size)
    with torch.no_grad():
        for i in range(0, data_source.size(0) - 1, bptt):
            data, targets = get_batch(data_source, i)
            output, hidden = model(data, hidden)
            hidden = repackage_hidden(hidden)
            total_loss += len(data) * criterion(output, targets).item()
    return total_loss / (len(data_source) - 1)


def train(model, lr, epoch, clip=0.25):
    model.train()
    total_loss = 0.
    start_time = time.time()
    hidden = model.init_hidden(8)
    for batch, i in enumerate(range(0, train_data.size(0) - 1, bptt)):
        data, targets = get_batch(train_data, i)
        model.zero_grad()
        hidden = repackage_hidden(hidden)
        output, hidden = model(data, hidden)
        loss = criterion(output, targets)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
        for p in model.parameters():
            p.data.add_(p.grad, alpha=-lr)
        total_loss += loss.item()
    elapsed = time.time() - start_time
    cur_loss = total_loss / (batch + 1)
    return cur_loss, elapsed


results = {}
for rnn_type, tied in [('LSTM', True), ('GRU', False), ('RNN_TANH', False)]:
    torch.manual_seed(1111)
    model = RNNModel(rnn_type, ntokens, 16, 16, 2, dropout=0.2, tie_weights=tied)
    lr = 20 if rnn_type != 'RNN_TANH' else 2
    best_val_loss = None
    for epoch in range(1, 4):
        cur_loss, elapsed = train(model, lr, epoch)
        val_loss = evaluate(model, val_data)
        print('| {} epoch {:3d} | lr {:02.2f} | loss {:5.2f} | valid loss {:5.2f} | valid ppl {:8.2f}'.format(
            rnn_type, epoch, lr, cur_loss, val_loss, math.exp(val_loss)))
        if not best_val_loss or val_loss < best_val_loss:
            best_val_loss = val_loss
        else:
            lr /= 4.0
    results[rnn_type] = model

model = results['LSTM']
print(model.decoder.weight is model.encoder.weight, len(list(model.parameters())), len(model.state_dict()))
print(model.rnn, [h.shape for h in model.init_hidden(3)], type(model.init_hidden(3)).__name__)
try:
    RNNModel('LSTM', ntokens, 16, 32, 2, tie_weights=True)
except ValueError as e:
    print("ValueError:", e)
try:
    RNNModel('TRANSFORMER', ntokens, 16, 16, 2)
except ValueError as e:
    print("ValueError:", " ".join(str(e).split()), type(e.__cause__).__name__)

# save the whole model object, reload it, and check it evaluates the same
with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, 'model.pt')
    with open(path, 'wb') as f:
        torch.save(model, f)
    with open(path, 'rb') as f:
        loaded = torch.load(f, weights_only=False)
        loaded.rnn.flatten_parameters()
print(type(loaded).__name__, loaded.decoder.weight is loaded.encoder.weight)
print(f"{evaluate(loaded, val_data):.4f}" == f"{evaluate(model, val_data):.4f}")

# generation, as generate.py does it
model.eval()
hidden = model.init_hidden(1)
input = torch.randint(ntokens, (1, 1), dtype=torch.long)
out_words = []
with torch.no_grad():
    for i in range(12):
        output, hidden = model(input, hidden)
        word_weights = output.squeeze().div(1.0).exp().cpu()
        word_idx = torch.multinomial(word_weights, 1)[0]
        input.fill_(word_idx)
        out_words.append(corpus.dictionary.idx2word[word_idx])
print(' '.join(out_words))

# adaptive softmax: frequent words in the head, rare ones in tail clusters
torch.manual_seed(0)
asm = nn.AdaptiveLogSoftmaxWithLoss(16, ntokens, cutoffs=[4, 10], div_value=2.0)
print(asm)
print(asm.head.weight.shape, [tuple(m[0].weight.shape) + tuple(m[1].weight.shape) for m in asm.tail])
hid = torch.randn(20, 16, requires_grad=True)
tgt = torch.randint(ntokens, (20,))
out = asm(hid, tgt)
print(type(out).__name__, out._fields, out.output.shape, f"{out.loss.item():.4f}", out.loss.grad_fn.name())
out.loss.backward()
print(f"{hid.grad.norm().item():.4f}", f"{asm.head.weight.grad.abs().sum().item():.4f}")
lp = asm.log_prob(hid)
print(lp.shape, torch.allclose(lp.exp().sum(1), torch.ones(20), atol=1e-5))
print(torch.allclose(lp.gather(1, tgt.unsqueeze(1)).squeeze(1), out.output, atol=1e-6))
print(asm.predict(hid[:6]), lp[:6].argmax(1))
try:
    asm(hid, torch.full((20,), ntokens))
except RuntimeError as e:
    print("RuntimeError:", e)
