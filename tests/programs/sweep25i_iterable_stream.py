"""Blog post: streaming data with IterableDataset."""
import math
import torch
from torch.utils.data import IterableDataset, DataLoader, get_worker_info, default_collate


class NoisySine(IterableDataset):
    def __init__(self, n, window):
        super().__init__()
        self.n, self.window = n, window

    def __iter__(self):
        info = get_worker_info()
        print("worker info:", info)
        g = torch.Generator().manual_seed(5)
        t = torch.linspace(0, 2 * math.pi, self.n)
        s = torch.sin(t) + 0.1 * torch.randn(self.n, generator=g)
        for i in range(self.n - self.window):
            yield s[i:i + self.window], s[i + self.window]


stream = NoisySine(12, 4)
loader = DataLoader(stream, batch_size=3)
for k, (xw, yt) in enumerate(loader):
    print(k, xw.shape, yt)
print(xw)

loader = DataLoader(stream, batch_size=3, drop_last=True)
print(sum(1 for _ in loader))
loader = DataLoader(stream, batch_size=None)
x0, y0 = next(iter(loader))
print(x0, y0)


class Tokens(IterableDataset):
    def __iter__(self):
        for w in "the quick brown fox jumps".split():
            yield {"word": w, "len": len(w), "ids": torch.tensor([ord(c) - 96 for c in w[:3]])}


for b in DataLoader(Tokens(), batch_size=2):
    print(b)

for b in DataLoader(Tokens(), batch_size=2, collate_fn=lambda items: [it["word"].upper() for it in items]):
    print(b)

print(default_collate([torch.tensor(1.5), torch.tensor(2.5)]))
print(default_collate([torch.ones(2, dtype=torch.int16), torch.zeros(2, dtype=torch.int16)]))
print(default_collate([(1, "a"), (2, "b")]))
print(default_collate([{"a": 1.0}, {"a": 2.0}]))
print(default_collate([torch.tensor([1.0]).requires_grad_(), torch.tensor([2.0])]))
try:
    DataLoader(Tokens(), batch_size=2, sampler=[0, 1])
except ValueError as e:
    print("ValueError:", e)
try:
    DataLoader(Tokens(), batch_size=2, num_workers=-1)
except ValueError as e:
    print("ValueError:", e)
