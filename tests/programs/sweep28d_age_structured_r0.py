"""Age-structured transmission: contact matrices, the next-generation matrix, R0 as its spectral radius,
and an optimal vaccine allocation found by gradient descent through the eigenvalues."""
import torch
import torch.nn.functional as F

torch.manual_seed(11)
torch.set_printoptions(precision=3, linewidth=100)

ages = ["0-9", "10-19", "20-39", "40-59", "60+"]
pop = torch.tensor([1.1e6, 1.2e6, 2.6e6, 2.4e6, 1.7e6], dtype=torch.float64)
# synthetic contact matrix: assortative by age plus a flat background, then made reciprocal
base = torch.tensor([[7.0, 2.0, 3.0, 1.5, 0.6],
                     [2.2, 11.0, 2.5, 2.0, 0.5],
                     [1.3, 1.2, 6.0, 3.0, 1.0],
                     [0.7, 1.0, 3.2, 4.5, 1.6],
                     [0.4, 0.4, 1.5, 2.2, 2.5]], dtype=torch.float64)
total = base * pop[:, None]
sym = 0.5 * (total + total.T)
C = sym / pop[:, None]
print("reciprocity holds:", torch.allclose(C * pop[:, None], (C * pop[:, None]).T))
print("contacts per person:", C.sum(1))

susceptibility = torch.tensor([0.4, 0.6, 1.0, 1.0, 1.2], dtype=torch.float64)
q, D = 0.05, 5.0                      # transmission probability per contact, infectious period
K = q * D * susceptibility[:, None] * C     # K[i, j]: infections in i caused by one case in j
ev = torch.linalg.eigvals(K)
R0 = ev.abs().max()
print("eigenvalues:", ev)
print(f"R0 = {R0.item():.4f}")
# K is similar to a symmetric matrix: diag(sqrt(s*pop))^-1 ... use eigvalsh on the symmetrised form
w = torch.sqrt(susceptibility * pop)
Ks = q * D * (w[:, None] * (sym / (pop[:, None] * pop[None, :])) * w[None, :])
evh = torch.linalg.eigvalsh(Ks)
print("symmetrised eigvalsh:", evh)
print("same spectral radius:", torch.isclose(evh.max(), R0).item())
L, V = torch.linalg.eigh(Ks)
v = V[:, -1]
v = v * v.sign().sum().sign()
print("leading eigenvector (symmetrised):", v)

# power iteration for the NGM's dominant eigenvector: the age profile of early cases
x = torch.ones(5, dtype=torch.float64) / 5
for _ in range(100):
    x = K @ x
    x = x / x.sum()
print("early-epidemic case profile:", dict(zip(ages, [round(v, 4) for v in x.tolist()])))
print("Rayleigh check:", f"{((K @ x) / x).mean().item():.4f}")

# final size equation z_i = 1 - exp(-sum_j K_ij z_j pop_j/pop_i ...) with per-capita NGM
M = q * D * susceptibility[:, None] * C
z = torch.full((5,), 0.5, dtype=torch.float64)
for it in range(500):
    z_new = 1 - torch.exp(-(M @ z))
    if torch.max(torch.abs(z_new - z)) < 1e-12:
        break
    z = z_new
print("final-size iterations:", it, "attack rates:", z)
print(f"overall attack rate: {(z * pop).sum().item() / pop.sum().item():.4f}")

# vaccine allocation: doses split by softmax over age groups; minimise R0 under a dose budget
doses = 2.0e6
logits = torch.zeros(5, dtype=torch.float64, requires_grad=True)
opt = torch.optim.Adam([logits], lr=0.1)
for step in range(150):
    share = F.softmax(logits, dim=0)
    cover = torch.clamp(share * doses / pop, max=0.95)
    Kv = K * (1 - 0.9 * cover)[:, None]
    r = torch.linalg.eigvals(Kv).abs().max()
    opt.zero_grad()
    r.backward()
    opt.step()
    if step % 50 == 0 or step == 149:
        print(f"step {step:3d}  R_v = {r.item():.4f}  grad norm {logits.grad.norm().item():.4f}")
print("grad_fn of R_v:", type(r.grad_fn).__name__)
with torch.no_grad():
    share = F.softmax(logits, 0)
    print("dose shares:", share)
    print("coverage:", torch.clamp(share * doses / pop, max=0.95))

# compare with uniform and age-targeted strategies
def r_after(cover):
    return torch.linalg.eigvals(K * (1 - 0.9 * cover)[:, None]).abs().max().item()


uniform = torch.full((5,), doses / pop.sum().item(), dtype=torch.float64)
oldest_first = torch.zeros(5, dtype=torch.float64)
oldest_first[4] = 0.95
oldest_first[3] = (doses - 0.95 * pop[4]) / pop[3]
print(f"uniform R_v {r_after(uniform):.4f}  oldest-first R_v {r_after(oldest_first):.4f}")

# herd-immunity threshold in the homogeneous approximation
print(f"1 - 1/R0 = {(1 - 1 / R0).item():.4f}")
blocks = torch.block_diag(K[:2, :2], K[2:, 2:])
print("block-diagonal (no mixing between children and adults) R0:",
      f"{torch.linalg.eigvals(blocks).abs().max().item():.4f}")
print(torch.kron(torch.eye(2, dtype=torch.float64), K[:2, :2]))
try:
    torch.linalg.eigvalsh(K[:, :4])
except RuntimeError as e:
    print("RuntimeError:", e)
