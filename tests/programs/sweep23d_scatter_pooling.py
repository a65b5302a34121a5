"""Graph plumbing for molecules written by hand (as in "GNNs from scratch" tutorials that avoid
torch_scatter): batch vectors from repeat_interleave, ptr from cumsum, radius graphs with torch.where
on a distance mask, segment sums/means/maxima with scatter_add_, scatter_reduce (sum, mean, amax,
amin, prod; include_self on and off), index_reduce_ and bincount, a neighbour softmax for attention,
and gradients flowing through all of them into a small per-molecule property regressor."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)

num_atoms = torch.tensor([4, 2, 5, 3])
batch = torch.repeat_interleave(torch.arange(len(num_atoms)), num_atoms)
ptr = torch.cat([torch.zeros(1, dtype=torch.long), torch.cumsum(num_atoms, 0)])
N = int(num_atoms.sum())
print("batch", batch.tolist())
print("ptr", ptr.tolist(), "bincount", torch.bincount(batch).tolist(), torch.bincount(batch, minlength=6).tolist())
pos = torch.randn(N, 3) * 1.5
z = torch.randint(1, 9, (N,))
print("z", z.tolist())

# radius graph using where on a mask that excludes self-pairs and cross-molecule pairs
diff = pos.unsqueeze(1) - pos.unsqueeze(0)
dist = diff.norm(dim=-1)
mask = (dist < 2.5) & (batch[:, None] == batch[None, :])
mask.fill_diagonal_(False)
src, dst = torch.where(mask)
edge_vec = pos[dst] - pos[src]
edge_len = edge_vec.norm(dim=-1)
print("edges", src.numel(), "symmetric", bool((mask == mask.T).all()))
print("src", src.tolist())
print("dst", dst.tolist())
deg = torch.zeros(N, dtype=torch.long).scatter_add_(0, dst, torch.ones_like(dst))
print("degree", deg.tolist(), "== bincount", deg.tolist() == torch.bincount(dst, minlength=N).tolist())
print("isolated", (deg == 0).nonzero().flatten().tolist())

# reductions per node over incoming edges
vals = edge_len
print("sum  ", torch.zeros(N).scatter_reduce(0, dst, vals, "sum").round(decimals=4))
print("mean ", torch.zeros(N).scatter_reduce(0, dst, vals, "mean", include_self=False).round(decimals=4))
print("mean+", torch.zeros(N).scatter_reduce(0, dst, vals, "mean").round(decimals=4))
print("amax ", torch.full((N,), -1.0).scatter_reduce(0, dst, vals, "amax", include_self=False).round(decimals=4))
print("amin ", torch.full((N,), 9.0).scatter_reduce(0, dst, vals, "amin").round(decimals=4))
print("prod ", torch.ones(N).scatter_reduce(0, dst, vals.clamp(max=1.5), "prod", include_self=False).round(decimals=4))
ir = torch.zeros(N, 2).index_reduce_(0, dst, torch.stack([vals, -vals], 1), "amax", include_self=False)
print("index_reduce amax", ir[:4].round(decimals=4))
imean = torch.ones(N, 2).index_reduce_(0, dst, torch.stack([vals, vals ** 2], 1), "mean")
print("index_reduce mean", imean[:4].round(decimals=4))


def segment_softmax(score, index, num_segments):
    smax = torch.zeros(num_segments, dtype=score.dtype).scatter_reduce(0, index, score, "amax", include_self=False)
    e = torch.exp(score - smax[index])
    denom = torch.zeros(num_segments, dtype=score.dtype).index_add_(0, index, e)
    return e / denom[index]


score = -edge_len
alpha = segment_softmax(score, dst, N)
print("attention sums to 1", torch.allclose(torch.zeros(N).index_add(0, dst, alpha)[deg > 0], torch.ones(int((deg > 0).sum()))))
print("alpha[:6]", alpha[:6].round(decimals=4))


class Readout(nn.Module):
    """Atom-wise MLP, messages weighted by a neighbour softmax, pooled three ways per molecule."""

    def __init__(self, hidden=12, n_rbf=8):
        super().__init__()
        self.emb = nn.Embedding(9, hidden)
        self.filter = nn.Linear(n_rbf, hidden)
        self.att = nn.Linear(hidden, 1)
        self.update = nn.Sequential(nn.Linear(hidden, hidden), nn.SiLU())
        self.head = nn.Linear(3 * hidden, 1)
        self.register_buffer("mu", torch.linspace(0, 2.5, n_rbf))

    def forward(self, z, pos, src, dst, batch, n_graphs):
        h = self.emb(z)
        d = (pos[dst] - pos[src]).norm(dim=-1)
        rbf = torch.exp(-4.0 * (d[:, None] - self.mu) ** 2)
        msg = h[src] * self.filter(rbf)
        a = segment_softmax(self.att(msg).squeeze(-1), dst, h.size(0))
        agg = torch.zeros_like(h).index_add_(0, dst, a[:, None] * msg)
        h = h + self.update(agg)
        idx = batch[:, None].expand_as(h)
        h_sum = torch.zeros(n_graphs, h.size(1)).scatter_add_(0, idx, h)
        h_mean = torch.zeros(n_graphs, h.size(1)).scatter_reduce(0, idx, h, "mean", include_self=False)
        h_max = torch.zeros(n_graphs, h.size(1)).scatter_reduce(0, idx, h, reduce="amax", include_self=False)
        return self.head(torch.cat([h_sum, h_mean, h_max], dim=-1)).squeeze(-1)


model = Readout()
target = torch.zeros(4).index_add_(0, batch, z.float()) / 10.0
print("target", target.round(decimals=4))
opt = torch.optim.AdamW(model.parameters(), lr=0.02, weight_decay=1e-3)
for epoch in range(8):
    pred = model(z, pos, src, dst, batch, 4)
    loss = F.smooth_l1_loss(pred, target)
    opt.zero_grad()
    loss.backward()
    opt.step()
    print(f"epoch {epoch} loss {loss.item():.4f} pred {[round(p, 3) for p in pred.tolist()]}")

# gradients through scatter_reduce amax/mean and include_self
x = torch.tensor([1.0, 3.0, 3.0, -2.0, 0.5, 4.0], requires_grad=True)
idx = torch.tensor([0, 0, 0, 1, 1, 2])
base = torch.tensor([2.0, 0.0, 5.0, 1.0], requires_grad=True)
out_max = base.scatter_reduce(0, idx, x, "amax")
out_mean = base.scatter_reduce(0, idx, x, "mean", include_self=False)
out_min = base.scatter_reduce(0, idx, x, "amin", include_self=True)
print("amax", out_max.detach(), "mean", out_mean.detach(), "amin", out_min.detach())
(out_max * torch.tensor([1.0, 2.0, 3.0, 4.0])).sum().backward(retain_graph=True)
print("grad x amax", x.grad, "grad base", base.grad)
x.grad = None
base.grad = None
(out_mean * torch.tensor([1.0, 2.0, 3.0, 4.0])).sum().backward()
print("grad x mean", x.grad, "grad base", base.grad)
x.grad = None
base.grad = None
out_min.sum().backward()
print("grad x amin", x.grad, "grad base", base.grad)
out_prod = torch.ones(3).scatter_reduce(0, idx, x, "prod", include_self=False)
(gx,) = torch.autograd.grad(out_prod.sum(), x)
print("prod", out_prod.detach(), "grad", gx)
out_sum = torch.zeros(3, requires_grad=True).scatter_reduce(0, idx, x, "sum", include_self=False)
print("sum grad_fn", out_sum.grad_fn.name(), torch.autograd.grad(out_sum.sum(), x)[0])

# gather back to atoms and per-molecule centring
mol_mean = torch.zeros(4, 3).index_add_(0, batch, pos) / num_atoms[:, None]
centred = pos - mol_mean[batch]
print("centred per molecule", torch.zeros(4, 3).index_add_(0, batch, centred).abs().max().item() < 1e-5)
print("gather", torch.gather(pos, 0, batch[:, None].expand(-1, 3))[:2].round(decimals=4))
print("segments", [t.shape[0] for t in torch.split(pos, num_atoms.tolist())])
