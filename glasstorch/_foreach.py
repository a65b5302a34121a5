"""``torch._foreach_*``: one op applied to each tensor of a list (optimizers' multi-tensor paths, EMA
updates written as ``torch._foreach_mul_(params_k, m); torch._foreach_add_(params_k, params_q,
alpha=1 - m)``).

On the CPU torch runs these as a loop over the per-tensor op (its "slow path"), so each result here is
the per-tensor op's, bit for bit, with its gradient; only the grad_fn takes torch's foreach name
(``ForeachMulBackward1Scalar``: the per-tensor node, renamed).  The in-place forms return the list
they were given; the others return a tuple.

    _foreach_add(self, other, alpha=1)   ->   tuple(self[i] + alpha * other[i])   (other: number, list or tensor)
"""
import numbers

import numpy as np

from . import _func_captures as _captures
from ._tensor import Tensor

# (op, kind of the second argument) -> torch's grad_fn name; kinds: Scalar, List, ScalarList, Tensor
_NAMES = {}
for _op, _cap in (("add", "Add"), ("sub", "Sub"), ("mul", "Mul"), ("div", "Div")):
    _NAMES[_op, "Scalar"] = f"Foreach{_cap}Backward1Scalar"
    _NAMES[_op, "List"] = f"Foreach{_cap}Backward0List"
    _NAMES[_op, "ScalarList"] = f"Foreach{_cap}Backward1ScalarList"
    _NAMES[_op, "Tensor"] = f"Foreach{_cap}Backward0Tensor"
_NAMES["add", "Tensor"], _NAMES["sub", "Tensor"] = "ForeachAddBackward1Scalar", "ForeachSubBackward1Scalar"
_NAMES["div", "List"] = "ForeachDivBackward0"
for _op, _cap in (("maximum", "Maximum"), ("minimum", "Minimum")):
    _NAMES[_op, "Scalar"] = f"Foreach{_cap}Backward0"
    _NAMES[_op, "List"] = f"Foreach{_cap}Backward0List"
    _NAMES[_op, "ScalarList"] = f"Foreach{_cap}Backward1"
for _op, _cap in (("clamp_min", "ClampMin"), ("clamp_max", "ClampMax")):
    _NAMES[_op, "Scalar"] = f"Foreach{_cap}Backward0Scalar"
    _NAMES[_op, "List"] = f"Foreach{_cap}Backward1List"
    _NAMES[_op, "ScalarList"] = f"Foreach{_cap}Backward0ScalarList"
_NAMES.update({("pow", "Scalar"): "ForeachPowBackward0Scalar", ("pow", "List"): "ForeachPowBackward0",
               ("pow", "ScalarList"): "ForeachPowBackward1", ("pow", "Base"): "ForeachPowBackward2",
               ("lerp", "Scalar"): "ForeachLerpBackward0Scalar", ("lerp", "List"): "ForeachLerpBackward1List",
               ("lerp", "ScalarList"): "ForeachLerpBackward0ScalarList",
               ("addcmul", "Scalar"): "ForeachAddcmulBackward0Scalar",
               ("addcmul", "ScalarList"): "ForeachAddcmulBackward0ScalarList",
               ("addcdiv", "Scalar"): "ForeachAddcdivBackward0Scalar",
               ("addcdiv", "ScalarList"): "ForeachAddcdivBackward0ScalarList",
               ("norm", None): "ForeachNormBackward0", ("max", None): "ForeachMaxBackward1"})

_RENAMED = {}
# the foreach nodes torch gives a Python class of their own; the others' type is the generic CppFunction
_CLASSED = {"ForeachDivBackward0", "ForeachMaximumBackward0", "ForeachMaximumBackward1", "ForeachMinimumBackward0",
            "ForeachMinimumBackward1", "ForeachPowBackward0", "ForeachPowBackward1", "ForeachPowBackward2",
            "ForeachNormBackward0"}


def _m():
    import glasstorch
    return glasstorch


def _renamed(t, name):
    """``t`` with its grad_fn's class swapped for a subclass (same slots, same backward) whose ``name()``
    is ``name``.  Most foreach nodes have no Python class of their own in torch: their type is ``CppFunction``."""
    fn = getattr(t, "grad_fn", None)
    if fn is None or name is None:
        return t
    cls = type(fn)
    sub = _RENAMED.get((cls, name))
    if sub is None:
        cpp = name.startswith("Foreach") and name not in _CLASSED
        sub = _RENAMED[cls, name] = type("CppFunction" if cpp else name, (cls,), {
            "__slots__": (), "__doc__": cls.__doc__, "name": lambda self: name,
            "__module__": "builtins" if cpp else cls.__module__})
    fn.__class__ = sub
    return t


def _check_list(tensors):
    if not isinstance(tensors, (list, tuple)) or not all(isinstance(t, Tensor) for t in tensors):
        raise TypeError(f"expected a list or tuple of Tensors, got {type(tensors).__name__}")
    if len(tensors) == 0:
        raise RuntimeError("Tensor list must have at least one tensor.")


def _same_len(a, b):
    if len(a) != len(b):
        raise RuntimeError(f"Tensor lists must have the same number of tensors, got {len(a)} and {len(b)}")


def _kind(other, n):
    """How the second argument is spread over ``n`` tensors: its kind and the per-tensor values."""
    if isinstance(other, Tensor):
        if other.dim() != 0:
            raise RuntimeError(f"scalar tensor expected to be 0 dim but it has {other.dim()} dimensions and "
                               f"{other.numel()} elements.")
        return "Tensor", [other] * n
    if isinstance(other, (list, tuple)):
        if all(isinstance(o, Tensor) for o in other):      # (an empty list too, as torch's parser reads it)
            _same_len(range(n), other)
            return "List", list(other)
        if len(other) != n:
            raise RuntimeError("Tensor list must have same number of elements as scalar list.")
        return "ScalarList", list(other)
    if isinstance(other, (numbers.Number, bool)):
        return "Scalar", [other] * n
    raise TypeError(f"received an invalid second argument of type {type(other).__name__}")


def _results(out, inplace, tensors):
    if inplace:
        return tensors
    return tuple(out)


# ---- binary ops: add, sub, mul, div, maximum, minimum, clamp_min, clamp_max, pow -------------------
def _per_tensor(op, m, t, o, alpha, inplace):
    if op in ("add", "sub"):
        f = getattr(t, op + ("_" if inplace else ""))
        return f(o) if alpha == 1 else f(o, alpha=alpha)
    if op in ("mul", "div", "pow", "clamp_min", "clamp_max"):
        if op == "mul" and inplace and t.dtype == m.float16 and isinstance(o, (int, float)):
            o = float(np.float16(o))        # torch's in-place loop takes a number as float16 (mul_ does not)
        return getattr(t, op + ("_" if inplace else ""))(o)
    if inplace:                 # maximum_ / minimum_: _foreach_minmax.py
        from ._foreach_minmax import inplace_minmax
        return inplace_minmax(m, op, t, o)
    # maximum / minimum against a number: the number as a 0-d tensor (gradient split at ties, as torch)
    if not isinstance(o, Tensor):
        o = m.tensor(o, dtype=m.result_type(t, o))
    return getattr(t, op + ("_" if inplace else ""))(o) if inplace else getattr(m, op)(t, o)


def _binary(op, inplace):
    def fn(self, other, *, alpha=1):
        m = _m()
        if op == "pow" and isinstance(self, numbers.Number):      # _foreach_pow(scalar, exponents)
            _check_list(other)
            return tuple(_renamed(m.pow(self, e), _NAMES["pow", "Base"]) for e in other)
        _check_list(self)
        kind, others = _kind(other, len(self))
        if kind == "Tensor" and op not in ("add", "sub", "mul", "div"):
            kind, others = "Scalar", [other.item()] * len(self)
        name = _NAMES.get((op, kind))
        if inplace:     # torch's loop calls the per-tensor op's Scalar overload: AddBackward1 ...
            name = op.capitalize() + "Backward1" if (op in ("add", "sub", "mul", "div") and kind in (
                "Scalar", "ScalarList") or op in ("add", "sub") and kind == "Tensor") else None
        out = [_renamed(_per_tensor(op, m, t, o, alpha, inplace), name) for t, o in zip(self, others)]
        return _results(out, inplace, self)
    fn.__name__ = f"_foreach_{op}{'_' if inplace else ''}"
    fn.__doc__ = f"tuple({op}(self[i], other[i]))" + ("   (in place)" if inplace else "")
    return fn


# ---- unary ops ---------------------------------------------------------------------------------------
_UNARY = ("abs", "acos", "asin", "atan", "ceil", "cos", "cosh", "erf", "erfc", "exp", "expm1", "floor", "frac",
          "lgamma", "log", "log10", "log1p", "log2", "neg", "reciprocal", "round", "rsqrt", "sigmoid", "sign", "sin",
          "sinh", "sqrt", "tan", "tanh", "trunc")


def _node_name(op):
    return "Foreach" + op[0].upper() + op[1:].replace("1p", "1P") + "Backward0"


def _unary(op, inplace):
    def fn(self):
        _check_list(self)
        if inplace:
            for t in self:
                getattr(t, op + "_")()
            return self
        return tuple(_renamed(getattr(t, op)(), _node_name(op)) for t in self)
    fn.__name__ = f"_foreach_{op}{'_' if inplace else ''}"
    fn.__doc__ = f"tuple({op}(self[i]))" + ("   (in place)" if inplace else "")
    return fn


def _foreach_clone(self, *, memory_format=None):
    """tuple(self[i].clone())"""
    _check_list(self)
    return tuple(_renamed(t.clone() if memory_format is None else t.clone(memory_format=memory_format),
                          "ForeachCloneBackward0") for t in self)


def _foreach_zero_(self):
    """self[i].zero_() for each i"""
    _check_list(self)
    for t in self:
        t.zero_()
    return self


def _foreach_copy_(self, src, non_blocking=False):
    """self[i].copy_(src[i]) for each i"""
    _check_list(self)
    _check_list(src)
    _same_len(self, src)
    for t, s in zip(self, src):
        t.copy_(s, non_blocking)
    return self


# ---- ternary: lerp, addcmul, addcdiv ------------------------------------------------------------------
def _lerp(inplace):
    def fn(*args, **kwargs):
        if len(args) == 3 and not kwargs and isinstance(args[2], numbers.Number) and \
                isinstance(args[0], (list, tuple)) and isinstance(args[1], (list, tuple)):
            self, tensors1, weight = args          # the common call: a number weight
        else:
            # torch's parser picks among (.., Scalar weight), (.., ScalarList weight), (.., TensorList
            # weights): keywords, a 1-d tensor or a string, missing or extra arguments fail as it fails
            self, tensors1, weight = _bind(_lerp_signatures(fn.__name__), args, kwargs)
        _check_list(self)
        _check_list(tensors1)
        _same_len(self, tensors1)
        kind, ws = _kind(weight, len(self))
        if kind == "Tensor":
            kind, ws = "Scalar", [weight.item()] * len(self)
        name = None if inplace else _NAMES["lerp", kind]
        out = [_renamed(t.lerp_(e, w) if inplace else t.lerp(e, w), name) for t, e, w in zip(self, tensors1, ws)]
        return _results(out, inplace, self)
    fn.__name__ = "_foreach_lerp" + ("_" if inplace else "")
    fn.__doc__ = "tuple(self[i] + weight[i] * (tensors1[i] - self[i]))"
    return fn


def _lerp_signatures(name):
    return tuple(f"{name}(TensorList self, TensorList tensors1, {w})"
                 for w in ("Scalar weight", "ScalarList weight", "TensorList weights"))


def _bind(signatures, args, kwargs):
    """The values of the first signature that takes the call, in its parameter order; else torch's
    parser error."""
    from ._arg_parser import _parsed, parse, parser_error
    for sig in signatures:
        bound = parse(_parsed(sig), args, kwargs, False)
        if bound is not None:
            return list(bound.values())
    raise parser_error(signatures, args, kwargs)


def _addc(op, inplace):
    def fn(self, tensor1, tensor2, value=1, scalars=None):
        _check_list(self)
        _check_list(tensor1)
        _check_list(tensor2)
        _same_len(self, tensor1)
        _same_len(self, tensor2)
        v = value if scalars is None else scalars
        if isinstance(v, Tensor):
            kind, vs = "Tensor", v.tolist() if v.dim() else [v.item()] * len(self)
            if len(vs) != len(self):
                raise RuntimeError("Tensor list must have same number of elements as scalar list.")
        else:
            kind, vs = _kind(v, len(self))
        name = None if inplace else _NAMES.get((op, kind))
        out = [_renamed(getattr(t, op + ("_" if inplace else ""))(a, b, value=s), name)
               for t, a, b, s in zip(self, tensor1, tensor2, vs)]
        return _results(out, inplace, self)
    fn.__name__ = f"_foreach_{op}{'_' if inplace else ''}"
    fn.__doc__ = f"tuple(self[i] + value[i] * {'tensor1[i] * tensor2[i]' if op == 'addcmul' else 'tensor1[i] / tensor2[i]'})"
    return fn


# ---- reductions ---------------------------------------------------------------------------------------
def _foreach_norm(self, ord=2, dtype=None):
    """tuple(linalg.vector_norm(self[i], ord, dtype=dtype))"""
    _check_list(self)
    m = _m()
    return tuple(_renamed(m.linalg.vector_norm(t, ord, dtype=dtype), _NAMES["norm", None]) for t in self)


def _foreach_max(self):
    """tuple(self[i].max())"""
    _check_list(self)
    return tuple(_renamed(t.max(), _NAMES["max", None]) for t in self)


# ---- the names ------------------------------------------------------------------------------------------
__all__ = []


def _export(name, fn):
    if name.endswith("_"):
        fn = _captures.unchecked(fn)
    globals()[name] = fn
    __all__.append(name)


for _op in ("add", "sub", "mul", "div", "maximum", "minimum", "clamp_min", "clamp_max", "pow"):
    _export(f"_foreach_{_op}", _binary(_op, False))
    _export(f"_foreach_{_op}_", _binary(_op, True))
for _op in _UNARY:
    _export(f"_foreach_{_op}", _unary(_op, False))
    _export(f"_foreach_{_op}_", _unary(_op, True))
for _op in ("addcmul", "addcdiv"):
    _export(f"_foreach_{_op}", _addc(_op, False))
    _export(f"_foreach_{_op}_", _addc(_op, True))
_export("_foreach_lerp", _lerp(False))
_export("_foreach_lerp_", _lerp(True))
for _fn in (_foreach_clone, _foreach_zero_, _foreach_copy_, _foreach_norm, _foreach_max):
    __all__.append(_fn.__name__)
_foreach_zero_ = _captures.unchecked(_foreach_zero_)
_foreach_copy_ = _captures.unchecked(_foreach_copy_)
