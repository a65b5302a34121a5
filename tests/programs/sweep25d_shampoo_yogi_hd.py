"""Shampoo (Gupta et al. 2018) with matrix inverse roots from torch.linalg.eigh, Yogi (Zaheer et al.
2018) written with torch._foreach_* kernels, and SGD with hypergradient descent (Baydin et al.
2018) that adapts its own learning rate."""
import torch
import torch.nn as nn
import torch.nn.functional as F


def matrix_inverse_root(mat, root, eps=1e-6):
    evals, evecs = torch.linalg.eigh(mat)
    evals = evals.clamp(min=eps)
    return evecs @ torch.diag(evals.pow(-1.0 / root)) @ evecs.T


class Shampoo(torch.optim.Optimizer):
    def __init__(self, params, lr=0.1, momentum=0.0, epsilon=1e-4, update_freq=1):
        defaults = dict(lr=lr, momentum=momentum, epsilon=epsilon, update_freq=update_freq)
        super().__init__(params, defaults)

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                grad = p.grad.double()      # preconditioners in float64: float32 eigh can't resolve eps
                order = grad.ndimension()
                original_size = grad.size()
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = 0
                    if group["momentum"] > 0:
                        state["momentum_buffer"] = grad.clone()
                    for dim_id, dim in enumerate(grad.size()):
                        state[f"precond_{dim_id}"] = group["epsilon"] * torch.eye(dim, dtype=torch.float64)
                        state[f"inv_precond_{dim_id}"] = torch.zeros(dim, dim, dtype=torch.float64)
                if group["momentum"] > 0:
                    grad = grad.mul(1 - group["momentum"]).add(state["momentum_buffer"], alpha=group["momentum"])
                for dim_id, dim in enumerate(grad.size()):
                    precond = state[f"precond_{dim_id}"]
                    inv_precond = state[f"inv_precond_{dim_id}"]
                    grad = grad.transpose_(0, dim_id).contiguous()
                    transposed_size = grad.size()
                    grad = grad.view(dim, -1)
                    grad_t = grad.t()
                    precond.add_(grad @ grad_t)
                    if state["step"] % group["update_freq"] == 0:
                        inv_precond.copy_(matrix_inverse_root(precond, order))
                    if dim_id == order - 1:
                        grad = grad_t @ inv_precond
                        grad = grad.view(original_size)
                    else:
                        grad = inv_precond @ grad
                        grad = grad.view(transposed_size)
                state["step"] += 1
                if group["momentum"] > 0:
                    state["momentum_buffer"] = grad
                p.data.add_(grad.to(p.dtype), alpha=-group["lr"])
        return loss


class Yogi(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-2, betas=(0.9, 0.999), eps=1e-3, initial_accumulator=1e-6):
        defaults = dict(lr=lr, betas=betas, eps=eps, initial_accumulator=initial_accumulator)
        super().__init__(params, defaults)

    @torch.no_grad()
    def step(self, closure=None):
        for group in self.param_groups:
            params = [p for p in group["params"] if p.grad is not None]
            grads = [p.grad for p in params]
            for p in params:
                st = self.state[p]
                if not st:
                    st["step"] = torch.tensor(0.0)
                    st["exp_avg"] = torch.full_like(p, group["initial_accumulator"])
                    st["exp_avg_sq"] = torch.full_like(p, group["initial_accumulator"])
            m = [self.state[p]["exp_avg"] for p in params]
            v = [self.state[p]["exp_avg_sq"] for p in params]
            steps = [self.state[p]["step"] for p in params]
            torch._foreach_add_(steps, 1)
            beta1, beta2 = group["betas"]
            torch._foreach_lerp_(m, grads, 1 - beta1)
            grad_sq = torch._foreach_mul(grads, grads)
            diff = torch._foreach_sub(v, grad_sq)
            signs = [d.sign() for d in diff]
            torch._foreach_addcmul_(v, signs, grad_sq, value=-(1 - beta2))
            t = steps[0].item()
            bc1 = 1 - beta1 ** t
            bc2 = 1 - beta2 ** t
            denom = torch._foreach_sqrt(v)
            torch._foreach_div_(denom, bc2 ** 0.5)
            torch._foreach_add_(denom, group["eps"])
            torch._foreach_addcdiv_(params, m, denom, value=-group["lr"] / bc1)
        return None


class SGDHD(torch.optim.Optimizer):
    """SGD whose learning rate follows the hypergradient dL/d(lr) = -g_t . g_{t-1}."""

    def __init__(self, params, lr=0.01, hypergrad_lr=1e-3):
        super().__init__(params, dict(lr=lr, hypergrad_lr=hypergrad_lr))
        if len(self.param_groups) != 1:
            raise ValueError("SGDHD doesn't support per-parameter options (parameter groups)")
        self._params = self.param_groups[0]["params"]

    def _flat_grad(self):
        return torch.cat([p.grad.reshape(-1) if p.grad is not None else torch.zeros(p.numel())
                          for p in self._params])

    @torch.no_grad()
    def step(self, closure=None):
        group = self.param_groups[0]
        grad = self._flat_grad()
        state = self.state[self._params[0]]
        if "grad_prev" not in state:
            state["grad_prev"] = torch.zeros_like(grad)
        h = torch.dot(grad, state["grad_prev"]).item()
        group["lr"] += group["hypergrad_lr"] * h
        state["grad_prev"] = grad.clone()
        offset = 0
        for p in self._params:
            n = p.numel()
            p.add_(grad[offset:offset + n].view_as(p), alpha=-group["lr"])
            offset += n
        return None


torch.manual_seed(4)
A = torch.randn(30, 5)
true_w = torch.randn(5, 2)
B = A @ true_w + 0.01 * torch.randn(30, 2)


def quad_run(opt_cls, steps, **kw):
    torch.manual_seed(0)
    lin = nn.Linear(5, 2, bias=False)
    opt = opt_cls(lin.parameters(), **kw)
    hist = []
    for i in range(steps):
        opt.zero_grad()
        loss = 0.5 * (lin(A) - B).pow(2).sum(dim=1).mean()
        loss.backward()
        opt.step()
        hist.append(loss.item())
    return lin, opt, hist


print("=== Shampoo ===")
lin, opt, hist = quad_run(Shampoo, 15, lr=0.3, momentum=0.5)
print("losses", [f"{v:.3f}" for v in hist[::3]])
st = opt.state[lin.weight]
print(sorted(st.keys()))
print("L preconditioner", st["precond_0"])
print("inverse root is symmetric:", torch.allclose(st["inv_precond_1"], st["inv_precond_1"].T, atol=1e-6))
root = matrix_inverse_root(st["precond_1"], 2)
check = root @ st["precond_1"] @ root
print("R^-1/2 R R^-1/2 ~ I:", torch.allclose(check, torch.eye(5, dtype=check.dtype), atol=1e-6), check.diagonal())

print("=== Yogi via _foreach ===")
lin, opt, hist = quad_run(Yogi, 40, lr=0.1)
print("losses", [f"{v:.4f}" for v in hist[::8]])
print("step", opt.state[lin.weight]["step"], "v min > 0:", bool(opt.state[lin.weight]["exp_avg_sq"].min() > 0))
print("distance to lstsq solution:",
      f"{(lin.weight.detach().T - torch.linalg.lstsq(A, B).solution).norm():.3f}")

print("=== SGD with hypergradient descent ===")
lin, opt, hist = quad_run(SGDHD, 25, lr=0.01, hypergrad_lr=1e-3)
print("losses", [f"{v:.4f}" for v in hist[::5]])
print(f"learned lr {opt.param_groups[0]['lr']:.4f}")
opt.param_groups[0]["lr"] = round(opt.param_groups[0]["lr"], 6)
print(opt)
try:
    SGDHD([{"params": [torch.zeros(2, requires_grad=True)]}, {"params": [torch.ones(1, requires_grad=True)]}])
except ValueError as e:
    print("ValueError:", e)

print("=== foreach kernels on mixed shapes ===")
ts = [torch.arange(4.0).reshape(2, 2), torch.tensor([1.0, -2.0, 3.0])]
print(torch._foreach_norm(ts))
print(torch._foreach_maximum(ts, 1.5))
print(torch._foreach_clamp_min(ts, 0.0), torch._foreach_neg(ts))
print(torch._foreach_mul(ts, [2.0, 0.5]))
print(torch._foreach_mul(ts, torch.tensor(3.0)))
for bad in [torch.tensor([2.0, 0.5]), [1.0, 2.0, 3.0]]:
    try:
        torch._foreach_mul(ts, bad)
    except RuntimeError as e:
        print("RuntimeError:", e)
