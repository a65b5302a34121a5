"""Gradients through torch.einsum, in the style of a tensor-network / bilinear-model tutorial:
a bilinear layer 'bi,oij,bj->bo' checked against nn.Bilinear, a low-rank (CP) weight built with
'ir,jr,kr->ijk', a three-matrix chain with per-operand gradients compared to the matmul version,
diagonal/trace gradients ('ii->i', 'bii->b'), einsum on broadcast and transposed views, a complex
einsum with a real loss, gradcheck in float64, and a few Adam steps fitting a bilinear target."""
import torch
import torch.nn as nn

torch.manual_seed(11)

print("== bilinear form vs nn.Bilinear ==")
bil = nn.Bilinear(4, 3, 2)
x1 = torch.randn(5, 4)
x2 = torch.randn(5, 3)
ref = bil(x1, x2)
mine = torch.einsum("bi,oij,bj->bo", x1, bil.weight, x2) + bil.bias
print("max |diff|:", f"{(ref - mine).abs().max().item():.1e}" if (ref - mine).abs().max() > 1e-6 else "< 1e-6")
print(mine.grad_fn.__class__.__name__, ref.grad_fn.__class__.__name__)
mine.sum().backward()
gw = bil.weight.grad.clone()
bil.weight.grad = None
ref.sum().backward()
print("weight grads match:", torch.allclose(gw, bil.weight.grad, atol=1e-5))
print(bil.weight.grad.shape, bil.bias.grad)

print("== CP decomposition weight ==")
R = 2
A = torch.randn(3, R, requires_grad=True)
B = torch.randn(4, R, requires_grad=True)
C = torch.randn(2, R, requires_grad=True)
W = torch.einsum("ir,jr,kr->ijk", A, B, C)
print(W.shape, W.grad_fn.__class__.__name__, W.is_contiguous())
loss = (W ** 2).sum()
loss.backward()
for n, p in [("A", A), ("B", B), ("C", C)]:
    print(n, p.grad.shape, f"{p.grad.norm().item():.4f}")
W2 = (A[:, None, None, :] * B[None, :, None, :] * C[None, None, :, :]).sum(-1)
print("CP matches broadcast:", torch.allclose(W, W2, atol=1e-6))

print("== chain gradients ==")
torch.manual_seed(0)
X = torch.randint(-2, 3, (2, 3)).float().requires_grad_()
Y = torch.randint(-2, 3, (3, 4)).float().requires_grad_()
Z = torch.randint(-2, 3, (4, 2)).float().requires_grad_()
out = torch.einsum("ij,jk,kl->il", X, Y, Z)
print(out, out.grad_fn.__class__.__name__)
out.backward(torch.ones_like(out))
grads = [t.grad.clone() for t in (X, Y, Z)]
for t in (X, Y, Z):
    t.grad = None
(X @ Y @ Z).backward(torch.ones(2, 2))
print("equal to matmul grads:", all(torch.equal(a, t.grad) for a, t in zip(grads, (X, Y, Z))))
print(grads[0])
print(grads[2])

print("== diagonal and trace gradients ==")
M = torch.arange(9.).view(3, 3).requires_grad_()
d = torch.einsum("ii->i", M)
print(d, d.grad_fn.__class__.__name__, d.is_contiguous())
(d * torch.tensor([1., 2., 3.])).sum().backward()
print(M.grad)
M.grad = None
tr = torch.einsum("ii", M)
tr.backward()
print(tr, tr.grad_fn.__class__.__name__, M.grad)
BM = torch.randn(2, 3, 3, requires_grad=True)
bt = torch.einsum("bii->b", BM)
print("batch trace:", torch.allclose(bt, BM.diagonal(dim1=1, dim2=2).sum(-1)))
bt.sum().backward()
print(BM.grad[1])
T3 = torch.arange(8.).view(2, 2, 2).requires_grad_()
e = torch.einsum("iij->ji", T3)
print(e, e.shape, e.stride())
e.pow(2).sum().backward()
print(T3.grad)

print("== views and broadcasting ==")
base = torch.randn(4, 6, requires_grad=True)
view = base[:, ::2]
col = torch.randn(3, 1, requires_grad=True)
r = torch.einsum("ij,jk->ik", view, col.expand(3, 5))
print(r.shape, r.grad_fn.__class__.__name__)
r.sum().backward()
print("grad on strided view:", base.grad[0])
print("grad through expand:", col.grad.shape)
u = torch.randn(3, requires_grad=True)
outer = torch.einsum("i,j->ij", u, u)
print(outer.grad_fn.__class__.__name__)
outer.sum().backward()
print("outer grad == 2*sum(u):", torch.allclose(u.grad, 2 * u.sum().expand(3)))
s = torch.einsum("ij->", base)
print(s.grad_fn.__class__.__name__)
p = torch.einsum("ij->ji", base)
print(p.grad_fn.__class__.__name__, p.is_contiguous(), p._base is base or p._base is not None)

print("== complex einsum, real loss ==")
zr = torch.randn(2, 3, dtype=torch.complex64, requires_grad=True)
zw = torch.randn(3, 2, dtype=torch.complex64)
zo = torch.einsum("ij,jk->ik", zr, zw)
l = (zo * zo.conj()).real.sum()
l.backward()
print(zo.dtype, l.dtype, zr.grad.dtype, zr.grad.shape)
print("grad formula:", torch.allclose(zr.grad, 2 * zo @ zw.conj().T, atol=1e-5))

print("== gradcheck in float64 ==")
for spec, shapes in [("bi,oij,bj->bo", [(2, 3), (2, 3, 4), (2, 4)]), ("ii->i", [(3, 3)]),
                     ("...ij,...jk->...ik", [(2, 2, 3), (3, 2)]), ("ij,ij->", [(2, 3), (2, 3)]),
                     ("ir,jr,kr->ijk", [(2, 2), (3, 2), (2, 2)]), ("bii->b", [(2, 3, 3)])]:
    ins = tuple(torch.randn(*s, dtype=torch.float64, requires_grad=True) for s in shapes)
    ok = torch.autograd.gradcheck(lambda *t: torch.einsum(spec, *t), ins)
    print(f"{spec:<22}", ok)
ins = (torch.randn(2, 3, dtype=torch.float64, requires_grad=True), torch.randn(3, 2, dtype=torch.float64, requires_grad=True))
print("gradgradcheck:", torch.autograd.gradgradcheck(lambda a, b: torch.einsum("ij,jk->ik", a, b), ins))

print("== fit a bilinear target ==")
torch.manual_seed(5)
true_W = torch.randn(2, 3, 3)
xs = torch.randn(64, 3)
ys = torch.einsum("bi,oij,bj->bo", xs, true_W, xs)
W = torch.zeros(2, 3, 3, requires_grad=True)
opt = torch.optim.Adam([W], lr=0.1)
for step in range(40):
    pred = torch.einsum("bi,oij,bj->bo", xs, W, xs)
    loss = ((pred - ys) ** 2).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 10 == 0:
        print(f"step {step:2d} loss {loss.item():.3f}")
sym = lambda w: (w + w.transpose(1, 2)) / 2
print("symmetric part recovered:", torch.allclose(sym(W.detach()), sym(true_W), atol=0.5))
