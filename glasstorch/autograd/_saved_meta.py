"""The non-tensor values torch's common backward nodes save, under torch's names.

torch's generated nodes keep, besides tensors, the scalars and sizes their formulas need, and expose
each as ``grad_fn._saved_<name>`` (torchviz's ``make_dot(show_attrs=True)`` prints them all):

* ``AddBackward0`` / ``SubBackward0`` / ``RsubBackward0`` / ``RsubBackward1``: ``alpha``;
* ``SumBackward0``: ``self_sym_sizes``; ``MeanBackward0``: that and ``self_sym_numel``;
  ``SumBackward1`` / ``MeanBackward1`` add ``keepdim`` and ``dim``, the dims as the caller wrote them
  (negative ones wrapped to unsigned 64-bit, as torch's node keeps them);
* ``ViewBackward0`` / ``UnsafeViewBackward0``: ``self_sym_sizes``, the input's shape;
* ``MmBackward0`` / ``AddmmBackward0``: each operand's ``*_sym_sizes`` always, its ``*_sym_strides`` only
  where that operand requires grad (its own formula is the one that needs them; else ``()``);
* ``MseLossBackward0``, ``SmoothL1LossBackward0`` (``beta``), ``HuberLossBackward0`` (``delta``):
  ``reduction`` as torch's enum (0 none, 1 mean, 2 sum);
* ``DivBackward2``: ``rounding_mode``;
* ``NansumBackward0``: ``self``, ``dim`` (None when not given) and ``keepdim``.

A Python number saved as an operand (``a * 2``'s ``_saved_other``) reads as torch's wrapped 0-d tensor.

The values come from what the nodes already keep for backward; the matrix products record their
operands' layouts through ``mm_meta`` when the node is made.
"""
_REDUCTION = {"none": 0, "mean": 1, "sum": 2}
_MM_META = ("attr:{0}_sym_sizes", "attr:{0}_sym_strides")


def mm_meta(node, first, a, b):
    """Record the layouts of ``a`` (named ``first``: 'mat1' or 'self') and ``b`` ('mat2') as torch's mm/addmm
    node keeps them.  Only NumPy's own shape and byte-stride tuples are kept here (this runs on every linear
    layer's forward); ``_layout_props`` turns them into torch's sizes and element strides when read."""
    x = a._data
    y = b._data
    node.__dict__["_mm_layout"] = (x.shape, x.strides if a._rg else None, y.shape, y.strides if b._rg else None,
                                   x.itemsize)


def _elem_strides(shape, strides, itemsize):
    if strides is None:             # the operand needs no grad: torch keeps no strides for it
        return ()
    if 0 in shape and not any(strides):     # NumPy's empty arrays have zero strides, torch's contiguous ones
        from ..ops._layout import contiguous_strides
        return contiguous_strides(shape)
    return tuple(s // itemsize for s in strides)


def _layout_props(cls, first):
    """``<first>_sym_sizes`` / ``_sym_strides`` and ``mat2_sym_sizes`` / ``_sym_strides`` on node class ``cls``."""
    setattr(cls, first + "_sym_sizes", property(lambda self: tuple(self._mm_layout[0])))
    setattr(cls, first + "_sym_strides", property(
        lambda self: _elem_strides(self._mm_layout[0], self._mm_layout[1], self._mm_layout[4])))
    cls.mat2_sym_sizes = property(lambda self: tuple(self._mm_layout[2]))
    cls.mat2_sym_strides = property(
        lambda self: _elem_strides(self._mm_layout[2], self._mm_layout[3], self._mm_layout[4]))


def wrapped_number(node, key, x):
    """``grad_fn._saved_other`` of ``a * 2``: torch wraps a Python number operand as a 0-d tensor (int64,
    float64, complex128 or bool) and saves that, so every access returns the same tensor."""
    d = node.__dict__
    t = d.get("_wrapped_" + key)
    if t is None:
        from .._tensor import _wrap
        import numpy as np
        dt = {bool: np.bool_, int: np.int64, float: np.float64, complex: np.complex128}[x.__class__]
        t = d["_wrapped_" + key] = _wrap(np.array(x, dtype=dt))
    return t


def _with_meta(cls, *operands):
    extra = tuple(f.format(o) for o in operands for f in _MM_META)
    cls._saved_names = tuple(cls._saved_names or ()) + extra


def _prop(fn):
    return property(fn)


def install():
    """Give the node classes their torch names (run once glasstorch's modules are all imported)."""
    from ..ops import arithmetic, matmul, reduction, shape
    from ..nn._ops import linear, loss
    for cls in (arithmetic.AddBackward0, arithmetic.SubBackward0, arithmetic.RsubBackward0, arithmetic.RsubBackward1):
        cls._saved_names = ("attr:alpha",)
    for cls in (matmul.AddmmBackward0, linear.AddmmBackward0):
        _with_meta(cls, "mat1", "mat2")
        _layout_props(cls, "mat1")
    for cls in (matmul.MmBackward0, linear.MmBackward0):
        _with_meta(cls, "self", "mat2")
        _layout_props(cls, "self")
    matmul.BmmBackward0._saved_names = ("mat2", "self")     # torch's bmm keeps only the two tensors
    matmul.BaddbmmBackward0._saved_names = ("attr:alpha", "attr:beta", "batch1", "batch2")
    sizes = _prop(lambda self: tuple(self.shape))
    reduction.SumBackward0._saved_self_sym_sizes = sizes
    reduction.SumBackward1._saved_self_sym_sizes = sizes
    reduction.MeanBackward0._saved_self_sym_sizes = sizes
    reduction.MeanBackward1._saved_self_sym_sizes = sizes
    numel = _prop(lambda self: _numel(self.shape))
    reduction.MeanBackward0._saved_self_sym_numel = numel
    reduction.MeanBackward1._saved_self_sym_numel = numel
    from ..ops import misc_more
    misc_more.NansumBackward0._saved_names = ("self",)
    misc_more.NansumBackward0._saved_keepdim = _prop(lambda self: bool(self.keepdim))
    # (no dim given reads None here: nansum's dim is optional in its schema, sum's dim list is not)
    misc_more.NansumBackward0._saved_dim = _prop(
        lambda self: None if getattr(self, "dim", None) is None else _dims_written(self.dim))
    for cls in (reduction.SumBackward1, reduction.MeanBackward1):
        cls._saved_keepdim = _prop(lambda self: bool(self.keepdim))
        cls._saved_dim = _prop(lambda self: _dims_written(getattr(self, "dim", None)))
    shape.ViewBackward0._saved_self_sym_sizes = sizes
    for cls in (loss.MseLossBackward0, loss.SmoothL1LossBackward0, loss.HuberLossBackward0):
        cls._saved_names = ("self", "target")
        cls._saved_reduction = _prop(lambda self: _REDUCTION[self.reduction])
    loss.SmoothL1LossBackward0._saved_beta = _prop(lambda self: self.params["beta"])
    loss.HuberLossBackward0._saved_delta = _prop(lambda self: self.params["delta"])


def _dims_written(dim):
    """torch's ``_saved_dim``: the dims as the caller wrote them, kept as unsigned 64-bit ints (so -1 reads
    18446744073709551615); none given (a whole-tensor sum with ``keepdim``) reads ``()``."""
    if dim is None:
        return ()
    return tuple(int(d) % (1 << 64) for d in ((dim,) if hasattr(dim, "__index__") else dim))


def _numel(shape):
    n = 1
    for s in shape:
        n *= s
    return n
