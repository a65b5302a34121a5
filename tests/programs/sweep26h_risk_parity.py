"""Risk parity with Adam on softmax weights, risk contributions and a module wrapper."""
import torch
from torch import nn

torch.manual_seed(2)
N = 5
A = torch.randn(N, N) * 0.1
Sigma = A @ A.T + torch.diag(torch.tensor([0.04, 0.01, 0.02, 0.09, 0.03]))
print("Sigma\n", Sigma)


class RiskParity(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.logits = nn.Parameter(torch.zeros(n))

    def forward(self, cov):
        w = torch.softmax(self.logits, dim=0)
        port_var = w @ cov @ w
        rc = w * (cov @ w) / port_var
        return w, rc


model = RiskParity(N)
print(model)
print([(n, tuple(p.shape)) for n, p in model.named_parameters()])
opt = torch.optim.Adam(model.parameters(), lr=0.05)
target = torch.full((N,), 1.0 / N)
for step in range(400):
    w, rc = model(Sigma)
    loss = ((rc - target) ** 2).sum()
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 100 == 0:
        print(f"step {step:3d} loss {loss.item():.6f}")
w, rc = model(Sigma)
print("weights", w.detach())
print("risk contributions", rc.detach())
print("rc grad_fn", type(rc.grad_fn).__name__)
print("max rc dev", f"{(rc - target).abs().max().item():.5f}")

# inverse volatility as a baseline
iv = 1 / Sigma.diagonal().sqrt()
iv = iv / iv.sum()
print("inverse-vol weights", iv)
ivar = iv @ Sigma @ iv
print("inverse-vol rc", iv * (Sigma @ iv) / ivar)

# log-barrier formulation (Spinu) with LBFGS in float64
S64 = Sigma.double()
y = torch.ones(N, dtype=torch.float64, requires_grad=True)
lbfgs = torch.optim.LBFGS([y], lr=1, max_iter=50, line_search_fn="strong_wolfe")


def closure():
    lbfgs.zero_grad()
    f = 0.5 * y @ S64 @ y - torch.log(y).sum() / N
    f.backward()
    return f


lbfgs.step(closure)
w2 = (y / y.sum()).detach()
print("spinu weights", w2.float())
print("agree", torch.allclose(w2.float(), w.detach(), atol=1e-3))
print("state keys", sorted(opt.state_dict()["state"][0].keys()))
print("param_groups lr", opt.param_groups[0]["lr"], opt.param_groups[0]["betas"])

# marginal risk via autograd.grad and jacobian
wt = w.detach().clone().requires_grad_(True)
vol = torch.sqrt(wt @ Sigma @ wt)
mrc, = torch.autograd.grad(vol, wt)
print("marginal risk", mrc)
print("euler check", f"{(wt * mrc).sum().item():.5f}", f"{vol.item():.5f}")
J = torch.autograd.functional.jacobian(lambda v: v * (Sigma @ v), w.detach())
print("jacobian diag", J.diagonal())
H = torch.autograd.functional.hessian(lambda v: v @ Sigma @ v, w.detach())
print("hessian == 2 Sigma", torch.allclose(H, 2 * Sigma))
