"""PointNet++ utilities in the style of the pure-PyTorch re-implementations (yanx27/Pointnet_Pointnet2_pytorch
and friends): square_distance by -2 src dst^T + |src|^2 + |dst|^2, index_points by batched advanced
indexing, farthest_point_sample as a Python loop over npoint with argmax, query_ball_point by sort +
masking, sample_and_group feeding a set-abstraction layer (Conv2d 1x1 + BatchNorm2d + max), a
feature-propagation layer with inverse-distance interpolation, and a Chamfer distance (min over the
pairwise distance matrix in both directions) used to fit a point set by gradient descent."""
import torch
import torch.nn as nn
import torch.nn.functional as F


def square_distance(src, dst):
    B, N, _ = src.shape
    _, M, _ = dst.shape
    dist = -2 * torch.matmul(src, dst.permute(0, 2, 1))
    dist += torch.sum(src ** 2, -1).view(B, N, 1)
    dist += torch.sum(dst ** 2, -1).view(B, 1, M)
    return dist


def index_points(points, idx):
    device = points.device
    B = points.shape[0]
    view_shape = list(idx.shape)
    view_shape[1:] = [1] * (len(view_shape) - 1)
    repeat_shape = list(idx.shape)
    repeat_shape[0] = 1
    batch_indices = torch.arange(B, dtype=torch.long).to(device).view(view_shape).repeat(repeat_shape)
    new_points = points[batch_indices, idx, :]
    return new_points


def farthest_point_sample(xyz, npoint):
    device = xyz.device
    B, N, C = xyz.shape
    centroids = torch.zeros(B, npoint, dtype=torch.long).to(device)
    distance = torch.ones(B, N).to(device) * 1e10
    farthest = torch.randint(0, N, (B,), dtype=torch.long).to(device)
    batch_indices = torch.arange(B, dtype=torch.long).to(device)
    for i in range(npoint):
        centroids[:, i] = farthest
        centroid = xyz[batch_indices, farthest, :].view(B, 1, 3)
        dist = torch.sum((xyz - centroid) ** 2, -1)
        mask = dist < distance
        distance[mask] = dist[mask]
        farthest = torch.max(distance, -1)[1]
    return centroids


def query_ball_point(radius, nsample, xyz, new_xyz):
    device = xyz.device
    B, N, C = xyz.shape
    _, S, _ = new_xyz.shape
    group_idx = torch.arange(N, dtype=torch.long).to(device).view(1, 1, N).repeat([B, S, 1])
    sqrdists = square_distance(new_xyz, xyz)
    group_idx[sqrdists > radius ** 2] = N
    group_idx = group_idx.sort(dim=-1)[0][:, :, :nsample]
    group_first = group_idx[:, :, 0].view(B, S, 1).repeat([1, 1, nsample])
    mask = group_idx == N
    group_idx[mask] = group_first[mask]
    return group_idx


def sample_and_group(npoint, radius, nsample, xyz, points):
    B, N, C = xyz.shape
    S = npoint
    fps_idx = farthest_point_sample(xyz, npoint)  # [B, npoint]
    new_xyz = index_points(xyz, fps_idx)
    idx = query_ball_point(radius, nsample, xyz, new_xyz)
    grouped_xyz = index_points(xyz, idx)  # [B, npoint, nsample, C]
    grouped_xyz_norm = grouped_xyz - new_xyz.view(B, S, 1, C)
    if points is not None:
        grouped_points = index_points(points, idx)
        new_points = torch.cat([grouped_xyz_norm, grouped_points], dim=-1)  # [B, npoint, nsample, C+D]
    else:
        new_points = grouped_xyz_norm
    return new_xyz, new_points


class PointNetSetAbstraction(nn.Module):
    def __init__(self, npoint, radius, nsample, in_channel, mlp):
        super(PointNetSetAbstraction, self).__init__()
        self.npoint = npoint
        self.radius = radius
        self.nsample = nsample
        self.mlp_convs = nn.ModuleList()
        self.mlp_bns = nn.ModuleList()
        last_channel = in_channel
        for out_channel in mlp:
            self.mlp_convs.append(nn.Conv2d(last_channel, out_channel, 1))
            self.mlp_bns.append(nn.BatchNorm2d(out_channel))
            last_channel = out_channel

    def forward(self, xyz, points):
        xyz = xyz.permute(0, 2, 1)
        if points is not None:
            points = points.permute(0, 2, 1)
        new_xyz, new_points = sample_and_group(self.npoint, self.radius, self.nsample, xyz, points)
        new_points = new_points.permute(0, 3, 2, 1)  # [B, C+D, nsample, npoint]
        for i, conv in enumerate(self.mlp_convs):
            bn = self.mlp_bns[i]
            new_points = F.relu(bn(conv(new_points)))
        new_points = torch.max(new_points, 2)[0]
        new_xyz = new_xyz.permute(0, 2, 1)
        return new_xyz, new_points


def interpolate(xyz1, xyz2, points2):
    """feature propagation: 3-NN inverse-distance weights from the coarse set xyz2 onto xyz1."""
    dists = square_distance(xyz1, xyz2)
    dists, idx = dists.sort(dim=-1)
    dists, idx = dists[:, :, :3], idx[:, :, :3]  # [B, N, 3]
    dist_recip = 1.0 / (dists + 1e-8)
    norm = torch.sum(dist_recip, dim=2, keepdim=True)
    weight = dist_recip / norm
    B, N, _ = xyz1.shape
    return torch.sum(index_points(points2, idx) * weight.view(B, N, 3, 1), dim=2), weight


def chamfer_distance(p1, p2):
    d = square_distance(p1, p2)
    d1, i1 = d.min(dim=2)
    d2, i2 = d.min(dim=1)
    return d1.mean(dim=1) + d2.mean(dim=1), i1, i2


torch.manual_seed(42)
B, N = 2, 64
xyz = torch.rand(B, N, 3)

# square distance vs cdist
sq = square_distance(xyz, xyz)
print("square_distance ~ cdist^2:", torch.allclose(sq, torch.cdist(xyz, xyz) ** 2, atol=1e-5))
print("diag near zero:", sq.diagonal(dim1=1, dim2=2).abs().max().item() < 1e-5)

# farthest point sampling
fps = farthest_point_sample(xyz, 8)
print("fps idx:", fps.tolist())
sampled = index_points(xyz, fps)
print("sampled shape", tuple(sampled.shape), "unique per batch:", [len(torch.unique(r)) for r in fps])
min_sep = torch.cdist(sampled, sampled) + torch.eye(8) * 10
print("min separation of samples: %.4f" % min_sep.min().item())

# ball query
idx = query_ball_point(0.3, 6, xyz, sampled)
print("ball query idx[0, :3]:\n", idx[0, :3])
grouped = index_points(xyz, idx)
radius_ok = ((grouped - sampled.unsqueeze(2)).norm(dim=-1) <= 0.3 + 1e-6).all()
print("all neighbours inside radius:", bool(radius_ok))
print("padded with first index:", int((idx == idx[:, :, :1]).sum()))
new_xyz, new_points = sample_and_group(8, 0.3, 6, xyz, xyz * 2)
print("sample_and_group:", tuple(new_xyz.shape), tuple(new_points.shape))

# a set-abstraction layer, forward and backward
sa = PointNetSetAbstraction(npoint=8, radius=0.4, nsample=8, in_channel=3 + 3, mlp=[16, 32])
feats = torch.randn(B, 3, N)
l1_xyz, l1_points = sa(xyz.permute(0, 2, 1), feats)
print("SA out:", tuple(l1_xyz.shape), tuple(l1_points.shape))
l1_points.pow(2).mean().backward()
print("conv grad norm: %.4f" % sa.mlp_convs[0].weight.grad.norm().item())
print("bn running_var[:4]", sa.mlp_bns[1].running_var[:4].round(decimals=3))

# feature propagation back to the dense set
interp, w = interpolate(xyz, l1_xyz.permute(0, 2, 1), l1_points.detach().permute(0, 2, 1))
print("interpolated:", tuple(interp.shape), "weights sum to 1:", torch.allclose(w.sum(-1), torch.ones(B, N)))

# Chamfer distance: fit 32 free points to a target circle
theta = torch.linspace(0, 2 * 3.141592653589793, 65, dtype=torch.float64)[:-1]
target = torch.stack([theta.cos(), theta.sin(), torch.zeros_like(theta)], -1).float().unsqueeze(0)
pred = (torch.randn(1, 32, 3) * 0.3).requires_grad_()
opt = torch.optim.Adam([pred], lr=0.05)
for step in range(60):
    opt.zero_grad()
    loss, i1, i2 = chamfer_distance(pred, target)
    loss.sum().backward()
    opt.step()
    if step % 15 == 0:
        print("step %2d chamfer %.4f" % (step, loss.item()))
with torch.no_grad():
    loss, i1, i2 = chamfer_distance(pred, target)
    r = pred[0].norm(dim=-1)
print("final chamfer %.3f, radius mean %.2f, targets covered %d/64" % (loss.item(), r.mean().item(),
                                                                         len(torch.unique(i1))))
print("symmetric:", torch.allclose(chamfer_distance(pred, target)[0], chamfer_distance(target, pred)[0]))
