"""Image patches and sliding windows without einops, as in ViT-from-scratch notebooks and
"im2col explained" posts: Tensor.unfold twice, F.unfold / F.fold round trips, as_strided windows,
the view/permute trick for non-overlapping patches, space-to-depth by reshape and by
pixel_unshuffle, sub-pixel upsampling with pixel_shuffle, and shapes/strides after every step."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(42)


def info(tag, t):
    print(f"{tag:<34} {str(tuple(t.shape)):<22} stride={t.stride()} contig={t.is_contiguous()}")


print("--- 1. Tensor.unfold for 1-d sliding windows ---")
seq = torch.arange(10.)
w = seq.unfold(0, 4, 2)
info("seq.unfold(0, 4, 2)", w)
print(w)
info("seq.unfold(0, 3, 1)", seq.unfold(0, 3, 1))
print("moving average:", seq.unfold(0, 3, 1).mean(-1))
info("unfold on a transposed view", torch.arange(12.).view(3, 4).t().unfold(1, 2, 1))
x2 = torch.arange(2 * 3 * 7.).view(2, 3, 7)
info("batch unfold(-1, 3, 2)", x2.unfold(-1, 3, 2))
print(x2.unfold(-1, 3, 2)[1, 2])
info("unfold size == dim", seq.unfold(0, 10, 1))
info("unfold on 0-d", torch.tensor(5.).unfold(0, 1, 1))

print("--- 2. 2-d patches with unfold twice (ViT style) ---")
img = torch.arange(2 * 3 * 8 * 8, dtype=torch.float32).view(2, 3, 8, 8)
p = 4
patches = img.unfold(2, p, p).unfold(3, p, p)
info("unfold(2).unfold(3)", patches)
patches = patches.permute(0, 2, 3, 1, 4, 5)
info("permute -> b h w c p p", patches)
patches = patches.reshape(2, -1, 3 * p * p)
info("reshape -> b n (c p p)", patches)
print(patches[0, :, :5])
# the same with view/permute
B, C, H, W = img.shape
alt = img.view(B, C, H // p, p, W // p, p).permute(0, 2, 4, 1, 3, 5).flatten(3).flatten(1, 2)
info("view/permute/flatten", alt)
print("identical:", torch.equal(alt, patches))
# and back: patches -> image
back = alt.view(B, H // p, W // p, C, p, p).permute(0, 3, 1, 4, 2, 5).reshape(B, C, H, W)
print("round trip:", torch.equal(back, img))
# overlapping patches with a stride
ov = img[:, :1].unfold(2, 4, 2).unfold(3, 4, 2)
info("overlapping 4x4 stride 2", ov)
print(ov[0, 0, 1, 2])

print("--- 3. F.unfold (im2col) and F.fold ---")
x = torch.randn(1, 2, 5, 5)
cols = F.unfold(x, kernel_size=3, padding=1, stride=2)
info("F.unfold k3 p1 s2", cols)
cols = F.unfold(x, kernel_size=(2, 3), dilation=(2, 1))
info("F.unfold k(2,3) d(2,1)", cols)
# convolution as matmul
conv = nn.Conv2d(2, 4, 3, padding=1, bias=False)
cols = F.unfold(x, 3, padding=1)
out = (conv.weight.view(4, -1) @ cols).view(1, 4, 5, 5)
print("conv via unfold:", torch.allclose(out, conv(x), atol=1e-6))
out2 = torch.einsum("ok,bkl->bol", conv.weight.flatten(1), cols).view(1, 4, 5, 5)
print("conv via einsum:", torch.allclose(out2, conv(x), atol=1e-6))
# fold counts overlaps
ones = torch.ones(1, 1, 4, 4)
cnt = F.fold(F.unfold(ones, 2, stride=1), output_size=(4, 4), kernel_size=2, stride=1)
print(cnt)
nonover = F.fold(F.unfold(img, 4, stride=4), (8, 8), 4, stride=4)
print("fold(unfold) non-overlapping is identity:", torch.equal(nonover, img))
u = torch.arange(16.).view(1, 1, 4, 4)
print(F.unfold(u, 2, stride=2))
print(nn.Unfold(kernel_size=2, stride=2)(u).shape, nn.Fold(output_size=4, kernel_size=2, stride=2))

print("--- 4. as_strided windows ---")
a = torch.arange(12.)
win = a.as_strided(size=(5, 4), stride=(2, 1))
info("as_strided (5,4),(2,1)", win)
print(win)
m = torch.arange(25.).view(5, 5)
tiles = m.as_strided((3, 3, 3, 3), (5, 1, 5, 1))
info("as_strided 3x3 windows", tiles)
print(tiles[1, 2])
print("sum of each 3x3 window:\n", tiles.sum((-1, -2)))
print(torch.equal(tiles.sum((-1, -2)), F.avg_pool2d(m[None, None], 3, 1)[0, 0] * 9))
off = a.as_strided((2, 2), (3, 1), storage_offset=4)
print(off, off.storage_offset())
diag = m.as_strided((5,), (6,))
print("diagonal via as_strided:", diag)
win.requires_grad_()
g = torch.arange(12., requires_grad=True)
s = g.as_strided((5, 4), (2, 1)).sum()
s.backward()
print("overlap counts as grad:", g.grad)

print("--- 5. space-to-depth and pixel shuffle ---")
t = torch.arange(1 * 2 * 4 * 4.).view(1, 2, 4, 4)
r = 2
s2d = t.view(1, 2, 2, r, 2, r).permute(0, 3, 5, 1, 2, 4).reshape(1, 2 * r * r, 2, 2)
info("space-to-depth (r,r,c order)", s2d)
pu = F.pixel_unshuffle(t, r)
info("pixel_unshuffle", pu)
print(pu[0, :, 0, 0])
manual = t.view(1, 2, 2, r, 2, r).permute(0, 1, 3, 5, 2, 4).reshape(1, 8, 2, 2)
print("pixel_unshuffle == (c r r) order:", torch.equal(pu, manual))
ps = F.pixel_shuffle(pu, r)
info("pixel_shuffle back", ps)
print("round trip:", torch.equal(ps, t))
print(nn.PixelShuffle(3), nn.PixelUnshuffle(2))
sub = nn.Sequential(nn.Conv2d(2, 2 * 9, 3, padding=1), nn.PixelShuffle(3))
print(sub(torch.randn(1, 2, 3, 3)).shape)
q = torch.randn(2, 3, 8, 8).transpose(2, 3)
info("pixel_unshuffle of transposed", F.pixel_unshuffle(q, 2))
print(torch.equal(F.pixel_unshuffle(q, 2), F.pixel_unshuffle(q.contiguous(), 2)))
for bad in [lambda: F.pixel_shuffle(torch.ones(1, 3, 2, 2), 2), lambda: F.pixel_unshuffle(torch.ones(1, 1, 3, 4), 2),
            lambda: seq.unfold(0, 11, 1), lambda: seq.unfold(0, 2, 0), lambda: F.unfold(torch.ones(1, 2, 2), 3)]:
    try:
        bad()
    except Exception as e:
        print(type(e).__name__, ":", e)
