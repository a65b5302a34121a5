"""Char-level models: a name classifier (RNN cell by hand, nn.RNN/GRU) and an LSTM text generator."""
import string

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)

all_letters = string.ascii_letters + " .,;'"
n_letters = len(all_letters)
category_lines = {
    "English": ["Smith", "Jones", "Taylor", "Brown", "Wilson"],
    "French": ["Dubois", "Lefevre", "Moreau", "Laurent", "Girard"],
    "Japanese": ["Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe"],
}
all_categories = list(category_lines)
n_categories = len(all_categories)


def letterToIndex(letter):
    return all_letters.find(letter)


def lineToTensor(line):
    tensor = torch.zeros(len(line), 1, n_letters)
    for li, letter in enumerate(line):
        tensor[li][0][letterToIndex(letter)] = 1
    return tensor


print(lineToTensor("Jones").size())
print(lineToTensor("J")[0, 0].nonzero())


class RNN(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super(RNN, self).__init__()
        self.hidden_size = hidden_size
        self.i2h = nn.Linear(input_size + hidden_size, hidden_size)
        self.i2o = nn.Linear(input_size + hidden_size, output_size)
        self.softmax = nn.LogSoftmax(dim=1)

    def forward(self, input, hidden):
        combined = torch.cat((input, hidden), 1)
        hidden = self.i2h(combined)
        output = self.i2o(combined)
        output = self.softmax(output)
        return output, hidden

    def initHidden(self):
        return torch.zeros(1, self.hidden_size)


n_hidden = 32
rnn = RNN(n_letters, n_hidden, n_categories)
output, next_hidden = rnn(lineToTensor("Albert")[0], rnn.initHidden())
print(output)


def categoryFromOutput(output):
    top_n, top_i = output.topk(1)
    category_i = top_i[0].item()
    return all_categories[category_i], category_i


print(categoryFromOutput(output))
criterion = nn.NLLLoss()
learning_rate = 0.005
pairs = [(c, l) for c in all_categories for l in category_lines[c]]


def train(category_tensor, line_tensor):
    hidden = rnn.initHidden()
    rnn.zero_grad()
    for i in range(line_tensor.size()[0]):
        output, hidden = rnn(line_tensor[i], hidden)
    loss = criterion(output, category_tensor)
    loss.backward()
    for p in rnn.parameters():
        p.data.add_(p.grad.data, alpha=-learning_rate)
    return output, loss.item()


current_loss = 0
for it in range(1, 61):
    category, line = pairs[torch.randint(len(pairs), (1,)).item()]
    category_tensor = torch.tensor([all_categories.index(category)], dtype=torch.long)
    output, loss = train(category_tensor, lineToTensor(line))
    current_loss += loss
    if it % 20 == 0:
        guess, guess_i = categoryFromOutput(output)
        correct = '✓' if guess == category else '✗ (%s)' % category
        print('%d %d%% %.4f %s / %s %s' % (it, it / 60 * 100, loss, line, guess, correct))
        print(f"avg loss {current_loss / 20:.4f}")
        current_loss = 0

confusion = torch.zeros(n_categories, n_categories)
with torch.no_grad():
    for category, line in pairs:
        hidden = rnn.initHidden()
        lt = lineToTensor(line)
        for i in range(lt.size(0)):
            output, hidden = rnn(lt[i], hidden)
        guess, guess_i = categoryFromOutput(output)
        confusion[all_categories.index(category)][guess_i] += 1
for i in range(n_categories):
    confusion[i] = confusion[i] / confusion[i].sum()
print(confusion)

# nn.RNN / nn.GRU with packed-free batching
rnn_layer = nn.RNN(input_size=n_letters, hidden_size=16, num_layers=2, batch_first=True)
gru = nn.GRU(n_letters, 16, batch_first=True, bidirectional=True)
x = torch.cat([lineToTensor("Sato").transpose(0, 1), lineToTensor("Dubo").transpose(0, 1)])
print(x.shape)
out, h = rnn_layer(x)
print(out.shape, h.shape, f"{out.abs().mean().item():.4f}")
out, h = gru(x)
print(out.shape, h.shape, f"{out.abs().mean().item():.4f}")
print(rnn_layer)
print(gru)

# LSTM text generator
text = "hello world, hello torch. the quick brown fox jumps over the lazy dog. " * 3
chars = sorted(set(text))
stoi = {ch: i for i, ch in enumerate(chars)}
itos = {i: ch for ch, i in stoi.items()}
data = torch.tensor([stoi[c] for c in text], dtype=torch.long)
print(len(chars), data[:10])


class CharLSTM(nn.Module):
    def __init__(self, vocab, emb=12, hidden=24, layers=2, dropout=0.1):
        super().__init__()
        self.embed = nn.Embedding(vocab, emb)
        self.lstm = nn.LSTM(emb, hidden, num_layers=layers, batch_first=True, dropout=dropout)
        self.fc = nn.Linear(hidden, vocab)

    def forward(self, x, state=None):
        e = self.embed(x)
        out, state = self.lstm(e, state)
        return self.fc(out), state


model = CharLSTM(len(chars))
opt = torch.optim.Adam(model.parameters(), lr=0.01)
seq_len, batch = 16, 8
for step in range(30):
    ix = torch.randint(len(data) - seq_len - 1, (batch,))
    xb = torch.stack([data[i:i + seq_len] for i in ix])
    yb = torch.stack([data[i + 1:i + seq_len + 1] for i in ix])
    logits, _ = model(xb)
    loss = F.cross_entropy(logits.view(-1, len(chars)), yb.view(-1))
    opt.zero_grad(set_to_none=True)
    loss.backward()
    norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
    opt.step()
    if step % 10 == 0:
        print(f"step {step:3d} | loss {loss.item():.4f} | grad norm {norm.item():.3f}")

model.eval()
with torch.no_grad():
    idx = torch.tensor([[stoi["h"]]])
    state = None
    out_chars = ["h"]
    for _ in range(40):
        logits, state = model(idx, state)
        probs = F.softmax(logits[:, -1, :] / 0.8, dim=-1)
        nxt = torch.multinomial(probs, num_samples=1)
        out_chars.append(itos[nxt.item()])
        idx = nxt
    print("".join(out_chars))
    h, c = state
    print(h.shape, c.shape)
    logits, _ = model(data[:5].unsqueeze(0))
    top = torch.topk(F.softmax(logits[0, -1], dim=0), 3)
    print([itos[i] for i in top.indices.tolist()], [f"{v:.3f}" for v in top.values.tolist()])
    print(torch.argmax(logits, dim=-1))
