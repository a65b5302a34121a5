"""fast.ai part 2 style: a Dataset, a custom Sampler and collate_fn, a DataLoader, and a small
Learner with callbacks (metrics, one-cycle LR, early stopping via CancelFitException), written from
the foundations with torch.utils.data and torch.optim."""
import math
import random
from copy import copy
from functools import partial
from operator import attrgetter

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import BatchSampler, DataLoader, Dataset, RandomSampler, Sampler, SequentialSampler, default_collate

torch.manual_seed(12)
random.seed(12)
np.random.seed(12)


class XYDataset(Dataset):
    def __init__(self, x, y):
        self.x, self.y = x, y

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return {"x": self.x[i], "y": self.y[i]}


class GroupedSampler(Sampler):
    """Yields indices sorted by label within shuffled chunks (a toy 'bucketing' sampler)."""

    def __init__(self, labels, chunk=16, generator=None):
        self.labels, self.chunk, self.generator = labels, chunk, generator

    def __len__(self):
        return len(self.labels)

    def __iter__(self):
        perm = torch.randperm(len(self.labels), generator=self.generator).tolist()
        for i in range(0, len(perm), self.chunk):
            block = perm[i:i + self.chunk]
            yield from sorted(block, key=lambda j: (int(self.labels[j]), j))


def collate_dict(batch):
    xs = torch.stack([b["x"] for b in batch])
    ys = torch.stack([b["y"] for b in batch])
    return xs, ys


def collate_noisy(batch, noise=0.0):
    xs, ys = collate_dict(batch)
    return xs + noise * torch.randn_like(xs), ys


n, d, k = 240, 10, 3
centers = torch.randn(k, d) * 2
y_all = torch.randint(0, k, (n,))
x_all = centers[y_all] + torch.randn(n, d)
train_ds, valid_ds = XYDataset(x_all[:192], y_all[:192]), XYDataset(x_all[192:], y_all[192:])
print(len(train_ds), len(valid_ds), train_ds[0]["x"].shape, train_ds[0]["y"])

print("== samplers ==")
print(list(SequentialSampler(range(5))), len(RandomSampler(range(10))))
g = torch.Generator().manual_seed(0)
print(list(RandomSampler(range(8), generator=g)))
print(list(BatchSampler(SequentialSampler(range(10)), batch_size=4, drop_last=False)))
print(list(BatchSampler(range(10), batch_size=4, drop_last=True)))
gs = GroupedSampler(y_all[:20], chunk=5, generator=torch.Generator().manual_seed(1))
idx = list(gs)
print(idx, [int(y_all[i]) for i in idx])
print(default_collate([{"a": 1, "b": torch.ones(2)}, {"a": 2, "b": torch.zeros(2)}]))
print(default_collate([(1.5, np.array([1, 2])), (2.5, np.array([3, 4]))]))

print("== dataloaders ==")
dl = DataLoader(train_ds, batch_size=32, sampler=GroupedSampler(train_ds.y, generator=torch.Generator().manual_seed(2)),
                collate_fn=collate_dict)
xb, yb = next(iter(dl))
print(len(dl), xb.shape, yb[:16])
dl_b = DataLoader(valid_ds, batch_sampler=BatchSampler(SequentialSampler(valid_ds), 20, False), collate_fn=collate_dict)
print([len(yb) for _, yb in dl_b])
dl_default = DataLoader(valid_ds, batch_size=10)
batch = next(iter(dl_default))
print(type(batch).__name__, sorted(batch), batch["x"].shape, batch["y"].dtype)


class CancelFitException(Exception):
    pass


class CancelBatchException(Exception):
    pass


class Callback:
    order = 0


def run_cbs(cbs, method_nm, learn=None):
    for cb in sorted(cbs, key=attrgetter("order")):
        method = getattr(cb, method_nm, None)
        if method is not None:
            method(learn)


class Learner:
    def __init__(self, model, dls, loss_func, lr, cbs, opt_func=torch.optim.SGD):
        self.model, self.dls, self.loss_func, self.lr, self.cbs, self.opt_func = model, dls, loss_func, lr, cbs, opt_func

    def one_batch(self):
        self.preds = self.model(self.xb)
        self.loss = self.loss_func(self.preds, self.yb)
        if self.model.training:
            self.loss.backward()
            self.callback("after_backward")
            self.opt.step()
            self.opt.zero_grad()

    def one_epoch(self, train):
        self.model.train(train)
        self.dl = self.dls[0] if train else self.dls[1]
        self.callback("before_epoch")
        for self.iter, (self.xb, self.yb) in enumerate(self.dl):
            try:
                self.callback("before_batch")
                self.one_batch()
                self.callback("after_batch")
            except CancelBatchException:
                pass
        self.callback("after_epoch")

    def fit(self, n_epochs):
        self.n_epochs = n_epochs
        self.opt = self.opt_func(self.model.parameters(), self.lr)
        try:
            self.callback("before_fit")
            for self.epoch in range(n_epochs):
                self.one_epoch(True)
                with torch.no_grad():
                    self.one_epoch(False)
        except CancelFitException:
            print("fit cancelled at epoch", self.epoch)
        self.callback("after_fit")

    def callback(self, name):
        run_cbs(self.cbs, name, self)


class MetricsCB(Callback):
    def before_epoch(self, learn):
        self.tot_loss, self.correct, self.count = 0.0, 0, 0

    def after_batch(self, learn):
        bs = len(learn.yb)
        self.tot_loss += learn.loss.item() * bs
        self.correct += (learn.preds.argmax(1) == learn.yb).sum().item()
        self.count += bs

    def after_epoch(self, learn):
        stage = "train" if learn.model.training else "valid"
        print(f"epoch {learn.epoch} {stage}: loss {self.tot_loss / self.count:.3f} acc {self.correct / self.count:.3f}")


class OneCycleCB(Callback):
    order = 1

    def before_fit(self, learn):
        total = learn.n_epochs * len(learn.dls[0])
        self.sched = torch.optim.lr_scheduler.OneCycleLR(learn.opt, max_lr=learn.lr, total_steps=total)
        self.lrs = []

    def after_batch(self, learn):
        if learn.model.training:
            self.lrs.append(learn.opt.param_groups[0]["lr"])
            self.sched.step()


class GradNormCB(Callback):
    def before_fit(self, learn):
        self.norms = []

    def after_backward(self, learn):
        self.norms.append(nn.utils.clip_grad_norm_(learn.model.parameters(), max_norm=5.0).item())


class EarlyStopCB(Callback):
    order = 2

    def __init__(self, patience=1):
        self.patience, self.best, self.bad = patience, math.inf, 0

    def after_epoch(self, learn):
        if learn.model.training:
            return
        loss = F.cross_entropy(learn.model(valid_ds.x), valid_ds.y).item()
        if loss < self.best - 1e-3:
            self.best, self.bad = loss, 0
        else:
            self.bad += 1
            if self.bad > self.patience:
                raise CancelFitException()


class SkipSmallBatchCB(Callback):
    def before_batch(self, learn):
        if len(learn.yb) < 8:
            raise CancelBatchException()


def get_model():
    return nn.Sequential(nn.Linear(d, 32), nn.ReLU(), nn.Linear(32, k))


print("== fit ==")
torch.manual_seed(5)
dls = (DataLoader(train_ds, batch_size=30, shuffle=True, collate_fn=partial(collate_noisy, noise=0.1)),
       DataLoader(valid_ds, batch_size=30, collate_fn=collate_dict))
cbs = [MetricsCB(), OneCycleCB(), GradNormCB(), SkipSmallBatchCB(), EarlyStopCB(patience=1)]
learn = Learner(get_model(), dls, F.cross_entropy, lr=0.3, cbs=cbs)
learn.fit(6)
lrs = cbs[1].lrs
print("lr schedule:", len(lrs), f"{lrs[0]:.4f} {max(lrs):.4f} {lrs[-1]:.5f}")
print("grad norms: first %.2f max %.2f" % (cbs[2].norms[0], max(cbs[2].norms)))
print(learn.model)
cb2 = copy(cbs[0])
print(type(cb2).__name__, cb2.count == cbs[0].count)

print("== predictions ==")
learn.model.eval()
with torch.inference_mode():
    probs = learn.model(valid_ds.x[:5]).softmax(dim=1)
print(probs.argmax(1), valid_ds.y[:5], torch.is_inference(probs))
print((probs.sum(1) - 1).abs().max() < 1e-6)
