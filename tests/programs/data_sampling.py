"""Sampling by hand: a class-balanced Sampler on torch.multinomial, randperm/randint batching loops,
a Dataset with a normalising transform and random flips/crops, and label counts per batch."""
import torch
from torch.utils.data import DataLoader, Dataset, Sampler, get_worker_info

torch.manual_seed(123)
print(get_worker_info())

# an imbalanced labelled set of tiny 1x6x6 "images"
n = 30
labels = torch.cat([torch.zeros(18, dtype=torch.long), torch.ones(8, dtype=torch.long), torch.full((4,), 2)])
images = torch.rand(n, 1, 6, 6) + labels.view(-1, 1, 1, 1).float()
print(torch.bincount(labels))


class BalancedSampler(Sampler):
    """Draws indices with probability inversely proportional to their class frequency."""

    def __init__(self, labels, num_samples, generator=None):
        counts = torch.bincount(labels).float()
        self.weights = (1.0 / counts)[labels]
        self.num_samples = num_samples
        self.generator = generator

    def __iter__(self):
        idx = torch.multinomial(self.weights, self.num_samples, replacement=True, generator=self.generator)
        return iter(idx.tolist())

    def __len__(self):
        return self.num_samples


class PerClassBatches(Sampler):
    """Yields whole batches: k samples of every class, drawn without replacement within the class."""

    def __init__(self, labels, k, n_batches):
        self.by_class = [torch.nonzero(labels == c).flatten() for c in range(int(labels.max()) + 1)]
        self.k, self.n_batches = k, n_batches

    def __iter__(self):
        for _ in range(self.n_batches):
            batch = []
            for members in self.by_class:
                pick = torch.multinomial(torch.ones(len(members)), self.k, replacement=False)
                batch.extend(members[pick].tolist())
            yield batch

    def __len__(self):
        return self.n_batches


class Normalize:
    def __init__(self, mean, std):
        self.mean, self.std = mean, std

    def __call__(self, x):
        return (x - self.mean) / self.std


class RandomFlipCrop:
    """Horizontal flip half of the time, then a random 4x4 crop."""

    def __init__(self, size=4):
        self.size = size

    def __call__(self, x):
        if torch.rand(1) < 0.5:
            x = torch.flip(x, dims=[-1])
        top = torch.randint(0, x.shape[-2] - self.size + 1, (1,)).item()
        left = torch.randint(0, x.shape[-1] - self.size + 1, (1,)).item()
        return x[..., top:top + self.size, left:left + self.size]


class ImageSet(Dataset):
    def __init__(self, images, labels, transform=None):
        self.images, self.labels, self.transform = images, labels, transform

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        x = self.images[i]
        if self.transform is not None:
            x = self.transform(x)
        return x, self.labels[i]


raw = ImageSet(images, labels)
stacked = torch.stack([raw[i][0] for i in range(len(raw))])
mean, std = stacked.mean(dim=(0, 2, 3)), stacked.std(dim=(0, 2, 3))
print(stacked.shape, f"{mean.item():.4f} {std.item():.4f}")
norm = Normalize(mean.view(-1, 1, 1), std.view(-1, 1, 1))
aug = RandomFlipCrop()
train_set = ImageSet(images, labels, transform=lambda x: aug(norm(x)))
x0, y0 = train_set[0]
print(x0.shape, y0, f"{x0.mean().item():.4f}")

sampler = BalancedSampler(labels, num_samples=24)
for xb, yb in DataLoader(train_set, batch_size=8, sampler=sampler):
    print(xb.shape, yb.tolist(), torch.bincount(yb, minlength=3).tolist())
g = torch.Generator().manual_seed(5)
print(list(BalancedSampler(labels, 10, generator=g)))
for xb, yb in DataLoader(train_set, batch_sampler=PerClassBatches(labels, 2, 3)):
    print(yb.tolist(), f"{xb.abs().sum().item():.3f}")

# manual batching loops, as in scripts that skip the DataLoader entirely
bs = 7
perm = torch.randperm(n)
print(perm)
for i in range(0, n, bs):
    idx = perm[i:i + bs]
    yb = labels[idx]
    print(i, idx.tolist(), torch.bincount(yb, minlength=3).tolist())
for step in range(3):
    idx = torch.randint(0, n, (bs,))
    xb = torch.stack([aug(norm(images[j])) for j in idx])
    print(step, idx.tolist(), xb.shape, torch.bincount(labels[idx], minlength=3).tolist())
g = torch.Generator().manual_seed(42)
order = torch.randperm(n, generator=g)
batches = torch.split(order, 8)
print([b.tolist() for b in batches])
print([torch.bincount(labels[b], minlength=3).tolist() for b in batches])

# a small classifier trained on balanced, augmented batches
model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(16, 3))
opt = torch.optim.SGD(model.parameters(), lr=0.5)
loader = DataLoader(train_set, batch_size=6, sampler=BalancedSampler(labels, 30))
for epoch in range(3):
    seen = torch.zeros(3, dtype=torch.long)
    total = 0.0
    for xb, yb in loader:
        loss = torch.nn.functional.cross_entropy(model(xb), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
        seen += torch.bincount(yb, minlength=3)
        total += loss.item()
    print(f"epoch {epoch}: loss {total / len(loader):.4f} labels seen {seen.tolist()}")
with torch.no_grad():
    test = torch.stack([norm(images[i])[..., 1:5, 1:5] for i in range(n)])
    acc = (model(test).argmax(1) == labels).float().mean()
print(f"accuracy {acc.item():.3f}")
