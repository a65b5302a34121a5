"""The hashing trick and character n-grams on integer tensors, as in fastText-style feature code:
bytes of words as int64 tensors, padded with boundary markers, n-grams via unfold on int tensors,
a polynomial rolling hash and an FNV-1a style hash with int64 xor / shifts / masks (wrapping
multiplication), signed hashing with a sign bit, torch.remainder and torch.fmod of negative
hashes, bucket counts with bincount and index_add_, and collision statistics."""
import torch

torch.manual_seed(0)
torch.set_printoptions(precision=4)

words = ["where", "here", "there", "hello", "retrieval", "a", "tf", "idf"]
MAXLEN = 12
BOW, EOW, PAD = 60, 62, 0   # '<' '>' and padding


def encode(w):
    ids = [BOW] + list(w.encode()) + [EOW]
    return ids + [PAD] * (MAXLEN - len(ids))


X = torch.tensor([encode(w) for w in words], dtype=torch.int64)
lens = (X != PAD).sum(1)
print("X", X.shape, X.dtype, "lens", lens.tolist())

# character trigrams: (B, L-2, 3)
n = 3
grams = X.unfold(1, n, 1)
print("grams", tuple(grams.shape), grams.stride(), grams.is_contiguous())
valid = (grams != PAD).all(-1)
print("valid per word", valid.sum(1).tolist())
print("first trigrams of 'where'", ["".join(map(chr, g)) for g in grams[0][valid[0]].tolist()])

# polynomial rolling hash with int64 wrap-around
P = 31
powers = P ** torch.arange(n - 1, -1, -1, dtype=torch.int64)
poly = (grams * powers).sum(-1)
print("poly hash", poly[0, :5].tolist())

# FNV-1a, 64-bit, with wrapping int64 multiply
FNV_OFFSET = -3750763034362895579   # 0xcbf29ce484222325 as signed int64
FNV_PRIME = 1099511628211
h = torch.full(grams.shape[:2], FNV_OFFSET, dtype=torch.int64)
for k in range(n):
    h = torch.bitwise_xor(h, grams[..., k])
    h = h * FNV_PRIME
print("fnv", h[0, :3].tolist())
print("negative hashes", (h < 0).sum().item(), "of", h.numel())

# murmur-style finalizer: xor-shift with logical shift emulated by masking
def fmix(k):
    k = k ^ ((k >> 33) & ((1 << 31) - 1))
    k = k * -49064778989728563        # 0xff51afd7ed558ccd
    k = k ^ ((k >> 33) & ((1 << 31) - 1))
    return k

m = fmix(h)
print("fmix", m[1, :3].tolist())
print("shift left", (torch.tensor([1, 3, -5]) << 62).tolist(), (torch.tensor([-8, 7]) >> 1).tolist())
print("and/or/not", (m[0, :3] & 0xFFFF).tolist(), (m[0, :3] | 1).tolist()[:1], (~m[0, :2]).tolist())

NB = 16
bucket_rem = torch.remainder(h, NB)
bucket_fmod = torch.fmod(h, NB)
bucket_mask = h & (NB - 1)
print("remainder", bucket_rem[0].tolist())
print("fmod", bucket_fmod[0].tolist())
print("mask == remainder:", torch.equal(bucket_mask, bucket_rem))
print("python % agrees:", [int(v) % NB for v in h[0].tolist()] == bucket_rem[0].tolist())
print("remainder floats", torch.remainder(torch.tensor([-7.5, 7.5, -0.0, -16.0]), 4.0))
print("fmod floats", torch.fmod(torch.tensor([-7.5, 7.5, -3.0]), 4))
print("floor_divide", torch.floor_divide(torch.tensor([-7, 7, -16]), 4).tolist(),
      torch.div(torch.tensor([-7, 7]), 4, rounding_mode="trunc").tolist())

# signed hashing: sign from another bit, accumulate into a feature vector per word
sign = 1 - 2 * ((m >> 7) & 1)
feat = torch.zeros(len(words), NB)
vals = (sign * valid).to(torch.float32)
feat.scatter_add_(1, bucket_rem, vals)
print("signed features\n", feat)
counts = torch.zeros(NB, dtype=torch.int64).index_add_(0, bucket_rem[valid], torch.ones_like(bucket_rem[valid]))
print("bucket counts", counts.tolist())
print("bincount equal:", torch.equal(counts, torch.bincount(bucket_rem[valid], minlength=NB)))
uniq, inv, cnt = torch.unique(h[valid], return_inverse=True, return_counts=True)
print("unique trigrams", uniq.numel(), "repeated", (cnt > 1).sum().item(), "max", cnt.max().item())
used = torch.unique(bucket_rem[valid])
print("buckets used", used.numel(), "collisions", uniq.numel() - used.numel())

# word vector = sum of its n-gram embeddings (fastText)
emb = torch.nn.Embedding(NB, 4)
vec = (emb(bucket_rem) * valid.unsqueeze(-1)).sum(1) / valid.sum(1, keepdim=True).clamp(min=1)
print("word vectors\n", vec.detach())
bag = torch.nn.EmbeddingBag(NB, 4, mode="sum")
bag.weight.data.copy_(emb.weight.data)
offsets = torch.cat([torch.zeros(1, dtype=torch.long), valid.sum(1).cumsum(0)[:-1]])
out = bag(bucket_rem[valid], offsets)
print("bag/len == mean:", torch.allclose(out / valid.sum(1, keepdim=True).clamp(min=1), vec))

# overlap of n-gram sets between two words
def ngram_set(i):
    return set(h[i][valid[i]].tolist())
a, b = ngram_set(0), ngram_set(2)
print("where/there common", len(a & b), "jaccard", f"{len(a & b) / len(a | b):.4f}")
print("isin", torch.isin(h[1][valid[1]], h[0][valid[0]]).tolist())
print("int overflow wrap", (torch.tensor([2 ** 62]) * 4).tolist(), torch.tensor([-(2 ** 63)]).abs().tolist())
print("bitwise shifts on int32", (torch.tensor([1, -1], dtype=torch.int32) << 31).tolist(),
      torch.bitwise_right_shift(torch.tensor([-1024], dtype=torch.int32), 3).tolist())
print("uint8 bytes", (X[0].to(torch.uint8) ^ 0x20)[:6].tolist(), torch.tensor([250], dtype=torch.uint8) + 10)
