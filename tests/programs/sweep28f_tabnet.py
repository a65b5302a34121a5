"""A TabNet-like classifier written from the paper (Arik & Pfister): sparsemax and entmax-1.5 as custom
autograd Functions (checked with gradcheck and against the Jacobian), ghost batch normalisation,
GLU feature transformer blocks with sqrt(0.5) residual scaling, an attentive transformer with a prior
scale gamma, the sparsity (entropy) regulariser, and per-feature importances aggregated from the
step masks."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.autograd import Function, gradcheck


class Sparsemax(Function):
    """Martins & Astudillo 2016: Euclidean projection onto the simplex."""

    @staticmethod
    def forward(ctx, z, dim=-1):
        z = z - z.max(dim=dim, keepdim=True).values
        zs, _ = torch.sort(z, dim=dim, descending=True)
        k = torch.arange(1, z.shape[dim] + 1, dtype=z.dtype, device=z.device)
        shape = [1] * z.dim()
        shape[dim] = -1
        k = k.view(shape)
        cs = zs.cumsum(dim) - 1
        support = (k * zs > cs)
        k_z = support.sum(dim=dim, keepdim=True)
        tau = cs.gather(dim, k_z - 1) / k_z.to(z.dtype)
        out = torch.clamp(z - tau, min=0)
        ctx.save_for_backward(out)
        ctx.dim = dim
        return out

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        dim = ctx.dim
        nz = out > 0
        v = (g * nz).sum(dim, keepdim=True) / nz.sum(dim, keepdim=True)
        return torch.where(nz, g - v, torch.zeros_like(g)), None


class Entmax15(Function):
    """entmax with alpha = 1.5, exact sort-based threshold (Peters et al. 2019)."""

    @staticmethod
    def forward(ctx, x, dim=-1):
        x = (x - x.max(dim=dim, keepdim=True).values) / 2
        xs, _ = x.sort(dim=dim, descending=True)
        d = x.shape[dim]
        rho = torch.arange(1, d + 1, dtype=x.dtype).view([-1 if i == (dim % x.dim()) else 1 for i in range(x.dim())])
        mean = xs.cumsum(dim) / rho
        mean_sq = (xs ** 2).cumsum(dim) / rho
        ss = rho * (mean_sq - mean ** 2)
        delta = (1 - ss) / rho
        tau = mean - torch.sqrt(torch.clamp(delta, min=0))
        support = (tau <= xs).sum(dim=dim, keepdim=True)
        tau_star = tau.gather(dim, support - 1)
        y = torch.clamp(x - tau_star, min=0) ** 2
        ctx.save_for_backward(y)
        ctx.dim = dim
        return y

    @staticmethod
    def backward(ctx, dy):
        y, = ctx.saved_tensors
        gppr = y.sqrt()
        dx = dy * gppr
        q = dx.sum(ctx.dim, keepdim=True) / gppr.sum(ctx.dim, keepdim=True)
        return dx - q * gppr, None


def sparsemax(z, dim=-1):
    return Sparsemax.apply(z, dim)


def entmax15(z, dim=-1):
    return Entmax15.apply(z, dim)


torch.manual_seed(5)
z = torch.tensor([[1.0, 0.8, 0.1, -1.0], [0.2, 0.2, 0.2, 0.2], [3.0, 0.0, 0.0, 0.0]])
print("softmax  ", F.softmax(z, -1))
print("sparsemax", sparsemax(z))
print("entmax15 ", entmax15(z))
print("sums", sparsemax(z).sum(-1), entmax15(z).sum(-1))
zd = torch.randn(3, 5, dtype=torch.double, requires_grad=True)
print("gradcheck sparsemax", gradcheck(lambda t: sparsemax(t, -1), (zd,), eps=1e-6, atol=1e-5))
print("gradcheck entmax15 ", gradcheck(lambda t: entmax15(t, 0), (zd,), eps=1e-6, atol=1e-5))
J = torch.autograd.functional.jacobian(lambda t: sparsemax(t), zd[0].detach())
print("sparsemax jacobian\n", J)
out = sparsemax(zd)
print("grad_fn", type(out.grad_fn).__name__, out.grad_fn.name() if hasattr(out.grad_fn, "name") else "")


# ---- TabNet blocks ------------------------------------------------------------------------------
class GhostBatchNorm(nn.Module):
    def __init__(self, d, vbs=16, momentum=0.02):
        super().__init__()
        self.vbs = vbs
        self.bn = nn.BatchNorm1d(d, momentum=momentum)

    def forward(self, x):
        if not self.training:
            return self.bn(x)
        chunks = x.chunk(math.ceil(x.shape[0] / self.vbs), dim=0)
        return torch.cat([self.bn(c) for c in chunks], dim=0)


class GLUBlock(nn.Module):
    def __init__(self, d_in, d_out, shared=None):
        super().__init__()
        self.fc = shared if shared is not None else nn.Linear(d_in, 2 * d_out, bias=False)
        self.bn = GhostBatchNorm(2 * d_out)

    def forward(self, x):
        return F.glu(self.bn(self.fc(x)), dim=-1)


class FeatTransformer(nn.Module):
    def __init__(self, d_in, d, shared):
        super().__init__()
        self.blocks = nn.ModuleList([GLUBlock(d_in, d, shared), GLUBlock(d, d), GLUBlock(d, d)])

    def forward(self, x):
        x = self.blocks[0](x)
        for b in self.blocks[1:]:
            x = (x + b(x)) * math.sqrt(0.5)
        return x


class AttentiveTransformer(nn.Module):
    def __init__(self, d_a, d_in, mask_fn):
        super().__init__()
        self.fc = nn.Linear(d_a, d_in, bias=False)
        self.bn = GhostBatchNorm(d_in)
        self.mask_fn = mask_fn

    def forward(self, a, prior):
        return self.mask_fn(self.bn(self.fc(a)) * prior)


class TabNet(nn.Module):
    def __init__(self, d_in, n_out, n_d=8, n_a=8, steps=3, gamma=1.3, mask_fn=sparsemax):
        super().__init__()
        self.n_d, self.steps, self.gamma = n_d, steps, gamma
        self.bn_in = nn.BatchNorm1d(d_in, momentum=0.01)
        shared = nn.Linear(d_in, 2 * (n_d + n_a), bias=False)
        self.initial = FeatTransformer(d_in, n_d + n_a, shared)
        self.ft = nn.ModuleList([FeatTransformer(d_in, n_d + n_a, shared) for _ in range(steps)])
        self.att = nn.ModuleList([AttentiveTransformer(n_a, d_in, mask_fn) for _ in range(steps)])
        self.head = nn.Linear(n_d, n_out)

    def forward(self, x):
        x = self.bn_in(x)
        prior = torch.ones_like(x)
        a = self.initial(x)[:, self.n_d:]
        out = torch.zeros(x.shape[0], self.n_d)
        m_loss, masks = 0.0, []
        for ft, att in zip(self.ft, self.att):
            M = att(a, prior)
            m_loss = m_loss + torch.mean(torch.sum(-M * torch.log(M + 1e-10), dim=1))
            prior = prior * (self.gamma - M)
            h = ft(M * x)
            d = F.relu(h[:, :self.n_d])
            out = out + d
            masks.append(M * d.sum(1, keepdim=True))
            a = h[:, self.n_d:]
        return self.head(out), m_loss / self.steps, torch.stack(masks)


# ghost batch norm over chunks of 16 rows makes training very sensitive to rounding: like the
# reference implementation's reproducibility mode, train in double precision
torch.set_default_dtype(torch.float64)
# synthetic data: only features 0, 3, 5 matter
N, D = 256, 8
X = torch.randn(N, D)
y = ((X[:, 0] + X[:, 3] * X[:, 5]) > 0.3).long()
print("positive rate", y.float().mean().item())
net = TabNet(D, 2)
print(net.att[0])
print("shared fc is shared:", net.initial.blocks[0].fc is net.ft[2].blocks[0].fc,
      "unique params", len(list(net.parameters())),
      "named (with duplicates)", len(list(net.named_parameters(remove_duplicate=False))))
opt = torch.optim.Adam(net.parameters(), lr=2e-2)
sched = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.95)
lam = 1e-3
for epoch in range(10):
    net.train()
    for b in torch.randperm(N).split(64):
        logits, m_loss, _ = net(X[b])
        loss = F.cross_entropy(logits, y[b]) + lam * m_loss
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_value_(net.parameters(), 2.0)
        opt.step()
    sched.step()
    if epoch % 3 == 2:
        print(f"epoch {epoch + 1} loss {loss.item():.3f} mask entropy {m_loss.item():.3f}")

net.eval()
with torch.no_grad():
    logits, m_loss, masks = net(X)
    acc = (logits.argmax(1) == y).float().mean()
    imp = masks.sum(dim=(0, 1))
    imp = imp / imp.sum()
    print(f"train acc {acc.item():.3f}")
    print("importances", imp.round(decimals=3))
    print("top-3 features", imp.topk(3).indices.sort().values.tolist())
    M0 = net.att[0](net.initial(net.bn_in(X[:4]))[:, 8:], torch.ones(4, D))
    print("step-0 mask sparsity", (M0 == 0).float().mean(1), "rows sum to one", torch.allclose(M0.sum(1), torch.ones(4)))

ent_net = TabNet(D, 2, mask_fn=entmax15)
ent_net.eval()
with torch.no_grad():
    _, _, mk = ent_net(X[:6])
print("entmax masks", mk.shape, (mk >= 0).all().item())
try:
    sparsemax(torch.tensor([1, 2, 3]))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    F.glu(torch.randn(4, 3))
except RuntimeError as e:
    print("RuntimeError:", e)
