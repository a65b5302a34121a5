"""Callbacks for a home-made trainer: EarlyStopping on a monitored metric, ModelCheckpoint keeping the
top-k state_dicts in memory (io.BytesIO + torch.save / torch.load), a LearningRateMonitor over a
chain of schedulers, and resuming training from a full checkpoint (model, optimizer, scheduler, RNG)."""
import copy
import io
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class Callback:
    def on_fit_start(self, trainer, model): pass
    def on_train_batch_end(self, trainer, model, loss, batch_idx): pass
    def on_validation_end(self, trainer, model): pass
    def on_fit_end(self, trainer, model): pass
    def state_dict(self): return {}
    def load_state_dict(self, sd): pass


class EarlyStopping(Callback):
    def __init__(self, monitor, patience=2, mode="min", min_delta=0.0):
        self.monitor, self.patience, self.mode, self.min_delta = monitor, patience, mode, min_delta
        self.wait = 0
        self.best = torch.tensor(math.inf if mode == "min" else -math.inf)
        self.stopped_epoch = None

    def _improved(self, current):
        if self.mode == "min":
            return torch.lt(current, self.best - self.min_delta)
        return torch.gt(current, self.best + self.min_delta)

    def on_validation_end(self, trainer, model):
        current = trainer.metrics.get(self.monitor)
        if current is None:
            raise RuntimeError(f"Early stopping conditioned on metric `{self.monitor}` which is not available. "
                               f"Pass in or modify your `EarlyStopping` callback to use any of the following: "
                               f"`{'`, `'.join(sorted(trainer.metrics))}`")
        if self._improved(current):
            self.best = current.clone()
            self.wait = 0
        else:
            self.wait += 1
            if self.wait >= self.patience:
                trainer.should_stop = True
                self.stopped_epoch = trainer.epoch
                print(f"  EarlyStopping: {self.monitor} did not improve in {self.wait} epochs, best {self.best:.4f}")

    def state_dict(self):
        return {"wait": self.wait, "best": self.best, "stopped_epoch": self.stopped_epoch}

    def load_state_dict(self, sd):
        self.wait, self.best, self.stopped_epoch = sd["wait"], sd["best"], sd["stopped_epoch"]


class ModelCheckpoint(Callback):
    def __init__(self, monitor, save_top_k=2, mode="min"):
        self.monitor, self.k, self.mode = monitor, save_top_k, mode
        self.saved = {}   # name -> (score, bytes)

    def on_validation_end(self, trainer, model):
        score = trainer.metrics[self.monitor].item()
        name = f"epoch={trainer.epoch}-{self.monitor}={score:.4f}.ckpt"
        buf = io.BytesIO()
        torch.save({"epoch": trainer.epoch, "state_dict": model.state_dict(), self.monitor: score}, buf)
        self.saved[name] = (score, buf.getvalue())
        order = sorted(self.saved, key=lambda n: self.saved[n][0], reverse=self.mode == "max")
        for n in order[self.k:]:
            del self.saved[n]

    @property
    def best_model_path(self):
        return sorted(self.saved, key=lambda n: self.saved[n][0], reverse=self.mode == "max")[0]

    def load_best(self):
        blob = self.saved[self.best_model_path][1]
        return torch.load(io.BytesIO(blob), weights_only=True)


class LearningRateMonitor(Callback):
    def __init__(self, every=4):
        self.every = every
        self.lrs = []

    def on_train_batch_end(self, trainer, model, loss, batch_idx):
        lrs = [g["lr"] for g in trainer.optimizer.param_groups]
        self.lrs.append(lrs)
        if trainer.step % self.every == 0:
            print(f"  lr-monitor step {trainer.step}: " + ", ".join(f"{lr:.6f}" for lr in lrs))


class Trainer:
    def __init__(self, model, callbacks=(), max_epochs=8, batch_size=16):
        self.model, self.callbacks = model, list(callbacks)
        self.max_epochs, self.batch_size = max_epochs, batch_size
        self.optimizer = torch.optim.AdamW([
            {"params": model.body.parameters(), "lr": 0.01},
            {"params": model.out.parameters(), "lr": 0.02, "weight_decay": 0.0},
        ], weight_decay=0.05)
        warm = torch.optim.lr_scheduler.LinearLR(self.optimizer, start_factor=0.25, total_iters=4)
        cos = torch.optim.lr_scheduler.CosineAnnealingLR(self.optimizer, T_max=30, eta_min=1e-4)
        self.scheduler = torch.optim.lr_scheduler.SequentialLR(self.optimizer, [warm, cos], milestones=[4])
        self.epoch, self.step, self.should_stop, self.metrics = 0, 0, False, {}

    def _call(self, hook, *args):
        for cb in self.callbacks:
            getattr(cb, hook)(self, self.model, *args)

    def fit(self, x, y, xv, yv, start_epoch=0):
        self._call("on_fit_start")
        for epoch in range(start_epoch, self.max_epochs):
            self.epoch = epoch
            self.model.train()
            perm = torch.randperm(len(x))
            tot = torch.zeros(())
            for b, i in enumerate(range(0, len(x), self.batch_size)):
                idx = perm[i:i + self.batch_size]
                loss = F.binary_cross_entropy_with_logits(self.model(x[idx]).squeeze(1), y[idx])
                self.optimizer.zero_grad(set_to_none=True)
                loss.backward()
                self.optimizer.step()
                self.scheduler.step()
                self.step += 1
                tot += loss.detach() * len(idx)
                self._call("on_train_batch_end", loss, b)
            self.model.eval()
            with torch.no_grad():
                logits = self.model(xv).squeeze(1)
                self.metrics = {
                    "train_loss": tot / len(x),
                    "val_loss": F.binary_cross_entropy_with_logits(logits, yv),
                    "val_acc": ((logits > 0).float() == yv).float().mean(),
                }
            print(f"epoch {epoch} " + " ".join(f"{k}={v:.4f}" for k, v in self.metrics.items()))
            self._call("on_validation_end")
            if self.should_stop:
                break
        self._call("on_fit_end")

    def checkpoint(self):
        return {
            "epoch": self.epoch, "step": self.step,
            "model": self.model.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "scheduler": self.scheduler.state_dict(),
            "callbacks": {type(cb).__name__: cb.state_dict() for cb in self.callbacks},
            "rng": torch.get_rng_state(),
        }

    def restore(self, ckpt):
        self.model.load_state_dict(ckpt["model"])
        self.optimizer.load_state_dict(ckpt["optimizer"])
        self.scheduler.load_state_dict(ckpt["scheduler"])
        for cb in self.callbacks:
            cb.load_state_dict(ckpt["callbacks"][type(cb).__name__])
        torch.set_rng_state(ckpt["rng"])
        self.epoch, self.step = ckpt["epoch"], ckpt["step"]


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(2, 24), nn.GELU(), nn.Linear(24, 24), nn.GELU())
        self.out = nn.Linear(24, 1)

    def forward(self, x):
        return self.out(self.body(x))


torch.manual_seed(0)
# two interleaved half-moons
t = torch.rand(240) * math.pi
lab = torch.randint(0, 2, (240,)).float()
x = torch.stack([torch.cos(t) + lab, torch.sin(t) * (1 - 2 * lab) + 0.5 * lab], 1) + 0.15 * torch.randn(240, 2)
xt, yt, xv, yv = x[:192], lab[:192], x[192:], lab[192:]
print(x.shape, yt.mean(), yv.sum())

torch.manual_seed(1)
model = Net()
es = EarlyStopping("val_loss", patience=2, min_delta=1e-3)
mc = ModelCheckpoint("val_acc", save_top_k=3, mode="max")
lrm = LearningRateMonitor(every=12)
tr = Trainer(model, [es, mc, lrm], max_epochs=6)
tr.fit(xt, yt, xv, yv)
print("kept:", sorted(mc.saved))
print("best:", mc.best_model_path)
best = mc.load_best()
print(sorted(best), best["epoch"], type(best["state_dict"]).__name__)
print(list(best["state_dict"])[:3], best["state_dict"]["out.bias"].dtype)
print("lr history:", len(lrm.lrs), [round(v, 6) for v in lrm.lrs[0]], [round(v, 6) for v in lrm.lrs[-1]])

# full checkpoint through bytes, then resume in a fresh trainer and compare with continuing
ckpt = tr.checkpoint()
buf = io.BytesIO()
torch.save(ckpt, buf)
print("checkpoint bytes > 0:", buf.tell() > 0)
print("optimizer state keys:", sorted(ckpt["optimizer"]), len(ckpt["optimizer"]["state"]))
print("param_groups:", [{k: v for k, v in g.items() if k in ("lr", "weight_decay", "params")} for g in ckpt["optimizer"]["param_groups"]])
print("scheduler:", sorted(ckpt["scheduler"]), ckpt["scheduler"]["last_epoch"], ckpt["scheduler"]["_milestones"])
print("es state:", ckpt["callbacks"]["EarlyStopping"])
s0 = ckpt["optimizer"]["state"][0]
print(sorted(s0), s0["step"], s0["exp_avg"].shape)

reference = copy.deepcopy(tr)
reference.max_epochs = 9
reference.should_stop = False
reference.fit(xt, yt, xv, yv, start_epoch=tr.epoch + 1)

buf.seek(0)
loaded = torch.load(buf, weights_only=False)
torch.manual_seed(123)  # the restore must bring the RNG back
model2 = Net()
tr2 = Trainer(model2, [EarlyStopping("val_loss", patience=2, min_delta=1e-3), ModelCheckpoint("val_acc", 3, "max")], max_epochs=9)
tr2.restore(loaded)
print("restored at epoch", tr2.epoch, "step", tr2.step, "lr", [f"{g['lr']:.6f}" for g in tr2.optimizer.param_groups])
tr2.fit(xt, yt, xv, yv, start_epoch=tr2.epoch + 1)
same = all(torch.equal(a, b) for a, b in zip(reference.model.state_dict().values(), tr2.model.state_dict().values()))
print("resumed == continued:", same)

# errors a trainer runs into
try:
    EarlyStopping("val_f1").on_validation_end(tr2, model2)
except RuntimeError as e:
    print("RuntimeError:", e)
bad = model2.state_dict()
bad["out.weight"] = torch.zeros(2, 24)
try:
    model2.load_state_dict(bad)
except RuntimeError as e:
    print("RuntimeError:", e)
missing = {k: v for k, v in model2.state_dict().items() if not k.startswith("out")}
res = model2.load_state_dict(missing, strict=False)
print(res.missing_keys, res.unexpected_keys)
try:
    model2.load_state_dict({**model2.state_dict(), "extra.w": torch.ones(1)})
except RuntimeError as e:
    print("RuntimeError:", e)
opt_sd = tr2.optimizer.state_dict()
opt_sd["param_groups"] = opt_sd["param_groups"][:1]
try:
    tr2.optimizer.load_state_dict(opt_sd)
except ValueError as e:
    print("ValueError:", e)

# an old-style checkpoint (the pre-1.6 format some code bases still write) round-trips too
old = io.BytesIO()
torch.save({"state_dict": model2.state_dict(), "epoch": tr2.epoch, "es": tr2.callbacks[0].state_dict()}, old,
           _use_new_zipfile_serialization=False)
old.seek(0)
print("legacy magic:", old.read(2) == b"\x80\x02", old.getvalue()[:4] != b"PK\x03\x04")
old.seek(0)
back = torch.load(old)
print(sorted(back), back["epoch"], back["es"]["best"])
print(all(torch.equal(v, model2.state_dict()[k]) for k, v in back["state_dict"].items()))
