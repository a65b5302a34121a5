"""torch.einsum in every form, as in the "einsum is all you need" blog posts and their notebooks:
implicit and explicit output, transpose/sum/trace/diagonal with repeated indices, outer and inner
products, ellipsis broadcasting, batch matrix chains with three and four operands, the sublist
format, opt_einsum settings, einsum on int, bool-free integer, complex and non-contiguous inputs,
and the error messages beginners meet first."""
import torch

torch.manual_seed(0)


def show(name, t):
    print(f"{name:<28} shape={tuple(t.shape)} dtype={t.dtype} contig={t.is_contiguous()}")
    print(t)


print("== 1. the basics (implicit output) ==")
a = torch.arange(6.).reshape(2, 3)
b = torch.arange(12.).reshape(3, 4)
show("ij,jk (implicit)", torch.einsum("ij,jk", a, b))
show("ij (identity)", torch.einsum("ij", a))
show("ji (implicit -> ij sorted)", torch.einsum("ji", a))
show("ba (implicit transpose)", torch.einsum("ba", a))
show("ij->ji", torch.einsum("ij->ji", a))
show("ij->", torch.einsum("ij->", a))
show("ij->j col sum", torch.einsum("ij->j", a))
show("ij->i row sum", torch.einsum("ij->i", a))
v = torch.arange(3.)
show("ij,j->i mat-vec", torch.einsum("ij,j->i", a, v))
show("i,i-> dot", torch.einsum("i,i->", v, v))
show("i,i (implicit dot)", torch.einsum("i,i", v, v))
show("i,j->ij outer", torch.einsum("i,j->ij", v, torch.tensor([1., 10.])))
show("i,j (implicit outer)", torch.einsum("i,j", v, torch.tensor([1., 10.])))
show("ij,ij->ij hadamard", torch.einsum("ij,ij->ij", a, a))
show("ij,ij-> frobenius", torch.einsum("ij,ij->", a, a))

print("== 2. repeated indices: diagonals and traces ==")
m = torch.arange(9.).reshape(3, 3)
show("ii->i diag", torch.einsum("ii->i", m))
show("ii trace", torch.einsum("ii", m))
show("ii-> trace", torch.einsum("ii->", m))
bm = torch.arange(18.).reshape(2, 3, 3)
show("bii->bi batch diag", torch.einsum("bii->bi", bm))
show("bii->b batch trace", torch.einsum("bii->b", bm))
show("...ii->...i", torch.einsum("...ii->...i", bm))
c3 = torch.arange(27.).reshape(3, 3, 3)
show("iii->i", torch.einsum("iii->i", c3))
show("iij->ij", torch.einsum("iij->ij", c3))
show("iji->j", torch.einsum("iji->j", c3))
print("diag is a view:", torch.einsum("ii->i", m).stride(), torch.einsum("ii->i", m)._base is not None)

print("== 3. ellipsis ==")
A = torch.randn(2, 3, 4, 5).round(decimals=1)
B = torch.randn(2, 3, 5, 2).round(decimals=1)
out = torch.einsum("...ij,...jk->...ik", A, B)
print(out.shape, torch.allclose(out, A @ B))
out = torch.einsum("b...j,b...j->b...", A, A)
print(out.shape, torch.allclose(out, (A * A).sum(-1)))
print(torch.einsum("...j->...", A).shape, torch.einsum("i...->...", A).shape)
print(torch.einsum("...ij->...ji", A).shape, torch.einsum("...ij->...ji", A).is_contiguous())
print(torch.einsum("i...j", A).shape)      # implicit with ellipsis: ... goes first
print(torch.einsum("...,...->...", torch.ones(3, 1), torch.ones(4)).shape)
print(torch.einsum("bhid,d->bhi", A, torch.ones(5)).shape)

print("== 4. chains with three and four operands ==")
x = torch.randint(-3, 4, (2, 3)).float()
y = torch.randint(-3, 4, (3, 4)).float()
z = torch.randint(-3, 4, (4, 2)).float()
w = torch.randint(-3, 4, (2, 5)).float()
show("ij,jk,kl->il", torch.einsum("ij,jk,kl->il", x, y, z))
show("ij,jk,kl,lm->im", torch.einsum("ij,jk,kl,lm->im", x, y, z, w))
show("ij,jk,kl (implicit)", torch.einsum("ij,jk,kl", x, y, z))
print(torch.equal(torch.einsum("ij,jk,kl->il", x, y, z), x @ y @ z))
bx = torch.randint(-2, 3, (3, 2, 4)).float()
by = torch.randint(-2, 3, (3, 4, 4)).float()
bz = torch.randint(-2, 3, (3, 4, 2)).float()
print(torch.equal(torch.einsum("bij,bjk,bkl->bil", bx, by, bz), bx @ by @ bz))
show("bij,bjk,bkl->bl", torch.einsum("bij,bjk,bkl->bl", bx, by, bz))

print("== 5. sublist format ==")
show("sublist matmul", torch.einsum(a, [0, 1], b, [1, 2], [0, 2]))
show("sublist implicit", torch.einsum(a, [0, 1], b, [1, 2]))
show("sublist trace", torch.einsum(m, [0, 0]))
show("sublist ellipsis", torch.einsum(A, [..., 0, 1], B, [..., 1, 2], [..., 0, 2]).sum((-1, -2)))
show("sublist one operand", torch.einsum(a, [1, 0], [0, 1]))
show("sublist big index", torch.einsum(a, [30, 51], [51]))

print("== 6. opt_einsum ==")
print("available:", torch.backends.opt_einsum.is_available())
print("enabled:", torch.backends.opt_einsum.enabled, "strategy:", torch.backends.opt_einsum.strategy)
ref = torch.einsum("ij,jk,kl->il", x, y, z)
for strat in ["greedy", "optimal", "auto"]:
    torch.backends.opt_einsum.strategy = strat
    print(strat, torch.equal(torch.einsum("ij,jk,kl->il", x, y, z), ref))
torch.backends.opt_einsum.enabled = False
print("disabled:", torch.equal(torch.einsum("ij,jk,kl->il", x, y, z), ref), torch.backends.opt_einsum.strategy)
torch.backends.opt_einsum.enabled = True
torch.backends.opt_einsum.strategy = "auto"
try:
    torch.backends.opt_einsum.strategy = "fastest"
except ValueError as e:
    print("ValueError:", e)
print(torch.backends.opt_einsum.get_opt_einsum())

print("== 7. integer, complex and non-contiguous ==")
ia = torch.arange(6).reshape(2, 3)
ib = torch.arange(12, dtype=torch.int32).reshape(3, 4)
show("int64 matmul", torch.einsum("ij,jk->ik", ia, ia.T))
show("int32 trace", torch.einsum("ii", ib[:, :3]))
show("int64 sum", torch.einsum("ij->", ia))
show("uint8 outer", torch.einsum("i,j->ij", torch.tensor([1, 2, 200], dtype=torch.uint8), torch.tensor([2, 3], dtype=torch.uint8)))
ca = torch.tensor([[1 + 2j, 3 - 1j], [0.5j, -2 + 0j]])
cb = torch.tensor([[2 - 1j], [1 + 1j]])
show("complex64 matmul", torch.einsum("ij,jk->ik", ca, cb))
show("complex conj inner", torch.einsum("i,i->", ca[0].conj(), ca[0]))
show("complex128", torch.einsum("ij->j", ca.to(torch.complex128)))
big = torch.arange(24.).reshape(4, 6)
nc = big[::2, 1::2]
print("view:", nc.shape, nc.stride(), nc.is_contiguous())
show("noncontig ij,kj->ik", torch.einsum("ij,kj->ik", nc, nc))
show("transposed ji->ij", torch.einsum("ji->ij", big.t()))
show("expanded i,i->", torch.einsum("i,i->", torch.tensor(2.).expand(5), torch.arange(5.)))

print("== 8. type promotion and errors ==")
print(torch.einsum("i,i->i", torch.ones(2, dtype=torch.float64), torch.ones(2, dtype=torch.float64)).dtype)
for spec, ops in [("ij,jk->ik", (a, a)),
                  ("ij,jk", (a,)),
                  ("ij->k", (a,)),
                  ("ijk->", (a,)),
                  ("ij->ii", (a,)),
                  ("i,i->", (torch.ones(2), torch.ones(2, dtype=torch.float64))),
                  ("i->", (torch.ones(2, dtype=torch.int64),)),
                  ("ii->i", (a,)),
                  ("i1->", (a,)),
                  ("...i,...i->...", (torch.ones(2, 3), torch.ones(4, 3)))]:
    try:
        r = torch.einsum(spec, *ops)
        print(spec, "->", r)
    except Exception as e:
        print(spec, type(e).__name__, ":", e)
