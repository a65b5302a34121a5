"""An augmentation pipeline inside a Dataset, as in PyTorch "reproducibility" notes and course code:
a Compose of callables that each take a generator, a per-index torch.Generator seeded from a base
seed in __getitem__, a DataLoader (num_workers=0) with worker_init_fn / seed_worker helpers and a
generator= for shuffling, a custom collate_fn, a sampler, epoch-wise reseeding, and checksums
proving that two passes with the same seeds give identical batches."""
import random

import numpy as np
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset, RandomSampler, Subset, WeightedRandomSampler

torch.manual_seed(1234)
random.seed(1234)
np.random.seed(1234)


def seed_worker(worker_id):
    worker_seed = torch.initial_seed() % 2 ** 32
    np.random.seed(worker_seed)
    random.seed(worker_seed)


class RandomHFlip:
    def __init__(self, p=0.5):
        self.p = p

    def __call__(self, x, g):
        return x.flip(-1) if torch.rand(1, generator=g).item() < self.p else x


class RandomCrop:
    def __init__(self, size, padding=2):
        self.size, self.padding = size, padding

    def __call__(self, x, g):
        x = F.pad(x.unsqueeze(0), [self.padding] * 4, mode="reflect").squeeze(0)
        h, w = x.shape[-2:]
        i = int(torch.randint(0, h - self.size + 1, (1,), generator=g))
        j = int(torch.randint(0, w - self.size + 1, (1,), generator=g))
        return x[:, i:i + self.size, j:j + self.size]


class Jitter:
    def __call__(self, x, g):
        b = torch.empty(1).uniform_(0.8, 1.2, generator=g)
        noise = torch.randn(x.shape, generator=g) * 0.02
        return (x * b + noise).clamp(0, 1)


class ToFloatNormalize:
    def __init__(self, mean, std):
        self.mean = torch.tensor(mean).view(-1, 1, 1)
        self.std = torch.tensor(std).view(-1, 1, 1)

    def __call__(self, x, g):
        return (x.float() / 255 - self.mean) / self.std if x.dtype == torch.uint8 else (x - self.mean) / self.std


class Compose:
    def __init__(self, transforms):
        self.transforms = transforms

    def __call__(self, x, g):
        for t in self.transforms:
            x = t(x, g)
        return x

    def __repr__(self):
        return "Compose(" + ", ".join(type(t).__name__ for t in self.transforms) + ")"


class SyntheticImages(Dataset):
    def __init__(self, n, transform=None, base_seed=0):
        gen = torch.Generator().manual_seed(31337)
        self.data = torch.randint(0, 256, (n, 3, 10, 10), dtype=torch.uint8, generator=gen)
        self.targets = torch.randint(0, 3, (n,), generator=gen)
        self.transform = transform
        self.base_seed = base_seed
        self.epoch = 0

    def __len__(self):
        return len(self.data)

    def __getitem__(self, idx):
        g = torch.Generator()
        g.manual_seed(self.base_seed + 1000 * self.epoch + idx)
        x = self.data[idx].float() / 255
        if self.transform is not None:
            x = self.transform(x, g)
        return x, self.targets[idx].item()


tf = Compose([RandomCrop(8), RandomHFlip(), Jitter(), ToFloatNormalize([0.5] * 3, [0.25] * 3)])
print(tf)
ds = SyntheticImages(20, tf, base_seed=7)
x0, y0 = ds[0]
print(x0.shape, y0, f"{x0.mean().item():.4f}", torch.equal(ds[0][0], x0))
print(ds.targets.bincount(), ds.data.dtype, ds.data.float().mean().round(decimals=2))


def run_epoch(seed, epoch):
    ds.epoch = epoch
    lg = torch.Generator()
    lg.manual_seed(seed)
    loader = DataLoader(ds, batch_size=6, shuffle=True, num_workers=0, worker_init_fn=seed_worker,
                        generator=lg, drop_last=False)
    sums = []
    for xb, yb in loader:
        sums.append((tuple(xb.shape), yb.tolist(), round(xb.sum().item(), 2)))
    return sums


a = run_epoch(0, 0)
for row in a:
    print(row)
print(a == run_epoch(0, 0), a == run_epoch(0, 1), a == run_epoch(1, 0))


def collate(batch):
    xs, ys = zip(*batch)
    return torch.stack(xs), torch.tensor(ys, dtype=torch.long)


sg = torch.Generator().manual_seed(5)
sampler = RandomSampler(ds, replacement=True, num_samples=8, generator=sg)
loader = DataLoader(ds, batch_size=4, sampler=sampler, collate_fn=collate)
for xb, yb in loader:
    print(xb.shape, yb, yb.dtype, f"{xb.std().item():.4f}")

weights = torch.tensor([1.0 if t == 0 else 3.0 for t in ds.targets.tolist()])
wg = torch.Generator().manual_seed(9)
ws = WeightedRandomSampler(weights, num_samples=10, replacement=True, generator=wg)
print(list(ws))
sub = Subset(ds, [1, 3, 5, 7])
print(len(sub), [int(sub[i][1]) for i in range(len(sub))])
dl = DataLoader(sub, batch_size=3, shuffle=False)
print([tuple(b[0].shape) for b in dl], [b[1] for b in dl])

# tiny training step on the augmented batches
model = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3, padding=1), torch.nn.ReLU(),
                            torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(), torch.nn.Linear(4, 3))
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
lg = torch.Generator().manual_seed(2)
for epoch in range(2):
    ds.epoch = epoch
    total = 0.0
    for xb, yb in DataLoader(ds, batch_size=5, shuffle=True, generator=lg):
        loss = F.cross_entropy(model(xb), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item() * len(yb)
    print(epoch, f"{total / len(ds):.4f}")
print(torch.initial_seed(), lg.initial_seed(), g_state := lg.get_state().shape)
