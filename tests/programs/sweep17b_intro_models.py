"""In the style of "Building Models with PyTorch" from the Introduction to PyTorch series: a tiny
model and LeNet printed with their parameters, common layer types constructed and printed, an LSTM
part-of-speech tagger on a toy sentence, and activation and loss functions on small inputs."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)


class TinyModel(torch.nn.Module):

    def __init__(self):
        super(TinyModel, self).__init__()
        self.linear1 = torch.nn.Linear(100, 200)
        self.activation = torch.nn.ReLU()
        self.linear2 = torch.nn.Linear(200, 10)
        self.softmax = torch.nn.Softmax()

    def forward(self, x):
        x = self.linear1(x)
        x = self.activation(x)
        x = self.linear2(x)
        x = self.softmax(x)
        return x


tinymodel = TinyModel()
print('The model:')
print(tinymodel)
print('\n\nJust one layer:')
print(tinymodel.linear2)
print('\n\nModel params:')
for param in tinymodel.parameters():
    print(type(param).__name__, tuple(param.shape), param.dtype, param.requires_grad)
print('\n\nLayer params:')
for param in tinymodel.linear2.parameters():
    print(tuple(param.shape), f"{param.abs().max().item():.4f}")

lin = torch.nn.Linear(3, 2)
x = torch.rand(1, 3)
print('Input:')
print(x)
print('\n\nWeight and Bias parameters:')
for param in lin.parameters():
    print(param)
y = lin(x)
print('\n\nOutput:')
print(y)


class LeNet(torch.nn.Module):

    def __init__(self):
        super(LeNet, self).__init__()
        self.conv1 = torch.nn.Conv2d(1, 6, 5)
        self.conv2 = torch.nn.Conv2d(6, 16, 3)
        self.fc1 = torch.nn.Linear(16 * 6 * 6, 120)
        self.fc2 = torch.nn.Linear(120, 84)
        self.fc3 = torch.nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.view(-1, self.num_flat_features(x))
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x

    def num_flat_features(self, x):
        size = x.size()[1:]
        num_features = 1
        for s in size:
            num_features *= s
        return num_features


net = LeNet()
print(net)
for name, p in net.named_parameters():
    print(f"{name:<12} {str(tuple(p.shape)):<16} {p.numel()}")
print(sum(p.numel() for p in net.parameters()))
out = net(torch.rand(2, 1, 32, 32))
print(out.shape, out.grad_fn.name())
print(out.round(decimals=3))

my_tensor = torch.rand(1, 6, 6)
print(my_tensor)
maxpool_layer = torch.nn.MaxPool2d(3)
print(maxpool_layer)
print(maxpool_layer(my_tensor))

my_tensor = torch.rand(1, 4, 4) * 20 + 5
print(my_tensor)
print(my_tensor.mean())
norm_layer = torch.nn.BatchNorm1d(4)
print(norm_layer)
normed_tensor = norm_layer(my_tensor)
print(normed_tensor.round(decimals=4))
print(f"{normed_tensor.mean().item():.4f}")
print(norm_layer.running_mean.round(decimals=4), norm_layer.num_batches_tracked)

my_tensor = torch.rand(1, 4, 4)
dropout = torch.nn.Dropout(p=0.4)
print(dropout)
print(dropout(my_tensor))
print(dropout(my_tensor))
dropout.eval()
print(torch.equal(dropout(my_tensor), my_tensor))

layers = [
    nn.Conv2d(3, 8, kernel_size=3, stride=2, padding=1, bias=False),
    nn.Conv1d(4, 4, 3, groups=2, padding='same', padding_mode='reflect'),
    nn.ConvTranspose2d(8, 3, 4, stride=2, padding=1),
    nn.MaxPool2d(2, stride=1, ceil_mode=True), nn.AvgPool2d(3, padding=1),
    nn.AdaptiveAvgPool2d((1, 1)), nn.BatchNorm2d(8, momentum=0.01), nn.LayerNorm([4, 5]),
    nn.GroupNorm(2, 8), nn.InstanceNorm2d(3, affine=True), nn.Dropout2d(0.25),
    nn.LSTM(10, 20, num_layers=2, batch_first=True, dropout=0.1), nn.GRU(5, 6, bidirectional=True),
    nn.RNN(3, 4, nonlinearity='relu'), nn.Embedding(10, 3, padding_idx=0), nn.Flatten(),
    nn.Unflatten(1, (2, 5)), nn.Identity(), nn.LeakyReLU(0.2), nn.Softmax(dim=-1), nn.GELU('tanh'),
    nn.MultiheadAttention(8, 2), nn.TransformerEncoderLayer(d_model=8, nhead=2, dim_feedforward=16),
]
for layer in layers:
    print(layer)
transformer = nn.Transformer(d_model=16, nhead=2, num_encoder_layers=1, num_decoder_layers=1,
                             dim_feedforward=32)
print(transformer)
print(sum(p.numel() for p in transformer.parameters()))
transformer.eval()
src = torch.rand(5, 2, 16)
tgt = torch.rand(3, 2, 16)
print(transformer(src, tgt).shape)


class LSTMTagger(torch.nn.Module):

    def __init__(self, embedding_dim, hidden_dim, vocab_size, tagset_size):
        super(LSTMTagger, self).__init__()
        self.hidden_dim = hidden_dim
        self.word_embeddings = torch.nn.Embedding(vocab_size, embedding_dim)
        self.lstm = torch.nn.LSTM(embedding_dim, hidden_dim)
        self.hidden2tag = torch.nn.Linear(hidden_dim, tagset_size)

    def forward(self, sentence):
        embeds = self.word_embeddings(sentence)
        lstm_out, _ = self.lstm(embeds.view(len(sentence), 1, -1))
        tag_space = self.hidden2tag(lstm_out.view(len(sentence), -1))
        tag_scores = F.log_softmax(tag_space, dim=1)
        return tag_scores


training_data = [
    ("The dog ate the apple".split(), ["DET", "NN", "V", "DET", "NN"]),
    ("Everybody read that book".split(), ["NN", "V", "DET", "NN"]),
]
word_to_ix = {}
for sent, tags in training_data:
    for word in sent:
        if word not in word_to_ix:
            word_to_ix[word] = len(word_to_ix)
print(word_to_ix)
tag_to_ix = {"DET": 0, "NN": 1, "V": 2}


def prepare_sequence(seq, to_ix):
    idxs = [to_ix[w] for w in seq]
    return torch.tensor(idxs, dtype=torch.long)


tagger = LSTMTagger(6, 6, len(word_to_ix), len(tag_to_ix))
print(tagger)
loss_function = nn.NLLLoss()
optimizer = torch.optim.SGD(tagger.parameters(), lr=0.1)
with torch.no_grad():
    inputs = prepare_sequence(training_data[0][0], word_to_ix)
    tag_scores = tagger(inputs)
    print(tag_scores.round(decimals=3))
for epoch in range(30):
    for sentence, tags in training_data:
        tagger.zero_grad()
        sentence_in = prepare_sequence(sentence, word_to_ix)
        targets = prepare_sequence(tags, tag_to_ix)
        tag_scores = tagger(sentence_in)
        loss = loss_function(tag_scores, targets)
        loss.backward()
        optimizer.step()
    if epoch % 10 == 0:
        print(epoch, f"{loss.item():.3f}")
with torch.no_grad():
    inputs = prepare_sequence(training_data[0][0], word_to_ix)
    tag_scores = tagger(inputs)
    print(tag_scores.round(decimals=2))
    print(tag_scores.argmax(dim=1))

x = torch.linspace(-3, 3, 7)
for act in [nn.ReLU(), nn.ReLU6(), nn.LeakyReLU(), nn.ELU(), nn.SELU(), nn.CELU(), nn.GELU(), nn.SiLU(),
            nn.Mish(), nn.Sigmoid(), nn.Tanh(), nn.Softplus(), nn.Softsign(), nn.Hardtanh(), nn.Hardswish(),
            nn.Hardsigmoid(), nn.Tanhshrink(), nn.Softshrink(), nn.Hardshrink(), nn.LogSigmoid(), nn.PReLU()]:
    print(f"{str(act):<40}", [f"{v:.4f}" for v in act(x).tolist()])
print(nn.Softmax(dim=0)(x).round(decimals=4), nn.LogSoftmax(dim=0)(x).round(decimals=4))
print(nn.Softmin(dim=0)(x).round(decimals=4))

pred = torch.randn(4, 3)
target = torch.tensor([0, 2, 1, 2])
reg_target = torch.randn(4, 3)
prob_target = torch.rand(4, 3)
for loss_fn, args in [(nn.MSELoss(), (pred, reg_target)), (nn.L1Loss(), (pred, reg_target)),
                      (nn.SmoothL1Loss(beta=0.5), (pred, reg_target)), (nn.HuberLoss(delta=0.7), (pred, reg_target)),
                      (nn.CrossEntropyLoss(), (pred, target)), (nn.CrossEntropyLoss(label_smoothing=0.1), (pred, target)),
                      (nn.NLLLoss(), (F.log_softmax(pred, 1), target)),
                      (nn.BCEWithLogitsLoss(), (pred, prob_target)), (nn.BCELoss(), (torch.sigmoid(pred), prob_target)),
                      (nn.KLDivLoss(reduction='batchmean'), (F.log_softmax(pred, 1), F.softmax(reg_target, 1))),
                      (nn.MSELoss(reduction='sum'), (pred, reg_target)),
                      (nn.CrossEntropyLoss(reduction='none'), (pred, target))]:
    out = loss_fn(*args)
    print(f"{str(loss_fn):<36}", [f"{v:.4f}" for v in out.reshape(-1).tolist()])


class HalfNet(nn.Module):
    """The same kinds of layers in half precision (model.half()), as a memory-saving aside."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3)
        self.bn = nn.BatchNorm2d(4)
        self.gn = nn.GroupNorm(2, 4)
        self.fc = nn.Linear(4 * 6 * 6, 16)
        self.ln = nn.LayerNorm(16)
        self.lstm = nn.LSTM(16, 8, batch_first=True)
        self.head = nn.Linear(8, 3)

    def forward(self, x):
        x = self.gn(F.relu(self.bn(self.conv(x))))
        x = self.ln(self.fc(x.flatten(1)))
        out, _ = self.lstm(x.unsqueeze(1).repeat(1, 2, 1))
        return self.head(out[:, -1])


torch.manual_seed(3)
half_net = HalfNet().half()
xh = torch.randn(5, 1, 8, 8, dtype=torch.float16)
yh = half_net(xh)
print(yh.dtype, yh)
print(half_net.bn.running_mean, half_net.bn.running_var)
F.cross_entropy(yh.float(), torch.tensor([0, 1, 2, 0, 1])).backward()
print(half_net.conv.weight.grad.dtype, half_net.head.bias.grad)
print(half_net.bn.weight.grad, half_net.ln.bias.grad[:6])
half_net.eval()
with torch.no_grad():
    print(half_net(xh).argmax(1), half_net.fc(torch.ones(2, 144, dtype=torch.float16))[:, :5])
