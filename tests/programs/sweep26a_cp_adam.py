"""Gradient-based tensor factorization as in a deep-learning-flavoured notebook: a CP model as an
nn.Module with a ParameterList of factors, fitted with Adam and a learning-rate schedule (the loss
curve printed every few epochs), tensor completion from a random mask of observed entries with a
weighted loss and L2 regularisation, a Tucker model whose factors are kept orthogonal with
nn.utils.parametrizations.orthogonal, and gradient checks of the reconstruction."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_printoptions(precision=4, sci_mode=False)


class CP(nn.Module):
    def __init__(self, shape, rank, init_scale=0.5):
        super().__init__()
        self.rank = rank
        self.factors = nn.ParameterList(
            [nn.Parameter(init_scale * torch.randn(s, rank)) for s in shape])

    def forward(self):
        A, B, C = self.factors
        return torch.einsum("ir,jr,kr->ijk", A, B, C)

    def extra_repr(self):
        return f"rank={self.rank}"


shape, rank = (9, 8, 7), 3
truth = CP(shape, rank, init_scale=1.0)
with torch.no_grad():
    T = truth() + 0.01 * torch.randn(shape)
print(f"target: {tuple(T.shape)} norm {T.norm():.4f}")

model = CP(shape, rank)
print(model)
print("parameters:", [tuple(p.shape) for p in model.parameters()])
print("state_dict keys:", list(model.state_dict().keys()))
print("n params:", sum(p.numel() for p in model.parameters()), "vs entries:", T.numel())

opt = torch.optim.Adam(model.parameters(), lr=0.05)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=150, gamma=0.5)
curve = []
for epoch in range(450):
    opt.zero_grad()
    loss = F.mse_loss(model(), T)
    loss.backward()
    opt.step()
    sched.step()
    curve.append(loss.item())
    if epoch % 75 == 0:
        print(f"  epoch {epoch:3d}  loss {loss.item():.4f}  lr {sched.get_last_lr()[0]:.4f}")
with torch.no_grad():
    rel = (model() - T).norm() / T.norm()
print("final rel.error < 0.05:", rel.item() < 0.05)
print("loss decreased 100x:", curve[-1] < curve[0] / 100)
print("grad_fn of the loss:", loss.grad_fn.name(), "| of the model:", model().grad_fn.name())
print("optimizer state keys:", sorted(opt.state_dict()["state"][0].keys()))
print("param group:", {k: v for k, v in opt.param_groups[0].items() if k in ("lr", "betas", "eps", "amsgrad")})

# --- tensor completion: only 30% of the entries are observed -----------------------------------------------
torch.manual_seed(1)
mask = torch.rand(shape) < 0.3
print("observed:", int(mask.sum()), "of", mask.numel(), mask.dtype)
comp = CP(shape, rank, init_scale=0.3)
opt = torch.optim.Adam(comp.parameters(), lr=0.03, weight_decay=0.0)
lam = 1e-3
for epoch in range(600):
    opt.zero_grad()
    pred = comp()
    data = ((pred - T)[mask] ** 2).mean()
    reg = lam * sum(f.pow(2).sum() for f in comp.factors)
    (data + reg).backward()
    opt.step()
    if epoch % 150 == 0:
        print(f"  epoch {epoch:3d}  observed mse {data.item():.4f}  reg {reg.item():.4f}")
with torch.no_grad():
    pred = comp()
    held = ((pred - T)[~mask].pow(2).mean() / T[~mask].pow(2).mean()).item()
print("held-out relative mse < 0.05:", held < 0.05)
w = mask.float()
weighted = F.mse_loss(pred * w, T * w, reduction="sum") / w.sum()
masked_sel = torch.masked_select(pred - T, mask).pow(2).mean()
print("weighted and masked_select losses agree:", torch.allclose(weighted, masked_sel))
print("where-filled tensor:", torch.where(mask, T, torch.zeros(())).count_nonzero().item())

# --- Tucker with orthogonal factors via parametrizations ---------------------------------------------------
class Tucker(nn.Module):
    def __init__(self, shape, ranks):
        super().__init__()
        self.core = nn.Parameter(torch.randn(ranks) * 0.1)
        self.U = nn.ModuleList()
        for s, r in zip(shape, ranks):
            lin = nn.Linear(r, s, bias=False)
            nn.utils.parametrizations.orthogonal(lin)
            self.U.append(lin)

    def forward(self):
        A, B, C = (u.weight for u in self.U)
        return torch.einsum("abc,ia,jb,kc->ijk", self.core, A, B, C)


torch.manual_seed(2)
tk = Tucker(shape, (3, 3, 3))
print(tk.U[0])
print("parametrized:", nn.utils.parametrize.is_parametrized(tk.U[0], "weight"),
      "| orthogonal columns:", torch.allclose(tk.U[0].weight.T @ tk.U[0].weight, torch.eye(3), atol=1e-5))
opt = torch.optim.Adam(tk.parameters(), lr=0.02)
for epoch in range(201):
    opt.zero_grad()
    loss = (tk() - T).pow(2).sum() / T.pow(2).sum()
    loss.backward()
    opt.step()
    if epoch % 50 == 0:
        print(f"  tucker epoch {epoch:3d}  rel.sq.error {loss.item():.4f}")
with torch.no_grad():
    W = tk.U[1].weight
    print("still orthogonal after training:", torch.allclose(W.T @ W, torch.eye(3), atol=1e-4))
print("tucker parameter names:", [n for n, _ in tk.named_parameters()][:3])

# --- gradient checks of the CP reconstruction (float64) ----------------------------------------------------
A = torch.randn(3, 2, dtype=torch.float64, requires_grad=True)
B = torch.randn(4, 2, dtype=torch.float64, requires_grad=True)
C = torch.randn(2, 2, dtype=torch.float64, requires_grad=True)
f = lambda A, B, C: torch.einsum("ir,jr,kr->ijk", A, B, C)
print("gradcheck einsum CP:", torch.autograd.gradcheck(f, (A, B, C)))
g = lambda A, B: (A.unsqueeze(1) * B.unsqueeze(0)).reshape(-1, 2)
print("gradcheck khatri-rao:", torch.autograd.gradcheck(g, (A, B)))
X = f(A, B, C)
gA, = torch.autograd.grad(X.pow(2).sum(), A)
analytic = 2 * torch.einsum("ijk,jr,kr->ir", X, B, C)
print("analytic gradient matches:", torch.allclose(gA, analytic))
print("grad norms:", f"{gA.norm():.4f}")
try:
    torch.einsum("ir,jr->ijk", A, B)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.einsum("ir,jr,kr->ijk", A, B)
except RuntimeError as e:
    print("RuntimeError:", e)
