"""LSTM / GRU forecasting of a noisy sine wave: sliding-window Dataset, min-max scaling with tensors,
teacher forcing for a seq2seq decoder and multi-step autoregressive prediction."""
import io
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset, random_split

torch.manual_seed(0)
random.seed(0)
np.random.seed(0)

# ---- synthetic series ----
t = torch.arange(0, 400, dtype=torch.float32)
series = torch.sin(2 * torch.pi * t / 50) + 0.5 * torch.sin(2 * torch.pi * t / 17) + 0.1 * torch.randn(400)
series[37] = float("nan")  # a missing value, as in real data
print("nans:", torch.isnan(series).sum().item())
series = torch.where(torch.isnan(series), torch.nanmean(series), series)
print("mean after fill:", f"{series.mean().item():.4f}")

train_part, test_part = series[:300], series[300:]
lo, hi = train_part.min(), train_part.max()
scale = lambda x: (x - lo) / (hi - lo)
unscale = lambda x: x * (hi - lo) + lo
train_s, test_s = scale(train_part), scale(test_part)
print("scaled range:", f"{train_s.min().item():.3f}", f"{train_s.max().item():.3f}")
print(train_s[:6])


class WindowDataset(Dataset):
    def __init__(self, data, window, horizon):
        self.data, self.window, self.horizon = data, window, horizon

    def __len__(self):
        return len(self.data) - self.window - self.horizon + 1

    def __getitem__(self, idx):
        x = self.data[idx:idx + self.window]
        y = self.data[idx + self.window:idx + self.window + self.horizon]
        return x.unsqueeze(-1), y


WINDOW, HORIZON = 24, 6
ds = WindowDataset(train_s, WINDOW, HORIZON)
print("windows:", len(ds))
train_ds, val_ds = random_split(ds, [220, len(ds) - 220], generator=torch.Generator().manual_seed(42))
train_dl = DataLoader(train_ds, batch_size=32, shuffle=True)
val_dl = DataLoader(val_ds, batch_size=64)
xb, yb = next(iter(train_dl))
print("batch:", tuple(xb.shape), tuple(yb.shape), xb.dtype)

# also the strided view trick: all windows at once
all_windows = train_s.unfold(0, WINDOW, 1)
print("unfold windows:", tuple(all_windows.shape), torch.equal(all_windows[5], train_s[5:5 + WINDOW]))


class LSTMForecaster(nn.Module):
    def __init__(self, hidden=32, layers=2, horizon=HORIZON):
        super().__init__()
        self.lstm = nn.LSTM(1, hidden, num_layers=layers, batch_first=True, dropout=0.1)
        self.head = nn.Linear(hidden, horizon)

    def forward(self, x):
        out, (h, c) = self.lstm(x)
        return self.head(out[:, -1])


model = LSTMForecaster()
print(model)
print("params:", sum(p.numel() for p in model.parameters() if p.requires_grad))
opt = torch.optim.Adam(model.parameters(), lr=5e-3)
sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=1)
loss_fn = nn.MSELoss()

best, best_state = float("inf"), None
for epoch in range(6):
    model.train()
    tot = 0.0
    for xb, yb in train_dl:
        opt.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        gn = nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
        opt.step()
        tot += loss.item() * len(xb)
    model.eval()
    with torch.no_grad():
        vl = sum(loss_fn(model(x), y).item() * len(x) for x, y in val_dl) / len(val_ds)
    sched.step(vl)
    if vl < best:
        best = vl
        buf = io.BytesIO()
        torch.save(model.state_dict(), buf)
        best_state = buf.getvalue()
    print(f"epoch {epoch} train {tot / len(train_ds):.3f} val {vl:.3f} lr {opt.param_groups[0]['lr']:.5f}")

model.load_state_dict(torch.load(io.BytesIO(best_state)))
print("restored keys:", list(model.state_dict().keys())[:3])


# ---- GRU seq2seq with teacher forcing ----
class Seq2Seq(nn.Module):
    def __init__(self, hidden=24):
        super().__init__()
        self.enc = nn.GRU(1, hidden, batch_first=True)
        self.dec = nn.GRUCell(1, hidden)
        self.out = nn.Linear(hidden, 1)

    def forward(self, x, target=None, tf_ratio=0.5):
        _, h = self.enc(x)
        h = h[0]
        inp = x[:, -1]
        outs = []
        for step in range(HORIZON):
            h = self.dec(inp, h)
            pred = self.out(h)
            outs.append(pred)
            if target is not None and random.random() < tf_ratio:
                inp = target[:, step:step + 1]
            else:
                inp = pred
        return torch.cat(outs, dim=1)


s2s = Seq2Seq()
enc_out, enc_h = s2s.enc(xb[:2])
print("encoder:", tuple(enc_out.shape), type(enc_out.grad_fn).__name__, tuple(enc_h.shape))
opt2 = torch.optim.AdamW(s2s.parameters(), lr=1e-2, weight_decay=1e-2)
for epoch in range(4):
    for xb, yb in train_dl:
        opt2.zero_grad()
        loss = F.mse_loss(s2s(xb, yb, tf_ratio=0.5), yb)
        loss.backward()
        opt2.step()
    print(f"s2s epoch {epoch} loss {loss.item():.3f}")

# ---- autoregressive rollout on the test part ----
model.eval()
s2s.eval()
with torch.no_grad():
    hist = train_s[-WINDOW:].clone()
    preds = []
    for _ in range(4):
        p = model(hist.view(1, -1, 1))[0]
        preds.append(p)
        hist = torch.cat([hist[HORIZON:], p])
    rollout = unscale(torch.cat(preds))
    truth = test_part[:len(rollout)]
    mae = (rollout - truth).abs().mean()
    rmse = torch.sqrt(F.mse_loss(rollout, truth))
    print(f"rollout MAE {mae.item():.2f} RMSE {rmse.item():.2f}")
    p2 = unscale(s2s(test_s[:WINDOW].view(1, -1, 1)))
    print("s2s first preds:", [f"{v:.2f}" for v in p2[0].tolist()])
    naive = test_part[WINDOW - 1].expand(HORIZON)
    print(f"naive MAE {(naive - test_part[WINDOW:WINDOW + HORIZON]).abs().mean().item():.2f}")

# differencing & cumulative reconstruction
d = torch.diff(series[:10])
rec = torch.cat([series[:1], series[0] + torch.cumsum(d, 0)])
print("diff roundtrip:", torch.allclose(rec, series[:10], atol=1e-5))
print(torch.diff(torch.tensor([1.0, 4.0, 9.0, 16.0]), n=2, prepend=torch.tensor([0.0])))
lagged = torch.roll(series[:8], shifts=1)
lagged[0] = float("nan")
print(torch.nan_to_num(lagged, nan=0.0).round(decimals=2))
