"""Voxelisation and camera projection as written in point-cloud / NeRF / 3D-detection tutorials in plain
PyTorch: points -> integer voxel coordinates with floor().long(), a linear voxel id, torch.unique with
return_inverse / return_counts, per-voxel mean features with index_add_ and scatter_add_, max pooling
per voxel with scatter_reduce(amax), an occupancy grid via index_put_ with accumulate, a dense grid
back to points with nonzero, trilinear sampling with F.grid_sample on a 5-D volume, and a pinhole
camera: homogeneous coordinates, world->camera extrinsics, intrinsics K, perspective divide, pixel
bounds masks and a z-buffer (scatter_reduce amin) depth image, plus back-projection with the inverse."""
import torch
import torch.nn.functional as F

torch.set_printoptions(precision=3, sci_mode=False, linewidth=100)
torch.manual_seed(0)

# --- a synthetic scene: a box and a ground plane ----------------------------------------------------
box = torch.rand(300, 3) * torch.tensor([1.0, 1.0, 1.0]) + torch.tensor([0.5, 0.5, 0.0])
ground = torch.cat([torch.rand(200, 2) * 3, torch.zeros(200, 1)], 1)
points = torch.cat([box, ground], 0)
intensity = torch.rand(points.shape[0])
print("points", tuple(points.shape), "bounds", points.min(0).values.round(decimals=2).tolist(),
      points.max(0).values.round(decimals=2).tolist())

# --- voxelisation ---------------------------------------------------------------------------------
voxel_size = torch.tensor([0.5, 0.5, 0.5])
pc_range_min = torch.tensor([0.0, 0.0, 0.0])
grid_size = torch.tensor([6, 6, 4])
coords = torch.floor((points - pc_range_min) / voxel_size).long()
print("coords dtype", coords.dtype, "max", coords.max(0).values.tolist())
in_range = ((coords >= 0) & (coords < grid_size)).all(dim=1)
coords, feats, inten = coords[in_range], points[in_range], intensity[in_range]
print("in range:", int(in_range.sum()))
lin = coords[:, 0] * grid_size[1] * grid_size[2] + coords[:, 1] * grid_size[2] + coords[:, 2]
uniq, inverse, counts = torch.unique(lin, return_inverse=True, return_counts=True)
print("occupied voxels:", uniq.numel(), "max points per voxel:", counts.max().item())
print("first voxel ids:", uniq[:6].tolist(), "counts:", counts[:6].tolist())

V = uniq.numel()
sums = torch.zeros(V, 3).index_add_(0, inverse, feats)
means = sums / counts.unsqueeze(1).float()
print("voxel means[:3]:\n", means[:3])
sums2 = torch.zeros(V, 3).scatter_add_(0, inverse.unsqueeze(1).expand(-1, 3), feats)
print("index_add_ == scatter_add_:", torch.allclose(sums, sums2))
vmax = torch.full((V,), -1.0).scatter_reduce(0, inverse, inten, reduce="amax", include_self=False)
vmean = torch.zeros(V).scatter_reduce(0, inverse, inten, reduce="mean", include_self=False)
print("max intensity[:5]:", vmax[:5])
print("mean intensity[:5]:", vmean[:5])
vox_coords = torch.stack([uniq // (grid_size[1] * grid_size[2]), (uniq // grid_size[2]) % grid_size[1],
                          uniq % grid_size[2]], 1)
print("voxel coords[:3]:", vox_coords[:3].tolist())

# dense occupancy grid with accumulate and back to coordinates
grid = torch.zeros(*grid_size.tolist())
grid.index_put_((coords[:, 0], coords[:, 1], coords[:, 2]), torch.ones(len(coords)), accumulate=True)
print("grid total == points:", int(grid.sum().item()) == len(coords), "per z-slice:", grid.sum((0, 1)).tolist())
nz = grid.nonzero()
print("nonzero matches unique:", torch.equal(nz, vox_coords))
occ = (grid > 0).float()
print("occupancy by column (x,y) max-z:\n", (occ * torch.arange(4).float()).amax(-1).long())

# trilinear sampling of the occupancy volume at the original points (grid_sample wants x,y,z = W,H,D)
vol = grid.permute(2, 1, 0)[None, None]  # (1, 1, D=z, H=y, W=x)
norm = (points / (voxel_size * grid_size)) * 2 - 1
norm = norm * (grid_size.float() / (grid_size.float() - 1))  # align_corners=True on voxel centres
samples = F.grid_sample(vol, norm.view(1, 1, 1, -1, 3), mode='bilinear', align_corners=True)
print("grid_sample:", tuple(samples.shape), "mean %.3f" % samples.mean().item())
near = F.grid_sample(vol, norm.view(1, 1, 1, -1, 3), mode='nearest', align_corners=True)
print("nearest >= 1 count:", int((near >= 1).sum()))

# --- pinhole camera ------------------------------------------------------------------------------------
def look_at(eye, target, up):
    f = F.normalize(target - eye, dim=0)
    r = F.normalize(torch.linalg.cross(f, up), dim=0)
    u = torch.linalg.cross(r, f)
    R = torch.stack([r, -u, f])  # camera x right, y down, z forward
    t = -R @ eye
    E = torch.eye(4)
    E[:3, :3] = R
    E[:3, 3] = t
    return E


fx = fy = 40.0
W, H = 32, 24
K = torch.tensor([[fx, 0, W / 2], [0, fy, H / 2], [0, 0, 1]])
E = look_at(torch.tensor([4.0, -3.0, 3.0]), torch.tensor([1.0, 1.0, 0.5]), torch.tensor([0.0, 0.0, 1.0]))
print("extrinsics:\n", E)
homog = torch.cat([points, torch.ones(points.shape[0], 1)], dim=1)  # (N, 4)
cam = (E @ homog.T).T[:, :3]
print("all in front:", bool((cam[:, 2] > 0).all()), "depth range %.2f..%.2f" % (cam[:, 2].min(), cam[:, 2].max()))
pix_h = (K @ cam.T).T
uv = pix_h[:, :2] / pix_h[:, 2:3]
ui, vi = uv[:, 0].floor().long(), uv[:, 1].floor().long()
visible = (ui >= 0) & (ui < W) & (vi >= 0) & (vi < H)
print("visible pixels:", int(visible.sum()), "of", len(ui))
flat = vi[visible] * W + ui[visible]
depth = torch.full((H * W,), float('inf')).scatter_reduce(0, flat, cam[visible, 2], reduce='amin')
depth = depth.view(H, W)
hit = torch.isfinite(depth)
print("z-buffer hits:", int(hit.sum()), "min depth %.3f" % depth[hit].min().item())
print("depth rows 10-12, cols 8-16:\n", torch.where(hit, depth, torch.zeros(())).narrow(0, 10, 3)[:, 8:16])
counts_img = torch.bincount(flat, minlength=H * W).view(H, W)
print("points per pixel max:", counts_img.max().item())

# back-projection of the z-buffer pixels to 3D and a round trip on the visible points
vv, uu = torch.meshgrid(torch.arange(H), torch.arange(W), indexing='ij')
pix = torch.stack([uu + 0.5, vv + 0.5, torch.ones_like(uu, dtype=torch.float32)], -1)[hit]
rays = pix @ torch.linalg.inv(K).T
pts_cam = rays * depth[hit].unsqueeze(-1)
pts_world = (torch.linalg.inv(E) @ torch.cat([pts_cam, torch.ones(len(pts_cam), 1)], 1).T).T[:, :3]
print("back-projected:", tuple(pts_world.shape), "z >= -0.1:", bool((pts_world[:, 2] > -0.1).all()))
cam_back = torch.linalg.solve(K, (pix_h[:, :3]).T).T
print("solve(K, K p) == p:", torch.allclose(cam_back, cam, atol=1e-4))
print("projection jacobian wrt focal:",
      torch.autograd.functional.jacobian(lambda f: f * cam[:3, 0] / cam[:3, 2], torch.tensor(40.0)).round(decimals=3))
