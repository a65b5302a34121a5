"""Equivariant message passing and vibrational analysis in plain torch, in the style of PaiNN / DimeNet
re-implementations from papers-with-code repos: scalar and vector features per atom, unit edge vectors
and radial filters with a cosine cutoff, triplets (k->j->i) built from an edge list with index tricks,
bond angles from atan2(|cross|, dot), torch.func (grad, vmap, jacrev, hessian) for per-configuration
forces and Hessians, and harmonic normal modes from eigh of the mass-weighted Hessian."""
import math

import torch
import torch.nn as nn
from torch.func import grad, hessian, jacrev, vmap

torch.manual_seed(11)


def cosine_cutoff(d, rc):
    return torch.where(d < rc, 0.5 * (torch.cos(math.pi * d / rc) + 1), torch.zeros_like(d))


def sinc_expansion(d, n, rc):
    k = torch.arange(1, n + 1, dtype=d.dtype)
    return torch.sin(k * math.pi * d[:, None] / rc) / d[:, None]


def full_graph(n):
    i, j = torch.meshgrid(torch.arange(n), torch.arange(n), indexing="ij")
    keep = i != j
    return torch.stack([j[keep], i[keep]])  # (source, target)


class PaiNNMessage(nn.Module):
    def __init__(self, F_, n_rbf, rc):
        super().__init__()
        self.F, self.rc = F_, rc
        self.phi = nn.Sequential(nn.Linear(F_, F_), nn.SiLU(), nn.Linear(F_, 3 * F_))
        self.W = nn.Linear(n_rbf, 3 * F_)

    def forward(self, s, v, edge_index, r_ij, d_ij, rbf):
        j, i = edge_index
        x = self.phi(s)[j] * self.W(rbf) * cosine_cutoff(d_ij, self.rc)[:, None]
        ds, dv_v, dv_r = torch.split(x, self.F, dim=-1)
        dv = v[j] * dv_v[:, None, :] + dv_r[:, None, :] * (r_ij / d_ij[:, None])[:, :, None]
        # out-of-place index_add: the in-place form fails under vmap when only `ds` is batched
        s = s + torch.zeros_like(s).index_add(0, i, ds)
        v = v + torch.zeros_like(v).index_add(0, i, dv)
        return s, v


class PaiNNUpdate(nn.Module):
    def __init__(self, F_):
        super().__init__()
        self.F = F_
        self.U = nn.Linear(F_, F_, bias=False)
        self.V = nn.Linear(F_, F_, bias=False)
        self.mlp = nn.Sequential(nn.Linear(2 * F_, F_), nn.SiLU(), nn.Linear(F_, 3 * F_))

    def forward(self, s, v):
        Uv, Vv = self.U(v), self.V(v)
        Vn = torch.sqrt((Vv ** 2).sum(dim=1) + 1e-8)
        a = self.mlp(torch.cat([s, Vn], dim=-1))
        a_vv, a_sv, a_ss = a.chunk(3, dim=-1)
        dv = a_vv[:, None, :] * Uv
        ds = (Uv * Vv).sum(dim=1) * a_sv + a_ss
        return s + ds, v + dv


class PaiNN(nn.Module):
    def __init__(self, F_=8, n_rbf=6, rc=3.0, n_layers=2):
        super().__init__()
        self.n_rbf, self.rc = n_rbf, rc
        self.emb = nn.Embedding(10, F_)
        self.msg = nn.ModuleList([PaiNNMessage(F_, n_rbf, rc) for _ in range(n_layers)])
        self.upd = nn.ModuleList([PaiNNUpdate(F_) for _ in range(n_layers)])
        self.out = nn.Sequential(nn.Linear(F_, F_), nn.SiLU(), nn.Linear(F_, 1))
        self.dipole = nn.Linear(F_, 1, bias=False)

    def forward(self, z, pos):
        edge_index = full_graph(len(z))
        j, i = edge_index
        r_ij = pos[j] - pos[i]
        d_ij = torch.linalg.norm(r_ij, dim=-1)
        rbf = sinc_expansion(d_ij, self.n_rbf, self.rc)
        s = self.emb(z)
        v = torch.zeros(len(z), 3, s.shape[1], dtype=pos.dtype)
        for m, u in zip(self.msg, self.upd):
            s, v = m(s, v, edge_index, r_ij, d_ij, rbf)
            s, v = u(s, v)
        energy = self.out(s).sum()
        mu = self.dipole(v).squeeze(-1).sum(0)
        return energy, mu


torch.manual_seed(0)
model = PaiNN()
z = torch.tensor([8, 1, 1, 6])
pos = torch.tensor([[0.0, 0.0, 0.0], [0.96, 0.0, 0.0], [-0.24, 0.93, 0.0], [0.3, -0.6, 1.1]])
print("params", sum(p.numel() for p in model.parameters()))
e, mu = model(z, pos)
print(f"energy {e.item():.4f}", "dipole", mu.round(decimals=4), e.grad_fn.name())

# equivariance: energy invariant, dipole and forces rotate
Q, _ = torch.linalg.qr(torch.randn(3, 3))
if torch.det(Q) < 0:
    Q = -Q
pos_rot = pos @ Q.T
e_r, mu_r = model(z, pos_rot)
print("energy invariant", torch.allclose(e, e_r, atol=1e-5), "dipole equivariant", torch.allclose(mu @ Q.T, mu_r, atol=1e-5))
pos_g = pos.clone().requires_grad_(True)
f = -torch.autograd.grad(model(z, pos_g)[0], pos_g)[0]
pos_rg = pos_rot.clone().requires_grad_(True)
f_r = -torch.autograd.grad(model(z, pos_rg)[0], pos_rg)[0]
print("forces equivariant", torch.allclose(f @ Q.T, f_r, atol=1e-4), "sum ~ 0", bool(f.sum(0).abs().max() < 1e-5))

# triplets k->j->i from the edge list and their angles
edge_index = full_graph(4)
src, dst = edge_index
n_e = src.numel()
ea, eb = torch.meshgrid(torch.arange(n_e), torch.arange(n_e), indexing="ij")
valid = (dst[eb] == src[ea]) & (src[eb] != dst[ea])
idx_ji, idx_kj = ea[valid], eb[valid]
print("edges", n_e, "triplets", idx_ji.numel(), "first", list(zip(idx_kj[:4].tolist(), idx_ji[:4].tolist())))
vec = pos[dst] - pos[src]
a_vec, b_vec = -vec[idx_ji], vec[idx_kj]
cos_part = (a_vec * b_vec).sum(-1)
sin_part = torch.cross(a_vec, b_vec, dim=-1).norm(dim=-1)
angle = torch.atan2(sin_part, cos_part)
print("angles (deg)", torch.rad2deg(angle[:6]).round(decimals=2))
hoh = torch.acos(torch.nn.functional.cosine_similarity(pos[1] - pos[0], pos[2] - pos[0], dim=0))
print(f"H-O-H angle {math.degrees(hoh.item()):.2f}")

# torch.func: per-configuration forces with vmap(grad), Hessian with jacrev/hessian
params = {k: v.detach() for k, v in model.named_parameters()}
buffers = dict(model.named_buffers())


def energy_fn(p):
    return torch.func.functional_call(model, (params, buffers), (z, p))[0]


confs = pos + 0.05 * torch.randn(3, 4, 3)
forces = -vmap(grad(energy_fn))(confs)
loop = torch.stack([-grad(energy_fn)(c) for c in confs])
print("vmap forces", forces.shape, torch.allclose(forces, loop, atol=1e-6), forces[0, 0].round(decimals=4))

# normal modes of a cheap classical force field (Morse bonds + harmonic bends), in float64


def ff_energy(p):
    iu = torch.triu_indices(4, 4, 1)
    r = (p[iu[0]] - p[iu[1]]).norm(dim=-1)      # not cdist: it has no forward-mode derivative
    bonds = (4.0 * (1 - torch.exp(-1.8 * (r - 1.0))) ** 2).sum()
    u, w = p[1] - p[0], p[2] - p[0]
    cos_t = torch.dot(u, w) / (torch.linalg.vector_norm(u) * torch.linalg.vector_norm(w))
    return bonds + 0.5 * 2.0 * (cos_t - math.cos(math.radians(104.5))) ** 2


pos64 = pos.double() * 1.1
H1 = hessian(ff_energy)(pos64).reshape(12, 12)
H2 = jacrev(jacrev(ff_energy))(pos64).reshape(12, 12)
print("hessian symmetric", torch.allclose(H1, H1.T, atol=1e-10), "jacrev^2 == hessian", torch.allclose(H1, H2))
print("H diag", H1.diagonal()[:6].round(decimals=4))

mass = torch.tensor([15.999, 1.008, 1.008, 12.011], dtype=torch.float64)
inv_sqrt_m = mass.rsqrt().repeat_interleave(3)
Hm = H1 * inv_sqrt_m[:, None] * inv_sqrt_m[None, :]
w2, modes = torch.linalg.eigh(Hm)
print("n modes", w2.numel(), "near-zero (trans+rot)", int((w2.abs() < 1e-4 * w2.abs().max()).sum()))
freqs = torch.sign(w2) * w2.abs().sqrt()
print("largest freqs", freqs[-3:].round(decimals=3))
# translation is a zero mode of the Hessian
t = torch.zeros(4, 3, dtype=torch.float64)
t[:, 0] = 1.0
print("H @ translation ~ 0", bool((H1 @ t.flatten()).abs().max() < 1e-8))

# jacobian of the dipole w.r.t. positions (Born-charge-like tensor) via autograd.functional
J = torch.autograd.functional.jacobian(lambda p: model(z, p)[1], pos)
print("dmu/dpos", J.shape, "translation invariant sum", bool(J.sum(1).abs().max() < 1e-4))
