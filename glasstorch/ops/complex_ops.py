"""Complex tensors: complex, polar, view_as_complex/view_as_real, real/imag, abs, angle, conj.

Gradients follow torch's convention (see complex_grad.py): for a real loss, ``z.grad`` is
``dL/da + i dL/db`` where ``z = a + ib``.  These ops are not holomorphic, so each node here is
complex-aware (``_complex_ready``) and states its formula in that convention.

``conj`` is eager: torch returns a lazy view with its conj bit set; glasstorch copies the values
and remembers the bit (``is_conj()``), so printing, arithmetic and gradients agree with torch, but
writing into ``z.conj()`` does not write into ``z``.
"""
import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..autograd.graph import Node
from ._common import GRAD, _wrap, as_array, record, record1
from ._common import check_broadcast, tensors_only
from .shape import as_view, is_array
from ._layout import ti as _ti
from .._arg_refuse import not_a_tensor

_NAMES = {"float16": "Half", "float32": "Float", "float64": "Double", "int64": "Long", "int32": "Int",
          "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool",
          "complex64": "ComplexFloat", "complex128": "ComplexDouble"}


def _name(x):
    return _NAMES[x.dtype.name]


def _from_parts(re, im):
    """The complex array with real part ``re`` and imaginary part ``im``, copied exactly (signed zeros kept)."""
    z = np.empty(np.shape(re), np.result_type(re.dtype, np.complex64))
    z.real, z.imag = re, im
    return z


def _to_complex(g):
    return g.astype(np.result_type(g.dtype, np.complex64)) if is_array(g) else g * (1 + 0j)


# ---- complex / polar --------------------------------------------------------------------
def _check_pair(re, im):
    a, b = re._data, im._data
    if a.dtype.kind != "f" or b.dtype.kind != "f":
        raise RuntimeError(f"Expected both inputs to be Half, Float or Double tensors but got {_name(a)} and {_name(b)}")
    if a.dtype != b.dtype:
        raise RuntimeError(f"Expected object of scalar type {_name(a)} but got scalar type {_name(b)} for second argument")
    if a.dtype == np.float16:
        raise TypeError("glasstorch does not support dtype torch.complex32 (complex of two float16 tensors)")
    return a, b


class ComplexBackward0(Node):
    """z = re + i im   ->   d re = Re(g),   d im = Im(g)"""
    __slots__ = ()
    _complex_ready = True

    def backward(self, g):
        return g.real, g.imag


def complex(real, imag, *, out=None):
    tensors_only('complex', real, imag)
    a, b = _check_pair(real, imag)
    r = np.empty(check_broadcast(a.shape, b.shape), np.result_type(a.dtype, np.complex64))
    r.real = a
    r.imag = b
    r = _wrap(_ti(r, a, b))         # TensorIterator's layout (complex(x.t(), y.t()) is column-major)
    if GRAD.enabled and (real._rg or imag._rg):
        record(ComplexBackward0(), r, real, imag)
    return r


class PolarBackward0(Node):
    """z = r e^{i theta}   ->   dr = Re(conj(g) sgn(z)),   dtheta = Re(conj(g) i z)"""
    __slots__ = ()
    _complex_ready = True

    def backward(self, g):
        # torch's polar_backward, each step rounded as torch's complex kernels round it (ops/_cabs.py)
        from ._cabs import complex_multiply, complex_sgn_values
        z, = self.saved()
        if not is_array(g):           # create_graph: torch's ops, recorded (complex_double.py)
            from .complex_double import polar_backward
            return polar_backward(g, z)
        gc = np.conj(g)
        i = np.asarray(1j, z.dtype)
        return (complex_multiply(gc, complex_sgn_values(z)).real,
                complex_multiply(gc, complex_multiply(z, i)).real)


def polar(abs, angle, *, out=None):
    tensors_only('polar', abs, angle)
    a, t = _check_pair(abs, angle)
    r = np.empty(check_broadcast(a.shape, t.shape), np.result_type(a.dtype, np.complex64))
    from . import _libm                   # torch's float32 sin/cos are correctly rounded; NumPy's are not
    r.real = a * _libm.cos(t)
    r.imag = a * _libm.sin(t)
    r = _wrap(_ti(r, a, t))
    if GRAD.enabled and (abs._rg or angle._rg):
        node = PolarBackward0()
        node.save(r, result_at=0)
        record(node, r, abs, angle)
    return r


# ---- view_as_complex / view_as_real ----------------------------------------------------------
class ViewAsComplexBackward0(Node):
    """z = x[..., 0] + i x[..., 1]   ->   dx = view_as_real(g)"""
    __slots__ = ()
    _complex_ready = True

    def backward(self, g):
        if not is_array(g):
            from .complex_double import view_as_complex_backward
            return (view_as_complex_backward(g),)
        return (np.stack((g.real, g.imag), -1),)


def view_as_complex(input):
    x = input._data
    if x.dtype.kind != "f":
        raise RuntimeError("view_as_complex is only supported for half, float and double tensors, but got a "
                           f"tensor of scalar type: {_name(x)}")
    if x.dtype == np.float16:
        raise TypeError("glasstorch does not support dtype torch.complex32 (view_as_complex of a float16 tensor)")
    if x.ndim == 0:
        raise RuntimeError("Input tensor must have one or more dimensions")
    if x.shape[-1] != 2:
        raise RuntimeError("Tensor must have a last dimension of size 2")
    item = x.itemsize
    if x.strides[-1] != item:
        raise RuntimeError("Tensor must have a last dimension with stride 1")
    if any(s % (2 * item) for s, n in zip(x.strides[:-1], x.shape[:-1]) if n > 1):
        raise RuntimeError("Tensor must have a stride divisible by 2 for all but last dimension")
    from .storage import storage_offset
    if storage_offset(input) % 2:
        raise RuntimeError("Tensor must have a storage_offset divisible by 2")
    z = x.view(np.complex64 if x.dtype == np.float32 else np.complex128)[..., 0]
    r = as_view(input, z)
    if GRAD.enabled and input._rg:
        record1(ViewAsComplexBackward0(), r, input)
    return r


def _real_pairs(z):
    """A real NumPy view of complex array ``z`` with a trailing axis of 2: (re, im)."""
    re = z.real
    return as_strided(re, z.shape + (2,), re.strides + (re.itemsize,))


class ViewAsRealBackward0(Node):
    """x = (Re z, Im z) stacked last   ->   dz = g[..., 0] + i g[..., 1]"""
    __slots__ = ()
    _complex_ready = True

    def backward(self, g):
        if not is_array(g):
            from .complex_double import view_as_real_backward
            return (view_as_real_backward(g),)
        return _from_parts(g[..., 0], g[..., 1]),


def view_as_real(input):
    z = input._data
    if z.dtype.kind != "c":
        raise RuntimeError("view_as_real is only supported for complex tensors")
    if input.is_conj():
        raise RuntimeError("view_as_real doesn't work on unresolved conjugated tensors.  To resolve the conjugate "
                           "tensor so you can view it as real, use self.resolve_conj(); however, be warned that "
                           "the resulting tensor will NOT alias the original.")
    r = as_view(input, _real_pairs(z))
    if GRAD.enabled and input._rg:
        record1(ViewAsRealBackward0(), r, input)
    return r


# ---- real / imag --------------------------------------------------------------------------
class SelectBackward0(Node):
    """x = Re z (or Im z): torch selects from view_as_real(z)   ->   dz = g (or i g)"""
    __slots__ = ("part", "of_conj")
    _complex_ready = True

    def backward(self, g):
        if not is_array(g):
            from .complex_double import part_backward
            return (part_backward(g, self.part),)
        zero = np.zeros_like(g)       # torch fills the other half with zeros: +0.0, never g * 1j's -0.0
        if getattr(self, "of_conj", False):   # torch: -0.0 after ConjBackward0 for imag (its neg view's
            zero = -zero                      # backward), +0.0 for real: so -0.0 leaves here
        return (_from_parts(g, zero) if self.part == 0 else _from_parts(zero, g)),


def _part(input, part):
    z = input._data
    r = as_view(input, z.real if part == 0 else z.imag)
    if GRAD.enabled and input._rg:
        node = SelectBackward0()
        node.part = part
        if input.__dict__.get("_is_conj"):
            node.of_conj = True
        record1(node, r, input)
    return r


def real(input):
    try:
        x = input._data
    except AttributeError:      # a non-tensor: torch's parser error
        not_a_tensor()
    if x.dtype.kind != "c":
        return input
    return _part(input, 0)


def imag(input):
    try:
        x = input._data
    except AttributeError:      # a non-tensor: torch's parser error
        not_a_tensor()
    if x.dtype.kind != "c":
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
    r = _part(input, 1)
    if input.__dict__.get("_is_conj"):
        # torch's imag of a conj view is a view with the negative bit set (its values already negated here)
        r.__dict__["_is_neg"] = True
    return r


# ---- abs / angle ----------------------------------------------------------------------------
class AbsBackward0(Node):
    """y = |z|   ->   dz = g sgn(z)  (0 at z = 0)"""
    __slots__ = ()
    _complex_ready = True

    def backward(self, g):
        z, = self.saved()
        if isinstance(z, (np.ndarray, np.generic)):
            from ._cabs import complex_sgn_values    # torch's sgn kernel, rounding included
            return (g * complex_sgn_values(z),)
        return (g * z.sgn(),)                   # create_graph: differentiable again


def complex_abs(input):
    """abs of a complex tensor (real result); unary.abs sends complex inputs here."""
    from ._cabs import abs_kernel_values      # torch's hypots (np.abs rounds otherwise)
    r = _wrap(as_array(abs_kernel_values(input._data)))
    if GRAD.enabled and input._rg:
        node = AbsBackward0()
        node.save(input)
        record1(node, r, input)
    return r


class AngleBackward0(Node):
    """y = atan2(Im z, Re z)   ->   dz = g i z / |z|^2  (0 at z = 0; 0 for real z)"""
    __slots__ = ()
    _complex_ready = True

    def backward(self, g):
        z, = self.saved()
        if not is_array(g):
            from .complex_double import angle_backward
            return (angle_backward(g, z),)
        if z.dtype.kind != "c":
            return (np.zeros_like(g),)
        # torch's angle_backward: (g * z) / |z|.pow(2) * i, |z| correctly rounded and the product by i
        # rounded as torch's complex kernel (ops/_cabs.py)
        from ._cabs import complex_abs_values, complex_multiply
        mag = complex_abs_values(z)
        with np.errstate(all="ignore"):
            q = np.asarray((g * z) / (mag * mag), z.dtype)
        out = complex_multiply(q, np.asarray(1j, z.dtype))
        return (np.where(z == 0, z.dtype.type(0), out),)


def angle(input, *, out=None):
    x = input._data
    if x.dtype.kind == "c":
        from ._layout import contig     # torch writes into a fresh out= tensor: row-major
        if x.dtype == np.complex64:     # SLEEF's atan2 in the kernel's vector blocks
            from ._sleef_atan2f import complex64_angle
            r = contig(complex64_angle(x))
        elif x.dtype == np.complex128:
            from ._sleef_atan2d import complex128_angle
            r = contig(complex128_angle(x))
        else:
            r = contig(np.angle(x))
    else:
        # torch: pi for negatives, 0 otherwise (also for -0.0), nan stays nan; integers give floats
        if x.dtype.kind != "f":
            from .._dtype import DEFAULT
            x = x.astype(DEFAULT.float.np)
        r = np.where(x < 0, x.dtype.type(np.pi), x.dtype.type(0))
        r = np.where(np.isnan(x), x, r)
    r = _wrap(as_array(r))
    if GRAD.enabled and input._rg:
        node = AngleBackward0()
        node.save(input)
        record1(node, r, input)
    return r


# ---- conj ----------------------------------------------------------------------------------
class ConjBackward0(Node):
    """y = conj(z)   ->   dz = conj(g)"""
    __slots__ = ()
    _complex_ready = True

    def backward(self, g):
        return (g.conj(),)


class ConjPhysicalBackward0(ConjBackward0):
    """y = conj_physical(z)   ->   dz = conj(g)"""
    __slots__ = ()


class ConjPhysicalBackward1(ConjBackward0):
    """z.conj_physical_() (in place)   ->   dz = conj(g)"""
    __slots__ = ()


class CloneBackward0(Node):
    """y = z (resolve_conj copies)   ->   dz = g"""
    __slots__ = ()
    _complex_ready = True

    def backward(self, g):
        return (g,)


def _conj_copy(input, node_cls, lazy):
    # torch's lazy conj is a view (the input's strides), conj_physical an empty_like(input): NumPy's
    # ufunc would restride size-1 dims its own way
    from ._layout import elem_strides, preserve, with_strides
    x = input._data
    r = _wrap(with_strides(np.conj(x), elem_strides(x)) if lazy and x.ndim else preserve(np.conj(x), x))
    if lazy:
        r.__dict__["_is_conj"] = True
    if GRAD.enabled and input._rg:
        record1(node_cls(), r, input)
    return r


def conj(input):
    try:
        x = input._data
    except AttributeError:      # a non-tensor: torch's parser error
        not_a_tensor()
    if x.dtype.kind != "c":
        return input
    if input.is_conj():
        # conj of a conj view is a view of the original values, with the bit cleared
        return _conj_copy(input, ConjBackward0, False)
    return _conj_copy(input, ConjBackward0, True)


def conj_physical(input, *, out=None):
    if input._data.dtype.kind != "c":
        return input
    return _conj_copy(input, ConjPhysicalBackward0, False)


def conj_physical_inplace(input):
    """The value ``z.conj_physical_()`` writes (recorded as ConjPhysicalBackward1)."""
    return _conj_copy(input, ConjPhysicalBackward1, False)


def resolve_conj(input):
    if not input.is_conj():
        return input
    r = _wrap(input._data.copy())
    if GRAD.enabled and input._rg:
        record1(CloneBackward0(), r, input)
    return r


def resolve_neg(input):
    """A neg-bit view materialised: a copy without the bit (CloneBackward0); any other tensor itself."""
    if not input.__dict__.get("_is_neg"):
        return input
    r = _wrap(input._data.copy())
    if GRAD.enabled and input._rg:
        record1(CloneBackward0(), r, input)
    return r


def is_conj(input):
    return input.__dict__.get("_is_conj", False)


def is_neg(input):
    return input.__dict__.get("_is_neg", False)


__all__ = ["complex", "polar", "view_as_complex", "view_as_real", "real", "imag", "angle", "conj",
           "conj_physical", "resolve_conj", "resolve_neg", "is_conj", "is_neg", "complex_abs"]
