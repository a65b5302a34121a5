"""fast.ai / course-style training: OneCycleLR stepped per batch, gradient accumulation, a custom
collate_fn and Sampler, inference under a disabled autocast region, and the schedule's lr/momentum trace."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset, Sampler

torch.manual_seed(3)


class SeqDataset(Dataset):
    def __init__(self, n=48):
        self.lengths = torch.randint(2, 7, (n,))
        self.data = [torch.randn(int(L), 3) for L in self.lengths]
        self.labels = [int(d.sum() > 0) for d in self.data]

    def __len__(self):
        return len(self.data)

    def __getitem__(self, i):
        return self.data[i], self.labels[i]


def pad_collate(batch):
    seqs, labels = zip(*batch)
    lengths = torch.tensor([len(s) for s in seqs])
    padded = nn.utils.rnn.pad_sequence(seqs, batch_first=True)
    return padded, lengths, torch.tensor(labels)


class BucketSampler(Sampler):
    """Yields indices sorted by length inside shuffled chunks, as course code does for text."""

    def __init__(self, lengths, chunk, generator):
        self.lengths, self.chunk, self.generator = lengths, chunk, generator

    def __iter__(self):
        perm = torch.randperm(len(self.lengths), generator=self.generator).tolist()
        for i in range(0, len(perm), self.chunk):
            part = perm[i:i + self.chunk]
            yield from sorted(part, key=lambda j: -int(self.lengths[j]))

    def __len__(self):
        return len(self.lengths)


ds = SeqDataset()
g = torch.Generator().manual_seed(0)
dl = DataLoader(ds, batch_size=8, sampler=BucketSampler(ds.lengths, 16, g), collate_fn=pad_collate)
xb, lb, yb = next(iter(dl))
print(len(dl), xb.shape, lb, yb, xb.dtype)


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(3, 16)
        self.head = nn.Sequential(nn.ReLU(), nn.Dropout(0.1), nn.Linear(16, 2))

    def forward(self, x, lengths):
        mask = (torch.arange(x.shape[1])[None, :] < lengths[:, None]).unsqueeze(-1)
        h = self.proj(x).masked_fill(~mask, 0.0)
        pooled = h.sum(1) / lengths[:, None].to(h.dtype)
        return self.head(pooled)


model = Model()
epochs, accum = 4, 2
opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-2)
sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.05, epochs=epochs, steps_per_epoch=len(dl) // accum,
                                            pct_start=0.3, div_factor=10.0, final_div_factor=100.0)
print(sched.total_steps, opt.param_groups[0]["lr"], opt.param_groups[0]["betas"], opt.param_groups[0]["max_lr"])
print(sorted(k for k in opt.param_groups[0] if "lr" in k or "momentum" in k))
lrs = []
for epoch in range(epochs):
    model.train()
    tot, n = 0.0, 0
    for i, (xb, lb, yb) in enumerate(dl):
        loss = F.cross_entropy(model(xb, lb), yb) / accum
        loss.backward()
        tot += loss.item() * accum * len(yb)
        n += len(yb)
        if (i + 1) % accum == 0:
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            opt.zero_grad()
            sched.step()
            lrs.append(sched.get_last_lr()[0])
    print(f"epoch {epoch} loss {tot / n:.4f} lr {sched.get_last_lr()[0]:.6f} beta1 {opt.param_groups[0]['betas'][0]:.4f}")
print(len(lrs), [round(x, 5) for x in lrs[::3]])
sd = sched.state_dict()
print(sorted(sd.keys()))
print(sd["total_steps"], sd["last_epoch"], sd["_step_count"], sd["_anneal_func_type"], sd["cycle_momentum"])
print(sd["_schedule_phases"])

# ---- inference (glasstorch refuses enabled bfloat16 autocast regions: it has no bfloat16 storage) ----
model.eval()
xb, lb, yb = next(iter(dl))
with torch.autocast(device_type="cpu", dtype=torch.bfloat16, enabled=False):
    logits = model(xb, lb)
    print(logits.dtype, torch.is_autocast_enabled("cpu"), torch.get_autocast_dtype("cpu"))
with torch.inference_mode():
    probs = model(xb, lb).softmax(-1)
print(probs.round(decimals=3), probs.is_inference(), logits.grad_fn.name())
print((probs.argmax(-1) == yb).float().mean())
