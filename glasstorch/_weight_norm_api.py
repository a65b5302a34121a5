"""torch's top-level weight-norm primitives, which ``nn.utils.weight_norm`` and the
``weight_norm`` parametrization are built on:

* ``norm_except_dim(v, pow=2, dim=0)``: the ``pow``-norm of v over every dim but ``dim`` (size 1
  elsewhere); dim = -1 is the norm of the whole tensor.  As torch's WeightNorm.cpp: the first dim
  is a norm along dim 1 of a (size(0), -1) view, the last a norm along dim 0 of a (-1, size(-1))
  view, any other dim (a negative one included) goes through ``transpose(0, dim)`` and back;
* ``_weight_norm(v, g, dim=0)``: w = v * (g / norm_except_dim(v, 2, dim)), by the fused kernel
  (WeightNormInterfaceBackward0) for the first or last dim, by differentiable ops otherwise;
* ``_weight_norm_interface(v, g, dim=0)``: the fused kernel itself, (w, norm).
"""
import operator

from ._tensor import Tensor

__all__ = ["norm_except_dim", "_weight_norm", "_weight_norm_interface"]

_SIG_NED = "norm_except_dim(Tensor v, int64_t pow=2, int64_t dim=0)"
_SIG_WN = "_weight_norm(Tensor v, Tensor g, int64_t dim=0)"
_SIG_WNI = "_weight_norm_interface(Tensor v, Tensor g, int64_t dim=0)"


def _bind(sig, args, kwargs, names, defaults):
    """The arguments of a call by name, after torch's parser has looked at them (its TypeError for a
    wrong type or count, the position named as the caller gave it)."""
    bound = dict(zip(names, args))
    bound.update(kwargs)
    ok = len(args) <= len(names) and set(kwargs) <= set(names) and not set(kwargs) & set(names[:len(args)])
    if ok:
        for name, want in zip(names, _KINDS[sig]):
            x = bound.get(name, defaults.get(name))
            if x is _MISSING or not (isinstance(x, Tensor) if want == "Tensor" else x.__class__ is int):
                ok = False
    if not ok:
        from ._arg_parser import parser_error
        err = parser_error((sig,), args, kwargs)
        if err is not None:
            raise err
    # what the parser took for an int64_t (a NumPy integer, ...) as a Python int
    return [bound.get(n, defaults.get(n)) if k == "Tensor" else operator.index(bound.get(n, defaults.get(n)))
            for n, k in zip(names, _KINDS[sig])]


_MISSING = object()
_KINDS = {_SIG_NED: ("Tensor", "int", "int"), _SIG_WN: ("Tensor", "Tensor", "int"),
          _SIG_WNI: ("Tensor", "Tensor", "int")}


_NODE = []


def _norm_node():
    """torch's node of at::norm(v, p) (the C++ op, not torch.norm): the vector norm's formula."""
    if not _NODE:
        from .ops.norms import LinalgVectorNormBackward0
        _NODE.append(type("NormBackward0", (LinalgVectorNormBackward0,), {"__slots__": ()}))
    return _NODE[0]


def _norm(v, pow, dim=None):
    """at::norm (the C++ op): its dtype check, then the vector norm."""
    if v._data.dtype.kind not in "fc":
        raise RuntimeError(f"norm(): input dtype should be either floating point or complex. Got "
                           f"{_scalar_name(v)} instead.")
    if dim is None:
        r = v.norm(pow)
        if r.grad_fn is not None:
            r.grad_fn.__class__ = _norm_node()
        return r
    return v.norm(pow, dim)


def norm_except_dim(*args, **kwargs):
    v, pow, dim = _bind(_SIG_NED, args, kwargs, ("v", "pow", "dim"), {"v": _MISSING, "pow": 2, "dim": 0})
    if dim == -1:
        return _norm(v, pow)
    if dim == 0:
        shape = [1] * v.dim()
        shape[0] = v.size(0)
        return _norm(v.contiguous().view(v.size(0), -1), pow, 1).view(shape)
    if dim == v.dim() - 1:
        shape = [1] * v.dim()
        shape[-1] = v.size(-1)
        return _norm(v.contiguous().view(-1, v.size(-1)), pow, 0).view(shape)
    return norm_except_dim(v.transpose(0, dim), pow, 0).transpose(0, dim)


def _fused_checks(v, g):
    if v._data.dtype.kind != "f":
        raise NotImplementedError(f'"weight_norm_kernel" not implemented for \'{_scalar_name(v)}\'')
    if g._data.dtype != v._data.dtype:
        raise RuntimeError(f"expected scalar type {_scalar_name(v)} but found {_scalar_name(g)}")


_SCALAR_NAMES = {"bool": "Bool", "uint8": "Byte", "int8": "Char", "int16": "Short", "int32": "Int", "int64": "Long",
                 "float16": "Half", "float32": "Float", "float64": "Double", "complex64": "ComplexFloat",
                 "complex128": "ComplexDouble"}


def _scalar_name(t):
    name = str(t.dtype).replace("torch.", "")
    return _SCALAR_NAMES.get(name, name)


def _weight_norm_interface(*args, **kwargs):
    v, g, dim = _bind(_SIG_WNI, args, kwargs, ("v", "g", "dim"), {"v": _MISSING, "g": _MISSING, "dim": 0})
    from .nn.utils._weight_norm_op import weight_norm_interface
    v, g = v.contiguous(), g.contiguous()
    d = dim if dim >= 0 else dim + v.dim()
    if d not in (0, v.dim() - 1):
        raise RuntimeError(f"dim == 0 || dim == v.dim() - 1 INTERNAL ASSERT FAILED at \"/__w/pytorch/pytorch/aten/"
                           f"src/ATen/native/cpu/WeightNormKernel.cpp\":408, please report a bug to PyTorch. fused "
                           f"kernels can only be applied for first or last dim")
    _fused_checks(v, g)
    from .autograd._no_forward_ad import refuse_forward_ad      # no forward formula in torch's derivatives.yaml
    refuse_forward_ad("_weight_norm_interface", v, g)
    return weight_norm_interface(v, g, d, with_norm=True)


def _weight_norm(*args, **kwargs):
    v, g, dim = _bind(_SIG_WN, args, kwargs, ("v", "g", "dim"), {"v": _MISSING, "g": _MISSING, "dim": 0})
    from .nn.utils._weight_norm_op import weight_norm_interface
    v, g = v.contiguous(), g.contiguous()
    if dim == 0 or dim == v.dim() - 1:
        # float16 too: torch 2.13's CPU kernel accumulates it in float32
        _fused_checks(v, g)
        from .autograd._no_forward_ad import refuse_forward_ad      # the fused kernel has no forward formula
        refuse_forward_ad("_weight_norm_interface", v, g)
        return weight_norm_interface(v, g, dim)
    return v * (g / norm_except_dim(v, 2, dim))

