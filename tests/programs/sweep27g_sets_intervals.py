"""Advent-of-Code style set and interval puzzles with tensors: rucksack priorities (char
histograms, isin, intersections via bincount), customs answers (any/all over groups), range
containment and overlap, interval merging with sort/argsort/cumsum/cummax, seed-range lookups
with searchsorted and bucketize, and unique/unique_consecutive run-length encoding."""
import torch

torch.manual_seed(11)

RUCKSACKS = """\
vJrwpWtwJgWrhcsFMMfFFhFp
jqHRNqRjqzjGDLGLrsFMfFZSrLrFZsSL
PmmdzqPrVvPwwTWBwg
wMqvLMZHhHMvwLHjbvcjnnSBnvTQFn
ttgJtRGJQctTZtZT
CrZsJsPPZsGzwwsLwLmpwMDw"""


def priority(codes):
    # a..z -> 1..26, A..Z -> 27..52
    return torch.where(codes >= ord("a"), codes - ord("a") + 1, codes - ord("A") + 27)


total = 0
for line in RUCKSACKS.splitlines():
    codes = torch.tensor([ord(c) for c in line])
    half = codes.numel() // 2
    left, right = codes[:half], codes[half:]
    common = torch.unique(left[torch.isin(left, right)])
    total += priority(common).sum().item()
print("part 1:", total)

lines = RUCKSACKS.splitlines()
badges = []
for g in range(0, len(lines), 3):
    hist = torch.stack([torch.bincount(priority(torch.tensor([ord(c) for c in s])), minlength=53) > 0
                        for s in lines[g:g + 3]])
    badges.append(hist.all(0).nonzero().item())
print("badges:", badges, "sum:", sum(badges))

# char histogram of all items as a 52-bin count, most common items
allcodes = priority(torch.tensor([ord(c) for c in "".join(lines)]))
counts = torch.bincount(allcodes, minlength=53)[1:]
top = counts.topk(5)
print("top items:", [(chr(ord("a") + i) if i < 26 else chr(ord("A") + i - 26), c)
                     for c, i in zip(top.values.tolist(), top.indices.tolist())])
print("distinct items:", (counts > 0).sum().item(), counts.dtype)

# customs: answers per group, any-yes and all-yes counts
CUSTOMS = "abc\n\na\nb\nc\n\nab\nac\n\na\na\na\na\n\nb"
groups = [g.split("\n") for g in CUSTOMS.split("\n\n")]
anyy = ally = 0
for g in groups:
    m = torch.zeros(len(g), 26, dtype=torch.bool)
    for i, person in enumerate(g):
        m[i, torch.tensor([ord(c) - 97 for c in person])] = True
    anyy += m.any(0).sum().item()
    ally += m.all(0).sum().item()
print("customs any:", anyy, "all:", ally)

# camp cleanup: range containment and overlap
PAIRS = "2-4,6-8\n2-3,4-5\n5-7,7-9\n2-8,3-7\n6-6,4-6\n2-6,4-8"
r = torch.tensor([[int(x) for p in ln.split(",") for x in p.split("-")] for ln in PAIRS.splitlines()])
a0, a1, b0, b1 = r.unbind(1)
contains = ((a0 <= b0) & (b1 <= a1)) | ((b0 <= a0) & (a1 <= b1))
overlap = torch.maximum(a0, b0) <= torch.minimum(a1, b1)
print("contained:", contains.sum().item(), "overlapping:", overlap.sum().item())
print("overlap sizes:", (torch.minimum(a1, b1) - torch.maximum(a0, b0) + 1).clamp(min=0).tolist())

# interval merging: random intervals, sort by start, running max of ends
starts = torch.randint(0, 100, (12,))
lengths = torch.randint(1, 15, (12,))
ends = starts + lengths
order = torch.argsort(starts, stable=True)
s, e = starts[order], ends[order]
run_end = torch.cummax(e, 0).values
new_block = torch.ones_like(s, dtype=torch.bool)
new_block[1:] = s[1:] > run_end[:-1]
block_id = new_block.cumsum(0) - 1
nblocks = int(block_id[-1]) + 1
merged_start = torch.zeros(nblocks, dtype=s.dtype).scatter_reduce(0, block_id, s, reduce="amin", include_self=False)
merged_end = torch.zeros(nblocks, dtype=e.dtype).scatter_reduce(0, block_id, e, reduce="amax", include_self=False)
print("intervals:", torch.stack([s, e], 1).tolist())
print("merged:", torch.stack([merged_start, merged_end], 1).tolist())
print("covered length:", (merged_end - merged_start).sum().item())

# seed-to-soil map: (dest, src, len) rows, look up with searchsorted
MAP = torch.tensor([[50, 98, 2], [52, 50, 48]])
srt = MAP[MAP[:, 1].argsort()]
seeds = torch.tensor([79, 14, 55, 13, 98, 99, 100, 49, 50])
idx = torch.searchsorted(srt[:, 1], seeds, right=True) - 1
valid = idx >= 0
row = srt[idx.clamp(min=0)]
inside = valid & (seeds < row[:, 1] + row[:, 2])
soil = torch.where(inside, seeds - row[:, 1] + row[:, 0], seeds)
print("soil:", soil.tolist())
print("bucketize:", torch.bucketize(seeds, srt[:, 1]), torch.bucketize(seeds, srt[:, 1], right=True))
print("searchsorted side=right:", torch.searchsorted(srt[:, 1], seeds, side="right").tolist())
try:
    torch.searchsorted(srt[:, 1], seeds, side="left", right=True)
except RuntimeError as e:
    print("side/right clash:", e)

# run-length encoding of a string, and the look-and-say sequence
word = torch.tensor([ord(c) for c in "aaabccddddde"])
vals, cnts = torch.unique_consecutive(word, return_counts=True)
print("rle:", "".join(f"{n}{chr(v)}" for v, n in zip(vals.tolist(), cnts.tolist())))
seq = torch.tensor([1])
lens = []
for _ in range(12):
    v, c = torch.unique_consecutive(seq, return_counts=True)
    seq = torch.stack([c, v], 1).flatten()
    lens.append(seq.numel())
print("look-and-say lengths:", lens)
print("digits histogram:", torch.bincount(seq))
u, inv, cnt = torch.unique(torch.tensor([5, 3, 5, 1, 3, 3]), sorted=True, return_inverse=True, return_counts=True)
print(u, inv, cnt)
print("set difference:", torch.tensor([1, 2, 3, 4, 5, 6])[~torch.isin(torch.tensor([1, 2, 3, 4, 5, 6]), torch.tensor([2, 4, 9]))])
print("isin invert:", torch.isin(torch.arange(6), torch.tensor([1, 4]), invert=True))
