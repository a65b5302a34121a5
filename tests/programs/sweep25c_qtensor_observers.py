"""Post-training quantization by hand: observers, qparams, quantized tensors.

Min-max and moving-average observers written from scratch, asymmetric (uint8) and symmetric (int8)
qparams, torch.quantize_per_tensor / quantize_per_channel, int_repr, dequantize and the q_* accessors.
"""
import warnings

import torch

warnings.filterwarnings("ignore")
torch.manual_seed(7)


class MinMaxObserver:
    def __init__(self):
        self.min_val = torch.tensor(float("inf"))
        self.max_val = torch.tensor(float("-inf"))

    def __call__(self, x):
        self.min_val = torch.minimum(self.min_val, x.detach().min())
        self.max_val = torch.maximum(self.max_val, x.detach().max())
        return x

    def qparams(self, qmin=0, qmax=255, symmetric=False):
        lo = torch.clamp(self.min_val, max=0.0)
        hi = torch.clamp(self.max_val, min=0.0)
        if symmetric:
            amax = torch.maximum(-lo, hi)
            scale = amax / ((qmax - qmin) / 2)
            zp = torch.tensor(0)
        else:
            scale = (hi - lo) / (qmax - qmin)
            zp = qmin - torch.round(lo / scale).to(torch.int64)
            zp = zp.clamp(qmin, qmax)
        return scale.item(), int(zp)


class MovingAverageObserver(MinMaxObserver):
    def __init__(self, momentum=0.1):
        super().__init__()
        self.m = momentum

    def __call__(self, x):
        lo, hi = x.detach().aminmax()
        if torch.isinf(self.min_val):
            self.min_val, self.max_val = lo, hi
        else:
            self.min_val = self.min_val + self.m * (lo - self.min_val)
            self.max_val = self.max_val + self.m * (hi - self.max_val)
        return x


obs, mav = MinMaxObserver(), MovingAverageObserver(0.2)
for i in range(6):
    batch = torch.randn(16, 8) * (1 + i * 0.3) + 0.5
    obs(batch)
    mav(batch)
print("minmax   range", f"{obs.min_val.item():.4f}", f"{obs.max_val.item():.4f}")
print("moving   range", f"{mav.min_val.item():.4f}", f"{mav.max_val.item():.4f}")

scale, zp = obs.qparams()
print(f"uint8 asym: scale={scale:.6f} zp={zp}")
s_sym, _ = obs.qparams(-128, 127, symmetric=True)
print(f"int8 sym:   scale={s_sym:.6f}")

# quantize a fresh activation with those parameters
act = torch.randn(3, 5) + 0.5
qa = torch.quantize_per_tensor(act, scale, zp, torch.quint8)
print(qa)
print(qa.dtype, qa.qscheme(), qa.is_quantized)
print("int_repr:\n", qa.int_repr())
print(f"q_scale={qa.q_scale():.6f} q_zero_point={qa.q_zero_point()}")
deq = qa.dequantize()
print("max abs err", f"{(deq - act).abs().max().item():.5f}", "<= scale/2:",
      bool((deq - act).abs().max() <= scale / 2 + 1e-6))

# by-hand quantization agrees with torch's
manual = torch.clamp(torch.round(act / scale) + zp, 0, 255).to(torch.uint8)
print("manual == int_repr:", torch.equal(manual, qa.int_repr()))

# symmetric int8 and int32 (bias) quantization
qs = torch.quantize_per_tensor(act, s_sym, 0, torch.qint8)
print(qs.int_repr().dtype, qs.int_repr()[0])
bias = torch.randn(5)
qb = torch.quantize_per_tensor(bias, scale * s_sym, 0, torch.qint32)
print(qb.int_repr())

# per-channel weight quantization (axis 0 = output channels)
w = torch.randn(4, 6) * torch.tensor([[0.1], [1.0], [3.0], [0.5]])
w_scales = w.abs().amax(dim=1) / 127
w_zps = torch.zeros(4, dtype=torch.int64)
qw = torch.quantize_per_channel(w, w_scales, w_zps, 0, torch.qint8)
print(qw.qscheme(), qw.q_per_channel_axis())
print("scales", qw.q_per_channel_scales())
print("zps", qw.q_per_channel_zero_points())
print(qw.int_repr())
rel = ((qw.dequantize() - w).norm(dim=1) / w.norm(dim=1))
print("per-channel rel err", [f"{v:.4f}" for v in rel.tolist()])
qt = torch.quantize_per_tensor(w, w.abs().max().item() / 127, 0, torch.qint8)
rel_t = ((qt.dequantize() - w).norm(dim=1) / w.norm(dim=1))
print("per-tensor  rel err", [f"{v:.4f}" for v in rel_t.tolist()])

# views and copies of quantized tensors keep their qparams
print(qa[1])
print(qa.t().shape, qa.reshape(-1)[:4].int_repr())
print(torch.dequantize(qa[:, 2]))
for part in torch.chunk(qa, 2, dim=1):
    print(part.shape, part.q_scale() == qa.q_scale(), torch.int_repr(part)[0].tolist())
rows = qa.unbind(0)
print(len(rows), rows[2])
print(torch.flatten(torch.transpose(qa, 0, 1)).int_repr()[:6])
qr = torch.nn.ReLU()(qa)
print("quantized relu keeps qparams:", qr.q_scale() == qa.q_scale(), qr.int_repr().min().item() == zp)
print(qr.dequantize()[0])

# dynamic quantization picks its own qparams
qd = torch.quantize_per_tensor_dynamic(act, torch.quint8, False)
print(f"dynamic: scale={qd.q_scale():.6f} zp={qd.q_zero_point()}")

# the usual mistakes
for name, fn in [
    ("add", lambda: qa + qa),
    ("mul", lambda: qa * 2),
    ("per-channel q_scale", lambda: qw.q_scale()),
    ("per-tensor axis", lambda: qa.q_per_channel_axis()),
    ("float dtype", lambda: torch.quantize_per_tensor(act, 0.1, 0, torch.float32)),
]:
    try:
        fn()
        print(name, "ok")
    except Exception as e:
        print(name, "->", type(e).__name__, str(e).split("\n")[0][:90])
