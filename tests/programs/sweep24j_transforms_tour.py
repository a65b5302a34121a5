"""Bijective transforms from torch.distributions.transforms, exercised the way flow / HMC notes do:
forward, inverse round trips, log_abs_det_jacobian, .inv and .sign, domains and codomains,
forward_shape / inverse_shape, cache_size=1, ComposeTransform, IndependentTransform,
ReshapeTransform, CatTransform and StackTransform, and equality of transforms."""
import torch
from torch.distributions import transforms as T
from torch.distributions import constraints

torch.manual_seed(1)


def show(name, t, x):
    y = t(x)
    x2 = t.inv(y)
    try:
        ladj = t.log_abs_det_jacobian(x, y)
    except NotImplementedError:
        ladj = None
    print(f"--- {name}: {t}")
    print("  domain:", t.domain, "codomain:", t.codomain, "bijective:", t.bijective)
    print("  y:", y.detach().round(decimals=4))
    print("  roundtrip err < 1e-5:", bool((x2 - x).abs().max() < 1e-5))
    if ladj is None:
        print("  ladj: not implemented")
    else:
        print("  ladj:", ladj.detach().round(decimals=4), tuple(ladj.shape))
    print("  shapes:", t.forward_shape(x.shape), t.inverse_shape(y.shape))


x = torch.randn(2, 3)
show("exp", T.ExpTransform(), x)
show("affine", T.AffineTransform(loc=1.0, scale=-2.0), x)
show("affine_vec", T.AffineTransform(torch.tensor([0.0, 1.0, 2.0]), torch.tensor([1.0, 0.5, 3.0]), event_dim=1), x)
show("sigmoid", T.SigmoidTransform(), x)
show("tanh", T.TanhTransform(), x * 0.5)
show("power", T.PowerTransform(exponent=torch.tensor(3.0)), x.exp())
show("abs-free softplus", T.SoftplusTransform(), x)
show("stick", T.StickBreakingTransform(), x)
show("compose", T.ComposeTransform([T.AffineTransform(0.5, 2.0), T.SigmoidTransform()]), x)
show("independent", T.IndependentTransform(T.ExpTransform(), 1), x)
show("reshape", T.ReshapeTransform((3,), (3, 1)), x)
show("lower_chol", T.LowerCholeskyTransform(), torch.randn(3, 3))
show("corr_chol", T.CorrCholeskyTransform(), torch.randn(2, 3) * 0.5)
show("cat", T.CatTransform([T.ExpTransform(), T.AffineTransform(0.0, 3.0)], dim=1, lengths=[1, 2]), x)
show("stack", T.StackTransform([T.ExpTransform(), T.SigmoidTransform(), T.identity_transform], dim=1), x)

print("=== softmax (not bijective) ===")
sm = T.SoftmaxTransform()
y = sm(x)
print(sm, sm.domain, sm.codomain, sm.bijective)
print(y.round(decimals=4), y.sum(-1).round(decimals=4))
print(sm.inv(y).round(decimals=4))

print("=== sign / inv ===")
for t in [T.ExpTransform(), T.AffineTransform(0.0, -3.0), T.SigmoidTransform(), T.TanhTransform(),
          T.ExpTransform().inv, T.ComposeTransform([T.AffineTransform(0.0, -1.0), T.ExpTransform()])]:
    print(t, "sign", t.sign, "inv", t.inv, "inv.inv is t", t.inv.inv is t)
try:
    T.StickBreakingTransform().sign
except NotImplementedError as e:
    print("NotImplementedError", e)

print("=== equality ===")
print(T.ExpTransform() == T.ExpTransform(), T.ExpTransform() == T.SigmoidTransform())
print(T.ExpTransform().inv == T.ExpTransform().inv, T.identity_transform)
print(T.ComposeTransform([]) == T.identity_transform)

print("=== cache_size=1 ===")
e = T.ExpTransform(cache_size=1)
a = torch.randn(3, requires_grad=True)
b = e(a)
print("cached inverse is same object:", e.inv(b) is a)
print("with_cache:", T.ExpTransform().with_cache(1)._cache_size, T.ExpTransform()._cache_size)
c = T.ComposeTransform([T.ExpTransform(), T.AffineTransform(1.0, 2.0)], cache_size=1)
out = c(a)
print("compose cache:", c.inv(out) is a)
try:
    T.ExpTransform(cache_size=2)
except ValueError as err:
    print("ValueError", err)

print("=== gradients through transforms ===")
z = torch.randn(4, 3, requires_grad=True)
t = T.ComposeTransform([T.StickBreakingTransform(), T.PowerTransform(torch.tensor(2.0))])
y = t(z)
ladj = t.log_abs_det_jacobian(z, y)
loss = (y.sum() + ladj.sum())
loss.backward()
print("y", tuple(y.shape), "ladj", tuple(ladj.shape), "grad", z.grad.round(decimals=4))
print("event dims:", t.domain.event_dim, t.codomain.event_dim)
