"""Growing neural cellular automata in the style of the Distill article "Growing Neural Cellular
Automata" (Mordvintsev et al.) and its PyTorch ports: 16-channel state, fixed identity/Sobel filters
applied depthwise (groups=channels), a 1x1-conv update network with a zero-initialised last layer,
stochastic per-cell update masks, alive masking by a 3x3 max_pool2d of the alpha channel, and a few
Adam steps towards a tiny synthetic target pattern."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(42)
CHANNELS = 8
SIZE = 12


def make_target(size=SIZE):
    yy, xx = torch.meshgrid(torch.arange(size), torch.arange(size), indexing="ij")
    r = ((yy - size / 2 + 0.5) ** 2 + (xx - size / 2 + 0.5) ** 2).sqrt()
    alpha = (r < size / 3).float()
    rgb = torch.stack([alpha * 0.9, alpha * (xx / size), alpha * (yy / size)])
    return torch.cat([rgb, alpha[None]], 0)          # (4, H, W), premultiplied RGBA


class CAModel(nn.Module):
    def __init__(self, channel_n=CHANNELS, fire_rate=0.5, hidden_size=32):
        super().__init__()
        self.channel_n = channel_n
        self.fire_rate = fire_rate
        ident = torch.tensor([[0., 0., 0.], [0., 1., 0.], [0., 0., 0.]])
        sobel_x = torch.tensor([[-1., 0., 1.], [-2., 0., 2.], [-1., 0., 1.]]) / 8.0
        sobel_y = sobel_x.T
        kernel = torch.stack([ident, sobel_x, sobel_y])            # (3, 3, 3)
        kernel = kernel[:, None].repeat(channel_n, 1, 1, 1)         # (3C, 1, 3, 3)
        self.register_buffer("perception_kernel", kernel)
        self.fc0 = nn.Conv2d(channel_n * 3, hidden_size, kernel_size=1)
        self.fc1 = nn.Conv2d(hidden_size, channel_n, kernel_size=1, bias=False)
        with torch.no_grad():
            self.fc1.weight.zero_()

    def alive(self, x):
        return F.max_pool2d(x[:, 3:4, :, :], kernel_size=3, stride=1, padding=1) > 0.1

    def perceive(self, x):
        return F.conv2d(x, self.perception_kernel, padding=1, groups=self.channel_n)

    def forward(self, x, steps=1):
        for _ in range(steps):
            pre_life_mask = self.alive(x)
            dx = self.fc1(F.relu(self.fc0(self.perceive(x))))
            update_mask = (torch.rand(x[:, :1, :, :].shape) <= self.fire_rate).float()
            x = x + dx * update_mask
            post_life_mask = self.alive(x)
            life_mask = (pre_life_mask & post_life_mask).float()
            x = x * life_mask
        return x


def seed_state(n=2, size=SIZE, channels=CHANNELS):
    x = torch.zeros(n, channels, size, size)
    x[:, 3:, size // 2, size // 2] = 1.0
    return x


target = make_target()
print("target alpha sum:", target[3].sum().item(), "shape:", tuple(target.shape))
model = CAModel()
print(model)
print("parameters:", sum(p.numel() for p in model.parameters() if p.requires_grad))
print("kernel buffer:", tuple(model.perception_kernel.shape), model.perception_kernel[1, 0])

x0 = seed_state()
percept = model.perceive(x0)
print("perception nonzero:", int((percept != 0).sum()), "alive cells:", int(model.alive(x0).sum()))
print(percept[0, 10:12, 5:8, 5:8])

opt = torch.optim.Adam(model.parameters(), lr=2e-2)
sched = torch.optim.lr_scheduler.MultiStepLR(opt, [3], 0.3)
for step in range(6):
    torch.manual_seed(100 + step)
    x = model(seed_state(), steps=8)
    loss = F.mse_loss(x[:, :4], target.expand(x.shape[0], -1, -1, -1))
    opt.zero_grad()
    loss.backward()
    for p in model.parameters():
        p.grad.data = p.grad.data / (p.grad.data.norm() + 1e-8)
    opt.step()
    sched.step()
    print(f"step {step}  loss {loss.item():.5f}  lr {sched.get_last_lr()[0]:.5f}  "
          f"alive {int((x[:, 3] > 0.1).sum())}")

with torch.no_grad():
    torch.manual_seed(7)
    out = model(seed_state(1), steps=10)
    rgba = out[0, :4].clamp(0, 1)
    print("rgba mean:", rgba.mean(dim=(1, 2)).round(decimals=3))
    alpha = rgba[3]
    print("\n".join("".join("@" if a > 0.5 else ("+" if a > 0.1 else ".") for a in row)
                    for row in alpha.tolist()))
    print("fc1 weight norm:", round(model.fc1.weight.norm().item(), 3))
