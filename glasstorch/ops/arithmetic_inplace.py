"""The in-place arithmetic forms (``x.add_(y)``, ``x.mul_(y)``, ...): each one computes the out-of-place op
(``arithmetic.py``) and commits the result into ``self`` (``inplace.commit``: the version counter, the
graph's CopySlices / rebase), except ``add_`` without a graph, the optimizers' path, which writes
straight into the array."""
import numpy as np

from .._dtype import FROM_NP as FROM_NP_F
from ._common import GRAD, Tensor
from .inplace import commit, check_overlap, views_follow
from .. import _func_captures as _captures
from .._func_captures import LEVELS as _CAPTURE_LEVELS
from .._functorch_active import DEPTH as _FUNCTORCH_DEPTH
from .._vmap_inplace_target import check as _vmap_target_check
from .arithmetic import _alpha, _axpy, _floor_divide, _grad_alpha, _is_t, _rg, add, div, mul, neg, pow, sub
from ._div_mode import UNSET


def add_(self, other, *, alpha=1):
    if _CAPTURE_LEVELS:
        _captures.check(self, "aten::add_.Tensor")
    if alpha.__class__ is not int:
        _grad_alpha("add_", alpha)
    check_overlap(self, other)
    if _FUNCTORCH_DEPTH[1] and _vmap_target_check("add", self, (other,)):
        return self         # (made once, by vmap's first entry: _vmap_inplace_target.py)
    if not GRAD.enabled or not (self._rg or _rg(other)):
        # the optimizer's path: no graph, write straight into the array
        x = self._data
        y = other._data if _is_t(other) else other
        if x.dtype.kind == "f" and (not _is_t(other) or other._data.dtype == x.dtype) and x.shape == np.shape(y):
            if alpha == 1 and alpha is not True:
                np.add(x, y, out=x)
            else:
                np.copyto(x, _axpy(x, y, _alpha(alpha), FROM_NP_F[x.dtype]))
            self._vc[0] += 1
            if self._base is not None or self.__dict__:
                views_follow(self)
            return self
    return commit(self, lambda: add(self, other, alpha=alpha), "add", grad_inputs=(other,))


def sub_(self, other, *, alpha=1):
    if alpha.__class__ is not int:
        _grad_alpha("sub_", alpha)
    check_overlap(self, other)
    return commit(self, lambda: sub(self, other, alpha=alpha), "sub", grad_inputs=(other,))


def _self_for(self, other):
    """``self`` as the in-place op should read it: a copy when ``other``'s gradient needs the original
    ``self`` (torch saves a clone then; saving ``self`` would trip the version check at backward)."""
    if isinstance(other, Tensor) and other._rg and GRAD.enabled:
        from .inplace_more import original
        return original(self)
    return self


def mul_(self, other):
    check_overlap(self, other)
    return commit(self, lambda: mul(_self_for(self, other), other), "mul", grad_inputs=(other,))


def div_(self, other, *, rounding_mode=UNSET):
    if _CAPTURE_LEVELS:
        _captures.check(self, "aten::div_.Tensor" if rounding_mode is UNSET else "aten::div_.Tensor_mode")
    check_overlap(self, other)
    return commit(self, lambda: div(_self_for(self, other), other, rounding_mode=rounding_mode), "div",
                  grad_inputs=(other,))


def floor_divide_(self, other):
    return commit(self, lambda: _floor_divide(self, other, "floor_divide_"), "floor_divide", inputs=(other,))


def pow_(self, exponent):
    from .inplace_more import original     # (both gradients read the original self)
    return commit(self, lambda: pow(original(self), exponent), "pow", inputs=(exponent,))


def neg_(self):
    return commit(self, lambda: neg(self), "neg")
