"""Train a tiny diagonal SSM (complex parameters kept as complex nn.Parameters) on a
smoothing / delayed-copy task with AdamW, gradient clipping and a cosine schedule.
"""
import io
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import Normal, Uniform

torch.manual_seed(0)


class DiagSSM(nn.Module):
    def __init__(self, h, n):
        super().__init__()
        self.log_dt = nn.Parameter(torch.empty(h).uniform_(math.log(1e-2), math.log(1e-1)))
        A = torch.complex(-0.5 * torch.ones(h, n), math.pi * torch.arange(n).float().expand(h, n))
        self.register_buffer("A_init", A.clone())
        self.A_log_re = nn.Parameter(torch.log(-A.real))
        self.A_im = nn.Parameter(A.imag.clone())
        self.C = nn.Parameter(torch.randn(h, n, dtype=torch.complex64) * 0.5 ** 0.5)
        self.D = nn.Parameter(torch.zeros(h))

    def kernel(self, L):
        dt = self.log_dt.exp().unsqueeze(-1)
        A = torch.complex(-self.A_log_re.exp(), self.A_im)
        dA = A * dt
        B_bar = (dA.exp() - 1) / A
        vand = torch.exp(dA.unsqueeze(-1) * torch.arange(L))
        return 2 * torch.einsum("hn,hnl->hl", self.C * B_bar, vand).real

    def forward(self, u):  # (B, H, L)
        L = u.shape[-1]
        k = self.kernel(L)
        y = torch.fft.irfft(torch.fft.rfft(u, n=2 * L) * torch.fft.rfft(k, n=2 * L), n=2 * L)[..., :L]
        return y + self.D[:, None] * u


class Model(nn.Module):
    def __init__(self, h=4, n=4):
        super().__init__()
        self.enc = nn.Linear(1, h)
        self.ssm = DiagSSM(h, n)
        self.norm = nn.LayerNorm(h)
        self.dec = nn.Linear(h, 1)

    def forward(self, x):  # (B, L, 1)
        z = self.enc(x).transpose(1, 2)
        z = F.gelu(self.ssm(z)).transpose(1, 2)
        return self.dec(self.norm(z))


def make_batch(bsz, L, gen):
    noise = Normal(0.0, 0.3)
    t = torch.linspace(0, 1, L)
    freq = Uniform(1.0, 3.0).sample((bsz, 1))
    clean = torch.sin(2 * math.pi * freq * t)
    noisy = clean + noise.sample((bsz, L))
    # target: causal moving average of the noisy signal (window 4)
    w = torch.ones(1, 1, 4) / 4
    smooth = F.conv1d(F.pad(noisy.unsqueeze(1), (3, 0)), w).squeeze(1)
    return noisy.unsqueeze(-1), smooth.unsqueeze(-1)


model = Model()
print(model)
n_params = sum(p.numel() for p in model.parameters())
print("params:", n_params, "complex params:", [n for n, p in model.named_parameters() if p.is_complex()])
print("buffers:", [(n, b.dtype) for n, b in model.named_buffers()])

decay, no_decay = [], []
for n, p in model.named_parameters():
    (no_decay if n.startswith("ssm.") or n.endswith("bias") else decay).append(p)
opt = torch.optim.AdamW([
    {"params": decay, "weight_decay": 0.05},
    {"params": no_decay, "weight_decay": 0.0, "lr": 5e-3},
], lr=1e-2)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=40, eta_min=1e-4)

gen = torch.Generator().manual_seed(123)
x_val, y_val = make_batch(8, 32, gen)
for epoch in range(40):
    model.train()
    x, y = make_batch(16, 32, gen)
    opt.zero_grad(set_to_none=True)
    loss = F.mse_loss(model(x), y)
    loss.backward()
    total = nn.utils.clip_grad_norm_(model.parameters(), max_norm=0.5)
    opt.step()
    sched.step()
    if epoch % 10 == 0 or epoch == 39:
        model.eval()
        with torch.no_grad():
            vl = F.mse_loss(model(x_val), y_val)
        print(f"epoch {epoch:2d} train {loss.item():.4f} val {vl.item():.4f} "
              f"|g| {total.item():.4f} lr {sched.get_last_lr()[0]:.6f}")

state = opt.state_dict()
print("C state dtype:", opt.state[model.ssm.C]["exp_avg"].dtype, opt.state[model.ssm.C]["exp_avg_sq"].dtype)
print("param groups:", [(g["lr"], g["weight_decay"], len(g["params"])) for g in state["param_groups"]])
print("dt after training:", model.ssm.log_dt.exp().detach())
print("A real after training:", (-model.ssm.A_log_re.exp()).detach()[0])

# save / load round trip, including the complex parameter and buffer
buf = io.BytesIO()
torch.save(model.state_dict(), buf)
buf.seek(0)
sd = torch.load(buf)
print("state_dict keys:", list(sd.keys()))
print("C saved dtype:", sd["ssm.C"].dtype, "A_init:", sd["ssm.A_init"][0])
model2 = Model()
missing = model2.load_state_dict(sd)
print(missing)
with torch.no_grad():
    print("reloaded same output:", torch.equal(model(x_val), model2(x_val)))

# double precision copy
m64 = Model().to(torch.float64)
print("after .to(float64):", m64.ssm.C.dtype, m64.ssm.D.dtype, m64.ssm.A_init.dtype)
m64h = Model().double()
print("after .double():", m64h.ssm.C.dtype, m64h.enc.weight.dtype)

# kernels decay: energy of the first/last quarter
with torch.no_grad():
    K = model.ssm.kernel(64)
    e = K.pow(2)
    print("kernel energy first/last quarter:", e[:, :16].sum(-1) > e[:, -16:].sum(-1))

# complex grads and clipping by value
model.zero_grad()
F.mse_loss(model(x_val), y_val).backward()
print("C grad dtype:", model.ssm.C.grad.dtype)
print("C grad norm:", f"{model.ssm.C.grad.norm().item():.4f}", f"{torch.linalg.vector_norm(model.ssm.C.grad).item():.4f}")
try:
    nn.utils.clip_grad_value_(model.parameters(), 1e-3)
except NotImplementedError as e:
    print("NotImplementedError:", e)
real_params = [p for p in model.parameters() if not p.is_complex()]
nn.utils.clip_grad_value_(real_params, 1e-3)
print("clipped real grads max:", f"{max(p.grad.abs().max().item() for p in real_params):.4f}")
total = nn.utils.clip_grad_norm_([model.ssm.C], 1e-2)
print("C total norm dtype:", total.dtype, "after clip:", f"{model.ssm.C.grad.norm().item():.4f}")
print("inf-norm:", f"{nn.utils.get_total_norm([p.grad for p in model.parameters()], norm_type='inf').item():.4f}")

# plain SGD with momentum on complex params as well
opt2 = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=True)
before = model.ssm.C.detach().clone()
opt2.step()
print("SGD moved C by:", f"{(model.ssm.C.detach() - before).abs().max().item():.6f}")

try:
    torch.optim.AdamW(model.parameters(), lr=-1.0)
except ValueError as e:
    print("ValueError:", e)
try:
    torch.optim.AdamW(model.parameters(), betas=(1.0, 0.999))
except ValueError as e:
    print("ValueError:", e)
try:
    model.load_state_dict({"enc.weight": torch.zeros(3, 1)}, strict=False)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    Normal(0.0, -1.0)
except ValueError as e:
    print("ValueError:", e)
