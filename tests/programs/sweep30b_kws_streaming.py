"""Streaming keyword spotting as in an on-device speech tutorial: variable-length synthetic
utterances of log-mel frames, pack_padded_sequence / pad_packed_sequence with unsorted lengths,
an LSTM with proj_size and a GRU classifier head with masked attention pooling, CrossEntropyLoss
with label_smoothing and class weights, AdamW with OneCycleLR and gradient clipping, then streaming
inference chunk by chunk carrying the recurrent state and a posterior-smoothing detector."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(5)
N_MELS, N_CLASSES = 10, 4          # "yes", "no", "stop", "_unknown_"
templates = torch.randn(N_CLASSES, 6, N_MELS)


def utterance(label, g):
    length = int(torch.randint(14, 30, (1,), generator=g))
    # stretch the 6-frame template to the utterance length, add noise
    idx = torch.linspace(0, 5, length).round().long()
    x = templates[label][idx] + 0.4 * torch.randn(length, N_MELS, generator=g)
    return x


g = torch.Generator().manual_seed(123)
labels = torch.randint(0, N_CLASSES, (64,), generator=g)
data = [utterance(int(y), g) for y in labels]
lengths = torch.tensor([len(x) for x in data])
print("lengths", lengths[:10].tolist(), "min", lengths.min().item(), "max", lengths.max().item())
print("class counts", torch.bincount(labels, minlength=N_CLASSES).tolist())


class KWS(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm = nn.LayerNorm(N_MELS)
        self.lstm = nn.LSTM(N_MELS, 24, proj_size=12, batch_first=True)
        self.gru = nn.GRU(12, 16, batch_first=True)
        self.att = nn.Linear(16, 1)
        self.out = nn.Linear(16, N_CLASSES)

    def encode(self, x, state=None):
        h, s1 = self.lstm(self.norm(x), None if state is None else state[0])
        h, s2 = self.gru(h, None if state is None else state[1])
        return h, (s1, s2)

    def forward(self, x, lengths):
        packed = nn.utils.rnn.pack_padded_sequence(self.norm(x), lengths, batch_first=True, enforce_sorted=False)
        h, _ = self.lstm(packed)
        h, _ = self.gru(h)
        h, out_lens = nn.utils.rnn.pad_packed_sequence(h, batch_first=True)
        mask = torch.arange(h.shape[1])[None, :] < out_lens[:, None]
        scores = self.att(h).squeeze(-1).masked_fill(~mask, float("-inf"))
        w = scores.softmax(dim=1)
        pooled = torch.bmm(w.unsqueeze(1), h).squeeze(1)
        return self.out(pooled), w


model = KWS()
print(model)
for name, p in model.lstm.named_parameters():
    print(name, tuple(p.shape))
print("parameters", sum(p.numel() for p in model.parameters()))

x = nn.utils.rnn.pad_sequence(data[:5], batch_first=True)
packed = nn.utils.rnn.pack_padded_sequence(x, lengths[:5], batch_first=True, enforce_sorted=False)
print("packed batch_sizes", packed.batch_sizes[:6].tolist(), "sorted", packed.sorted_indices.tolist(),
      "unsorted", packed.unsorted_indices.tolist())
logits, w = model(x, lengths[:5])
print("logits", logits.shape, "attention rows sum to 1:", torch.allclose(w.sum(1), torch.ones(5)))
print("attention beyond length", w[0, lengths[0]:].sum().item() if lengths[0] < w.shape[1] else 0.0)

weights = torch.tensor([1.0, 1.0, 1.0, 0.5])
crit = nn.CrossEntropyLoss(weight=weights, label_smoothing=0.1)
print(crit, crit.label_smoothing)
opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.01)
steps = 5 * 8
sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=1e-2, total_steps=steps)
lrs = []
for epoch in range(5):
    perm = torch.randperm(64, generator=g)
    total, correct = 0.0, 0
    for i in range(0, 64, 8):
        idx = perm[i:i + 8]
        xb = nn.utils.rnn.pad_sequence([data[j] for j in idx], batch_first=True)
        yb = labels[idx]
        logits, _ = model(xb, lengths[idx])
        loss = crit(logits, yb)
        opt.zero_grad()
        loss.backward()
        gn = nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        lrs.append(sched.get_last_lr()[0])
        total += loss.item() * len(idx)
        correct += (logits.argmax(1) == yb).sum().item()
    print(f"epoch {epoch} loss {total / 64:.3f} acc {correct / 64:.3f} grad-norm {gn.item():.3f}")
print("lr schedule", [f"{v:.5f}" for v in lrs[::8]], f"{max(lrs):.5f}")

model.eval()
with torch.inference_mode():
    xb = nn.utils.rnn.pad_sequence(data, batch_first=True)
    logits, _ = model(xb, lengths)
    pred = logits.argmax(1)
    conf = torch.zeros(N_CLASSES, N_CLASSES, dtype=torch.long)
    conf.index_put_((labels, pred), torch.ones_like(labels), accumulate=True)
    print(conf)
    tp = conf.diag().float()
    prec = tp / conf.sum(0).clamp(min=1)
    rec = tp / conf.sum(1).clamp(min=1)
    f1 = torch.where(prec + rec > 0, 2 * prec * rec / (prec + rec), torch.zeros(()))
    print("precision", prec, "\nrecall", rec, "\nf1", f1)
    probs = logits.softmax(-1)
    top = probs.topk(2, dim=1)
    print("top2", top.indices[:4].tolist(), top.values[:4])

# streaming: chunks of 5 frames, carrying (h, c) of the LSTM and h of the GRU
with torch.no_grad():
    stream = torch.cat([data[0], data[1], data[2]])[None]
    full, _ = model.encode(stream)
    state = None
    outs = []
    for chunk in stream.split(5, dim=1):
        h, state = model.encode(chunk, state)
        outs.append(h)
    chunked = torch.cat(outs, 1)
    print("stream", stream.shape, "chunks", len(outs), "same as full:", torch.allclose(full, chunked, atol=1e-6))
    (h1, c1), h2 = state
    print("state shapes", tuple(h1.shape), tuple(c1.shape), tuple(h2.shape))
    post = model.out(chunked[0]).softmax(-1)
    smooth = F.avg_pool1d(post.T[None], kernel_size=5, stride=1, padding=2, count_include_pad=False)[0].T
    conf_score = smooth[:, :3].max(-1)
    fire = (conf_score.values > 0.6).nonzero().flatten()
    print("frames", post.shape[0], "fired", fire.numel(), "first", fire[:5].tolist())
    print("keyword at fire points", conf_score.indices[fire][:8].tolist())
