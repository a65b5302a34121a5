"""Shape ops that keep the elements in order: view, reshape, flatten, unflatten, squeeze,
unsqueeze, expand (and its forms), contiguous, sum_to_size.

A view is a new tensor over the same NumPy memory: it shares the base's version counter (``_vc``)
and points at the base (``_base``), so an in-place change through one is seen by the other.
"""
import numpy as np

from . import _view_creation
from ..autograd import _inference
from ..autograd.graph import Node
from ._common import GRAD, Tensor, _wrap, record1
from .._tensor import _wrap_dim


from .._sizes import int_list  # noqa: E402
from .._arg_refuse import not_a_tensor
from .._meta import _NoData


def sizes_arg(sizes, fn=None, arg="size"):
    """``f(2, 3)``, ``f((2, 3))`` and ``f(torch.Size([2, 3]))`` all mean the sizes (2, 3).  With ``fn`` (the
    function's name) anything but ints is refused with torch's argument-parser errors."""
    if fn is not None:
        return tuple(int_list(sizes, fn, arg))
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = sizes[0]
    for s in sizes:
        if s.__class__ is not int:
            from .._arg_refuse import ints
            return ints(sizes)
    return tuple(sizes)


def or_keyword(args, value, name, fn):
    """Sizes or dims given as ``f(2, 3)`` / ``f((2, 3))``, or by keyword ``f(name=(2, 3))``, as torch
    takes them; both at once is torch's TypeError."""
    if value is None:
        return args
    if args:
        raise TypeError(f"{fn}() got multiple values for argument '{name}'")
    return (value,)


from weakref import ref as _ref  # noqa: E402


class ViewRef(_ref):
    """A base's weak reference to one of its views. A Python weakref to a tensor is the user's in
    torch (``swap_tensors`` refuses such a tensor); these are glasstorch's own and do not count."""
    __slots__ = ()


def _register_view(base, r):
    """Note view ``r`` in its base's list of views (weak references; the dead ones are dropped
    whenever the list has doubled since the last sweep)."""
    d = base.__dict__
    views = d.get("_views")
    if views is None:
        views = d["_views"] = []
    views.append(ViewRef(r))
    if len(views) > d.get("_views_cap", 32):
        views[:] = [w for w in views if w() is not None]
        d["_views_cap"] = max(32, 2 * len(views))


def as_view(input, arr):
    """Wrap ``arr`` (a NumPy view of ``input``'s data) as a torch view of ``input``."""
    if input._data.__class__ is _NoData and arr.__class__ is not _NoData:
        arr = arr.view(_NoData)     # a view of a meta tensor is a meta tensor (NumPy's striding drops the class)
    r = _wrap(arr)
    r._vc = input._vc
    r._base = base = input if input._base is None else input._base
    if GRAD.enabled:        # (the base's later in-place changes re-point its views: refresh_views)
        _register_view(base, r)
    if GRAD.inference or r._vc.__class__ is not list:
        _inference.view_of(r, input)
    if input._custom_fn_view:
        r._custom_fn_view = True
    if input._multi_view:
        r._multi_view = True
    if input._rg and not GRAD.enabled:
        _no_grad_view(r)
    if not GRAD.enabled or input.__dict__.get("_made_in"):
        _view_creation.mark(r, input)
    if arr.dtype.kind == "c" and input.__dict__.get("_is_conj"):
        r.__dict__["_is_conj"] = True          # a view of a conj view keeps the conj bit (z.conj().T)
    if "_is_neg" in input.__dict__:
        r.__dict__["_is_neg"] = True           # as does a view of a neg view its negative bit
    return r


class NoGradViewSink(Node):
    """Where gradients for a view made under no_grad go: nowhere.  torch's view of a tensor that
    requires grad still reports ``requires_grad=True`` when made in no_grad mode, so what is
    computed from it later records a graph, but the view has no grad accumulator of its own."""
    __slots__ = ()

    def backward(self, g):
        return ()


def _no_grad_view(r):
    r._rg = True
    sink = r._accum = NoGradViewSink()
    sink.next_functions = ()
    sink._shape, sink._dtype = r._data.shape, r._data.dtype
    r.__dict__["_no_grad_view"] = True      # in-place changes to it in grad mode are refused


def is_array(g):
    return isinstance(g, (np.ndarray, np.generic))


# ---- view / reshape ----------------------------------------------------------------------------
class ViewBackward0(Node):
    """y = x.view(shape)   ->   dx = g.reshape(x.shape)"""
    __slots__ = ("shape",)

    def backward(self, g):
        return (g.reshape(self.shape),)


class UnsafeViewBackward0(ViewBackward0):
    """y = (copy of x).view(shape)   ->   dx = g.reshape(x.shape)"""
    __slots__ = ()


class ReshapeAliasBackward0(ViewBackward0):
    """y = x.reshape(shape), x strided but viewable   ->   dx = g.reshape(x.shape)"""
    __slots__ = ()


def infer_shape(shape, numel):
    """Replace one -1 in ``shape``; torch's errors for a second -1 or a size that does not fit."""
    inferred = False
    for i, s in enumerate(shape):           # in order, as torch meets them
        if s == -1:
            if inferred:
                raise RuntimeError("only one dimension can be inferred")
            inferred = True
        elif s < -1:
            raise RuntimeError(f"invalid shape dimension {s} at index {i} of shape {list(shape)}")
    known = 1
    for s in shape:
        if s != -1:
            known *= s
    if -1 in shape:
        if known == 0 and numel == 0:
            raise RuntimeError(f"cannot reshape tensor of 0 elements into shape {list(shape)} because the "
                               f"unspecified dimension size -1 can be any value and is ambiguous")
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        return tuple(numel // known if s == -1 else s for s in shape)
    if known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return shape


def _reshape_nocopy(x, shape):
    """``x`` reshaped without copying, or None when its strides make that impossible; with torch's strides
    (NumPy picks its own for size-1 dims and for inputs not in C order)."""
    if x.flags.c_contiguous and 1 not in x.shape and 1 not in shape and x.size:
        return np.reshape(x, shape)
    from ._restride import strided_view, view_strides
    item = x.itemsize
    st = view_strides(x.shape, tuple(s // item for s in x.strides), tuple(shape))
    return None if st is None else strided_view(x, shape, st)


def _record_view(node_cls, input, r, shape_attr=True):
    if GRAD.enabled and input._rg:
        node = node_cls()
        node.shape = input._data.shape
        record1(node, r, input)
    return r


def view(input, *shape, size=None):
    if size is not None:
        shape = or_keyword(shape, size, "size", "view")
    if len(shape) == 1 and shape[0].__class__ is not int and _is_dtype(shape[0]):
        return view_dtype(input, shape[0])
    shape = infer_shape(sizes_arg(shape, "view"), input._data.size)
    arr = _reshape_nocopy(input._data, shape)
    if arr is None:
        raise RuntimeError("view size is not compatible with input tensor's size and stride (at least one "
                           "dimension spans across two contiguous subspaces). Use .reshape(...) instead.")
    return _record_view(ViewBackward0, input, as_view(input, arr))


def _is_dtype(x):
    """What torch's parser takes as a ``torch.dtype``: a dtype, or one of the Python types float, int ..."""
    from .._dtype import dtype
    return type(x) is dtype or any(x is t for t in (float, int, bool, complex))


def view_dtype(input, dtype):
    """``x.view(torch.int32)``: the same bytes read as another dtype of the same size."""
    from .._dtype import to_dtype
    dt = to_dtype(dtype)
    if "_is_conj" in input.__dict__:     # (torch refuses a conj view even for its own dtype)
        raise RuntimeError("torch.Tensor.view is not supported for conjugate view tensors when converting to a "
                           "different dtype.")
    if dt.itemsize != input._data.itemsize:
        from ._view_dtype import view_other_size
        return as_view(input, view_other_size(input, dt))
    return as_view(input, input._data.view(dt.np))


def reshape(input, *args, shape=None):
    if shape is not None:
        args = or_keyword(args, shape, "shape", "reshape")
    try:
        n = input._data.size
    except AttributeError:      # a non-tensor: torch's parser error
        not_a_tensor()
    shape = infer_shape(sizes_arg(args, "reshape", "shape"), n)
    arr = _reshape_nocopy(input._data, shape)
    if arr is not None:
        # a non-contiguous input that can still be viewed goes through torch's _reshape_alias
        node_cls = ViewBackward0 if input._data.flags.c_contiguous else ReshapeAliasBackward0
        return _record_view(node_cls, input, as_view(input, arr))
    # torch copies first (CloneBackward0), then views the private copy (UnsafeViewBackward0)
    from .conversion import clone
    c = clone(input)
    r = _wrap(c._data.reshape(shape))
    return _record_view(UnsafeViewBackward0, c, r)


def ravel(input):
    """The elements as one dimension: torch's ``contiguous().view(-1)`` (a copy only when not C-ordered)."""
    try:
        _ = input._data
    except AttributeError:      # a non-tensor: torch's parser error
        not_a_tensor()
    return view(contiguous(input), -1)


def view_as(input, other):
    try:
        shape = other._data.shape
    except AttributeError:          # not a tensor: torch's parser error
        not_a_tensor()
    return view(input, shape)


def reshape_as(input, other):
    try:
        shape = other._data.shape
    except AttributeError:          # not a tensor: torch's parser error
        not_a_tensor()
    return reshape(input, shape)


def flatten(input, start_dim=0, end_dim=-1):
    try:
        x = input._data
    except AttributeError:          # not a tensor: torch's parser error
        not_a_tensor()
    if start_dim.__class__ is not int or end_dim.__class__ is not int:
        from .._arg_refuse import refusal
        err = refusal()             # torch's parser refuses wrong types before either dim is wrapped
        if err is not None:
            raise err
    if x.ndim == 0:
        _wrap_dim(start_dim, 0)          # a 0-d tensor takes dims -1 and 0 only
        _wrap_dim(end_dim, 0)
        return reshape(input, 1)
    s = _wrap_dim(start_dim, x.ndim)
    e = _wrap_dim(end_dim, x.ndim)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input
    n = 1
    for d in x.shape[s:e + 1]:
        n *= d
    return reshape(input, x.shape[:s] + (n,) + x.shape[e + 1:])


def unflatten(input, dim, sizes):
    x = input._data
    if hasattr(sizes, "__len__") and len(sizes) == 0:     # torch's Python Tensor.unflatten checks this first
        raise RuntimeError("unflatten: sizes must be non-empty")
    if dim.__class__ is not int:
        from .._arg_refuse import int_arg
        dim = int_arg(dim)
    if x.ndim == 0:        # torch's Python wrapper reports the C++ error inside its own message
        raise RuntimeError("unflatten got an unexpected error:\nDimension specified as 0 but tensor has no dimensions")
    d = _wrap_dim(dim, x.ndim)
    sizes = tuple(int(s) for s in sizes)
    if len(sizes) == 0:
        raise RuntimeError("unflatten: sizes must be non-empty")
    try:        # torch's unflatten reports infer_size's own errors inside its message, a wrong product as its own
        inner = tuple(infer_shape(sizes, x.shape[d]))
    except RuntimeError as e:
        if "is invalid for input of size" not in str(e):
            raise RuntimeError(f"unflatten got an unexpected error:\n{e}") from None
        raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim {d} "
                           f"({x.shape[d]}) in the input tensor") from None
    return view(input, x.shape[:d] + inner + x.shape[d + 1:])


# ---- squeeze / unsqueeze -------------------------------------------------------------------------
class SqueezeBackward0(Node):
    """y = x.squeeze()   ->   dx = g.reshape(x.shape)"""
    __slots__ = ("shape",)

    def backward(self, g):
        return (g.reshape(self.shape),)


class SqueezeBackward1(SqueezeBackward0):
    """y = x.squeeze(d)   ->   dx = g.reshape(x.shape)"""
    __slots__ = ()


class SqueezeBackward2(SqueezeBackward0):
    """y = x.squeeze(dims)   ->   dx = g.reshape(x.shape)"""
    __slots__ = ()


class SqueezeBackward4(SqueezeBackward0):
    """y = x.squeeze_(d) (in place; matmul's 1-d @ 2-d uses it)   ->   dx = g.reshape(x.shape)"""
    __slots__ = ()


def squeeze(input, dim=None):
    try:
        x = input._data
    except AttributeError:          # not a tensor: torch's parser error
        not_a_tensor()
    if dim is None:
        node_cls, axes = SqueezeBackward0, tuple(i for i, s in enumerate(x.shape) if s == 1)
    elif isinstance(dim, (tuple, list)):
        if any(d.__class__ is not int for d in dim):
            from .._arg_refuse import refusal
            err = refusal()         # the parser refuses a list with a non-int before any dim is wrapped
            if err is not None:
                raise err
        node_cls = SqueezeBackward2
        seen = []
        for d in dim:               # torch wraps each dim in turn and refuses one seen before
            a = _wrap_dim(d, x.ndim)
            if a in seen:
                raise RuntimeError(f"dim {a} appears multiple times in the list of dims")
            seen.append(a)
        axes = tuple(a for a in seen if x.ndim and x.shape[a] == 1)
    else:
        node_cls = SqueezeBackward1
        a = _wrap_dim(dim, x.ndim)
        axes = (a,) if x.ndim and x.shape[a] == 1 else ()
    return _record_view(node_cls, input, as_view(input, np.squeeze(x, axes) if axes else x.view()))


class UnsqueezeBackward0(Node):
    """y = x.unsqueeze(d)   ->   dx = g.squeeze(d)"""
    __slots__ = ("dim",)

    def backward(self, g):
        if is_array(g):
            return (np.squeeze(g, self.dim),)
        return (g.squeeze(self.dim),)


def unsqueeze(input, dim):
    if input.__class__ is not Tensor and getattr(input, "is_sparse", False):
        return input.unsqueeze(dim)          # a sparse tensor stays sparse (sparse/_select.py)
    try:
        x = input._data
    except AttributeError:          # not a tensor: torch's parser error
        not_a_tensor()
    d = _wrap_dim(dim, x.ndim + 1)
    shape = x.shape[:d] + (1,) + x.shape[d:]
    if x.flags.c_contiguous and x.size and 1 not in x.shape:
        # contiguous (and no size-1 dim, whose stride may be anything): NumPy's reshape gives the new dim
        # the stride torch does (it steps over dim d)
        r = as_view(input, x.reshape(shape))
    else:
        from .storage import stride as _stride
        from ._restride import strided_view
        st = list(_stride(input))
        # torch's new stride: the one that would step over dim d (1 past the last dim)
        st.insert(d, x.shape[d] * st[d] if d < x.ndim else 1)
        r = as_view(input, strided_view(x, shape, st))
    if GRAD.enabled and input._rg:
        node = UnsqueezeBackward0()
        node.dim = d
        record1(node, r, input)
    return r


from .expand import ExpandBackward0, expand, expand_as, broadcast_to  # noqa: E402,F401  (shape's API)
from .broadcast import broadcast_tensors, broadcast_shapes  # noqa: E402,F401  (shape's API)


def contiguous(input, memory_format=None):
    """The tensor itself when already laid out so (C order by default); otherwise a copy (CloneBackward0),
    as torch."""
    from .conversion import clone, is_contiguous_as
    from .._runtime import contiguous_format
    fmt = getattr(memory_format, "name", None)
    if fmt == "preserve_format":
        raise RuntimeError("preserve memory format is unsupported by the contiguous operator")
    if is_contiguous_as(input._data, fmt):
        return input
    return clone(input, memory_format=memory_format or contiguous_format)


def sum_to_size(input, *size):
    """Sum ``input`` down to ``size`` (used by the engine when it builds a graph of the backward)."""
    size = sizes_arg(size)
    shape = input._data.shape
    lead = len(shape) - len(size)
    if lead < 0 or any(s != t and s != 1 for s, t in zip(size, shape[lead:])):
        def br(v):
            return "[" + ", ".join(map(str, v)) + "]"
        raise RuntimeError(f"size {{{br(size)}}} is not expandable to size {{{br(shape)}}}.")
    if not size:
        return input.sum()
    # as torch's sum_to: one sum over the leading axes and the size-1 ones, keepdim, then a view
    axes = tuple(range(lead)) + tuple(i + lead for i, s in enumerate(size) if s == 1 and shape[i + lead] != 1)
    out = input.sum(axes, keepdim=True) if axes else input
    return out.view(size) if lead else out


__all__ = ["view", "reshape", "view_as", "reshape_as", "flatten", "unflatten", "squeeze", "unsqueeze", "expand",
           "expand_as", "broadcast_to", "broadcast_tensors", "broadcast_shapes", "contiguous", "sum_to_size",
           "Tensor"]
