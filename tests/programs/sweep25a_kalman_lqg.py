"""Estimation and control, problem set 7: LQG for a mass-spring-damper.
A batch of noisy systems is simulated; a steady-state Kalman gain is obtained by iterating the filter
Riccati recursion, the Kalman filter runs batched with einsum/bmm, its innovations are whitened and
tested (log-likelihood from MultivariateNormal, normalised innovation squared, spectrum via rfft),
the LQR gain closes the loop on the estimate (separation principle), and the process noise variance
is finally learned by maximising the innovation likelihood through the filter with autograd."""
import io
import math

import torch
import torch.nn as nn
from torch.distributions import MultivariateNormal, Normal, kl_divergence

torch.manual_seed(5)
torch.set_printoptions(precision=4, sci_mode=False)

dt = 0.05
k_spring, c_damp, mass = 4.0, 0.4, 1.0
A = torch.tensor([[1.0, dt], [-k_spring / mass * dt, 1.0 - c_damp / mass * dt]])
B = torch.tensor([[0.0], [dt / mass]])
C = torch.tensor([[1.0, 0.0]])
Qn = torch.diag(torch.tensor([1e-4, 4e-3]))      # process noise covariance
Rn = torch.tensor([[2.5e-3]])                    # measurement noise covariance

# steady-state Kalman gain by iterating the prediction Riccati recursion
P = torch.eye(2)
for i in range(2000):
    S = C @ P @ C.T + Rn
    Kf = P @ C.T @ torch.linalg.inv(S)
    P_next = A @ (P - Kf @ C @ P) @ A.T + Qn
    if torch.allclose(P_next, P, rtol=0, atol=1e-10):
        break
    P = P_next
print("filter Riccati iterations:", i)
print("Kalman gain:", Kf.squeeze())
print("steady-state P:\n", P)

# LQR gain for the same plant (finite horizon backward recursion, read off at t=0)
Qc, Rc = torch.diag(torch.tensor([10.0, 1.0])), torch.tensor([[0.1]])
Pc = Qc.clone()
for _ in range(600):
    Kc = torch.linalg.solve(Rc + B.T @ Pc @ B, B.T @ Pc @ A)
    Pc = Qc + A.T @ Pc @ (A - B @ Kc)
print("LQR gain:", Kc)
# separation principle: eigenvalues of the LQG closed loop = those of A-BK and of A-KfCA
big = torch.cat([torch.cat([A - B @ Kc, B @ Kc], 1), torch.cat([torch.zeros(2, 2), A - A @ Kf @ C], 1)], 0)
ev = torch.linalg.eigvals(big)
print("LQG closed loop stable:", bool((ev.abs() < 1).all()), "| eig moduli:", ev.abs().sort().values)

# batched simulation with process/measurement noise from MultivariateNormal
nb, T = 8, 200
w_dist = MultivariateNormal(torch.zeros(2), covariance_matrix=Qn)
v_dist = Normal(0.0, Rn.sqrt().squeeze())
print("w_dist:", w_dist)
print("v_dist:", v_dist)
x = torch.randn(nb, 2) * torch.tensor([0.5, 0.2])
xh = torch.zeros(nb, 2)
Ab = A.expand(nb, 2, 2)
innov, xs, us = [], [], []
for t in range(T):
    u = -(xh @ Kc.T)                                  # control on the estimate
    y = x @ C.T + v_dist.sample((nb, 1))
    # measurement update then prediction (filter in "current estimate" form)
    e = y - xh @ C.T
    innov.append(e.squeeze(1))
    xh = xh + e @ Kf.T                                # update: xh += Kf e
    xs.append(x)
    us.append(u)
    x = torch.bmm(Ab, x.unsqueeze(-1)).squeeze(-1) + u @ B.T + w_dist.sample((nb,))
    xh = torch.einsum("ij,bj->bi", A, xh) + u @ B.T
innov = torch.stack(innov, 1)                     # (nb, T)
xs = torch.stack(xs, 1)
us = torch.stack(us, 1)
print("state rms at start/end:", xs[:, :10].pow(2).mean().sqrt().item() > xs[:, -50:].pow(2).mean().sqrt().item())
S = (C @ P @ C.T + Rn).squeeze()
nis = (innov[:, 20:] ** 2 / S).mean()
print(f"normalised innovation squared (~1): {nis.item():.2f}")
spec = torch.fft.rfft(innov[:, 20:] - innov[:, 20:].mean(1, keepdim=True), dim=1).abs().pow(2).mean(0)
print("innovation spectrum flat-ish (lo/hi):", f"{(spec[1:20].mean() / spec[-20:].mean()).item():.1f}")
lag1 = (innov[:, 21:] * innov[:, 20:-1]).mean() / innov[:, 20:].pow(2).mean()
print(f"lag-1 autocorrelation: {lag1.item():.2f}")
ll = Normal(0.0, S.sqrt()).log_prob(innov[:, 20:]).sum(1)
print("per-run innovation log-likelihood:", ll.round(decimals=1))
print("controls within [-5, 5]:", bool(us.abs().le(5).all()), "| max:", f"{us.abs().max().item():.3f}")

# KL between filter posterior and prior, and a MultivariateNormal built from scale_tril
post = MultivariateNormal(torch.zeros(2), scale_tril=torch.linalg.cholesky(P - Kf @ C @ P))
prior = MultivariateNormal(torch.zeros(2), covariance_matrix=P)
print(f"KL(post || prior) = {kl_divergence(post, prior).item():.4f}")
print("entropy post/prior:", f"{post.entropy().item():.4f}", f"{prior.entropy().item():.4f}")
print("post covariance:\n", post.covariance_matrix)

# learn the process-noise scale by maximising the innovation likelihood through the filter


class LearnedKF(nn.Module):
    def __init__(self):
        super().__init__()
        self.log_q = nn.Parameter(torch.tensor([-6.0, -6.0]))
        self.log_r = nn.Parameter(torch.tensor(-5.0))

    def forward(self, ys, us):
        Qk = torch.diag(self.log_q.exp())
        Rk = self.log_r.exp()
        P = torch.eye(2) * 0.1
        xh = torch.zeros(ys.shape[0], 2)
        nll = 0.0
        for t in range(ys.shape[1]):
            S = (C @ P @ C.T).squeeze() + Rk
            e = ys[:, t] - xh[:, 0]
            nll = nll + 0.5 * (torch.log(2 * math.pi * S) + e ** 2 / S).mean()
            K = (P @ C.T).squeeze(1) / S
            xh = xh + e[:, None] * K
            P = P - torch.outer(K, K) * S
            xh = xh @ A.T + us[:, t] @ B.T
            P = A @ P @ A.T + Qk
        return nll / ys.shape[1]


ys = (xs @ C.T).squeeze(-1) + 0.05 * torch.randn(nb, T)
model = LearnedKF()
print(model)
opt = torch.optim.Adam(model.parameters(), lr=0.1)
for it in range(25):
    opt.zero_grad()
    loss = model(ys[:, :80], us[:, :80])
    loss.backward()
    opt.step()
    if it % 8 == 0:
        print(f"it {it:2d}: nll={loss.item():.4f} log_q={model.log_q.data} log_r={model.log_r.item():.3f}")
print("learned R closer to truth:", abs(model.log_r.exp().item() - 2.5e-3) < abs(math.exp(-5.0) - 2.5e-3))
buf = io.BytesIO()
torch.save(model.state_dict(), buf)
buf.seek(0)
sd = torch.load(buf)
print("state_dict keys:", list(sd.keys()), "| equal:", all(torch.equal(sd[k], v) for k, v in model.state_dict().items()))
vec = nn.utils.parameters_to_vector(model.parameters())
print("parameter vector:", vec.shape, vec.requires_grad, type(vec.grad_fn).__name__)
