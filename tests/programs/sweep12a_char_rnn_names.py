"""NLP from scratch: classifying (synthetic) names with a character-level RNN -- one-hot letter
tensors, a hand-written RNN cell and nn.RNN, LogSoftmax + NLLLoss, a confusion matrix, and batches
packed with pack_sequence(enforce_sorted=False)."""
import string

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_sequence, pad_packed_sequence

torch.manual_seed(0)
all_letters = string.ascii_letters + " .,;'"
n_letters = len(all_letters)
print(n_letters)

SYLL = {"Alpha": ["ka", "to", "mi", "ro"], "Beta": ["sch", "ein", "berg", "el"], "Gamma": ["ov", "sky", "ich", "in"]}
g = torch.Generator().manual_seed(2)
category_lines = {}
for cat, syl in SYLL.items():
    names = []
    for _ in range(12):
        k = int(torch.randint(2, 4, (1,), generator=g))
        names.append("".join(syl[int(i)] for i in torch.randint(len(syl), (k,), generator=g)).capitalize())
    category_lines[cat] = names
all_categories = list(category_lines)
n_categories = len(all_categories)
print(category_lines["Beta"][:4])


def letterToIndex(letter):
    return all_letters.find(letter)

def letterToTensor(letter):
    tensor = torch.zeros(1, n_letters)
    tensor[0][letterToIndex(letter)] = 1
    return tensor

def lineToTensor(line):
    tensor = torch.zeros(len(line), 1, n_letters)
    for li, letter in enumerate(line):
        tensor[li][0][letterToIndex(letter)] = 1
    return tensor


print(letterToTensor("J").nonzero(), lineToTensor("Jones").size(), lineToTensor("ab").sum(dim=2).flatten())


class RNN(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super().__init__()
        self.hidden_size = hidden_size
        self.i2h = nn.Linear(input_size + hidden_size, hidden_size)
        self.i2o = nn.Linear(input_size + hidden_size, output_size)
        self.softmax = nn.LogSoftmax(dim=1)

    def forward(self, input, hidden):
        combined = torch.cat((input, hidden), 1)
        hidden = self.i2h(combined)
        output = self.softmax(self.i2o(combined))
        return output, hidden

    def initHidden(self):
        return torch.zeros(1, self.hidden_size)


rnn = RNN(n_letters, 32, n_categories)
output, next_hidden = rnn(lineToTensor("Albert")[0], rnn.initHidden())
print(output.shape, type(output.grad_fn).__name__, type(next_hidden.grad_fn).__name__)


def categoryFromOutput(output):
    top_n, top_i = output.topk(1)
    category_i = top_i[0].item()
    return all_categories[category_i], category_i


print(categoryFromOutput(output))
criterion = nn.NLLLoss()
learning_rate = 0.005
samples = [(c, n) for c in all_categories for n in category_lines[c]]
order = torch.randperm(len(samples), generator=g).tolist()
for it, k in enumerate(order * 3):
    category, line = samples[k]
    category_tensor = torch.tensor([all_categories.index(category)], dtype=torch.long)
    hidden = rnn.initHidden()
    rnn.zero_grad()
    for i in range(len(line)):
        output, hidden = rnn(lineToTensor(line)[i], hidden)
    loss = criterion(output, category_tensor)
    loss.backward()
    for p in rnn.parameters():
        p.data.add_(p.grad.data, alpha=-learning_rate)
    if it % 25 == 24:
        guess, _ = categoryFromOutput(output)
        print(f"{it + 1} {loss.item():.4f} {line} / {guess} {'✓' if guess == category else '✗'}")


# batched version: nn.RNN over a PackedSequence
class BatchedRNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(n_letters, 24, num_layers=1, nonlinearity="tanh")
        self.h2o = nn.Linear(24, n_categories)
        self.softmax = nn.LogSoftmax(dim=1)

    def forward(self, packed):
        out, hidden = self.rnn(packed)
        return self.softmax(self.h2o(hidden[0])), out


brnn = BatchedRNN()
print(brnn.rnn, [(n, tuple(p.shape)) for n, p in brnn.rnn.named_parameters()])
x = lineToTensor("Kato").transpose(0, 1)
o, h = nn.RNN(n_letters, 4, batch_first=True, num_layers=2, bidirectional=True)(x, torch.zeros(4, 1, 4))
print(o.shape, h.shape, type(o.grad_fn).__name__)
lines = [samples[k][1] for k in order]
targets = torch.tensor([all_categories.index(samples[k][0]) for k in order])
packed = pack_sequence([lineToTensor(l).squeeze(1) for l in lines[:5]], enforce_sorted=False)
print(type(packed).__name__, packed.data.shape, packed.batch_sizes, packed.sorted_indices, packed.unsorted_indices)
padded, lens = pad_packed_sequence(packed)
print(padded.shape, lens, [len(l) for l in lines[:5]])
opt = torch.optim.SGD(brnn.parameters(), lr=0.1)
for epoch in range(8):
    for b in range(0, len(lines), 12):
        opt.zero_grad()
        batch = pack_sequence([lineToTensor(l).squeeze(1) for l in lines[b:b + 12]], enforce_sorted=False)
        out, _ = brnn(batch)
        loss = criterion(out, targets[b:b + 12])
        loss.backward()
        opt.step()
    print(f"epoch {epoch} loss {loss.item():.4f}")

confusion = torch.zeros(n_categories, n_categories)
with torch.no_grad():
    out, raw = brnn(pack_sequence([lineToTensor(l).squeeze(1) for l in lines], enforce_sorted=False))
    print(type(raw).__name__, raw.data.shape, out.exp().sum(1).round(decimals=4)[:3])
    for guess, target in zip(out.topk(1, dim=1).indices.squeeze(1).tolist(), targets.tolist()):
        confusion[target][guess] += 1
print(confusion)
confusion = confusion / confusion.sum(1, keepdim=True)
print(confusion.diag(), f"{confusion.diag().mean().item():.4f}")
try:
    pack_sequence([lineToTensor(l).squeeze(1) for l in ["ab", "abc"]], enforce_sorted=True)
except Exception as e: print(type(e).__name__, e)
