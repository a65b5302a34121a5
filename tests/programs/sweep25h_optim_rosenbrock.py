"""Compare torch.optim optimizers on the Rosenbrock and Beale functions."""
import torch


def rosenbrock(p, a=1.0, b=100.0):
    x, y = p[0], p[1]
    return (a - x) ** 2 + b * (y - x ** 2) ** 2


def beale(p):
    x, y = p.unbind()
    return ((1.5 - x + x * y) ** 2 + (2.25 - x + x * y ** 2) ** 2
            + (2.625 - x + x * y ** 3) ** 2)


def run(name, make_opt, fn, start, steps=60, every=20):
    p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = make_opt([p])
    traj = []
    for i in range(steps):
        opt.zero_grad()
        loss = fn(p)
        loss.backward()
        opt.step()
        if (i + 1) % every == 0:
            traj.append((i + 1, round(loss.item(), 4), [round(v, 4) for v in p.tolist()]))
    print(f"{name:<22s}", traj[-1][1], traj[-1][2])
    return p.detach()


optimizers = {
    "SGD": lambda ps: torch.optim.SGD(ps, lr=1e-3),
    "SGD momentum": lambda ps: torch.optim.SGD(ps, lr=1e-3, momentum=0.9),
    "SGD nesterov wd": lambda ps: torch.optim.SGD(ps, lr=1e-3, momentum=0.9, nesterov=True, weight_decay=1e-3),
    "SGD dampening": lambda ps: torch.optim.SGD(ps, lr=1e-3, momentum=0.5, dampening=0.3),
    "Adagrad": lambda ps: torch.optim.Adagrad(ps, lr=0.5, lr_decay=0.01, initial_accumulator_value=0.1),
    "Adadelta": lambda ps: torch.optim.Adadelta(ps, lr=1.0, rho=0.95),
    "RMSprop": lambda ps: torch.optim.RMSprop(ps, lr=1e-2),
    "RMSprop centered": lambda ps: torch.optim.RMSprop(ps, lr=1e-2, centered=True, momentum=0.5),
    "Rprop": lambda ps: torch.optim.Rprop(ps, lr=1e-2, etas=(0.4, 1.3), step_sizes=(1e-5, 1.0)),
    "ASGD": lambda ps: torch.optim.ASGD(ps, lr=1e-3, t0=10),
    "Adam": lambda ps: torch.optim.Adam(ps, lr=5e-2),
    "Adam amsgrad": lambda ps: torch.optim.Adam(ps, lr=5e-2, amsgrad=True),
    "AdamW": lambda ps: torch.optim.AdamW(ps, lr=5e-2, weight_decay=0.1),
    "Adamax": lambda ps: torch.optim.Adamax(ps, lr=5e-2),
    "NAdam": lambda ps: torch.optim.NAdam(ps, lr=5e-2),
    "NAdam decoupled": lambda ps: torch.optim.NAdam(ps, lr=5e-2, weight_decay=0.01, decoupled_weight_decay=True),
    "RAdam": lambda ps: torch.optim.RAdam(ps, lr=5e-2),
    "RAdam decoupled": lambda ps: torch.optim.RAdam(ps, lr=5e-2, weight_decay=0.01, decoupled_weight_decay=True),
}

print("== Rosenbrock from (-1.5, 2.0) ==")
finals = {}
for name, mk in optimizers.items():
    finals[name] = run(name, mk, rosenbrock, [-1.5, 2.0])

print("== Beale from (1.0, 1.0) ==")
for name in ["SGD momentum", "Adam", "RMSprop", "Adagrad", "NAdam", "RAdam"]:
    run(name, optimizers[name], beale, [1.0, 1.0], steps=100, every=50)

# LBFGS with strong Wolfe line search
for ls in [None, "strong_wolfe"]:
    p = torch.tensor([-1.5, 2.0], dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([p], lr=1.0 if ls else 0.1, max_iter=20, history_size=10, line_search_fn=ls)

    def closure():
        opt.zero_grad()
        loss = rosenbrock(p)
        loss.backward()
        return loss

    for outer in range(5):
        loss = opt.step(closure)
        print("LBFGS", ls, outer, f"{loss.item():.4f}", [round(v, 4) for v in p.tolist()])
    st = opt.state[p]
    print("func_evals", st["func_evals"], "n_iter", st["n_iter"])

# Distance to optimum table
opt_pt = torch.ones(2, dtype=torch.float64)
dist = torch.stack([torch.linalg.vector_norm(v - opt_pt) for v in finals.values()])
order = torch.argsort(dist)
for i in order[:5].tolist():
    print(list(finals)[i], f"{dist[i].item():.4f}")
print(dist.dtype, dist.shape)
