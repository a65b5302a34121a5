"""Symbolic music: piano rolls, key finding, and a small LSTM melody model.

Note events (pitch, onset, duration) become a piano roll (scatter / index_put_ / one_hot /
sparse COO), get quantised to a grid (bucketize), transposed (roll), and key-profiled with the
Krumhansl-Schmuckler correlation (corrcoef). A tiny LSTM is trained on padded melody batches
(pack_padded_sequence, CrossEntropyLoss with ignore_index) and sampled from (multinomial,
Categorical, temperature)."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence

torch.manual_seed(4)
torch.set_printoptions(precision=4, sci_mode=False, linewidth=110)

# --- note events -> piano roll ------------------------------------------------------------------
pitch = torch.tensor([60, 62, 64, 65, 67, 67, 64, 60])
onset = torch.tensor([0.00, 0.26, 0.49, 0.76, 1.02, 1.49, 1.74, 2.01])   # seconds, slightly off-grid
dur = torch.tensor([0.25, 0.25, 0.25, 0.25, 0.5, 0.25, 0.25, 0.5])
grid = torch.arange(0, 3.0, 0.25)
step = torch.bucketize(onset, grid - 0.125) - 1
print("quantised steps:", step)
steps_dur = (dur / 0.25).round().long()
print("durations in steps:", steps_dur, steps_dur.dtype)
T = int((step + steps_dur).max())
LOW = 55
roll = torch.zeros(24, T, dtype=torch.uint8)
for p, s, d in zip(pitch.tolist(), step.tolist(), steps_dur.tolist()):
    roll[p - LOW, s:s + d] = 1
print("roll", tuple(roll.shape), roll.dtype, "active cells", int(roll.sum()))
print(roll[3:14])
# the same, vectorised: frames covered by each note via repeat_interleave
frames = torch.repeat_interleave(step, steps_dur) + torch.cat([torch.arange(d) for d in steps_dur.tolist()])
rows = torch.repeat_interleave(pitch - LOW, steps_dur)
roll2 = torch.zeros(24, T, dtype=torch.uint8)
roll2.index_put_((rows, frames), torch.ones_like(rows, dtype=torch.uint8))
print("index_put_ roll equal:", torch.equal(roll, roll2))
sp = torch.sparse_coo_tensor(torch.stack([rows, frames]), torch.ones(rows.numel()), (24, T))
print("sparse:", sp.is_sparse, sp._nnz(), "to_dense equal:", torch.equal(sp.to_dense().to(torch.uint8), roll))
onehot = F.one_hot(pitch - LOW, num_classes=24)
print("one_hot:", onehot.shape, onehot.dtype, onehot.sum(0)[3:13])
on = torch.zeros(24, T)
on[pitch - LOW, step] = 1.0
print("onset roll per frame:", on.sum(0))
print("polyphony per frame:", roll.sum(0, dtype=torch.int64))
active = roll.bool().any(0)
print("silent frames:", torch.nonzero(~active).flatten().tolist())
try:
    F.one_hot(torch.tensor([3, 30]), num_classes=24)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    roll[0, 0] = 300
except RuntimeError as e:
    print("RuntimeError:", e)
print("uint8 wraps on add:", (roll[5:6, :4] + 255))

# --- transposition and pitch-class profiles -------------------------------------------------
up3 = torch.roll(roll, shifts=3, dims=0)
print("transposed lowest active row:", up3.any(1).nonzero()[0].item(), "from", roll.any(1).nonzero()[0].item())
pc = torch.zeros(12).index_add_(0, pitch % 12, dur)
print("pitch-class durations:", pc)
major_profile = torch.tensor([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88])
minor_profile = torch.tensor([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17])
profiles = torch.stack([torch.roll(major_profile, k) for k in range(12)] + [torch.roll(minor_profile, k) for k in range(12)])
corr = torch.corrcoef(torch.cat([pc.unsqueeze(0), profiles]))[0, 1:]
names = ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"]
best = corr.argsort(descending=True)[:3]
print("key candidates:", [names[i % 12] + (" major" if i < 12 else " minor") for i in best.tolist()])
print("correlations:", corr[best])
intervals = torch.diff(pitch)
print("melodic intervals:", intervals, "unique:", torch.unique_consecutive(intervals.sign(), return_counts=True))
retro = reversed(pitch)                   # the retrograde of the melody
inversion = 2 * pitch[0] - pitch          # mirrored around the first note
print("retrograde:", retro, type(retro).__name__)
print("inversion:", inversion, "retrograde inversion:", reversed(inversion))
print("contour:", torch.where(intervals > 0, 1, torch.where(intervals < 0, -1, 0)))

# --- LSTM melody model -------------------------------------------------------------------------
VOCAB = 13          # 12 pitch classes + padding index 12
PAD = 12
songs = [torch.randint(0, 12, (n,)) for n in (9, 7, 5, 8)]
lengths = torch.tensor([len(s) for s in songs])
batch = pad_sequence(songs, batch_first=True, padding_value=PAD)
print("padded batch:\n", batch)


class MelodyLSTM(nn.Module):
    def __init__(self, vocab=VOCAB, emb=8, hidden=16):
        super().__init__()
        self.emb = nn.Embedding(vocab, emb, padding_idx=PAD)
        self.lstm = nn.LSTM(emb, hidden, batch_first=True)
        self.head = nn.Linear(hidden, vocab - 1)

    def forward(self, x, lengths, state=None):
        e = self.emb(x)
        packed = pack_padded_sequence(e, lengths, batch_first=True, enforce_sorted=False)
        out, state = self.lstm(packed, state)
        out, _ = pad_packed_sequence(out, batch_first=True, padding_value=0.0, total_length=x.shape[1])
        return self.head(out), state


model = MelodyLSTM()
print(model)
print("embedding pad row is zero:", bool(model.emb.weight[PAD].abs().sum() == 0))
inputs, targets = batch[:, :-1], batch[:, 1:]
in_len = lengths - 1
loss_fn = nn.CrossEntropyLoss(ignore_index=PAD)
opt = torch.optim.RMSprop(model.parameters(), lr=0.01)
for epoch in range(30):
    opt.zero_grad()
    logits, _ = model(inputs, in_len)
    loss = loss_fn(logits.reshape(-1, 12), targets.reshape(-1))
    loss.backward()
    opt.step()
    if epoch % 10 == 0:
        print(f"epoch {epoch} loss {loss.item():.4f}")
print("final loss {:.4f}".format(loss.item()))
print("pad row grad after training is zero:", bool(model.emb.weight.grad[PAD].abs().sum() == 0))
with torch.no_grad():
    logits, (h, c) = model(inputs, in_len)
    print("hidden state shapes:", tuple(h.shape), tuple(c.shape))
    pred = logits.argmax(-1)
    mask = targets != PAD
    print("train accuracy: {:.3f}".format((pred[mask] == targets[mask]).float().mean().item()))

# MIDI pitches are often stored as uint8; an embedding wants int64 (or int32) indices
pitch_u8 = pitch.to(torch.uint8)
try:
    model.emb(pitch_u8 % 12)
except RuntimeError as e:
    print("RuntimeError:", e)
print("as int32:", model.emb((pitch_u8 % 12).int()).shape)
bag = nn.EmbeddingBag(VOCAB, 4, mode="sum")
print("chord bags:", bag(pitch_u8.long() % 12, torch.tensor([0, 3, 6])).shape)

# --- sampling a continuation -------------------------------------------------------------------
gen = torch.Generator().manual_seed(11)
with torch.no_grad():
    x = torch.tensor([[0]])
    state = None
    notes = []
    for _ in range(8):
        logits, state = model(x, torch.tensor([1]), state)
        probs = F.softmax(logits[0, -1] / 0.8, dim=-1)
        nxt = torch.multinomial(probs, 1, generator=gen)
        notes.append(nxt.item())
        x = nxt.view(1, 1)
print("sampled pitch classes:", notes)
print("as names:", " ".join(names[n] for n in notes))
dist = torch.distributions.Categorical(logits=torch.tensor([2.0, 1.0, 0.5, 0.0]))
print("categorical entropy {:.4f}".format(dist.entropy().item()), "probs", dist.probs)
torch.manual_seed(5)
print("categorical samples:", dist.sample((10,)))
print("log_prob of [0, 3]:", dist.log_prob(torch.tensor([0, 3])))
try:
    torch.multinomial(torch.tensor([0.0, 0.0]), 1)
except RuntimeError as e:
    print("RuntimeError:", e)
