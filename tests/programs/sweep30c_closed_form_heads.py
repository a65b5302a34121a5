"""Differentiable closed-form few-shot heads and second-order tricks: the R2-D2 ridge-regression head
(Bertinetto et al. 2019, Woodbury form with torch.linalg.solve), Gaussian prototypes with a shrunk
covariance and Mahalanobis distances (Cholesky), implicit MAML with conjugate gradient on Hessian-vector
products, and Sinkhorn balancing of transductive query assignments.  Uncertainty with distributions."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import distributions as D

torch.manual_seed(2019)
N, K, Q, DIM = 4, 3, 5, 8
torch.set_printoptions(precision=4, sci_mode=False)


def episode(gen, dtype=torch.float32):
    centers = 2 * torch.randn(N, DIM, generator=gen, dtype=dtype)
    xs = centers.repeat_interleave(K, 0) + torch.randn(N * K, DIM, generator=gen, dtype=dtype)
    xq = centers.repeat_interleave(Q, 0) + torch.randn(N * Q, DIM, generator=gen, dtype=dtype)
    return xs, torch.arange(N).repeat_interleave(K), xq, torch.arange(N).repeat_interleave(Q)


gen = torch.Generator().manual_seed(4)
xs, ys, xq, yq = episode(gen)
encoder = nn.Sequential(nn.Linear(DIM, 16), nn.SiLU(), nn.Linear(16, 12))


class RidgeHead(nn.Module):
    """W = X^T (X X^T + lambda I)^{-1} Y: an (NK x NK) solve instead of (d x d)."""

    def __init__(self):
        super().__init__()
        self.log_lam = nn.Parameter(torch.tensor(0.0))
        self.scale = nn.Parameter(torch.tensor(1.0))

    def forward(self, zs, ys, zq):
        Y = F.one_hot(ys).to(zs.dtype)
        G = zs @ zs.T + self.log_lam.exp() * torch.eye(zs.shape[0], dtype=zs.dtype)
        W = zs.T @ torch.linalg.solve(G, Y)
        return self.scale * (zq @ W)


head = RidgeHead()
logits = head(encoder(xs), ys, encoder(xq))
print("ridge logits", logits.shape, logits.grad_fn.name())
opt = torch.optim.AdamW(list(encoder.parameters()) + list(head.parameters()), lr=5e-3, weight_decay=1e-2)
for step in range(40):
    xs, ys, xq, yq = episode(gen)
    logits = head(encoder(xs), ys, encoder(xq))
    loss = F.cross_entropy(logits, yq, label_smoothing=0.1)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 10 == 9:
        print(f"r2d2 step {step + 1} loss {loss.item():.4f} lambda {head.log_lam.exp().item():.4f} "
              f"scale {head.scale.item():.4f} acc {(logits.argmax(1) == yq).float().mean().item():.3f}")
print("log_lam grad", head.log_lam.grad is not None, head.log_lam.grad.shape)

# the primal form agrees with the dual form (float64 so the check is tight)
zs = torch.randn(6, 4, dtype=torch.float64)
Y = F.one_hot(torch.tensor([0, 1, 2, 0, 1, 2])).double()
lam = 0.3
W_dual = zs.T @ torch.linalg.solve(zs @ zs.T + lam * torch.eye(6, dtype=torch.float64), Y)
W_primal = torch.linalg.solve(zs.T @ zs + lam * torch.eye(4, dtype=torch.float64), zs.T @ Y)
print("woodbury", torch.allclose(W_dual, W_primal))
print("lstsq ridge", torch.allclose(torch.linalg.lstsq(torch.cat([zs, lam ** 0.5 * torch.eye(4, dtype=torch.float64)]),
                                                     torch.cat([Y, torch.zeros(4, 3, dtype=torch.float64)])).solution, W_primal))
try:
    torch.linalg.solve(torch.zeros(3, 3), torch.ones(3, 2))
except RuntimeError as e:
    print(type(e).__name__ + ":", e)
try:
    torch.linalg.solve(torch.eye(3), torch.ones(4, 2))
except RuntimeError as e:
    print("RuntimeError:", e)

# ---- Gaussian prototypes: class means, a shared shrunk covariance, Mahalanobis distance
with torch.no_grad():
    xs, ys, xq, yq = episode(gen, torch.float64)
    zs, zq = encoder(xs.float()).double(), encoder(xq.float()).double()
    means = torch.stack([zs[ys == c].mean(0) for c in range(N)])
    centered = zs - means[ys]
    cov = centered.T @ centered / (zs.shape[0] - N)
    shrunk = 0.7 * cov + 0.3 * torch.eye(12, dtype=torch.float64) * cov.diagonal().mean()
    L = torch.linalg.cholesky(shrunk)
    diff = zq.unsqueeze(1) - means.unsqueeze(0)                         # (NQ, N, d)
    sol = torch.linalg.solve_triangular(L, diff.reshape(-1, 12).T, upper=False)
    maha = (sol ** 2).sum(0).view(-1, N)
    ref = torch.einsum("qnd,de,qne->qn", diff, torch.linalg.inv(shrunk), diff)
    print("mahalanobis via cholesky", torch.allclose(maha, ref))
    print("maha acc", f"{(maha.argmin(1) == yq).float().mean().item():.4f}",
          "euclid acc", f"{(diff.pow(2).sum(-1).argmin(1) == yq).float().mean().item():.4f}")
    sign, logdet = torch.linalg.slogdet(shrunk)
    print("slogdet", sign.item(), f"{logdet.item():.4f}", f"{2 * L.diagonal().log().sum().item():.4f}")
    mvn = D.MultivariateNormal(means, scale_tril=L.expand(N, 12, 12))
    lp = mvn.log_prob(zq.unsqueeze(1))
    print("mvn log_prob", lp.shape, "argmax agrees", torch.equal(lp.argmax(1), maha.argmin(1)))
    post = D.Categorical(logits=lp)
    print("posterior entropy", f"{post.entropy().mean().item():.4f}")
    print("posterior probs[0]", post.probs[0].float())
    print("cond", f"{torch.linalg.cond(shrunk).item():.3f}", "eigvalsh min", f"{torch.linalg.eigvalsh(shrunk)[0].item():.5f}")
try:
    torch.linalg.cholesky(-torch.eye(3))
except torch.linalg.LinAlgError as e:
    print("LinAlgError:", e)
try:
    D.MultivariateNormal(torch.zeros(2), covariance_matrix=torch.tensor([[1.0, 2.0], [2.0, 1.0]]))
except ValueError as e:
    print("ValueError:", str(e)[:120])

# ---- implicit MAML: solve (I + H/lambda) v = g_query by conjugate gradient with Hessian-vector products
torch.manual_seed(3)
w0 = torch.randn(DIM, N, dtype=torch.float64) * 0.1
xs, ys, xq, yq = episode(gen, torch.float64)
lam_reg = 2.0
w = w0.clone().requires_grad_(True)
inner = torch.optim.LBFGS([w], lr=1, max_iter=30, history_size=10, line_search_fn="strong_wolfe")


def inner_obj():
    inner.zero_grad()
    l = F.cross_entropy(xs @ w, ys) + lam_reg / 2 * (w - w0).pow(2).sum()
    l.backward()
    return l


final = inner.step(inner_obj)
print("lbfgs inner objective", f"{inner_obj().item():.6f}")
outer_loss = F.cross_entropy(xq @ w, yq)
g_q, = torch.autograd.grad(outer_loss, w)
train_loss = F.cross_entropy(xs @ w, ys)
g_tr, = torch.autograd.grad(train_loss, w, create_graph=True)


def hvp(v):
    return torch.autograd.grad(g_tr, w, grad_outputs=v, retain_graph=True)[0]


def cg(Av, b, iters=10):
    x = torch.zeros_like(b)
    r = b.clone()
    p = r.clone()
    rs = (r * r).sum()
    for i in range(iters):
        Ap = Av(p)
        alpha = rs / (p * Ap).sum()
        x.add_(alpha * p)
        r.sub_(alpha * Ap)
        rs_new = (r * r).sum()
        if rs_new.sqrt() < 1e-10:
            break
        p = r + (rs_new / rs) * p
        rs = rs_new
    return x, i + 1


v, used = cg(lambda u: u + hvp(u) / lam_reg, g_q)
H = torch.autograd.functional.hessian(lambda ww: F.cross_entropy(xs @ ww, ys), w.detach())
H = H.reshape(DIM * N, DIM * N)
exact = torch.linalg.solve(torch.eye(DIM * N, dtype=torch.float64) + H / lam_reg, g_q.flatten())
print("cg iterations", used, "matches direct solve", torch.allclose(v.flatten(), exact, atol=1e-7))
print("implicit meta-grad norm", f"{v.norm().item():.6f}", "vs first-order", f"{g_q.norm().item():.6f}")
print("hessian symmetric", torch.allclose(H, H.T), "psd", bool((torch.linalg.eigvalsh(H) > -1e-10).all()))

# ---- transductive: Sinkhorn-balanced soft assignment of queries to prototypes
with torch.no_grad():
    zq = xq.float()
    protos = torch.stack([xs[ys == c].mean(0) for c in range(N)]).float()
    cost = torch.cdist(zq, protos) ** 2
    log_P = -cost / 10.0
    for _ in range(50):
        log_P = log_P - torch.logsumexp(log_P, dim=1, keepdim=True)   # rows sum to 1
        log_P = log_P - torch.logsumexp(log_P, dim=0, keepdim=True) + torch.log(torch.tensor(N * Q / N))
    P = log_P.exp()
    print("sinkhorn column sums", P.sum(0))
    print("sinkhorn acc", f"{(P.argmax(1) == yq).float().mean().item():.4f}")
    print("soft labels[0]", P[0])
    alpha = D.Dirichlet(torch.ones(N) * 0.5)
    shares = alpha.sample((3,))
    print("dirichlet shares", shares.shape, torch.allclose(shares.sum(1), torch.ones(3)))
    print("dirichlet mean", alpha.mean, "entropy", f"{alpha.entropy().item():.4f}")
    imbalanced = D.Categorical(probs=shares[0]).sample((12,))
    print("imbalanced labels", imbalanced.bincount(minlength=N))
