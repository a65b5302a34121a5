"""DNA one-hot encoding, reverse complement and PWM scanning with conv1d (log-odds)."""
import torch
import torch.nn.functional as F

torch.manual_seed(0)

ALPHABET = "ACGT"
LUT = {c: i for i, c in enumerate(ALPHABET)}


def encode(seq):
    idx = torch.tensor([LUT[c] for c in seq], dtype=torch.long)
    return F.one_hot(idx, num_classes=4)


seq = "ACGTTGCAACGTAGGCTTACGATCGTAGCTAGGCATCGAT"
oh = encode(seq)
print("one-hot shape", oh.shape, oh.dtype)
print(oh[:6])
print("base counts", oh.sum(0))
print("GC content", f"{(oh[:, 1] + oh[:, 2]).float().mean().item():.4f}")

# the same through the raw ASCII bytes and a 256-entry lookup table
raw = torch.frombuffer(bytearray(seq, "ascii"), dtype=torch.uint8)
lut = torch.full((256,), -1, dtype=torch.long)
lut[torch.tensor([ord(c) for c in ALPHABET])] = torch.arange(4)
print("raw", raw[:8], raw.dtype, "lut ok", torch.equal(lut[raw.long()], oh.argmax(1)))
print("A or T", torch.isin(raw, torch.tensor([65, 84], dtype=torch.uint8)).sum().item())

# reverse complement: flip positions and swap A<->T, C<->G (channel flip)
rc = oh.flip(0).flip(1)
comp = torch.tensor([3, 2, 1, 0])
idx = oh.argmax(1)
rc_idx = comp[idx].flip(0)
print("rc agrees:", torch.equal(rc.argmax(1), rc_idx))
rc_str = "".join(ALPHABET[i] for i in rc_idx.tolist())
print("revcomp", rc_str)

# random sequences from a categorical distribution
probs = torch.tensor([0.3, 0.2, 0.2, 0.3])
samples = torch.multinomial(probs, 200, replacement=True)
print("sampled counts", torch.bincount(samples, minlength=4))
seqs = torch.randint(0, 4, (3, 30))
X = F.one_hot(seqs, 4).permute(0, 2, 1).float()
print("batch", X.shape, X.is_contiguous())

# position frequency matrix -> PWM log-odds
counts = torch.tensor([[8, 1, 1, 0, 9, 2],
                       [0, 7, 1, 0, 0, 2],
                       [1, 1, 7, 10, 0, 3],
                       [1, 1, 1, 0, 1, 3]], dtype=torch.float32)
pseudo = 0.5
ppm = (counts + pseudo) / (counts + pseudo).sum(0, keepdim=True)
bg = torch.full((4, 1), 0.25)
pwm = torch.log2(ppm / bg)
print("PWM")
print(pwm)
print("information content", (ppm * torch.log2(ppm / bg)).sum(0))
consensus = "".join(ALPHABET[i] for i in pwm.argmax(0).tolist())
print("consensus", consensus)

# scan both strands with conv1d
x = oh.T.unsqueeze(0).float()
fwd = F.conv1d(x, pwm.unsqueeze(0))
rev = F.conv1d(x, pwm.flip(0).flip(1).unsqueeze(0))
scores = torch.cat([fwd, rev], dim=1).squeeze(0)
print("scores shape", scores.shape)
print("fwd scores", fwd.squeeze()[:10])
best, pos = scores.max(dim=1)
print("best per strand", best, pos)
vals, where = torch.topk(scores.flatten(), 3)
print("top3", vals, where % scores.shape[1], where // scores.shape[1])
hits = (scores > 3.0).nonzero()
print("hits > 3 bits", hits.tolist())

# padded scan keeps length
padded = F.conv1d(x, pwm.unsqueeze(0), padding=2)
print("padded", padded.shape)
same = F.conv1d(x, pwm.unsqueeze(0), padding="same")
print("same", same.shape, f"{same.sum().item():.4f}")

# sequences as a batch with N (unknown) bases as zeros
seq2 = "ACGNNACGTA"
idx2 = torch.tensor(["ACGTN".index(c) for c in seq2])
oh2 = F.one_hot(idx2, 5)[:, :4]
print(oh2.T)
print("N positions", (oh2.sum(1) == 0).nonzero().squeeze(1))

try:
    F.one_hot(torch.tensor([0, 4, 2]), num_classes=4)
except Exception as e:
    print(type(e).__name__, e)
try:
    F.one_hot(torch.tensor([0.0, 1.0]))
except Exception as e:
    print(type(e).__name__, e)
try:
    F.conv1d(x, pwm)
except Exception as e:
    print(type(e).__name__, str(e)[:200])
