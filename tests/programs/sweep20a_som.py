"""A Kohonen self-organizing map in PyTorch, as the classic "SOM with PyTorch" blog posts write it:
a grid of weight vectors, node locations from meshgrid, the best-matching unit by pairwise distance
(torch.cdist / nn.PairwiseDistance / argmin over norms), a Gaussian neighbourhood on the grid with
decaying radius and learning rate, batch-SOM updates with index_add_/scatter, quantization and
topographic errors, and an RGB-colour map printed as a U-matrix."""
import math

import numpy as np
import torch
import torch.nn as nn


class SOM(nn.Module):
    def __init__(self, m, n, dim, niter, alpha=None, sigma=None):
        super(SOM, self).__init__()
        self.m, self.n, self.dim, self.niter = m, n, dim, niter
        self.alpha = 0.3 if alpha is None else float(alpha)
        self.sigma = max(m, n) / 2.0 if sigma is None else float(sigma)
        self.weights = torch.randn(m * n, dim)
        self.locations = torch.LongTensor(np.array(list(self.neuron_locations())))
        self.pdist = nn.PairwiseDistance(p=2)

    def get_weights(self):
        return self.weights

    def get_locations(self):
        return self.locations

    def neuron_locations(self):
        for i in range(self.m):
            for j in range(self.n):
                yield torch.LongTensor([i, j])

    def map_vects(self, input_vects):
        to_return = []
        for vect in input_vects:
            min_index = min([i for i in range(len(self.weights))],
                            key=lambda x: torch.norm(vect - self.weights[x]))
            to_return.append(self.locations[min_index])
        return to_return

    def forward(self, x, it):
        dists = self.pdist(torch.stack([x for i in range(self.m * self.n)]), self.weights)
        _, bmu_index = torch.min(dists, 0)
        bmu_loc = self.locations[bmu_index, :]
        bmu_loc = bmu_loc.squeeze()

        learning_rate_op = 1.0 - it / self.niter
        alpha_op = self.alpha * learning_rate_op
        sigma_op = self.sigma * learning_rate_op

        bmu_distance_squares = torch.sum(
            torch.pow(self.locations.float() - torch.stack([bmu_loc for i in range(self.m * self.n)]).float(), 2), 1)
        neighbourhood_func = torch.exp(torch.neg(torch.div(bmu_distance_squares, sigma_op ** 2)))
        learning_rate_op = alpha_op * neighbourhood_func
        learning_rate_multiplier = torch.stack(
            [learning_rate_op[i:i + 1].repeat(self.dim) for i in range(self.m * self.n)])
        delta = torch.mul(learning_rate_multiplier, (torch.stack([x for i in range(self.m * self.n)]) - self.weights))
        new_weights = torch.add(self.weights, delta)
        self.weights = new_weights
        return bmu_index.item()


torch.manual_seed(0)
colors = torch.tensor([[0.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 0.0, 0.5], [0.125, 0.529, 1.0],
                       [0.33, 0.4, 0.67], [0.6, 0.5, 1.0], [0.0, 1.0, 0.0], [1.0, 0.0, 0.0],
                       [0.0, 1.0, 1.0], [1.0, 0.0, 1.0], [1.0, 1.0, 0.0], [1.0, 1.0, 1.0],
                       [0.33, 0.33, 0.33], [0.5, 0.5, 0.5], [0.66, 0.66, 0.66]])
color_names = ["black", "blue", "darkblue", "skyblue", "greyblue", "lilac", "green", "red", "cyan",
               "violet", "yellow", "white", "darkgrey", "mediumgrey", "lightgrey"]
m, n = 6, 6
n_iter = 20
som = SOM(m, n, 3, n_iter)
print(som)
print("locations", som.get_locations().shape, som.get_locations().dtype, som.get_locations()[7].tolist())
for it in range(n_iter):
    bmus = []
    for data_x in colors:
        bmus.append(som(data_x, it))
    if it % 5 == 0 or it == n_iter - 1:
        print(f"iter {it:2d} bmus {bmus[:6]} w-mean {som.get_weights().mean().item():.4f}")
mapped = som.map_vects(colors)
for name, loc in list(zip(color_names, mapped))[:8]:
    print(f"{name:>10s} -> {loc.tolist()}")

# vectorised batch SOM: cdist for the BMUs, a grid-distance kernel, weighted means
torch.manual_seed(1)


class BatchSOM:
    def __init__(self, rows, cols, dim, sigma0=2.0, sigma_end=0.5, generator=None):
        self.rows, self.cols = rows, cols
        ii, jj = torch.meshgrid(torch.arange(rows), torch.arange(cols), indexing="ij")
        self.grid = torch.stack([ii.flatten(), jj.flatten()], dim=1).float()
        self.grid_d2 = torch.cdist(self.grid, self.grid).pow(2)
        self.W = torch.rand(rows * cols, dim, generator=generator)
        self.sigma0, self.sigma_end = sigma0, sigma_end

    def bmu(self, X):
        d = torch.cdist(X, self.W)
        return d.argmin(dim=1), d.min(dim=1).values

    def epoch(self, X, t, T):
        sigma = self.sigma0 * (self.sigma_end / self.sigma0) ** (t / T)
        idx, _ = self.bmu(X)
        H = torch.exp(-self.grid_d2[idx] / (2 * sigma ** 2))  # (batch, units)
        num = H.t() @ X
        den = H.sum(0, keepdim=True).t()
        self.W = torch.where(den > 1e-8, num / den.clamp_min(1e-8), self.W)
        return sigma

    def quantization_error(self, X):
        return self.bmu(X)[1].mean()

    def topographic_error(self, X):
        d = torch.cdist(X, self.W)
        best2 = d.topk(2, dim=1, largest=False).indices
        g = self.grid[best2]
        adjacent = (g[:, 0] - g[:, 1]).abs().sum(1) <= 1
        return 1.0 - adjacent.float().mean()


g = torch.Generator().manual_seed(5)
centers = torch.tensor([[0.0, 0.0], [3.0, 0.0], [0.0, 3.0], [3.0, 3.0]])
X = torch.cat([c + 0.4 * torch.randn(25, 2, generator=g) for c in centers])
X = X[torch.randperm(len(X), generator=g)]
bsom = BatchSOM(5, 5, 2, generator=g)
print("grid", bsom.grid.shape, bsom.grid_d2[0, :6].tolist())
print(f"before qe {bsom.quantization_error(X).item():.4f} te {bsom.topographic_error(X).item():.4f}")
T = 8
for t in range(T):
    s = bsom.epoch(X, t, T)
    print(f"epoch {t} sigma {s:.4f} qe {bsom.quantization_error(X).item():.4f} te {bsom.topographic_error(X).item():.4f}")
idx, _ = bsom.bmu(centers)
print("cluster bmus", idx.tolist(), bsom.grid[idx].long().tolist())
hits = torch.zeros(25, dtype=torch.long).index_add_(0, bsom.bmu(X)[0], torch.ones(len(X), dtype=torch.long))
print("hit map\n", hits.view(5, 5))
print("bincount equal", torch.equal(hits, torch.bincount(bsom.bmu(X)[0], minlength=25)))

# online updates with scatter-style neighbourhoods, the winner by PairwiseDistance argmin
W = bsom.W.clone()
pd = nn.PairwiseDistance(p=2, eps=0.0)
x0 = X[0]
d = pd(x0.expand_as(W), W)
win = torch.argmin(d)
print("pairwise", d.shape, win.item(), torch.equal(win, bsom.bmu(x0[None])[0][0]))
h = torch.exp(-bsom.grid_d2[win] / 2.0).unsqueeze(1)
W += 0.1 * h * (x0 - W)
print("moved", (W - bsom.W).norm(dim=1).argmax().item() == win.item(), round((W - bsom.W).norm().item(), 4))

# U-matrix: mean distance to the 4-neighbours, via unfold-free shifts on the grid
Wg = bsom.W.view(5, 5, 2)
padded = torch.nn.functional.pad(Wg.permute(2, 0, 1), (1, 1, 1, 1), mode="replicate").permute(1, 2, 0)
u = torch.zeros(5, 5)
for di, dj in [(-1, 0), (1, 0), (0, -1), (0, 1)]:
    u += (padded[1 + di:6 + di, 1 + dj:6 + dj] - Wg).norm(dim=-1)
u /= 4
print("u-matrix\n", u.round(decimals=2))
print("decay", [round(0.5 * math.exp(-t / 10), 4) for t in range(0, 30, 10)])
