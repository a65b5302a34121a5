"""A Keras-like API on top of torch: layers built lazily from the first input (nn.LazyLinear), a
Sequential model with compile(optimizer="adam", loss="...", metrics=[...]), fit with validation_split
and a History, evaluate / predict, initializers and regularizers by name, ReduceLROnPlateau, and a
model.summary() with output shapes collected by forward hooks."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

OPTIMIZERS = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam, "rmsprop": torch.optim.RMSprop,
              "adagrad": torch.optim.Adagrad, "nadam": torch.optim.NAdam, "radam": torch.optim.RAdam,
              "adamax": torch.optim.Adamax, "adadelta": torch.optim.Adadelta}
LOSSES = {
    "mse": nn.MSELoss(), "mae": nn.L1Loss(), "huber": nn.HuberLoss(delta=1.0),
    "binary_crossentropy": nn.BCEWithLogitsLoss(),
    "sparse_categorical_crossentropy": nn.CrossEntropyLoss(),
    "kld": nn.KLDivLoss(reduction="batchmean", log_target=False),
}
INITIALIZERS = {
    "glorot_uniform": nn.init.xavier_uniform_, "glorot_normal": nn.init.xavier_normal_,
    "he_normal": lambda w: nn.init.kaiming_normal_(w, nonlinearity="relu"),
    "he_uniform": lambda w: nn.init.kaiming_uniform_(w, a=math.sqrt(5)),
    "orthogonal": nn.init.orthogonal_, "truncated_normal": lambda w: nn.init.trunc_normal_(w, std=0.05, a=-0.1, b=0.1),
    "lecun_normal": lambda w: nn.init.normal_(w, std=1 / math.sqrt(w.shape[1])),
}


def get_metric(name):
    if name == "accuracy":
        return lambda out, y: (out.argmax(-1) == y).float().mean() if out.shape[-1] > 1 else ((out.squeeze(-1) > 0).float() == y).float().mean()
    if name == "mae":
        return lambda out, y: (out.squeeze(-1) - y).abs().mean()
    if name == "rmse":
        return lambda out, y: torch.sqrt(F.mse_loss(out.squeeze(-1), y))
    raise ValueError(f"Unknown metric function: '{name}'. Please ensure you are using a `keras.utils.custom_object_scope`")


class Dense(nn.Module):
    def __init__(self, units, activation=None, kernel_initializer="glorot_uniform", kernel_regularizer=None):
        super().__init__()
        self.units, self.activation = units, activation
        self.kernel_initializer, self.kernel_regularizer = kernel_initializer, kernel_regularizer
        self.linear = nn.LazyLinear(units)
        self.built = False

    def forward(self, x):
        y = self.linear(x)
        if not self.built:
            INITIALIZERS[self.kernel_initializer](self.linear.weight)
            nn.init.zeros_(self.linear.bias)
            self.built = True
            y = self.linear(x)
        if self.activation is not None:
            y = getattr(F, self.activation)(y) if self.activation != "softmax" else F.softmax(y, -1)
        return y

    def regularization(self):
        if self.kernel_regularizer is None:
            return 0.0
        kind, lam = self.kernel_regularizer
        w = self.linear.weight
        return lam * (w.pow(2).sum() if kind == "l2" else w.abs().sum())

    def extra_repr(self):
        return f"units={self.units}, activation={self.activation}"


class Sequential(nn.Sequential):
    def compile(self, optimizer="adam", loss="mse", metrics=(), learning_rate=None):
        self.optimizer_name = optimizer
        self.learning_rate = learning_rate
        self.loss_name = loss  # not an attribute: a Module there would become a layer
        self.metric_fns = {m: get_metric(m) for m in metrics}

    def build(self, input_shape):
        with torch.no_grad():
            self(torch.zeros(2, *input_shape[1:]))
        kw = {} if self.learning_rate is None else {"lr": self.learning_rate}
        self.optimizer = OPTIMIZERS[self.optimizer_name](self.parameters(), **kw)

    def _loss(self, out, y):
        if self.loss_name in ("binary_crossentropy", "mse", "mae", "huber"):
            out = out.squeeze(-1)
        if self.loss_name == "kld":
            out = F.log_softmax(out, -1)
        loss = LOSSES[self.loss_name](out, y)
        reg = sum(m.regularization() for m in self.modules() if isinstance(m, Dense))
        return loss + reg

    def fit(self, x, y, epochs=1, batch_size=32, validation_split=0.0, callbacks=(), verbose=1, shuffle=True):
        if not hasattr(self, "optimizer"):
            self.build(x.shape)
        n_val = int(len(x) * validation_split)
        xt, yt, xv, yv = x[:len(x) - n_val], y[:len(y) - n_val], x[len(x) - n_val:], y[len(y) - n_val:]
        dl = DataLoader(TensorDataset(xt, yt), batch_size=batch_size, shuffle=shuffle)
        history = {"loss": []}
        for epoch in range(epochs):
            self.train()
            tot, cnt = 0.0, 0
            for xb, yb in dl:
                out = self(xb)
                loss = self._loss(out, yb)
                self.optimizer.zero_grad()
                loss.backward()
                self.optimizer.step()
                tot += loss.item() * len(xb)
                cnt += len(xb)
            logs = {"loss": tot / cnt}
            if n_val:
                logs.update({"val_" + k: v for k, v in self.evaluate(xv, yv, verbose=0).items()})
            for k, v in logs.items():
                history.setdefault(k, []).append(v)
            if verbose:
                print(f"Epoch {epoch + 1}/{epochs} - " + " - ".join(f"{k}: {v:.4f}" for k, v in logs.items()))
            for cb in callbacks:
                cb(self, epoch, logs)
        return history

    @torch.no_grad()
    def evaluate(self, x, y, verbose=1):
        self.eval()
        out = self(x)
        res = {"loss": self._loss(out, y).item()}
        for k, fn in self.metric_fns.items():
            res[k] = fn(out, y).item()
        if verbose:
            print(" - ".join(f"{k}: {v:.4f}" for k, v in res.items()))
        return res

    @torch.inference_mode()
    def predict(self, x, batch_size=32):
        self.eval()
        return torch.cat([self(x[i:i + batch_size]) for i in range(0, len(x), batch_size)])

    def summary(self, input_shape):
        rows, hooks = [], []
        for name, m in self.named_children():
            hooks.append(m.register_forward_hook(
                lambda mod, i, o, name=name: rows.append((f"{name} ({type(mod).__name__})", tuple(o.shape), sum(p.numel() for p in mod.parameters())))))
        with torch.no_grad():
            self(torch.zeros(1, *input_shape))
        for h in hooks:
            h.remove()
        print(f'Model: "{type(self).__name__.lower()}"')
        print(f"{'Layer (type)':<24}{'Output Shape':<18}{'Param #':>8}")
        for r in rows:
            print(f"{r[0]:<24}{str((None,) + r[1][1:]):<18}{r[2]:>8,}")
        total = sum(p.numel() for p in self.parameters())
        print(f"Total params: {total:,} ({total * 4 / 1024:.2f} KB)")


class ReduceLROnPlateauCB:
    def __init__(self, optimizer_getter, monitor="val_loss", factor=0.5, patience=1):
        self.get, self.monitor = optimizer_getter, monitor
        self.kw = dict(factor=factor, patience=patience)
        self.sched = None

    def __call__(self, model, epoch, logs):
        if self.sched is None:
            self.sched = torch.optim.lr_scheduler.ReduceLROnPlateau(self.get(), mode="min", **self.kw)
        self.sched.step(logs[self.monitor])
        print(f"  lr now {self.sched.get_last_lr()[0]:.6f} (bad epochs {self.sched.num_bad_epochs})")


torch.manual_seed(2024)
print("== regression ==")
x = torch.randn(256, 5)
y = torch.sin(x[:, 0]) + 0.5 * x[:, 1] * x[:, 2] - x[:, 3] ** 2 / 4 + 0.05 * torch.randn(256)
reg = Sequential(Dense(32, "relu", "he_normal", ("l2", 1e-4)), Dense(16, "tanh", "glorot_normal"), Dense(1, None, "lecun_normal"))
print(reg)
reg.compile(optimizer="adam", loss="huber", metrics=["mae", "rmse"], learning_rate=0.01)
reg.build(x.shape)
print(reg)
reg.summary((5,))
cb = ReduceLROnPlateauCB(lambda: reg.optimizer, factor=0.5, patience=0)
hist = reg.fit(x, y, epochs=5, batch_size=32, validation_split=0.25, callbacks=[cb])
print(sorted(hist), len(hist["loss"]))
res = reg.evaluate(x[:64], y[:64])
pred = reg.predict(x[:70], batch_size=32)
print(pred.shape, pred.is_inference(), pred[:3].squeeze(1))

print("== classification with several optimizers ==")
torch.manual_seed(7)
xc = torch.randn(240, 4)
yc = ((xc[:, 0] > 0).long() + (xc[:, 1] > 0.5).long() * 2).clamp(max=2)
print(torch.bincount(yc))
for opt_name in ["sgd", "rmsprop", "adagrad", "nadam", "radam", "adamax", "adadelta"]:
    torch.manual_seed(0)
    clf = Sequential(Dense(24, "gelu", "orthogonal"), Dense(3, None, "he_uniform"))
    clf.compile(optimizer=opt_name, loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                learning_rate=None if opt_name in ("adadelta",) else 0.05)
    h = clf.fit(xc, yc, epochs=4, batch_size=48, validation_split=0.2, verbose=0)
    print(f"{opt_name:8s} loss {h['loss'][0]:.4f} -> {h['loss'][-1]:.4f}  val_accuracy {h['val_accuracy'][-1]:.4f}",
          type(clf.optimizer).__name__, clf.optimizer.defaults["lr"])

print("== binary + KLD heads ==")
torch.manual_seed(3)
xb = torch.randn(160, 6)
yb = (xb[:, :3].sum(1) > 0).float()
bin_model = Sequential(Dense(8, "relu", "truncated_normal", ("l1", 1e-3)), Dense(1))
bin_model.compile("rmsprop", "binary_crossentropy", ["accuracy"], learning_rate=0.01)
bin_model.fit(xb, yb, epochs=3, batch_size=40, validation_split=0.25)
w = bin_model[0].linear.weight
print(w.abs().max() <= 0.1 or w.abs().max().item() > 0.1, w.dtype, bin_model[0].linear.in_features)
soft_targets = F.softmax(torch.randn(160, 3), -1)
kl_model = Sequential(Dense(3))
kl_model.compile("adam", "kld", learning_rate=0.05)
kh = kl_model.fit(xb, soft_targets, epochs=3, batch_size=40, verbose=0)
print([round(v, 4) for v in kh["loss"]])

print("== errors ==")
try:
    get_metric("f1")
except ValueError as e:
    print("ValueError:", e)
lazy = nn.LazyLinear(4)
print(lazy)
try:
    lazy.weight.shape
except Exception as e:
    print(type(e).__name__, e)
try:
    torch.optim.Adam(lazy.parameters())
except Exception as e:
    print(type(e).__name__, e)
lazy(torch.ones(2, 3))
print(lazy, lazy.weight.shape, type(lazy).__name__)
try:
    reg.fit(torch.randn(10, 4), torch.randn(10), epochs=1, verbose=0)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    nn.init.orthogonal_(torch.zeros(3))
except ValueError as e:
    print("ValueError:", e)
try:
    nn.init.xavier_uniform_(torch.zeros(3))
except ValueError as e:
    print("ValueError:", e)
try:
    nn.init.kaiming_normal_(torch.zeros(3, 3), nonlinearity="swish")
except ValueError as e:
    print("ValueError:", e)
print(nn.init.calculate_gain("leaky_relu", 0.2), nn.init.calculate_gain("selu"), nn.init.calculate_gain("tanh"))
try:
    torch.optim.lr_scheduler.ReduceLROnPlateau(reg.optimizer, mode="avg")
except ValueError as e:
    print("ValueError:", e)
