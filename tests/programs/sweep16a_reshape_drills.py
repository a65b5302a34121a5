"""einops-free reshaping drills, the kind of exercises course notebooks give after "Tensor basics":
patchify an image with view/permute and with unfold, sliding windows, repeat_interleave for ragged
batches, advanced indexing with index tensors and boolean masks, index_put_ with accumulate, tril/triu
masks with offsets, and in-place ops through views (who sees the change, version counters, and the
errors of view/expand on non-contiguous memory)."""
import torch

torch.manual_seed(1)

# ---- patchify: (B, C, H, W) -> (B, N, C*p*p) ------------------------------------------------------
img = torch.arange(2 * 3 * 4 * 4, dtype=torch.float32).reshape(2, 3, 4, 4)
p = 2
patches = img.view(2, 3, 2, p, 2, p).permute(0, 2, 4, 1, 3, 5).reshape(2, 4, 3 * p * p)
print(patches.shape, patches[0, 1, :6])
unf = torch.nn.functional.unfold(img, kernel_size=p, stride=p).transpose(1, 2)
print(unf.shape, torch.equal(unf, patches))
folded = torch.nn.functional.fold(unf.transpose(1, 2), output_size=(4, 4), kernel_size=p, stride=p)
print(torch.equal(folded, img), folded.stride())
x = img.permute(0, 2, 3, 1)
print(x.is_contiguous(), x.stride())
try:
    x.view(2, -1)
except RuntimeError as e:
    print(type(e).__name__, e)
print(x.reshape(2, -1).shape, x.contiguous().view(2, 16, 3)[1, 0])
try:
    img.view(5, -1)
except RuntimeError as e:
    print(type(e).__name__, e)
try:
    img.reshape(-1, -1)
except RuntimeError as e:
    print(type(e).__name__, e)
print(img.flatten(1).shape, img.flatten(0, 1).shape, img.unflatten(1, (1, 3)).shape, img.movedim(1, -1).shape)

# ---- sliding windows with Tensor.unfold --------------------------------------------------------------
seq = torch.arange(10.)
win = seq.unfold(0, 4, 2)
print(win, win.stride(), win.is_contiguous())
print(win.mean(1), seq.unfold(0, 3, 3))
sig = torch.randn(2, 12)
frames = sig.unfold(-1, 5, 1)
print(frames.shape, (frames.sum(-1) - torch.nn.functional.conv1d(sig[:, None], torch.ones(1, 1, 5))[:, 0]).abs().max() < 1e-5)
try:
    seq.unfold(0, 11, 1)
except RuntimeError as e:
    print(type(e).__name__, e)
try:
    seq.unfold(0, 3, 0)
except RuntimeError as e:
    print(type(e).__name__, e)
m2 = torch.arange(16).reshape(4, 4)
print(m2.unfold(0, 2, 2).unfold(1, 2, 2).reshape(4, 4))

# ---- repeat_interleave for ragged batches -----------------------------------------------------------
lengths = torch.tensor([3, 1, 0, 2])
batch_idx = torch.repeat_interleave(torch.arange(4), lengths)
print(batch_idx, torch.repeat_interleave(lengths), lengths.repeat_interleave(2))
offsets = torch.cumsum(lengths, 0) - lengths
pos = torch.arange(int(lengths.sum())) - offsets[batch_idx]
print(offsets, pos)
vals = torch.randn(6)
padded = torch.zeros(4, 3).index_put_((batch_idx, pos), vals)
print(padded.round(decimals=3))
mask = torch.arange(3)[None, :] < lengths[:, None]
print(mask, torch.equal(padded[mask], vals))
print(torch.tensor([[1, 2], [3, 4]]).repeat_interleave(torch.tensor([1, 2]), dim=0))
print(torch.tensor([1, 2, 3]).repeat_interleave(2, output_size=6))
try:
    torch.repeat_interleave(torch.tensor([1, -1]))
except RuntimeError as e:
    print(type(e).__name__, e)
try:
    torch.tensor([1, 2, 3]).repeat_interleave(torch.tensor([1, 2]))
except RuntimeError as e:
    print(type(e).__name__, e)

# ---- advanced indexing -------------------------------------------------------------------------
a = torch.arange(24).reshape(2, 3, 4)
print(a[[0, 1], [1, 2]], a[:, [0, 2], 1:3].shape, a[..., [3, 0]].shape)
print(a[torch.tensor([[0], [1]]), torch.tensor([0, 2])].shape, a[:, None, [1]].shape)
print(a[a % 5 == 0], a[a.sum(-1) > 30].shape, a[:, torch.tensor([True, False, True])].shape)
print(a[1, :, [True, False, False, True]])
try:
    a[torch.tensor([True, False])[:, None]]
except IndexError as e:
    print(type(e).__name__, e)
try:
    a[:, [0, 3]]
except IndexError as e:
    print(type(e).__name__, e)
for bad in [(0, [5]), (None, 1, 5), (Ellipsis, [9]), ([0], slice(None), [5]), ([9], 5), (slice(None), [1], [7])]:
    try:
        a[bad]
    except IndexError as e:
        print(type(e).__name__, e)
print(torch.ones(3, 0)[[5]].shape, a[False, 0, [9]].shape)
try:
    a[torch.tensor([0.0, 1.0])]
except IndexError as e:
    print(type(e).__name__, e)
try:
    a[[0, 1], [0, 1, 2]]
except IndexError as e:
    print(type(e).__name__, e)
acc = torch.zeros(5)
acc.index_put_((torch.tensor([0, 1, 1, 4]),), torch.tensor([1.0, 2.0, 3.0, 4.0]), accumulate=True)
print(acc, torch.zeros(5).index_add(0, torch.tensor([0, 1, 1]), torch.ones(3), alpha=2))
b = torch.zeros(3, 4)
b[[0, 2], [1, 3]] = torch.tensor([5.0, 6.0])
b[b == 0] = -1
b[1] += 10
b[:, 0] *= 2
print(b)
print(torch.take(a, torch.tensor([0, 23, 5])), torch.take_along_dim(a, a.argmax(-1, keepdim=True), -1).squeeze(-1))
print(a.index_select(2, torch.tensor([3, 1])).shape, a.masked_select(a > 20), torch.nonzero(a[0] > 8).T)

# ---- tril / triu masks -----------------------------------------------------------------------
T = 5
print(torch.tril(torch.ones(T, T), diagonal=-1).sum(), torch.triu(torch.ones(T, T, dtype=torch.bool), 1).sum())
print(torch.ones(3, 5).tril(1), torch.tril_indices(3, 3), torch.triu_indices(3, 4, 1))
causal = torch.full((4, 4), float("-inf")).triu(1)
print(causal, (torch.zeros(4, 4) + causal).softmax(-1)[2])
band = torch.ones(5, 5).triu(-1).tril(1)
print(band.int(), torch.diag_embed(torch.arange(1., 4.)), torch.diagonal(a, dim1=1, dim2=2))

# ---- in-place ops through views --------------------------------------------------------------------
base = torch.zeros(3, 4)
row = base[1]
col = base[:, 2]
row += 1
col.fill_(7)
base.T[0].add_(100)
print(base, row._version, base._version, row._base is base)
flat = base.view(-1)
flat[::5] = -1
print(base, flat.data_ptr() == base.data_ptr())
sub = base[:, 1:3]
sub.mul_(0).add_(torch.tensor([1.0, 2.0]))
print(base, sub.is_contiguous(), sub.storage_offset())
e = torch.ones(1, 3).expand(2, 3)
try:
    e.add_(1)
except RuntimeError as err:
    print(type(err).__name__, err)
try:
    torch.ones(3).add_(torch.ones(2, 3))
except RuntimeError as err:
    print(type(err).__name__, err)
try:
    torch.ones(3, dtype=torch.long).mul_(1.5)
except RuntimeError as err:
    print(type(err).__name__, err)
w = torch.randn(3, requires_grad=True)
try:
    w[0] = 1.0
except RuntimeError as err:
    print(type(err).__name__, err)
y = w * 2
y[0] = 0.0
print(y.grad_fn.name(), y.grad_fn.next_functions[0][0].name())
y.sum().backward()
print(w.grad)
z = w.clone()
v = z[1:]
v.exp_()
print(z.grad_fn.name(), v.grad_fn.name(), type(z.grad_fn).__name__)
d = z.detach()
print(d._base, z[1:].detach()._base, d._version == z._version)
try:
    z[1:].detach_()
except RuntimeError as err:
    print(type(err).__name__, str(err)[:48])
try:
    torch.ones(4)[:2].detach_()
except RuntimeError as err:
    print(type(err).__name__, str(err)[:48])
zz = w * 1
dz = zz[:2].detach()
dz.mul_(w[:2])
print(zz.grad_fn.name(), dz.grad_fn.name(), dz._base)
z.sum().backward()
print(w.grad.round(decimals=4))
q = torch.arange(6.).reshape(2, 3)
qt = q.t()
qt[0, 1] = 50
print(q, q.unsqueeze(0).expand(2, 2, 3).shape, q.expand(2, -1).shape)
try:
    q.expand(3, 3)
except RuntimeError as err:
    print(type(err).__name__, err)
try:
    q.expand(2)
except RuntimeError as err:
    print(type(err).__name__, err)
