"""A scientific-notebook tour of torch.special at the edge points: every function evaluated on a grid
holding 0, -0.0, tiny and huge values, inf and nan, in float32 and float64, printed as tensors; then
the autograd gradients of the differentiable ones at the same points, torch.finfo-based clamping
(eps, tiny, max) before logit / log, and the errors raised by functions without a derivative."""
import math

import torch
import torch.special as sp

torch.set_printoptions(precision=4, sci_mode=True)

edges = [0.0, -0.0, 1e-30, -1e-30, 1e-8, 0.5, 1.0, -1.0, 3.0, -3.0, 30.0, -30.0, 1e30,
         float("inf"), float("-inf"), float("nan")]

unary = {
    "expit": sp.expit, "erf": sp.erf, "erfc": sp.erfc, "erfcx": sp.erfcx, "ndtr": sp.ndtr,
    "log_ndtr": sp.log_ndtr, "log1p": sp.log1p, "expm1": sp.expm1, "exp2": sp.exp2,
    "gammaln": sp.gammaln, "digamma": sp.digamma, "i0": sp.i0, "i0e": sp.i0e, "i1": sp.i1,
    "i1e": sp.i1e, "sinc": sp.sinc, "entr": sp.entr, "round": sp.round,
}

for dtype in (torch.float32, torch.float64):
    x = torch.tensor(edges, dtype=dtype)
    print(f"==== {dtype} ====")
    for name, fn in unary.items():
        y = fn(x)
        print(f"{name:>9s}", y)

    p = torch.tensor([0.0, 1e-12, 1e-6, 0.25, 0.5, 0.75, 1 - 1e-6, 1.0, 1.5, -0.5, float("nan")], dtype=dtype)
    print("logit        ", sp.logit(p))
    print("logit eps=1e-6", sp.logit(p, eps=1e-6))
    print("ndtri        ", sp.ndtri(p))
    print("erfinv(2p-1) ", sp.erfinv(2 * p - 1))

    fi = torch.finfo(dtype)
    print("finfo", fi.eps, fi.tiny, fi.max, fi.min, fi.resolution, fi.bits)
    q = p.clamp(fi.eps, 1 - fi.eps)
    print("clamped logit", sp.logit(q))
    print("log(tiny-clamp)", torch.log(p.clamp(min=fi.tiny)))
    z = torch.tensor([1e-45, 1e-300, 0.0, 2.0], dtype=dtype)
    print("log of clamped", torch.log(z.clamp_min(fi.tiny)))
    print("xlogy        ", sp.xlogy(p, p))
    print("xlogy(0, 0)  ", sp.xlogy(torch.zeros(3, dtype=dtype), torch.tensor([0.0, float("nan"), -1.0], dtype=dtype)))
    print("xlog1py      ", sp.xlog1py(p, -p))
    print("xlogy scalar ", sp.xlogy(2.0, p), sp.xlogy(p, 3.0))

# gradients at the edges (float64)
print("==== grads ====")
grad_fns = ["expit", "erf", "erfc", "erfcx", "ndtr", "log_ndtr", "log1p", "expm1", "exp2",
            "gammaln", "digamma", "i0", "i0e", "i1", "i1e", "sinc", "entr"]
for name in grad_fns:
    x = torch.tensor(edges, dtype=torch.float64, requires_grad=True)
    y = unary[name](x)
    (g,) = torch.autograd.grad(y.sum(), x)
    print(f"{name:>9s}", g, y.grad_fn.name())

p = torch.tensor([0.0, 1e-6, 0.25, 0.5, 1.0, 1.5], dtype=torch.float64, requires_grad=True)
for eps in (None, 1e-6):
    y = sp.logit(p, eps=eps)
    (g,) = torch.autograd.grad(y.sum(), p)
    print("logit grad eps", eps, g)
y = sp.erfinv(2 * p - 1)
print("erfinv grad", torch.autograd.grad(y.sum(), p)[0])
y = sp.ndtri(p)
print("ndtri grad", torch.autograd.grad(y.sum(), p)[0])
a = torch.tensor([0.0, 0.0, 1.0, 2.0], dtype=torch.float64, requires_grad=True)
b = torch.tensor([0.0, 1.0, 0.0, -1.0], dtype=torch.float64, requires_grad=True)
ga, gb = torch.autograd.grad(sp.xlogy(a, b).sum(), (a, b))
print("xlogy grads", ga, gb)
ga, gb = torch.autograd.grad(sp.xlog1py(a, b).sum(), (a, b))
print("xlog1py grads", ga, gb)

# functions without a derivative
for name in ["bessel_j0", "zeta", "airy_ai"]:
    x = torch.tensor([0.5, 1.5], requires_grad=True)
    try:
        if name == "zeta":
            y = sp.zeta(x + 1, torch.tensor([1.0, 2.0]))
        else:
            y = getattr(sp, name)(x)
        y.sum().backward()
        print(name, "backward ok", x.grad)
    except RuntimeError as e:
        print(name, "->", type(e).__name__, str(e).splitlines()[0])
print("round decimals", sp.round(torch.tensor([1.2345, -2.5, 0.5, 1.5, 2.675]), decimals=2))
print(math.isclose(sp.expit(torch.tensor(0.0)).item(), 0.5))
