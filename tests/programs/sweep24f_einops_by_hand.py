"""einops patterns written in plain torch, the way a "you don't need einops" gist does it:
rearrange with permute/reshape/flatten/unflatten/movedim, reduce with mean/amax over grouped axes,
repeat with expand, repeat and repeat_interleave, channel shuffle (ShuffleNet), and the
shape/stride/contiguity after every step, including where a view is impossible."""
import torch
import torch.nn as nn

torch.manual_seed(3)


def info(tag, t):
    print(f"{tag:<40} {str(tuple(t.shape)):<18} {str(t.stride()):<20} contig={t.is_contiguous()}")


x = torch.arange(2 * 3 * 4 * 5).view(2, 3, 4, 5)   # b c h w, int64
info("x  b c h w", x)

print("# rearrange")
info("'b c h w -> b h w c' permute", x.permute(0, 2, 3, 1))
info("'b c h w -> b h w c' movedim", x.movedim(1, -1))
info("movedim((1,2),(3,0))", x.movedim((1, 2), (3, 0)))
info("moveaxis(0, 2)", torch.moveaxis(x, 0, 2))
info("'b c h w -> b (h w) c'", x.flatten(2).transpose(1, 2))
info("'b c h w -> (b h) w c'", x.permute(0, 2, 3, 1).reshape(-1, 5, 3))
info("'b c h w -> b c (h w)' view", x.view(2, 3, -1))
info("'b c (h w) -> b c h w' unflatten", x.flatten(2).unflatten(2, (4, 5)))
info("unflatten with -1", x.flatten(2).unflatten(-1, (2, -1)))
info("unflatten named sizes", x.unflatten(1, torch.Size([1, 3])))
info("flatten(0,1) of a permuted", x.permute(1, 0, 2, 3).flatten(0, 1))
info("flatten() of a transposed", x.transpose(2, 3).flatten())
info("'b c h w -> c b h w' then contiguous", x.transpose(0, 1).contiguous())
info("squeeze/unsqueeze", x[:, :1].squeeze(1).unsqueeze(-1))
info("x.T-like mT", x.mT)
info("'h w -> w h' of 2-d .T", x[0, 0].T)
try:
    x.permute(0, 2, 3, 1).view(2, -1)
except RuntimeError as e:
    print("view after permute:", e)
info("reshape after permute (copies)", x.permute(0, 2, 3, 1).reshape(2, -1))
info("view that is allowed on permuted", x.permute(0, 2, 3, 1).view(2, 4, 5, 3, 1))
info("transpose(2,3).view merges?", x[:, :, :, :1].transpose(2, 3).view(2, 3, 4))

print("# reduce")
xf = x.float()
print("'b c h w -> b c' mean:", xf.mean((2, 3)))
print("'b c (h 2) (w 5) -> b c h' max:", xf.view(2, 3, 2, 2, 1, 5).amax((3, 4, 5))[0])
print("'b c h w -> c' sum:", x.sum((0, 2, 3)))
pooled = xf.unflatten(2, (2, 2)).unflatten(-1, (5, 1)).mean((3, 5))
info("2x1 avg pool by reshape", pooled)
print(pooled[1, 2])
print("'b c h w -> b' min:", x.flatten(1).min(1).values, x.amin((1, 2, 3)))

print("# repeat")
v = torch.tensor([1, 2, 3])
info("'c -> c 4' expand", v[:, None].expand(-1, 4))
info("'c -> 4 c' expand", v.expand(4, 3))
info("expand then contiguous", v.expand(4, 3).contiguous())
info("'c -> (c 2)' repeat_interleave", v.repeat_interleave(2))
print(v.repeat_interleave(2), v.repeat(2), v.repeat_interleave(torch.tensor([1, 0, 2])))
info("'c -> (2 c)' repeat", v.repeat(2))
info("'h w -> (h 2) (w 3)'", x[0, 0].repeat_interleave(2, 0).repeat_interleave(3, 1))
print(x[0, 0, :2, :2].repeat_interleave(2, dim=0).repeat_interleave(2, dim=1))
info("'h w -> (2 h) (3 w)' tile", x[0, 0].repeat(2, 3))
info("tile", torch.tile(v, (2, 2)))
info("repeat adds dims", v.repeat(2, 1, 2))
info("expand_as", v.view(1, 3, 1, 1).expand_as(x))
info("broadcast_to", torch.broadcast_to(v.view(3, 1), (2, 3, 5)))
info("repeat_interleave(output_size)", torch.repeat_interleave(v, 2, output_size=6))
info("repeat_interleave no dim on 2-d", x[0, :2, :2, :2].repeat_interleave(2))
print(torch.repeat_interleave(torch.tensor([2, 1, 3])))
try:
    v.expand(2, 4)
except RuntimeError as e:
    print("expand:", e)
try:
    v.repeat(2)[None].view(3, 3)
except RuntimeError as e:
    print("view:", e)
try:
    v.repeat(2, 2)[None].repeat(2)
except RuntimeError as e:
    print("repeat:", e)

print("# channel shuffle")


def channel_shuffle(x, groups):
    b, c, h, w = x.size()
    x = x.view(b, groups, c // groups, h, w)
    info("  view(b, g, c/g, h, w)", x)
    x = torch.transpose(x, 1, 2).contiguous()
    info("  transpose(1, 2).contiguous()", x)
    return x.view(b, -1, h, w)


ch = torch.arange(6).view(1, 6, 1, 1).float()
print(channel_shuffle(ch, 2).flatten())
print(channel_shuffle(ch, 3).flatten())
print(nn.ChannelShuffle(3)(ch).flatten(), nn.ChannelShuffle(2))
cs = nn.ChannelShuffle(2)(torch.arange(8.).view(1, 4, 2).requires_grad_())
print(cs.grad_fn.__class__.__name__, cs.is_contiguous(), cs.shape)
print(torch.nn.functional.channel_shuffle(torch.arange(4.).view(1, 4, 1, 1), 2).flatten())

print("# strides of views of views")
y = torch.randn(4, 6, 8)
steps = [("y", y), ("y[:, ::2]", y[:, ::2]), ("y[:, ::2].transpose(0, 2)", y[:, ::2].transpose(0, 2)),
         ("y.narrow(2, 1, 4)", y.narrow(2, 1, 4)), ("y.select(1, 3)", y.select(1, 3)),
         ("y.unfold(1, 2, 2)", y.unfold(1, 2, 2)), ("y.view(4, 2, 3, 8)", y.view(4, 2, 3, 8)),
         ("y[..., None, :]", y[..., None, :]), ("y.expand(2, 4, 6, 8)", y.expand(2, 4, 6, 8)),
         ("y.movedim(0, -1).unsqueeze(1)", y.movedim(0, -1).unsqueeze(1)),
         ("y.chunk(2, 1)[1]", y.chunk(2, 1)[1]), ("y.split([2, 4], 1)[1]", y.split([2, 4], 1)[1]),
         ("y.unbind(2)[3]", y.unbind(2)[3]), ("y.flip(0)", y.flip(0)), ("y.t_ of 2-d", y[0].t())]
for tag, t in steps:
    info(tag, t)
    print("   offset", t.storage_offset(), "shares storage", t.untyped_storage().data_ptr() == y.untyped_storage().data_ptr())
