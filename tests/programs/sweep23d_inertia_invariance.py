"""Geometry utilities from molecular-ML notebooks: centre of mass, inertia tensors and principal axes
with torch.linalg.eigh, canonical orientation, sorted Coulomb-matrix eigenvalue descriptors, Kabsch
alignment with an SVD and RMSD, and invariance/equivariance checks under a random orthogonal matrix
drawn with torch.linalg.qr (pdist, cdist and the broadcasting norm should all agree)."""
import torch

torch.manual_seed(42)

MASSES = torch.tensor([0.0, 1.008, 0, 0, 0, 0, 12.011, 14.007, 15.999, 18.998])


def random_rotation(gen=None):
    A = torch.randn(3, 3, generator=gen, dtype=torch.float64)
    Q, R = torch.linalg.qr(A)
    Q = Q * torch.sign(torch.diagonal(R)).unsqueeze(0)
    if torch.linalg.det(Q) < 0:
        Q[:, 0] = -Q[:, 0]
    return Q


def center_of_mass(pos, m):
    return (m[:, None] * pos).sum(0) / m.sum()


def inertia_tensor(pos, m):
    r = pos - center_of_mass(pos, m)
    r2 = (r * r).sum(-1)
    eye = torch.eye(3, dtype=pos.dtype)
    return (m[:, None, None] * (r2[:, None, None] * eye - r[:, :, None] * r[:, None, :])).sum(0)


def coulomb_matrix(z, pos):
    zf = z.to(pos.dtype)
    d = torch.cdist(pos, pos)
    cm = zf[:, None] * zf[None, :] / d.masked_fill(torch.eye(len(z), dtype=torch.bool), 1.0)
    cm.diagonal().copy_(0.5 * zf ** 2.4)
    return cm


def kabsch(P, Q):
    Pc, Qc = P - P.mean(0), Q - Q.mean(0)
    H = Pc.T @ Qc
    U, S, Vh = torch.linalg.svd(H)
    d = torch.sign(torch.linalg.det(Vh.T @ U.T))
    D = torch.diag(torch.tensor([1.0, 1.0, d.item()], dtype=P.dtype))
    R = Vh.T @ D @ U.T
    return R, Pc @ R.T, Qc


def rmsd(A, B):
    return torch.sqrt(((A - B) ** 2).sum(-1).mean())


# a water-like and a methanol-like molecule
z = torch.tensor([8, 1, 1, 6, 8, 1, 1, 1, 1])
pos = torch.tensor([[0.000, 0.000, 0.117], [0.000, 0.757, -0.469], [0.000, -0.757, -0.469],
                    [3.000, 0.000, 0.000], [4.420, 0.000, 0.000], [2.640, 1.030, 0.000],
                    [2.640, -0.510, 0.890], [2.640, -0.510, -0.890], [4.740, 0.000, 0.900]],
                   dtype=torch.float64)
m = MASSES[z].double()
print("masses", m.tolist())
com = center_of_mass(pos, m)
print("com", com.round(decimals=5))
I = inertia_tensor(pos, m)
print("inertia symmetric", torch.allclose(I, I.T), I.round(decimals=3))
evals, evecs = torch.linalg.eigh(I)
print("principal moments", evals.round(decimals=4))
print("orthonormal axes", torch.allclose(evecs.T @ evecs, torch.eye(3, dtype=torch.float64)))
print("eigvalsh == eigh", torch.allclose(torch.linalg.eigvalsh(I), evals))
recon = evecs @ torch.diag_embed(evals) @ evecs.mT
print("reconstruction", torch.allclose(recon, I, atol=1e-10))

# canonical frame: project onto principal axes, fix signs by the third moment
canon = (pos - com) @ evecs
signs = torch.sign((canon ** 3).sum(0))
signs = torch.where(signs == 0, torch.ones_like(signs), signs)
canon = canon * signs
print("canonical first atoms", canon[:3].round(decimals=4))

cm = coulomb_matrix(z, pos)
cm_eig = torch.linalg.eigvalsh(cm).flip(0)
print("CM", cm.shape, cm[0, :4].round(decimals=3))
print("CM eig", cm_eig.round(decimals=3))
sorted_rows, order = torch.sort(torch.linalg.vector_norm(cm, dim=1), descending=True)
print("row-norm order", order.tolist())

# invariance under random rotation + translation
gen = torch.Generator().manual_seed(7)
R = random_rotation(gen)
print("R orthogonal", torch.allclose(R @ R.T, torch.eye(3, dtype=torch.float64)), f"det {torch.linalg.det(R).item():.6f}")
t = torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64)
pos_r = pos @ R.T + t
d1 = torch.cdist(pos, pos)
d2 = torch.cdist(pos_r, pos_r)
d3 = (pos_r[:, None] - pos_r[None]).norm(dim=-1)
print("cdist invariant", torch.allclose(d1, d2), "norm == cdist", torch.allclose(d2, d3))
print("pdist", torch.pdist(pos).shape, torch.allclose(torch.pdist(pos), d1[tuple(torch.triu_indices(9, 9, 1))]))
print("cdist p=1", torch.cdist(pos[:3], pos[3:5], p=1).round(decimals=4))
print("cdist p=inf", torch.cdist(pos[:3], pos[3:5], p=float("inf")).round(decimals=4))
print("moments invariant", torch.allclose(torch.linalg.eigvalsh(inertia_tensor(pos_r, m)), evals))
print("CM eig invariant", torch.allclose(torch.linalg.eigvalsh(coulomb_matrix(z, pos_r)).flip(0), cm_eig))
I_r = inertia_tensor(pos_r, m)
print("inertia equivariant", torch.allclose(I_r, R @ I @ R.T))

# Kabsch: recover the rotation
noisy = pos_r + 0.01 * torch.randn(9, 3, dtype=torch.float64, generator=gen)
R_est, P_al, Q_c = kabsch(pos, noisy)
print("kabsch R close", torch.allclose(R_est, R, atol=0.05), f"rmsd before {rmsd(pos - pos.mean(0), Q_c).item():.4f}",
      f"after {rmsd(P_al, Q_c).item():.4f}")

# float32 model invariance check: a distance-based energy vs its rotated copy, forces rotate with R
pos32 = pos.float().requires_grad_(True)
rbf_centers = torch.linspace(0.5, 4.0, 8)


def energy(p):
    d = torch.cdist(p, p)
    iu = torch.triu_indices(len(p), len(p), 1)
    d = d[iu[0], iu[1]]
    return torch.exp(-((d[:, None] - rbf_centers) ** 2) / 0.5).sum(0) @ torch.linspace(-1, 1, 8)


e = energy(pos32)
(f,) = torch.autograd.grad(-e, pos32)
R32 = R.float()
pos32_r = (pos32.detach() @ R32.T).requires_grad_(True)
e_r = energy(pos32_r)
(f_r,) = torch.autograd.grad(-e_r, pos32_r)
print(f"energy {e.item():.4f} rotated {e_r.item():.4f}")
print("forces equivariant", torch.allclose(f @ R32.T, f_r, atol=1e-4), f.dtype, f.abs().max().item() > 0)
print("einsum rotate", torch.allclose(torch.einsum("ij,nj->ni", R, pos), pos @ R.T))
print("cross", torch.linalg.cross(pos[1] - pos[0], pos[2] - pos[0]).round(decimals=4))
