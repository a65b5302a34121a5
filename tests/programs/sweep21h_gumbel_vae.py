"""A categorical VAE trained with the Gumbel-softmax trick, in the style of the well-known
"Categorical VAE with Gumbel-Softmax" notebooks (Jang et al. 2017): hand-written sample_gumbel /
gumbel_softmax_sample with a straight-through hard variant next to F.gumbel_softmax (hard=True/False),
temperature annealing, a KL to the uniform prior, and a few optimisation steps on synthetic binary data."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def sample_gumbel(shape, eps=1e-20):
    U = torch.rand(shape)
    return -torch.log(-torch.log(U + eps) + eps)


def gumbel_softmax_sample(logits, temperature):
    y = logits + sample_gumbel(logits.size())
    return F.softmax(y / temperature, dim=-1)


def gumbel_softmax(logits, temperature, hard=False):
    y = gumbel_softmax_sample(logits, temperature)
    if not hard:
        return y
    shape = y.size()
    _, ind = y.max(dim=-1)
    y_hard = torch.zeros_like(y).view(-1, shape[-1])
    y_hard.scatter_(1, ind.view(-1, 1), 1)
    y_hard = y_hard.view(*shape)
    return (y_hard - y).detach() + y


class CatVAE(nn.Module):
    def __init__(self, x_dim=16, latent_dim=3, categorical_dim=4, hidden=24):
        super().__init__()
        self.latent_dim, self.categorical_dim = latent_dim, categorical_dim
        self.fc1 = nn.Linear(x_dim, hidden)
        self.fc2 = nn.Linear(hidden, latent_dim * categorical_dim)
        self.fc3 = nn.Linear(latent_dim * categorical_dim, hidden)
        self.fc4 = nn.Linear(hidden, x_dim)
        self.relu = nn.ReLU()
        self.sigmoid = nn.Sigmoid()

    def encode(self, x):
        return self.fc2(self.relu(self.fc1(x)))

    def decode(self, z):
        return self.sigmoid(self.fc4(self.relu(self.fc3(z))))

    def forward(self, x, temp, hard, use_builtin=False):
        q = self.encode(x)
        q_y = q.view(q.size(0), self.latent_dim, self.categorical_dim)
        if use_builtin:
            z = F.gumbel_softmax(q_y, tau=temp, hard=hard)
        else:
            z = gumbel_softmax(q_y, temp, hard)
        return self.decode(z.view(-1, self.latent_dim * self.categorical_dim)), F.softmax(q_y, dim=-1).reshape(*q.size())


def loss_function(recon_x, x, qy, categorical_dim):
    BCE = F.binary_cross_entropy(recon_x, x, reduction='sum') / x.shape[0]
    log_ratio = torch.log(qy * categorical_dim + 1e-20)
    KLD = torch.sum(qy * log_ratio, dim=-1).mean()
    return BCE + KLD, BCE, KLD


torch.manual_seed(0)
# the building blocks
logits = torch.tensor([[1.0, 2.0, 0.5, -1.0], [0.0, 0.0, 0.0, 3.0]])
g = sample_gumbel(logits.shape)
print("gumbel noise", g.round(decimals=4))
soft = gumbel_softmax(logits, 0.5)
hard = gumbel_softmax(logits, 0.5, hard=True)
print("soft", soft.round(decimals=4), soft.sum(-1).round(decimals=4))
print("hard", hard, hard.grad_fn is None)
torch.manual_seed(1)
b_soft = F.gumbel_softmax(logits, tau=1.0)
b_hard = F.gumbel_softmax(logits, tau=0.3, hard=True)
print("F.gumbel_softmax", b_soft.round(decimals=4))
print("F.gumbel_softmax hard", b_hard, b_hard.dtype)
print("dim=0", F.gumbel_softmax(logits, tau=2.0, dim=0).round(decimals=4))
lg = logits.clone().requires_grad_()
y = F.gumbel_softmax(lg, tau=0.7, hard=True)
(y * torch.arange(4.0)).sum().backward()
print("hard ST grad", lg.grad.round(decimals=4), y.grad_fn.name())
lg.grad = None
torch.manual_seed(2)
y = F.gumbel_softmax(lg, tau=0.7)
(y[:, 0] - y[:, 3]).pow(2).sum().backward()
print("soft grad", lg.grad.round(decimals=4))

# empirical check: argmax of logits + gumbel is a categorical sample
torch.manual_seed(3)
probs = torch.tensor([0.1, 0.2, 0.3, 0.4])
draws = torch.argmax(probs.log() + sample_gumbel((4000, 4)), dim=-1)
print("gumbel-max freq", (torch.bincount(draws, minlength=4).float() / 4000).round(decimals=2).tolist())

# training
torch.manual_seed(4)
x_data = (torch.rand(64, 16) < torch.linspace(0.1, 0.9, 16)).float()
model = CatVAE()
print(model)
opt = torch.optim.Adam(model.parameters(), lr=3e-3)
temp, temp_min, ANNEAL_RATE = 1.0, 0.5, 0.05
for epoch in range(1, 7):
    model.train()
    total = 0.0
    for i in range(0, 64, 16):
        batch = x_data[i:i + 16]
        opt.zero_grad()
        recon, qy = model(batch, temp, hard=epoch % 2 == 0, use_builtin=epoch > 3)
        loss, bce, kld = loss_function(recon, batch, qy, model.categorical_dim)
        loss.backward()
        opt.step()
        total += loss.item()
    temp = max(temp * math.exp(-ANNEAL_RATE * epoch), temp_min)
    print(f"epoch {epoch} loss {total / 4:.3f} temp {temp:.4f} kld {kld.item():.4f}")

model.eval()
with torch.no_grad():
    q = model.encode(x_data[:4]).view(4, 3, 4)
    codes = q.argmax(-1)
    print("codes", codes.tolist())
    z = F.one_hot(codes, 4).float().view(4, -1)
    print("decoded", model.decode(z)[:, :6].round(decimals=2))
    ent = -(F.softmax(q, -1) * F.log_softmax(q, -1)).sum(-1)
    print("posterior entropy", ent.mean().item() < math.log(4))
