"""Non-negative matrix and tensor factorization as in a course notebook on parts-based
representations: Lee & Seung multiplicative updates for the Frobenius and the KL (Poisson) loss with
clamp_min guards, in-place updates, NNDSVD initialisation, topic-style top-k readouts, a
non-negative CP (NTF) with multiplicative updates, and projected gradient descent with autograd."""
import torch
import torch.nn.functional as F
from torch.distributions import Poisson, Gamma

torch.manual_seed(0)
torch.set_printoptions(precision=4, sci_mode=False)
EPS = 1e-10

# --- synthetic parts-based data: 3 non-negative "topics" over 12 "words" ------------------------------------
k, n_words, n_docs = 3, 12, 40
W_true = torch.zeros(n_words, k)
W_true[0:4, 0] = torch.tensor([4., 3., 2., 1.])
W_true[4:8, 1] = torch.tensor([1., 2., 3., 4.])
W_true[8:12, 2] = torch.tensor([2., 2., 2., 2.])
H_true = Gamma(torch.tensor(1.5), torch.tensor(1.0)).sample((k, n_docs))
rate = W_true @ H_true
V = Poisson(rate).sample()
print("counts:", tuple(V.shape), V.dtype, "total", int(V.sum()), "zeros", int((V == 0).sum()))
print("first doc:", V[:, 0])
print("poisson log_prob of the data:", f"{Poisson(rate.clamp_min(1e-3)).log_prob(V).sum():.2f}")


def nmf_frobenius(V, k, n_iter=200, seed=0):
    g = torch.Generator().manual_seed(seed)
    W = torch.rand(V.shape[0], k, generator=g)
    H = torch.rand(k, V.shape[1], generator=g)
    losses = []
    for it in range(n_iter):
        ratio = (W.T @ V) / (W.T @ W @ H).clamp_min(EPS)
        H.mul_(ratio)
        ratio = (V @ H.T) / (W @ (H @ H.T)).clamp_min(EPS)
        W.mul_(ratio)
        losses.append((torch.linalg.matrix_norm(V - W @ H) / torch.linalg.matrix_norm(V)).item())
    return W, H, losses


def nmf_kl(V, k, n_iter=200, seed=0):
    g = torch.Generator().manual_seed(seed)
    W = torch.rand(V.shape[0], k, generator=g) + 0.1
    H = torch.rand(k, V.shape[1], generator=g) + 0.1
    ones = torch.ones_like(V)
    for it in range(n_iter):
        H *= (W.T @ (V / (W @ H).clamp_min(EPS))) / (W.T @ ones)
        W *= ((V / (W @ H).clamp_min(EPS)) @ H.T) / (ones @ H.T)
    WH = W @ H
    # generalised KL divergence D(V || WH), with 0 log 0 = 0 via xlogy
    kl = (torch.xlogy(V, V) - torch.xlogy(V, WH) - V + WH).sum()
    return W, H, kl.item()


W, H, losses = nmf_frobenius(V, k)
print("frobenius rel.error:", [f"{losses[i]:.3f}" for i in (0, 9, 49, 199)])
print("monotone:", all(b <= a * (1 + 1e-6) for a, b in zip(losses, losses[1:])))
print("non-negative:", bool((W >= 0).all() and (H >= 0).all()), W.dtype, H.dtype)
Wn = W / W.sum(dim=0, keepdim=True)
top = Wn.topk(4, dim=0).indices.T.sort(dim=1).values
print("top words per topic:\n", top[top[:, 0].argsort()])

Wk, Hk, kl = nmf_kl(V, k)
print(f"KL divergence after 200 iters: {kl:.2f}")
# the same loss through the Poisson NLL (up to the log(V!) constant)
nll = F.poisson_nll_loss((Wk @ Hk).clamp_min(EPS).log(), V, log_input=True, reduction="sum", full=False)
const = (torch.xlogy(V, V) - V).sum()
print(f"poisson_nll + const = KL: {(nll + const).item():.2f}")
print("poisson_nll_loss full=True:", f"{F.poisson_nll_loss(Wk @ Hk, V, log_input=False, full=True):.4f}")
print("KLDivLoss on column distributions:", f"{F.kl_div((Wk @ Hk / (Wk @ Hk).sum(0)).log(), V / V.sum(0).clamp_min(1), reduction='batchmean'):.4f}")


# --- NNDSVD initialisation (Boutsidis & Gallopoulos) ----------------------------------------------------
def nndsvd(V, k):
    U, S, Vh = torch.linalg.svd(V, full_matrices=False)
    W = torch.zeros(V.shape[0], k)
    H = torch.zeros(k, V.shape[1])
    W[:, 0] = S[0].sqrt() * U[:, 0].abs()
    H[0, :] = S[0].sqrt() * Vh[0].abs()
    for j in range(1, k):
        x, y = U[:, j], Vh[j]
        xp, xn = x.clamp(min=0), (-x).clamp(min=0)
        yp, yn = y.clamp(min=0), (-y).clamp(min=0)
        mp = torch.linalg.vector_norm(xp) * torch.linalg.vector_norm(yp)
        mn = torch.linalg.vector_norm(xn) * torch.linalg.vector_norm(yn)
        if mp > mn:
            u, v, sigma = xp / xp.norm(), yp / yp.norm(), mp
        else:
            u, v, sigma = xn / xn.norm(), yn / yn.norm(), mn
        W[:, j] = (S[j] * sigma).sqrt() * u
        H[j, :] = (S[j] * sigma).sqrt() * v
    return W, H


W0, H0 = nndsvd(V, k)
print("NNDSVD non-negative:", bool((W0 >= 0).all()), "initial rel.error:",
      f"{(torch.linalg.matrix_norm(V - W0 @ H0) / torch.linalg.matrix_norm(V)).item():.3f}")
print("NNDSVD column sparsity:", (W0 > 1e-6).sum(dim=0).sort().values)

# --- non-negative CP (NTF) with multiplicative updates ------------------------------------------------------
torch.manual_seed(2)
A, B, C = torch.rand(6, 2), torch.rand(5, 2), torch.rand(4, 2)
X = torch.einsum("ir,jr,kr->ijk", A, B, C)
fac = [torch.rand(s, 2) for s in X.shape]
specs = ["jr,kr,ijk->ir", "ir,kr,ijk->jr", "ir,jr,ijk->kr"]
for it in range(300):
    for mode in range(3):
        o = [fac[m] for m in range(3) if m != mode]
        num = torch.einsum(specs[mode], o[0], o[1], X)
        den = fac[mode] @ ((o[0].T @ o[0]) * (o[1].T @ o[1]))
        fac[mode] = fac[mode] * num / den.clamp_min(EPS)
rec = torch.einsum("ir,jr,kr->ijk", *fac)
print(f"NTF rel.error: {((X - rec).norm() / X.norm()).item():.4f}")
print("NTF factors non-negative:", all(bool((f >= 0).all()) for f in fac))

# --- projected gradient descent with autograd -------------------------------------------------------------
torch.manual_seed(3)
Wp = torch.rand(n_words, k, requires_grad=True)
Hp = torch.rand(k, n_docs, requires_grad=True)
opt = torch.optim.SGD([Wp, Hp], lr=1e-3, momentum=0.9)
for step in range(301):
    opt.zero_grad()
    loss = 0.5 * (V - Wp @ Hp).pow(2).sum() / V.numel()
    loss.backward()
    opt.step()
    with torch.no_grad():
        Wp.clamp_(min=0)
        Hp.clamp_(min=0)
    if step % 100 == 0:
        print(f"  pgd step {step}: loss {loss.item():.4f}")
print("pgd grad_fn:", loss.grad_fn.name(), "leaf:", Wp.is_leaf, "grad shape:", tuple(Wp.grad.shape))
print("clamp_min on int:", torch.tensor([-2, 0, 3]).clamp_min(1), torch.tensor([-2, 0, 3]).clamp_min(0.5))
try:
    torch.clamp(torch.ones(2))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    Wp.clamp_(min=0)
except RuntimeError as e:
    print("RuntimeError:", e)
