"""Chapter code in the style of "Machine Learning with PyTorch and Scikit-Learn": a perceptron and an
Adaline trained by hand on a synthetic two-class iris-like set, then the torch.utils.data pipeline
(TensorDataset, DataLoader with shuffle and a seeded generator), an nn.Sequential classifier trained
by epochs with accuracy bookkeeping, saving and loading through an in-memory file, evaluation under
no_grad, and a small character-level RNN."""
import io

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset, TensorDataset


class Perceptron:
    def __init__(self, eta=0.01, n_iter=50, random_state=1):
        self.eta, self.n_iter, self.random_state = eta, n_iter, random_state

    def fit(self, X, y):
        g = torch.Generator().manual_seed(self.random_state)
        self.w_ = torch.normal(0.0, 0.01, size=(X.shape[1],), generator=g, dtype=torch.float64)
        self.b_ = torch.tensor(0.0, dtype=torch.float64)
        self.errors_ = []
        for _ in range(self.n_iter):
            errors = 0
            for xi, target in zip(X, y):
                update = self.eta * (target - self.predict(xi))
                self.w_ += update * xi
                self.b_ += update
                errors += int(update != 0.0)
            self.errors_.append(errors)
        return self

    def net_input(self, X):
        return X @ self.w_ + self.b_

    def predict(self, X):
        return torch.where(self.net_input(X) >= 0.0, 1, 0)


class AdalineGD:
    def __init__(self, eta=0.01, n_iter=50, random_state=1):
        self.eta, self.n_iter, self.random_state = eta, n_iter, random_state

    def fit(self, X, y):
        g = torch.Generator().manual_seed(self.random_state)
        self.w_ = torch.normal(0.0, 0.01, size=(X.shape[1],), generator=g, dtype=torch.float64)
        self.b_ = torch.tensor(0.0, dtype=torch.float64)
        self.losses_ = []
        for i in range(self.n_iter):
            net_input = self.net_input(X)
            output = self.activation(net_input)
            errors = (y - output)
            self.w_ += self.eta * 2.0 * X.T @ errors / X.shape[0]
            self.b_ += self.eta * 2.0 * errors.mean()
            loss = (errors ** 2).mean()
            self.losses_.append(loss.item())
        return self

    def net_input(self, X):
        return X @ self.w_ + self.b_

    def activation(self, X):
        return X

    def predict(self, X):
        return torch.where(self.activation(self.net_input(X)) >= 0.5, 1, 0)


# synthetic "setosa vs versicolor": sepal length and petal length
torch.manual_seed(1)
n = 50
setosa = torch.randn(n, 2, dtype=torch.float64) * torch.tensor([0.35, 0.17], dtype=torch.float64) + \
    torch.tensor([5.0, 1.46], dtype=torch.float64)
versicolor = torch.randn(n, 2, dtype=torch.float64) * torch.tensor([0.5, 0.47], dtype=torch.float64) + \
    torch.tensor([5.94, 4.26], dtype=torch.float64)
X = torch.cat([setosa, versicolor])
y = torch.cat([torch.zeros(n, dtype=torch.int64), torch.ones(n, dtype=torch.int64)])
print("X:", X.shape, X.dtype, "y:", y.shape, torch.bincount(y))

ppn = Perceptron(eta=0.1, n_iter=10)
ppn.fit(X, y)
print("perceptron errors:", ppn.errors_)
print("perceptron w:", ppn.w_, "b:", ppn.b_)
print("perceptron acc:", (ppn.predict(X) == y).double().mean().item())

ada1 = AdalineGD(n_iter=15, eta=0.1).fit(X, y.double())
ada2 = AdalineGD(n_iter=15, eta=0.0001).fit(X, y.double())
print("adaline eta=0.1 log10 loss:", [round(torch.log10(torch.tensor(v)).item(), 2) for v in ada1.losses_[:5]])
print("adaline eta=0.0001 loss:", [round(v, 4) for v in ada2.losses_[::5]])
X_std = (X - X.mean(dim=0)) / X.std(dim=0)
print("X_std mean/std:", X_std.mean(dim=0).abs().lt(1e-12).tolist(), X_std.std(dim=0))
ada_gd = AdalineGD(n_iter=20, eta=0.5).fit(X_std, y.double())
print("standardized adaline loss:", [round(v, 4) for v in ada_gd.losses_[::4]],
      "acc:", (ada_gd.predict(X_std) == y).double().mean().item())

# ---- chapter 12: torch.utils.data ---------------------------------------------------------------
t = torch.arange(6, dtype=torch.float32)
data_loader = DataLoader(t)
for item in data_loader:
    print(item, end=" ")
print()
data_loader = DataLoader(t, batch_size=3, drop_last=False)
for i, batch in enumerate(data_loader, 1):
    print(f"batch {i}:", batch)

torch.manual_seed(1)
t_x = torch.rand([4, 3], dtype=torch.float32)
t_y = torch.arange(4)


class JointDataset(Dataset):
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __len__(self):
        return len(self.x)

    def __getitem__(self, idx):
        return self.x[idx], self.y[idx]


joint_dataset = JointDataset(t_x, t_y)
for example in joint_dataset:
    print("  x: ", example[0], "  y: ", example[1])
joint_dataset = TensorDataset(t_x, t_y)
torch.manual_seed(1)
data_loader = DataLoader(dataset=joint_dataset, batch_size=2, shuffle=True)
for epoch in range(2):
    print(f"epoch {epoch + 1}")
    for i, batch in enumerate(data_loader, 1):
        print(f"batch {i}:", "x:", batch[0], "\n         y:", batch[1])

# ---- iris-like 3-class classifier -----------------------------------------------------------------
torch.manual_seed(1)
centers = torch.tensor([[5.0, 3.4, 1.5, 0.2], [5.9, 2.8, 4.3, 1.3], [6.6, 3.0, 5.6, 2.0]])
X_iris = torch.cat([c + 0.4 * torch.randn(50, 4) for c in centers])
y_iris = torch.arange(3).repeat_interleave(50)
perm = torch.randperm(150, generator=torch.Generator().manual_seed(1))
X_train, X_test = X_iris[perm[:100]], X_iris[perm[100:]]
y_train, y_test = y_iris[perm[:100]], y_iris[perm[100:]]
X_train_norm = (X_train - X_train.mean(0)) / X_train.std(0)
train_ds = TensorDataset(X_train_norm, y_train)
train_dl = DataLoader(train_ds, batch_size=2, shuffle=True, generator=torch.Generator().manual_seed(1))
print("loader:", len(train_dl), train_dl.batch_size, type(train_dl.sampler).__name__)


class Model(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super().__init__()
        self.layer1 = nn.Linear(input_size, hidden_size)
        self.layer2 = nn.Linear(hidden_size, output_size)

    def forward(self, x):
        x = self.layer1(x)
        x = nn.Sigmoid()(x)
        x = self.layer2(x)
        return x


torch.manual_seed(1)
model = Model(X_train_norm.shape[1], 16, 3)
print(model)
learning_rate = 0.001
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
num_epochs = 40
loss_hist = [0] * num_epochs
accuracy_hist = [0] * num_epochs
for epoch in range(num_epochs):
    for x_batch, y_batch in train_dl:
        pred = model(x_batch)
        loss = loss_fn(pred, y_batch)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        loss_hist[epoch] += loss.item() * y_batch.size(0)
        is_correct = (torch.argmax(pred, dim=1) == y_batch).float()
        accuracy_hist[epoch] += is_correct.sum()
    loss_hist[epoch] /= len(train_dl.dataset)
    accuracy_hist[epoch] /= len(train_dl.dataset)
print("loss hist:", [round(v, 3) for v in loss_hist[::8]])
print("acc hist:", [round(v.item(), 2) for v in accuracy_hist[::8]], type(accuracy_hist[0]).__name__)

X_test_norm = (X_test - X_train.mean(0)) / X_train.std(0)
pred_test = model(X_test_norm)
correct = (torch.argmax(pred_test, dim=1) == y_test).float()
accuracy = correct.mean()
print(f"Test Acc.: {accuracy:.4f}")

buf = io.BytesIO()
torch.save(model, buf)
buf.seek(0)
model_new = torch.load(buf, weights_only=False)
print("loaded model:", type(model_new).__name__, model_new.layer1)
buf = io.BytesIO()
torch.save(model.state_dict(), buf)
buf.seek(0)
sd = torch.load(buf)
print("state_dict keys:", list(sd.keys()), sd["layer2.bias"].shape)
model_sd = Model(4, 16, 3)
print(model_sd.load_state_dict(sd))
with torch.no_grad():
    same = torch.equal(model_sd(X_test_norm), model(X_test_norm))
    out = model_new(X_test_norm)
print("reloaded outputs equal:", same, out.requires_grad, pred_test.requires_grad)

# nn.Sequential version with a different activation and weight init
torch.manual_seed(1)
seq = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 3))
nn.init.xavier_uniform_(seq[0].weight)
l1_weight = 0.01
l1_penalty = l1_weight * seq[2].weight.abs().sum()
print(seq, f"l1 penalty {l1_penalty.item():.4f}")
opt = torch.optim.SGD(seq.parameters(), lr=0.1)
for epoch in range(20):
    for x_batch, y_batch in train_dl:
        loss = loss_fn(seq(x_batch), y_batch)
        loss.backward()
        opt.step()
        opt.zero_grad()
    if epoch % 5 == 4:
        with torch.no_grad():
            acc = (seq(X_test_norm).argmax(1) == y_test).float().mean()
        print(f"seq epoch {epoch + 1} test acc {acc:.3f}")

# ---- chapter 15: a character-level RNN --------------------------------------------------------
text = "the quick brown fox jumps over the lazy dog. " * 8
char_set = sorted(set(text))
char2int = {ch: i for i, ch in enumerate(char_set)}
char_array = char_set
text_encoded = torch.tensor([char2int[ch] for ch in text], dtype=torch.int64)
print("Total Length:", len(text), "Unique Characters:", len(char_set))
print("text encoded:", text_encoded[:15].tolist(), "->", "".join(char_array[i] for i in text_encoded[:15]))
seq_length = 20
chunk_size = seq_length + 1
text_chunks = [text_encoded[i:i + chunk_size] for i in range(len(text_encoded) - chunk_size)]


class TextDataset(Dataset):
    def __init__(self, text_chunks):
        self.text_chunks = text_chunks

    def __len__(self):
        return len(self.text_chunks)

    def __getitem__(self, idx):
        text_chunk = self.text_chunks[idx]
        return text_chunk[:-1].long(), text_chunk[1:].long()


seq_dataset = TextDataset(torch.stack(text_chunks))
for i, (seq_, target) in enumerate(seq_dataset):
    print(" Input (x):", repr("".join([char_array[c] for c in seq_])))
    print("Target (y):", repr("".join([char_array[c] for c in target])))
    if i == 1:
        break


class RNN(nn.Module):
    def __init__(self, vocab_size, embed_dim, rnn_hidden_size):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim)
        self.rnn_hidden_size = rnn_hidden_size
        self.rnn = nn.LSTM(embed_dim, rnn_hidden_size, batch_first=True)
        self.fc = nn.Linear(rnn_hidden_size, vocab_size)

    def forward(self, x, hidden, cell):
        out = self.embedding(x).unsqueeze(1)
        out, (hidden, cell) = self.rnn(out, (hidden, cell))
        out = self.fc(out).reshape(out.size(0), -1)
        return out, hidden, cell

    def init_hidden(self, batch_size):
        hidden = torch.zeros(1, batch_size, self.rnn_hidden_size)
        cell = torch.zeros(1, batch_size, self.rnn_hidden_size)
        return hidden, cell


torch.manual_seed(1)
seq_dl = DataLoader(seq_dataset, batch_size=16, shuffle=True, drop_last=True)
vocab_size = len(char_array)
model = RNN(vocab_size, 16, 32)
print(model)
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
num_epochs = 60
for epoch in range(num_epochs):
    hidden, cell = model.init_hidden(16)
    seq_batch, target_batch = next(iter(seq_dl))
    optimizer.zero_grad()
    loss = 0
    for c in range(seq_length):
        pred, hidden, cell = model(seq_batch[:, c], hidden, cell)
        loss += loss_fn(pred, target_batch[:, c])
    loss.backward()
    optimizer.step()
    loss = loss.item() / seq_length
    if epoch % 15 == 0 or epoch == num_epochs - 1:
        print(f"Epoch {epoch} loss: {loss:.3f}")

torch.manual_seed(1)
logits = torch.tensor([[1.0, 1.0, 3.0]])
print("Probabilities:", nn.functional.softmax(logits, dim=1).numpy()[0])
m = torch.distributions.categorical.Categorical(logits=logits)
samples = m.sample((10,))
print(samples.numpy().reshape(-1), samples.shape)


def sample(model, starting_str, len_generated_text=40, scale_factor=1.0):
    encoded_input = torch.tensor([char2int[s] for s in starting_str])
    encoded_input = torch.reshape(encoded_input, (1, -1))
    generated_str = starting_str
    model.eval()
    hidden, cell = model.init_hidden(1)
    for c in range(len(starting_str) - 1):
        _, hidden, cell = model(encoded_input[:, c].view(1), hidden, cell)
    last_char = encoded_input[:, -1]
    for i in range(len_generated_text):
        logits, hidden, cell = model(last_char.view(1), hidden, cell)
        logits = torch.squeeze(logits, 0)
        scaled_logits = logits * scale_factor
        m = torch.distributions.categorical.Categorical(logits=scaled_logits)
        last_char = m.sample()
        generated_str += str(char_array[last_char])
    return generated_str


torch.manual_seed(1)
print(repr(sample(model, starting_str="the quick", scale_factor=3.0)))
