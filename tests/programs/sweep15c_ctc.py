"""A speech-recognition blog post ("CTC from the ground up"): a tiny BiGRU acoustic model trained with
nn.CTCLoss on a synthetic alignment task (each label is stretched over a random number of frames,
with noise), padded and concatenated target formats, reductions and zero_infinity, the CTC forward
(alpha) recursion written by hand with logsumexp and checked against F.ctc_loss, then greedy
(best-path) decoding with unique_consecutive and a small prefix beam search."""
import collections
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(42)
torch.set_printoptions(precision=4, sci_mode=False)

BLANK = 0
VOCAB = "_abcd"            # index 0 is the CTC blank
C = len(VOCAB)
FEAT = 8
prototypes = torch.randn(C, FEAT)


def make_example(max_len=4):
    L = int(torch.randint(1, max_len + 1, ()).item())
    labels = torch.randint(1, C, (L,))
    frames = []
    for lab in labels.tolist():
        reps = int(torch.randint(1, 4, ()).item())
        frames += [lab] * reps
        if torch.rand(()) < 0.5:
            frames.append(BLANK)                       # a silence frame between symbols
    frames = torch.tensor(frames)
    x = prototypes[frames] + 0.3 * torch.randn(len(frames), FEAT)
    return x, labels


def collate(batch):
    xs, ys = zip(*batch)
    x_lens = torch.tensor([len(x) for x in xs])
    y_lens = torch.tensor([len(y) for y in ys])
    x_pad = nn.utils.rnn.pad_sequence(xs)                  # (T, N, F)
    y_pad = nn.utils.rnn.pad_sequence(ys, batch_first=True, padding_value=BLANK)
    return x_pad, y_pad, torch.cat(ys), x_lens, y_lens


data = [make_example() for _ in range(48)]
x, y_pad, y_cat, x_lens, y_lens = collate(data[:4])
print("inputs", tuple(x.shape), "padded targets", tuple(y_pad.shape), "concatenated", tuple(y_cat.shape))
print("input lengths", x_lens.tolist(), "target lengths", y_lens.tolist())
print(y_pad)


class Acoustic(nn.Module):
    def __init__(self, feat, hidden, classes):
        super().__init__()
        self.rnn = nn.GRU(feat, hidden, bidirectional=True)
        self.proj = nn.Linear(2 * hidden, classes)

    def forward(self, x, lengths):
        packed = nn.utils.rnn.pack_padded_sequence(x, lengths, enforce_sorted=False)
        out, _ = self.rnn(packed)
        out, _ = nn.utils.rnn.pad_packed_sequence(out)
        return self.proj(out).log_softmax(dim=-1)          # (T, N, C)


model = Acoustic(FEAT, 16, C)
print(model)
ctc = nn.CTCLoss(blank=BLANK, zero_infinity=True)
print(ctc, ctc.blank, ctc.reduction, ctc.zero_infinity)

log_probs = model(x, x_lens)
print("log_probs", tuple(log_probs.shape), log_probs.grad_fn.name())
l_pad = ctc(log_probs, y_pad, x_lens, y_lens)
l_cat = ctc(log_probs, y_cat, x_lens, y_lens)
print(f"padded {l_pad.item():.4f} concatenated {l_cat.item():.4f} grad_fn {type(l_pad.grad_fn).__name__}")
for red in ("none", "sum", "mean"):
    out = F.ctc_loss(log_probs, y_pad, tuple(x_lens.tolist()), tuple(y_lens.tolist()), reduction=red)
    print(red, out.detach() if red == "none" else f"{out.item():.4f}")
# 'mean' divides each sequence by its target length before averaging over the batch
per = F.ctc_loss(log_probs, y_pad, x_lens, y_lens, reduction="none")
print(f"manual mean {(per / y_lens).mean().item():.4f}")


# ---------------------------------------------------------------- the alpha recursion by hand
def ctc_forward(lp, target):
    """-log p(target | lp) for one sequence; lp is (T, C) log-probabilities."""
    ext = torch.full((2 * len(target) + 1,), BLANK, dtype=torch.long)
    ext[1::2] = target
    S = len(ext)
    alpha = torch.full((S,), -math.inf)
    alpha[0] = lp[0, BLANK]
    alpha[1] = lp[0, ext[1]]
    allow_skip = torch.zeros(S, dtype=torch.bool)
    allow_skip[2:] = (ext[2:] != BLANK) & (ext[2:] != ext[:-2])
    for t in range(1, lp.shape[0]):
        prev1 = torch.cat([torch.tensor([-math.inf]), alpha[:-1]])
        prev2 = torch.cat([torch.tensor([-math.inf, -math.inf]), alpha[:-2]])
        prev2 = torch.where(allow_skip, prev2, torch.tensor(-math.inf))
        alpha = torch.logsumexp(torch.stack([alpha, prev1, prev2]), dim=0) + lp[t, ext]
    return -torch.logaddexp(alpha[-1], alpha[-2])


with torch.no_grad():
    for b in range(4):
        T_b, L_b = x_lens[b].item(), y_lens[b].item()
        mine = ctc_forward(log_probs[:T_b, b], y_pad[b, :L_b])
        print(f"seq {b}: by hand {mine.item():.4f}  F.ctc_loss {per[b].item():.4f}")

# impossible alignment: target longer than the input -> inf, or 0 with zero_infinity
lp_short = torch.randn(2, 1, C).log_softmax(2)
tgt = torch.tensor([[1, 2, 3]])
print("impossible:", F.ctc_loss(lp_short, tgt, [2], [3], reduction="sum"),
      F.ctc_loss(lp_short, tgt, [2], [3], reduction="sum", zero_infinity=True))
print("repeated label needs a blank:", F.ctc_loss(lp_short, torch.tensor([[1, 1]]), [2], [2], reduction="none"))
lp_g = lp_short.clone().requires_grad_()
F.ctc_loss(lp_g, tgt, [2], [3], zero_infinity=True).backward()
print("zero_infinity grad is zero:", torch.count_nonzero(lp_g.grad).item() == 0)
try:
    F.ctc_loss(log_probs, y_pad, x_lens, y_lens[:3])
except RuntimeError as e:
    print(type(e).__name__, e)
# a common slip: lengths as a tuple for the inputs but a tensor for the targets
try:
    ctc(log_probs, y_pad, tuple(x_lens.tolist()), y_lens)
except TypeError as e:
    print(type(e).__name__, str(e).splitlines()[0])
    print(len(str(e).splitlines()), "lines;", str(e).splitlines()[2].strip())
print("torch.ctc_loss does not reduce by default:", torch.ctc_loss(log_probs, y_pad, x_lens, y_lens).shape)

# ---------------------------------------------------------------- training
opt = torch.optim.Adam(model.parameters(), lr=0.01)
for epoch in range(6):
    total = 0.0
    for i in range(0, len(data), 8):
        x, y_pad, y_cat, x_lens, y_lens = collate(data[i:i + 8])
        lp = model(x, x_lens)
        loss = ctc(lp, y_cat, x_lens, y_lens)
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        total += loss.item()
    print(f"epoch {epoch} loss {total / 6:.3f}")


# ---------------------------------------------------------------- decoding
def greedy_decode(lp, length):
    best = lp[:length].argmax(dim=-1)
    collapsed = torch.unique_consecutive(best)
    return collapsed[collapsed != BLANK]


def prefix_beam_search(lp, length, beam=3):
    probs = lp[:length].exp()
    beams = {(): (1.0, 0.0)}                      # prefix -> (p ending in blank, p ending in non-blank)
    for t in range(length):
        nxt = collections.defaultdict(lambda: [0.0, 0.0])
        for prefix, (pb, pnb) in beams.items():
            for c in range(C):
                p = probs[t, c].item()
                if c == BLANK:
                    nxt[prefix][0] += (pb + pnb) * p
                    continue
                new = prefix + (c,)
                if prefix and prefix[-1] == c:
                    nxt[new][1] += pb * p
                    nxt[prefix][1] += pnb * p
                else:
                    nxt[new][1] += (pb + pnb) * p
        beams = dict(sorted(nxt.items(), key=lambda kv: -sum(kv[1]))[:beam])
    best, (pb, pnb) = max(beams.items(), key=lambda kv: sum(kv[1]))
    return list(best), math.log(pb + pnb)


model.eval()
x, y_pad, y_cat, x_lens, y_lens = collate(data[:6])
with torch.no_grad():
    lp = model(x, x_lens)
errors = 0
for b in range(6):
    ref = y_pad[b, :y_lens[b]].tolist()
    g = greedy_decode(lp[:, b], x_lens[b]).tolist()
    bs, score = prefix_beam_search(lp[:, b], x_lens[b].item())
    errors += g != ref
    print("ref", "".join(VOCAB[i] for i in ref), "| greedy", "".join(VOCAB[i] for i in g),
          "| beam", "".join(VOCAB[i] for i in bs), f"({score:.2f})")
print("greedy sequence errors:", errors)
frames = lp[:, 0].argmax(-1)[:x_lens[0]]
print("best path frames:", "".join(VOCAB[i] for i in frames.tolist()))
