"""Leslie matrix population projection: matrix_power, dominant eigenvalue, stable age distribution,
reproductive value, and eigenvalue sensitivities by autograd."""
import torch

torch.manual_seed(3)
torch.set_printoptions(precision=4, sci_mode=False)

fecundity = torch.tensor([0.0, 0.8, 1.6, 1.2, 0.4], dtype=torch.float64)
survival = torch.tensor([0.6, 0.75, 0.7, 0.4], dtype=torch.float64)


def leslie(f, s):
    n = f.shape[0]
    L = torch.zeros(n, n, dtype=f.dtype)
    L[0] = f
    L[torch.arange(1, n), torch.arange(n - 1)] = s
    return L


L = leslie(fecundity, survival)
print("Leslie matrix:\n", L)
n0 = torch.tensor([100.0, 50.0, 30.0, 10.0, 5.0], dtype=torch.float64)
for t in (1, 5, 10, 25):
    nt = torch.linalg.matrix_power(L, t) @ n0
    print(f"t={t:2d} total {nt.sum().item():10.2f}  structure {(nt / nt.sum()).numpy().round(4).tolist()}")

evals = torch.linalg.eigvals(L)
print("eigvals dtype:", evals.dtype)
mags = evals.abs()
order = mags.argsort(descending=True)
lam = evals[order[0]]
print("dominant eigenvalue:", f"{lam.real.item():.5f}", "imag ~0:", abs(lam.imag.item()) < 1e-12)
print("damping ratio:", f"{(mags[order[0]] / mags[order[1]]).item():.4f}")
print("spectral radius from eigvals:", f"{mags.max().item():.5f}")

w, V = torch.linalg.eig(L)
idx = w.abs().argmax()
v = V[:, idx].real
v = v / v.sum()
print("stable age distribution:", v)
wl, U = torch.linalg.eig(L.T)
u = U[:, wl.abs().argmax()].real
u = u / u[0]
print("reproductive values:", u)
sens = torch.outer(u, v) / torch.dot(u, v)
print("sensitivity matrix (non-zero pattern of L):")
print(sens * (L != 0))
elas = sens * L / lam.real
print("elasticities sum:", f"{elas.sum().item():.6f}")

# sensitivities by autograd through the power method, checked against the formula
f = fecundity.clone().requires_grad_(True)
s = survival.clone().requires_grad_(True)
A = leslie(f, s)
x = torch.ones(5, dtype=torch.float64)
for _ in range(300):
    x = A @ x
    x = x / x.norm()
growth = (x @ (A @ x)) / (x @ x)
growth.backward()
print("power-method growth:", f"{growth.item():.5f}")
print("d lambda / d fecundity:", f.grad)
print("formula row 0          :", sens[0])
print("d lambda / d survival :", s.grad)
print("formula subdiagonal    :", torch.diagonal(sens, offset=-1))
print("agree:", torch.allclose(f.grad, sens[0], atol=1e-8),
      torch.allclose(s.grad, torch.diagonal(sens, -1), atol=1e-8))

# net reproductive number R0 = sum_i f_i l_i with survivorship l_i
l = torch.cat([torch.ones(1, dtype=torch.float64), torch.cumprod(survival, 0)])
print("survivorship:", l)
R0 = (fecundity * l).sum()
gen_time = (torch.arange(5, dtype=torch.float64) * fecundity * l).sum() / R0
r_approx = torch.log(R0).item() / gen_time.item()
print(f"R0 = {R0.item():.4f}, generation time = {gen_time.item():.4f}, r ~ {r_approx:.4f}")

# environmental stochasticity: random Leslie matrices, stochastic growth rate
Ls = L.expand(200, 5, 5).clone()
noise = torch.empty(200, 5, dtype=torch.float64).uniform_(0.7, 1.3)
Ls[:, 0, :] *= noise
pop = n0.clone()
log_growth = []
for k in range(200):
    new = Ls[k] @ pop
    log_growth.append(torch.log(new.sum() / pop.sum()))
    pop = new
lg = torch.stack(log_growth)
print("stochastic log growth:", f"{lg[50:].mean().item():.4f}", "vs log lambda:", f"{torch.log(lam.real).item():.4f}")
print("batched matrix_power shape:", torch.linalg.matrix_power(Ls[:3], 4).shape)
print("batched eigvals shape:", torch.linalg.eigvals(Ls[:4]).shape)
# spectra of a few single-precision matrices gathered in one double-precision buffer
spectra = torch.empty(3, 5, dtype=torch.complex128)
for k in range(3):
    torch.linalg.eigvals(Ls[k].float(), out=spectra[k])
print("dominant |lambda| of the first 3 years:", spectra.abs().max(dim=1).values.numpy().round(4).tolist())

try:
    torch.linalg.matrix_power(L[:, :4], 2)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.linalg.eigvals(L.int())
except RuntimeError as e:
    print("RuntimeError:", e)
print(torch.linalg.matrix_power(L, 0))
print(torch.linalg.matrix_power(L.float(), -1)[0])
