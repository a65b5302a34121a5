"""Conditional WGAN-GP on class-dependent 2-D Gaussians: label embeddings concatenated to the noise
(generator) and projected onto the features (projection critic), the gradient penalty through
torch.autograd.grad(create_graph=True), n_critic updates per generator step, RMSprop for a
weight-clipped WGAN variant, and a few checks of the graph the penalty builds."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import autograd
from torch.distributions import MultivariateNormal

torch.manual_seed(7)
n_classes, nz, hidden = 3, 4, 32
means = torch.tensor([[2.0, 0.0], [-1.0, 1.7], [-1.0, -1.7]])
cov = torch.tensor([[0.10, 0.03], [0.03, 0.05]])
dists = [MultivariateNormal(m, covariance_matrix=cov) for m in means]
print(dists[0])
print("scale_tril", dists[0].scale_tril)


def sample_real(n):
    y = torch.randint(0, n_classes, (n,))
    x = torch.stack([dists[k].sample() for k in y.tolist()])
    return x, y


class CondGenerator(nn.Module):
    def __init__(self):
        super().__init__()
        self.label_emb = nn.Embedding(n_classes, n_classes)
        self.net = nn.Sequential(
            nn.Linear(nz + n_classes, hidden), nn.LeakyReLU(0.2),
            nn.Linear(hidden, hidden), nn.LeakyReLU(0.2),
            nn.Linear(hidden, 2))

    def forward(self, z, y):
        return self.net(torch.cat([z, self.label_emb(y)], dim=-1))


class ProjectionCritic(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(2, hidden), nn.SiLU(), nn.Linear(hidden, hidden), nn.SiLU())
        self.out = nn.Linear(hidden, 1)
        self.embed = nn.Embedding(n_classes, hidden)

    def forward(self, x, y):
        h = self.body(x)
        return self.out(h).squeeze(1) + (self.embed(y) * h).sum(dim=1)


def gradient_penalty(critic, real, fake, y):
    alpha = torch.rand(real.size(0), 1)
    alpha = alpha.expand_as(real)
    interp = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
    d_interp = critic(interp, y)
    grads = autograd.grad(outputs=d_interp, inputs=interp,
                          grad_outputs=torch.ones_like(d_interp),
                          create_graph=True, retain_graph=True, only_inputs=True)[0]
    grads = grads.view(grads.size(0), -1)
    return ((grads.norm(2, dim=1) - 1) ** 2).mean(), grads


G, D = CondGenerator(), ProjectionCritic()
print(G)
print(D.embed, D.embed.weight.shape)
opt_g = torch.optim.Adam(G.parameters(), lr=1e-3, betas=(0.0, 0.9))
opt_d = torch.optim.Adam(D.parameters(), lr=1e-3, betas=(0.0, 0.9))
lambda_gp, n_critic, bs = 10.0, 3, 32

x, y = sample_real(bs)
print("labels", y[:10], y.dtype, "counts", torch.bincount(y, minlength=n_classes))
z = torch.randn(bs, nz)
fake = G(z, y)
gp, grads = gradient_penalty(D, x, fake.detach(), y)
print("gp", f"{gp.item():.4f}", gp.grad_fn.name(), "grads", grads.shape, grads.requires_grad, grads.grad_fn is not None)
gp.backward()
print("critic grad norms", [(n, None if p.grad is None else f"{p.grad.norm().item():.4f}") for n, p in D.named_parameters()])
D.zero_grad(set_to_none=True)
print("after zero_grad", D.out.weight.grad)

for step in range(5):
    for _ in range(n_critic):
        x, y = sample_real(bs)
        z = torch.randn(bs, nz)
        with torch.no_grad():
            fake = G(z, y)
        d_real = D(x, y).mean()
        d_fake = D(fake, y).mean()
        gp, _ = gradient_penalty(D, x, fake, y)
        loss_d = d_fake - d_real + lambda_gp * gp
        opt_d.zero_grad()
        loss_d.backward()
        opt_d.step()
    y = torch.randint(0, n_classes, (bs,))
    loss_g = -D(G(torch.randn(bs, nz), y), y).mean()
    opt_g.zero_grad()
    loss_g.backward()
    opt_g.step()
    print(f"step {step}: loss_D {loss_d.item():.4f} W {(d_real - d_fake).item():.4f} gp {gp.item():.4f} loss_G {loss_g.item():.4f}")

# per-class sample statistics of the generator
with torch.no_grad():
    labels = torch.arange(n_classes).repeat_interleave(200)
    samples = G(torch.randn(labels.numel(), nz), labels)
    for k in range(n_classes):
        s = samples[labels == k]
        print("class", k, "mean", s.mean(0).round(decimals=2), "std", s.std(0).round(decimals=2))
    lp = torch.stack([d.log_prob(samples) for d in dists], dim=1)
    pred = lp.argmax(dim=1)
    print("class agreement", f"{(pred == labels).float().mean().item():.3f}")

# a weight-clipped WGAN critic, RMSprop as in the original paper
critic = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 1))
opt_c = torch.optim.RMSprop(critic.parameters(), lr=5e-3)
print(opt_c.defaults["alpha"], opt_c.defaults["centered"])
for it in range(3):
    x, _ = sample_real(bs)
    fake = torch.randn(bs, 2) * 0.5
    loss = critic(fake).mean() - critic(x).mean()
    opt_c.zero_grad()
    loss.backward()
    opt_c.step()
    for p in critic.parameters():
        p.data.clamp_(-0.05, 0.05)
    print(it, f"{loss.item():.4f}", "clipped", all(p.abs().max().item() <= 0.05 for p in critic.parameters()),
          "at bound", sum(int((p.abs() == 0.05).sum()) for p in critic.parameters()))
print("square_avg", opt_c.state[critic[0].bias]["square_avg"][:4])

try:
    autograd.grad(critic(x).sum(), x)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    G.label_emb(torch.tensor([0, 3]))
except IndexError as e:
    print("IndexError:", e)
try:
    autograd.grad(D(x.requires_grad_(), y), x)
except RuntimeError as e:
    print("RuntimeError:", e)
