"""Mean-variance and minimum-variance portfolios: closed form vs projected gradient descent."""
import torch

torch.manual_seed(1)
T, N = 250, 5
factor = torch.randn(T, 1) * 0.01
beta = torch.tensor([[1.2, 0.8, 1.0, 0.5, 1.5]])
R = 0.0004 + factor @ beta + torch.randn(T, N) * 0.008
R = R.double()
mu = R.mean(0)
S = torch.cov(R.T)
print("mu (ann.)", mu * 252)
print("Sigma eigenvalues", torch.linalg.eigvalsh(S * 1e4))

ones = torch.ones(N, dtype=torch.float64)
x = torch.linalg.solve(S, ones)
w_mv = x / x.sum()
print("min-var weights", w_mv)
print("min-var vol (ann.)", f"{(w_mv @ S @ w_mv).sqrt().item() * 252 ** 0.5:.4f}")
w_tan = torch.linalg.solve(S, mu.unsqueeze(-1)).squeeze(-1)
w_tan = w_tan / w_tan.sum()
print("tangency weights", w_tan)
lu, piv = torch.linalg.lu_factor(S)
w_lu = torch.linalg.lu_solve(lu, piv, ones.unsqueeze(1)).squeeze(1)
print("lu agrees", torch.allclose(w_lu / w_lu.sum(), w_mv))
Sinv = torch.linalg.inv(S)
print("inv agrees", torch.allclose(Sinv @ ones / (ones @ Sinv @ ones), w_mv))
print("cond", f"{torch.linalg.cond(S).item():.2f}")


def project_simplex(v):
    u, _ = torch.sort(v, descending=True)
    css = torch.cumsum(u, dim=0) - 1
    k = torch.arange(1, v.numel() + 1, dtype=v.dtype)
    cond = u - css / k > 0
    rho = torch.nonzero(cond).max()
    theta = css[rho] / (rho + 1)
    return torch.clamp(v - theta, min=0)


print("proj", project_simplex(torch.tensor([0.5, 0.9, -0.2, 0.1], dtype=torch.float64)))
gammas = [1.0, 5.0, 20.0]
for gamma in gammas:
    w = torch.full((N,), 1.0 / N, dtype=torch.float64)
    for it in range(500):
        grad = gamma * S @ w * 252 - mu * 252
        w = project_simplex(w - 0.5 * grad)
    ret = (w @ mu).item() * 252
    vol = (w @ S @ w).sqrt().item() * 252 ** 0.5
    print(f"gamma={gamma:5.1f} w={[round(v, 3) for v in w.tolist()]} ret={ret:.4f} vol={vol:.4f}")

# long-only min variance with autograd + SGD on softmax logits
logits = torch.zeros(N, dtype=torch.float64, requires_grad=True)
opt = torch.optim.SGD([logits], lr=50.0, momentum=0.9)
for step in range(300):
    w = torch.softmax(logits, 0)
    var = w @ S @ w
    opt.zero_grad()
    var.backward()
    opt.step()
w = torch.softmax(logits, 0).detach()
print("softmax min-var", w.round(decimals=3))
print("grad_fn", type(torch.softmax(logits, 0).grad_fn).__name__, type(var.grad_fn).__name__)

# efficient frontier via the two-fund theorem
A = ones @ Sinv @ ones
B = ones @ Sinv @ mu
C = mu @ Sinv @ mu
targets = torch.linspace(0.0002, 0.0008, 4, dtype=torch.float64)
D = A * C - B ** 2
front_var = (A * targets ** 2 - 2 * B * targets + C) / D
print("frontier vol (ann.)", (front_var.sqrt() * 252 ** 0.5).float())
try:
    torch.linalg.solve(S[:, :3], ones)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.linalg.cholesky(-S)
except torch.linalg.LinAlgError as e:
    print("LinAlgError:", e)
