"""A tiny PyTorch-Lightning look-alike written from scratch: a LightningModule base class with
training_step / validation_step / test_step / configure_optimizers, a Trainer with fit / validate /
test loops, self.log aggregation, seed_everything and a model summary with parameter counts."""
import math
import os
import random
from collections import OrderedDict, defaultdict

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset, random_split


def seed_everything(seed):
    os.environ["PL_GLOBAL_SEED"] = str(seed)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    return seed


class LightningModule(nn.Module):
    def __init__(self):
        super().__init__()
        self._logged = defaultdict(list)
        self.trainer = None
        self.current_epoch = 0
        self.global_step = 0

    def log(self, name, value, on_step=False, on_epoch=True, prog_bar=False, batch_size=1):
        if isinstance(value, torch.Tensor):
            if value.numel() != 1:
                raise ValueError(f"self.log({name!r}, ...) expects a scalar, got shape {tuple(value.shape)}")
            value = value.detach()
        else:
            value = torch.tensor(float(value))
        self._logged[name].append((value, batch_size))

    def log_dict(self, d, **kw):
        for k, v in d.items():
            self.log(k, v, **kw)

    def _collect(self):
        out = {}
        for k, vals in self._logged.items():
            num = torch.stack([v * b for v, b in vals]).sum()
            den = sum(b for _, b in vals)
            out[k] = (num / den).item()
        self._logged.clear()
        return out

    def training_step(self, batch, batch_idx):
        raise NotImplementedError

    def validation_step(self, batch, batch_idx):
        pass

    def test_step(self, batch, batch_idx):
        pass

    def configure_optimizers(self):
        raise NotImplementedError

    def on_train_epoch_end(self):
        pass


def summarize(model):
    rows = []
    for name, mod in model.named_children():
        n = sum(p.numel() for p in mod.parameters())
        rows.append((name, type(mod).__name__, n))
    total = sum(p.numel() for p in model.parameters())
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    w = max(len(r[0]) for r in rows)
    print(f"  | {'Name':<{w}} | {'Type':<12} | Params")
    for i, (n, t, c) in enumerate(rows):
        print(f"{i} | {n:<{w}} | {t:<12} | {c}")
    print(f"{trainable} Trainable params")
    print(f"{total - trainable} Non-trainable params")
    size_mb = sum(p.numel() * p.element_size() for p in model.parameters()) / 1e6
    print(f"{size_mb:.3f} Total estimated model params size (MB)")


class Trainer:
    def __init__(self, max_epochs=3, limit_train_batches=None, log_every_n_steps=5, enable_summary=True):
        self.max_epochs = max_epochs
        self.limit_train_batches = limit_train_batches
        self.log_every_n_steps = log_every_n_steps
        self.enable_summary = enable_summary
        self.callback_metrics = {}
        self.history = []

    def fit(self, model, train_dataloaders, val_dataloaders=None):
        model.trainer = self
        if self.enable_summary:
            summarize(model)
        cfg = model.configure_optimizers()
        if isinstance(cfg, dict):
            opt, sched = cfg["optimizer"], cfg.get("lr_scheduler")
        else:
            opt, sched = cfg, None
        self.optimizer = opt
        for epoch in range(self.max_epochs):
            model.current_epoch = epoch
            model.train()
            for batch_idx, batch in enumerate(train_dataloaders):
                if self.limit_train_batches is not None and batch_idx >= self.limit_train_batches:
                    break
                loss = model.training_step(batch, batch_idx)
                if isinstance(loss, dict):
                    loss = loss["loss"]
                opt.zero_grad()
                loss.backward()
                opt.step()
                model.global_step += 1
                if model.global_step % self.log_every_n_steps == 0:
                    print(f"  step {model.global_step:3d} loss {loss.item():.4f}")
            model.on_train_epoch_end()
            train_metrics = model._collect()
            val_metrics = self._eval_loop(model, val_dataloaders, "validation_step") if val_dataloaders else {}
            if sched is not None:
                sched.step()
            metrics = {**train_metrics, **val_metrics}
            self.callback_metrics = metrics
            self.history.append(metrics)
            cells = " ".join(f"{k}={v:.4f}" for k, v in sorted(metrics.items()))
            print(f"Epoch {epoch}: lr={opt.param_groups[0]['lr']:.5f} {cells}")

    @torch.no_grad()
    def _eval_loop(self, model, loader, hook):
        was_training = model.training
        model.eval()
        for i, batch in enumerate(loader):
            getattr(model, hook)(batch, i)
        model.train(was_training)
        return model._collect()

    def validate(self, model, dataloaders):
        m = self._eval_loop(model, dataloaders, "validation_step")
        print("validate:", {k: round(v, 4) for k, v in m.items()})
        return [m]

    def test(self, model, dataloaders):
        m = self._eval_loop(model, dataloaders, "test_step")
        print("test:", {k: round(v, 4) for k, v in m.items()})
        return [m]


class LitClassifier(LightningModule):
    def __init__(self, in_dim=8, hidden=16, n_classes=3, lr=0.05):
        super().__init__()
        self.hparams = dict(in_dim=in_dim, hidden=hidden, n_classes=n_classes, lr=lr)
        self.encoder = nn.Sequential(nn.Linear(in_dim, hidden), nn.BatchNorm1d(hidden), nn.ReLU(), nn.Dropout(0.1))
        self.head = nn.Linear(hidden, n_classes)
        self.register_buffer("class_counts", torch.zeros(n_classes, dtype=torch.long))

    def forward(self, x):
        return self.head(self.encoder(x))

    def _shared(self, batch, stage):
        x, y = batch
        logits = self(x)
        loss = F.cross_entropy(logits, y)
        acc = (logits.argmax(dim=1) == y).float().mean()
        self.log(f"{stage}_loss", loss, batch_size=len(y))
        self.log(f"{stage}_acc", acc, batch_size=len(y))
        return loss

    def training_step(self, batch, batch_idx):
        self.class_counts += torch.bincount(batch[1], minlength=self.class_counts.numel())
        return {"loss": self._shared(batch, "train")}

    def validation_step(self, batch, batch_idx):
        self._shared(batch, "val")

    def test_step(self, batch, batch_idx):
        self._shared(batch, "test")

    def configure_optimizers(self):
        opt = torch.optim.SGD(self.parameters(), lr=self.hparams["lr"], momentum=0.9, weight_decay=1e-4)
        sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
        return {"optimizer": opt, "lr_scheduler": sched}


print("seed:", seed_everything(42), os.environ["PL_GLOBAL_SEED"])
n, d, k = 300, 8, 3
centers = torch.randn(k, d) * 1.5
y = torch.randint(0, k, (n,))
x = centers[y] + torch.randn(n, d)
ds = TensorDataset(x, y)
train_ds, val_ds, test_ds = random_split(ds, [200, 60, 40], generator=torch.Generator().manual_seed(0))
print(len(train_ds), len(val_ds), len(test_ds), train_ds.indices[:5])
train_dl = DataLoader(train_ds, batch_size=32, shuffle=True, generator=torch.Generator().manual_seed(1))
val_dl = DataLoader(val_ds, batch_size=32)
test_dl = DataLoader(test_ds, batch_size=16)
print(len(train_dl), len(val_dl), len(test_dl))

model = LitClassifier()
print(model)
print(model.hparams)
trainer = Trainer(max_epochs=5, log_every_n_steps=10)
trainer.fit(model, train_dl, val_dl)
print("class counts seen:", model.class_counts, model.class_counts.sum().item())
print("global step:", model.global_step, "epoch:", model.current_epoch)
trainer.validate(model, val_dl)
trainer.test(model, test_dl)
best = min(range(len(trainer.history)), key=lambda i: trainer.history[i]["val_loss"])
print("best epoch by val_loss:", best)

# logging errors and edge cases
try:
    model.log("bad", torch.ones(3))
except ValueError as e:
    print("ValueError:", e)
model.log("const", 2)
model.log("const", torch.tensor(4.0), batch_size=3)
print(model._collect())

# limit_train_batches and a plain optimizer return value
seed_everything(7)


class LitRegressor(LightningModule):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 1))

    def training_step(self, batch, batch_idx):
        xb, yb = batch
        loss = F.mse_loss(self.net(xb).squeeze(-1), yb)
        self.log("mse", loss, batch_size=len(yb))
        return loss

    def validation_step(self, batch, batch_idx):
        xb, yb = batch
        pred = self.net(xb).squeeze(-1)
        self.log("val_mae", F.l1_loss(pred, yb), batch_size=len(yb))
        self.log("val_r2", 1 - ((pred - yb) ** 2).sum() / ((yb - yb.mean()) ** 2).sum(), batch_size=len(yb))

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=0.02)


xr = torch.randn(128, 4)
wr = torch.tensor([1.0, -2.0, 0.5, 3.0])
yr = xr @ wr + 0.1 * torch.randn(128)
reg = LitRegressor()
t2 = Trainer(max_epochs=4, limit_train_batches=3, log_every_n_steps=4)
t2.fit(reg, DataLoader(TensorDataset(xr, yr), batch_size=16, shuffle=True), DataLoader(TensorDataset(xr[:32], yr[:32]), batch_size=32))
print("global step:", reg.global_step)
print(reg.net[0].weight.grad is not None, reg.net[2].bias.shape)
with torch.inference_mode():
    p = reg.net(xr[:4])
print(p.requires_grad, p.is_inference(), p.shape)
print(sorted(t2.callback_metrics))
