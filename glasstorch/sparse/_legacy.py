"""``torch.sparse.FloatTensor(...)`` & co, the legacy sparse constructors (LightGCN's and NGCF's reference
code builds its normalised adjacency with ``torch.sparse.FloatTensor(indices, values, size)``).

torch binds their arguments against (tensor_new.cpp, legacy_sparse_tensor_generic_ctor_new)::

    new(*, Device? device=None)                                          -> an empty (0,) tensor
    new(Tensor indices, Tensor values, *, Device? device=None)            -> sparse_coo_tensor(indices, values)
    new(Tensor indices, Tensor values, IntArrayRef size, *, Device? ...)  -> the same with that size
    new(SymIntArrayRef size, *, Device? device=None)                     -> an empty tensor of that size

each warning once per process that it is deprecated.  The values keep their own dtype (the class's
dtype is only that of the empty forms); the indices must be int64; the size is not checked against
the indices.  ``isinstance(x, torch.sparse.FloatTensor)``: a COO tensor of that dtype.
"""
from .. import _dtype as _dt
from .._legacy_ctor import tensortype

SIGNATURES = (
    "new(*, Device? device=None)",
    "new(*, int64_t cdata)|hidden",
    "new(Tensor indices, Tensor values, *, Device? device=None)",
    "new(Tensor indices, Tensor values, IntArrayRef size, *, Device? device=None)",
    "new(SymIntArrayRef size, *, Device? device=None)",
)
_WHERE = " (Triggered internally at /__w/pytorch/pytorch/torch/csrc/utils/tensor_new.cpp:{}.)"
_DEPRECATED = {
    "empty": ("torch.sparse.SparseTensor() is deprecated.  Please use torch.sparse_coo_tensor((0,), dtype=)."
              + _WHERE.format(623)),
    "pair": ("torch.sparse.SparseTensor(indices, values, *, device=) is deprecated.  Please use "
             "torch.sparse_coo_tensor(indices, values, dtype=, device=)." + _WHERE.format(641)),
    "sized": ("torch.sparse.SparseTensor(indices, values, shape, *, device=) is deprecated.  Please use "
              "torch.sparse_coo_tensor(indices, values, shape, dtype=, device=)." + _WHERE.format(653)),
    "shape": ("torch.sparse.SparseTensor(shape, *, device=) is deprecated.  Please use "
              "torch.sparse_coo_tensor(shape, dtype=, device=)." + _WHERE.format(684)),
}


def _bind(args, kwargs):
    """(form, indices, values, size) for a call one of the signatures takes, else torch's TypeError."""
    from .._arg_parser import parser_error
    from .._device import Size
    from .._legacy_ctor import _is_int
    from .._tensor import Tensor
    kw = {k: v for k, v in kwargs.items() if k != "device"}
    if not args and not kw:
        return "empty", None, None, None
    named = [kw.pop(k, None) for k in ("indices", "values", "size")]
    if not kw:
        pos = list(args) + [v for v in named if v is not None]
        if len(pos) in (2, 3) and all(isinstance(p, Tensor) for p in pos[:2]):
            if len(pos) == 2:
                return "pair", pos[0], pos[1], None
            if isinstance(pos[2], (tuple, list)) and all(_is_int(s) for s in pos[2]):
                return "sized", pos[0], pos[1], tuple(int(s) for s in pos[2])
        if not kwargs.keys() - {"device", "size"} and pos:
            shape = pos[0] if len(pos) == 1 and isinstance(pos[0], (tuple, list, Size)) else pos
            if all(_is_int(s) for s in shape):
                return "shape", None, None, tuple(int(s) for s in shape)
    err = parser_error(SIGNATURES, args, kwargs)
    raise err if err is not None else TypeError("new(): invalid arguments")


def construct(dt, args, kwargs):
    from .._device import Size, device as _device
    from .._user_warning import warn_once
    from ._coo import sparse_coo_tensor
    form, indices, values, size = _bind(args, kwargs)
    dev = kwargs.get("device")
    if dev is not None:
        dev = dev if isinstance(dev, _device) else _device(dev)
        if dev.type != "cpu":
            raise RuntimeError(f"legacy constructor expects device type: cpu but device type: {dev.type} was passed")
    if form == "shape" and args and isinstance(args[0], (tuple, list)) and not isinstance(args[0], Size):
        # (torch binds a plain sequence to the size signature, then refuses it)
        raise TypeError("torch.sparse.SparseTensor(sequence) only accepts sizes.  Please use "
                        "torch.sparse_coo_tensor() or construct a strided tensor and convert it to sparse via "
                        "to_sparse.")
    warn_once("legacy_sparse_" + form, _DEPRECATED[form])
    if form in ("empty", "shape"):
        return sparse_coo_tensor(size=(0,) if form == "empty" else size, dtype=dt, check_invariants=False)
    if indices.dtype is not _dt.int64:
        raise RuntimeError("indices must be an int64 tensor")
    return sparse_coo_tensor(indices, values, size, check_invariants=False)


class sparse_tensortype(tensortype):
    """The legacy sparse classes: ``isinstance`` by COO layout and dtype, class-level ``layout`` and
    ``is_sparse`` (``type(torch.sparse.FloatTensor)`` is ``torch.tensortype`` too)."""

    def __instancecheck__(cls, obj):
        return getattr(obj, "layout", None) is _coo_layout() and obj.dtype is cls._legacy_dtype

    @property
    def layout(cls):
        return _coo_layout()

    is_sparse = property(lambda cls: True)


sparse_tensortype.__name__ = sparse_tensortype.__qualname__ = "tensortype"
sparse_tensortype.__module__ = "torch"


def _coo_layout():
    from ._coo import sparse_coo
    return sparse_coo


def _legacy_class(name, dt):
    def __new__(cls, *args, **kwargs):
        return construct(dt, args, kwargs)
    return sparse_tensortype(name, (), {"__new__": __new__, "_legacy_dtype": dt, "_is_cuda": False,
                                        "__module__": "torch.sparse"})


FloatTensor = _legacy_class("FloatTensor", _dt.float32)
DoubleTensor = _legacy_class("DoubleTensor", _dt.float64)
HalfTensor = _legacy_class("HalfTensor", _dt.float16)
LongTensor = _legacy_class("LongTensor", _dt.int64)
IntTensor = _legacy_class("IntTensor", _dt.int32)
ShortTensor = _legacy_class("ShortTensor", _dt.int16)
CharTensor = _legacy_class("CharTensor", _dt.int8)
ByteTensor = _legacy_class("ByteTensor", _dt.uint8)

__all__ = ["FloatTensor", "DoubleTensor", "HalfTensor", "LongTensor", "IntTensor", "ShortTensor", "CharTensor",
           "ByteTensor"]
