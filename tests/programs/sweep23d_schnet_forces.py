"""A SchNet-style network written without torch_geometric, the way course notebooks on machine-learned
interatomic potentials build it: atoms as positions and atomic numbers, a radius graph from pairwise
distances (self pairs masked out, edges from nonzero), a Gaussian radial basis with a cosine cutoff,
continuous-filter convolutions aggregated with index_add_, per-molecule energies pooled with a batch
index vector, forces as -dE/dpos with create_graph=True, and a few steps of energy+force training."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def shifted_softplus(x):
    return F.softplus(x) - math.log(2.0)


class ShiftedSoftplus(nn.Module):
    def forward(self, x):
        return shifted_softplus(x)


class GaussianSmearing(nn.Module):
    def __init__(self, start=0.0, stop=5.0, num_gaussians=16):
        super().__init__()
        offset = torch.linspace(start, stop, num_gaussians)
        self.coeff = -0.5 / (offset[1] - offset[0]).item() ** 2
        self.register_buffer("offset", offset)

    def forward(self, dist):
        dist = dist.view(-1, 1) - self.offset.view(1, -1)
        return torch.exp(self.coeff * torch.pow(dist, 2))


def cosine_cutoff(d, cutoff):
    return 0.5 * (torch.cos(d * math.pi / cutoff) + 1.0) * (d < cutoff).float()


def radius_graph(pos, batch, cutoff):
    same = batch[:, None] == batch[None, :]
    eye = torch.eye(pos.size(0), dtype=torch.bool)
    dist = torch.cdist(pos, pos)
    mask = same & ~eye & (dist < cutoff)
    src, dst = mask.nonzero(as_tuple=True)
    return torch.stack([src, dst], dim=0)


class CFConv(nn.Module):
    def __init__(self, hidden, num_filters, num_gaussians, cutoff):
        super().__init__()
        self.cutoff = cutoff
        self.lin1 = nn.Linear(hidden, num_filters, bias=False)
        self.lin2 = nn.Linear(num_filters, hidden)
        self.mlp = nn.Sequential(nn.Linear(num_gaussians, num_filters), ShiftedSoftplus(),
                                 nn.Linear(num_filters, num_filters))

    def forward(self, x, edge_index, edge_weight, edge_attr):
        C = cosine_cutoff(edge_weight, self.cutoff)
        W = self.mlp(edge_attr) * C.view(-1, 1)
        h = self.lin1(x)
        j, i = edge_index
        msg = h[j] * W
        agg = torch.zeros_like(h).index_add_(0, i, msg)
        return self.lin2(agg)


class Interaction(nn.Module):
    def __init__(self, hidden, num_filters, num_gaussians, cutoff):
        super().__init__()
        self.conv = CFConv(hidden, num_filters, num_gaussians, cutoff)
        self.act = ShiftedSoftplus()
        self.lin = nn.Linear(hidden, hidden)

    def forward(self, x, edge_index, edge_weight, edge_attr):
        return self.lin(self.act(self.conv(x, edge_index, edge_weight, edge_attr)))


class SchNet(nn.Module):
    def __init__(self, hidden=16, num_filters=16, num_interactions=2, num_gaussians=12, cutoff=4.0):
        super().__init__()
        self.cutoff = cutoff
        self.embedding = nn.Embedding(10, hidden, padding_idx=0)
        self.distance_expansion = GaussianSmearing(0.0, cutoff, num_gaussians)
        self.interactions = nn.ModuleList(
            [Interaction(hidden, num_filters, num_gaussians, cutoff) for _ in range(num_interactions)])
        self.lin1 = nn.Linear(hidden, hidden // 2)
        self.act = ShiftedSoftplus()
        self.lin2 = nn.Linear(hidden // 2, 1)
        self.register_buffer("atomref", torch.tensor([0.0, -0.5, 0, 0, 0, 0, -38.0, -54.6, -75.0, -99.7]))

    def forward(self, z, pos, batch):
        h = self.embedding(z)
        edge_index = radius_graph(pos, batch, self.cutoff)
        row, col = edge_index
        edge_weight = (pos[row] - pos[col]).norm(dim=-1)
        edge_attr = self.distance_expansion(edge_weight)
        for interaction in self.interactions:
            h = h + interaction(h, edge_index, edge_weight, edge_attr)
        h = self.lin2(self.act(self.lin1(h)))
        h = h + self.atomref[z].unsqueeze(-1) * 0.01
        num_mol = int(batch.max()) + 1
        out = torch.zeros(num_mol, 1).index_add_(0, batch, h)
        return out.squeeze(-1), edge_index


def make_molecules(n_mol, gen):
    zs, poss, batch = [], [], []
    for m in range(n_mol):
        n = 3 + m % 3
        z = torch.randint(1, 10, (n,), generator=gen)
        pos = torch.randn(n, 3, generator=gen) * 1.2
        zs.append(z)
        poss.append(pos)
        batch.append(torch.full((n,), m, dtype=torch.long))
    return torch.cat(zs), torch.cat(poss), torch.cat(batch)


def reference_energy(z, pos, batch):
    # a smooth "ground truth": pairwise Morse-like terms within each molecule
    d = (pos[:, None] - pos[None]).norm(dim=-1)
    same = (batch[:, None] == batch[None]) & ~torch.eye(len(z), dtype=torch.bool)
    e_pair = (1 - torch.exp(-1.5 * (d - 1.2))) ** 2 - 1.0
    e_pair = torch.where(same, e_pair, torch.zeros_like(e_pair))
    e_atom = 0.5 * e_pair.sum(1)
    return torch.zeros(int(batch.max()) + 1).index_add(0, batch, e_atom)


gen = torch.Generator().manual_seed(123)
z, pos, batch = make_molecules(6, gen)
print("atoms", z.shape, "molecules", batch.max().item() + 1, "counts", torch.bincount(batch).tolist())
print("z", z.tolist())

torch.manual_seed(0)
model = SchNet()
print(model)
print("params", sum(p.numel() for p in model.parameters() if p.requires_grad))

rbf = model.distance_expansion(torch.tensor([0.0, 1.0, 2.5]))
print("rbf", rbf.shape, rbf[1].round(decimals=4))
print("cutoff", cosine_cutoff(torch.tensor([0.0, 1.0, 2.0, 3.9, 4.0, 5.0]), 4.0).round(decimals=4))

pos.requires_grad_(True)
energy, edge_index = model(z, pos, batch)
print("edges", edge_index.shape, edge_index[:, :6].tolist())
print("energy", energy.shape, energy.grad_fn.name(), energy.round(decimals=4))
forces = -torch.autograd.grad(energy.sum(), pos, create_graph=True)[0]
print("forces", forces.shape, forces.requires_grad, forces[:3].round(decimals=4))
net_force = torch.zeros(6, 3).index_add_(0, batch, forces)
print("net force per molecule ~ 0:", net_force.abs().max().item() < 1e-4)

pos_ref = pos.detach().clone().requires_grad_(True)
e_ref = reference_energy(z, pos_ref, batch)
f_ref = -torch.autograd.grad(e_ref.sum(), pos_ref)[0]
print("reference", e_ref.round(decimals=4), f_ref.abs().sum().round(decimals=3))

opt = torch.optim.Adam(model.parameters(), lr=5e-3)
rho = 10.0
for step in range(6):
    opt.zero_grad()
    e_pred, _ = model(z, pos, batch)
    f_pred = -torch.autograd.grad(e_pred.sum(), pos, create_graph=True)[0]
    loss_e = F.mse_loss(e_pred, e_ref.detach())
    loss_f = F.mse_loss(f_pred, f_ref)
    loss = loss_e + rho * loss_f
    loss.backward()
    gnorm = torch.nn.utils.clip_grad_norm_(model.parameters(), 10.0)
    opt.step()
    print(f"step {step} loss {loss.item():.4f} e {loss_e.item():.4f} f {loss_f.item():.4f} gnorm {gnorm.item():.3f}")

print("pos.grad accumulated", pos.grad is not None, pos.grad.shape)
emb_grad = model.embedding.weight.grad
print("padding row grad zero", bool((emb_grad[0] == 0).all()), emb_grad.abs().sum().item() > 0)
