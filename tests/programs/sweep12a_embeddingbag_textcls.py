"""Text classification with nn.EmbeddingBag (in the style of the PyTorch text-classification
tutorial, without torchtext): hand-made tokenizer and vocab, collate_batch with offsets."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

TOPICS = {0: ["ball", "goal", "team", "match", "score"], 1: ["stock", "market", "price", "bank", "trade"],
          2: ["cpu", "code", "chip", "data", "cloud"], 3: ["rain", "storm", "wind", "sun", "cloud"]}
FILLER = ["the", "a", "of", "in", "today", "new", "big"]


def make_sentence(label, g):
    n = int(torch.randint(3, 9, (1,), generator=g))
    words = []
    for _ in range(n):
        pool = TOPICS[label] if torch.rand(1, generator=g).item() < 0.6 else FILLER
        words.append(pool[int(torch.randint(len(pool), (1,), generator=g))])
    return " ".join(words)


g = torch.Generator().manual_seed(1)
data = [(lab, make_sentence(lab, g)) for lab in [i % 4 for i in range(64)]]
print(data[:3])

tokenizer = lambda s: s.lower().split()
counts = {}
for _, text in data:
    for tok in tokenizer(text):
        counts[tok] = counts.get(tok, 0) + 1
itos = ["<unk>", "<pad>"] + sorted(counts, key=lambda w: (-counts[w], w))
stoi = {w: i for i, w in enumerate(itos)}
vocab = lambda toks: [stoi.get(t, 0) for t in toks]
print("vocab size", len(itos), itos[:8])
print(vocab(["the", "goal", "zzz"]))

text_pipeline = lambda x: vocab(tokenizer(x))
label_pipeline = lambda x: int(x)


def collate_batch(batch):
    label_list, text_list, offsets = [], [], [0]
    for _label, _text in batch:
        label_list.append(label_pipeline(_label))
        processed = torch.tensor(text_pipeline(_text), dtype=torch.int64)
        text_list.append(processed)
        offsets.append(processed.size(0))
    label_list = torch.tensor(label_list, dtype=torch.int64)
    offsets = torch.tensor(offsets[:-1]).cumsum(dim=0)
    text_list = torch.cat(text_list)
    return label_list, text_list, offsets


labels, text, offsets = collate_batch(data[:4])
print(labels, text, offsets, offsets.dtype, text.shape)

# EmbeddingBag modes on a fixed weight
bag_w = torch.arange(12, dtype=torch.float32).reshape(6, 2)
inp = torch.tensor([1, 2, 4, 5, 4, 3, 2, 0])
offs = torch.tensor([0, 3, 3, 6])
for mode in ["sum", "mean", "max"]:
    eb = nn.EmbeddingBag.from_pretrained(bag_w, mode=mode, freeze=False)
    out = eb(inp, offs)
    print(mode, out.tolist(), type(out.grad_fn).__name__)
psw = torch.tensor([1.0, 0.5, 2.0, 1.0, -1.0, 0.25, 3.0, 1.0])
eb = nn.EmbeddingBag.from_pretrained(bag_w, mode="sum")
print("psw", eb(inp, offs, per_sample_weights=psw).tolist())
eb_last = nn.EmbeddingBag.from_pretrained(bag_w, mode="mean", include_last_offset=True)
print("last", eb_last(inp, torch.tensor([0, 3, 3, 6, 8])).tolist())
eb_pad = nn.EmbeddingBag.from_pretrained(bag_w, mode="mean", padding_idx=2)
print("pad", eb_pad(inp, offs).tolist(), eb_pad)
print("2d", F.embedding_bag(torch.tensor([[1, 2], [3, 2]]), bag_w, mode="max").tolist())
for bad in [lambda: nn.EmbeddingBag(6, 2, mode="mean")(inp, offs, per_sample_weights=psw),
            lambda: nn.EmbeddingBag(6, 2)(torch.tensor([[1, 2]]), offs),
            lambda: nn.EmbeddingBag(6, 2, mode="avg")(inp, offs),
            lambda: F.embedding_bag(inp, bag_w, torch.tensor([1, 3])),
            lambda: F.embedding_bag(inp, bag_w, offs.float())]:
    try:
        bad()
    except Exception as e:
        print(type(e).__name__, e)

# gradients through each mode, per_sample_weights and a sparse bag
for mode in ["sum", "mean", "max"]:
    w = bag_w.clone().requires_grad_()
    F.embedding_bag(inp, w, offs, mode=mode, padding_idx=3).pow(2).sum().backward()
    print(mode, "grad", w.grad.tolist())
w = bag_w.clone().requires_grad_()
p = psw.clone().requires_grad_()
F.embedding_bag(inp, w, offs, mode="sum", per_sample_weights=p).sum().backward()
print("psw grads", w.grad.tolist(), p.grad.tolist())
sp = nn.EmbeddingBag(6, 3, mode="sum", sparse=True)
sp(inp, offs).sum().backward()
print(sp.weight.grad.is_sparse, sp.weight.grad.layout, sp.weight.grad.to_dense().sum(1).tolist())


class TextClassificationModel(nn.Module):
    def __init__(self, vocab_size, embed_dim, num_class):
        super().__init__()
        self.embedding = nn.EmbeddingBag(vocab_size, embed_dim, sparse=False)
        self.fc = nn.Linear(embed_dim, num_class)
        self.init_weights()

    def init_weights(self):
        initrange = 0.5
        self.embedding.weight.data.uniform_(-initrange, initrange)
        self.fc.weight.data.uniform_(-initrange, initrange)
        self.fc.bias.data.zero_()

    def forward(self, text, offsets):
        return self.fc(self.embedding(text, offsets))


model = TextClassificationModel(len(itos), 16, 4)
print(model)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=5.0)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, 1.0, gamma=0.1)
batches = [collate_batch(data[i:i + 16]) for i in range(0, 64, 16)]
for epoch in range(3):
    total_acc, total_count = 0, 0
    for label, text, offsets in batches:
        optimizer.zero_grad()
        predicted_label = model(text, offsets)
        loss = criterion(predicted_label, label)
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 0.1)
        optimizer.step()
        total_acc += (predicted_label.argmax(1) == label).sum().item()
        total_count += label.size(0)
    scheduler.step()
    print(f"epoch {epoch} loss {loss.item():.4f} norm {norm.item():.4f} acc {total_acc / total_count:.4f} "
          f"lr {scheduler.get_last_lr()}")

with torch.no_grad():
    lab, txt, off = collate_batch(data[:8])
    pred = model(txt, off)
    print(pred.argmax(1), lab, F.softmax(pred, 1).round(decimals=3))
print(model.embedding.weight.grad.shape, model.embedding.weight.grad.dtype)
