"""AlphaZero-lite: a small residual policy/value network for connect-four-sized boards, trained
on synthetic self-play targets with left-right mirror augmentation (connect four's one symmetry),
cross_entropy against soft visit-count targets plus mse on the outcome."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(9)
ROWS, COLS, N = 6, 7, 48


class ResBlock(nn.Module):
    def __init__(self, ch):
        super().__init__()
        self.c1 = nn.Conv2d(ch, ch, 3, padding=1, bias=False)
        self.b1 = nn.BatchNorm2d(ch)
        self.c2 = nn.Conv2d(ch, ch, 3, padding=1, bias=False)
        self.b2 = nn.BatchNorm2d(ch)

    def forward(self, x):
        y = F.relu(self.b1(self.c1(x)))
        return F.relu(x + self.b2(self.c2(y)))


class AZNet(nn.Module):
    def __init__(self, ch=8):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, ch, 3, padding=1), nn.BatchNorm2d(ch), nn.ReLU())
        self.res = nn.Sequential(ResBlock(ch), ResBlock(ch))
        self.pol = nn.Sequential(nn.Conv2d(ch, 2, 1), nn.Flatten(), nn.Linear(2 * ROWS * COLS, COLS))
        self.val = nn.Sequential(nn.Conv2d(ch, 1, 1), nn.Flatten(), nn.Linear(ROWS * COLS, 16),
                                 nn.ReLU(), nn.Linear(16, 1), nn.Tanh())

    def forward(self, x):
        h = self.res(self.stem(x))
        return self.pol(h), self.val(h).squeeze(1)


def encode(boards, to_move):
    me = (boards == to_move.view(-1, 1, 1)).float()
    them = (boards == -to_move.view(-1, 1, 1)).float()
    turn = to_move.float().view(-1, 1, 1).expand(-1, ROWS, COLS)
    return torch.stack([me, them, turn], dim=1)


# synthetic "self-play" positions: random fill respecting gravity
boards = torch.zeros(N, ROWS, COLS, dtype=torch.int8)
heights = torch.randint(0, 4, (N, COLS))
for i in range(N):
    for c in range(COLS):
        h = int(heights[i, c])
        if h:
            boards[i, ROWS - h:, c] = torch.where(torch.rand(h) < 0.5, 1, -1).to(torch.int8)
to_move = torch.where(torch.arange(N) % 2 == 0, 1, -1).to(torch.int8)
visits = torch.randint(0, 20, (N, COLS)).float()
visits[heights >= ROWS] = 0
pi = visits / visits.sum(1, keepdim=True)
z = torch.randint(-1, 2, (N,)).float()
print("pi[0]:", pi[0])
print("z counts:", torch.unique(z, return_counts=True))

# left-right mirror augmentation
x = encode(boards, to_move)
x_aug = torch.cat([x, torch.flip(x, dims=[3])])
pi_aug = torch.cat([pi, pi.flip(1)])
z_aug = torch.cat([z, z])
print("augmented:", tuple(x_aug.shape), x_aug.dtype, "mirror consistent:",
      torch.equal(x_aug[N + 5, :, :, 0], x[5, :, :, COLS - 1]))

net = AZNet()
print(net.pol)
n_params = sum(p.numel() for p in net.parameters() if p.requires_grad)
print("trainable parameters:", n_params)
opt = torch.optim.SGD(net.parameters(), lr=0.02, momentum=0.9, weight_decay=1e-4)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=6, gamma=0.5)

for epoch in range(12):
    net.train()
    perm = torch.randperm(len(x_aug))
    for b in range(0, len(perm), 32):
        idx = perm[b:b + 32]
        logits, v = net(x_aug[idx])
        loss_p = F.cross_entropy(logits, pi_aug[idx])
        loss_v = F.mse_loss(v, z_aug[idx])
        loss = loss_p + loss_v
        opt.zero_grad()
        loss.backward()
        gn = nn.utils.clip_grad_norm_(net.parameters(), max_norm=5.0)
        opt.step()
    sched.step()
    if epoch % 4 == 3:
        print(f"epoch {epoch + 1}: policy {loss_p.item():.3f} value {loss_v.item():.3f} "
              f"lr {sched.get_last_lr()[0]:.4f}")

net.eval()
with torch.no_grad():
    logits, v = net(x[:4])
    legal = boards[:4, 0, :] == 0
    probs = torch.softmax(logits.masked_fill(~legal, -1e9), dim=1)
    print("policy rows:", probs.shape, "sum", probs.sum(1).round(decimals=4))
    print("value range ok:", bool(((v >= -1) & (v <= 1)).all()))
    kl = F.kl_div(F.log_softmax(logits, 1), pi[:4], reduction="batchmean")
    print("kl finite:", bool(torch.isfinite(kl)))

print("bn running stats shape:", net.stem[1].running_mean.shape, net.stem[1].num_batches_tracked)
sd = net.state_dict()
print("state_dict keys:", len(sd), list(sd)[:4])
print(sd["res.0.b1.num_batches_tracked"].dtype)
try:
    net(torch.zeros(2, 4, ROWS, COLS))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    F.cross_entropy(torch.zeros(2, 7), torch.zeros(2, 6))
except RuntimeError as e:
    print("RuntimeError:", e)
