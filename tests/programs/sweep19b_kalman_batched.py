"""A batched Kalman filter and Rauch-Tung-Striebel smoother in torch, in the style of state-space
model course code (and libraries such as torch-kalman / pykalman ports): a constant-velocity model,
filtering with matmul / linalg.solve / cholesky, the marginal log-likelihood from the innovations
via MultivariateNormal.log_prob, smoothing with linalg.inv, and fitting the process and observation
noise scales by gradient ascent on the log-likelihood through autograd."""
import torch
from torch.distributions import MultivariateNormal

torch.manual_seed(0)
torch.set_printoptions(precision=4)
dtype = torch.float64

dt = 0.1
F_ = torch.tensor([[1.0, dt], [0.0, 1.0]], dtype=dtype)  # transition
H = torch.tensor([[1.0, 0.0]], dtype=dtype)  # we observe position only
print("F:", F_)
print("H:", H, H.shape)


def make_Q(log_q):
    q = log_q.exp()
    return q * torch.tensor([[dt ** 3 / 3, dt ** 2 / 2], [dt ** 2 / 2, dt]], dtype=dtype)


def simulate(batch, T, q, r, gen):
    Q = make_Q(torch.log(torch.tensor(q, dtype=dtype)))
    Lq = torch.linalg.cholesky(Q)
    x = torch.zeros(batch, 2, dtype=dtype)
    xs, ys = [], []
    for _ in range(T):
        x = x @ F_.T + (Lq @ torch.randn(batch, 2, 1, dtype=dtype, generator=gen)).squeeze(-1)
        y = x @ H.T + r ** 0.5 * torch.randn(batch, 1, dtype=dtype, generator=gen)
        xs.append(x)
        ys.append(y)
    return torch.stack(xs, 1), torch.stack(ys, 1)


gen = torch.Generator().manual_seed(7)
true_q, true_r = 0.5, 0.04
xs, ys = simulate(batch=4, T=40, q=true_q, r=true_r, gen=gen)
print("states:", xs.shape, "observations:", ys.shape, xs.dtype)
print("y[0, :5]:", ys[0, :5, 0])


def kalman_filter(ys, Q, R, m0, P0):
    """returns filtered means/covs, predicted means/covs and the log-likelihood per batch element"""
    B, T, _ = ys.shape
    m = m0.expand(B, -1)
    P = P0.expand(B, -1, -1)
    ms, Ps, mps, Pps = [], [], [], []
    loglik = torch.zeros(B, dtype=ys.dtype)
    for t in range(T):
        # predict
        m_pred = m @ F_.T
        P_pred = F_ @ P @ F_.T + Q
        # update
        S = H @ P_pred @ H.T + R  # (B, 1, 1)
        v = ys[:, t] - m_pred @ H.T  # innovation
        loglik = loglik + MultivariateNormal(torch.zeros_like(v), covariance_matrix=S).log_prob(v)
        K = torch.linalg.solve(S, H @ P_pred).transpose(-1, -2)  # P H^T S^-1, S symmetric
        m = m_pred + (K @ v.unsqueeze(-1)).squeeze(-1)
        I_KH = torch.eye(2, dtype=ys.dtype) - K @ H
        P = I_KH @ P_pred @ I_KH.transpose(-1, -2) + K @ R @ K.transpose(-1, -2)  # Joseph form
        ms.append(m)
        Ps.append(P)
        mps.append(m_pred)
        Pps.append(P_pred)
    return torch.stack(ms, 1), torch.stack(Ps, 1), torch.stack(mps, 1), torch.stack(Pps, 1), loglik


def rts_smoother(ms, Ps, mps, Pps):
    T = ms.shape[1]
    ms_s, Ps_s = [ms[:, -1]], [Ps[:, -1]]
    for t in range(T - 2, -1, -1):
        G = Ps[:, t] @ F_.T @ torch.linalg.inv(Pps[:, t + 1])
        m_s = ms[:, t] + (G @ (ms_s[0] - mps[:, t + 1]).unsqueeze(-1)).squeeze(-1)
        P_s = Ps[:, t] + G @ (Ps_s[0] - Pps[:, t + 1]) @ G.transpose(-1, -2)
        ms_s.insert(0, m_s)
        Ps_s.insert(0, P_s)
    return torch.stack(ms_s, 1), torch.stack(Ps_s, 1)


m0 = torch.zeros(2, dtype=dtype)
P0 = torch.eye(2, dtype=dtype)
Q = make_Q(torch.log(torch.tensor(true_q, dtype=dtype)))
R = torch.tensor([[true_r]], dtype=dtype)
print("Q:", Q)
print("chol(Q):", torch.linalg.cholesky(Q))
ms, Ps, mps, Pps, ll = kalman_filter(ys, Q, R, m0, P0)
print("filtered:", ms.shape, Ps.shape, "loglik:", ll)
print("P_T[0]:", Ps[0, -1])
print("posdef:", bool((torch.linalg.eigvalsh(Ps) > 0).all()), "symmetric:", torch.allclose(Ps, Ps.transpose(-1, -2)))
msm, Psm = rts_smoother(ms, Ps, mps, Pps)
rmse = lambda a: ((a[..., 0] - xs[..., 0]) ** 2).mean().sqrt().item()  # noqa: E731
print(f"rmse obs {((ys[..., 0] - xs[..., 0]) ** 2).mean().sqrt().item():.4f} filter {rmse(ms):.4f} "
      f"smoother {rmse(msm):.4f}")
print("smoothed var <= filtered var:", bool((Psm[..., 0, 0] <= Ps[..., 0, 0] + 1e-12).all()))
print("smoothed m[0, :3]:", msm[0, :3])

# the same log-likelihood, computed in one shot from the joint Gaussian of all observations
T = 12
y_short = ys[:1, :T, 0]
_, _, _, _, ll_short = kalman_filter(ys[:1, :T], Q, R, m0, P0)
Phi = torch.stack([torch.linalg.matrix_power(F_, t + 1) for t in range(T)])  # (T, 2, 2)
cov = torch.zeros(T, T, dtype=dtype)
for i in range(T):
    for j in range(T):
        # Cov(x_i, x_j) = F^(i+1) P0 F^(j+1)^T + sum_k F^(i-k) Q F^(j-k)^T
        c = Phi[i] @ P0 @ Phi[j].T
        for k in range(min(i, j) + 1):
            c = c + torch.linalg.matrix_power(F_, i - k) @ Q @ torch.linalg.matrix_power(F_, j - k).T
        cov[i, j] = (H @ c @ H.T)[0, 0]
cov = cov + true_r * torch.eye(T, dtype=dtype)
joint = MultivariateNormal(torch.zeros(T, dtype=dtype), covariance_matrix=cov)
print(f"filter ll {ll_short.item():.6f} joint ll {joint.log_prob(y_short).item():.6f}")
print("scale_tril:", joint.scale_tril.shape, f"{joint.scale_tril.diagonal().prod().item():.6e}",
      f"logdet {torch.logdet(cov).item():.6f} slogdet {torch.linalg.slogdet(cov).logabsdet.item():.6f}")
L = torch.linalg.cholesky(cov)
z = torch.linalg.solve_triangular(L, y_short.T, upper=False)
manual = -0.5 * (z ** 2).sum() - L.diagonal().log().sum() - 0.5 * T * torch.log(torch.tensor(2 * torch.pi, dtype=dtype))
print(f"manual ll {manual.item():.6f}", "cholesky_solve ok:",
      torch.allclose(torch.cholesky_solve(y_short.T, L), torch.linalg.solve(cov, y_short.T)))

# --- fit the noise scales by gradient ascent on the log-likelihood ----------------------------
log_q = torch.tensor(0.0, dtype=dtype, requires_grad=True)
log_r = torch.tensor(-1.0, dtype=dtype, requires_grad=True)
opt = torch.optim.Adam([log_q, log_r], lr=0.1)
for it in range(40):
    opt.zero_grad()
    Qh = make_Q(log_q)
    Rh = log_r.exp().reshape(1, 1)
    *_, ll = kalman_filter(ys, Qh, Rh, m0, P0)
    loss = -ll.sum()
    loss.backward()
    if it % 8 == 0 or it == 39:
        print(f"it {it:2d} nll {loss.item():.4f} q {log_q.exp().item():.4f} r {log_r.exp().item():.4f} "
              f"grads {log_q.grad.item():.4f} {log_r.grad.item():.4f}")
    opt.step()
print("grad_fn:", type(loss.grad_fn).__name__)

# gradient check of the filter's log-likelihood w.r.t. both noise parameters
def nll_of(lq, lr):
    *_, ll = kalman_filter(ys[:, :8], make_Q(lq), lr.exp().reshape(1, 1), m0, P0)
    return -ll.sum()


print("gradcheck:", torch.autograd.gradcheck(nll_of, (log_q.detach().clone().requires_grad_(),
                                                       log_r.detach().clone().requires_grad_())))
hess = torch.autograd.functional.hessian(nll_of, (log_q.detach(), log_r.detach()))
print("hessian:", torch.stack([torch.stack(list(h)) for h in hess]))

# the batched MVN: log_prob broadcasting and sampling shapes
mvn = MultivariateNormal(ms[:, -1], covariance_matrix=Ps[:, -1])
print("batch_shape:", mvn.batch_shape, "event_shape:", mvn.event_shape)
print("sample:", mvn.sample((3,)).shape, "log_prob of means:", mvn.log_prob(ms[:, -1]))
print("entropy:", mvn.entropy())
print(mvn)
