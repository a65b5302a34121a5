"""Refractory periods, recurrent spiking layers and membrane-potential losses in plain torch, in the
style of snnTorch's tutorials 5 and 7: an absolute refractory counter kept as an int tensor and
applied via masks (masked_fill, torch.where), a recurrent LIF layer with a fast-sigmoid surrogate,
a membrane-potential MSE loss against a target trace, firing-rate regularisation, spike rasters and
per-neuron rates, and the errors torch raises for heaviside misuse."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class FastSigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, slope=25.0):
        ctx.save_for_backward(x)
        ctx.slope = slope
        return torch.heaviside(x, torch.zeros(1, dtype=x.dtype))

    @staticmethod
    def backward(ctx, grad_output):
        x, = ctx.saved_tensors
        return grad_output / (ctx.slope * x.abs() + 1.0).pow(2), None


class RLeaky(nn.Module):
    def __init__(self, n_in, n_hidden, beta=0.85, threshold=1.0, refractory=2):
        super().__init__()
        self.fc = nn.Linear(n_in, n_hidden)
        self.rec = nn.Linear(n_hidden, n_hidden, bias=False)
        self.beta = beta
        self.threshold = threshold
        self.refractory = refractory

    def forward(self, x_seq):
        T, B, _ = x_seq.shape
        H = self.fc.out_features
        mem = x_seq.new_zeros(B, H)
        spk = x_seq.new_zeros(B, H)
        ref = torch.zeros(B, H, dtype=torch.int32)
        spikes, mems = [], []
        for t in range(T):
            cur = self.fc(x_seq[t]) + self.rec(spk)
            active = ref == 0
            mem = torch.where(active, self.beta * mem + cur, torch.zeros_like(mem))
            spk = FastSigmoid.apply(mem - self.threshold)
            mem = mem - spk * self.threshold
            ref = torch.where(spk.detach().bool(), torch.full_like(ref, self.refractory), (ref - 1).clamp(min=0))
            spikes.append(spk)
            mems.append(mem)
        return torch.stack(spikes), torch.stack(mems)


torch.manual_seed(21)
T, B, n_in, H = 16, 3, 5, 6
x_seq = (torch.rand(T, B, n_in) < 0.4).float()
model = RLeaky(n_in, H).double()
with torch.no_grad():
    model.fc.weight.mul_(3.0)
print(model)
x64 = x_seq.double()
target = torch.linspace(0, 0.8, T, dtype=torch.float64).view(T, 1, 1).expand(T, B, H)
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
for it in range(5):
    spk, mem = model(x64)
    loss_mem = F.mse_loss(mem, target)
    rate = spk.mean(dim=(0, 1))
    loss_rate = ((rate - 0.1) ** 2).sum()
    loss = loss_mem + 0.5 * loss_rate
    opt.zero_grad()
    loss.backward()
    opt.step()
    print(f"it {it}: mem loss {loss_mem.item():.5f} rate loss {loss_rate.item():.5f} spikes {int(spk.sum())}")

raster = spk[:, 0].detach().int().T
print(raster)
print("per-neuron rate:", spk.detach().mean(dim=(0, 1)).round(decimals=4))
isi_ok = True
for n in range(H):
    t = torch.nonzero(raster[n]).flatten()
    if t.numel() > 1:
        isi_ok &= bool((torch.diff(t) > model.refractory).all())
print("refractory respected:", isi_ok)
print(model.rec.weight.grad.norm().item() > 0, model.fc.bias.grad.round(decimals=5))

# refractory with masked_fill on a plain LIF, counter as int64
torch.manual_seed(2)
I = torch.rand(20, 4) * 0.7
mem = torch.zeros(4)
cnt = torch.zeros(4, dtype=torch.long)
rows = []
for t in range(20):
    mem = (0.9 * mem + I[t]).masked_fill(cnt > 0, 0.0)
    s = (mem >= 1.0)
    mem = mem.masked_fill(s, 0.0)
    cnt = torch.where(s, torch.tensor(3), cnt - (cnt > 0).long())
    rows.append(s)
rast = torch.stack(rows).to(torch.int8)
print(rast.T, rast.dtype)
print("counts", rast.sum(0), rast.sum(0).dtype, "rate", rast.float().mean(0))

# heaviside misuse
for fn in (lambda: torch.heaviside(torch.tensor([1.0, -1.0]), torch.tensor([0], dtype=torch.int64)),
           lambda: torch.heaviside(torch.tensor([1.0, -1.0]), 0.5),
           lambda: torch.heaviside(torch.rand(4), torch.tensor([0.5, 0.5])),
           lambda: torch.heaviside(torch.tensor([1.0, 0.0]), torch.tensor(0.5), out=torch.empty(2, dtype=torch.long)),
           lambda: torch.heaviside(torch.tensor([1.0, -1.0], requires_grad=True), torch.tensor(0.0)).sum().backward()):
    try:
        print(fn())
    except Exception as e:
        print(type(e).__name__, str(e).splitlines()[0])
print(torch.heaviside(torch.tensor([[0, 3], [-2, 0]]), torch.tensor([7])))
h = torch.tensor([1.0, 0.0, -1.0], requires_grad=True)
print(torch.heaviside(h, torch.tensor(0.5)))
print(torch.autograd.gradcheck(lambda m: FastSigmoid.apply(m) * 0 + torch.sigmoid(4 * m),
                               (torch.tensor([-0.3, 0.2, 0.8], dtype=torch.float64, requires_grad=True),)))
