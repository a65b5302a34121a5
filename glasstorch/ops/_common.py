"""What every op shares: turning operands into arrays of the result dtype, and recording a node.

The hot path is ``a * b`` on two tensors of one dtype: no promotion table is consulted, no
wrapper tensor is made for a Python number, and no node is recorded when grad is off.
"""
import operator

import numpy as np

from .._dtype import DEFAULT, FROM_NP, float16, float32, result_type, bool_
from ..autograd.grad_mode import GRAD
from .._func_captures import LEVELS as _CAPTURE_LEVELS
from .. import _func_captures as _captures
from ..autograd.graph import AccumulateGrad
from .. import _tensor as _T
from . import _parallel

_BIG = _parallel.MIN_SIZE

ndarray = np.ndarray
Tensor = _T.Tensor
_wrap = _T._wrap
_new = object.__new__
_SCALARS = (int, float, bool)


from ._fma32 import fma32  # noqa: E402,F401  (float32 a*b + c, rounded once)
from ..autograd.graph import ANOMALY  # noqa: E402  (anomaly mode's switch, read by ops and engine)
from .complex_grad import complex_node as _complex_node  # noqa: E402
from ._layout import ti as _ti, is_canonical as _is_canonical  # noqa: E402  (TensorIterator output strides)
from .._arg_refuse import not_a_tensor  # noqa: E402
# argument checks and zero_where live in ops/_inputs.py
from ._inputs import (is_tensor, zero_where, tensor_input, tensors_only, float_of,  # noqa: E402,F401
                      ints_in_float, unary_float_input)

_C64, _C128 = np.dtype(np.complex64), np.dtype(np.complex128)


_NO_EDGE = (None, 0)


def edge(t):
    """The (node, output_nr) a gradient for ``t`` flows to; (None, 0) if ``t`` needs none."""
    fn = t.grad_fn
    if fn is not None:
        return (fn, t._out_nr)
    if t._rg:
        acc = t._accum
        if acc is None:
            acc = t._accum = AccumulateGrad(t)
        return (acc, 0)
    return (None, 0)


def needs_grad(*ts):
    if not GRAD.enabled:
        return False
    for t in ts:
        if t.__class__ is Tensor or isinstance(t, Tensor):
            if t._rg:
                return True
    return False


def _remember_forward(node):
    """Anomaly mode: keep the forward traceback so a failing backward can point at the op."""
    import traceback
    ANOMALY.used = True
    node._anomaly = traceback.format_stack()[:-3]


def record(node, out, *inputs):
    """Make ``node`` the grad_fn of ``out``; its edges lead to ``inputs`` (numbers get none)."""
    node.next_functions = tuple([edge(x) if x.__class__ is Tensor or isinstance(x, Tensor) else _NO_EDGE
                                 for x in inputs])
    d = out._data
    node._shape = d.shape
    dt = node._dtype = d.dtype
    if (dt is _C64 or dt is _C128) and not node._complex_ready:   # identity: cheaper than dt.kind
        _complex_node(node)
    out.grad_fn = node
    out._rg = True
    if ANOMALY.enabled:
        _remember_forward(node)
    return out


def record2(node, out, a, b):
    """``record`` for two inputs (a tensor and a tensor or number), spelled out: the hot path of ``a * b``."""
    node.next_functions = (edge(a) if a.__class__ is Tensor or isinstance(a, Tensor) else _NO_EDGE,
                           edge(b) if b.__class__ is Tensor or isinstance(b, Tensor) else _NO_EDGE)
    d = out._data
    node._shape = d.shape
    dt = node._dtype = d.dtype
    if (dt is _C64 or dt is _C128) and not node._complex_ready:   # identity: cheaper than dt.kind
        _complex_node(node)
    out.grad_fn = node
    out._rg = True
    if ANOMALY.enabled:
        _remember_forward(node)
    return out


def record1(node, out, a):
    """``record`` for the common one-input case, without the generator."""
    node.next_functions = (edge(a),)
    d = out._data
    node._shape = d.shape
    dt = node._dtype = d.dtype
    if (dt is _C64 or dt is _C128) and not node._complex_ready:   # identity: cheaper than dt.kind
        _complex_node(node)
    out.grad_fn = node
    out._rg = True
    if ANOMALY.enabled:
        _remember_forward(node)
    return out


def as_array(r):
    """NumPy returns scalars from 0-d arithmetic; a tensor always holds an array."""
    return r if r.__class__ is ndarray else np.asarray(r)


def data_as(x, npdt):
    """An operand's values in NumPy dtype ``npdt``: a tensor's array (cast if needed); numbers as they are."""
    if isinstance(x, Tensor):
        return x._data if x._data.dtype == npdt else x._data.astype(npdt)
    return x


def scalar_for(x, dt):
    """A Python number as NumPy should see it next to an array of dtype ``dt``.

    NumPy treats Python numbers as weak like torch, but refuses integers out of range; torch
    wraps them, so we do the same."""
    if x.__class__ is int and dt._cat != 2:
        info = np.iinfo(dt.np) if dt._cat == 1 else None
        if info is not None and not (info.min <= x <= info.max):
            return np.array(x & ((1 << (8 * dt.itemsize)) - 1)).astype(dt.np)
    return x


_INT_MIN, _UINT_END = -2 ** 63, 2 ** 64       # a Python int torch's parser reads (as int64 or uint64)


def binary_operands(a, b):
    """(x, y, dtype): ``a`` and ``b`` as arrays (or weak numbers) in the dtype torch would use."""
    ca, cb = a.__class__, b.__class__
    if ca is Tensor:
        x = a._data
        if cb is Tensor:
            y = b._data
            xd = x.dtype
            if xd is y.dtype or xd == y.dtype:
                return x, y, FROM_NP[xd]
        elif cb is float or cb is int:
            # a weak Python number never changes a float tensor's dtype, nor an int tensor's for ints
            dt = FROM_NP[x.dtype]
            if (dt._cat == 2 and (cb is float or _INT_MIN <= b < _UINT_END)) or (
                    cb is int and dt._cat == 1 and 0 <= b <= 127):
                return x, b, dt
    elif cb is Tensor and (ca is float or ca is int):
        y = b._data
        dt = FROM_NP[y.dtype]
        if (dt._cat == 2 and (ca is float or _INT_MIN <= a < _UINT_END)) or (
                ca is int and dt._cat == 1 and 0 <= a <= 127):
            return a, y, dt
    if ca is ndarray or cb is ndarray:
        from ._ndarray_operand import with_ndarray
        return with_ndarray(a, b)
    dt = result_type(a, b)
    npdt = dt.np
    if isinstance(a, Tensor):
        x = a._data
        if x.dtype != npdt:
            x = x.astype(npdt)
    else:
        x = _number(a, dt)
    if isinstance(b, Tensor):
        y = b._data
        if y.dtype != npdt:
            y = y.astype(npdt)
    else:
        y = _number(b, dt)
    return x, y, dt


_F32 = np.dtype(np.float32)
_F64 = np.dtype(np.float64)
_empty = np.empty
_ROUND32 = {}


def float_arrays(ufunc, a, b):
    """``ufunc`` on two tensors of one float dtype whose result is neither one value nor large, else
    None.  The hot path of ``a * b``: one call straight to NumPy, no promotion, no dtype lookup
    (hashing a NumPy dtype costs more than the rest of this function)."""
    if a.__class__ is Tensor and b.__class__ is Tensor:
        x = a._data
        y = b._data
        xd = x.dtype
        if xd is y.dtype and (xd is _F32 or xd is _F64):
            nx = x.size
            ny = y.size
            if (nx > 1 or ny > 1) and nx < _BIG > ny:
                try:
                    r = ufunc(x, y)
                except ValueError:
                    raise broadcast_error(x.shape, y.shape) from None
                if not x.flags.c_contiguous or x.shape != y.shape and 1 in r.shape and not (
                        _is_canonical(x) and _is_canonical(y)):
                    r = _ti(r, x, y)        # TensorIterator's order: the first operand leads (mul(x.t(), y))
                return r
    return None


def _canonical_operands(x, y):
    """Neither array operand has a size-1 dim strided its own way (``_layout.is_canonical``)."""
    return (x.__class__ is not ndarray or _is_canonical(x)) and (y.__class__ is not ndarray or _is_canonical(y))


def fast_operator(ufunc, general):
    """The operator ``a * b`` (``ufunc``) as a tensor method: when both are plain tensors of one float
    dtype, neither needs a gradient and the result is neither one value nor large, there is no
    promotion to work out and no graph to record, so it is one NumPy call and a new tensor.  Every
    other case goes to ``general`` (the op itself), which gives the same answer the slow way.

    The checks of ``float_arrays`` and the body of ``_wrap`` are written out here rather than called:
    two Python calls are a sixth of the cost of ``a * b`` on a small tensor."""
    def operator(self, other):
        if other.__class__ is Tensor and self.__class__ is Tensor and not (self._rg or other._rg):
            x = self._data
            y = other._data
            xd = x.dtype
            if xd is y.dtype and (xd is _F32 or xd is _F64) and not GRAD.inference:
                nx = x.size
                ny = y.size
                if (nx > 1 or ny > 1) and nx < _BIG > ny:
                    try:
                        r = ufunc(x, y)
                    except ValueError:
                        raise broadcast_error(x.shape, y.shape) from None
                    # (a size-1 dim's own stride matters only where the result keeps the dim: a
                    # broadcast one has stride 0 in TensorIterator)
                    if not x.flags.c_contiguous or (nx != ny and (not nx or not ny or not r.flags.c_contiguous
                                                                  or 1 in r.shape
                                                                  and not (_is_canonical(x) and _is_canonical(y)))):
                        r = _ti(r, x, y)      # torch's TensorIterator layout (ops/_layout.py)
                    t = _new(Tensor)
                    t._data = r
                    t._rg = False
                    t.grad_fn = t._grad = t._accum = t._base = None
                    t._vc = [0]
                    t._out_nr = 0
                    if _CAPTURE_LEVELS:
                        _captures.born(t)
                    return t
        try:
            return general(self, other)
        except TypeError:       # torch declines the operand: Python tries the other side ([0] * n, "a" + t)
            return NotImplemented
    operator.__name__ = operator.__qualname__ = f"__{general.__name__}__"
    operator.__doc__ = general.__doc__
    operator.__wrapped__ = general
    return operator


def single(x, y, dt):
    """(x, y) as Python floats when a float32/float64 op on them gives one value (0-d tensors and
    numbers), else None.  The op is then done in Python floats and rounded once to float32 as it
    goes into the result (``single_result``): for + - * that is the correctly rounded float32
    answer (53 >= 2 * 24 + 2 bits), and it costs a tenth of a NumPy call on 0-d arrays."""
    npdt = dt.np
    if npdt is not _F32 and npdt is not _F64:
        return None
    if x.__class__ is ndarray:
        if x.ndim:
            return None
        fx = float(x)
    else:
        fx = _weak(x, npdt)
        if fx is None:
            return None
    if y.__class__ is ndarray:
        if y.ndim:
            return None
        return fx, float(y)
    fy = _weak(y, npdt)
    return None if fy is None else (fx, fy)


def _weak(v, npdt):
    """A Python number as the float the op computes with: torch casts it to the tensor's dtype."""
    c = v.__class__
    if npdt is _F64:
        return float(v) if c is float or c is int else None
    if c is int:
        return float(v) if -16777216 <= v <= 16777216 else None        # exact in float32
    if c is not float:
        return None
    r = _ROUND32.get(v)
    if r is None:
        if v != v or v == 0.0 or abs(v) > 3.4e38:
            return None
        r = float(np.float32(v))
        if len(_ROUND32) < 4096:          # a loop reuses a few constants; keep the cache small
            _ROUND32[v] = r
    return r


def single_result(v, npdt):
    """A 0-d array of dtype ``npdt`` holding Python float ``v`` (rounded once)."""
    r = _empty((), npdt)
    r[()] = v
    return r


def _number(x, dt):
    if isinstance(x, np.generic):          # torch's parser reads it as a Python int or float (number_dtype)
        x = int(x) if isinstance(x, np.integer) else float(x)
    if type(x) not in _SCALARS:
        if type(x) is complex and dt._cat == 3:
            return x
        from .._arg_refuse import refuse
        if isinstance(x, (list, tuple)):
            refuse(TypeError("unsupported operand: a list or tuple; make it a tensor with torch.tensor(...)"))
        refuse(TypeError(f"unsupported operand type: '{type(x).__name__}'"))
    if dt._cat == 0:
        return bool(x)
    if dt._cat == 1:
        return scalar_for(int(x), dt)
    return x


def check_broadcast(*shapes):
    """The shapes broadcast in order, as torch's TensorIterator does; its error (naming the shape so far as
    tensor a and the next as tensor b) where they do not."""
    if all(s == shapes[0] for s in shapes):           # the common case: nothing to broadcast
        return shapes[0]
    acc = ()
    for s in shapes:
        try:
            acc = np.broadcast_shapes(acc, s)
        except ValueError:
            raise broadcast_error(acc, s) from None
    return acc


def check_pair(a, b):
    """TensorIterator sizes its operands before it looks at their dtypes: two tensors that do not
    broadcast raise torch's "The size of tensor a ..." error ahead of any "not implemented for" one."""
    if a.__class__ is Tensor and b.__class__ is Tensor and a._data.shape != b._data.shape:
        check_broadcast(a._data.shape, b._data.shape)


def broadcast_error(sa, sb):
    """torch's message for shapes that do not broadcast (it checks from the last dim back)."""
    n = max(len(sa), len(sb))
    for i in range(n - 1, -1, -1):
        da = sa[i - n + len(sa)] if i - n + len(sa) >= 0 else 1
        db = sb[i - n + len(sb)] if i - n + len(sb) >= 0 else 1
        if da != db and da != 1 and db != 1:
            return RuntimeError(f"The size of tensor a ({da}) must match the size of tensor b ({db}) at "
                                f"non-singleton dimension {i}")
    return RuntimeError(f"shapes {list(sa)} and {list(sb)} cannot be broadcast")


_PYTHON_OPS = {np.add: operator.add, np.subtract: operator.sub, np.multiply: operator.mul}


def compute(ufunc, x, y, dt):
    """Apply a binary ufunc in torch's precision (float16 works in float32 and rounds once; a complex
    product rounds as torch's kernel does)."""
    try:
        if dt is not float16 and dt._cat != 3:
            nx = x.size if x.__class__ is ndarray else 0
            ny = y.size if y.__class__ is ndarray else 0
            if nx < _BIG > ny:
                pyop = _PYTHON_OPS.get(ufunc) if nx < 2 > ny else None
                if pyop is not None:
                    xy = single(x, y, dt)             # one value: Python floats, ten times cheaper
                    if xy is not None:
                        return single_result(pyop(*xy), dt.np)
                r = ufunc(x, y)
            else:                                  # a large result: cut into blocks over the cores
                r = _parallel.binary(ufunc, x, y)
            if r.__class__ is not ndarray:
                return np.asarray(r, dtype=dt.np)
            if (x.__class__ is not ndarray or x.flags.c_contiguous) and \
                    (y.__class__ is not ndarray or y.flags.c_contiguous) and r.size and \
                    (1 not in r.shape or _canonical_operands(x, y)):
                return r            # contiguous inputs: a contiguous result, torch's layout too
            return _ti(r, x, y)     # torch's TensorIterator layout (ops/_layout.py)
        return _ti(_compute(ufunc, x, y, dt), x, y)
    except ValueError:
        raise broadcast_error(np.shape(x), np.shape(y)) from None


def _compute(ufunc, x, y, dt):
    if ufunc is np.multiply and dt._cat == 3:
        from ._cabs import complex_multiply     # (ac - bd) + (ad + bc)i, rounded as torch's CPU kernel
        return np.asarray(complex_multiply(x, y), dtype=dt.np)
    if ufunc is np.true_divide and dt._cat == 3:
        from ._cdiv import complex_divide       # c10::complex's division with fused multiply-adds
        return complex_divide(x, y, dt.np)
    if dt is float16:
        if ufunc is np.add or ufunc is np.subtract:     # add / sub / rsub take a number rounded to half
            from ._half_scalar import rounded
            x, y = rounded(x), rounded(y)
        r = ufunc(np.asarray(x, np.float32) if isinstance(x, ndarray) else x,
                  np.asarray(y, np.float32) if isinstance(y, ndarray) else y)
        return np.asarray(r).astype(np.float16)
    r = ufunc(x, y)
    return r if r.__class__ is ndarray else np.asarray(r, dtype=dt.np)


__all__ = ["edge", "needs_grad", "zero_where", "record", "record1", "as_array", "is_tensor", "data_as", "binary_operands", "compute",
           "float_of", "unary_float_input", "fma32", "Tensor", "_wrap", "bool_", "float32", "GRAD"]
