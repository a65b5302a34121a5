"""Idioms of recent PyTorch code: inference_mode, autocast, GradScaler, determinism switches, dtypes."""
import torch
import torch.nn as nn

torch.manual_seed(0)
torch.cuda.manual_seed_all(0)
torch.backends.cudnn.benchmark = True
torch.backends.cudnn.deterministic = True
torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
torch.set_float32_matmul_precision("high")
print(torch.get_float32_matmul_precision())
torch.use_deterministic_algorithms(True)
print(torch.are_deterministic_algorithms_enabled(), torch.backends.cudnn.enabled)
torch.use_deterministic_algorithms(False)
print(torch.get_default_dtype(), torch.is_floating_point(torch.ones(2)), torch.cuda.is_available())

device = "cuda" if torch.cuda.is_available() else "cpu"
use_amp = device == "cuda"
model = nn.Sequential(nn.Linear(8, 16), nn.SiLU(), nn.Linear(16, 1)).to(device)
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
scaler = torch.amp.GradScaler(device, enabled=use_amp)
print(scaler.is_enabled(), scaler.get_scale() if use_amp else "no scale")
x = torch.randn(64, 8, device=device)
y = x[:, :1] * 2 - x[:, 1:2]
for step in range(5):
    opt.zero_grad()
    with torch.autocast(device_type=device, dtype=torch.float16, enabled=use_amp):
        pred = model(x)
        loss = nn.functional.mse_loss(pred, y)
    print(step, pred.dtype, f"{loss.item():.4f}")
    scaler.scale(loss).backward()
    scaler.unscale_(opt)
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    scaler.step(opt)
    scaler.update()
# an enabled scaler on the CPU: scaled backward, unscale before clipping, skipped step on inf
cpu_scaler = torch.amp.GradScaler("cpu", init_scale=1024.0, growth_interval=2)
print(cpu_scaler.is_enabled(), cpu_scaler.get_scale(), cpu_scaler.state_dict())
for step in range(5):
    opt.zero_grad()
    loss = nn.functional.mse_loss(model(x), y)
    if step == 2:
        loss = loss * float("inf")
    scaled = cpu_scaler.scale(loss)
    scaled.backward()
    cpu_scaler.unscale_(opt)
    norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    w_before = model[0].weight.detach().clone()
    cpu_scaler.step(opt)
    cpu_scaler.update()
    print(step, f"{scaled.item():.2f}", f"{norm.item():.4f}", torch.equal(w_before, model[0].weight),
          cpu_scaler.get_scale(), cpu_scaler._get_growth_tracker())
try:
    cpu_scaler.step(opt)
    cpu_scaler.step(opt)
except RuntimeError as e:
    print("RuntimeError:", e)
state = cpu_scaler.state_dict()
fresh = torch.amp.GradScaler("cpu")
fresh.load_state_dict(state)
print(fresh.get_scale(), fresh.state_dict() == state, torch.amp.GradScaler("cpu", enabled=False).state_dict())
with torch.autocast("cpu", enabled=False):
    print(model(x[:2]).dtype, torch.is_autocast_enabled())
with torch.amp.autocast("cpu", dtype=torch.bfloat16, enabled=False):
    print(torch.get_autocast_dtype("cpu"))

with torch.inference_mode():
    out = model(x)
    print(out.requires_grad, out.is_inference(), torch.is_inference_mode_enabled())
print(torch.is_inference_mode_enabled(), x.is_inference())
try:
    out.requires_grad_(True)
    (out * 2).sum().backward()
except RuntimeError as e:
    print("RuntimeError:", str(e).split("\n")[0][:80])


@torch.inference_mode()
def predict(inp):
    return model(inp).squeeze(-1)


print(predict(x[:3]).shape, predict(x[:3]).requires_grad)


@torch.no_grad()
def predict2(inp):
    return model(inp)


print(predict2(x[:2]).requires_grad)
with torch.set_grad_enabled(False):
    print(model(x[:1]).requires_grad)
with torch.enable_grad():
    print(model(x[:1]).requires_grad)

# the float64 default
torch.set_default_dtype(torch.float64)
print(torch.get_default_dtype(), torch.tensor([1.5]).dtype, torch.zeros(2).dtype, torch.arange(3.0).dtype)
lin = nn.Linear(3, 2)
print(lin.weight.dtype, torch.randn(2).dtype, torch.tensor(2.0) * 3)
print(torch.tensor([1, 2]).dtype, torch.full((2,), 1.5).dtype, torch.linspace(0, 1, 3))
torch.set_default_dtype(torch.float32)
print(torch.get_default_dtype(), torch.tensor([1.5]).dtype)

# dtype introspection
for dt in [torch.float32, torch.float64, torch.float16]:
    fi = torch.finfo(dt)
    print(dt, fi.bits, fi.eps, fi.max, fi.tiny, fi.resolution)
ii = torch.iinfo(torch.int32)
print(ii.bits, ii.min, ii.max, torch.iinfo(torch.uint8).max)
print(torch.float32.is_floating_point, torch.int64.is_signed, torch.float16.itemsize, torch.int8.itemsize)
print(torch.promote_types(torch.int32, torch.float16), torch.result_type(torch.tensor([1]), 1.0))
print(torch.can_cast(torch.float64, torch.int32), torch.can_cast(torch.int32, torch.float64))

# channels_last, pin_memory, non_blocking are accepted on the CPU
img = torch.randn(2, 3, 4, 4)
img_cl = img.to(memory_format=torch.channels_last)
print(img_cl.is_contiguous(), img_cl.is_contiguous(memory_format=torch.channels_last), img_cl.stride())
print(img.to(device, non_blocking=True).shape, torch.equal(img_cl, img))
print(torch.compile is not None, callable(torch.compile))
