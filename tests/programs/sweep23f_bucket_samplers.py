"""Batching recipes from NLP course notebooks: random_split with a seeded torch.Generator (counts and
fractions), Subset and ConcatDataset indexing, a bucket-by-length BatchSampler subclass fed to
DataLoader(batch_sampler=...), the built-in BatchSampler over SubsetRandomSampler, WeightedRandomSampler
for class balance, SequentialSampler / RandomSampler with replacement, and the padding saved by bucketing."""
from collections import Counter

import torch
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import (BatchSampler, ConcatDataset, DataLoader, Dataset, RandomSampler, Sampler,
                              SequentialSampler, Subset, SubsetRandomSampler, TensorDataset,
                              WeightedRandomSampler, random_split)

torch.manual_seed(0)


class SeqDataset(Dataset):
    def __init__(self, n, seed):
        g = torch.Generator().manual_seed(seed)
        self.seqs = [torch.randint(1, 50, (int(k),), generator=g) for k in torch.randint(1, 13, (n,), generator=g)]
        self.labels = (torch.rand(n, generator=g) < 0.25).long()

    def __len__(self):
        return len(self.seqs)

    def __getitem__(self, idx):
        return self.seqs[idx], self.labels[idx]


def collate(batch):
    seqs, labels = zip(*batch)
    lengths = torch.tensor([len(s) for s in seqs])
    return pad_sequence(list(seqs), batch_first=True), lengths, torch.stack(labels)


full = SeqDataset(40, seed=5)
print("label counts:", Counter(full.labels.tolist()))
train, val, test = random_split(full, [28, 8, 4], generator=torch.Generator().manual_seed(42))
print("split sizes:", len(train), len(val), len(test))
print("val indices:", val.indices)
print("test indices:", test.indices)
a, b = random_split(range(10), [0.7, 0.3], generator=torch.Generator().manual_seed(1))
print("fraction split:", list(a), list(b))
c = random_split(range(7), [0.5, 0.25, 0.25], generator=torch.Generator().manual_seed(3))
print("uneven fractions:", [list(s) for s in c])

sub = Subset(full, [3, 1, 4, 1, 5])
print("subset len:", len(sub), "item:", sub[2][0].tolist(), sub[2][1].item())
extra = SeqDataset(6, seed=9)
concat = ConcatDataset([train, extra])
print("concat len:", len(concat), "cumulative:", concat.cumulative_sizes)
print("concat[30]:", concat[30][0].tolist(), "concat[-1]:", concat[-1][0].tolist())
td = TensorDataset(torch.arange(6).view(3, 2), torch.tensor([0, 1, 0]))
print("tensor dataset:", td[1], len(ConcatDataset([td, td])))


class BucketBatchSampler(Sampler):
    """Sort indices by length inside shuffled pools, cut into batches, shuffle the batches."""

    def __init__(self, lengths, batch_size, pool_factor=4, generator=None):
        self.lengths = lengths
        self.batch_size = batch_size
        self.pool = batch_size * pool_factor
        self.generator = generator

    def __iter__(self):
        perm = torch.randperm(len(self.lengths), generator=self.generator).tolist()
        batches = []
        for start in range(0, len(perm), self.pool):
            pool = sorted(perm[start:start + self.pool], key=lambda i: self.lengths[i])
            batches += [pool[i:i + self.batch_size] for i in range(0, len(pool), self.batch_size)]
        order = torch.randperm(len(batches), generator=self.generator).tolist()
        return iter([batches[i] for i in order])

    def __len__(self):
        return (len(self.lengths) + self.batch_size - 1) // self.batch_size


train_lengths = [len(train[i][0]) for i in range(len(train))]
bucket = BucketBatchSampler(train_lengths, batch_size=4, generator=torch.Generator().manual_seed(7))
loader = DataLoader(train, batch_sampler=bucket, collate_fn=collate)
print("num batches:", len(loader))
padded_tokens = real_tokens = 0
for x, lengths, y in loader:
    padded_tokens += x.numel()
    real_tokens += lengths.sum().item()
    print(tuple(x.shape), lengths.tolist(), y.tolist())
print(f"bucketed padding ratio {1 - real_tokens / padded_tokens:.4f}")

plain = DataLoader(train, batch_size=4, shuffle=True, collate_fn=collate,
                   generator=torch.Generator().manual_seed(7))
padded_plain = sum(x.numel() for x, _, _ in plain)
print(f"plain padding ratio {1 - real_tokens / padded_plain:.4f}")

bs = BatchSampler(SubsetRandomSampler(range(10), generator=torch.Generator().manual_seed(0)),
                  batch_size=3, drop_last=False)
print("BatchSampler:", list(bs), len(bs))
print("drop_last:", list(BatchSampler(SequentialSampler(range(7)), 3, True)))
print("RandomSampler w/ replacement:",
      list(RandomSampler(range(5), replacement=True, num_samples=8, generator=torch.Generator().manual_seed(4))))
print("RandomSampler:", list(RandomSampler(range(6), generator=torch.Generator().manual_seed(4))))

labels = full.labels
class_count = torch.bincount(labels)
weights = 1.0 / class_count.float()
sample_w = weights[labels]
print("class counts:", class_count.tolist(), "weights:", weights.round(decimals=4).tolist())
wrs = WeightedRandomSampler(sample_w, num_samples=len(labels), replacement=True,
                            generator=torch.Generator().manual_seed(11))
drawn = list(wrs)
print("weighted draws:", drawn[:12], len(wrs))
print("balanced counts:", torch.bincount(labels[drawn]).tolist())
wl = DataLoader(full, batch_size=8, sampler=wrs, collate_fn=collate)
print("label means:", [round(y.float().mean().item(), 3) for _, _, y in wl])
nr = WeightedRandomSampler([0.1, 0.9, 0.4, 0.7, 3.0, 0.6], 4, replacement=False,
                           generator=torch.Generator().manual_seed(0))
print("without replacement:", list(nr))
torch.manual_seed(5)
print("global-generator draws:", list(WeightedRandomSampler([1, 2, 3, 4], 6)))
