"""A restricted Boltzmann machine trained with contrastive divergence, in the style of the many
"RBM in PyTorch" notebooks (and the pytorch-rbm repo): Bernoulli visible/hidden units, sampling with
torch.bernoulli, CD-k Gibbs chains, the free energy with F.softplus, the free-energy-difference loss
trained by an optimizer, a hand-written CD update with momentum and weight decay, and persistent CD."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.autograd import Variable


class RBM(nn.Module):
    def __init__(self, n_vis=16, n_hin=8, k=1):
        super(RBM, self).__init__()
        self.W = nn.Parameter(torch.randn(n_hin, n_vis) * 1e-2)
        self.v_bias = nn.Parameter(torch.zeros(n_vis))
        self.h_bias = nn.Parameter(torch.zeros(n_hin))
        self.k = k

    def sample_from_p(self, p):
        return F.relu(torch.sign(p - Variable(torch.rand(p.size()))))

    def v_to_h(self, v):
        p_h = torch.sigmoid(F.linear(v, self.W, self.h_bias))
        sample_h = self.sample_from_p(p_h)
        return p_h, sample_h

    def h_to_v(self, h):
        p_v = torch.sigmoid(F.linear(h, self.W.t(), self.v_bias))
        sample_v = self.sample_from_p(p_v)
        return p_v, sample_v

    def forward(self, v):
        pre_h1, h1 = self.v_to_h(v)
        h_ = h1
        for _ in range(self.k):
            pre_v_, v_ = self.h_to_v(h_)
            pre_h_, h_ = self.v_to_h(v_)
        return v, v_

    def free_energy(self, v):
        vbias_term = v.mv(self.v_bias)
        wx_b = F.linear(v, self.W, self.h_bias)
        hidden_term = wx_b.exp().add(1).log().sum(1)
        return (-hidden_term - vbias_term).mean()


torch.manual_seed(0)
# synthetic "bars" data: 4x4 images with one horizontal or vertical bar on
bars = []
for i in range(4):
    img = torch.zeros(4, 4)
    img[i, :] = 1
    bars.append(img.flatten())
    img = torch.zeros(4, 4)
    img[:, i] = 1
    bars.append(img.flatten())
bars = torch.stack(bars)
idx = torch.randint(0, 8, (64,))
data = bars[idx]
flip = torch.bernoulli(torch.full_like(data, 0.05))
data = (data + flip) % 2
print("data", data.shape, data.dtype, data.sum().item(), data[:2].int().tolist())

rbm = RBM(n_vis=16, n_hin=8, k=1)
print(rbm)
print("params", [(n, tuple(p.shape)) for n, p in rbm.named_parameters()])
train_op = torch.optim.SGD(rbm.parameters(), lr=0.1)
loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(data), batch_size=16, shuffle=True)
for epoch in range(5):
    loss_ = []
    for (v,) in loader:
        v, v1 = rbm(v)
        loss = rbm.free_energy(v) - rbm.free_energy(v1)
        loss_.append(loss.item())
        train_op.zero_grad()
        loss.backward()
        train_op.step()
    print(f"epoch {epoch} fe-loss {sum(loss_) / len(loss_):.4f} W-norm {rbm.W.norm().item():.4f}")
print("grad_fn", loss.grad_fn.name(), rbm.free_energy(data).grad_fn.name())
v0 = Variable(data[:4])
print("Variable", type(v0).__name__, v0 is data[:4], isinstance(v0, Variable), v0.requires_grad)
_, v1 = rbm(v0)
print("chain sample", v1.grad_fn.name(), v1.grad_fn.next_functions[0][0].name(), v1.requires_grad)

# the bernoulli-sampling variant: the Gibbs chain draws from probabilities that need a gradient,
# so the samples carry BernoulliBackward0 (a zero gradient) and the loss still trains the weights
p_h = torch.sigmoid(F.linear(data[:4], rbm.W, rbm.h_bias))
h_sample = torch.bernoulli(p_h)
print("bernoulli sample", h_sample.grad_fn.name(), h_sample.requires_grad, h_sample.sum().item())
v_sample = torch.bernoulli(torch.sigmoid(F.linear(h_sample, rbm.W.t(), rbm.v_bias)))
cd_loss = rbm.free_energy(data[:4]) - rbm.free_energy(v_sample)
cd_loss.backward()
print("cd loss", round(cd_loss.item(), 4), "W grad", round(rbm.W.grad.abs().sum().item(), 4))
g_p, = torch.autograd.grad(torch.bernoulli(p_h).sum(), p_h)
print("d sample / d p", g_p.abs().sum().item(), g_p.shape)
corrupt = data[:4] * 1.0
corrupt.requires_grad_(True)
masked = corrupt * 1
masked.bernoulli_(0.9)
print("refilled in place", masked.grad_fn.name(), torch.autograd.grad(masked.sum(), corrupt)[0].sum().item())
try:
    torch.bernoulli(p_h, out=torch.empty(4, 8))
except RuntimeError as e:
    print("out=", e)


# the same model with the softplus free energy and the textbook CD-k update by hand
torch.manual_seed(1)


class BernoulliRBM:
    def __init__(self, n_visible, n_hidden, k=2, lr=0.05, momentum=0.5, weight_decay=1e-4):
        self.W = torch.randn(n_visible, n_hidden) * 0.1
        self.vb = torch.zeros(n_visible)
        self.hb = torch.zeros(n_hidden)
        self.W_m = torch.zeros_like(self.W)
        self.vb_m = torch.zeros(n_visible)
        self.hb_m = torch.zeros(n_hidden)
        self.k, self.lr, self.momentum, self.wd = k, lr, momentum, weight_decay

    def p_h(self, v):
        return torch.sigmoid(torch.matmul(v, self.W) + self.hb)

    def p_v(self, h):
        return torch.sigmoid(torch.matmul(h, self.W.t()) + self.vb)

    def free_energy(self, v):
        return -v @ self.vb - F.softplus(v @ self.W + self.hb).sum(dim=1)

    def contrastive_divergence(self, v0):
        ph0 = self.p_h(v0)
        h = torch.bernoulli(ph0)
        for _ in range(self.k):
            pv = self.p_v(h)
            v = torch.bernoulli(pv)
            ph = self.p_h(v)
            h = torch.bernoulli(ph)
        pos = torch.matmul(v0.t(), ph0)
        neg = torch.matmul(v.t(), ph)
        n = v0.size(0)
        self.W_m.mul_(self.momentum).add_((pos - neg) / n)
        self.vb_m.mul_(self.momentum).add_(torch.sum(v0 - v, dim=0) / n)
        self.hb_m.mul_(self.momentum).add_(torch.sum(ph0 - ph, dim=0) / n)
        self.W += self.W_m * self.lr
        self.vb += self.vb_m * self.lr
        self.hb += self.hb_m * self.lr
        self.W -= self.W * self.wd
        return torch.sum((v0 - pv) ** 2)


rbm2 = BernoulliRBM(16, 6, k=2)
for epoch in range(6):
    err = 0.0
    for batch in data.split(16):
        err += rbm2.contrastive_divergence(batch).item()
    fe = rbm2.free_energy(data).mean().item()
    print(f"cd-2 epoch {epoch} recon {err / len(data):.4f} free energy {fe:.4f}")

# free energy by softplus equals the log(1+exp) form
fe_a = rbm2.free_energy(data[:4])
fe_b = -(data[:4] @ rbm2.vb) - torch.log1p(torch.exp(data[:4] @ rbm2.W + rbm2.hb)).sum(1)
print("fe forms", torch.allclose(fe_a, fe_b, atol=1e-5), fe_a.round(decimals=3).tolist())
# bars score lower free energy than random images
noise = torch.bernoulli(torch.full((8, 16), 0.25))
print("bars vs noise", rbm2.free_energy(bars).mean().item() < rbm2.free_energy(noise).mean().item())

# persistent CD: one chain that survives between updates, seeded by bernoulli(p) with a generator
g = torch.Generator().manual_seed(7)
chain = torch.bernoulli(torch.full((10, 16), 0.5), generator=g)
for step in range(3):
    ph = rbm2.p_h(chain)
    hs = torch.bernoulli(ph, generator=g)
    chain = torch.bernoulli(rbm2.p_v(hs), generator=g)
    print("pcd", step, chain.sum().item(), chain.dtype)
bern = torch.empty(3, 4).bernoulli_(0.3, generator=g)
print("bernoulli_", bern.tolist())
p_t = torch.tensor([0.0, 1.0, 0.5])
print("bernoulli edges", torch.bernoulli(p_t.expand(4, 3), generator=g).tolist(), torch.bernoulli(torch.tensor([0.2, 0.9]), 0.5).tolist())

# reconstructions of the clean bars through the mean-field pass
recon = rbm2.p_v(rbm2.p_h(bars))
print("recon", recon.shape, (recon > 0.5).float().eq(bars).float().mean().item().__round__(3))
print("hidden codes", (rbm2.p_h(bars) > 0.5).int().tolist()[:3])
