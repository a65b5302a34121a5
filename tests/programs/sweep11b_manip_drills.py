"""Tensor manipulation drills: views versus copies, reshaping errors, expand/repeat, squeezing,
transposes, splitting in every flavour, stacking errors, where/masked_fill, in-place ops on views
and autograd's version-counter check, strides and storage offsets."""
import torch


def attempt(name, fn):
    try:
        out = fn()
        if isinstance(out, (tuple, list)):
            print(name, "->", [tuple(o.shape) for o in out], [o.tolist() for o in out])
        else:
            print(name, "->", tuple(out.shape), out.tolist())
    except Exception as e:
        print(name, "->", type(e).__name__, e)


x = torch.arange(24).reshape(2, 3, 4)
print(x.shape, x.stride(), x.storage_offset(), x.is_contiguous())
t = x.transpose(1, 2)
print(t.shape, t.stride(), t.is_contiguous(), t.contiguous().stride(), t.contiguous().is_contiguous())
attempt("view ok", lambda: x.view(6, 4))
attempt("view -1", lambda: x.view(-1, 8))
attempt("view bad numel", lambda: x.view(5, 5))
attempt("view two -1", lambda: x.view(-1, -1))
attempt("view noncontig", lambda: t.view(24))
attempt("reshape noncontig", lambda: t.reshape(24)[:6])
attempt("view dtype", lambda: torch.arange(4, dtype=torch.int32).view(torch.int16))
attempt("reshape bad", lambda: x.reshape(7, -1))
print("reshape shares", x.reshape(6, 4).data_ptr() == x.data_ptr(), t.reshape(24).data_ptr() == x.data_ptr())
print("flatten", x.flatten(1).shape, x.flatten(0, 1).shape, torch.flatten(x).shape, x.unflatten(2, (2, 2)).shape)

v = torch.tensor([[1], [2], [3]])
e = v.expand(3, 4)
r = v.repeat(1, 4)
print("expand", e.tolist(), e.stride(), e.data_ptr() == v.data_ptr(), e.is_contiguous())
print("repeat", r.tolist(), r.stride(), r.data_ptr() == v.data_ptr())
print("expand -1", v.expand(2, -1, 5).shape, torch.tensor([1, 2]).repeat(2, 2).tolist())
attempt("expand bad", lambda: v.expand(3, 2, 1, 4) if False else torch.ones(2, 3).expand(4, 3))
attempt("repeat few dims", lambda: torch.ones(2, 3).repeat(2))
print("repeat_interleave", torch.tensor([1, 2, 3]).repeat_interleave(2).tolist(),
      torch.tensor([[1, 2], [3, 4]]).repeat_interleave(torch.tensor([1, 2]), dim=0).tolist())

s = torch.zeros(1, 3, 1, 2, 1)
print("squeeze", s.squeeze().shape, s.squeeze(0).shape, s.squeeze(1).shape, s.squeeze((0, 2)).shape,
      s.squeeze((0, 4, 1)).shape, s.squeeze(-1).shape)
print("unsqueeze", torch.ones(3).unsqueeze(0).shape, torch.ones(3).unsqueeze(-1).shape,
      torch.ones(2, 3).unsqueeze(1).shape, torch.ones(3)[None, :, None].shape)
attempt("unsqueeze bad", lambda: torch.ones(3).unsqueeze(3))
attempt("squeeze bad", lambda: s.squeeze(5))
print("permute", x.permute(2, 0, 1).shape, x.permute(2, 0, 1).stride(), x.mT.shape, x.mT.stride())
print("movedim", x.movedim(0, -1).shape, x.movedim((0, 1), (2, 0)).shape, torch.moveaxis(x, 2, 0).shape)
attempt("permute bad", lambda: x.permute(0, 1))
attempt("permute dup", lambda: x.permute(0, 1, 1))
attempt("transpose bad", lambda: x.transpose(0, 3))
attempt("t 3d", lambda: x.t())
n = x.narrow(2, 1, 2)
print("narrow", n.tolist(), n.storage_offset(), n.stride(), n.is_contiguous())
attempt("narrow bad", lambda: x.narrow(2, 3, 2))

a = torch.arange(10)
attempt("chunk 3", lambda: a.chunk(3))
attempt("chunk 4", lambda: torch.arange(6).chunk(4))
attempt("split 4", lambda: a.split(4))
attempt("split sizes", lambda: a.split([2, 3, 5]))
attempt("split bad sizes", lambda: a.split([2, 3]))
attempt("tensor_split sections", lambda: a.tensor_split(3))
attempt("tensor_split indices", lambda: a.tensor_split([1, 4, 8]))
attempt("tensor_split tensor", lambda: torch.tensor_split(a, torch.tensor([2, 5])))
attempt("tensor_split 2d", lambda: torch.arange(12).reshape(3, 4).tensor_split(2, dim=1))
m = torch.arange(16).reshape(4, 4)
attempt("hsplit", lambda: torch.hsplit(m, 2))
attempt("hsplit idx", lambda: torch.hsplit(m, [1, 3]))
attempt("vsplit", lambda: torch.vsplit(m, [3]))
attempt("dsplit", lambda: torch.dsplit(torch.arange(8).reshape(1, 2, 4), 2))
attempt("hsplit bad", lambda: torch.hsplit(m, 3))
attempt("dsplit 2d", lambda: torch.dsplit(m, 2))
attempt("unbind", lambda: m.unbind(1))

p, q = torch.ones(2, 3), torch.zeros(2, 3)
attempt("stack 0", lambda: torch.stack([p, q]))
attempt("stack -1", lambda: torch.stack([p, q], dim=-1))
attempt("cat 1", lambda: torch.cat([p, q], dim=1))
attempt("stack bad", lambda: torch.stack([p, torch.zeros(3, 2)]))
attempt("cat bad", lambda: torch.cat([p, torch.zeros(3, 2)], dim=1))
attempt("cat dim", lambda: torch.cat([p, q], dim=2))
attempt("cat empty", lambda: torch.cat([]))
attempt("cat dtype", lambda: torch.cat([p, torch.zeros(2, 3, dtype=torch.int64)]))
attempt("hstack/vstack", lambda: (torch.hstack([p, q]), torch.vstack([p, q]), torch.dstack([p, q])))

w = torch.tensor([[0.0, 1.5], [-2.0, 0.0]])
print("where 1-arg", torch.where(w), torch.nonzero(w).tolist(), torch.nonzero(w, as_tuple=True))
print("where 3-arg", torch.where(w > 0, w, torch.zeros_like(w)).tolist(), torch.where(w < 0, 1.0, w).tolist())
print("where scalar", torch.where(w != 0, 7, -7), torch.where(w > 0, w, 0).dtype)
y = w.clone()
y.masked_fill_(y == 0, -1.0)
print("masked_fill_", y.tolist(), w.masked_fill(w > 0, 9).tolist())
attempt("masked_fill bad", lambda: w.masked_fill(torch.tensor([1, 0]), 1.0))

base = torch.zeros(3, 4)
row = base[1]
row.add_(5)
col = base[:, 2]
col.mul_(2).add_(1)
print("views in place", base.tolist(), row.storage_offset(), col.storage_offset(), col.stride())
print("view of view", base[1:, 1:][0].storage_offset(), base[1:, 1:].data_ptr() == base.data_ptr())
print("_base", row._base is base, base._base is None, row.is_contiguous(), col.is_contiguous())
c = base.view(12)
c[0] = 42
print("view write", base[0, 0].item(), base.numel(), base.element_size(), base.nelement())
lf = torch.ones(3, requires_grad=True)
attempt("leaf in-place", lambda: lf.add_(1))
h = lf * 2
h2 = h.exp()
h.add_(1)
try:
    h2.sum().backward()
except RuntimeError as err:
    print("RuntimeError", str(err).split(" Hint:")[0])
print("version", h._version, lf._version)
k = lf.sigmoid()
kk = k * 3
k.mul_(2)
try:
    kk.sum().backward()
except RuntimeError as err:
    print("RuntimeError", str(err).split(" Hint:")[0])
g = lf.clone()
g[0] = 10.0
g.sum().backward()
print("clone then set", lf.grad.tolist(), type(g.grad_fn).__name__)
dv = lf.detach()
print("detach shares", dv.data_ptr() == lf.data_ptr(), dv.requires_grad)
