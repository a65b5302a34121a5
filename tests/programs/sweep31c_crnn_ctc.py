"""A tiny CRNN (conv stack + bidirectional LSTM + CTC) trained on synthetic glyph strips, as an OCR
tutorial builds it: bitmap glyphs rendered into a line image, label encoding with a blank at index
0, padded targets, CTC loss with every reduction, greedy decoding with unique_consecutive, and a few
Adam steps with gradient clipping."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(31)

VOCAB = "0123456789"
BLANK = 0
char2idx = {c: i + 1 for i, c in enumerate(VOCAB)}
idx2char = {i: c for c, i in char2idx.items()}

# 5x3 bitmap glyphs, one per digit (a 7-segment-ish font)
SEG = {
    "0": "111101101101111", "1": "010110010010111", "2": "111001111100111",
    "3": "111001111001111", "4": "101101111001001", "5": "111100111001111",
    "6": "111100111101111", "7": "111001010010010", "8": "111101111101111",
    "9": "111101111001111",
}
glyphs = torch.stack([torch.tensor([int(b) for b in SEG[c]], dtype=torch.float32).view(5, 3)
                      for c in VOCAB])
print("glyph bank", glyphs.shape, glyphs.dtype, "ink per glyph", glyphs.sum((1, 2)).tolist())


def render(text, width=32, height=8):
    img = torch.zeros(height, width)
    x = 1
    for ch in text:
        g = glyphs[VOCAB.index(ch)]
        img[1:6, x:x + 3] = g
        x += 4
    return img


def encode(texts):
    lens = torch.tensor([len(t) for t in texts], dtype=torch.long)
    tgt = torch.full((len(texts), int(lens.max())), BLANK, dtype=torch.long)
    for i, t in enumerate(texts):
        tgt[i, :len(t)] = torch.tensor([char2idx[c] for c in t])
    return tgt, lens


texts = ["".join(VOCAB[j] for j in torch.randint(0, 10, (int(n),)).tolist())
         for n in torch.randint(3, 8, (8,))]
print("texts", texts)
imgs = torch.stack([render(t) for t in texts]).unsqueeze(1)
imgs = imgs + 0.1 * torch.randn_like(imgs)
targets, target_lens = encode(texts)
print("targets\n", targets)
print("target_lens", target_lens)


class CRNN(nn.Module):
    def __init__(self, n_classes, hidden=16):
        super().__init__()
        self.cnn = nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(inplace=True),
            nn.MaxPool2d((2, 1)),
            nn.Conv2d(8, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(inplace=True),
            nn.MaxPool2d((2, 1)),
            nn.Conv2d(16, 16, (2, 1)), nn.ReLU(),
        )
        self.rnn = nn.LSTM(16, hidden, bidirectional=True, batch_first=False)
        self.fc = nn.Linear(2 * hidden, n_classes)

    def forward(self, x):
        f = self.cnn(x)                      # (N, C, 1, W)
        assert f.size(2) == 1, f.shape
        f = f.squeeze(2).permute(2, 0, 1)    # (T, N, C)
        out, _ = self.rnn(f)
        return self.fc(out).log_softmax(2)


model = CRNN(len(VOCAB) + 1)
print(model)
n_params = sum(p.numel() for p in model.parameters() if p.requires_grad)
print("params", n_params)

lp = model(imgs)
T = lp.size(0)
print("log-probs", lp.shape, lp.grad_fn.name())
input_lens = torch.full((lp.size(1),), T, dtype=torch.long)
for red in ("none", "mean", "sum"):
    loss = F.ctc_loss(lp, targets, input_lens, target_lens, blank=BLANK, reduction=red)
    if red == "none":
        print(red, [round(v, 3) for v in loss.tolist()])
    else:
        print(red, f"{loss.item():.3f}", loss.grad_fn.name())

ctc = nn.CTCLoss(blank=BLANK, zero_infinity=True)
print(ctc)
opt = torch.optim.Adam(model.parameters(), lr=3e-3)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=10, gamma=0.5)
model.train()
for step in range(25):
    opt.zero_grad(set_to_none=True)
    lp = model(imgs)
    loss = ctc(lp, targets, input_lens, target_lens)
    loss.backward()
    total = nn.utils.clip_grad_norm_(model.parameters(), max_norm=5.0)
    opt.step()
    sched.step()
    if step % 6 == 0:
        print(f"step {step:2d} loss {loss.item():.3f} grad-norm {total.item():.2f} lr {sched.get_last_lr()[0]:.5f}")


def greedy_decode(log_probs):
    best = log_probs.argmax(2).t()           # (N, T)
    outs = []
    for row in best:
        collapsed = torch.unique_consecutive(row)
        chars = collapsed[collapsed != BLANK]
        outs.append("".join(idx2char[i] for i in chars.tolist()))
    return outs


model.eval()
with torch.no_grad():
    lp = model(imgs)
print("bn running mean", model.cnn[1].running_mean.shape, model.cnn[1].num_batches_tracked)
best = lp.argmax(2).t()
print("best path shape", best.shape, best.dtype)
vals, counts = torch.unique_consecutive(best[0], return_counts=True)
print("run lengths of sample 0:", counts.sum().item() == T, vals.numel() == counts.numel())
dec = greedy_decode(lp)
print("decoded lengths", [len(d) for d in dec])
conf = lp.max(2).values.sum(0).exp()
print("sequence confidence in (0,1]", bool(((conf > 0) & (conf <= 1)).all()))

# the CTC forward variables behind the loss (what alignment plots draw): torch._ctc_loss returns them
nll, log_alpha = torch._ctc_loss(lp, targets, input_lens, target_lens, BLANK, False)
print("log_alpha", log_alpha.shape, log_alpha.dtype, "needs grad:", log_alpha.requires_grad)
ends = torch.stack([log_alpha[b, T - 1, 2 * n - 1: 2 * n + 1].logsumexp(0) for b, n in enumerate(target_lens.tolist())])
print("-logsumexp of the last alphas is the loss:", torch.allclose(-ends, nll, atol=1e-4))
print("aten default reduction is the mean:",
      torch.allclose(torch.ops.aten.ctc_loss(lp, targets, input_lens, target_lens),
                     F.ctc_loss(lp, targets, input_lens, target_lens)))

# the errors a user meets with malformed CTC inputs
try:
    F.ctc_loss(lp, targets, input_lens[:3], target_lens)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    F.ctc_loss(lp, targets.float(), input_lens, target_lens)
except RuntimeError as e:
    print("RuntimeError:", str(e).splitlines()[0])
try:
    too_long = torch.full_like(input_lens, T + 1)
    F.ctc_loss(lp, targets, too_long, target_lens)
except RuntimeError as e:
    print("RuntimeError:", e)
