"""torch.optim.LBFGS as optimization courses demo it: a closure that counts its own evaluations,
with and without line_search_fn='strong_wolfe', different history_size values, the effect of
tolerance_grad / tolerance_change and max_iter / max_eval, the optimizer's state (func_evals, n_iter,
d, t, old_dirs) and state_dict, fitting a logistic regression and a small curve fit, and comparing
against plain gradient descent on the Rosenbrock function."""
import torch
import torch.nn as nn

torch.manual_seed(0)


def rosenbrock(p):
    x, y = p[0], p[1]
    return (1 - x) ** 2 + 100 * (y - x ** 2) ** 2


def run_lbfgs(x0, steps=4, **kw):
    x = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([x], **kw)
    evals = [0]

    def closure():
        opt.zero_grad()
        loss = rosenbrock(x)
        loss.backward()
        evals[0] += 1
        return loss

    losses = []
    for _ in range(steps):
        loss = opt.step(closure)
        losses.append(loss.item())
    return x, opt, evals[0], losses


print("== Rosenbrock from (-1.5, 2) ==")
print(f"{'config':<28}{'closures':>9}{'n_iter':>7}{'f':>12}   x")
configs = [
    ("default lr=1", dict()),
    ("lr=0.1", dict(lr=0.1)),
    ("strong_wolfe", dict(line_search_fn="strong_wolfe")),
    ("strong_wolfe hist=3", dict(line_search_fn="strong_wolfe", history_size=3)),
    ("strong_wolfe max_iter=5", dict(line_search_fn="strong_wolfe", max_iter=5)),
    ("strong_wolfe max_eval=8", dict(line_search_fn="strong_wolfe", max_iter=20, max_eval=8)),
    ("tol_grad=1e-3", dict(line_search_fn="strong_wolfe", tolerance_grad=1e-3)),
    ("tol_change=1e-3", dict(line_search_fn="strong_wolfe", tolerance_change=1e-3)),
]
for name, kw in configs:
    x, opt, nev, losses = run_lbfgs([-1.5, 2.0], **kw)
    st = opt.state[opt._params[0]]
    f = max(rosenbrock(x).item(), 1e-8)
    print(f"{name:<28}{nev:>9}{st['n_iter']:>7}{f:>12.3e}   {[round(v, 4) for v in x.tolist()]}")

print("\n== optimizer internals after one strong-Wolfe step ==")
x, opt, nev, losses = run_lbfgs([-1.5, 2.0], steps=1, line_search_fn="strong_wolfe", history_size=4)
st = opt.state[opt._params[0]]
print("state keys:", sorted(st.keys()))
print("func_evals:", st["func_evals"], " n_iter:", st["n_iter"], " closures:", nev)
print("len(old_dirs):", len(st["old_dirs"]), " len(old_stps):", len(st["old_stps"]), " len(ro):", len(st["ro"]))
print("t = %.4f" % st["t"], " H_diag = %.4f" % float(st["H_diag"]))
print("d:", st["d"].round(decimals=4))
sd = opt.state_dict()
print("state_dict param_groups:", {k: v for k, v in sd["param_groups"][0].items()})
print(opt)
print("first-step losses:", [round(v, 4) for v in losses])

print("\n== logistic regression with LBFGS (full batch) ==")
N = 200
X = torch.randn(N, 3)
w_true = torch.tensor([1.5, -2.0, 0.5])
yb = (torch.sigmoid(X @ w_true + 0.3) > torch.rand(N)).float()
model = nn.Linear(3, 1)
crit = nn.BCEWithLogitsLoss()
opt = torch.optim.LBFGS(model.parameters(), lr=1, max_iter=50, history_size=10,
                        line_search_fn="strong_wolfe")
calls = 0


def closure():
    global calls
    calls += 1
    opt.zero_grad()
    loss = crit(model(X).squeeze(1), yb)
    loss.backward()
    return loss


for epoch in range(3):
    loss = opt.step(closure)
    print(f"epoch {epoch}: loss={loss.item():.4f} closures so far={calls}")
with torch.no_grad():
    acc = ((model(X).squeeze(1) > 0).float() == yb).float().mean()
print("weights:", model.weight.data.round(decimals=2), "bias:", round(model.bias.item(), 2))
print(f"train accuracy {acc.item():.3f}")
g = torch.cat([p.grad.view(-1) for p in model.parameters()])
print("final grad max-abs below 1e-3:", g.abs().max().item() < 1e-3)

print("\n== curve fit y = a sin(b t) with LBFGS, no line search ==")
t = torch.linspace(0, 3, 40)
y = 1.7 * torch.sin(1.3 * t) + 0.05 * torch.randn(40)
params = torch.tensor([1.0, 1.0], requires_grad=True)
opt = torch.optim.LBFGS([params], lr=0.5, max_iter=10, history_size=5)
n_calls = 0


def closure():
    global n_calls
    n_calls += 1
    opt.zero_grad()
    loss = ((params[0] * torch.sin(params[1] * t) - y) ** 2).mean()
    loss.backward()
    return loss


for i in range(4):
    l = opt.step(closure)
    print(f"step {i}: loss {l.item():.5f} a={params[0].item():.4f} b={params[1].item():.4f} calls={n_calls}")

print("\n== gradient descent for comparison ==")
x = torch.tensor([-1.5, 2.0], dtype=torch.float64, requires_grad=True)
sgd = torch.optim.SGD([x], lr=1e-3)
for k in range(150):
    sgd.zero_grad()
    loss = rosenbrock(x)
    loss.backward()
    sgd.step()
    if k % 50 == 0:
        print(f"  GD k={k:3d} f={loss.item():.4f}")
print(f"GD after 150 steps: f={rosenbrock(x).item():.4f}")
