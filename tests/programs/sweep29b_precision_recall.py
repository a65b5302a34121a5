"""Improved precision and recall (Kynkaanniemi et al.) and density/coverage (Naeem et al.) from k-NN
radii in feature space."""
import torch


def knn_radii(feats, k):
    d = torch.cdist(feats, feats)
    # the k-th neighbour excluding the point itself is the (k+1)-th smallest distance
    return d.kthvalue(k + 1, dim=1).values


def manifold_membership(queries, support, radii, batch=64):
    inside = []
    for q in queries.split(batch):
        d = torch.cdist(q, support)
        inside.append((d <= radii.unsqueeze(0)).any(dim=1))
    return torch.cat(inside)


def precision_recall(real, fake, k=3):
    r_real = knn_radii(real, k)
    r_fake = knn_radii(fake, k)
    precision = manifold_membership(fake, real, r_real).float().mean()
    recall = manifold_membership(real, fake, r_fake).float().mean()
    return precision, recall


def density_coverage(real, fake, k=5):
    r_real = knn_radii(real, k)
    d = torch.cdist(real, fake)
    density = (d < r_real[:, None]).sum(dim=0).float().mean() / k
    coverage = (d.min(dim=1).values < r_real).to(torch.float32).mean()
    return density, coverage


torch.manual_seed(3)
n, dim = 250, 6
real = torch.randn(n, dim)
cases = {
    "identical dist": torch.randn(n, dim),
    "mode collapse": torch.randn(n, dim) * 0.3,
    "too spread": torch.randn(n, dim) * 2.0,
    "shifted": torch.randn(n, dim) + torch.tensor([1.5, 0, 0, 0, 0, 0]),
}
print(f"{'case':16s} {'prec':>6s} {'rec':>6s} {'dens':>6s} {'cov':>6s}")
for name, fake in cases.items():
    p, r = precision_recall(real, fake)
    de, co = density_coverage(real, fake)
    print(f"{name:16s} {p.item():6.3f} {r.item():6.3f} {de.item():6.3f} {co.item():6.3f}")

# nearest neighbours with topk instead of kthvalue, and the cdist against an explicit formula
d = torch.cdist(real[:20], real[:20])
vals, idx = torch.topk(d, 4, dim=1, largest=False)
print(idx[:5])
print(vals[:3, 1:])
kth = torch.kthvalue(d, 4, dim=1, keepdim=True)
print(kth.values.shape, kth.indices.shape, torch.equal(kth.values.squeeze(1), vals[:, 3]))
explicit = (real[:20, None, :] - real[None, :20, :]).norm(dim=-1)
print("cdist ok:", torch.allclose(d, explicit, atol=1e-5))
print("p=1 distances:", torch.cdist(real[:2], real[2:4], p=1))
print("p=inf distances:", torch.cdist(real[:2], real[2:4], p=float("inf")))
srt = d.sort(dim=1)
print("sorted row 0:", srt.values[0, :4], srt.indices[0, :4])
ranks = d.argsort(dim=1, stable=True)[:, 1]
print("nearest neighbour of each:", ranks.tolist())
print("mutual nearest pairs:", int((ranks[ranks] == torch.arange(20)).sum()))

# pairwise via torch.nn.functional.pairwise_distance and the realism score
import torch.nn.functional as F
pd = F.pairwise_distance(real[:5], real[5:10])
print(pd)
r3 = knn_radii(real, 3)
dq = torch.cdist(cases["shifted"][:5], real)
realism = (r3.unsqueeze(0) / dq).max(dim=1)
print("realism:", realism.values, realism.indices)

# k from a fraction of the set size is a float: torch's parser refuses it rather than truncating
frac_k = 0.02 * real.shape[0]
print("k =", frac_k, "->", knn_radii(real, int(frac_k))[:4])
for bad in [lambda: torch.cdist(real, real[:, :3]),
            lambda: real[:5].kthvalue(10, dim=0),
            lambda: torch.topk(real[:3], 7, dim=1),
            lambda: torch.cdist(real, real).kthvalue(frac_k, dim=1),
            lambda: torch.cdist(real[:3], real[:4], p="fro"),
            lambda: torch.multinomial(torch.ones(5), 2.0)]:
    try:
        bad()
    except (RuntimeError, IndexError, TypeError) as e:
        print(type(e).__name__ + ":", e)
print("p as a 0-d tensor:", torch.cdist(real[:2], real[2:4], p=torch.tensor(1.0)))
