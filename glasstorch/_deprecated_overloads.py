"""The deprecated overloads torch still binds (tools/autograd/deprecated.yaml), with the scalar first:

    x.add_(alpha, other)          ->  x.add_(other, alpha=alpha)       (also add, sub, sub_, torch.add/sub)
    x.addcmul_(value, t1, t2)     ->  x.addcmul_(t1, t2, value=value)  (also addcdiv, torch.addcmul/addcdiv)

0.4-era optimizers are full of them (``p.data.add_(-lr, d_p)``, ``exp_avg_sq.addcmul_(1 - beta2, g, g)``).
torch's parser warns once per process for all of them together (one TORCH_WARN_ONCE site), naming the
overload the call took and the one to use instead.
"""
import numpy as np

from ._user_warning import warn_once

_SITE = " (Triggered internally at /__w/pytorch/pytorch/torch/csrc/utils/python_arg_parser.cpp:1841.)"
# name -> (scalar's name, the tensors' names)
_SHAPES = {"add": ("alpha", ("other",)), "sub": ("alpha", ("other",)),
           "addcmul": ("value", ("tensor1", "tensor2")), "addcdiv": ("value", ("tensor1", "tensor2"))}


def _is_number(x):
    from ._tensor import Tensor
    return isinstance(x, (int, float, complex, np.number, np.bool_)) and not isinstance(x, Tensor)


def _message(name, method):
    scalar, tensors = _SHAPES[name.rstrip("_")]
    ts = ", ".join(f"Tensor {t}" for t in tensors)
    if method:
        old = f"{name}(Number {scalar}, {ts})"
        new = f"{name}({ts}, *, Number {scalar} = 1)"
    else:
        old = f"{name}(Tensor input, Number {scalar}, {ts}, *, Tensor out = None)"
        new = f"{name}(Tensor input, {ts}, *, Number {scalar} = 1, Tensor out = None)"
    return (f"This overload of {name} is deprecated:\n\t{old}\nConsider using one of the following signatures "
            f"instead:\n\t{new}{_SITE}")


def rebind(name, method, args):
    """``args``, the positional arguments after ``self``/``input`` of a call that has more of them than
    the current signature takes, read as the deprecated overload: returns ``(scalar, *tensors)`` after
    warning (once per process), or raises torch's TypeError when the call is not that overload."""
    tensors = _SHAPES[name.rstrip("_")][1]
    if len(args) != len(tensors) + 1 or not _is_number(args[0]):
        extra = 0 if method else 1
        n = len(tensors) + extra
        raise TypeError(f"{name}() takes {n} positional argument{'s' if n != 1 else ''} but "
                        f"{len(args) + extra} were given")
    warn_once("deprecated_overload", _message(name, method))
    return args


# ---- beta (and alpha) first: addmm, addmv, addr, addbmm, baddbmm and their in-place methods -------------
_BLAS = {"addmm": ("mat1", "mat2"), "addmv": ("mat", "vec"), "addr": ("vec1", "vec2"),
         "addbmm": ("batch1", "batch2"), "baddbmm": ("batch1", "batch2")}
_OUT_DTYPE = ("addmm", "baddbmm")          # their functions have a second current signature


def _blas_message(name, method, with_alpha):
    t1, t2 = _BLAS[name.rstrip("_")]
    ts = f"Tensor {t1}, Tensor {t2}"
    scalars = "Number beta, Number alpha" if with_alpha else "Number beta"
    if method:
        old, new = [f"{name}({scalars}, {ts})"], [f"{name}({ts}, *, Number beta = 1, Number alpha = 1)"]
    else:
        alpha = "Number alpha, " if with_alpha else ""
        old = [f"{name}(Number beta, Tensor input, {alpha}{ts}, *, Tensor out = None)"]
        new = [f"{name}(Tensor input, {ts}, *, Number beta = 1, Number alpha = 1, Tensor out = None)"]
        if name in _OUT_DTYPE:
            new.append(f"{name}(Tensor input, {ts}, torch.dtype out_dtype, *, Number beta = 1, Number alpha = 1, "
                       "Tensor out = None)")
    return (f"This overload of {name} is deprecated:\n\t{old[0]}\nConsider using one of the following signatures "
            "instead:\n\t" + "\n\t".join(new) + _SITE)


def _blas_signatures(name, method):
    """torch's parser signatures of ``name`` (the deprecated ones hidden from its error messages)."""
    t1, t2 = _BLAS[name.rstrip("_")]
    ts, kw = f"Tensor {t1}, Tensor {t2}", "Scalar beta=1, Scalar alpha=1"
    if method:
        return (f"{name}({ts}, *, {kw})", f"{name}(Scalar beta, Scalar alpha, {ts})|deprecated",
                f"{name}(Scalar beta, {ts})|deprecated")
    sigs = [f"{name}(Tensor input, {ts}, *, {kw}, Tensor out=None)"]
    if name in _OUT_DTYPE:
        sigs.append(f"{name}(Tensor input, {ts}, ScalarType out_dtype, *, {kw}, Tensor out=None)")
    return tuple(sigs) + (f"{name}(Scalar beta, Tensor input, Scalar alpha, {ts}, *, Tensor out=None)|deprecated",
                          f"{name}(Scalar beta, Tensor input, {ts}, *, Tensor out=None)|deprecated")


def rebind_blas(name, method, args, beta, alpha):
    """A call of ``name`` with more positional arguments than its signature takes (``args``: all of them,
    after ``self`` for a method), read as the deprecated overload with beta (then optionally alpha)
    first: returns ``(input, t1, t2, beta, alpha)`` (input None for a method) after the once-per-process
    warning, or raises torch's parser error when the call is not that overload either."""
    from ._tensor import Tensor
    full = 4 if method else 5                      # the long form; the short one has no alpha
    at = (0, 1) if method else (0, 2)              # where beta and alpha stand
    scalars = at[:len(args) - full + 2] if len(args) in (full - 1, full) else ()
    rest = [a for i, a in enumerate(args) if i not in scalars]
    if not (scalars and beta == 1 and alpha == 1 and all(_is_number(args[i]) for i in scalars)
            and all(isinstance(t, Tensor) for t in rest)):
        from ._arg_parser import parser_error
        given = {k: v for k, v in (("beta", beta), ("alpha", alpha)) if not (v == 1 and v.__class__ is int)}
        raise parser_error(_blas_signatures(name, method), tuple(args), given)
    warn_once("deprecated_overload", _blas_message(name, method, len(scalars) == 2))
    beta, alpha = args[0], (args[at[1]] if len(scalars) == 2 else 1)
    inp = None if method else rest.pop(0)
    return (inp, rest[0], rest[1], beta, alpha)
