"""Variable-length sequence classification two ways: a packed bidirectional GRU/LSTM (pad_sequence,
pack_padded_sequence with enforce_sorted=False, final hidden states of both directions) and a 1-D CNN."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence

torch.manual_seed(123)
PAD, VOCAB, NUM_CLASSES = 0, 12, 3

# synthetic "sentences": class c prefers tokens from its own band of the vocabulary
lengths = torch.randint(3, 10, (24,))
labels = torch.randint(0, NUM_CLASSES, (24,))
seqs = []
for n, c in zip(lengths.tolist(), labels.tolist()):
    band = torch.randint(1 + 3 * c, 4 + 3 * c, (n,))
    noise = torch.randint(1, VOCAB, (n,))
    seqs.append(torch.where(torch.rand(n) < 0.7, band, noise))
padded = pad_sequence(seqs, batch_first=True, padding_value=PAD)
print(padded.shape, padded[:3])
print(lengths[:8].tolist(), labels[:8].tolist())
print(pad_sequence(seqs[:3]).shape, pad_sequence(seqs[:2], padding_side="left", batch_first=True)[:, :4])


class RNNClassifier(nn.Module):
    def __init__(self, vocab_size, embed_dim, hidden_dim, num_classes, rnn_type="gru", num_layers=1):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=PAD)
        rnn_cls = nn.GRU if rnn_type == "gru" else nn.LSTM
        self.rnn = rnn_cls(embed_dim, hidden_dim, num_layers=num_layers, batch_first=True, bidirectional=True,
                           dropout=0.2 if num_layers > 1 else 0.0)
        self.fc = nn.Linear(hidden_dim * 2, num_classes)
        self.dropout = nn.Dropout(0.3)

    def forward(self, text, text_lengths):
        embedded = self.dropout(self.embedding(text))
        packed = pack_padded_sequence(embedded, text_lengths.cpu(), batch_first=True, enforce_sorted=False)
        packed_output, hidden = self.rnn(packed)
        if isinstance(hidden, tuple):  # LSTM returns (h_n, c_n)
            hidden = hidden[0]
        output, output_lengths = pad_packed_sequence(packed_output, batch_first=True)
        # last layer, forward and backward directions
        hidden = self.dropout(torch.cat((hidden[-2, :, :], hidden[-1, :, :]), dim=1))
        return self.fc(hidden), output, output_lengths


criterion = nn.CrossEntropyLoss(ignore_index=-100, label_smoothing=0.1)
for rnn_type, layers in [("gru", 1), ("lstm", 2)]:
    torch.manual_seed(0)
    model = RNNClassifier(VOCAB, 8, 10, NUM_CLASSES, rnn_type, layers)
    if rnn_type == "gru":
        print(model)
    print(rnn_type, sum(p.numel() for p in model.parameters() if p.requires_grad), "params")
    print([n for n, _ in model.rnn.named_parameters()][:8])
    optimizer = torch.optim.Adam(model.parameters(), lr=0.02)
    model.train()
    for epoch in range(5):
        optimizer.zero_grad()
        logits, output, out_lens = model(padded, lengths)
        targets = labels.clone()
        targets[::7] = -100  # a few unlabelled examples are ignored
        loss = criterion(logits, targets)
        loss.backward()
        optimizer.step()
        print(f"{rnn_type} epoch {epoch}: loss {loss.item():.4f}")
    print(output.shape, out_lens[:6].tolist(), output[0, lengths[0]:].abs().sum().item())
    model.eval()
    with torch.no_grad():
        logits, _, _ = model(padded, lengths)
        acc = (logits.argmax(1) == labels).float().mean().item()
    print(f"{rnn_type} train accuracy: {acc:.3f}")

# what the packed batch looks like
emb = nn.Embedding(VOCAB, 4, padding_idx=PAD)
packed = pack_padded_sequence(emb(padded[:4]), lengths[:4], batch_first=True, enforce_sorted=False)
print(packed.batch_sizes, packed.sorted_indices, packed.unsorted_indices, packed.data.shape)
print(emb.weight[PAD], emb(padded[:1]).shape)
unpacked, lens = pad_packed_sequence(packed, batch_first=True, total_length=12)
print(unpacked.shape, lens)

# label smoothing and ignore_index by hand
logits = torch.randn(5, NUM_CLASSES)
target = torch.tensor([0, 2, -100, 1, 1])
print(f"{F.cross_entropy(logits, target, ignore_index=-100, label_smoothing=0.1).item():.4f}",
      f"{F.cross_entropy(logits, target, reduction='sum', label_smoothing=0.2).item():.4f}")
print(F.cross_entropy(logits, target, reduction="none", label_smoothing=0.1))


class TextCNN(nn.Module):
    def __init__(self, vocab_size, embed_dim, n_filters, filter_sizes, num_classes):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=PAD)
        self.convs = nn.ModuleList([nn.Conv1d(embed_dim, n_filters, fs, padding=1) for fs in filter_sizes])
        self.pool = nn.MaxPool1d(2, ceil_mode=True)
        self.global_pool = nn.AdaptiveMaxPool1d(1)
        self.fc = nn.Linear(len(filter_sizes) * n_filters, num_classes)

    def forward(self, text):
        x = self.embedding(text).permute(0, 2, 1)  # (batch, embed, seq)
        pooled = []
        for conv in self.convs:
            h = self.pool(F.relu(conv(x)))
            pooled.append(self.global_pool(h).squeeze(-1))
        return self.fc(torch.cat(pooled, dim=1))


torch.manual_seed(1)
cnn = TextCNN(VOCAB, 8, 6, [2, 3, 4], NUM_CLASSES)
print(cnn)
x = cnn.embedding(padded).permute(0, 2, 1)
print(x.shape, [tuple(conv(x).shape) for conv in cnn.convs], cnn.pool(cnn.convs[0](x)).shape)
opt = torch.optim.Adam(cnn.parameters(), lr=0.01)
loss_fn = nn.CrossEntropyLoss(label_smoothing=0.05)
for epoch in range(6):
    for i in range(0, 24, 8):
        opt.zero_grad()
        loss = loss_fn(cnn(padded[i:i + 8]), labels[i:i + 8])
        loss.backward()
        opt.step()
    print(f"cnn epoch {epoch}: last batch loss {loss.item():.4f}")
with torch.no_grad():
    preds = cnn(padded).argmax(dim=1)
print("cnn accuracy:", (preds == labels).sum().item(), "/", len(labels))
print(F.max_pool1d(x[:1, :2], kernel_size=3, stride=2).shape, F.adaptive_max_pool1d(x[:1, :2], 3, return_indices=True)[1])
