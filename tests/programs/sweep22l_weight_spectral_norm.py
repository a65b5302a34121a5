"""Course notebook on reparametrised weights: nn.utils.parametrizations.weight_norm (dim=0, dim=1,
dim=None) and spectral_norm (n_power_iterations, eval mode freezing u/v, a Conv2d), printing the
parametrised modules, original0/original1, the registered buffers, the spectral norm estimate
against torch.linalg.matrix_norm(ord=2) as iterations accumulate, and a short GAN-critic-like
training loop; finally remove_parametrizations and the legacy nn.utils.weight_norm hooks."""
import torch
import torch.nn as nn
from torch.nn.utils import parametrize
from torch.nn.utils.parametrizations import spectral_norm, weight_norm

torch.manual_seed(0)

print("=== weight_norm ===")
lin = weight_norm(nn.Linear(5, 3))
print(lin)
print("parametrized:", parametrize.is_parametrized(lin), parametrize.is_parametrized(lin, "weight"))
print([n for n, _ in lin.named_parameters()])
g = lin.parametrizations.weight.original0
v = lin.parametrizations.weight.original1
print("g", tuple(g.shape), g.squeeze().detach().numpy().round(4).tolist())
print("v", tuple(v.shape))
w = lin.weight
print("row norms of weight", w.norm(dim=1).detach().numpy().round(4).tolist())
print("same as g:", torch.allclose(w.norm(dim=1), g.squeeze()))
with torch.no_grad():
    g.mul_(2.0)
print("after doubling g", lin.weight.norm(dim=1).detach().numpy().round(4).tolist())

for dim in [1, None]:
    m = weight_norm(nn.Linear(4, 3), dim=dim)
    g = m.parametrizations.weight.original0
    print(f"dim={dim} g shape", tuple(g.shape), "value", g.detach().numpy().round(4).ravel().tolist())

conv = weight_norm(nn.Conv2d(2, 4, 3))
print("conv g", tuple(conv.parametrizations.weight.original0.shape))
x = torch.randn(6, 5)
y = lin(x).sum()
y.backward()
print("grad g", lin.parametrizations.weight.original0.grad.squeeze().numpy().round(4).tolist())
print("grad v norm", f"{lin.parametrizations.weight.original1.grad.norm().item():.4f}")
# gradient wrt v is orthogonal to v (per row)
gv = lin.parametrizations.weight.original1.grad
vv = lin.parametrizations.weight.original1.detach()
print("v . grad_v per row", (gv * vv).sum(1).abs().max().item() < 1e-5)

print("=== spectral_norm ===")
torch.manual_seed(1)
base = nn.Linear(6, 4)
sigma_true = torch.linalg.matrix_norm(base.weight.detach(), ord=2).item()
print(f"true sigma {sigma_true:.4f}")
sn = spectral_norm(base)
print(sn)
print("buffers", [n for n, _ in sn.named_buffers()])
print("params", [n for n, _ in sn.named_parameters()])
p = sn.parametrizations.weight[0]
print(p, "n_power_iterations", p.n_power_iterations, "dim", p.dim, "eps", p.eps)
for it in range(5):
    W = sn.weight
    s = torch.linalg.matrix_norm(W.detach(), ord=2).item()
    est = (p._u @ sn.parametrizations.weight.original @ p._v).item()
    print(f"forward {it}: sigma(W_sn)={s:.4f} sigma estimate={est:.4f}")
sn.eval()
w1 = sn.weight.detach().clone()
w2 = sn.weight.detach().clone()
print("eval: u frozen, weights equal:", torch.equal(w1, w2))
sn.train()

sn3 = spectral_norm(nn.Linear(6, 4), n_power_iterations=3)
print("3 iterations sigma", f"{torch.linalg.matrix_norm(sn3.weight.detach(), ord=2).item():.4f}")
csn = spectral_norm(nn.Conv2d(3, 8, 3))
print("conv u", tuple(csn.parametrizations.weight[0]._u.shape), "v", tuple(csn.parametrizations.weight[0]._v.shape))
wc = csn.weight
print("conv flattened sigma", f"{torch.linalg.matrix_norm(wc.detach().flatten(1), ord=2).item():.3f}")
tsn = spectral_norm(nn.ConvTranspose2d(3, 5, 3))
print("convT dim", tsn.parametrizations.weight[0].dim, tuple(tsn.parametrizations.weight[0]._u.shape))

print("=== critic with spectral norm ===")
torch.manual_seed(2)
critic = nn.Sequential(spectral_norm(nn.Linear(2, 16)), nn.LeakyReLU(0.2), spectral_norm(nn.Linear(16, 1)))
opt = torch.optim.Adam(critic.parameters(), lr=1e-2, betas=(0.5, 0.999))
real = torch.randn(32, 2) * 0.5 + torch.tensor([2.0, -1.0])
fake = torch.randn(32, 2)
for step in range(6):
    loss = critic(fake).mean() - critic(real).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    sig = [torch.linalg.matrix_norm(m.weight.detach(), ord=2).item() for m in critic if hasattr(m, "parametrizations")]
    print(f"step {step} loss {loss.item():.4f} sigmas {[round(s, 3) for s in sig]}")
print(list(critic.state_dict().keys()))

print("=== removing ===")
parametrize.remove_parametrizations(lin, "weight")
print(lin, [n for n, _ in lin.named_parameters()], parametrize.is_parametrized(lin))
parametrize.remove_parametrizations(sn, "weight", leave_parametrized=False)
print([n for n, _ in sn.named_parameters()])
try:
    parametrize.remove_parametrizations(sn, "weight")
except ValueError as e:
    print("ValueError:", e)

old = nn.utils.weight_norm(nn.Linear(3, 2))
print([n for n, _ in old.named_parameters()], tuple(old.weight_g.shape))
nn.utils.remove_weight_norm(old)
print([n for n, _ in old.named_parameters()])
