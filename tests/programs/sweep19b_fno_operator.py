"""Fourier Neural Operator, in the style of the reference FNO scripts (fourier_1d.py / fourier_2d.py):
spectral convolution layers that multiply the lowest Fourier modes by learned complex weights, a
lifting layer, a few Fourier blocks with a pointwise 1x1 path, and a projection; trained for a few
steps on a synthetic PDE-like map (smoothing by the heat kernel) with a relative L2 loss."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)


class SpectralConv1d(nn.Module):
    def __init__(self, in_channels, out_channels, modes1):
        super().__init__()
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.modes1 = modes1
        self.scale = 1 / (in_channels * out_channels)
        self.weights1 = nn.Parameter(self.scale * torch.rand(in_channels, out_channels, self.modes1, dtype=torch.cfloat))

    def compl_mul1d(self, input, weights):
        # (batch, in_channel, x), (in_channel, out_channel, x) -> (batch, out_channel, x)
        return torch.einsum("bix,iox->box", input, weights)

    def forward(self, x):
        batchsize = x.shape[0]
        x_ft = torch.fft.rfft(x)
        out_ft = torch.zeros(batchsize, self.out_channels, x.size(-1) // 2 + 1, device=x.device, dtype=torch.cfloat)
        out_ft[:, :, :self.modes1] = self.compl_mul1d(x_ft[:, :, :self.modes1], self.weights1)
        x = torch.fft.irfft(out_ft, n=x.size(-1))
        return x


class SpectralConv2d(nn.Module):
    def __init__(self, in_channels, out_channels, modes1, modes2):
        super().__init__()
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.modes1 = modes1
        self.modes2 = modes2
        self.scale = 1 / (in_channels * out_channels)
        self.weights1 = nn.Parameter(
            self.scale * torch.rand(in_channels, out_channels, self.modes1, self.modes2, dtype=torch.cfloat))
        self.weights2 = nn.Parameter(
            self.scale * torch.rand(in_channels, out_channels, self.modes1, self.modes2, dtype=torch.cfloat))

    def compl_mul2d(self, input, weights):
        return torch.einsum("bixy,ioxy->boxy", input, weights)

    def forward(self, x):
        batchsize = x.shape[0]
        x_ft = torch.fft.rfft2(x)
        out_ft = torch.zeros(batchsize, self.out_channels, x.size(-2), x.size(-1) // 2 + 1, dtype=torch.cfloat,
                             device=x.device)
        out_ft[:, :, :self.modes1, :self.modes2] = self.compl_mul2d(x_ft[:, :, :self.modes1, :self.modes2],
                                                                    self.weights1)
        out_ft[:, :, -self.modes1:, :self.modes2] = self.compl_mul2d(x_ft[:, :, -self.modes1:, :self.modes2],
                                                                     self.weights2)
        x = torch.fft.irfft2(out_ft, s=(x.size(-2), x.size(-1)))
        return x


class FNO1d(nn.Module):
    def __init__(self, modes, width):
        super().__init__()
        self.modes1 = modes
        self.width = width
        self.fc0 = nn.Linear(2, self.width)  # input channel is 2: (a(x), x)
        self.conv0 = SpectralConv1d(self.width, self.width, self.modes1)
        self.conv1 = SpectralConv1d(self.width, self.width, self.modes1)
        self.w0 = nn.Conv1d(self.width, self.width, 1)
        self.w1 = nn.Conv1d(self.width, self.width, 1)
        self.fc1 = nn.Linear(self.width, 32)
        self.fc2 = nn.Linear(32, 1)

    def get_grid(self, shape, device):
        batchsize, size_x = shape[0], shape[1]
        gridx = torch.tensor(torch.linspace(0, 1, size_x).tolist(), dtype=torch.float)
        gridx = gridx.reshape(1, size_x, 1).repeat([batchsize, 1, 1])
        return gridx.to(device)

    def forward(self, x):
        grid = self.get_grid(x.shape, x.device)
        x = torch.cat((x, grid), dim=-1)
        x = self.fc0(x)
        x = x.permute(0, 2, 1)
        x1 = self.conv0(x)
        x2 = self.w0(x)
        x = F.gelu(x1 + x2)
        x1 = self.conv1(x)
        x2 = self.w1(x)
        x = x1 + x2
        x = x.permute(0, 2, 1)
        x = F.gelu(self.fc1(x))
        return self.fc2(x)


class FNO2d(nn.Module):
    def __init__(self, modes1, modes2, width):
        super().__init__()
        self.width = width
        self.padding = 2
        self.fc0 = nn.Linear(3, self.width)
        self.conv0 = SpectralConv2d(self.width, self.width, modes1, modes2)
        self.w0 = nn.Conv2d(self.width, self.width, 1)
        self.fc1 = nn.Linear(self.width, 16)
        self.fc2 = nn.Linear(16, 1)

    def get_grid(self, shape, device):
        batchsize, size_x, size_y = shape[0], shape[1], shape[2]
        gridx = torch.linspace(0, 1, size_x).reshape(1, size_x, 1, 1).repeat([batchsize, 1, size_y, 1])
        gridy = torch.linspace(0, 1, size_y).reshape(1, 1, size_y, 1).repeat([batchsize, size_x, 1, 1])
        return torch.cat((gridx, gridy), dim=-1).to(device)

    def forward(self, x):
        grid = self.get_grid(x.shape, x.device)
        x = torch.cat((x, grid), dim=-1)
        x = self.fc0(x)
        x = x.permute(0, 3, 1, 2)
        x = F.pad(x, [0, self.padding, 0, self.padding])
        x = F.gelu(self.conv0(x) + self.w0(x))
        x = x[..., :-self.padding, :-self.padding]
        x = x.permute(0, 2, 3, 1)
        x = F.gelu(self.fc1(x))
        return self.fc2(x)


class LpLoss:
    """relative L2 error, averaged over the batch"""

    def __init__(self, d=2, p=2, size_average=True, reduction=True):
        self.d, self.p = d, p
        self.reduction, self.size_average = reduction, size_average

    def rel(self, x, y):
        num_examples = x.size()[0]
        diff_norms = torch.norm(x.reshape(num_examples, -1) - y.reshape(num_examples, -1), self.p, 1)
        y_norms = torch.norm(y.reshape(num_examples, -1), self.p, 1)
        if self.reduction:
            if self.size_average:
                return torch.mean(diff_norms / y_norms)
            return torch.sum(diff_norms / y_norms)
        return diff_norms / y_norms

    def __call__(self, x, y):
        return self.rel(x, y)


def count_params(model):
    c = 0
    for p in list(model.parameters()):
        c += math.prod(list(p.size() + (2,) if p.is_complex() else p.size()))
    return c


# --- synthetic 1-d data: u(x) = heat semigroup applied to a random smooth a(x) -------------------
ntrain, s = 16, 64
k = torch.fft.rfftfreq(s, d=1.0 / s)
coef = torch.randn(ntrain, s // 2 + 1, dtype=torch.cfloat) / (1 + k) ** 2
a = torch.fft.irfft(coef, n=s) * s
u = torch.fft.irfft(torch.fft.rfft(a) * torch.exp(-0.01 * (2 * math.pi * k) ** 2), n=s)
print("a, u:", a.shape, u.shape, a.dtype, f"{a.std().item():.4f} {u.std().item():.4f}")
print("coef[0,:3]:", coef[0, :3])
x_train, y_train = a.unsqueeze(-1), u.unsqueeze(-1)

sc = SpectralConv1d(3, 4, 5)
print(sc.weights1.dtype, sc.weights1.shape, sc.weights1.is_complex(), sc.weights1.requires_grad)
print("weights1[0,0,:3]:", sc.weights1.data[0, 0, :3])
probe = torch.randn(2, 3, 16)
pf = torch.fft.rfft(probe)
print("rfft:", pf.shape, pf.dtype, "irfft(n=16) roundtrip:", torch.allclose(torch.fft.irfft(pf, n=16), probe, atol=1e-6))
print("spectral conv out:", sc(probe).shape, [round(v, 4) for v in sc(probe)[0, 0, :4].tolist()])

model = FNO1d(modes=8, width=16)
print(model.conv0)
print("params:", count_params(model), sum(p.numel() for p in model.parameters()))
print("complex params:", [n for n, p in model.named_parameters() if p.is_complex()])
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-4)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=5, gamma=0.5)
myloss = LpLoss(size_average=False)
train_loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x_train, y_train), batch_size=8,
                                           shuffle=True, generator=torch.Generator().manual_seed(1))
for ep in range(10):
    model.train()
    train_mse = 0.0
    train_l2 = 0.0
    for x, y in train_loader:
        optimizer.zero_grad()
        out = model(x)
        mse = F.mse_loss(out.view(x.shape[0], -1), y.view(x.shape[0], -1), reduction="mean")
        l2 = myloss(out.view(x.shape[0], -1), y.view(x.shape[0], -1))
        l2.backward()
        optimizer.step()
        train_mse += mse.item()
        train_l2 += l2.item()
    scheduler.step()
    if ep % 3 == 0 or ep == 9:
        print(f"ep {ep} lr {scheduler.get_last_lr()[0]:.2e} mse {train_mse / len(train_loader):.4f} "
              f"l2 {train_l2 / ntrain:.4f}")

g = model.conv0.weights1.grad
print("complex grad:", g.dtype, g.shape, f"{g.abs().mean().item():.3e}")
print("weights after:", model.conv0.weights1.data[0, 0, :2])
print("state:", sorted(optimizer.state[model.conv0.weights1].keys()),
      optimizer.state[model.conv0.weights1]["exp_avg_sq"].dtype)
model.eval()
with torch.no_grad():
    pred = model(x_train[:2])
print("pred:", pred.shape, [round(v, 3) for v in pred[0, :5, 0].tolist()])

# --- 2-d: a Darcy-like map on a 16x16 grid -----------------------------------------------------
torch.manual_seed(2)
n2, s2 = 6, 16
a2 = torch.randn(n2, s2, s2)
kx = torch.fft.fftfreq(s2, d=1.0 / s2).reshape(-1, 1)
ky = torch.fft.rfftfreq(s2, d=1.0 / s2).reshape(1, -1)
mult = 1.0 / (1.0 + 0.1 * (kx ** 2 + ky ** 2))
u2 = torch.fft.irfft2(torch.fft.rfft2(a2) * mult, s=(s2, s2))
print("2d data:", a2.shape, u2.shape, f"{u2.abs().mean().item():.4f}", torch.fft.rfft2(a2).shape)
sc2 = SpectralConv2d(2, 3, 4, 3)
print("spectral conv2d:", sc2(torch.randn(1, 2, 8, 8)).shape, sc2.weights2.shape)
model2 = FNO2d(4, 4, 8)
opt2 = torch.optim.Adam(model2.parameters(), lr=1e-2)
for step in range(6):
    opt2.zero_grad()
    out2 = model2(a2.unsqueeze(-1)).squeeze(-1)
    loss2 = LpLoss()(out2, u2)
    loss2.backward()
    opt2.step()
    print(f"2d step {step} rel l2 {loss2.item():.4f}")
print("per-sample:", [round(v, 3) for v in LpLoss(reduction=False)(out2.detach(), u2).tolist()])
w = model2.conv0.weights1
print("conj/abs/angle:", w[0, 0, 0, :2].detach().conj(), f"{w.abs().sum().item():.3f}",
      f"{w.angle().mean().item():.4f}")
print("real/imag views:", torch.view_as_real(w.detach()).shape, w.real.shape, w.imag.dtype)
